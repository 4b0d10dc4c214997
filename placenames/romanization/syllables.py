"""Is a romanization written in Hanyu Pinyin? For an officer's override.

Why: the override is the legal spelling and is printed on signs and served to the
public; the 条例 (Art.15) makes 汉语拼音 the norm and GB/T 16159 the spelling rules,
so English ("Dianxiu Road") or a typo must be refused before it reaches a sign.
A word is accepted when it cuts into syllables of the table in
``data/pinyin_syllables.txt`` (tone marks, capitals, apostrophes and an 儿化 ``r``
allowed); digits stand for serial numbers (Jing 5 Lu, Di-9 Long).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from gis.errors import InvalidInput

DATA = Path(__file__).resolve().parents[1] / "data" / "pinyin_syllables.txt"
TONE_MARKS = {"\u0300", "\u0301", "\u0304", "\u030c"}
APOSTROPHES = "'’"
MAX_LENGTH = 200  # place_names.romanization is String(200)
# English words people write instead of a 通名's pinyin (Road for Lu …): refused by name,
# even those that happen to cut into syllables (Lake = la·ke).
ENGLISH_WORDS = frozenset(
    "road rd street st avenue ave lane ln alley boulevard blvd highway expressway ring bridge "
    "park square plaza lake river mountain hill village town township community district "
    "subdistrict garden gardens estate residence building tower station airport school "
    "hospital east west north south middle central new old the of".split()
)


@functools.cache
def syllables() -> frozenset[str]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    table = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    return frozenset(table | {"lue", "nue"})


def plain(text: str) -> str:
    """Lower case without tone marks; v typed for ü becomes ü."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if c not in TONE_MARKS)
    return unicodedata.normalize("NFC", kept).lower().replace("v", "ü")


def segment(word: str) -> list[str] | None:
    """The syllables of one written word (letters and apostrophes), or None if it is
    not pinyin. An apostrophe must stand before a syllable starting with a, o or e."""
    word = plain(word)
    pieces = re.split(f"[{APOSTROPHES}]", word)
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if not piece or (index and piece[0] not in "aoe"):
            return None
        cut = _cut(piece)
        if cut is None:
            return None
        out += cut
    return out


@functools.cache
def _cut(letters: str) -> list[str] | None:
    """Split letters into table syllables (a trailing ``r`` after a syllable is 儿化),
    preferring long syllables first and backtracking."""
    if not letters:
        return []
    table = syllables()
    for size in range(min(6, len(letters)), 0, -1):
        head = letters[:size]
        ok = head in table or (len(head) > 1 and head.endswith("r") and head[:-1] in table)
        if ok:
            rest = _cut(letters[size:])
            if rest is not None:
                return [head, *rest]
    return None


def words(text: str) -> list[str]:
    """The written words of a romanization: spaces and hyphens separate them."""
    return [w for w in re.split(r"[\s\-]+", text.strip()) if w]


def check(text: str) -> str:
    """The override as it will be stored (spaces tidied), or InvalidInput saying why not."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput("罗马字母拼写不能为空", "The romanization must not be empty")
    if len(cleaned) > MAX_LENGTH:
        raise InvalidInput(f"罗马字母拼写不能超过 {MAX_LENGTH} 个字符", f"The romanization must not be longer than {MAX_LENGTH} characters")
    english = [w for w in words(cleaned) if plain(w).strip(APOSTROPHES) in ENGLISH_WORDS]
    if english:
        raise InvalidInput(
            f"罗马字母拼写须用汉语拼音，不能用英文（{'、'.join(english)}）：如“路”拼作 Lu，“街”拼作 Jie",
            f"The romanization must be Hanyu Pinyin, not English ({', '.join(english)}): 路 is spelled Lu, 街 Jie",
            details={"english_words": english},
        )
    wrong = [w for w in words(cleaned) if not w.isdigit() and segment(w) is None]
    if wrong:
        raise InvalidInput(
            f"这些词不是汉语拼音音节：{'、'.join(wrong)}",
            f"These words are not Hanyu Pinyin syllables: {', '.join(wrong)}",
            details={"not_pinyin": wrong},
        )
    return cleaned
