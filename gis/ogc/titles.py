"""Human titles of the published properties, and the JSON Schema dialect we declare.

OGC API - Features Part 3 (queryables) and Common Part 3 (schemas) describe
properties with JSON Schema 2020-12; a client shows each property's ``title`` in its
filter builder. pygeoapi declares draft 2019-09 and uses the column name as the
title, so ``compat`` passes its queryables and schema documents through ``describe``.
One table for every collection: the same name means the same thing everywhere.
"""

from __future__ import annotations

from typing import Any

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"

# property -> (Chinese, English)
TITLES: dict[str, tuple[str, str]] = {
    "geometry": ("几何", "Geometry"),
    "name": ("名称", "Name"),
    "romanization": ("罗马字母拼写", "Romanization"),
    "specific_part": ("专名", "Specific part"),
    "generic_part": ("通名", "Generic part"),
    "category_code": ("类别代码", "Category code"),
    "category_label": ("类别", "Category"),
    "admin_code": ("行政区划代码", "Administrative unit code"),
    "status": ("状态", "Status"),
    "location_description": ("位置描述", "Location description"),
    "approving_body": ("批准机关", "Approving body"),
    "road_class": ("道路等级", "Road class"),
    "road": ("道路", "Road"),
    "number": ("门牌号（数字）", "Door number (numeric)"),
    "number_text": ("门牌号", "Door number (as on the plate)"),
    "address": ("标准地址", "Standard address"),
    "level": ("层级", "Level"),
    "text": ("牌面文字", "Plate text"),
    "installed_on": ("设置日期", "Installed on"),
    "text_zh": ("中文牌面", "Chinese text"),
    "text_roman": ("罗马字母牌面", "Romanized text"),
    "sign_type": ("路牌类型", "Sign type"),
    "code": ("代码", "Code"),
    "households": ("户数", "Households"),
    "floors": ("层数", "Floors"),
    "community_code": ("社区代码", "Community code"),
    "subdistrict_code": ("街道代码", "Subdistrict code"),
    "waterway_class": ("水系等级", "Waterway class"),
    "parent_code": ("上级代码", "Parent code"),
    "valid_from": ("生效日期", "Valid from"),
    "valid_to": ("失效日期", "Valid to"),
    "population": ("人口", "Population"),
    "left_code": ("左侧单元代码", "Left unit code"),
    "left_name": ("左侧单元名称", "Left unit name"),
    "right_code": ("右侧单元代码", "Right unit code"),
    "right_name": ("右侧单元名称", "Right unit name"),
    "length_m": ("长度（米）", "Length (m)"),
    "last_inspected": ("最近巡查日期", "Last inspected"),
    "line_code": ("界线编号", "Boundary line code"),
    "serial": ("序号", "Serial"),
    "marker_type": ("界桩类型", "Marker type"),
    "letter": ("字母标记", "Letter"),
    "geometry_type": ("几何类型", "Geometry type"),
}


def title(name: str, english: bool) -> str:
    """The title of a property in the response language: Chinese, or English with ``lang=en``."""
    zh, en = TITLES.get(name, (name, name))
    return en if english else zh


def describe(document: dict[str, Any], english: bool) -> dict[str, Any]:
    """A queryables or schema document with the 2020-12 dialect and every property titled."""
    document["$schema"] = JSON_SCHEMA
    for name, schema in (document.get("properties") or {}).items():
        if isinstance(schema, dict):
            schema["title"] = title(name, english)
    return document
