"""Chinese numerals as numbers, for the rule that ordinals in street names are
written in Arabic digits (经五路 → Jing 5 Lu), and the lexicon of words whose
numeral is not an ordinal (``data/numeral_words.txt``: 统一, 矣六 …)."""

from __future__ import annotations

import functools
from pathlib import Path

WORDS = Path(__file__).resolve().parents[1] / "data" / "numeral_words.txt"

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = set(DIGITS) | set(UNITS)


def parse(text: str) -> int | None:
    """The value of a well-formed numeral (五, 十二, 二十, 一百零八), else None.

    Juxtaposed digits (三八, 五一) are dates or names, not ordinals, so they are None.
    """
    if not text or any(c not in NUMERAL_CHARS for c in text):
        return None
    if len(text) == 1 and text in DIGITS:
        return DIGITS[text] or None
    total, digit, last_unit = 0, None, 10_000
    for char in text:
        if char in "零〇" and total:
            continue
        if char in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS[char]
        else:
            unit = UNITS[char]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit is not None:
        total += digit
    return total or None


@functools.cache
def numeral_words() -> tuple[str, ...]:
    """Words and place names whose numeral is part of the word (统一, 矣六, 五里 …)."""
    lines = WORDS.read_text(encoding="utf-8").splitlines()
    found = (line.split("#", 1)[0].strip() for line in lines)
    return tuple(word for word in found if word)


def trailing_numeral(text: str, words: tuple[str, ...] = ()) -> tuple[str, int] | None:
    """Split ``text`` into (head, ordinal) when it ends with the longest valid numeral.

    ``words`` are words the cut must not split, and a numeral inside one of them is
    not an ordinal: with 东四 listed, 东四十二 is 东四 + 12 (东四十二条 → Dongsi 12
    Tiao), not 东 + 42; with 统一 listed, 统一 has no ordinal at all.
    """
    spans = [(i, i + len(w)) for w in words for i in _occurrences(text, w)]
    for start in range(len(text)):
        if any(a < start < b for a, b in spans):
            continue  # the cut would split a word
        value = parse(text[start:])
        if value is None:
            continue
        if any(b > start for _, b in spans):
            return None  # the numeral belongs to a word (统一, 矣六)
        if start and text[start - 1] in NUMERAL_CHARS and not any(b == start for _, b in spans):
            return None  # 三八路: juxtaposed digits are a name, not an ordinal
        return text[:start], value
    return None


def _occurrences(text: str, word: str) -> list[int]:
    found, start = [], text.find(word)
    while start != -1:
        found.append(start)
        start = text.find(word, start + 1)
    return found
