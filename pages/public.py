"""The public look-up page: search with autocomplete, results, map, reverse lookup."""

from __future__ import annotations

from flask import Blueprint

from pages.rendering import STATIC, TEMPLATES, render

blueprint = Blueprint("pages", __name__, template_folder=TEMPLATES, static_folder=STATIC, static_url_path="/static/pages")

TEXTS: dict[str, tuple[str, str]] = {
    "search_label": ("输入地名或地址（中文或拼音）", "Name or address (Chinese or pinyin)"),
    "search_placeholder": ("例如：子君路12号、关上街道、zijunlu", "e.g. 子君路12号, 关上街道, zijunlu"),
    "search_button": ("查询", "Search"),
    "results": ("查询结果", "Results"),
    "no_results": ("没有找到匹配的地名或地址", "No matching name or address"),
    "map_label": ("地图：点击地图可查询最近的地址和所在社区", "Map: click to find the nearest address and the community"),
    "reverse_title": ("点击位置", "Clicked place"),
    "nearest_address": ("最近地址", "Nearest address"),
    "community": ("所在社区", "Community"),
    "subdistrict": ("所在街道", "Subdistrict"),
    "distance_fmt": ("（距离 {m} 米）", " ({m} m away)"),
    "none_nearby": ("附近没有登记的门牌", "No registered address nearby"),
}


@blueprint.get("/")
def public_search():
    return render("pages/public.html", TEXTS)
