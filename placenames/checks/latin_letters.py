"""Latin letters (ASCII, full-width or accented) in a Chinese name -> error.

条例 Art.9 and Art.15: a name is written in the national standard script; its
romanization is derived (汉语拼音), never part of the Chinese name itself.
"""

from __future__ import annotations

import unicodedata

from .findings import ERROR, Candidate, Finding

RULE = "latin-letters"


def is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("LATIN ", "FULLWIDTH LATIN "))


def check(session, candidate: Candidate) -> list[Finding]:
    found = [c for c in dict.fromkeys(candidate.name) if is_latin(c)]
    if not found:
        return []
    return [
        Finding(
            RULE,
            ERROR,
            f"中文地名不得含拉丁字母：{' '.join(found)}",
            f"A Chinese place name must not contain Latin letters: {' '.join(found)}",
            {"characters": found},
        )
    ]
