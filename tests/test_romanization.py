"""Romanization by the 1984 rules / GB/T 16159: domain.md examples, the ten roads of
the 12th-plan door-plate work, polyphones and overrides."""

from __future__ import annotations

import pytest

from placenames import categories
from placenames.romanization import analyse, pinyin_key, romanize
from placenames.romanization.numerals import parse, trailing_numeral


@pytest.mark.parametrize(
    "name,expected,sign",
    [
        ("中山东路", "Zhongshan Donglu", "ZHONGSHAN DONGLU"),
        ("经五路", "Jing 5 Lu", "JING 5 LU"),
        ("西安", "Xi'an", "XI'AN"),
        ("南京路", "Nanjing Lu", "NANJING LU"),
        ("长安街", "Chang'an Jie", "CHANG'AN JIE"),
        ("景山后街", "Jingshan Houjie", "JINGSHAN HOUJIE"),
        ("南横东街", "Nanheng Dongjie", "NANHENG DONGJIE"),
        ("朝阳门内大街", "Chaoyangmennei Dajie", "CHAOYANGMENNEI DAJIE"),
        ("二马路", "2 Malu", "2 MALU"),
        ("大川淀一巷", "Dachuandian 1 Xiang", "DACHUANDIAN 1 XIANG"),
        ("五一广场", "Wuyi Guangchang", "WUYI GUANGCHANG"),
        ("三八路", "Sanba Lu", "SANBA LU"),
        ("解放路南小街", "Jiefanglu Nanxiaojie", "JIEFANGLU NANXIAOJIE"),
        ("张之洞路", "Zhangzhidong Lu", "ZHANGZHIDONG LU"),
    ],
)
def test_domain_examples(name, expected, sign):
    assert romanize(name) == expected
    assert romanize(name, sign=True) == sign


@pytest.mark.parametrize(
    "name,expected",
    [
        ("环城东路", "Huancheng Donglu"),
        ("子君路", "Zijun Lu"),
        ("子泰路", "Zitai Lu"),
        ("君安路", "Jun'an Lu"),
        ("广居路", "Guangju Lu"),
        ("锦西路", "Jinxi Lu"),
        ("官城路", "Guancheng Lu"),
        ("福居路", "Fuju Lu"),
        ("安和路", "Anhe Lu"),
        ("昌宏西路", "Changhong Xilu"),
    ],
)
def test_the_ten_guandu_roads(name, expected):
    assert romanize(name, category="23510") == expected


def test_tone_marks_and_the_polyphone_dictionary():
    assert romanize("中山东路", tones=True) == "Zhōngshān Dōnglù"
    assert romanize("六甲街道", category="21500") == "Lujia Jiedao"  # 六 read lù here, liù elsewhere
    assert romanize("六一路") == "Liuyi Lu"
    assert romanize("长水街道", category="21500") == "Changshui Jiedao"
    assert romanize("子君路", tones=True) == "Zǐjūn Lù"
    assert romanize("绿园路", sign=True) == "LÜYUAN LU"


def test_a_two_character_specific_keeps_its_direction_word():
    assert romanize("广东路") == "Guangdong Lu"
    assert romanize("北京东路") == "Beijing Donglu"


def test_villages_are_one_word_and_long_generics_are_cut_into_words():
    assert romanize("王村", category="22200") == "Wangcun"
    assert romanize("关上社区居民委员会", category="21620") == "Guanshang Shequ Jumin Weiyuanhui"
    assert romanize("昆明经济技术开发区", category="21730") == "Kunming Jingji Jishu Kaifaqu"


def test_override_wins_and_is_signed_too():
    assert romanize("东四十二条", override="Dongsi 12 Tiao") == "Dongsi 12 Tiao"
    assert romanize("东四十二条", override="Dōngsì 12 Tiáo", sign=True) == "DONGSI 12 TIAO"


def test_parts_and_homophone_key():
    parts = analyse("中山东路", category="23510")
    assert (parts.specific, parts.ordinal, parts.generic) == ("中山", None, "东路")
    assert analyse("经五路").ordinal == 5
    assert pinyin_key("福居路") == pinyin_key("富居路") == "fujulu"
    assert pinyin_key("绿园路") == "lvyuanlu"


@pytest.mark.parametrize(
    "text,value",
    [("五", 5), ("十", 10), ("十二", 12), ("二十", 20), ("一百零八", 108), ("三八", None), ("五一", None), ("零", None), ("路", None)],
)
def test_numerals(text, value):
    assert parse(text) == value


def test_trailing_numeral():
    assert trailing_numeral("经五") == ("经", 5)
    assert trailing_numeral("三八") is None
    assert trailing_numeral("中山") is None


def test_category_table_marks_unconfirmed_codes():
    table = categories.categories()
    assert {"21500", "21620", "22100", "23510", "23610", "25200", "26100"} <= set(table)
    assert table["23510"].code_status == "unconfirmed" and "NOT FOUND" in table["23510"].note
    assert table["21400"].code_status == "likely"
    assert all(c.code_status in ("likely", "inferred", "unconfirmed") for c in table.values())
    assert categories.find("街、路、巷").code == "23510"


@pytest.mark.parametrize(
    "name,expected,tones",
    [
        ("大栅栏儿", "Dashilanr", "Dàshílànr"),  # GB/T 16159: a written 儿 is an r on the syllable before it
        ("帽儿胡同", "Maor Hutong", "Màor Hútòng"),
        ("鸦儿胡同", "Yar Hutong", "Yār Hútòng"),
        ("儿童公园", "Ertong Gongyuan", "Értóng Gōngyuán"),  # 儿 meaning "child" stays a syllable
        ("女儿国路", "Nü'erguo Lu", "Nǚ'érguó Lù"),
    ],
)
def test_erhua_is_an_r_only_where_er_is_written(name, expected, tones):
    assert romanize(name) == expected
    assert romanize(name, tones=True) == tones


def test_erhua_in_signs_and_homophone_keys():
    assert romanize("帽儿胡同", sign=True) == "MAOR HUTONG"
    assert pinyin_key("帽儿胡同") == "maorhutong"
    assert romanize("大栅栏") == "Dashilan"  # no 儿 written, no r


def test_ordinal_does_not_cut_a_place_word():
    """东四十二条 Dōngsì 12 Tiáo (1984 rules): 东四 is a place word, 十二 the ordinal."""
    assert romanize("东四十二条") == "Dongsi 12 Tiao"
    assert romanize("东四十二条", sign=True) == "DONGSI 12 TIAO"
    assert romanize("东十二条") == "Dong 12 Tiao"
    assert trailing_numeral("东四十二", ("东四",)) == ("东四", 12)
    assert trailing_numeral("东四十二") == ("东", 42)


@pytest.mark.parametrize(
    "name,category,expected", [("周口店", None, "Zhoukoudian"), ("渤海湾", None, "Bohai Wan"), ("王村", "22200", "Wangcun")]
)
def test_one_word_villages_and_specialised_generics(name, category, expected):
    assert romanize(name, category=category) == expected


def test_the_numeral_zero_written_as_a_circle_is_one_syllable():
    # 〇 (U+3007) is filed among Unicode's symbols, not its ideographs; read as a letter it
    # shifted every syllable after it (the register once said "Silin Gsan Changshe Qujumin").
    assert romanize("四〇三厂社区居民委员会", category=categories.COMMUNITY) == "Silingsanchang Shequ Jumin Weiyuanhui"
    assert romanize("二〇二路", category=categories.ROAD, sign=True) == "ERLING'ER LU"
    assert pinyin_key("四〇三厂") == pinyin_key("四零三厂")
