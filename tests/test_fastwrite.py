"""The fast segment writer writes what Whoosh's own add_document writes."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from archive.parse import parse_file
from indexer import fastwrite
from indexer.documents import article_doc
from indexer.schema import make_schema

REPO = Path(__file__).resolve().parent.parent
SOURCES = [
    REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt",
    *sorted((REPO / "tests" / "fixtures").iterdir()),
]


def _docs() -> list:
    docs = []
    for path in SOURCES:
        b = parse_file(path)
        docs += [article_doc(b, a, f"{path.name}\tsha") for a in b.articles]
    return docs


def _plain_fields(doc) -> dict:
    """The same article as add_document keyword arguments (Whoosh analyses it)."""
    fields = {k: v for k, v in doc.values.items() if v is not None}
    fields["tg"] = fields["tu"] = doc.values["title"]
    fields["cg"] = fields["cu"] = fields["wp"] = doc.values["text"]
    fields["tp"] = doc.values["title"]
    return fields


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
        stored = [s.stored_fields(d) for d in range(r.doc_count_all())]
        lengths = {f: [r.doc_field_length(d, f) for d in range(r.doc_count_all())] for f in ("title", "text")}
    return {"postings": out, "stored": stored, "lengths": lengths}


def test_fast_path_equals_add_document(tmp_path: Path) -> None:
    docs = _docs()
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
    assert a["postings"].keys() == b["postings"].keys()
    for key in a["postings"]:
        assert a["postings"][key] == b["postings"][key], key
    assert len(a["postings"]) > 1000


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

    from indexer.facets import build_snapshot

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
        cities = sorted((snap.city[d] or "-") for d in snap.live)
    assert cities == ["-", "淮安市", "连云港市"]


def test_bisecting_skip_to_lands_where_whoosh_does(tmp_path: Path) -> None:
    import random

    from bench.generate import generate_corpus
    from whoosh.codec.whoosh3 import W3LeafMatcher

    from indexer.build import build_index

    generate_corpus(150, 5, tmp_path / "c")  # ~390 articles: long postings span several blocks
    build_index(tmp_path / "c", tmp_path / "i", procs=1)
    from indexer.store import current_dir

    ix = whoosh_index.open_dir(str(current_dir(tmp_path / "i")))
    rng = random.Random(3)
    fast = W3LeafMatcher.skip_to
    assert fast is fastwrite._bisect_skip_to
    with ix.searcher() as s:
        r = s.reader()
        n = r.doc_count_all()
        terms = [t for t in r.all_terms() if t[0] in ("cg", "cu", "text")]
        long = [t for t in terms if r.doc_frequency(*t) > 300]
        assert len(long) > 20
        checked = 0
        for field, tbytes in rng.sample(terms, 200) + rng.sample(long, 20):
            targets = sorted(rng.sample(range(n), min(n, rng.randint(1, 60))))
            landed = []
            for skip in (fastwrite.WHOOSH_SKIP_TO, fast):
                m = r.postings(field, tbytes)
                seq = []
                for t in targets:
                    if not m.is_active():
                        break
                    skip(m, t)
                    seq.append(m.id() if m.is_active() else None)
                landed.append(seq)
            assert landed[0] == landed[1], (field, tbytes)
            checked += len(landed[0])
    assert checked > 1000
