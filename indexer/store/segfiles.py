"""Every file of a segment, named in one table (as tantivy's SegmentComponent).

A segment `MAIN_<id>` of a generation folder is these files, each named
`<segment id>.<suffix>` (Whoosh's own segment-file pattern, so Whoosh's commit
removes all of them with their segment):

| component | suffix | written by | what |
| --- | --- | --- | --- |
| terms | `trm` | Whoosh (indexer.store.fastwrite) | term index of the small fields |
| postings | `pst` | Whoosh (indexer.store.fastwrite) | posting lists |
| vectors | `vps` | Whoosh | term vectors (none in this schema) |
| columns | `<column>.col` | Whoosh (indexer.store.fastwrite) | stored fields and per-document columns, one file each |
| compound | `seg` | Whoosh | all of Whoosh's parts in one file (only a writer with compound=True; the archive's never) |
| net | `sub` | indexer.store.sufarray | the substring net (suffix array) |
| lexicon | `lex` | indexer.store.lexicon | the word lexicon |
| facets | `fac` | indexer.store.segcols | the facet columns (a segment without one is read from Whoosh) |

The array files (net, lexicon, facets) begin with their magic (indexer.store.arrayfile).
The manifest (indexer.store.integrity), the damage checks and the readers derive
every name from here; nothing else spells a suffix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Component:
    key: str
    suffix: str  # the file name after `<segment id>.`
    writer: str
    what: str
    required: bool  # every segment written by indexer.build.builder has it
    many: bool = False  # one file per column: `<segment id>.<column>.<suffix>`
    magic: bytes | None = None  # the first bytes of an array file (indexer.store.arrayfile)


TERMS = Component("terms", "trm", "whoosh", "Whoosh term index", True)
POSTINGS = Component("postings", "pst", "whoosh", "Whoosh postings", True)
VECTORS = Component("vectors", "vps", "whoosh", "Whoosh term vectors", False)
COLUMNS = Component("columns", "col", "whoosh", "Whoosh stored fields and columns", True, many=True)
COMPOUND = Component("compound", "seg", "whoosh", "Whoosh compound segment", False)
NET = Component("net", "sub", "indexer.store.sufarray", "substring net (suffix array)", True, magic=b"BULSUB01")
LEXICON = Component("lexicon", "lex", "indexer.store.lexicon", "word lexicon", True, magic=b"BULLEX01")
FACETS = Component("facets", "fac", "indexer.store.segcols", "facet columns", False, magic=b"BULCOL01")  # else read from Whoosh

COMPONENTS = (TERMS, POSTINGS, VECTORS, COLUMNS, COMPOUND, NET, LEXICON, FACETS)
WHOOSH_PARTS = (TERMS, POSTINGS, VECTORS, COLUMNS)  # inside the compound file when there is one


def file_name(segment_id: str, component: Component) -> str:
    """The file of `component` of a segment (not for a `many` component)."""
    return f"{segment_id}.{component.suffix}"


def component_of(name: str) -> Component | None:
    """The component a segment file name belongs to, or None for a name that is not one."""
    sid, dot, rest = name.partition(".")
    if not dot:
        return None
    for c in COMPONENTS:
        if rest == c.suffix or (c.many and rest.endswith(f".{c.suffix}") and "/" not in rest):
            return c
    return None


def segment_of(name: str) -> str:
    """The segment id a segment file name starts with."""
    return name.partition(".")[0]


def segment_file_names(gen: Path, segment_id: str) -> list[str]:
    """The files of one segment present in generation folder `gen`, sorted."""
    prefix = f"{segment_id}."
    return sorted(p.name for p in gen.iterdir() if p.name.startswith(prefix) and p.is_file()
                  and component_of(p.name) is not None)


def missing_components(names: list[str]) -> list[Component]:
    """The required components that none of a segment's file `names` is."""
    present = {component_of(n) for n in names}
    return [c for c in COMPONENTS if c.required and c not in present
            and not (COMPOUND in present and c in WHOOSH_PARTS)]


def segments(searcher: Any) -> list[tuple[Path, int, int]]:
    """For each segment of `searcher`, in order: the path its files share without their
    suffix (`<gen>/<segment id>`), its docnum offset and its document count."""
    from whoosh.reading import SegmentReader

    out: list[tuple[Path, int, int]] = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if not isinstance(reader, SegmentReader):  # an index of no segment reads as one EmptyReader
            continue
        folder = Path(reader._storage.folder)
        out.append((folder / reader.segment().segment_id(), offset, reader.doc_count_all()))
    return out


def path(stem: Path, component: Component) -> Path:
    """The file of `component` of the segment whose files share `stem`."""
    return stem.with_name(file_name(stem.name, component))


def magic(component: Component) -> bytes:
    """The magic of an array-file component."""
    if component.magic is None:
        raise ValueError(f"{component.key} is not an array file")
    return component.magic
