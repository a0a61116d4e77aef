"""The CLI's messages and help through one gettext catalogue: Chinese by default, English when
the locale asks for it.

The messages are written in English in the code (`_("…")`, extracted by Babel) and
translated in `bulletins/locale/zh_CN/LC_MESSAGES/bulletins.po`, the one file kept in git.
`make install` compiles it to `bulletins.mo` (git-ignored); where that is missing or older
than the .po (a checkout without `make install`), the .po is read with Babel's own reader
and compiled in memory. `make messages` extracts the strings again and merges them in.

The language: the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set decides, as
gettext does; English when it names English (en, en_US.UTF-8 …), Chinese otherwise — also
for C, POSIX or no locale at all, since the archive is a Chinese product.
"""

from __future__ import annotations

import functools
import gettext
import io
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

DOMAIN = "bulletins"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT = "zh_CN"
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language(environ: Mapping[str, str] | None = None) -> str:
    """`en` or `zh_CN`, from the locale variables (see the module doc)."""
    env = os.environ if environ is None else environ
    for var in LOCALE_VARS:
        value = (env.get(var) or "").strip()
        if value:
            first = value.split(":")[0].lower()
            return "en" if first == "en" or first.startswith(("en_", "en-", "en.")) else DEFAULT
    return DEFAULT


def po_path(lang: str = DEFAULT) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _catalogue(lang: str) -> gettext.NullTranslations:
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if not po.is_file():
        return gettext.NullTranslations()
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@functools.cache
def translations(lang: str | None = None) -> gettext.NullTranslations:
    """The catalogue of `lang` (default: the locale's language); English is the messages as written."""
    lang = lang or language()
    return gettext.NullTranslations() if lang == "en" else _catalogue(lang)


def _(message: str) -> str:
    """`message` in the user's language, as the environment names it now (not at the first
    message: a process that runs the CLI for another locale, a test runner's, speaks its language)."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(language()).ngettext(singular, plural, n)


# -- click's own words in the help pages --------------------------------------------------------
# click translates them through the process-wide gettext domain, which follows the locale's own
# rules (C → English); the formatter below puts them through this catalogue instead.
def N_(message: str) -> str:
    """Marks a message for extraction, translated later."""
    return message


_HEADINGS = (N_("Options"), N_("Commands"), N_("Arguments"))
_USAGE = N_("Usage:")
_HELP_OPTION = N_("Show this message and exit.")
_EXTRA_WORDS = {"env var": N_("env var"), "default": N_("default"), "required": N_("required")}


class HelpFormatter(click.HelpFormatter):
    """click's formatter, its headings, usage prefix and option notes in the user's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        usage = _(_USAGE)
        super().write_usage(prog, args, prefix=(usage if usage.endswith("：") else f"{usage} ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        colon = ":" if language() == "en" else "："
        self.write(f"{'':>{self.current_indent}}{_(heading)}{colon}\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        def words(text: str) -> str:
            text = _(text) if text == _HELP_OPTION else text
            return re.sub(r"(env var|default|required)(?=: |\])", lambda m: _(_EXTRA_WORDS[m.group(1)]), text)

        super().write_dl([(term, words(text)) for term, text in rows], col_max, col_spacing)


class Context(click.Context):
    formatter_class = HelpFormatter


def short_help(text: str) -> str:
    """A Chinese help's first sentence (click cuts at a full stop `.`, and by width)."""
    first = text.strip().split("\n\n")[0]
    cut = re.search(r"[。；]", first)
    return first[: cut.start()] if cut else first


def localize(command: click.Command) -> click.Command:
    """`command` (and its subcommands) formatting its help with HelpFormatter; in Chinese, the
    command lists show each help's first sentence whole."""
    command.context_class = Context
    if language() != "en" and command.help and not command.short_help:
        command.short_help = short_help(command.help)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub)
    return command


# -- click's own errors (a bad command line) in Chinese ------------------------------------------
# click words them in English through the process-wide gettext domain; in Chinese the group's
# main (bulletins.cli.LazyGroup) shows them through this table instead: each of click's
# templates, matched whole, and its Chinese (the quoted parts are click's, kept as they are).
CLICK_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"Invalid value for (?P<p>.+?): (?P<m>.*)", "参数 {p} 的值无效：{m}"),
    (r"(?P<k>File|Path|Directory) (?P<n>'.*') is a directory\.", "{n} 是文件夹，不是文件。"),
    (r"(?P<k>File|Path|Directory) (?P<n>'.*') is a file\.", "{n} 是文件，不是文件夹。"),
    (r"(?P<k>File|Path|Directory) (?P<n>'.*') does not exist\.", "{n} 不存在。"),
    (r"(?P<k>File|Path|Directory) (?P<n>'.*') is not (?P<what>readable|writable)\.", "{n} 没有读写权限。"),
    (r"(?P<n>'.*') is not a valid (?P<t>integer|float|boolean|UUID)( range)?\.", "{n} 不是有效的数值。"),
    (r"(?P<n>.+) is not in the range (?P<r>.+)\.", "{n} 不在允许的范围 {r} 内。"),
    (r"(?P<n>'.*') is not (one of )?(?P<c>.+)\.", "{n} 不是可选的值（{c}）。"),
    (r"Missing option (?P<o>.+?)\.?(?P<rest>\s.*)?", "缺少选项 {o}。"),
    (r"Missing argument (?P<a>.+?)\.?", "缺少参数 {a}。"),
    (r"Missing parameter: (?P<a>.+)", "缺少参数 {a}。"),
    (r"No such option:? (?P<o>'?[^\s']+'?)\.?\s*\(?(?:Did you mean(?: one of:)? (?P<d>.+?)\?\)?)?", "没有这个选项：{o}。{d}"),
    (r"No such command (?P<c>.+?)\.", "没有这个命令：{c}。"),
    (r"Got unexpected extra arguments? \((?P<a>.*)\)", "多余的参数：{a}。"),
    (r"Option (?P<o>.+?) requires (an argument|\d+ arguments)\.", "选项 {o} 需要一个值。"),
    (r"Option (?P<o>.+?) does not take a value\.", "选项 {o} 不带值。"),
)


def click_message(message: str) -> str:
    """click's English `message` (one of CLICK_MESSAGES' templates, perhaps nested) in Chinese;
    as it is when no template matches."""
    for pattern, chinese in CLICK_MESSAGES:
        m = re.fullmatch(pattern, message.strip(), re.S)
        if m is not None:
            parts = {k: (v or "") for k, v in m.groupdict().items()}
            if parts.get("d"):
                parts["d"] = f"是不是 {parts['d']}？"
            if "m" in parts:
                parts["m"] = click_message(parts["m"])
            return chinese.format(**parts)
    return message


def show_click_error(exc: click.ClickException) -> None:
    """`exc` as click shows it, in Chinese: the usage and a hint for a usage error, then 错误：…"""
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        click.echo(exc.ctx.get_usage(), err=True)
        if exc.ctx.command.get_help_option(exc.ctx) is not None:
            click.echo(f"运行 “{exc.ctx.command_path} --help” 查看帮助。", err=True)
        click.echo(err=True)
    click.echo(f"错误：{click_message(exc.format_message())}", err=True)
