"""Query text made comparable with the register: one spelling per character and number.

People type full-width digits (１２号), Chinese numerals (十二号), traditional
characters (關上), spaces and punctuation. Every rule here maps such a variant onto
the register's spelling, so matching afterwards can be exact string work.
"""

from __future__ import annotations

import re
import unicodedata

# Traditional -> simplified for the characters that occur in addresses and in this
# district's names (no OpenCC on the server: the list is small and reviewable).
_TRADITIONAL = dict(
    zip(
        "區關號橋華東廣門園國張灣龍陽鎮興樓單層棟雲貴與運區際豐裡裏麗齊銀錦幣歸壩壩瑪馬塘滇處無總條進寶濟會議廳圖書館場務體學師車站廠礦縣鄉鄰舊縣務頭層樓號團勝雙鳳發達聯榮滿營綠農漢龍灣濱輪環線灘軍電視臺臺臺區蓮機構",
        "区关号桥华东广门园国张湾龙阳镇兴楼单层栋云贵与运区际丰里里丽齐银锦币归坝坝玛马塘滇处无总条进宝济会议厅图书馆场务体学师车站厂矿县乡邻旧县务头层楼号团胜双凤发达联荣满营绿农汉龙湾滨轮环线滩军电视台台台区莲机构",
        strict=False,
    )
)
_TRADITIONAL.update(
    {
        "復": "复",
        "後": "后",
        "廠": "厂",
        "藝": "艺",
        "劃": "划",
        "產": "产",
        "業": "业",
        "場": "场",
        "長": "长",
        "順": "顺",
        "寧": "宁",
        "義": "义",
        "陸": "陆",
        "賓": "宾",
        "盤": "盘",
        "灣": "湾",
        "岡": "冈",
        "崗": "岗",
        "鐵": "铁",
        "館": "馆",
        "廟": "庙",
        "莊": "庄",
        "煙": "烟",
        "廈": "厦",
        "緯": "纬",
        "經": "经",
        "員": "员",
        "遠": "远",
        "觀": "观",
        "廣": "广",
        "濤": "涛",
        "風": "风",
        "壽": "寿",
        "樂": "乐",
        "嶺": "岭",
        "蘭": "兰",
        "禮": "礼",
        "鑫": "鑫",
        "紅": "红",
        "溝": "沟",
        "壩": "坝",
        "縣": "县",
        "舊": "旧",
        "鎮": "镇",
        "陳": "陈",
    }
)

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "零〇一二三四五六七八九两十百千"
# Chinese numerals are converted only where a number must stand: before a unit word
# or after 附/之, so names such as 二环路 keep their characters.
_NUMERAL_RUN = re.compile(rf"(?<=[附之第])[{_NUMERAL}]+|[{_NUMERAL}]+(?=号|幢|栋|座|单元|室|楼|层|户)")
_DROP = re.compile(r"[\s,，。.、;；:：'\"“”‘’()（）\[\]【】<>《》!！?？#＃/\\|·•]+")


def chinese_number(text: str) -> int:
    """十二 -> 12, 一百零五 -> 105, 二五 -> 25 (digit by digit when there is no unit)."""
    if not any(ch in _UNITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            total += (current or 1) * _UNITS[ch]
            current = 0
    return total + current


def simplify(text: str) -> str:
    """Traditional characters to simplified ones (only those listed)."""
    return "".join(_TRADITIONAL.get(ch, ch) for ch in text)


def normalize(text: str) -> str:
    """The query in the register's spelling: NFKC, simplified, numerals as digits, no spaces/punctuation, lower case.

    A hyphen between digits is kept (12-1号); other hyphens become nothing.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = simplify(text)
    text = _NUMERAL_RUN.sub(lambda m: str(chinese_number(m.group(0))), text)
    text = re.sub(r"(?<=\d)\s*[-－—–]\s*(?=\d)", "\x00", text)
    text = text.replace("-", "")
    text = _DROP.sub("", text).replace("\x00", "-")
    return text.lower()


def is_latin(text: str) -> bool:
    """Whether the query is typed in Latin letters (pinyin), digits aside."""
    letters = [ch for ch in text if not ch.isdigit() and ch not in "- "]
    return bool(letters) and all("a" <= ch.lower() <= "z" for ch in letters)
