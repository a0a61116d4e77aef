"""Citations in GB/T 7714-2015 style: the one formatter for the page, the exports and the API.

Document type codes (GB/T 7714-2015, table B.1):

* a 简报 issue is cited as a newspaper, ``[N]``: like a newspaper it is a
  numbered serial cited by its issue date, and it has no volume or page
  numbers for the ``[J]`` form (年, 卷(期): 页码). The issue number takes the
  place of the 版次: ``题名[N]. 简报名, 2022-04-02(11).``
* a 公文 is cited as an archival record, ``[A]`` (档案): it is one document
  issued by an office under its own serial number (文号), not part of a
  serial, and is kept in that office's records: ``题名: 文号[A]. 2022-04-02.``

With the article's permanent URL the code becomes ``[N/OL]`` / ``[A/OL]`` and
the citation ends with the access date and the URL, as the standard asks for
online resources (§ 8.8, 8.9). Titles are never wrapped in 《》, so a title
that has its own 《》 is not nested.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

__all__ = ["citation", "doc_type_code"]


def doc_type_code(kind: str | None) -> str:
    """``N`` for a 简报 issue, ``A`` for a 公文."""
    return "A" if kind == "公文" else "N"


def _bare(name: str) -> str:
    """A series name without the 《》 a masthead may wrap it in."""
    name = (name or "").strip()
    while name.startswith("《") and name.endswith("》"):
        name = name[1:-1].strip()
    return name


def _stop(text: str) -> str:
    """`text` ending in exactly one full stop (an existing 。/./？/！ is kept)."""
    text = text.rstrip()
    return text if not text or text[-1] in ".。？！?!" else text + "."


def citation(
    bulletin: Mapping[str, Any],
    article: Mapping[str, Any],
    url: str | None = None,
    accessed: dt.date | None = None,
) -> str:
    """The GB/T 7714-2015 reference of one article.

    `bulletin` holds ``series, issue, date`` (ISO text or a date), ``issuer``,
    ``kind``, ``serial``; `article` holds ``place`` and ``title`` — the keys of
    Bulletin.to_dict() and of indexer.search.engine.get_bulletin(). Given `url`, the
    online form with `accessed` (default today) and the URL.
    """
    code = doc_type_code(bulletin.get("kind"))
    online = "/OL" if url else ""
    title = (article.get("title") or "").strip()
    place = (article.get("place") or "").strip()
    heading = f"{place}：{title}" if place and title else (title or place or "无题")
    date = bulletin.get("date")
    date_text = date.isoformat() if isinstance(date, dt.date) else (str(date)[:10] if date else "")
    issuer = (bulletin.get("issuer") or "").strip()

    parts: list[str] = []
    if issuer:
        parts.append(_stop(issuer) + " ")
    if code == "A":
        serial = (bulletin.get("serial") or "").strip()
        parts.append(f"{heading}: {serial}" if serial else heading)
        parts.append(f"[A{online}].")
        where = date_text
    else:
        parts.append(f"{heading}[N{online}].")
        where = _bare(bulletin.get("series") or "")
        if date_text:
            where = f"{where}, {date_text}" if where else date_text
        if bulletin.get("issue") is not None:
            where += f"({bulletin['issue']})"
    if online:
        where += f"[{(accessed or dt.date.today()).isoformat()}]"
    text = "".join(parts)
    if where:
        text += " " + _stop(where)
    if url:
        text += f" {url}."
    return text
