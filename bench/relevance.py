"""Known-answer relevance benchmark on real text: does the right article come first?

    python -m bench.relevance [--seed 1] [--per-kind 40] [--rebuild] [--show-misses] [--json]

The corpus is xinwen-lianbo (../shared/corpora/xinwen-lianbo) plus the seed
bulletin of corpus/. The known answers are drawn at run time, with a local
`random.Random(seed)`, from the parsed corpus itself (nothing of it is
committed), in five kinds:

- ``title``: an article's exact title (one that no other article has);
- ``phrase``: a run of 12 Chinese characters copied from the middle of an
  article's text, found in no other article;
- ``name``: the given name of a person (jieba's ``nr`` words of three
  characters: 善民 for 马善民) whose two characters also occur elsewhere, e.g.
  across two words; the answers are the articles holding the full name.
  The README's own case, 善民 → the seed's 马善民 article, is always one;
- ``topic``: two words of an article's title; the answers are the articles
  whose title holds both;
- ``typo``: a frequent word or name with one character replaced by another of
  the same pinyin (toneless) that makes a string found nowhere, plus the
  issue's cases 立圾分类, 习进平, 乡村振新, 马善明; the answers are the
  articles holding the correct string.

A case succeeds at k when one of its answers is among the first k hits of
`indexer.search.engine.search` (relevance order, 20 a page; a search that shows a
correction's hits under a notice counts with those hits). Reported per kind:
success@1, success@10 and MRR@20.

The index (xinwen + seed, built with `bulletins index`) and the copied corpus
are kept under bench/results/relevance/ (git-ignored) and reused; `--rebuild`
builds the index afresh (needed after a change to indexing code).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.store.names import SURNAMES  # a name must start with one (jieba's `nr` also tags 迎宾馆)

ROOT = Path(__file__).resolve().parents[1]


def _xinwen() -> Path:
    """$XINWEN_DIR, else shared/corpora/xinwen-lianbo in the nearest folder above the checkout
    that has it (../shared beside a clone; /work/shared above a worktree /work/wt/<lane>)."""
    if os.environ.get("XINWEN_DIR"):
        return Path(os.environ["XINWEN_DIR"])
    for p in ROOT.parents:
        if (p / "shared" / "corpora" / "xinwen-lianbo").is_dir():
            return p / "shared" / "corpora" / "xinwen-lianbo"
    return ROOT.parent / "shared" / "corpora" / "xinwen-lianbo"


XINWEN = _xinwen()
SEED = ROOT / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"
WORKDIR = ROOT / "bench" / "results" / "relevance"
KINDS = ("title", "phrase", "name", "topic", "typo")
# The issue's own typo cases: (typed, meant).
FIXED_TYPOS = (("立圾分类", "垃圾分类"), ("习进平", "习近平"), ("乡村振新", "乡村振兴"), ("马善明", "马善民"))
FIXED_NAMES = (("善民", "马善民"),)
PHRASE_LEN = 12
_HAN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    answers: frozenset[str]  # article ids, any of which is a right answer
    note: str = ""  # what the query stands for (the full name, the corrected word)


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    text: str
    flat_title: str  # the searchable form: units joined (punctuation and space dropped)
    flat: str  # flat title + "\n" + flat text


@dataclass
class KindScore:
    n: int = 0
    at1: int = 0
    at10: int = 0
    rr: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        n = self.n or 1
        return {
            "n": self.n,
            "success@1": round(self.at1 / n, 3),
            "success@10": round(self.at10 / n, 3),
            "mrr@20": round(self.rr / n, 3),
        }


# ---------------------------------------------------------------- the documents


def flat(text: str) -> str:
    """The string search matches against: the text's units joined."""
    from indexer.store.analysis import units

    return "".join(units(text))


def parsed(files: Iterable[Path]) -> Iterator[Any]:
    """The Bulletin of each source file, in name order, parsed as the indexer parses
    them; a rejected file is named on stderr and skipped."""
    from archive.errors import BulletinError
    from archive.parse import parse_file

    for path in sorted(files):
        try:
            yield parse_file(path)
        except BulletinError as exc:
            print(f"skipped {path.name}: {exc}", file=sys.stderr)


def load_docs(files: Iterable[Path]) -> list[Doc]:
    """Every article of the given source files."""
    docs: list[Doc] = []
    for b in parsed(files):
        for a in b.articles:
            ft = flat(a.title)
            docs.append(Doc(a.id, a.title, a.text, ft, ft + "\n" + flat(a.text)))
    return docs


def corpus_files(sample: int | None = None, seed: int = 1) -> list[Path]:
    """xinwen's issues (all, or a seeded sample of `sample`) and the seed bulletin."""
    files = sorted(p for p in XINWEN.iterdir() if p.suffix == ".md")
    if sample is not None and sample < len(files):
        files = sorted(random.Random(seed).sample(files, sample))
    return [*files, SEED]


# ---------------------------------------------------------------- the known answers


def _containing(docs: Sequence[Doc], s: str, limit: int | None = None) -> list[str]:
    out = []
    for d in docs:
        if s in d.flat:
            out.append(d.id)
            if limit is not None and len(out) >= limit:
                break
    return out


def _title_cases(docs: Sequence[Doc], rng: random.Random, n: int) -> list[Case]:
    counts = Counter(d.flat_title for d in docs)
    pool = [d for d in docs if 6 <= len(d.flat_title) <= 40 and counts[d.flat_title] == 1]
    return [Case("title", d.title, frozenset({d.id})) for d in rng.sample(pool, min(n, len(pool)))]


def _phrase_cases(docs: Sequence[Doc], rng: random.Random, n: int) -> list[Case]:
    out: list[Case] = []
    pool = [d for d in docs if len(d.text) >= 300]
    rng.shuffle(pool)
    for d in pool:
        # Past the opening (央视网消息（新闻联播）：…), a run of Chinese characters only.
        runs = [m.group() for m in _HAN.finditer(d.text, 60) if len(m.group()) >= PHRASE_LEN]
        if not runs:
            continue
        run = rng.choice(runs)
        start = rng.randrange(len(run) - PHRASE_LEN + 1)
        phrase = run[start : start + PHRASE_LEN]
        if len(_containing(docs, phrase, 2)) != 1:
            continue
        out.append(Case("phrase", phrase, frozenset({d.id})))
        if len(out) >= n:
            break
    return out


def _person_names(docs: Sequence[Doc], rng: random.Random, sample: int = 1500) -> list[str]:
    """Three-character person names: jieba's `nr` words that start with a common surname and
    are neither words of jieba's dictionary (夏玉米, 古村落) nor places (袁州区)."""
    import jieba
    import jieba.posseg

    from archive import gazetteer

    names: Counter[str] = Counter()
    for d in rng.sample(list(docs), min(sample, len(docs))):
        for w in jieba.posseg.lcut(d.title + "。" + d.text[:600]):
            word = w.word
            if w.flag == "nr" and len(word) == 3 and word[0] in SURNAMES and _HAN.fullmatch(word) \
                    and not jieba.get_FREQ(word) and not gazetteer.lookup(word) and not gazetteer.lookup(word[1:]):
                names[word] += 1
    return sorted(names)


def _name_cases(docs: Sequence[Doc], rng: random.Random, n: int) -> list[Case]:
    out: list[Case] = []
    for part, full in FIXED_NAMES:
        answers = _containing(docs, full)
        if answers:
            out.append(Case("name", part, frozenset(answers), full))
    names = _person_names(docs, rng)
    rng.shuffle(names)
    for full in names:
        answers = _containing(docs, full, 31)
        if not 1 <= len(answers) <= 30:
            continue
        given = full[1:]
        # Only names whose given part is found elsewhere too (改善民生 for 善民) test ranking.
        if len(_containing(docs, given, len(answers) + 1)) <= len(answers):
            continue
        out.append(Case("name", given, frozenset(answers), full))
        if len(out) >= n:
            break
    return out


def _topic_cases(docs: Sequence[Doc], rng: random.Random, n: int) -> list[Case]:
    from indexer.store.analysis import word_list

    out: list[Case] = []
    title_df: Counter[str] = Counter()
    words_of: dict[str, list[str]] = {}
    for d in docs:
        ws = [w for w in dict.fromkeys(word_list(d.title)) if len(w) >= 2 and _HAN.fullmatch(w)]
        words_of[d.id] = ws
        title_df.update(ws)
    pool = [d for d in docs if len([w for w in words_of[d.id] if 3 <= title_df[w] <= 300]) >= 2]
    rng.shuffle(pool)
    seen: set[str] = set()
    for d in pool:
        ws = [w for w in words_of[d.id] if 3 <= title_df[w] <= 300]
        a, b = rng.sample(ws, 2)
        query = f"{a} {b}"
        if query in seen:
            continue
        answers = [x.id for x in docs if a in x.flat_title and b in x.flat_title]
        if len(answers) > 50:
            continue
        seen.add(query)
        out.append(Case("topic", query, frozenset(answers)))
        if len(out) >= n:
            break
    return out


def _homophones(docs: Sequence[Doc]) -> dict[str, list[str]]:
    """Toneless pinyin → the corpus's characters of that reading, most frequent first."""
    from pypinyin import Style, lazy_pinyin

    chars: Counter[str] = Counter()
    for d in docs:
        chars.update(d.flat_title)
    by_sound: dict[str, list[str]] = {}
    for ch, _n in chars.most_common():
        if _HAN.fullmatch(ch):
            by_sound.setdefault(lazy_pinyin(ch, style=Style.NORMAL)[0], []).append(ch)
    return by_sound


def _typo_cases(docs: Sequence[Doc], rng: random.Random, n: int) -> list[Case]:
    from pypinyin import Style, lazy_pinyin

    from indexer.store.analysis import word_list

    out: list[Case] = []
    for typed, meant in FIXED_TYPOS:
        answers = _containing(docs, meant)
        if answers and not _containing(docs, typed, 1):
            out.append(Case("typo", typed, frozenset(answers), meant))
    sounds = _homophones(docs)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(w for w in set(word_list(d.title)) if 3 <= len(w) <= 4 and _HAN.fullmatch(w))
    words = sorted(w for w, k in df.items() if k >= 5)
    rng.shuffle(words)
    for word in words:
        i = rng.randrange(len(word))
        alts = [c for c in sounds.get(lazy_pinyin(word[i], style=Style.NORMAL)[0], [])[:8] if c != word[i]]
        if not alts:
            continue
        typed = word[:i] + rng.choice(alts) + word[i + 1 :]
        if _containing(docs, typed, 1):
            continue
        out.append(Case("typo", typed, frozenset(_containing(docs, word)), word))
        if len(out) >= n:
            break
    return out


def known_answers(docs: Sequence[Doc], seed: int = 1, per_kind: int = 40) -> list[Case]:
    """The known-answer cases of every kind, drawn from `docs` with `random.Random(seed)`."""
    cases: list[Case] = []
    for kind, make in (("title", _title_cases), ("phrase", _phrase_cases), ("name", _name_cases),
                       ("topic", _topic_cases), ("typo", _typo_cases)):
        cases += make(docs, random.Random(f"{seed}-{kind}"), per_kind)
    return cases


# ---------------------------------------------------------------- running


def build_index(files: Sequence[Path], workdir: Path, rebuild: bool = False) -> Path:
    """An index of `files` under `workdir` (copied into workdir/corpus), reused when present."""
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    wanted = {p.name: p for p in files}
    for old in corpus.iterdir():
        if old.name not in wanted:
            old.unlink()
    for name, src in wanted.items():
        dst = corpus / name
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, dst)
    index = workdir / "index"
    argv = [str(Path(sys.executable).parent / "bulletins"), "index", "--corpus", str(corpus), "--index", str(index)]
    if rebuild:
        argv.append("--rebuild")
    run = subprocess.run(argv, capture_output=True, text=True)
    if run.returncode not in (0, 1):  # 1: some file rejected, the rest indexed
        raise RuntimeError(f"bulletins index failed ({run.returncode}): {run.stderr[-2000:]}")
    return index


def hit_ids(result: dict[str, Any]) -> list[str]:
    """The article ids a person sees first: the hits, or a shown correction's hits."""
    return [h["article_id"] for h in result.get("hits", [])]


def evaluate(index: Path, cases: Sequence[Case], keep_misses: bool = False) -> dict[str, KindScore]:
    """Run every case through `indexer.search.engine.search`; scores per kind."""
    from indexer.search.engine import search
    from indexer.store.handles import IndexHandle

    handle = IndexHandle(index)
    scores = {k: KindScore() for k in KINDS}
    for case in cases:
        res = search(handle, case.query, per_page=20)
        ids = hit_ids(res)
        rank = next((i for i, a in enumerate(ids, 1) if a in case.answers), None)
        sc = scores[case.kind]
        sc.n += 1
        if rank is not None:
            sc.at1 += rank == 1
            sc.at10 += rank <= 10
            sc.rr += 1 / rank
        if keep_misses and rank != 1:
            sc.misses.append({"query": case.query, "note": case.note, "rank": rank, "total": res["total"],
                              "answers": len(case.answers), "first": [h["title"] for h in res["hits"][:3]]})
    return scores


def overall(scores: dict[str, KindScore]) -> dict[str, Any]:
    tot = KindScore()
    for sc in scores.values():
        tot.n += sc.n
        tot.at1 += sc.at1
        tot.at10 += sc.at10
        tot.rr += sc.rr
    return tot.to_dict()


def table(scores: dict[str, KindScore]) -> str:
    lines = ["| kind | n | success@1 | success@10 | MRR@20 |", "|---|---|---|---|---|"]
    rows = [(k, sc.to_dict()) for k, sc in scores.items()] + [("all", overall(scores))]
    for k, d in rows:
        lines.append(f"| {k} | {d['n']} | {d['success@1']:.3f} | {d['success@10']:.3f} | {d['mrr@20']:.3f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-kind", type=int, default=40)
    ap.add_argument("--sample", type=int, default=None, help="a seeded sample of N xinwen issues (default: all)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached index")
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    if not XINWEN.is_dir():
        print(f"{XINWEN} is absent: nothing to measure", file=sys.stderr)
        return 2
    files = corpus_files(args.sample, args.seed)
    t0 = time.perf_counter()
    workdir = WORKDIR if args.sample is None else WORKDIR.with_name(f"relevance-{args.sample}-s{args.seed}")
    index = build_index(files, workdir, args.rebuild)
    t_index = time.perf_counter() - t0
    docs = load_docs(files)
    cases = known_answers(docs, args.seed, args.per_kind)
    t1 = time.perf_counter()
    scores = evaluate(index, cases, args.show_misses)
    t_eval = time.perf_counter() - t1
    result = {
        "seed": args.seed, "per_kind": args.per_kind, "files": len(files), "articles": len(docs),
        "kinds": {k: sc.to_dict() for k, sc in scores.items()}, "all": overall(scores),
        "index_s": round(t_index, 1), "eval_s": round(t_eval, 1),
    }
    if args.show_misses:
        result["misses"] = {k: sc.misses for k, sc in scores.items()}
    out = WORKDIR.parent / f"relevance-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(f"{len(docs)} articles in {len(files)} files, {len(cases)} cases (seed {args.seed}); "
              f"index {t_index:.0f} s, queries {t_eval:.1f} s")
        print(table(scores))
        if args.show_misses:
            for k, sc in scores.items():
                for m in sc.misses:
                    print(f"  {k}: {m}")
        print(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
