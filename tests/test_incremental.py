"""Incremental indexing: one file changed touches only that file's articles;
rejected files change nothing; a failed run leaves the previous index serving."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from indexer.build import builder as build
from indexer.store import fastwrite, handles as store
from indexer.build.builder import build_index
from indexer.search.engine import search
from indexer.store.handles import IndexHandle

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"
FIXTURES = REPO / "tests" / "fixtures"


def issue(n: int, word: str) -> str:
    return (
        f"南京文明简报\n\n第{n}期\n\n南京市文明办\n\n2021年{n}月3日\n\n"
        f"玄武区:第{n}期的文章 {word}\n\n玄武区开展{word}活动,群众踊跃参与。\n\n"
        f"鼓楼区:第{n}期第二篇\n\n鼓楼区组织志愿者开展{word}宣传。\n\n(宁简字{n}号 共印50份)\n"
    )


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(SEED, d)
    for n, word in ((1, "垃圾分类"), (2, "文明交通"), (3, "移风易俗")):
        (d / f"nj-{n}.txt").write_text(issue(n, word), encoding="utf-8")
    return d


def stored_by_id(root: Path) -> dict[str, dict]:
    h = IndexHandle(root)
    s = h.searcher()
    out = {f["article_id"]: f for f in s.all_stored_fields()}
    h.close()
    return out


def test_add_change_delete_touch_only_that_file(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = build_index(corpus, root)
    assert len(first.added) == 4 and first.rebuilt and first.articles == 8
    before = stored_by_id(root)

    (corpus / "nj-4.txt").write_text(issue(4, "全民阅读"), encoding="utf-8")
    r = build_index(corpus, root)
    assert (r.added, r.updated, r.removed, r.unchanged) == (["nj-4.txt"], [], [], 4)
    after = stored_by_id(root)
    assert {k: v for k, v in after.items() if k in before} == before
    assert len(after) == 10

    (corpus / "nj-2.txt").write_text(issue(2, "诚信建设"), encoding="utf-8")
    r = build_index(corpus, root)
    assert (r.added, r.updated, r.removed, r.unchanged) == ([], ["nj-2.txt"], [], 4)
    changed = stored_by_id(root)
    assert changed.keys() == after.keys()  # same ids: the same issue, re-indexed
    touched = {k for k in after if changed[k] != after[k]}
    assert touched and all(after[k]["source"].startswith("nj-2.txt\t") for k in touched)
    h = IndexHandle(root)
    assert search(h, "文明交通", stages=False)["total"] == 0 and search(h, "诚信建设")["total"] == 2

    (corpus / "nj-1.txt").unlink()
    r = build_index(corpus, root)
    assert (r.added, r.updated, r.removed, r.unchanged) == ([], [], ["nj-1.txt"], 4)
    assert search(IndexHandle(root), "垃圾分类")["total"] == 0
    assert len(stored_by_id(root)) == 8

    r = build_index(corpus, root)
    assert (r.added, r.updated, r.removed, r.unchanged) == ([], [], [], 4)


def test_folder_documents_are_not_bulletins(corpus: Path, tmp_path: Path) -> None:
    (corpus / "LICENSE").write_text("MIT License\n\nPermission is hereby granted…\n", encoding="utf-8")
    (corpus / "README.md").write_text("# 说明\n\n本目录存放简报。\n", encoding="utf-8")
    r = build_index(corpus, tmp_path / "index")
    assert sorted(r.added) == ["nj-1.txt", "nj-2.txt", "nj-3.txt", SEED.name] and r.rejected == []


def test_rejected_file_changes_nothing(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build_index(corpus, root)
    (corpus / "nj-3.txt").write_bytes(b"")  # an archived issue emptied by mistake
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary\xff" * 20)
    r = build_index(corpus, root)
    assert sorted(x.path for x in r.rejected) == ["broken.txt", "nj-3.txt"]
    assert all(x.reason for x in r.rejected)
    assert search(IndexHandle(root), "移风易俗")["total"] == 2  # the old articles stay


def test_same_issue_twice_is_rejected(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build_index(corpus, root)
    (corpus / "copy-of-2.txt").write_text(issue(2, "文明交通") + "\n", encoding="utf-8")
    r = build_index(corpus, root)
    assert [x.path for x in r.rejected] == ["copy-of-2.txt"]
    assert "nj-2.txt" in r.rejected[0].reason
    assert search(IndexHandle(root), "文明交通", stages=False)["total"] == 2  # the exact count


def test_failed_commit_leaves_previous_index(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "index"
    build_index(corpus, root)
    (corpus / "nj-9.txt").write_text(issue(9, "全民健身"), encoding="utf-8")

    def boom(*_a: object, **_k: object) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(fastwrite, "commit", boom)
    with pytest.raises(OSError):
        build_index(corpus, root)
    h = IndexHandle(root)
    assert search(h, "")["total"] == 8 and search(h, "全民健身")["total"] == 0
    monkeypatch.undo()
    r = build_index(corpus, root)
    assert r.added == ["nj-9.txt"] and search(IndexHandle(root), "全民健身")["total"] == 2
    gen = store.current_dir(root)
    assert gen is not None and not list(gen.glob("*.tmp"))


def test_failed_rebuild_keeps_old_generation(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "index"
    build_index(corpus, root)
    old = store.current_dir(root)
    monkeypatch.setattr(store, "publish", lambda *_a: (_ for _ in ()).throw(OSError("killed (simulated)")))
    with pytest.raises(OSError):
        build_index(corpus, root, rebuild=True)
    assert store.current_dir(root) == old
    assert search(IndexHandle(root), "移风易俗")["total"] == 2
    monkeypatch.undo()
    r = build_index(corpus, root, rebuild=True)
    assert r.rebuilt and store.current_dir(root) != old
    store.remove_stale(root, keep_seconds=0)
    assert [p.name for p in root.iterdir() if p.name.startswith("gen-")] == [store.current_dir(root).name]


def test_parallel_build_equals_single_process(tmp_path: Path) -> None:
    from bench.generate import generate_corpus

    corpus = tmp_path / "corpus"
    generate_corpus(40, 3, corpus)
    one, two = tmp_path / "one", tmp_path / "two"
    build_index(corpus, one, procs=1)
    old = build.INPROCESS_BYTES
    build.INPROCESS_BYTES = 0
    try:
        build_index(corpus, two, procs=2)
    finally:
        build.INPROCESS_BYTES = old
    a, b = stored_by_id(one), stored_by_id(two)
    assert a == b and len(a) > 80
    for q in ("志愿服务", "淮", "文明 NOT 疫情"):
        ra, rb = search(IndexHandle(one), q), search(IndexHandle(two), q)
        assert ra["total"] == rb["total"] and ra["facets"] == rb["facets"], q


def test_index_cli_summary_and_exit_code(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(root)])
    assert r.exit_code == 0 and "4 added" in r.output
    (corpus / "empty.txt").write_bytes(b"")
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(root)])
    assert r.exit_code == 1
    assert "rejected empty.txt" in r.output and "4 unchanged" in r.output


def test_index_env_vars(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "envindex"
    env = {"BULLETINS_CORPUS": str(corpus), "BULLETINS_INDEX": str(root)}
    r = CliRunner().invoke(cli, ["index", "--json"], env=env)
    assert r.exit_code == 0, r.output
    assert store.current_dir(root) is not None


def test_add_copies_under_telling_name_and_never_overwrites(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build_index(corpus, root)
    new = tmp_path / "incoming.txt"
    new.write_text(issue(7, "网络文明"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["add", str(new), "--corpus", str(corpus), "--index", str(root)])
    assert r.exit_code == 0, r.output
    dest = corpus / "南京文明简报-2021-第7期.txt"
    assert dest.read_bytes() == new.read_bytes()
    assert search(IndexHandle(root), "网络文明", stages=False)["total"] == 2  # the exact count

    other = tmp_path / "other.txt"
    other.write_text(issue(7, "另一个版本"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["add", str(other), "--corpus", str(corpus), "--index", str(root)])
    assert r.exit_code == 1 and "保持原样" in r.output
    assert dest.read_bytes() == new.read_bytes()

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00" * 100)
    listing = sorted(os.listdir(corpus))
    r = CliRunner().invoke(cli, ["add", str(bad), "--corpus", str(corpus), "--index", str(root)])
    assert r.exit_code == 1 and "rejected" in r.output and sorted(os.listdir(corpus)) == listing


def test_add_to_a_mistyped_corpus_folder_is_refused_and_creates_nothing(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build_index(corpus, root)
    before = search(IndexHandle(root), "网络文明")["total"]
    new = tmp_path / "incoming.txt"
    new.write_text(issue(8, "网络文明"), encoding="utf-8")
    typo = tmp_path / "corpsu"
    r = CliRunner().invoke(cli, ["add", str(new), "--corpus", str(typo), "--index", str(root)])
    assert r.exit_code == 1 and "语料文件夹" in r.output and "不存在" in r.output and str(typo) in r.output
    assert not typo.exists()
    assert search(IndexHandle(root), "网络文明")["total"] == before


def test_index_reports_progress_when_not_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.generate import generate_corpus

    corpus = tmp_path / "corpus"
    generate_corpus(build.PROGRESS_FILES, 5, corpus)
    monkeypatch.setattr(build, "PROGRESS_SECONDS", 0.0)  # a line after every file
    r = CliRunner().invoke(cli, ["index", "--procs", "1", "--corpus", str(corpus), "--index", str(tmp_path / "i")])
    assert r.exit_code == 0, r.output
    n = build.PROGRESS_FILES
    assert f"indexing: reading {n} files in this process" in r.output
    lines = [ln for ln in r.output.splitlines() if ln.startswith("indexing: ") and "files read" in ln]
    assert len(lines) == n + 1  # every file, then the commit
    assert lines[0].startswith(f"indexing: 1/{n} files read, ") and lines[0].endswith("parsing, analysing and writing segments")
    articles = [int(ln.split("files read, ")[1].split(" articles")[0]) for ln in lines]
    assert articles == sorted(articles) and articles[-1] > n
    assert lines[-1] == f"indexing: {n}/{n} files read, {articles[-1]} articles; committing"
    quiet = CliRunner().invoke(cli, ["index", "--json", "--corpus", str(corpus), "--index", str(tmp_path / "j")])
    assert "indexing:" not in quiet.output  # JSON output stays parseable


def test_merges_take_only_small_segments_a_bounded_handful_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build's segments stay as written; the one-file segments that runs of `add`
    leave are merged, at least MERGE_MIN and at most MERGE_DOCS documents at once."""
    from bench.generate import generate_corpus
    from whoosh import index as whoosh_index

    source = tmp_path / "source"
    generate_corpus(40, 8, source)
    files = sorted(source.iterdir())
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in files[:30]:
        shutil.copy(f, corpus / f.name)
    monkeypatch.setattr(build, "SEGMENT_CHARS", 30_000)
    monkeypatch.setattr(fastwrite, "MERGE_DOCS", 12)
    root = tmp_path / "i"
    build_index(corpus, root, procs=1)

    def segments() -> dict[str, int]:
        ix = whoosh_index.open_dir(str(store.current_dir(root)))
        return {s.segment_id(): s.doc_count() for s in ix._segments()}

    from archive.parse import parse_file

    built = {sid: n for sid, n in segments().items() if n >= fastwrite.MERGE_DOCS}
    assert len(built) >= 3  # "large" segments here
    before = segments()
    merged = []
    for f in files[30:]:
        shutil.copy(f, corpus / f.name)
        build_index(corpus, root, procs=1)
        now = segments()
        assert set(built) <= set(now)  # never merged
        new = {sid: n for sid, n in now.items() if sid not in before}
        newest = next(sid for sid, n in new.items() if n == len(parse_file(f).articles))
        merged += [n for sid, n in new.items() if sid != newest]
        # what was there before this run: nothing left that the policy would merge
        small = sorted(n for sid, n in now.items() if sid not in built and sid != newest)
        assert len(small) < fastwrite.MERGE_MIN or sum(small[: fastwrite.MERGE_MIN]) > fastwrite.MERGE_DOCS, small
        before = now
    assert merged and max(merged) <= fastwrite.MERGE_DOCS  # merges happened, into segments of bounded size
    assert search(IndexHandle(root), "")["total"] == sum(len(parse_file(f).articles) for f in files)


def test_a_duplicate_issue_in_another_process_share_is_rejected_and_not_searchable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes write as they parse; the same issue in both shares is decided at
    the end as one process decides it: the first file by name wins, the other is
    rejected and its articles (already written) are not in the index."""
    from bench.generate import generate_corpus

    corpus = tmp_path / "corpus"
    files = sorted(generate_corpus(20, 6, corpus) and corpus.iterdir())
    first, last = files[0], files[-1]
    copy = corpus / ("\u9fa0-" + first.name)  # sorts last: the second process's share
    copy.write_text(first.read_text("utf-8").replace("。", "。另一个版本。", 1), encoding="utf-8")
    monkeypatch.setattr(build, "INPROCESS_BYTES", 0)
    reports = {}
    for procs in (1, 2):
        root = tmp_path / f"i{procs}"
        reports[procs] = r = build_index(corpus, root, procs=procs)
        assert [x.path for x in r.rejected] == [copy.name]
        assert f"同一期已由 {first.name} 入库" in r.rejected[0].reason
        assert search(IndexHandle(root), "另一个版本")["total"] == 0
    assert reports[1].articles == reports[2].articles
    assert stored_by_id(tmp_path / "i1") == stored_by_id(tmp_path / "i2")
    assert last.name in reports[2].added
