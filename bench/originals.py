"""One issue in two formats: do a Word original and the PDF made from it read as the same issue?
(`python -m bench.originals`)

Real pairs are made the way an office makes them: each bulletin of tests/ (the seed and
the text fixtures, and the public 简报) written as .docx (tests/docgen.py), then exported
to PDF by LibreOffice. Each pair is parsed; the table shows whether the issue id (series +
year + issue, or date) agrees, the fields that differ, and the text fingerprint's
similarity (`archive.originals.similarity`) of the pair and of every two different issues,
which is where the threshold `SAME_TEXT` comes from.

    .venv/bin/python -m bench.originals [--out /tmp/bench-originals]
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    from archive.originals import fingerprint, similarity
    from archive.readers.budget import parse_within_budget
    from tests import docgen

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("/tmp/bench-originals"))
    args = ap.parse_args()
    texts = {"seed": docgen.SEED, **{p.stem: p for p in sorted(docgen.FIXTURES.glob("*.txt"))},
             "qingcheng": REPO / "tests/public/qingcheng-2014-chuangwen-jianbao-9.txt"}
    parsed = {}
    for key, src in texts.items():
        folder = args.out / key
        folder.mkdir(parents=True, exist_ok=True)
        docx = docgen.write_docx(src.read_text("utf-8"), folder / f"{key}.docx")
        t0 = time.perf_counter()
        pdf = docgen.convert(docx, "pdf", folder)
        conv = time.perf_counter() - t0
        pair = {fmt: parse_within_budget(p) for fmt, p in (("docx", docx), ("pdf", pdf))}
        parsed[key] = pair
        a, b = pair["docx"], pair["pdf"]
        fields = ("series", "year", "issue", "date", "issuer", "serial", "copies")
        differ = [f for f in fields if getattr(a, f) != getattr(b, f)]
        print(f"{key:36s} same id: {a.id == b.id!s:5s} articles {len(a.articles)}/{len(b.articles)} "
              f"similarity {similarity(fingerprint(a), fingerprint(b)):.3f} fields differing: {differ or '-'} "
              f"(LibreOffice {conv:.1f} s)")
    worst = 0.0
    for (k1, p1), (k2, p2) in itertools.combinations(parsed.items(), 2):
        for f1, f2 in itertools.product(("docx", "pdf"), repeat=2):
            worst = max(worst, similarity(fingerprint(p1[f1]), fingerprint(p2[f2])))
    print(f"highest similarity between two different issues: {worst:.3f}")


if __name__ == "__main__":
    main()
