"""The same bulletin in every format gives the same metadata and articles as its text version.

Every format's Document goes through the one layout parser (archive.parse.parse_document)."""

from __future__ import annotations

import pytest

from archive.parse import parse_file
from tests.docgen import SEED, squash
from tests.test_readers_formats import TEXTS, made, needs_soffice  # noqa: F401  (the `made` fixture)

FIELDS = ("series", "issue", "issue_total", "year", "date", "issuer", "serial", "copies")
CASES = [(k, f) for k in TEXTS for f in ("docx", "docx-tab", "ofd", "html")] + [
    pytest.param(k, f, marks=needs_soffice) for k in ("seed", "nanjing-2022-chinese-numerals") for f in ("pdf", "doc", "wps")
]


def _summary(b):
    d = b.to_dict()
    return (
        {k: d[k] for k in FIELDS},
        [(a["place"], a["title"]) for a in d["articles"]],
        [squash(a["text"]) for a in d["articles"]],
    )


@pytest.mark.parametrize(("key", "fmt"), CASES)
def test_same_bulletin_every_format(made, key, fmt):
    want = parse_file(TEXTS[key])
    got = parse_file(made(key, fmt))
    assert got.format == ("docx" if fmt == "docx-tab" else fmt)
    meta, heads, texts = _summary(got)
    want_meta, want_heads, want_texts = _summary(want)
    assert meta == want_meta
    assert heads == want_heads
    assert texts == want_texts


def test_seed_docx_bulletin_id_matches_the_text_version(made):
    """The same issue read from another format is the same bulletin (same id): a re-index recognises it."""
    assert parse_file(made("seed", "docx")).id == parse_file(SEED).id
