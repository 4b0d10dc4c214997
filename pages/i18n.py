"""Page texts in Chinese and English (the scripts receive the same table as JSON)."""

from __future__ import annotations

LANGUAGES = ("zh", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "site_title": ("官渡区标准地名地址查询", "Guandu District standard names and addresses"),
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
    "error_prefix": ("出错了：", "Something went wrong: "),
    "network_error": ("无法连接服务器，请稍后重试", "Cannot reach the server; try again later"),
    "switch_language": ("English", "中文"),
    "data_note": ("演示数据：建筑、门牌和户数为合成数据", "Demo data: buildings, door plates and households are synthetic"),
}


def strings(lang: str) -> dict[str, str]:
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    return {key: pair[index] for key, pair in TEXTS.items()}
