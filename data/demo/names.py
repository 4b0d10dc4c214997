"""Road names: the real ones placed by hand, the rest generated and unique.

Why: the demo must carry the real roads that matter to the plan and the tests, and
every name must be unique in the district (地名管理条例 Art.9: 街路巷 names must not
repeat within one built-up area). Real names below are roads of 官渡区; their home
units are plausible placements for the synthetic network, not surveyed facts.
Everything else is GENERATED: a two-character 专名 from ``FIRST`` + ``SECOND``
and a 通名 by road class. Generated names are fictitious; any match with a real
road elsewhere is a coincidence.
"""

from __future__ import annotations

import numpy as np

ARTERIAL, SECONDARY, LOCAL, LANE = "arterial", "secondary", "local", "lane"
ROAD_CLASSES = (ARTERIAL, SECONDARY, LOCAL, LANE)

GUANSHANG, TAIHE, WUJING, JINMA = "530111001000", "530111002000", "530111003000", "530111004000"
XIAOBANQIAO, GUANDU, KAIFAQU = "530111005000", "530111006000", "530111402000"

# The ten roads given door plates in the 12th five-year plan period (shared/data/README.md).
PLATED_ROADS = ("环城东路", "子君路", "子泰路", "君安路", "广居路", "锦西路", "官城路", "福居路", "安和路", "昌宏西路")

# (real name, home subdistrict code, preferred class)
REAL_ROADS: tuple[tuple[str, str, str], ...] = (
    ("环城东路", WUJING, ARTERIAL),
    ("子君路", GUANSHANG, LOCAL),
    ("子泰路", GUANSHANG, LOCAL),
    ("君安路", GUANSHANG, LOCAL),
    ("昌宏西路", GUANSHANG, LOCAL),
    ("广居路", GUANDU, LOCAL),
    ("锦西路", GUANDU, LOCAL),
    ("官城路", GUANDU, LOCAL),
    ("福居路", GUANDU, LOCAL),
    ("安和路", GUANDU, LOCAL),
    # Other real roads of 官渡区.
    ("春城路", GUANSHANG, ARTERIAL),
    ("民航路", GUANSHANG, SECONDARY),
    ("日新路", GUANSHANG, LOCAL),
    ("国贸路", GUANSHANG, LOCAL),
    ("关上中路", GUANSHANG, LOCAL),
    ("关平路", GUANSHANG, SECONDARY),
    ("金马路", JINMA, ARTERIAL),
    ("广福路", GUANDU, ARTERIAL),
    ("彩云北路", XIAOBANQIAO, ARTERIAL),
    ("昆洛路", KAIFAQU, ARTERIAL),
)

FIRST = "金银福德瑞祥和安康宁兴盛昌宏荣华春秋云霞彩星明清新正光泰丰裕顺泽润嘉庆永长广茂秀雅翠碧锦景运达通鸿振文崇"
SECOND = "源林苑园泉湖溪桥岗坡坝村营庄堡塘湾庭轩阁坊城台亭峰岭川田梅兰竹菊桂荷松柏杉桃李杏枫榕禾谷穗晖宇屏畔湄渠"
GENERIC = {ARTERIAL: ("大道", "路"), SECONDARY: ("路",), LOCAL: ("路", "街"), LANE: ("巷",)}


class NameGenerator:
    """Draws generated road names that clash with nothing already used."""

    def __init__(self, rng: np.random.Generator, reserved: set[str]):
        self._rng = rng
        self._used = set(reserved)
        self._specifics = [a + b for a in FIRST for b in SECOND if a != b]
        self._order = rng.permutation(len(self._specifics))
        self._next = 0

    def name(self, road_class: str) -> str:
        generics = GENERIC[road_class]
        while self._next < len(self._order):
            specific = self._specifics[self._order[self._next]]
            self._next += 1
            candidate = specific + generics[int(self._rng.integers(len(generics)))]
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate
        raise RuntimeError("ran out of generated road names")
