"""An editor's corrections of what the parser read (issue 21: the upload page).

A correction is kept beside the file it corrects, as
`<folder>/.corrections/<file name>.json` ({"series", "issue", "date", "issuer",
"titles": {"<article order>": "<title>"}}; a hidden folder, which corpus scans
skip), so that every later reading of the file — `bulletins index`,
`--rebuild`, `check` — gives the corrected issue. The upload page writes them
before a file is added; the bulletin page's 更正 form (webui.edit) for an issue
already archived.
The issue's id is made again from the corrected fields (archive.model), and
its articles' ids with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from archive.model import Bulletin, make_article_id, make_bulletin_id

FOLDER = ".corrections"
FIELDS = ("series", "issue", "date", "issuer")
TITLES = "titles"  # an article's (a document's) title, by its order in the issue
MAX_FIELD = 200  # characters


class CorrectionError(ValueError):
    """A correction that cannot be applied (the message is Chinese, naming the field)."""


def sidecar(path: Path) -> Path:
    """Where the corrections of the file `path` are kept."""
    return path.parent / FOLDER / f"{path.name}.json"


def clean(fields: dict[str, Any]) -> dict[str, Any]:
    """The corrections as stored: known fields only, checked. CorrectionError names every bad
    field at once, as the form labels it, in the search page's words (日期无效：七月十日（…）)."""
    out: dict[str, Any] = {}
    bad: list[str] = []
    for name in FIELDS:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        text = str(value).strip()[:MAX_FIELD]
        if name == "issue":
            if not text.isdigit() or not 0 < int(text) < 100000:
                bad.append(f"期号无效：{text}（应为正整数）")
                continue
            out[name] = int(text)
        elif name == "date":
            try:
                out[name] = dt.date.fromisoformat(text).isoformat()
            except ValueError:
                bad.append(f"日期无效：{text}（应写作 2023-05-08）")
        else:
            out[name] = text
    titles = fields.get(TITLES)
    if isinstance(titles, dict):
        kept: dict[str, str] = {}
        for order, title in titles.items():
            if not str(order).isdigit() or int(order) < 1:
                bad.append(f"文章序号无效：{order}（应为正整数）")
                continue
            text = " ".join(str(title or "").split())[:MAX_FIELD]
            if not text:
                bad.append(f"第 {int(order)} 篇标题无效：（不能为空）")
                continue
            kept[str(int(order))] = text
        if kept:
            out[TITLES] = kept
    if bad:
        raise CorrectionError("；".join(bad))
    return out


def apply(b: Bulletin, fields: dict[str, Any]) -> Bulletin:
    """`b` with the corrected fields (a corrected date also sets the year), its id made again."""
    fixed = clean(fields)
    if not fixed:
        return b
    changes: dict[str, Any] = {k: v for k, v in fixed.items() if k not in ("date", TITLES)}
    if "date" in fixed:
        date = dt.date.fromisoformat(fixed["date"])
        changes.update(date=date, year=date.year)
    titles = fixed.get(TITLES, {})
    if titles:
        changes["articles"] = tuple(dataclasses.replace(a, title=titles[str(a.order)]) if str(a.order) in titles else a
                                    for a in b.articles)
    nb = dataclasses.replace(b, **changes)
    bid = make_bulletin_id(nb.series, nb.year, nb.issue, nb.date, fallback=b.path,
                           serial=nb.serial if nb.kind == "公文" else None)
    articles = tuple(dataclasses.replace(a, id=make_article_id(bid, a.order), bulletin_id=bid) for a in nb.articles)
    return dataclasses.replace(nb, id=bid, articles=articles)


def read(path: Path) -> dict[str, Any]:
    """The corrections kept for `path` ({} when none, or when the file cannot be read)."""
    try:
        data = json.loads(sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write(path: Path, fields: dict[str, Any]) -> None:
    """Keep `fields` (checked) as the corrections of `path`."""
    fixed = clean(fields)
    target = sidecar(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(fixed, ensure_ascii=False), encoding="utf-8")


def corrected(b: Bulletin, path: Path) -> Bulletin:
    """`b` read from `path`, with the corrections kept for it (if any) applied."""
    fields = read(path)
    if not fields:
        return b
    try:
        return apply(b, fields)
    except CorrectionError:
        return b
