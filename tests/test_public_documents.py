"""Real public 简报 and 公文 (tests/public/): fields read as a careful person reads them.

Each document goes through parse_file (the format readers, then the layout
parser), as a user's file would. The field accuracy must stay ≥ 95% for each
kind (简报, 公文) and each format; `-s` prints the table. The one real 简报 in
reach is text copied from a web page, so it is also laid out by tests/docgen
as the files an office holds (.docx; .pdf through LibreOffice, as WPS exports
one; .ofd; a saved gov.cn page) and each of those is read against the same
fields.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from archive.model import Bulletin
from archive.parse import parse_file
from tests import docgen

PUBLIC = Path(__file__).resolve().parent / "public"
TRUTH: dict[str, dict[str, Any]] = {k: v for k, v in json.loads((PUBLIC / "fields.json").read_text("utf-8")).items() if not k.startswith("_")}
FIELDS = ("kind", "series", "issue", "issue_total", "date", "issuer", "serial", "doc_type")
TARGET = 0.95
REAL_JIANBAO = "qingcheng-2014-chuangwen-jianbao-9.txt"


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


def _table(results: list[tuple[str, str, str, int, int, list[str]]]) -> str:
    """Per document, then per kind and per format: fields right / fields."""
    rows = [f"{name} [{kind}, {fmt}]: {r}/{t} {'; '.join(wrong)}" for name, kind, fmt, r, t, wrong in results]
    for label, key in (("kind", 1), ("format", 2)):
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for res in results:
            sums[res[key]][0] += res[3]
            sums[res[key]][1] += res[4]
        rows += [f"{label} {k}: {r}/{t} = {r / t:.1%}" for k, (r, t) in sorted(sums.items())]
    return "\n".join(rows)


def _check(results: list[tuple[str, str, str, int, int, list[str]]]) -> None:
    print("\n" + _table(results))
    for key in (1, 2):
        groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for res in results:
            groups[res[key]][0] += res[3]
            groups[res[key]][1] += res[4]
        for name, (r, t) in groups.items():
            assert r / t >= TARGET, f"{name}: {r}/{t}\n" + _table(results)


def test_every_document_written_down_is_there_with_every_field():
    files = {p.name for p in PUBLIC.iterdir()}
    assert set(TRUTH) <= files  # (the folder also holds the format readers' own samples)
    for name, want in TRUTH.items():
        assert set(FIELDS) | {"articles"} <= set(want), name
    assert {w["kind"] for w in TRUTH.values()} == {"简报", "公文"}


def test_field_accuracy_on_real_documents():
    results = []
    for name, want in sorted(TRUTH.items()):
        b = parse_file(PUBLIC / name)
        r, t, wrong = _score(_fields(b), want)
        results.append((name, want["kind"], b.format, r, t, wrong))
    _check(results)


def test_field_accuracy_on_the_real_jianbao_in_every_office_format(tmp_path):
    """The real 简报's text laid out as .docx, .pdf (LibreOffice), .ofd and a saved page."""
    text = (PUBLIC / REAL_JIANBAO).read_text("utf-8")
    want = TRUTH[REAL_JIANBAO]
    files = [docgen.write_docx(text, tmp_path / "issue.docx"), docgen.write_ofd(text, tmp_path / "issue.ofd"),
             docgen.write_govcn_html(text, tmp_path / "issue.html")]
    if docgen.soffice() is not None:  # (make test installs LibreOffice; without it the .pdf is left out)
        files.append(docgen.convert(files[0], "pdf", tmp_path / "pdf"))
    results = []
    for f in files:
        b = parse_file(f)
        r, t, wrong = _score(_fields(b), want)
        results.append((f"{REAL_JIANBAO} as {f.suffix}", "简报", b.format, r, t, wrong))
    _check(results)
