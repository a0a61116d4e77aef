"""Move indexer/'s flat modules into its four subpackages (issue 23 item 2).

    .venv/bin/python tools/relayout.py            # move, rewrite, report
    .venv/bin/python tools/relayout.py --check    # only say what it would do; exit 1 if anything

A dev tool, run ONCE by the lead after every lane's branch is merged, then
deleted together with tests/test_relayout.py (the layout it leaves is then the
code; tests/test_layout_imports.py keeps it, reading the subpackages).

    webui, bulletins → present → search → store ← build

It (1) holds the table MOVES, old module → new module, with why; (2) `git mv`s
each file; (3) rewrites every import and module path — `from indexer import x`,
`indexer.x…` (imports, mock.patch strings, `python -m indexer.x`, prose),
`indexer/x.py` — in archive/ indexer/ webui/ bulletins/ bench/ tests/ tools/
scripts/ README.md docs/ Makefile pyproject.toml; (4) refuses, changing
nothing, when indexer/ holds a flat module the table does not name (a module a
lane added: add it to MOVES, with its why); (5) can run again: a second run
finds nothing to move and nothing to rewrite; (6) writes the README's layout
table from MOVES (between its two comment lines).

The two old modules named like a package (store → store.handles, search →
search.engine) make `indexer.store.X` / `indexer.search.X` ambiguous when X is
both a name in the old module and a module of the new package: `search.suggest`
(the function) against `search/suggest.py`. Such a path is taken as the old
module's name on the run that moves the files, and as the new module's after.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The packages, their one line, in import order (each imports only those after it, but
# build, which imports store only).
PACKAGES: dict[str, str] = {
    "present": "Outputs of a search: parameters, facet links, page and issue dicts, exports, the feed, the series report, the settings table.",
    "search": "The query language and its evaluation: parser, compiler, evaluator, ranking, snippets, suggestions, related articles.",
    "build": "Corpus → index: the full build, `bulletins add`, reading on other machines.",
    "store": "The on-disk format and its readers: the only package that imports Whoosh.",
}

# old flat module → (new module under indexer, why it lives there)
MOVES: dict[str, tuple[str, str]] = {
    # store: what is on disk, how it is read, and the one writer of Whoosh's format
    "analysis": ("store.analysis", "normalisation, units and jieba words: every per-segment file is made of them, and old schemas pickled its tokenizers"),
    "schema": ("store.schema", "the Whoosh fields and SCHEMA_VERSION: the index format"),
    "records": ("store.records", "Whoosh as the record store: opening a generation with the code's schema, field queries, the searcher type"),
    "segfiles": ("store.segfiles", "the table of every per-segment file, and the segments of a searcher"),
    "arrayfile": ("store.arrayfile", "the layout (magic, header) of the project's own segment files"),
    "sufarray": ("store.sufarray", "the substring net's file: build, read, merge"),
    "substring": ("store.substring", "the net's reader: an exact string → its occurrences in every segment"),
    "lexicon": ("store.lexicon", "the word lexicon's file: build, read, merge"),
    "segcols": ("store.segcols", "the facet columns' file of one segment"),
    "columns": ("store.columns", "one index version's columns as arrays (filters, facets, issue order), read from the segments"),
    "documents": ("store.documents", "the stored record: an article → what the index holds, and back (read by integrity and the outputs)"),
    "serials": ("store.serials", "the 文号 field's index terms and the queries on them: one format, both ways"),
    "fastwrite": ("store.fastwrite", "the writer of Whoosh's segment format (its internals, version-pinned): the format's one writer sits with its readers"),
    "integrity": ("store.integrity", "checksums and the manifest of every segment file"),
    "store": ("store.handles", "where the index lives: generations, locks, read handles"),
    "originals": ("store.originals", "which corpus files are other originals of an indexed issue: a generation's record, written by the build, read by the report and the page"),
    "scanboxes": ("store.scanboxes", "the OCR boxes of each scanned original: a side file of the generation"),
    # build: what turns the corpus into segments
    "build": ("build.builder", "the full build: corpus → segments, in processes, published as a generation"),
    "update": ("build.update", "`bulletins add`: the placed files as one new segment"),
    "distribute": ("build.distribute", "reading and OCR on other machines (Dask), before the build"),
    # search: a query string → the ordered set of articles
    "query": ("search.query", "the query language: text → parsed tree (no index, no Whoosh)"),
    "compiler": ("search.compiler", "each parsed term → what evaluates it (units in the net, field queries)"),
    "evaluate": ("search.evaluate", "parsed tree + filters → the exact set"),
    "rank": ("search.rank", "relevance and date order"),
    "stages": ("search.stages", "the staged query: the string, its words, without function words, any of them"),
    "dateq": ("search.dateq", "dates typed in a query, applied as the filter"),
    "understand": ("search.understand", "pinyin, initials, aliases: the glue of the query kinds"),
    "pinyin": ("search.pinyin", "pinyin and initials → the words they spell"),
    "aliases": ("search.aliases", "alias groups (names that mean the same)"),
    "phrases": ("search.phrases", "frequent phrases read from the net, for suggestions"),
    "suggest": ("search.suggest", "did-you-mean and autocomplete"),
    "backend": ("search.backend", "the seam between search and storage: the few operations a backend implements (a parsed query → the exact set with ranking features, records, facet counts, add/delete), the embedded index behind it, and opening one by URL"),
    "backend_search": ("search.backend_search", "one search through the seam on another backend: the same result dict as the engine's"),
    "mariadb_backend": ("search.mariadb_backend", "MariaDB + Mroonga (+ Spider shards, binlog replicas) behind the seam: the parsed query compiled to SQL"),
    "citegraph": ("search.citegraph", "references resolved to documents: links, 被引用, 效力 and its filter"),
    "related": ("search.related", "related articles by shared key words"),
    "keyfacets": ("search.keyfacets", "the 地区 and 文种 facets over a set"),
    "snippets": ("search.snippets", "the one highlighter"),
    "results": ("search.results", "facet counts and hits of one search (the engine returns them, so below present)"),
    "search": ("search.engine", "one search: matches, order, facets, hits; corrections; suggestions"),
    # present: what a person or a program receives
    "params": ("present.params", "search parameters from the page, the API, the feed, exports and the CLI"),
    "links": ("present.links", "facet dicts and page URLs"),
    "page": ("present.page", "the one result dict the page and /api/search render"),
    "bulletin": ("present.bulletin", "one issue, a page of articles at a time"),
    "export": ("present.export", "the exports (CSV, XLSX, Word 汇编 …)"),
    "feed": ("present.feed", "the Atom feed"),
    "series": ("present.series", "the series report"),
    "settings": ("present.settings", "the settings table the CLI, the app and the README read"),
}

ROOTS = ("archive", "indexer", "webui", "bulletins", "bench", "tests", "tools", "scripts", "docs")
TOP_FILES = ("README.md", "Makefile", "pyproject.toml")
SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".sh", ".html", ".yml", ".yaml", ".rst"}

_DOTTED = re.compile(r"(?<![\w.])indexer((?:\.[A-Za-z_]\w*)+)")
_PATH = re.compile(r"(?<![\w/.])indexer/([A-Za-z_]\w*)\.py\b")


class RelayoutError(Exception):
    """The tree is not one the table can move; the message says what to add or fix."""


def leaves(package: str) -> set[str]:
    """The modules of `package` in the new layout."""
    return {new.split(".")[1] for new, _why in MOVES.values() if new.split(".")[0] == package}


def flat_modules(root: Path = ROOT) -> list[str]:
    """The modules directly in indexer/ (not its packages), without __init__."""
    return sorted(p.stem for p in (root / "indexer").glob("*.py") if p.stem != "__init__")


def unknown_modules(root: Path = ROOT) -> list[str]:
    """Flat modules the table does not name."""
    return [m for m in flat_modules(root) if m not in MOVES]


def ambiguous_names(root: Path = ROOT) -> dict[str, set[str]]:
    """For the old modules named like a package: names defined in the old module that are
    also modules of the new package, and not simply that module imported."""
    out: dict[str, set[str]] = {}
    for pkg in PACKAGES:
        old = root / "indexer" / f"{pkg}.py"
        if pkg not in MOVES or not old.is_file():
            continue
        tree = ast.parse(old.read_text(encoding="utf-8"))
        clash: set[str] = set()
        for node in tree.body:
            names: set[str] = set()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names = {node.name}
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)}
            elif isinstance(node, ast.ImportFrom):
                # `from indexer import dateq` binds the very module the new path names: no clash
                names = {a.asname or a.name for a in node.names
                         if not (node.module == "indexer" and not node.level and (a.asname or a.name) == a.name)}
            elif isinstance(node, ast.Import):
                names = {a.asname for a in node.names if a.asname}
            clash |= names & leaves(pkg)
        if clash:
            out[pkg] = clash
    return out


# -- rewriting ----------------------------------------------------------------


def _new_dotted(path: str, old_names: dict[str, set[str]], flat: set[str]) -> str:
    """`path` (without the leading `indexer`, starting with a dot) in the new layout.
    `flat`: the old modules named like a package that were still files when the run began
    (there `indexer.store` alone is the old module; after the move, the package)."""
    parts = path[1:].split(".")
    first = parts[0]
    if first in PACKAGES:
        if len(parts) == 1 and first not in flat:
            return path  # the package itself
        if len(parts) > 1 and parts[1] in leaves(first) and parts[1] not in old_names.get(first, set()):
            return path  # already the new layout
    if first not in MOVES:
        return path  # indexer.data, anything else
    return "." + ".".join([MOVES[first][0], *parts[1:]])


def rewrite_dotted(text: str, old_names: dict[str, set[str]], flat: set[str]) -> str:
    return _DOTTED.sub(lambda m: "indexer" + _new_dotted(m.group(1), old_names, flat), text)


def rewrite_paths(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        old = m.group(1)
        if old not in MOVES:
            return m.group(0)
        return "indexer/" + MOVES[old][0].replace(".", "/") + ".py"

    return _PATH.sub(sub, text)


def _import_lines(names: list[ast.alias], indent: str) -> tuple[list[str], list[ast.alias]]:
    """`from indexer.<pkg> import …` statements for the moved names; the names left."""
    by_pkg: dict[str, list[str]] = {}
    kept: list[ast.alias] = []
    for a in names:
        if a.name not in MOVES:
            kept.append(a)
            continue
        pkg, leaf = MOVES[a.name][0].split(".")
        bound = a.asname or a.name
        by_pkg.setdefault(pkg, []).append(leaf if bound == leaf else f"{leaf} as {bound}")
    lines = []
    for pkg in sorted(by_pkg):
        items = sorted(by_pkg[pkg], key=lambda s: s.split(" ")[0])
        head = f"from indexer.{pkg} import "
        one = head + ", ".join(items)
        if len(indent) + len(one) <= 110:
            lines.append(one)
        else:
            lines.append(head + "(\n" + "".join(f"{indent}    {i},\n" for i in items) + f"{indent})")
    return lines, kept


def rewrite_from_imports(source: str) -> str:
    """Each `from indexer import a, b` (absolute, any depth) → `from indexer.<pkg> import …`."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    hits = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "indexer" and not n.level
            and any(a.name in MOVES for a in n.names)]
    if not hits:
        return source
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")))
    data = source.encode("utf-8")
    # replace from the end so earlier offsets stay valid
    for node in sorted(hits, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        start = offsets[node.lineno - 1] + node.col_offset
        end = offsets[node.end_lineno - 1] + node.end_col_offset  # type: ignore[operator]
        indent = " " * node.col_offset
        new, kept = _import_lines(node.names, indent)
        if kept:
            new.append("from indexer import " + ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept))
        data = data[:start] + f"\n{indent}".join(new).encode("utf-8") + data[end:]
    return data.decode("utf-8")


_FROM_LINE = re.compile(r"^([ \t]*)from indexer import (\w+(?: as \w+)?(?:, *\w+(?: as \w+)?)*)[ \t]*$", re.M)


def rewrite_from_lines(text: str) -> str:
    """One-line `from indexer import …` in docstrings, comments' examples and Markdown."""
    def sub(m: re.Match[str]) -> str:
        names = []
        for item in m.group(2).split(","):
            name, _, asname = item.strip().partition(" as ")
            names.append(ast.alias(name=name, asname=asname or None))
        new, kept = _import_lines(names, m.group(1))
        if kept:
            new.append("from indexer import " + ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept))
        return m.group(1) + f"\n{m.group(1)}".join(new)

    return _FROM_LINE.sub(sub, text)


def rewrite_text(path: Path, text: str, old_names: dict[str, set[str]], flat: set[str]) -> str:
    """Dotted paths first (on the text as it was), then `from indexer import …`: the
    statements that pass writes name the packages and must not be read again as old paths."""
    text = rewrite_paths(rewrite_dotted(text, old_names, flat))
    if path.suffix == ".py":
        text = rewrite_from_imports(text)
    return rewrite_from_lines(text)


SKIP = ("tools/relayout.py", "tests/test_relayout.py")  # they name the old modules on purpose
DATA = ("tests/public/", "tests/realdocs/", "tests/fixtures/", "corpus/")  # documents, not code


TABLE_START = "<!-- the rows below are written by tools/relayout.py from its table -->\n"
TABLE_END = "\n<!-- end of the table -->"
PACKAGE_ORDER = ("store", "build", "search", "present")


def readme_table() -> str:
    """The README's layout table, from MOVES (package by package, in the table's order)."""
    rows = ["| module | what it owns |", "| --- | --- |"]
    for pkg in PACKAGE_ORDER:
        rows += [f"| `indexer/{new.replace('.', '/')}.py` | {why} |"
                 for new, why in MOVES.values() if new.split(".")[0] == pkg]
    return "\n".join(rows)


def rewrite_readme_table(text: str) -> str:
    a = text.find(TABLE_START)
    b = text.find(TABLE_END, a)
    if a < 0 or b < 0:
        return text
    return text[: a + len(TABLE_START)] + readme_table() + text[b:]


def files_to_rewrite(root: Path = ROOT) -> list[Path]:
    """The tracked text files of ROOTS and TOP_FILES (not data folders, not this tool)."""
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", *TOP_FILES, *ROOTS],
                         check=True, capture_output=True).stdout.decode("utf-8").split("\0")
    files = []
    for name in out:
        if not name or name in SKIP or name.startswith(DATA) or "/data/" in f"/{name}":
            continue
        p = root / name
        if (p.suffix in SUFFIXES or p.name == "Makefile") and p.is_file() and not p.is_symlink():
            files.append(p)
    return files


# -- moving -------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if done.returncode:
        raise RelayoutError(f"git {' '.join(args)} 失败：{done.stderr.strip()}")


def package_init(pkg: str) -> str:
    return f'"""{PACKAGES[pkg]}"""\n'


def plan_moves(root: Path = ROOT) -> list[tuple[Path, Path]]:
    """(old file, new file) for each table entry still to move; raises on a clash."""
    moves = []
    for old, (new, _why) in MOVES.items():
        src = root / "indexer" / f"{old}.py"
        dst = root / "indexer" / (new.replace(".", "/") + ".py")
        if src.is_file() and dst.is_file():
            raise RelayoutError(f"indexer/{old}.py 和 {dst.relative_to(root)} 同时存在：请先合并二者")
        if src.is_file():
            moves.append((src, dst))
    return moves


def relayout(root: Path = ROOT, check: bool = False) -> list[str]:
    """Move and rewrite; the list of what was (or, with `check`, would be) done."""
    unknown = unknown_modules(root)
    if unknown:
        raise RelayoutError(
            "indexer/ 中有表 MOVES 未列出的模块，什么都没有移动。请在 tools/relayout.py 的 MOVES 中为每个模块"
            "写上新位置和理由：\n" + "\n".join(f"  indexer/{m}.py" for m in unknown))
    old_names = ambiguous_names(root)
    flat = {pkg for pkg in PACKAGES if (root / "indexer" / f"{pkg}.py").is_file()}
    moves = plan_moves(root)
    done: list[str] = [f"git mv {s.relative_to(root)} {d.relative_to(root)}" for s, d in moves]
    if not check:
        for pkg in PACKAGES:
            init = root / "indexer" / pkg / "__init__.py"
            if not init.is_file():
                init.parent.mkdir(exist_ok=True)
                init.write_text(package_init(pkg), encoding="utf-8")
                _git(root, "add", str(init.relative_to(root)))
                done.append(f"created {init.relative_to(root)}")
        for src, dst in moves:
            _git(root, "mv", str(src.relative_to(root)), str(dst.relative_to(root)))
    for path in files_to_rewrite(root):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = rewrite_text(path, text, old_names, flat)
        if path == root / "README.md":
            new = rewrite_readme_table(new)
        if new != text:
            done.append(f"rewrote {path.relative_to(root)}")
            if not check:
                path.write_text(new, encoding="utf-8")
    return done


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only list what would change; exit 1 if anything would")
    ap.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    args = ap.parse_args(argv)
    try:
        done = relayout(args.root.resolve(), check=args.check)
    except RelayoutError as ex:
        print(f"relayout: {ex}", file=sys.stderr)
        return 2
    for line in done:
        print(line)
    if args.check:
        return 1 if done else 0
    print(f"relayout: {len(done)} 项完成" if done else "relayout: 已是新布局，无需改动")
    return 0


if __name__ == "__main__":
    sys.exit(main())
