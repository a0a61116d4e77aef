"""Article records → the values of one index document, analysis included.

Title and text are analysed here, once each (one jieba cut): their words go
to the segment's word lexicon (indexer.lexicon) and their marked texts to its
substring net (indexer.sufarray, which makes the unit strings a segment at a
time: analysis.unit_arrays).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive.gazetteer import region_levels
from archive.labels import iso_from_yyyymmdd, to_yyyymmdd
from archive.model import Article, Bulletin
from indexer.analysis import cut

# An analysed text: the set of its words
Analysed = set[str]


@dataclass
class IndexDoc:
    """One article ready for the writer: plain field values plus analysed fields."""

    values: dict[str, Any]  # small fields (indexed by their Whoosh field) and stored values
    words: dict[str, Analysed]  # text name (schema.TEXTS) -> its words, for the lexicon
    units: tuple[str, str]  # marked texts of title and text (analysis.cut), for the substring net


# The one shape of an article read back from the index (hits, the bulletin view).
ARTICLE_KEYS = (
    "article_id", "bulletin_id", "series", "issue", "year", "date", "city", "place",
    "regions", "doc_type", "section", "order", "title", "text", "body",
)


def _deepest(paths: list[str]) -> list[str]:
    """The units an article mentions, without the ancestors indexed with them."""
    paths = [p for p in paths if p]
    ancestors = {o[:i] for o in paths for i, c in enumerate(o) if c == "/"}
    return [p for p in paths if p not in ancestors]


def read_article(stored: dict[str, Any]) -> dict[str, Any]:
    """An article's stored record (what `article_doc` stored) in the one article shape:
    ARTICLE_KEYS, the date as ISO, title and text never None."""
    out = {k: stored.get(k) for k in ARTICLE_KEYS}
    out["date"] = iso_from_yyyymmdd(stored.get("date"))
    out["regions"] = _deepest((stored.get("region") or "").split(","))
    out["title"] = out["title"] or ""
    out["text"] = out["text"] or ""
    return out


def source_path(stored: dict[str, Any]) -> str:
    """The corpus-relative path of the file an article came from."""
    return (stored.get("source") or "").rpartition("\t")[0]  # the hash holds no tab; a file name may


def source_key(relpath: str, sha256: str) -> str:
    """The manifest term of a source file: its corpus-relative path and content hash."""
    return f"{relpath}\t{sha256}"


def bulletin_meta(b: Bulletin) -> dict[str, Any]:
    """Issue-level values kept with every article (for the bulletin view)."""
    return {
        "format": b.format,
        "issue_total": b.issue_total,
        "issuer": b.issuer,
        "serial": b.serial,
        "copies": b.copies,
        "recipients": list(b.recipients),
        "warnings": list(b.warnings),  # read by the series report
        "kind": b.kind,  # 简报 or 公文
        "doc_type": b.doc_type,  # a 公文's 文种
        "ocr": [round(c, 4) for c in b.ocr],  # per-page OCR confidence when the text came from a scan
    }


def article_doc(b: Bulletin, a: Article, source: str) -> IndexDoc:
    """The index document of one article, analysed."""
    date = b.date
    values: dict[str, Any] = {
        "article_id": a.id,
        "bulletin_id": b.id,
        "source": source,
        "series": b.series,
        "issue": b.issue,
        "issue_total": b.issue_total,
        "year": b.year if b.year is not None else (date.year if date else None),
        "month": f"{date.year:04d}-{date.month:02d}" if date else None,
        "date": to_yyyymmdd(date),
        "issuer": b.issuer,
        "place": a.place,
        "city": a.city,
        "places": ",".join(a.places) if a.places else None,
        "region": ",".join(dict.fromkeys(lv for r in a.regions for lv in region_levels(r))) or None,
        "doc_type": b.doc_type,
        "section": a.section,
        "order": a.order,
        "meta": bulletin_meta(b),
        "body": a.body,
    }
    title_words, title_units = cut(a.title)
    text_words, text_units = cut(a.text)
    values["title"] = a.title
    values["text"] = a.text
    words = {"title": title_words, "text": text_words}
    return IndexDoc(values=values, words=words, units=(title_units, text_units))
