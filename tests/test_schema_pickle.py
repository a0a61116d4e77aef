"""An index does not depend on where the project's modules live (issue 23 item 2).

Whoosh pickles the schema into each generation's TOC, and unpickling imports
every class it names by module path. The archive opens every generation with
the code's schema (indexer.store.records.open_generation), so Whoosh never unpickles
its copy, and the TOC names no module of the project at all.
"""

from __future__ import annotations

import shutil
import sys
import types
from pathlib import Path

from whoosh import fields
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from indexer.store import handles as store
from indexer.build.builder import build_index
from indexer.store.schema import make_schema
from indexer.search.engine import Filters, search
from tests.conftest import SEED


def _built(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    root = tmp_path / "index"
    build_index(corpus, root)
    gen = store.current_dir(root)
    assert gen is not None
    return root, gen


def test_toc_names_no_module_of_the_project(tmp_path: Path) -> None:
    _root, gen = _built(tmp_path)
    tocs = sorted(gen.glob("_MAIN_*.toc"))
    assert tocs
    data = tocs[-1].read_bytes()
    assert b"whoosh.fields" in data  # the pickled schema is there, naming Whoosh's classes
    for name in (b"indexer", b"archive", b"webui", b"bulletins"):
        assert name not in data, name


def test_index_whose_pickled_schema_names_a_moved_module_still_opens(tmp_path: Path) -> None:
    """As an index written before a module moved: its TOC names a module that is gone."""
    root, gen = _built(tmp_path)
    with store.IndexHandle(root) as handle:
        before = search(handle, "志愿服务", Filters())["total"]
    assert before > 0

    gone = types.ModuleType("indexer_moved_away")

    class GoneField(fields.STORED):
        pass

    GoneField.__module__ = gone.__name__
    GoneField.__qualname__ = "GoneField"
    gone.GoneField = GoneField  # type: ignore[attr-defined]
    storage = FileStorage(str(gen))
    toc = TOC.read(storage, "MAIN", schema=make_schema())
    schema = make_schema()
    schema.add("moved_away", GoneField())
    toc.schema = schema
    name = TOC._filename("MAIN", toc.generation)
    sys.modules[gone.__name__] = gone
    try:
        (gen / name).unlink()
        toc.write(storage, "MAIN")
    finally:
        del sys.modules[gone.__name__]
    assert b"indexer_moved_away" in (gen / name).read_bytes()

    with store.IndexHandle(root) as handle:
        assert search(handle, "志愿服务", Filters())["total"] == before
