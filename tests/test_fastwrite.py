"""The fast segment writer writes what Whoosh's own add_document writes."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from archive.parse import parse_file
from indexer.store import fastwrite
from indexer.store.documents import article_doc
from indexer.store.schema import make_schema

REPO = Path(__file__).resolve().parent.parent
SOURCES = [
    REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt",
    *sorted((REPO / "tests" / "fixtures").iterdir()),
]


def _docs(generated: Path) -> list:
    """The seed, the fixtures and ~300 generated articles: common values have
    posting lists of several of Whoosh's 128-posting blocks."""
    from bench.generate import generate_corpus

    generate_corpus(110, 21, generated)
    docs = []
    for path in [*SOURCES, *sorted(generated.iterdir())]:
        b = parse_file(path)
        docs += [article_doc(b, a, f"{path.name}\tsha") for a in b.articles]
    return docs


def _plain_fields(doc) -> dict:
    """The same article as add_document keyword arguments (Whoosh analyses it)."""
    return {k: v for k, v in doc.values.items() if v is not None}


def _dump(ix) -> dict:
    out = {}
    with ix.searcher() as s:
        r = s.reader()
        for fieldname, tbytes in r.all_terms():
            fmt = ix.schema[fieldname].format
            m = r.postings(fieldname, tbytes)
            postings = []
            while m.is_active():
                postings.append((m.id(), m.weight(), m.value()))
                m.next()
            info = r.term_info(fieldname, tbytes)
            out[(fieldname, tbytes)] = (postings, info.doc_frequency(), info.weight(), info.min_length(), info.max_length())
            assert fmt is not None
        n = r.doc_count_all()
        stored = [s.stored_fields(d) for d in range(n)]
        lengths = {f: [r.doc_field_length(d, f) for d in range(n)] for f in ("title", "text", "place")}
        columns = {
            name: list(r.column_reader(name))
            for name, field in ix.schema.items()
            if field.column_type and r.has_column(name)
        }
    return {"postings": out, "stored": stored, "lengths": lengths, "columns": columns}


def test_fast_path_equals_add_document(tmp_path: Path) -> None:
    docs = _docs(tmp_path / "generated")
    slow_dir, fast_dir = tmp_path / "slow", tmp_path / "fast"
    slow_dir.mkdir()
    fast_dir.mkdir()
    slow = whoosh_index.create_in(str(slow_dir), make_schema())
    w = slow.writer()
    for d in docs:
        w.add_document(**_plain_fields(d))
    w.commit()

    fast = whoosh_index.create_in(str(fast_dir), make_schema())
    writer = fast.writer()
    builder = fastwrite.SegmentBuilder(fast)
    for d in docs:
        builder.add(d)
    fastwrite.commit(writer, [builder.finish()])

    a, b = _dump(slow), _dump(whoosh_index.open_dir(str(fast_dir)))
    assert a["stored"] == b["stored"]
    assert a["lengths"] == b["lengths"]
    assert a["columns"] == b["columns"] and len(a["columns"]) >= 8
    assert a["postings"].keys() == b["postings"].keys()
    for key in a["postings"]:
        assert a["postings"][key] == b["postings"][key], key
    assert len(a["postings"]) > 1000
    blocks = [k for k, (postings, *_i) in a["postings"].items() if len(postings) > 2 * 128]
    assert len(blocks) > 10  # lists across block boundaries (numbers, places, regions) compared


def test_empty_builder_writes_no_segment(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = ix.writer()
    builder = fastwrite.SegmentBuilder(ix)
    assert builder.finish() is None
    fastwrite.commit(writer, [])
    assert whoosh_index.open_dir(str(tmp_path)).doc_count() == 0


def test_facet_columns_of_segments_without_a_value(tmp_path: Path) -> None:
    """Whoosh writes no column for a segment where no document has a value: the
    in-memory facet columns must still line up with document numbers."""
    from archive.parse import parse_text

    from indexer.store.columns import build_snapshot

    md = parse_text("# 《新闻联播》 (20240315)\n\n## 详细新闻\n\n### 国务院常务会议\n\n会议研究部署有关工作。\n", "x.md")
    seed = parse_file(SOURCES[0])
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = ix.writer()
    segments = []
    for b in (md, seed):  # one segment without any city, one with
        builder = fastwrite.SegmentBuilder(ix)
        for a in b.articles:
            builder.add(article_doc(b, a, "x\tsha"))
        segments.append(builder.finish())
    fastwrite.commit(writer, segments, merge=False)
    ix = whoosh_index.open_dir(str(tmp_path))
    assert len(ix._segments()) == 2
    with ix.searcher() as s:
        snap = build_snapshot(s)
        cities = sorted((snap.value("city", d) or "-") for d in snap.live_docs().tolist())
    assert cities == ["-", "淮安市", "连云港市"]


def test_other_whoosh_versions_are_refused(monkeypatch) -> None:
    import pytest

    monkeypatch.setattr(fastwrite.metadata, "version", lambda name: "3.53.1")
    with pytest.raises(fastwrite.WhooshVersionError, match="3.53.1.*3.54.0"):
        fastwrite.require_pinned_whoosh()


def test_pyproject_pins_the_version_the_writer_checks() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"whoosh3=={fastwrite.WHOOSH_VERSION}"' in text
