"""One issue in two formats (issue 19 item 5): an office adds the same issue as Word and
then as PDF. Both stay, one issue with two originals; a file truly rejected leaves the
corpus as it was; `add` says its verdict once, after the index decided.

The PDF is made the way offices make it: the .docx (tests/docgen.py) exported by LibreOffice.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.originals import fingerprint, rank, same_issue, similarity
from archive.readers.budget import parse_within_budget
from bulletins.cli import cli
from indexer.store import originals
from indexer.build.builder import build_index
from indexer.search.engine import search
from indexer.store.handles import IndexHandle, current_dir
from tests import docgen

needs_soffice = pytest.mark.skipif(docgen.soffice() is None, reason="LibreOffice (soffice) not installed: `make test` installs it")
SERIES_ISSUE = "江苏精神文明建设简报-2022-第11期"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seed issue as .docx and LibreOffice's PDF of it."""
    if docgen.soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    folder = tmp_path_factory.mktemp("pair")
    docx = docgen.write_docx(docgen.SEED.read_text("utf-8"), folder / "第11期.docx")
    return {"docx": docx, "pdf": docgen.convert(docx, "pdf", folder)}


def add(corpus: Path, index: Path, *files: Path) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["add", *map(str, files), "--corpus", str(corpus), "--index", str(index)])
    return r.exit_code, r.output


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@needs_soffice
def test_word_and_its_pdf_read_as_one_issue(pair: dict[str, Path]) -> None:
    a, b = parse_within_budget(pair["docx"]), parse_within_budget(pair["pdf"])
    assert a.id == b.id and same_issue(fingerprint(a), fingerprint(b))
    # a different issue of the same series is far below the threshold
    other = parse_within_budget(docgen.FIXTURES / "jiangsu-2023-total-issue.txt")
    assert not same_issue(fingerprint(a), fingerprint(other)) and similarity(fingerprint(a), fingerprint(other)) < 0.2
    assert rank("docx", "b.docx") < rank("pdf", "a.pdf")  # Word's text is the one indexed


@needs_soffice
@pytest.mark.parametrize("order", ["docx-first", "pdf-first"])
def test_add_word_then_pdf_is_one_issue_with_two_originals(pair: dict[str, Path], tmp_path: Path, order: str) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    first, second = (pair["docx"], pair["pdf"]) if order == "docx-first" else (pair["pdf"], pair["docx"])
    code, out = add(corpus, index, first)
    assert code == 0, out
    code, out = add(corpus, index, second)
    assert code == 0, out
    assert "rejected " not in out and "0 rejected" in out
    # the verdict, once, after the index decided: another original of the issue
    assert sum(1 for line in out.splitlines() if str(second) in line or second.suffix + "：" in line) == 1
    assert "another original" in out
    assert sorted(os.listdir(corpus)) == [f"{SERIES_ISSUE}.docx", f"{SERIES_ISSUE}.pdf"]
    # whatever the order, Word's text is indexed and the PDF is the other original
    h = IndexHandle(index)
    fmts = {(f.get("meta") or {}).get("format") for f in h.searcher().all_stored_fields()}
    assert fmts == {"docx"}
    assert list(originals.load(current_dir(index))) == [f"{SERIES_ISSUE}.pdf"]
    hits = search(h, "文明实践")["total"]
    h.close()
    assert hits > 0

    # every later index run: exit 0, nothing rejected, nothing re-read
    r = CliRunner().invoke(cli, ["index", "--json", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output.strip().splitlines()[-1])
    assert d["rejected"] == [] and d["unchanged"] == 2 and d["added"] == 0
    # a rebuild decides the same
    r = CliRunner().invoke(cli, ["index", "--rebuild", "--json", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output.strip().splitlines()[-1])
    assert d["originals"] == [{"path": f"{SERIES_ISSUE}.pdf", "indexed": f"{SERIES_ISSUE}.docx"}]

    # the series report counts it as a duplicate: one issue, two originals (not a fault)
    r = CliRunner().invoke(cli, ["report", "--json", "--index", str(index)])
    rep = json.loads(r.output)
    assert rep["totals"]["duplicates"] == 1 and rep["totals"]["issues"] == 1
    dup = rep["series"][0]["years"][0]["duplicates"][0]
    assert dup["files"] == [f"{SERIES_ISSUE}.docx", f"{SERIES_ISSUE}.pdf"]
    assert dup["originals"] == [f"{SERIES_ISSUE}.pdf"]
    assert r.exit_code == 0


@needs_soffice
def test_bulletin_page_offers_both_originals(pair: dict[str, Path], tmp_path: Path) -> None:
    from webui.app import create_app

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    assert add(corpus, index, pair["docx"], pair["pdf"])[0] == 0
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)})
    client = app.test_client()
    bid = parse_within_budget(pair["docx"]).id
    page = client.get(f"/bulletin/{bid}").get_data(as_text=True)
    assert "原件" in page and ">Word</a> · <a" in page and ">PDF</a>" in page
    with client.get(f"/bulletin/{bid}/original") as word, client.get(f"/bulletin/{bid}/original/1") as pdf:
        assert word.status_code == 200 and word.data == pair["docx"].read_bytes()
        assert pdf.status_code == 200 and pdf.data == pair["pdf"].read_bytes()
        assert pdf.mimetype == "application/pdf"
    assert client.get(f"/bulletin/{bid}/original/2").status_code == 404
    api = client.get(f"/api/bulletins/{bid}").get_json()["originals"]
    assert [(o["name"], o["indexed"]) for o in api] == [("Word", True), ("PDF", False)]


@needs_soffice
def test_removing_the_indexed_original_promotes_the_other(pair: dict[str, Path], tmp_path: Path) -> None:
    """The Word file goes: the issue is indexed from the PDF, by an ordinary index run."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(pair["docx"], corpus / "b.docx")
    shutil.copy(pair["pdf"], corpus / "a.pdf")
    r = build_index(corpus, index)
    assert not r.rejected and r.originals == [("a.pdf", "b.docx")]
    (corpus / "b.docx").unlink()
    r = build_index(corpus, index)
    assert not r.rejected and r.originals == [] and r.added == ["a.pdf"] and r.removed == ["b.docx"]
    assert originals.load(current_dir(index)) == {}
    h = IndexHandle(index)
    assert {(f.get("meta") or {}).get("format") for f in h.searcher().all_stored_fields()} == {"pdf"}
    h.close()


def test_a_truly_rejected_file_leaves_the_corpus_as_it_was(tmp_path: Path) -> None:
    """The same series and number with another text is a conflict: rejected, and `add`
    takes the file out of the corpus again (before: it stayed, and every index run failed on it)."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    assert add(corpus, index, docgen.SEED)[0] == 0
    before = listing(corpus)
    head = "\n\n".join(docgen.SEED.read_text("utf-8").split("\n\n")[:6])  # up to the date
    body = "\n\n".join(f"南京市:第{k}篇完全不同的文章\n\n南京市组织志愿者开展第{k}次文明交通劝导,共{k * 7}人参加。"
                       for k in range(1, 4))
    other = docgen.write_docx(head + "\n\n【工作交流】\n\n" + body + "\n", tmp_path / "other.docx")
    assert parse_within_budget(other).id == parse_within_budget(docgen.SEED).id
    code, out = add(corpus, index, other)
    assert code == 1
    assert listing(corpus) == before  # nothing left behind
    assert sum(1 for line in out.splitlines() if "other.docx" in line) == 1 and "rejected" in out and "→" not in out
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output  # later runs do not trip on it


def test_a_second_copy_in_the_same_format_is_still_a_duplicate(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(docgen.SEED, corpus / "a.txt")
    (corpus / "b.txt").write_text(docgen.SEED.read_text("utf-8") + "\n", "utf-8")
    r = build_index(corpus, index)
    assert [x.path for x in r.rejected] == ["b.txt"] and "a.txt" in r.rejected[0].reason


@needs_soffice
def test_an_issue_known_by_no_number_or_date_is_matched_by_its_text(tmp_path: Path) -> None:
    """A 简报 page with no issue number and no date gets its id from its file name, so its Word
    file and its PDF have two ids (bench/originals.py: `headerless`); their text makes them
    one issue with two originals, whether they come in one run or one `add` after the other."""
    folder = tmp_path / "made"
    folder.mkdir()
    docx = docgen.write_docx((docgen.FIXTURES / "headerless.txt").read_text("utf-8"), folder / "headerless.docx")
    pdf = docgen.convert(docx, "pdf", folder)
    assert parse_within_budget(docx).id != parse_within_budget(pdf).id
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(docx, corpus / "b.docx")
    shutil.copy(pdf, corpus / "a.pdf")
    r = build_index(corpus, index)
    assert not r.rejected and r.originals == [("a.pdf", "b.docx")]
    # one after the other, PDF first: `add` joins the Word file to the issue the PDF holds
    corpus2, index2 = tmp_path / "corpus2", tmp_path / "index2"
    code, out = add(corpus2, index2, pdf)
    assert code == 0, out
    code, out = add(corpus2, index2, docx)
    assert code == 0 and "rejected " not in out and "another original" in out, out
    h = IndexHandle(index2)
    issues = {f["bulletin_id"] for f in h.searcher().all_stored_fields()}
    h.close()
    assert len(issues) == 1
    assert [v["bid"] for v in originals.load(current_dir(index2)).values()] == list(issues)


def _other_text_of_the_seed_issue(folder: Path) -> Path:
    """A .docx that claims the seed's issue (series, 第11期, date) with other articles."""
    head = "\n\n".join(docgen.SEED.read_text("utf-8").split("\n\n")[:6])  # up to the date
    body = "\n\n".join(f"南京市:第{k}篇完全不同的文章\n\n南京市组织志愿者开展第{k}次文明交通劝导,共{k * 7}人参加。"
                       for k in range(1, 4))
    return docgen.write_docx(head + "\n\n【工作交流】\n\n" + body + "\n", folder / "other.docx")


def test_an_upload_the_index_rejects_leaves_the_corpus_as_it_was(tmp_path: Path) -> None:
    """The upload page's 入库 is `bulletins add`: a file the index rejects (another text for an
    archived issue) is taken out of the corpus again (before: it stayed there)."""
    import io
    import re

    from tests.test_access_upload import _client, _csrf
    from webui import create_app
    from webui.access_store import AccessStore
    from webui.auth_passwords import hash_password

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    assert add(corpus, index, docgen.SEED)[0] == 0
    before = listing(corpus)
    AccessStore(tmp_path / "instance").add_user("editor", hash_password("editor-password"), "编辑")
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus), "ACCOUNTS": True,
                      "ACCESS_DIR": str(tmp_path / "instance")})
    client = _client(app, "editor")
    other = _other_text_of_the_seed_issue(tmp_path)
    page = client.post("/upload", data={"csrf_token": _csrf(client.get("/upload").get_data(as_text=True)),
                                        "files": [(io.BytesIO(other.read_bytes()), "other.docx")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    batch = re.search(r'name="batch" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    done = client.post("/upload/confirm", data={"csrf_token": _csrf(page), "batch": batch, "action": "add"})
    assert "未入库" in done.get_data(as_text=True) and "文字不同" in done.get_data(as_text=True)
    assert listing(corpus) == before
