"""Known-answer sets for the query understanding of issue 24 (pinyin, names, typos), and their scores.

    python -m bench.understand INDEX [--part dev|eval|both] [--n 60] [--seed 24] [--json OUT]

INDEX is an index of xinwen-lianbo (+ the seed bulletin), built with
`bulletins index`. The sets are generated from the index itself, seeded, so the
same index gives the same sets:

- targets: words of 2–4 characters and adjacent word pairs of 4–6 from article
  titles, held by at least MIN_DOCS articles;
- `pinyin_full`: a target's pinyin (pypinyin, not the index's table), written
  joined, with a space between syllables, or with tone marks;
- `initials`: a target of 3–6 characters by its initials (ljfl);
- `short_full`: each name of aliases.tsv's groups that the archive holds, and each
  pair mined from it (（以下简称…）), asked by one name, answered by any name of it;
- `typo1` / `typo2`: a target with one / two characters replaced by a common (GB2312
  level 1) character of the same reading (4 in 5) or a look-alike one (indexer/data/alike.tsv),
  the result found nowhere in the archive;
- `ocr`: a target with one character replaced by an OCR confusion (己/已, 未/末 …).

An answer is a hit (of the first 20, relevance order; a search answered by a
correction or a pinyin reading counts with the hits shown) whose title or text
holds the target (any name of the group for `short_full`). Reported per kind:
success@1, success@10, MRR@20, the zero-hit share, and recall (the articles found over
those holding the target, or any name of the group, capped at 1: what `short_full` is about,
since the literal name alone already answers its first hits).

Parts are split by source: `dev` draws its targets from the issues of even days of
the month (and its names from every other group), `eval` from odd days (and the
other groups); tune on dev, score eval at the end. To score the code before this
lane's change, run this file with PYTHONPATH pointing at that code
(`git archive 85342fe | tar -x -C DIR`): it uses only `indexer.search.engine.search`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import querysets

KINDS = ("pinyin_full", "initials", "short_full", "typo1", "typo2", "ocr")
MIN_DOCS = 3  # a target is held by at least this many articles
SHAPE_SHARE = 0.2  # a typo's character: a look-alike this often, else a sound-alike (a pinyin keyboard)
TOP = 20
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
OCR = ("己已巳", "曰日", "未末", "戊戌戍", "人入八", "土士", "干千于", "天夭", "大太犬", "王玉主", "刀力",
       "田由甲申", "贝见", "准淮", "析折", "拔拨", "候侯", "辨辩辫", "免兔", "鸟乌", "今令", "日目", "白自",
       "体休", "木本", "历厉", "治冶", "券卷")


@dataclass
class Case:
    kind: str
    query: str
    answers: tuple[str, ...]  # unit strings: a hit holding any of them answers


@dataclass
class Score(querysets.Score):
    """bench.querysets' counts per kind, with recall and the query times of these kinds."""

    recall: float = 0.0
    ms: list[float] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        n = max(1, self.n)
        ms = sorted(self.ms)
        base = self.to_dict()
        return {"n": self.n, "success@1": base["success@1"], "success@10": base["success@10"],
                "MRR@20": base["mrr@20"], "zero_hit": base["zero"], "recall": round(self.recall / n, 3),
                "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1) if ms else 0.0}


def _part_of(source: str) -> str:
    m = re.search(r"(\d{8})", source or "")
    day = int(m.group(1)[-2:]) if m else 1
    return "dev" if day % 2 == 0 else "eval"


class Archive:
    """The index's articles (title + text as unit strings) and exact counts."""

    def __init__(self, index: Path) -> None:
        from indexer.store.analysis import unit_string
        from indexer.search.engine import substring_net
        from indexer.store.handles import IndexHandle

        self.handle = IndexHandle(index)
        self.s = self.handle.searcher()
        self.net = substring_net(self.handle)
        self.us = unit_string
        self.by_id: dict[str, str] = {}
        self.titles: dict[str, list[str]] = {"dev": [], "eval": []}
        for fields in self.s.all_stored_fields():
            title, text = fields.get("title") or "", fields.get("text") or ""
            self.by_id[fields["article_id"]] = unit_string(title) + "\x01" + unit_string(text)
            self.titles[_part_of(fields.get("source", ""))].append(title)

    def holding(self, answers: tuple[str, ...]) -> int:
        """Live articles holding any of the unit strings."""
        import numpy as np

        live = self.s.reader().all_doc_ids()
        docs = np.unique(np.concatenate([self.net.find(a).docs for a in answers] or [np.zeros(0, np.int64)]))
        if not hasattr(self, "_live"):
            self._live = set(live)
        return sum(1 for d in docs.tolist() if d in self._live)

    def count(self, text: str) -> int:
        return len(self.net.find(self.us(text)).docs)


def _targets(arc: Archive, part: str, rng: random.Random, want: int) -> list[str]:
    from indexer.store.analysis import word_list

    titles = list(arc.titles[part])
    rng.shuffle(titles)
    out: dict[str, None] = {}
    for t in titles:
        ws = [w for w in word_list(t) if _HAN.match(w)]
        opts = [w for w in ws if 2 <= len(w) <= 4]
        opts += [a + b for a, b in zip(ws, ws[1:]) if 4 <= len(a + b) <= 6 and len(a) >= 2 and len(b) >= 2]
        if not opts:
            continue
        w = rng.choice(opts)
        if w not in out and arc.count(w) >= MIN_DOCS:
            out[w] = None
        if len(out) >= want:
            break
    return list(out)


def _pinyin(word: str, rng: random.Random) -> str:
    from pypinyin import Style, lazy_pinyin

    style = rng.choice(("joined", "spaced", "tones"))
    if style == "tones":
        return "".join(lazy_pinyin(word, style=Style.TONE))
    syl = lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)
    syl = [s.replace("ü", "v") for s in syl]
    return (" " if style == "spaced" else "").join(syl)


def _initials(word: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


def _alike_table() -> dict[str, str]:
    root = Path(__file__).resolve().parents[1]
    out = {}
    for line in (root / "indexer" / "data" / "alike.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            ch, _snd, shape = line.split("\t")
            out[ch] = shape
    return out


def _sound_alikes() -> dict[str, list[str]]:
    from pypinyin.pinyin_dict import pinyin_dict

    table = _alike_table()
    by: dict[str, list[str]] = {}
    first: dict[str, str] = {}
    for ch in table:
        r = pinyin_dict.get(ord(ch), "").split(",")[0]
        if r:
            import unicodedata

            r = "".join(c for c in unicodedata.normalize("NFD", r) if not unicodedata.combining(c))
            first[ch] = r
            by.setdefault(r, []).append(ch)
    # level 1 of GB2312 only (the table's first 3,755): a keyboard offers the common characters first
    common = set(list(table)[:3755])
    return {ch: [c for c in by[r] if c != ch and c in common][:30] for ch, r in first.items()}


def _typo(arc: Archive, word: str, k: int, rng: random.Random, alikes: dict[str, list[str]],
          shapes: dict[str, str]) -> str | None:
    common = set(list(shapes)[:3755])
    for _ in range(20):
        pos = sorted(rng.sample(range(len(word)), k)) if len(word) >= k + 1 else []
        if not pos:
            return None
        chars = list(word)
        ok = True
        for p in pos:
            sound = alikes.get(chars[p], [])
            shape = [c for c in shapes.get(chars[p], "")[:10] if c in common]
            pool = shape if (rng.random() < SHAPE_SHARE and shape) else sound
            if not pool:
                ok = False
                break
            chars[p] = rng.choice(pool)
        typo = "".join(chars)
        if ok and typo != word and arc.count(typo) == 0:
            return typo
    return None


def _ocr(arc: Archive, word: str, rng: random.Random) -> str | None:
    conf = {c: g.replace(c, "") for g in OCR for c in g}
    spots = [i for i, c in enumerate(word) if c in conf]
    rng.shuffle(spots)
    for i in spots:
        typo = word[:i] + rng.choice(conf[word[i]]) + word[i + 1 :]
        if arc.count(typo) == 0:
            return typo
    return None


def _alias_groups(arc: Archive) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """(curated, mined) groups, names the archive holds only."""
    root = Path(__file__).resolve().parents[1]
    curated = []
    for line in (root / "indexer" / "data" / "aliases.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            curated.append(tuple(n for n in line.split("\t") if n))
    mined: list[tuple[str, ...]] = []
    try:
        from indexer.search.aliases import mine

        docs = arc.net.find(arc.us("简称")).docs.tolist()
        mined = [tuple(p) for p in mine((arc.s.stored_fields(int(d)).get("text") or "") for d in docs)]
    except ImportError:  # the code before this lane's change: the same sets from a saved list
        pass
    keep = lambda g: tuple(n for n in g if arc.count(n) > 0)  # noqa: E731
    return [g for g in curated if len(keep(g)) >= 1], [g for g in mined if len(keep(g)) >= 1]


def make_sets(arc: Archive, part: str, n: int, seed: int) -> list[Case]:
    rng = random.Random(f"{seed}-{part}")
    words = _targets(arc, part, rng, n * 8)
    cases: list[Case] = []
    alikes, shapes = _sound_alikes(), _alike_table()
    per: dict[str, int] = {k: 0 for k in KINDS}

    def add(kind: str, q: str | None, answers: tuple[str, ...]) -> None:
        if q and per[kind] < n:
            cases.append(Case(kind, q, tuple(arc.us(a) for a in answers)))
            per[kind] += 1

    for w in words:
        add("pinyin_full", _pinyin(w, rng), (w,))
        if len(w) >= 3:
            add("initials", _initials(w), (w,))
        if len(w) >= 3:
            add("typo1", _typo(arc, w, 1, rng, alikes, shapes), (w,))
        if len(w) >= 4:
            add("typo2", _typo(arc, w, 2, rng, alikes, shapes), (w,))
        add("ocr", _ocr(arc, w, rng), (w,))
    curated, mined = _alias_groups(arc)
    groups = [("curated", g) for g in curated] + [("mined", g) for g in mined]
    groups = [g for i, g in enumerate(sorted(groups)) if (i % 2 == 0) == (part == "dev")]
    rng.shuffle(groups)
    for _src, g in groups:
        for name in g:
            if any(o not in name and name not in o for o in g if o != name):
                add("short_full", name, g)
    return cases


def _answered(arc: Archive, hit: dict[str, Any], answers: tuple[str, ...]) -> bool:
    body = arc.by_id.get(hit["article_id"], "")
    return any(a in body for a in answers)


def score(arc: Archive, cases: list[Case], search: Callable[..., dict[str, Any]]) -> dict[str, dict[str, Any]]:
    scores = {k: Score() for k in KINDS}
    for c in cases:
        t0 = time.process_time()
        r = search(arc.handle, c.query, per_page=TOP)
        scores[c.kind].ms.append((time.process_time() - t0) * 1000)
        sc = scores[c.kind]
        sc.n += 1
        if not r["total"]:
            sc.zero += 1
        sc.recall += min(1.0, r["total"] / max(1, arc.holding(c.answers)))
        for i, h in enumerate(r["hits"][:TOP], 1):
            if _answered(arc, h, c.answers):
                sc.at1 += i == 1
                sc.at10 += i <= 10
                sc.rr += 1 / i
                break
    return {k: v.row() for k, v in scores.items()}


def thresholds(arc: Archive, cases: list[Case]) -> None:
    """For did-you-mean's second choice (indexer.search.suggest.plausible): every correction offered
    after the first on the typo kinds, unfiltered, with its edit weight, its count over the
    first's, and whether it is the answer. Prints how many answers and non-answers each
    (weight, ratio) threshold would keep."""
    import indexer.search.engine as search_mod

    rows: list[tuple[float, float, bool]] = []
    keep = search_mod.plausible
    search_mod.plausible = lambda offered: offered  # type: ignore[assignment]
    try:
        for c in cases:
            if c.kind not in ("typo1", "typo2", "ocr"):
                continue
            offered = search_mod.corrections(arc.handle, c.query)
            for o in offered[1:]:
                hit = any(a in arc.us(o["query"]) for a in c.answers)
                rows.append((o.get("weight", 1.0), o["count"] / max(1, offered[0]["count"]), hit))
    finally:
        search_mod.plausible = keep
    print(f"second choices: {len(rows)}, answers among them: {sum(r[2] for r in rows)}")
    for w in (0.25, 0.5, 1.0):
        for ratio in (0.0, 0.01, 0.02, 0.05, 0.1, 0.2):
            kept = [r for r in rows if r[0] >= w and r[1] >= ratio]
            print(f"  weight>={w:<5} ratio>={ratio:<5} keeps {sum(r[2] for r in kept)} answers, "
                  f"{sum(not r[2] for r in kept)} others")


def _load_or_make(arc: Archive, part: str, args: argparse.Namespace) -> list[Case]:
    path = args.sets.with_suffix(f".{part}.json") if args.sets else None
    if path is not None and path.exists():
        return [Case(c["kind"], c["query"], tuple(c["answers"])) for c in json.loads(path.read_text("utf-8"))]
    cases = make_sets(arc, part, args.n, args.seed)
    if path is not None:
        path.write_text(json.dumps([c.__dict__ for c in cases], ensure_ascii=False), "utf-8")
    return cases


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--part", choices=("dev", "eval", "both"), default="dev")
    ap.add_argument("--n", type=int, default=60, help="cases per kind and part")
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--show", action="store_true", help="print each case that fails")
    ap.add_argument("--thresholds", action="store_true", help="measure did-you-mean's second-choice thresholds")
    ap.add_argument("--sets", type=Path, default=None,
                    help="the generated cases: read from this JSON file when it exists, else written to it "
                         "(so that older code is scored on the very same cases)")
    args = ap.parse_args(argv)
    from indexer.search.engine import search

    arc = Archive(args.index)
    out: dict[str, Any] = {}
    for part in (("dev", "eval") if args.part == "both" else (args.part,)):
        cases = _load_or_make(arc, part, args)
        if args.thresholds:
            thresholds(arc, cases)
            continue
        rows = score(arc, cases, search)
        out[part] = rows
        print(f"part {part}: {len(cases)} cases")
        print(f"{'kind':12} {'n':>4} {'s@1':>6} {'s@10':>6} {'MRR@20':>7} {'zero':>6} {'recall':>7} {'p95 ms':>7}")
        for k, r in rows.items():
            print(f"{k:12} {r['n']:>4} {r['success@1']:>6} {r['success@10']:>6} {r['MRR@20']:>7} "
                  f"{r['zero_hit']:>6} {r['recall']:>7} {r['p95_ms']:>7}")
        if args.show:
            for c in cases:
                r = search(arc.handle, c.query, per_page=TOP)
                ok = any(_answered(arc, h, c.answers) for h in r["hits"][:TOP])
                if not ok or not _answered(arc, r["hits"][0], c.answers):
                    top = r["hits"][0]["title"][:20] if r["hits"] else "-"
                    print(f"  {'MISS' if not ok else 'LOW '} {c.kind:11} {c.query!r:24} -> {c.answers[0][:12]!r} "
                          f"total={r['total']} to={(r.get('pinyin') or r.get('corrected') or {}).get('to')} top={top}")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
