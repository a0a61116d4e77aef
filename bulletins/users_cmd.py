"""`bulletins users|groups|access`: the local administrator's tool for accounts and access
rules (issue 21). They write the store in the instance folder (webui.access_store)
that the web app reads; every change goes to the audit trail as cli:<login>."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from bulletins.i18n import _
from indexer.present.settings import INSTANCE
from webui.access_store import POLICIES, ROLES, SCOPES, AccessError, AccessStore, principal_code

instance_option = click.option(
    "--instance", type=click.Path(file_okay=False, path_type=Path), default=INSTANCE.default, show_default=True,
    envvar=INSTANCE.envvar, show_envvar=True, help=_(INSTANCE.help),
)


def _store(instance: Path) -> AccessStore:
    return AccessStore(instance)


def _audit(instance: Path, event: str, **what: object) -> None:
    from webui.audit import cli_record

    cli_record(instance, event, **what)


def _fail(exc: Exception) -> None:
    raise click.ClickException(str(exc)) from None


def _change(instance: Path, event: str, apply: Callable[[AccessStore], object], **what: object) -> None:
    """One change to the account store: refused, it stops with the store's reason (exit 1);
    made, it goes to the audit trail as `event` with `what`."""
    try:
        apply(_store(instance))
    except AccessError as exc:
        _fail(exc)
    _audit(instance, event, **what)


def _password(from_stdin: bool) -> str:
    """The password: one line of standard input (--password-stdin), else asked twice at the
    terminal (never echoed)."""
    if from_stdin:
        return _stdin_line()
    return click.prompt(_("Password"), hide_input=True, confirmation_prompt=_("Repeat the password"))


def _stdin_line() -> str:
    import sys

    return sys.stdin.readline().rstrip("\r\n")


@click.group(help=_("Local accounts: add, change password, change role, remove, list."))
def users() -> None:
    """`bulletins users` (its help is the catalogue's, bulletins.i18n)."""


@users.command("add", help=_("Add the local account NAME (argon2 password hash)."))
@click.argument("name")
@click.option("--role", default="读者", show_default=True, help=_("读者, 编辑 or 管理员"))
@click.option("--password-stdin", is_flag=True, help=_("Read the password as one line of standard input (for scripts)"))
@instance_option
def users_add(name: str, role: str, password_stdin: bool, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    from webui.auth_passwords import PasswordError, hash_password

    try:
        pw = _password(password_stdin)
        _store(instance).add_user(name, hash_password(pw), role)
    except (AccessError, PasswordError) as exc:
        _fail(exc)
    _audit(instance, "user-add", target=name, role=role)
    click.echo(_("user {name} added ({role})").format(name=name, role=ROLES[_store(instance).get_user(name).role]))  # type: ignore[union-attr]


@users.command("passwd", help=_("Set a new password for NAME (and unlock the account)."))
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=_("Read the password as one line of standard input (for scripts)"))
@instance_option
def users_passwd(name: str, password_stdin: bool, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    from webui.auth_passwords import PasswordError, hash_password

    try:
        pw = _password(password_stdin)
        _store(instance).set_password(name, hash_password(pw))
        _store(instance).clear_failures(name)
    except (AccessError, PasswordError) as exc:
        _fail(exc)
    _audit(instance, "user-passwd", target=name)
    click.echo(_("new password set for {name}").format(name=name))


@users.command("role", help=_("Change the role of NAME to ROLE (读者, 编辑 or 管理员)."))
@click.argument("name")
@click.argument("role")
@instance_option
def users_role(name: str, role: str, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    _change(instance, "role", lambda st: st.set_role(name, role), target=name, role=role)
    click.echo(_("the role of {name} is now {role}").format(name=name, role=role))


@users.command("remove", help=_("Remove the account NAME (with its group memberships and personal grants)."))
@click.argument("name")
@instance_option
def users_remove(name: str, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    _change(instance, "user-remove", lambda st: st.remove_user(name), target=name)
    click.echo(_("user {name} removed").format(name=name))


@users.command("list", help=_("List the accounts: name, role, source, groups."))
@instance_option
def users_list(instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    for u in _store(instance).users():
        click.echo(f"{u.name}\t{u.role_label}\t{u.source}\t{'、'.join(u.groups)}")


@click.group(help=_("Groups of users: add, remove, join, leave, list."))
def groups() -> None:
    """`bulletins groups`."""


@groups.command("add", help=_("Create the group NAME."))
@click.argument("name")
@instance_option
def groups_add(name: str, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    _change(instance, "group-add", lambda st: st.add_group(name), group=name)
    click.echo(_("group {name} created").format(name=name))


@groups.command("remove", help=_("Remove the group NAME (and the rules granting it)."))
@click.argument("name")
@instance_option
def groups_remove(name: str, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    _change(instance, "group-remove", lambda st: st.remove_group(name), group=name)
    click.echo(_("group {name} removed").format(name=name))


@groups.command("join", help=_("Add the user USER to the group GROUP."))
@click.argument("group")
@click.argument("user")
@instance_option
def groups_join(group: str, user: str, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    _change(instance, "group-member", lambda st: st.set_member(group, user), group=group, target=user)
    click.echo(_("{user} added to the group {group}").format(user=user, group=group))


@groups.command("leave", help=_("Take the user USER out of the group GROUP."))
@click.argument("group")
@click.argument("user")
@instance_option
def groups_leave(group: str, user: str, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    _change(instance, "group-unmember", lambda st: st.set_member(group, user, member=False), group=group, target=user)
    click.echo(_("{user} taken out of the group {group}").format(user=user, group=group))


@groups.command("list", help=_("List the groups and their members."))
@instance_option
def groups_list(instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    for g, members in _store(instance).groups().items():
        click.echo(f"{g}\t{'、'.join(members)}")


@click.group(help=_("Access rules: grant a series, an issue or an article to a user, a group or everyone; a series' default."))
def access() -> None:
    """`bulletins access`."""


def _grant(scope: str, target: str, principal: str, allow: bool, instance: Path) -> None:
    try:
        code = principal_code(principal)
        _store(instance).grant(scope, target, code, allow=allow)
    except AccessError as exc:
        _fail(exc)
    _audit(instance, "rule-grant" if allow else "rule-revoke", scope=scope, target=target, principal=code)
    done = _("granted: {what}") if allow else _("revoked: {what}")
    who = _("everyone") if code == "*" else code
    click.echo(done.format(what=f"{SCOPES[scope]} {target} → {who}"))


@access.command("grant", help=_("Grant PRINCIPAL (用户:NAME, 组:GROUP or *) reading of SCOPE (series/issue/document) TARGET. Whatever has a rule is seen only by those granted (and administrators)."))
@click.argument("scope", type=click.Choice(list(SCOPES)))
@click.argument("target")
@click.argument("principal")
@instance_option
def access_grant(scope: str, target: str, principal: str, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    _grant(scope, target, principal, True, instance)


@access.command("revoke", help=_("Revoke a grant."))
@click.argument("scope", type=click.Choice(list(SCOPES)))
@click.argument("target")
@click.argument("principal")
@instance_option
def access_revoke(scope: str, target: str, principal: str, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    _grant(scope, target, principal, False, instance)


@access.command("default", help=_("Set the default of the series SERIES: 公开 (open) or 受限 (closed)."))
@click.argument("series")
@click.argument("policy", type=click.Choice([*POLICIES, *POLICIES.values()]))
@instance_option
def access_default(series: str, policy: str, instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    _change(instance, "rule-default", lambda st: st.set_default(series, policy), series=series, policy=policy)
    click.echo(_("default of the series {series}: {policy}").format(series=series, policy=POLICIES.get(policy, policy)))


@access.command("list", help=_("List every rule and the series' defaults."))
@instance_option
def access_list(instance: Path) -> None:
    """(Its help is the catalogue's, bulletins.i18n.)"""
    r = _store(instance).rules()
    for (scope, target), principals in sorted(r.grants.items()):
        for p in sorted(principals):
            who = _("everyone") if p == "*" else p
            click.echo(f"{SCOPES[scope]}\t{target}\t{who}")
    for series, policy in sorted(r.defaults.items()):
        click.echo(_("default") + f"\t{series}\t{POLICIES[policy]}")
