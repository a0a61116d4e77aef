"""Faults, in one home: a seeded generator of bad input over every format and entry point, and the pages' timings.

* `bench.faults.kinds` — the catalogue of fault kinds (one table, STYLE 23): each kind makes a
  bad file, a hostile request, a damaged index or a broken folder from a `random.Random(seed)`,
  and belongs to the dev group (looked at while fixing) or the eval group (held out, scored at
  the end).
* `bench.faults.judge` — drives each fault through its entry point (`bulletins check`, `index`,
  `add`, `search`, `verify`; the web app's routes; the index on disk) and says whether the
  archive held: a clear Chinese error naming the thing, no traceback or server path, nothing
  archived lost, answered within a hang guard.
* `bench.faults.pages` — the pathological documents of issue 14, timed through the web app.

    python -m bench.faults score [--split dev|eval|all] [--seed N] [--only TEXT]
    python -m bench.faults [--tiny N] [--out DIR] [--repeat R]      # the pages' timings
"""
