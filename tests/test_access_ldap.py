"""LDAP sign-in against a real OpenLDAP slapd (tests/ldap_server.py), issue 21."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ldap_server import LDAPADD, SLAPD, Directory, running_directory

pytestmark = pytest.mark.skipif(not (SLAPD and LDAPADD), reason="slapd/ldap-utils not installed (make test installs them)")


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Directory]:
    with running_directory(tmp_path_factory.mktemp("slapd")) as d:
        yield d


def _config(d: Directory) -> dict[str, Any]:
    return {"LDAP_URL": d.url, "LDAP_USER_DN": d.user_dn, "LDAP_GROUP_BASE": d.group_base}


def test_bind_and_groups(directory: Directory) -> None:
    from webui.auth_ldap import ldap_groups

    config = _config(directory)
    assert ldap_groups(config, "lisi", "lisi-pw-22") == sorted(["宣传处", "办公室"])
    assert ldap_groups(config, "zhangsan", "zhangsan-pw-1") == ["办公室"]
    assert ldap_groups(config, "wangwu", "wangwu-pw-333") == []
    assert ldap_groups(config, "zhangsan", "wrong") is None
    assert ldap_groups(config, "zhangsan", "") is None  # an anonymous bind is no sign-in
    assert ldap_groups(config, "nobody", "x-password") is None
    assert ldap_groups(config, "zhangsan)(uid=*", "zhangsan-pw-1") is None  # the name is escaped


def test_an_unreachable_directory_is_a_failed_sign_in() -> None:
    from webui.auth_ldap import ldap_groups

    config = {"LDAP_URL": "ldap://127.0.0.1:1", "LDAP_USER_DN": "uid={username},dc=x", "LDAP_TIMEOUT": 1}
    assert ldap_groups(config, "zhangsan", "zhangsan-pw-1") is None


def test_directory_users_sign_in_and_their_groups_open_the_rules(directory: Directory, index_dir: Path,
                                                                  tmp_path: Path, ids: dict[str, str]) -> None:
    from tests.conftest import EXTRA_SERIES
    from webui import create_app
    from webui.access_store import AccessStore

    instance = tmp_path / "instance"
    st = AccessStore(instance)
    st.set_default(EXTRA_SERIES, "受限")
    st.add_group("办公室")
    st.grant("series", EXTRA_SERIES, "group:办公室")
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "ACCOUNTS": True, "ACCESS_DIR": str(instance),
                      **_config(directory)})

    def total(user: str, password: str) -> int:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        r = client.post("/login", data={"username": user, "password": password, "csrf_token": token})
        assert r.status_code == 302, (user, r.status_code)
        return int(client.get("/api/search", query_string={"series": EXTRA_SERIES}).get_json()["total"])

    assert total("zhangsan", "zhangsan-pw-1") == 25  # in 办公室 in the directory
    assert total("wangwu", "wangwu-pw-333") == 0
    user = st.get_user("zhangsan")
    assert user is not None and user.source == "ldap" and user.groups == ("办公室",) and user.role == "reader"
