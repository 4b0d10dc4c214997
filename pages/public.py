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
    "found_fmt": ("找到 {n} 个结果", "{n} found"),
    "not_found_fmt": ("没有找到“{q}”", "Nothing found for “{q}”"),
    "did_you_mean": ("您要找的是不是：", "Did you mean:"),
    "fuzzy_fmt": ("没有“{q}”，您要找的是不是“{name}”？", "No “{q}” — did you mean “{name}”?"),
    "kind_fmt": ("“{q}”：以下是登记的{kind}：", "“{q}”: the registered places of this kind ({kind}):"),
    "near_kind_fmt": (
        "“{q}”：以下是登记的{kind}，离{near}最近的在前：",
        "“{q}”: the registered places of this kind ({kind}), nearest {near} first:",
    ),
    "begun_fmt": ("没有名为“{q}”的地名，以下地名以它开头：", "Nothing is called “{q}”; these names begin with it:"),
    "begun_or_slip_fmt": (
        "没有名为“{q}”的地名，以下地名以它开头或与它相近：",
        "Nothing is called “{q}”; these names begin with it or are close to it:",
    ),
    "unregistered_fmt": (
        "{street}{number}号未登记（没有这块门牌）。最近的已登记门牌：",
        "No. {number}, {street} is not a registered door number. The nearest registered ones:",
    ),
    "former_fmt": ("{note}。现在的地址：", "{note}. The address now:"),
    "retired_fmt": ("{note}。最近的已登记门牌：", "{note}. The nearest registered door numbers:"),
    "map_label": (
        "地图：点击地图（或选中地图后按回车键查询地图中心）可查询最近的地址和所在社区",
        "Map: click it (or focus it and press Enter for its centre) to find the nearest address and the community",
    ),
    "reverse_title": ("点击位置", "Clicked place"),
    "nearest_address": ("最近地址", "Nearest address"),
    "community": ("所在社区", "Community"),
    "subdistrict": ("所在街道", "Subdistrict"),
    "distance_fmt": ("（距离 {m} 米）", " ({m} m away)"),
    "none_nearby": ("附近没有登记的门牌", "No registered address nearby"),
    "places_nearby": ("附近地名", "Places nearby"),
    "place_distance_fmt": ("{name}（{m} 米）", "{name} ({m} m)"),
}


@blueprint.get("/")
def public_search():
    return render("pages/public.html", TEXTS)
