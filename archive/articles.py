"""Making an Article from a parsed heading and its paragraphs (both formats)."""

from __future__ import annotations

from archive import gazetteer
from archive.chinese import to_simplified
from archive.model import Article, make_article_id


def make_article(
    bulletin_id: str,
    order: int,
    title: str,
    place: str | None,
    section: str | None,
    paragraphs: tuple[str, ...],
    body: str,
    heading: str | None = None,
) -> Article:
    """An article with its city and the places its heading and text mention, resolved
    to units (the heading's place first); looked up with traditional characters folded
    (鼓樓區 is 鼓楼区)."""
    places = gazetteer.find_mentions(to_simplified("\n".join((heading or title, *paragraphs))))
    return Article(
        id=make_article_id(bulletin_id, order),
        bulletin_id=bulletin_id,
        order=order,
        title=title,
        place=place,
        city=gazetteer.city_of(to_simplified(place)) if place else None,
        places=places,
        section=section,
        paragraphs=paragraphs,
        body=body,
        regions=gazetteer.regions(places, primary=to_simplified(place) if place else None),
    )
