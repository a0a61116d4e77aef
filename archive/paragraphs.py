"""Rejoin paragraphs that page breaks and PDF extraction split."""

from __future__ import annotations

import re

__all__ = ["clean_spaces", "clean_title", "ends_paragraph", "ends_sentence", "join_lines", "strip_bullet", "starts_item"]

_CJK = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t\u3000\u00a0]+(?=[{_CJK}])")
_MULTI_SPACE = re.compile(r"[ \t\u3000\u00a0]{2,}")
_FINAL = tuple("。！？；：…”」』）)!?;:．.")
_CLOSERS = "”」』）)"
_BULLET = re.compile(r"^[-•·●▪◆■*]\s+")
_ITEM = re.compile(r"^(?:[-•·●▪◆■*]\s+|[一二三四五六七八九十]+是|[（(][一二三四五六七八九十0-9]+[）)]|[一二三四五六七八九十]+、|[0-9]+[.、．]\s*\S)")


def clean_spaces(text: str) -> str:
    """Drop spaces between Chinese characters ("身 边" → "身边"); keep them between
    Latin letters and digits; collapse runs of spaces."""
    text = _CJK_SPACE.sub("", text)
    return _MULTI_SPACE.sub(" ", text).strip()


def clean_title(text: str) -> str:
    """A heading's text for display: runs of white space become one space, the
    spaces themselves are kept ("…路丙辉：为党育人 为国育才"); search ignores them."""
    return " ".join(text.split())


def ends_paragraph(line: str) -> bool:
    """Whether a line ends with final punctuation (so the next line starts anew)."""
    return line.rstrip().endswith(_FINAL)


def ends_sentence(line: str) -> bool:
    """Whether a line ends a sentence: final punctuation, where a closing quote or bracket counts only
    after final punctuation (…增收。” ends one; 打造“一刻钟便民服务圈” and 开展“三下乡”活动（图） are
    titles, not sentences)."""
    t = line.rstrip()
    if not t.endswith(_FINAL):
        return False
    if t[-1] in _CLOSERS:
        inner = t.rstrip(_CLOSERS)
        return inner.endswith(_FINAL) if inner else True
    return True


def starts_item(line: str) -> bool:
    """Whether a line opens a list item (- 一是…, 二是…, （一）, 1.)."""
    return bool(_ITEM.match(line))


def strip_bullet(line: str) -> str:
    """"- 一是…" → "一是…"."""
    return _BULLET.sub("", line, count=1)


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def join_lines(left: str, right: str) -> str:
    """Join two pieces of one paragraph: no space between Chinese text, one between words."""
    if not left:
        return right
    if not right:
        return left
    sep = " " if _is_ascii_word(left[-1]) and _is_ascii_word(right[0]) else ""
    return left + sep + right
