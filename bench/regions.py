"""How many articles get a place in the 地区 facet: `python -m bench.regions [DIR]`.

Parses every Markdown issue of DIR (default: xinwen-lianbo) as the indexer does
and counts the articles whose resolved places (Article.regions) reach the
province, the prefecture-level city and the county level.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.relevance import XINWEN, parsed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    corpus = Path(args[0]) if args else XINWEN
    if not corpus.is_dir():
        print(f"{corpus} is absent", file=sys.stderr)
        return 2
    t = time.perf_counter()
    n = prov = city = county = 0
    for b in parsed(corpus.glob("*.md")):
        for a in b.articles:
            n += 1
            prov += bool(a.regions)
            city += any(r.count("/") >= 1 for r in a.regions)
            county += any(r.count("/") >= 2 for r in a.regions)
    if not n:
        print("no articles", file=sys.stderr)
        return 1
    print(f"{n} articles: a province {prov / n:.1%}, a city {city / n:.1%}, a county {county / n:.1%} "
          f"({time.perf_counter() - t:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
