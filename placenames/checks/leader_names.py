"""The name of a state leader as the 专名 -> error (条例 Art.9: never leaders' names).

The list is ``data/reference/name_rules/leaders.txt`` plus a deployment's own
(``name_lists``); traditional names and current names are never flagged.
"""

from __future__ import annotations

from . import name_lists
from .findings import ERROR, Candidate, Finding

RULE = "leader-name"


def check(session, candidate: Candidate) -> list[Finding]:
    hit = name_lists.listed(session, candidate.name, candidate.category_code, "leaders")
    if hit is None:
        return []
    return [
        Finding(
            RULE,
            ERROR,
            f"不得以国家领导人的名字（{hit}）作地名",
            f"A place name must not be the name of a state leader ({hit})",
            {"word": hit, "list": "leaders"},
        )
    ]
