"""Spellings the standard gives (issue 16 item 4): the 1984 place-name spelling rules
(中国地名汉语拼音字母拼写规则（汉语地名部分）) referenced by GB/T 16159-2012.

The expected spellings of the real names below were worked out by hand from the
rules (docs/placenames.md, "Romanization"), not copied from the code's output; the
community and subdistrict names are the 2023 statistical division names in
/work/shared/data/admin (data/reference/guandu_divisions_2023.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gis.errors import InvalidInput
from placenames import categories
from placenames.romanization import romanize
from placenames.romanization.numerals import numeral_words, trailing_numeral
from placenames.romanization.readings import is_hanzi
from placenames.romanization.syllables import check, segment, syllables, words

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference" / "guandu_divisions_2023.csv"


@pytest.mark.parametrize(
    "name,category,expected",
    [
        ("统一路", None, "Tongyi Lu"),  # a word, not "Tong 1 Lu"
        ("唯一路", None, "Weiyi Lu"),
        ("矣六街道", None, "Yiliu Jiedao"),  # a subdistrict's name, not "Yi 6"
        ("矣六街道", "21500", "Yiliu Jiedao"),
        ("矣六大道", "23510", "Yiliu Dadao"),
        ("二环路", None, "2 Huanlu"),  # 1984 rule 7: 三环路 3 Huanlu
        ("二环北路", None, "2 Huan Beilu"),  # the same serial 2 as 二环路
        ("滇秀新路", None, "Dianxiu Xinlu"),  # 1984 rule 2: 潮白新河 Chaobai Xinhe
        ("关上新路", "23510", "Guanshang Xinlu"),
        ("小哨", None, "Xiaoshao"),  # 1984 rule 3: natural villages are one word
        ("巫家坝", None, "Wujiaba"),
        ("纬三路", None, "Wei 3 Lu"),  # a road series: the serial is a digit
    ],
)
def test_the_issues_examples(name, category, expected):
    assert romanize(name, category=category) == expected


def _division_names() -> dict[str, str]:
    with REFERENCE.open(encoding="utf-8") as handle:
        return {row["name"]: row["level"] for row in csv.DictReader(handle)}


COMMUNITY_SPECIFICS = {
    # specific part of "…社区居民委员会" -> its spelling (hand-checked, 1984 rules 3, 4, 6, 11)
    "双桥": "Shuangqiao",
    "日新": "Rixin",
    "福德": "Fude",
    "双凤": "Shuangfeng",
    "小街": "Xiaojie",  # a specialised 通名 inside a 专名 is part of it (rule 4)
    "彩云": "Caiyun",
    "石虎关": "Shihuguan",
    "和平路": "Hepinglu",
    "永胜路": "Yongshenglu",
    "双龙桥": "Shuanglongqiao",
    "黄家庄": "Huangjiazhuang",
    "五里多": "Wuliduo",  # numerals in a 专名 are spelled (rule 6)
    "五里": "Wuli",
    "十里": "Shili",
    "四甲": "Sijia",
    "新一": "Xinyi",
    "一朵云": "Yiduoyun",
    "八公里": "Bagongli",
    "石井": "Shijing",
    "大树营": "Dashuying",
    "牛街": "Niujie",
    "曙光": "Shuguang",
    "凤凰山": "Fenghuangshan",
    "鸣泉": "Mingquan",
    "羊甫": "Yangfu",
    "中闸": "Zhongzha",
    "西庄": "Xizhuang",
    "中营": "Zhongying",
    "后所": "Housuo",
    "世纪城": "Shijicheng",
    "渔村": "Yucun",
    "关锁": "Guansuo",
    "五腊": "Wula",
    "花田": "Huatian",
    "西冲": "Xichong",
    "沙沟": "Shagou",
    "石坝": "Shiba",
    "高坡": "Gaopo",
    "花箐": "Huaqing",
    "兔耳": "Tu'er",  # apostrophe before a syllable starting with e (rule 11)
    "白汉场": "Baihanchang",
    "上对龙": "Shangduilong",
}


@pytest.mark.parametrize("specific,expected", sorted(COMMUNITY_SPECIFICS.items()))
def test_real_community_names(specific, expected):
    name = f"{specific}社区居民委员会"
    assert _division_names()[name] == "community"  # a real name of the reference list
    assert romanize(name, category="21620") == f"{expected} Shequ Jumin Weiyuanhui"
    assert romanize(name) == f"{expected} Shequ Jumin Weiyuanhui"  # the 通名 found without a category


@pytest.mark.parametrize(
    "name,expected",
    [
        ("关上街道", "Guanshang Jiedao"),
        ("太和街道", "Taihe Jiedao"),
        ("吴井街道", "Wujing Jiedao"),
        ("金马街道", "Jinma Jiedao"),
        ("小板桥街道", "Xiaobanqiao Jiedao"),
        ("大板桥街道", "Dabanqiao Jiedao"),
        ("阿拉街道", "Ala Jiedao"),
        ("小哨街道", "Xiaoshao Jiedao"),
    ],
)
def test_real_subdistrict_names(name, expected):
    assert _division_names()[name] == "subdistrict"
    assert romanize(name) == romanize(name, category="21500") == expected


@pytest.mark.parametrize(
    "name,expected",
    [
        # streets: 专名 and 通名 apart, one-syllable modifiers joined to the 通名, serials as digits
        ("拓东路", "Tuodong Lu"),  # a two-character 专名 keeps its direction word
        ("人民中路", "Renmin Zhonglu"),
        ("东风东路", "Dongfeng Donglu"),
        ("环城南路", "Huancheng Nanlu"),
        ("金马新街", "Jinma Xinjie"),
        ("南屏街", "Nanping Jie"),
        ("经十路", "Jing 10 Lu"),
        ("二环南路", "2 Huan Nanlu"),
        ("二环东路", "2 Huan Donglu"),
        ("三环路", "3 Huanlu"),
        ("第九弄", "Di-9 Long"),  # 1984 rule 7
        ("新一路", "Xinyi Lu"),  # 新一 is a place name of the district, not "new No. 1"
        ("八公里路", "Bagongli Lu"),
        # other kinds, 通名 found by the longest known suffix
        ("翠湖", "Cui Hu"),  # rule 1: a one-syllable 专名 stays apart (太湖 Tai Hu)
        ("滇池", "Dian Chi"),
        ("长虫山", "Changchong Shan"),
        ("宝象河", "Baoxiang He"),
        ("松华坝水库", "Songhuaba Shuiku"),
        ("巫家坝公园", "Wujiaba Gongyuan"),
        ("昆明火车站", "Kunming Huochezhan"),  # rule 14: 汽车站 Qichezhan
        ("昆明南站", "Kunming Nanzhan"),
        ("长水国际机场", "Changshui Guoji Jichang"),
        ("王家营", "Wangjiaying"),  # villages one word (rule 3)
        ("董家湾", "Dongjiawan"),
        ("渤海湾", "Bohai Wan"),  # 湾 of a bay stays apart (rule 4)
    ],
)
def test_names_by_the_rules(name, expected):
    assert romanize(name) == expected


def test_ring_roads_share_one_spelling_of_the_ring():
    ring = {name: romanize(name) for name in ("二环路", "二环北路", "二环南路", "二环东路", "二环西路")}
    assert all(spelled.startswith("2 Huan") for spelled in ring.values()), ring


def test_numeral_words_are_data_and_protect_their_numeral():
    listed = numeral_words()
    assert {"统一", "唯一", "矣六", "五里", "三家村"} <= set(listed)
    assert trailing_numeral("统一", listed) is None
    assert trailing_numeral("矣六十二", listed) == ("矣六", 12)
    assert trailing_numeral("纬三", listed) == ("纬", 3)


def test_the_category_table_knows_the_common_generics():
    known = set(categories.all_generics())
    wanted = "站 坊 湖 山 桥 学校 医院 公园 广场 小区 花园 苑 村 社区 街道 镇 乡 河 渠 水库 机场 码头 隧道 立交".split()
    assert set(wanted) <= known, set(wanted) - known
    assert categories.detect("小哨")[0] == "哨" and categories.detect("矣六街道")[0] == "街道"
    assert categories.detect("关上") == ("", ())


# --- every syllable written is a syllable of Hanyu Pinyin ---------------------------------

COMMON = (
    "东西南北中新老关上下金马太和吴井小大板桥矣六甲阿拉长水哨巫家坝村营庄湾"
    "路街巷道山湖河桥站园苑城花明春光华福安宁兴盛云龙凤石沙白黄王李张一二三四五十里儿女"
)


def _syllables_written(text: str) -> list[str]:
    out = []
    for word in words(text):
        if word.isdigit():
            continue
        cut = segment(word)
        assert cut is not None, f"{word!r} of {text!r} is not pinyin"
        out += cut
    return out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=COMMON, min_size=2, max_size=7))
def test_every_output_syllable_is_pinyin(name):
    for category in (None, "23510", "22200", "21620"):
        spelled = romanize(name, category=category)
        _syllables_written(spelled)
        _syllables_written(romanize(name, category=category, sign=True))
        _syllables_written(romanize(name, category=category, tones=True))


def test_every_real_division_name_spells_into_pinyin_syllables():
    for name in _division_names():
        if all(is_hanzi(c) for c in name):
            assert _syllables_written(romanize(name))


# --- overrides are Hanyu Pinyin -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Dōngsì 12 Tiáo", "DONGSI 12 TIAO", "Xi'an Lu", "Xi’an Lu", "Maor Hutong", "Lüyuan Lu", "Lvyuan Lu", "Di-9 Long", "Yiliu  Jiedao"],
)
def test_pinyin_overrides_are_accepted(text):
    assert check(text) == " ".join(text.split())


@pytest.mark.parametrize("text", ["Dianxiu Road", "Dianxiu Street", "Cui Lake", "Zhongshan Rd"])
def test_english_overrides_are_refused_in_both_languages(text):
    with pytest.raises(InvalidInput) as refused:
        check(text)
    assert "英文" in refused.value.zh and "English" in refused.value.en and "Lu" in refused.value.en


@pytest.mark.parametrize("text", ["Dianxiu Lx", "Jing5 Lu", "Xi'nan Lu", "Qwerty", "Chang''an", "  "])
def test_non_pinyin_overrides_are_refused(text):
    with pytest.raises(InvalidInput) as refused:
        check(text)
    assert refused.value.zh and refused.value.en


def test_the_syllable_table_is_the_standard_one():
    table = syllables()
    assert {"zhuang", "lü", "nüe", "er", "a", "xian"} <= table
    assert not {"road", "st", "ng", "hm"} & table
    assert segment("Xi'an") == ["xi", "an"] and segment("Maor") == ["maor"]
