"""Integrity of the index (issue 18): a manifest with a checksum of every segment file,
checked when the index is opened and by `bulletins verify`; a damaged segment is a
named 503 and a one-line CLI error, and the next `bulletins index` re-makes only it.

The archive: three generated issues indexed together (one segment), then two more
added one by one with `bulletins add` (a segment each).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from indexer.store import handles as store, integrity, segfiles
from tests.conftest import SEED, extra_issue

ISSUES = 5


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    base = tmp_path_factory.mktemp("integrity")
    corpus, index = base / "corpus", base / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    for n in range(1, 4):
        (corpus / f"vol-{n}.txt").write_text(extra_issue(n), encoding="utf-8")
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    for n in range(4, ISSUES + 1):
        new = base / f"new-{n}.txt"
        new.write_text(extra_issue(n), encoding="utf-8")
        r = run("add", str(new), "--corpus", str(corpus), "--index", str(index))
        assert r.exit_code == 0, r.output
    total = json.loads(run("search", "--json", "--index", str(index)).output)["total"]
    return corpus, index, total


@pytest.fixture()
def archive(pristine: tuple[Path, Path, int], tmp_path: Path) -> tuple[Path, Path, int]:
    corpus, index, total = pristine
    shutil.copytree(corpus, tmp_path / "corpus")
    shutil.copytree(index, tmp_path / "index", symlinks=True)
    return tmp_path / "corpus", tmp_path / "index", total


def segment_of_issue(index: Path, n: int) -> str:
    """The segment holding generated issue `n` (from the manifest's sources)."""
    gen = store.current_dir(index)
    assert gen is not None
    [sid] = [sid for sid, e in integrity.read(gen).items()
             if any(s == f"vol-{n}.txt" or s.endswith(f"-第{n}期.txt") for s in e["sources"])]
    return sid


def flip(path: Path, at: int | None = None) -> None:
    """Invert 8 bytes in the middle of the file (its size unchanged)."""
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if at is None else at
    data[at:at + 8] = bytes(b ^ 0xFF for b in data[at:at + 8])
    path.write_bytes(bytes(data))


def test_every_segment_file_is_named_by_the_table_and_recorded(archive: tuple[Path, Path, int]) -> None:
    _corpus, index, _total = archive
    gen = store.current_dir(index)
    assert gen is not None
    manifest = integrity.read(gen)
    assert len(manifest) == 3  # the build's segment and one per add
    for sid, entry in manifest.items():
        names = sorted(entry["files"])
        assert names == segfiles.segment_file_names(gen, sid)
        assert not segfiles.missing_components(names)
        assert {segfiles.component_of(n).key for n in names} >= {"terms", "postings", "columns", "net", "lexicon",
                                                                 "facets"}
        for name, (size, digest) in entry["files"].items():
            assert (gen / name).stat().st_size == size and integrity.digest(gen / name) == digest
    segment_names = {p.name for p in gen.iterdir() if p.name.startswith("MAIN_") and p.name != "MAIN_WRITELOCK"}
    assert segment_names == {n for e in manifest.values() for n in e["files"]}


COMPONENTS = {"net": segfiles.NET, "facets": segfiles.FACETS, "lexicon": segfiles.LEXICON,
              "postings": segfiles.POSTINGS, "stored": segfiles.COLUMNS}


@pytest.mark.parametrize("what", list(COMPONENTS))
def test_flipped_bytes_are_found_refused_and_repaired(archive: tuple[Path, Path, int], what: str) -> None:
    from webui import create_app

    corpus, index, total = archive
    gen = store.current_dir(index)
    assert gen is not None
    sid = segment_of_issue(index, 4)
    component = COMPONENTS[what]
    victim = gen / (f"{sid}._stored.col" if component.many else segfiles.file_name(sid, component))
    flip(victim)

    # found by verify, named, exit 1
    r = run("verify", "--index", str(index))
    assert r.exit_code == 1, r.output
    assert f"damaged: {victim.name}（校验和不符）" in r.output and "bulletins index" in r.output
    assert "Traceback" not in r.output
    other = segment_of_issue(index, 1)
    assert other not in r.output

    # a named 503 on the page and the API, never a 500
    client = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()
    for url in ("/api/search?q=志愿服务", "/api/search", "/api/suggest?q=志愿"):
        response = client.get(url)
        assert response.status_code == 503, (url, response.status_code)
        body = response.get_json()
        assert body["code"] == "index_damaged" and "损坏" in body["error"] and str(index) not in body["error"]
    for url in ("/?q=志愿服务", "/series"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 503 and "index_damaged" in html and "损坏" in html
        assert str(index) not in html and "Traceback" not in html

    # one line from the CLI, naming the file
    for args in (["search", "志愿服务"], ["report"], ["export", "志愿服务", "-o", str(index.parent / "x.csv"),
                                                       "--format", "csv"]):
        r = run(*args, "--index", str(index))
        assert r.exit_code == 1, (args, r.output)
        assert "Traceback" not in r.output and victim.name in r.output and len(r.output.strip().splitlines()) == 1

    # the next index run re-makes that segment only, and says so
    r = run("index", "--json", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["repaired"] == 1 and d["added"] == 0 and not d["rebuilt"] and d["articles"] == total
    assert any(sid in w and victim.name in w for w in d["warnings"])
    assert store.current_dir(index) == gen  # the same generation, mended
    assert other in integrity.read(gen) and sid not in integrity.read(gen)
    assert not victim.exists()
    assert run("verify", "--index", str(index)).exit_code == 0
    # every article still found, by the app that refused (no restart)
    assert client.get("/api/search").get_json()["total"] == total
    for n in range(1, ISSUES + 1):
        assert client.get("/api/search", query_string={"q": f"第{n}期第3篇"}).get_json()["total"] == 1


def test_a_truncated_array_file_is_found_by_the_cheap_check(archive: tuple[Path, Path, int]) -> None:
    _corpus, index, _total = archive
    gen = store.current_dir(index)
    assert gen is not None
    sid = segment_of_issue(index, 5)
    fac = gen / segfiles.file_name(sid, segfiles.FACETS)
    flip(fac, at=0)  # the magic
    found = integrity.check(gen, list(integrity.read(gen)), full=False)
    assert [(d.name, d.reason) for d in found.damage] == [(fac.name, "文件头不符")]


def test_an_index_without_a_manifest_is_served_and_recorded_by_the_next_run(archive: tuple[Path, Path, int]) -> None:
    corpus, index, total = archive
    gen = store.current_dir(index)
    assert gen is not None
    (gen / integrity.MANIFEST).unlink()  # as an index written before manifests
    r = run("verify", "--index", str(index))
    assert r.exit_code == 0 and "no recorded checksums" in r.output
    assert json.loads(run("search", "--json", "--index", str(index)).output)["total"] == total
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    assert len(integrity.read(gen)) == 3
    r = run("verify", "--json", "--index", str(index))
    assert r.exit_code == 0 and json.loads(r.output)["unrecorded"] == []
