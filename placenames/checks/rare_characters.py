"""Characters outside the common character set -> warning (条例 Art.9: avoid rare characters).

The common set used here is the 6,763 Chinese characters of GB 2312 (its level-1
and level-2 tables), a close, computable stand-in for the 通用规范汉字表 levels 1-2.
"""

from __future__ import annotations

from placenames.romanization.readings import is_hanzi

from .findings import WARNING, Candidate, Finding

RULE = "rare-character"


def is_common(char: str) -> bool:
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xF7


def check(session, candidate: Candidate) -> list[Finding]:
    rare = [c for c in dict.fromkeys(candidate.name) if is_hanzi(c) and not is_common(c)]
    if not rare:
        return []
    return [
        Finding(
            RULE,
            WARNING,
            f"含生僻字：{'、'.join(rare)}（不在常用字集 GB 2312 中）",
            f"Contains rare characters outside the common set (GB 2312): {' '.join(rare)}",
            {"characters": rare},
        )
    ]
