"""XML parts of containers parsed by a hardened parser: no DTDs, entities or external references."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as DET

from archive.errors import BulletinReadError

__all__ = ["parse_xml"]


def parse_xml(data: bytes, name: str, part: str) -> ET.Element:
    """The root element of one XML part; a DTD or entity declaration is refused, not expanded."""
    try:
        return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise BulletinReadError(name, f"{part}：XML 含 DTD 或实体声明，已拒绝（{type(exc).__name__}）") from None
    except ET.ParseError as exc:
        raise BulletinReadError(name, f"{part}：XML 格式错误（{exc}）") from None
