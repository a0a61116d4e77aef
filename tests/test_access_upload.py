"""Upload in the browser (issue 21): what the archive read, a correction, confirm = `bulletins add`."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from tests.conftest import SEED
from tests.test_access_leak import issue_text

SERIES = "上传测试简报"
TEXT = issue_text(SERIES, 3, "2023年7月9日", [
    ("南京市:上传测试 湖畔书屋开放", ["南京市湖畔书屋向居民免费开放,藏书两万册。", "书屋每周举办读书会。"]),
    ("苏州市:上传测试 古桥修缮", ["苏州市完成三座古桥修缮。"]),
], issuer="上传测试办公室")


@pytest.fixture()
def site(tmp_path: Path) -> dict[str, Any]:
    """A corpus and index of the seed issue, an editor and a reader, the app with accounts on."""
    from webui import create_app
    from webui.access_store import AccessStore
    from webui.auth_passwords import hash_password

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    index = tmp_path / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    st = AccessStore(tmp_path / "instance")
    st.add_user("editor", hash_password("editor-password"), "编辑")
    st.add_user("reader", hash_password("reader-password"), "读者")
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus), "ACCOUNTS": True,
                      "ACCESS_DIR": str(tmp_path / "instance")})
    return {"app": app, "corpus": corpus, "index": index}


def _client(app: Any, user: str) -> Any:
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"username": user, "password": f"{user}-password", "csrf_token": token}).status_code == 302
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_upload_correct_and_confirm_adds_as_bulletins_add(site: dict[str, Any]) -> None:
    client = _client(site["app"], "editor")
    form = client.get("/upload").get_data(as_text=True)
    r = client.post("/upload", data={"csrf_token": _csrf(form),
                                     "files": [(io.BytesIO(TEXT.encode("utf-8")), "湖畔.txt"),
                                               (io.BytesIO(b"\x00\x01 not a bulletin"), "junk.bin")]},
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert f"{SERIES} 2023年第3期" in page and "上传测试 湖畔书屋开放" in page and "2023-07-09" in page
    assert "不能入库" in page  # junk.bin, with its reason
    batch = re.search(r'name="batch" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    # the editor corrects the issuer and the date, then re-reads
    names = sorted(["湖畔.txt", "junk.bin"])
    i = names.index("湖畔.txt")
    fields = {"csrf_token": _csrf(page), "batch": batch, f"series-{i}": SERIES, f"issue-{i}": "3",
              f"date-{i}": "2023-07-10", f"issuer-{i}": "上传测试宣传处"}
    checked = client.post("/upload/confirm", data={**fields, "action": "check"}).get_data(as_text=True)
    assert "已更正" in checked and "2023-07-10" in checked and "上传测试宣传处" in checked
    bad = client.post("/upload/confirm", data={**fields, f"date-{i}": "七月十日", "action": "check"})
    assert bad.status_code == 400 and "日期无效：七月十日（应写作 2023-05-08）" in bad.get_data(as_text=True)
    done = client.post("/upload/confirm", data={**fields, "action": "add"}).get_data(as_text=True)
    assert "已入库为" in done and "未入库" in done
    # searchable at once, with the corrected fields
    body = client.get("/api/search", query_string={"q": "湖畔书屋"}).get_json()
    assert body["total"] == 1
    bulletin = client.get(f"/api/bulletins/{body['hits'][0]['bulletin_id']}").get_json()
    assert bulletin["date"] == "2023-07-10" and bulletin["issuer"] == "上传测试宣传处"
    # the file went in as `bulletins add` names it, its correction beside it; junk changed nothing
    placed = sorted(p.name for p in site["corpus"].iterdir() if p.is_file())
    assert placed == sorted([SEED.name, f"{SERIES}-2023-第3期.txt"])
    # a rebuild from the corpus reads the same corrected issue
    r = CliRunner().invoke(cli, ["index", "--rebuild", "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    assert r.exit_code == 0, r.output
    again = client.get(f"/api/bulletins/{body['hits'][0]['bulletin_id']}").get_json()
    assert again["date"] == "2023-07-10" and again["issuer"] == "上传测试宣传处"


def test_the_same_issue_uploaded_again_changes_nothing(site: dict[str, Any]) -> None:
    client = _client(site["app"], "editor")
    for _ in range(2):
        page = client.post("/upload", data={"csrf_token": _csrf(client.get("/upload").get_data(as_text=True)),
                                            "files": [(io.BytesIO(TEXT.encode("utf-8")), "a.txt")]},
                           content_type="multipart/form-data").get_data(as_text=True)
        batch = re.search(r'name="batch" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        client.post("/upload/confirm", data={"csrf_token": _csrf(page), "batch": batch, "action": "add"})
    assert client.get("/api/search", query_string={"q": "湖畔书屋"}).get_json()["total"] == 1
    different = TEXT.replace("藏书两万册", "藏书三万册")
    page = client.post("/upload", data={"csrf_token": _csrf(client.get("/upload").get_data(as_text=True)),
                                        "files": [(io.BytesIO(different.encode("utf-8")), "b.txt")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    batch = re.search(r'name="batch" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    done = client.post("/upload/confirm", data={"csrf_token": _csrf(page), "batch": batch, "action": "add"})
    assert "未入库" in done.get_data(as_text=True)
    assert client.get("/api/search", query_string={"q": "“藏书三万册”"}).get_json()["total"] == 0  # quoted: as typed (the stages would find its words)


def test_readers_cannot_upload(site: dict[str, Any]) -> None:
    client = _client(site["app"], "reader")
    assert client.get("/upload").status_code == 403
    r = client.post("/upload", data={"csrf_token": _csrf(client.get("/account").get_data(as_text=True)),
                                     "files": [(io.BytesIO(TEXT.encode("utf-8")), "a.txt")]},
                    content_type="multipart/form-data")
    assert r.status_code == 403
    assert not (site["app"].config["ACCESS_DIR"] and list((Path(site["app"].config["ACCESS_DIR"]) / "uploads").glob("*")))


def test_unconfirmed_uploads_are_removed_after_a_day(site: dict[str, Any]) -> None:
    import os
    import time

    from webui.upload import STALE_HOURS

    client = _client(site["app"], "editor")

    def upload() -> str:
        page = client.post("/upload", data={"csrf_token": _csrf(client.get("/upload").get_data(as_text=True)),
                                            "files": [(io.BytesIO(TEXT.encode("utf-8")), "a.txt")]},
                           content_type="multipart/form-data").get_data(as_text=True)
        return re.search(r'name="batch" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    uploads = Path(site["app"].config["ACCESS_DIR"]) / "uploads"
    old = upload()
    past = time.time() - STALE_HOURS * 3600 - 60
    os.utime(uploads / old, (past, past))
    recent = upload()
    assert sorted(p.name for p in uploads.iterdir()) == [recent]
    r = client.post("/upload/confirm", data={"csrf_token": _csrf(client.get("/upload").get_data(as_text=True)),
                                             "batch": old, "action": "add"})
    assert r.status_code == 404 and "已不存在" in r.get_data(as_text=True)


def test_the_distribution_list_is_offered_as_a_group_never_applied(site: dict[str, Any]) -> None:
    """An added 简报's 报/送/发 list is offered as a group; an administrator creates it with one
    click (no members, no rule); until then nothing changes."""
    from webui import audit
    from webui.access_store import AccessStore
    from webui.auth_passwords import hash_password

    st = AccessStore(Path(site["app"].config["ACCESS_DIR"]))
    st.add_user("admin", hash_password("admin-password"), "管理员")
    rules_before = st.rules().grants
    client = _client(site["app"], "editor")
    page = client.post("/upload", data={"csrf_token": _csrf(client.get("/upload").get_data(as_text=True)),
                                        "files": [(io.BytesIO(TEXT.encode("utf-8")), "a.txt")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    batch = re.search(r'name="batch" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    done = client.post("/upload/confirm", data={"csrf_token": _csrf(page), "batch": batch, "action": "add"})
    text = done.get_data(as_text=True)
    assert "建议用户组" in text and "省文明办；各设区市文明办" in text
    assert "创建此组" not in text and "由管理员一键创建" in text  # an 编辑 does not manage groups
    assert st.groups() == {} and st.rules().grants == rules_before  # offered, not applied
    admin = _client(site["app"], "admin")
    panel = admin.get("/admin/").get_data(as_text=True)
    assert "建议的组" in panel and "省文明办；各设区市文明办" in panel and f"{SERIES} 2023年第3期" in panel
    r = admin.post("/admin/", data={"csrf_token": _csrf(panel), "action": "suggested-group", "group": "省文明办；各设区市文明办"})
    assert r.status_code == 302
    assert st.groups() == {"省文明办；各设区市文明办": []} and st.rules().grants == rules_before
    assert "建议的组" not in admin.get("/admin/").get_data(as_text=True)  # taken: offered no more
    folder = audit.audit_dir(Path(site["app"].config["ACCESS_DIR"]))
    audit.flush(folder)
    (rec,) = [r for r in audit.read(folder) if r["event"] == "group-add"]
    assert rec["who"] == "admin" and rec["group"] == "省文明办；各设区市文明办" and rec["suggested_from"]


def test_a_group_name_is_made_from_the_seed_distribution_list() -> None:
    from archive.parse import parse_file
    from webui.access_store import MAX_GROUP_NAME, group_from_recipients

    name = group_from_recipients(parse_file(SEED).recipients)
    assert name == "中央文明办 省文明委主任、副主任、委员；各设区市、县(市、区)文明委、文明办,省文明委成员单位"
    assert len(name) <= MAX_GROUP_NAME
    assert group_from_recipients(()) is None and group_from_recipients(["报："]) is None
    long = group_from_recipients(["发：" + "各设区市文明办、" * 20])
    assert long is not None and len(long) == MAX_GROUP_NAME and long.endswith("…")
