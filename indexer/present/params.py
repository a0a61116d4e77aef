"""Search parameters of the page, the API, the feed, the export and the CLI: parsed
and validated in one place (the CLI hands its options over as the same pairs).

Bad values that a person could not have meant (``page=abc``, ``from=2022-13-45``)
raise :class:`BadParam` (a 400); values that are merely unknown (a city that is
not in the archive) pass through and simply match nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from typing import Any, Mapping, Protocol

from archive.dates import issue_number
from archive.references import STATUSES
from indexer.search.query import MAX_QUERY_CHARS as MAX_QUERY, cut_query  # one limit for web and CLI
from indexer.search.engine import MAX_PAGE, SORTS

MAX_VALUES = 50  # repeated values of one facet parameter
MAX_VALUE_LEN = 100  # characters of one facet value
MAX_ISSUE = 10_000
PAGE_MAX_PER_PAGE = 100  # results per page of the page, the API and the CLI (the export takes all)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISSUE_WORDS = re.compile(r"^\s*第.+期\s*$")
_BULLETIN_ID = re.compile(r"^[0-9a-f]{16}$")  # the one home of a bulletin id's shape


class MultiArgs(Protocol):
    """What we need of werkzeug's MultiDict (``request.args``)."""

    def get(self, key: str, default: Any = None) -> Any: ...  # pragma: no cover

    def getlist(self, key: str) -> list[str]: ...  # pragma: no cover


class Pairs:
    """Parameters given as (name, value) pairs, e.g. from CLI options: what MultiArgs needs."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = [(k, v) for k, v in pairs if v is not None]

    def get(self, key: str, default: Any = None) -> Any:
        values = self.getlist(key)
        return values[0] if values else default

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.pairs if k == key]


# Each parameter as the page labels its field, for messages in plain words.
LABELS = {
    "q": "检索词", "page": "页码", "year": "年份", "month": "月份", "issue": "期次", "sort": "排序",
    "from": "起始日期", "to": "截止日期", "city": "城市", "place": "地点", "series": "简报",
    "region": "地区", "doc_type": "文种", "issuer": "发文机关", "topic": "主题分类", "format": "导出格式",
    "expand": "同义名称扩展", "status": "效力",
}


class BadParam(ValueError):
    """A request parameter has a value that cannot be understood: the message names the
    field as the page labels it (起始日期无效：2023-13-45（不存在这个日期）)."""

    def __init__(self, name: str, value: str, reason: str) -> None:
        super().__init__(f"{LABELS.get(name, name)}无效：{value[:40]}（{reason}）")
        self.name = name
        self.value = value
        self.reason = reason
        self.errors: list[BadParam] = [self]


class BadParams(BadParam):
    """Several parameters are bad: every one of them (`errors`), the first one's name."""

    def __init__(self, errors: list[BadParam]) -> None:
        first = errors[0]
        super().__init__(first.name, first.value, first.reason)
        self.errors = list(errors)
        self.args = ("；".join(str(e) for e in errors),)


@dataclass(frozen=True)
class SearchParams:
    """The whole state of a search page, as given in its URL."""

    q: str = ""
    city: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    month: tuple[str, ...] = ()
    bulletin: tuple[str, ...] = ()  # `issue=<bulletin id>`
    issue: int | None = None  # `issue=<number>` (第11期)
    place: str | None = None
    series: tuple[str, ...] = ()  # 简报 series (repeatable: a facet)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    region: tuple[str, ...] = ()  # 地区 facet: unit paths "江苏省/南京市" (repeatable)
    doc_type: tuple[str, ...] = ()  # 文种 (repeatable)
    issuer: tuple[str, ...] = ()  # 发文机关 / 编发单位 (repeatable)
    topic: tuple[str, ...] = ()  # 主题分类 (repeatable)
    status: tuple[str, ...] = ()  # 效力: 现行有效 / 已废止 / 已修订 (repeatable; indexer.search.citegraph)
    sort: str = "relevance"
    literal_dates: bool = False  # `dates=text`: a date typed with other words is searched as text, not applied
    sort_given: bool = False  # whether the URL chose the sort explicitly
    page: int = 1
    expand: bool = True  # `expand=0`: no other names of a short or full name (indexer.search.aliases)
    as_typed: bool = False  # `typed=1`: no correction of a word found nowhere (searched as typed)
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_filters(self) -> bool:
        """Whether any filter (not the query, sort or page) is set."""
        return bool(
            self.city or self.year or self.month or self.bulletin or self.issue is not None
            or self.place or self.series or self.date_from or self.date_to
            or self.region or self.doc_type or self.issuer or self.topic or self.status
        )

    @property
    def is_browse(self) -> bool:
        """An empty query with no filters: the page lists the newest articles."""
        return not self.q and not self.has_filters

    @property
    def effective_sort(self) -> str:
        """The sort to search with: by date when there is no query to rank by."""
        if not self.sort_given and not self.q:
            return "date"
        return self.sort

    def to_args(self, **changes: Any) -> list[tuple[str, str]]:
        """The URL query parameters that give back this state (page 1 omitted), or the
        state with `changes` (field name → value) applied, as dataclasses.replace would."""
        unknown = set(changes) - _FIELDS
        if unknown:
            raise TypeError(f"not a search parameter: {', '.join(sorted(unknown))}")
        get = changes.get
        me = self
        q = get("q", me.q)
        issue = get("issue", me.issue)
        place = get("place", me.place)
        date_from, date_to = get("date_from", me.date_from), get("date_to", me.date_to)
        sort, sort_given, page = get("sort", me.sort), get("sort_given", me.sort_given), get("page", me.page)
        args: list[tuple[str, str]] = []
        if q:
            args.append(("q", q))
        args += [("city", c) for c in get("city", me.city)]
        args += [("year", str(y)) for y in get("year", me.year)]
        args += [("month", m) for m in get("month", me.month)]
        args += [("issue", b) for b in get("bulletin", me.bulletin)]
        if issue is not None:
            args.append(("issue", str(issue)))
        if place:
            args.append(("place", place))
        args += [("series", s) for s in get("series", me.series)]
        if date_from:
            args.append(("from", date_from.isoformat()))
        if date_to:
            args.append(("to", date_to.isoformat()))
        args += [("region", r) for r in get("region", me.region)]
        args += [("doc_type", d) for d in get("doc_type", me.doc_type)]
        args += [("issuer", d) for d in get("issuer", me.issuer)]
        args += [("topic", d) for d in get("topic", me.topic)]
        args += [("status", d) for d in get("status", me.status)]
        if get("literal_dates", me.literal_dates):
            args.append(("dates", "text"))
        if sort_given:
            args.append(("sort", sort))
        if page != 1:
            args.append(("page", str(page)))
        if not get("expand", me.expand):
            args.append(("expand", "0"))
        if get("as_typed", me.as_typed):
            args.append(("typed", "1"))
        return args


_FIELDS = frozenset(f.name for f in fields(SearchParams))


def clean_text(value: str) -> str:
    """Strip NUL and other control characters (newlines and tabs become spaces)."""
    value = value.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return _CONTROL.sub("", value)


def _values(args: MultiArgs, name: str) -> list[str]:
    """The non-empty, cleaned, de-duplicated values of a repeatable parameter."""
    seen: list[str] = []
    for raw in args.getlist(name):
        value = clean_text(raw).strip()[:MAX_VALUE_LEN]
        if value and value not in seen:
            seen.append(value)
    if len(seen) > MAX_VALUES:
        raise BadParam(name, ",".join(seen[:3]), f"最多 {MAX_VALUES} 个值")
    return seen


def _single(args: MultiArgs, name: str) -> str | None:
    """The last non-empty value of a single-valued parameter."""
    values = _values(args, name)
    return values[-1] if values else None


def parse_page(value: str | None) -> int:
    """A page number 1..MAX_PAGE (None or empty is page 1)."""
    if value is None or value.strip() == "":
        return 1
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        raise BadParam("page", value, "页码必须是正整数")
    page = int(text)
    if not 1 <= page <= MAX_PAGE:
        raise BadParam("page", value, f"页码必须在 1 到 {MAX_PAGE} 之间")
    return page


def parse_year(value: str) -> int:
    """A four-digit year."""
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise BadParam("year", value, "年份必须是四位数字，例如 2022")
    return int(value)


def parse_month(value: str) -> str:
    """A month as ``YYYY-MM`` (01..12)."""
    m = _MONTH.match(value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise BadParam("month", value, "月份格式应为 YYYY-MM，例如 2022-04")
    return value


def parse_date(name: str, value: str | None) -> dt.date | None:
    """An ISO date ``YYYY-MM-DD`` (None or empty is no date)."""
    if not value:
        return None
    if not _DATE.match(value):
        raise BadParam(name, value, "日期格式应为 YYYY-MM-DD，例如 2022-04-02")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadParam(name, value, "不存在这个日期") from None


def is_bulletin_id(value: str) -> bool:
    """Whether `value` has the shape of a bulletin id (16 lowercase hex digits)."""
    return bool(_BULLETIN_ID.match(value))


def parse_query(value: str | None) -> tuple[str, list[str]]:
    """The cleaned query and any notices about what was changed."""
    q, cut = cut_query(clean_text(value or ""))
    return q, [cut] if cut else []


def parse_expand(value: str | None) -> bool:
    """`expand=0` (or off/false/no) turns off the other names of a short or full name."""
    if value is None:
        return True
    v = value.strip().lower()
    if v in ("0", "off", "false", "no"):
        return False
    if v in ("", "1", "on", "true", "yes"):
        return True
    raise BadParam("expand", value, "只能是 0 或 1")


def _issues(args: MultiArgs) -> tuple[tuple[str, ...], int | None]:
    """The `issue` values: bulletin ids, and at most one issue number."""
    bulletins: list[str] = []
    numbers: set[int] = set()
    for value in _values(args, "issue"):
        if is_bulletin_id(value):
            number = None
        elif value.isascii() and value.isdigit():
            number = int(value)  # range-checked below
        else:
            number = issue_number(value)  # 第11期, 第十一期
            if number is None and _ISSUE_WORDS.match(value):
                raise BadParam("issue", value, "期号超出范围")
        if number is not None:
            numbers.add(number)
        else:
            bulletins.append(value)  # unknown (well-formed) ids simply match nothing
    if len(numbers) > 1:
        raise BadParam("issue", ",".join(map(str, sorted(numbers))), "只能指定一个期号")
    issue = numbers.pop() if numbers else None
    if issue is not None and not 0 <= issue <= MAX_ISSUE:
        raise BadParam("issue", str(issue), "期号超出范围")
    return tuple(bulletins), issue


def parse_status(values: list[str]) -> tuple[str, ...]:
    """The 效力 filter's values (现行有效, 已废止, 已修订)."""
    for v in values:
        if v not in STATUSES:
            raise BadParam("status", v, "效力只能是 " + "、".join(STATUSES))
    return tuple(dict.fromkeys(values))


def parse_search_args(args: MultiArgs, sorts: tuple[str, ...] = SORTS) -> SearchParams:
    """Turn ``request.args`` into :class:`SearchParams`; raise :class:`BadParam` for a bad
    value (:class:`BadParams`, naming every one, when several are bad)."""
    errors: list[BadParam] = []

    def check(parse: Any, default: Any) -> Any:
        try:
            return parse()
        except BadParam as exc:
            errors.append(exc)
            return default

    q, notices = parse_query(args.get("q"))
    years = check(lambda: tuple(parse_year(v) for v in _values(args, "year")), ())
    months = check(lambda: tuple(parse_month(v) for v in _values(args, "month")), ())
    bulletins, issue = check(lambda: _issues(args), ((), None))

    def sort() -> str | None:
        raw = _single(args, "sort")
        if raw is not None and raw not in sorts:
            raise BadParam("sort", raw, "排序只能是 " + " 或 ".join(sorts))
        return raw

    raw_sort = check(sort, None)
    date_from = check(lambda: parse_date("from", _single(args, "from")), None)
    date_to = check(lambda: parse_date("to", _single(args, "to")), None)
    if date_from and date_to and date_from > date_to:
        errors.append(BadParam("from", date_from.isoformat(), f"起始日期晚于截止日期 {date_to.isoformat()}"))
    many = {name: check(lambda name=name: tuple(_values(args, name)), ())
            for name in ("city", "series", "region", "doc_type", "issuer", "topic")}
    many["status"] = check(lambda: parse_status(_values(args, "status")), ())
    place = check(lambda: _single(args, "place"), None)
    page = check(lambda: parse_page(args.get("page")), 1)
    expand = check(lambda: parse_expand(_single(args, "expand")), True)
    if errors:
        raise errors[0] if len(errors) == 1 else BadParams(errors)

    return SearchParams(
        q=q,
        year=years,
        month=months,
        bulletin=bulletins,
        issue=issue,
        place=place,
        date_from=date_from,
        date_to=date_to,
        sort=raw_sort or "relevance",
        literal_dates=_single(args, "dates") == "text",
        as_typed=_single(args, "typed") == "1",
        sort_given=raw_sort is not None,
        page=page,
        expand=expand,
        notices=tuple(notices),
        **many,
    )


def parse_terms(args: Mapping[str, Any] | MultiArgs) -> list[str]:
    """Search terms for highlighting in the bulletin view: repeated ``hl`` values."""
    getlist = getattr(args, "getlist", None)
    raw = getlist("hl") if getlist else []
    terms: list[str] = []
    for value in raw[:MAX_VALUES]:
        term = clean_text(value).strip()[:MAX_VALUE_LEN]
        if term and term not in terms:
            terms.append(term)
    return terms


# The advanced search form's word fields (and 在结果中检索's `within`): turned into the
# query syntax, so that the page's URL state is the same as typing it.
ADVANCED = ("adv_all", "adv_any", "adv_none", "adv_phrase", "adv_serial", "adv_scope", "within")
_SYNTAX = re.compile(r'["“”＂()（）:：]')
_OPERATOR_WORDS = {"and", "or", "not"}


def _words(value: str | None) -> list[str]:
    """The words of a form field, without quotes, brackets or colons that would be syntax."""
    words = _SYNTAX.sub(" ", clean_text(value or "")).split()
    return [w.lstrip("-+") for w in words if w.lstrip("-+") and w.lower() not in _OPERATOR_WORDS]


def compose_query(base: str, args: MultiArgs) -> str | None:
    """The query the advanced form (or 在结果中检索) asks for, added to `base` (the current
    query); None when the request has none of those fields. 标题 scope puts each word in
    `标题:`; all words AND, any words OR (in brackets), none of them NOT, the phrase quoted,
    the 文号 as `文号:`."""
    if not any((args.get(name) or "").strip() for name in ADVANCED if name != "adv_scope"):
        return None
    field = "标题:" if args.get("adv_scope") == "title" else ""
    parts: list[str] = []
    if base.strip():
        parts.append(f"({base})" if re.search(r"\bOR\b|\|\||\bor\b", base) else base)
    parts += _words(args.get("within"))
    parts += [field + w for w in _words(args.get("adv_all"))]
    any_words = [field + w for w in _words(args.get("adv_any"))]
    if len(any_words) > 1:
        parts.append("(" + " OR ".join(any_words) + ")")
    else:
        parts += any_words
    phrase = " ".join(_words(args.get("adv_phrase")))
    if phrase:
        parts.append(f'{field}"{phrase}"')
    parts += ["-" + field + w for w in _words(args.get("adv_none"))]
    serial = " ".join(_SYNTAX.sub(" ", clean_text(args.get("adv_serial") or "")).split())
    if serial:
        parts.append(f'文号:"{serial}"' if " " in serial else f"文号:{serial}")
    return " ".join(parts)
