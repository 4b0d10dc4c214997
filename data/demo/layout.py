"""Where the 13 subdistrict-level units sit, how big and how populous they are.

Why hand-written: the real unit boundaries are not public, so the demo places each
real unit plausibly instead. Anchors follow the real geography of 官渡区 (CGCS2000
lon/lat, approximate): the dense urban subdistricts in the west and north-west next
to the city centre, 官渡/矣六/六甲 in the south-west arm by 滇池, 小板桥 and the
economic development zone in the centre, the large rural units in the east and
north-east. Areas and household shares are rough, plausible guesses, not statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

DENSE, MEDIUM, SPARSE = "dense", "medium", "sparse"


@dataclass(frozen=True)
class UnitPlan:
    code: str
    lon: float
    lat: float
    area_km2: float  # relative target; rescaled to the real outline area
    household_share: float  # percent of the district's households
    density: str  # DENSE / MEDIUM / SPARSE


PLANS: tuple[UnitPlan, ...] = (
    UnitPlan("530111001000", 102.742, 25.008, 22, 11.1, DENSE),  # 关上
    UnitPlan("530111002000", 102.741, 25.041, 6, 7.0, DENSE),  # 太和
    UnitPlan("530111003000", 102.722, 25.028, 6, 9.6, DENSE),  # 吴井
    UnitPlan("530111004000", 102.788, 25.045, 30, 10.6, DENSE),  # 金马
    UnitPlan("530111005000", 102.795, 24.990, 56, 9.9, MEDIUM),  # 小板桥
    UnitPlan("530111006000", 102.752, 24.950, 21, 9.9, MEDIUM),  # 官渡
    UnitPlan("530111007000", 102.716, 24.975, 24, 12.7, MEDIUM),  # 矣六
    UnitPlan("530111008000", 102.690, 24.925, 19, 7.2, MEDIUM),  # 六甲
    UnitPlan("530111402000", 102.848, 24.990, 20, 4.1, MEDIUM),  # 昆明经济技术开发区
    UnitPlan("530111010000", 102.862, 25.055, 60, 4.8, SPARSE),  # 阿拉
    UnitPlan("530111009000", 102.950, 25.030, 180, 5.9, SPARSE),  # 大板桥
    UnitPlan("530111011000", 102.925, 25.115, 70, 3.6, SPARSE),  # 长水
    UnitPlan("530111012000", 102.985, 25.200, 130, 3.6, SPARSE),  # 小哨
)

# The old city centre (近日楼 area, just outside the district): urban density falls off from here.
CITY_CENTRE_LONLAT = (102.713, 25.043)
