"""Character readings: pypinyin, corrected by the project's place-name dictionary.

pypinyin reads ordinary words well but not place names (六甲 is lù jiǎ, 长水 is
cháng shuǐ). ``data/readings.csv`` lists words whose readings win; the longest
listed word at each position is used, so a correction applies wherever the word
appears (六甲 in 六甲街道). pypinyin's own phrase tables are never changed, so
other users of the library in the same process are not affected.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from pathlib import Path

from pypinyin import Style, pinyin

from . import erhua

DATA = Path(__file__).resolve().parents[1] / "data" / "readings.csv"
TONE_MARKS = {"\u0300", "\u0301", "\u0304", "\u030c"}


@functools.cache
def dictionary() -> dict[str, tuple[str, ...]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = {}
    for row in rows:
        syllables = tuple(row["pinyin"].split())
        if len(syllables) != len(row["word"]):
            raise ValueError(f"readings.csv: {row['word']} has {len(row['word'])} characters but {len(syllables)} syllables")
        table[row["word"]] = syllables
    return table


def is_hanzi(char: str) -> bool:
    """A character read as one syllable: the CJK ideographs, and 〇 (líng), which Unicode
    files among the symbols (U+3007) though names use it as a numeral (四〇三厂)."""
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f" or char == "\u3007"


def readings(text: str, extra: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """One toned syllable per Chinese character of ``text``; other characters as they are.
    An r-coloured 儿 gives its ``r`` to the syllable before it and reads as ""."""
    words = {**dictionary(), **(extra or {})}
    longest = max((len(w) for w in words), default=0)
    fixed: dict[int, str] = {}
    position = 0
    while position < len(text):
        for size in range(min(longest, len(text) - position), 0, -1):
            chunk = text[position : position + size]
            if chunk in words:
                fixed.update({position + i: s for i, s in enumerate(words[chunk])})
                position += size
                break
        else:
            position += 1
    library = [item[0] for item in pinyin(text, style=Style.TONE, errors=lambda chars: list(chars))]  # type: ignore[arg-type, return-value]  # pypinyin takes a list from errors= (documented), its annotation says str
    result = _align(text, library)
    return erhua.apply(text, [fixed.get(i, syllable) for i, syllable in enumerate(result)], keep=set(fixed), is_hanzi=is_hanzi)


def _align(text: str, library: list[str]) -> list[str]:
    """pypinyin returns runs of non-Chinese text as one item; give one entry per character."""
    out: list[str] = []
    items = iter(library)
    index = 0
    while index < len(text):
        item = next(items)
        if is_hanzi(text[index]):
            out.append(item)
            index += 1
        else:
            out.extend(item)
            index += len(item)
    return out


def toneless(syllable: str) -> str:
    """Remove tone marks but keep ü."""
    decomposed = unicodedata.normalize("NFD", syllable)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
