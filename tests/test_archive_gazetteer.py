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
    assert lines[0].split("\t") == ["name", "kind", "city", "province", "current_name"]
    return [ln.split("\t") for ln in lines[1:]]


def test_table_has_13_cities_and_95_county_level_units_of_jiangsu():
    rows = _rows()
    js_cities = {r[0] for r in rows if r[1] == "city" and r[3] == "江苏省" and r[0].endswith("市")}
    assert js_cities == set(CITIES) and len(CITIES) == 13
    counties = [(r[0], r[2]) for r in rows if r[1] == "county"]
    assert len(counties) == 95
    per_city = defaultdict(int)
    for _, city in counties:
        per_city[city] += 1
    assert set(per_city) == set(CITIES)
    assert per_city["南京市"] == 11 and per_city["苏州市"] == 9 and per_city["南通市"] == 7


def test_every_row_is_well_formed():
    for name, kind, city, province, _current in _rows():
        assert kind in {"province", "city", "county", "former"}, name
        assert province
        assert (city == "") == (kind == "province"), name
        if kind in {"county", "former"}:
            assert city in CITIES, name


@pytest.mark.parametrize(
    ("name", "city"),
    [
        ("淮安市", "淮安市"), ("淮安区", "淮安市"), ("玄武区", "南京市"), ("沭阳县", "宿迁市"),
        ("清江浦区", "淮安市"), ("海门区", "南通市"), ("海安市", "南通市"),
        # former names still found in old bulletins
        ("清河区", "淮安市"), ("清浦区", "淮安市"), ("白下区", "南京市"), ("楚州区", "淮安市"),
        ("港闸区", "南通市"), ("宿迁县", "宿迁市"),
        # short forms and compounds
        ("南京", "南京市"), ("江苏南京", "南京市"), ("南京玄武区", "南京市"), ("江苏省南京市玄武区", "南京市"),
        ("杭州市", "杭州市"),
    ],
)
def test_city_of(name, city):
    assert is_place(name)
    assert city_of(name) == city


@pytest.mark.parametrize("name", ["江苏省", "江苏", "陕西", "陕西省", "内蒙古", "广西", "新疆", "鼓楼区"])
def test_places_without_a_single_city(name):
    assert is_place(name)
    assert city_of(name) is None  # a province, or 鼓楼区 (in 南京市 and 徐州市)


@pytest.mark.parametrize("name", ["省文明办", "", "淮", "江苏文明", "郊区", "南京玄武", "中方"])
def test_not_places(name):
    assert not is_place(name)
    assert city_of(name) is None


def test_former_names_point_to_their_successor():
    (row,) = lookup("楚州区")
    assert (row.kind, row.city, row.current_name) == ("former", "淮安市", "淮安区")
    assert {p.city for p in lookup("鼓楼区")} == {"南京市", "徐州市"}


def test_find_places_longest_whole_names_first_seen_order():
    text = "淮安市清江浦区、淮安区和淮安的志愿者，江苏南京、陕西，淮安市再次出现"
    assert find_places(text) == ("淮安市", "清江浦区", "淮安区", "淮安", "江苏", "南京", "陕西")
    assert find_places("") == ()
    assert find_places("没有地名的句子。") == ()


def test_table_loaded_once():
    gazetteer._table.cache_clear()
    lookup("淮安市")
    lookup("玄武区")
    assert gazetteer._table.cache_info().misses == 1


def test_no_duplicate_rows():
    rows = Counter(tuple(r) for r in _rows())
    assert [r for r, n in rows.items() if n > 1] == []
