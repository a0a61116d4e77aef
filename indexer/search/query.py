"""Query strings → a small tree of terms: the query language, parsed (no index, no Whoosh).

Syntax (the README's query section is the user's account of it): words,
"quoted phrases" (also “…” and ＂…＂), AND / OR / NOT (any case, also && || and a
leading - or －), parentheses (also full-width), and field:value or
field:"phrase" for title, text, place, city, province, series, section,
doc_type, year, month and issue. Adjacent terms are ANDed. A string that does
not parse (unbalanced quotes or brackets, a dangling operator) is searched as
its plain words, with a warning naming the fault and the fix; parsing never
raises. A text term with nothing searchable (—, 【) is dropped with a notice; a
query left with nothing finds nothing (`Parsed.nothing`). A Chinese number also
matches its Arabic form (十五万 OR 15万); a number matches whole (number_bounded).
Dates typed as terms are reported in `Parsed.dates`. `cut_query` is the one
length limit.

Every text term is its units, searched as an exact substring of the title,
the text or both (indexer.store.substring); indexer.search.compiler turns each term into what
evaluates it, indexer.search.evaluate the tree into the matching set; ranking is
indexer.search.rank's. This module imports nothing of the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from archive.dates import cn_digits, cn_numeral, plain_cn_number
from archive.dates import issue_number as _issue_number
from indexer.search import memo
from indexer.store.analysis import normalize, units

MAX_QUERY_CHARS = 200  # one limit for the web page, the API and the CLI
MAX_TERMS = 32

TEXT_FIELDS = {"title", "text"}
KEYWORD_FIELDS = {"city", "place", "province", "series", "section", "month", "doc_type", "serial"}
PLACE_FIELDS = {"city", "place", "province"}  # matched through the gazetteer's units (the 地区 facet)
NUMBER_FIELDS = {"year", "issue"}
FIELDS = TEXT_FIELDS | KEYWORD_FIELDS | NUMBER_FIELDS
FIELD_ALIASES = {
    "标题": "title", "正文": "text", "城市": "city", "地点": "place", "地区": "place", "省份": "province",
    "省": "province", "年份": "year", "期": "issue", "文种": "doc_type", "type": "doc_type",
    "文号": "serial", "发文字号": "serial",  # staff: a 公文's 发文字号, whole or by its parts (indexer.store.serials)
}


@dataclass(frozen=True)
class Term:
    text: str
    field: str | None = None
    phrase: bool = False


@dataclass(frozen=True)
class Not:
    child: "Node"


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


Node = Union[Term, Not, And, Or]


@dataclass(frozen=True)
class Parsed:
    tree: Node | None  # None: no terms (browse, unless `nothing`)
    warnings: tuple[str, ...] = ()
    # the query had text but nothing to search (a bare AND, only punctuation): no results
    nothing: bool = False
    # dates typed as terms, offered as filters: ("month", "2023-03") / ("year", "2023"), with the term
    dates: tuple[tuple[str, str, str], ...] = ()
    # plain words (and quoted phrases) only: no operator, bracket or field — what the staged
    # query (indexer.search.stages) may cut into words when the string is not found
    plain: bool = True


# Full-width operators read as their ASCII forms (（ ） and “ ” are handled by the lexer).
_FULLWIDTH = str.maketrans({"－": "-", "＋": "+", "＂": '"', "＆": "&", "｜": "|"})
OPERATORS = {"AND": "and", "&&": "and", "OR": "or", "||": "or", "NOT": "not"}
# Operators typed as Chinese words, standing alone between two words (南京 或 苏州, 治理 不含 社区):
# read as operators with a notice (quote them to search the word itself). Run together with
# other words (南京或苏州) they are read by the staged query (indexer.search.stages.CN_OPERATORS).
CN_OPERATORS = {"或": "or", "或者": "or", "和": "and", "与": "and", "并且": "and", "不含": "not", "不包括": "not",
                "不包含": "not", "排除": "not", "除了": "not", "除去": "not"}

_TOKEN_RE = re.compile(
    r'\s*(?:(?P<fquote>(?P<fname>[^\s()（）"“”:：]+)[:：](?P<fq>"[^"]*"|“[^”]*”))'
    r'|(?P<quote>"[^"]*"|“[^”]*”)|(?P<lp>[(（])|(?P<rp>[)）])|(?P<word>[^\s()（）"“”]+))'
)


class _Malformed(Exception):
    """The query does not parse; `reason` says why and how to fix it (shown in the notice)."""

    def __init__(self, reason: str = "无法解析", fix: str = "请检查引号、括号和 AND / OR / NOT") -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix


_QUOTE = _Malformed("引号没有配对", "请补全或删去多余的引号")
_PAREN = _Malformed("括号没有配对", "请补全或删去多余的括号")
_DANGLING = _Malformed("AND / OR / NOT 的一边缺少检索词", "请在运算符两边都写上检索词，或把它放进引号当作普通词")


def _clean(s: str) -> str:
    return "".join(ch if ch.isprintable() or ch in "\t\n" else " " for ch in s).translate(_FULLWIDTH)


def cut_query(s: str, limit: int | None = None) -> tuple[str, str | None]:
    """`s` cut to at most `limit` (MAX_QUERY_CHARS) characters at a boundary between terms
    (never inside a quoted phrase), and the notice saying so (None when not cut). A first
    term longer than the limit is cut inside; a phrase cut so keeps its closing quote."""
    limit = MAX_QUERY_CHARS if limit is None else limit
    s = s.strip()
    if len(s) <= limit:
        return s, None
    close = {'"': '"', "“": "”"}
    quote: str | None = None
    last = 0  # the end of the last whole term within the limit
    for i, ch in enumerate(s[: limit + 1]):
        if quote is None and ch.isspace():
            last = i
        if quote is None and ch in close:
            quote = close[ch]
        elif quote is not None and ch == quote:
            quote = None
            if i + 1 <= limit:
                last = i + 1 if i + 1 == len(s) or s[i + 1].isspace() else last
    if last:
        out = s[:last].rstrip()
    else:
        out = s[:limit]
        opener = next((c for c in out if c in close), None)
        if opener is not None and out.count(opener) % 2 == 1 and close[opener] not in out[out.index(opener) + 1 :]:
            out = out[: limit - 1] + close[opener]
    note = f"检索词过长（{len(s)} 个字符），只使用了前 {len(out)} 个字符（最多 {limit} 个，在词语之间截断）。"
    return out, note


def _lex(s: str, notes: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    s = s.strip()
    while pos < len(s):
        m = _TOKEN_RE.match(s, pos)
        if not m or m.end() == pos:
            raise _QUOTE
        pos = m.end()
        if m.group("fquote") is not None:
            name = FIELD_ALIASES.get(m.group("fname"), m.group("fname")).lower()
            if name in FIELDS:
                out.append(("fphrase", f"{name}:{m.group('fq')[1:-1]}"))
            else:  # 巴黎:"奥运": a word and a phrase
                out.append(("word", m.group("fname")))
                out.append(("phrase", m.group("fq")[1:-1]))
        elif m.group("quote") is not None:
            out.append(("phrase", m.group("quote")[1:-1]))
        elif m.group("lp"):
            out.append(("(", "("))
        elif m.group("rp"):
            out.append((")", ")"))
        else:
            w = m.group("word")
            if w in OPERATORS:
                out.append((OPERATORS[w], w))
            elif w in CN_OPERATORS and out and out[-1][0] in ("word", "phrase", "fphrase", ")"):
                out.append((CN_OPERATORS[w], w))
                notes.append(f"已把“{w}”当作运算符 {CN_OPERATORS[w].upper()}；要搜索这个词，请加引号：\"{w}\"")
            elif w.upper() in ("AND", "OR", "NOT"):
                # lower-case (or mixed-case) and/or/not: operators too, with a notice
                out.append((w.lower(), w))
                notes.append(f"已把“{w}”当作运算符 {w.upper()}；要搜索这个词，请加引号：\"{w}\"")
            elif w.startswith("-") and len(w) > 1:
                out.append(("not", "-"))
                out.append(("word", w[1:]))
            elif w.startswith("+") and len(w) > 1:
                out.append(("word", w[1:]))  # +word: required, as every word is
            elif w in ("-", "+"):
                out.append(("op", w))  # a lone sign: nothing to search
            else:
                out.append(("word", w))
        s_rest = s[pos:]
        if not s_rest.strip() and out and out[-1][0] in ("and", "or", "not") and out[-1][1] in CN_OPERATORS:
            w = out.pop()[1]  # 南京 或: a word at the end, not an operator
            out.append(("word", w))
            notes[:] = [n for n in notes if not n.startswith(f"已把“{w}”")]
        if s_rest.startswith('"') and s_rest.count('"') == 1:
            raise _QUOTE
        if s_rest.startswith("“") and "”" not in s_rest:
            raise _QUOTE
    return out


class _Parser:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = [t for t in toks if t[0] != "op"]
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node | None:
        if not self.toks:
            return None
        node = self.or_expr()
        if self.i != len(self.toks):
            raise _PAREN if self.peek() in ("(", ")") else _DANGLING
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.peek() == "or":
            self.take()
            items.append(self.and_expr())
        items = list(dict.fromkeys(items))  # a term repeated adds nothing
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while self.peek() in ("and", "not", "word", "phrase", "fphrase", "("):
            if self.peek() == "and":
                self.take()
            items.append(self.unary())
        items = list(dict.fromkeys(items))
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        kind = self.peek()
        if kind == "not":
            self.take()
            return Not(self.unary())
        if kind == "(":
            self.take()
            node = self.or_expr()
            if self.peek() != ")":
                raise _PAREN
            self.take()
            return node
        if kind == "phrase":
            return Term(self.take()[1], phrase=True)
        if kind == "fphrase":
            name, _, value = self.take()[1].partition(":")
            return Term(value, field=name, phrase=True)
        if kind == "word":
            word = self.take()[1]
            name = _bare_field(word)
            if name is not None and self.peek() in ("word", "phrase"):  # 标题： 迈上 (a space after the colon)
                nxt_kind, value = self.take()[:2]
                return Term(value.strip('"“”'), field=name, phrase=nxt_kind == "phrase")
            return _field_term(word)
        if kind is None or kind in ("and", "or"):
            raise _DANGLING
        raise _PAREN


def _field_split(word: str) -> tuple[str | None, str]:
    """(the field a word names before its colon — title:, 标题： — or None, what follows it)."""
    name, sep, value = word.partition(":")
    if not sep:
        name, sep, value = word.partition("：")
    name = FIELD_ALIASES.get(name, name).lower()
    return (name, value) if sep and name in FIELDS else (None, word)


def _bare_field(word: str) -> str | None:
    """The field a word names when it is only a field and its colon (标题：, title:), else None."""
    name, value = _field_split(word)
    return name if name is not None and not value else None


def _field_term(word: str) -> Term:
    name, value = _field_split(word)
    if name is None:
        return Term(word)
    if not value:
        raise _Malformed(f"“{word}”后缺少检索内容", f"请在冒号后写上内容，例如 {name}:碳达峰")
    return Term(value.strip('"“”'), field=name)


def _fallback(s: str) -> Node | None:
    words = [w for w in re.split(r"[\s\"“”()（）]+", s) if w and w.upper() not in ("AND", "OR", "NOT", "&&", "||")]
    words = [w.lstrip("-+") for w in words]
    terms = tuple(dict.fromkeys(Term(w) for w in words if units(w)))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else And(terms)


def count_terms(node: Node | None) -> int:
    if node is None:
        return 0
    if isinstance(node, Term):
        return 1
    if isinstance(node, Not):
        return count_terms(node.child)
    return sum(count_terms(c) for c in node.children)


def _searchable(t: Term) -> bool:
    """Whether a term can match anything: a text term needs a letter, digit or character."""
    return t.field not in (None, "title", "text") or bool(units(t.text))


def _prune(node: Node | None, dropped: list[str]) -> Node | None:
    """The tree without the text terms that hold nothing searchable (【, —, “”)."""
    if node is None:
        return None
    if isinstance(node, Term):
        if _searchable(node):
            return node
        dropped.append(node.text)
        return None
    if isinstance(node, Not):
        child = _prune(node.child, dropped)
        return None if child is None else Not(child)
    kids = [k for k in (_prune(c, dropped) for c in node.children) if k is not None]
    if not kids:
        return None
    if isinstance(node, And) and all(isinstance(k, Not) for k in kids):
        return And(tuple(kids))  # NOT only: the archive less those (as before)
    if len(kids) == 1:
        return kids[0]
    return type(node)(tuple(kids))


_CN_NUM = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
# Counters and units after a number: a single numeral before one of them (九次, 3万人) is a
# number, and the Arabic and Chinese forms of such a figure are searched together.
COUNTERS = "次个人名位项家件届条所户天年月日倍元岁批场轮级万亿%％"  # (期: 第11期 names an issue)
_CN_DIGIT = "〇一二三四五六七八九"
_AR_FIGURE = re.compile(rf"(?<![0-9.])([0-9]{{1,4}})(?=[{COUNTERS}])")
_CN_LEAD = re.compile(rf"^[零〇一二两三四五六七八九十百千]+(?=[{COUNTERS}])")


def arabic_form(text: str) -> str | None:
    """十五万 → 15万, 三百人 → 300人, 二〇二三年 → 2023年; None when `text` has no
    Chinese number worth reading (a single character such as 一 in 统一 is not one)."""
    changed = False

    def conv(m: re.Match[str]) -> str:
        nonlocal changed
        run = m.group()
        tail = ""
        if run[-1] in "万亿" and len(run) > 1:
            run, tail = run[:-1], run[-1]
        if len(run) < 2 and run not in ("十", "百", "千") and not (
                run in _CN_DIGIT[1:] + "两" and text[m.end():m.end() + 1] in COUNTERS and text[m.end():m.end() + 1]):
            return m.group()  # 一 of 统一 is no number; 九 of 九次 is
        if run == "两":
            changed = True
            return "2" + tail
        n: int | float | None = plain_cn_number(run)  # the usual forms, without cn2an
        if n is None:
            import cn2an  # here, not at the top: its import takes ~0.3 s (server start, CLI)

            try:
                n = cn2an.cn2an(run, "smart")
            except (ValueError, KeyError, TypeError, IndexError):
                if all(c in "零〇一二三四五六七八九" for c in run):  # 二〇二三: digit by digit
                    changed = True
                    return "".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in run) + tail
                return m.group()
        changed = True
        return f"{int(n) if float(n).is_integer() else n}{tail}"

    out = _CN_NUM.sub(conv, text)
    return out if changed and out != text else None


def chinese_form(text: str) -> str | None:
    """9次 → 九次, 15万 → 十五万, 2023年 → 二〇二三年, 10% → 百分之十: the Chinese form of the
    figures (a number of at most 4 digits before a counter or unit, COUNTERS) of `text`; None
    when it has none."""
    if not _AR_FIGURE.search(text):
        return None

    def conv(m: re.Match[str]) -> str:
        digits = m.group(1)
        unit = text[m.end():m.end() + 1]
        if unit == "年" and len(digits) == 4:
            return cn_digits(digits)  # 2023年 → 二〇二三年
        if len(digits) > 1 and digits[0] == "0":
            return digits
        return cn_numeral(int(digits))

    out = _AR_FIGURE.sub(conv, text)
    out = re.sub(r"([零〇一二三四五六七八九十百千]+)[%％]", r"百分之\1", out)
    return out if out != text else None


FIGURE_REST = 3  # a term with at most this many characters besides its digits is a figure (9次, 3万人, 2023年)


@memo.pure
def other_form(text: str) -> str | None:
    """The other way of writing the figures of `text` (十五万 ↔ 15万; 9次 → 九次 only for a
    figure, FIGURE_REST: a long run is cut into words, and each figure among them gets it)."""
    alt = arabic_form(text)
    if alt is None and len(re.sub(r"[0-9]", "", text)) <= FIGURE_REST:
        alt = chinese_form(text)
    return alt


def is_number_or(node: Node) -> bool:
    """An OR the parser made of a term and its figures written the other way (十五万 OR 15万)."""
    return isinstance(node, Or) and len(node.children) == 2 and all(isinstance(c, Term) for c in node.children) \
        and other_form(node.children[0].text) == node.children[1].text  # type: ignore[union-attr]


def _numbers(node: Node | None) -> Node | None:
    """Each text term with a number also matches its other form: 十五万 OR 15万, 9次 OR 九次."""
    if node is None:
        return None
    if isinstance(node, Term):
        if node.field in (None, "title", "text"):
            alt = other_form(node.text)
            if alt:
                return Or((node, Term(alt, node.field, node.phrase)))
        return node
    if isinstance(node, Not):
        return Not(_numbers(node.child))  # type: ignore[arg-type]
    return type(node)(tuple(_numbers(c) for c in node.children))  # type: ignore[misc]


_DATE_RES = (
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), "month"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})/(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})年$"), "year"),
)


def date_of(text: str) -> tuple[str, str] | None:
    """("month", "2023-03") for 2023年3月 / 2023-03, ("year", "2023") for 2023年, else None."""
    t = normalize(text.strip())
    for rx, kind in _DATE_RES:
        m = rx.match(t)
        if m:
            year = int(m.group(1))
            if not 1900 <= year <= 2100:
                return None
            if kind == "year":
                return ("year", str(year))
            month = int(m.group(2))
            return ("month", f"{year:04d}-{month:02d}") if 1 <= month <= 12 else None
    return None


def _dates(node: Node | None) -> list[tuple[str, str, str]]:
    if isinstance(node, Term):
        d = date_of(node.text) if node.field is None else None
        return [(d[0], d[1], node.text)] if d else []
    if isinstance(node, (And, Or)):
        return [x for c in node.children for x in _dates(c)]
    return []


def parse_query(raw: str) -> Parsed:
    """Parse a user's query string; never raises."""
    s, cut = cut_query(_clean(raw or ""))
    warnings: list[str] = [cut] if cut else []
    plain = True
    try:
        toks = _lex(s, warnings)
        # brackets around plain words only (a pasted sentence's （11月21日）) keep the query plain
        plain = not any(kind in ("and", "or", "not", "fphrase") for kind, _v in toks)
        tree = _Parser(toks).parse()
        plain = plain and not _has_field(tree)
    except (_Malformed, IndexError, RecursionError) as exc:
        tree = _fallback(s)
        if isinstance(exc, _Malformed):
            warnings.append(f"查询语法有误（{exc.reason}），已按普通词语搜索；{exc.fix}")
        else:
            warnings.append("查询语法有误，已按普通词语搜索；请检查引号、括号和 AND / OR / NOT")
    if count_terms(tree) > MAX_TERMS:
        tree = _fallback(" ".join(s.split()[:MAX_TERMS]))
        warnings.append(f"查询词过多，只使用了前 {MAX_TERMS} 个")
    dropped: list[str] = []
    tree = _prune(tree, dropped)
    if dropped:
        shown = "、".join(f"“{d}”" for d in dict.fromkeys(dropped) if d.strip())
        warnings.append(f"已忽略没有可检索文字的词{'：' + shown if shown else ''}（标点和符号不参与检索）")
    nothing = tree is None and bool(s.strip())
    if nothing and not dropped:
        warnings = [w for w in warnings if not w.startswith("查询语法有误")]
        warnings.append("查询中没有可检索的词：请输入要找的文字；运算符 AND / OR / NOT 要写在两个词之间，"
                        "要搜索这些英文单词本身请加引号，如 \"and\"")
    dates = tuple(_dates(tree))
    return Parsed(_numbers(tree), tuple(warnings), nothing, dates, plain)


def _has_field(node: Node | None) -> bool:
    if node is None:
        return False
    if isinstance(node, Term):
        return node.field is not None
    if isinstance(node, Not):
        return True
    return any(_has_field(c) for c in node.children)


# -- reading one term ----------------------------------------------------------


def issue_number(text: str) -> int | None:
    """11 for 第11期 / 第十一期 (full-width forms too), else None."""
    text = normalize(text.strip())
    return _issue_number(text) if text.startswith("第") else None


_YEAR_ISSUE = re.compile(r"^((?:19|20)[0-9]{2})年(第.+期)$")


def issue_ref(text: str) -> tuple[int, int | None] | None:
    """(11, None) for 第11期 / 第十一期, (11, 2022) for 2022年第11期; None for anything else."""
    t = normalize(text.strip())
    m = _YEAR_ISSUE.match(t)
    n = issue_number(m.group(2) if m else t)
    if n is None:
        return None
    return n, int(m.group(1)) if m else None


MAGNITUDES = "十百千万亿兆"  # a number's unit that a larger one may follow (15万亿)


@memo.pure
def number_pattern(text: str) -> re.Pattern[str] | None:
    """For a term that starts or ends with a number (15万, 2.5, 第15): a pattern that finds
    it in normalised text only where the number is whole — 15万 is not in 9.15万 or 1115万,
    nor in 15万亿 (a number ends at its unit).
    None for other terms. Units may be separated by punctuation or space, as in search."""
    us = units(text)
    cn_lead = bool(_CN_LEAD.match(normalize(text)))  # 九次 is not in 十九次
    if not us or not (us[0][0].isdigit() or us[-1][0].isdigit() or cn_lead):
        return None
    sep = r"[\W_]*"
    body = sep.join(re.escape(u.strip()) for u in us)
    head = r"(?<![0-9])(?<![0-9][.,])" if us[0][0].isdigit() else ""
    if cn_lead:
        head = "(?<![零〇一二两三四五六七八九十百千0-9])"
    tail = r"(?![0-9])(?![.,][0-9])" if us[-1][0].isdigit() else ""
    if len(us) >= 2 and us[-2][0].isdigit() and us[-1] in MAGNITUDES:
        tail = f"(?![{MAGNITUDES}])"  # 15万 ends at its unit: not the start of 15万亿
    return re.compile(head + body + tail)
