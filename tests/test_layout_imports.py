"""The indexer's layout: imports go one way (issue 23 item 2).

    webui, bulletins → present → search → store ← build

Every module of indexer/ belongs to one subpackage, by its folder (indexer/store/…).
Every import is read with `ast`, including those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("store", "build", "search", "present")
# what each package may import of indexer/ besides itself
ALLOWED: dict[str, set[str]] = {
    "store": set(),
    "build": {"store"},
    "search": {"store"},
    "present": {"search", "store"},
}
WHOOSH_ONLY_IN = "store"
NOT_IN_INDEXER = ("webui", "bulletins", "flask", "werkzeug", "click")
NOT_IN_ARCHIVE = ("indexer", "webui", "bulletins", "flask", "whoosh")




def package_of(dotted: str) -> str | None:
    """The subpackage of module `indexer.…` (None for indexer itself and indexer.data)."""
    parts = dotted.split(".")
    if parts[0] != "indexer" or len(parts) < 2 or parts[1] == "data":
        return None
    if parts[1] in PACKAGES and (ROOT / "indexer" / parts[1]).is_dir():
        return parts[1]
    raise AssertionError(f"indexer.{parts[1]} is in no subpackage")


def imported(tree: ast.AST, here: str) -> list[tuple[str, int]]:
    """(module, line) of every import in `tree`; `from indexer import a` counts as indexer.a."""
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                pkg = here.split(".")[: -node.level]
                base = ".".join(pkg + ([base] if base else []))
            if base == "indexer":
                out += [(f"indexer.{a.name}", node.lineno) for a in node.names]
            else:
                out.append((base, node.lineno))
    return out


def violations(source: str, module: str) -> list[str]:
    """What module `module` (e.g. indexer.search.query or indexer.search.query) imports against the rules."""
    tree = ast.parse(source)
    top = module.split(".")[0]
    own = package_of(module) if top == "indexer" else None
    bad: list[str] = []
    for name, line in imported(tree, module):
        root = name.split(".")[0]
        where = f"{module}:{line} imports {name}"
        if top in ("webui", "bulletins") and root == "whoosh":
            bad.append(f"{where}: only indexer.{WHOOSH_ONLY_IN} imports Whoosh")
        if top == "archive" and root in NOT_IN_ARCHIVE:
            bad.append(f"{where}: archive/ imports no {root}")
        if top == "indexer":
            if root in NOT_IN_INDEXER:
                bad.append(f"{where}: indexer/ imports no {root}")
            if root == "whoosh" and own != WHOOSH_ONLY_IN:
                bad.append(f"{where}: only indexer.{WHOOSH_ONLY_IN} imports Whoosh")
            if root == "indexer":
                target = package_of(name)
                if target is not None and own is not None and target != own and target not in ALLOWED[own]:
                    bad.append(f"{where}: {own} may import only {sorted(ALLOWED[own]) or 'nothing of indexer'}")
    return bad


def _modules(folder: str) -> list[tuple[Path, str]]:
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((path, ".".join(parts)))
    return out


@pytest.mark.parametrize("folder", ["indexer", "archive", "webui", "bulletins"])
def test_imports_go_one_way(folder: str) -> None:
    bad = [v for path, mod in _modules(folder) for v in violations(path.read_text(encoding="utf-8"), mod)]
    assert not bad, "\n".join(bad)


def test_every_indexer_module_has_a_package() -> None:
    mods = [mod for _p, mod in _modules("indexer") if mod.count(".") >= 1]
    assert mods
    for mod in mods:
        if mod.split(".")[1] not in PACKAGES:  # a package's __init__ is itself
            assert package_of(mod) in PACKAGES, mod


def test_the_rules_catch_what_they_forbid() -> None:
    """Each rule, broken on purpose, is reported (so the tests above can fail)."""
    store_mod, search_mod = "indexer.store.schema", "indexer.search.query"
    assert violations("from indexer.search import evaluate\n", store_mod)  # store → search
    assert violations("def f():\n    from indexer.build import update\n", search_mod)  # search → build, in a function
    assert violations("from indexer.present.export import export\n", search_mod)  # search → present
    assert violations("from whoosh import query\n", search_mod)  # Whoosh outside store
    assert not violations("from whoosh import fields\n", store_mod)
    assert violations("import flask\n", search_mod)
    assert violations("from indexer.search.engine import search\n", "archive.parse")
    assert not violations("from indexer.store import analysis\n", search_mod)  # search → store
    assert violations("from whoosh import query as wq\n", "webui.access")
