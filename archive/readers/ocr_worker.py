"""The OCR worker: run as `python -m archive.readers.ocr_worker DIR N`, one JSON line per page.

It runs in its own process so the reader can kill it when it runs past its time
budget. Models come from the rapidocr wheel itself (PP-OCRv6, onnxruntime);
nothing is downloaded. The angle classifier is off: pages are upright, and a
small projection-profile deskew (±3°) straightens a scan fed in at a slant.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = ["deskew_angle", "main", "threads"]

_MAX_ANGLE = 3.0
_STEP = 0.2


def deskew_angle(img: Image.Image) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines of `img` level."""
    small = img.convert("L")
    scale = 800 / max(small.size)
    if scale < 1:
        small = small.resize((max(1, int(small.width * scale)), max(1, int(small.height * scale))), Image.BILINEAR)
    ink = Image.fromarray(((np.asarray(small) < 160) * 255).astype(np.uint8))
    best, best_score = 0.0, -1.0
    for k in range(int(-_MAX_ANGLE / _STEP), int(_MAX_ANGLE / _STEP) + 1):
        angle = k * _STEP
        rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST, fillcolor=0), dtype=np.float32).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = angle, score
    return best


def threads() -> int:
    """Threads for onnxruntime's operators: OMP_NUM_THREADS, as the reader sets it for this child.

    onnxruntime sizes its own thread pool from the core count and ignores
    OMP_NUM_THREADS, so a Dask worker started with `--nthreads 1` kept 1.8 of
    2 cores busy through its OCR child, and two workers were no faster than one.
    """
    try:
        wanted = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return 0  # unset or not a number: onnxruntime's own default
    return max(1, min(wanted, os.cpu_count() or 1))


def _engine():  # type: ignore[no-untyped-def]
    from rapidocr import RapidOCR

    params: dict[str, object] = {"Global.use_cls": False, "Global.log_level": "error"}
    if n := threads():
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = n
        params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
    return RapidOCR(params=params)


def _page(engine, path: Path) -> dict:  # type: ignore[no-untyped-def]
    img = Image.open(path)
    img.load()
    img = img.convert("RGB")
    angle = deskew_angle(img)
    if abs(angle) >= _STEP / 2:
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=(255, 255, 255))
    result = engine(np.asarray(img)[:, :, ::-1])  # RGB → BGR, as OpenCV reads images
    boxes = [] if result.boxes is None else result.boxes.tolist()
    texts = list(result.txts or ())
    scores = [float(s) for s in (result.scores or ())]
    items = []
    for box, text, score in zip(boxes, texts, scores):
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        items.append([text, min(xs), max(xs), min(ys), max(ys), score])
    return {"items": items, "angle": angle, "width": img.width, "height": img.height}


def main(argv: list[str]) -> int:
    folder, count = Path(argv[0]), int(argv[1])
    warnings.simplefilter("ignore")  # third-party deprecation chatter must not reach the reader's pipe
    engine = _engine()
    for k in range(1, count + 1):
        out = _page(engine, folder / f"page-{k:04d}.png")
        out["page"] = k
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
