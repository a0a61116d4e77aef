"""Real public 简报 and 公文 (tests/public/): fields read as a careful person reads them.

Each document goes through parse_file (the format readers, then the layout
parser), as a user's file would. The field accuracy must stay ≥ 95%; `-s`
prints the table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archive.model import Bulletin
from archive.parse import parse_file

PUBLIC = Path(__file__).resolve().parent / "public"
TRUTH: dict[str, dict[str, Any]] = {k: v for k, v in json.loads((PUBLIC / "fields.json").read_text("utf-8")).items() if not k.startswith("_")}
FIELDS = ("kind", "series", "issue", "date", "issuer", "serial", "doc_type")
TARGET = 0.95


def _fields(b: Bulletin) -> dict[str, Any]:
    d = b.to_dict()
    return {f: d[f] for f in FIELDS} | {"articles": [a.title for a in b.articles]}


def _score(got: dict[str, Any], want: dict[str, Any]) -> tuple[int, int, list[str]]:
    """(right, total, what was wrong): one field each, one per expected article title."""
    right, total, wrong = 0, 0, []
    for f in FIELDS:
        total += 1
        if got[f] == want[f]:
            right += 1
        else:
            wrong.append(f"{f}: {got[f]!r} ≠ {want[f]!r}")
    titles = want["articles"]
    for i, t in enumerate(titles):
        total += 1
        g = got["articles"][i] if i < len(got["articles"]) else None
        if g == t:
            right += 1
        else:
            wrong.append(f"article {i + 1}: {g!r} ≠ {t!r}")
    if len(got["articles"]) != len(titles):
        total += 1
        wrong.append(f"{len(got['articles'])} articles ≠ {len(titles)}")
    return right, total, wrong


def test_every_document_written_down_is_there_with_every_field():
    files = {p.name for p in PUBLIC.iterdir()}
    assert set(TRUTH) <= files  # (the folder also holds the format readers' own samples)
    for name, want in TRUTH.items():
        assert set(FIELDS) | {"articles"} <= set(want), name


def test_field_accuracy_on_real_documents():
    right = total = 0
    rows = []
    for name, want in sorted(TRUTH.items()):
        r, t, wrong = _score(_fields(parse_file(PUBLIC / name)), want)
        right, total = right + r, total + t
        rows.append(f"{name}: {r}/{t} {'; '.join(wrong)}")
    print("\n".join(["", *rows, f"fields right: {right}/{total}"]))
    assert right / total >= TARGET, "\n".join(rows)
