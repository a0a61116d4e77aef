"""Per-segment facet columns (indexer/store/segcols.py) and the incremental add (indexer/build/update.py)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from whoosh import index as whoosh_index

from archive.parse import parse_file
from bulletins.cli import cli
from indexer.store import handles as store, segcols, segfiles
from indexer.build.builder import build_index
from indexer.search.engine import Filters, search
from indexer.store.handles import IndexHandle
from tests.conftest import SEED, extra_issue


def _same(a: segcols.SegmentColumns, b: segcols.SegmentColumns, live: np.ndarray) -> None:
    """The same columns; keyword pairs compared on live documents (Whoosh's postings
    leave out documents deleted since the file was written, searches use `live`)."""
    assert a.docs == b.docs
    for name in segcols.CODED.values():
        assert a.coded[name][1] == b.coded[name][1], name
        assert np.array_equal(a.coded[name][0], b.coded[name][0]), name
    for name in segcols.NUMBERS:
        assert np.array_equal(a.numbers[name], b.numbers[name]), name
    for name in segcols.KEYS:
        assert a.keys[name][2] == b.keys[name][2], name
        pairs = [sorted(zip(d[live[d]].tolist(), c[live[d]].tolist())) for d, c, _v in (a.keys[name], b.keys[name])]
        assert pairs[0] == pairs[1], name


def _check_files(root: Path) -> int:
    """Every live segment has its column file, equal to what Whoosh's own columns say."""
    gen = store.current_dir(root)
    ix = whoosh_index.open_dir(str(gen))
    with ix.searcher() as s:
        stems = segfiles.segments(s)
        for (stem, _offset, n), (sub, _o) in zip(stems, s.leaf_searchers()):
            path = stem.with_name(segcols.file_name(stem.name))
            assert path.is_file(), path.name
            from_file = segcols.load(path)
            assert from_file.docs == n
            r = sub.reader()
            live = np.ones(n, dtype=bool)
            live[list(r.deleted_docs_set)] = False
            _same(from_file, segcols.read_segment(r), live)
        return len(stems)


def _corpus(tmp_path: Path, issues: range) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    for n in issues:
        (corpus / f"志愿服务测试简报-2023-第{n}期.txt").write_text(extra_issue(n), encoding="utf-8")
    return corpus


def test_column_files_match_whoosh_after_builds_merges_and_deletes(tmp_path: Path) -> None:
    corpus, root = _corpus(tmp_path, range(1, 3)), tmp_path / "index"
    build_index(corpus, root, procs=1)
    _check_files(root)
    # one run per new file: each adds a segment, and Whoosh merges the small ones
    for n in range(3, 9):
        (corpus / f"志愿服务测试简报-2023-第{n}期.txt").write_text(extra_issue(n), encoding="utf-8")
        build_index(corpus, root, procs=1)
    # a changed file: its old articles are deleted in their segment
    changed = corpus / "志愿服务测试简报-2023-第1期.txt"
    changed.write_text(extra_issue(1).replace("便民服务", "便民服务和法律援助"), encoding="utf-8")
    build_index(corpus, root, procs=1)
    _check_files(root)
    parsed = [parse_file(p) for p in sorted(corpus.iterdir())]
    articles = [a for b in parsed for a in b.articles]
    with IndexHandle(root) as h:
        # facet counts and filters come from the files, deleted articles left out
        every = search(h, "", per_page=100)
        assert every["total"] == len(articles) > 40
        cities = {f["value"]: f["count"] for f in every["facets"]["city"]}
        assert cities == dict(Counter(a.city for a in articles if a.city))
        assert search(h, "法律援助")["total"] == 5
        nanjing_2023 = sum(1 for b in parsed for a in b.articles if a.city == "南京市" and b.year == 2023)
        assert search(h, "", Filters(city=("南京市",), year=(2023,)))["total"] == nanjing_2023 > 5
        assert len(every["facets"]["issue"]) == len(parsed)


def test_add_indexes_only_the_new_file_in_a_segment_of_its_own(tmp_path: Path) -> None:
    corpus, root = _corpus(tmp_path, range(1, 3)), tmp_path / "index"
    build_index(corpus, root, procs=1)
    segments_before = _check_files(root)
    by_hand = corpus / "手工放入.txt"  # copied in by hand: left to the next `bulletins index`
    by_hand.write_text(extra_issue(4), encoding="utf-8")

    new = tmp_path / "incoming.txt"
    new.write_text(extra_issue(3).replace("便民服务", "便民服务和银发助餐"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["add", str(new), "--corpus", str(corpus), "--index", str(root), "--json"])
    assert r.exit_code == 0, r.output
    assert '"added": 1' in r.output and '"unchanged": 3' in r.output
    assert _check_files(root) == segments_before + 1  # one more segment, nothing merged
    with IndexHandle(root) as h:
        assert search(h, "银发助餐")["total"] == 5
        assert search(h, "第4期第1篇", stages=False)["total"] == 0
    assert CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(root)]).exit_code == 0
    with IndexHandle(root) as h:
        assert search(h, "第4期第1篇")["total"] == 1

    # the same issue as a corpus file of another name: rejected, the index unchanged
    rival = tmp_path / "rival.txt"
    rival.write_text(extra_issue(4).replace("便民服务", "另一份"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["add", str(rival), "--corpus", str(corpus), "--index", str(root)])
    assert r.exit_code == 1 and "同一期已由 手工放入.txt 入库" in r.output, r.output
    with IndexHandle(root) as h:
        assert search(h, "另一份")["total"] == 0
