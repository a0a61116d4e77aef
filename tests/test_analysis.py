"""The Chinese analysis: golden tokens on real text, the tokenizer protocol,
offsets that slice back, pickling, and jieba-rs agreeing with jieba."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.store.analysis import (
    BigramTokenizer,
    JiebaTokenizer,
    PIECE_RE,
    UnitTokenizer,
    bigrams,
    normalize,
    unit_spans,
    units,
    user_words,
    word_list,
    words,
)
from indexer.store.schema import make_schema

REPO = Path(__file__).resolve().parent.parent
SEED_TEXT = (REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt").read_text(encoding="utf-8")
SENTENCE = "全国道德模范提名奖获得者马善民组建“小马哥”志愿服务队,带领 120 余名志愿者奋战在宣传引导、核酸采样等抗疫工作一线"


def test_golden_words_of_a_real_sentence() -> None:
    assert word_list(SENTENCE) == [
        "全国", "道德模范", "提名奖", "获得者", "马善民", "组建", "小马哥", "志愿服务", "队",
        "带领", "120", "余名", "志愿者", "奋战", "在", "宣传", "引导", "核酸采样", "等",
        "抗疫", "工作", "一线",
    ]


def test_tokenizer_protocol_positions_and_offsets() -> None:
    toks = [(t.text, t.pos, t.startchar, t.endchar) for t in JiebaTokenizer()(SENTENCE, positions=True, chars=True)]
    assert [p for _t, p, _s, _e in toks] == list(range(len(toks)))
    for text, _p, s, e in toks:
        assert normalize(SENTENCE[s:e]) == text
    # the Token object is reused from one token to the next, as in Whoosh
    first = next(iter(JiebaTokenizer()(SENTENCE, positions=True, chars=True, start_pos=10, start_char=5)))
    assert first.pos == 10 and first.startchar == toks[0][2] + 5


def test_units_and_bigrams() -> None:
    assert units("淮安市ＣＯＶＩＤ-19") == ["淮", "安", "市", "covid ", "19 "]
    assert bigrams(units("淮安市清江浦")) == ["淮安", "安市", "市清", "清江", "江浦"]
    # joined units never read alike: "covid 19" is not "covid19"
    assert bigrams(units("covid 19")) != units("covid19")
    grams = [t.text for t in BigramTokenizer()("淮安市", positions=True)]
    assert grams == ["淮安", "安市"]
    assert [t.text for t in UnitTokenizer()("5G网络")] == ["5 ", "g ", "网", "络"]


def test_normalisation_full_width_and_case() -> None:
    assert normalize("ＡＢＣ１２３abc") == "abc123abc"
    assert word_list("第１１期") == word_list("第11期")


def test_analyzers_and_schema_pickle() -> None:
    for obj in (JiebaTokenizer(), UnitTokenizer(), BigramTokenizer()):
        assert pickle.loads(pickle.dumps(obj)) == obj
    schema = pickle.loads(pickle.dumps(make_schema()))
    assert schema.names() == make_schema().names()
    # Title and text words are in each segment's lexicon (indexer.store.lexicon), not in Whoosh
    # fields; indexes of SCHEMA_VERSION <= 6 pickled JiebaTokenizer, never unpickled now:
    # every generation is opened with the code's schema (indexer.store.records.open_generation).
    assert schema["text"].stored and not schema["text"].indexed
    assert [t.text for t in JiebaTokenizer()("马善民")] == ["马善民"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_offsets_slice_back_for_any_text(text: str) -> None:
    assert len(normalize(text)) == len(text)
    for word, s, e in words(text):
        assert normalize(text[s:e]) == word
    for unit, s, e in unit_spans(text):
        assert normalize(text[s:e]) == unit.rstrip(" ")
    assert [w for w, _s, _e in words(text)] == word_list(text)
    list(JiebaTokenizer()(text, positions=True, chars=True, mode="query"))


def test_jieba_rs_gives_jieba_words() -> None:
    """rjieba with the domain dictionary cuts Chinese as jieba itself does."""
    jieba = pytest.importorskip("jieba")
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word, freq, tag in user_words():
        tk.add_word(word, freq, tag)
    texts = [SEED_TEXT, *(p.read_text(encoding="utf-8") for p in (REPO / "tests" / "fixtures").glob("*.txt"))]
    corpus = REPO.parent / "shared" / "corpora" / "xinwen-lianbo"
    if corpus.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.md"))[::50]]
    for text in texts:
        norm = normalize(text)
        expected = PIECE_RE.findall("\x00".join(tk.cut(norm, HMM=True)))
        got = word_list(text)
        # Chinese words agree exactly; jieba-rs may keep a letter+digit token such
        # as "5g" whole where jieba splits it, which the piece split evens out.
        assert [w for w in got if "\u4e00" <= w[0] <= "\u9fff"] == [
            w for w in expected if "\u4e00" <= w[0] <= "\u9fff"
        ]
