"""The staged query: when the string as typed is not in the archive, search its words.

A parsed query goes through STAGES, cheapest first; the first whose rewritten
tree finds at least ENOUGH articles (within the filters) is searched (when none
does, the first that finds any), with
notices saying what was done:

- ``exact``: the tree as typed (each term an exact substring, as always); found at all, it is
  what was meant, except a run of a few words found as typed in fewer than RARE_RUN articles,
  which goes on to ``words`` (its exact hits first, counted in ``info["exact"]``: `widened`);
- ``correction``: did-you-mean's best correction (indexer.search.engine.corrections),
  when the string is found nowhere and its words look like a typo (a piece
  jieba could not make a word of);
- ``words``: each plain term (not quoted, no field but title/text) cut into
  its words (`query_words`: jieba's search mode with the domain dictionary),
  each required, anywhere in the article, in any order —
  "按词检索：淮安 志愿服务";
- ``content``: the same without FUNCTION_WORDS (关于, 的, 情况, 如何 …) —
  "以下结果未包含：情况";
- ``pieces``: those words cut finer, into jieba's search-mode pieces (志愿者 →
  志愿, 淮安市 → 淮安), each required;
- ``any``: a ranked OR of those words; each hit says how many it holds.

Operators (AND, OR, NOT, -, brackets) and `field:` work as typed: only a query of
plain words (quoted phrases among them, never cut) goes past the first two stages.

Each stage is an entry of the ordered registry (`register`): a function of the
`Context` giving a `Plan` (the tree to search, notices, and what ranking needs:
the runs typed, the words in order, the words counted) or None when it does
not apply. Other rewrites (pinyin → Hanzi, short ↔ full names, typo
correction) are further entries, e.g. in indexer/search/pinyin.py::

    from indexer.search import stages
    stages.register("pinyin", pinyin_stage, before="words")  # Plan(stage="pinyin", tree=…, notices=("按拼音“lajifenlei”检索：垃圾分类",))

A stage may read `ctx.counts` (what the stages before it found). Ranking (indexer.search.rank.stage_scores) puts the
exact run first, then the words side by side in order, then the rest; in the
``any`` stage the number of words held comes before all of that.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from indexer.search import budget, memo
from indexer.search import query as q
from indexer.store.analysis import PIECE_RE, jieba_tokenizer, normalize, units
from indexer.search.dateq import period_of

# Words a question or request wraps around what is sought: left out by the ``content`` stage.
FUNCTION_WORDS = frozenset(
    "关于 有关 相关 的 地 得 之 了 吗 呢 吧 啊 么 和 与 及 以及 或 或者 在 对 对于 把 被 从 向 为 为了 是 有 "
    "情况 问题 方面 事情 内容 如何 怎么 怎样 怎么样 怎么办 为什么 什么 是什么 哪些 有哪些 哪个 哪里 多少 几 "
    "请问 查询 查找 搜索 一下 介绍 我 我们 你 想 要 需要 能 可以 如何做 做好 "
    # what a request asks for around the words sought (请问…有哪些相关报道, 帮我找…的文章)
    "报道 文章 信息 资料 材料 汇报 情况汇报 消息 帮 帮我 帮忙 找 找找 查 查查 看看 有没有 没有 做 做的 一些 请".split()
)
# The words that make a string a question or a request (…是什么, 如何…, 有哪些): never what is
# sought, so left out from the ``words`` stage on (the rest of FUNCTION_WORDS from ``content``).
# On the dev part of bench/querysets.py (sample 300) requiring them put 是什么/如何 into the
# articles found first (创新开展是什么: 5 articles holding 是 and 什么, none about it).
QUESTION_WORDS = frozenset("如何 怎么 怎样 怎么样 怎么办 为什么 什么 是什么 哪些 有哪些 哪个 哪里 多少 吗 呢 "
                           "请问 查询 查找 搜索 一下 帮我 帮忙 找找 查查 看看 有没有".split())
# Words joining two words sought (A和B, A与B): never required. Run together with the words,
# or / not typed as Chinese words (南京或苏州, 治理不含社区) are read as operators by the
# ``operators`` stage (standing alone, the parser reads them: indexer.search.query.CN_OPERATORS).
CONNECTIVES = frozenset("和 与 及 以及 跟 同 并且 而且".split())
CN_OR = frozenset("或 或者 还是".split())
CN_NOT = ("不包括", "不包含", "不含", "除了", "除去", "排除", "去掉", "但不要", "不要")
# A stage that finds this many articles is searched; fewer, and the next is tried (the articles
# found so far still rank first). Chosen on the dev part of bench/querysets.py (300 xinwen issues,
# 20 cases a kind): MRR@20 over all kinds 0.662 at 1, 0.667 at 3, 0.668 at 10 — 3 keeps OCR
# look-alikes best (0.60 against 0.53 at 10) and lifts questions from 0.75 to 0.92.
ENOUGH = 3
FIGURE_UNITS = 3  # a number with at most this many characters around it (115万, 15万人次) is never cut
MIN_SPLIT_PIECE = 2  # a word's pieces shorter than this are not required on their own


@dataclass(frozen=True)
class Plan:
    """One stage's rewrite of the query."""

    stage: str
    tree: q.Node | None
    notices: tuple[str, ...] = ()
    runs: tuple[str, ...] = ()  # the plain terms as typed that were cut (an article holding one ranks first)
    sequences: tuple[tuple[str, ...], ...] = ()  # each cut term's words, in order (side by side ranks next)
    any_words: tuple[str, ...] = ()  # ``any``: the words counted per article
    # the words an article's title holding all of ranks it with a run as typed (rank.stage_scores;
    # empty: the words of `sequences` and the plain terms beside them)
    title_words: tuple[str, ...] = ()
    corrected: tuple[str, str] | None = None  # ``correction``: (typed, corrected)
    info: dict[str, Any] = field(default_factory=dict)  # what a stage wants to report in the result
    enough: int | None = None  # this plan's own threshold (None: ENOUGH)
    # when this plan finds some articles but fewer than its threshold, only these stages are tried
    # after it, each searched when it finds more than this plan did (None: every stage, as usual)
    then: tuple[str, ...] | None = None


@dataclass
class Context:
    """What a stage may look at: the query, its parsed tree, a counter within the filters."""

    query: str
    parsed: q.Parsed
    count: Callable[[q.Node], int]  # articles the tree finds within the filters
    correction: Callable[[], str | None]  # did-you-mean's best correction (computed once, on demand)
    # a word found nowhere, with the query's other words → its correction, or None (``fixed``)
    fix_word: Callable[[str, list[str]], str | None] | None = None
    counts: dict[str, int] = field(default_factory=dict)  # what each stage tried found
    # (tree, runs) → the articles the tree finds within the filters that hold every run on their own
    # word edges (indexer.store.substring.lined_up): (anywhere, in the title); None: not known
    uses: Callable[[q.Node, tuple[str, ...]], tuple[int, int]] | None = None


Stage = Callable[[Context], "Plan | None"]
STAGES: list[tuple[str, Stage]] = []


def register(name: str, stage: Stage, before: str | None = None, after: str | None = None) -> None:
    """Add (or replace) a stage in the ordered registry, at the end or before/after a named one."""
    global STAGES
    STAGES = [(n, s) for n, s in STAGES if n != name]
    names = [n for n, _s in STAGES]
    at = len(STAGES)
    if before is not None and before in names:
        at = names.index(before)
    elif after is not None and after in names:
        at = names.index(after) + 1
    STAGES.insert(at, (name, stage))


# -- cutting a term into words ---------------------------------------------------

_BOOK_TITLE = re.compile(r"《([^《》]{2,40})》")


@memo.pure
def query_words(text: str, fine: bool = False) -> list[str]:
    """The words of a typed string: jieba's precise words (runs of letters or digits are
    words of their own); with `fine`, each word replaced by the shortest search-mode pieces
    that cover it left to right (志愿者 → 志愿, 淮安市 → 淮安, 疫情防控 → 疫情 防控; a
    character no piece covers is left out when the rest of its word is kept)."""
    norm = normalize(text)
    tok = jieba_tokenizer()
    out: list[str] = []
    titled = _BOOK_TITLE.split(norm)
    if len(titled) > 1:  # a 《…》 is one name (《江苏精神文明建设简报》第1期 → 江苏精神文明建设简报 第1期)
        for i, part in enumerate(titled):
            out += ([part.strip()] if units(part) else []) if i % 2 else query_words(part, fine)
        return [w for w in out if units(w)]
    for w in tok.cut(norm, True):
        for piece in PIECE_RE.findall(w):
            out += _pieces(piece, tok) if fine else [piece]
    return _figures([w for w in out if units(w)])


def content_words(text: str) -> list[str]:
    """The words of a typed string without FUNCTION_WORDS (all of them when that leaves none)."""
    ws = query_words(text)
    return [w for w in ws if w not in FUNCTION_WORDS] or ws


def _figures(words: list[str]) -> list[str]:
    """Words with each figure made whole again: a number and its counter (1 次 → 1次, 5 个 → 5个)
    and an issue (第 1 期 → 第1期, 2022年 第1期 → 2022年第1期), as the parser reads them
    (query.COUNTERS, query.issue_ref)."""
    out: list[str] = []
    for w in words:
        if out and out[-1][-1:].isdigit() and w[:1] in q.COUNTERS + "期" and len(w) == 1:
            out[-1] += w
        elif out and out[-1] == "第" and w[:1].isdigit():
            out[-1] += w
        elif out and w == "期" and out[-1][:1] == "第" and q.issue_ref(out[-1] + w) is not None:
            out[-1] += w  # 第十一 期 → 第十一期
        else:
            out.append(w)
    joined: list[str] = []
    for w in out:  # 2022年 第1期 → 2022年第1期: the issue of that year (query.issue_ref)
        if joined and q.issue_ref(w) is not None and (q.issue_ref(joined[-1] + w) or (0, None))[1] is not None:
            joined[-1] += w
        else:
            joined.append(w)
    return joined


def _pieces(word: str, tok: Any) -> list[str]:
    if len(word) <= 2 or not "\u4e00" <= word[0] <= "\u9fff":
        return [word]
    found = [p for p in tok.cut_for_search(word, True) if len(p) >= MIN_SPLIT_PIECE and p in word and p != word]
    if not found:
        return [word]
    out: list[str] = []
    i = 0
    while i < len(word):
        here = sorted((p for p in found if word.startswith(p, i)), key=len)
        if here:
            out.append(here[0])
            i += len(here[0])
        else:
            i += 1
    return out if out else [word]


# -- the stages -------------------------------------------------------------------


@memo.pure
def _splittable(t: q.Term) -> bool:
    """A plain term (not quoted, no field but title/text, not a date, an issue or a figure
    such as 115万 or 15万人次): one that may be cut."""
    if t.phrase or t.field not in (None, "title", "text") or period_of(t.text) is not None:
        return False
    if q.issue_ref(t.text) is not None:
        return False  # 第11期 names an issue (indexer.search.compiler.compile_term)
    figure = q.number_pattern(t.text) is not None and sum(1 for u in units(t.text) if not u.endswith(" ")) <= FIGURE_UNITS
    return not figure


def framed(tree: q.Node | None) -> bool:
    """Whether the plain words of a query are framed as a question or a request: a question
    word anywhere (是什么, 请问, 帮我), or a function word at either end of what was typed
    (关于…, …的情况, …方面的问题, …的相关内容) — then every function word is left out from the
    ``words`` stage on, not only from ``content``."""
    ws = [w for t in _plain_terms(tree) for w in query_words(t.text)]
    if not ws or all(w in FUNCTION_WORDS for w in ws):
        return False
    return not QUESTION_WORDS.isdisjoint(ws) or ws[0] in FUNCTION_WORDS or ws[-1] in FUNCTION_WORDS


def _cut_tree(node: q.Node, drop: bool, cut: dict[str, list[str]], dropped: list[str],
              fine: bool = False, frame: bool = False) -> q.Node | None:
    """The tree with each plain positive term replaced by the AND of its words (without
    FUNCTION_WORDS when `drop` or `frame`, else without QUESTION_WORDS and CONNECTIVES between
    words); `cut` gets each cut term's words, `dropped` what was left out."""
    if isinstance(node, q.Term):
        if not _splittable(node):
            return node
        ws = query_words(node.text, fine)
        # a question's words go, and with them the rest of its frame (是 of 是什么 cut 是 | 什么)
        left_out = FUNCTION_WORDS if drop or frame or not QUESTION_WORDS.isdisjoint(ws) else \
            QUESTION_WORDS | {w for w in ws[1:-1] if w in CONNECTIVES}
        if any(w not in left_out for w in ws):
            dropped += [w for w in ws if w in left_out]
            ws = [w for w in ws if w not in left_out]
        if not ws:
            return None
        if len(ws) > 1 or ws[0] != normalize(node.text):
            cut[node.text] = ws
        ws = list(dict.fromkeys(ws))
        terms = tuple(_word_term(w, node.field) for w in ws)
        return terms[0] if len(terms) == 1 else q.And(terms)
    if isinstance(node, q.Not):
        return node  # what is excluded stays exact
    if q.is_number_or(node):  # a figure and its other form stay whole; a longer run is cut as typed
        first = node.children[0]  # type: ignore[union-attr]
        return node if not _splittable(first) else _cut_tree(first, drop, cut, dropped, fine, frame)
    kids = [k for k in (_cut_tree(c, drop, cut, dropped, fine, frame) for c in node.children) if k is not None]
    if not kids:
        return None
    if isinstance(node, q.And):
        flat: list[q.Node] = []
        for k in kids:
            flat += list(k.children) if isinstance(k, q.And) else [k]
        kids = list(dict.fromkeys(flat))
    return kids[0] if len(kids) == 1 else type(node)(tuple(kids))


def _word_term(word: str, field: str | None) -> q.Node:
    """A word cut from a run, as a term; a figure also matches its other form (9次 OR 九次)."""
    alt = q.other_form(word)
    return q.Or((q.Term(word, field), q.Term(alt, field))) if alt else q.Term(word, field)


def _words_plan(ctx: Context, name: str, drop: bool, fine: bool = False) -> Plan | None:
    tree = ctx.parsed.tree
    if tree is None or not ctx.parsed.plain:
        return None  # operators and fields work as typed
    cut: dict[str, list[str]] = {}
    dropped: list[str] = []
    new = _cut_tree(tree, drop, cut, dropped, fine, framed(tree))
    if new is None or new == tree or (not cut and not dropped):
        return None
    shown = " ".join(dict.fromkeys(w for ws in cut.values() for w in ws))
    notices = [f"按词检索：{shown}" if shown else "按词检索"]
    if dropped:
        notices.append("以下结果未包含：" + "、".join(dict.fromkeys(dropped)))
    return Plan(name, new, tuple(notices), runs=tuple(cut), sequences=tuple(tuple(ws) for ws in cut.values()),
                info={"words": list(dict.fromkeys(w for ws in cut.values() for w in ws)),
                      "dropped": list(dict.fromkeys(dropped))})


# A plain query of this many words or more typed apart (表示 新闻 生命 践行) that finds fewer than
# ENOUGH articles goes on to the later stages (the ranked OR: one word remembered wrongly), its
# exact matches still first. Chosen on the dev part of bench/querysets.py (over_specified kind).
RELAX_TERMS = 3


# … and when no article's title holds all of its words, the articles holding them all, scattered
# in their text, are no better a guess than a title holding all but one (a word remembered wrongly):
# the ranked OR (``any``) is searched too, whatever the AND found, the AND's articles first among
# those holding as many words (rank.TITLE_COVER). Chosen on the dev parts of bench/querysets.py
# (over_specified kind).
SCATTERED_ENOUGH = 10**9
# A query of several terms this long in all (characters) is a pasted passage: found as typed, it is not
# widened to the articles holding some of its words (that ranked OR costs ~10× at gen10k and adds
# hundreds of hits to the one article pasted from); found nowhere, the stages go on as for any query.
PASTE_CHARS = 24


def _in_titles(tree: q.And) -> q.Node:
    """`tree` (a plain AND of terms) with each term searched in the title only."""
    return q.And(tuple(replace(c, field="title") if isinstance(c, q.Term) else q.Or(tuple(
        replace(t, field="title") for t in c.children if isinstance(t, q.Term))) for c in tree.children))


def exact_stage(ctx: Context) -> Plan | None:
    # The string as typed, found at all, is what was meant (the stages are for a string that is
    # not there): its count stays the exact count staff rely on, as a quoted phrase's does —
    # except for a run of a few words typed together that is found as typed in fewer than
    # RARE_RUN articles (服务增长, 我国绿色): its words are searched too (``words``), its exact
    # hits first (`rare_runs`).
    tree = ctx.parsed.tree
    several = ctx.parsed.plain and isinstance(tree, q.And) and len(_plain_terms(tree)) >= RELAX_TERMS \
        and all(isinstance(c, q.Term) or q.is_number_or(c) for c in tree.children)
    if tree is not None and len(ctx.query) >= PASTE_CHARS and ctx.count(tree) > 0:
        return Plan("exact", tree, enough=1)  # a pasted passage found as typed is the passage meant
    if several:
        if ctx.count(_in_titles(tree)) == 0:  # the words only scattered in bodies: one may be misremembered
            return Plan("exact", tree, enough=SCATTERED_ENOUGH, then=("any",))
        return Plan("exact", tree)
    runs = rare_runs(ctx.parsed)
    if runs and tree is not None:
        # a run jieba cuts into single characters (成平 of 龚成平: a name it does not know) is no
        # words to line up with: counted as found
        singles = any(len(w) < MIN_SPLIT_PIECE for r in runs for w in query_words(r) if w not in RUN_SKIPS)
        if ctx.uses is None or singles:
            return Plan("exact", tree, enough=RARE_RUN, then=RARE_RUN_THEN)
        used, _titled = ctx.uses(tree, tuple(runs))
        if used >= RARE_RUN:  # the run used as words (not across them) often enough: what was meant
            return Plan("exact", tree, enough=1)
        return Plan("exact", tree, enough=SCATTERED_ENOUGH, then=RARE_RUN_THEN)
    return Plan("exact", tree, enough=1)


# A plain query holding a run of MIN_RUN_WORDS to MAX_RUN_WORDS words typed together (jieba's
# words of the domain dictionary, RUN_SKIPS not counted) that the archive holds as typed in
# fewer than RARE_RUN articles is also searched by its words, each required (the ``words``
# stage, then ``content``; RARE_RUN_THEN): the articles holding the run as typed rank first,
# their number is shown as the exact count, and the rest follow. A longer run (a pasted phrase or
# sentence) found at all is what was meant. Chosen on the dev parts of bench/querysets.py
# (s1: 1,477 files; s2: 300 fresh issues), unspaced MRR@20: s2 0.93 → 0.96 at RARE_RUN 2, 3, 5
# and 10 alike; s1 0.89 → 0.913 at 3, 0.917 at 11 (one case more, at rank 11, for widening runs
# found ten times), so the stages' own ENOUGH. MAX_RUN_WORDS 4 and 8 gave the same figures on s2
# (4: a pasted phrase stays exact); counting function words too (RUN_SKIPS = QUESTION_WORDS) moved
# one s1 punctuated case (相关，销售额, whose words stage drops 相关 anyway) and nothing else.
RARE_RUN = ENOUGH
MIN_RUN_WORDS = 2
MAX_RUN_WORDS = 4
RARE_RUN_THEN = ("words", "content")
RUN_SKIPS = FUNCTION_WORDS  # the words a run's length does not count


def rare_runs(parsed: q.Parsed) -> list[str]:
    """The runs of a plain query that the exact stage may widen to their words (see RARE_RUN):
    each plain term of MIN_RUN_WORDS to MAX_RUN_WORDS content words; none when the query has
    operators, fields or quotes only."""
    if not parsed.plain:
        return []
    out = []
    for t in _plain_terms(parsed.tree):
        if _FIGURE.search(t.text):  # a label or amount (第4期第1篇, 15万元): copied to be found as typed
            continue
        ws = [w for w in query_words(t.text) if w not in RUN_SKIPS]
        if MIN_RUN_WORDS <= len(ws) <= MAX_RUN_WORDS:
            out.append(t.text)
    return out


# A run holding a figure (a number in digits, or 第…期/届/次/号 in Chinese numerals) is not widened:
# staff copy issue labels, document numbers and amounts to find them as written.
_FIGURE = re.compile(r"[0-9０-９]|第[〇零一二三四五六七八九十百千]+[期届次号篇条批]")


def exact_only(query: str, runs: list[str]) -> str:
    """`query` with each of `runs` quoted: searched as typed only (the undo of a widened run)."""
    out = query
    for r in runs:
        at = out.find(r)
        if at < 0:
            return " ".join(f'"{x}"' for x in runs)
        out = out[:at] + f'"{r}"' + out[at + len(r):]
    return out


def _operator_tokens(text: str) -> list[str] | None:
    """A term's words as query-language tokens, with or / not typed as Chinese words inside it
    read as OR / NOT (南京或苏州 → ( 南京 OR 苏州 ); 治理不含社区 → 治理 NOT "社区"); None when it has none."""
    for marker in CN_NOT:
        at = text.find(marker)
        if 0 < at and at + len(marker) < len(text):
            head = _operator_tokens(text[:at]) or query_words(text[:at])
            return [*head, "NOT", '"' + text[at + len(marker):].replace('"', "") + '"']
    ws = query_words(text)
    if not any(w in CN_OR for w in ws[1:-1]):
        return None
    groups: list[list[str]] = [[]]
    for w in ws:
        if w in CN_OR and groups[-1]:
            groups.append([])
        elif w not in CONNECTIVES:
            groups[-1].append(w)
    if len(groups) < 2 or not all(groups):
        return None
    return ["(", *" OR ".join(" ".join(g) for g in groups).split(), ")"]


def operators_stage(ctx: Context) -> Plan | None:
    """Or / not typed as Chinese words inside a run of words found nowhere (南京或苏州,
    治理不含社区, 全会，不要宣讲团): searched as the operators, with a notice."""
    tree = ctx.parsed.tree
    parts = list(tree.children) if isinstance(tree, q.And) else [tree] if tree is not None else []
    if not ctx.parsed.plain or not parts or not all(isinstance(p, q.Term) for p in parts):
        return None
    tokens: list[str] = []
    read = False
    for p in parts:
        assert isinstance(p, q.Term)
        got = _operator_tokens(p.text) if _splittable(p) else None
        read = read or got is not None
        tokens += got if got is not None else [f'"{p.text}"' if p.phrase else p.text]
    if not read:
        return None
    typed = " ".join(tokens)
    new = q.parse_query(typed).tree
    if new is None:
        return None
    return Plan("operators", new, (f"按运算符检索：{typed}",), info={"words": tokens}, enough=1)


def words_stage(ctx: Context) -> Plan | None:
    return _words_plan(ctx, "words", drop=False)


def content_stage(ctx: Context) -> Plan | None:
    plan = _words_plan(ctx, "content", drop=True)
    return plan if plan is not None and plan.info.get("dropped") else None


def pieces_stage(ctx: Context) -> Plan | None:
    """The content words cut finer (志愿者 → 志愿, 淮安市 → 淮安), each required."""
    plan = _words_plan(ctx, "pieces", drop=True, fine=True)
    coarse = _words_plan(ctx, "content", drop=True)
    if plan is None or coarse is not None and plan.tree == coarse.tree:
        return None
    # a title holding the words themselves (第十次, not only 第十 of 第十六次) ranks first
    return replace(plan, title_words=tuple(coarse.info["words"]) if coarse is not None else ())


def any_stage(ctx: Context) -> Plan | None:
    """A ranked OR of the content words of a query that is a plain AND of terms."""
    tree = ctx.parsed.tree
    parts = list(tree.children) if isinstance(tree, q.And) else [tree] if tree is not None else []
    if not parts or not ctx.parsed.plain or any(isinstance(p, q.Or) and not _number_or(p) for p in parts):
        return None  # the query has its own OR: searched as typed
    plan = _words_plan(ctx, "any", drop=True) or _words_plan(ctx, "any", drop=False)
    words: list[str] = []
    kept: list[q.Node] = []
    for p in parts:
        if q.is_number_or(p):
            p = p.children[0]  # type: ignore[union-attr]  # a figure (9次 OR 九次): one of the words
        if isinstance(p, q.Term) and _splittable(p):
            words += content_words(p.text)
        elif isinstance(p, q.Term) and not p.phrase and p.field in (None, "title", "text") \
                and q.number_pattern(p.text) is not None and period_of(p.text) is None and q.issue_ref(p.text) is None:
            words.append(p.text)  # a figure (9次, 15万人次) is one of the words, not required
        else:
            kept.append(p)
    words = list(dict.fromkeys(words))
    longer = [w for w in words if len(w) >= 2 or not "\u4e00" <= w <= "\u9fff"]
    words = longer if len(longer) >= 2 else words  # a lone character (年, 市) would match nearly everything
    if len(words) < 2:
        return None
    field_of = next((p.field for p in parts if isinstance(p, q.Term) and _splittable(p)), None)
    words = _most_telling(words, q.MAX_TERMS - q.count_terms(q.And(tuple(kept))) if kept else q.MAX_TERMS,
                          field_of)
    any_of: q.Node = q.Or(tuple(_word_term(w, field_of) for w in words))
    new = q.And((any_of, *kept)) if kept else any_of
    dropped = plan.info.get("dropped", []) if plan else []
    notices = [f"按任一词检索：{' '.join(words)}（按包含的词数排序）"]
    if dropped:
        notices.append("以下结果未包含：" + "、".join(dropped))
    return Plan("any", new, tuple(notices), runs=plan.runs if plan else (),
                sequences=plan.sequences if plan else (), any_words=tuple(words),
                info={"words": words, "dropped": dropped})


_BARE_NUMBER = re.compile(r"^[0-9０-９]+$")


def _most_telling(words: list[str], limit: int, field: str | None) -> list[str]:
    """`words` (a pasted passage's: more than the query's limit of terms) cut down to at most
    `limit` terms: bare numbers first left out (19, 45 of 20.19%, 675.45万亿元: nearly every
    article holds them, and each costs reads of texts to tell 45 from 45.6), then the shortest
    words, the rest kept in the order typed."""
    def cost(ws: list[str]) -> int:
        return sum(q.count_terms(_word_term(w, field)) for w in ws)

    if cost(words) <= limit:
        return words
    named = [w for w in words if not _BARE_NUMBER.match(w)]
    words = named if len(named) >= 2 else words
    keep = sorted(range(len(words)), key=lambda i: -len(units(words[i])))
    out: list[int] = []
    for i in keep:
        if cost([words[j] for j in out] + [words[i]]) <= limit:
            out.append(i)
    return [words[i] for i in sorted(out)]


def _number_or(node: q.Node) -> bool:
    """An OR the parser made of a number and its other form (十五万 OR 15万, 9次 OR 九次)."""
    return q.is_number_or(node)


def _looks_mistyped(ctx: Context) -> bool:
    """Whether a plain term looks mistyped (see `looks_mistyped`)."""
    return any(looks_mistyped(t.text) for t in _plain_terms(ctx.parsed.tree))


def looks_mistyped(text: str) -> bool:
    """Whether the words of `text` hold a piece that is no word of the dictionary (立圾),
    or a single character that is no function word: the signs of a typo, not of words run together."""
    tok = jieba_tokenizer()
    for w in query_words(text):
        if w in FUNCTION_WORDS or not "\u4e00" <= w[0] <= "\u9fff":
            continue
        if len(w) == 1 or not tok.has_word(w):
            return True
    return False


def _plain_terms(node: q.Node | None) -> list[q.Term]:
    if node is None or isinstance(node, q.Not):
        return []
    if isinstance(node, q.Term):
        return [node] if _splittable(node) else []
    return [t for c in node.children for t in _plain_terms(c)]


def correction_stage(ctx: Context) -> Plan | None:
    if ctx.counts.get("exact", 1) != 0 or not _looks_mistyped(ctx):
        return None
    to = ctx.correction()
    if not to:
        return None
    tree = q.parse_query(to).tree
    # a correction that finds anything is what was meant (as before the stages)
    return Plan("correction", tree, (f"没有找到“{ctx.query}”，以下是“{to}”的结果",), corrected=(ctx.query, to),
                enough=1)


def _join_singles(words: list[str]) -> list[str]:
    """Neighbouring single characters joined again (淮 按 → 淮按): jieba cuts a run it does not
    know into characters, and a slip of one character (淮按 for 淮安) is such a run."""
    out: list[str] = []
    run = ""
    for w in [*words, ""]:
        if len(w) == 1 and "\u4e00" <= w <= "\u9fff" and w not in FUNCTION_WORDS:
            run += w
            continue
        if run:
            out.append(run)
            run = ""
        if w:
            out.append(w)
    return out


def word_node(count: Callable[[q.Node], int], word: str, field: str | None = None) -> q.Node:
    """A (corrected) word as searched: the string, or, when the string is in no article and
    cuts into words (虎丘之花 → 虎丘 之花), each of its words required."""
    whole = _word_term(word, field)
    if len(word) < 4 or count(whole):
        return whole
    ws = [w for w in query_words(word) if w not in FUNCTION_WORDS]
    return whole if len(ws) < 2 else q.And(tuple(_word_term(w, field) for w in ws))


def fixed_stage(ctx: Context) -> Plan | None:
    """Typed words of which some are in no article (甜宁营造: 甜宁 is a slip for 天宁): each such
    word replaced by the one-character correction found most often with the other words
    (ctx.fix_word), then all required, as the ``words`` stage requires them. The notice names
    each fix, and `corrected` offers the query as typed (one click undoes it)."""
    tree = ctx.parsed.tree
    if ctx.fix_word is None or tree is None or not ctx.parsed.plain or not _looks_mistyped(ctx):
        return None
    parts = list(tree.children) if isinstance(tree, q.And) else [tree]
    words: list[tuple[str, str | None]] = []  # (word, its term's field)
    kept: list[q.Node] = []
    for p in parts:
        if isinstance(p, q.Term) and _splittable(p):
            words += [(w, p.field) for w in _join_singles(content_words(p.text))]
        else:
            kept.append(p)
    words = list(dict.fromkeys(words))
    tok = jieba_tokenizer()  # a word of the dictionary that the archive lacks (标题, 量子) is no slip
    absent = [w for w, f in words if len(w) >= MIN_SPLIT_PIECE and "\u4e00" <= w[0] <= "\u9fff"
              and not tok.has_word(w) and ctx.count(_word_term(w, f)) == 0]
    if not absent:
        return None
    fixes: dict[str, str] = {}
    for w in absent:
        fix = ctx.fix_word(w, [x for x, _f in words if x not in absent])
        if fix is None:
            return None  # a word no one-character change finds: the later stages relax it
        fixes[w] = fix
    nodes = [word_node(ctx.count, fixes[w], f) if w in fixes else _word_term(w, f) for w, f in words]
    flat: list[q.Node] = []
    for n in [*nodes, *kept]:
        flat += list(n.children) if isinstance(n, q.And) else [n]
    fixed_words = [fixes.get(w, w) for w, _f in words]
    to = ctx.query
    for old, new in fixes.items():
        to = to.replace(old, new, 1)
    shown = "、".join(f"“{old}”→“{new}”" for old, new in fixes.items())
    return Plan("fixed", flat[0] if len(flat) == 1 else q.And(tuple(flat)),
                (f"按词检索：{' '.join(fixed_words)}（已更正{shown}）",), sequences=(tuple(fixed_words),),
                corrected=(ctx.query, to) if to != ctx.query else None,
                info={"words": fixed_words, "fixed": fixes}, enough=1)


register("exact", exact_stage)
register("operators", operators_stage)
register("correction", correction_stage)
register("fixed", fixed_stage)
register("words", words_stage)
register("content", content_stage)
register("pieces", pieces_stage)
register("any", any_stage)


def run(ctx: Context, enough: int | None = None) -> tuple[Plan, int]:
    """The first stage whose plan finds `enough` (ENOUGH) articles, and its count; when
    none does, the first that finds any (else the exact plan, finding nothing). A plan that
    finds some but fewer than its threshold and names the stages to try after it (`Plan.then`)
    is followed by those only, each taken when it finds more (`widened`). When the
    query's CPU budget runs out (indexer.search.budget), the same among the stages tried."""
    enough = ENOUGH if enough is None else enough
    first: tuple[Plan, int] | None = None
    exact: tuple[Plan, int] | None = None
    for name, stage in STAGES:
        if first is not None and first[0].then is not None and name not in first[0].then:
            continue
        try:  # the query's CPU budget (indexer.search.budget): when it runs out, what was found so far
            budget.check()
            plan = stage(ctx)
            if plan is None or plan.tree is None or q.count_terms(plan.tree) > q.MAX_TERMS:
                continue  # (a rewrite is held to the query's own limit of terms)
            n = ctx.count(plan.tree)
        except budget.Spent:
            break
        ctx.counts[name] = n
        if exact is None:
            exact = (plan, n)
        if first is not None and first[0].then is not None:
            if n > first[1]:
                return widened(ctx, first[1], plan), n
            continue
        if n >= (plan.enough if plan.enough is not None else enough):
            return plan, n
        if n and first is None:
            first = (plan, n)
    if first is not None:
        return first
    return exact if exact is not None else (Plan("exact", ctx.parsed.tree), 0)


def widened(ctx: Context, n: int, plan: Plan) -> Plan:
    """`plan` (the words of rare runs) after the exact plan found `n` articles: a notice that the
    `n` holding the runs as typed come first, and `info["exact"]` = {"runs", "count", "query"}
    (the query searching them as typed only: its runs quoted)."""
    runs = rare_runs(ctx.parsed)
    shown = "、".join(f"“{r}”" for r in runs)
    notice = f"原样含{shown}的有 {n} 篇，以下也列出分别含有这些词的文章（标题含全部词的排在最前）"
    if not runs:  # the words typed apart, found together only scattered (SCATTERED_ENOUGH)
        runs = [t.text for t in _plain_terms(ctx.parsed.tree)]
        notice = f"含全部词的 {n} 篇文章均不在标题中含全部词，以下也列出含部分词的文章"
    return replace(plan, notices=(*plan.notices, notice),
                   info={**plan.info, "exact": {"runs": runs, "count": n, "query": exact_only(ctx.query, runs)}})


def without_stages(plan: Plan) -> Plan:
    """The exact plan of a query (for `stages=False`): its tree as typed."""
    return replace(plan, stage="exact", notices=(), runs=(), sequences=(), any_words=())
