"""The 简报 body as labels, a cyclic grammar and hand weights: where its articles start.

After the 报头 (archive/textparse.py) a 简报's body is a run of articles, each a
title (on one line or two) and its text; section markers (【工作交流】), place
headings (`淮安市：…`), a table of contents and 附件 lines are told by their
patterns and stand in the sequence as `fixed`. Every other line is labelled

    title   the first line of an article's title
    cont    the title's second line (a title split over two lines)
    body    the article's text

with the grammar: a title is followed by its second line or by text, never by
another title; text by text, a title or a fixed line. The decoder
(archive/layouts/decode.py) finds the best path, so a short line is a title
only where text follows it, and a line in the middle of a paragraph never is.

The weights start from the parser's old rule (a short line standing alone
between blank lines, or a heading by the format's hints, followed by text:
`old`), and add what that rule could not see: a title with no blank line
around it in a document that has none (a PDF, a pasted page), its second line,
titles numbered 一、二、 that are the issue's top level, a title that asks a
question (…？). In a document that separates its paragraphs by blank lines a
title still needs them. A close call between title and body is a warning that
names the line.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from archive.features import PARAMS, LayoutParams
from archive.layout import Line
from archive.layouts.decode import NEG, Decoded, Grammar, decode
from archive.paragraphs import ends_paragraph, ends_sentence, starts_item

__all__ = ["GRAMMAR", "JIANBAO", "LABELS", "NAMES", "WEIGHTS", "JianbaoParams", "close_calls", "label_body"]

LABELS = ("fixed", "title", "cont", "body")
NAMES = {"fixed": "栏目/小标题", "title": "文章标题", "cont": "标题续行", "body": "正文"}
GRAMMAR = Grammar(
    labels=LABELS,
    rank={lab: 0 for lab in LABELS},
    repeat=frozenset({"fixed", "cont", "body"}),
    follows={
        "fixed": frozenset({"fixed", "title", "body"}),
        "title": frozenset({"cont", "body", "fixed"}),
        "cont": frozenset({"body", "fixed"}),
        "body": frozenset({"body", "title", "fixed"}),
    },
)
WEIGHTS = {
    "old": 5.0,  # the old rule's plain heading (blank lines around it, or the format's hints)
    "short": 1.0,  # short, no final punctuation
    "ordinal": 0.8,  # 一、… at the issue's top level
    "question": 0.8,  # a short line ending in ？ (below `close_call`: the title is reported as a close call)
    "cont": 1.5,  # a second title line under the first
    "pair": 2.0,  # in a document spaced by blank lines: two short lines standing together between blank lines, text after them
    "full_width": -2.0,  # as long as the document's wrapped lines: a line of a paragraph
    "body": 0.0,
}


@dataclass(frozen=True)
class JianbaoParams:
    """The 简报 layout's named thresholds (lengths are characters), one object for the 报头,
    body and 报尾 readers of archive/textparse.py."""

    header_lines: int = 15  # the 报头 is within this many first lines
    footer_lines: int = 20  # the 报尾 within this many last lines
    mark_max: int = 24  # a handling mark (工作资料 注意保存)
    header_line_max: int = 60  # a longer line ends the 报头
    issue_part_max: int = 40  # a part of a 报头 line searched for its 期号
    series_max: int = 30  # a series title (…简报)
    issuer_max: int = 30  # an issuer (编发单位)
    heading_max: int = 40  # an article title; a place heading's title
    plain_heading_max: int = 30  # a bare title line standing alone (the old rule)
    body_after_heading: int = 30  # a line this long after a short one is text, so the short one a title
    toc_entry_max: int = 50  # a 目录 entry
    leader_line_max: int = 60  # a 目录 entry with a dot leader (……3)
    footer_line_max: int = 60  # a 报尾 line carrying only a serial or a print run
    lead_title_max: int = 30  # the first words of an untitled lead text, as its title
    series_fallback_max: int = 60  # a headerless issue's first line, as its series


JIANBAO = JianbaoParams()
_ORDINAL = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_INNER_PUNCT = re.compile(r"[，。,；;！!：:]")
_EDITOR_NOTE = re.compile(r"^(?:编者按|编者的话|编者|按语|编后|编后语)")
_ASIDE = re.compile(r"[（(][^（()）]*[）)]")  # a line wholly in brackets: a credit (（区市场监管局供稿）) or a note, never a title


@dataclass(frozen=True)
class _Shape:
    """What the labeller knows of one body line."""

    chars: int
    final: bool  # ends with final punctuation
    question: bool
    inner: bool  # sentence punctuation inside
    ordinal: bool
    item: bool  # a list item other than 一、 (（一）, 1., 一是)
    note: bool  # 编者按


def _shape(key: str) -> _Shape:
    k = key.strip()
    q = k.endswith(("？", "?"))
    return _Shape(
        chars=len(k),
        final=ends_sentence(k) or bool(_ASIDE.fullmatch(k)),
        question=q,
        inner=bool(_INNER_PUNCT.search(k[:-1] if q else k)),
        ordinal=bool(_ORDINAL.match(k)),
        item=starts_item(k) and not _ORDINAL.match(k),
        note=bool(_EDITOR_NOTE.match(k)),
    )


def _spaced(lines: Sequence[Line]) -> bool:
    """Whether the document separates its paragraphs by blank lines (raw text that has them)."""
    raw = [ln for ln in lines if not ln.whole]
    return bool(raw) and sum(ln.blank_before for ln in raw) >= 0.6 * len(raw)


def _wrap_width(lines: Sequence[Line]) -> int | None:
    """The width raw text was wrapped at (a PDF's text, hard-wrapped), when most run-on lines share it."""
    runs = [len(ln.key) for ln in lines if not ln.whole and not ends_paragraph(ln.key) and len(ln.key) > 15]
    if len(runs) < 3:
        return None
    mode = statistics.mode(runs)
    return mode if sum(abs(n - mode) <= 1 for n in runs) >= 0.3 * len(runs) else None


def label_body(
    lines: Sequence[Line],
    fixed: Sequence[bool],
    old: Sequence[bool],
    params: LayoutParams = PARAMS,
) -> list[Decoded]:
    """Each body line's label: `fixed` where the caller's patterns placed it, `old` where the
    old plain-heading rule (given per line) saw a heading."""
    n = len(lines)
    shapes = [_shape(ln.key) for ln in lines]
    spaced = _spaced(lines)
    wrap = _wrap_width(lines)
    # 一、二、 are the issue's articles when they come before any other title.
    first_ordinal = next((k for k, s in enumerate(shapes) if s.ordinal and not s.final and not fixed[k]), None)
    top_ordinals = first_ordinal is not None and not any(old[:first_ordinal]) and sum(
        s.ordinal and not s.final and s.chars <= params.heading_max for s in shapes
    ) >= 2
    w = WEIGHTS

    def mid(k: int) -> bool:  # line k continues the paragraph above it
        if k == 0 or fixed[k - 1]:
            return False
        prev = lines[k - 1]
        return not prev.whole and not lines[k].blank_before and not ends_paragraph(prev.key)

    def full_width(k: int) -> bool:  # a wrapped line of a paragraph: the wrap width, or as long as the next line
        c = shapes[k].chars
        if wrap is not None and c >= wrap - 1:
            return True
        nxt = lines[k + 1] if k + 1 < n else None
        return c >= params.wrap_min and nxt is not None and not nxt.blank_before and abs(shapes[k + 1].chars - c) <= 1

    def titleish(k: int) -> bool:
        s = shapes[k]
        return s.chars <= params.heading_max and (not s.final or s.question) and not s.inner and not s.item and not s.note

    def paired(k: int) -> bool:  # lines k and k+1 stand together between blank lines: one title over two lines
        if k + 2 >= n or fixed[k + 1] or lines[k].whole or not lines[k].blank_before or lines[k].blank_after:
            return False
        second, after = shapes[k + 1], shapes[k + 2]
        return (
            titleish(k + 1)
            and not second.ordinal
            and lines[k + 1].blank_after
            and shapes[k].chars + second.chars <= params.title_join_max
            and (after.final or after.chars > params.wrap_min)
        )

    def score(k: int, label: str) -> float:
        if fixed[k]:
            return 0.0 if label == "fixed" else NEG
        if label == "fixed":
            return NEG
        if label == "body":
            return w["body"]
        s = shapes[k]
        if label == "title":
            if old[k]:
                return w["old"]
            if k + 1 >= n or not titleish(k) or mid(k):
                return NEG
            pair = spaced and not s.question and paired(k)
            new = (s.ordinal and top_ordinals) or (s.question and s.chars >= 6)
            if spaced:  # a title still stands between blank lines (alone, or with its second line); only the new evidence counts
                if not ((new and lines[k].blank_before and lines[k].blank_after) or pair):
                    return NEG
            total = (w["short"] if not s.final else 0.0) + (w["ordinal"] if s.ordinal and top_ordinals else 0.0) + (w["question"] if s.question else 0.0)
            total += w["pair"] if pair else 0.0
            if s.ordinal and not top_ordinals:
                return NEG  # a numbered point inside an article
            if full_width(k):
                total += w["full_width"]
            return total
        # cont: the title's second line
        if k == 0 or not titleish(k) or s.ordinal:
            return NEG
        if lines[k].blank_before and not lines[k].whole:
            return NEG  # a blank line between: not one title
        if full_width(k) or full_width(k - 1):
            return NEG
        if shapes[k - 1].chars + s.chars > params.title_join_max or shapes[k - 1].question:
            return NEG
        a, b = lines[k - 1], lines[k]
        same = (a.size, a.bold, a.align) == (b.size, b.bold, b.align)
        if a.whole and not same:
            return NEG  # a heading and a by-line or caption under it
        return w["cont"] + (w["old"] if old[k] and same else 0.0)  # the old rule saw the second half as the heading

    return decode(n, GRAMMAR, score, params.close_call)


def close_calls(lines: Sequence[Line], decoded: Sequence[Decoded], params: LayoutParams = PARAMS) -> list[str]:
    """Warnings for the body lines whose title-or-text label was a close call."""
    out = []
    for ln, d in zip(lines, decoded):
        if d.second is None or d.margin >= params.close_call or {d.label, d.second} != {"title", "body"}:
            continue
        short = ln.text if len(ln.text) <= 20 else ln.text[:20] + "…"
        out.append(f"line {ln.number} 「{short}」: {NAMES[d.label]} or {NAMES[d.second]}? (margin {d.margin:.1f})")
    return out


# The 简报's elements, as label_issue (archive/textparse.py) and `check --explain` name them: the 报头's
# parts, the body's labels above, and the 报尾's.
PARTS = {
    "head": "报头",
    "mark": "报头·内部资料标注",
    "name": "报头·刊名",
    "issue": "报头·期号",
    "total": "报头·总期号",
    "issuer": "报头·编发单位",
    "date": "报头·日期",
    "toc": "目录",
    "note": "按语",
    "section": "栏目",
    "title": "标题",
    "cont": "标题续行",
    "body": "正文",
    "attachment": "附件",
    "to": "报尾·报送",
    "copies": "报尾·共印",
    "serial": "报尾·编号",
    "colophon": "报尾·编辑与联系",
}

# The 报尾 as a zone of the issue's end: every line is `body` (the last article's text) or `foot`, in that
# order. A line's evidence for `foot` is what it carries (a 报/送/发 key, a print run or serial, a colophon);
# a line with none costs a little, so the 报尾 starts at its first line of evidence and the lines under it
# (a recipient list running on) stay in it. Weights equal to the old rule (the first such line among the
# last `footer_lines` starts the 报尾).
FOOT_GRAMMAR = Grammar(labels=("body", "foot"), rank={"body": 0, "foot": 1}, repeat=frozenset({"body", "foot"}))
FOOT_WEIGHTS = {"to": 3.0, "copies": 2.0, "serial": 2.0, "colophon": 1.0, None: -0.01}


def footer_start(evidence: Sequence[str | None], lo: int, params: JianbaoParams = JIANBAO) -> int:
    """Where the 报尾 starts among lines with this 报尾 evidence each (`to`, `copies`, `serial`,
    `colophon` or None): the decode of body → foot over the last `footer_lines` lines from `lo` on;
    len(evidence) when no line is `foot`."""
    n = len(evidence)
    first = max(lo, n - params.footer_lines)

    def score(k: int, label: str) -> float:
        if label == "body":
            return 0.0
        return NEG if k < first else FOOT_WEIGHTS[evidence[k]]

    decoded = decode(n, FOOT_GRAMMAR, score, PARAMS.close_call)
    return next((k for k, d in enumerate(decoded) if d.label == "foot"), n)
