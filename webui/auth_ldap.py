"""Sign-in against the office's directory over LDAP (issue 21): a bind as the user, then
the groups that name them. ldap3 (LGPL-3.0, pure Python; not AGPL).

Settings (the instance folder's config.py):
  LDAP_URL          ldap://dc.example.org or ldaps://… (required to use LDAP)
  LDAP_USER_DN      the user's bind name, with {username}: "uid={username},ou=people,dc=example,dc=org";
                    for Active Directory "{username}@example.org" with LDAP_USER_BASE set
  LDAP_USER_BASE    (Active Directory) where to look the user's DN up after the bind, by sAMAccountName
  LDAP_GROUP_BASE   where the groups are: "ou=groups,dc=example,dc=org"
  LDAP_GROUP_FILTER default "(|(member={dn})(uniqueMember={dn})(memberUid={username}))"
  LDAP_TIMEOUT      seconds for connecting and each answer (default 5)
The groups' `cn`s become the user's groups in the archive's rules (replaced at each sign-in).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ldap3 import SUBTREE, Connection, Server
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

log = logging.getLogger(__name__)

DEFAULT_GROUP_FILTER = "(|(member={dn})(uniqueMember={dn})(memberUid={username}))"
DEFAULT_TIMEOUT = 5
MAX_GROUPS = 500


def ldap_groups(config: Mapping[str, Any], username: str, password: str) -> list[str] | None:
    """The user's group names when `password` binds as `username`; None when it does not
    (or the directory cannot be reached: logged without the password)."""
    if not username or not password:  # an empty password would be an anonymous bind: never a sign-in
        return None
    timeout = int(config.get("LDAP_TIMEOUT") or DEFAULT_TIMEOUT)
    template = str(config.get("LDAP_USER_DN") or "")
    if "{username}" not in template:
        log.warning("LDAP_USER_DN has no {username}: LDAP sign-in is off")
        return None
    is_dn = "=" in template
    bind_name = template.format(username=escape_rdn(username) if is_dn else username)
    server = Server(str(config["LDAP_URL"]), connect_timeout=timeout)
    try:
        conn = Connection(server, user=bind_name, password=password, receive_timeout=timeout, raise_exceptions=False)
        try:
            if not conn.bind():
                return None
            dn = bind_name
            base = config.get("LDAP_USER_BASE")
            if base:  # Active Directory: the bind name is a UPN; the groups name the DN
                conn.search(base, f"(sAMAccountName={escape_filter_chars(username)})", SUBTREE, attributes=[])
                if conn.entries:
                    dn = conn.entries[0].entry_dn
            group_filter = str(config.get("LDAP_GROUP_FILTER") or DEFAULT_GROUP_FILTER).format(
                dn=escape_filter_chars(dn), username=escape_filter_chars(username))
            groups: list[str] = []
            if config.get("LDAP_GROUP_BASE"):
                conn.search(config["LDAP_GROUP_BASE"], group_filter, SUBTREE, attributes=["cn"], size_limit=MAX_GROUPS)
                for entry in conn.entries:
                    groups += [str(v) for v in entry.cn.values]
            return sorted(set(groups))
        finally:
            conn.unbind()
            if conn.socket is not None:  # ldap3 keeps the socket of a refused connection open
                conn.socket.close()
    except LDAPException as exc:
        log.warning("LDAP sign-in of %r failed: %s", username, type(exc).__name__)
        return None
