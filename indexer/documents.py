"""Article records → the values of one index document, analysis included.

The heavy fields (words, bigrams, units of title and text) are analysed here
into ready postings, so the writer does no per-token work of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from archive.model import Article, Bulletin
from indexer.analysis import UNIT_RE, normalize, words

# (term bytes, frequency, weight, encoded value) — Whoosh's posting item.
Item = tuple[bytes, int, float, bytes]


@dataclass
class IndexDoc:
    """One article ready for the writer: plain field values plus analysed postings."""

    values: dict[str, Any]  # small fields (indexed by their Whoosh field) and stored values
    postings: dict[str, tuple[list[Item], int]]  # analysed field -> (items, length)


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


def _word_items(text: str, boost: float, encode: Any) -> tuple[list[Item], int]:
    poses: dict[str, list[int]] = defaultdict(list)
    n = 0
    for n, (w, _s, _e) in enumerate(words(text), 1):
        poses[w].append(n - 1)
    return (
        [(w.encode("utf-8"), len(p), len(p) * boost, encode(p)) for w, p in poses.items()],
        n,
    )


def _char_items(text: str, encode: Any) -> tuple[tuple[list[Item], int], tuple[list[Item], int]]:
    us = UNIT_RE.findall(normalize(text))
    poses: dict[str, list[int]] = defaultdict(list)
    for i in range(len(us) - 1):
        poses[us[i] + us[i + 1]].append(i)
    grams = [(g.encode("utf-8"), len(p), float(len(p)), encode(p)) for g, p in poses.items()]
    unis = [(u.encode("utf-8"), 1, 1.0, b"") for u in set(us)]
    return (grams, max(len(us) - 1, 0)), (unis, 0)


def article_doc(b: Bulletin, a: Article, source: str, encode: Any) -> IndexDoc:
    """The index document of one article; `encode` is the Positions format's encoder."""
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
    title, text = a.title, a.text
    tg, tu = _char_items(title, encode)
    cg, cu = _char_items(text, encode)
    postings = {
        "title": _word_items(title, 3.0, encode),
        "text": _word_items(text, 1.0, encode),
        "tg": tg,
        "tu": tu,
        "cg": cg,
        "cu": cu,
    }
    values["title"] = title
    values["text"] = text
    return IndexDoc(values=values, postings=postings)
