"""References to other documents in a text: 《title》, a 发文字号, or both.

A 公文 (and news about one) names other documents by title and number:
"根据《国务院关于…的通知》（国发〔2014〕45号）", "国办发〔2018〕108号", "《…》同时废止".
`find_references(text)` returns each as a `Reference` span — its title and/or
发文字号 parts — with the action the sentence takes on it: 废止 (repeal: 废止,
停止执行, 不再执行, 失效) or 修订 (revise: 修订, 修改) when it does, else none.
Pure text in, spans out: resolving them against the archive is indexer.search.citegraph's.

The action is read narrowly, for precision (news reports plans: "启动修订《A》",
"《B》修订草案" are no action): a run of references (joined by 、 和 及 与,
each with its number in brackets) directly followed, within `ACTION_GAP` characters
and no clause break, by the verb ("《A》、《B》同时废止", "…号）予以修订"), or directly
preceded by it ("决定废止《A》", "关于修改《B》的决定"). "修订后的《A》" names the new
text, and "根据《A》" an authority: neither is acted on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Reference", "find_references", "REPEAL", "REVISE", "STATUSES", "serial_key", "ACTION_GAP"]

# a document's 效力 (status) once later documents are read: the 效力 facet's values
IN_FORCE, REPEALED, REVISED = "现行有效", "已废止", "已修订"
STATUSES = (IN_FORCE, REPEALED, REVISED)
REPEAL = "废止"
REVISE = "修订"
ACTION_GAP = 8  # characters allowed between a run of references and the verb after it
MAX_TITLE = 80  # a 《…》 longer than this is not a document title
MAX_ORG = 10  # characters of a 机关代字

_BRACKETS = r"[〔\[［(（【]"
_CLOSE = r"[〕\]］)）】]"
# year in any bracket + (第) n 号, or 2018年第31号 (公告 numbering), after the 机关代字
# (found first, then the 代字 read backwards: a regex starting at every character is slow)
_SERIAL_TAIL = re.compile(
    rf"(?:{_BRACKETS}\s*(?P<y>(?:19|20)\d{{2}})\s*{_CLOSE}|(?P<y2>(?:19|20)\d{{2}})\s*年\s*(?=第))"
    rf"\s*第?\s*(?P<n>\d{{1,5}})\s*号"
)
_ORG_BEFORE = re.compile(rf"([\u4e00-\u9fff]{{1,{MAX_ORG}}})\s*$")
# characters that do not occur in a 机关代字: the 代字 starts after the last of them
_NOT_ORG = set("的了和及与于在将据照依按见是为对由把向经即以文件号第据之其该此各等或并已从")
_TITLE = re.compile(rf"《(?P<t>[^《》\n]{{2,{MAX_TITLE}}})》")
# the run's joints: 、 和 及 与 以及, spaces, a bracketed number after a title
_JOINT = re.compile(r"^[\s、，,]*(?:和|及|以及|与)?[\s、]*$")
# the verb after the references ends its clause ("…同时废止。", "…予以修订，"): "《X》修订以…为指导"
# uses it as a noun
_VERB_END = r"(?=\s*(?:[。；;，,：:、）)]|$))"
_REPEAL_AFTER = re.compile(r"[\s]*(?:同时|一并|即行|相应|均|也|予以|宣布|自行|随之|自即日起|自发布之日起)*"
                           rf"(?:废止|停止执行|不再执行|失效|作废)(?:了)?{_VERB_END}")
# a revision still to come or under way ("修订草案", "修订进程", "启动修订《…》") is no action
_UNDONE = r"(?!后|草案|进程|工作|稿|的|正|中|意见|建议|情况)"
_REVISE_AFTER = re.compile(rf"[\s]*(?:同时|一并|相应|均|予以|进行|作出?了?|如下)*(?:修订|修改|修正){_UNDONE}(?:了)?{_VERB_END}")
_REPEAL_BEFORE = re.compile(r"(?:废止|停止执行|不再执行)[了]?\s*$")
_REVISE_BEFORE = re.compile(r"(?:修订|修改|修正)[了]?\s*$")
_PENDING = re.compile(r"(?:启动|推动|推进|研究|拟|将|正在|加快|建议|抓紧|新|适时|开展|提请|审议)\s*"
                      r"(?:修订|修改|修正|废止|停止执行)[了]?\s*$")
_NOT_ACTED = re.compile(r"(?:根据|依据|按照|依照|遵照|贯彻|落实|修订后的|修改后的|新修订的|新的)\s*$")
_CLAUSE_END = re.compile(r"[。；;！？!?\n]")


@dataclass(frozen=True)
class Reference:
    """One reference in a text: `start`/`end` slice it (title and bracketed number together)."""

    start: int
    end: int
    title: str | None  # inside 《》, as printed
    serial: tuple[str, int, int] | None  # (机关代字, year, 序号)
    action: str | None = None  # REPEAL, REVISE or None

    @property
    def serial_text(self) -> str | None:
        """The number as 国发〔2014〕45号 (normalised brackets)."""
        return serial_key(*self.serial) if self.serial else None


def serial_key(org: str, year: int, number: int) -> str:
    """One spelling of a 发文字号: 国发〔2014〕45号."""
    return f"{org}〔{year}〕{number}号"


def _serial_at(text: str, m: re.Match[str]) -> tuple[int, tuple[str, int, int]] | None:
    """The 发文字号 whose year and 序号 `m` matched: its 机关代字 is the Han characters before
    it, cut after the last character no 代字 holds; with the start of the 代字. None when
    nothing is left of it."""
    before = _ORG_BEFORE.search(text[max(0, m.start() - MAX_ORG - 3) : m.start()])
    if before is None:
        return None
    org = before.group(1)
    cut = max((i for i, c in enumerate(org) if c in _NOT_ORG), default=-1)
    start = m.start() - len(before.group(0)) + cut + 1
    org = org[cut + 1 :]
    if not org:
        return None
    year = int(m["y"] or m["y2"])
    return start, (org, year, int(m["n"]))


def _spans(text: str) -> list[Reference]:
    """Titles and numbers in order; a number in brackets right after a title joins it."""
    titles = [(m.start(), m.end(), m["t"]) for m in _TITLE.finditer(text)]
    serials = []
    for m in _SERIAL_TAIL.finditer(text):
        got = _serial_at(text, m)
        if got is not None:
            serials.append((got[0], m.end(), got[1]))
    out: list[Reference] = []
    used: set[int] = set()
    for ts, te, title in titles:
        serial = None
        end = te
        for i, (ss, se, parts) in enumerate(serials):
            # 《…》（国发〔2014〕45号） or 《…》(国发[2014]45号)
            if i not in used and ss > te and re.fullmatch(r"\s*[（(]\s*", text[te:ss]) \
                    and re.match(r"\s*[）)]", text[se:]):
                serial, used_i = parts, i
                end = se + len(re.match(r"\s*[）)]", text[se:]).group(0))
                used.add(used_i)
                break
        out.append(Reference(ts, end, " ".join(title.split()), serial))
    for i, (ss, se, parts) in enumerate(serials):
        inside_title = any(r.start < ss < r.end and r.title and ss < r.start + len(r.title) + 2 for r in out)
        if i not in used and not inside_title:
            out.append(Reference(ss, se, None, parts))
    return sorted(out, key=lambda r: r.start)


def _with_actions(text: str, refs: list[Reference]) -> list[Reference]:
    """Each reference with the action its sentence takes on it (see the module doc)."""
    actions: list[str | None] = [None] * len(refs)
    i = 0
    while i < len(refs):
        j = i  # the run refs[i..j]: joined only by 、 和 及 与
        while j + 1 < len(refs) and _JOINT.match(text[refs[j].end : refs[j + 1].start]):
            j += 1
        end = refs[j].end
        before = text[max(0, refs[i].start - 12) : refs[i].start]
        before = _CLAUSE_END.split(before)[-1]
        action = None
        repeal = _REPEAL_AFTER.match(text, end)
        revise = _REVISE_AFTER.match(text, end)
        if repeal and len(repeal.group(0).strip()) <= ACTION_GAP + 4:
            action = REPEAL
        elif revise and len(revise.group(0).strip()) <= ACTION_GAP + 4:
            action = REVISE
        elif _PENDING.search(before):
            action = None
        elif _REPEAL_BEFORE.search(before):
            action = REPEAL
        elif _REVISE_BEFORE.search(before):
            action = REVISE
        for k in range(i, j + 1):
            lead = text[max(0, refs[k].start - 8) : refs[k].start]
            actions[k] = None if _NOT_ACTED.search(lead) else action
        i = j + 1
    return [Reference(r.start, r.end, r.title, r.serial, a) for r, a in zip(refs, actions)]


def find_references(text: str) -> list[Reference]:
    """Every reference in `text` (《title》, 发文字号, or a title with its number), in order,
    each with the action (REPEAL, REVISE or None) the text takes on it."""
    if not text or ("《" not in text and "号" not in text):
        return []
    return _with_actions(text, _spans(text))
