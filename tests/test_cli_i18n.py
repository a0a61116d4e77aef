"""The CLI in Chinese by default and in English when the locale asks (issue 20 item 8): help and
messages through one gettext catalogue (bulletins/i18n.py, bulletins/locale/zh_CN/…/bulletins.po).

The CLI is run as a separate process with each locale: the language is decided when it starts
(the in-process tests run it in English, see tests/conftest.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bulletins.cli import COMMANDS
from tests.conftest import SEED

CJK = re.compile(r"[\u4e00-\u9fff]")
REPO = Path(__file__).resolve().parent.parent


def run(args: list[str], locale: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(locale)
    return subprocess.run([sys.executable, "-c", "from bulletins.cli import cli; cli(prog_name='bulletins')", *args], env=env,
                          capture_output=True, text=True, timeout=120, cwd=cwd or REPO)


ZH = {"LANG": "zh_CN.UTF-8"}
EN = {"LANG": "en_US.UTF-8"}
NONE = {"LANG": "C.UTF-8"}


def test_help_is_chinese_by_default_and_english_when_asked() -> None:
    zh, en, none = (run(["--help"], loc).stdout for loc in (ZH, EN, NONE))
    assert zh == none  # no locale (C): Chinese, the product's language
    assert zh.startswith("用法：bulletins") and "选项：" in zh and "显示此帮助并退出。" in zh
    assert "为语料库建立索引" in zh and "Show this message" not in zh
    assert en.startswith("Usage: bulletins") and "Show this message and exit." in en and "Index the corpus" in en
    assert not CJK.search(en.replace("简报检索", ""))


@pytest.mark.parametrize("command", [c for c in COMMANDS])
def test_every_subcommands_help_in_both_languages(command: str) -> None:
    zh, en = run([command, "--help"], ZH), run([command, "--help"], EN)
    assert zh.returncode == 0 and en.returncode == 0, zh.stderr + en.stderr
    assert zh.stdout.startswith(f"用法：bulletins {command}") and en.stdout.startswith(f"Usage: bulletins {command}")
    # every line of help text (the description and each option's) reads Chinese
    for line in zh.stdout.splitlines()[2:]:
        words = re.sub(r"\[[^\]]*\]|`[^`]*`|--?[\w-]+|[A-Z_]{3,}|[\w.:/-]*\.\w+|\b(?:tcp|https?)://\S+", "", line)
        if re.search(r"[a-z]{4,} [a-z]{3,}", words):  # an English phrase left
            raise AssertionError(f"{command}: {line!r}")
    assert "Show this message" not in zh.stdout


def test_messages_in_both_languages(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    zh = run(["index", *args], ZH)
    assert zh.returncode == 0, zh.stderr
    assert re.match(r"索引已(?:重建|更新)，用时 [\d.]+ 秒：新增 1，更新 0，移除 0，未变 0，拒绝 0；可检索文章 \d+ 篇", zh.stdout), zh.stdout
    en = run(["index", *args], EN)
    assert re.match(r"index updated in [\d.]+ s: 0 added, 0 updated, 0 removed, 1 unchanged", en.stdout), en.stdout
    zh, en = run(["add", *args, str(bad)], ZH), run(["add", *args, str(bad)], EN)
    assert zh.returncode == 1 and f"已拒绝 {bad}：" in zh.stderr
    assert en.returncode == 1 and f"rejected {bad}: " in en.stderr
    zh, en = run(["search", "--index", args[3], "志愿服务"], ZH), run(["search", "--index", args[3], "志愿服务"], EN)
    assert re.match(r"共 \d+ 篇（第 1 页，共 1 页）", zh.stdout) and re.match(r"\d+ articles \(page 1 of 1\)", en.stdout)


def test_the_locale_variables_decide_as_gettext_reads_them() -> None:
    from bulletins.i18n import language

    assert language({}) == "zh_CN"
    assert language({"LANG": "C"}) == "zh_CN" and language({"LANG": "de_DE.UTF-8"}) == "zh_CN"
    assert language({"LANG": "en_GB.UTF-8"}) == "en" and language({"LANG": "en"}) == "en"
    assert language({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}) == "zh_CN"  # LANGUAGE first
    assert language({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert language({"LANGUAGE": "", "LANG": "en_US.UTF-8"}) == "en"  # an empty one is skipped


def test_every_message_in_the_code_is_in_the_catalogue_translated() -> None:
    """The catalogue is the one home: each string the CLI marks (and each setting's help) has
    its Chinese, and the .po holds nothing the code no longer says."""
    from babel.messages.extract import extract_from_dir, extract_from_file
    from babel.messages.pofile import read_po

    from bulletins.i18n import po_path

    keywords = {"_": None, "N_": None, "ngettext": (1, 2), "Setting": (4,)}
    found = {m[2] for m in extract_from_dir(str(REPO / "bulletins"), keywords=keywords)}
    found |= {m[1] for m in extract_from_file("python", str(REPO / "indexer" / "present" / "settings.py"), keywords=keywords)}
    with po_path().open("rb") as f:
        catalog = read_po(f)
    held = {m.id: m.string for m in catalog if m.id}
    assert found - set(held) == set(), "run `make messages` and translate"
    assert set(held) - found == set(), "obsolete entries: run `make messages`"
    assert [k for k, v in held.items() if not v or v == k] == []  # each one translated


def test_the_po_is_read_where_no_mo_was_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bulletins import i18n

    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(i18n.po_path(), folder)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    t = i18n._catalogue("zh_CN")
    assert t.gettext("Options") == "选项" and t.gettext("index updated in {seconds} s") == "索引已更新，用时 {seconds} 秒"
    assert not (folder / "bulletins.mo").exists()
