"""Each normalisation and parsing rule of the geocoder, without a database."""

from __future__ import annotations

import pytest

from placenames.search.gazetteer import short_community_names
from placenames.search.normalize import chinese_number, is_latin, normalize, simplify
from placenames.search.parse import parse, strip_prefix
from placenames.search.pinyin import keys


@pytest.mark.parametrize(
    "text,expected",
    [
        ("子君路１２号", "子君路12号"),  # full-width digits
        ("子君路十二号", "子君路12号"),  # Chinese numerals before 号
        ("子君路12号附一号", "子君路12号附1号"),  # ... and after 附
        ("二环路5号", "二环路5号"),  # numerals inside a name stay
        ("關上街道", "关上街道"),  # traditional characters
        ("子君路 12 - 1 号", "子君路12-1号"),  # spaces; the hyphen between digits stays
        ("Zijun Lu", "zijunlu"),
        ("“子君路”，12号。", "子君路12号"),  # punctuation
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("text,number", [("十二", 12), ("一百零五", 105), ("二十", 20), ("二五", 25), ("十", 10), ("两百", 200)])
def test_chinese_number(text, number):
    assert chinese_number(text) == number


def test_a_malformed_numeral_is_left_as_typed():
    assert chinese_number("十十") is None
    assert normalize("子君路十十号") == "子君路十十号"
    assert normalize("子君路一千零八号") == "子君路1008号"


def test_simplify_and_latin_detection():
    assert simplify("雲南省昆明市官渡區") == "云南省昆明市官渡区"
    assert simplify("臺灣路") == "台湾路" and simplify("裡仁巷") == "里仁巷"  # Taiwan and Hong Kong variants too
    assert simplify("麵粉廠後街") == "面粉厂后街"  # characters the old hand-made table lacked
    assert simplify("乾元路著名瞭望台") == "乾元路著名瞭望台"  # simplified text stays as it is
    assert is_latin("zijun lu 12") and is_latin("ZJL") and not is_latin("子君路") and not is_latin("12")


def test_prefix_strip_keeps_landmarks_with_admin_words():
    assert strip_prefix("云南省昆明市官渡区子君路") == ("子君路", True)
    assert strip_prefix("昆明官渡古镇") == ("官渡古镇", False)  # 官渡古镇 is not 官渡区


@pytest.mark.parametrize(
    "text,road,number,suffix",
    [
        ("子君路12号附1号", "子君路", 12, "1"),
        ("子君路12-1号", "子君路", 12, "1"),
        ("子君路12之1", "子君路", 12, "1"),
        ("子君路12号", "子君路", 12, ""),
        ("子君路12", "子君路", 12, ""),
    ],
)
def test_door_number_suffix_grammar(text, road, number, suffix):
    parsed = parse(normalize(text))
    assert (parsed.road, parsed.number, parsed.suffix) == (road, number, suffix)
    assert parsed.number_text == (f"{number}-{suffix}" if suffix else str(number))


def test_admin_parts_and_sub_building():
    parsed = parse(normalize("云南省昆明市官渡区关上街道双桥社区子君路12号25幢2单元502室"))
    assert parsed.district and parsed.subdistrict == "关上街道" and parsed.community == "双桥社区"
    assert (parsed.road, parsed.number, parsed.building, parsed.unit, parsed.room) == ("子君路", 12, "25", "2", "502")
    assert parse("子君路25栋").building == "25" and parse("子君路25栋").number is None
    assert parse("子君路12号502号").room == "502"
    assert parse("子君路12号3楼").floor == "3"
    shortened = [parse(normalize(text)) for text in ("子君路12号3号楼2单元501室", "子君路12号3-2-501", "子君路12号3-2-501室")]
    assert {(p.number, p.building, p.unit, p.room, p.floor, p.rest) for p in shortened} == {(12, "3", "2", "501", None, "")}
    assert parse(normalize("子君路12-1号")).suffix == "1" and parse(normalize("子君路12-1号")).building is None


@pytest.mark.parametrize("text", ["子君路与锦西路交叉口", "子君路和锦西路交汇处", "子君路与锦西路"])
def test_intersections(text):
    assert parse(normalize(text)).intersection == ("子君路", "锦西路")


def test_pinyin_keys_cover_heteronyms():
    full, initials = keys("子君路")
    assert "zijunlu" in full and initials == {"zjl"}
    full, _ = keys("矣六街道")
    assert {"yiliujiedao", "yilujiedao"} <= full  # 六 read liu or lu


def test_short_community_names():
    assert short_community_names("双桥社区居民委员会") == ["双桥社区居民委员会", "双桥社区", "双桥社区居委会"]
