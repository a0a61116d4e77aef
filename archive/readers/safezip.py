"""Zip containers (.docx, .ofd) opened with their sizes checked before anything is inflated."""

from __future__ import annotations

import io
import zipfile
import zlib

from archive.errors import BulletinReadError
from archive.readers.limits import Limits

__all__ = ["SafeZip"]


class SafeZip:
    """A zip read only within `limits`: declared sizes checked up front, reads capped."""

    def __init__(self, data: bytes, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise BulletinReadError(name, f"zip 容器损坏或不完整（{exc}）") from None
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > limits.max_part_bytes:
                raise BulletinReadError(
                    name, f"zip 部件 {info.filename} 解压后将有 {info.file_size:,} 字节"
                    f"（上限 {limits.max_part_bytes:,}）：按 zip 炸弹拒绝")
            if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(1, info.compress_size):
                raise BulletinReadError(
                    name, f"zip 部件 {info.filename} 解压后膨胀 {info.file_size // max(1, info.compress_size):,} 倍："
                    "按 zip 炸弹拒绝")
        if total > limits.max_total_bytes:
            raise BulletinReadError(
                name, f"zip 各部件解压后共 {total:,} 字节（上限 {limits.max_total_bytes:,}）：按 zip 炸弹拒绝")
        self._names = {info.filename for info in infos}
        self._read_total = 0

    def names(self) -> set[str]:
        return set(self._names)

    def has(self, part: str) -> bool:
        return part in self._names

    def find(self, part: str) -> str | None:
        """The stored name of `part`, matched case-insensitively (OFD producers differ in case)."""
        if part in self._names:
            return part
        low = part.lower()
        return next((n for n in self._names if n.lower() == low), None)

    def read(self, part: str) -> bytes:
        """The inflated bytes of one part, never more than the limits allow."""
        stored = self.find(part)
        if stored is None:
            raise BulletinReadError(self.name, f"容器中没有部件 {part}")
        cap = self.limits.max_part_bytes
        try:
            with self.zf.open(stored) as fh:
                data = fh.read(cap + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError) as exc:
            raise BulletinReadError(self.name, f"zip 部件 {stored} 已损坏（{exc}）") from None
        except RuntimeError as exc:  # zipfile's "encrypted, password required"
            raise BulletinReadError(self.name, f"zip 部件 {stored} 已加密，无法读取（{exc}）") from None
        if len(data) > cap:
            raise BulletinReadError(self.name, f"zip 部件 {stored} 解压后超过 {cap:,} 字节：按 zip 炸弹拒绝")
        self._read_total += len(data)
        if self._read_total > self.limits.max_total_bytes:
            raise BulletinReadError(self.name, "zip 各部件解压后超过总上限：按 zip 炸弹拒绝")
        return data
