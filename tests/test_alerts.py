"""Saved searches by e-mail (issue 20 item 6), against a real SMTP server on loopback (aiosmtpd):
the subscribe page, the confirmation e-mail, a digest after `bulletins add`, no resend after
`index` or `--rebuild`, unsubscribe, the mail server down (named, retried), e-mail not set up."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from tests.conftest import EXTRA_SERIES, SEED, extra_issue
from tests.mailserver import free_port, links_in, smtp_server, text_of

pytest.importorskip("aiosmtpd")

BASE = "http://jianbao.test/"
ADDRESS = "wang.fang@example.gov.cn"


def _cli(args: list[str], instance: Path, port: int | None) -> Any:
    from bulletins.cli import cli

    env = {"BULLETINS_INSTANCE": str(instance), "BULLETINS_BASE_URL": None,
           "BULLETINS_SMTP_HOST": "127.0.0.1" if port else None, "BULLETINS_SMTP_PORT": str(port) if port else None}
    return CliRunner(env=env).invoke(cli, args)


def _issue(folder: Path, n: int) -> Path:
    """Extra issue `n` of the volunteering bulletin as a file to `add` (its articles all say 志愿服务)."""
    path = folder / f"{EXTRA_SERIES}-2023-第{n}期.txt"
    path.write_text(extra_issue(n).replace("2023年", "2024年"), encoding="utf-8")
    return path


@pytest.fixture()
def world(tmp_path: Path) -> dict[str, Any]:
    from webui import create_app
    from webui.alerts_mail import SmtpConfig

    corpus, index, instance, incoming = (tmp_path / n for n in ("corpus", "index", "instance", "in"))
    corpus.mkdir()
    incoming.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    for n in (1, 2):
        (corpus / f"{EXTRA_SERIES}-2023-第{n}期.txt").write_text(extra_issue(n), encoding="utf-8")
    r = _cli(["index", "--corpus", str(corpus), "--index", str(index)], instance, None)
    assert r.exit_code == 0, r.output
    port = free_port()
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus), "ACCESS_DIR": str(instance),
                      "BASE_URL": BASE, "SMTP": SmtpConfig("127.0.0.1", port, "", "", "jianbao@example.gov.cn")})
    return {"corpus": corpus, "index": index, "instance": instance, "in": incoming, "app": app, "port": port}


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _subscribe(client: Any, q: str, name: str, email: str = ADDRESS) -> Any:
    page = client.get("/subscribe", query_string={"q": q}).get_data(as_text=True)
    query = re.search(r'name="query" value="([^"]*)"', page).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    return client.post("/subscribe", data={"csrf_token": _csrf(page), "query": query, "name": name, "email": email})


def _add(world: dict[str, Any], n: int, port: int | None) -> Any:
    return _cli(["add", "--corpus", str(world["corpus"]), "--index", str(world["index"]), str(_issue(world["in"], n))],
                world["instance"], port)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_search_page_links_the_subscribe_page_which_explains_the_feed(world: dict[str, Any]) -> None:
    client = world["app"].test_client()
    page = client.get("/?q=志愿服务").get_data(as_text=True)
    link = re.search(r'<a class="feed" href="([^"]+)">订阅此检索</a>', page)
    assert link and link.group(1).startswith("/subscribe?q=")
    r = client.get(link.group(1).replace("&amp;", "&"))
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Atom 源是一个网址" in text and f'value="{BASE}feed?q=' in text  # the URL to copy, absolute
    assert 'name="email"' in text and "用邮件订阅" in text


def test_confirmation_then_a_digest_after_add_then_unsubscribe(world: dict[str, Any]) -> None:
    port = world["port"]
    with smtp_server(port) as (_, inbox):
        client = world["app"].test_client()
        r = _subscribe(client, "志愿服务", "志愿服务动态")
        assert r.status_code == 200 and "确认邮件已发到" in r.get_data(as_text=True)
        [confirm_mail] = inbox.to(ADDRESS)
        assert "请确认订阅“志愿服务动态”" in confirm_mail["Subject"]
        confirm = next(u for u in links_in(confirm_mail) if "/subscribe/confirm/" in u)
        assert confirm.startswith(BASE)

        # before confirmation nothing is sent, whatever is added
        r = _add(world, 3, port)
        assert r.exit_code == 0, r.output
        assert len(inbox.messages) == 1

        page = client.get(_path(confirm))
        assert page.status_code == 200 and "订阅已确认" in page.get_data(as_text=True)
        assert client.get(_path(confirm) + "x").status_code == 400  # a forged link

        r = _add(world, 4, port)
        assert r.exit_code == 0, r.output
        assert "saved searches: 1 e-mail(s) sent" in r.output  # (English: tests/conftest.py)
        [_, digest] = inbox.to(ADDRESS)
        body = text_of(digest)
        assert "“志愿服务动态”有 10 篇新文章" in digest["Subject"]  # issues 3 and 4, five articles each
        assert "第4期第1篇 志愿服务惠民生" in body and "第3期第5篇" in body
        assert "2024-08-14" in body  # the dates (issue 4: 2024年8月14日)
        assert "第1期第1篇" not in body and "第2期" not in body  # what was there before subscribing
        assert all(u.startswith(BASE) for u in links_in(digest))
        assert str(digest["List-Unsubscribe"]).strip().startswith(f"<{BASE}unsubscribe/")
        article = next(u for u in links_in(digest) if "/bulletin/" in u)
        assert client.get(_path(article)).status_code == 200

        # a re-index and a rebuild send nothing again
        for args in (["index"], ["index", "--rebuild"]):
            r = _cli([*args, "--corpus", str(world["corpus"]), "--index", str(world["index"])], world["instance"], port)
            assert r.exit_code == 0, r.output
        assert len(inbox.messages) == 2

        # the list of an address's subscriptions, from the e-mail's 管理 link
        manage = next(u for u in links_in(digest) if "/subscriptions?k=" in u)
        listing = client.get(_path(manage)).get_data(as_text=True)
        assert "志愿服务动态" in listing and "已确认" in listing
        assert client.get("/subscriptions?k=forged").status_code == 404

        unsubscribe = next(u for u in links_in(digest) if "/unsubscribe/" in u)
        page = client.get(_path(unsubscribe)).get_data(as_text=True)
        assert "确认退订" in page  # a GET (a link checker) removes nothing
        r = client.post(_path(unsubscribe))
        assert r.status_code == 200 and "已退订“志愿服务动态”" in r.get_data(as_text=True)
        assert "志愿服务动态" not in client.get(_path(manage)).get_data(as_text=True)
        r = _add(world, 5, port)
        assert r.exit_code == 0, r.output
        assert len(inbox.messages) == 2


def test_a_mail_server_that_is_down_is_named_and_the_digest_is_sent_next_time(world: dict[str, Any]) -> None:
    from webui.alerts_store import AlertsStore

    port = world["port"]
    with smtp_server(port) as (_, inbox):
        client = world["app"].test_client()
        assert _subscribe(client, "常州市", "常州").status_code == 200
        confirm = next(u for u in links_in(inbox.to(ADDRESS)[0]) if "/subscribe/confirm/" in u)
        assert client.get(_path(confirm)).status_code == 200
    # the server is gone: `add` succeeds and says why nothing went out
    r = _add(world, 3, port)
    assert r.exit_code == 0, r.output
    assert "saved-search e-mails failed: 无法通过邮件服务器 127.0.0.1:" in r.output  # named, the server too
    assert "the new matches of 1 subscription(s) are sent again after the next index run" in r.output
    [sub] = AlertsStore(world["instance"]).of(email=ADDRESS)
    assert sub.last_error
    with smtp_server(port) as (_, inbox):
        r = _cli(["index", "--corpus", str(world["corpus"]), "--index", str(world["index"])], world["instance"], port)
        assert r.exit_code == 0, r.output
        [digest] = inbox.to(ADDRESS)
        assert "常州市：第3期第5篇 志愿服务惠民生" in text_of(digest)
        assert "有 1 篇新文章" in digest["Subject"]


def test_without_a_mail_server_the_page_says_so_and_nothing_is_sent(world: dict[str, Any], tmp_path: Path) -> None:
    from webui import create_app
    from webui.alerts import send_digests
    from webui.alerts_store import AlertsStore

    app = create_app({"TESTING": True, "INDEX_DIR": str(world["index"]), "ACCESS_DIR": str(world["instance"]),
                      "SMTP": None})
    client = app.test_client()
    page = client.get("/subscribe?q=志愿服务").get_data(as_text=True)
    assert "尚未设置邮件服务器" in page and 'name="email"' not in page
    assert "Atom 源是一个网址" in page
    st = AlertsStore(world["instance"])
    sub = st.add("x", "q=志愿服务", ADDRESS, None, BASE, 0)
    st.confirm(sub.id)
    run = send_digests(world["index"], world["instance"], None, False, None)
    assert run.sent == 0 and run.no_server == 1
    assert st.get(sub.id).watermark == 0  # type: ignore[union-attr]


def test_a_bad_address_is_named(world: dict[str, Any]) -> None:
    r = _subscribe(world["app"].test_client(), "志愿服务", "x", email="not-an-address")
    assert r.status_code == 400 and "电子邮件地址无效：not-an-address" in r.get_data(as_text=True)


def test_with_accounts_on_a_subscription_is_the_users_and_listed_for_them(world: dict[str, Any]) -> None:
    from webui import create_app
    from webui.access_store import AccessStore
    from webui.alerts_mail import SmtpConfig
    from webui.alerts_store import AlertsStore
    from webui.auth_passwords import hash_password

    st = AccessStore(world["instance"])
    for user in ("li", "zhao"):
        st.add_user(user, hash_password(f"{user}-password-1"), "读者")
    app = create_app({"TESTING": True, "INDEX_DIR": str(world["index"]), "ACCESS_DIR": str(world["instance"]),
                      "ACCOUNTS": True, "BASE_URL": BASE,
                      "SMTP": SmtpConfig("127.0.0.1", world["port"], "", "", "jianbao@example.gov.cn")})

    def signed_in(user: str) -> Any:
        client = app.test_client()
        token = _csrf(client.get("/login").get_data(as_text=True))
        r = client.post("/login", data={"username": user, "password": f"{user}-password-1", "csrf_token": token})
        assert r.status_code == 302
        return client

    assert app.test_client().get("/subscribe?q=志愿服务").status_code == 302  # sign in first
    li = signed_in("li")
    page = li.get("/subscribe?q=志愿服务").get_data(as_text=True)
    assert "邮件只列出您的账号有权阅读的文章" in page and "token=" in page  # the feed URL carries li's token
    with smtp_server(world["port"]) as (_, inbox):
        assert _subscribe(li, "志愿服务", "李的订阅", "li@example.gov.cn").status_code == 200
        confirm = next(u for u in links_in(inbox.to("li@example.gov.cn")[0]) if "/subscribe/confirm/" in u)
    assert "token=" not in text_of(inbox.to("li@example.gov.cn")[0])  # the personal feed token stays on the page
    assert app.test_client().get(_path(confirm)).status_code == 200  # the e-mail's link needs no sign-in
    [sub] = AlertsStore(world["instance"]).of(user="li")
    assert sub.confirmed and sub.email == "li@example.gov.cn"
    assert "李的订阅" in li.get("/subscriptions").get_data(as_text=True)
    assert "李的订阅" not in signed_in("zhao").get("/subscriptions").get_data(as_text=True)


def test_a_saved_search_that_no_longer_parses_is_named_and_the_others_are_sent(world: dict[str, Any]) -> None:
    from webui.alerts import send_digests
    from webui.alerts_mail import SmtpConfig
    from webui.alerts_store import AlertsStore

    st = AlertsStore(world["instance"])
    for name, query in (("坏的", "q=志愿服务&year=abc"), ("好的", "q=志愿服务")):
        st.confirm(st.add(name, query, ADDRESS, None, BASE, 0).id)  # watermark 0: everything is new to them
    with smtp_server(world["port"]) as (port, inbox):
        run = send_digests(world["index"], world["instance"], None, False,
                           SmtpConfig("127.0.0.1", port, "", "", "jianbao@example.gov.cn"))
    assert run.sent == 1 and "“好的”" in str(inbox.to(ADDRESS)[0]["Subject"])
    assert run.skipped == ["订阅“坏的”的检索条件已无法理解（年份无效：abc（年份必须是四位数字，例如 2022））"]


def test_new_articles_holding_only_the_words_of_a_search_found_as_typed_are_not_news(world: dict[str, Any]) -> None:
    """The archive finds 南京市广泛开展 as typed; a new issue that holds only its words apart is
    not sent (the staged query would widen to the words among the new articles alone)."""
    from tests.test_access_leak import issue_text
    from webui.alerts import send_digests
    from webui.alerts_mail import SmtpConfig
    from webui.alerts_store import AlertsStore

    from indexer.store.handles import IndexHandle
    from webui.alerts import live_bulletins

    st = AlertsStore(world["instance"])
    with IndexHandle(world["index"]) as handle:  # as the subscribe page does: what is there now is not new
        sub = st.add("南京", "q=南京市广泛开展", ADDRESS, None, BASE, st.catch_up(live_bulletins(handle)))
    st.confirm(sub.id)
    loose = world["in"] / "宽松测试简报-2024-第1期.txt"
    loose.write_text(issue_text("宽松测试简报", 1, "2024年3月1日", [
        ("南京市:社区活动", ["南京市今年在社区开展了形式多样的活动，宣传面很广泛。"])]), encoding="utf-8")
    config = SmtpConfig("127.0.0.1", world["port"], "", "", "jianbao@example.gov.cn")
    for path in (loose, _issue(world["in"], 3)):
        r = _cli(["add", "--corpus", str(world["corpus"]), "--index", str(world["index"]), str(path)],
                 world["instance"], None)
        assert r.exit_code == 0, r.output
        with smtp_server(world["port"]) as (_, inbox):
            send_digests(world["index"], world["instance"], None, False, config)
        if path is loose:
            assert inbox.messages == []
        else:
            [mail] = inbox.to(ADDRESS)
            body = text_of(mail)
            assert "有 1 篇新文章" in str(mail["Subject"]) and "南京市：第3期第1篇" in body and "社区活动" not in body
