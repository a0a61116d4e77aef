"""`bulletins users|groups|access`: the local administrator's tool for accounts and access
rules (issue 21). They write the store in the instance folder (webui.access_store)
that the web app reads; every change goes to the audit trail as cli:<login>."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from indexer.settings import INSTANCE
from webui.access_store import POLICIES, ROLES, SCOPES, AccessError, AccessStore, principal_code

instance_option = click.option(
    "--instance", type=click.Path(file_okay=False, path_type=Path), default=INSTANCE.default, show_default=True,
    envvar=INSTANCE.envvar, show_envvar=True, help=INSTANCE.help,
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
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输一次密码")


def _stdin_line() -> str:
    import sys

    return sys.stdin.readline().rstrip("\r\n")


@click.group()
def users() -> None:
    """本地账号：添加、改密码、改角色、删除、列出。"""


@users.command("add")
@click.argument("name")
@click.option("--role", default="读者", show_default=True, help="读者、编辑 或 管理员")
@click.option("--password-stdin", is_flag=True, help="从标准输入读一行作密码（脚本用）")
@instance_option
def users_add(name: str, role: str, password_stdin: bool, instance: Path) -> None:
    """添加本地账号 NAME（argon2 密码哈希）。"""
    from webui.auth_passwords import PasswordError, hash_password

    try:
        pw = _password(password_stdin)
        _store(instance).add_user(name, hash_password(pw), role)
    except (AccessError, PasswordError) as exc:
        _fail(exc)
    _audit(instance, "user-add", target=name, role=role)
    click.echo(f"已添加用户 {name}（{ROLES[_store(instance).get_user(name).role]}）")  # type: ignore[union-attr]


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="从标准输入读一行作密码（脚本用）")
@instance_option
def users_passwd(name: str, password_stdin: bool, instance: Path) -> None:
    """为 NAME 设新密码（同时解除锁定）。"""
    from webui.auth_passwords import PasswordError, hash_password

    try:
        pw = _password(password_stdin)
        _store(instance).set_password(name, hash_password(pw))
        _store(instance).clear_failures(name)
    except (AccessError, PasswordError) as exc:
        _fail(exc)
    _audit(instance, "user-passwd", target=name)
    click.echo(f"已为 {name} 设置新密码")


@users.command("role")
@click.argument("name")
@click.argument("role")
@instance_option
def users_role(name: str, role: str, instance: Path) -> None:
    """把 NAME 的角色改为 ROLE（读者、编辑、管理员）。"""
    _change(instance, "role", lambda st: st.set_role(name, role), target=name, role=role)
    click.echo(f"{name} 的角色已改为 {role}")


@users.command("remove")
@click.argument("name")
@instance_option
def users_remove(name: str, instance: Path) -> None:
    """删除账号 NAME（及其组成员身份和个人授权）。"""
    _change(instance, "user-remove", lambda st: st.remove_user(name), target=name)
    click.echo(f"已删除用户 {name}")


@users.command("list")
@instance_option
def users_list(instance: Path) -> None:
    """列出账号：用户名、角色、来源、所在组。"""
    for u in _store(instance).users():
        click.echo(f"{u.name}\t{u.role_label}\t{u.source}\t{'、'.join(u.groups)}")


@click.group()
def groups() -> None:
    """用户组：新建、删除、加入、移出、列出。"""


@groups.command("add")
@click.argument("name")
@instance_option
def groups_add(name: str, instance: Path) -> None:
    """新建组 NAME。"""
    _change(instance, "group-add", lambda st: st.add_group(name), group=name)
    click.echo(f"已新建组 {name}")


@groups.command("remove")
@click.argument("name")
@instance_option
def groups_remove(name: str, instance: Path) -> None:
    """删除组 NAME（及授权给它的规则）。"""
    _change(instance, "group-remove", lambda st: st.remove_group(name), group=name)
    click.echo(f"已删除组 {name}")


@groups.command("join")
@click.argument("group")
@click.argument("user")
@instance_option
def groups_join(group: str, user: str, instance: Path) -> None:
    """把用户 USER 加入组 GROUP。"""
    _change(instance, "group-member", lambda st: st.set_member(group, user), group=group, target=user)
    click.echo(f"已把 {user} 加入组 {group}")


@groups.command("leave")
@click.argument("group")
@click.argument("user")
@instance_option
def groups_leave(group: str, user: str, instance: Path) -> None:
    """把用户 USER 移出组 GROUP。"""
    _change(instance, "group-unmember", lambda st: st.set_member(group, user, member=False), group=group, target=user)
    click.echo(f"已把 {user} 移出组 {group}")


@groups.command("list")
@instance_option
def groups_list(instance: Path) -> None:
    """列出组及成员。"""
    for g, members in _store(instance).groups().items():
        click.echo(f"{g}\t{'、'.join(members)}")


@click.group()
def access() -> None:
    """访问规则：按系列、期或文章授权给用户、组或所有人；系列默认权限。"""


def _grant(scope: str, target: str, principal: str, allow: bool, instance: Path) -> None:
    try:
        code = principal_code(principal)
        _store(instance).grant(scope, target, code, allow=allow)
    except AccessError as exc:
        _fail(exc)
    _audit(instance, "rule-grant" if allow else "rule-revoke", scope=scope, target=target, principal=code)
    verb = "授权" if allow else "撤销授权"
    click.echo(f"已{verb}：{SCOPES[scope]} {target} → {'所有人' if code == '*' else code}")


@access.command("grant")
@click.argument("scope", type=click.Choice(list(SCOPES)))
@click.argument("target")
@click.argument("principal")
@instance_option
def access_grant(scope: str, target: str, principal: str, instance: Path) -> None:
    """授权 PRINCIPAL（用户:姓名、组:组名 或 *）阅读 SCOPE（series/issue/document）TARGET。
    有规则的对象只对被授权者（及管理员）可见。"""
    _grant(scope, target, principal, True, instance)


@access.command("revoke")
@click.argument("scope", type=click.Choice(list(SCOPES)))
@click.argument("target")
@click.argument("principal")
@instance_option
def access_revoke(scope: str, target: str, principal: str, instance: Path) -> None:
    """撤销一条授权。"""
    _grant(scope, target, principal, False, instance)


@access.command("default")
@click.argument("series")
@click.argument("policy", type=click.Choice([*POLICIES, *POLICIES.values()]))
@instance_option
def access_default(series: str, policy: str, instance: Path) -> None:
    """设置系列 SERIES 的默认权限：公开（open）或 受限（closed）。"""
    _change(instance, "rule-default", lambda st: st.set_default(series, policy), series=series, policy=policy)
    click.echo(f"系列 {series} 默认权限：{POLICIES.get(policy, policy)}")


@access.command("list")
@instance_option
def access_list(instance: Path) -> None:
    """列出全部规则和系列默认权限。"""
    r = _store(instance).rules()
    for (scope, target), principals in sorted(r.grants.items()):
        for p in sorted(principals):
            click.echo(f"{SCOPES[scope]}\t{target}\t{'所有人' if p == '*' else p}")
    for series, policy in sorted(r.defaults.items()):
        click.echo(f"默认\t{series}\t{POLICIES[policy]}")
