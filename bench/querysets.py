"""Known-answer query sets of the kinds people type (issue 24), scored against tantivy.

    python -m bench.querysets [--sample N] [--per-kind 40] [--seed 1] [--refs] [--part dev|eval|both] [--split s1|s2]
                              [--json] [--write FILE] [--show-misses KIND]

The documents are xinwen-lianbo (read in place; skipped when absent), the seed
bulletin of corpus/, the 简报 and 公文 of tests/public/ and a few generated
issues (bench/generate.py). Cases are drawn from the parsed text with local
`random.Random` seeds (nothing of them is committed; the same seed gives the
same sets). Each case's answers are the article it was made from and any other
article that satisfies what the query asks for in the same way (listed per kind
below). Kinds:

- the five of bench/relevance.py: ``title``, ``phrase``, ``name``, ``topic``, ``typo``
  (one character replaced by a homophone);
- ``unspaced``: two or three words of a title typed with no space (淮安志愿服务);
  answers: the articles whose title holds every word;
- ``question``: the same words in a question (关于…的情况, …有哪些, 如何…);
- ``pinyin``: the words in pinyin, with or without spaces, with tone marks or
  digits, ü as v — and ``initials`` (zyfw);
- ``alias``: a short or full name where the article has the other form
  (新冠肺炎 / 新型冠状病毒肺炎), beside a word of its title; the pairs mined from the
  text (（以下简称“…”）) that no shipped table holds, then the groups of the shipped tables
  (indexer/data/aliases.tsv, CURATED_ALIASES), at most PER_NAME cases a name typed
  (`alias_groups`; until 2026-12-06 s2 drew only mined pairs: 3 cases);
- ``typo2``: two characters of a word replaced by homophones;
- ``ocr``: a character of a title word replaced by its OCR look-alike (己/已/巳, 曰/日 …);
- ``date_topic``: a date of the article typed with a word of its title
  (2023年3月 交通, 2023年3月5日, 2023年, 上旬/中旬/下旬, 一季度); answers: the
  articles of that period whose title holds the word;
- ``traditional``: two title words in traditional characters;
- ``place_topic``: the article's place with a word of its title, spaced or not;
- ``issue``: an issue of a 简报 named as people write it (第十一期, 第11期,
  2022年第11期) with a word of one of its titles; answers: the articles of any
  简报's issue of that number (and year, when typed) whose title holds the word
  (until 2026-12-05 only the one issue drawn: a query naming no series cannot tell
  two series' 第1期 apart).

Kinds issue 24 never named, as a reviewer might try them (``UNNAMED_KINDS``;
scored, never tuned on): ``mixed`` (one word in pinyin beside Hanzi: huaian
志愿服务), ``acronym`` (a Latin acronym of a title with a Chinese word: APEC 会议),
``fullwidth`` (date + topic with full-width digits: ２０２３年３月 交通),
``punctuated`` (two title words joined by 、，；/ -, or a 《…》 of the title, or a
question mark), ``reversed`` (place + topic with the topic first: 志愿服务 淮安).

How the office staff type, never named either (``STAFF_KINDS``; the block "kinds of the
office's own typing"): ``numerals`` (a title's figure in the other writing: 9次 for 第九次,
百分之十, 二〇二三年), ``date_words`` (2023年3月份, 2023年度, 二〇二三年三月, 2023.03, 23年3月,
上半年), ``mixed_script`` (one word traditional, one simplified), ``pasted_title`` (a title with
spaces, line breaks, punctuation), ``sentence_typo`` (a body clause with a homophone typo),
``long_paste`` (150–260 characters of the body), ``quoted`` (a word in “”「」《》‘’), ``province``
(江苏 for an article of 南京 that never names 江苏), ``honorific`` (李强总理, 张三同志),
``wrapped`` (请问…有哪些相关报道？), ``stopwords`` (关于的…), ``operator_cn`` (A和B, A或B,
A不含B), ``cn_field`` (标题：…, 城市：淮安 …), ``over_specified`` (three title words and one
the article lacks), ``place_typo`` (淮按 志愿服务), ``series_issue`` (《创文简报》第11期).
Slips of the keyboard (``SLIP_KINDS``, written 2026-12-06 and scored before anything was
changed for them): ``dropped`` (a character left out: 志愿务), ``swapped`` (two neighbours
the other way round: 志服愿务), ``doubled`` (a character typed twice), ``split_word`` (a
space inside a word where no word ends: 志 愿服务), ``pinyin_caps`` (Huaian Zhiyuanfuwu,
HuaiAn, HUAIAN), ``half_pinyin`` (a word's end left in pinyin: 垃圾fenlei); each beside
another word of the title, answers the titles holding both.
`--kinds a,b` scores only those kinds.

The split into a development part and an evaluation part is by source: a
case belongs to the part of the issue (bulletin id) its article comes from
(`part_of`). Tune on dev; score eval only when a change is done.

Two splits (`--split`):

- ``s1`` (the default, and the regression test's): the xinwen sample drawn with
  `--seed`, its issues halved by a hash of their ids. Tuned on until 2026-12-05,
  and its eval part was looked at (question, initials, alias), so it is no longer
  held out.
- ``s2`` (2026-12-05): a split nothing has been tuned on. Its xinwen issues are
  drawn with S2_SEED from those outside every sample tuned on before
  (TUNED_SAMPLES); its cases come from those issues only (the seed, tests/public
  and the generated issues stay in the index as distractors) and are drawn with
  S2_SEED; its parts are halves by a salted hash; its alias cases come first from the
  pairs mined from the texts (any bracket after a name too) that no shipped table holds
  (neither indexer/data/aliases.tsv nor CURATED_ALIASES), then from the shipped groups
  (those measure the expansion and its ranking, not the table's reach). Tune on its dev part only.

Per kind and part: success@1, success@10, MRR@20 and the zero-hit share of
`indexer.search.engine.search` (a corrected search counts with the hits it shows);
with `--refs`, in the same run, tantivy BM25 over jieba words (OR and AND),
over character bigrams and over toneless pinyin of the words.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.dates import cn_digits, cn_numeral
from bench import relevance as R

ROOT = R.ROOT
PUBLIC = ROOT / "tests" / "public"
WORKDIR = ROOT / "bench" / "results" / "querysets"
FIGURES = ROOT / "bench" / "querysets_figures.json"  # the committed figures the regression test holds
GENERATED = 40  # generated issues in the document set
_HAN = re.compile(r"[\u4e00-\u9fff]+")

NEW_KINDS = ("unspaced", "question", "pinyin", "initials", "alias", "typo2", "ocr", "date_topic",
             "traditional", "place_topic", "issue")
# Kinds issue 24 never named, drawn as a reviewer might try them (scored, never tuned on).
UNNAMED_KINDS = ("mixed", "acronym", "fullwidth", "punctuated", "reversed")
# How office staff type, never named by issue 24 (the block "kinds of the office's own typing").
STAFF_KINDS = ("numerals", "date_words", "mixed_script", "pasted_title", "sentence_typo", "long_paste", "quoted",
               "province", "honorific", "wrapped", "stopwords", "operator_cn", "cn_field", "over_specified",
               "place_typo", "series_issue")
# Kinds written 2026-12-06 and scored before any change was made for them (the block "slips of
# the keyboard"): the typing errors that are not a wrong character, and pinyin typed loosely.
SLIP_KINDS = ("dropped", "swapped", "doubled", "split_word", "pinyin_caps", "half_pinyin")
# Kinds written 2026-12-06 (session 9) and scored before any change was made for them (the block
# "loose typing"): pinyin typed with a southern accent or a slipped letter, dates typed in digits,
# a word spaced out character by character, and a query wrapped in the words of a request.
LOOSE_KINDS = ("fuzzy_pinyin", "pinyin_slip", "numeric_date", "char_spaced", "request", "year_span")
KINDS = R.KINDS + NEW_KINDS + UNNAMED_KINDS + STAFF_KINDS + SLIP_KINDS + LOOSE_KINDS
METRICS = ("success@1", "success@10", "mrr@20", "zero")

QUESTION_FORMS = ("关于{}的情况", "{}有哪些", "如何{}", "{}是什么", "怎么{}", "{}的情况", "有关{}的问题", "{}怎么样")
# short ↔ full names known to the office (both ways); more are mined from the text
CURATED_ALIASES = (
    ("新冠肺炎", "新型冠状病毒肺炎"), ("新冠", "新型冠状病毒"), ("发改委", "发展改革委"),
    ("国家发改委", "国家发展改革委"), ("发改委", "发展和改革委员会"), ("长三角", "长江三角洲"),
    ("珠三角", "珠江三角洲"), ("两会", "全国两会"), ("工信部", "工业和信息化部"), ("住建部", "住房和城乡建设部"),
    ("人社部", "人力资源和社会保障部"), ("卫健委", "卫生健康委员会"), ("文旅部", "文化和旅游部"),
    ("国资委", "国有资产监督管理委员会"), ("证监会", "证券监督管理委员会"), ("央行", "中国人民银行"),
    ("国台办", "国务院台湾事务办公室"), ("进博会", "中国国际进口博览会"), ("服贸会", "中国国际服务贸易交易会"),
    ("广交会", "中国进出口商品交易会"), ("冬奥会", "冬季奥林匹克运动会"), ("亚运会", "亚洲运动会"),
    ("世贸组织", "世界贸易组织"), ("上合组织", "上海合作组织"), ("东盟", "东南亚国家联盟"),
    ("北约", "北大西洋公约组织"), ("全国人大", "全国人民代表大会"), ("全国政协", "中国人民政治协商会议全国委员会"),
    ("人大常委会", "人民代表大会常务委员会"), ("中纪委", "中央纪律检查委员会"), ("大湾区", "粤港澳大湾区"),
    ("党的二十大", "中国共产党第二十次全国代表大会"), ("十四五", "第十四个五年规划"), ("文明办", "精神文明建设办公室"),
    ("联合国安理会", "联合国安全理事会"), ("应急部", "应急管理部"), ("网信办", "互联网信息办公室"),
)
# characters OCR reads one for the other (and people type one for the other)
OCR_CONFUSIONS = {
    "己": "已巳", "已": "己巳", "巳": "已己", "曰": "日", "日": "曰", "〇": "0O", "未": "末", "末": "未",
    "戊": "戌", "戌": "戊", "土": "士", "士": "土", "人": "入", "入": "人", "干": "千", "千": "干", "天": "夭",
    "王": "玉", "玉": "王", "刀": "力", "力": "刀", "大": "太", "太": "大", "今": "令", "令": "今",
}
_BRACKETED = re.compile(r"[（(]\s*(?:以下)?(?:简称)?\s*[“\"「]?([\u4e00-\u9fff]{2,8})[”\"」]?\s*[）)]")
_ALIAS_RE = re.compile(r"[（(]\s*(?:以下)?简称\s*[“\"「]?([\u4e00-\u9fff]{2,8})[”\"」]?\s*[）)]")
PER_NAME = 3  # alias cases of one name typed, at most
SOURCE_SHARE = 3  # with cases only from some issues (split s2), this many times as many are drawn first
_DECADES = ("上旬", "中旬", "下旬")
_QUARTERS = "一二三四"
_CN = "〇一二三四五六七八九"


@dataclass(frozen=True)
class QDoc:
    id: str
    bulletin: str
    title: str
    text: str
    flat_title: str
    flat: str
    date: Any  # dt.date | None
    place: str | None
    city: str | None
    series: str
    year: int | None
    issue: int | None
    kind: str  # 简报 / 公文


@dataclass(frozen=True)
class QCase:
    kind: str
    query: str
    answers: frozenset[str]
    source: str  # the bulletin id the case was made from (decides its part)
    note: str = ""


@dataclass
class Score(R.KindScore):
    """bench.relevance's counts per kind, with the share of queries finding nothing."""

    zero: int = 0

    def add(self, ids: Sequence[str], answers: frozenset[str], total: int) -> int | None:
        rank = next((i for i, a in enumerate(ids[:20], 1) if a in answers), None)
        self.n += 1
        self.zero += total == 0
        if rank is not None:
            self.at1 += rank == 1
            self.at10 += rank <= 10
            self.rr += 1 / rank
        return rank

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "zero": round(self.zero / (self.n or 1), 3)}


SPLITS = ("s1", "s2")
S2_SEED = 2  # the s2 split's sample and cases
TUNED_SAMPLES = ((300, 1), (150, 1), (1000, 1))  # (sample, seed) of the xinwen samples tuned on before s2


def part_of(bulletin_id: str, split: str = "s1") -> str:
    """"dev" or "eval": a stable half of the issues, by a hash of the issue's id (salted by
    the split's name for any split but s1)."""
    key = bulletin_id if split == "s1" else f"{split}:{bulletin_id}"
    return "eval" if hashlib.sha1(key.encode("utf-8")).digest()[0] & 1 else "dev"


def fresh_xinwen(sample: int, seed: int = S2_SEED) -> list[Path]:
    """`sample` xinwen issues drawn with `seed` from those in no sample of TUNED_SAMPLES."""
    every = sorted(p for p in R.XINWEN.iterdir() if p.suffix == ".md")
    tuned = {p.name for n, sd in TUNED_SAMPLES for p in R.corpus_files(n, sd)}
    rest = [p for p in every if p.name not in tuned]
    return sorted(random.Random(seed).sample(rest, min(sample, len(rest))))


# ---------------------------------------------------------------- documents


def public_files() -> list[Path]:
    """tests/public's documents (the only other 简报 and the 公文 we have)."""
    if not PUBLIC.is_dir():
        return []
    return sorted(p for p in PUBLIC.iterdir() if p.suffix in (".txt", ".html", ".md"))


def generated_files(n: int, seed: int, workdir: Path) -> list[Path]:
    """`n` generated 简报 issues (bench/generate.py), written once under workdir."""
    from bench.generate import iter_issues

    out = workdir / f"gen-{n}-s{seed}"
    if not out.is_dir() or len(list(out.iterdir())) < n:
        out.mkdir(parents=True, exist_ok=True)
        for name, text, _k in iter_issues(n, seed):
            (out / name).write_text(text, encoding="utf-8")
    return sorted(out.iterdir())


def source_files(sample: int | None, seed: int, workdir: Path, generated: int = GENERATED,
                 split: str = "s1") -> list[Path]:
    """xinwen (all, a seeded sample, or none when absent; for s2 a sample of the issues never
    tuned on), the seed, tests/public, generated issues."""
    files: list[Path] = []
    if R.XINWEN.is_dir() and sample != 0:
        files += fresh_xinwen(sample or 300) if split == "s2" else R.corpus_files(sample, seed)[:-1]
    files.append(R.SEED)
    files += public_files()
    if generated:
        files += generated_files(generated, seed, workdir)
    return files


def load_docs(files: Iterable[Path]) -> list[QDoc]:
    """Every article of `files`, in the order of the files' names (not their paths: the
    cases drawn must not depend on where the checkout or the corpus lies)."""
    docs: list[QDoc] = []
    for b in (b for p in sorted(files, key=lambda p: (p.name, str(p))) for b in R.parsed([p])):
        for a in b.articles:
            ft = R.flat(a.title)
            docs.append(QDoc(a.id, b.id, a.title, a.text, ft, ft + "\n" + R.flat(a.text), b.date, a.place, a.city,
                             b.series, b.year, b.issue, b.kind))
    return docs


# ---------------------------------------------------------------- cases


class Draw:
    """What the kinds share: title words with their title frequencies, lookups."""

    def __init__(self, docs: Sequence[QDoc]) -> None:
        from indexer.store.analysis import word_list

        self.docs = docs
        self.by_id = {d.id: d for d in docs}
        self.words: dict[str, list[str]] = {}
        self.title_df: Counter[str] = Counter()
        for d in docs:
            ws = [w for w in dict.fromkeys(word_list(d.title)) if len(w) >= 2 and _HAN.fullmatch(w)]
            self.words[d.id] = ws
            self.title_df.update(ws)

    def good_words(self, d: QDoc, lo: int = 2, hi: int = 300) -> list[str]:
        return [w for w in self.words[d.id] if lo <= self.title_df[w] <= hi]

    def titles_with(self, ws: Sequence[str], limit: int = 60) -> list[str]:
        out = []
        for d in self.docs:
            if all(w in d.flat_title for w in ws):
                out.append(d.id)
                if len(out) > limit:
                    break
        return out

    def containing(self, s: str, limit: int | None = None) -> list[str]:
        return R._containing(self.docs, s, limit)  # type: ignore[arg-type]


def _pairs(dr: Draw, rng: random.Random, n: int, make: Callable[[QDoc, list[str]], tuple[str, str] | None],
           kind: str, k: int = 2, max_answers: int = 30) -> list[QCase]:
    """Cases from `k` words of a title, in title order: `make(doc, words)` → (query, note) or None."""
    pool = [d for d in dr.docs if len(dr.good_words(d)) >= k]
    rng.shuffle(pool)
    out: list[QCase] = []
    seen: set[str] = set()
    for d in pool:
        ws = dr.good_words(d)
        idx = sorted(rng.sample(range(len(ws)), k))
        pick = [ws[i] for i in idx]
        made = make(d, pick)
        if made is None or made[0] in seen:
            continue
        answers = dr.titles_with(pick, max_answers)
        if not answers or len(answers) > max_answers:
            continue
        seen.add(made[0])
        out.append(QCase(kind, made[0], frozenset(answers), d.bulletin, made[1]))
        if len(out) >= n:
            break
    return out


def unspaced_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        q = "".join(ws)
        return None if q in d.flat else (q, " ".join(ws))

    half = _pairs(dr, rng, n - n // 3, make, "unspaced")
    return half + _pairs(dr, rng, n // 3, make, "unspaced", k=3)


def question_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        return rng.choice(QUESTION_FORMS).format("".join(ws)), " ".join(ws)

    return _pairs(dr, rng, n, make, "question")


def _pinyin(word: str, style: str, rng: random.Random) -> str:
    from pypinyin import Style, lazy_pinyin

    if style == "tone":
        return "".join(lazy_pinyin(word, style=Style.TONE))
    if style == "digits":
        return "".join(lazy_pinyin(word, style=Style.TONE3))
    if style == "initials":
        return "".join(s[0] for s in lazy_pinyin(word, style=Style.NORMAL) if s)
    plain = "".join(lazy_pinyin(word, style=Style.NORMAL, v_to_u=False))
    return plain.replace("ü", "v")


def pinyin_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        style = rng.choice(("plain", "plain", "tone", "digits"))
        sep = rng.choice((" ", ""))
        return sep.join(_pinyin(w, style, rng) for w in ws), " ".join(ws)

    return _pairs(dr, rng, n, make, "pinyin")


def initials_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        return "".join(_pinyin(w, "initials", rng) for w in ws), " ".join(ws)

    return _pairs(dr, rng, n, make, "initials")


def mined_aliases(docs: Sequence[QDoc], limit: int = 400, brackets: bool = False) -> list[tuple[str, str]]:
    """(short, full) pairs from （以下简称“…”） (and with `brackets`, any bracket right after a
    name: 阿拉伯国家联盟（阿盟）): the full name is the shortest stretch before the bracket,
    within its clause, that starts with the short form's first character and holds its
    characters in order."""
    out: dict[tuple[str, str], None] = {}
    for d in docs:
        for m in (_BRACKETED if brackets else _ALIAS_RE).finditer(d.text):
            short = m.group(1)
            cut = r"[，。；：、“”《》（）()0-9A-Za-z\s]" if brackets else r"[，。；：、“”《》\s]"
            clause = re.split(cut, d.text[max(0, m.start() - 30) : m.start()])[-1]
            best = None
            for i in range(len(clause) - len(short), -1, -1):
                if clause[i] != short[0]:
                    continue
                it = iter(clause[i:])
                if all(c in it for c in short):
                    best = clause[i:]
                    break
            if brackets and best and len(best) > 3 * len(short) + 4:  # (a clause, not a name)
                best = None
            if best and best != short and len(best) > len(short):
                out[(short, best)] = None
                if len(out) >= limit:
                    return list(out)
    return list(out)


def shipped_pair(a: str, b: str) -> bool:
    """Whether a table shipped or written by hand (indexer/data/aliases.tsv, CURATED_ALIASES)
    holds the two names together (tuning on them would not be held out)."""
    from indexer.search.aliases import curated

    groups = [set(g) for g in curated()] + [set(p) for p in CURATED_ALIASES]
    return any(a in g and b in g for g in groups)


def alias_groups(docs: Sequence[QDoc], mined_only: bool = False) -> list[tuple[str, ...]]:
    """The groups of names the alias cases are drawn from: the pairs mined from the texts
    (（以下简称“…”）, and with `mined_only` any bracket after a name) that no shipped table holds,
    then the shipped tables' groups (indexer/data/aliases.tsv and CURATED_ALIASES; a group of
    three names gives three pairs). xinwen states few aliases (about ten pairs in all its 1,423
    issues), so the mined pairs alone make only a handful of cases: the shipped groups measure the
    expansion and its ranking on text the tables were not written from."""
    from indexer.search.aliases import curated

    mined = [p for p in dict.fromkeys(mined_aliases(docs, brackets=mined_only)) if not shipped_pair(*p)]
    groups = [tuple(p) for p in mined]
    groups += [tuple(g) for g in curated() if len(g) >= 2]
    groups += [tuple(p) for p in CURATED_ALIASES]
    return list(dict.fromkeys(groups))


def alias_cases(dr: Draw, rng: random.Random, n: int, mined_only: bool = False) -> list[QCase]:
    """Short ↔ full names (see the module doc and `alias_groups`): one name of a group typed with
    a word of the title of an article that holds another name of the group and never the one typed;
    answers: the articles holding a name of the group other than the one typed whose title holds
    the word. At most PER_NAME cases a name typed."""
    groups = alias_groups(dr.docs, mined_only)
    holders: dict[str, list[QDoc]] = defaultdict(list)
    forms = {f for g in groups for f in g}
    for d in dr.docs:
        for f in forms:
            if f in d.flat:
                holders[f].append(d)
    options: list[tuple[str, str, tuple[str, ...]]] = []  # (typed, present, group)
    for g in groups:
        options += [(a, b, g) for a in g for b in g if a != b]
    rng.shuffle(options)
    out: list[QCase] = []
    per_name: Counter[str] = Counter()
    for typed, present, group in options:
        if typed in present:  # 两会 in 全国两会: the literal already finds it
            continue
        docs = [d for d in holders.get(present, []) if typed not in d.flat]
        rng.shuffle(docs)
        others = [f for f in group if f != typed and typed not in f]
        for d in docs[:6]:
            ws = [w for w in dr.good_words(d) if not any(w in f or f in w for f in group)]
            if not ws or per_name[typed] >= PER_NAME:
                continue
            w = rng.choice(ws)
            if any(typed in x.flat and w in x.flat_title for x in dr.docs):
                continue
            answers = {x.id for f in others for x in holders.get(f, []) if w in x.flat_title and typed not in x.flat}
            out.append(QCase("alias", f"{typed} {w}", frozenset(answers), d.bulletin, f"{present} {w}"))
            per_name[typed] += 1
            if len(out) >= n:
                return out
    return out


def _homophones(dr: Draw) -> dict[str, list[str]]:
    return R._homophones(dr.docs)  # type: ignore[arg-type]


def typo2_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    from pypinyin import Style, lazy_pinyin

    sounds = _homophones(dr)
    words = sorted(w for w, k in dr.title_df.items() if k >= 4 and 4 <= len(w) <= 6)
    rng.shuffle(words)
    out: list[QCase] = []
    for word in words:
        i, j = sorted(rng.sample(range(len(word)), 2))
        typed = list(word)
        for p in (i, j):
            alts = [c for c in sounds.get(lazy_pinyin(word[p], style=Style.NORMAL)[0], [])[:8] if c != word[p]]
            if not alts:
                break
            typed[p] = rng.choice(alts)
        t = "".join(typed)
        if sum(a != b for a, b in zip(t, word)) != 2 or dr.containing(t, 1):
            continue
        answers = dr.containing(word)
        src = dr.by_id[answers[0]].bulletin
        out.append(QCase("typo2", t, frozenset(answers), src, word))
        if len(out) >= n:
            break
    return out


def ocr_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        spots = [(k, i) for k, w in enumerate(ws) for i, c in enumerate(w) if c in OCR_CONFUSIONS]
        if not spots:
            return None
        k, i = rng.choice(spots)
        w = ws[k]
        bad = w[:i] + rng.choice(OCR_CONFUSIONS[w[i]]) + w[i + 1 :]
        if dr.containing(bad, 1):
            return None
        typed = list(ws)
        typed[k] = bad
        return " ".join(typed), " ".join(ws)

    return _pairs(dr, rng, n, make, "ocr", max_answers=40)


def _date_phrase(d: QDoc, rng: random.Random) -> tuple[str, Callable[[Any], bool]] | None:
    day = d.date
    if day is None:
        return None
    form = rng.choice(("month", "month", "day", "year", "decade", "quarter", "range"))
    y, m = day.year, day.month
    if form == "month":
        return f"{y}年{m}月", lambda x: x is not None and (x.year, x.month) == (y, m)
    if form == "day":
        return f"{y}年{m}月{day.day}日", lambda x: x == day
    if form == "year":
        return f"{y}年", lambda x: x is not None and x.year == y
    if form == "decade":
        k = min(2, (day.day - 1) // 10)
        return (f"{y}年{m}月{_DECADES[k]}",
                lambda x: x is not None and (x.year, x.month) == (y, m) and min(2, (x.day - 1) // 10) == k)
    if form == "quarter":
        qn = (m - 1) // 3
        return f"{y}年{_QUARTERS[qn]}季度", lambda x: x is not None and x.year == y and (x.month - 1) // 3 == qn
    lo = max(1, m - rng.randint(0, 2))
    hi = min(12, lo + rng.randint(1, 3))
    if not lo <= m <= hi:
        hi = m
    return f"{y}年{lo}月至{hi}月", lambda x: x is not None and x.year == y and lo <= x.month <= hi


def _dated_cases(dr: Draw, rng: random.Random, n: int, kind: str,
                 make: Callable[[QDoc, random.Random], tuple[str, Callable[[Any], bool]] | None]) -> list[QCase]:
    """A date of an article written by `make` (the phrase and which dates it covers) beside a word
    of its title; answers: the articles of that period whose title holds the word."""
    pool = [d for d in dr.docs if d.date is not None and dr.good_words(d)]
    rng.shuffle(pool)
    out: list[QCase] = []
    for d in pool:
        made = make(d, rng)
        if made is None:
            continue
        phrase, when = made
        w = rng.choice(dr.good_words(d))
        answers = [x.id for x in dr.docs if w in x.flat_title and when(x.date)]
        if len(answers) > 30:
            continue
        q = f"{phrase} {w}" if rng.random() < 0.7 else f"{w} {phrase}"
        out.append(QCase(kind, q, frozenset(answers), d.bulletin, phrase))
        if len(out) >= n:
            break
    return out


def date_topic_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    return _dated_cases(dr, rng, n, "date_topic", _date_phrase)


def traditional_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    import opencc

    conv = opencc.OpenCC("s2t")

    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        t = " ".join(conv.convert(w) for w in ws)
        return (t, " ".join(ws)) if t != " ".join(ws) else None

    return _pairs(dr, rng, n, make, "traditional")


def place_topic_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    from archive import gazetteer

    pool = [d for d in dr.docs if d.place and dr.good_words(d)]
    rng.shuffle(pool)
    out: list[QCase] = []
    seen: set[str] = set()
    for d in pool:
        place = d.place or ""
        short = re.sub(r"(省|市|自治区|区|县)$", "", place) if len(place) > 2 else place
        if len(short) < 2 or not gazetteer.is_place(place):
            continue
        w = rng.choice(dr.good_words(d))
        answers = [x.id for x in dr.docs if w in x.flat_title and (short in x.flat or (x.place or "").startswith(short))]
        if not answers or len(answers) > 30:
            continue
        q = f"{short}{w}" if rng.random() < 0.5 else f"{short} {w}"
        if q in seen:
            continue
        seen.add(q)
        out.append(QCase("place_topic", q, frozenset(answers), d.bulletin, place))
        if len(out) >= n:
            break
    return out


def _cn_issue(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else _CN[tens] + "十") + (_CN[ones] if ones else "")


def issue_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    by_issue: dict[str, list[QDoc]] = defaultdict(list)
    for d in dr.docs:
        if d.kind == "简报" and d.issue and d.year:
            by_issue[d.bulletin].append(d)
    keys = sorted(by_issue)
    rng.shuffle(keys)
    out: list[QCase] = []
    for key in keys:
        arts = by_issue[key]
        d = rng.choice(arts)
        ws = dr.good_words(d, 2, 10_000)
        if not ws:
            continue
        w = rng.choice(ws)
        form = rng.randrange(3)
        num = (f"第{d.issue}期", f"第{_cn_issue(d.issue or 0)}期", f"{d.year}年第{d.issue}期")[form]
        # any 简报's issue of that number (and year, when typed) whose title holds the word:
        # the query does not name the series
        answers = [x.id for b, xs in by_issue.items() for x in xs if x.issue == d.issue
                   and (form < 2 or x.year == d.year) and w in x.flat_title]
        out.append(QCase("issue", f"{num} {w}", frozenset(answers), d.bulletin, d.series))
        if len(out) >= n:
            break
    return out


# -- kinds never named by issue 24 ----------------------------------------------------

_LATIN = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]{1,7}(?![A-Za-z0-9])")
_PUNCT_JOINS = ("，", "、", "；", " - ", "/")


def mixed_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Two title words, one of them in pinyin (huaian 志愿服务, 淮安 zhiyuanfuwu)."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        k = rng.randrange(2)
        typed = [(_pinyin(w, "plain", rng) if i == k else w) for i, w in enumerate(ws)]
        return " ".join(typed), " ".join(ws)

    return _pairs(dr, rng, n, make, "mixed")


def acronym_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A Latin acronym of a title (APEC, G20, 5G) with a Chinese word of the same title."""
    pool = [d for d in dr.docs if _LATIN.search(d.title) and dr.good_words(d)]
    rng.shuffle(pool)
    out: list[QCase] = []
    seen: set[str] = set()
    for d in pool:
        acro = rng.choice(_LATIN.findall(d.title))
        w = rng.choice(dr.good_words(d))
        q = f"{acro} {w}" if rng.random() < 0.5 else f"{acro}{w}"
        answers = dr.titles_with([R.flat(acro), w], 30)
        if q in seen or not answers or len(answers) > 30:
            continue
        seen.add(q)
        out.append(QCase("acronym", q, frozenset(answers), d.bulletin, f"{acro} {w}"))
        if len(out) >= n:
            break
    return out


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def fullwidth_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A date + topic case typed with full-width digits (２０２３年３月 交通)."""
    return [QCase("fullwidth", c.query.translate(_FULL), c.answers, c.source, c.note)
            for c in date_topic_cases(dr, rng, n)]


def punctuated_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Two title words joined by punctuation, a title's 《…》 kept, or a question mark added."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        form = rng.choice(("join", "join", "book", "ask"))
        if form == "book":
            m = re.search(r"《([^》]{2,20})》", d.title)
            if m:
                return f"《{m.group(1)}》{ws[0] if ws[0] not in m.group(1) else ''}", " ".join(ws)
        if form == "ask":
            return "".join(ws) + rng.choice(("？", "?", "！")), " ".join(ws)
        return rng.choice(_PUNCT_JOINS).join(ws), " ".join(ws)

    return _pairs(dr, rng, n, make, "punctuated")


def reversed_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """place_topic's cases with the topic first (志愿服务 淮安, 志愿服务淮安)."""
    out = []
    for c in place_topic_cases(dr, rng, n):
        place = re.sub(r"(省|市|自治区|区|县)$", "", c.note) if len(c.note) > 2 else c.note
        word = c.query.replace(place, "", 1).strip()
        sep = " " if rng.random() < 0.7 else ""
        out.append(QCase("reversed", f"{word}{sep}{place}", c.answers, c.source, c.note))
    return out


MAKERS: dict[str, Callable[[Draw, random.Random, int], list[QCase]]] = {
    "unspaced": unspaced_cases, "question": question_cases, "pinyin": pinyin_cases,
    "initials": initials_cases, "alias": alias_cases, "typo2": typo2_cases, "ocr": ocr_cases,
    "date_topic": date_topic_cases, "traditional": traditional_cases, "place_topic": place_topic_cases,
    "issue": issue_cases,
    "mixed": mixed_cases, "acronym": acronym_cases, "fullwidth": fullwidth_cases,
    "punctuated": punctuated_cases, "reversed": reversed_cases,
}


# -- kinds of the office's own typing (never named to us; scored, never tuned on eval) ------------
# How the staff of a 文明办 or a government office type into a search box: numbers written the
# other way, dates in other words, a title or a sentence pasted, quotes and book-title marks, a
# place at another level, a person with a title, requests wrapped around the words, Chinese
# operators and field names, one word too many, a misspelled place, a series and its issue.

_NUM_IN_TITLE = re.compile(r"(?<![0-9.])([1-9][0-9]{0,3})(万|亿|余|多|个|人|项|家|件|年|%|名|次|天|所|条|户)")
_CN_NUM_IN_TITLE = re.compile(r"(?<![〇零一二三四五六七八九十百千万0-9])([一二三四五六七八九十百千]{1,5})(万|亿|个|人|项|家|件|名|次|天|所|条|户)")
HONORIFICS = ("同志", "书记", "总书记", "主席", "总理", "部长", "市长", "省长", "县长", "局长", "主任", "先生", "女士")
WRAPS = ("请问{}有哪些相关报道？", "我想查一下{}的情况", "帮我找一下{}相关的文章", "有没有关于{}的简报",
         "{}相关信息", "查询{}方面的内容", "关于{}的有关情况汇报", "请问一下{}怎么做的")
STOP_FRAMES = ("关于{}的", "有关{}的情况", "{}的相关内容", "关于的{}", "{}方面的问题")
PROVINCE_SUFFIX = re.compile(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")


def numerals_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A number of a title typed the other way (15万 → 十五万, 2023年 → 二〇二三年, 10% → 百分之十,
    三万人 → 3万人) beside another title word; answers: titles holding the number as written and the word."""
    from archive.dates import cn_number

    pool = [d for d in dr.docs if (_NUM_IN_TITLE.search(d.flat_title) or _CN_NUM_IN_TITLE.search(d.flat_title))
            and dr.good_words(d, 1)]
    rng.shuffle(pool)
    out: list[QCase] = []
    seen: set[str] = set()
    for d in pool:
        m = _NUM_IN_TITLE.search(d.flat_title) or _CN_NUM_IN_TITLE.search(d.flat_title)
        assert m is not None
        num, unit = m.group(1), m.group(2)
        if num.isdigit():
            v = int(num)
            if unit == "%":
                typed = f"百分之{cn_numeral(v)}"
            elif unit == "年" and v >= 1900:
                typed = cn_digits(num) + "年"
            else:
                typed = cn_numeral(v) + unit
        else:
            v2 = cn_number(num)
            if v2 is None:
                continue
            typed = f"{v2}{unit}"
        ws = [w for w in dr.good_words(d, 1) if num not in w and w not in m.group(0)]
        if not ws:
            continue
        w = rng.choice(ws)
        q = f"{typed} {w}" if rng.random() < 0.5 else f"{w}{typed}"
        answers = dr.titles_with([m.group(0), w], 30)
        if q in seen or not answers or len(answers) > 30:
            continue
        seen.add(q)
        out.append(QCase("numerals", q, frozenset(answers), d.bulletin, m.group(0)))
        if len(out) >= n:
            break
    return out


def _date_words(d: QDoc, rng: random.Random) -> tuple[str, Callable[[Any], bool]] | None:
    """A date of the article in another wording than date_topic's (3月份, 年度, 二〇二三年三月,
    2023.03, 2023年03月, 上半年, 23年3月)."""
    day = d.date
    if day is None:
        return None
    y, m = day.year, day.month
    same_month = lambda x: x is not None and (x.year, x.month) == (y, m)  # noqa: E731
    form = rng.choice(("份", "年度", "cn", "dot", "zero", "half", "short"))
    if form == "份":
        return f"{y}年{m}月份", same_month
    if form == "年度":
        return f"{y}年度", lambda x: x is not None and x.year == y
    if form == "cn":
        return cn_digits(y) + f"年{cn_numeral(m)}月", same_month
    if form == "dot":
        return f"{y}.{m:02d}", same_month
    if form == "zero":
        return f"{y}年{m:02d}月", same_month
    if form == "half":
        h = m <= 6
        return f"{y}年{'上' if h else '下'}半年", lambda x: x is not None and x.year == y and (x.month <= 6) == h
    return f"{y % 100:02d}年{m}月", same_month


def date_words_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    return _dated_cases(dr, rng, n, "date_words", _date_words)


def mixed_script_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Two title words, one in traditional script, one in simplified (as a phone's IME mixes them)."""
    import opencc

    conv = opencc.OpenCC("s2t")

    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        k = rng.randrange(2)
        t = [conv.convert(w) if i == k else w for i, w in enumerate(ws)]
        if t == ws:
            return None
        return rng.choice((" ", "")).join(t), " ".join(ws)

    return _pairs(dr, rng, n, make, "mixed_script")


def pasted_title_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A whole title pasted with extra spaces, a line break, full-width spaces or other
    punctuation around or inside it; answers: the articles of that title."""
    by_title: dict[str, list[str]] = defaultdict(list)
    for d in dr.docs:
        by_title[d.flat_title].append(d.id)
    pool = [d for d in dr.docs if 8 <= len(d.flat_title) <= 40 and len(by_title[d.flat_title]) <= 5]
    rng.shuffle(pool)
    out: list[QCase] = []
    for d in pool[:n]:
        t = list(d.title.strip())
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(1, len(t))
            t.insert(at, rng.choice((" ", "  ", "\n", "\u3000", "，", "——", "：")))
        q = rng.choice(("", " ", "【", "“")) + "".join(t) + rng.choice(("", " ", "\n", "。", "】", "”"))
        out.append(QCase("pasted_title", q, frozenset(by_title[d.flat_title]), d.bulletin, d.title))
    return out


def _clauses(text: str, lo: int, hi: int) -> list[str]:
    return [c for c in re.split(r"[。！？；\n]", text) if lo <= len(c.strip()) <= hi]


def sentence_typo_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A clause of the body (12–40 characters) pasted with one character replaced by a homophone;
    answers: the articles holding the clause as written."""
    from pypinyin import Style, lazy_pinyin

    sounds = _homophones(dr)
    pool = list(dr.docs)
    rng.shuffle(pool)
    out: list[QCase] = []
    for d in pool:
        cs = _clauses(d.text, 12, 40)
        if not cs:
            continue
        c = rng.choice(cs).strip()
        spots = [i for i, ch in enumerate(c) if _HAN.fullmatch(ch)]
        if len(spots) < 8:
            continue
        i = rng.choice(spots[2:-2])
        alts = [a for a in sounds.get(lazy_pinyin(c[i], style=Style.NORMAL)[0], [])[:8] if a != c[i]]
        if not alts:
            continue
        typed = c[:i] + rng.choice(alts) + c[i + 1:]
        if dr.containing(R.flat(typed), 1):
            continue
        answers = dr.containing(R.flat(c), 31)
        if not answers or len(answers) > 30:
            continue
        out.append(QCase("sentence_typo", typed, frozenset(answers), d.bulletin, c))
        if len(out) >= n:
            break
    return out


def long_paste_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A long stretch of the body (150–260 characters, line breaks and all) pasted into the box;
    answers: the articles holding its first 60 characters."""
    pool = [d for d in dr.docs if len(d.text) >= 400]
    rng.shuffle(pool)
    out: list[QCase] = []
    for d in pool:
        at = rng.randrange(0, len(d.text) - 300)
        piece = d.text[at: at + rng.randint(150, 260)]
        head = R.flat(piece)[:60]
        if len(head) < 40:
            continue
        answers = dr.containing(head, 31)
        if not answers or len(answers) > 30:
            continue
        out.append(QCase("long_paste", piece, frozenset(answers), d.bulletin, head))
        if len(out) >= n:
            break
    return out


def quoted_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """One title word in quotes or book-title marks (“…”, 「…」, 《…》, ‘…’, "…") beside another."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        k = rng.randrange(2)
        a, b = rng.choice((("“", "”"), ("「", "」"), ("《", "》"), ("‘", "’"), ('"', '"')))
        t = [f"{a}{w}{b}" if i == k else w for i, w in enumerate(ws)]
        return rng.choice((" ", "")).join(t), " ".join(ws)

    return _pairs(dr, rng, n, make, "quoted")


def _province_of(name: str | None) -> str | None:
    from archive import gazetteer

    if not name:
        return None
    us = gazetteer.units_of(name)
    provinces = {u[0] for u in us}
    return provinces.pop() if len(provinces) == 1 else None


def province_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """The province (江苏, 江苏省) of an article whose place is a city or county of it, with a title
    word, the article not naming the province; answers: articles of that province (by their
    place, or naming it) whose title holds the word."""
    pool = [d for d in dr.docs if d.city and dr.good_words(d)]
    rng.shuffle(pool)
    out: list[QCase] = []
    seen: set[str] = set()
    for d in pool:
        prov = _province_of(d.city)
        if prov is None or prov == d.city:
            continue
        short = PROVINCE_SUFFIX.sub("", prov)
        if len(short) < 2 or short in d.flat:
            continue
        w = rng.choice(dr.good_words(d))
        answers = [x.id for x in dr.docs if w in x.flat_title
                   and (short in x.flat or _province_of(x.city) == prov)]
        typed = rng.choice((short, prov))
        q = f"{typed} {w}" if rng.random() < 0.6 else f"{typed}{w}"
        if q in seen or not answers or len(answers) > 30:
            continue
        seen.add(q)
        out.append(QCase("province", q, frozenset(answers), d.bulletin, d.city or ""))
        if len(out) >= n:
            break
    return out


def honorific_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A person of a title typed with a title or form of address (马善民同志, 李强总理) and,
    half the time, another title word; answers: titles holding the name (and the word)."""
    names = R._person_names(dr.docs, rng)  # type: ignore[arg-type]
    rng.shuffle(names)
    out: list[QCase] = []
    for name in names:
        holders = [d for d in dr.docs if name in d.flat_title]
        if not holders or len(holders) > 30:
            continue
        d = rng.choice(holders)
        ws = [w for w in dr.good_words(d) if name not in w and w not in name]
        h = rng.choice(HONORIFICS)
        q = f"{name}{h}"
        words = [name]
        if ws and rng.random() < 0.5:
            w = rng.choice(ws)
            q += rng.choice((" ", "")) + w
            words.append(w)
        if dr.containing(R.flat(q), 1):
            continue  # the string as typed is there: no test of the form of address
        answers = dr.titles_with(words, 30)
        if not answers or len(answers) > 30:
            continue
        out.append(QCase("honorific", q, frozenset(answers), d.bulletin, name))
        if len(out) >= n:
            break
    return out


def wrapped_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Two title words wrapped in a request at both ends (请问…有哪些相关报道？, 我想查一下…的情况)."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        return rng.choice(WRAPS).format(rng.choice(("", "的", " ")).join(ws)), " ".join(ws)

    return _pairs(dr, rng, n, make, "wrapped")


def stopwords_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """One title word inside function words only (有关垃圾分类的情况, 关于的垃圾分类)."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        return rng.choice(STOP_FRAMES).format(ws[0]), ws[0]

    return _pairs(dr, rng, n, make, "stopwords", k=1)


def operator_cn_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Operators typed as Chinese words: A和B, A与B, A及B (both), A或B, A或者B (either),
    A不含B, A 不包括 B (A without B)."""
    pool = [d for d in dr.docs if len(dr.good_words(d)) >= 2]
    rng.shuffle(pool)
    out: list[QCase] = []
    seen: set[str] = set()
    for d in pool:
        a, b = rng.sample(dr.good_words(d), 2)
        form = rng.choice(("and", "and", "or", "not"))
        if form == "and":
            q = f"{a}{rng.choice(('和', '与', '及', ' 和 '))}{b}"
            answers = dr.titles_with([a, b], 30)
        elif form == "or":
            if dr.title_df[a] + dr.title_df[b] > 25:
                continue
            q = f"{a}{rng.choice(('或', '或者', ' 或 '))}{b}"
            answers = [x.id for x in dr.docs if a in x.flat_title or b in x.flat_title]
        else:
            # b: a word of another title holding a, so that leaving it out matters
            others = [x for x in dr.docs if a in x.flat_title and x.id != d.id]
            if not others:
                continue
            bs = [w for w in dr.good_words(rng.choice(others)) if w != a and w not in d.flat]
            if not bs:
                continue
            b = rng.choice(bs)
            q = f"{a}{rng.choice(('不含', ' 不包括', '，不要'))}{b}"
            answers = [x.id for x in dr.docs if a in x.flat_title and b not in x.flat]
        if q in seen or not answers or len(answers) > 30 or dr.containing(R.flat(q), 1):
            continue
        seen.add(q)
        out.append(QCase("operator_cn", q, frozenset(answers), d.bulletin, form))
        if len(out) >= n:
            break
    return out


def cn_field_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A field typed in Chinese with either colon (标题：垃圾分类, 标题:淮安 志愿, 城市：淮安 志愿服务)."""
    pool = [d for d in dr.docs if dr.good_words(d)]
    rng.shuffle(pool)
    out: list[QCase] = []
    seen: set[str] = set()
    for d in pool:
        w = rng.choice(dr.good_words(d))
        colon = rng.choice(("：", ":", "： "))
        if d.city and rng.random() < 0.4:
            short = re.sub(r"(市|地区|自治州|盟)$", "", d.city)
            if len(short) < 2:
                continue
            q = f"城市{colon}{short} {w}"
            answers = [x.id for x in dr.docs if w in x.flat_title and x.city == d.city]
        else:
            q = f"标题{colon}{w}"
            answers = dr.titles_with([w], 30)
        if q in seen or not answers or len(answers) > 30:
            continue
        seen.add(q)
        out.append(QCase("cn_field", q, frozenset(answers), d.bulletin, w))
        if len(out) >= n:
            break
    return out


def over_specified_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Three title words and one more the article does not hold (as remembered wrongly);
    answers: the titles holding the three."""
    vocab = sorted(w for w, k in dr.title_df.items() if 20 <= k <= 300)

    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        extra = [w for w in rng.sample(vocab, min(20, len(vocab))) if w not in d.flat]
        if not extra:
            return None
        t = list(ws)
        t.insert(rng.randrange(len(t) + 1), extra[0])
        return " ".join(t), " ".join(ws)

    return _pairs(dr, rng, n, make, "over_specified", k=3)


def place_typo_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """place_topic's cases with one character of the place replaced by a homophone (淮按 志愿服务)."""
    from pypinyin import Style, lazy_pinyin

    sounds = _homophones(dr)
    out = []
    for c in place_topic_cases(dr, rng, 3 * n):
        place = re.sub(r"(省|市|自治区|区|县)$", "", c.note) if len(c.note) > 2 else c.note
        i = rng.randrange(len(place))
        alts = [a for a in sounds.get(lazy_pinyin(place[i], style=Style.NORMAL)[0], [])[:8] if a != place[i]]
        if not alts:
            continue
        bad = place[:i] + rng.choice(alts) + place[i + 1:]
        if dr.containing(bad, 1):
            continue
        out.append(QCase("place_typo", c.query.replace(place, bad, 1), c.answers, c.source, c.note))
        if len(out) >= n:
            break
    return out


def series_issue_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A 简报's series with its issue as staff cite it (《创文简报》第11期, 创文简报2022年第十一期,
    创文简报 第11期); answers: the articles of that issue."""
    by_issue: dict[str, list[QDoc]] = defaultdict(list)
    for d in dr.docs:
        if d.kind == "简报" and d.issue and d.year and d.series and _HAN.search(d.series):
            by_issue[d.bulletin].append(d)
    keys = sorted(by_issue)
    rng.shuffle(keys)
    out: list[QCase] = []
    for key in keys[:n]:
        d = by_issue[key][0]
        num = rng.choice((f"第{d.issue}期", f"第{_cn_issue(d.issue or 0)}期", f"{d.year}年第{d.issue}期"))
        series = rng.choice((d.series, f"《{d.series}》"))
        q = f"{series}{rng.choice(('', ' '))}{num}"
        answers = [x.id for b, xs in by_issue.items() for x in xs if x.series == d.series and x.issue == d.issue
                   and ("年" not in num or x.year == d.year)]
        out.append(QCase("series_issue", q, frozenset(answers), d.bulletin, d.series))
    return out


# ---------------------------------------------------------------- slips of the keyboard


def _slipped(dr: Draw, rng: random.Random, n: int, kind: str,
             slip: Callable[[str], str | None], shortest: int = 3) -> list[QCase]:
    """Two title words, one of them (of `shortest` characters or more) typed with `slip`
    (the result found nowhere in the archive); answers: the titles holding both words."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        spots = [k for k, w in enumerate(ws) if len(w) >= shortest]
        if not spots:
            return None
        k = rng.choice(spots)
        bad = slip(ws[k])
        if not bad or bad == ws[k] or (_HAN.fullmatch(bad) and dr.containing(bad, 1)):
            return None
        typed = list(ws)
        typed[k] = bad
        return " ".join(typed), " ".join(ws)

    return _pairs(dr, rng, n, make, kind)


def dropped_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A character left out of a word (志愿务 for 志愿服务)."""
    def slip(w: str) -> str:
        i = rng.randrange(len(w))
        return w[:i] + w[i + 1:]

    return _slipped(dr, rng, n, "dropped", slip)


def swapped_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Two neighbouring characters of a word typed the other way round (志服愿务)."""
    def slip(w: str) -> str:
        i = rng.randrange(len(w) - 1)
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]

    return _slipped(dr, rng, n, "swapped", slip, shortest=2)


def doubled_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A character typed twice (志愿愿服务), as an input method repeats one."""
    def slip(w: str) -> str:
        i = rng.randrange(len(w))
        return w[: i + 1] + w[i] + w[i + 1:]

    return _slipped(dr, rng, n, "doubled", slip, shortest=2)


def split_word_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A space typed inside a word, where no word ends (志 愿服务)."""
    from indexer.store.analysis import word_list

    def slip(w: str) -> str | None:
        ends = set()
        pos = 0
        for part in word_list(w):
            pos += len(part)
            ends.add(pos)
        cuts = [i for i in range(1, len(w)) if i not in ends]
        if not cuts:
            return None
        i = rng.choice(cuts)
        return w[:i] + " " + w[i:]

    return _slipped(dr, rng, n, "split_word", slip)


def pinyin_caps_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Both words in pinyin as a phone capitalises it: Huaian Zhiyuanfuwu, HuaiAn, HUAIAN."""
    from pypinyin import Style, lazy_pinyin

    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        style = rng.choice(("first", "each", "upper"))
        out = []
        for w in ws:
            syl = [x.replace("ü", "v") for x in lazy_pinyin(w, style=Style.NORMAL, v_to_u=False)]
            if style == "each":
                out.append("".join(x.capitalize() for x in syl))
            elif style == "upper":
                out.append("".join(syl).upper())
            else:
                out.append("".join(syl).capitalize())
        return " ".join(out), " ".join(ws)

    return _pairs(dr, rng, n, make, "pinyin_caps")


def half_pinyin_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """A word whose last characters were left in pinyin when the input method was cut
    short (垃圾fenlei), beside another title word."""
    from pypinyin import Style, lazy_pinyin

    def slip(w: str) -> str:
        i = rng.randrange(1, len(w))
        return w[:i] + "".join(lazy_pinyin(w[i:], style=Style.NORMAL, v_to_u=False)).replace("ü", "v")

    return _slipped(dr, rng, n, "half_pinyin", slip)


MAKERS.update({
    "dropped": dropped_cases, "swapped": swapped_cases, "doubled": doubled_cases, "split_word": split_word_cases,
    "pinyin_caps": pinyin_caps_cases, "half_pinyin": half_pinyin_cases,
})


MAKERS.update({
    "numerals": numerals_cases, "date_words": date_words_cases, "mixed_script": mixed_script_cases,
    "pasted_title": pasted_title_cases, "sentence_typo": sentence_typo_cases, "long_paste": long_paste_cases,
    "quoted": quoted_cases, "province": province_cases, "honorific": honorific_cases, "wrapped": wrapped_cases,
    "stopwords": stopwords_cases, "operator_cn": operator_cn_cases, "cn_field": cn_field_cases,
    "over_specified": over_specified_cases, "place_typo": place_typo_cases, "series_issue": series_issue_cases,
})


# ---------------------------------------------------------------- loose typing

# Southern-accent pinyin: the pairs input methods offer as "fuzzy pinyin" (模糊音).
FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("z", "zh"), ("c", "ch"), ("s", "sh"), ("n", "l"), ("l", "n"))
FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"), ("in", "ing"), ("en", "eng"), ("an", "ang"))
# What people wrap a topic in when they ask a search box for it.
REQUEST_FORMS = ("查一下{}", "帮我找{}的材料", "{}相关报道", "{}的新闻", "搜索{}", "有没有{}的文章", "{}相关简报",
                 "找{}方面的资料", "我想看{}", "{}的报道有哪些")


def _syllables(word: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return [x.replace("ü", "v") for x in lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)]


def _fuzz(syl: str, rng: random.Random) -> str | None:
    """One syllable as a southern accent types it (zhi → zi, ying → yin, nan → lan), or None."""
    ways = []
    for a, b in FUZZY_INITIALS:
        if syl.startswith(a) and not (a in ("z", "c", "s") and syl.startswith(a + "h")):
            ways.append(b + syl[len(a):])
    for a, b in FUZZY_FINALS:
        if syl.endswith(a) and not (a in ("in", "en", "an") and syl.endswith(a + "g")):
            ways.append(syl[: len(syl) - len(a)] + b)
    return rng.choice(ways) if ways else None


def fuzzy_pinyin_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Two title words in pinyin, one syllable typed with a southern accent (zhiyuan fuwu →
    ziyuan fuwu, huanjing → huanjin)."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        sylls = [_syllables(w) for w in ws]
        spots = [(i, j) for i, s in enumerate(sylls) for j, x in enumerate(s) if _fuzz(x, random.Random(0))]
        if not spots:
            return None
        i, j = rng.choice(spots)
        sylls[i][j] = _fuzz(sylls[i][j], rng) or sylls[i][j]
        return rng.choice((" ", "")).join("".join(s) for s in sylls), " ".join(ws)

    return _pairs(dr, rng, n, make, "fuzzy_pinyin")


def pinyin_slip_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Two title words in pinyin, one letter of a longer one left out, doubled or swapped with its
    neighbour (zhiyaun fuwu, lajifnelei)."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        typed = ["".join(_syllables(w)) for w in ws]
        spots = [k for k, t in enumerate(typed) if len(t) >= 6]
        if not spots:
            return None
        k = rng.choice(spots)
        t = typed[k]
        i = rng.randrange(1, len(t) - 1)
        how = rng.choice(("drop", "double", "swap"))
        if how == "drop":
            t = t[:i] + t[i + 1:]
        elif how == "double":
            t = t[: i + 1] + t[i] + t[i + 1:]
        else:
            t = t[:i] + t[i + 1] + t[i] + t[i + 2:]
        if t == typed[k]:
            return None
        typed[k] = t
        return " ".join(typed), " ".join(ws)

    return _pairs(dr, rng, n, make, "pinyin_slip")


def _numeric_date(d: QDoc, rng: random.Random) -> tuple[str, Callable[[Any], bool]] | None:
    """A date in digits as staff type it: 2023-03-15, 2023.3.15, 2023/03/15, 2023-03, 2023.3, 23年3月."""
    day = d.date
    if day is None:
        return None
    y, m, dd = day.year, day.month, day.day
    form = rng.choice(("iso", "dots", "slashes", "month_iso", "month_dots", "short_year"))
    if form == "iso":
        return f"{y}-{m:02d}-{dd:02d}", lambda x: x == day
    if form == "dots":
        return f"{y}.{m}.{dd}", lambda x: x == day
    if form == "slashes":
        return f"{y}/{m:02d}/{dd:02d}", lambda x: x == day
    month = (lambda x: x is not None and (x.year, x.month) == (y, m))
    if form == "month_iso":
        return f"{y}-{m:02d}", month
    if form == "month_dots":
        return f"{y}.{m}", month
    return f"{y % 100:02d}年{m}月", month


def numeric_date_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    return _dated_cases(dr, rng, n, "numeric_date", _numeric_date)


def _year_span(d: QDoc, rng: random.Random) -> tuple[str, Callable[[Any], bool]] | None:
    """Years as a span (2022—2024年, 2022年至2024年) or from a year on (2023年以来, 2023年至今)."""
    if d.date is None:
        return None
    y = d.date.year
    if rng.random() < 0.5:
        lo = y - rng.randint(0, 2)
        hi = max(y, lo + 1) + rng.randint(0, 1)
        form = rng.choice(("{}—{}年", "{}年至{}年", "{}-{}年", "{}到{}年"))
        return form.format(lo, hi), lambda x: x is not None and lo <= x.year <= hi
    lo = y - rng.randint(0, 1)
    return f"{lo}年{rng.choice(('以来', '至今', '以后'))}", lambda x: x is not None and x.year >= lo


def year_span_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    return _dated_cases(dr, rng, n, "year_span", _year_span)


def char_spaced_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Two title words, one typed with a space after every character (垃 圾 分 类 上海)."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        spots = [k for k, w in enumerate(ws) if len(w) >= 3]
        if not spots:
            return None
        k = rng.choice(spots)
        typed = list(ws)
        typed[k] = " ".join(ws[k])
        return " ".join(typed), " ".join(ws)

    return _pairs(dr, rng, n, make, "char_spaced")


def request_cases(dr: Draw, rng: random.Random, n: int) -> list[QCase]:
    """Two title words wrapped in the words of a request (帮我找淮安志愿服务的材料)."""
    def make(d: QDoc, ws: list[str]) -> tuple[str, str] | None:
        return rng.choice(REQUEST_FORMS).format(rng.choice(("", " ")).join(ws)), " ".join(ws)

    return _pairs(dr, rng, n, make, "request")


MAKERS.update({
    "fuzzy_pinyin": fuzzy_pinyin_cases, "pinyin_slip": pinyin_slip_cases, "numeric_date": numeric_date_cases,
    "char_spaced": char_spaced_cases, "request": request_cases, "year_span": year_span_cases,
})


def known_answers(docs: Sequence[QDoc], seed: int = 1, per_kind: int = 40,
                  kinds: Sequence[str] = KINDS, sources: set[str] | None = None,
                  mined_only: bool = False) -> list[QCase]:
    """Every kind's cases, drawn with `random.Random(f"{seed}-{kind}")`; with `sources`, only
    cases made from those issues (bulletin ids), `per_kind` at most of each kind; with
    `mined_only`, alias pairs only from those mined that no shipped table holds."""
    by_id = {d.id: d for d in docs}
    out: list[QCase] = []
    draw = per_kind if sources is None else per_kind * SOURCE_SHARE
    old = [k for k in kinds if k in R.KINDS]
    if old:
        rdocs = [R.Doc(d.id, d.title, d.text, d.flat_title, d.flat) for d in docs]
        for c in R.known_answers(rdocs, seed, draw):
            if c.kind in old:
                out.append(QCase(c.kind, c.query, c.answers, by_id[min(c.answers)].bulletin, c.note))
    dr = Draw(docs)
    for kind in kinds:
        rng = random.Random(f"{seed}-{kind}")
        if kind == "alias":
            out += alias_cases(dr, rng, draw, mined_only)
        elif kind in MAKERS:
            out += MAKERS[kind](dr, rng, draw)
    if sources is None:
        return out
    kept: list[QCase] = []
    per: Counter[str] = Counter()
    for c in out:
        if c.source in sources and per[c.kind] < per_kind:
            kept.append(c)
            per[c.kind] += 1
    return kept


# ---------------------------------------------------------------- systems


def project_search(index: Path) -> Callable[[str], tuple[list[str], int]]:
    from indexer.search.engine import search
    from indexer.store.handles import IndexHandle

    handle = IndexHandle(index)

    def run(query: str) -> tuple[list[str], int]:
        res = search(handle, query, per_page=20)
        return R.hit_ids(res), res["total"]

    return run


class Tantivy:
    """The references: tantivy BM25 over pre-analysed text, one field per analysis."""

    VIEWS = ("words", "bigrams", "pinyin")

    def __init__(self, docs: Sequence[QDoc]) -> None:
        import tantivy

        self.t = tantivy
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        for v in self.VIEWS:
            sb.add_text_field(v, tokenizer_name="whitespace")
        self.schema = sb.build()
        self.index = tantivy.Index(self.schema)
        w = self.index.writer(heap_size=100_000_000, num_threads=1)
        self._py: dict[str, str] = {}
        for d in docs:
            text = d.title + "\n" + d.title + "\n" + d.text
            w.add_document(tantivy.Document(id=d.id, **self.views(text)))
        w.commit()
        self.index.reload()
        self.searcher = self.index.searcher()

    def _pinyin_of(self, word: str) -> str:
        p = self._py.get(word)
        if p is None:
            from pypinyin import Style, lazy_pinyin

            p = self._py[word] = "".join(lazy_pinyin(word, style=Style.NORMAL, errors="default")).lower()
        return p

    def views(self, text: str) -> dict[str, str]:
        from indexer.store.analysis import units, word_list

        ws = word_list(text)
        us = [u.strip() for u in units(text)]
        return {"words": " ".join(ws), "bigrams": " ".join(a + b for a, b in zip(us, us[1:])) or " ".join(us),
                "pinyin": " ".join(self._pinyin_of(w) for w in ws)}

    def query_tokens(self, view: str, query: str) -> list[str]:
        if view == "pinyin" and re.fullmatch(r"[\sA-Za-z0-9āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜüÜv]+", query):
            import unicodedata

            plain = unicodedata.normalize("NFKD", query)
            plain = "".join(c for c in plain if not unicodedata.combining(c)).replace("ü", "v")
            return [t for t in re.sub(r"\d", "", plain).lower().split() if t]
        return [t for t in self.views(query)[view].split() if t]

    def run(self, view: str, op: str, query: str) -> tuple[list[str], int]:
        toks = list(dict.fromkeys(self.query_tokens(view, query)))
        if not toks:
            return [], 0
        occur = self.t.Occur.Must if op == "and" else self.t.Occur.Should
        qs = [(occur, self.t.Query.term_query(self.schema, view, tok)) for tok in toks]
        res = self.searcher.search(self.t.Query.boolean_query(qs), 20, count=True)
        ids = [self.searcher.doc(addr)["id"][0] for _s, addr in res.hits]
        return ids, res.count or 0

    def systems(self) -> dict[str, Callable[[str], tuple[list[str], int]]]:
        return {
            "tantivy words OR": lambda s: self.run("words", "or", s),
            "tantivy words AND": lambda s: self.run("words", "and", s),
            "tantivy bigrams": lambda s: self.run("bigrams", "or", s),
            "tantivy pinyin": lambda s: self.run("pinyin", "or", s),
        }


def score(systems: dict[str, Callable[[str], tuple[list[str], int]]], cases: Sequence[QCase],
          parts: Sequence[str] = ("dev", "eval"), misses: str | None = None, split: str = "s1") -> dict[str, Any]:
    """{part: {system: {kind: figures}}} over `cases` (and `misses` of one kind, kept)."""
    out: dict[str, Any] = {}
    kept: list[dict[str, Any]] = []
    for part in parts:
        mine = [c for c in cases if part_of(c.source, split) == part]
        out[part] = {}
        for name, run in systems.items():
            by_kind: dict[str, Score] = {}
            for c in mine:
                ids, total = run(c.query)
                sc = by_kind.setdefault(c.kind, Score())
                rank = sc.add(ids, c.answers, total)
                if misses in (c.kind, "all") and name == "project" and rank != 1:
                    kept.append({"part": part, "kind": c.kind, "query": c.query, "note": c.note, "rank": rank,
                                 "total": total, "answers": len(c.answers)})
            out[part][name] = {k: by_kind[k].to_dict() for k in KINDS if k in by_kind}
    if misses:
        out["misses"] = kept
    return out


def build_index(files: Sequence[Path], workdir: Path, rebuild: bool = False) -> Path:
    return R.build_index(files, workdir, rebuild)


def table(result: dict[str, Any], part: str) -> str:
    """One part's figures: a row per kind, a column group per system."""
    systems = list(result[part])
    head = "| kind | n | " + " | ".join(systems) + " |"
    lines = [f"{part}: success@1 / success@10 / MRR@20 / zero-hit", head, "|---|---|" + "---|" * len(systems)]
    for k in KINDS:
        row = result[part][systems[0]].get(k)
        if row is None:
            continue
        cells = []
        for s in systems:
            f = result[part][s].get(k, {})
            cells.append(f"{f.get('success@1', 0):.2f} / {f.get('success@10', 0):.2f} / "
                         f"{f.get('mrr@20', 0):.2f} / {f.get('zero', 0):.2f}")
        lines.append(f"| {k} | {row['n']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(sample: int | None, seed: int, per_kind: int, refs: bool, parts: Sequence[str], workdir: Path,
        rebuild: bool = False, misses: str | None = None, generated: int = GENERATED,
        kinds: Sequence[str] = KINDS, split: str = "s1") -> dict[str, Any]:
    """Build (or reuse) the index, draw the cases (of `kinds`), score them (split s2: see the module doc)."""
    seed = S2_SEED if split == "s2" else seed
    files = source_files(sample, seed, workdir, generated, split)
    t0 = time.perf_counter()
    index = build_index(files, workdir, rebuild)
    t_index = time.perf_counter() - t0
    docs = load_docs(files)
    if split == "s2":
        fresh = {p.name for p in fresh_xinwen(sample or 300)}
        sources = {d.bulletin for d in load_docs([p for p in files if p.name in fresh])}
        cases = known_answers(docs, seed, per_kind, kinds, sources=sources, mined_only=True)
    else:
        cases = known_answers(docs, seed, per_kind, kinds)
    systems = {"project": project_search(index)}
    if refs:
        systems.update(Tantivy(docs).systems())
    t1 = time.perf_counter()
    result = score(systems, cases, parts, misses, split)
    result["meta"] = {"split": split, "sample": sample, "seed": seed, "per_kind": per_kind, "files": len(files),
                      "articles": len(docs), "cases": len(cases), "index_s": round(t_index, 1),
                      "score_s": round(time.perf_counter() - t1, 1), "xinwen": R.XINWEN.is_dir()}
    return result


def compare(before: dict[str, Any], after: dict[str, Any], part: str) -> str:
    """One part's table: the project before and after (s@1 / s@10 / MRR@20 / zero-hit) and the
    references' MRR@20 / zero-hit (from whichever result has them)."""
    refs = [s for s in (after.get(part) or {}) if s != "project"] or [s for s in before[part] if s != "project"]
    src = after if any(s in after.get(part, {}) for s in refs) else before
    lines = [f"{part}: project s@1 / s@10 / MRR@20 / zero-hit; references MRR@20 / zero-hit",
             "| kind | n | before | after | " + " | ".join(refs) + " |", "|---|---|---|---|" + "---|" * len(refs)]

    def cell(f: dict[str, Any]) -> str:
        return f"{f['success@1']:.2f} / {f['success@10']:.2f} / {f['mrr@20']:.2f} / {f['zero']:.2f}"

    for k in KINDS:
        a = after[part]["project"].get(k)
        b = before[part]["project"].get(k)
        if a is None or b is None:
            continue
        ref = [f"{src[part][r][k]['mrr@20']:.2f} / {src[part][r][k]['zero']:.2f}" for r in refs]
        lines.append(f"| {k} | {a['n']} | {cell(b)} | {cell(a)} | " + " | ".join(ref) + " |")
    return "\n".join(lines)


# The small fixed slices tests/test_querysets.py scores against FIGURES: (xinwen sample, per kind).
SLICES = {"seed": (0, 12), "xinwen": (150, 10)}
TOLERANCE = 0.02  # a kind may not fall by more than this on any figure


def slice_figures(name: str, workdir: Path) -> dict[str, Any]:
    """The project's figures on one fixed slice (both parts), index built under `workdir`."""
    sample, per_kind = SLICES[name]
    return run(sample, 1, per_kind, False, ("dev", "eval"), workdir)


def falls(now: dict[str, Any], then: dict[str, Any], tolerance: float = TOLERANCE) -> list[str]:
    """Where `now` is worse than `then` by more than `tolerance` ({part: {"project": {kind: figures}}})."""
    out = []
    for part, systems in then.items():
        if part not in ("dev", "eval"):
            continue
        for kind, old in systems["project"].items():
            new = now[part]["project"].get(kind)
            if new is None:
                out.append(f"{part} {kind}: no cases drawn")
                continue
            for metric in METRICS:
                worse = new[metric] - old[metric] if metric == "zero" else old[metric] - new[metric]
                if worse > tolerance:
                    out.append(f"{part} {kind} {metric}: {old[metric]} → {new[metric]}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=None, help="a seeded sample of N xinwen issues (default all; 0 none)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-kind", type=int, default=40)
    ap.add_argument("--refs", action="store_true", help="also score the tantivy references")
    ap.add_argument("--part", choices=("dev", "eval", "both"), default="dev")
    ap.add_argument("--split", choices=SPLITS, default="s1",
                    help="s1: the sample of --seed (tuned on); s2: issues never tuned on (see the module doc)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--show-misses", metavar="KIND", default=None)
    ap.add_argument("--kinds", default=None, help="only these kinds (comma-separated; default all)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--write", type=Path, default=None, help="also write the result to this JSON file")
    ap.add_argument("--slices", action="store_true",
                    help=f"score the fixed slices of the regression test and write them to {FIGURES.name}")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
                    help="print the before/after table of two written results (and the references)")
    args = ap.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        for p in ("dev", "eval"):
            if p in before and p in after:  # (a run of one --part has only that part)
                print(compare(before, after, p))
        return 0
    if args.slices:
        figures = {name: slice_figures(name, WORKDIR.with_name(f"querysets-slice-{name}")) for name in SLICES}
        FIGURES.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        for name, res in figures.items():
            print(name, json.dumps(res["meta"], ensure_ascii=False))
            for p in ("dev", "eval"):
                print(table(res, p))
        return 0
    parts = ("dev", "eval") if args.part == "both" else (args.part,)
    workdir = WORKDIR if args.sample is None else WORKDIR.with_name(f"querysets-{args.sample}-s{args.seed}")
    kinds = tuple(args.kinds.split(",")) if args.kinds else KINDS
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        ap.error(f"unknown kinds: {', '.join(unknown)}")
    if args.split != "s1":
        workdir = WORKDIR.with_name(f"querysets-{args.sample or 300}-{args.split}")
    result = run(args.sample, args.seed, args.per_kind, args.refs, parts, workdir, args.rebuild, args.show_misses,
                 kinds=kinds, split=args.split)
    if args.write:
        args.write.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(json.dumps(result["meta"], ensure_ascii=False))
        for p in parts:
            print(table(result, p))
        for m in result.get("misses", []):
            print(m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
