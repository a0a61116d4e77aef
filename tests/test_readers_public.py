"""Real public OFD files (tests/public/, ofdrw's test resources): the fields a careful reader
sees each come out as one whole paragraph, in reading order, with the layout hints."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.readers import read_document

PUBLIC = Path(__file__).resolve().parent / "public"

# (file, the lines a person reads off the page as the document's fields, in order)
CASES = {
    "ofdrw-n-pifu.ofd": [
        "测试符路桥区卫生局文件",  # 发文机关标志
        "路卫发〔2011〕76号",  # 发文字号
        "关于同意张阿三同志辞职的批复",  # 标题
        "区中医院：",  # 主送机关
        "测试符路桥区卫生局办公室",  # 署名
        "2011年3月10日",  # 成文日期
        "测试符路桥区卫生局办公室\t2011年3月10日印发",  # 印发机关和印发日期
    ],
    "ofdrw-testPathFillOpacity-han.ofd": ["关于加快南货场铁路涵洞下穿建设的函", "蚌山区政府：", "此函。", "2023年7月12日"],
    "ofdrw-hello-nalaizhuyi.ofd": ["拿来主义", "鲁迅", "所以我们要运用脑髓，放出眼光，自己来拿！"],
    "ofdrw-helloworld-pageblock.ofd": ["你好呀，OFD Reader&Writer！"],
}


@pytest.mark.parametrize("name", list(CASES))
def test_public_ofd_fields_are_whole_paragraphs_in_order(name):
    doc = read_document(PUBLIC / name, use_cache=False)
    texts = [p.text for p in doc.paragraphs if p.kind == "body"]
    positions = [texts.index(field) for field in CASES[name]]
    assert positions == sorted(positions)


def test_public_gongwen_hints_and_page_numbers():
    doc = read_document(PUBLIC / "ofdrw-n-pifu.ofd", use_cache=False)
    by_text = {p.text: p for p in doc.paragraphs}
    mark, title, serial = by_text["测试符路桥区卫生局文件"], by_text["关于同意张阿三同志辞职的批复"], by_text["路卫发〔2011〕76号"]
    assert mark.bold and mark.size > 2 * serial.size  # the 发文机关标志 in large bold type
    assert title.bold and title.align == "center" and serial.align == "center"
    assert [p.text for p in doc.paragraphs if p.kind == "page-number"] == ["— 1 —", "— 2 —"]
    # the body paragraph that runs over the page break is rejoined
    body = next(p.text for p in doc.paragraphs if p.text.startswith("该同志由于家庭"))
    assert body.endswith("同意张阿三同志辞职。") and by_text["2011年3月10日"].page == 2
