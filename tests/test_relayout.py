"""tools/relayout.py on a copy of this tree: it moves every module, the code still runs,
it can run again, it refuses a module it does not know, and an index built before
the move opens after it. Deleted with the tool once the lead has run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "relayout.py"

pytestmark = pytest.mark.skipif(not TOOL.is_file() or (ROOT / "indexer" / "store").is_dir(),
                                reason="the move is done (tools/relayout.py is for the flat layout)")


def _copy(dest: Path) -> Path:
    """The tracked files of this tree (as they are on disk) in a new git repository."""
    names = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], check=True,
                           capture_output=True).stdout.decode("utf-8").split("\0")
    for name in filter(None, names):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git = ["git", "-C", str(dest), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "flat"], check=True)
    return dest


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "tools/relayout.py", *args], cwd=repo, capture_output=True, text=True)


def _py(repo: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Python in `repo`, importing its modules (not this tree's)."""
    return subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(repo)!r})\n{code}"],
                          cwd=repo, capture_output=True, text=True, timeout=600)


def test_relayout_moves_rewrites_and_opens_an_old_index(tmp_path: Path) -> None:
    from indexer.build import build_index  # the flat layout, as the index's writer was
    from tests.conftest import SEED

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    index = tmp_path / "index"
    build_index(corpus, index)

    repo = _copy(tmp_path / "repo")
    (repo / "indexer" / "brand_new.py").write_text('"""A lane\'s new module."""\n')
    refused = _run(repo)
    assert refused.returncode == 2
    assert "indexer/brand_new.py" in refused.stderr
    assert (repo / "indexer" / "store.py").is_file()  # nothing moved
    (repo / "indexer" / "brand_new.py").unlink()

    done = _run(repo)
    assert done.returncode == 0, done.stderr
    flat = sorted(p.name for p in (repo / "indexer").glob("*.py"))
    assert flat == ["__init__.py"]
    for pkg in ("store", "build", "search", "present"):
        assert (repo / "indexer" / pkg / "__init__.py").is_file()
    again = _run(repo, "--check")
    assert again.returncode == 0 and not again.stdout.strip(), again.stdout  # nothing left to do

    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "indexer/store/segfiles.py" in readme and "indexer/segfiles.py" not in readme

    opened = _py(repo, (
        "from indexer.store.handles import IndexHandle\n"
        "from indexer.search.engine import Filters, search\n"
        "import indexer.store.handles as h\n"
        f"assert h.__file__.startswith({str(repo)!r}), h.__file__\n"
        f"with IndexHandle({str(index)!r}) as handle:\n"
        "    print(search(handle, '志愿服务', Filters())['total'])\n"))
    assert opened.returncode == 0, opened.stderr
    assert int(opened.stdout.strip()) > 0

    layout = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest",
                             "tests/test_layout_imports.py"], cwd=repo, capture_output=True, text=True, timeout=600)
    assert layout.returncode == 0, layout.stdout[-3000:]


def test_readme_table_is_the_tools_table() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("_relayout", TOOL)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert mod.readme_table() in readme
    assert sorted(mod.MOVES) == sorted(p.stem for p in (ROOT / "indexer").glob("*.py") if p.stem != "__init__")
