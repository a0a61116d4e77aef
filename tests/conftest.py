"""Shared fixtures: a small real corpus, a real index built by the CLI, the web app and its clients.

The corpus (session-scoped, built once):
  * a copy of the seed issue corpus/江苏精神文明建设简报-2022-第11期.txt;
  * a hostile Markdown issue (script tags, event attributes, javascript:/data: links,
    Markdown image tricks, broken HTML) in its titles and text;
  * five generated raw-text issues of a volunteering bulletin, 25 articles that all
    mention 志愿服务 in different cities and months, so that results have two pages.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

# The CLI speaks Chinese by default (bulletins/i18n.py); the tests that call it in-process read its
# messages in the catalogue's source language, English. tests/test_cli_i18n.py runs it in both.
os.environ["LANGUAGE"] = "en"

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"

HOSTILE_SERIES = "安全测试简报"
HOSTILE_MD = """# 《安全测试简报》 (20220501)

## 详细新闻

### 恶意标题<script>alert(1)</script>测试

<script>window.__pwned = 1; alert(1)</script>
<p>恶意正文：志愿服务<img src=x onerror="window.__pwned=2;alert(1)"></p>
<body onload="window.__pwned=3;alert(1)">
[点我](javascript:window.__pwned=4;alert(1)) [数据](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
![图](javascript:alert(1)) ![图2](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+PC9zdmc+)
<a href="JaVaScRiPt:alert(1)" onclick="window.__pwned=5">大小写</a> <svg onload="window.__pwned=6"></svg>
<iframe src="javascript:alert(1)"></iframe><style>body{display:none}</style>
<div><b>未闭合的标签 <i>继续 <table><tr><td>表格
<scr<script>ipt>alert(1)</script> 安全测试口令 蓝鲸

### 第二篇<img src=x onerror=alert(1)>

<details open ontoggle="window.__pwned=7;alert(1)"><summary>x</summary></details>
正文也提到志愿服务，还有 <a href="https://example.org/ok">正常链接</a> 与 &lt;script&gt; 实体。安全测试口令 蓝鲸
"""

CITIES = ("南京市", "苏州市", "无锡市", "徐州市", "常州市")
EXTRA_SERIES = "志愿服务测试简报"
EXTRA_ISSUES = 5
EXTRA_PER_ISSUE = 5


def extra_issue(n: int) -> str:
    """A raw-text issue in the seed's shape: header, TOC, articles, footer."""
    month = 2 * n  # 2023-02, -04, … -10
    headings = [f"{CITIES[k]}:第{n}期第{k + 1}篇 志愿服务惠民生" for k in range(EXTRA_PER_ISSUE)]
    parts = [
        "工作资料 注意保存",
        EXTRA_SERIES,
        f"第{n}期",
        "江苏省志愿服务测试办公室",
        f"2023年{month}月{n + 10}日",
        "【工作交流】",
        *headings,
    ]
    for k, heading in enumerate(headings):
        city = CITIES[k]
        parts += [
            heading,
            f"今年以来,{city}广泛开展志愿服务活动,组织志愿者深入社区开展便民服务,累计服务群众{100 + n * 10 + k}人次。",
            f"{city}还建立健全志愿服务激励机制,推动志愿服务常态化、制度化发展。",
        ]
    parts += ["报:省文明办", "发:各设区市文明办", f"(苏志测字{n}号 共印100份)"]
    return "\n\n".join(parts) + "\n"


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small corpus: the seed issue, the hostile issue and five generated issues."""
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "安全测试简报-20220501.md").write_text(HOSTILE_MD, encoding="utf-8")
    for n in range(1, EXTRA_ISSUES + 1):
        (corpus / f"{EXTRA_SERIES}-2023-第{n}期.txt").write_text(extra_issue(n), encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def index_dir(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index built by `bulletins index --corpus … --index …`."""
    from bulletins.cli import cli

    index = tmp_path_factory.mktemp("index") / "index"
    result = CliRunner().invoke(cli, ["index", "--corpus", str(corpus_dir), "--index", str(index)])
    assert result.exit_code == 0, f"bulletins index failed:\n{result.output}\n{result.exception!r}"
    return index


@pytest.fixture(scope="session")
def app(index_dir: Path, corpus_dir: Path) -> Any:
    """The web app over the test index (read-only)."""
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})


@pytest.fixture()
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture(scope="session")
def missing_index_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The web app pointed at a directory with no index (every search is a 503)."""
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(tmp_path_factory.mktemp("noindex") / "index")})


@pytest.fixture(scope="session")
def ids(app: Any) -> dict[str, str]:
    """Bulletin ids by role: `seed`, `hostile`, `extra1` … `extra5`."""
    client = app.test_client()
    found: dict[str, str] = {}
    for query, key in (("口罩行动", "seed"), ("安全测试口令", "hostile")):
        hits = client.get("/api/search", query_string={"q": query}).get_json()["hits"]
        assert hits, f"{query} not found in the test index"
        found[key] = hits[0]["bulletin_id"]
    for item in client.get("/api/search", query_string={"series": EXTRA_SERIES}).get_json()["facets"]["issue"]:
        number = item["label"].rsplit("第", 1)[1].rstrip("期")
        found[f"extra{number}"] = item["value"]
    return found


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app under waitress (as `bulletins serve` runs it) on 127.0.0.1 and a free port,
    for the duration of a `with`."""
    from bulletins.serve_cmd import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):  # the socket closed under the loop at shutdown
            pass

    thread = threading.Thread(target=run, name="waitress-test", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app: Any) -> Iterator[str]:
    """The test app served on 127.0.0.1 for the whole session."""
    with serving(app) as url:
        yield url


# -- robustness and stress (tests/test_robust_*.py, tests/stress/) -------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-stress", action="store_true", default=False,
        help="run the long tests marked `stress` (make stress)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stress: long robustness runs, only with --run-stress (make stress)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-stress"):
        return
    skip = pytest.mark.skip(reason="long run: give --run-stress (make stress)")
    for item in items:
        if item.get_closest_marker("stress") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def run_stress(request: pytest.FixtureRequest) -> bool:
    """Whether the long (`make stress`) versions run."""
    return bool(request.config.getoption("--run-stress"))


def generated_corpus(out: Path, issues: int, seed: int = 7) -> list[Path]:
    """`issues` raw-text issues from bench.generate (seeded), sorted by name."""
    from bench.generate import generate_corpus

    generate_corpus(issues, seed, out)
    return sorted(out.iterdir())


def seed_shaped_issue(series: str, n: int, date: str, articles: list[tuple[str, str]]) -> str:
    """A raw-text issue of `series` in the seed's shape: 报头, a 目录, the articles, the 报尾."""
    parts = ["工作资料 注意保存", series, f"第{n}期", "江苏省新闻测试办公室", date, "【工作交流】"]
    parts += [h for h, _t in articles]
    for heading, text in articles:
        parts += [heading, text]
    parts += ["报:省文明办", "发:各设区市文明办", f"(苏新测字{n}号 共印100份)"]
    return "\n\n".join(parts) + "\n"


def seed_index(tmp_path_factory: pytest.TempPathFactory, label: str, issues: dict[str, str]) -> Any:
    """An IndexHandle over the seed issue and `issues` (file name → text), built by
    `bulletins index` (the query-case and suggestion tests' index)."""
    from bulletins.cli import cli
    from indexer.store.handles import IndexHandle

    corpus = tmp_path_factory.mktemp(f"{label}-corpus")
    shutil.copy(SEED, corpus / SEED.name)
    for name, text in issues.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index = tmp_path_factory.mktemp(f"{label}-index") / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    return IndexHandle(index)


def index_client(handle: Any) -> Any:
    """A test client of the web app over `handle`'s index."""
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(handle.root)}).test_client()


def office_file(fmt: str, text: str, folder: Path) -> Path:
    """`text` as the file an office sends: "text", "docx" or "pdf" (tests/docgen.py; a PDF is
    LibreOffice's of the .docx, and the test is skipped where LibreOffice is absent)."""
    from tests import docgen

    if fmt == "text":
        path = folder / "x.txt"
        path.write_text(text, "utf-8")
        return path
    docx = docgen.write_docx(text, folder / "x.docx")
    if fmt == "docx":
        return docx
    if docgen.soffice() is None:
        pytest.skip("LibreOffice is absent")
    return docgen.convert(docx, "pdf", folder)


def xinwen_index(tmp_path_factory: pytest.TempPathFactory, label: str, names: tuple[str, ...]) -> Any:
    """An IndexHandle over some issues of ../shared/corpora/xinwen-lianbo (`names`), built by
    `bulletins index` (the caller skips when the corpus is absent)."""
    from bench import relevance as R
    from bulletins.cli import cli
    from indexer.store.handles import IndexHandle

    corpus = tmp_path_factory.mktemp(f"{label}-corpus")
    for name in names:
        shutil.copy(R.XINWEN / name, corpus / name)
    index = tmp_path_factory.mktemp(f"{label}-index") / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    return IndexHandle(index)

