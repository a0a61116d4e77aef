"""The administrator's pages (issue 21): users, groups, access rules and the audit log.

Every change is a POST with a CSRF token and is recorded in the audit trail;
it takes effect on the next request (the rules' version names the masks).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from indexer.search.engine import snapshot
from webui import audit
from webui.access_store import POLICIES, ROLES, SCOPES, AccessError, principal_code
from webui.auth import require, store
from webui.db import get_index

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE = 200  # records shown on the audit page (newest first); the export has all that match
REINDEX_WAIT = 30.0  # seconds a re-index started here waits for a `bulletins index` run that holds the lock

_reindex_lock = threading.Lock()
_reindex: dict[str, Any] = {"running": False, "started": None, "result": None}


def _run_reindex(corpus: Path, index: Path) -> None:
    """`bulletins index` (an incremental run, in this process, one worker) in a background thread."""
    from bulletins.index_cmd import use_reader_cache
    from indexer.build.builder import build_index

    use_reader_cache(index)
    try:
        report = build_index(corpus, index, procs=1, wait_seconds=REINDEX_WAIT).to_dict()
        result = (f"完成：新增 {report['added']}，更新 {report['updated']}，删除 {report['removed']}，"
                  f"未变 {report['unchanged']}，拒收 {len(report['rejected'])}；共 {report['articles']} 篇可检索")
    except Exception as exc:  # refused runs (busy, removal guard, corpus missing) say why, in Chinese or English
        result = f"未完成：{exc}"
    with _reindex_lock:
        _reindex.update(running=False, result=result, finished=time.strftime("%Y-%m-%d %H:%M:%S"))


def _series_names() -> list[str]:
    try:
        return list(snapshot(get_index()).coded["series"][1])
    except Exception:  # no index yet: rules can still be written by name
        return []


@bp.get("/")
def admin() -> str:
    require("admin")
    st = store()
    r = st.rules()
    rules = sorted(((scope, target, p) for (scope, target), ps in r.grants.items() for p in ps))
    with _reindex_lock:
        reindex = dict(_reindex)
    return render_template("admin.html", users=st.users(), groups=st.groups(), rules=rules, defaults=r.defaults,
                           suggested=st.suggested_groups(),
                           series=_series_names(), roles=ROLES, scopes=SCOPES, policies=POLICIES, reindex=reindex)


@bp.post("/reindex")
def reindex() -> Any:
    """Start bringing the index up to date with the corpus (as `bulletins index`), in the background."""
    require("admin")
    with _reindex_lock:
        if _reindex["running"]:
            flash("重新索引正在进行，请稍候刷新本页查看结果。")
            return redirect(url_for("admin.admin"))
        _reindex.update(running=True, started=time.strftime("%Y-%m-%d %H:%M:%S"), result=None)
    corpus, index = Path(current_app.config["CORPUS_DIR"]), Path(current_app.config["INDEX_DIR"])
    threading.Thread(target=_run_reindex, args=(corpus, index), name="reindex", daemon=True).start()
    audit.record("reindex")
    flash("已开始重新索引。")
    return redirect(url_for("admin.admin"))


@bp.post("/")
def change() -> Any:
    """One change: role, grant, revoke, default, group (or a suggested one created or dismissed), member."""
    require("admin")
    st = store()
    f = request.form
    action = f.get("action", "")
    try:
        if action == "role":
            st.set_role(f["user"], f["role"])
            audit.record("role", target=f["user"], role=f["role"])
        elif action in ("grant", "revoke"):
            principal = principal_code(f.get("principal", ""))
            st.grant(f.get("scope", ""), f.get("target", ""), principal, allow=action == "grant")
            audit.record(f"rule-{action}", scope=f.get("scope"), target=f.get("target"), principal=principal)
        elif action == "default":
            st.set_default(f.get("series", ""), f.get("policy", ""))
            audit.record("rule-default", series=f.get("series"), policy=f.get("policy"))
        elif action == "group":
            st.add_group(f.get("group", ""))
            audit.record("group-add", group=f.get("group"))
        elif action in ("suggested-group", "dismiss-group"):
            offer = st.take_suggestion(f.get("group", ""), create=action == "suggested-group")
            audit.record("group-add" if action == "suggested-group" else "group-dismiss", group=offer["name"],
                         suggested_from=offer["bulletin"], recipients=offer["recipients"])
        elif action in ("member", "unmember"):
            st.set_member(f.get("group", ""), f.get("user", ""), member=action == "member")
            audit.record(f"group-{action}", group=f.get("group"), target=f.get("user"))
        else:
            raise AccessError(f"未知的操作“{action[:20]}”")
        flash("已保存。")
    except (AccessError, KeyError) as exc:
        flash(f"未保存：{exc}")
    return redirect(url_for("admin.admin"))


def _audit_filters() -> dict[str, str]:
    return {k: (request.args.get(k) or "").strip()[:100] for k in ("who", "event", "text", "since", "until")}


@bp.get("/audit")
def audit_log() -> Any:
    """The audit trail, newest first, filtered by who, event, text and dates; `?format=jsonl` exports."""
    require("admin")
    folder = audit.audit_dir(Path(current_app.config["ACCESS_DIR"]))
    audit.flush(folder)
    filters = _audit_filters()
    found = [r for r in audit.read(folder) if audit.matches(r, **filters)]
    if request.args.get("format") == "jsonl":
        audit.record("export", what="audit", count=len(found))
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in found)
        response = Response(body, content_type="application/x-ndjson; charset=utf-8")
        response.headers["Content-Disposition"] = "attachment; filename=\"audit.jsonl\""
        return response
    return render_template("audit.html", records=found[::-1][:AUDIT_PAGE], total=len(found), filters=filters)
