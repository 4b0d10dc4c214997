"""An empty or whitespace-only name -> error: there is nothing to check or register."""

from __future__ import annotations

from .findings import ERROR, Candidate, Finding

RULE = "empty-name"


def is_empty(name: str) -> bool:
    return not name or not name.strip()


def check(session, candidate: Candidate) -> list[Finding]:
    if not is_empty(candidate.name):
        return []
    return [Finding(RULE, ERROR, "名称不能为空", "the name must not be empty")]
