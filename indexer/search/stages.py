"""The staged query: when the string as typed is not in the archive, search its words.

A parsed query goes through STAGES, cheapest first; the first whose rewritten
tree finds at least ENOUGH articles (within the filters) is searched (when none
does, the first that finds any), with
notices saying what was done:

- ``exact``: the tree as typed (each term an exact substring, as always);
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

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from indexer.search import query as q
from indexer.store.analysis import PIECE_RE, jieba_tokenizer, normalize, units
from indexer.search.dateq import period_of

# Words a question or request wraps around what is sought: left out by the ``content`` stage.
FUNCTION_WORDS = frozenset(
    "关于 有关 相关 的 地 得 之 了 吗 呢 吧 啊 么 和 与 及 以及 或 或者 在 对 对于 把 被 从 向 为 为了 是 有 "
    "情况 问题 方面 事情 内容 如何 怎么 怎样 怎么样 怎么办 为什么 什么 是什么 哪些 有哪些 哪个 哪里 多少 几 "
    "请问 查询 查找 搜索 一下 介绍 我 我们 你 想 要 需要 能 可以 如何做 做好".split()
)
# The words that make a string a question or a request (…是什么, 如何…, 有哪些): never what is
# sought, so left out from the ``words`` stage on (the rest of FUNCTION_WORDS from ``content``).
# On the dev part of bench/querysets.py (sample 300) requiring them put 是什么/如何 into the
# articles found first (创新开展是什么: 5 articles holding 是 and 什么, none about it).
QUESTION_WORDS = frozenset("如何 怎么 怎样 怎么样 怎么办 为什么 什么 是什么 哪些 有哪些 哪个 哪里 多少 吗 呢 "
                           "请问 查询 查找 搜索 一下".split())
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
    corrected: tuple[str, str] | None = None  # ``correction``: (typed, corrected)
    info: dict[str, Any] = field(default_factory=dict)  # what a stage wants to report in the result
    enough: int | None = None  # this plan's own threshold (None: ENOUGH)


@dataclass
class Context:
    """What a stage may look at: the query, its parsed tree, a counter within the filters."""

    query: str
    parsed: q.Parsed
    count: Callable[[q.Node], int]  # articles the tree finds within the filters
    correction: Callable[[], str | None]  # did-you-mean's best correction (computed once, on demand)
    counts: dict[str, int] = field(default_factory=dict)  # what each stage tried found


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


def query_words(text: str, fine: bool = False) -> list[str]:
    """The words of a typed string: jieba's precise words (runs of letters or digits are
    words of their own); with `fine`, each word replaced by the shortest search-mode pieces
    that cover it left to right (志愿者 → 志愿, 淮安市 → 淮安, 疫情防控 → 疫情 防控; a
    character no piece covers is left out when the rest of its word is kept)."""
    norm = normalize(text)
    tok = jieba_tokenizer()
    out: list[str] = []
    for w in tok.cut(norm, True):
        for piece in PIECE_RE.findall(w):
            out += _pieces(piece, tok) if fine else [piece]
    return [w for w in out if units(w)]


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


def _splittable(t: q.Term) -> bool:
    """A plain term (not quoted, no field but title/text, not a date, an issue or a figure
    such as 115万 or 15万人次): one that may be cut."""
    if t.phrase or t.field not in (None, "title", "text") or period_of(t.text) is not None:
        return False
    if q.issue_ref(t.text) is not None:
        return False  # 第11期 names an issue (indexer.search.compiler.compile_term)
    figure = q.number_pattern(t.text) is not None and sum(1 for u in units(t.text) if not u.endswith(" ")) <= FIGURE_UNITS
    return not figure


def _cut_tree(node: q.Node, drop: bool, cut: dict[str, list[str]], dropped: list[str],
              fine: bool = False) -> q.Node | None:
    """The tree with each plain positive term replaced by the AND of its words (without
    FUNCTION_WORDS when `drop`); `cut` gets each cut term's words, `dropped` what was left out."""
    if isinstance(node, q.Term):
        if not _splittable(node):
            return node
        ws = query_words(node.text, fine)
        # a question's words go, and with them the rest of its frame (是 of 是什么 cut 是 | 什么)
        left_out = FUNCTION_WORDS if drop or not QUESTION_WORDS.isdisjoint(ws) else QUESTION_WORDS
        if any(w not in left_out for w in ws):
            dropped += [w for w in ws if w in left_out]
            ws = [w for w in ws if w not in left_out]
        if not ws:
            return None
        if len(ws) > 1 or ws[0] != normalize(node.text):
            cut[node.text] = ws
        ws = list(dict.fromkeys(ws))
        terms = tuple(q.Term(w, node.field) for w in ws)
        return terms[0] if len(terms) == 1 else q.And(terms)
    if isinstance(node, q.Not):
        return node  # what is excluded stays exact
    kids = [k for k in (_cut_tree(c, drop, cut, dropped, fine) for c in node.children) if k is not None]
    if not kids:
        return None
    if isinstance(node, q.And):
        flat: list[q.Node] = []
        for k in kids:
            flat += list(k.children) if isinstance(k, q.And) else [k]
        kids = list(dict.fromkeys(flat))
    return kids[0] if len(kids) == 1 else type(node)(tuple(kids))


def _words_plan(ctx: Context, name: str, drop: bool, fine: bool = False) -> Plan | None:
    tree = ctx.parsed.tree
    if tree is None or not ctx.parsed.plain:
        return None  # operators and fields work as typed
    cut: dict[str, list[str]] = {}
    dropped: list[str] = []
    new = _cut_tree(tree, drop, cut, dropped, fine)
    if new is None or new == tree or (not cut and not dropped):
        return None
    shown = " ".join(dict.fromkeys(w for ws in cut.values() for w in ws))
    notices = [f"按词检索：{shown}" if shown else "按词检索"]
    if dropped:
        notices.append("以下结果未包含：" + "、".join(dict.fromkeys(dropped)))
    return Plan(name, new, tuple(notices), runs=tuple(cut), sequences=tuple(tuple(ws) for ws in cut.values()),
                info={"words": list(dict.fromkeys(w for ws in cut.values() for w in ws)),
                      "dropped": list(dict.fromkeys(dropped))})


def exact_stage(ctx: Context) -> Plan | None:
    # The string as typed, found at all, is what was meant (the stages are for a string that is
    # not there): its count stays the exact count staff rely on, as a quoted phrase's does.
    return Plan("exact", ctx.parsed.tree, enough=1)


def words_stage(ctx: Context) -> Plan | None:
    return _words_plan(ctx, "words", drop=False)


def content_stage(ctx: Context) -> Plan | None:
    plan = _words_plan(ctx, "content", drop=True)
    return plan if plan is not None and plan.info.get("dropped") else None


def pieces_stage(ctx: Context) -> Plan | None:
    """The content words cut finer (志愿者 → 志愿, 淮安市 → 淮安), each required."""
    plan = _words_plan(ctx, "pieces", drop=True, fine=True)
    coarse = _words_plan(ctx, "content", drop=True)
    return plan if plan is not None and (coarse is None or plan.tree != coarse.tree) else None


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
        if isinstance(p, q.Term) and _splittable(p):
            words += [w for w in query_words(p.text) if w not in FUNCTION_WORDS] or query_words(p.text)
        else:
            kept.append(p)
    words = list(dict.fromkeys(words))
    longer = [w for w in words if len(w) >= 2 or not "\u4e00" <= w <= "\u9fff"]
    words = longer if len(longer) >= 2 else words  # a lone character (年, 市) would match nearly everything
    if len(words) < 2:
        return None
    field_of = next((p.field for p in parts if isinstance(p, q.Term) and _splittable(p)), None)
    any_of: q.Node = q.Or(tuple(q.Term(w, field_of) for w in words))
    new = q.And((any_of, *kept)) if kept else any_of
    dropped = plan.info.get("dropped", []) if plan else []
    notices = [f"按任一词检索：{' '.join(words)}（按包含的词数排序）"]
    if dropped:
        notices.append("以下结果未包含：" + "、".join(dropped))
    return Plan("any", new, tuple(notices), runs=plan.runs if plan else (),
                sequences=plan.sequences if plan else (), any_words=tuple(words),
                info={"words": words, "dropped": dropped})


def _number_or(node: q.Node) -> bool:
    """An OR the parser made of a Chinese number and its Arabic form (十五万 OR 15万)."""
    return isinstance(node, q.Or) and len(node.children) == 2 and all(isinstance(c, q.Term) for c in node.children) \
        and q.arabic_form(node.children[0].text) == node.children[1].text  # type: ignore[union-attr]


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


register("exact", exact_stage)
register("correction", correction_stage)
register("words", words_stage)
register("content", content_stage)
register("pieces", pieces_stage)
register("any", any_stage)


def run(ctx: Context, enough: int | None = None) -> tuple[Plan, int]:
    """The first stage whose plan finds `enough` (ENOUGH) articles, and its count; when
    none does, the first that finds any (else the exact plan, finding nothing)."""
    enough = ENOUGH if enough is None else enough
    first: tuple[Plan, int] | None = None
    exact: tuple[Plan, int] | None = None
    for name, stage in STAGES:
        plan = stage(ctx)
        if plan is None or plan.tree is None or q.count_terms(plan.tree) > q.MAX_TERMS:
            continue  # (a rewrite is held to the query's own limit of terms)
        n = ctx.count(plan.tree)
        ctx.counts[name] = n
        if exact is None:
            exact = (plan, n)
        if n >= (plan.enough if plan.enough is not None else enough):
            return plan, n
        if n and first is None:
            first = (plan, n)
    if first is not None:
        return first
    return exact if exact is not None else (Plan("exact", ctx.parsed.tree), 0)


def without_stages(plan: Plan) -> Plan:
    """The exact plan of a query (for `stages=False`): its tree as typed."""
    return replace(plan, stage="exact", notices=(), runs=(), sequences=(), any_words=())
