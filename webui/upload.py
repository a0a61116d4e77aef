"""Upload in the browser (issue 21), for 编辑 and 管理员, with accounts on.

1. `/upload`: drop (or choose) files; each is kept in the instance folder's
   `uploads/<batch>/` and read by the archive's own parser (archive.parse) in
   the background (webui.upload_jobs): a scan's OCR progress is shown page by
   page (`/upload/<batch>`, polling `/upload/<batch>/status`), then what it
   read — series, issue, date, issuer, articles, warnings — or why it is
   rejected. Files read within READ_WAIT seconds without OCR are shown at once.
2. The editor may correct series, issue, date or issuer (archive.corrections,
   kept beside the file so every later index run reads the same), then confirms.
3. Confirming does what `bulletins add` does, with the same functions:
   archive.corpus.place_in_corpus (a different file for the same issue is never
   overwritten) and indexer.build.update.add_files (the same checks: an issue already
   archived from another file is rejected, a rejected file changes nothing).
   The running server picks the new segment up on its next search.
4. An added 简报's 报/送/发 list is offered as a group (AccessStore.suggest_group):
   an administrator creates it with one click, here or on the admin page, and
   chooses its members; nothing is applied by itself.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from werkzeug.utils import secure_filename

from archive import corrections
from archive.errors import BulletinError
from webui import audit, upload_jobs
from webui.auth import require, store

bp = Blueprint("upload", __name__)

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # one request of files (the server's body limit for this page)
MAX_FILES = 20
STALE_HOURS = 24  # an upload not confirmed within this long is removed (at the next upload)
READ_WAIT = 30.0  # seconds the upload request waits for its files to be read (not OCRed: a scan's
# OCR shows the progress page at once) before it shows the progress page
_BATCH = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _uploads() -> Path:
    return Path(current_app.config["ACCESS_DIR"]) / "uploads"


def _safe_name(name: str, n: int) -> str:
    """A file name to keep the upload under: its own (Chinese kept), without any folder, and without
    the marks that reorder, hide or break what a page shows of it (a right-to-left override, an
    isolate, a zero-width mark, a line separator: `archive.errors.shown`'s set), each an `_`."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    base = re.sub(r"[\x00-\x1f/:*?\"<>|\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]", "_", base)[:120]
    return base or secure_filename(name) or f"file{n}"


def _read(path: Path) -> dict[str, Any]:
    """What the archive reads from one staged file (with the corrections kept for it)."""
    from archive.readers.budget import parse_within_budget

    try:  # as `bulletins add` reads it: in a worker under the per-file budget (the server never parses)
        b = parse_within_budget(path)
    except BulletinError as exc:
        return {"name": path.name, "ok": False, "reason": exc.reason}
    except Exception as exc:  # a parser bug: reported, never a traceback
        return {"name": path.name, "ok": False, "reason": f"无法解析（{type(exc).__name__}）"}
    return {
        "name": path.name, "ok": True, "label": b.label, "series": b.series, "issue": b.issue, "year": b.year,
        "date": b.date.isoformat() if b.date else "", "issuer": b.issuer or "", "kind": b.kind,
        "format": b.format, "warnings": list(b.warnings), "recipients": list(b.recipients),
        "articles": [{"order": a.order, "title": a.heading} for a in b.articles],
        "corrections": corrections.read(path),
    }


@bp.get("/upload")
def upload_form() -> str:
    require("editor")
    return render_template("upload.html", files=None, batch=None, results=None)


@bp.post("/upload")
def upload_files() -> Any:
    """Stage the files sent and show what was read of each."""
    require("editor")
    sent = [f for f in request.files.getlist("files") if f and f.filename]
    if not sent:
        return render_template("upload.html", files=None, batch=None, results=None, error="请选择要上传的文件。"), 400
    if len(sent) > MAX_FILES:
        return render_template("upload.html", files=None, batch=None, results=None,
                               error=f"一次最多上传 {MAX_FILES} 个文件。"), 400
    _clean_stale(_uploads())
    batch = secrets.token_urlsafe(16)
    folder = _uploads() / batch
    folder.mkdir(parents=True)
    names: list[str] = []
    for n, f in enumerate(sent):
        name = _safe_name(f.filename or "", n)
        while name in names:
            name = f"{n}-{name}"
        f.save(folder / name)
        names.append(name)
    audit.record("upload", batch=batch, files=names)
    return _reading(batch, folder, names)


def _reading(batch: str, folder: Path, names: list[str]) -> Any:
    """What was read of the batch, when its reading is done within READ_WAIT seconds without
    OCR; else the progress page (the reading goes on in the background)."""
    from bulletins.index_cmd import use_reader_cache

    use_reader_cache(Path(current_app.config["INDEX_DIR"]))  # a scan is OCRed once: the confirm step reads it again
    job = upload_jobs.start(batch, folder, names, _read)
    if job.wait(float(current_app.config.get("UPLOAD_READ_WAIT", READ_WAIT))):
        return render_template("upload.html", files=job.results, batch=batch, results=None)
    return render_template("upload.html", files=None, batch=batch, results=None, reading=job.status()), 202


@bp.get("/upload/<batch>")
def upload_batch(batch: str) -> Any:
    """A batch's page: its reading's progress, then what was read (read again after a restart)."""
    require("editor")
    folder = _batch_folder(batch)
    return _reading(batch, folder, sorted(p.name for p in folder.iterdir() if p.is_file()))


@bp.get("/upload/<batch>/status")
def upload_status(batch: str) -> Any:
    """The reading's progress (JSON), polled by the progress page."""
    require("editor")
    _batch_folder(batch)
    job = upload_jobs.get(batch)
    if job is None:
        return jsonify({"batch": batch, "done": True, "files": []})
    return jsonify(job.status())


def _clean_stale(uploads: Path) -> None:
    """Remove batches never confirmed, STALE_HOURS after they were uploaded."""
    if not uploads.is_dir():
        return
    limit = time.time() - STALE_HOURS * 3600
    for folder in uploads.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _batch_folder(batch: str) -> Path:
    if not _BATCH.match(batch or ""):
        abort(404, "这批上传已不存在。")
    folder = _uploads() / batch
    if not folder.is_dir():
        abort(404, "这批上传已不存在（已确认或已清理）。")
    return folder


@bp.post("/upload/confirm")
def upload_confirm() -> Any:
    """Corrections (or a re-read), then, when confirmed, add the files as `bulletins add` does."""
    require("editor")
    batch = request.form.get("batch", "")
    folder = _batch_folder(batch)
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    errors: dict[str, str] = {}
    for i, name in enumerate(names):
        fields = {k: request.form.get(f"{k}-{i}", "") for k in corrections.FIELDS}
        staged = _read(folder / name)
        # only what differs from what the parser read is a correction
        changed = {k: v for k, v in fields.items() if v.strip() and str(staged.get(k) or "") != v.strip()}
        try:
            corrections.write(folder / name, {**corrections.read(folder / name), **changed})
        except corrections.CorrectionError as exc:
            errors[name] = str(exc)
    files = [_read(folder / name) for name in names]
    for f in files:
        if f["name"] in errors:
            f["error"] = errors[f["name"]]
    if request.form.get("action") != "add" or errors:
        return render_template("upload.html", files=files, batch=batch, results=None), (400 if errors else 200)
    results = add_staged(folder, [f["name"] for f in files if f["ok"]])
    results += [{"name": f["name"], "ok": False, "reason": f["reason"]} for f in files if not f["ok"]]
    shutil.rmtree(folder, ignore_errors=True)
    upload_jobs.forget(batch)
    return render_template("upload.html", files=None, batch=None, results=results)


def add_staged(folder: Path, names: list[str]) -> list[dict[str, Any]]:
    """Add staged files to the corpus and the index as `bulletins add` does; one result per file."""
    from archive.corpus import CorpusWriteError, place_in_corpus
    from archive.readers.budget import parse_within_budget
    from bulletins.index_cmd import use_reader_cache
    from indexer.store.handles import IndexBusyError, IndexLayoutError
    from indexer.build.update import add_files

    corpus = Path(current_app.config["CORPUS_DIR"])
    index = Path(current_app.config["INDEX_DIR"])
    use_reader_cache(index)
    results: list[dict[str, Any]] = []
    placed_names: dict[str, dict[str, Any]] = {}
    for name in names:
        src = folder / name
        try:
            b = parse_within_budget(src)  # the reader cache holds what the upload read: not OCR'd again
            placed = place_in_corpus(src, b, corpus)
        except BulletinError as exc:
            results.append({"name": name, "ok": False, "reason": exc.reason})
            continue
        except CorpusWriteError as exc:
            results.append({"name": name, "ok": False, "reason": str(exc)})
            continue
        if placed.status == "conflict":
            results.append({"name": name, "ok": False, "reason": placed.reason})
            continue
        fixes = corrections.read(src)
        if fixes and placed.status == "added":
            corrections.write(placed.dest, fixes)  # every later reading of the corpus file applies them
        entry = {"name": name, "ok": True, "label": b.label, "dest": placed.dest.name, "bulletin_id": b.id,
                 "articles": len(b.articles), "corrections": fixes, "recipients": list(b.recipients),
                 "placed": placed}
        placed_names[placed.dest.name] = entry
        results.append(entry)
    if placed_names:
        try:
            report = add_files(corpus, index, sorted(placed_names), wait_seconds=30.0)
        except (IndexBusyError, IndexLayoutError, OSError) as exc:
            current_app.logger.warning("upload: add failed: %s", exc)
            for entry in placed_names.values():
                entry.update(ok=False, reason="文件已存入文库，但索引暂时无法更新：请稍后运行 bulletins index。")
            return results
        if report is None:
            for entry in placed_names.values():
                entry.update(ok=False, reason="文件已存入文库；这次无法单独索引，请运行 bulletins index。")
        else:
            rejected = {r.path: r.reason for r in report.rejected}
            for dest, entry in placed_names.items():
                if dest in rejected:
                    entry.update(ok=False, reason=rejected[dest])
                    if entry["placed"].status == "added":  # a rejected file leaves the corpus as it was
                        corrections.sidecar(entry["placed"].dest).unlink(missing_ok=True)
                        entry["placed"].dest.unlink(missing_ok=True)
    for entry in results:
        entry.pop("placed", None)
    for entry in results:
        if entry["ok"] and entry.get("recipients"):  # offered to the administrator, never applied by itself
            entry["suggested_group"] = store().suggest_group(entry["recipients"], entry["bulletin_id"], entry["label"])
        audit.record("add", file=entry["name"], ok=entry["ok"], label=entry.get("label"),
                     corrections=json.dumps(entry.get("corrections") or {}, ensure_ascii=False),
                     reason=entry.get("reason"))
    return results
