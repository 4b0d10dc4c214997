"""Names of the codes of joint inspections, in Chinese and English, kept in one place.

Why: the same status is shown on the boundary page, the PNG map, the marker register
(界桩成果表) and the agreement (协议书); a second copy would drift. The stored values
stay the codes (``intact`` …); documents show the names.
"""

from __future__ import annotations

#: 界桩状况: marker statuses (registered, and found in an inspection).
MARKER_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "intact": ("完好", "intact"),
    "damaged": ("损坏", "damaged"),
    "displaced": ("移位", "displaced"),
    "missing": ("缺失", "missing"),
    "rebuilt": ("重建", "rebuilt"),
    "new": ("新设", "new"),
    "not-inspected": ("未检查", "not inspected"),
}

#: 发现类型: kinds of findings on a stretch of the line.
FINDING_KIND_LABELS: dict[str, tuple[str, str]] = {
    "terrain-change": ("地形地物变化", "terrain change"),
    "construction": ("工程建设", "construction"),
    "disputed": ("争议", "disputed"),
    "reference-object": ("方位物变化", "reference object"),
    "other": ("其他", "other"),
}

#: 联检状态: campaign statuses.
CAMPAIGN_STATUS_LABELS: dict[str, tuple[str, str]] = {"open": ("进行中", "open"), "signed": ("双方已签认", "signed")}

#: 界桩类型: marker types.
MARKER_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "single": ("单立", "single"),
    "paired": ("同号双立", "paired"),
    "triple": ("同号三立", "triple"),
}


def zh(table: dict[str, tuple[str, str]], code: str | None) -> str | None:
    """The Chinese name of ``code`` in ``table``; an unknown code is shown as it is."""
    if code is None:
        return None
    return table[code][0] if code in table else code
