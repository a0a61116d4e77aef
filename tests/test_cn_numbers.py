"""Chinese numerals read without cn2an (archive.dates.plain_cn_number) read as cn2an reads them."""

from __future__ import annotations

import random

import cn2an

from archive.dates import cn_number, plain_cn_number


def _cn2an(text: str) -> int | None:
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(value) if float(value).is_integer() else None


def test_plain_forms_agree_with_cn2an() -> None:
    cases = {cn2an.an2cn(i, "low") for i in range(10_000)}
    cases |= {"".join("〇一二三四五六七八九"[int(c)] for c in str(y)) for y in range(1900, 2100)}
    rng = random.Random(7)
    cases |= {"".join(rng.choice("〇零一二三四五六七八九两十百千万") for _ in range(rng.randrange(1, 6)))
              for _ in range(20_000)}
    read = {t: plain_cn_number(t) for t in cases}
    assert [t for t, n in read.items() if n is not None and n != _cn2an(t)] == []
    # the forms dates and issue numbers use are all read without cn2an
    for text, n in {"二〇二二": 2022, "十一": 11, "三十一": 31, "一百零五": 105, "两百二十": 220, "〇": 0}.items():
        assert read.get(text, plain_cn_number(text)) == n
    assert plain_cn_number("一百五") is None and plain_cn_number("十五万") is None  # left to cn2an
    assert cn_number("一百五") == _cn2an("一百五") and cn_number("十五万") == 150_000
