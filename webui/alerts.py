"""Saved searches by e-mail (issue 20): what is new for each, sent after `bulletins index` / `add`.

After every index run the CLI calls `send_digests`. It enters the index's issues in the
ledger (webui.alerts_store), and for each confirmed subscription whose watermark is
behind, searches its saved search among the articles of the issues entered since — and
among what its owner may read: the same access mask as the page (webui.access), ANDed
into the search, so a restricted article is neither listed nor counted — and e-mails the
digest (webui.alerts_mail). A failure to send is one named message and leaves the
watermark, so the same articles are tried at the next run; the index run itself succeeds.
Nothing here imports Flask.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import numpy as np

from indexer.present.feed import feed_title
from indexer.present.links import article_url, state_url
from indexer.present.page import search_page
from indexer.present.params import BadParam, Pairs, SearchParams, parse_search_args
from indexer.search.engine import snapshot
from indexer.store.handles import IndexHandle, IndexUnavailableError
from webui.alerts_mail import Links, MailError, SmtpConfig, digest_message, send
from webui.alerts_store import AlertsStore, Subscription

DIGEST_MAX = 50  # articles listed in one digest (the rest are counted, with a link to the search)


def saved_params(query: str) -> SearchParams:
    """The search a subscription saved (its URL query string)."""
    return parse_search_args(Pairs(parse_qsl(query, keep_blank_values=False)))


def describe(params: SearchParams) -> str:
    """What the search is, in words: 垃圾分类（年份：2023年）."""
    return feed_title(params).removeprefix("简报检索：")


def live_bulletins(handle: IndexHandle) -> list[str]:
    """The ids of the issues the index holds now."""
    snap = snapshot(handle)
    codes, values = snap.coded["bulletin"]
    held = codes[snap.live]
    return [values[c] for c in np.unique(held[held >= 0])]


def new_matches(handle: IndexHandle, params: SearchParams, bulletins: list[str], allowed_docs: Any,
                base_url: str, limit: int = DIGEST_MAX) -> tuple[list[dict[str, Any]], int]:
    """The articles of `bulletins` that `params` finds among `allowed_docs` (None: all), newest
    first: (the first `limit` hits, each with its `url`; how many there are in all)."""
    if not bulletins:
        return [], 0
    mask = snapshot(handle).docs_with("bulletin", tuple(bulletins))
    if allowed_docs is not None:
        mask = mask & allowed_docs
    if not mask.any():
        return [], 0
    newest = dataclasses.replace(params, sort="date", sort_given=True, page=1)
    data = search_page(handle, newest, limit, mask)
    if data.get("stage") and _looser(data["stage"], search_page(handle, newest, 1, allowed_docs).get("stage")):
        # found among the new articles only by a rewrite the whole search does not need (its words
        # apart, any of them): not what the subscriber's search finds, so not news to them
        return [], 0
    hits = [{**h, "url": article_url(base_url, h["bulletin_id"], h["order"])} for h in data["hits"]]
    return hits, int(data["total"])


def _looser(stage: str, than: str | None) -> bool:
    """Whether staged-query stage `stage` comes after `than` (indexer.search.stages' order)."""
    from indexer.search.stages import STAGES

    order = {name: i for i, (name, _s) in enumerate(STAGES)}
    return than is not None and order.get(stage, 0) > order.get(than, 0)


@dataclass
class DigestRun:
    """What one run did, for the CLI to say (in its catalogue's words, bulletins.i18n)."""

    sent: int = 0  # digests sent
    failure: str | None = None  # the mail server's named failure (MailError's message), if any
    waiting: int = 0  # subscriptions whose digest waits for the next run (the failure's)
    no_server: int = 0  # subscriptions with new matches and no mail server set
    skipped: list[str] = field(default_factory=list)  # subscriptions not sent, each with why
    error: str | None = None  # nothing could be looked at (the index, a setting), why


class _Skip(Exception):
    """This subscription is not sent this time (its owner is gone, or accounts say no)."""


def _reader_mask(handle: IndexHandle, instance: Path, sub: Subscription, accounts: bool) -> Any:
    """The access mask of the subscription's owner, as the page would apply it (None: all)."""
    if sub.user is None:
        if accounts:  # made before sign-in was turned on: nobody vouches for what it may show
            raise _Skip(f"订阅“{sub.name}”（{sub.email}）未绑定账号，而本服务已启用账号")
        return None
    from webui.access import build_mask
    from webui.access_store import AccessStore

    st = AccessStore(instance)
    user = st.get_user(sub.user)
    if user is None:
        raise _Skip(f"订阅“{sub.name}”的用户 {sub.user} 已不存在")
    if user.role == "admin":
        return None
    return build_mask(handle, st.rules(), user)


def send_digests(index: Path, instance: Path, base_url: str | None = None, accounts: bool = False,
                 config: SmtpConfig | None = None) -> DigestRun:
    """After an index run: each confirmed subscription's new articles, one digest e-mail each.
    `base_url` (BULLETINS_BASE_URL) wins over the address each subscriber used; `config` is the
    mail server (None: e-mail is off, nothing is sent and the watermarks stay)."""
    run = DigestRun()
    if not AlertsStore.exists(instance):
        return run
    store = AlertsStore(instance)
    try:
        handle = IndexHandle(index)
    except IndexUnavailableError:
        return run
    with handle:
        try:
            seq = store.catch_up(live_bulletins(handle))
        except IndexUnavailableError as ex:
            run.error = str(ex)
            return run
        due = [s for s in store.confirmed() if s.watermark < seq]
        if not due:
            return run
        if config is None:
            run.no_server = len(due)
            return run
        links = Links(instance)
        outgoing: list[tuple[Subscription, Any]] = []
        for sub in due:
            try:
                mask = _reader_mask(handle, instance, sub, accounts)
            except _Skip as ex:
                run.skipped.append(str(ex))
                continue
            base = base_url or sub.base_url
            try:
                params = saved_params(sub.query)
            except BadParam as ex:  # a search saved under rules that have changed since
                run.skipped.append(f"订阅“{sub.name}”的检索条件已无法理解（{ex}）")
                continue
            hits, total = new_matches(handle, params, store.entered_between(sub.watermark, seq), mask, base)
            if total == 0:
                store.sent(sub.id, seq)
                continue
            search_url = base.rstrip("/") + state_url(dataclasses.replace(params, sort="date", sort_given=True))
            outgoing.append((sub, digest_message(config, sub.email, sub.name, describe(params), hits, total,
                                                 search_url, links.urls(base, sub.id, sub.email))))
    if not outgoing:
        return run
    try:  # one connection for all of them
        refused = send(config, [msg for _sub, msg in outgoing])
    except MailError as ex:  # the server is unreachable: every digest waits for the next run
        refused = {i: str(ex) for i in range(len(outgoing))}
    for i, (sub, _msg) in enumerate(outgoing):
        if i in refused:
            store.failed(sub.id, refused[i])
            run.failure = run.failure or refused[i]
            run.waiting += 1
        else:
            store.sent(sub.id, seq)
            run.sent += 1
    return run


def send_after_index(index: Path, instance: Path) -> DigestRun:
    """`send_digests` with the settings of the environment (the CLI's call)."""
    from indexer.present.settings import BASE_URL, SettingError, accounts_on

    try:
        config = SmtpConfig.from_env()
        base = BASE_URL.get() or None
    except SettingError as ex:
        return DigestRun(error=str(ex))
    return send_digests(index, instance, base, accounts_on(), config)

