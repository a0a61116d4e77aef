"""Article records → the values of one index document, analysis included.

Title and text are analysed here, once each (one jieba cut): their words go
to the segment's word lexicon (indexer.store.lexicon) and their marked texts to its
substring net (indexer.store.sufarray, which makes the unit strings a segment at a
time: analysis.unit_arrays).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive.gazetteer import region_levels
from archive.labels import iso_from_yyyymmdd, to_yyyymmdd
from archive.model import Article, Bulletin
from indexer.store.analysis import cut
from indexer.store.serials import serial_terms

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
    "regions", "doc_type", "section", "order", "title", "text", "body", "head",
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


def header_text(b: Bulletin) -> str:
    """A 公文's header fields a person might type, one a line (发文字号, 发文机关, 签发人,
    主送 when the text does not open with it, 印发机关); '' for a 简报 (whose issuer is
    a facet and would match every article of the issue)."""
    if b.kind != "公文":
        return ""
    lines = [b.serial, b.issuer, f"签发人：{b.signer}" if b.signer else None, b.print_org]
    first = b.articles[0].paragraphs[0] if b.articles and b.articles[0].paragraphs else ""
    if b.addressee and b.addressee != first:
        lines.append(b.addressee)
    return "\n".join(dict.fromkeys(x for x in lines if x))


def organs(issuer: str | None) -> str | None:
    """The 发文机关 facet's values of an issuer: each organ of a joint one, comma-joined."""
    parts = [p.strip().replace(",", " ") for p in (issuer or "").split("、")]
    return ",".join(dict.fromkeys(p for p in parts if p)) or None


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
        "organ": organs(b.issuer),
        "topic": b.topic.replace(",", " ") if b.topic else None,
        "serial": serial_terms(b.serial) if b.kind == "公文" else None,
        "section": a.section,
        "order": a.order,
        "meta": bulletin_meta(b),
        "body": a.body,
    }
    head = header_text(b)
    title_words, title_units = cut(a.title)
    # the header is searched as the text's first lines; the stored text stays as printed
    text_words, text_units = cut(f"{head}\n{a.text}" if head else a.text)
    values["title"] = a.title
    values["text"] = a.text
    values["head"] = head or None
    words = {"title": title_words, "text": text_words}
    return IndexDoc(values=values, words=words, units=(title_units, text_units))
