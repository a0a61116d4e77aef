"""The index schema: one Whoosh document per article, and the views of its texts.

Field names are part of the index format; changing them, or what is indexed,
needs a rebuild (`SCHEMA_VERSION` says so to an old index).
"""

from __future__ import annotations

from whoosh import fields

# 4: analysis folds traditional to simplified (archive.chinese); 5: region, doc_type;
# 6: the substring net is a suffix array per segment (indexer.sufarray) instead
# of bigram, unit and word-pair fields; word fields record presence only;
# 7: the words of title and text are in each segment's lexicon (indexer.lexicon),
# not in Whoosh fields.
SCHEMA_VERSION = 7

# The searchable texts of an article. Each has two views: its words in the
# segment's word lexicon (indexer.lexicon: jieba words, presence only; what
# did-you-mean, autocomplete and related articles read; ranking reads the net)
# and its region in the article's entry in the substring net (this number:
# the n-th region of each document, see indexer.sufarray). The Whoosh field
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
