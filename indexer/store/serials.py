"""发文字号 (a 公文's serial number) as index terms and as a `文号:` query.

A 发文字号 is indexed whole and by the parts gov.cn splits it into — 机关代字,
年份, 序号 — as terms of the keyword field `serial` (indexer.store.schema), so that
`文号:国办发〔2018〕108号` (any bracket style), `文号:国办发`, `文号:2018`,
`文号:108号` and `文号:"国办发 108号"` each find it. The parts are prefixed so
that a year and a 序号 of the same digits stay apart.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from whoosh import query as wq

from archive.gongwen import normalise_serial, serial_parts
from indexer.store.analysis import normalize

FIELD = "serial"
_YEAR = re.compile(r"^[〔\[［(（【]?((?:19|20)\d{2})[〕\]］)）】]?$")
_NUMBER = re.compile(r"^第?(\d{1,5})号?$")


def whole_term(serial: str) -> str:
    """The index term of a whole 发文字号: normalised (国办发〔2018〕108号)."""
    return normalise_serial(normalize(serial))


def serial_terms(serial: str | None) -> str | None:
    """The comma-joined terms of a 发文字号 for the keyword field (None for none)."""
    if not serial:
        return None
    parts = serial_parts(normalize(serial))
    terms = [whole_term(serial)]
    if parts is not None:
        org, year, number = parts
        terms += [f"y:{year}", f"n:{number}"] + ([f"o:{org}"] if org else [])
    return ",".join(t.replace(",", " ") for t in terms)


def _part_query(word: str) -> wq.Query:
    """One word of a `文号:` value: a whole 发文字号, a year, a 序号 or a 机关代字."""
    if serial_parts(word) is not None:
        return wq.Term(FIELD, whole_term(word))
    year = _YEAR.match(word)
    number = _NUMBER.match(word)
    if year and number:  # 2018: the year, or the 2018th document
        return wq.Or([wq.Term(FIELD, f"y:{year.group(1)}"), wq.Term(FIELD, f"n:{int(number.group(1))}")])
    if year:
        return wq.Term(FIELD, f"y:{year.group(1)}")
    if number:
        return wq.Term(FIELD, f"n:{int(number.group(1))}")
    return wq.Term(FIELD, f"o:{word}")


def serial_query(value: str) -> wq.Query:
    """The `文号:` query: every word of `value` (a whole 发文字号 or its parts) must match."""
    text = normalize(value).strip()
    if serial_parts(text) is not None:
        return _part_query(text)
    # 苏政办发〔2022〕 → 代字 and year; "国办发 12号" → 代字 and 序号
    text = re.sub(r"[〔\[［(（【]\s*((?:19|20)\d{2})\s*[〕\]］)）】]", r" \1 ", text)
    words = [w for w in re.split(r"[\s,，、]+", text) if w]
    if not words:
        return wq.NullQuery
    parts = [_part_query(w) for w in words]
    return parts[0] if len(parts) == 1 else wq.And(parts)


_WHOLE = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d{1,5}\s*号")


def serial_of_query(query: str) -> str | None:
    """The whole 发文字号 a query is, if it is nothing else (for ranking that document first)."""
    text = normalize(query).strip().strip('"“”').strip()
    return whole_term(text) if _WHOLE.fullmatch(text) else None


def serial_first(searcher: Any, query: str, matched: np.ndarray, ordered: list[int]) -> list[int]:
    """`ordered` (the best docnums of the mask `matched`) with the documents whose 发文字号
    the query is put first, when it is one (国办发〔2018〕108号, 国办发[2018]108号)."""
    serial = serial_of_query(query)
    if serial is None:
        return ordered
    own = [d for d in searcher.docs_for_query(wq.Term(FIELD, serial)) if d < len(matched) and matched[d]]
    if not own:
        return ordered
    first = set(own)
    return (sorted(own) + [d for d in ordered if d not in first])[: max(len(ordered), len(own))]
