"""`python -m bench.faults score …` scores the fault generator; otherwise the pages' timings."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["score"]:
        from bench.faults.judge import main as score

        sys.exit(score(sys.argv[2:]))
    from bench.faults.pages import main

    sys.exit(main())
