"""Line breaks, tabs, NUL, zero-width or direction marks and spaces inside a name -> error.

They are invisible on a sign and in a list, so two names that look alike would differ,
and a line break splits an export row. Unicode categories Cc (controls), Cf (format:
zero-width, BOM, bidi), Zl/Zp (line/paragraph separators) and Zs (spaces, also the
ideographic space U+3000) are refused.
"""

from __future__ import annotations

import unicodedata

from .findings import ERROR, Candidate, Finding

RULE = "control-character"
REFUSED_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Zs")


def offending(name: str) -> list[str]:
    return [c for c in dict.fromkeys(name) if unicodedata.category(c) in REFUSED_CATEGORIES]


def check(session, candidate: Candidate) -> list[Finding]:
    found = offending(candidate.name)
    if not found:
        return []
    codes = [f"U+{ord(c):04X}" for c in found]
    return [
        Finding(
            RULE,
            ERROR,
            f"名称含控制字符、不可见字符或空格（{'、'.join(codes)}）",
            f"The name contains control, invisible or space characters ({', '.join(codes)})",
            {"characters": codes},
        )
    ]
