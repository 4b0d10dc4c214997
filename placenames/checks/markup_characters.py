"""Markup and quoting characters (< > & " ' ` \\ { } and their full-width forms) -> error.

No standard name uses them, and they are what turns a name into HTML or a broken
CSV/SQL literal wherever it is shown or exported.
"""

from __future__ import annotations

from .findings import ERROR, Candidate, Finding

RULE = "markup-character"
MARKUP = "<>&\"'`\\{}＜＞＆＂＇｀＼｛｝"


def check(session, candidate: Candidate) -> list[Finding]:
    found = [c for c in dict.fromkeys(candidate.name) if c in MARKUP]
    if not found:
        return []
    return [
        Finding(
            RULE,
            ERROR,
            f"名称含标记或引号字符：{' '.join(found)}",
            f"The name contains markup or quoting characters: {' '.join(found)}",
            {"characters": found},
        )
    ]
