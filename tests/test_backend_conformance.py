"""The same search cases against every backend (indexer.search.backend): the embedded index, MariaDB +
Mroonga on one server, and two Mroonga shards behind a Spider table — all on real text (the
seed issue, the conftest corpus, a slice of the 《新闻联播》 archive when ../shared has it).

Each backend must give exactly the embedded index's result set and facet counts; the result
sets of 1–8-character substrings drawn from the text must also equal a brute-force scan of
the stored records. The MariaDB servers are real (tests/mariadb_cluster.py), started on
loopback ports and stopped by PID; the module is skipped where mariadbd is not installed."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from indexer.search import query as q
from indexer.store.analysis import unit_string, units, units_string
from indexer.search.backend import FACETS, BackendUnavailableError, EmbeddedBackend
from indexer.search.evaluate import Filters
from tests import mariadb_cluster as mc
from tests.conftest import REPO

XINWEN = REPO.parent / "shared" / "corpora" / "xinwen-lianbo"
XINWEN_ISSUES = 40  # the slice of the 《新闻联播》 archive (about 550 articles)
SAMPLES = 60  # substrings drawn per length band
SEED = 23

# The README's query section (indexer/search/query.py's syntax), on the words of the corpus.
SYNTAX = [
    "志愿服务 防疫", '"志愿服务 活动"', "“志愿服务”", "南京 OR 苏州", "南京 or 苏州", "志愿服务 NOT 南京", "志愿服务 -南京",
    "志愿服务 && 南京", "苏州 || 无锡", "（南京 OR 苏州） 志愿", "(南京 OR 苏州) AND 激励", "title:志愿服务", "标题:志愿服务",
    "text:志愿", '正文:"志愿服务 激励"', "city:南京", "城市:苏州", "place:南京", "province:江苏", "省份:江苏",
    "year:2023", "年份:2022", "month:2023-04", "issue:3", "期:第十一期", "第十一期", "2022年第11期", "series:志愿服务测试简报",
    "section:工作交流", "doc_type:通知", "120人次", "130人", "十五万", "二〇二三年", "乡村 — 振兴", "淮", "安市",
    "NOT 南京", "-南京", '"志愿 服务', "(志愿", "志愿 OR", "习近平", "习近平 NOT 会见", "covid", "5G",
]
FILTERS = [
    Filters(city=("南京市",)), Filters(year=(2023,)), Filters(month=("2023-04", "2023-06")),
    Filters(series=("志愿服务测试简报",)), Filters(issue=3),
    Filters(date_from=__import__("datetime").date(2023, 3, 1), date_to=__import__("datetime").date(2023, 8, 31)),
    Filters(region=("江苏省",)), Filters(region=("江苏省/南京市", "江苏省/苏州市")),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The conftest corpus (seed, hostile, generated issues) and a slice of xinwen."""
    from tests.conftest import EXTRA_ISSUES, EXTRA_SERIES, HOSTILE_MD, SEED as SEED_FILE, extra_issue

    d = tmp_path_factory.mktemp("conf-corpus")
    shutil.copy(SEED_FILE, d / SEED_FILE.name)
    (d / "安全测试简报-20220501.md").write_text(HOSTILE_MD, encoding="utf-8")
    for n in range(1, EXTRA_ISSUES + 1):
        (d / f"{EXTRA_SERIES}-2023-第{n}期.txt").write_text(extra_issue(n), encoding="utf-8")
    if XINWEN.is_dir():
        for f in sorted(XINWEN.glob("*.md"))[:XINWEN_ISSUES]:
            shutil.copy(f, d / f.name)
    return d


@pytest.fixture(scope="module")
def index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bulletins.cli import cli

    ix = tmp_path_factory.mktemp("conf-index") / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(ix)])
    assert r.exit_code == 0, r.output
    return ix


@pytest.fixture(scope="module")
def embedded(index: Path) -> Iterator[EmbeddedBackend]:
    b = EmbeddedBackend(index)
    b.open()
    yield b
    b.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[mc.Cluster]:
    why = mc.missing()
    if why:
        pytest.skip(why)
    with mc.cluster(tmp_path_factory.mktemp("mariadb"), shards=2) as c:
        yield c


def _filled(url: str, embedded: EmbeddedBackend) -> Any:
    from indexer.search.mariadb_backend import MariaDBBackend, fill_from

    b = MariaDBBackend.from_url(url)
    written, _gone = fill_from(embedded, b, replace=True)
    assert written == embedded.evaluate(None).total
    return b


@pytest.fixture(scope="module", params=["embedded", "mroonga", "spider"])
def backend(request: pytest.FixtureRequest, embedded: EmbeddedBackend) -> Iterator[Any]:
    """Each backend, filled from the embedded index's records."""
    if request.param == "embedded":
        yield embedded
        return
    c: mc.Cluster = request.getfixturevalue("cluster")
    url = c.url if request.param == "spider" else c.head.url.replace(f"/{mc.DATABASE}", "/single")
    b = _filled(url, embedded)
    yield b
    b.close()


@pytest.fixture(scope="module")
def records(embedded: EmbeddedBackend) -> list[dict[str, Any]]:
    return list(embedded.all_records())


@pytest.fixture(scope="module")
def haystacks(records: list[dict[str, Any]]) -> list[tuple[str, dict[str, str]]]:
    """Each record's title and text (with a 公文's header, as indexed) as unit strings."""
    out = []
    for r in records:
        head = r.get("head") or ""
        out.append((r["article_id"], {"title": unit_string(r.get("title") or ""),
                                      "text": unit_string(f"{head}\n{r.get('text') or ''}" if head else r.get("text") or "")}))
    return out


def _brute(haystacks: list[tuple[str, dict[str, str]]], text: str, fields: tuple[str, ...]) -> list[str]:
    """The articles holding `text` (its units, as a substring of the units) by a plain scan."""
    needle = units_string(units(text))
    return sorted(aid for aid, hay in haystacks if any(needle in hay[f] for f in fields))


def _samples(records: list[dict[str, Any]]) -> list[str]:
    """Substrings of 1–8 Chinese characters drawn (seeded) from the titles and texts."""
    rng = random.Random(SEED)
    out: list[str] = []
    cjk = [r for r in records if r.get("text")]
    while len(out) < SAMPLES * 4:
        r = rng.choice(cjk)
        s = unit_string(r["title"] if rng.random() < 0.25 else r["text"])
        n = rng.choice((1, 1, 2, 2, 3, 4, 5, 8))
        if len(s) < n:
            continue
        i = rng.randrange(len(s) - n + 1)
        sub = s[i : i + n]
        if all("\u4e00" <= ch <= "\u9fff" for ch in sub):
            out.append(sub)
    return list(dict.fromkeys(out))


def test_substrings_equal_brute_force(backend: Any, records: list[dict[str, Any]],
                                      haystacks: list[tuple[str, dict[str, str]]]) -> None:
    """1–8-character substrings: the backend's set is the plain scan's, in title and text."""
    wrong = []
    samples = _samples(records)
    assert len(samples) >= SAMPLES
    for sub in samples:
        for field in (None, "title", "text"):
            got = backend.article_ids(backend.evaluate(q.Term(sub, field=field)))
            want = _brute(haystacks, sub, ("title", "text") if field is None else (field,))
            if got != want:
                wrong.append((sub, field, len(got), len(want)))
    assert not wrong, f"{backend.name}: {len(wrong)} of {len(samples) * 3} differ: {wrong[:10]}"


def _facets(b: Any, m: Any) -> dict[str, Counter[Any]]:
    return {n: Counter({k: v for k, v in c.items() if v}) for n, c in b.facet_counts(m).items()}


@pytest.mark.parametrize("query", SYNTAX)
def test_syntax_cases_equal_embedded(backend: Any, embedded: EmbeddedBackend, query: str) -> None:
    """Each README query case: the same set and facet counts as the embedded index."""
    tree = q.parse_query(query).tree
    want, got = embedded.evaluate(tree), backend.evaluate(tree)
    assert backend.article_ids(got) == embedded.article_ids(want), query
    assert got.total == want.total
    assert _facets(backend, got) == _facets(embedded, want), query


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(k for k, v in f.to_dict().items() if v))
def test_filters_equal_embedded(backend: Any, embedded: EmbeddedBackend, filters: Filters) -> None:
    """Facet and date filters, alone and with a query: the same sets and counts."""
    for query in ("", "志愿服务", "南京 OR 习近平"):
        tree = q.parse_query(query).tree
        want, got = embedded.evaluate(tree, filters), backend.evaluate(tree, filters)
        assert backend.article_ids(got) == embedded.article_ids(want), (query, filters)
        assert _facets(backend, got) == _facets(embedded, want)
        assert set(_facets(backend, got)) == set(FACETS)


def test_records_read_back(backend: Any, embedded: EmbeddedBackend) -> None:
    """Stored records read back as stored (what the hits and the bulletin view show)."""
    ids = embedded.article_ids(embedded.evaluate(q.Term("志愿服务")))[:5]
    assert ids
    for got, want in zip(backend.records(ids), embedded.records(ids)):
        assert {k: got.get(k) for k in ("article_id", "title", "text", "date", "city")} == \
               {k: want.get(k) for k in ("article_id", "title", "text", "date", "city")}


def test_index_add_search_serve_through_backend(cluster: mc.Cluster, corpus: Path, tmp_path: Path) -> None:
    """`bulletins index --backend`, `add --backend`, `search --backend` and the web app with
    BACKEND: the same totals as the embedded index, and an added issue found on the shards."""
    import json

    from bulletins.cli import cli
    from tests.conftest import extra_issue
    from webui import create_app

    ix = tmp_path / "index"
    corpus = Path(shutil.copytree(corpus, tmp_path / "corpus"))  # `add` places a file in it
    run = CliRunner().invoke
    r = run(cli, ["index", "--corpus", str(corpus), "--index", str(ix), "--backend", cluster.url, "--rebuild"])
    assert r.exit_code == 0, r.output
    assert "backend mariadb updated" in r.output
    for query in ("志愿服务", "南京 OR 苏州", "title:志愿服务"):
        mine = json.loads(run(cli, ["search", query, "--index", str(ix), "--json"]).output)
        theirs = run(cli, ["search", query, "--index", str(ix), "--json", "--backend", cluster.url])
        assert theirs.exit_code == 0, theirs.output
        got = json.loads(theirs.output)
        assert got["total"] == mine["total"] > 0 and got["backend"] == "mariadb"
        assert {h["article_id"] for h in got["hits"]} <= set(embedded_ids(ix, query))
    new = tmp_path / "志愿服务测试简报-2023-第9期.txt"
    new.write_text(extra_issue(9).replace("志愿服务", "志愿服务新增"), encoding="utf-8")
    r = run(cli, ["add", str(new), "--corpus", str(corpus), "--index", str(ix), "--backend", cluster.url])
    assert r.exit_code == 0, r.output
    got = json.loads(run(cli, ["search", "志愿服务新增", "--index", str(ix), "--json", "--backend", cluster.url]).output)
    assert got["total"] == 5
    app = create_app({"TESTING": True, "INDEX_DIR": str(ix), "BACKEND": cluster.url})
    resp = app.test_client().get("/api/search", query_string={"q": "志愿服务新增"})
    assert resp.status_code == 200 and resp.get_json()["total"] == 5
    page = app.test_client().get("/", query_string={"q": "志愿服务新增"})
    assert page.status_code == 200 and "志愿服务新增" in page.get_data(as_text=True)


def embedded_ids(ix: Path, query: str) -> list[str]:
    b = EmbeddedBackend(ix)
    try:
        return b.article_ids(b.evaluate(q.parse_query(query).tree))
    finally:
        b.close()


def test_dead_shard_is_a_named_error(cluster: mc.Cluster, embedded: EmbeddedBackend, tmp_path: Path) -> None:
    """A shard that dies: every query says which shard, never a partial set."""
    from indexer.search.mariadb_backend import MariaDBBackend

    b = _filled(cluster.url, embedded)
    tree = q.Term("志愿服务")
    assert b.evaluate(tree).total == embedded.evaluate(tree).total
    b.close()
    victim = cluster.shards[1]
    victim.kill()
    try:
        b = MariaDBBackend.from_url(cluster.url)
        with pytest.raises(BackendUnavailableError, match="分片 2"):
            b.evaluate(tree)
        with pytest.raises(BackendUnavailableError, match=f"127.0.0.1:{victim.port}"):
            b.health()
        from bulletins.cli import cli
        from webui import create_app

        r = CliRunner().invoke(cli, ["search", "志愿服务", "--index", str(tmp_path), "--backend", cluster.url])
        assert r.exit_code != 0 and "分片 2" in r.output and "Traceback" not in r.output
        app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path), "BACKEND": cluster.url})
        resp = app.test_client().get("/api/search", query_string={"q": "志愿服务"})
        assert resp.status_code == 503
        body = resp.get_json()
        assert body["code"] == "backend_unavailable" and "分片 2" in body["error"] and str(victim.port) not in body["error"]
        page = app.test_client().get("/", query_string={"q": "志愿服务"})
        assert page.status_code == 503 and "分片 2" in page.get_data(as_text=True)
    finally:
        b.close()
        cluster.shards[1] = mc.start_server(victim.folder, victim.server_id, victim.port)


def _connections(server: mc.Server) -> int:
    """How many connections `server` has accepted since it started (its `Connections` status;
    the root connection that asks is one of them)."""
    conn = server.connect(root=True, db=None)
    try:
        with conn.cursor() as c:  # type: ignore[attr-defined]
            c.execute("SHOW GLOBAL STATUS LIKE 'Connections'")
            return int(c.fetchone()[1])
    finally:
        conn.close()  # type: ignore[attr-defined]


def test_web_requests_reuse_connections_and_reconnect_to_a_restarted_shard(
        cluster: mc.Cluster, embedded: EmbeddedBackend, tmp_path: Path) -> None:
    """The web app's requests take pooled connections (not one new connection per request and
    server); a shard that dies is a 503 naming it, and once it is back the next request answers
    — the pooled connections to the dead server are dropped and made again."""
    from webui import create_app

    _filled(cluster.url, embedded).close()
    want = embedded.evaluate(q.Term("志愿服务")).total
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path), "BACKEND": cluster.url})
    client = app.test_client()

    def ask() -> Any:
        return client.get("/api/search", query_string={"q": "志愿服务"})

    assert ask().status_code == 200  # (the first request may open them)
    before = [_connections(s) for s in (cluster.head, *cluster.shards)]
    for _ in range(5):
        resp = ask()
        assert resp.status_code == 200 and resp.get_json()["total"] == want
    opened = [_connections(s) - n - 1 for s, n in zip((cluster.head, *cluster.shards), before)]
    assert opened == [0, 0, 0], opened  # five requests, no new connection to any server
    victim = cluster.shards[0]
    victim.kill()
    try:
        resp = ask()
        assert resp.status_code == 503 and resp.get_json()["code"] == "backend_unavailable"
        assert "分片 1" in resp.get_json()["error"] and str(victim.port) not in resp.get_json()["error"]
    finally:
        cluster.shards[0] = mc.start_server(victim.folder, victim.server_id, victim.port)
    resp = ask()
    assert resp.status_code == 200 and resp.get_json()["total"] == want


def _caught_up(b: Any, tree: Any, want: list[str], reader: Any) -> None:
    """Wait (60 s at most) until `b` reads `want` from `reader` (replication catches up)."""
    import time

    deadline = time.monotonic() + 60
    while True:
        b.close()
        try:
            b.open()
            if b._reader == reader and b.article_ids(b.evaluate(tree)) == want:
                b.close()
                return
        except BackendUnavailableError:
            pass
        assert time.monotonic() < deadline, "the replica did not catch up in 60 s"
        time.sleep(0.5)


def test_reads_fail_over_between_a_primary_and_its_replica(embedded: EmbeddedBackend, tmp_path: Path) -> None:
    """A primary and its binlog replica on loopback (their own servers, stopped by PID): reads go
    to the replica while it replicates; a replica that stops replicating, or dies (before or
    during a request), sends them to the primary; a dead primary sends them to the replica; with
    both dead, a named 503 (the web app) naming both — and every answer given is the embedded
    index's set."""
    from indexer.search.mariadb_backend import MariaDBBackend
    from webui import create_app

    if mc.missing():
        pytest.skip(mc.missing())
    primary = mc.start_server(tmp_path / "primary", 40)
    rep = None
    try:
        _filled(primary.url, embedded).close()
        rep = mc.replica_of(primary, tmp_path / "replica", 41)
        url = f"{primary.url}?replica=127.0.0.1:{rep.port}"
        b = MariaDBBackend.from_url(url)
        tree = q.parse_query("志愿服务 OR 习近平").tree
        want = embedded.article_ids(embedded.evaluate(tree))
        _caught_up(b, tree, want, b.replica)  # reads go to the replica

        def answer(backend: Any) -> list[str]:
            try:
                return backend.article_ids(backend.evaluate(tree))
            finally:
                backend.close()

        conn = rep.connect(root=True, db=None)
        with conn.cursor() as c:  # type: ignore[attr-defined]
            c.execute("STOP SLAVE")  # stale from now on: never read
        b.open()
        assert b._reader == b.head
        assert answer(b) == want
        with conn.cursor() as c:  # type: ignore[attr-defined]
            c.execute("START SLAVE")
        conn.close()  # type: ignore[attr-defined]
        _caught_up(b, tree, want, b.replica)

        b.open()  # the replica chosen, then it dies during the request
        assert b._reader == b.replica
        rep.kill()
        assert answer(b) == want
        assert answer(MariaDBBackend.from_url(url)) == want  # the next request: on the primary

        rep = mc.start_server(rep.folder, 41, rep.port)  # back: it replicates again (its relay state kept)
        _caught_up(b, tree, want, b.replica)
        primary.kill()  # the primary dies: the replica answers, as of the last change it applied
        fresh = MariaDBBackend.from_url(url)
        assert answer(fresh) == want
        (tmp_path / "index").mkdir()
        app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "BACKEND": url})
        resp = app.test_client().get("/api/search", query_string={"q": "志愿服务 OR 习近平", "per_page": 1})
        assert resp.status_code == 200 and resp.get_json()["total"] == len(want)
        with pytest.raises(BackendUnavailableError, match="主服务器（127.0.0.1:\\d+）无法连接"):
            fresh.delete(["x"])  # writes go to the primary only: named

        rep.kill()  # none is left: a named error naming both, a 503 on the web
        with pytest.raises(BackendUnavailableError, match=f"副本（127.0.0.1:{rep.port}）.*主服务器（127.0.0.1:{primary.port}）"):
            answer(MariaDBBackend.from_url(url))
        resp = app.test_client().get("/api/search", query_string={"q": "志愿服务"})
        body = resp.get_json()
        assert resp.status_code == 503 and body["code"] == "backend_unavailable"
        assert "副本" in body["error"] and "主服务器" in body["error"] and str(rep.port) not in body["error"]
    finally:
        for server in (rep, primary):
            if server is not None:
                server.stop()


@pytest.mark.parametrize("spec, says", [
    ("mysql://x@127.0.0.1/db", "无法识别的检索后端"),
    ("mariadb://archive:pw@127.0.0.1:{port}/bulletins", "主服务器（127.0.0.1:{port}）无法连接"),
    ("mariadb://archive:pw@127.0.0.1:{port}/bulletins?shards=127.0.0.1", "无法识别的服务器地址"),
])
def test_bad_or_unreachable_backend_is_one_chinese_line(spec: str, says: str, tmp_path: Path) -> None:
    """A wrong --backend value or a server nobody listens on: exit 1 with a Chinese line naming it."""
    from bulletins.cli import cli

    port = mc.free_port()
    r = CliRunner().invoke(cli, ["search", "志愿服务", "--index", str(tmp_path), "--backend", spec.format(port=port)])
    assert r.exit_code == 1, r.output
    assert says.format(port=port) in r.output and "Traceback" not in r.output


# Query stages and understanding (issue 23): the string as typed found nowhere (its words, without
# the question's words, any of them), did-you-mean, pinyin, a short name, a date typed with a topic.
UNDERSTANDING = [
    "淮安志愿服务", "关于淮安市志愿服务的情况", "如何推进志愿服务", "志原服务", "zhiyuanfuwu", "zyfw",
    "zhiyuan fuwu", "发改委", "2023年4月 志愿服务", "2022年 疫情防控", "南京志愿服务会见总统", "志愿服务激励鲲鹏",
    "南京志愿服务", "志愿者疫情防控", "苏州志愿服务常态化",
]
SAME_KEYS = ("total", "stage", "warnings", "corrected", "pinyin", "suggestions", "expanded", "date_applied", "rewrite")
SAME_FACETS = ("city", "year", "month", "series", "issue", "doc_type")


def _understood(result: dict[str, Any]) -> dict[str, Any]:
    """What a reader sees of a search besides the order: notices, stage, readings, corrections,
    the set of hits with the words each holds, the facet counts."""
    return {
        **{k: result.get(k) for k in SAME_KEYS},
        "hits": sorted((h["article_id"], str(h.get("words_held"))) for h in result["hits"]),
        "facets": {k: sorted((str(v["value"]), v.get("label"), v["count"]) for v in result["facets"][k])
                   for k in SAME_FACETS},
    }


@pytest.mark.parametrize("query", UNDERSTANDING)
def test_stages_and_understanding_equal_embedded(backend: Any, embedded: EmbeddedBackend, index: Path,
                                                 query: str) -> None:
    """The query stages, did-you-mean, pinyin, aliases and a typed date: the same notices, stage,
    readings, suggestions, hits and facet counts through the seam as the embedded index's search."""
    from indexer.search.backend_search import search as backend_search
    from indexer.search.engine import search

    if backend is embedded:
        pytest.skip("the embedded index is the reference (indexer.search.engine.search)")
    embedded.open()
    want = search(embedded.handle, query, per_page=2000)
    got = backend_search(backend, query, per_page=2000, index=embedded.handle)
    mine, theirs = _understood(got), _understood(want)
    for k in SAME_FACETS:
        assert mine["facets"][k] == theirs["facets"][k], (query, k)
    assert mine == theirs, query
    # the ``any`` stage: articles holding more of the words first, at every depth, as the embedded index
    assert [h["words_held"]["count"] for h in got["hits"] if "words_held" in h] == \
        [h["words_held"]["count"] for h in want["hits"] if "words_held" in h], query
    expect = UNDERSTOOD.get(query)  # what the case is there to show (so it cannot pass vacuously)
    if expect is not None and XINWEN.is_dir():
        assert expect(got), (query, got["stage"], got["warnings"])


UNDERSTOOD = {
    "淮安志愿服务": lambda r: r["stage"] == "any" and r["total"] > 0,
    "南京志愿服务": lambda r: r["stage"] == "words" and "按词检索：南京 志愿服务" in r["warnings"],
    "关于淮安市志愿服务的情况": lambda r: "以下结果未包含：关于、的、情况" in r["warnings"],
    "如何推进志愿服务": lambda r: "以下结果未包含：如何" in r["warnings"],
    "志原服务": lambda r: r["corrected"] == {"from": "志原服务", "to": "志愿服务"} and r["total"] > 0,
    "zhiyuanfuwu": lambda r: r["pinyin"] == {"from": "zhiyuanfuwu", "to": "志愿服务", "kind": "full"},
    "zyfw": lambda r: r["pinyin"]["kind"] == "initials" and r["total"] > 0,
    "发改委": lambda r: "国家发展改革委" in r["expanded"]["names"]["发改委"] and r["expanded"]["extra"] > 0,
    "2023年4月 志愿服务": lambda r: r["date_applied"]["from"] == "2023-04-01" and 0 < r["total"] < 20,
    "南京志愿服务会见总统": lambda r: all(h["words_held"]["of"] == 4 for h in r["hits"]),
}


def test_a_filtered_search_shows_only_what_it_counts(backend: Any, embedded: EmbeddedBackend) -> None:
    """The hits of a search with a filter, by relevance, are those of the filtered set (the
    backend's ranking once ordered the unfiltered set: a month's search showed other months)."""
    from indexer.search.backend_search import search as backend_search

    if backend is embedded:
        pytest.skip("the embedded index is the reference")
    for filters in FILTERS:
        want = set(embedded.article_ids(embedded.evaluate(q.Term("志愿服务"), filters)))
        got = backend_search(backend, "志愿服务", filters, per_page=50)
        ids = [h["article_id"] for h in got["hits"]]
        assert got["total"] == len(want) and len(ids) == min(50, len(want)) and set(ids) <= want, filters


def _visibility(embedded: EmbeddedBackend) -> Any:
    """Access decisions at every level (indexer.search.visibility): a closed series, an issue of an
    open series closed, an issue of the closed series opened, one article of a closed issue opened."""
    from indexer.search.visibility import Visibility

    ids = embedded.article_ids(embedded.evaluate(q.Term("志愿服务")))
    recs = embedded.records(ids)
    by_series: dict[str, list[str]] = {}
    for r in recs:
        by_series.setdefault(r.get("series") or "", []).append(r["bulletin_id"])
    closed = "志愿服务测试简报"
    other = next(s for s in sorted(by_series) if s and s != closed)
    shut = by_series[other][0]
    doc = next(r["article_id"] for r in recs if r["bulletin_id"] == shut)
    return Visibility(frozenset({closed}), ((by_series[closed][0], True), (shut, False)), ((doc, True),), "test")


@pytest.mark.parametrize("query", ["", "志愿服务", "南京 OR 习近平", "淮安志愿服务", "志原服务"])
def test_access_rules_equal_embedded(backend: Any, embedded: EmbeddedBackend, query: str) -> None:
    """One reader's access decisions: the same sets and facet counts on every backend, in SQL on
    MariaDB (the series, issue and document levels all decided), and fewer than without them."""
    vis = _visibility(embedded)
    tree = q.parse_query(query).tree
    everything = embedded.evaluate(tree).total
    reference = EmbeddedBackend(embedded.root).restrict(vis)
    try:
        want = reference.evaluate(tree)
        backend.restrict(vis)
        got = backend.evaluate(tree)
        assert backend.article_ids(got) == reference.article_ids(want), query
        assert _facets(backend, got) == _facets(reference, want), query
        assert {r["article_id"] for r in backend.records(embedded.article_ids(embedded.evaluate(tree)))} == \
            set(reference.article_ids(want))  # a record the reader may not see is not read either
        if everything:
            assert 0 < want.total < everything, query
    finally:
        backend.restrict(None)
        reference.close()


def test_bulletin_view_equals_embedded(backend: Any, embedded: EmbeddedBackend) -> None:
    """The bulletin view read from the backend (indexer.present.bulletin.backend_bulletin): the same
    dict as the embedded index's, page by page, for every reader's access decisions."""
    from indexer.present.bulletin import backend_bulletin, get_bulletin
    from indexer.search.engine import snapshot

    if backend is embedded:
        pytest.skip("the embedded index is the reference (indexer.present.bulletin.get_bulletin)")
    embedded.open()
    h = embedded.handle
    snap = snapshot(h)
    issues = sorted(snap.issues)
    sample = issues[:: max(1, len(issues) // 15)]
    vis = _visibility(embedded)
    for visible in (None, vis):
        mask = None if visible is None else visible.mask(h.searcher(), snap)
        backend.restrict(visible)
        try:
            shown = 0
            for bid in [*sample, *(b for b, _ok in vis.issues)]:
                for page, per in ((1, 50), (2, 2)):
                    want = get_bulletin(h, bid, page, per, allowed_docs=mask)
                    assert backend_bulletin(backend, bid, page, per, index=h, allowed_docs=mask) == want, (bid, page)
                    shown += want is not None
            assert shown > 10
        finally:
            backend.restrict(None)


@pytest.mark.parametrize("query", ["推进 OR 志愿服务", "推进 OR 南京", "南京 OR 苏州", "志愿服务 -南京", "淮"])
def test_counts_equal_sets(backend: Any, embedded: EmbeddedBackend, query: str) -> None:
    """What the query stages count (`count`) is the size of the set found: through Spider an
    aggregate over an OR of MATCH conditions came back wrong (推进 OR 志愿服务: 0 of 175)."""
    if backend is embedded:
        pytest.skip("the embedded index counts its own sets")
    tree = q.parse_query(query).tree
    assert backend.count(tree) == embedded.evaluate(tree).total > 0, query
    assert backend.count(tree, Filters(year=(2022,))) == embedded.evaluate(tree, Filters(year=(2022,))).total


@pytest.mark.parametrize("layout", ["mroonga", "spider"])
def test_a_bulk_fill_builds_the_indexes_at_its_end(layout: str, embedded: EmbeddedBackend, cluster: mc.Cluster,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A fill of an empty table writes with the indexes disabled on each data node and builds them
    at its end (BULK_FILL_MIN): the same sets and facet counts as the embedded index, the indexes
    enabled again (a MATCH answered from them), and a later fill (an `add`) indexes row by row."""
    from indexer.search import mariadb_backend as mb

    monkeypatch.setattr(mb, "BULK_FILL_MIN", 1)
    bulk: list[int] = []
    monkeypatch.setattr(mb.MariaDBBackend, "bulk", _counting(mb.MariaDBBackend.bulk, bulk))
    url = cluster.url.replace(f"/{mc.DATABASE}", "/bulkfill") if layout == "spider" else \
        cluster.head.url.replace(f"/{mc.DATABASE}", "/bulkfill1")
    b = _filled(url, embedded)
    try:
        assert bulk == [1]
        for query in ("志愿服务", "淮", "南京 OR 苏州", "志愿服务 NOT 南京", "covid"):
            tree = q.parse_query(query).tree
            assert b.article_ids(b.evaluate(tree)) == embedded.article_ids(embedded.evaluate(tree)), query
            assert _nonzero(b.facet_counts(b.evaluate(tree))) == \
                _nonzero(embedded.facet_counts(embedded.evaluate(tree))), query
        for node in cluster.shards if layout == "spider" else [cluster.head]:
            conn = node.connect(db=url.rsplit("/", 1)[1].split("?")[0])
            with conn.cursor() as c:  # type: ignore[attr-defined]
                c.execute(f"SHOW INDEX FROM {mb.TABLE}")
                comments = {r[2]: r[11] for r in c.fetchall()}  # (Key_name, Comment)
            conn.close()  # type: ignore[attr-defined]
            assert comments and not any("disabled" in (v or "") for v in comments.values()), comments
        mb.fill_from(embedded, b)  # nothing changed: no bulk (the table is not empty)
        assert bulk == [1]
    finally:
        b.close()


def _counting(method: Any, calls: list[int]) -> Any:
    def counted(self: Any) -> Any:
        calls.append(1)
        return method(self)
    return counted


@pytest.mark.parametrize("layout", ["mroonga", "spider"])
def test_filtered_pages_hold_only_the_filtered_set(layout: str, embedded: EmbeddedBackend,
                                                   cluster: mc.Cluster) -> None:
    """A query with a facet filter, by relevance and by date: the page's hits are all inside
    the filter and the total and the facet counts are the embedded index's (the top rows are
    read from the engine, ORDER BY … LIMIT over the filtered set)."""
    from indexer.search.backend_search import search

    url = cluster.url if layout == "spider" else cluster.head.url.replace(f"/{mc.DATABASE}", "/single")
    b = _filled(url, embedded)
    try:
        f = Filters(city=("苏州市",))
        want = embedded.evaluate(q.parse_query("志愿服务").tree, f)
        assert want.total > 0
        for sort in ("relevance", "date"):
            got = search(b, "志愿服务", f, sort=sort, per_page=50)
            assert got["total"] == want.total
            assert got["hits"] and all(h["city"] == "苏州市" for h in got["hits"]), sort
            assert {x["value"]: x["count"] for x in got["facets"]["city"]} == {"苏州市": want.total}
        dated = search(b, "志愿服务", f, sort="date", per_page=50)["hits"]
        keys = [h.get("date") or "" for h in dated]
        assert keys == sorted(keys, reverse=True)
    finally:
        b.close()


def test_text_terms_are_found_through_the_index(cluster: mc.Cluster, embedded: EmbeddedBackend) -> None:
    """A text query reads its candidates from the full-text index (one MATCH over both texts),
    not every row: EXPLAIN names the index, for AND, OR and a field (a Chinese term in the title
    alone: the title's own index, ft_title, which then finds it exactly); NOT alone has none."""
    from indexer.search.mariadb_backend import CANDIDATE_INDEX, TABLE

    b = _filled(cluster.head.url.replace(f"/{mc.DATABASE}", "/single"), embedded)
    try:
        for query in ("志愿服务", "南京 志愿", "南京 OR 苏州", "title:志愿服务", "志愿服务 NOT 南京"):
            w = b.compile(q.parse_query(query).tree)
            plan = b._run(f"EXPLAIN SELECT COUNT(*) FROM {TABLE} WHERE {w.text}", w.params)
            want = "ft_title" if query.startswith("title:") else CANDIDATE_INDEX
            assert plan[0][5] == want and plan[0][3] == "fulltext", (query, plan)
        w = b.compile(q.parse_query("NOT 南京").tree)  # (every row but the index's: no candidates)
        plan = b._run(f"EXPLAIN SELECT COUNT(*) FROM {TABLE} WHERE {w.text}", w.params)
        assert plan[0][3] == "ALL", plan
    finally:
        b.close()


def _single(cluster: mc.Cluster) -> str:
    return cluster.head.url.replace(f"/{mc.DATABASE}", "/single")


def _nonzero(counts: dict[str, Counter[Any]]) -> dict[str, Counter[Any]]:
    return {n: Counter({k: v for k, v in c.items() if v}) for n, c in counts.items() if n in FACETS}


def test_chinese_queries_are_answered_from_the_index_alone(cluster: mc.Cluster, embedded: EmbeddedBackend) -> None:
    """A query of Chinese terms (and AND / NOT / OR of them) is one MATCH over both texts: no
    row's text is read (no LIKE), its set is the embedded index's, and a page by relevance takes
    its first rows from the index (Mroonga's ORDER BY MATCH … LIMIT, counted by
    Mroonga_fast_order_limit). A run of letters or a field keeps the exact check."""
    import dataclasses

    from indexer.search.backend import Matches
    from indexer.search.mariadb_backend import MATCH_ALL

    b = _filled(_single(cluster), embedded)

    def fast() -> int:
        return int(b._run("SHOW GLOBAL STATUS LIKE 'Mroonga_fast_order_limit'")[0][1])

    try:
        for query in ("志愿服务", "南京 志愿", "南京 OR 苏州", "志愿服务 NOT 南京", "淮"):
            tree = q.parse_query(query).tree
            w = b.compile(tree)
            assert w.text == f"({MATCH_ALL})" and len(w.params) == 1, (query, w.text)
            m = b.evaluate(tree)
            assert b.article_ids(m) == embedded.article_ids(embedded.evaluate(tree)), query
            before = fast()
            assert len(b.ranked(tree, m, 20)) == min(20, m.total)
            if m.docs.small is not None:  # a small set is ranked whole by the archive: no engine order asked
                assert fast() == before, query
                m = Matches(m.total, dataclasses.replace(m.docs, small=None))  # as a large set's page
                assert len(b.ranked(tree, m, 20)) == min(20, m.total)
            assert fast() > before, query
        for query in ("covid", "5G", "title:志愿服务 南京"):
            assert b.compile(q.parse_query(query).tree).text != f"({MATCH_ALL})", query
    finally:
        b.close()


@pytest.mark.parametrize("composite", [False, True])
@pytest.mark.parametrize("layout", ["mroonga", "spider"])
def test_facet_counts_are_groonga_drilldowns(layout: str, composite: bool, cluster: mc.Cluster,
                                             embedded: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    """The facet counts of a query Groonga's script can say come from its drilldown on each data
    node, the 地区 / 发文机关 lists value by value (vector columns): the SQL GROUP BY's and the
    embedded index's counts — one drilldown a facet, or the scalar facets grouped together
    (COMPOSITE_DRILLDOWN). A list value holding a space (which a vector column would split)
    makes that query's counts SQL's — still exact; so does a list facet filter."""
    from indexer.search import mariadb_backend as mb
    from indexer.search.mariadb_backend import TOTAL

    monkeypatch.setattr(mb, "COMPOSITE_DRILLDOWN", composite)

    b = _filled(cluster.url if layout == "spider" else _single(cluster), embedded)
    import datetime as dt

    cases = [("志愿服务", Filters()), ("", Filters(year=(2023,))), ("南京 OR 苏州", Filters(city=("南京市", "苏州市"))),
             ("志愿服务 NOT 南京", Filters(date_from=dt.date(2023, 3, 1), date_to=dt.date(2023, 8, 31))),
             ("习近平", Filters(month=("2023-04",))), ("", Filters())]
    try:
        for query, f in cases:
            tree = q.parse_query(query).tree
            answer = b._drilldown(tree, f)
            assert answer is not None, query
            drilled = answer[0]  # (the counts; then the set's ids when it is small)
            assert sum(drilled[TOTAL].values()) == embedded.evaluate(tree, f).total
            assert _nonzero(drilled) == _nonzero(b._grouped(b.compile(tree, f))), query
            assert _nonzero(drilled) == _nonzero(embedded.facet_counts(embedded.evaluate(tree, f))), query
        assert b._drilldown(q.Term("志愿服务"), Filters(region=("江苏省",))) is None
        assert b._drilldown(q.Term("covid"), Filters()) is None
        rec = dict(embedded.records(embedded.article_ids(embedded.evaluate(q.Term("志愿服务")))[:1])[0])
        rec.update(article_id="0000000000000000-001", bulletin_id="0000000000000000", issuer="南京市 文明办")
        b.add([rec])
        try:
            tree = q.Term("志愿服务")
            assert b._drilldown(tree, Filters()) is None
            counts = b.facet_counts(b.evaluate(tree))
            assert counts["organ"]["南京市 文明办"] == 1
            assert counts["city"] == embedded.facet_counts(embedded.evaluate(tree))["city"] + Counter([rec["city"]])
        finally:
            b.delete([rec["article_id"]])
    finally:
        b.close()


def test_sets_are_read_on_the_shards_not_through_the_spider_head(cluster: mc.Cluster,
                                                                 embedded: EmbeddedBackend) -> None:
    """Every read of a set (count, facets, a page by relevance or date, ids, the series names)
    goes to the data nodes with the index; the Spider head reads no row of it (without the
    index it read every row, and its full-text read crashed it once a shard had restarted)."""
    from indexer.search.backend_search import search

    b = _filled(cluster.url, embedded)
    head = cluster.head.connect()

    def rows_read() -> int:
        with head.cursor() as c:  # type: ignore[attr-defined]
            c.execute("SHOW GLOBAL STATUS LIKE 'Handler_read_rnd_next'")
            return int(c.fetchone()[1])

    try:
        everything = embedded.evaluate(None).total
        before = rows_read()
        for sort in ("relevance", "date"):
            r = search(b, "志愿服务", sort=sort)
            assert r["total"] == embedded.evaluate(q.Term("志愿服务")).total and r["hits"]
        b.article_ids(b.evaluate(q.parse_query("南京 OR 苏州").tree))
        assert rows_read() - before < everything  # (the pages' records and labels, by id: not one whole read)
    finally:
        head.close()  # type: ignore[attr-defined]
        b.close()


@pytest.mark.parametrize("query", ["第十一期", "2022年第11期", "第3期 志愿"])
def test_issue_offers_equal_embedded(backend: Any, embedded: EmbeddedBackend, index: Path, query: str) -> None:
    """A query naming an issue (第十一期) offers the issues of that number among its matches as
    filters, on the backend as on the embedded index (labels and counts, in order)."""
    from indexer.search.backend_search import search as backend_search
    from indexer.search.engine import search

    embedded.open()
    want = search(embedded.handle, query)["issue_offers"]
    if backend is embedded:
        assert want or query == "第3期 志愿"
        return
    got = backend_search(backend, query, index=embedded.handle)["issue_offers"]
    assert got == want, query


def test_ids_among_a_short_list(backend: Any, embedded: EmbeddedBackend) -> None:
    """`article_ids(m, among=…)`: only those of the set (the 效力 facet reads no other row)."""
    tree = q.parse_query("南京 OR 习近平").tree
    ids = embedded.article_ids(embedded.evaluate(tree))
    others = embedded.article_ids(embedded.evaluate(q.parse_query("NOT (南京 OR 习近平)").tree))
    among = [*ids[::3], *others[:5], "nonexistent-001"]
    assert backend.article_ids(backend.evaluate(tree), among=among) == sorted(ids[::3])
    assert backend.article_ids(backend.evaluate(tree), among=[]) == []


@pytest.mark.parametrize("query", ["志愿服务", "南京 OR 苏州", "title:志愿"])
def test_date_order_is_exact(backend: Any, embedded: EmbeddedBackend, query: str) -> None:
    """A page by date is the set's newest articles (then by id) whatever plan the engine takes:
    Mroonga's ORDER BY … LIMIT for a query that is one MATCH sorted COALESCE(date, 0) wrongly."""
    if backend is embedded:
        pytest.skip("the embedded index orders by its own columns")
    tree = q.parse_query(query).tree
    ids = embedded.article_ids(embedded.evaluate(tree))
    dates = {r["article_id"]: r.get("date") or 0 for r in embedded.records(ids)}
    want = sorted(ids, key=lambda a: (-int(dates[a]), a))[:30]
    assert want and backend.ranked(tree, backend.evaluate(tree), 30, sort="date") == want, query


@pytest.mark.parametrize("query", ["志愿服务", "淮", "5G", "covid OR 疫情", "南京 OR 苏州"])
def test_reranking_features_counted_on_the_engine_equal_python(backend: Any, query: str) -> None:
    """The re-ranking's features the data nodes count (text length, each term's occurrences in
    title and text, a title that is the term) are the numbers Python counts from the texts."""
    from indexer.search import mariadb_backend as mb

    if backend.name != "mariadb":
        pytest.skip("the embedded index ranks from its own postings")
    tree = q.parse_query(query).tree
    m = backend.evaluate(tree)
    ids = backend.ranked(tree, m, 50)
    terms = mb._positive_forms(tree)
    assert ids and terms
    kept = mb.FEATURES_ON_ENGINE
    try:
        mb.FEATURES_ON_ENGINE = True
        engine = backend._features(ids, terms)
        mb.FEATURES_ON_ENGINE = False
        texts = backend._features(ids, terms)
    finally:
        mb.FEATURES_ON_ENGINE = kept
    assert engine == texts and len(engine) == len(ids), query


@pytest.mark.parametrize("query, filters", [
    ("志愿服务", Filters()), ("志愿服务", "city"), ("南京 OR 苏州", Filters(year=(2023,))),
    ("志愿服务 NOT 南京", Filters()), ("", Filters(month=("2023-04",))),
])
def test_a_small_set_is_ranked_as_the_engine_orders_it(backend: Any, query: str, filters: Any) -> None:
    """A set of at most RERANK_DEPTH articles comes whole from Groonga's select with its counts
    (Found.small); its pages, by relevance and by date, are those of the engine's ORDER BY."""
    import dataclasses

    from indexer.search import mariadb_backend as mb
    from indexer.search.backend import Matches

    if backend.name != "mariadb":
        pytest.skip("the embedded index has no engine order")
    tree = q.parse_query(query).tree
    if filters == "city":  # the city of one of the query's articles
        first = backend.records(backend.ranked(tree, backend.evaluate(tree), 1))[0]
        filters = Filters(city=(first["city"],))
    m = backend.evaluate(tree, filters)
    assert 0 < m.total <= mb.RERANK_DEPTH and m.docs.small is not None, (query, m.total)
    assert sorted(a for a, _d in m.docs.small) == backend.article_ids(m)
    whole = Matches(m.total, dataclasses.replace(m.docs, small=None))
    for sort in ("relevance", "date"):
        assert backend.ranked(tree, m, 30, sort, filters) == backend.ranked(tree, whole, 30, sort, filters), sort
    assert backend.count(tree, filters) == m.total


def test_reads_by_issue_use_the_issue_index(cluster: mc.Cluster, embedded: EmbeddedBackend) -> None:
    """An issue's articles are read through the index on bulletin_id (its label for the issue
    facet, the bulletin view), not by reading every row; a table made without that index gets it
    from the next `create` (`index --backend`)."""
    from indexer.search import mariadb_backend as mb

    url = _single(cluster)
    b = _filled(url, embedded)
    conn = cluster.head.connect(db="single")
    try:
        with conn.cursor() as c:  # type: ignore[attr-defined]
            c.execute(f"ALTER TABLE {mb.TABLE} DROP INDEX {mb.ISSUE_INDEX}")
        b.create()
        issue = embedded.records(embedded.article_ids(embedded.evaluate(q.Term("志愿服务")))[:1])[0]["bulletin_id"]
        with conn.cursor() as c:  # type: ignore[attr-defined]
            c.execute(f"EXPLAIN SELECT bulletin_id, MIN(series) FROM {mb.TABLE} WHERE bulletin_id IN (%s) "
                      f"GROUP BY bulletin_id", (issue,))
            plan = c.fetchall()
        assert plan[0][5] == mb.ISSUE_INDEX, plan
        assert b.issue_labels([issue])[issue]
    finally:
        conn.close()  # type: ignore[attr-defined]
        b.close()
