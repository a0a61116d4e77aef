"""The bulletin model: frozen records for one issue and its articles."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from archive.labels import issue_label


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def make_bulletin_id(
    series: str,
    year: int | None,
    issue: int | None,
    date: dt.date | None,
    fallback: str,
    serial: str | None = None,
) -> str:
    """A stable id for an issue: from series+year+issue, else series+serial (a
    公文's 发文字号), else series+date, else `fallback`.

    The same issue parsed again (even from a renamed or re-encoded file) gets the
    same id, so a re-index recognises it.
    """
    if serial is not None and issue is None:
        key = f"{series}|serial:{serial}"
    elif year is not None and issue is not None:
        key = f"{series}|{year}|{issue}"
    elif date is not None:
        key = f"{series}|{date.isoformat()}"
    else:
        key = f"{series}|file:{fallback}"
    return _digest(key)


def make_article_id(bulletin_id: str, order: int) -> str:
    """The id of the `order`-th (1-based) article of a bulletin."""
    return f"{bulletin_id}-{order:03d}"


@dataclass(frozen=True)
class Article:
    """One article of an issue, as its heading and paragraphs say."""

    id: str
    bulletin_id: str
    order: int  # 1-based position in the issue
    title: str  # heading without its place prefix
    place: str | None  # the place as written in the heading ("淮安市", "陕西")
    city: str | None  # its prefecture-level city, or None
    places: tuple[str, ...]  # known places the article mentions, in first-seen order
    section: str | None  # e.g. "工作交流"
    paragraphs: tuple[str, ...]  # plain text, rejoined across page breaks
    body: str  # source markup for display (Markdown; may hold raw HTML: sanitise!)
    # the units the heading and text mention, resolved by the gazetteer: "江苏省/南京市/鼓楼区"
    regions: tuple[str, ...] = ()
    # False when the document prints no title (a page that gives it elsewhere): `title` is then a
    # stand-in taken from its first line, for lists and links, and not a field the document has
    printed_title: bool = True

    @property
    def text(self) -> str:
        """The article's plain text, one paragraph per line."""
        return "\n".join(self.paragraphs)

    @property
    def heading(self) -> str:
        """The heading as printed: `<place>：<title>` or the bare title."""
        return f"{self.place}：{self.title}" if self.place else self.title

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "order": self.order,
            "place": self.place,
            "city": self.city,
            "section": self.section,
            "title": self.title,
            "places": list(self.places),
            "regions": list(self.regions),
            "text": self.text,
        }
        if not self.printed_title:
            out["printed_title"] = False
        return out


@dataclass(frozen=True)
class Bulletin:
    """One issue of a bulletin series, parsed from one source file."""

    id: str
    path: str  # the source file, as given to the parser
    format: str  # "text" or "markdown"
    series: str
    issue: int | None  # number within the year (第11期)
    issue_total: int | None  # running total (总第58期)
    year: int | None
    date: dt.date | None
    issuer: str | None
    serial: str | None  # 苏简字1004号
    copies: int | None  # 共印400份
    recipients: tuple[str, ...]  # footer lines 报：… / 发：…
    articles: tuple[Article, ...]
    warnings: tuple[str, ...] = field(default=())
    kind: str = "简报"  # the layout: "简报" (a bulletin issue) or "公文" (one official document)
    doc_type: str | None = None  # 文种 of a 公文: 通知, 通报, 批复, 函, 意见, 决定, 报告, 纪要 …
    ocr: tuple[float, ...] = field(default=())  # per-page OCR confidence when the text came from OCR
    # The GB/T 9704 elements of a 公文 (None / () for a 简报); `serial` is its 发文字号,
    # `issuer` its 发文机关, `date` its 成文日期, `recipients` its 抄送 lines.
    copy_no: str | None = None  # 份号
    secrecy: str | None = None  # 密级和保密期限 (机密★1年)
    urgency: str | None = None  # 紧急程度 (特急, 加急)
    signer: str | None = None  # 签发人
    addressee: str | None = None  # 主送机关
    attachments: tuple[str, ...] = field(default=())  # 附件说明: the attachments' names
    annotation: str | None = None  # 附注 (此件公开发布)
    print_org: str | None = None  # 印发机关
    print_date: dt.date | None = None  # 印发日期
    topic: str | None = None  # 主题分类, where the source gives it (a saved gov.cn page's table)
    # per OCR'd page, where each recognised line is (archive.scanpages.ScanPage): the scan view's boxes
    scan: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    @property
    def label(self) -> str:
        """Human label: `江苏精神文明建设简报 2022年第11期`, with the date, or a
        公文's `<series> <发文字号>`."""
        return issue_label(self.series, self.year, self.issue, self.date,
                           serial=self.serial if self.kind == "公文" else None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "id": self.id,
            "format": self.format,
            "series": self.series,
            "issue": self.issue,
            "issue_total": self.issue_total,
            "year": self.year,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
            "serial": self.serial,
            "copies": self.copies,
            "recipients": list(self.recipients),
            "warnings": list(self.warnings),
            "kind": self.kind,
            "doc_type": self.doc_type,
            "ocr": list(self.ocr),
            "copy_no": self.copy_no,
            "secrecy": self.secrecy,
            "urgency": self.urgency,
            "signer": self.signer,
            "addressee": self.addressee,
            "attachments": list(self.attachments),
            "annotation": self.annotation,
            "print_org": self.print_org,
            "print_date": self.print_date.isoformat() if self.print_date else None,
            "topic": self.topic,
            "articles": [a.to_dict() for a in self.articles],
        }
