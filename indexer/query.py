"""Query strings → a small tree of terms, and each term → Whoosh queries.

Syntax: words, "quoted phrases" (also “…”), AND / OR / NOT (also && || and a
leading -), parentheses, and field:value for title, text, city, place, series,
section, year, month and issue. Adjacent terms are ANDed. A string that does
not parse (unbalanced quotes or brackets, a dangling operator) is searched as
its plain words, with a warning; parsing never raises.

Every text term has a substring form (its units, searched in the character
fields by indexer.substring: finds every substring, defines the result set)
and a Whoosh `rank` query (jieba words: ranks whole-word matches first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from whoosh import query as wq

from archive.dates import issue_number as _issue_number
from indexer.analysis import normalize, units, word_list

MAX_QUERY_CHARS = 500
MAX_TERMS = 32

TEXT_FIELDS = {"title", "text"}
KEYWORD_FIELDS = {"city", "place", "series", "section", "month"}
NUMBER_FIELDS = {"year", "issue"}
FIELDS = TEXT_FIELDS | KEYWORD_FIELDS | NUMBER_FIELDS
FIELD_ALIASES = {"标题": "title", "正文": "text", "城市": "city", "地点": "place", "年份": "year", "期": "issue"}


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
    tree: Node | None  # None: no terms (browse)
    warnings: tuple[str, ...] = ()


_TOKEN_RE = re.compile(
    r'\s*(?:(?P<quote>"[^"]*"|“[^”]*”)|(?P<lp>[(（])|(?P<rp>[)）])|(?P<word>[^\s()（）"“”]+))'
)


class _Malformed(Exception):
    pass


def _clean(s: str) -> str:
    s = "".join(ch if ch.isprintable() or ch in "\t\n" else " " for ch in s)
    return s[:MAX_QUERY_CHARS]


def _lex(s: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    s = s.strip()
    while pos < len(s):
        m = _TOKEN_RE.match(s, pos)
        if not m or m.end() == pos:
            raise _Malformed()
        pos = m.end()
        if m.group("quote") is not None:
            out.append(("phrase", m.group("quote")[1:-1]))
        elif m.group("lp"):
            out.append(("(", "("))
        elif m.group("rp"):
            out.append((")", ")"))
        else:
            w = m.group("word")
            if w in ("AND", "&&"):
                out.append(("and", w))
            elif w in ("OR", "||"):
                out.append(("or", w))
            elif w == "NOT":
                out.append(("not", w))
            elif w.startswith("-") and len(w) > 1:
                out.append(("not", "-"))
                out.append(("word", w[1:]))
            else:
                out.append(("word", w))
        s_rest = s[pos:]
        if s_rest.startswith('"') and s_rest.count('"') == 1:
            raise _Malformed()
        if s_rest.startswith("“") and "”" not in s_rest:
            raise _Malformed()
    return out


class _Parser:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = toks
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
            raise _Malformed()
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
        while self.peek() in ("and", "not", "word", "phrase", "("):
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
                raise _Malformed()
            self.take()
            return node
        if kind == "phrase":
            return Term(self.take()[1], phrase=True)
        if kind == "word":
            return _field_term(self.take()[1])
        raise _Malformed()


def _field_term(word: str) -> Term:
    name, sep, value = word.partition(":")
    if not sep:
        name, sep, value = word.partition("：")
    name = FIELD_ALIASES.get(name, name).lower()
    if sep and name in FIELDS:
        if not value:
            raise _Malformed()
        value = value.strip('"“”')
        return Term(value, field=name)
    return Term(word)


def _fallback(s: str) -> Node | None:
    words = [w for w in re.split(r"[\s\"“”()（）]+", s) if w and w not in ("AND", "OR", "NOT", "&&", "||")]
    words = [w.lstrip("-") for w in words]
    terms = tuple(dict.fromkeys(Term(w) for w in words if units(w)))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else And(terms)


def _count_terms(node: Node | None) -> int:
    if node is None:
        return 0
    if isinstance(node, Term):
        return 1
    if isinstance(node, Not):
        return _count_terms(node.child)
    return sum(_count_terms(c) for c in node.children)


def parse_query(raw: str) -> Parsed:
    """Parse a user's query string; never raises."""
    s = _clean(raw or "")
    warnings: list[str] = []
    if len(raw or "") > MAX_QUERY_CHARS:
        warnings.append(f"查询过长，只使用了前 {MAX_QUERY_CHARS} 个字符")
    try:
        tree = _Parser(_lex(s)).parse()
    except (_Malformed, IndexError, RecursionError):
        tree = _fallback(s)
        warnings.append("查询语法有误，已按普通词语搜索")
    if _count_terms(tree) > MAX_TERMS:
        tree = _fallback(" ".join(s.split()[:MAX_TERMS]))
        warnings.append(f"查询词过多，只使用了前 {MAX_TERMS} 个")
    return Parsed(tree, tuple(warnings))


# -- compiling one term --------------------------------------------------------


def _words_query(ws: list[str], field: str, boost: float) -> wq.Query:
    # Ranking only: the result set comes from the character fields, so the
    # words need not be checked for adjacency here (no positions read).
    if len(ws) == 1:
        return wq.Term(field, ws[0], boost=boost)
    return wq.And([wq.Term(field, w) for w in dict.fromkeys(ws)], boost=boost)


def issue_number(text: str) -> int | None:
    """11 for 第11期 / 第十一期 (full-width forms too), else None."""
    text = normalize(text.strip())
    return _issue_number(text) if text.startswith("第") else None


# (bigram field, unit field, word field, word-pair field) searched for a text term
CHAR_FIELDS = {"title": ("tg", "tu", "title", "tp"), "text": ("cg", "cu", "text", "wp")}


@dataclass(frozen=True)
class Compiled:
    match: wq.Query | None  # documents matching a keyword/number term (or the issue number)
    rank: wq.Query | None  # scores whole-word matches (None: no ranking contribution)
    highlight: tuple[tuple[str, ...], ...]  # unit sequences to mark in snippets
    units: tuple[str, ...] = ()  # a text term's units: substring search in `fields`
    fields: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # its jieba words (documents holding all rank first)


def compile_term(t: Term) -> Compiled:
    """The Whoosh queries for one term (see the module doc)."""
    value = t.text
    if t.field in KEYWORD_FIELDS:
        v = value.strip()
        if t.field == "city" and v and not v.endswith("市"):
            return Compiled(wq.Or([wq.Term("city", v), wq.Term("city", v + "市")]), None, ())
        return Compiled(wq.Term(t.field, v), None, ())
    if t.field in NUMBER_FIELDS:
        n = issue_number(value) if t.field == "issue" else None
        if n is None:
            try:
                n = int(normalize(value).strip())
            except ValueError:
                return Compiled(None, None, ())
        if not 0 <= n < 2**31:
            return Compiled(None, None, ())
        return Compiled(wq.NumericRange(t.field, n, n), None, ())

    us = units(value)
    if not us:
        return Compiled(None, None, ())
    ws = word_list(value)
    fields = ("title", "text") if t.field is None else (t.field,)
    rank_parts = [_words_query(ws, f, 2.0 if f == "title" else 1.0) for f in fields] if ws else []
    n = issue_number(value) if t.field is None else None
    match = wq.NumericRange("issue", n, n) if n is not None else None
    rank = None if not rank_parts else rank_parts[0] if len(rank_parts) == 1 else wq.Or(rank_parts)
    return Compiled(match, rank, (tuple(us),), tuple(us), fields, tuple(dict.fromkeys(ws)))
