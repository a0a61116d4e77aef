"""The limits every reader keeps, so that one hostile or huge file cannot stop a run.

`Limits` is one frozen parameters object: the per-format bounds (zip sizes,
pages, pixels) that each reader checks as it goes, and the per-file budget that
the reading worker (`archive.readers.budget`) enforces on the whole read,
whatever the format: wall and CPU seconds, address space, temporary disk,
objects produced and pages read by OCR. Going over any of them is a named
BulletinReadError; the run goes on with the other files.

The budget can be raised by the operator through environment variables
(`BUDGET_SETTINGS`, read by `Limits.from_env`); `bulletins check/add/index
--ocr-pages N` sets the OCR cap.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

__all__ = ["BUDGET_SETTINGS", "DEFAULT_LIMITS", "BudgetSetting", "BudgetSettingError", "Limits", "budget_table"]

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may cost; a file past any of them is refused with the reason."""

    max_file_bytes: int = 200 * _MB  # the file as it comes (bytes actually read, not st_size)
    max_part_bytes: int = 64 * _MB  # one zip part (docx/ofd) after inflating
    max_total_bytes: int = 256 * _MB  # all parts of one zip after inflating
    max_ratio: int = 200  # inflated / compressed size of one zip part (a zip bomb is far past it)
    max_pages: int = 1000  # pages of a PDF or OFD
    max_stream_bytes: int = 32 * _MB  # one PDF content stream or form after inflating (checked before PDFium)
    max_pixels: int = 60_000_000  # one image (Pillow's bomb limit); a 20,000 × 20,000 scan is refused
    convert_seconds: float = 120.0  # one LibreOffice conversion (.doc/.wps → .docx), killed past it
    ocr_seconds_per_page: float = 60.0  # OCR budget per page (with a floor for model start-up) …
    ocr_min_seconds: float = 30.0  # … but never less than this for a whole file
    ocr_dpi: int = 200  # rasterising image-only PDF pages for OCR
    # -- the per-file budget, enforced by the reading worker (archive/readers/budget.py) --
    wall_seconds: float = 60.0  # reading and parsing one file; a conversion or OCR adds its own budget
    cpu_seconds: float = 60.0  # CPU time of the reading worker (RLIMIT_CPU)
    memory_bytes: int = 2048 * _MB  # address space the worker may add to what it starts with (RLIMIT_AS)
    helper_memory_bytes: int = 4096 * _MB  # address space of a helper program (OCR worker, LibreOffice)
    temp_bytes: int = 1024 * _MB  # the file's own temporary folder (page images), and any one file written
    max_objects: int = 2_000_000  # objects, glyphs, boxes and paragraphs the readers produce from one file
    ocr_pages: int = 20  # pages of one file read by OCR; a scan of more pages is refused

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """The defaults with the operator's overrides from BUDGET_SETTINGS' environment variables.

        Raises BudgetSettingError naming the variable when a value is not a positive number."""
        env = os.environ if environ is None else environ
        changes: dict[str, float | int] = {}
        for s in BUDGET_SETTINGS:
            raw = (env.get(s.envvar) or "").strip()
            if raw:
                changes[s.field] = s.parse(raw)
        return dataclasses.replace(DEFAULT_LIMITS, **changes) if changes else DEFAULT_LIMITS


class BudgetSettingError(ValueError):
    """A budget setting (environment variable or option) that is not a positive number."""


@dataclass(frozen=True)
class BudgetSetting:
    """One operator-adjustable part of the per-file budget: its Limits field, environment
    variable, unit (the field holds value × scale) and help."""

    field: str
    envvar: str
    unit: str
    scale: int
    help: str

    @property
    def default(self) -> float | int:
        value = getattr(DEFAULT_LIMITS, self.field)
        return value // self.scale if self.scale > 1 else value

    def parse(self, raw: str) -> float | int:
        """The Limits value of `raw` (in the setting's unit)."""
        try:
            number = float(raw)
        except ValueError:
            number = -1.0
        if not number > 0 or number != number or number == float("inf"):
            raise BudgetSettingError(f"{self.envvar}={raw!r} 无效：应为正数（单位：{self.unit}）")
        kind = type(getattr(DEFAULT_LIMITS, self.field))
        return int(number * self.scale) if kind is int else number * self.scale


BUDGET_SETTINGS = (
    BudgetSetting("ocr_pages", "BULLETINS_OCR_PAGES", "页", 1,
                  "一个文件最多 OCR 的页数；页数更多的扫描件被拒绝（`--ocr-pages N`）"),
    BudgetSetting("wall_seconds", "BULLETINS_READ_SECONDS", "秒", 1,
                  "读取并解析一个文件的墙钟时间（转换和 OCR 另加各自的预算）"),
    BudgetSetting("cpu_seconds", "BULLETINS_READ_CPU_SECONDS", "秒", 1, "读取进程的 CPU 时间（RLIMIT_CPU）"),
    BudgetSetting("memory_bytes", "BULLETINS_READ_MEMORY_MB", "MB", _MB,
                  "读取进程在启动时之外可再占用的地址空间（RLIMIT_AS）"),
    BudgetSetting("temp_bytes", "BULLETINS_READ_TEMP_MB", "MB", _MB,
                  "一个文件的临时文件夹（逐页渲染的页面图像）及写出的任一文件"),
    BudgetSetting("max_objects", "BULLETINS_READ_OBJECTS", "个", 1,
                  "读取一个文件时生成的对象、字形、文本框和段落总数"),
    BudgetSetting("ocr_seconds_per_page", "BULLETINS_OCR_SECONDS_PER_PAGE", "秒", 1, "OCR 每页的时间预算"),
)

DEFAULT_LIMITS = Limits()


def budget_table() -> str:
    """The Markdown table of the per-file budget (the README's copy is checked against it)."""
    rows = ["| budget | default | environment | what |", "| --- | --- | --- | --- |"]
    for s in BUDGET_SETTINGS:
        default = s.default
        shown = f"{default:g}" if isinstance(default, float) else f"{default:,}"
        rows.append(f"| `{s.field}` | {shown} {s.unit} | `{s.envvar}` | {s.help} |")
    return "\n".join(rows)
