"""The leak test (issue 21): restricted issues whose text holds strings found nowhere else;
every route of the app (enumerated from its url_map) is called by every role and by a
signed-out visitor with queries built to reach them, and nothing of theirs may appear —
not their words, titles or ids, and not in counts: a reader's totals and facet counts are
compared with those of an index that never held the restricted documents.

Positive controls: an administrator and a reader granted the restricted material do see
each of them on the same URLs, so every probe is one that would find a leak.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import EXTRA_SERIES, SEED, extra_issue
from tests.docgen import gongwen_text

# Strings found only in the restricted documents (checked absent from the public ones below).
SECRET_SERIES = "鹭岛测试简报"
PUBLIC_SERIES = "公开测试简报"
SECRETS = ("鲲鹏隧道", "翡翠湾码头", "琥珀山庄", SECRET_SERIES)
# Queries built to reach them: the strings, autocomplete prefixes, typos for did-you-mean.
PREFIXES = ("鲲", "鲲鹏", "翡翠", "琥珀", "鹭岛")
TYPOS = ("昆鹏隧道", "翡翠弯码头", "琥珀山装")
# Pinyin (full, spaced, initials) and two-character typos: read back as the archive's own Hanzi (issue 24).
PINYIN = ("kunpengsuidao", "kun peng sui dao", "kpsd", "feicuiwan", "hupo shanzhuang", "昆朋隧道")


def issue_text(series: str, n: int, date: str, articles: list[tuple[str, list[str]]], issuer: str = "测试办公室") -> str:
    """A raw-text issue in the seed's shape (as tests.conftest.extra_issue)."""
    parts = ["工作资料 注意保存", series, f"第{n}期", issuer, date, "【工作交流】", *(h for h, _ in articles)]
    for heading, paras in articles:
        parts += [heading, *paras]
    parts += ["报:省文明办", "发:各设区市文明办", f"(测字{n}号 共印100份)"]
    return "\n\n".join(parts) + "\n"


def _volunteer_paras(city: str) -> list[str]:
    # the text of extra issue 1's first article (so that related articles find a restricted one)
    return [f"今年以来,{city}广泛开展志愿服务活动,组织志愿者深入社区开展便民服务,累计服务群众110人次。",
            f"{city}还建立健全志愿服务激励机制,推动志愿服务常态化、制度化发展。"]


PUBLIC_DOC_1 = ("南京市:公开文章 社区议事会", ["南京市社区议事会每月召开一次,居民踊跃参加。", "议事会讨论停车和绿化。"])
SECRET_DOC_2 = ("苏州市:琥珀山庄改造方案", ["琥珀山庄片区改造方案已经形成,涉及三千户居民。", "琥珀山庄的改造将分期实施。"])


# Linked documents (issue 20): a public 公文 that a restricted one repeals (and cites), and a
# later public one citing both the restricted one (by number) and the first (by title).
PUBLIC_GONGWEN = "江苏省测试厅关于隧道养护管理的通知"
SECRET_GONGWEN_SERIES = "江苏省测试保密办公室文件"  # the series of a 公文: its issuer's 文件


def public_gongwen() -> dict[str, str]:
    return {
        "sucefa-2019-3.txt": gongwen_text(PUBLIC_GONGWEN, "苏测发〔2019〕3号", [
            "各地要加强隧道日常养护，每季度开展一次结构检测。"], "江苏省测试厅", "2019年3月1日"),
        "sucefa-2023-9.txt": gongwen_text("江苏省测试厅关于做好隧道汛期安全工作的通知", "苏测发〔2023〕9号", [
            "根据苏测密发〔2023〕1号和《江苏省测试厅关于隧道养护管理的通知》，各地要做好汛期隧道安全工作。"],
            "江苏省测试厅", "2023年12月1日"),
    }


def public_files() -> dict[str, str]:
    files = {f"{EXTRA_SERIES}-2023-第{n}期.txt": extra_issue(n) for n in range(1, 6)}
    files[f"{PUBLIC_SERIES}-2023-第1期.txt"] = issue_text(PUBLIC_SERIES, 1, "2023年5月8日", [PUBLIC_DOC_1])
    files.update(public_gongwen())
    return files


def restricted_files() -> dict[str, str]:
    """Issue 6 of the public series (an issue rule), a closed series, and a public issue's
    second article (a document rule)."""
    return {
        f"{EXTRA_SERIES}-2023-第6期.txt": issue_text(EXTRA_SERIES, 6, "2023年12月16日", [
            ("南京市:鲲鹏隧道工程进展", ["鲲鹏隧道工程今年完成主体结构,南京市志愿服务队伍参与交通疏导。",
                                       "鲲鹏隧道预计明年通车。"]),
        ], issuer="江苏省志愿服务测试办公室"),
        f"{SECRET_SERIES}-2023-第1期.txt": issue_text(SECRET_SERIES, 1, "2023年11月3日", [
            ("无锡市:翡翠湾码头扩建", ["翡翠湾码头扩建工程启动,无锡市志愿服务活动同步开展。", "翡翠湾码头新增泊位两个。"]),
            ("南京市:第1期第1篇 志愿服务惠民生", _volunteer_paras("南京市")),
        ]),
        f"{PUBLIC_SERIES}-2023-第1期.txt": issue_text(PUBLIC_SERIES, 1, "2023年5月8日", [PUBLIC_DOC_1, SECRET_DOC_2]),
        # a restricted 公文 that repeals the public one: no reader may see 已废止 or its link
        "sucemifa-2023-1.txt": gongwen_text("江苏省测试保密办公室关于鲲鹏隧道养护的决定", "苏测密发〔2023〕1号", [
            "鲲鹏隧道养护由专门机构负责。《江苏省测试厅关于隧道养护管理的通知》（苏测发〔2019〕3号）同时废止。"],
            "江苏省测试保密办公室", "2023年6月1日"),
    }


def _index(corpus: Path, index: Path) -> None:
    from bulletins.cli import cli

    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One MariaDB + Mroonga server on loopback (tests/mariadb_cluster.py), stopped by PID."""
    from tests import mariadb_cluster as mc

    why = mc.missing()
    if why:
        pytest.skip(why)
    server = mc.start_server(tmp_path_factory.mktemp("leak-mariadb"), 1)
    yield server
    server.stop()


def _on_mariadb(server: Any, index: Path, database: str) -> str:
    """The index's records in `database` on the server (as `bulletins index --backend`): its URL."""
    from indexer.search.backend import EmbeddedBackend
    from indexer.search.mariadb_backend import MariaDBBackend, fill_from
    from tests import mariadb_cluster as mc

    url = server.url.replace(f"/{mc.DATABASE}", f"/{database}")
    embedded, backend = EmbeddedBackend(index), MariaDBBackend.from_url(url)
    try:
        fill_from(embedded, backend, replace=True)
    finally:
        embedded.close()
        backend.close()
    return url


# Each app searches the embedded index, or the same records in MariaDB (issue 23: the backend
# applies the reader's access rules in its SQL; the bulletin page, autocomplete and related
# articles read the embedded index beside it).
@pytest.fixture(scope="module", params=["embedded", "mariadb"])
def worlds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Index A (public + restricted) with accounts on, index B (public only) as the reference."""
    from webui import create_app
    from webui.access_store import AccessStore
    from webui.auth_passwords import hash_password

    base = tmp_path_factory.mktemp("leak")
    out: dict[str, Any] = {}
    for name, files in (("A", {**public_files(), **restricted_files()}), ("B", public_files())):
        corpus = base / f"corpus{name}"
        corpus.mkdir()
        shutil.copy(SEED, corpus / SEED.name)
        for fname, text in files.items():
            (corpus / fname).write_text(text, encoding="utf-8")
        if name == "A":  # the closed series' issue as Word too: one issue with two originals (issue 19)
            from tests import docgen

            twin = f"{SECRET_SERIES}-2023-第1期"
            docgen.write_docx(files[f"{twin}.txt"], corpus / f"{twin}.docx")
        _index(corpus, base / f"index{name}")
        out[f"corpus{name}"] = corpus
    for fname in public_files():  # the secrets are found nowhere else
        assert not any(s in (out["corpusB"] / fname).read_text(encoding="utf-8") for s in SECRETS)
    assert not any(s in SEED.read_text(encoding="utf-8") for s in SECRETS)
    instance = base / "instance"
    st = AccessStore(instance)
    for user, role in (("reader", "读者"), ("editor", "编辑"), ("admin", "管理员"), ("granted", "读者")):
        st.add_user(user, hash_password(f"{user}-password"), role)
    st.add_group("办公室")
    st.set_member("办公室", "granted")
    app_a = create_app({"TESTING": True, "INDEX_DIR": str(base / "indexA"), "CORPUS_DIR": str(out["corpusA"]),
                        "ACCOUNTS": True, "ACCESS_DIR": str(instance)})
    app_b = create_app({"TESTING": True, "INDEX_DIR": str(base / "indexB"), "CORPUS_DIR": str(out["corpusB"])})
    if request.param == "mariadb":  # both archives searched on MariaDB, each in its own database
        server = request.getfixturevalue("mariadb")
        app_a.config["BACKEND"] = _on_mariadb(server, base / "indexA", "leak_a")
        app_b.config["BACKEND"] = _on_mariadb(server, base / "indexB", "leak_b")
    ids = _ids(app_a.test_client(), st, app_a)
    st.set_default(SECRET_SERIES, "受限")
    st.set_default(SECRET_GONGWEN_SERIES, "受限")
    st.grant("series", SECRET_GONGWEN_SERIES, "group:办公室")
    st.grant("series", SECRET_SERIES, "group:办公室")
    st.grant("issue", ids["secret_issue6"], "group:办公室")
    st.grant("document", ids["secret_doc"], "user:granted")
    out.update(app=app_a, ref=app_b, store=st, ids=ids, instance=instance, backend=request.param)
    return out


def _ids(client: Any, st: Any, app: Any) -> dict[str, str]:
    """The ids of the restricted issues and article, found by a temporary admin before any rule."""
    st.add_user("setup", None, "管理员")
    with client.session_transaction() as s:
        import time

        s["user"], s["seen"] = "setup", time.time()
    found = {}
    for key, q in (("secret_issue6", "鲲鹏隧道"), ("secret_series", "翡翠湾码头"), ("secret_doc_issue", "琥珀山庄")):
        hit = client.get("/api/search", query_string={"q": q}).get_json()["hits"][0]
        found[key] = hit["bulletin_id"]
        if key == "secret_doc_issue":
            found["secret_doc"] = hit["article_id"]
    hits = client.get("/api/search", query_string={"q": "志愿服务", "series": EXTRA_SERIES}).get_json()["facets"]["issue"]
    for key, title in (("public_gongwen", PUBLIC_GONGWEN), ("public_gongwen_later", "江苏省测试厅关于做好隧道汛期安全工作的通知")):
        found[key] = client.get("/api/search", query_string={"q": f'title:"{title}"'}).get_json()["hits"][0]["bulletin_id"]
    found["public_issue5"] = next(i["value"] for i in hits if i["label"].endswith("第5期"))
    found["public_issue1"] = next(i["value"] for i in hits if i["label"].endswith("第1期"))
    st.remove_user("setup")
    return found


def signed_in(app: Any, user: str | None) -> Any:
    """A test client signed in through the login form (with its CSRF token), or signed out."""
    client = app.test_client()
    if user is None:
        return client
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"username": user, "password": f"{user}-password", "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)
    return client


def visible(response: Any) -> str:
    """Everything a response shows: its text, or every member of an XLSX/DOCX."""
    if response.status_code == 302 and response.headers.get("Location", "").startswith("/login"):
        return ""  # the sign-in page's redirect carries the visitor's own URL back, nothing of the archive's
    data = response.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return data.decode("utf-8", "replace") + " ".join(f"{k}: {v}" for k, v in response.headers.items())


def restricted_marks(ids: dict[str, str]) -> tuple[str, ...]:
    """What must never reach a reader: the secret strings, titles and ids."""
    return (*SECRETS, "鲲鹏", "翡翠", "琥珀", "鹭岛", ids["secret_issue6"], ids["secret_series"], ids["secret_doc"])


def probes(ids: dict[str, str], token: str | None) -> dict[str, list[str]]:
    """URLs for each endpoint of the app, built to reach the restricted documents."""
    qs = [*SECRETS, *TYPOS, *PINYIN, "志愿服务", "南京市", ""]
    secret_ids = (ids["secret_issue6"], ids["secret_series"], ids["secret_doc_issue"])
    bulletins = (*secret_ids, ids["public_issue5"], ids["public_issue1"], ids["public_gongwen"], ids["public_gongwen_later"])
    tok = f"&token={token}" if token else ""
    return {
        "web.index": [f"/?q={q}" for q in qs] + [f"/?q=志愿服务&series={SECRET_SERIES}", "/?q=志愿服务&year=2023",
                                                 f"/?bulletin={ids['secret_issue6']}", "/?q=志愿服务&city=无锡市",
                                                 "/?q=志愿服务&month=2023-12", "/?sort=date"],
        "api.api_search": [f"/api/search?q={q}" for q in qs] + [
            f"/api/search?series={SECRET_SERIES}", f"/api/search?bulletin={ids['secret_series']}",
            "/api/search?q=志愿服务&month=2023-11", "/api/search?q=志愿服务&sort=date"],
        "api.api_suggest": [f"/api/suggest?q={p}" for p in PREFIXES],
        "web.bulletin": [f"/bulletin/{b}?q=志愿服务" for b in bulletins],
        "api.api_bulletin": [f"/api/bulletins/{b}" for b in bulletins],
        "web.series": ["/series"],
        "original.original": [f"/bulletin/{b}/original" for b in secret_ids],
        # the other original (the closed series' issue as text beside its Word file)
        "original.other": [f"/bulletin/{b}/original/1" for b in secret_ids],
        # the scan view (issue 20): a restricted issue's page image and its OCR'd text (404 to whoever
        # may not see it; these issues are text, so 404 to all: tests/test_scan_view.py reads a scan)
        "scan.page": [f"/bulletin/{b}/scan?page=1&hl=鲲鹏隧道" for b in secret_ids],
        "scan.image": [f"/bulletin/{b}/scan/1.png" for b in secret_ids],
        "images.image": [f"/bulletin/{b}/image?src=images/1.png" for b in secret_ids],
        "exports.export": [f"/api/export?q={q}&format={f}" for q in ("鲲鹏隧道", "志愿服务", "琥珀山庄")
                           for f in ("csv", "xlsx", "docx")],
        "exports.feed": [f"/feed?q={q}{tok}" for q in ("鲲鹏隧道", "志愿服务", "")],
        "auth.login": ["/login"],
        "auth.logout": [],  # POST only: nothing to show
        "auth.account": ["/account"],
        "admin.admin": ["/admin/"],
        "admin.change": [],  # POST only (tested in test_access.py)
        "admin.reindex": [],  # POST only (tested in test_access.py)
        "admin.audit_log": [],  # the audit log holds the queries asked: administrators only, checked below
        "static": ["/static/app.js"],
        "upload.upload_form": ["/upload"],
        "upload.upload_files": [],  # POST only (tests/test_access_upload.py)
        "upload.upload_confirm": [],  # POST only
        "upload.upload_batch": ["/upload/abcdefghijklmnopqrstuv"],  # a batch's reading (an unknown one: 404)
        "upload.upload_status": ["/upload/abcdefghijklmnopqrstuv/status"],
        "edit.edit": [],  # POST only: test_the_correction_route_reaches_nothing_restricted below
        # 订阅此检索 (issue 20): the page echoes the search; the digests are checked below
        "subscribe.subscribe_page": [f"/subscribe?q={q}" for q in (*SECRETS, "志愿服务")]
        + [f"/subscribe?q=志愿服务&series={SECRET_SERIES}"],
        "subscribe.subscribe": [],  # POST only: a digest test below
        "subscribe.confirm": ["/subscribe/confirm/abc"],
        "subscribe.unsubscribe": ["/unsubscribe/abc"],
        "subscribe.subscriptions": ["/subscriptions", "/subscriptions?k=abc"],
    }


def test_every_route_is_probed(worlds: dict[str, Any]) -> None:
    """A route added to the app must be added to `probes` (or this fails)."""
    endpoints = {r.endpoint for r in worlds["app"].url_map.iter_rules()}
    assert endpoints == set(probes(worlds["ids"], None)), endpoints ^ set(probes(worlds["ids"], None))


ROLES_DENIED = (None, "reader", "editor")
# the endpoints whose probes show restricted material to whoever may read it (positive control)
SHOWING = ("web.index", "api.api_search", "api.api_suggest", "web.bulletin", "api.api_bulletin", "web.series",
           "original.original", "original.other", "exports.export", "exports.feed")


def excess(worlds: dict[str, Any], client: Any, url: str) -> list[str]:
    """The restricted marks that `client`'s answer to `url` holds more often than the answer of
    the archive that never held them (there a mark can only be the visitor's own query echoed)."""
    with client.get(url) as r:
        text = visible(r)
    with worlds["ref"].test_client().get(url.replace("&token=", "&_t=")) as r:
        reference = visible(r)
    return [m for m in restricted_marks(worlds["ids"]) if text.count(m) > reference.count(m)]


@pytest.mark.parametrize("user", ROLES_DENIED, ids=["signed-out", "读者", "编辑"])
def test_no_route_shows_restricted_material(worlds: dict[str, Any], user: str | None) -> None:
    app, ids = worlds["app"], worlds["ids"]
    client = signed_in(app, user)
    token = worlds["store"].feed_token(user) if user else "not-a-token"
    for endpoint, urls in probes(ids, token).items():
        for url in urls:
            leaked = excess(worlds, client, url)
            assert not leaked, (user, endpoint, url, leaked)
            # (the e-mails' confirm and 退订 links are signed and open to a visitor: they show no archive text)
            if user is None and endpoint not in ("auth.login", "static", "subscribe.confirm", "subscribe.unsubscribe"):
                with client.get(url) as r:
                    assert r.status_code in (302, 401, 403), (url, r.status_code)


@pytest.mark.parametrize("user", ("admin", "granted"))
def test_the_probes_reach_the_restricted_material(worlds: dict[str, Any], user: str) -> None:
    """Positive control: whoever is granted sees restricted material on every surface's
    probes, so each probe is one that would find a leak."""
    client = signed_in(worlds["app"], user)
    ids = worlds["ids"]
    shown: dict[str, set[str]] = {}
    for endpoint, urls in probes(ids, worlds["store"].feed_token(user)).items():
        for url in urls:
            shown.setdefault(endpoint, set()).update(excess(worlds, client, url))
    for endpoint in SHOWING:
        assert shown[endpoint], (user, endpoint)
    seen = set().union(*shown.values())
    for mark in ("鲲鹏隧道", "翡翠湾码头", "琥珀山庄", ids["secret_issue6"], ids["secret_series"], ids["secret_doc"]):
        assert mark in seen, (user, mark)
    suggest = client.get("/api/suggest?q=鲲").get_json()["suggestions"]
    assert any("鲲鹏" in s["text"] for s in suggest)
    corrected = client.get("/api/search?q=昆鹏隧道").get_json()
    assert "鲲鹏隧道" in str(corrected["suggestions"]) + str(corrected["corrected"])
    page = client.get(f"/bulletin/{ids['public_issue5']}").get_data(as_text=True)
    assert ids["secret_issue6"] in page  # the next issue in the series


def _counts(body: dict[str, Any]) -> dict[str, Any]:
    """Totals and facet counts of a search, and which articles it found."""
    return {
        "total": body["total"],
        "facets": {k: sorted((str(v["value"]), v["count"]) for v in vs) for k, vs in body["facets"].items()
                   if isinstance(vs, list)},
        "hits": sorted(h["article_id"] for h in body["hits"]),
        "suggestions": body["suggestions"],
    }


@pytest.mark.parametrize("user", ("reader", "editor"))
def test_counts_are_those_of_an_archive_without_the_restricted_documents(worlds: dict[str, Any], user: str) -> None:
    """A total or facet count that differs by the restricted count is a leak."""
    client = signed_in(worlds["app"], user)
    ref = worlds["ref"].test_client()
    for args in ({"q": "志愿服务"}, {"q": "志愿服务", "page": "2"}, {"q": ""}, {"q": "南京市"},
                 {"q": "志愿服务", "year": "2023"}, {"q": "志愿服务", "city": "南京市"}, {"q": "鲲鹏隧道"},
                 {"series": SECRET_SERIES}, {"q": "社区"}, {"q": "志愿服务", "sort": "date"},
                 {"q": "隧道"}, {"q": "隧道", "status": "现行有效"}, {"q": "隧道", "status": "已废止"}):
        mine = client.get("/api/search", query_string=args).get_json()
        theirs = ref.get("/api/search", query_string=args).get_json()
        assert _counts(mine) == _counts(theirs), args
    for prefix in ("志愿", "南京", "社区", *PREFIXES):
        mine = client.get("/api/suggest", query_string={"q": prefix}).get_json()
        theirs = ref.get("/api/suggest", query_string={"q": prefix}).get_json()
        assert mine == theirs, prefix


def test_the_series_report_is_that_of_an_archive_without_them(worlds: dict[str, Any]) -> None:
    from indexer.present.series import series_report
    from indexer.store.handles import IndexHandle
    from webui.access import allowed_mask

    st = worlds["store"]
    with IndexHandle(Path(worlds["app"].config["INDEX_DIR"])) as a, IndexHandle(Path(worlds["ref"].config["INDEX_DIR"])) as b:
        mask = allowed_mask(a, st.rules(), st.get_user("reader"))
        assert mask is not None
        assert series_report(a, mask) == series_report(b)
        assert series_report(a) != series_report(b)  # (the restricted issues are in index A)


def test_the_audit_log_page_is_for_administrators(worlds: dict[str, Any]) -> None:
    for user in ROLES_DENIED:
        r = signed_in(worlds["app"], user).get("/admin/audit")
        assert r.status_code in (302, 403), (user, r.status_code)
        assert "鲲鹏" not in visible(r)


@pytest.mark.parametrize("user", ROLES_DENIED, ids=["signed-out", "读者", "编辑"])
def test_the_correction_route_reaches_nothing_restricted(worlds: dict[str, Any], user: str | None) -> None:
    """The bulletin page's 更正 form (POST /bulletin/<id>/edit): a visitor and a 读者 are turned
    away; an 编辑 who may not read an issue gets the bulletin page's 404, and nothing is written."""
    client = signed_in(worlds["app"], user)
    page = client.get("/login" if user is None else "/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    ids = worlds["ids"]
    for bid in (ids["secret_issue6"], ids["secret_series"], ids["secret_doc_issue"]):
        r = client.post(f"/bulletin/{bid}/edit", data={"csrf_token": token.group(1) if token else "",
                                                       "issuer": "改了", "title-1": "改了"})
        assert r.status_code in ((302, 400, 401) if user is None else (403,) if user == "reader" else (404,)), (user, r.status_code)
        text = visible(r)
        assert not [m for m in (*SECRETS, "鲲鹏", "翡翠", "琥珀", "鹭岛") if m in text], (user, bid)
    assert not (worlds["corpusA"] / ".corrections").exists()


@pytest.mark.parametrize("user", ("reader", "editor"))
def test_no_status_label_or_cited_by_link_comes_from_a_restricted_document(worlds: dict[str, Any], user: str) -> None:
    """Issue 20: the public 公文 that a restricted one repeals is 现行有效 to a reader, with no
    被引用 from it; the later public one's reference to it is plain text. The granted see both."""
    ids = worlds["ids"]
    for who, repealed in ((user, False), ("granted", True), ("admin", True)):
        client = signed_in(worlds["app"], who)
        a = client.get(f"/api/bulletins/{ids['public_gongwen']}").get_json()["articles"][0]
        assert (a["status"] == "已废止") is repealed, who
        assert len(a["cited_by"]) == (2 if repealed else 1), who
        later = client.get(f"/api/bulletins/{ids['public_gongwen_later']}").get_json()["articles"][0]
        assert [c["serial"] for c in later["cites"] if c["serial"]] == (["苏测密发〔2023〕1号"] if repealed else []), who
        page = client.get(f"/bulletin/{ids['public_gongwen']}").get_data(as_text=True)
        assert ("已废止" in page) is repealed and ("鲲鹏" in page) is repealed, who
        facet = client.get("/api/search", query_string={"q": "隧道"}).get_json()["facets"]["status"]
        assert ("已废止" in [f["value"] for f in facet]) is repealed, who
@pytest.mark.parametrize("user", ("reader", "editor", "admin", "granted"))
def test_a_digest_holds_nothing_restricted_not_even_in_its_count(worlds: dict[str, Any], user: str) -> None:
    """A saved search's e-mail (issue 20) runs through the owner's access mask: a 读者's or an
    编辑's digest of 志愿服务 lists and counts what the archive without the restricted documents
    holds; an administrator's and the granted reader's list the restricted articles they may read."""
    from tests.mailserver import smtp_server, text_of
    from webui.alerts import send_digests
    from webui.alerts_mail import SmtpConfig
    from webui.alerts_store import AlertsStore

    pytest.importorskip("aiosmtpd")
    alerts = AlertsStore(worlds["instance"])
    address = f"{user}@example.org"
    sub = alerts.add(f"{user} 的订阅", "q=志愿服务", address, user, "http://a.test/", 0)  # everything is new to it
    alerts.confirm(sub.id)
    reference = worlds["ref"].test_client().get("/api/search?q=志愿服务").get_json()["total"]
    with smtp_server() as (port, inbox):
        run = send_digests(Path(worlds["app"].config["INDEX_DIR"]), worlds["instance"], None, True,
                           SmtpConfig("127.0.0.1", port, "", "", "jianbao@example.org"))
    alerts.remove(sub.id)
    assert run.failure is None and not run.skipped, run
    [mail] = inbox.to(address)
    shown = str(mail["Subject"]) + text_of(mail) + mail.get_body(preferencelist=("html",)).get_content()
    total = int(re.search(r"有 (\d+) 篇新文章", str(mail["Subject"])).group(1))  # type: ignore[union-attr]
    if user in ("reader", "editor"):
        assert total == reference
        assert not [m for m in restricted_marks(worlds["ids"]) if m in shown]
    else:  # positive controls: the same digest reaches the restricted articles they may read
        assert total > reference
        assert ("鲲鹏隧道" in shown) and (("翡翠湾码头" in shown) == (user in ("admin", "granted")))
