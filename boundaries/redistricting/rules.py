"""What a plan must satisfy: the planner's household bounds, counts and locks, as data."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gis.errors import InvalidInput


@dataclass(frozen=True)
class Rules:
    """Hard limits of a plan. ``targets`` maps a subdistrict to its (min, max) community count."""

    min_households: int = 5000
    max_households: int = 10000
    dense_max_households: int = 20000
    targets: dict[str, tuple[int, int]] = field(default_factory=dict)
    locked_blocks: frozenset[str] = frozenset()
    locked_communities: frozenset[str] = frozenset()

    def __post_init__(self):
        if not 0 <= self.min_households <= self.max_households <= self.dense_max_households:
            raise InvalidInput(
                "户数范围无效：须 0 ≤ 下限 ≤ 上限 ≤ 密集区上限",
                "Household bounds must satisfy 0 <= min <= max <= dense max",
            )
        for subdistrict, (low, high) in self.targets.items():
            if not 1 <= low <= high:
                raise InvalidInput(
                    f"街道 {subdistrict} 的社区数目标无效：{low}-{high}", f"Invalid community-count target for {subdistrict}: {low}-{high}"
                )

    # The household rule, in one place: the generator, the search, the exact divider and the
    # checks all ask these (scalars in the hot loops, arrays in the spanning-tree splits).
    def ceiling(self, all_dense: bool) -> int:
        """A community lies in a dense area only when every one of its blocks does."""
        return self.dense_max_households if all_dense else self.max_households

    def ceilings(self, all_dense: np.ndarray) -> np.ndarray:
        """``ceiling`` element-wise."""
        return np.where(all_dense, self.dense_max_households, self.max_households)

    def fits(self, households, ceiling):
        """Within [min, ceiling] (a bool, or a bool array for arrays)."""
        return (households >= self.min_households) & (households <= ceiling)

    def excess(self, households: int, ceiling: int) -> int:
        """Households outside [min, ceiling]: 0 when within (comparisons, not max(): the search asks this per move)."""
        low = self.min_households - households if households < self.min_households else 0
        return low + (households - ceiling if households > ceiling else 0)

    def may_hold(self, households: int, communities: int) -> bool:
        """Could ``communities`` communities share these households at all (dense ceilings, the loosest)?"""
        return self.min_households * communities <= households <= self.dense_max_households * communities


def parse_target(text: str, least: int = 1) -> tuple[str, tuple[int, int]]:
    """``拓东街道=5-8`` or ``530103001000=6`` → (subdistrict, (5, 8)); counts below ``least`` are refused."""
    name, sep, numbers = text.partition("=")
    low, _, high = numbers.partition("-")
    try:
        bounds = (int(low), int(high or low))
    except ValueError:
        bounds = None
    if not sep or not name.strip() or bounds is None or not least <= bounds[0] <= bounds[1]:
        raise InvalidInput(f"目标格式应为“街道=最少-最多”：{text}", f"A target reads SUBDISTRICT=MIN-MAX, got: {text}")
    return name.strip(), bounds
