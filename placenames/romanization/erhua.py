"""儿化 (r-colouring): a written 儿 after another syllable is spelled as an ``r`` on
that syllable, not as a syllable of its own (GB/T 16159-2012; the 1984 place-name
rules: 儿 becomes r only where 儿 is written). 大栅栏儿 → Dàshílànr, 帽儿胡同 →
Màor Hútòng.

儿 that is a word of its own meaning "child" (儿童, 女儿, 婴儿 …) keeps its full
syllable ér; so does a 儿 the reading dictionary lists (``data/readings.csv``).
"""

from __future__ import annotations

ER = "儿"
# Words in which 儿 is a full syllable (a morpheme "child/son"), never r-colouring.
FULL_SYLLABLE_WORDS = ("儿童", "儿女", "儿子", "儿科", "婴儿", "幼儿", "女儿", "男儿", "孤儿", "健儿", "少儿", "宠儿", "托儿")


def full_syllable_positions(text: str) -> set[int]:
    """Offsets of 儿 inside a word where it is read as a full syllable."""
    positions: set[int] = set()
    for word in FULL_SYLLABLE_WORDS:
        start = text.find(word)
        while start != -1:
            positions.add(start + word.index(ER))
            start = text.find(word, start + 1)
    return positions


def apply(text: str, syllables: list[str], *, keep: set[int], is_hanzi) -> list[str]:
    """``syllables`` (one per character) with each r-colouring 儿 folded into the
    syllable before it; the 儿's own entry becomes empty. ``keep`` are offsets whose
    reading is fixed (dictionary words) and stay as they are."""
    out = list(syllables)
    protected = keep | full_syllable_positions(text)
    for index, char in enumerate(text):
        if char != ER or index == 0 or index in protected or not is_hanzi(text[index - 1]) or not out[index - 1]:
            continue
        out[index - 1] += "r"
        out[index] = ""
    return out
