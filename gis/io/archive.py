"""Zip archives of shapefiles, opened with limits so a small upload cannot unpack into gigabytes.

Before anything is read, every member's declared uncompressed size is checked:
the total against ``max_unzipped_mb`` (setting, default 2 GiB) and small text
members (.cpg, .prj, ...) against ``SMALL_MEMBER_BYTES``. Small members are then
read with a bounded read, never whole, so a member lying about its size is
stopped too. A breach is a 413 with a bilingual message (CLI exit 2).
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from gis.errors import PayloadTooLarge

#: Largest .cpg/.prj/... member read into memory (they hold one line of text).
SMALL_MEMBER_BYTES = 64 * 1024
SMALL_SUFFIXES = frozenset({".cpg", ".prj", ".qpj", ".qmd", ".xml", ".txt"})


def max_total_bytes() -> int:
    """The total uncompressed size allowed, read from the settings when asked."""
    from gis.settings import Settings

    return Settings.from_env().max_unzipped_mb * 1024 * 1024


def _too_large(path: Path, member: str, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"压缩文件 {path.name} 解压后过大：{member} 超过 {limit:,} 字节的上限",
        f"{path.name} unpacks too large: {member} exceeds the limit of {limit:,} bytes",
        details={"member": member, "limit_bytes": limit},
    )


def check(path: Path, archive: zipfile.ZipFile, total_limit: int | None = None) -> None:
    """Refuse an archive whose declared sizes exceed the limits."""
    total_limit = max_total_bytes() if total_limit is None else total_limit
    total = 0
    for info in archive.infolist():
        if PurePosixPath(info.filename).suffix.lower() in SMALL_SUFFIXES and info.file_size > SMALL_MEMBER_BYTES:
            raise _too_large(path, info.filename, SMALL_MEMBER_BYTES)
        total += info.file_size
        if total > total_limit:
            raise _too_large(path, "(total)", total_limit)


def read_small(path: Path, archive: zipfile.ZipFile, member: str) -> bytes:
    """A small text member, read at most ``SMALL_MEMBER_BYTES`` + 1 bytes (refused if longer)."""
    with archive.open(member) as stream:
        data = stream.read(SMALL_MEMBER_BYTES + 1)
    if len(data) > SMALL_MEMBER_BYTES:
        raise _too_large(path, member, SMALL_MEMBER_BYTES)
    return data
