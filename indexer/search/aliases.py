"""Short and full names that mean the same thing (发改委 / 国家发展和改革委员会), both ways.

Two sources:

- curated: indexer/data/aliases.tsv, one group a line, the full name first
  (ministries, regions, campaigns, common policy terms);
- mined from the archive itself, once per index version when the first
  query asks: the texts that say （以下简称“新冠肺炎”）, （简称长三角）…
  give the short name and, just before it, the full one (`mine`).

A query term that is one of these names (the whole term, as typed) is searched
as the term OR its other names; the articles holding the literal form rank
first (indexer.search.engine). Names the term already contains, or that contain it,
are left out: the substring net finds the longer one by the shorter anyway, and
a shorter one would widen the search past the name (乡村振兴战略 → 乡村振兴).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from indexer.store.analysis import normalize, word_list

MAX_EXPANSIONS = 4  # other names added to one term
MINE_DOCS = 3000  # articles mentioning 简称 read for mined aliases (per index version)
MIN_CONTAINED = 3  # characters: a name inside the typed one is searched too only from this length
MIN_HELD = 2  # characters: a name held inside a longer term, at least
MIN_PART = 4  # characters: a shorter part of a name is not read as the name
MAX_FULL = 24  # characters: a longer "full name" before （简称…） is cut to its last words
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# 国家发展和改革委员会（以下简称“发改委”）, 长江三角洲（简称长三角）
# (the bracket is found first and the name before it read back: a pattern starting with the name
# would be tried at every character)
_SHORT_RE = re.compile(
    r"[（(]\s*(?:以下|下文)?(?:简称|称)[为：:]?\s*[“\"「『]?"
    r"([\u4e00-\u9fffA-Za-z0-9]{2,12})[”\"」』]?\s*[）)]")
_NOT_A_NAME = ("本", "该", "我", "此", "上述", "以下")  # 简称“本办法”: a reference, not a name
# 阿拉伯国家联盟（阿盟）, 世界粮食计划署（世粮署）: a name and, in brackets right after it, a short
# form of it (its first character first, its characters in order, not a part of it as written)
_BRACKET_RE = re.compile(r"[（(]\s*([\u4e00-\u9fff]{2,8})\s*[）)]")
_HAN_TAIL = re.compile(r"[\u4e00-\u9fff]{2,}\s*$")
# The words whose articles are read for bracketed short forms (the names of bodies end so), at most
# BRACKET_DOCS articles of each: the substring net drops brackets, so it cannot find them itself.
ORG_WORDS = ("组织", "联盟", "共同体", "委员会", "计划署", "办公室", "协会", "联合会", "市场", "阵线", "银行")
BRACKET_DOCS = 300


def _groups_from(text: str) -> list[tuple[str, ...]]:
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = tuple(dict.fromkeys(normalize(n.strip()) for n in line.split("\t") if n.strip()))
        if len(names) > 1:
            out.append(names)
    return out


@lru_cache(maxsize=1)
def curated() -> tuple[tuple[str, ...], ...]:
    """The groups of indexer/data/aliases.tsv (normalised: lower case, simplified)."""
    return tuple(_groups_from(resources.files("indexer").joinpath("data/aliases.tsv").read_text("utf-8")))


def _is_subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(c in it for c in short)


def full_name(before: str, short: str) -> str | None:
    """The full name at the end of `before` that `short` abbreviates: the shortest run of
    its last jieba words starting with short's first character and holding short's
    characters in order (推动国家发展和改革委员会 + 发改委 → 发展和改革委员会)."""
    before = before[-MAX_FULL * 2 :]
    words = word_list(before)
    tail = ""
    for w in reversed(words):
        tail = w + tail
        if len(tail) > MAX_FULL:
            return None
        if tail[0] == short[0] and len(tail) > len(short) and _is_subsequence(short, tail):
            return tail
    return None


def mine(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(full, short) pairs stated in the texts: （以下简称“…”）, （简称…）, and a name with a
    short form of it in brackets right after it (阿拉伯国家联盟（阿盟）)."""
    out: dict[tuple[str, str], None] = {}

    def add(before: str, short: str) -> None:
        if short.startswith(_NOT_A_NAME) or not _HAN.match(short):
            return
        full = full_name(before, short)
        if full and short not in full and full not in short:
            out[(normalize(full), short)] = None

    for text in texts:
        for m in _SHORT_RE.finditer(text):
            tail = _HAN_TAIL.search(text, max(0, m.start() - 60), m.start())
            if tail:
                add(tail.group().rstrip(), normalize(m.group(1)))
        for m in _BRACKET_RE.finditer(text):
            tail = _HAN_TAIL.search(text, max(0, m.start() - 2 * MAX_FULL), m.start())
            short = normalize(m.group(1))
            # (the cheap test first: short's characters in order in the name before the bracket)
            if tail and short not in tail.group() and _is_subsequence(short, tail.group()):
                add(tail.group().rstrip(), short)
    return list(out)


class AliasTable:
    """Every name's other names (curated and mined)."""

    def __init__(self, groups: Iterable[tuple[str, ...]] = ()) -> None:
        others: dict[str, dict[str, None]] = defaultdict(dict)
        for names in groups:
            for a in names:
                for b in names:
                    # b in a only when b is long enough to be that name alone (粤港澳大湾区 →
                    # 大湾区, not 新冠肺炎 → 新冠); a in b never (the net finds b by a)
                    if a != b and a not in b and (b not in a or len(b) >= MIN_CONTAINED):
                        others[a][b] = None
        self._others = {k: tuple(v) for k, v in others.items()}

    def __len__(self) -> int:
        return len(self._others)

    def expansions(self, name: str, held: bool = True) -> tuple[str, ...]:
        """The other names of `name` (the whole term), curated first; () for none. A term that
        is no name but part of one (证券监督管理委员会 of 中国证券监督管理委员会) gets the
        names of that group which abbreviate it (证监会: shorter, its first character first,
        its characters in order). With `held`, a term holding a name with words around it gets the
        other names with those words (`_held`: 国家发改委 → 国家发展改革委)."""
        name = normalize(name)
        got = self._others.get(name)
        if got is None and len(name) >= MIN_PART and _HAN.match(name):
            part: dict[str, None] = {}
            for full, others in self._others.items():
                if name in full and name != full:
                    for o in (full, *others):
                        if len(o) < len(name) and o[0] == name[0] and _is_subsequence(o, name):
                            part[o] = None
            got = tuple(part)
        if not got and held:
            got = self._held(name)
        return (got or ())[:MAX_EXPANSIONS]

    def _held(self, name: str) -> tuple[str, ...]:
        """A term that holds a name with words around it (国家发改委 = 国家 + 发改委, 新冠肺炎疫情 =
        新冠肺炎 + 疫情): the other names of the longest name it holds (of MIN_HELD characters or
        more), each with those words around it unless it holds them already (国家发展改革委, not
        国家国家发展改革委; 新型冠状病毒肺炎疫情)."""
        if not _HAN.match(name):
            return ()
        inner, at = None, 0
        for size in range(len(name) - 1, MIN_HELD - 1, -1):  # the longest first
            at = next((i for i in range(len(name) - size + 1) if name[i : i + size] in self._others), -1)
            if at >= 0:
                inner = name[at : at + size]
                break
        if inner is None:
            return ()
        before, after = name[:at], name[at + len(inner) :]
        out: dict[str, None] = {}
        for o in self._others[inner]:
            full = (before if before not in o else "") + o + (after if after not in o else "")
            if full != name and name not in full:
                out[full] = None
        return tuple(out)


def build_aliases(searcher: Any, net: Any) -> AliasTable:
    """The curated groups plus those mined from the articles of this index version that
    mention 简称 (at most MINE_DOCS of them) or a word names of bodies end with (ORG_WORDS, the
    newest BRACKET_DOCS of each)."""
    from indexer.store.analysis import unit_string

    docs = net.find(unit_string("简称")).docs[:MINE_DOCS].tolist()
    for word in ORG_WORDS:  # (bracketed short forms: see _BRACKET_RE)
        docs += net.find(unit_string(word)).docs[-BRACKET_DOCS:].tolist()
    docs = sorted(set(docs))
    texts = []
    for d in docs:
        fields = searcher.stored_fields(int(d)) or {}
        texts.append(fields.get("text") or "")
    return AliasTable([*curated(), *mine(texts)])
