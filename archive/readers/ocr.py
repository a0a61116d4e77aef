"""Scans: image-only PDF pages and page images (.png/.jpg/.tif) read by offline OCR.

Pages are rasterised (pypdfium2) or decoded (Pillow, within the pixel limit)
into a private temporary folder, then read by `archive.readers.ocr_worker` in a
child process that is killed when it runs past the time budget. Each page's
mean confidence goes into Document.ocr, each paragraph's lowest line confidence
into Paragraph.confidence. Progress is shown per page: a bar on a terminal, a
line per page otherwise (for the log), or to the callback `reporting_to` sets
for the current thread (the upload page's progress).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from archive.document import Document
from archive.errors import BulletinReadError
from archive.readers.budget import check_temp, grant
from archive.scanpages import ScanPage
from archive.readers.layout import Char, Line, line_text, paragraphs_from_lines
from archive.readers.limits import Limits
from archive.readers.sandbox import run_lines

__all__ = ["check_ocr_pages", "ocr_pages", "ocr_pdf", "read_image", "Progress", "reporting_to"]

Progress = Callable[[str, int, int, float], None]  # (file, page, pages, confidence)
_reporting: ContextVar[Progress | None] = ContextVar("ocr_progress", default=None)


@contextmanager
def reporting_to(progress: Progress) -> Iterator[None]:
    """Within this block (this thread), OCR reports each page read to `progress` instead of stderr
    (and its start, as page 0)."""
    token = _reporting.set(progress)
    try:
        yield
    finally:
        _reporting.reset(token)


def _default_progress() -> Progress:
    stream = sys.stderr
    if stream.isatty():
        state: dict[str, object] = {}

        def bar(name: str, page: int, pages: int, conf: float) -> None:
            from tqdm import tqdm

            if state.get("name") != name:
                state["name"] = name
                state["bar"] = tqdm(total=pages, desc=f"OCR {Path(name).name}", unit="页", leave=False, file=stream)
            pbar = state["bar"]
            pbar.set_postfix(confidence=f"{conf:.2f}")  # type: ignore[attr-defined]
            pbar.update(1)  # type: ignore[attr-defined]
            if page == pages:
                pbar.close()  # type: ignore[attr-defined]
        return bar

    def line(name: str, page: int, pages: int, conf: float) -> None:
        stream.write(f"OCR {name}: page {page}/{pages} read, confidence {conf:.2f}\n")
        stream.flush()
    return line


def _group_lines(items: list[list], page: int, unit: float) -> list[Line]:
    """OCR boxes → visual lines: boxes overlapping vertically by half their height share a line."""
    boxes = sorted(items, key=lambda it: ((it[3] + it[4]) / 2, it[1]))
    rows: list[list[list]] = []
    for it in boxes:
        mid = (it[3] + it[4]) / 2
        for row in rows:
            top = min(b[3] for b in row)
            bottom = max(b[4] for b in row)
            h = min(bottom - top, it[4] - it[3])
            if min(bottom, it[4]) - max(top, it[3]) > 0.5 * h or top <= mid <= bottom and h > 0:
                row.append(it)
                break
        else:
            rows.append([it])
    out: list[Line] = []
    for row in sorted(rows, key=lambda r: min(b[3] for b in r)):
        row.sort(key=lambda b: b[1])
        height = statistics.median(b[4] - b[3] for b in row) * unit
        size = max(1.0, 0.8 * height)
        chars = []
        for text, x0, x1, *_ in row:  # each box as one wide "character": gaps between boxes decide tabs
            chars.append(Char(text, x0 * unit, x1 * unit, size))
        text = line_text(chars)
        if not text:
            continue
        out.append(Line(
            text=text, x0=row[0][1] * unit, x1=row[-1][2] * unit, top=min(b[3] for b in row) * unit,
            bottom=max(b[4] for b in row) * unit, page=page, size=round(size, 1),
            confidence=min(b[5] for b in row),
        ))
    return out


def check_ocr_pages(pages: int, name: str, limits: Limits) -> None:
    """BulletinReadError before anything is rendered when a file has more pages to OCR than the cap.

    The cap refuses rather than truncates: a scan indexed in part would look complete."""
    if pages > limits.ocr_pages:
        raise BulletinReadError(
            name, f"超出 OCR 页数预算：需要 OCR 的页面有 {pages:,} 页（ocr_pages 上限 {limits.ocr_pages:,} 页，"
                  "可用 --ocr-pages N 或 BULLETINS_OCR_PAGES 调高），已拒绝，未渲染任何页面")


def ocr_pages(folder: Path, pages: int, name: str, fmt: str, limits: Limits, dpi: int,
              meta: dict[str, str] | None = None, progress: Progress | None = None) -> Document:
    """OCR page-0001.png … in `folder` in a killable child process; a Document of format `fmt`."""
    hook = _reporting.get()
    if hook is not None and progress is None:
        hook(name, 0, pages, 0.0)  # OCR starts: page 0 of `pages`
    progress = progress or hook or _default_progress()
    budget = max(limits.ocr_min_seconds, limits.ocr_seconds_per_page * pages)
    results: dict[int, dict] = {}

    def on_line(line: str) -> None:
        try:
            page = json.loads(line)
        except json.JSONDecodeError:
            return
        items = page.get("items") or []
        conf = statistics.fmean(it[5] for it in items) if items else 0.0
        page["confidence"] = conf
        results[int(page["page"])] = page
        progress(name, int(page["page"]), pages, conf)

    grant(budget)  # the reading worker's wall time grows by the OCR's own budget
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"), PYTHONWARNINGS="ignore")
    run_lines([sys.executable, "-m", "archive.readers.ocr_worker", str(folder), str(pages)], name,
              f"{pages} 页的 OCR", budget, on_line, env=env)
    unit = 72 / dpi  # pixels → points
    lines: list[Line] = []
    confidences: list[float] = []
    warnings_out: list[str] = []
    for k in range(1, pages + 1):
        page = results.get(k)
        if page is None:
            raise BulletinReadError(name, f"OCR 未能识别第 {k} 页（识别进程没有结果）")
        lines += _group_lines(page["items"], k, unit)
        confidences.append(round(page["confidence"], 3))
        if not page["items"]:
            warnings_out.append(f"OCR found no text on page {k}")
    paragraphs = paragraphs_from_lines(lines, size_tolerance=0.35)  # box heights vary with the glyphs
    if not any(p.text for p in paragraphs):
        raise BulletinReadError(name, f"OCR 在 {pages} 页上都没有找到文字（空白页或不是文字的扫描件）")
    return Document(name=name, format=fmt, paragraphs=tuple(paragraphs), meta=meta or {},
                    ocr=tuple(confidences), warnings=tuple(warnings_out),
                    scan=tuple(ScanPage.from_ocr(k, results[k]) for k in range(1, pages + 1)))


def ocr_pdf(data: bytes, name: str, limits: Limits, pages: int, meta: dict[str, str],
            progress: Progress | None = None) -> Document:
    """An image-only PDF: pages rendered at limits.ocr_dpi, then OCR."""
    import pypdfium2 as pdfium

    check_ocr_pages(pages, name, limits)
    scale = limits.ocr_dpi / 72
    with tempfile.TemporaryDirectory(prefix="bulletin-ocr-") as tmp:
        doc = pdfium.PdfDocument(data)
        try:
            for k in range(pages):
                page = doc[k]
                w, h = page.get_size()
                if w * h * scale * scale > limits.max_pixels:
                    raise BulletinReadError(name, f"第 {k + 1} 页渲染后将有 {int(w * scale)}×{int(h * scale)} "
                                                  f"像素（上限 {limits.max_pixels:,}），已拒绝")
                page.render(scale=scale, grayscale=True).to_pil().save(Path(tmp) / f"page-{k + 1:04d}.png")
                page.close()
                check_temp(Path(tmp), name, limits)  # one page at a time, within the temp budget
        finally:
            doc.close()
        return ocr_pages(Path(tmp), pages, name, "pdf-ocr", limits, limits.ocr_dpi, meta, progress)


def read_image(data: bytes, name: str, limits: Limits, progress: Progress | None = None) -> Document:
    """A page image (PNG, JPEG, TIFF; every frame of a multi-page TIFF) read by OCR."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)  # Pillow's notes on damaged EXIF/TIFF tags: not errors
            img = Image.open(io.BytesIO(data))
            w, h = img.size
            if w * h > limits.max_pixels:
                raise BulletinReadError(name, f"图像有 {w}×{h} 像素（上限 {limits.max_pixels:,}）："
                                              "按解压炸弹拒绝")
            frames = getattr(img, "n_frames", 1)
            if frames > limits.max_pages:
                raise BulletinReadError(name, f"图像有 {frames} 帧（上限 {limits.max_pages}），已拒绝")
            check_ocr_pages(frames, name, limits)
            dpi = img.info.get("dpi", (limits.ocr_dpi, limits.ocr_dpi))[0] or limits.ocr_dpi
            with tempfile.TemporaryDirectory(prefix="bulletin-ocr-") as tmp:
                inked = False
                for k in range(frames):
                    img.seek(k)
                    fw, fh = img.size
                    if fw * fh > limits.max_pixels:
                        raise BulletinReadError(name, f"第 {k + 1} 帧有 {fw}×{fh} 像素（上限 {limits.max_pixels:,}），已拒绝")
                    gray = img.convert("L")
                    low, high = gray.getextrema()
                    inked = inked or low != high
                    gray.save(Path(tmp) / f"page-{k + 1:04d}.png")
                    check_temp(Path(tmp), name, limits)
                if not inked:  # one colour on every page: nothing for OCR to read (a blank image of any size)
                    raise BulletinReadError(name, f"图像是一片空白（{frames} 帧都只有一种颜色），没有可读的文字，已拒绝")
                return ocr_pages(Path(tmp), frames, name, "image", limits, float(dpi), {}, progress)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BulletinReadError(name, f"图像按解压炸弹拒绝（{exc}）") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise BulletinReadError(name, f"图像无法解码，文件可能损坏或不完整（{exc}）") from None


