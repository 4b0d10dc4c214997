"""A proposal as files and frames: dissolved communities with their figures, and blocks with their community.

GeoPackage: layers ``communities``, ``blocks`` and ``violations`` (no geometry).
GeoJSON: the communities (a GeoJSON file holds one layer). CSV: block → community.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from boundaries.redistricting import metrics
from gis.errors import UnsupportedFormat

#: File formats of a plan, by the name a client asks for.
FORMATS = ("gpkg", "geojson", "csv")
VIOLATION_COLUMNS = ["kind", "rule", "subject", "zh", "en"]
#: Columns of the communities layer, in file order (besides ``geometry``).
COMMUNITY_COLUMNS = [
    "community",
    "subdistrict",
    "households",
    "blocks",
    "dense",
    "area_m2",
    "polsby_popper",
    "boundary_major_share",
    "premises_floor_m2",
    "premises_by_households_m2",
    "premises_required_m2",
    "violations",
]


def communities_frame(proposal) -> gpd.GeoDataFrame:
    """One row per community: dissolved polygon (EPSG:4490), households, premises, metrics, violations."""
    plan = proposal.plan
    g = plan.graph
    pp = metrics.polsby_popper(plan)
    major = metrics.community_major_share(plan)
    floor, per_households = metrics.premises(plan.households)
    by_subject: dict[str, list[str]] = {}
    for v in proposal.violations:
        by_subject.setdefault(v.subject, []).append(v.zh + " / " + v.en)
    rows = []
    for i, (label, members) in enumerate(zip(plan.labels, plan.members, strict=False)):
        if not len(members):
            continue
        rows.append(
            {
                "community": label,
                "subdistrict": plan.subdistrict[i],
                "households": int(plan.households[i]),
                "blocks": int(len(members)),
                "dense": bool(plan.all_dense[i]),
                "area_m2": round(float(plan.areas[i]), 1),
                "polsby_popper": round(float(pp[i]), 4),
                "boundary_major_share": round(float(major[i]), 4),
                "premises_floor_m2": float(floor[i]),
                "premises_by_households_m2": float(per_households[i]),
                "premises_required_m2": float(max(floor[i], per_households[i])),
                "violations": "; ".join(by_subject.get(label, [])),
                "geometry": shapely.union_all(g.geoms[members]),
            }
        )
    return gpd.GeoDataFrame(rows, columns=[*COMMUNITY_COLUMNS, "geometry"], geometry="geometry", crs="EPSG:4490")


def blocks_frame(proposal) -> gpd.GeoDataFrame:
    """The input blocks with their current (``previous``) and proposed (``community``) community."""
    g = proposal.plan.graph
    mapping = proposal.plan.community_of()
    return gpd.GeoDataFrame(
        {
            "code": g.codes,
            "subdistrict": list(g.subdistricts),
            "households": g.households,
            "dense": g.dense,
            "previous": g.communities,
            "community": [mapping[c] for c in g.codes],
        },
        geometry=list(g.geoms),
        crs="EPSG:4490",
    )


def violations_frame(proposal) -> pd.DataFrame:
    return violations_table([v.to_dict() for v in proposal.violations], [f.to_dict() for f in proposal.findings])


def write_plan(proposal, path: str | Path) -> Path:
    """Write ``proposal`` to ``path``; the format follows the extension (.gpkg, .geojson, .csv)."""
    return write_frames(path, communities_frame(proposal), blocks_frame(proposal), violations_frame(proposal))


def violations_table(violations: list[dict], findings: list[dict]) -> pd.DataFrame:
    """Violations and findings as stored (dicts with rule, subject, zh, en) in one table."""
    rows = [{"kind": "violation", **v} for v in violations] + [{"kind": "finding", **f} for f in findings]
    return pd.DataFrame(rows, columns=VIOLATION_COLUMNS)


def write_frames(path: str | Path, communities: gpd.GeoDataFrame, blocks: gpd.GeoDataFrame, violations: pd.DataFrame) -> Path:
    """Write a plan given as frames (a fresh proposal or a stored one); the extension picks the format."""
    from gis.io.write import write_layer

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"block": blocks["code"], "community": blocks["community"]}).to_csv(path, index=False, encoding="utf-8")
    elif suffix == ".geojson":
        path.unlink(missing_ok=True)
        write_layer(communities, path)
    elif suffix == ".gpkg":
        import pyogrio

        path.unlink(missing_ok=True)
        write_layer(communities, path, layer="communities")
        write_layer(blocks, path, layer="blocks")
        if len(violations):
            pyogrio.write_dataframe(violations, path, layer="violations")
    else:
        raise UnsupportedFormat(
            f"方案只能导出为 .gpkg、.geojson 或 .csv：{path.name}", f"A plan is written as .gpkg, .geojson or .csv, not {path.name}"
        )
    return path


def alternative_path(path: str | Path, index: int, count: int) -> Path:
    """``plan.gpkg`` → ``plan.gpkg`` for a single plan, ``plan-2.gpkg`` for the second of several."""
    path = Path(path)
    if count <= 1 or index == 0:
        return path
    return path.with_name(f"{path.stem}-{index + 1}{path.suffix}")


def plan_rows(proposal) -> list[dict]:
    """Block → community pairs (for storing a proposal)."""
    return [{"block": code, "community": label} for code, label in proposal.plan.community_of().items()]


__all__ = [
    "FORMATS",
    "alternative_path",
    "blocks_frame",
    "communities_frame",
    "plan_rows",
    "violations_frame",
    "violations_table",
    "write_frames",
    "write_plan",
]
