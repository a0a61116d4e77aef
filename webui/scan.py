"""扫描件对照: an OCR'd page's image beside its recognised text, search hits boxed on the image.

`/bulletin/<id>/scan?page=N` shows page N of a scanned issue: the page as rendered from
the original (`/bulletin/<id>/scan/N.png`, cached under `var/scans/` beside the index)
with the search terms (`hl`, `q`) boxed where the OCR read them (indexer.store.scanboxes),
and the page's recognised lines beside it; a page below the confidence threshold is
marked. Both answer only a reader who may see the whole issue (as its original).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from archive.confidence import LOW_CONFIDENCE
from archive.corpus import corpus_file
from archive.errors import BulletinError
from archive.readers.pageimage import VIEW_WIDTH, render_page_png
from archive.scanpages import ScanPage, hits
from indexer.store import handles as store, scanboxes
from indexer.present.params import parse_query, parse_terms
from indexer.search.engine import snapshot
from webui.data import bulletin_data
from webui.db import get_index
from webui.render import highlight_text, terms_regex

bp = Blueprint("scan", __name__)

SCANNED = ("pdf-ocr", "image")  # the formats whose pages the view renders


def cache_dir() -> Path:
    """Rendered pages are kept beside the index (`var/index` → `var/scans`): derived, never in git."""
    return Path(current_app.config["INDEX_DIR"]).resolve().parent / "scans"


def _scanned(bulletin_id: str) -> tuple[dict[str, Any], list[ScanPage], str]:
    """The issue (404 unless the reader may see all of it, and it was read from a scan),
    its pages' OCR boxes and the content hash of its original."""
    data = bulletin_data(bulletin_id, whole=True)  # access (issue 21): as for its original
    if data.get("format") not in SCANNED or not data.get("ocr"):
        abort(404, "这期简报不是扫描件，没有扫描页可对照。")
    handle = get_index()
    docs = snapshot(handle).live_docs_with("bulletin", bulletin_id)
    sha = scanboxes.indexed_sha(handle.searcher(), docs[0]) if len(docs) else ""
    return data, scanboxes.read(store.current_dir(handle.root), sha), sha


def _page_number(data: dict[str, Any]) -> int:
    pages = len(data["ocr"]["pages"])
    raw = request.args.get("page") or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= pages:
        abort(404, f"扫描件 {data['label']} 只有 {pages} 页。")
    return int(raw)


def _units(x: float) -> int:
    """A fraction of the page in the SVG overlay's units (10,000 across and down: the page's
    CSP allows no inline style, so the boxes are SVG attributes)."""
    return round(max(0.0, min(1.0, x)) * 10000)


@bp.get("/bulletin/<bulletin_id>/scan")
def page(bulletin_id: str) -> str:
    """One scanned page beside its recognised text, with the search terms boxed on it."""
    data, pages, _sha = _scanned(bulletin_id)
    k = _page_number(data)
    scan = next((p for p in pages if p.page == k), None)
    q, _ = parse_query(request.args.get("q"))
    terms = parse_terms(request.args) or [w for w in re.split(r"\s+", q or "") if w and w.upper() not in ("AND", "OR", "NOT")]
    boxes = hits(scan, terms) if scan is not None else []
    confidence = data["ocr"]["pages"][k - 1]

    def url(n: int) -> str:
        return url_for("scan.page", bulletin_id=bulletin_id, page=n, hl=terms or None)

    rx = terms_regex(q, terms)
    return render_template(
        "scan.html",
        bulletin=data,
        number=k,
        pages=len(data["ocr"]["pages"]),
        confidence=confidence,
        low=confidence < data["ocr"].get("threshold", LOW_CONFIDENCE),
        image_url=url_for("scan.image", bulletin_id=bulletin_id, k=k),
        boxes=[{"x": _units(b.x0), "y": _units(b.y0), "w": _units(b.x1 - b.x0), "h": _units(b.y1 - b.y0),
                "text": b.text} for b in boxes],
        lines=[{"html": highlight_text(b.text, rx), "low": b.confidence < LOW_CONFIDENCE} for b in scan.lines]
        if scan else [],
        has_boxes=scan is not None,
        terms=terms,
        prev_url=url(k - 1) if k > 1 else None,
        next_url=url(k + 1) if k < len(data["ocr"]["pages"]) else None,
        page_urls=[{"number": n, "url": url(n), "current": n == k,
                    "low": c < data["ocr"].get("threshold", LOW_CONFIDENCE)}
                   for n, c in enumerate(data["ocr"]["pages"], 1)],
        back_url=url_for("web.bulletin", bulletin_id=bulletin_id, hl=terms or None),
    )


@bp.get("/bulletin/<bulletin_id>/scan/<int:k>.png")
def image(bulletin_id: str, k: int) -> Response:
    """Page `k` of the scanned original, rendered once and then served from the cache."""
    data, pages, sha = _scanned(bulletin_id)
    if not 1 <= k <= len(data["ocr"]["pages"]) or not sha:
        abort(404, f"扫描件 {data['label']} 没有第 {k} 页。")
    scan = next((p for p in pages if p.page == k), None)
    angle = scan.angle if scan is not None else 0.0
    cached = cache_dir() / sha[:2] / f"{sha}-{k}-{VIEW_WIDTH}-{angle:+.2f}.png"
    try:
        body = cached.read_bytes()
    except OSError:
        source = corpus_file(Path(current_app.config["CORPUS_DIR"]), data.get("path") or "")
        if source is None:
            abort(404, "这期简报的原件不在文库中。")
        try:
            body = render_page_png(source, data["format"], k, angle)
        except BulletinError as exc:
            current_app.logger.warning("scan view: %s", exc)
            abort(404, "这一页无法从原件渲染。")
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.part")
            tmp.write_bytes(body)
            os.replace(tmp, cached)
        except OSError as exc:  # a cache that cannot be written is not an error: rendered each time
            current_app.logger.warning("scan view: cannot cache a page (%s)", exc.strerror or exc)
    response = Response(body, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"  # access-controlled: never in a shared cache
    return response
