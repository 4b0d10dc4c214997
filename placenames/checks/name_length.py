"""A name longer than the ``max_name_chars`` setting (default 20) -> error.

The longest real name of the district is the 15-character 螺蛳湾国际商贸城社区居民委员会;
20 leaves room while refusing pasted sentences that no sign or register field can hold.
"""

from __future__ import annotations

from . import config
from .findings import ERROR, Candidate, Finding

RULE = "name-length"


def check(session, candidate: Candidate, limit: int | None = None) -> list[Finding]:
    limit = config.settings().max_name_chars if limit is None else limit
    length = len(candidate.name)
    if length <= limit:
        return []
    return [
        Finding(
            RULE,
            ERROR,
            f"名称过长：{length} 个字符，上限 {limit}",
            f"The name is too long: {length} characters, at most {limit}",
            {"length": length, "limit": limit},
        )
    ]
