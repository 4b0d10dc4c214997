"""Text encodings of imported attribute data.

Chinese shapefiles and CSVs are often GBK with nothing saying so, and GDAL would
silently turn them into mojibake. We therefore decode ourselves, strictly, trying
UTF-8 first and GBK second, and refuse bytes that decode in neither.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

import pandas as pd

from gis.errors import EncodingError

#: Tried in this order when nothing names the encoding.
AUTO_ENCODINGS = ("utf-8", "gbk", "gb18030")

#: Text codecs Python knows that no data file is written in (they fail on ordinary text).
NOT_FILE_ENCODINGS = frozenset({"idna", "punycode"})

#: Encoding that carries undecoded bytes through GDAL unchanged (byte n -> U+00nn).
TRANSPORT = "ISO-8859-1"

# C1 controls and U+FFFD never occur in real place-name data; they betray a wrong guess.
_MOJIBAKE = re.compile("[\u0080-\u009f\ufffd]")


def codec_name(name: str, source: str = "") -> str:
    """Python codec for an encoding label (also .cpg forms such as ``936`` or ``ANSI 936``)."""
    label = name.strip().strip("\ufeff")
    upper = label.upper()
    if upper.startswith("ANSI"):
        label = label[4:].strip(" _")
    if label.isdigit():
        label = "utf-8" if label == "65001" else f"cp{label}"
    try:
        info = codecs.lookup(label)
    except LookupError:
        info = None
    # rot13/base64/zlib are codecs but not text encodings; idna/punycode encode host names only.
    if info is None or not info._is_text_encoding or info.name in NOT_FILE_ENCODINGS:
        raise EncodingError(
            f"未知的文本编码“{name}”{('（' + source + '）') if source else ''}",
            f"Unknown text encoding {name!r}{(' (' + source + ')') if source else ''}",
        )
    return info.name


def looks_like_mojibake(text: str) -> bool:
    """True when decoded text contains characters only a wrong decoding produces."""
    return bool(_MOJIBAKE.search(text))


def _failure(source: str, tried: Iterable[str]) -> EncodingError:
    tried = list(tried)
    names = ", ".join(tried)
    return EncodingError(
        f"无法识别文件 {source} 的文本编码（已尝试 {names}），请用 --encoding 指定",
        f"Cannot decode the text of {source} (tried {names}); give the encoding with --encoding",
        details={"file": source, "tried": tried},
    )


def candidates(explicit: str | None, declared: str | None, source: str) -> tuple[list[str], bool]:
    """Encodings to try, and whether the mojibake heuristic applies (only when guessing)."""
    if explicit:
        return [codec_name(explicit, "--encoding")], False
    if declared:
        return [codec_name(declared, source)], False
    return list(AUTO_ENCODINGS), True


def decode_bytes(raw: bytes, *, explicit: str | None, source: str) -> tuple[str, str]:
    """Decode a whole text file (CSV); returns (text, codec used). A UTF-8 BOM is dropped."""
    tried, guessing = candidates(explicit, None, source)
    for name in tried:
        codec = "utf-8-sig" if name == "utf-8" else name
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if guessing and name == "utf-8" and looks_like_mojibake(text):
            continue
        return text, name
    raise _failure(source, tried)


def _transported_to(value, codec: str):
    if isinstance(value, str):
        return value.encode(TRANSPORT).decode(codec)
    return value


def decode_frame(df: pd.DataFrame, tried: list[str], guessing: bool, source: str) -> tuple[pd.DataFrame, str]:
    """Decode column names and string cells read through GDAL as ISO-8859-1.

    Returns a copy with real text and the codec that decoded everything.
    """
    text_columns = [c for c in df.columns if c != df.geometry.name and (df[c].dtype == object or pd.api.types.is_string_dtype(df[c]))]
    for name in tried:
        try:
            columns = {c: _transported_to(c, name) for c in df.columns if c != df.geometry.name}
            cells = {c: [_transported_to(v, name) for v in df[c].tolist()] for c in text_columns}
        except UnicodeError:
            continue
        if guessing and name == "utf-8":
            texts = list(columns.values()) + [v for vs in cells.values() for v in vs]
            if any(isinstance(t, str) and looks_like_mojibake(t) for t in texts):
                continue
        out = df.copy()
        for c, values in cells.items():
            out[c] = pd.Series(values, index=out.index)
        return out.rename(columns=columns), name
    raise _failure(source, tried)
