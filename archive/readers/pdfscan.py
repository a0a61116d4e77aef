"""A look at a PDF's objects before PDFium opens it: the work it would be asked to do.

PDFium inflates a page's content stream whole and draws every form XObject a page names,
the forms those name, and so on. Under the reading worker's address-space cap a content
stream of hundreds of megabytes, or a form that draws itself, does not end in a Python
error but in PDFium's allocator aborting the worker (SIGABRT), or in the CPU budget: which
one depends on the load. This scan makes the outcome one named refusal, decided before
PDFium runs, from the file's bytes alone:

* a page's content stream or a form XObject that inflates past `Limits.max_stream_bytes`, a page
  whose streams together do, or all of them past `Limits.max_total_bytes`;
* a form XObject that draws itself, directly or through others, or whose drawings expand
  past `MAX_FORM_DRAWS` (forms drawing forms drawing forms…).

Only objects written plainly are seen (a stream cannot sit in an object stream, so every
form and content stream is); a dictionary it cannot make out is left to PDFium.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

from archive.errors import BulletinReadError
from archive.readers.limits import Limits

__all__ = ["MAX_FORM_DRAWS", "check_pdf_work"]

MAX_FORM_DRAWS = 100_000  # forms drawn, all nesting counted, by one form XObject
_OBJ = re.compile(rb"(?<![0-9])(\d{1,10})\s+\d{1,5}\s+obj\b")
_STREAM = re.compile(rb"stream\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d{1,12})(?!\s+\d+\s+R)")
_FLATE = re.compile(rb"/Filter\s*(?:\[\s*)?/(?:FlateDecode|Fl)\b")
_FILTERED = re.compile(rb"/Filter\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_FORM = re.compile(rb"/Subtype\s*/Form\b")
_RESOURCES_REF = re.compile(rb"/Resources\s+(\d+)\s+\d+\s+R")
_XOBJECT_DICT = re.compile(rb"/XObject\s*<<(.*?)>>", re.S)
_XOBJECT_REF = re.compile(rb"/XObject\s+(\d+)\s+\d+\s+R")
_NAMED_REF = re.compile(rb"/([^\s/<>\[\]()]+)\s+(\d+)\s+\d+\s+R")
_CONTENTS = re.compile(rb"/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)")
_REF = re.compile(rb"(\d+)\s+\d+\s+R")
_DO = re.compile(rb"/([^\s/<>\[\]()]+)\s*Do\b")


@dataclass
class _Obj:
    head: bytes  # the dictionary (and anything before `stream`)
    data: bytes | None = None  # the stream as stored
    names: dict[bytes, int] = field(default_factory=dict)  # XObject resource name → object number


def _objects(data: bytes) -> dict[int, _Obj]:
    """The file's plainly written objects by number (the last definition wins, as an update's)."""
    objs: dict[int, _Obj] = {}
    pos = 0
    while (m := _OBJ.search(data, pos)) is not None:
        num, start = int(m.group(1)), m.end()
        nxt = _OBJ.search(data, start)
        end = nxt.start() if nxt else len(data)
        s = _STREAM.search(data, start, end)
        endobj = data.find(b"endobj", start, end)
        if s is None or (0 <= endobj < s.start()):
            objs[num] = _Obj(data[start:endobj if endobj >= 0 else end])
            pos = end
            continue
        head = data[start:s.start()]
        length = _LENGTH.search(head)
        body_end = s.end() + int(length.group(1)) if length else -1
        if not (length and data[body_end:body_end + 30].lstrip().startswith(b"endstream")):
            body_end = data.find(b"endstream", s.end())
            body_end = len(data) if body_end < 0 else body_end
        objs[num] = _Obj(head, data[s.end():body_end])
        pos = max(body_end, s.end())
    return objs


def _inflated(raw: bytes, cap: int) -> int:
    """How many bytes `raw` inflates to, counting no further than `cap` + 1 (−1: not zlib)."""
    d = zlib.decompressobj()
    total = 0
    try:
        chunk = d.decompress(raw, 1 << 20)
        while True:
            total += len(chunk)
            if total > cap or not d.unconsumed_tail:
                return total
            chunk = d.decompress(d.unconsumed_tail, 1 << 20)
    except zlib.error:
        return total or -1


def _content(obj: _Obj, cap: int) -> bytes:
    raw = obj.data or b""
    if not _FILTERED.search(obj.head):
        return raw[:cap]
    if not _FLATE.search(obj.head):
        return b""
    try:
        return zlib.decompressobj().decompress(raw, cap)
    except zlib.error:
        return b""


def _xobject_names(obj: _Obj, objs: dict[int, _Obj]) -> dict[bytes, int]:
    """An object's XObject resources (name → object number), through indirect dictionaries."""
    head = obj.head
    ref = _RESOURCES_REF.search(head)
    if ref and int(ref.group(1)) in objs:
        head = objs[int(ref.group(1))].head
    ref = _XOBJECT_REF.search(head)
    if ref and int(ref.group(1)) in objs:
        return {k: int(v) for k, v in _NAMED_REF.findall(objs[int(ref.group(1))].head)}
    inline = _XOBJECT_DICT.search(head)
    return {k: int(v) for k, v in _NAMED_REF.findall(inline.group(1))} if inline else {}


def check_pdf_work(data: bytes, name: str, limits: Limits, max_draws: int = MAX_FORM_DRAWS) -> None:
    """BulletinReadError when PDFium would be asked for more than the budget allows (see the module doc)."""
    objs = _objects(data)
    cap = limits.max_stream_bytes
    pages = {num: [int(r) for refs in _CONTENTS.findall(obj.head) for r in _REF.findall(refs)]
             for num, obj in objs.items() if obj.data is None}
    contents = {r for refs in pages.values() for r in refs}
    size: dict[int, int] = {}
    forms: dict[int, list[bytes]] = {}
    mb = cap // (1 << 20)
    total = 0
    for num, obj in objs.items():
        if obj.data is None or _IMAGE.search(obj.head):
            continue
        drawn = num in contents or _FORM.search(obj.head) is not None  # what PDFium parses as drawing (not fonts)
        if drawn:
            room = min(cap, limits.max_total_bytes - total)  # the scan's own work is bounded too
            size[num] = _inflated(obj.data, room) if _FLATE.search(obj.head) else len(obj.data)
            total += size[num]
            if size[num] > cap:
                raise BulletinReadError(name, f"PDF 的对象 {num} 解压后超过 {mb} MB（max_stream_bytes），"
                                              "可能是解压炸弹，已拒绝（未交给 PDFium）")
            if total > limits.max_total_bytes:
                raise BulletinReadError(name, f"PDF 的内容流和表单合计解压后超过 {limits.max_total_bytes // (1 << 20)} MB"
                                              "（max_total_bytes），已拒绝（未交给 PDFium）")
        if _FORM.search(obj.head):
            obj.names = _xobject_names(obj, objs)
            forms[num] = _DO.findall(_content(obj, cap))
    for num, refs in pages.items():  # PDFium joins a page's content streams into one
        if sum(size.get(r, 0) for r in refs) > cap:
            raise BulletinReadError(name, f"PDF 的页面对象 {num} 的 {len(refs)} 个内容流合计解压后超过 {mb} MB"
                                          "（max_stream_bytes），已拒绝（未交给 PDFium）")
    draws: dict[int, int] = {}
    on_path: set[int] = set()

    def count(num: int) -> int:
        """The forms drawn by form `num`, all nesting counted (max_draws + 1 for a loop)."""
        if num in draws:
            return draws[num]
        if num in on_path:
            raise BulletinReadError(name, f"PDF 的表单对象 {num} 经由自身绘制自身（循环引用），已拒绝（未交给 PDFium）")
        on_path.add(num)
        total = 0
        for used in forms[num]:
            target = objs[num].names.get(used)
            total += 1 + (count(target) if target in forms else 0)
            if total > max_draws:
                break
        on_path.discard(num)
        draws[num] = total
        return total

    for num in forms:
        try:
            n = count(num)
        except RecursionError:
            raise BulletinReadError(name, f"PDF 的表单对象 {num} 嵌套过深，已拒绝（未交给 PDFium）") from None
        if n > max_draws:
            raise BulletinReadError(name, f"PDF 的表单对象 {num} 展开后要绘制超过 {max_draws:,} 次（表单层层嵌套），"
                                          "已拒绝（未交给 PDFium）")
