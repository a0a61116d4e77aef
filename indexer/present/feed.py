"""An Atom feed (RFC 4287) of a search: its newest matching articles.

Written with the standard library's ElementTree, which escapes every text and
attribute, so hostile titles stay text. Entry ids are the articles' permanent
URLs, so a feed reader shows each article once, and a new one after the next
`bulletins index`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from indexer.present.export import xml_text
from indexer.present.links import active_filters, article_url
from indexer.present.page import plain_snippet, search_page
from indexer.present.params import SearchParams
from indexer.store.handles import IndexHandle

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
def _stamp(date: str | None, fallback: dt.datetime) -> str:
    if date:
        return f"{date}T00:00:00+08:00"  # the bulletins' dates are China Standard Time
    return fallback.isoformat()


def feed_title(params: SearchParams) -> str:
    """简报检索：垃圾分类（年份：2023年）"""
    filters = "；".join(f["label"] for f in active_filters(params, {}))
    what = params.q or "最新文章"
    return f"简报检索：{what}" + (f"（{filters}）" if filters else "")


def render_feed(
    handle: IndexHandle, params: SearchParams, base_url: str, self_url: str, page_url: str, allowed_docs: Any = None,
    index: IndexHandle | None = None,
) -> bytes:
    """The Atom document of the newest FEED_ENTRIES articles matching `params` (among
    `allowed_docs`, the subscriber's documents, issue 21). `handle` may be another backend
    (with `index`, as indexer.present.page.search_page)."""
    newest = dataclasses.replace(params, sort="date", sort_given=True, page=1)
    data = search_page(handle, newest, FEED_ENTRIES, allowed_docs, index=index)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = xml_text(self_url)
    ET.SubElement(feed, f"{{{ATOM}}}title").text = xml_text(feed_title(params))
    notices = data.get("warnings") or []  # what the search did or could not do, as the page says it
    if notices:
        ET.SubElement(feed, f"{{{ATOM}}}subtitle", type="text").text = xml_text("；".join(notices))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=xml_text(self_url))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=xml_text(page_url))
    hits: list[dict[str, Any]] = data["hits"]
    updated = max((h["date"] for h in hits if h.get("date")), default=None)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(updated, now)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "简报检索"
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "简报检索 Bulletin Archive"
    for h in hits:
        url = article_url(base_url, h["bulletin_id"], h["order"])
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = xml_text(url)
        heading = f"{h['place']}：{h['title']}" if h.get("place") else h.get("title") or ""
        ET.SubElement(entry, f"{{{ATOM}}}title", type="text").text = xml_text(heading)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=xml_text(url))
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(h.get("date"), now)
        if h.get("date"):
            ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(h["date"], now)
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = xml_text(plain_snippet(h.get("snippet") or ""))
        if h.get("label"):
            ET.SubElement(entry, f"{{{ATOM}}}category", term=xml_text(h.get("series") or ""), label=xml_text(h["label"]))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)
