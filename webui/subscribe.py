"""订阅此检索 (issue 20): the page that explains the feed and offers e-mail, and the e-mail links.

`/subscribe?<search>` explains the Atom feed (its URL to copy) and, when a mail server is
set (BULLETINS_SMTP_HOST), takes an address: a confirmation e-mail goes out at once and
nothing else is sent before its link is followed. With accounts on the subscription
belongs to the signed-in user and carries their access (webui.alerts applies the same
mask as the page). The digests themselves are sent by `bulletins index` / `add`.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for

from indexer.present.links import state_url
from webui import audit
from webui.alerts import describe, live_bulletins, saved_params
from webui.alerts_mail import CONFIRM_PATH, Links, MailError, SmtpConfig, confirmation_message, send
from webui.alerts_store import AlertsStore, Subscription, SubscriptionError
from webui.auth import csrf, current_user
from webui.data import base_url, parse_or_400
from webui.db import get_index

bp = Blueprint("subscribe", __name__)

MAX_NAME = 60  # characters of a subscription's name
MAX_EMAIL = 254  # RFC 5321's limit on an address
EMAIL = re.compile(r"[^@\s<>\"(),;:]+@[A-Za-z0-9\u00a0-\uffff-]+(\.[A-Za-z0-9\u00a0-\uffff-]+)+")


def _instance() -> Path:
    return Path(current_app.config["ACCESS_DIR"])


def _store() -> AlertsStore:
    got = current_app.extensions.get("bulletins.alerts")
    if got is None:
        got = current_app.extensions["bulletins.alerts"] = AlertsStore(_instance())
    return got


def _smtp() -> SmtpConfig | None:
    return current_app.config.get("SMTP")


def _page(params: Any, status: int = 200, **extra: Any) -> tuple[str, int]:
    query = urlencode(dataclasses.replace(params, page=1).to_args())
    feed = base_url().rstrip("/") + _feed_path(params)
    user = current_user()
    return render_template(
        "subscribe.html", params=params, query=query, describe=describe(params), feed_url=feed,
        search_url=state_url(params), mail=_smtp() is not None, user=user,
        name=extra.pop("name", None) or describe(params)[:MAX_NAME], email=extra.pop("email", ""), **extra,
    ), status


@bp.get("/subscribe")
def subscribe_page() -> tuple[str, int]:
    """What the feed is, its URL to copy, and the e-mail form (when a mail server is set)."""
    return _page(parse_or_400(request.args))


@bp.post("/subscribe")
def subscribe() -> tuple[str, int]:
    """Save the search for an address and send the confirmation e-mail."""
    params = saved_params(request.form.get("query", ""))
    name = " ".join((request.form.get("name") or "").split())[:MAX_NAME] or describe(params)[:MAX_NAME]
    email = (request.form.get("email") or "").strip()
    config = _smtp()
    if config is None:
        return _page(params, 409, name=name, error="本服务没有设置邮件服务器，不能用电子邮件订阅。")
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        return _page(params, 400, name=name, email=email[:MAX_EMAIL], error=f"电子邮件地址无效：{email[:80] or '（未填写）'}")
    user = current_user()
    store = _store()
    base = base_url()
    query = urlencode(dataclasses.replace(params, page=1).to_args())
    try:
        sub = store.add(name, query, email, user.name if user else None, base,
                        store.catch_up(live_bulletins(get_index())))
    except SubscriptionError as ex:
        return _page(params, 429, name=name, email=email, error=str(ex))
    links = Links(_instance())
    confirm_url = base.rstrip("/") + CONFIRM_PATH + links.confirm_token(sub.id)
    try:
        refused = send(config, [confirmation_message(config, email, name, describe(params), confirm_url)])
        if refused:
            raise MailError(refused[0])
    except MailError as ex:
        store.remove(sub.id)
        current_app.logger.warning("confirmation e-mail not sent: %s", ex)
        return _page(params, 503, name=name, email=email,
                     error=f"确认邮件未能发出（{ex}），订阅没有保存：请稍后再试或联系管理员。")
    audit.record("subscribe", subscription=sub.id, name=name, query=query)
    return _note("请查收确认邮件",
                 f"确认邮件已发到 {email}。打开邮件中的链接后，订阅“{name}”才会生效；此前不会发送任何邮件。")


def _feed_path(params: Any) -> str:
    from webui.views import search_links

    return search_links(params)["feed"]


def _note(title: str, message: str, status: int = 200, sub: Subscription | None = None,
          unsubscribe: str | None = None) -> tuple[str, int]:
    return render_template("subscribe_note.html", title=title, message=message, sub=sub,
                           unsubscribe=unsubscribe), status


@bp.get("/subscribe/confirm/<token>")
def confirm(token: str) -> tuple[str, int]:
    """The confirmation e-mail's link: the subscription starts."""
    sub_id = Links(_instance()).confirmed_id(token)
    sub = _store().confirm(sub_id) if sub_id is not None else None
    if sub is None:
        return _note("确认链接无效", "确认链接无效或已过期（7 天内有效），或订阅已被退订：请重新订阅。", 400)
    return _note("订阅已确认", f"订阅“{sub.name}”已生效：今后每次更新索引后，如有新的匹配文章，"
                 f"会把标题、日期和链接发到 {sub.email}。每封邮件都附有退订链接。", sub=sub)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed link is the authority (RFC 8058's one-click POST carries no form token)
def unsubscribe(token: str) -> tuple[str, int]:
    """The digest's 退订 link: a page with one button (link checkers only GET), which removes it."""
    links = Links(_instance())
    sub_id = links.unsubscribed_id(token)
    if sub_id is None:
        return _note("退订链接无效", "退订链接无效：请使用邮件中的链接。", 400)
    sub = _store().get(sub_id)
    if request.method == "POST":
        if sub is not None:
            _store().remove(sub_id)
            audit.record("unsubscribe", subscription=sub_id)
        return _note("已退订", f"已退订“{sub.name}”，不会再收到它的邮件。" if sub else "此订阅已退订。")
    if sub is None:
        return _note("已退订", "此订阅已退订。")
    return _note("退订", f"退订“{sub.name}”（{sub.email}）？", sub=sub, unsubscribe=url_for("subscribe.unsubscribe", token=token))


@bp.get("/subscriptions")
def subscriptions() -> tuple[str, int]:
    """My saved searches: the signed-in user's (accounts on), or an address's by the e-mail's link."""
    user = current_user()
    links = Links(_instance())
    if user is not None:
        subs, who = _store().of(user=user.name), user.name
    else:
        email = links.managed_email(request.args.get("k", ""))
        if email is None:
            abort(404, "请使用订阅邮件中的“管理我的订阅”链接查看您的订阅。")
        subs, who = _store().of(email=email), email
    rows = [{"sub": s, "search_url": state_url(saved_params(s.query)), "describe": describe(saved_params(s.query)),
             "unsubscribe": url_for("subscribe.unsubscribe", token=links.unsubscribe_token(s.id))} for s in subs]
    return render_template("subscriptions.html", rows=rows, who=who), 200


def init_app(app: Any) -> None:
    """The mail server from the environment (tests pass SMTP in their config), and the blueprint."""
    if "SMTP" not in app.config:
        app.config["SMTP"] = SmtpConfig.from_env()
    app.register_blueprint(bp)
