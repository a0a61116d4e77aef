"""The MariaDB + Mroonga backend (indexer.search.backend's seam), sharded with Spider.

One row per article in the table `articles` (ENGINE=Mroonga): the stored record as JSON,
the facet and filter columns, and each searchable text in its *search form* — the
archive's unit string (indexer.store.analysis.unit_string: normalised, punctuation and space
dropped) with each run of letters or digits between spaces. A string of units is inside
another exactly when its search form is a substring of the other's, so:

- each text term of the archive's own parser (indexer.search.query) becomes
  `MATCH(col) AGAINST('"form"' IN BOOLEAN MODE)` — Mroonga's TokenBigram index finds the
  candidates: every article holding the form, and a few more (a run of letters is matched
  by its prefix: "cov" finds "covid") — `AND col LIKE '%form%'`, which keeps exactly those
  holding it (the column's collation is binary; a search form has no % or _);
- a form of Chinese characters only needs no LIKE: TokenBigram's phrase match of it is exact
  (`exact_form`), and a query made of such terms (AND / NOT / OR of them) is one MATCH over
  both texts (`exact_match`), answered from the index alone: no row's text is read, counts
  come from the index and the first rows by score from its order (Mroonga's ORDER BY MATCH
  … LIMIT);
- else the query's candidates come first: one MATCH over both texts (the index `ft_all`, see
  `candidates`), which the engine answers from the index — a MATCH under OR or COALESCE
  would make it read every row;
- AND / OR / NOT, field:, keyword and number fields, the date and facet filters are SQL
  around those; a number term (15万) is checked whole as the embedded index does
  (indexer.search.query.number_bounded) on its candidates;
- the engine returns the size of the set and its facet counts — Groonga's own drilldown on
  each data node (`mroonga_command`; the list facets as vector columns, counted value by
  value) where Groonga's script can say the query (`groonga_filter`), else one SQL GROUP BY
  on each data node — and only the ids a page and the re-ranking need (ORDER BY … LIMIT),
  the re-ranking's features computed by the engine (`_features`).

Every read goes to each data node directly (`_gather`) and is merged here — sets, counts,
facets, and the reads by article id or issue too (through the head, Spider opened a new
connection to every shard for each statement): the Spider head takes the writes only.
Connections are pooled per process (indexer.search.mariadb_pool): a web request takes one
per server and gives it back at its end.

Ranking: the engine orders the set by Mroonga's score (title ×3), and the archive re-ranks
the first RERANK_DEPTH of that order with its own features (indexer.search.rank's constants: title
occurrences, saturated and length-normalised term frequency, a title that is the query);
beyond RERANK_DEPTH a reader sees the engine's order. Sorting by date is exact at any depth.

Access rules: `restrict(visibility)` (indexer.search.visibility) adds the reader's decisions
(document, else issue, else series) to the WHERE of every query, records and the bulletin
view's reads included, so no set, count or facet holds what the reader may not see.

Sharding: with `?shards=host:port,…` in the URL, `articles` on the given server is a Spider
table partitioned by KEY(article_id) over the data nodes, each holding a Mroonga
`articles`. Replicas are MariaDB's binlog replication (`?replica=host:port` reads from one):
reads go to the replica while it replicates, else to the primary, and with the primary down
to the replica as of the last change it applied (`_choose_reader`); writes go to the primary.
A server or shard that does not answer gives BackendUnavailableError naming it (a primary and
its replica: both, when neither answers): never a partial or wrong answer.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import parse_qs, unquote, urlparse

from indexer.search import compiler, mariadb_pool
from indexer.store import records
from indexer.search import query as q
from indexer.store.analysis import RUN_MARK, unit_string, units_string
from indexer.search.backend import COLUMN_FACETS, KEY_FACETS, BackendUnavailableError, Matches
from indexer.search.evaluate import Filters
from indexer.search.rank import B, EXACT_TITLE, K1, QUALITY, TITLE_BOOST, TITLE_QUALITY

CONNECT_SECONDS = 5  # a server that does not accept a connection in this time is down
READ_SECONDS = 60  # … or does not answer a query in this time
BATCH = 200  # rows per INSERT
# A fill of an empty table with at least this many articles writes them with the indexes disabled
# on each data node (ALTER TABLE … DISABLE KEYS) and builds them once at its end (ENABLE KEYS:
# Groonga's offline index construction) — measured 2.8× faster than indexing row by row (6,000
# rows of 1.5k characters, three TokenBigram indexes: 67 → 24 s, load ~6)
BULK_FILL_MIN = 1000
RERANK_DEPTH = 200  # the first this many of the engine's order are re-ranked by the archive's features
# On one server, the texts of the first rows of an order taken from the index (Mroonga's ORDER BY
# MATCH … LIMIT) come in its statement, for the re-ranking's features: one round trip less than
# reading them by id (gen1k, one server, whole search: 文明 149 → 96 ms, 南京 OR 苏州 104 → 84; on two
# shards, each sending its first RERANK_DEPTH texts, slower: 志愿服务 93 → 203 — not there)
TEXTS_WITH_ORDER = True
FEATURES_ON_ENGINE = False  # the re-ranking's features counted by the data nodes (measured slower, gen10k: 49–87 vs 36–59 ms)
TOKENIZER = 'tokenizer "TokenBigram", normalizer "NormalizerAuto"'
VALUE_CHARS = 191  # the longest value of a list facet its vector column holds (the key of `<name>_values`)
TABLE = "articles"

# column → SQL type; the order of the INSERT
COLUMNS: dict[str, str] = {
    "article_id": "VARCHAR(191) NOT NULL",
    "bulletin_id": "VARCHAR(191)",
    "source": "TEXT",
    "series": "VARCHAR(191)",
    "issue": "INT",
    "year": "INT",
    "month": "VARCHAR(16)",
    "date": "INT",
    "city": "VARCHAR(191)",
    "place": "VARCHAR(191)",
    "section": "VARCHAR(191)",
    "doc_type": "VARCHAR(191)",
    "places": "TEXT",
    "region": "TEXT",
    "organ": "TEXT",
    "topic": "TEXT",
    "serial": "TEXT",
    # the list facets again as Groonga vector columns, one element per value, which its drilldown
    # counts value by value (`_drilldown`); NULL for a list with a value it cannot hold (a space,
    # or longer than VALUE_CHARS), and `keys_whole` 0 then (that query's counts come from SQL)
    **{f"{k}_v": f"TEXT COMMENT 'flags \"COLUMN_VECTOR\", type \"{k}_values\"'" for k in ("region", "organ", "topic")},
    "keys_whole": "TINYINT NOT NULL DEFAULT 0",
    # the scalar facets again as Groonga references (a key of `<name>_keys`): its drilldown groups
    # record ids instead of each matching row's string (gen10k, 文明, over the filter's own ~32 ms:
    # the issue facet's 10k groups 123 → 104 ms, city 36 → 21, month 27 → 23)
    **{f"{k}_r": f"VARCHAR(191) COMMENT 'type \"{k}_keys\"'" for k in ("bulletin_id", "city", "month", "series", "doc_type")},
    "title_s": "LONGTEXT NOT NULL",
    "text_s": "LONGTEXT NOT NULL",
    "record": "LONGTEXT NOT NULL",
}
TEXT_COLUMNS = {"title": "title_s", "text": "text_s"}
# One index over both texts: the query's candidates (see `candidates`), one MATCH the optimizer
# can read the index for — a MATCH under OR or COALESCE makes it read every row instead.
CANDIDATE_INDEX = "ft_all"
# An issue's articles by its id (its label, the bulletin view, the issue filter): without it each
# such read went over every row (gen10k: 300 ms for the labels of a page's issue facet, 4 ms with it)
ISSUE_INDEX = "bulletin"
SERIES_TTL_S = 60.0  # how long a process trusts its list of the series names (another may add one)
CANDIDATE_COLUMNS = ("title_s", "text_s")
# The engine's score over CANDIDATE_INDEX: Mroonga's per-column weights (1-based: title, text), the
# same title ×TITLE_BOOST as MATCH(title_s) * TITLE_BOOST + MATCH(text_s)
WEIGHTS = f"*W1:{TITLE_BOOST:g},2:1 "
# A search form of Chinese characters only: Mroonga's TokenBigram phrase match finds exactly the
# articles holding it (no prefix match of a letter run), so no LIKE is needed after it
_HAN_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
# Whoosh fields of indexer.store.schema → how a term of one is matched here
EQUAL_FIELDS = {"bulletin_id", "series", "month", "city", "place", "section", "doc_type"}
LIST_FIELDS = {"places", "region", "organ", "topic", "serial"}  # comma-separated keyword fields
NUMBER_FIELDS = {"issue", "year", "date"}
FACET_COLUMNS = {"bulletin": "bulletin_id"}  # facet name → column, where they differ
FACET_NAMES = {c: n for n, c in FACET_COLUMNS.items()}
# Groonga's drilldown (`MariaDBBackend._drilldown`): facet column → the column it groups
DRILL_KEYS = {"bulletin_id": "bulletin_id_r", "city": "city_r", "year": "year", "month": "month_r",
              "series": "series_r", "doc_type": "doc_type_r", "organ": "organ_v", "topic": "topic_v",
              "region": "region_v"}
REF_COLUMNS = ("bulletin_id", "city", "month", "series", "doc_type")  # with a reference column (`<name>_r`)
# The scalar facets grouped together in one drilldown, a combination of their values a group
# (`MariaDBBackend._drilldown_composite`), with COMPOSITE_DRILLDOWN: one pass over the matches
# instead of one a facet, the same counts — and measured 1.3–4× slower (Groonga's grouping by
# several keys; gen1k, 文明: 34 → 130 ms): off, one drilldown a facet
SCALAR_DRILL = ("bulletin_id", "city", "year", "month", "series", "doc_type")
COMPOSITE_DRILLDOWN = False
KEY_COLUMNS = ("region", "organ", "topic")  # the list facets with a vector column (`<name>_v`)
# Filters Groonga's script can say: Filters field → column (the list facets' FIND_IN_SET cannot)
DRILL_FILTERS = {"city": "city", "year": "year", "month": "month", "bulletin": "bulletin_id", "series": "series",
                 "doc_type": "doc_type"}
# The facet columns, grouped together in one GROUP BY (`MariaDBBackend._grouped`)
GROUP_COLUMNS = ("bulletin_id", "city", "year", "month", "series", "doc_type", "organ", "topic", "region")
TOTAL = "_total"
MATCH_ALL = f"MATCH({', '.join(CANDIDATE_COLUMNS)}) AGAINST(%s IN BOOLEAN MODE)"


def search_form(text: str) -> str:
    """The search form of a text (see the module doc): "5G网络" → " 5  g 网络"."""
    return unit_string(text).replace(RUN_MARK, " ")


def _table_sql(engine: str, extra: str = "") -> str:
    # (a Spider table's columns are plain: Mroonga's column comments are for the data nodes)
    cols = ",\n  ".join(f"`{c}` {t if engine == 'Mroonga' else t.split(' COMMENT ')[0]}" for c, t in COLUMNS.items())
    return (f"CREATE TABLE {TABLE} (\n  {cols},\n  PRIMARY KEY (article_id),\n"
            f"  INDEX {ISSUE_INDEX} (bulletin_id),\n"
            f"  FULLTEXT INDEX ft_title (title_s) COMMENT '{TOKENIZER}',\n"
            f"  FULLTEXT INDEX ft_text (text_s) COMMENT '{TOKENIZER}',\n"
            f"  FULLTEXT INDEX {CANDIDATE_INDEX} ({', '.join(CANDIDATE_COLUMNS)}) COMMENT '{TOKENIZER}'\n"
            f") ENGINE={engine} DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin{extra}")


def row_of(record: dict[str, Any], organ: str | None = None, topic: str | None = None) -> tuple[Any, ...]:
    """The table row of an article's stored record (indexer.store.documents.article_doc's values):
    `organ` and `topic` are the keyword facets the record does not store."""
    from indexer.store.documents import organs
    from indexer.store.serials import serial_terms

    meta = record.get("meta") or {}
    head = record.get("head") or ""
    text = record.get("text") or ""
    serial = serial_terms(meta.get("serial")) if meta.get("kind") == "公文" and meta.get("serial") else None
    values = {
        **{c: record.get(c) for c in COLUMNS},
        "organ": organ if organ is not None else organs(record.get("issuer")),
        "topic": topic,
        "serial": serial,
        "title_s": search_form(record.get("title") or ""),
        "text_s": search_form(f"{head}\n{text}" if head else text),  # as article_doc's text region
        "record": json.dumps(record, ensure_ascii=False, default=str),
    }
    whole = True
    for c in KEY_COLUMNS:
        vector = _vector(values[c])
        values[f"{c}_v"] = vector
        whole = whole and (vector is not None or not values[c])
    values["keys_whole"] = int(whole)
    for c in REF_COLUMNS:
        values[f"{c}_r"] = values[c] if values[c] not in (None, "") else None
    return tuple(values[c] for c in COLUMNS)


@dataclass(frozen=True)
class Node:
    """One server: where it is and its role (head, shard N, replica)."""

    host: str
    port: int
    role: str

    def __str__(self) -> str:
        return f"{self.role}（{self.host}:{self.port}）"


def _node(hostport: str, role: str) -> Node:
    host, _, port = hostport.strip().rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"无法识别的服务器地址“{hostport}”：应为 主机:端口")
    return Node(host, int(port), role)


@dataclass
class SQL:
    """A WHERE clause being built: its text and parameters."""

    text: str
    params: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Found:
    """A query's matching set as the engine holds it (Matches.docs of this backend): its WHERE,
    the tree, and the facet counts the engine took over it."""

    where: SQL
    tree: q.Node | None
    counts: dict[str, Counter[Any]]
    # the whole set as (article id, date) when it is small (at most RERANK_DEPTH: every article
    # of it is re-ranked, so the engine's order is not needed) and Groonga's select gave it
    small: tuple[tuple[str, int], ...] | None = None


class MariaDBBackend:
    """The archive's articles in MariaDB + Mroonga (see the module doc)."""

    name = "mariadb"

    def __init__(self, head: Node, user: str, password: str, database: str,
                 shards: list[Node] | None = None, replica: Node | None = None) -> None:
        self.head = head
        self.user = user
        self.password = password
        self.database = database
        self.shards = shards or []
        self.replica = replica
        self._held: dict[Node, tuple[Any, bool]] = {}  # connection taken from the pool, reused or new
        self._reader: Node | None = None  # the server this backend reads from (`open` chooses it)
        self.visible: Any = None  # indexer.search.visibility.Visibility: what the reader may see (None: all)
        self.within_ids: set[str] | None = None  # only these articles (None: no such limit)
        self._series: tuple[float, set[str]] | None = None  # when read, the series the table holds

    @classmethod
    def from_url(cls, url: str) -> "MariaDBBackend":
        """mariadb://user:password@host:port/db[?shards=host:port,host:port][&replica=host:port]"""
        u = urlparse(url)
        if u.scheme != "mariadb" or not u.hostname or not u.path.strip("/"):
            raise ValueError(f"无法识别的检索后端地址“{url}”：应为 mariadb://用户:密码@主机:端口/库名")
        qs = parse_qs(u.query)
        shards = [_node(h, f"分片 {i + 1}") for i, h in enumerate(",".join(qs.get("shards", [])).split(",")) if h]
        replica = _node(qs["replica"][0], "副本") if qs.get("replica") else None
        return cls(Node(u.hostname, u.port or 3306, "主服务器"), unquote(u.username or "root"),
                   unquote(u.password or ""), u.path.strip("/"), shards, replica)

    def restrict(self, visible: Any) -> "MariaDBBackend":
        """Every read from now on (sets, counts, facets, records, ranking) only within what
        `visible` (indexer.search.visibility.Visibility; None: everything) lets the reader see."""
        self.visible = visible
        return self

    def within(self, ids: Iterable[str] | None) -> "MariaDBBackend":
        """Every read from now on only among the articles `ids` (None: no such limit): a set the
        archive computes itself, such as the 效力 filter (indexer.search.citegraph)."""
        self.within_ids = None if ids is None else set(ids)
        return self

    # -- connections -------------------------------------------------------

    def _pool(self, node: Node) -> Any:
        """The process's pool of connections to `node` (indexer.search.mariadb_pool): the Spider
        head's connections of a sharded table write nothing to its binlog (`_no_binlog`)."""
        quiet = bool(self.shards) and node == self.head
        key = (node, self.user, self.password, self.database, quiet)
        user, password, database = self.user, self.password, self.database

        def connect() -> Any:
            conn = _connect(node, user, password, database)
            if quiet:
                MariaDBBackend._no_binlog(conn)
            return conn

        return mariadb_pool.pool(key, connect)

    def _session(self, node: Node) -> Any:
        """This backend's connection to `node`: taken from the pool on first use, given back at
        `close`. Raises BackendUnavailableError naming the node when it cannot connect."""
        held = self._held.get(node)
        if held is None:
            held = self._held[node] = self._pool(node).take()
        return held[0]

    def _use(self, node: Node, work: Callable[[Any], Any]) -> Any:
        """`work(connection)` on this backend's connection to `node`. A pooled connection whose
        server restarted since it was given back (a lost-connection error) is dropped with the
        other idle ones and the work done once more on a new connection, which answers (the
        server is back) or cannot connect (BackendUnavailableError naming the node). Any other
        failure drops the connection (its state is unknown) and is raised."""
        conn = self._session(node)
        reused = self._held[node][1]
        try:
            return work(conn)
        except BaseException as ex:
            self._held.pop(node, None)
            if not (reused and mariadb_pool.lost(ex)):
                mariadb_pool.close_quietly(conn)
                raise
            self._pool(node).drop(conn)
        conn = self._session(node)
        try:
            return work(conn)
        except BaseException:
            self._held.pop(node, None)
            mariadb_pool.close_quietly(conn)
            raise

    def _connect(self, node: Node, database: str | None = None) -> Any:
        """A new connection of its own (not pooled): schema changes, health checks."""
        return _connect(node, self.user, self.password, database)

    def open(self) -> None:
        """Take a connection to the server reads go to (raises, naming it, when it cannot connect).
        With a replica, choose it (`_choose_reader`): the replica while it replicates, else the
        primary, else — the primary down — the replica as of the last change it applied."""
        if self._reader is not None:
            return
        if self.replica is None:
            self._session(self.head)
            self._reader = self.head
            return
        self._reader = self._choose_reader()

    def _choose_reader(self, failed: Node | None = None) -> Node:
        """The server a backend with a replica reads from: the replica while it replicates (its
        I/O and SQL threads running), else the primary; with the primary down too, the replica
        whose SQL thread applied all it received (its I/O thread cannot reach the primary: it
        answers as of the primary's last change it received). Neither: BackendUnavailableError
        naming both. A server that failed within DOWN_SECONDS (or `failed`) is tried last."""
        assert self.replica is not None
        why: dict[Node, str] = {}
        applied = False  # the replica's SQL thread runs: it holds what the primary sent it
        order = sorted((self.replica, self.head), key=lambda n: n == failed or _down_recently(n))
        for node in order:
            try:
                if node == self.replica:
                    status = self._use(node, _replication)
                    applied = status.get("Slave_SQL_Running") == "Yes"
                    if status.get("Slave_IO_Running") != "Yes" or not applied:
                        err = status.get("Last_IO_Error") or status.get("Last_SQL_Error") or "复制未运行"
                        raise BackendUnavailableError(
                            f"{self.replica}没有在复制主服务器（{_ERR_RE.sub(' ', err)[:200]}）")
                else:
                    self._use(node, lambda conn: conn.ping(reconnect=False))
                _DOWN.pop(node, None)
                return node
            except Exception as ex:
                if node == self.replica and applied and isinstance(ex, BackendUnavailableError):
                    why[node] = str(ex)  # replicating no more, but consistent: the last resort
                    continue
                self._release(node)
                _DOWN[node] = time.monotonic()
                why[node] = _unprefixed(str(ex)) if isinstance(ex, BackendUnavailableError) \
                    else f"{node}没有应答（{_reason(ex)}）"
        if applied:
            return self.replica  # the primary is down: the replica, as of the last change it applied
        raise BackendUnavailableError("检索后端不可用：" + "；".join(_unprefixed(why[n]) for n in (self.replica, self.head)))

    def _release(self, node: Node) -> None:
        """Forget (and close) this backend's connection to `node`, if any."""
        held = self._held.pop(node, None)
        if held is not None:
            mariadb_pool.close_quietly(held[0])

    @staticmethod
    def _no_binlog(conn: Any) -> None:
        """The Spider head's session writes nothing to its binlog: a replica of the head would
        stop at the Spider table (CREATE SERVER is not replicated); the shards' binlogs hold the data."""
        with conn.cursor() as c:
            c.execute("SET SESSION sql_log_bin = 0")

    def _replicating(self, conn: Any) -> None:
        """Raises BackendUnavailableError when the replica on `conn` is not replicating."""
        status = _replication(conn)
        if status.get("Slave_IO_Running") != "Yes" or status.get("Slave_SQL_Running") != "Yes":
            err = _ERR_RE.sub(" ", status.get("Last_IO_Error") or status.get("Last_SQL_Error") or "复制未运行")[:200]
            raise BackendUnavailableError(f"检索后端不可用：{self.replica}没有在复制主服务器（{err}）")

    def close(self) -> None:
        """Give this backend's connections back to their pools (the next backend reuses them)."""
        held, self._held = self._held, {}
        for node, (conn, _reused) in held.items():
            self._pool(node).give(conn)
        self._reader = None

    def health(self) -> None:
        """Raises BackendUnavailableError naming the first server, shard or replica that does
        not answer, or a replica that has stopped replicating."""
        for node in (self.head, *self.shards, *([self.replica] if self.replica else [])):
            conn = self._connect(node, self.database)
            try:
                with conn.cursor() as c:
                    c.execute("SELECT 1")
                if node is self.replica:
                    self._replicating(conn)
            except BackendUnavailableError:
                raise
            except Exception as ex:
                raise BackendUnavailableError(f"检索后端不可用：{node}没有应答（{_reason(ex)}）") from None
            finally:
                conn.close()

    def _run(self, sql: str, params: Iterable[Any] = (), read: bool = True, many: bool = False) -> list[tuple[Any, ...]]:
        """Execute on the head (writes) or the server `open` chose for reads; a failure names the
        server or shard that is down (health), never a partial answer. A read on a primary with a
        replica that fails because its server went down is made again on the other one
        (`_choose_reader`), which names both when neither answers."""
        import pymysql

        def work(conn: Any) -> list[tuple[Any, ...]]:
            with conn.cursor() as c:
                if many:
                    c.executemany(sql, list(params))
                    return []
                c.execute(sql, tuple(params) or None)
                return list(c.fetchall())

        if not read:
            self._session(self.head)  # (writes go to the primary: named when it is down)
        else:
            self.open()
        pair = read and self.replica is not None and not self.shards  # a primary and its replica
        node = self._reader if read and self._reader is not None else self.head
        for attempt in range(2):
            try:
                return self._use(node, work)
            except (pymysql.MySQLError, BackendUnavailableError) as ex:
                if pair and attempt == 0 and not self._answers(node):
                    _DOWN[node] = time.monotonic()
                    self._release(node)
                    node = self._reader = self._choose_reader(failed=node)  # raises, naming both, when none is left
                    continue
                if isinstance(ex, BackendUnavailableError):
                    raise
                self.close()
                if not pair:
                    self.health()  # raises, naming the server, shard or replica that is down
                elif not self._answers(node):
                    raise BackendUnavailableError(f"检索后端不可用：{node}没有应答（{_reason(ex)}）") from None
                raise QueryError(f"检索后端出错：{_reason(ex)}") from None
        raise AssertionError("unreachable")

    def _answers(self, node: Node) -> bool:
        """Whether `node` answers a new connection's SELECT 1 (a query failed: was it the server?)."""
        try:
            conn = self._connect(node, self.database)
        except BackendUnavailableError:
            return False
        try:
            with conn.cursor() as c:
                c.execute("SELECT 1")
            return True
        except Exception:
            return False
        finally:
            mariadb_pool.close_quietly(conn)

    # -- schema and writing ------------------------------------------------

    def create(self, replace: bool = False) -> None:
        """Create the database and `articles` (on each shard and the Spider table on the
        head, when sharded); with `replace`, drop them first."""
        _DRILL.clear()  # (it makes `mroonga_command`: asked again)
        nodes = self.shards or [self.head]
        for node in nodes:
            conn = self._connect(node)
            with conn.cursor() as c:
                c.execute(f"CREATE DATABASE IF NOT EXISTS `{self.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
                c.execute(f"USE `{self.database}`")
                if replace:
                    c.execute(f"DROP TABLE IF EXISTS {TABLE}")
                c.execute(f"SHOW TABLES LIKE '{TABLE}'")
                if not c.fetchall():
                    _value_tables(c)
                    _ref_tables(c)
                    c.execute(_table_sql("Mroonga"))
                else:
                    _add_candidate_index(c)
                    _add_issue_index(c)
                    _add_key_columns(c)
                    _add_ref_columns(c)
                try:  # Groonga's drilldown from SQL (`_drilldown`); without it the counts are SQL's
                    c.execute("CREATE FUNCTION IF NOT EXISTS mroonga_command RETURNS STRING SONAME 'ha_mroonga.so'")
                except Exception:
                    pass
            conn.close()
        if not self.shards:
            return
        conn = self._connect(self.head)
        self._no_binlog(conn)
        with conn.cursor() as c:
            c.execute(f"CREATE DATABASE IF NOT EXISTS `{self.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            c.execute(f"USE `{self.database}`")
            if replace:
                c.execute(f"DROP TABLE IF EXISTS {TABLE}")
            for i, s in enumerate(self.shards):
                c.execute(f"DROP SERVER IF EXISTS shard{i + 1}")
                c.execute(f"CREATE SERVER shard{i + 1} FOREIGN DATA WRAPPER mysql OPTIONS "
                          f"(HOST %s, PORT {s.port}, USER %s, PASSWORD %s, DATABASE %s)",
                          (s.host, self.user, self.password, self.database))
            c.execute(f"SHOW TABLES LIKE '{TABLE}'")
            if c.fetchall() and not _lacks_key_columns(c) and not _lacks_ref_columns(c):
                _add_candidate_index(c)
            else:  # (a Spider table holds no rows: one made before the key columns is made again)
                c.execute(f"DROP TABLE IF EXISTS {TABLE}")
                parts = ", ".join(f"PARTITION p{i + 1} COMMENT = 'srv \"shard{i + 1}\"'" for i in range(len(self.shards)))
                c.execute(_table_sql("SPIDER", f" COMMENT='wrapper \"mysql\", table \"{TABLE}\"'"
                                               f" PARTITION BY KEY (article_id) ({parts})"))
        conn.close()

    def add(self, records: Iterable[dict[str, Any]]) -> int:
        """Insert or replace articles (stored records, with `organ`/`topic` when known)."""
        cols = ", ".join(f"`{c}`" for c in COLUMNS)
        marks = ", ".join(["%s"] * len(COLUMNS))
        sql = f"REPLACE INTO {TABLE} ({cols}) VALUES ({marks})"
        n = 0
        batch: list[tuple[Any, ...]] = []
        for r in records:
            extra = r.pop("_facets", {}) if "_facets" in r else {}
            batch.append(row_of(r, extra.get("organ"), extra.get("topic")))
            if len(batch) >= BATCH:
                self._run(sql, batch, read=False, many=True)
                n += len(batch)
                batch = []
        if batch:
            self._run(sql, batch, read=False, many=True)
            n += len(batch)
        self._series = None
        _SERIES.pop((self.head, self.database), None)
        return n

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Writes within it go to the table with its indexes disabled on each data node, built
        once at its end (even when the writing fails). Searches see no index until then: for a
        fill of an empty table only (`fill_from`)."""
        nodes = self.shards or [self.head]
        conns = []
        try:
            for node in nodes:
                conn = self._connect(node, self.database)
                conns.append(conn)
                with conn.cursor() as c:
                    c.execute(f"ALTER TABLE {TABLE} DISABLE KEYS")
            yield
        finally:
            for conn in conns:
                with conn.cursor() as c:
                    c.execute(f"ALTER TABLE {TABLE} ENABLE KEYS")
                conn.close()

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        for i in range(0, len(ids), BATCH):
            chunk = ids[i : i + BATCH]
            self._run(f"DELETE FROM {TABLE} WHERE article_id IN ({', '.join(['%s'] * len(chunk))})", chunk,
                      read=False)
        return len(ids)

    def sources(self) -> dict[str, str]:
        """article id → its source key ("path\\tsha256"): what a sync compares."""
        return {a: s or "" for a, s in self._run(f"SELECT article_id, source FROM {TABLE}", read=False)}

    # -- reading -----------------------------------------------------------

    def compile(self, tree: q.Node | None, filters: Filters = Filters(), index: bool = True) -> SQL:
        """The WHERE clause of a parsed query and the filters: the exact condition, after the
        MATCH of its candidates (`candidates`) when the tree has one and `index`, which the
        engine answers from the index instead of reading every row."""
        whole = exact_match(tree, self._names_no_series) if index else None
        if whole is not None:  # the tree is one MATCH: the engine answers it from its index alone
            parts = [SQL(MATCH_ALL, [WEIGHTS + whole])]
        else:
            parts = [] if tree is None else [self._node(tree)]
            cand = candidates(tree, self._names_no_series) if index else None
            if cand:
                parts.insert(0, SQL(MATCH_ALL, [cand]))
        parts += self._filters(filters)
        if self.visible is not None:  # access (issue 21): the reader's rules, in the SQL of every query
            parts.append(SQL(*self.visible.sql()))
        if self.within_ids is not None:  # a set the archive decided (the 效力 filter, as the reader sees it)
            ids = sorted(self.within_ids)
            parts.append(SQL(f"article_id IN ({', '.join(['%s'] * len(ids))})", ids) if ids else SQL("FALSE"))
        if not parts:
            return SQL("TRUE")
        return SQL(" AND ".join(f"({p.text})" for p in parts), [x for p in parts for x in p.params])

    def _node(self, node: q.Node) -> SQL:
        if isinstance(node, q.Term):
            return self._term(node)
        if isinstance(node, q.Not):
            inner = self._node(node.child)
            return SQL(f"NOT ({inner.text})", inner.params)
        kids = [self._node(c) for c in node.children]
        op = " OR " if isinstance(node, q.Or) else " AND "
        return SQL(op.join(f"({k.text})" for k in kids), [x for k in kids for x in k.params])

    def _term(self, node: q.Term) -> SQL:
        c = compiler.compile_term(node)
        alts: list[SQL] = []
        if c.units:
            form = units_string(c.units).replace(RUN_MARK, " ")
            against = '"' + " ".join(form.split()) + '"'
            # LIKE, not LOCATE: Spider pushes LOCATE down to the shards wrongly (it finds nothing)
            if exact_form(form):  # the index's phrase match is exact: no row's text is read
                cols = [TEXT_COLUMNS[f] for f in c.fields]
                per = [SQL(MATCH_ALL if set(cols) == set(CANDIDATE_COLUMNS)
                           else f"MATCH({cols[0]}) AGAINST(%s IN BOOLEAN MODE)", [against])] if len(cols) in (1, 2) \
                    else []
            else:
                per = []
            if not per:
                per = [SQL(f"(MATCH({TEXT_COLUMNS[f]}) AGAINST(%s IN BOOLEAN MODE) AND {TEXT_COLUMNS[f]} LIKE %s)",
                           [against, f"%{form}%"]) for f in c.fields]
            text = SQL(" OR ".join(p.text for p in per), [x for p in per for x in p.params])
            if c.bounded is not None:  # 15万: whole, as the embedded index checks it
                text = self._bounded(c, text)
            alts.append(text)
        if c.match is not None and not self._names_no_series(c.match):
            alts.append(_field_sql(c.match))
        if not alts:
            return SQL("FALSE")
        if len(alts) == 1 and c.match is None:  # a text condition is never NULL (NOT NULL columns)
            return alts[0]
        return SQL(" OR ".join(f"COALESCE(({a.text}), FALSE)" for a in alts), [x for a in alts for x in a.params])

    def _names_no_series(self, match: Any) -> bool:
        """Whether `match` is a text term's series alternative (a 4+ character term may name a
        简报) naming no series the archive holds: left out, so that the term's candidates still
        come from the full-text index (an OR with `series = …` would read every row)."""
        plain = records.describe(match)
        if plain[0] != "term" or plain[1] != "series":
            return False
        now = time.monotonic()
        key = (self.head, self.database)
        known = self._series or _SERIES.get(key)
        if known is None or now - known[0] > SERIES_TTL_S:  # (each data node's own: a group per series)
            known = (now, {s for (s,) in self._gather(f"SELECT series FROM {TABLE} GROUP BY series", []) if s})
            _SERIES[key] = known
        self._series = known
        return plain[2] not in known[1]

    def _bounded(self, c: compiler.Compiled, text: SQL) -> SQL:
        rows = self._gather(f"SELECT article_id, record FROM {TABLE} WHERE {text.text}", text.params)
        keep = []
        for aid, rec in rows:
            r = json.loads(rec)
            if compiler.number_bounded(c, f"{r.get('title') or ''}\n{r.get('head') or ''}\n{r.get('text') or ''}"):
                keep.append(aid)
        if not keep:
            return SQL("FALSE")
        return SQL(f"article_id IN ({', '.join(['%s'] * len(keep))})", keep)

    def _filters(self, f: Filters) -> list[SQL]:
        out: list[SQL] = []
        for col, values in (("region", f.region), ("organ", f.issuer), ("topic", f.topic)):
            if values:
                out.append(SQL(" OR ".join(f"FIND_IN_SET(%s, {col}) > 0" for _ in values), list(values)))
        for col, values in (("doc_type", f.doc_type), ("city", f.city), ("year", f.year), ("month", f.month),
                            ("bulletin_id", f.bulletin), ("series", f.series)):
            if values:
                out.append(SQL(f"{col} IN ({', '.join(['%s'] * len(values))})", list(values)))
        if f.issue is not None:
            out.append(SQL("issue = %s", [f.issue]))
        if f.place:
            out.append(SQL("place = %s", [f.place]))
        if f.date_from or f.date_to:
            from archive.labels import to_yyyymmdd

            lo = to_yyyymmdd(f.date_from) or 0
            hi = to_yyyymmdd(f.date_to) or 99999999
            out.append(SQL("date <> 0 AND date BETWEEN %s AND %s", [lo, hi]))
        return out

    def evaluate(self, tree: q.Node | None, filters: Filters = Filters()) -> Matches:
        """The exact set as the engine holds it (`Found`: its WHERE), with its facet counts
        taken there: one GROUP BY on each data node, only the counts travel (`_grouped`)."""
        where = self.compile(tree, filters)
        small = None
        drilled = self._drilldown(tree, filters)
        if drilled is None:
            counts = self._grouped(where)
        else:
            counts, small = drilled
        # Every read of the set goes to the data nodes (`_gather`), never through the Spider
        # head: its full-text read path (ha_spider::ft_read) crashed the head (SIGSEGV in
        # spider_db_set_names_internal) once a shard had restarted, and without the index it
        # reads every row.
        return Matches(sum(counts.pop(TOTAL).values()), Found(where, tree, counts, small))

    def _grouped(self, where: SQL) -> dict[str, Counter[Any]]:
        """The facet counts over the rows `where` selects, by one GROUP BY on each data node
        over all the facet columns (one pass over the matches: Mroonga's cost is reading each
        matching row's columns, and a GROUP BY a facet would read them again), so that what
        travels is a count per distinct combination, not a row per article. A list column's
        values are then counted in Python (split on ",", as the embedded index stores them),
        each once per article holding it (times the group's count).

        The combination travels as one string (PyMySQL decodes each value in Python); a value
        holding the separator makes the groups come as columns."""
        cols = ", ".join(GROUP_COLUMNS)
        packed = ", ".join(f"COALESCE({c}, CHAR(30))" for c in GROUP_COLUMNS)
        rows: list[tuple[Any, ...]] = []
        for key, n in self._gather(f"SELECT CONCAT_WS(CHAR(31), {packed}) AS k, COUNT(*) FROM {TABLE} "
                                   f"WHERE {where.text} GROUP BY k ORDER BY NULL", where.params):  # NULL: no sort
            parts = key.split("\x1f")
            if len(parts) != len(GROUP_COLUMNS):
                rows = self._gather(f"SELECT {cols}, COUNT(*) FROM {TABLE} WHERE {where.text} GROUP BY {cols} ORDER BY NULL",
                                    where.params)
                break
            rows.append((*(None if v == "\x1e" else v for v in parts), n))
        out: dict[str, Counter[Any]] = {n: Counter() for n in (TOTAL, *COLUMN_FACETS, *KEY_FACETS)}
        counts = [int(r[-1]) for r in rows]
        out[TOTAL][0] = sum(counts)
        for i, c in enumerate(GROUP_COLUMNS):
            tally = out[FACET_NAMES.get(c, c)]
            if c in LIST_FIELDS:  # each value of the list, once per article holding it
                for r, n in zip(rows, counts):
                    if r[i]:
                        for v in r[i].split(","):
                            v = v.strip()
                            if v:
                                tally[v] += n
            else:
                number = c in NUMBER_FIELDS
                for r, n in zip(rows, counts):
                    v = r[i]
                    if v is not None and v != "":
                        tally[int(v) if number else v] += n
        return out

    def _groonga(self, tree: q.Node | None, filters: Filters) -> str | None:
        """The query and filters as Groonga's script (`groonga_filter`) when its `select` can
        answer them on every data node (no reader's rules or archive-computed set, and Mroonga's
        `mroonga_command` there); else None (SQL)."""
        if self.visible is not None or self.within_ids is not None:
            return None
        script = groonga_filter(tree, filters, self._names_no_series)
        if script is None or not self._can_select():
            return None
        return script

    def _can_select(self) -> bool:
        self.open()
        key = (self.shards and tuple(self.shards) or self._reader or self.head, self.database)
        if key not in _DRILL:
            _DRILL[key] = self._has_drilldown()
        return _DRILL[key]

    def _select(self, **args: Any) -> list[Any] | None:
        """Groonga's `select` of the table with `args` on each data node: their answers (JSON), or
        None when one refused (a node that is down is named: BackendUnavailableError)."""
        from urllib.parse import urlencode

        args = {"table": TABLE, "cache": "no", **{k: v for k, v in args.items() if v != ""}}
        try:
            answers = self._gather("SELECT mroonga_command(%s)", [f"/d/select?{urlencode(args)}"])
        except QueryError:
            return None  # Groonga refused (every server answers): the SQL
        except BackendUnavailableError:
            if self.replica is not None and not self.shards:
                raise  # (`_run` went to the other server already: none is left)
            self.health()  # raises, naming the server that is down; else Groonga refused: the SQL
            return None
        if any(a is None for (a,) in answers):
            return None
        return [json.loads(a) for (a,) in answers]

    def _drilldown(self, tree: q.Node | None,
                   filters: Filters) -> tuple[dict[str, Counter[Any]], tuple[tuple[str, int], ...] | None] | None:
        """The facet counts (and the total) from Groonga's own drilldown on each data node
        (Mroonga's `mroonga_command`: a `select` of the table with `--drilldown` over the facet
        columns), when Groonga's script can say the query exactly (`groonga_filter`) and no
        reader's access rules or archive-computed set apply; else None (the SQL GROUP BY).
        Groonga groups the matches in the engine: what travels is a count per facet value.
        The list facets are grouped by their key columns (`<name>_k`) and split here; when a
        matching article's list was too long for its key (`keys_whole` 0), None."""
        script = self._groonga(tree, filters)
        if script is None:
            return None
        if COMPOSITE_DRILLDOWN:
            return self._drilldown_composite(script)
        keys = [*DRILL_KEYS.values(), "keys_whole"]
        answers = self._select(filter=script, limit=RERANK_DEPTH, output_columns="article_id,date",
                               drilldown=",".join(keys), drilldown_limit=-1)
        if answers is None:
            return None
        out: dict[str, Counter[Any]] = {n: Counter() for n in (TOTAL, *COLUMN_FACETS, *KEY_FACETS)}
        rows: list[tuple[str, int]] = []
        for parts in answers:
            out[TOTAL][0] += int(parts[0][0][0])
            rows += [(str(a), int(d or 0)) for a, d in parts[0][2:]]
            for col, groups in zip(keys, parts[1:]):
                if col == "keys_whole":
                    if any(int(k) == 0 and int(n) for k, n in groups[2:]):
                        return None
                    continue
                facet = next(f for f, d in DRILL_KEYS.items() if d == col)
                tally = out[FACET_NAMES.get(facet, facet)]
                for k, n in groups[2:]:
                    if k not in ("", 0, None):
                        tally[k] += int(n)
        return out, tuple(rows) if len(rows) == out[TOTAL][0] else None

    def _drilldown_composite(self, script: str) -> tuple[dict[str, Counter[Any]], tuple[tuple[str, int], ...] | None] | None:
        """`_drilldown` with the scalar facets grouped together (COMPOSITE_DRILLDOWN, measured slower)."""
        # one grouping of the scalar facets together (a group per combination of their values:
        # Groonga passes over the matches once instead of once a facet), and one per list facet
        # (a vector column groups element by element); the counts are summed here per facet
        scalar = [*(DRILL_KEYS[c] for c in SCALAR_DRILL), "keys_whole"]
        args: dict[str, Any] = {
            "drilldowns[s].keys": ",".join(scalar), "drilldowns[s].limit": -1,
            "drilldowns[s].output_columns": ",".join([*(f"_value.{k}" for k in scalar), "_nsubrecs"]),
        }
        for c in KEY_COLUMNS:
            args.update({f"drilldowns[{c}].keys": DRILL_KEYS[c], f"drilldowns[{c}].limit": -1,
                         f"drilldowns[{c}].output_columns": "_key,_nsubrecs"})
        # (the first RERANK_DEPTH rows' ids and dates too: the whole set when it is that small)
        answers = self._select(filter=script, limit=RERANK_DEPTH, output_columns="article_id,date", **args)
        if answers is None:
            return None
        out: dict[str, Counter[Any]] = {n: Counter() for n in (TOTAL, *COLUMN_FACETS, *KEY_FACETS)}
        rows: list[tuple[str, int]] = []
        tallies = [out[FACET_NAMES.get(c, c)] for c in SCALAR_DRILL]
        for parts in answers:
            hits, drilled = parts[0], parts[1]
            out[TOTAL][0] += int(hits[0][0])
            rows += [(str(a), int(d or 0)) for a, d in hits[2:]]
            for *values, whole, n in drilled["s"][2:]:
                n = int(n)
                if not n:
                    continue
                if int(whole or 0) == 0:
                    return None  # a matching article's list a vector column cannot hold: SQL's counts
                for tally, v in zip(tallies, values):
                    if v not in ("", 0, None):
                        tally[v] += n
            for c in KEY_COLUMNS:
                tally = out[FACET_NAMES.get(c, c)]
                for k, n in drilled[c][2:]:
                    if k not in ("", 0, None):
                        tally[k] += int(n)
        return out, tuple(rows) if len(rows) == out[TOTAL][0] else None

    def _has_drilldown(self) -> bool:
        """Whether every data node has Mroonga's `mroonga_command` function (`create` makes it)."""
        import pymysql

        def work(conn: Any) -> None:
            with conn.cursor() as c:
                c.execute("SELECT mroonga_command('status')")
                c.fetchall()

        self.open()
        for node in self.shards or [self._reader or self.head]:
            try:
                self._use(node, work)
            except pymysql.MySQLError:
                return False
        return True

    def _gather(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Rows of `sql` from every server holding data: each shard directly (in parallel; the
        rows are summed by the caller, a shard holds its partition only), else the server (or
        its replica). Spider itself would not do it: its group-by handler takes one partition
        only, and its per-partition aggregate also reads MIN(title_s), MIN(text_s) a group."""
        if not self.shards:
            return self._run(sql, params)
        parts = list(_fanout().map(lambda node: self._on(node, sql, params), self.shards))
        return [r for p in parts for r in p]

    def _on(self, node: Node, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Run a read on one data node over its own connection; a failure names the node."""
        import pymysql

        def work(conn: Any) -> list[tuple[Any, ...]]:
            with conn.cursor() as c:
                c.execute(sql, tuple(params) or None)
                return list(c.fetchall())

        try:
            return self._use(node, work)
        except pymysql.MySQLError as ex:
            raise BackendUnavailableError(f"检索后端不可用：{node}没有应答（{_reason(ex)}）") from None

    def count(self, tree: q.Node | None, filters: Filters = Filters()) -> int:
        """How many articles the tree finds within the filters (and the reader's access).

        Counted on each data node and added up (`_gather`), never through the Spider head: an
        aggregate of an OR of MATCH conditions comes back wrong from the head (推进 OR 志愿服务:
        0 for 175 rows; 推进 OR 南京: 58 for 153 — MariaDB 10.11's Spider), while each shard's own
        count is exact (tests/test_backend_conformance.py::test_counts_equal_sets)."""
        script = self._groonga(tree, filters)  # Groonga's select counts without reading a row through SQL
        answers = self._select(filter=script, limit=0, output_columns="_id") if script is not None else None
        if answers is not None:
            return sum(int(a[0][0][0]) for a in answers)
        where = self.compile(tree, filters)
        return sum(int(n) for (n,) in self._gather(f"SELECT COUNT(*) FROM {TABLE} WHERE {where.text}", where.params))

    def article_ids(self, matches: Matches, among: Iterable[str] | None = None) -> list[str]:
        """The set's article ids, sorted; with `among`, only those of them (a short list: the
        engine reads only those rows)."""
        w = matches.docs.where
        if among is not None:
            ids = sorted(set(among))
            if not ids:
                return []
            w = SQL(f"article_id IN ({', '.join(['%s'] * len(ids))}) AND ({w.text})", [*ids, *w.params])
        return sorted(a for (a,) in self._gather(f"SELECT article_id FROM {TABLE} WHERE {w.text}", w.params))

    def records(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        ids = list(ids)
        if not ids:
            return []
        where = self.compile(None)  # access (issue 21): a record the reader may not see is not read
        # (on the data nodes, as every read: each holds its own of the ids)
        rows = self._gather(f"SELECT article_id, record FROM {TABLE} WHERE article_id IN ({', '.join(['%s'] * len(ids))})"
                         f" AND {where.text}", [*ids, *where.params])
        by = {a: json.loads(r) for a, r in rows}
        return [by[i] for i in ids if i in by]

    def facet_counts(self, matches: Matches) -> dict[str, Counter[Any]]:
        return {n: Counter(c) for n, c in matches.docs.counts.items()}

    def ranked(self, tree: q.Node | None, matches: Matches, k: int, sort: str = "relevance",
               filters: Filters = Filters(), runs: Iterable[str] = (), held: Iterable[str] = ()) -> list[str]:
        """The first `k` article ids of the set (`tree` within `filters`, as evaluated: its WHERE):
        by date (newest first, then by id), or by relevance — the engine's order, its first
        RERANK_DEPTH re-ranked by the archive's features. Only those rows are read: the engine
        sorts and cuts (ORDER BY … LIMIT).

        For a query the stages rewrote (indexer.search.stages.Plan), at any depth: articles
        holding more of the words `held` first (the ``any`` stage), then those holding one of
        the strings as typed (`runs`), as the embedded index ranks them."""
        if not matches.total or k <= 0:
            return []
        where = matches.docs.where  # the filters and the reader's access too: the order is of the set found
        terms = _positive_forms(tree)
        if matches.docs.small is not None:
            return self._ranked_small(matches.docs.small, k, sort, terms, runs, held)
        if sort == "date" or not terms:
            # (ORDER BY the column: Mroonga's ORDER BY … LIMIT of a single MATCH sorted an expression
            # such as COALESCE(date, 0) wrongly; a NULL date sorts last either way)
            rows = self._gather(f"SELECT article_id, date FROM {TABLE} WHERE {where.text} "
                                f"ORDER BY date DESC, article_id LIMIT %s", [*where.params, k])
            return [a for a, _d in sorted(rows, key=lambda r: (-int(r[1] or 0), r[0]))][:k]
        against = WEIGHTS + " ".join(f'"{" ".join(t.split())}"' for t in terms)
        holds, holds_params = _holding([search_form(w) for w in held])
        typed, typed_params = _holding([search_form(w) for w in runs], any_of=True)
        first = [o for o, used in (("held", bool(holds_params)), ("typed", bool(typed_params))) if used]
        # Only ids and the order's keys travel; with the whole query one MATCH and nothing
        # before the score, the engine takes the first rows from its index (Mroonga's
        # ORDER BY MATCH … LIMIT) — secondary keys would make it sort every match.
        fast = not first and where.text == f"({MATCH_ALL})"  # (its expression scores as `against` does on its matches)
        against = where.params[0] if fast else against
        order = "score DESC" if fast else f"{''.join(f'{o} DESC, ' for o in first)}score DESC, date DESC, article_id"
        # (the first rows taken from the index on one server: their texts in the same statement, one
        # round trip less; from shards each would send RERANK_DEPTH texts, measured slower)
        texts = fast and k <= RERANK_DEPTH and TEXTS_WITH_ORDER and not FEATURES_ON_ENGINE and not self.shards
        rows = self._gather(
            f"SELECT article_id, COALESCE(date, 0) AS date, {MATCH_ALL} AS score, {holds} AS held, {typed} AS typed"
            f"{', title_s, text_s' if texts else ''} FROM {TABLE} WHERE {where.text} ORDER BY {order} LIMIT %s",
            [against, *holds_params, *typed_params, *where.params, max(k, RERANK_DEPTH)])
        rows.sort(key=lambda r: (-int(r[3]), -int(r[4]), -float(r[2]), -int(r[1]), r[0]))  # the data nodes' merged
        rows = rows[: max(k, RERANK_DEPTH)]
        top = rows[:RERANK_DEPTH]
        feats = _counted([(r[0], r[5], r[6]) for r in top], terms) if texts else \
            self._features([r[0] for r in top], terms)
        avg = sum(f[0] for f in feats.values()) / max(1, len(feats)) or 1.0
        own = sorted(top, key=lambda r: (-int(r[3]), -int(r[4]), -_score(feats.get(r[0], (0,)), avg), -int(r[1]), r[0]))
        return [r[0] for r in [*own, *rows[RERANK_DEPTH:]]][:k]

    def _ranked_small(self, small: tuple[tuple[str, int], ...], k: int, sort: str, terms: list[str],
                      runs: Iterable[str], held: Iterable[str]) -> list[str]:
        """`ranked` of a set Groonga gave whole (Found.small, at most RERANK_DEPTH articles): by
        date from its dates; by relevance every article re-ranked by the archive's features, read
        by id — the order `ranked` gives, without asking the engine to order (and read) the set."""
        date = dict(small)
        if sort == "date" or not terms:
            return [a for a, _d in sorted(small, key=lambda r: (-r[1], r[0]))][:k]
        ids = sorted(date)
        holds, holds_params = _holding([search_form(w) for w in held])
        typed, typed_params = _holding([search_form(w) for w in runs], any_of=True)
        first: dict[str, tuple[int, int]] = {a: (0, 0) for a in ids}
        if holds_params or typed_params:
            rows = self._gather(f"SELECT article_id, {holds}, {typed} FROM {TABLE} "
                                f"WHERE article_id IN ({', '.join(['%s'] * len(ids))})",
                                [*holds_params, *typed_params, *ids])
            first.update({a: (int(h), int(t)) for a, h, t in rows})
        feats = self._features(ids, terms)
        avg = sum(f[0] for f in feats.values()) / max(1, len(feats)) or 1.0
        return sorted(ids, key=lambda a: (-first[a][0], -first[a][1], -_score(feats.get(a, (0,)), avg),
                                          -date[a], a))[:k]

    def _features(self, ids: list[str], terms: list[str]) -> dict[str, tuple[int, ...]]:
        """The re-ranking's features of each article: the text's length, then for each term its
        occurrences in the title and in the text, and whether the title is the term. Read by id
        after the order (whose query then reads no text). With FEATURES_ON_ENGINE the data nodes
        count them (`feature_sql`: the same numbers, as str.count and ==) and only the numbers
        travel; else the texts of these rows travel and are counted here."""
        if not ids:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        if FEATURES_ON_ENGINE:
            cols, params = feature_sql(terms)
            rows = self._gather(f"SELECT article_id, {cols} FROM {TABLE} WHERE article_id IN ({marks})",
                                [*params, *ids])
            return {a: tuple(int(x or 0) for x in rest) for a, *rest in rows}
        return _counted(self._gather(f"SELECT article_id, title_s, text_s FROM {TABLE} WHERE article_id IN ({marks})",
                                     ids), terms)

    def issue_offers(self, matches: Matches, number: int, year: int | None, k: int) -> list[tuple[str, int]]:
        """The `k` issues numbered `number` (of `year`) holding most of the set, ties to the newer
        issue (as indexer.store.columns.Snapshot.top_issues): (bulletin id, how many), counted
        on the data nodes — what a query naming an issue (第十一期) offers as filters."""
        w = matches.docs.where
        cond = "issue = %s" + (" AND year = %s" if year is not None else "")
        rows = self._gather(f"SELECT bulletin_id, COUNT(*), MAX(COALESCE(date, 0)) FROM {TABLE} "
                            f"WHERE ({w.text}) AND {cond} GROUP BY bulletin_id ORDER BY NULL",
                            [*w.params, number, *([year] if year is not None else [])])
        count: Counter[str] = Counter()
        date: dict[str, int] = {}
        for b, n, d in rows:  # (an issue's articles may be on several data nodes)
            count[b] += int(n)
            date[b] = max(date.get(b, 0), int(d or 0))
        return sorted(count.items(), key=lambda bn: (-bn[1], -date[bn[0]], bn[0]))[:k]

    def issue_labels(self, bulletin_ids: Iterable[str]) -> dict[str, str]:
        """Each issue's label (archive.labels.issue_label: series, year, number, date), from one
        of its articles."""
        from archive.labels import issue_label

        ids = list(bulletin_ids)
        if not ids:
            return {}
        rows = _least(self._gather(f"SELECT bulletin_id, MIN(series), MIN(year), MIN(issue), MIN(date) FROM {TABLE} "
                                   f"WHERE bulletin_id IN ({', '.join(['%s'] * len(ids))}) GROUP BY bulletin_id", ids))
        return {b: issue_label(s, y, i or None, d or None) for b, s, y, i, d in rows}  # as indexer.store.columns

    def issue_articles(self, bulletin_id: str) -> list[str]:
        """The article ids of one issue that the reader may see, in the issue's order."""
        where = self.compile(None, Filters(bulletin=(bulletin_id,)))
        rows = self._gather(f"SELECT article_id, CAST(JSON_VALUE(record, '$.order') AS INT) FROM {TABLE} "
                         f"WHERE {where.text}", where.params)
        return [a for a, _o in sorted(rows, key=lambda r: (r[1] or 0, r[0]))]

    def series_issues(self, series: str) -> list[str]:
        """The issues of a series that the reader may see (any of their articles), in the
        series' order: by date (else year), issue number and id (as indexer.store.columns)."""
        where = self.compile(None, Filters(series=(series,)))
        rows = _least(self._gather(f"SELECT bulletin_id, MIN(date), MIN(year), MIN(issue) FROM {TABLE} "
                                   f"WHERE {where.text} GROUP BY bulletin_id", where.params))
        return [b for b, d, y, i in sorted(rows, key=lambda r: (r[1] or (r[2] or 0) * 10000, r[3] or 0, r[0]))]

    def all_ids(self) -> Iterator[str]:
        for (a,) in self._gather(f"SELECT article_id FROM {TABLE}", []):
            yield a


def _counted(rows: Iterable[tuple[str, str, str]], terms: list[str]) -> dict[str, tuple[int, ...]]:
    """The re-ranking's features (`MariaDBBackend._features`) of rows (article id, title, text)."""
    return {a: (len(text), *(x for t in terms for x in (title.count(t), text.count(t), int(title == t))))
            for a, title, text in rows}


def feature_sql(terms: list[str]) -> tuple[str, list[Any]]:
    """The re-ranking's features (`MariaDBBackend._features`) as SQL over a row: CHAR_LENGTH of the
    text; per term its non-overlapping occurrences in the title and the text (what REPLACE removes,
    as Python's str.count finds them: the collation is binary) and whether the title is the term
    (its length too: the collation pads trailing spaces)."""
    cols = ["CHAR_LENGTH(text_s)"]
    params: list[Any] = []
    for t in terms:
        n = max(1, len(t))
        for col in ("title_s", "text_s"):
            cols.append(f"(CHAR_LENGTH({col}) - CHAR_LENGTH(REPLACE({col}, %s, ''))) DIV {n}")
            params.append(t)
        cols.append("(title_s = %s AND CHAR_LENGTH(title_s) = %s)")
        params += [t, len(t)]
    return ", ".join(cols), params


def _least(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows of (key, MIN(a), MIN(b), …) from several data nodes merged into one a key: the least
    of each column's values that are not NULL (as MIN over all the rows)."""
    by: dict[Any, list[Any]] = {}
    for key, *vals in rows:
        have = by.setdefault(key, list(vals))
        for i, v in enumerate(vals):
            if v is not None and (have[i] is None or v < have[i]):
                have[i] = v
    return [(k, *v) for k, v in by.items()]


def fill_from(embedded: Any, backend: MariaDBBackend, replace: bool = False) -> tuple[int, int]:
    """Bring `backend` in step with the embedded index (indexer.search.backend.EmbeddedBackend): the
    same stored records, with the keyword facets it keeps beside them (organ, topic). Articles
    whose source key changed are written again, those gone are deleted; returns (written, deleted)."""
    backend.create(replace=replace)
    s, _snap, _net, kf = embedded._parts()
    have = backend.sources()
    keyvals: dict[str, dict[int, list[str]]] = {}
    for name in ("organ", "topic"):
        doc, code, vals = kf.pairs[name]
        per: dict[int, list[str]] = {}
        for d, c in zip(doc.tolist(), code.tolist()):
            per.setdefault(d, []).append(vals[c])
        keyvals[name] = per
    reader = s.reader()
    seen: set[str] = set()

    def changed() -> Iterator[dict[str, Any]]:
        for d in reader.all_doc_ids():
            r = dict(reader.stored_fields(d))
            aid = r["article_id"]
            seen.add(aid)
            if have.get(aid) == (r.get("source") or "") and not replace:
                continue
            r["_facets"] = {n: ",".join(keyvals[n].get(d, [])) for n in keyvals}
            yield r

    if not have and reader.doc_count() >= BULK_FILL_MIN:  # an empty table: indexes built once at the end
        with backend.bulk():
            written = backend.add(changed())
    else:
        written = backend.add(changed())
    gone = [a for a in have if a not in seen]
    backend.delete(gone)
    return written, len(gone)


def candidates(node: q.Node | None, dropped: Callable[[Any], bool] = lambda match: False) -> str | None:
    """A boolean-mode expression over both texts (the index CANDIDATE_INDEX) that every article
    the tree matches satisfies — a superset, which the exact condition then narrows: a text
    term is its phrase, AND needs each constrained child, OR any child (None when one child is
    unconstrained); NOT, keyword and number terms constrain nothing (None), nor does a text term
    that may also match a field (a series, an issue number) unless `dropped(match)` says the
    compiled condition leaves that alternative out."""
    if node is None or isinstance(node, q.Not):
        return None
    if isinstance(node, q.Term):
        c = compiler.compile_term(node)
        if not c.units or (c.match is not None and not dropped(c.match)):
            return None
        return '"' + " ".join(units_string(c.units).replace(RUN_MARK, " ").split()) + '"'
    kids = [candidates(ch, dropped) for ch in node.children]
    if isinstance(node, q.Or):
        return None if not kids or None in kids else "(" + " ".join(kids) + ")"  # type: ignore[arg-type]
    need = [k for k in kids if k]
    return "(" + " ".join(f"+{k}" for k in need) + ")" if need else None


def exact_form(form: str) -> bool:
    """Whether Mroonga's phrase match of a search form finds exactly the articles holding it:
    Chinese characters only (a run of letters or digits is matched by its prefix)."""
    return _HAN_ONLY.fullmatch(form) is not None


def exact_match(node: q.Node | None, dropped: Callable[[Any], bool] = lambda match: False) -> str | None:
    """The tree as one boolean-mode expression over both texts (CANDIDATE_INDEX) that finds
    exactly its set, or None: a term of Chinese characters searched in title and text, an AND
    of such terms and NOTs of them (at least one positive), or an OR of such terms. Then the
    engine answers the whole query from its index (counts, the first rows by score) and no
    row's text is read."""
    def phrase(n: q.Node) -> str | None:
        if not isinstance(n, q.Term):
            return None
        c = compiler.compile_term(n)
        if not c.units or c.bounded is not None or set(c.fields) != set(TEXT_COLUMNS):
            return None
        if c.match is not None and not dropped(c.match):
            return None
        form = units_string(c.units).replace(RUN_MARK, " ")
        return f'"{form}"' if exact_form(form) else None

    if node is None:
        return None
    if isinstance(node, q.Term):
        return phrase(node)
    if isinstance(node, q.Or):
        kids = [phrase(ch) for ch in node.children]
        return None if not kids or None in kids else " ".join(kids)  # type: ignore[arg-type]
    if isinstance(node, q.And):
        out = []
        for ch in node.children:
            k = phrase(ch.child if isinstance(ch, q.Not) else ch)
            if k is None:
                return None
            out.append(("-" if isinstance(ch, q.Not) else "+") + k)
        return " ".join(out) if any(o.startswith("+") for o in out) else None
    return None


def _vector(values: str | None) -> str | None:
    """A comma-joined list as its vector column's value (space-separated), or None when a value
    holds a space or is longer than VALUE_CHARS (or the list is empty)."""
    items = [v.strip() for v in (values or "").split(",") if v.strip()]
    if not items or any(len(v) > VALUE_CHARS or any(ch.isspace() for ch in v) for v in items):
        return None
    return " ".join(items)


def _lacks_ref_columns(cursor: Any) -> bool:
    cursor.execute(f"SHOW COLUMNS FROM {TABLE} LIKE '{REF_COLUMNS[0]}_r'")
    return not cursor.fetchall()


def _ref_tables(cursor: Any) -> None:
    """The Groonga tables the reference columns' values are keys of (`<name>_keys`)."""
    for k in REF_COLUMNS:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {k}_keys (name VARCHAR(191) PRIMARY KEY) ENGINE=Mroonga "
                       f"DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")


def _add_ref_columns(cursor: Any) -> None:
    """Give a table made before the reference columns (`<name>_r`) them, filled from their
    columns in one UPDATE (once)."""
    if not _lacks_ref_columns(cursor):
        return
    _ref_tables(cursor)
    cursor.execute(f"ALTER TABLE {TABLE} " + ", ".join(f"ADD COLUMN `{k}_r` {COLUMNS[f'{k}_r']}" for k in REF_COLUMNS))
    cursor.execute(f"UPDATE {TABLE} SET " + ", ".join(f"{k}_r = NULLIF({k}, '')" for k in REF_COLUMNS))


def _lacks_key_columns(cursor: Any) -> bool:
    cursor.execute(f"SHOW COLUMNS FROM {TABLE} LIKE '{KEY_COLUMNS[0]}_v'")
    return not cursor.fetchall()


def _add_key_columns(cursor: Any) -> None:
    """Give a table made before the drilldown key columns (`<list>_k`, `keys_whole`) them, filled
    from its list columns (once)."""
    if not _lacks_key_columns(cursor):
        return
    _value_tables(cursor)
    adds = ", ".join(f"ADD COLUMN `{c}` {COLUMNS[c]}" for c in (*(f"{k}_v" for k in KEY_COLUMNS), "keys_whole"))
    cursor.execute(f"ALTER TABLE {TABLE} {adds}")
    cursor.execute(f"SELECT article_id, {', '.join(KEY_COLUMNS)} FROM {TABLE}")
    rows = cursor.fetchall()
    for i in range(0, len(rows), BATCH):
        sets = []
        for aid, *lists in rows[i : i + BATCH]:
            vectors = [_vector(v) for v in lists]
            whole = all(v is not None or not raw for v, raw in zip(vectors, lists))
            sets.append((*vectors, int(whole), aid))
        cursor.executemany(f"UPDATE {TABLE} SET {', '.join(f'{k}_v = %s' for k in KEY_COLUMNS)}, keys_whole = %s "
                           f"WHERE article_id = %s", sets)


def _value_tables(cursor: Any) -> None:
    """The Groonga tables the vector columns' elements are keys of (`<name>_values`): their
    tokenizer (TokenDelimit) is what splits a vector column's value into its elements, at spaces."""
    for k in KEY_COLUMNS:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {k}_values (name VARCHAR({VALUE_CHARS}) PRIMARY KEY) ENGINE=Mroonga "
                       f"DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='default_tokenizer \"TokenDelimit\"'")


def groonga_filter(tree: q.Node | None, filters: Filters,
                   dropped: Callable[[Any], bool] = lambda match: False) -> str | None:
    """The query and the filters in Groonga's script syntax (its `select --filter`), finding
    exactly the set `MariaDBBackend.compile` finds, or None when it cannot be said there: the
    tree must be `exact_match`'s (Chinese terms in title and text, AND / NOT / OR of them),
    the filters those of DRILL_FILTERS, the issue number, the place and the dates. "" is every
    article."""
    parts: list[str] = []
    if tree is not None:
        if exact_match(tree, dropped) is None:
            return None

        def phrase(n: q.Node) -> str:
            form = units_string(compiler.compile_term(n).units)  # (Chinese only: no run marks)
            return f"({' || '.join(f'{col} @ {_gstr(form)}' for col in CANDIDATE_COLUMNS)})"

        if isinstance(tree, q.Term):
            parts.append(phrase(tree))
        elif isinstance(tree, q.Or):
            parts.append("(" + " || ".join(phrase(ch) for ch in tree.children) + ")")
        else:
            pos = [phrase(ch) for ch in tree.children if not isinstance(ch, q.Not)]
            neg = [phrase(ch.child) for ch in tree.children if isinstance(ch, q.Not)]
            parts.append("(" + " && ".join(pos) + ")" + (f" &! ({' || '.join(neg)})" if neg else ""))
    if filters.region or filters.issuer or filters.topic or filters.status:
        return None
    for name, col in DRILL_FILTERS.items():
        values = getattr(filters, name)
        if values:
            parts.append(f"in_values({col}, {', '.join(_gvalue(v) for v in values)})")
    if filters.issue is not None:
        parts.append(f"issue == {int(filters.issue)}")
    if filters.place:
        parts.append(f"place == {_gstr(filters.place)}")
    if filters.date_from or filters.date_to:
        from archive.labels import to_yyyymmdd

        lo = to_yyyymmdd(filters.date_from) or 0
        hi = to_yyyymmdd(filters.date_to) or 99999999
        parts.append(f"(date != 0 && date >= {int(lo)} && date <= {int(hi)})")
    return " && ".join(f"({p})" for p in parts)


def _gstr(value: str) -> str:
    """A string literal of Groonga's script."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _gvalue(value: Any) -> str:
    return str(int(value)) if isinstance(value, int) and not isinstance(value, bool) else _gstr(str(value))


def _add_candidate_index(cursor: Any) -> None:
    """Give a table made before CANDIDATE_INDEX existed that index (once)."""
    cursor.execute(f"SHOW INDEX FROM {TABLE} WHERE Key_name = %s", (CANDIDATE_INDEX,))
    if not cursor.fetchall():
        cursor.execute(f"ALTER TABLE {TABLE} ADD FULLTEXT INDEX {CANDIDATE_INDEX} ({', '.join(CANDIDATE_COLUMNS)}) "
                       f"COMMENT '{TOKENIZER}'")


def _add_issue_index(cursor: Any) -> None:
    """Give a table made before ISSUE_INDEX existed that index (once; Mroonga adds it in place)."""
    cursor.execute(f"SHOW INDEX FROM {TABLE} WHERE Key_name = %s", (ISSUE_INDEX,))
    if not cursor.fetchall():
        cursor.execute(f"ALTER TABLE {TABLE} ADD INDEX {ISSUE_INDEX} (bulletin_id)")


def _positive_forms(node: q.Node | None) -> list[str]:
    """The search forms of the positive text terms of a tree."""
    if node is None or isinstance(node, q.Not):
        return []
    if isinstance(node, q.Term):
        c = compiler.compile_term(node)
        return [units_string(c.units).replace(RUN_MARK, " ")] if c.units else []
    return list(dict.fromkeys(f for ch in node.children for f in _positive_forms(ch)))


def _holding(forms: list[str], any_of: bool = False) -> tuple[str, list[Any]]:
    """SQL counting how many of the search `forms` an article holds (title or text), or with
    `any_of` whether it holds one; "0" for none."""
    forms = [f for f in dict.fromkeys(forms) if f.strip()]
    if not forms:
        return "0", []
    each = ["((title_s LIKE %s) OR (text_s LIKE %s))"] * len(forms)
    sql = f"({' OR '.join(each)})" if any_of else f"({' + '.join(each)})"
    return sql, [p for f in forms for p in (f"%{f}%", f"%{f}%")]


def _score(features: tuple[int, ...], avg: float) -> float:
    """The archive's score of one article for the re-ranking (indexer.search.rank's constants),
    from its features (`MariaDBBackend._features`: the text's length, then per term its
    occurrences in the title and the text and whether the title is the term)."""
    s = 0.0
    length = features[0]
    norm = K1 * (1.0 - B + B * length / avg)
    for i in range(1, len(features), 3):
        in_title, in_text, is_title = features[i : i + 3]
        tf = TITLE_BOOST * in_title + in_text
        s += QUALITY * (TITLE_QUALITY["title"] if in_title else 1.0) + tf * (K1 + 1.0) / (tf + norm)
        s += EXACT_TITLE * bool(is_title)
    return s


def _field_sql(query: Any) -> SQL:
    """A keyword or number query of indexer.search.compiler.compile_term (a records.FieldQuery, read
    through records.describe: term, range, and, or, none) as SQL over the table's columns."""
    return _plain_sql(records.describe(query))


def _plain_sql(plain: tuple[Any, ...]) -> SQL:
    kind = plain[0]
    if kind == "term":
        name, value = plain[1], plain[2]
        if name in LIST_FIELDS:
            return SQL(f"FIND_IN_SET(%s, {name}) > 0", [value])
        if name in EQUAL_FIELDS or name in NUMBER_FIELDS:
            return SQL(f"{name} = %s", [value])
    if kind == "range":
        return SQL(f"{plain[1]} BETWEEN %s AND %s", [plain[2], plain[3]])
    if kind in ("and", "or"):
        kids = [_plain_sql(p) for p in plain[1]]
        op = " AND " if kind == "and" else " OR "
        return SQL(op.join(f"COALESCE(({k.text}), FALSE)" for k in kids), [x for k in kids for x in k.params])
    if kind == "none":
        return SQL("FALSE")
    raise ValueError(f"no SQL for the query {plain!r}")


def _loopback(host: str) -> bool:
    import ipaddress

    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_ERR_RE = re.compile(r"\s+")
DOWN_SECONDS = 10.0  # a primary or replica that failed is tried after the other one for this long
_DOWN: dict[Node, float] = {}  # when a server of a primary/replica pair last failed (this process)


class QueryError(BackendUnavailableError):
    """A statement failed on a server that answers (not one that is down)."""


def _down_recently(node: Node) -> bool:
    t = _DOWN.get(node)
    return t is not None and time.monotonic() - t < DOWN_SECONDS


def _unprefixed(message: str) -> str:
    return message.removeprefix("检索后端不可用：")


def _replication(conn: Any) -> dict[str, Any]:
    """SHOW SLAVE STATUS on `conn` as a dict ({} when the server replicates nothing)."""
    with conn.cursor() as c:
        c.execute("SHOW SLAVE STATUS")
        row = c.fetchone()
        names = [d[0] for d in c.description or ()]
    return dict(zip(names, row)) if row else {}
FANOUT_THREADS = 8  # threads sending a read to the data nodes, shared by the backends of a process
_FANOUT: Any = None
_FANOUT_LOCK = threading.Lock()
# Whether each set of data nodes has Mroonga's `mroonga_command` (`MariaDBBackend._has_drilldown`),
# asked once a process (`create` forgets it: it makes the function)
_DRILL: dict[Any, bool] = {}


def _fanout() -> Any:
    """The process's threads for the reads sent to every data node at once (`_gather`)."""
    global _FANOUT
    with _FANOUT_LOCK:
        if _FANOUT is None:
            from concurrent.futures import ThreadPoolExecutor

            _FANOUT = ThreadPoolExecutor(FANOUT_THREADS, thread_name_prefix="shard")
        return _FANOUT


def _connect(node: Node, user: str, password: str, database: str | None = None) -> Any:
    """A new connection to `node`; one that cannot be made is BackendUnavailableError naming it."""
    import pymysql

    try:
        # TLS as PyMySQL prefers it, except on loopback: its default context costs ~250 ms a connection
        return pymysql.connect(host=node.host, port=node.port, user=user, password=password,
                               database=database, charset="utf8mb4", autocommit=True,
                               ssl_disabled=True if _loopback(node.host) else None,
                               connect_timeout=CONNECT_SECONDS, read_timeout=READ_SECONDS,
                               write_timeout=READ_SECONDS)
    except pymysql.MySQLError as ex:
        raise BackendUnavailableError(f"检索后端不可用：{node}无法连接（{_reason(ex)}）") from None
# The series each database holds, when read (`MariaDBBackend._names_no_series`): shared by the
# backends a process opens (the web app opens one a request), trusted for SERIES_TTL_S
_SERIES: dict[tuple[Node, str], tuple[float, set[str]]] = {}


def _reason(ex: BaseException) -> str:
    args = getattr(ex, "args", ())
    msg = str(args[1]) if len(args) > 1 else str(ex)
    return _ERR_RE.sub(" ", msg).strip()[:200]
