"""Faults of the corpus folder never cost the served archive an article (issue 14).

A missing, unreadable or emptied corpus, a large removal, an unreadable
subfolder, links leading out of the corpus, undecodable file names, names too
long for the file system, a full disk: each is a one-line error or a warning,
and the articles already archived stay searchable.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.corpus import NAME_MAX_BYTES, corpus_name, scan_corpus
from archive.parse import parse_file
from bulletins.cli import cli
from indexer.build.builder import build_index
from indexer.search.engine import search
from indexer.store.handles import IndexHandle
from tests.conftest import SEED, extra_issue

ARTICLES = 5 * 5 + 2  # five generated issues of five articles, and the seed's two


def total(index: Path, q: str = "") -> int:
    with IndexHandle(index) as h:
        return int(search(h, q)["total"])


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture()
def archive(tmp_path: Path) -> tuple[Path, Path]:
    """Six issues in a corpus, indexed."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    for n in range(1, 6):
        (corpus / f"vol-{n}.txt").write_text(extra_issue(n), encoding="utf-8")
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    assert total(index) == ARTICLES
    return corpus, index


@pytest.mark.parametrize("how", ["missing", "typo"])
def test_missing_corpus_is_a_named_error_and_the_index_stays(archive: tuple[Path, Path], how: str) -> None:
    corpus, index = archive
    if how == "missing":
        shutil.rmtree(corpus)
        given = corpus
    else:
        given = corpus.parent / "corpsu"
    for extra in ([], ["--rebuild"]):
        r = run("index", "--corpus", str(given), "--index", str(index), *extra)
        assert r.exit_code == 1, r.output
        assert str(given) in r.output and "Traceback" not in r.output
        assert "索引保持原样" in r.output
        assert total(index) == ARTICLES


def test_corpus_that_is_a_file_is_a_named_error(tmp_path: Path) -> None:
    from archive.corpus import CorpusUnavailableError

    given = tmp_path / "not-a-folder.txt"
    given.write_text("x", encoding="utf-8")
    with pytest.raises(CorpusUnavailableError, match="不是文件夹"):
        scan_corpus(given)


def test_empty_corpus_needs_the_flag_and_says_what_it_would_remove(archive: tuple[Path, Path]) -> None:
    corpus, index = archive
    for p in corpus.iterdir():
        p.unlink()
    for extra in ([], ["--rebuild"]):
        r = run("index", "--corpus", str(corpus), "--index", str(index), *extra)
        assert r.exit_code == 1, r.output
        assert "no bulletin files" in r.output and "--allow-removal" in r.output
        assert "vol-1.txt" in r.output and SEED.name in r.output
        assert total(index) == ARTICLES
    r = run("index", "--corpus", str(corpus), "--index", str(index), "--allow-removal")
    assert r.exit_code == 0, r.output
    assert total(index) == 0


def test_removing_more_than_a_fifth_needs_the_flag(archive: tuple[Path, Path]) -> None:
    corpus, index = archive
    (corpus / "vol-1.txt").unlink()
    (corpus / "vol-2.txt").unlink()  # 2 of 6 files: a third of the archive
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 1 and "vol-1.txt" in r.output and "vol-2.txt" in r.output, r.output
    assert total(index) == ARTICLES
    r = run("index", "--corpus", str(corpus), "--index", str(index), "--allow-removal", "--json")
    assert r.exit_code == 0, r.output
    assert total(index) == ARTICLES - 10


def test_removing_one_file_needs_no_flag(archive: tuple[Path, Path]) -> None:
    corpus, index = archive
    (corpus / "vol-3.txt").unlink()
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    assert total(index) == ARTICLES - 5


def _deny_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make `folder` unlistable: chmod 000, and, as root (who reads anyway), refuse it in os.scandir."""
    folder.chmod(0)
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.path.realpath(path) == os.path.realpath(folder):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_subfolder_never_counts_as_deleted(
    archive: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, index = archive
    sub = corpus / "2023"
    sub.mkdir()
    (corpus / "vol-4.txt").rename(sub / "vol-4.txt")
    (corpus / "vol-5.txt").rename(sub / "vol-5.txt")
    r = run("index", "--corpus", str(corpus), "--index", str(index), "--allow-removal")
    assert r.exit_code == 0 and total(index) == ARTICLES, r.output

    _deny_listing(monkeypatch, sub)
    try:
        for extra in ([], ["--allow-removal"]):
            r = run("index", "--corpus", str(corpus), "--index", str(index), *extra)
            assert r.exit_code == 1, r.output  # reported …
            assert "2023/" in r.output and "无法读取" in r.output
            assert total(index) == ARTICLES  # … and nothing removed
            assert total(index, "第4期第1篇") == 1
        r = run("index", "--corpus", str(corpus), "--index", str(index), "--rebuild")
        assert r.exit_code == 1 and "cannot read" in r.output and "2023/vol-4.txt" in r.output, r.output
        assert total(index) == ARTICLES
    finally:
        sub.chmod(0o755)


def test_unreadable_corpus_root_is_a_named_error(archive: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, index = archive
    _deny_listing(monkeypatch, corpus)
    try:
        r = run("index", "--corpus", str(corpus), "--index", str(index))
        assert r.exit_code == 1 and "无法读取" in r.output and str(corpus) in r.output, r.output
        assert total(index) == ARTICLES
    finally:
        corpus.chmod(0o755)


def test_links_out_of_the_corpus_are_never_read(archive: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, index = archive
    secret_dir = tmp_path / "private"
    secret_dir.mkdir()
    secret = secret_dir / "secret.txt"
    # A file that would parse as a bulletin, so only the link rule keeps it out.
    secret.write_text(extra_issue(9).replace("志愿服务", "绝密口令"), encoding="utf-8")
    (corpus / "leak.txt").symlink_to(secret)
    (corpus / "leakdir").symlink_to(secret_dir, target_is_directory=True)
    (corpus / "inside.txt").symlink_to(corpus / "vol-1.txt")
    (corpus / "broken.txt").symlink_to(tmp_path / "nothing-here.txt")
    scan = scan_corpus(corpus)
    assert "leak.txt" not in scan.files and not any(k.startswith("leakdir") for k in scan.files)
    assert all(str(p).startswith(os.path.realpath(corpus)) for p in scan.files.values())
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert "leak.txt: 指向文库之外文件的链接" in r.output, r.output
    assert "leakdir: 指向文件夹的链接，不跟随" in r.output
    assert "broken.txt: 断开的链接" in r.output
    # the link inside the corpus is read: the same issue twice, so it is rejected by name
    assert "inside.txt" in r.output and "同一期已由 vol-1.txt 入库" in r.output
    assert total(index, "绝密口令") == 0 and total(index) == ARTICLES


def test_undecodable_file_name_is_indexed_under_a_safe_name(archive: tuple[Path, Path]) -> None:
    corpus, index = archive
    gbk = "南京简报第6期.txt".encode("gbk")  # a zip made on Chinese Windows
    latin = b"caf\xe9-\xff.txt"  # neither UTF-8 nor GB18030
    with open(os.path.join(os.fsencode(corpus), gbk), "wb") as f:
        f.write(extra_issue(6).encode("utf-8"))
    with open(os.path.join(os.fsencode(corpus), latin), "wb") as f:
        f.write(extra_issue(6).replace("第6期", "第7期").encode("utf-8"))
    for _ in range(2):  # and the next run is no different
        r = run("index", "--corpus", str(corpus), "--index", str(index), "--json")
        assert r.exit_code == 0, r.output
        assert "Traceback" not in r.output
    assert "南京简报第6期.txt: 文件名不是有效的 UTF-8" in r.output
    assert total(index) == ARTICLES + 10
    assert total(index, "第6期第1篇") == 1 and total(index, "第7期第1篇") == 1
    names = set(scan_corpus(corpus).files)
    assert "南京简报第6期.txt" in names and any(n.startswith("caf") and "\\x" in n for n in names)


def test_long_title_fits_the_file_system(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    long_series = "江苏省精神文明建设指导委员会办公室关于" * 12 + "简报"
    src = tmp_path / "long.md"
    src.write_text(f"# 《{long_series}》 (20220501)\n\n## 详细新闻\n\n### 标题一\n\n正文提到志愿服务。\n", encoding="utf-8")
    b = parse_file(src)
    assert len(b.series.encode("utf-8")) > NAME_MAX_BYTES
    name = corpus_name(b, ".md")
    assert len(name.encode("utf-8")) <= NAME_MAX_BYTES - len(".4194304.part") - 1
    assert name.startswith("江苏省精神文明") and name.endswith("-2022-05-01.md")
    r = run("add", str(src), "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    assert [p.name for p in corpus.iterdir()] == [name]
    assert total(index, "志愿服务") == 1


def test_disk_full_during_add_leaves_no_part_file(
    archive: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, index = archive
    src = tmp_path / "new.txt"
    src.write_text(extra_issue(8), encoding="utf-8")
    real = shutil.copyfile

    def full(a: Any, b: Any, **kw: Any) -> Any:
        real(a, b, **kw)
        with open(b, "r+b") as f:
            f.truncate(10)  # half written, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(b))

    monkeypatch.setattr(shutil, "copyfile", full)
    r = run("add", str(src), "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 1, r.output
    assert "磁盘空间已满（ENOSPC）" in r.output and "腾出磁盘空间" in r.output
    assert "Traceback" not in r.output
    assert sorted(p.name for p in corpus.iterdir() if p.name.startswith(".")) == []
    assert total(index) == ARTICLES


def test_disk_full_during_index_is_one_line(archive: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, index = archive
    (corpus / "vol-8.txt").write_text(extra_issue(8), encoding="utf-8")
    from indexer.store import fastwrite

    def full(*_a: Any, **_k: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(index / "x.seg"))

    monkeypatch.setattr(fastwrite, "commit", full)
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 1 and "磁盘空间已满（ENOSPC）" in r.output and "free some space" in r.output, r.output
    assert r.output.count("\n") == 1 and "Traceback" not in r.output
    assert total(index) == ARTICLES


def test_current_as_a_real_folder_and_lock_as_a_folder(archive: tuple[Path, Path]) -> None:
    corpus, index = archive
    gen = (index / "current").resolve()
    (index / "current").unlink()
    shutil.copytree(gen, index / "current")  # a backup restored without its link
    gens = sorted(p.name for p in index.iterdir())
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 1 and "是真实的文件夹" in r.output and "mv " in r.output, r.output
    assert sorted(p.name for p in index.iterdir()) == gens  # no new generation left behind
    assert total(index) == ARTICLES  # still served from the restored folder
    shutil.rmtree(index / "current")
    (index / "current").symlink_to(gen.name)

    (index / ".lock").unlink(missing_ok=True)
    (index / ".lock").mkdir()
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 1 and ".lock 是文件夹" in r.output and "Traceback" not in r.output, r.output


def test_index_not_writable_is_one_line(archive: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, _ = archive
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the index folder's parent should be", encoding="utf-8")
    r = run("index", "--corpus", str(corpus), "--index", str(blocker / "index"))
    assert r.exit_code == 1 and "无法创建索引文件夹" in r.output, r.output
    assert "Traceback" not in r.output


def test_build_index_api_refuses_before_writing(archive: tuple[Path, Path]) -> None:
    corpus, index = archive
    from indexer.build.builder import RemovalRefusedError

    before = sorted(p.name for p in index.iterdir())
    shutil.rmtree(corpus)
    corpus.mkdir()
    with pytest.raises(RemovalRefusedError) as info:
        build_index(corpus, index, rebuild=True)
    assert len(info.value.would_remove) == 6
    assert sorted(p.name for p in index.iterdir()) == before


def test_corpus_not_writable_during_add_is_one_line(
    archive: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, index = archive
    src = tmp_path / "new.txt"
    src.write_text(extra_issue(6), encoding="utf-8")

    def denied(a: Any, b: Any, **kw: Any) -> Any:  # what a read-only corpus does (root ignores chmod)
        raise PermissionError(errno.EACCES, "Permission denied", str(b))

    monkeypatch.setattr(shutil, "copyfile", denied)
    r = run("add", str(src), "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 1 and "没有权限（EACCES）" in r.output and "权限" in r.output, r.output
    assert "Traceback" not in r.output and not [p for p in corpus.iterdir() if p.name.startswith(".")]
    assert total(index) == ARTICLES


def test_read_only_index_folder_is_one_line(archive: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, index = archive
    real = os.open

    def read_only(path: Any, flags: int, *a: Any, **kw: Any) -> int:  # what a read-only folder does (root ignores chmod)
        if os.fspath(path).endswith(".lock") and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path, flags, *a, **kw)

    monkeypatch.setattr(os, "open", read_only)
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 1 and f"无法写入索引文件夹 {index}" in r.output, r.output
    assert "Traceback" not in r.output
    monkeypatch.undo()
    assert total(index) == ARTICLES


def test_readme_and_notice_names_are_skipped_only_when_they_are_a_folders_notes(tmp_path: Path) -> None:
    """NOTICE.txt holding a 通知 and README.md holding an issue are archived; a real README,
    LICENSE and COPYING are skipped, and `index` and `check` say which and why."""
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    notice = (Path(__file__).parent / "public" / "gov-cn-2024-holiday-notice.txt").read_text("utf-8")
    (corpus / "NOTICE.txt").write_text(notice, "utf-8")  # a real 公文 (通知) under an English name
    (corpus / "sub" / "README.md").write_text(SEED.read_text("utf-8"), "utf-8")  # a 简报 named README
    (corpus / "README.md").write_text("# 说明\n\n本目录存放本办历年简报，请勿改名。\n", "utf-8")
    (corpus / "LICENSE").write_text("MIT License\n\nPermission is hereby granted, free of charge…\n", "utf-8")
    (corpus / "sub" / "COPYING.txt").write_text("本目录文件仅供内部使用。\n", "utf-8")
    result = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 removed, 0 unchanged, 0 rejected" in result.stdout, result.stdout
    err = result.stderr
    assert "warning: README.md: 名为 README，读来是文件夹的说明文件（没有期号、日期或发文字号）：已跳过" in err
    assert "warning: LICENSE: 名为 LICENSE" in err and "warning: sub/COPYING.txt: 名为 COPYING" in err
    assert "NOTICE.txt" not in err and "sub/README.md" not in err
    assert total(tmp_path / "index", "部分节假日安排") == 1 and total(tmp_path / "index", "口罩行动") == 1

    checked = run("check", str(corpus / "README.md"), str(corpus / "NOTICE.txt"))
    assert checked.exit_code == 0, checked.output
    notes = [ln for ln in checked.stdout.splitlines() if "note:" in ln]
    assert notes == ["  note: in a corpus, `bulletins index` skips this file: 名为 README，读来是文件夹的说明文件"
                     "（没有期号、日期或发文字号）：已跳过，未编入索引"]


def test_a_document_format_named_notice_is_always_read(tmp_path: Path) -> None:
    from archive.corpus import folder_note

    (tmp_path / "NOTICE-2024.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "readme.docx").write_bytes(b"PK\x03\x04")
    assert folder_note(tmp_path / "NOTICE-2024.pdf", "NOTICE-2024.pdf") is None
    assert folder_note(tmp_path / "readme.docx", "readme.docx") is None
    (tmp_path / "README").write_bytes(b"\x00\x01binary")
    assert "而不是简报" in folder_note(tmp_path / "README", "README")


def test_original_of_a_file_indexed_under_a_safe_name_is_served(archive: tuple[Path, Path]) -> None:
    """原件下载 of a file whose name on disk is GB18030 (a zip from Chinese Windows), in a
    folder whose name is not UTF-8 either: the original bytes, the right type, the Chinese name."""
    from urllib.parse import quote

    from webui import create_app

    corpus, index = archive
    folder = os.path.join(os.fsencode(corpus), "二〇二四年".encode("gb18030"))
    os.mkdir(folder)
    raw = extra_issue(8).encode("gb18030")  # the text in GB18030 too
    with open(os.path.join(folder, "南京简报第8期.txt".encode("gb18030")), "wb") as f:
        f.write(raw)
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    client = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()
    hit = client.get("/api/search", query_string={"q": "第8期第1篇"}).get_json()["hits"][0]
    assert client.get(f"/api/bulletins/{hit['bulletin_id']}").get_json()["path"] == "二〇二四年/南京简报第8期.txt"
    page = client.get(f"/bulletin/{hit['bulletin_id']}").get_data(as_text=True)
    assert f"/bulletin/{hit['bulletin_id']}/original" in page
    response = client.get(f"/bulletin/{hit['bulletin_id']}/original")
    assert response.status_code == 200
    assert response.data == raw
    assert response.headers["Content-Type"] == "text/plain; charset=gb18030"  # its own encoding, not utf-8
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('南京简报第8期.txt')}" in disposition
    response.close()
