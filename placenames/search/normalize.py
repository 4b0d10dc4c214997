"""Query text made comparable with the register: one spelling per character and number.

People type full-width digits (１２号), Chinese numerals (十二号), traditional
characters (關上), spaces and punctuation. Every rule here maps such a variant onto
the register's spelling, so matching afterwards can be exact string work.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

from placenames.romanization import numerals

_NUMERAL = "".join(sorted(numerals.NUMERAL_CHARS))
# Chinese numerals are converted only where a number must stand: before a unit word
# or after 附/之, so names such as 二环路 keep their characters.
_NUMERAL_RUN = re.compile(rf"(?<=[附之第])[{_NUMERAL}]+|[{_NUMERAL}]+(?=号|幢|栋|座|单元|室|楼|层|户)")
_DROP = re.compile(r"[\s,，。.、;；:：'\"“”‘’()（）\[\]【】<>《》!！?？#＃/\\|·•]+")


def chinese_number(text: str) -> int | None:
    """十二 -> 12, 一百零五 -> 105, 二五 -> 25: a numeral by the romanization's grammar, else
    digit by digit (house numbers are read out that way); None when it is neither."""
    value = numerals.parse(text)
    if value is not None:
        return value
    if all(ch in numerals.DIGITS for ch in text):
        return int("".join(str(numerals.DIGITS[ch]) for ch in text))
    return None


def _number_or_text(match: re.Match[str]) -> str:
    value = chinese_number(match.group(0))
    return match.group(0) if value is None else str(value)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplify(text: str) -> str:
    """Traditional characters (and their Taiwan and Hong Kong variants) to simplified ones, by
    OpenCC's phrase-aware table; simplified text comes back unchanged."""
    return _t2s().convert(text)


def normalize(text: str) -> str:
    """The query in the register's spelling: NFKC, simplified, numerals as digits, no spaces/punctuation, lower case.

    A hyphen between digits is kept (12-1号); other hyphens become nothing.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = simplify(text)
    text = _NUMERAL_RUN.sub(_number_or_text, text)
    text = re.sub(r"(?<=\d)\s*[-－—–]\s*(?=\d)", "\x00", text)
    text = text.replace("-", "")
    text = _DROP.sub("", text).replace("\x00", "-")
    return text.lower()


def is_latin(text: str) -> bool:
    """Whether the query is typed in Latin letters (pinyin), digits aside."""
    letters = [ch for ch in text if not ch.isdigit() and ch not in "- "]
    return bool(letters) and all("a" <= ch.lower() <= "z" for ch in letters)
