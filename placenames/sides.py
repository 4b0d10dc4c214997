"""Which side of its road a door plate stands on, looking along the road's numbering direction.

One code is stored, the numbering engine's single letter ("L"/"R"). Imports and older rows
may say left/right/左/右, so every writer goes through :func:`side_code`; the public API
speaks the English words (:func:`side_word`), as it always has."""

from __future__ import annotations

LEFT, RIGHT = "L", "R"

_SPELLINGS = {"l": LEFT, "left": LEFT, "左": LEFT, "左侧": LEFT, "r": RIGHT, "right": RIGHT, "右": RIGHT, "右侧": RIGHT}
_WORDS = {LEFT: "left", RIGHT: "right"}


def side_code(value: object) -> str | None:
    """The stored code of a side however it was written; None for no side given.
    Raises ValueError for a value that is not a side (an import names the row)."""
    if value is None or (isinstance(value, float) and value != value):  # None or NaN from a data frame
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if text not in _SPELLINGS:
        raise ValueError(value)
    return _SPELLINGS[text]


def side_word(code: str | None) -> str | None:
    """The side in the API's words ("left"/"right"), or None if unknown."""
    return _WORDS.get(code) if code is not None else None
