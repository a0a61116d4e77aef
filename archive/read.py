"""Read a source file's bytes as text, whatever office produced it.

Order: strict UTF-8 (fast, unambiguous), then byte-order marks (UTF-16/32), then
UTF-16 without a mark (told from where its NUL bytes fall), then charset-normalizer's detection, reading any Chinese codec as GB18030 (a superset
of GB2312 and GBK). The result is NFC-normalised with LF line ends.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

import charset_normalizer

from archive.errors import BulletinReadError

__all__ = ["decode_bytes", "normalise_text", "read_text"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHINESE_CODECS = {"gb2312", "gbk", "gb18030", "hz", "cp936", "ms936", "euc_cn", "iso2022_cn"}
_CONTROL_SHARE = 0.05  # more control characters than this: binary, not text
_UTF16_NUL_PARITY = 0.75  # UTF-16 without a BOM: at least this share of its NUL bytes fall on one parity
# (not all: a hanzi such as 一 U+4E00 has a NUL low byte)
# Unicode category Cc (C0, DEL, C1) less the white-space controls
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> str | None:
    """Why `text` is binary rather than a bulletin, or None."""
    if "\x00" in text:
        return "二进制文件（含 NUL 字节）"
    controls = len(_CONTROL_RE.findall(text))
    if controls > max(1, len(text) * _CONTROL_SHARE):
        return f"二进制文件（含 {controls} 个控制字符）"
    return None


def normalise_text(text: str) -> str:
    """NFC, LF line ends, no leading BOM."""
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _mostly_hanzi(text: str) -> bool:
    """Whether most non-ASCII characters are CJK ideographs or CJK punctuation."""
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return False
    hanzi = sum(1 for ch in wide if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
    return hanzi >= 0.8 * len(wide)


def _detect(data: bytes) -> str | None:
    """The encoding of non-UTF-8 bytes, Chinese codecs read as GB18030."""
    try:
        best = charset_normalizer.from_bytes(data).best()
    except Exception:  # the detector's own failures mean "unknown encoding" here
        return None
    encoding = best.encoding.lower().replace("-", "_") if best is not None else ""
    if encoding in _CHINESE_CODECS:
        return "gb18030"
    # This archive holds Chinese bulletins: charset-normalizer reads short GBK text
    # as Korean (cp949) or Big5. Prefer GB18030 when it decodes strictly to hanzi.
    try:
        if _mostly_hanzi(data.decode("gb18030")):
            return "gb18030"
    except UnicodeDecodeError:
        pass
    return best.encoding if best is not None else None


def _utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 bytes saved without a byte-order mark, or None when they are not.

    Told from where the NUL bytes fall (the high byte of ASCII characters: odd offsets for little
    end, even for big end); the text must decode strictly, hold no control characters and, where
    not ASCII, be Chinese."""
    if len(data) % 2 or b"\x00" not in data:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if max(even, odd) < _UTF16_NUL_PARITY * (even + odd):
        return None
    try:
        text = data.decode("utf-16-le" if odd > even else "utf-16-be")
    except UnicodeDecodeError:
        return None
    if _CONTROL_RE.search(text) or (any(ord(ch) > 0x7F for ch in text) and not _mostly_hanzi(text)):
        return None
    return text


def decode_bytes(data: bytes, name: str) -> str:
    """Decode a file's bytes to NFC text with LF line ends.

    Raises BulletinReadError(name, reason) for an empty, binary or undecodable file.
    """
    if not data.strip():
        raise BulletinReadError(name, "空文件")
    text: str | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                try:
                    text = data.decode(encoding)
                except UnicodeDecodeError as exc:
                    raise BulletinReadError(name, f"有字节顺序标记却不是有效的 {encoding}：{exc.reason}") from None
                break
    if (text is None or "\x00" in text) and b"\x00" in data:
        text = _utf16_without_bom(data) or text
    if text is None:
        if b"\x00" in data:
            raise BulletinReadError(name, "二进制文件（含 NUL 字节，没有字节顺序标记）")
        encoding = _detect(data)
        if encoding is None:
            raise BulletinReadError(name, "无法识别的文本编码（不是 UTF-8、UTF-16 或 GB18030）")
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise BulletinReadError(name, f"无法按 {encoding} 解码：{exc}") from None
    reason = _looks_binary(text)
    if reason:
        raise BulletinReadError(name, reason)
    text = normalise_text(text)
    if not text.strip():
        raise BulletinReadError(name, "空文件（只有空白）")
    return text


def read_text(path: Path) -> str:
    """The text of the regular file at `path` (see decode_bytes), read within the size limit."""
    from archive.readers import read_file_bytes  # the readers import this module

    return decode_bytes(read_file_bytes(Path(path)), str(path))
