"""公文 fields on batch 7's development pages (tests/realdocs/dev, issue 19): the failure kinds they showed,
each read by a general mechanism (a date line that lost its 年月日, the grammar's 署名 right above its 成文日期,
joint issuers run together), tested on the real pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from archive.parse import parse_file

DEV = Path(__file__).parent / "realdocs" / "dev"


def test_a_date_line_that_lost_its_separators_is_the_date() -> None:
    """东宁 `2018525` under the 署名, 遂宁 `2020226` under two joint issuers set apart by spaces, 芜湖 `2024327`
    alone: each the 成文日期, read the one way its digits make a date."""
    assert parse_file(DEV / "dongning-2018-ganhan-zaihai-yuan-tongzhi.txt").date == dt.date(2018, 5, 25)
    b = parse_file(DEV / "suining-2020-jiben-gonggong-weisheng-zijin-tongzhi.txt")
    assert (b.date, b.issuer) == (dt.date(2020, 2, 26), "遂宁市财政局、遂宁市卫生健康委员会")
    assert parse_file(DEV / "wuhu-jiaoyuju-2024-gongzuo-yaodian-tongzhi.txt").date == dt.date(2024, 3, 27)


def test_a_squeezed_date_is_read_only_when_its_digits_allow_one_date() -> None:
    from archive.dates import squeezed_date

    assert squeezed_date("2017 6 23") == dt.date(2017, 6, 23) and squeezed_date("20171116") == dt.date(2017, 11, 16)
    assert squeezed_date("2020111") is None  # 1-11 or 11-1
    assert squeezed_date("20163") is None and squeezed_date("13805102273") is None and squeezed_date("2019") is None


def test_a_list_of_organs_in_the_body_is_no_signature() -> None:
    """南阳's 决定 lists the commended 县人民政府 one to a line, then a paragraph, then 二○一一年二月二十三日 with no
    署名: the list is 正文 (a 署名 stands right above its date), the Chinese-numeral date is the 成文日期."""
    b = parse_file(DEV / "nanyang-2011-wanzheng-7-tongdabei-biaozhang-jueding.txt")
    assert b.date == dt.date(2011, 2, 23) and b.issuer is None
    assert "邓州市人民政府" in b.articles[0].body


def test_joint_issuers_run_together_are_each_named() -> None:
    """山东省农业农村厅山东省财政厅 glued on the 署名 line; 中共宿州市委宿州市人民政府 at the head of a title the copy
    signs nowhere; traditional 中共吉林省委辦公廳吉林省人民政府辦公廳 likewise."""
    b = parse_file(DEV / "shandong-nongye-caizheng-2021-lunongfaguizi-24-chanyeyuan-mingdan-tongzhi.txt")
    assert b.issuer == "山东省农业农村厅、山东省财政厅"
    assert parse_file(DEV / "suzhou-ah-2023-sufa-11-wenlv-ronghe-yijian.txt").issuer == "中共宿州市委、宿州市人民政府"
    assert parse_file(DEV / "jilin-2017-jibanfa-49-xiangzhen-fuwu-nengli-yijian-tongzhi.txt").issuer == "中共吉林省委辦公廳、吉林省人民政府辦公廳"


def test_one_organ_and_its_units_stay_whole() -> None:
    from archive.features import joint_organs

    for name in ("湖南省人民政府办公厅", "北京市东城区教育委员会", "宁波市公安局江北分局", "安康市公安局交通警察支队", "中共湖州市委组织部"):
        assert joint_organs(name) == [name]


def test_a_forum_s_anti_scraping_filler_is_taken_off_and_the_title_is_whole() -> None:
    """A forum's copy of an 应急管理部 函: jammer lines (`6 ^$ {- Q H& …`) inside the title and one glued before the
    主送. They go as removed chrome with their rule; the title, the 主送 and the 署名 (a ministry's 司) are read."""
    from archive.explain import explain
    from archive.readers import read_document

    path = DEV / "yingjibu-jichusi-2019-kuangshan-fengxian-zhinan-zhengqiu-han.txt"
    b = parse_file(path)
    assert b.articles[0].title == "关于征求《金属非金属矿山企业安全风险分级管控工作指南》意见的函" and b.doc_type == "函"
    assert b.addressee.startswith("各省、自治区、直辖市应急管理厅") and b.issuer == "应急管理部安全生产基础司"
    places = explain(read_document(path))[1]
    assert sum(p.place == "已去除：论坛防采集乱码" for p in places) == 4 and not any(p.lost for p in places)


def test_a_law_site_s_promulgation_date_stands_in_for_a_missing_date() -> None:
    """定西's 意见 under a law site's `颁布单位:… | 文号: |` / `颁布日期:2012-05-21 |` rows, with no 署名 or date in the copy."""
    assert parse_file(DEV / "dingxi-2012-jiaqiang-huanjing-baohu-yijian.txt").date == dt.date(2012, 5, 21)


def test_a_law_site_s_fields_glued_to_their_values_are_metadata_and_the_addressee_follows() -> None:
    """安徽省交通运输厅党组's notice under `发文机关中共…` / `时效性现行有效` / `施行日期2021年12月21日` rows (no colon):
    all the page's fields, so the 主送 under them is read, and the page prints no title of the notice."""
    b = parse_file(DEV / "anhui-jiaotong-dangzu-2021-wanjiaofa-63-fazhi-zhengfu-yijian-tongzhi.txt")
    assert b.addressee.rstrip(":：") == "厅直各单位,驻厅纪检监察组,厅机关各处室"
    assert (b.serial, b.date) == ("皖交发〔2021〕63号", dt.date(2021, 12, 21)) and not b.articles[0].printed_title


def test_a_note_between_the_signature_and_its_date_keeps_both() -> None:
    """牟定: 署名, （此件公开发布）, then the date the copy garbled (`{ 2017 6 23`): the date under the 署名 is the
    成文日期 (not the page's posting day 2017年06月28日), the note its 附注."""
    b = parse_file(DEV / "mouding-2017-moubanfa-46-yuan-tongzhi.txt")
    assert (b.date, b.issuer, b.annotation) == (dt.date(2017, 6, 23), "牟定县人民政府办公室", "此件公开发布")


def test_a_serial_in_a_page_s_field_table_after_the_document_is_read() -> None:
    """南阳's 决定 prints no 发文字号; the page's table after it does, its header row copied without cells
    (`索  引  号 文  号 发布机构 …`) and the values on the next lines (`N001-2011-000627 宛政〔2011〕7号`)."""
    from archive.features import key_row

    assert parse_file(DEV / "nanyang-2011-wanzheng-7-tongdabei-biaozhang-jueding.txt").serial == "宛政〔2011〕7号"
    assert key_row("主题词:农村公路 通达杯 表彰 决定") is None
