"""Article records → the values of one index document, analysis included.

The heavy fields (words, bigrams, units of title and text) are analysed here
into ready postings, so the writer does no per-token work of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from archive.gazetteer import region_levels
from archive.model import Article, Bulletin
from indexer.analysis import units, word_list, word_pairs

# An analysed field: ("positions", {term: [positions]}, length, boost)
# or ("set", {terms}, 0, 1.0) for fields that only record presence.
Analysed = tuple[str, Any, int, float]


@dataclass
class IndexDoc:
    """One article ready for the writer: plain field values plus analysed fields."""

    values: dict[str, Any]  # small fields (indexed by their Whoosh field) and stored values
    postings: dict[str, Analysed]


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
        "kind": b.kind,  # 简报 or 公文
        "doc_type": b.doc_type,  # a 公文's 文种
    }


def _word_positions(ws: list[str], boost: float) -> Analysed:
    poses: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(ws):
        poses[w].append(i)
    return ("positions", poses, len(ws), boost)


def _pairs(ws: list[str]) -> Analysed:
    return ("set", set(word_pairs(ws)), 0, 1.0)


def _char_fields(text: str) -> tuple[Analysed, Analysed]:
    us = units(text)
    poses: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(map(str.__add__, us, us[1:])):
        poses[g].append(i)
    return ("positions", poses, 0, 1.0), ("set", set(us), 0, 1.0)


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
        "region": ",".join(dict.fromkeys(lv for r in a.regions for lv in region_levels(r))) or None,
        "doc_type": b.doc_type,
        "section": a.section,
        "order": a.order,
        "meta": bulletin_meta(b),
        "body": a.body,
    }
    title, text = a.title, a.text
    tg, tu = _char_fields(title)
    cg, cu = _char_fields(text)
    title_words, text_words = word_list(title), word_list(text)
    postings = {
        "title": _word_positions(title_words, 3.0),
        "text": _word_positions(text_words, 1.0),
        "tp": _pairs(title_words),
        "wp": _pairs(text_words),
        "tg": tg,
        "tu": tu,
        "cg": cg,
        "cu": cu,
    }
    values["title"] = title
    values["text"] = text
    return IndexDoc(values=values, postings=postings)
