"""The per-segment word lexicon (indexer.store.lexicon) holds exactly the jieba words of
each article's title and text: document frequencies, documents and words by
prefix equal what re-analysing the stored texts gives, in several segments,
after Whoosh merged segments and after deletions."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from indexer.build import builder as build
from indexer.store import handles as store, lexicon
from indexer.store.analysis import word_list
from indexer.build.builder import build_index
from indexer.store.schema import TEXTS
from tests.conftest import generated_corpus

REPO = Path(__file__).resolve().parent.parent


def _expected(root: Path) -> tuple[dict[str, dict[str, set[int]]], dict[str, dict[str, int]], int]:
    """From the stored texts: text -> word -> live docnums; text -> word -> df over all docnums."""
    ix = whoosh_index.open_dir(str(store.current_dir(root)))
    live: dict[str, dict[str, set[int]]] = {t: defaultdict(set) for t in TEXTS}
    every: dict[str, dict[str, int]] = {t: defaultdict(int) for t in TEXTS}
    with ix.searcher() as s:
        r = s.reader()
        n = r.doc_count_all()
        for d in range(n):
            f = r.stored_fields(d)
            for t in TEXTS:
                for w in set(word_list(f.get(t) or "")):
                    every[t][w] += 1
                    if not r.is_deleted(d):
                        live[t][w].add(d)
    return live, every, n


def _check(root: Path) -> int:
    live, every, _n = _expected(root)
    ix = whoosh_index.open_dir(str(store.current_dir(root)))
    with ix.searcher() as s:
        words = lexicon.word_index(s)
        assert len(words.parts) == len(s.leaf_searchers())
        for t in TEXTS:
            assert every[t], t
            for w, n in every[t].items():
                # df counts every document of the segments, as Whoosh's does
                assert words.doc_frequency(t, w) == n, (t, w)
                assert words.docs(t, w) == sorted(live[t][w]), (t, w)
            assert words.doc_frequency(t, "从未出现的词语") == 0 and words.docs(t, "从未出现的词语") == []
            for prefix in ("志愿", "文明", "南", "x", "2"):
                want = sorted((w, n) for w, n in every[t].items() if w.startswith(prefix))
                assert list(words.prefixed(t, prefix)) == want, (t, prefix)
    return len(s.leaf_searchers())


def test_lexicon_equals_the_words_of_the_stored_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    generated_corpus(corpus, 40, seed=11)
    shutil.copy(REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt", corpus)
    monkeypatch.setattr(build, "SEGMENT_CHARS", 20_000)  # several segments
    root = tmp_path / "i"
    build_index(corpus, root, procs=1)
    assert _check(root) >= 3


def test_lexicon_after_merges_and_deletions(tmp_path: Path) -> None:
    source = tmp_path / "source"
    files = generated_corpus(source, 12, seed=4)
    live = tmp_path / "corpus"
    live.mkdir()
    root = tmp_path / "i"
    for f in files[:10]:
        shutil.copy(f, live / f.name)
        build_index(live, root, procs=1)
    gen = store.current_dir(root)
    segs = whoosh_index.open_dir(str(gen))._segments()
    assert len(segs) < 10  # Whoosh merged segments: their lexicons were merged
    assert sorted(p.name for p in gen.glob(f"*.{lexicon.EXT}")) == sorted(lexicon.file_name(s.segment_id()) for s in segs)
    (live / files[0].name).unlink()
    text = (live / files[1].name).read_text("utf-8")
    (live / files[1].name).write_text(text.replace("志愿", "义工"), "utf-8")
    build_index(live, root, procs=1, allow_removal=True)
    _check(root)


def test_long_words_and_the_key_boundary(tmp_path: Path) -> None:
    """Words longer than the search key (KEY_BYTES of UTF-8) share keys with others."""
    builder = lexicon.LexiconBuilder()
    docs = [
        {"title": {"中华人民共和国", "中华人民共和国国务院", "abcdefghijkl", "abcdefghijklm"}, "text": {"中华"}},
        {"title": {"中华人民共和国国务院办公厅", "abcdefghijk"}, "text": set()},
        {"title": set(), "text": {"中华", "华"}},
    ]
    for d in docs:
        builder.add(d)
    path = tmp_path / "x.lex"
    builder.write(path)
    lex = lexicon.SegmentLexicon(path)
    for t in TEXTS:
        words = {w for d in docs for w in d[t]}
        for w in words:
            want = [i for i, d in enumerate(docs) if w in d[t]]
            assert lex.docs(t, w).tolist() == want and lex.doc_frequency(t, w) == len(want), (t, w)
        for absent in ("中华人民共和", "abcdefghijklmn", "abcdefghij", ""):
            assert lex.doc_frequency(t, absent) == 0
    assert [w for w, _n in lex.prefixed("title", "中华人民共和国")] == [
        "中华人民共和国", "中华人民共和国国务院", "中华人民共和国国务院办公厅"]
    assert [w for w, _n in lex.prefixed("title", "abcdefghijkl")] == ["abcdefghijkl", "abcdefghijklm"]
    merged = tmp_path / "m.lex"
    lexicon.write_merged(merged, lexicon.merge([(lex, np.array([1, 2])), (lex, np.array([0]))]))
    m = lexicon.SegmentLexicon(merged)
    assert m.docs("title", "abcdefghijk").tolist() == [0]
    assert m.docs("text", "中华").tolist() == [1, 2]
    assert m.docs("title", "中华人民共和国").tolist() == [2]
    lex.close()
    m.close()


def test_a_damaged_lexicon_is_a_named_error(tmp_path: Path) -> None:
    path = tmp_path / "x.lex"
    path.write_bytes(b"BULLEX01" + b"\xff" * 10)
    with pytest.raises(lexicon.arrayfile.ArrayFileError, match="x.lex"):
        lexicon.SegmentLexicon(path)
