"""Blocked words (a configurable list) -> error.

The list is ``placenames/data/blocked_words.txt`` plus, when the environment names
one, the file in ``DIMING_BLOCKED_WORDS_FILE`` (read when the check runs).
"""

from __future__ import annotations

import os
from pathlib import Path

from .findings import ERROR, Candidate, Finding

RULE = "blocked-word"
DEFAULT_LIST = Path(__file__).resolve().parents[1] / "data" / "blocked_words.txt"


def read_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def blocked_words() -> list[str]:
    words = read_list(DEFAULT_LIST)
    extra = os.environ.get("DIMING_BLOCKED_WORDS_FILE")
    if extra:
        words += read_list(Path(extra))
    return words


def check(session, candidate: Candidate, words: list[str] | None = None) -> list[Finding]:
    found = [w for w in (blocked_words() if words is None else words) if w in candidate.name]
    if not found:
        return []
    return [
        Finding(
            RULE,
            ERROR,
            f"含禁用词：{'、'.join(found)}",
            f"Contains blocked words: {', '.join(found)}",
            {"words": found},
        )
    ]
