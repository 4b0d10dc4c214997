"""The inventory file's column headers and status values in Chinese and English.

Why: the file goes to a field team that reads 所属道路 and 损坏, not ``road_name`` and
``damaged``; machine exchange keeps the English names (``headers="en"``). Export
writes one language, import reads either, and every status label maps to the one
code stored (``models.STATUS_LABELS``).
"""

from __future__ import annotations

from .models import ITEM_STATUSES, RESULT_LABELS, STATUS_LABELS

HEADER_LANGUAGES = ("zh", "en")
SHAPEFILE_NAME_BYTES = 10

_COMMON = {
    "road_name": "所属道路",
    "installed_on": "安装日期",
    "status": "状态",
    "size": "规格",
    "last_inspected": "最近检查日期",
    "last_result": "最近检查结果",
    "last_defects": "最近检查问题",
}
SIGN_HEADERS = {
    "id": "路牌编号",
    "text_zh": "中文牌面",
    "text_roman": "罗马字母拼写",
    "sign_type": "类型",
    **_COMMON,
}
PLATE_HEADERS = {
    "id": "门楼牌编号",
    "number": "门牌号",
    "address": "标准地址",
    "level": "牌类",
    "text": "牌面文字",
    "label": "楼栋单元户室号",
    "plate_type": "类型",
    **_COMMON,
}
HEADERS = {"road_signs": SIGN_HEADERS, "plates": PLATE_HEADERS}
_STATUS_CODES = {**{code: code for code in ITEM_STATUSES}, **{label: code for code, label in STATUS_LABELS.items()}}


def check_language(headers: str) -> str:
    from gis.errors import InvalidInput

    if headers not in HEADER_LANGUAGES:
        raise InvalidInput("表头语言应为 zh 或 en", "headers must be 'zh' or 'en'", details={"field": "headers"})
    return headers


def status_code(value: str) -> str | None:
    """The stored code of a status given as a code (``damaged``) or a label (损坏); None when unknown."""
    return _STATUS_CODES.get(value.strip())


def to_file(
    kind: str, records: list[dict], columns: tuple[str, ...], headers: str, *, short_names: bool = False
) -> tuple[list[dict], list[str]]:
    """Records and column names as the file shows them in ``headers`` language.

    ``short_names`` (shapefiles: 10-byte field names, too short for 所属道路 in UTF-8)
    keeps the English names and translates the values only."""
    if check_language(headers) == "en":
        return records, list(columns)
    names = {} if short_names else HEADERS[kind]
    out = []
    for record in records:
        row = dict(record)
        if row.get("status") in STATUS_LABELS:
            row["status"] = STATUS_LABELS[row["status"]]
        if row.get("last_result") in RESULT_LABELS:
            row["last_result"] = RESULT_LABELS[row["last_result"]]
        out.append({names.get(k, k): v for k, v in row.items()})
    return out, [names.get(c, c) for c in columns]


def from_file(kind: str, columns) -> dict[str, str]:
    """Renames that turn a file's Chinese headers, or English names a shapefile cut to 10
    bytes (``installed_``), into the English column names (full English ones stay)."""
    english = {name[:SHAPEFILE_NAME_BYTES]: name for name in HEADERS[kind] if len(name) > SHAPEFILE_NAME_BYTES}
    english |= {label: name for name, label in HEADERS[kind].items()}
    return {c: english[c.strip()] for c in columns if isinstance(c, str) and c.strip() in english}
