"""The index schema: one Whoosh document per article, and the views of its texts.

Field names are part of the index format; changing them, or what is indexed,
needs a rebuild (`SCHEMA_VERSION` says so to an old index).
"""

from __future__ import annotations

from whoosh import fields

# 4: analysis folds traditional to simplified (archive.chinese); 5: region, doc_type;
# 6: the substring net is a suffix array per segment (indexer.store.sufarray) instead
# of bigram, unit and word-pair fields; word fields record presence only;
# 7: the words of title and text are in each segment's lexicon (indexer.store.lexicon),
# not in Whoosh fields; 8: a 公文's header fields are searchable text (`head`,
# in the text's region of the net), `serial` (文号 and its parts), `organ`
# (发文机关 / 编发单位) and `topic` (主题分类) keyword fields.
SCHEMA_VERSION = 8

# The searchable texts of an article. Each has two views: its words in the
# segment's word lexicon (indexer.store.lexicon: jieba words, presence only; what
# did-you-mean, autocomplete and related articles read; ranking reads the net)
# and its region in the article's entry in the substring net (this number:
# the n-th region of each document, see indexer.store.sufarray). The Whoosh field
# of the same name stores the text.
TEXTS: dict[str, int] = {"title": 0, "text": 1}


def make_schema() -> fields.Schema:
    """A fresh schema object (Whoosh pickles it into the index)."""
    return fields.Schema(
        article_id=fields.ID(stored=True, unique=True),
        bulletin_id=fields.ID(stored=True, sortable=True),
        # "<path>\t<sha256>" of the source file: the incremental manifest.
        source=fields.ID(stored=True, sortable=True),
        series=fields.ID(stored=True, sortable=True),
        issue=fields.NUMERIC(int, bits=32, stored=True, signed=False, sortable=True),
        issue_total=fields.STORED(),
        year=fields.NUMERIC(int, bits=32, stored=True, signed=False, sortable=True),
        month=fields.ID(stored=True, sortable=True),  # "2022-04"
        date=fields.NUMERIC(int, bits=32, stored=True, signed=False, sortable=True),  # 20220402
        issuer=fields.STORED(),
        # 发文机关 / 编发单位, each organ of a joint issuer (国务院、中央军委): a facet
        organ=fields.KEYWORD(commas=True),
        topic=fields.KEYWORD(commas=True),  # 主题分类, where the source gives it: a facet
        # a 公文's 发文字号, whole and by its parts (indexer.store.serials): the `文号:` field
        serial=fields.KEYWORD(commas=True),
        # a 公文's header as a person might type it (发文字号, 发文机关, 签发人, 印发机关):
        # searched as the start of its text (indexer.store.documents.header_text)
        head=fields.STORED(),
        place=fields.ID(stored=True),
        city=fields.ID(stored=True, sortable=True),
        places=fields.KEYWORD(stored=True, commas=True),
        # the units mentioned, every level: 江苏省,江苏省/南京市,江苏省/南京市/鼓楼区 (地区 facet)
        region=fields.KEYWORD(stored=True, commas=True),
        doc_type=fields.ID(stored=True),  # 文种 of a 公文 (通知, 批复 …): a facet
        section=fields.ID(stored=True),
        order=fields.STORED(),
        meta=fields.STORED(),  # the bulletin's header and footer, for the bulletin view
        title=fields.STORED(),
        text=fields.STORED(),
        body=fields.STORED(),  # source Markdown/HTML, shown sanitised
    )
