"""Document frequencies of many words at once (did-you-mean's look-ups) equal them one by one."""

from __future__ import annotations

import shutil
from pathlib import Path

from indexer.build.builder import build_index
from indexer.store.lexicon import KEY_BYTES, word_index
from indexer.store.handles import IndexHandle
from tests.conftest import SEED, extra_issue


def test_doc_frequencies_equal_doc_frequency(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    for n in (1, 2, 3):
        (corpus / f"志愿服务测试简报-2023-第{n}期.txt").write_text(extra_issue(n), encoding="utf-8")
    build_index(corpus, tmp_path / "index", procs=1)
    with IndexHandle(tmp_path / "index") as h:
        words = word_index(h.searcher())
        longest = 0
        for text in ("title", "text"):
            real = sorted({w for lex, _o, _r in words.parts for w in lex.all_words(text)})
            # the words, their prefixes (mostly not words), and strings of exactly KEY_BYTES
            # bytes that share their key with longer words
            probes = real + [w[:k] for w in real for k in (1, 2, 3, 4) if len(w) > k] + ["不存在的词", "a", "5g"]
            assert any(len(p.encode()) == KEY_BYTES for p in probes)
            longest = max(longest, *(len(w.encode()) for w in real))
            batch = words.doc_frequencies(text, [p.encode() for p in probes]).tolist()
            assert batch == [words.doc_frequency(text, p) for p in probes]
            assert max(batch) > 1 and 0 in batch
        assert longest > KEY_BYTES  # words longer than their key were looked up too
