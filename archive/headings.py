"""Article headings `<place>：<title>` and what a place part may be."""

from __future__ import annotations

import re

from archive import gazetteer

__all__ = ["is_org_like", "is_place_like", "split_heading"]

_HEADING = re.compile(r"^(?P<place>[^:：\s，。,；;！？!?、“”\"（）()]{2,14})\s*[:：]\s*(?P<title>\S.*?)\s*$")
_ORG_SUFFIX = re.compile(
    r"(办公室|委员会|文明办|文明委|宣传部|组织部|统战部|政府|人大|政协|总工会|团委|妇联|文联|科协|"
    r"法院|检察院|公署|办|委|厅|局|部|署|部[\u4e00-\u9fff]{1,10}司)$"  # 应急管理部安全生产基础司: a ministry's department
)
_ADMIN_PREFIX = re.compile(r"^(省|市|县|区|镇|乡|街道|全省|全市)")


def is_org_like(name: str) -> bool:
    """A short organisation name: 省文明办, 市文明委, 南京市文明委办公室, 国家卫生健康委."""
    if not 2 <= len(name) <= 14 or name.startswith("第") or re.search(r"[【】\[\]《》]", name):
        return False
    return bool(_ORG_SUFFIX.search(name))


def is_place_like(name: str) -> bool:
    """A heading's place part: a known place (淮安市, 陕西, 南京玄武区), a place under a
    known province (浙江安吉), or an organisation-like short name (省文明办)."""
    if gazetteer.is_place(name):
        return True
    for n in range(min(len(name) - 2, 5), 1, -1):
        if any(p.kind == "province" for p in gazetteer.lookup(name[:n])):
            return len(name) - n <= 4
    return is_org_like(name) and (bool(_ADMIN_PREFIX.match(name)) or len(name) <= 10)


def split_heading(line: str) -> tuple[str | None, str] | None:
    """(place, title) when `line` is `<place>：<title>` with a place-like place, else None."""
    m = _HEADING.match(line.strip())
    if m is None or not is_place_like(m["place"]):
        return None
    return m["place"], m["title"]
