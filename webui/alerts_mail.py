"""The saved-search e-mails (issue 20): the mail server, the signed links, the messages.

Sent with the standard library (smtplib, email.message); the links in them (confirm,
unsubscribe, manage) are signed with itsdangerous — Flask's own signer — under the
instance folder's secret (webui.access_store.instance_secret), so the CLI that sends the
digests and the web app that follows the links agree without a server of their own.
Nothing here imports Flask.
"""

from __future__ import annotations

import html
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from indexer.present.settings import SMTP_FROM, SMTP_HOST, SMTP_PASSWORD, SMTP_PORT, SMTP_USER
from webui.access_store import SECRET_FILE, instance_secret

SMTP_TIMEOUT = 20  # seconds for connecting to and talking with the mail server
CONFIRM_SECONDS = 7 * 24 * 3600  # a confirmation link is good for a week
SENDER_NAME = "简报检索"
# the paths the links lead to (webui.subscribe's routes), under the app's public address
CONFIRM_PATH = "/subscribe/confirm/"
UNSUBSCRIBE_PATH = "/unsubscribe/"
MANAGE_PATH = "/subscriptions?k="


class MailError(Exception):
    """Sending failed (server down, refused, login wrong); the message is Chinese and names the server."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str
    sender: str

    @classmethod
    def from_env(cls) -> SmtpConfig | None:
        """BULLETINS_SMTP_HOST/PORT/USER/PASSWORD/FROM (indexer.present.settings), or None when no host
        is set (e-mail is off). A bad value raises the settings table's SettingError."""
        host = SMTP_HOST.get()
        if not host:
            return None
        return cls(host, SMTP_PORT.number(), SMTP_USER.value(), SMTP_PASSWORD.value(),
                   SMTP_FROM.value() or f"jianbao@{host}")

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def send(config: SmtpConfig, messages: list[EmailMessage]) -> dict[int, str]:
    """Send `messages` over one connection: TLS from the start on port 465, else STARTTLS when
    the server offers it; log in when a user is set. Returns the messages the server refused
    (their index → why, Chinese); MailError (Chinese, naming the server) when it cannot be
    reached or refuses the connection or the login, and nothing more is sent."""
    refused: dict[int, str] = {}
    try:
        if config.port == 465:
            server: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT,
                                                    context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT)
        with server:
            server.ehlo()
            if config.port != 465 and server.has_extn("starttls"):
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if config.user:
                server.login(config.user, config.password)
            for i, msg in enumerate(messages):
                try:
                    server.send_message(msg)
                except smtplib.SMTPRecipientsRefused as ex:
                    refused[i] = f"邮件服务器 {config.where} 拒收收件地址 {', '.join(ex.recipients)}"
                except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as ex:
                    refused[i] = f"邮件服务器 {config.where} 拒收这封邮件：{_reason(ex)}"
    except smtplib.SMTPAuthenticationError as ex:
        raise MailError(f"邮件服务器 {config.where} 拒绝登录（用户 {config.user}）：{_reason(ex)}") from None
    except (smtplib.SMTPException, OSError) as ex:
        raise MailError(f"无法通过邮件服务器 {config.where} 发送：{_reason(ex)}") from None
    return refused


def _reason(ex: BaseException) -> str:
    if isinstance(ex, smtplib.SMTPResponseException):
        return f"{ex.smtp_code} {ex.smtp_error.decode('utf-8', 'replace') if isinstance(ex.smtp_error, bytes) else ex.smtp_error}"
    if isinstance(ex, ConnectionRefusedError):
        return "连接被拒绝（服务器未运行或端口不对）"
    if isinstance(ex, TimeoutError):
        return f"{SMTP_TIMEOUT} 秒内无响应"
    return getattr(ex, "strerror", None) or str(ex) or type(ex).__name__


# -- signed links -----------------------------------------------------------------------------


class Links:
    """The signed links of one instance folder (confirm: timed; unsubscribe, manage: not).
    Checking a link never creates the secret: without one, no link is valid."""

    def __init__(self, instance: Path) -> None:
        self.instance = Path(instance)

    def _signers(self, create: bool) -> tuple[URLSafeTimedSerializer, URLSafeSerializer, URLSafeSerializer] | None:
        if not create and not (self.instance / SECRET_FILE).is_file():
            return None
        secret = instance_secret(self.instance)
        return (URLSafeTimedSerializer(secret, salt="bulletins-alerts-confirm"),
                URLSafeSerializer(secret, salt="bulletins-alerts-unsubscribe"),
                URLSafeSerializer(secret, salt="bulletins-alerts-manage"))

    def _dumps(self, which: int, value: object) -> str:
        signers = self._signers(create=True)
        assert signers is not None
        return str(signers[which].dumps(value))

    def _loads(self, which: int, token: str, **kwargs: Any) -> Any:
        signers = self._signers(create=False)
        if signers is None:
            return None
        try:
            return signers[which].loads(token, **kwargs)
        except (BadSignature, SignatureExpired):
            return None

    def confirm_token(self, sub_id: int) -> str:
        return self._dumps(0, sub_id)

    def unsubscribe_token(self, sub_id: int) -> str:
        return self._dumps(1, sub_id)

    def manage_token(self, email: str) -> str:
        return self._dumps(2, email)

    def confirmed_id(self, token: str) -> int | None:
        """The subscription a confirmation link names, or None (forged, or older than CONFIRM_SECONDS)."""
        got = self._loads(0, token, max_age=CONFIRM_SECONDS)
        return got if isinstance(got, int) else None

    def unsubscribed_id(self, token: str) -> int | None:
        got = self._loads(1, token)
        return got if isinstance(got, int) else None

    def managed_email(self, token: str) -> str | None:
        got = self._loads(2, token)
        return got if isinstance(got, str) else None

    def urls(self, base_url: str, sub_id: int, email: str) -> dict[str, str]:
        """The unsubscribe and manage links of a subscription under `base_url`."""
        base = base_url.rstrip("/")
        return {"unsubscribe": base + UNSUBSCRIBE_PATH + self.unsubscribe_token(sub_id),
                "manage": base + MANAGE_PATH + self.manage_token(email)}


# -- messages ---------------------------------------------------------------------------------


def _message(config: SmtpConfig, to: str, subject: str, text: str, html_body: str,
             unsubscribe: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((SENDER_NAME, config.sender))
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"
    if unsubscribe:  # RFC 2369 / RFC 8058: the mail program's own 退订 button
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text)
    msg.add_alternative(html_body, subtype="html")
    return msg


def _page(body: str) -> str:
    return f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body>{body}</body></html>'


def confirmation_message(config: SmtpConfig, to: str, name: str, describe: str, confirm_url: str) -> EmailMessage:
    """The one e-mail before any digest: a link the address's owner follows to start it."""
    e = html.escape
    text = (f"您好：\n\n有人（希望是您）在简报检索订阅了检索“{name}”（{describe}），"
            f"每次更新索引后把新的匹配文章发到这个地址。\n\n请打开下面的链接确认订阅（7 天内有效）：\n{confirm_url}\n\n"
            f"不是您本人订阅的，忽略这封邮件即可，不会再收到邮件。\n\n—— 简报检索\n")
    body = (f"<p>您好：</p><p>有人（希望是您）在简报检索订阅了检索“{e(name)}”（{e(describe)}），"
            f"每次更新索引后把新的匹配文章发到这个地址。</p>"
            f'<p><a href="{e(confirm_url)}">确认订阅</a>（7 天内有效）</p>'
            f"<p>不是您本人订阅的，忽略这封邮件即可，不会再收到邮件。</p><p>—— 简报检索</p>")
    return _message(config, to, f"简报检索：请确认订阅“{name}”", text, _page(body))


def digest_message(config: SmtpConfig, to: str, name: str, describe: str, hits: list[dict[str, Any]], total: int,
                   search_url: str, links: dict[str, str]) -> EmailMessage:
    """The digest: the new articles' titles, dates and links (the first `len(hits)` of `total`),
    with the search, the unsubscribe link and the subscriber's list of subscriptions."""
    e = html.escape
    lines, items = [], []
    for h in hits:
        title = f"{h['place']}：{h['title']}" if h.get("place") else (h.get("title") or "（无标题）")
        when = h.get("date") or "日期不详"
        source = h.get("label") or ""
        lines.append(f"· {title}\n  {when}  {source}\n  {h['url']}")
        items.append(f'<li><a href="{e(h["url"])}">{e(title)}</a><br><small>{e(when)} {e(source)}</small></li>')
    more = total - len(hits)
    tail = f"\n另有 {more} 篇，见检索结果：{search_url}\n" if more > 0 else f"\n检索结果：{search_url}\n"
    text = (f"订阅“{name}”（{describe}）自上次通知以来有 {total} 篇新文章：\n\n" + "\n\n".join(lines) + "\n" + tail
            + f"\n退订：{links['unsubscribe']}\n管理我的订阅：{links['manage']}\n\n—— 简报检索\n")
    more_html = (f'<p>另有 {more} 篇，<a href="{e(search_url)}">见检索结果</a>。</p>' if more > 0
                 else f'<p><a href="{e(search_url)}">打开检索结果</a></p>')
    body = (f"<p>订阅“{e(name)}”（{e(describe)}）自上次通知以来有 {total} 篇新文章：</p><ul>{''.join(items)}</ul>"
            f'{more_html}<hr><p><small><a href="{e(links["unsubscribe"])}">退订</a> · '
            f'<a href="{e(links["manage"])}">管理我的订阅</a></small></p>')
    return _message(config, to, f"简报检索：“{name}”有 {total} 篇新文章", text, _page(body), links["unsubscribe"])
