"""The glue between one search (indexer.search.engine) and the readings of a query it may need:
other names of a short or full name (indexer.search.aliases) and pinyin (indexer.search.pinyin).

Each is one small function of the index version's shared tables, so that the
search path calls it from one marked place (and a staged query pipeline can
call it as one stage).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer.search import query as q
from indexer.search.aliases import AliasTable, build_aliases
from indexer.search.evaluate import Evaluator
from indexer.search.pinyin import READING_BUDGET, PinyinTable, Reading, build_table, reading, same_sound
from indexer.search.rank import best_of, relevance
from indexer.search.stages import QUESTION_WORDS, looks_mistyped
from indexer.store.substring import Net

_OPERATORS = {"and", "or", "not"}
TWO_MIN_LEN = 4  # characters: a shorter term with two of them wrong is another word
# CPU seconds (of the searching thread) the two-character corrections of one term may take; past
# it the search for a sound-alike and a look-alike together stops and what it found so far is
# offered (the same-sound corrections always are): the tail of did-you-mean stays bounded.
TWO_BUDGET = 0.015
# An article found only through another name of a term scores this share of what it would
# for the name typed (0: every literal match first, as before). Chosen on the dev part of
# bench/querysets.py (alias kind, sample 300: MRR@20 0.77 at 0.01, 0.78 at 0.5, 0.83 at 0.7 and 1.0).
ALIAS_WEIGHT = 0.7
# Letters read more than one way (initials above all): the best article of each of the next
# BLEND_READINGS readings found in at least BLEND_RATIO of the best one's articles is placed after
# the first BLEND_AFTER hits of the best one (blend_readings). Chosen on the dev parts of
# bench/querysets.py (initials, s1 and s2).
BLEND_READINGS = 3
BLEND_RATIO = 0.02
BLEND_AFTER = 1
# Letters that read as nothing as typed are read as typed loosely (an accent's syllables, a slipped
# letter: indexer.search.pinyin_loose): this many respelled queries at most, within this much CPU time (s).
# A reading as typed found together in fewer than LOOSE_FEW articles gives way to a loose one that reads
# as one string of the archive found in LOOSE_RATIO times as many (huanjin baohu: 还禁 保护 in 1,
# 环境保护 in hundreds).
LOOSE_TRIES = 4
LOOSE_BUDGET = 0.03
LOOSE_FEW = 3
LOOSE_RATIO = 10
LOOSE_RARE = 3  # … or where a part as typed reads only as words found in this many articles or fewer


@dataclass
class Expansion:
    """The query's name terms OR'd with their other names, and what that found."""

    tree: q.Node
    names: dict[str, tuple[str, ...]]  # term as typed -> the other names searched
    found: np.ndarray  # bool per docnum: documents the expanded query matches
    ev: Evaluator  # the evaluator of the expanded tree (its matches rank the extras)
    extra: int  # live documents found only through another name

    def to_dict(self) -> dict[str, Any]:
        return {"names": {k: list(v) for k, v in self.names.items()}, "extra": self.extra}

    def notice(self) -> str:
        shown = "；".join(f"“{t}”也检索了{'、'.join(f'“{n}”' for n in ns)}" for t, ns in self.names.items())
        return f"{shown}（同一名称的简称或全称，排在原词的结果之后）"


def aliases(handle: Any, net: Net) -> AliasTable:
    """The alias table of the handle's index version (curated + mined), built once."""
    return handle.shared("aliases", lambda s: build_aliases(s, net))  # type: ignore[no-any-return]


def known_name(handle: Any, net: Net, text: str) -> bool:
    """Whether `text` is a name of the alias table with other names (第十四个五年规划 / 十四五):
    a name found nowhere as typed is searched by its other names, not corrected as a typo."""
    return bool(aliases(handle, net).expansions(text, held=False))  # (a typo may sit beside a name)


def _expand(node: q.Node, table: AliasTable, names: dict[str, tuple[str, ...]]) -> q.Node:
    if isinstance(node, q.Term):
        if node.phrase or node.field not in (None, "title", "text"):
            return node
        others = table.expansions(node.text)
        if not others:
            return node
        names[node.text] = others
        return q.Or((node, *(q.Term(o, field=node.field) for o in others)))
    if isinstance(node, q.Not):
        return node  # a name left out is left out literally
    kids = tuple(_expand(c, table, names) for c in node.children)
    return type(node)(kids)


def alias_expansion(handle: Any, s: Any, snap: Any, net: Net, tree: q.Node | None) -> Expansion | None:
    """The expansion of `tree` by the alias table, or None when no term is a known name or
    the other names find nothing more."""
    if tree is None:
        return None
    names: dict[str, tuple[str, ...]] = {}
    wide = _expand(tree, aliases(handle, net), names)
    if not names:
        return None
    ev = Evaluator(s, snap.live, net)
    found = ev.evaluate(wide)
    return Expansion(wide, names, found, ev, 0)


def typed_names(handle: Any, s: Any, snap: Any, net: Net, parsed: q.Parsed, allowed: np.ndarray) -> Expansion | None:
    """When the stages cut a query into words: the query as typed with its names' other names
    (冬季奥林匹克运动会 → 冬奥会 as one name, not 冬季 奥林匹克 运动会), if that finds anything
    within `allowed`. A name typed whole is more precise than its words."""
    wide = alias_expansion(handle, s, snap, net, parsed.tree)
    if wide is None or not np.any(wide.found & allowed):
        return None
    return wide


def literal_first(net: Net, snap: Any, ev: Evaluator, wide: Expansion, literal: np.ndarray,
                  matched: np.ndarray, k: int) -> list[int]:
    """The `k` best of the expanded query: every match scored by the expanded query (any name
    counts as the name typed), those found only through another name at ALIAS_WEIGHT of
    their score. So the literal form ranks first where the matches are alike, and an article
    about the thing under its other name (in its title) ranks above one that only mentions
    the literal form in passing."""
    docs = np.flatnonzero(matched)
    if not len(docs):
        return []
    score = relevance(net, snap, wide.ev, docs)
    score = np.where(literal[docs], score, ALIAS_WEIGHT * score)
    return best_of(docs, score, snap, k)


def pinyin_table(handle: Any) -> PinyinTable:
    return handle.shared("pinyin", build_table)  # type: ignore[no-any-return]


_LATIN = "A-Za-zāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜüÜ"
_SCRIPT_SEAM = re.compile(rf"(?<=[\u4e00-\u9fff])(?=[{_LATIN}])|(?<=[{_LATIN}])(?=[\u4e00-\u9fff])")


def script_parts(query: str) -> list[str]:
    """The query's space-separated parts, each also cut where Hanzi and Latin letters meet
    (垃圾fenlei → 垃圾 fenlei: an input method left the end of a word in pinyin)."""
    return _SCRIPT_SEAM.sub(" ", query).split()


def may_be_pinyin(query: str) -> bool:
    """Whether the query, or one of its parts (`script_parts`), is letters only, with no
    operator (what `pinyin_reading` may read)."""
    from indexer.search.pinyin import normalize_query

    parts = script_parts(query)
    return any(normalize_query(p) is not None for p in parts) and not any(w.lower() in _OPERATORS for w in parts)


_HEAD_THEN_LETTERS = re.compile(rf"([\u4e00-\u9fff]{{1,6}})([{_LATIN}]{{2,}}\d?)")


def _word_ended_in_pinyin(table: PinyinTable, net: Net, live: Any, part: str) -> tuple[list[str], str | None]:
    """A part typed as Hanzi whose end was left in pinyin (恢fuxing, 垃圾fenlei) read as one
    string of the archive that starts with those Hanzi and reads as the whole (恢复性), with the
    letters so read; else the part cut where the scripts meet (`script_parts`), and None."""
    from pypinyin import Style, lazy_pinyin

    from indexer.search.pinyin import normalize_query

    m = _HEAD_THEN_LETTERS.fullmatch(part)
    if m is not None:
        head, tail = m.groups()
        read = reading(table, net, live, "".join(lazy_pinyin(head, style=Style.NORMAL)) + tail)
        for text in ([read.text, *(t for t, _n in read.others)] if read is not None else []):
            joined = text.replace(" ", "")
            if joined.startswith(head) and len(joined) > len(head):
                return [joined], normalize_query(tail) or tail
    return script_parts(part), None


def _mixed_reading(table: PinyinTable, net: Net, live: Any, query: str) -> Reading | None:
    """A query of Hanzi and pinyin parts (huaian 志愿服务): each letters-only part found nowhere
    as typed is read as the words that stand together with the Hanzi parts (words_reading
    within the articles holding them all)."""
    from indexer.store.analysis import unit_string
    from indexer.search.pinyin import kinds_of, normalize_query, words_reading

    parts: list[str] = []
    ended = ""  # the letters of the parts typed half in pinyin that read as one string
    for p in query.split():
        pieces, read = _word_ended_in_pinyin(table, net, live, p)
        parts += pieces
        ended += read or ""
    within = live.copy()
    letters: list[int] = []
    for i, p in enumerate(parts):
        docs = net.find(unit_string(p)).docs
        if normalize_query(p) is not None and not len(docs):
            letters.append(i)
            continue
        mask = np.zeros(len(live), dtype=bool)
        mask[docs] = True
        within &= mask
    if ended and not letters:
        return Reading(ended, "full", " ".join(parts), 0)
    if not letters or len(letters) == len(parts) or not within.any():
        return None
    out = list(parts)
    for i in letters:
        ls = normalize_query(parts[i]) or ""
        got = next((r for kind in kinds_of(ls) if (r := words_reading(table, within, [ls], kind, single=True))), None)
        if got is None:
            return None
        out[i] = " ".join(got[0])
    text = " ".join(out)
    return Reading("".join(normalize_query(parts[i]) or "" for i in letters), "full", text, 0)


def pinyin_reading(handle: Any, s: Any, snap: Any, net: Net, query: str, live: Any = None) -> Reading | None:
    """What a pinyin query reads as in this archive (None: not pinyin, or nothing reads so);
    a query of several space-separated parts that does not read as a whole is read part by
    part (zhiyuan huaian → 志愿 淮安). Readings are counted over `live` (default: every live
    article; a reader's visible articles under access rules, issue 21)."""
    from indexer.search.pinyin import normalize_query

    if not may_be_pinyin(query):
        return None  # not letters only, or letters with operators (APEC or AI): searched as written
    table = pinyin_table(handle)
    live = snap.live if live is None else live
    if normalize_query(query) is None:
        return _mixed_reading(table, net, live, query)
    deadline = time.thread_time() + READING_BUDGET  # one budget for the whole and its parts
    got = _letters_reading(table, net, live, query, deadline)
    if got is not None and (got.count >= LOOSE_FEW or got.kind != "full"):
        return got
    floor = 1 if got is None else LOOSE_RATIO * got.count
    loose = _loose_reading(table, net, live, query, floor, weak=got is not None)
    # overriding letters that read as words of the archive takes a respelling that reads as one string
    # of it (环境保护 for huanjin baohu), or a part read as rare words (蒋成 in tixi jiangcheng → 体系 建成);
    # not common words that merely meet (访问 文莱 stays, though 行稳 文莱 meet more often)
    if loose is not None and loose.count >= floor and (
            got is None or " " not in loose.text or _reads_rare(table, query)):
        return loose
    return got


def _reads_rare(table: PinyinTable, query: str) -> bool:
    """Whether a part of the letters reads only as words found in LOOSE_RARE articles or fewer."""
    from indexer.search.pinyin import normalize_query
    from indexer.search.pinyin_loose import word_score

    return any(word_score(table, ls) <= LOOSE_RARE for p in query.split() if (ls := normalize_query(p)))


def _letters_reading(table: PinyinTable, net: Net, live: Any, query: str, deadline: float) -> Reading | None:
    """The reading of a letters-only query as a whole, else part by part (every part must read)."""
    whole = reading(table, net, live, query, deadline)
    parts = query.split()
    if whole is not None or len(parts) < 2:
        return whole
    each = [reading(table, net, live, p, deadline) for p in parts]
    if any(r is None for r in each):
        return None
    text = " ".join(r.text for r in each if r is not None)
    count = min(r.count for r in each if r is not None)
    kind = "initials" if all(r is not None and r.kind == "initials" for r in each) else "full"
    return Reading("".join(r.letters for r in each if r is not None), kind, text, count)


def _loose_reading(table: PinyinTable, net: Net, live: Any, query: str, floor: int = 1,
                   weak: bool = False) -> Reading | None:
    """Letters that read as nothing (or as words found together in fewer than LOOSE_FEW articles)
    read as typed loosely (indexer.search.pinyin_loose): the parts that read as nothing on their own
    are respelled (an accent's syllable, a slipped letter), or, where each part reads, one part at a
    time; the respelled queries are read, fewest changes first, LOOSE_TRIES at most within
    LOOSE_BUDGET, and the one found in most articles is taken. The reading keeps the letters as
    typed and names the respelling. Slipped letters are tried only when no accent's respelling is
    found in `floor` articles. Parts are respelled one at a time only for a `weak` reading."""
    from itertools import product

    from indexer.search.pinyin import normalize_query
    from indexer.search.pinyin_loose import respellings

    deadline = time.thread_time() + LOOSE_BUDGET
    parts = query.split()
    letters = [normalize_query(p) or "" for p in parts]
    if not all(letters):
        return None
    # (a part reads as words of the index's own spelling, or not: no dearer search for it here)
    wrong = [0] if len(parts) == 1 else [i for i, p in enumerate(parts)
                                         if reading(table, net, live, p, time.thread_time()) is None]
    if not wrong and not weak:
        return None  # each part reads, only not together (or the reading ran out of time): not a slip
    best: Reading | None = None
    for slips in (False, True):  # an accent's syllables first (cheap), then a slipped letter
        options = {i: respellings(table, letters[i], deadline, slips) for i in (wrong or range(len(parts)))}
        if not wrong:  # each part reads: one part respelled at a time
            tries = sorted(((i, k) for i, o in options.items() for k in range(len(o))), key=lambda ik: (ik[1], ik[0]))
            picks = [{i: k} for i, k in tries]
        elif all(options.values()):
            combos = sorted(product(*(range(len(options[i])) for i in wrong)), key=sum)
            picks = [dict(zip(wrong, c)) for c in combos]
        else:
            continue
        for n, pick in enumerate(picks[:LOOSE_TRIES]):
            if n and time.thread_time() > deadline:
                break
            typed = list(letters)
            for i, k in pick.items():
                typed[i] = options[i][k]
            spelled = " ".join(typed)
            # (a respelling reads as words of the index by construction: no dearer search for it)
            got = _letters_reading(table, net, live, spelled, time.thread_time())
            if got is not None and (best is None or got.count > best.count):
                best = Reading("".join(letters), got.kind, got.text, got.count, got.others, respelled=spelled)
        if (best is not None and best.count >= floor) or time.thread_time() > deadline:
            break
    return best


def readings_to_blend(read: Reading) -> list[str]:
    """The next readings of letters read more than one way (xbjx: 宣布 举行, or 宣布 降息?) whose best
    article the first page shows: those found in at least BLEND_RATIO of the best one's articles,
    BLEND_READINGS at most."""
    return [t for t, n in read.others if n >= BLEND_RATIO * read.count][:BLEND_READINGS]


def splice_blended(result: dict[str, Any], blended: list[dict[str, Any]]) -> None:
    """Put the other readings' best articles (hits marked with `reading`) right after the first
    BLEND_AFTER hits of the best reading, named in a notice; the best reading's own hits all follow
    (the page is longer by those)."""
    if not blended:
        return
    hits = result["hits"]
    result["hits"] = [*hits[:BLEND_AFTER], *blended, *hits[BLEND_AFTER:]]
    names = "、".join(h["reading"] for h in blended)
    result["warnings"].append(f"也可能是：{names}（各列出最相关的一篇，排在第{BLEND_AFTER + 1}位起）")
    result["blended"] = [{"reading": h["reading"], "article_id": h["article_id"]} for h in blended]


def blend_readings(s: Any, snap: Any, net: Net, result: dict[str, Any], read: Reading,
                   allowed: np.ndarray) -> None:
    """Letters read more than one way: the first page of the best reading's results gets the best
    article (within `allowed`, not shown already) of each next reading (`readings_to_blend`), so the
    person sees each likely meaning at once (`splice_blended`)."""
    from indexer.search.rank import by_relevance
    from indexer.search.results import hit
    from indexer.search.snippets import term_regex

    others = readings_to_blend(read)
    if not others or not result.get("hits"):
        return
    shown = {h["article_id"] for h in result["hits"]}
    blended: list[dict[str, Any]] = []
    for text in others:
        tree = q.parse_query(text).tree
        if tree is None:
            continue
        ev = Evaluator(s, snap.live, net)
        docs = np.flatnonzero(ev.evaluate(tree) & allowed)
        for d in by_relevance(net, snap, ev, docs, BLEND_READINGS + 1):
            h = hit(s, snap, d, term_regex(ev.highlight))
            if h["article_id"] not in shown:
                shown.add(h["article_id"])
                blended.append({**h, "reading": text})
                break
    splice_blended(result, blended)


def pinyin_notice(query: str, read: Reading) -> str:
    kind = "拼音首字母" if read.kind == "initials" else "拼音"
    if read.respelled:  # typed loosely (indexer.search.pinyin_loose)
        return f"按拼音“{query.strip()}”（读作“{read.respelled}”）检索：{read.text}"
    return f"按{kind}“{query.strip()}”检索：{read.text}"


def two_characters(handle: Any, lex: Any, snap: Any, net: Net) -> Callable[[Any, str], list[tuple[str, float]]]:
    """Two-character corrections of a term (for search.corrections, when no one-character
    correction finds anything): strings of the archive that read as the term does (a pinyin
    keyboard's typos: 旅游赤醑 → 旅游持续) and differ in at most two characters, then
    indexer.search.suggest's two changes (a sound-alike and a look-alike). Only for a term of
    TWO_MIN_LEN characters or more that the archive holds nowhere."""
    from indexer.search.suggest import MAX_TERM, TWO_WEIGHT

    def cands(s: Any, term: str) -> list[tuple[str, float]]:
        out: dict[str, float] = {}
        if not TWO_MIN_LEN <= len(term) <= MAX_TERM or not all("\u4e00" <= c <= "\u9fff" for c in term):
            return []
        if len(net.find(term).docs):  # in the archive (only not within the filters): no typo of two
            return []
        if any(w in term for w in QUESTION_WORDS):  # a question (大美中国怎么样) is no typo of one string
            return []
        if not looks_mistyped(term):  # dictionary words only (第十四个五年规划): words, not a typo
            return []
        table = pinyin_table(handle)
        lex.follows(s)  # (the index version's tables are made before the budget starts)
        deadline = time.thread_time() + TWO_BUDGET
        for c, _n in same_sound(table, net, snap.live, term, 2, deadline):
            out.setdefault(c, TWO_WEIGHT)
        if not out:  # a sound-alike and a look-alike together (the dearer search, within the budget)
            out.update(lex.candidates2(s, term, deadline))
        return list(out.items())

    return cands


def expand_names(handle: Any, tree: q.Node | None) -> tuple[q.Node, dict[str, tuple[str, ...]]] | None:
    """`tree` with each name term OR'd with its other names (the alias table of the handle's
    index), and those names; None when no term is a known name. For a backend that evaluates
    the tree itself (indexer.search.backend_search)."""
    if tree is None:
        return None
    from indexer.search.engine import substring_net

    names: dict[str, tuple[str, ...]] = {}
    wide = _expand(tree, aliases(handle, substring_net(handle)), names)
    return (wide, names) if names else None
