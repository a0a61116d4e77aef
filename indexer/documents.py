"""Article records → the values of one index document, analysis included.

Title and text are analysed here, once each (one jieba cut): their words
become ready postings for the Whoosh word fields (the writer does no
per-token work of its own) and their marked unit strings go to the segment's
substring net (indexer.sufarray).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive.model import Article, Bulletin
from indexer.analysis import analyse

# An analysed word field: the set of its words
Analysed = set[str]


@dataclass
class IndexDoc:
    """One article ready for the writer: plain field values plus analysed fields."""

    values: dict[str, Any]  # small fields (indexed by their Whoosh field) and stored values
    postings: dict[str, Analysed]
    units: tuple[str, str]  # marked unit strings of title and text, for the substring net


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
        "warnings": list(b.warnings),
        "label": b.label,
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
        "date": int(date.strftime("%Y%m%d")) if date else None,
        "issuer": b.issuer,
        "place": a.place,
        "city": a.city,
        "places": ",".join(a.places) if a.places else None,
        "section": a.section,
        "order": a.order,
        "meta": bulletin_meta(b),
        "body": a.body,
    }
    title_words, title_units = analyse(a.title)
    text_words, text_units = analyse(a.text)
    values["title"] = a.title
    values["text"] = a.text
    postings = {"title": set(title_words), "text": set(text_words)}
    return IndexDoc(values=values, postings=postings, units=(title_units, text_units))
