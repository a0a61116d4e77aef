"""Session 9's faults: `bulletins add FOLDER`, a closed output pipe said in one line, and PDFs
refused before PDFium when they would make it abort (a flate bomb, forms drawing themselves).
Each test fails on the code before them."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.errors import BulletinError
from archive.readers.budget import parse_within_budget
from archive.readers.limits import Limits
from bulletins.cli import cli
from tests import docgen
from tests.docgen import SEED

REPO = Path(__file__).resolve().parents[1]


def _issue(folder: Path, name: str, issue: int) -> Path:
    path = folder / name
    path.write_text(SEED.read_text(encoding="utf-8").replace("第11期", f"第{issue}期"), encoding="utf-8")
    return path


@pytest.fixture()
def site(tmp_path: Path) -> dict[str, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    _issue(corpus, "seed.txt", 11)
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    return {"root": tmp_path, "corpus": corpus, "index": index}


def _hits(index: Path, q: str) -> int:
    from webui import create_app

    r = create_app({"TESTING": True, "INDEX_DIR": str(index)}).test_client().get("/api/search", query_string={"q": q})
    return int(r.get_json()["total"])


def test_add_a_folder_adds_its_files_names_the_bad_one_and_reads_nothing_outside(site: dict[str, Path]) -> None:
    """`add FOLDER` was a usage error (exit 2). Now each file under it is checked and added, the bad
    one is named with its reason, links out of the folder, link loops and FIFOs are passed over,
    the duplicate of an archived issue is said to be there already; exit 1 for the bad file."""
    sub = site["root"] / "new"
    (sub / "inner").mkdir(parents=True)
    _issue(sub, "a.txt", 31)
    _issue(sub / "inner", "b.txt", 32)
    (sub / "坏文件.pdf").write_bytes(b"%PDF-1.4 not really")
    (sub / "dup.txt").write_bytes((site["corpus"] / "seed.txt").read_bytes())
    secret = site["root"] / "secret.txt"
    secret.write_text("机密 外部文件 第1期\n2022年1月1日\n", encoding="utf-8")
    (sub / "out.txt").symlink_to(secret)
    (sub / "loop").symlink_to(".")
    os.mkfifo(sub / "pipe.txt")
    r = CliRunner().invoke(cli, ["add", str(sub), "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    assert r.exit_code == 1, r.output
    bad = [ln for ln in r.output.splitlines() if "坏文件.pdf" in ln]
    assert bad and bad[0].startswith("rejected"), r.output
    assert "out.txt" in r.output and "pipe.txt" in r.output  # passed over, and said so
    dup = [ln for ln in r.output.splitlines() if "dup.txt" in ln]  # the issue is archived already
    assert dup and "同一期已由 seed.txt 入库" in dup[0], r.output
    assert _hits(site["index"], "第31期") >= 1 and _hits(site["index"], "第32期") >= 1
    assert _hits(site["index"], "外部文件") == 0
    assert _hits(site["index"], "第11期") >= 1  # nothing archived lost


def test_add_an_empty_folder_is_a_named_refusal(site: dict[str, Path]) -> None:
    empty = site["root"] / "空文件夹"
    empty.mkdir()
    (empty / ".hidden.txt").write_text("x", encoding="utf-8")
    r = CliRunner().invoke(cli, ["add", str(empty), "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    assert r.exit_code == 1, r.output
    line = next(ln for ln in r.output.splitlines() if "空文件夹" in ln)
    assert "文件夹中没有可添加的文件" in line


def test_add_a_folder_inside_the_corpus_copies_nothing_again(site: dict[str, Path]) -> None:
    """Files already in the corpus are not copied a second time under a telling name."""
    before = sorted(p.name for p in site["corpus"].rglob("*"))
    r = CliRunner().invoke(cli, ["add", str(site["corpus"]), "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in site["corpus"].rglob("*")) == before
    assert "已在语料文件夹中" in r.output


def test_output_to_a_closed_pipe_is_one_chinese_line_and_exit_1(site: dict[str, Path]) -> None:
    """The reader of the output went away (`| head -0`): the run said nothing and exited 1."""
    argv = [sys.executable, "-c", "from bulletins.cli import cli; cli()", "search", "志愿服务", "--index", str(site["index"])]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
                         env={**os.environ, "LANGUAGE": "zh_CN"})
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()
    err = p.stderr.read().decode("utf-8")
    p.stderr.close()
    assert p.wait(timeout=120) == 1
    assert err.strip().splitlines() == ["错误：输出管道已关闭（读取输出的程序已退出），其余输出未写出"]


def _bomb_pdf(folder: Path, megabytes: int, pieces: int = 1) -> Path:
    comp = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * 4096
    body = b"".join(comp.compress(chunk) for _ in range(megabytes * (1 << 20) // len(chunk))) + comp.flush()
    refs = " ".join(f"{4 + k} 0 R" for k in range(pieces)).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [" + refs + b"] >>"]
    objs += [b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"] * pieces
    return docgen._write_pdf_objects(folder / "bomb.pdf", objs)


def _refusal(path: Path, limits: Limits) -> str:
    with pytest.raises(BulletinError) as got:
        parse_within_budget(path, limits)
    return got.value.reason


def test_a_pdf_content_stream_past_the_budget_is_refused_before_pdfium(tmp_path: Path) -> None:
    """A flate bomb aborted PDFium under the address cap (SIGABRT: "读取进程异常终止") or spent the
    CPU budget, depending on the load; it is now refused by name before PDFium runs."""
    reason = _refusal(_bomb_pdf(tmp_path, 12), Limits(max_stream_bytes=4 << 20))
    assert "解压后超过 4 MB" in reason and "PDFium" in reason


def test_a_page_of_many_content_streams_is_refused_by_their_sum(tmp_path: Path) -> None:
    reason = _refusal(_bomb_pdf(tmp_path, 3, pieces=4), Limits(max_stream_bytes=8 << 20))
    assert "页面对象 3 的 4 个内容流合计解压后超过 8 MB" in reason


def test_a_form_drawing_itself_is_refused_before_pdfium(tmp_path: Path) -> None:
    from bench.faults.kinds import pdf_recursive_xobject

    path = pdf_recursive_xobject(random.Random(0), tmp_path, None)  # type: ignore[arg-type]
    assert "循环引用" in _refusal(path, Limits())


def test_forms_drawing_forms_past_the_budget_are_refused(tmp_path: Path) -> None:
    from bench.faults.kinds import s9_pdf_form_fanout

    path = s9_pdf_form_fanout(random.Random(1), tmp_path, None)  # type: ignore[arg-type]
    assert "展开后要绘制超过" in _refusal(path, Limits())


def test_a_good_pdf_passes_the_scan(tmp_path: Path) -> None:
    """The scan refuses nothing PDFium should read: a hand-written PDF and LibreOffice's of the seed."""
    from archive.readers.pdfscan import check_pdf_work

    check_pdf_work(docgen.write_raw_pdf(tmp_path / "blank.pdf", pages=3).read_bytes(), "blank.pdf", Limits())
    if docgen.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    docx = docgen.write_docx(SEED.read_text("utf-8"), tmp_path / "seed.docx")
    pdf = docgen.convert(docx, "pdf", tmp_path)
    check_pdf_work(pdf.read_bytes(), pdf.name, Limits())
    assert parse_within_budget(pdf).issue == 11


def test_an_uploaded_name_keeps_no_mark_that_reorders_or_hides_it(tmp_path: Path) -> None:
    """A name with a right-to-left override, an isolate, a zero-width mark or a line separator was
    kept and shown as it was on the upload page (`简报\u202etxt.exe.md` reads as `简报dm.exe.txt`)."""
    from bench.faults.judge import judge_request, make_site, web_apps
    from bench.faults.kinds import s9_web_upload_bidi_name
    from webui.upload import _safe_name

    assert _safe_name("简报\u202etxt.exe.md", 1) == "简报_txt.exe.md"
    apps = web_apps(make_site(tmp_path / "site"))
    for seed in range(6):
        req = s9_web_upload_bidi_name(random.Random(seed), {})
        assert judge_request(req, apps) == "", req.data["files"][0][1]


def test_a_garbled_schema_version_is_a_503_and_index_makes_it_whole(site: dict[str, Path]) -> None:
    """SCHEMA_VERSION of bytes that are no text made every page a 500 (UnicodeDecodeError)."""
    from webui import create_app

    (site["index"] / "current").resolve().joinpath("SCHEMA_VERSION").write_bytes(b"\xe3\x80\xff\x00garbled")
    client = create_app({"TESTING": True, "INDEX_DIR": str(site["index"])}).test_client()
    r = client.get("/api/search", query_string={"q": "志愿服务"})
    assert r.status_code == 503 and r.get_json()["code"] == "index_unavailable"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    assert r.exit_code == 0, r.output
    assert _hits(site["index"], "志愿服务") >= 1


def test_a_file_gone_between_the_scan_and_its_read_keeps_its_articles_on_a_rebuild(
        site: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus subfolder moved away mid-run (a share unmounted): the rebuild found its files, hashed
    them, failed to read them, and swapped in a generation without their articles."""
    from indexer.build import builder

    (site["corpus"] / "sub").mkdir()
    _issue(site["corpus"] / "sub", "b.txt", 12)
    r = CliRunner().invoke(cli, ["index", "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    assert r.exit_code == 0 and _hits(site["index"], "第12期") >= 1, r.output
    hashed = builder.file_sha256

    def hash_then_vanish(path: Path) -> str:
        sha = hashed(path)
        if path.name == "b.txt":
            (site["corpus"] / "sub").rename(site["root"] / "moved-away")
        return sha

    monkeypatch.setattr(builder, "file_sha256", hash_then_vanish)
    r = CliRunner().invoke(cli, ["index", "--rebuild", "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    assert r.exit_code == 1, r.output
    assert "cannot read (sub/b.txt)" in r.output
    assert _hits(site["index"], "第12期") >= 1


def test_a_file_gone_after_its_hash_before_its_read_keeps_its_articles_on_a_rebuild(
        site: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, moved away after the files were hashed and before they were read: the reader's
    "无法读取文件" rejection let the rebuild drop the articles (6 → 2 hits in the fault's run)."""
    from indexer.build import builder

    (site["corpus"] / "sub").mkdir()
    _issue(site["corpus"] / "sub", "b.txt", 12)
    r = CliRunner().invoke(cli, ["index", "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    assert r.exit_code == 0, r.output
    checked = builder._check_removal

    def check_then_vanish(*args: object, **kw: object) -> None:
        checked(*args, **kw)  # type: ignore[arg-type]
        if (site["corpus"] / "sub").exists():
            (site["corpus"] / "sub").rename(site["root"] / "moved-away")

    monkeypatch.setattr(builder, "_check_removal", check_then_vanish)
    r = CliRunner().invoke(cli, ["index", "--rebuild", "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    assert r.exit_code == 1, r.output
    assert "cannot read (sub/b.txt)" in r.output
    assert _hits(site["index"], "第12期") >= 1


def test_the_pdf_scan_stops_at_the_files_total(tmp_path: Path) -> None:
    """Many pages' streams, each within the bound, together past max_total_bytes: refused without
    inflating them all (the scan's own work is bounded)."""
    from archive.readers.pdfscan import check_pdf_work

    path = _bomb_pdf(tmp_path, 3, pieces=6)
    with pytest.raises(BulletinError, match="内容流和表单合计解压后超过 8 MB"):
        check_pdf_work(path.read_bytes(), path.name, Limits(max_stream_bytes=64 << 20, max_total_bytes=8 << 20))
