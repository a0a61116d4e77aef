"""The index schema: one Whoosh document per article.

Field names are part of the index format; changing them needs a rebuild
(`SCHEMA_VERSION` says so to an old index).
"""

from __future__ import annotations

from whoosh import fields, formats

from indexer.analysis import BigramTokenizer, JiebaTokenizer, UnitTokenizer, WordPairTokenizer

SCHEMA_VERSION = 5  # 4: analysis folds traditional to simplified (archive.chinese); 5: region, doc_type


def make_schema() -> fields.Schema:
    """A fresh schema object (Whoosh pickles it into the index)."""
    words = JiebaTokenizer()
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
        title=fields.TEXT(analyzer=words, stored=True, field_boost=3.0),
        text=fields.TEXT(analyzer=words, stored=True),
        body=fields.STORED(),  # source Markdown/HTML, shown sanitised
        tg=fields.FieldType(formats.Positions(), BigramTokenizer()),
        tu=fields.FieldType(formats.Existence(), UnitTokenizer()),
        cg=fields.FieldType(formats.Positions(), BigramTokenizer()),
        cu=fields.FieldType(formats.Existence(), UnitTokenizer()),
        # adjacent word pairs ("心理 疏导"): two-word strings without positions
        tp=fields.FieldType(formats.Existence(), WordPairTokenizer()),
        wp=fields.FieldType(formats.Existence(), WordPairTokenizer()),
    )
