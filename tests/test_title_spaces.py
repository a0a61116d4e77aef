"""Issue 10 §5: titles keep their inner spaces in display, snippets and citations; search ignores them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from indexer.search.engine import search
from indexer.store.handles import IndexHandle

ISSUE = """# 《新闻联播》 (20240315)

## 详细新闻

### “领头雁”路丙辉：为党育人 为国育才

<p>他坚持立德树人，为党育人、为国育才。</p>

### 国务院常务会议

<p>会议研究部署有关工作。</p>
"""
TITLE = "“领头雁”路丙辉：为党育人 为国育才"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spaces")
    (root / "corpus").mkdir()
    (root / "corpus" / "20240315.md").write_text(ISSUE, "utf-8")
    r = CliRunner().invoke(cli, ["index", "--corpus", str(root / "corpus"), "--index", str(root / "index")])
    assert r.exit_code == 0, r.output
    return root / "index"


@pytest.mark.parametrize("q", ["为党育人为国育才", "为党育人 为国育才", '"路丙辉：为党育人为国育才"'])
def test_search_ignores_the_space_and_the_hit_keeps_it(index: Path, q: str):
    r = search(IndexHandle(index), q)
    assert r["hits"], q
    assert r["hits"][0]["title"] == TITLE


def test_bulletin_page_and_citation_keep_the_space(index: Path):
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index)})
    hit = search(IndexHandle(index), "路丙辉")["hits"][0]
    page = app.test_client().get(f"/bulletin/{hit['bulletin_id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "为党育人 为国育才" in html
    assert "“领头雁”路丙辉：为党育人 为国育才[N/OL]." in html  # the citation (GB/T 7714, archive.citation)
