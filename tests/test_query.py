"""Query parsing: the syntax users type, and nothing they type makes it raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.compiler import compile_term
from indexer.search.query import MAX_QUERY_CHARS, And, Not, Or, Term, issue_number, parse_query


def test_syntax() -> None:
    assert parse_query("口罩行动").tree == Term("口罩行动")
    assert parse_query("志愿 AND 防疫").tree == And((Term("志愿"), Term("防疫")))
    assert parse_query("志愿 防疫").tree == And((Term("志愿"), Term("防疫")))
    assert parse_query("志愿 OR 防疫").tree == Or((Term("志愿"), Term("防疫")))
    assert parse_query("志愿 NOT 防疫").tree == And((Term("志愿"), Not(Term("防疫"))))
    assert parse_query("志愿 -防疫").tree == And((Term("志愿"), Not(Term("防疫"))))
    assert parse_query('"志愿服务 活动"').tree == Term("志愿服务 活动", phrase=True)
    assert parse_query("“志愿服务 活动”").tree == Term("志愿服务 活动", phrase=True)
    assert parse_query("(a OR b) c").tree == And((Or((Term("a"), Term("b"))), Term("c")))
    assert parse_query("city:淮安市 title:志愿").tree == And((Term("淮安市", "city"), Term("志愿", "title")))
    assert parse_query("").tree is None and parse_query("   ").tree is None


def test_malformed_falls_back_to_words() -> None:
    for q in ('"志愿', "(志愿", "志愿)", "志愿 AND", "OR 志愿", "city:", "NOT"):
        p = parse_query(q)
        assert p.warnings, q
    assert parse_query('"志愿 服务').tree == And((Term("志愿"), Term("服务")))


def test_issue_numbers() -> None:
    assert issue_number("第十一期") == 11 and issue_number("第11期") == 11 and issue_number("第１１期") == 11
    assert issue_number("第一百零三期") == 103 and issue_number("十一期") is None


def test_limits() -> None:
    p = parse_query("字" * 10_000)
    assert p.warnings and isinstance(p.tree, Term) and len(p.tree.text) == MAX_QUERY_CHARS
    p = parse_query(" ".join(f"词{i}" for i in range(100)))
    assert p.warnings


def test_term_without_searchable_units_matches_nothing() -> None:
    assert compile_term(Term("，。！")).match is None
    assert compile_term(Term("abc", "year")).match is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('志愿服务淮安 "()（）“”:：-*?ANDORNOT年city') + ["\x00", "😀", "\u202e"]), max_size=60))
def test_parse_never_raises(q: str) -> None:
    p = parse_query(q)
    if p.tree is not None:
        stack = [p.tree]
        while stack:
            node = stack.pop()
            if isinstance(node, Term):
                compile_term(node)
            elif isinstance(node, Not):
                stack.append(node.child)
            else:
                stack.extend(node.children)
