"""The generated faults of bench/faults (dev group) hold: each bad file, hostile request, damaged
index and broken folder is a clear Chinese refusal naming the thing, never a traceback or a
server path, and nothing archived is lost.

The quick kinds run in `make test`; the whole dev group, and the held-out eval group, with
--run-stress (`python -m bench.faults score --split dev|eval` prints held/total).
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from archive.errors import BulletinError
from archive.readers.budget import parse_within_budget
from bench.faults import judge
from bench.faults.kinds import KINDS, Bases, Request, kinds
from tests import docgen
from tests.fuzz import CRASH_MARKS

CJK = re.compile(r"[\u4e00-\u9fff]")
BY_NAME = {k.name: k for k in KINDS}
# file kinds quick enough for `make test` (a refusal within a second or two each)
QUICK_FILES = ["empty-file", "one-byte-file", "text-nuls", "text-invalid-utf8", "pdf-encrypted", "pdf-many-pages",
               "image-pixel-bomb", "truncated-container", "zip-archive-nested", "docx-entity-nest", "ofd-entity-nest",
               "html-deep-nesting", "fifo", "device-link"]


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> Bases:
    return Bases(tmp_path_factory.mktemp("bases"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return judge.make_site(tmp_path_factory.mktemp("site"))


@pytest.mark.parametrize("name", QUICK_FILES)
def test_a_generated_bad_file_is_refused_in_chinese(bases: Bases, tmp_path: Path, name: str) -> None:
    """Every reader refusal names the reason in Chinese (they were English: 'empty file',
    'encrypted PDF …', 'refused as a zip bomb' …), and none is a crash."""
    for seed in (0, 1):
        folder = tmp_path / str(seed)
        folder.mkdir()
        path = BY_NAME[name].make(random.Random(seed), folder, bases)
        try:
            parse_within_budget(path)
        except BulletinError as ex:
            assert CJK.search(ex.reason), f"{name}/{seed}: {ex.reason}"
            assert not ex.reason.startswith(CRASH_MARKS), f"{name}/{seed}: {ex.reason}"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    """Notepad's "Unicode" without its mark was refused as a binary file; it is the seed issue."""
    seed = parse_within_budget(docgen.SEED)
    path = tmp_path / "utf16.txt"
    path.write_bytes(docgen.SEED.read_text("utf-8").encode(encoding))
    b = parse_within_budget(path)
    assert (b.series, b.issue, len(b.articles)) == (seed.series, seed.issue, len(seed.articles))


def test_binary_with_nul_bytes_on_one_parity_is_still_binary(tmp_path: Path) -> None:
    from archive.read import decode_bytes

    with pytest.raises(BulletinError, match="二进制"):
        decode_bytes(b"\x00\x01binary", "README")


@pytest.mark.parametrize("name", ["missing-corpus", "corpus-is-file", "index-is-file", "search-missing-index"])
def test_a_broken_folder_is_one_chinese_line(site: dict[str, Any], tmp_path: Path, name: str) -> None:
    """The corpus or index folder missing or a file: one Chinese line naming it (was English)."""
    copy = judge.copy_site(site, tmp_path / "site")
    for seed in (0, 1):
        assert judge.judge_folder(BY_NAME[name], seed, copy) == ""


@pytest.mark.parametrize("kind", kinds("dev", heavy=False), ids=lambda k: k.name)
def test_generated_dev_fault_holds(site: dict[str, Any], bases: Bases, tmp_path: Path, kind: Any,
                                   run_stress: bool) -> None:
    """Web faults always; file, store and folder faults with --run-stress (they each index)."""
    if kind.entry != "web" and not run_stress:
        pytest.skip("indexes per fault: --run-stress")
    if kind.entry == "web":
        apps = _apps(site)
        for seed in (0, 1):
            req = kind.make(random.Random(seed), {"bid": apps["bid"]})
            assert judge.judge_request(req, apps) == "", seed
        return
    v = judge.score("dev", [0, 1], tmp_path, only=kind.name, heavy=False)
    assert all(x.held for x in v if x.kind == kind.name), [x.why for x in v if not x.held]


_APPS: dict[str, Any] = {}


def _apps(site: dict[str, Any]) -> dict[str, Any]:
    key = str(site["root"])
    if key not in _APPS:
        _APPS[key] = judge.web_apps(site)
    return _APPS[key]


def test_a_multipart_body_cut_inside_a_file_closes_its_spool(site: dict[str, Any]) -> None:
    """An upload whose body ends inside a file part: the spool Werkzeug opened for it is closed
    with the request (Werkzeug drops it unclosed)."""
    req = Request("POST", "/upload", user="editor", content_type="multipart/form-data; boundary=xx",
                        data=b'--xx\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nabc')
    assert judge.judge_request(req, _apps(site)) == ""


@pytest.mark.parametrize("seed", [1, 2])  # a terminal escape; a line break forging a line
def test_a_file_name_cannot_forge_a_line_of_output(bases: Bases, tmp_path: Path, site: dict[str, Any], seed: int) -> None:
    """A bad file named with a line break or a terminal escape: `check`, `add` and `index` name it
    escaped on one line (it could print a forged `rejected …` line, or clear the screen)."""
    path = BY_NAME["hostile-file-name"].make(random.Random(seed), tmp_path, bases)
    assert judge.judge_check(path) == ""
    copy = judge.copy_site(site, tmp_path / "site")
    assert judge.judge_add(path, copy) == ""
    verdicts = judge.judge_index_batch([(BY_NAME["hostile-file-name"], seed, path)], copy)
    assert verdicts == {("hostile-file-name", seed): ""}


@pytest.mark.parametrize("args,said", [
    (["add"], "缺少参数 'FILES...'"),  # (add and check take a folder: the files in it)
    (["search", "志愿服务", "--page", "abc"], "不是有效的数值"),
    (["search", "志愿服务", "--pag", "2"], "没有这个选项：'--pag'。是不是"),
    (["nocmd"], "没有这个命令"),
    (["export", "志愿服务"], "缺少选项 '-o'"),
])
def test_a_bad_command_line_is_told_in_chinese(tmp_path: Path, args: list[str], said: str) -> None:
    """click's own usage errors were English in the Chinese CLI ("Error: Invalid value for …")."""
    from click.testing import CliRunner

    from bulletins.cli import cli

    r = CliRunner().invoke(cli, [a.format(folder=tmp_path) for a in args], env={"LANGUAGE": "zh_CN"})
    assert r.exit_code == 2, r.output
    assert said in r.output and "错误：" in r.output and "Error" not in r.output, r.output


def test_many_placements_of_a_big_composite_unit_are_priced_before_any_is_expanded(bases: Bases, tmp_path: Path) -> None:
    """Nine placements of a unit of 531,441 text objects: refused for objects before the first is
    expanded (each placement was priced only as it came, so three were made first: ~20 s)."""
    from archive.readers import Limits

    path = BY_NAME["ofd-composite-bomb"].make(random.Random(1), tmp_path, bases)  # 6 levels, 9 a level
    with pytest.raises(BulletinError, match="超出对象预算"):
        parse_within_budget(path, Limits(wall_seconds=8, cpu_seconds=8))


def test_control_characters_in_a_documents_text_never_reach_the_terminal(tmp_path: Path) -> None:
    """`check` prints what it read; DEL, escapes and bidi marks in the text are shown escaped
    (found by the eval group's text-control-chars kind, fixed after it was scored)."""
    from click.testing import CliRunner

    from bulletins.cli import cli

    path = tmp_path / "controls.txt"
    path.write_text(docgen.SEED.read_text("utf-8").replace("文明", "文\x7f明").replace("志愿", "\x1b[2J志愿"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["check", str(path)])
    assert r.exit_code == 0, r.output
    assert "\x7f" not in r.output and "\x1b" not in r.output and "\\x7f" in r.output
