"""Named errors of the archive: each says which file and why."""

from __future__ import annotations

import errno
import re


class BulletinError(Exception):
    """Base class: a source file could not be archived."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class BulletinReadError(BulletinError):
    """The file's bytes cannot be read as text (empty, binary, unknown encoding)."""


class BulletinParseError(BulletinError):
    """The text was read but cannot be made into a bulletin (nothing in it to archive).

    The layout parsers never reject a document for one bad line: what a line
    lacks becomes a warning that names the line, and the document is archived.
    """


_UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def shown(text: object) -> str:
    """`text` (a file name, a message naming one) fit for one line of a terminal or a log: control
    characters, line breaks, zero-width and bidirectional marks escaped (`\\n`, `\\x1b`, `\\u202e`), so a
    file's name can neither forge a line of output nor hide part of itself; a name's bytes that are no
    UTF-8 (decoded with surrogateescape) are shown as `\\xNN`, so printing it never fails."""
    return _UNSHOWN.sub(_escaped, str(text))


def _escaped(m: re.Match[str]) -> str:
    c = m.group()
    if "\udc80" <= c <= "\udcff":  # a byte of a name that is no UTF-8 (surrogateescape): shown as that byte
        return f"\\x{ord(c) - 0xDC00:02x}"
    return c.encode("unicode_escape", "backslashreplace").decode("ascii")


# The reason of an operating-system error in Chinese: the system's own words (strerror) are
# English whatever the user's language; the errno is shown beside them for the operator.
_OS_REASONS = {
    errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "超出磁盘配额", errno.EFBIG: "文件超过允许的大小",
    errno.EACCES: "没有权限", errno.EPERM: "不允许此操作", errno.EROFS: "文件系统是只读的",
    errno.ENOENT: "文件或文件夹不存在", errno.ENOTDIR: "路径中的某一部分不是文件夹", errno.EISDIR: "是文件夹，不是文件",
    errno.ELOOP: "符号链接层数过多（链接成环）", errno.ENAMETOOLONG: "文件名或路径过长", errno.EIO: "输入输出错误（磁盘或设备故障）",
    errno.EMFILE: "打开的文件过多", errno.ENFILE: "系统打开的文件过多", errno.ENOMEM: "内存不足",
    errno.EEXIST: "已存在", errno.ENOTEMPTY: "文件夹不是空的", errno.EXDEV: "不能跨文件系统移动",
    errno.ETXTBSY: "文件正被使用", errno.EBUSY: "设备或资源正忙", errno.ENXIO: "设备不存在（无人读写的命名管道？）",
    errno.EINVAL: "参数无效", errno.EPIPE: "管道已关闭（读取输出的一方已退出）", errno.EADDRINUSE: "地址已被占用",
    errno.ECONNREFUSED: "连接被拒绝", errno.ETIMEDOUT: "连接超时",
}


def os_reason(ex: BaseException) -> str:
    """The reason of `ex` (an OSError) in Chinese, with its errno name: `磁盘空间已满（ENOSPC）`;
    what is not an OSError with a known errno is told as the system tells it."""
    code = getattr(ex, "errno", None)
    if isinstance(code, int) and code in _OS_REASONS:
        return f"{_OS_REASONS[code]}（{errno.errorcode.get(code, code)}）"
    told = getattr(ex, "strerror", None) or str(ex) or type(ex).__name__
    return f"系统错误：{told}" if isinstance(code, int) else str(told)
