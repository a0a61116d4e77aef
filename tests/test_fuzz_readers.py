"""Fuzzing each reader under the per-file budget (`make stress`), and replaying every crash it found (`make test`).

The fuzz run (marked stress) mutates real seeds with hypothesis — bytes
replaced, a slice repeated (structure that nests and multiplies), a cut; inside
a zip container's XML parts for .docx/.ofd — for FUZZ_SECONDS per format, and
keeps each crash input under tests/fuzz_regressions/ (tests/fuzz.py). The
replay test reads every kept file and every bomb of issue 18 as `check` does:
each must be read or be a named rejection, never a crash.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import bombs, fuzz

FORMATS = ("text", "markdown", "html", "docx", "pdf", "ofd", "image")
FUZZ_SECONDS = float(os.environ.get("BULLETINS_FUZZ_SECONDS", "60"))  # per format, in `make stress`
BATCH = 10  # examples per hypothesis run; runs follow one another until FUZZ_SECONDS are up


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    return fuzz.seeds(tmp_path_factory.mktemp("fuzz-seeds"))


def test_every_seed_reads_within_the_fuzz_budget(seed_files):
    """The fuzz budget is no stricter than the seeds need: a mutation's rejection is the mutation's."""
    for fmt, paths in seed_files.items():
        if fmt == "image":
            continue  # OCR of the seed is the slow part: its decode is covered by the fuzz run
        for path in paths:
            outcome = fuzz.read_under_budget(path)
            assert outcome.ok or path.name == "blank.pdf", (fmt, path.name, outcome.reason)


def test_every_kept_crash_and_every_bomb_is_read_or_a_named_rejection(tmp_path):
    kept = sorted(fuzz.REGRESSIONS.glob("*")) if fuzz.REGRESSIONS.exists() else []
    cases = [*kept, bombs.write_ofd_composite_bomb(tmp_path / "bomb.ofd"), bombs.write_deep_docx(tmp_path / "deep.docx")]
    crashes = {p.name: o.reason for p in cases if (o := fuzz.read_under_budget(p)).crash}
    assert crashes == {}


def test_a_crash_is_told_from_a_rejection():
    assert fuzz.Outcome(False, "读取失败：KeyError: 'x'（ofd.py:12）").crash
    assert fuzz.Outcome(False, "读取进程异常终止（SIGSEGV），可能超出内存预算 768 MB，已拒绝").crash
    assert not fuzz.Outcome(False, "超出对象预算：读取时生成的对象（字形）已超过 200,000 个").crash
    assert not fuzz.Outcome(False, "PDF 损坏或不完整（Failed to load document）").crash


@pytest.mark.stress
@pytest.mark.parametrize("fmt", FORMATS)
def test_fuzz_reader(seed_files, fmt):
    """FUZZ_SECONDS of mutated seeds of one format; every crash is kept as a regression file."""
    paths = seed_files[fmt]
    datas = [p.read_bytes() for p in paths]
    parts = [fuzz.zip_parts(d) for d in datas]
    deadline = time.monotonic() + FUZZ_SECONDS
    crashes: list[tuple[str, str]] = []
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"bulletins-fuzz-{os.getpid()}"
    work.mkdir(exist_ok=True)

    @settings(max_examples=BATCH, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(
        which=st.integers(0, len(paths) - 1),
        flips=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=12),
        cut=st.none() | st.integers(0, 1 << 20),
        splice=st.none() | st.tuples(st.integers(0, 1 << 20), st.integers(1, 400), st.integers(0, 1 << 20),
                                     st.integers(1, 40)),
        part_pick=st.none() | st.integers(0, 50),
    )
    def one(which, flips, cut, splice, part_pick):
        if time.monotonic() > deadline:
            return
        data = datas[which]
        part = parts[which][part_pick % len(parts[which])] if part_pick is not None and parts[which] else None
        mutated = fuzz.mutate(data, flips, cut, splice, part)
        path = work / f"case{paths[which].suffix}"
        path.write_bytes(mutated)
        outcome = fuzz.read_under_budget(path)
        if outcome.crash:
            kept = fuzz.keep(mutated, fmt, paths[which].suffix)
            crashes.append((kept.name, outcome.reason))

    batches = 0
    while time.monotonic() < deadline:  # hypothesis has no time bound: batches of fresh examples until it
        one()
        batches += 1
    print(f"fuzz {fmt}: {FUZZ_SECONDS:g} s, {batches * BATCH} examples at most; crashes kept: {crashes}")
    assert crashes == [], f"crashes kept under tests/fuzz_regressions/: {crashes}"
