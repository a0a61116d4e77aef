"""更正 an archived issue from its bulletin page (issue 21: 编辑 "also corrects metadata").

An 编辑 or 管理员 (accounts on) corrects an issue's series, number, date or
issuer, or an article's (a document's) title. The correction is kept where the
upload page keeps its own (archive.corrections, beside the corpus file), so
`bulletins index --rebuild` reads the same; the one file is indexed again at
once (indexer.build.update.add_files with refresh), so search shows the corrected
value on its next request. A correction changing the issue's id (series,
number or date) takes the issue's and its articles' access rules with it.
Every correction is audited: who, when, what (old → new). An editor can only
correct what they may read (the same 404 as the bulletin page).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for

from archive import corrections
from archive.corpus import corpus_file
from archive.errors import BulletinError
from indexer.store.originals import SAME_ISSUE
from webui import audit
from webui.auth import require, store
from webui.data import bulletin_data

bp = Blueprint("edit", __name__)

INDEX_WAIT = 30.0  # seconds the correction waits for a `bulletins index` run holding the lock
LABELS = {"series": "系列", "issue": "期号", "date": "日期", "issuer": "编发单位"}


def _current(data: dict[str, Any]) -> dict[str, str]:
    """The issue's fields as the form shows them."""
    return {"series": data.get("series") or "", "issue": str(data.get("issue") or ""),
            "date": data.get("date") or "", "issuer": data.get("issuer") or ""}


def changes_asked(data: dict[str, Any], form: Any) -> dict[str, Any]:
    """What the form changes, as a correction ({} when nothing differs)."""
    now = _current(data)
    asked: dict[str, Any] = {k: form.get(k, "").strip() for k in corrections.FIELDS
                             if k in form and form.get(k, "").strip() != now[k]}
    titles = {str(a["order"]): form.get(f"title-{a['order']}", "").strip() for a in data.get("articles", [])
              if f"title-{a['order']}" in form and form.get(f"title-{a['order']}", "").strip() != (a.get("title") or "")}
    if titles:
        asked[corrections.TITLES] = titles
    return asked


def _reindex(corpus: Path, index: Path, relpath: str) -> str | None:
    """Index the corrected file again; the reason it was not, or None."""
    from bulletins.index_cmd import use_reader_cache
    from indexer.store.handles import IndexBusyError, IndexLayoutError
    from indexer.build.update import add_files

    use_reader_cache(index)
    try:
        report = add_files(corpus, index, [relpath], wait_seconds=INDEX_WAIT, refresh=True)
    except (IndexBusyError, IndexLayoutError, OSError) as exc:
        current_app.logger.warning("edit: re-index failed: %s", exc)
        return "索引暂时无法更新（正在重建索引？），请稍后再试。"
    if report is None:
        return "这个文件无法单独重新索引，请运行 bulletins index --rebuild。"
    if report.rejected:
        reason = report.rejected[0].reason
        if reason.startswith(SAME_ISSUE):
            return f"更正后与文库中已有的一期相同（{reason.removeprefix(SAME_ISSUE).split(' ', 1)[0]}），未更正。"
        return f"更正后无法入库：{reason}"
    return None


@bp.post("/bulletin/<bulletin_id>/edit")
def edit(bulletin_id: str) -> Any:
    """Apply the 更正 form of a bulletin page, then show the (possibly new) page."""
    require("editor")
    # 404 unless the editor may read every article of it; the page of articles whose titles the form showed
    data = bulletin_data(bulletin_id, request.form, whole=True)
    corpus = Path(current_app.config["CORPUS_DIR"])
    relpath = data.get("path") or ""
    target = corpus_file(corpus, relpath)
    if target is None:
        abort(404, "这期简报的原件不在文库中，无法更正。")
    asked = changes_asked(data, request.form)
    back = url_for("web.bulletin", bulletin_id=bulletin_id)
    if not asked:
        flash("没有要更正的内容。")
        return redirect(back, 303)
    kept = corrections.read(target)
    merged = {**kept, **asked}
    if corrections.TITLES in asked:
        merged[corrections.TITLES] = {**kept.get(corrections.TITLES, {}), **asked[corrections.TITLES]}
    try:
        fixed = corrections.clean(merged)
    except corrections.CorrectionError as exc:
        flash(f"未更正：{exc}")
        return redirect(back, 303)
    from archive.readers.budget import parse_within_budget

    corrections.write(target, fixed)
    refused = _reindex(corpus, Path(current_app.config["INDEX_DIR"]), relpath)
    if refused is not None:
        corrections.write(target, kept)  # the index still holds the issue as it was
        flash(refused)
        return redirect(back, 303)
    now = _current(data)
    titles = {a["order"]: a.get("title") or "" for a in data.get("articles", [])}
    what = {k: [now[k], str(fixed.get(k, ""))] for k in corrections.FIELDS if k in asked}
    what.update({f"title-{o}": [titles.get(int(o), ""), t] for o, t in asked.get(corrections.TITLES, {}).items()})
    try:
        new_id = parse_within_budget(target).id  # read again as the index just read it (from the cache)
    except BulletinError:  # the file changed or broke between the index's read and this one
        audit.record("edit", bulletin=bulletin_id, file=relpath, changes=json.dumps(what, ensure_ascii=False),
                     unconfirmed=True)
        flash(f"已更正并重新索引，但再次读取 {relpath} 时出错，未能确认本期的编号；请在检索中查找本期")
        return redirect(url_for("web.index"), 303)
    moved = store().retarget_issue(bulletin_id, new_id)
    audit.record("edit", bulletin=bulletin_id, new_id=new_id if new_id != bulletin_id else None, file=relpath,
                 changes=json.dumps(what, ensure_ascii=False), rules_moved=moved or None)
    named = {k: LABELS.get(k) or f"第 {k.split('-')[1]} 篇标题" for k in what}
    flash("已更正：" + "；".join(f"{named[k]} {old or '（空）'} → {new}" for k, (old, new) in what.items()))
    return redirect(url_for("web.bulletin", bulletin_id=new_id), 303)
