"""The suffix-array substring net: exact result sets equal a brute-force scan of
the article texts, also after incremental runs that make Whoosh merge segments."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from archive.parse import parse_file
from indexer.store import handles as store, sufarray
from indexer.store.analysis import analyse, cut, unit_arrays, unit_string, units
from indexer.build.builder import build_index
from indexer.search.engine import search
from indexer.store.handles import IndexHandle

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SEP = "\x1f"


def _joined(text: str) -> str:
    """The units of `text` as a separated sequence: an independent model of containment."""
    return SEP + SEP.join(units(text)) + SEP


def _articles(corpus: Path) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for f in sorted(corpus.iterdir()):
        if f.is_file():
            for a in parse_file(f).articles:
                out[a.id] = (_joined(a.title), _joined(a.text))
    return out


def _brute(arts: dict[str, tuple[str, str]], q: str, where: str = "both") -> set[str]:
    needle = _joined(q)
    if needle == SEP + SEP:
        return set()
    out = set()
    for aid, (title, text) in arts.items():
        if (where != "text" and needle in title) or (where != "title" and needle in text):
            out.add(aid)
    return out


def _found(handle: IndexHandle, q: str) -> set[str]:
    r = search(handle, q, per_page=100, correct=False)
    ids = {h["article_id"] for h in r["hits"]}
    page = 1
    while len(ids) < r["total"]:
        page += 1
        ids |= {h["article_id"] for h in search(handle, q, per_page=100, page=page, correct=False)["hits"]}
    assert len(ids) == r["total"]
    return ids


def _queries(arts_text: list[str], rng: random.Random, n: int) -> list[str]:
    qs: list[str] = ["的", "淮", "万人", "covid", "g网络", "志愿服务", "文明实践", "不存在的字符串组合"]
    for _ in range(n):
        t = rng.choice(arts_text)
        if len(t) < 3:
            continue
        size = rng.randint(1, 9)
        start = rng.randrange(0, max(1, len(t) - size))
        piece = t[start : start + size].replace('"', "").replace("“", "").replace("”", "").strip()
        us = units(piece)
        # a string that starts or ends with a number matches it whole (query.number_pattern):
        # not plain containment, left to tests/test_query_cases.py
        if us and not us[0][0].isdigit() and not us[-1][0].isdigit():
            qs.append(piece)
    # strings made of two frequent characters: often absent, sometimes found across words
    chars = [c for t in arts_text[:50] for c in t if "\u4e00" <= c <= "\u9fff"]
    for _ in range(n // 4):
        qs.append(rng.choice(chars) + rng.choice(chars))
    return list(dict.fromkeys(qs))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bench.generate import generate_corpus

    d = tmp_path_factory.mktemp("net-corpus")
    shutil.copy(REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt", d)
    for f in FIXTURES.iterdir():
        if f.is_file():
            shutil.copy(f, d)
    generate_corpus(30, 13, d / "gen")
    for f in (d / "gen").iterdir():
        f.rename(d / f.name)
    (d / "gen").rmdir()
    return d


def _raw_texts(corpus: Path) -> list[str]:
    out = []
    for f in sorted(corpus.iterdir()):
        for a in parse_file(f).articles:
            out += [a.title, a.text]
    return out


def test_exact_results_equal_a_brute_force_scan(corpus: Path, tmp_path: Path) -> None:
    build_index(corpus, tmp_path / "i", procs=1)
    handle = IndexHandle(tmp_path / "i")
    arts = _articles(corpus)
    rng = random.Random(4)
    texts = _raw_texts(corpus)
    queries = _queries(texts, rng, 120)
    assert len(queries) > 100
    nonempty = 0
    for q in queries:
        expected = _brute(arts, q)
        assert _found(handle, f'"{q}"') == expected, q
        nonempty += bool(expected)
    assert nonempty > 80
    for q in [q for q in queries if not any(c.isspace() or c in ":：()（）-" for c in q)][:40]:
        assert _found(handle, f"title:{q}") == _brute(arts, q, "title"), q
        assert _found(handle, f"text:{q}") == _brute(arts, q, "text"), q
    handle.close()


def test_incremental_runs_and_merged_segments_stay_exact(corpus: Path, tmp_path: Path) -> None:
    """One file per run: each run adds a small segment and Whoosh merges the small
    ones; the merged segments' nets are made from the sources' and stay exact."""
    live = tmp_path / "corpus"
    live.mkdir()
    files = sorted(corpus.iterdir())
    root = tmp_path / "i"
    for f in files[:10]:
        shutil.copy(f, live / f.name)
        build_index(live, root, procs=1)
    ix = whoosh_index.open_dir(str(store.current_dir(root)))
    segs = ix._segments()
    assert len(segs) < 10  # merges happened
    gen = store.current_dir(root)
    assert sorted(p.name for p in gen.glob(f"*.{sufarray.EXT}")) == sorted(
        sufarray.file_name(s.segment_id()) for s in segs
    )
    # a changed file and a removed one: deletions inside segments
    (live / files[0].name).unlink()
    build_index(live, root, procs=1)
    arts = _articles(live)
    handle = IndexHandle(root)
    rng = random.Random(9)
    for q in _queries(_raw_texts(live), rng, 60):
        assert _found(handle, f'"{q}"') == _brute(arts, q), q
    handle.close()


def test_marked_unit_string_is_the_unit_string(corpus: Path) -> None:
    """Removing the word marks gives exactly the unit string, on every real text."""
    for t in _raw_texts(corpus):
        words, marked = analyse(t)
        assert marked.replace("\x03", "") == unit_string(t)
        assert len(marked) - len(marked.replace("\x03", "")) >= len(words) - 1 - t.count("\n")


def _reference_arrays(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points and word starts of the texts' marked unit strings (analyse, text by text)."""
    codes, starts, base = [], [], 0
    for t in texts:
        raw = np.frombuffer((analyse(t)[1] + "\x01").encode("utf-32-le"), dtype="<u4")
        marks = raw == 3
        at = np.flatnonzero(marks)
        codes.append(raw[~marks])
        starts.append(base + at - np.arange(len(at)))
        base += len(codes[-1])
    return np.concatenate(codes), np.concatenate(starts)


def _same_as_analyse(texts: list[str]) -> None:
    codes, starts = unit_arrays("\x01".join(cut(t)[1] for t in texts) + "\x01")
    want_codes, want_starts = _reference_arrays(texts)
    assert codes.tolist() == want_codes.tolist()
    assert starts.tolist() == want_starts.tolist()


def test_segment_unit_arrays_equal_analyse_on_real_text(corpus: Path) -> None:
    """The index makes a segment's unit strings at once (numpy); they equal analyse's, text by text."""
    texts = _raw_texts(corpus)
    texts += ["5G网络 covid 19 abc123def 2023年 ３月 Ⅻ ½ x_y a b", "", "。", "ﾊﾝｶｸ カタカナ한국어", "\U00020000\u9fff中"]
    assert sum(map(len, texts)) > 50_000
    _same_as_analyse(texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.lists(st.sampled_from(["2023", "年", "5G", "covid", " ", "19", "ab", "中国", "，", "_", "Ⅻ", "½", "ﾊ"]),
             max_size=8).map("".join),
), min_size=1, max_size=4))
def test_segment_unit_arrays_equal_analyse_on_any_text(texts: list[str]) -> None:
    _same_as_analyse(texts)


def test_net_file_round_trip_and_merge(tmp_path: Path) -> None:
    b = sufarray.NetBuilder()
    docs = [("淮安市", "淮安市清江浦区开展文明实践"), ("", "covid 19 与 5G 网络"), ("马善民", "改善民生")]
    for title, text in docs:
        b.add(cut(title)[1], cut(text)[1])
    path = tmp_path / "x.sub"
    sufarray.write(path, b.arrays())
    net = sufarray.SegmentNet(path)
    assert net.docs == 3
    for q, n in (("淮安", 2), ("安市清", 1), ("善民", 2), ("19", 1), ("9", 0), ("网络", 1)):
        assert len(net.positions(unit_string(q))) == n, q
    # merging keeps docs 0 and 2 of this net, in order
    merged = tmp_path / "m.sub"
    sufarray.write(merged, sufarray.merge([(net, np.array([0, 2]))]))
    m = sufarray.SegmentNet(merged)
    assert m.docs == 2 and len(m.positions(unit_string("善民"))) == 2
    assert len(m.positions(unit_string("covid"))) == 0
    assert np.array_equal(m.regions[:3], net.regions[:3])
    (tmp_path / "bad.sub").write_bytes(b"nonsense")
    with pytest.raises(sufarray.NetFormatError):
        sufarray.SegmentNet(tmp_path / "bad.sub")


def test_a_damaged_net_is_a_named_error_and_a_503(tmp_path: Path) -> None:
    from indexer.store.handles import IndexCorruptError
    from webui import create_app

    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt", corpus)
    build_index(corpus, tmp_path / "i", procs=1)
    net = next(store.current_dir(tmp_path / "i").glob(f"*.{sufarray.EXT}"))
    with open(net, "r+b") as f:  # same size: only reading it tells
        f.write(b"\0" * 8)
    with pytest.raises(IndexCorruptError, match="bulletins index"):
        search(IndexHandle(tmp_path / "i"), "志愿服务")
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "i"), "CORPUS_DIR": str(corpus)})
    r = app.test_client().get("/api/search", query_string={"q": "志愿服务"})
    body = r.get_data(as_text=True)
    assert r.status_code == 503 and "索引" in body and str(tmp_path) not in body


def test_an_index_of_the_older_format_is_named_and_rebuilt_once(tmp_path: Path) -> None:
    from indexer.store.handles import IndexUnavailableError

    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt", corpus)
    build_index(corpus, tmp_path / "i", procs=1)
    before = search(IndexHandle(tmp_path / "i"), "志愿服务")["total"]
    assert before > 0
    gen = store.current_dir(tmp_path / "i")
    (gen / "SCHEMA_VERSION").write_text("3")  # what the bigram index wrote
    with pytest.raises(IndexUnavailableError, match="older format"):
        search(IndexHandle(tmp_path / "i"), "志愿服务")
    r = build_index(corpus, tmp_path / "i", procs=1)
    assert r.rebuilt and any("older format" in w for w in r.warnings)
    assert search(IndexHandle(tmp_path / "i"), "志愿服务")["total"] == before
    assert not build_index(corpus, tmp_path / "i", procs=1).rebuilt  # once
