"""One page of a scanned original as an image a person can read (the scan view, issue 20).

Rendered by the same means the OCR read it: PDFium (pypdfium2) for a PDF, Pillow
for a page image (each frame of a TIFF); then turned by the angle the OCR's deskew
turned it (archive.scanpages.ScanPage.angle), so the OCR's boxes line up with it.
"""

from __future__ import annotations

import io
from pathlib import Path

from archive.errors import BulletinReadError
from archive.readers.limits import DEFAULT_LIMITS, Limits

__all__ = ["VIEW_WIDTH", "render_page_png"]

VIEW_WIDTH = 1000  # pixels across an A4 page (about 120 dpi): 五号 text stays readable


def render_page_png(path: Path, fmt: str, page: int, angle: float = 0.0, width: int = VIEW_WIDTH,
                    limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Page `page` (1-based) of the scanned original at `path` (format "pdf-ocr" or "image"),
    `width` pixels wide, as PNG bytes. Raises BulletinReadError naming the reason."""
    from PIL import Image

    name = path.name
    if fmt == "pdf-ocr":
        import pypdfium2 as pdfium

        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise BulletinReadError(name, f"无法打开 PDF（{exc}）") from None
        try:
            if not 1 <= page <= len(doc):
                raise BulletinReadError(name, f"没有第 {page} 页（PDF 共 {len(doc)} 页）")
            pg = doc[page - 1]
            w, _h = pg.get_size()
            img = pg.render(scale=width / w, grayscale=True).to_pil()
            pg.close()
        finally:
            doc.close()
    elif fmt == "image":
        try:
            src = Image.open(path)
            if src.width * src.height > limits.max_pixels:
                raise BulletinReadError(name, f"图像有 {src.width}×{src.height} 像素（上限 {limits.max_pixels:,}），已拒绝")
            if not 1 <= page <= getattr(src, "n_frames", 1):
                raise BulletinReadError(name, f"没有第 {page} 页")
            src.seek(page - 1)
            img = src.convert("L")
            img = img.resize((width, max(1, round(img.height * width / img.width))), Image.LANCZOS)
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            raise BulletinReadError(name, f"图像无法解码（{exc}）") from None
    else:
        raise BulletinReadError(name, f"扫描件视图只显示 PDF 扫描件和页面图像，不显示 {fmt}")
    if abs(angle) >= 0.05:  # as the OCR worker turned it (archive.readers.ocr_worker), so the boxes fit
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()
