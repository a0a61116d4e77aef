"""文种: the kind of an official document, read from the ending of its title."""

from __future__ import annotations

import re

from archive.chinese import to_simplified
from archive.paragraphs import clean_title

__all__ = ["DOC_TYPES", "doc_type_of"]

# 文种 by the ending of a title, longest first where one ends another (会议纪要 before 纪要).
DOC_TYPES = (
    "决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案",
    "会议纪要", "纪要", "函", "复函", "方案", "办法", "规定", "细则", "规划", "计划", "要点", "条例", "规则",
    "指南", "答复", "令", "公示", "倡议书", "实施意见", "指导意见", "解释", "规范",
)
_TYPE_RE = re.compile("(?:" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r")$")
_TRAILING_PAREN = re.compile(r"[（(][^（）()]{1,20}[）)]$")


def doc_type_of(title: str) -> str | None:
    """The 文种 a title ends with (…的通知 → 通知; …办法（试行） → 办法), or None; read with the
    spaces a typeset title puts between its last characters (…的 通 知) taken out and its
    traditional characters folded (…的決定 → 决定)."""
    t = to_simplified(re.sub(r"\s+", "", clean_title(title))).rstrip("。 ")
    t = _TRAILING_PAREN.sub("", t).strip()
    m = _TYPE_RE.search(t)
    if m is None:
        return None
    found = m.group()
    return {"会议纪要": "纪要", "复函": "函", "实施意见": "意见", "指导意见": "意见"}.get(found, found)
