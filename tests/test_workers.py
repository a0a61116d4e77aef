"""Reading and OCR on Dask workers (indexer/build/distribute.py, `--workers`), on a loopback cluster.

The cluster is started with the README's own commands ("More than one machine"):
`dask scheduler --host 127.0.0.1` and two `dask worker` processes (one thread
each, no nanny: a killed worker stays dead), stopped by their PIDs. The corpus
holds files read here (text, Markdown), files the workers read (.docx, .ofd, a
saved gov.cn page, a one-page scan read by OCR) and files that are rejected —
by a worker (an encrypted PDF, a truncated .docx) and here (an empty file, an
issue archived twice). The index built with the workers must equal the one
built without them, record for record, with the same rejections by name; and
killing the worker that is OCRing the scan must lose nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the `workers` extra (make install) is not installed")

from archive.readers import cache  # noqa: E402
from bench.workers import START_SECONDS, Cluster  # noqa: E402  (the README's commands, on loopback)
from indexer.build.builder import IndexReport, build_index  # noqa: E402
from indexer.build.distribute import Prefetched, read_corpus_on_workers, read_on_workers  # noqa: E402
from indexer.search.engine import search  # noqa: E402
from indexer.store import handles as store  # noqa: E402
from indexer.store.handles import IndexHandle  # noqa: E402
from tests import docgen  # noqa: E402
from tests.conftest import SEED, extra_issue  # noqa: E402

QUERIES = ("志愿服务", "南京", "淮", "文明 NOT 疫情", "第4期第1篇", "title:志愿服务惠民生")

needs_soffice = pytest.mark.skipif(docgen.soffice() is None,
                                   reason="LibreOffice (soffice) not installed: `make test` installs it")
pytestmark = needs_soffice  # the scan is made from LibreOffice's PDF of a generated .docx


OCR_BUDGET = 600.0  # seconds a page: a machine shared by many must not turn OCR into a budget rejection


@pytest.fixture(scope="module", autouse=True)
def generous_ocr_budget() -> Iterator[None]:
    """The same, larger OCR budget for the local and the distributed runs: the readers' defaults
    (DEFAULT_LIMITS, which run_limits sends to the workers) and the operator's variable."""
    from archive.readers.limits import DEFAULT_LIMITS

    old = (DEFAULT_LIMITS.ocr_seconds_per_page, DEFAULT_LIMITS.ocr_min_seconds)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BULLETINS_OCR_SECONDS_PER_PAGE", str(int(OCR_BUDGET)))
        object.__setattr__(DEFAULT_LIMITS, "ocr_seconds_per_page", OCR_BUDGET)  # frozen: set for this module only
        object.__setattr__(DEFAULT_LIMITS, "ocr_min_seconds", OCR_BUDGET)
        try:
            yield
        finally:
            object.__setattr__(DEFAULT_LIMITS, "ocr_seconds_per_page", old[0])
            object.__setattr__(DEFAULT_LIMITS, "ocr_min_seconds", old[1])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        c.add_worker()
        c.add_worker()
        c.wait_for(2)
        yield c
    finally:
        c.stop()


# -- the corpus and the reference index --------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("made")
    d = tmp_path_factory.mktemp("corpus")
    shutil.copy(SEED, d / SEED.name)  # read here (text)
    shutil.copy(docgen.FIXTURES / "markdown-issue.md", d / "markdown-issue.md")
    for n in (1, 2, 3):  # read by the workers
        docgen.write_docx(extra_issue(n), d / f"issue-{n}.docx")
    docgen.write_ofd((docgen.FIXTURES / "jiangsu-2023-total-issue.txt").read_text("utf-8"), d / "jiangsu.ofd")
    docgen.write_govcn_html((docgen.FIXTURES / "nanjing-2022-chinese-numerals.txt").read_text("utf-8"),
                            d / "nanjing.html")
    pdf = docgen.convert(docgen.write_docx(extra_issue(4), made / "issue-4.docx"), "pdf", made)
    docgen.write_scan(pdf, d / "scan-4.pdf", pages=1)  # OCR: the slow task
    # rejected by a worker (the reader's own reasons) …
    docgen.write_raw_pdf(d / "locked.pdf", encrypted=True)
    (d / "truncated.docx").write_bytes((d / "issue-1.docx").read_bytes()[:2000])
    # … and here: an empty file, an issue already archived from issue-2.docx
    (d / "empty.txt").write_bytes(b"")
    docgen.write_govcn_html(extra_issue(2), d / "issue-2.html")
    return d


def _index(corpus: Path, root: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
           pre_read=None) -> IndexReport:
    monkeypatch.setenv(cache.CACHE_ENV, str(cache_dir))
    return build_index(corpus, root, procs=1, pre_read=pre_read)


@pytest.fixture(scope="module")
def local(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IndexReport]:
    """The index built without workers (its own empty cache): the reference."""
    with pytest.MonkeyPatch.context() as mp:
        root = tmp_path_factory.mktemp("local")
        report = _index(corpus, root / "index", root / "cache", mp)
    return root / "index", report


def stored(root: Path) -> dict[str, dict]:
    h = IndexHandle(root)
    try:
        return {f["article_id"]: f for f in h.searcher().all_stored_fields()}
    finally:
        h.close()


def assert_same_index(root: Path, report: IndexReport, local: tuple[Path, IndexReport]) -> None:
    ref_root, ref = local
    assert [(r.path, r.reason) for r in report.rejected] == [(r.path, r.reason) for r in ref.rejected]
    assert sorted(report.added) == sorted(ref.added) and report.articles == ref.articles
    a, b = stored(ref_root), stored(root)
    assert a == b
    for q in QUERIES:
        ra, rb = search(IndexHandle(ref_root), q), search(IndexHandle(root), q)
        assert ra["total"] == rb["total"] > 0 and ra["facets"] == rb["facets"], q
        assert ra["hits"] == rb["hits"], q


def _index_on_workers(corpus: Path, root: Path, cache_dir: Path, address: str,
                      monkeypatch: pytest.MonkeyPatch) -> tuple[IndexReport, Prefetched]:
    """As `bulletins index --workers`: read on the workers (no lock held), then build from the cache."""
    monkeypatch.setenv(cache.CACHE_ENV, str(cache_dir))
    done = read_corpus_on_workers(corpus, root, address)
    return _index(corpus, root, cache_dir, monkeypatch, done.pre_read), done


REMOTE = ["issue-1.docx", "issue-2.docx", "issue-3.docx", "jiangsu.ofd", "nanjing.html", "issue-2.html",
          "scan-4.pdf"]


def test_reference_build_rejects_by_name(local: tuple[Path, IndexReport]) -> None:
    root, report = local
    reasons = {r.path: r.reason for r in report.rejected}
    assert set(reasons) == {"locked.pdf", "truncated.docx", "empty.txt"}
    # the same issue as a web page beside its Word file is another original of it, not a rejection
    assert report.originals == [("issue-2.html", "issue-2.docx")]
    assert "scan-4.pdf" in report.added and len(report.added) == 8


def test_index_built_on_two_workers_equals_local(corpus: Path, cluster: Cluster, local, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert cluster.listening() == {"127.0.0.1"}  # the README's flags keep every port on loopback
    report, done = _index_on_workers(corpus, tmp_path / "index", tmp_path / "cache", cluster.address, monkeypatch)
    assert_same_index(tmp_path / "index", report, local)
    # the workers read every file of a cached format, the scan by OCR, and rejected two of them
    assert sorted(done.cached) == sorted(REMOTE)
    assert set(done.rejected) == {"locked.pdf", "truncated.docx"}
    assert done.pages == 1 and sum(w.files for w in done.workers.values()) == 9
    # a second run finds everything in the cache: nothing is sent
    again = read_on_workers(cluster.address, [(r, corpus / r) for r in REMOTE])
    assert sorted(again.cached) == sorted(REMOTE) and not again.workers


def _ocr_child_of(pids: set[int]) -> tuple[int, int] | None:
    """(worker pid, OCR child pid) when a worker runs archive.readers.ocr_worker."""
    import psutil

    for pid in pids:
        try:
            for child in psutil.Process(pid).children(recursive=True):
                if "archive.readers.ocr_worker" in " ".join(child.cmdline()):
                    return pid, child.pid
        except psutil.Error:
            continue
    return None


def test_worker_killed_mid_ocr_loses_nothing(corpus: Path, cluster: Cluster, local, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    while len(cluster.alive()) < 2:
        cluster.add_worker()
    cluster.wait_for(2)
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["report"], out["done"] = _index_on_workers(corpus, tmp_path / "index", tmp_path / "cache",
                                                           cluster.address, monkeypatch)
        except BaseException as ex:  # re-raised below
            out["error"] = ex

    t = threading.Thread(target=run)
    t.start()
    pids = {p.pid for p in cluster.alive()}
    deadline = time.monotonic() + START_SECONDS
    found = None
    while found is None and t.is_alive() and time.monotonic() < deadline:
        found = _ocr_child_of(pids)
        time.sleep(0.02)
    assert found is not None, "no worker started the OCR of the scan"
    worker, child = found
    with store.run_lock(tmp_path / "index", wait=0):  # the workers read while nobody holds the index lock
        pass
    os.kill(worker, signal.SIGKILL)  # the worker OCRing the scan dies mid-task
    try:
        os.kill(child, signal.SIGKILL)  # and its OCR child, orphaned (its own session)
    except ProcessLookupError:
        pass
    t.join(timeout=300)
    assert not t.is_alive()
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    assert [p.pid for p in cluster.workers if p.poll() is not None] == [worker]
    assert_same_index(tmp_path / "index", out["report"], local)  # type: ignore[arg-type]
    done: Prefetched = out["done"]  # type: ignore[assignment]
    assert "scan-4.pdf" in done.cached and done.pages == 1  # read again by the other worker
    assert sorted(done.cached) == sorted(REMOTE) and set(done.rejected) == {"locked.pdf", "truncated.docx"}


def test_add_reads_on_the_workers_and_rejects_by_name(corpus: Path, cluster: Cluster, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from bulletins.cli import cli

    index, mine = tmp_path / "index", tmp_path / "corpus"
    mine.mkdir()
    shutil.copy(SEED, mine / SEED.name)
    shutil.copy(corpus / "issue-1.docx", mine / "issue-1.docx")
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("BULLETINS_WORKERS", cluster.address)  # the setting's environment variable
    runner = CliRunner()
    r = runner.invoke(cli, ["index", "--corpus", str(mine), "--index", str(index)])
    assert r.exit_code == 0 and "分布式读取：1/1 个文件已读" in r.output, r.output  # the .docx; the text is read here
    r = runner.invoke(cli, ["add", str(corpus / "issue-3.docx"), str(corpus / "locked.pdf"),
                            "--corpus", str(mine), "--index", str(index)])
    assert r.exit_code == 1, r.output
    assert f"rejected {corpus / 'locked.pdf'}: PDF 已加密" in r.output
    assert "分布式读取：2/2 个文件已读" in r.output and "1 added" in r.output
    # the .docx was read by a worker: its Document is in the cache beside the index, under its bytes' hash
    digest = cache.key((corpus / "issue-3.docx").read_bytes())
    assert cache.load(tmp_path / "cache", digest, "x.docx") is not None
    hits = search(IndexHandle(index), "第3期第1篇")
    assert hits["total"] == 1 and not (mine / "locked.pdf").exists()


def test_unreachable_scheduler_changes_nothing(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from click.testing import CliRunner

    from bulletins.cli import cli
    from indexer.build import distribute

    monkeypatch.setattr(distribute, "CONNECT_SECONDS", 2.0)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    index = tmp_path / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index),
                                 "--workers", f"tcp://127.0.0.1:{port}"])
    assert r.exit_code == 1
    assert f"无法连接调度器 tcp://127.0.0.1:{port}" in r.output and "the index is unchanged" in r.output
    assert not (index / "current").exists()


def test_the_run_limits_travel_to_the_workers(corpus: Path, cluster: Cluster, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-file budget holds on the worker, with the archive machine's limits: an OCR budget
    too short for one page rejects the scan there, by name, with the reader's own reason."""
    from archive.readers.limits import Limits
    from indexer.build import distribute

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(distribute, "run_limits", lambda: Limits(ocr_seconds_per_page=0.01, ocr_min_seconds=0.01))
    done = read_on_workers(cluster.address, [("scan-4.pdf", corpus / "scan-4.pdf")])
    assert list(done.rejected) == ["scan-4.pdf"] and not done.cached
    assert "预算" in done.rejected["scan-4.pdf"] and "0.01 秒" in done.rejected["scan-4.pdf"]
