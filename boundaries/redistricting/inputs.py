"""The redistricting input: blocks with households, plus the lines that bound them.

Everything downstream works on one normalised frame, whatever the source was
(a file, the database or the demo builder), so column mapping happens here once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis.errors import InvalidInput

#: Line classes, strongest boundary first; anything else counts as ``local``.
LINE_CLASSES = ("river", "arterial", "secondary", "local", "lane")
MAJOR_CLASSES = ("river", "arterial")

#: Normalised block columns (besides ``geometry``).
BLOCK_COLUMNS = ("code", "subdistrict", "households", "dense", "community")


@dataclass(frozen=True)
class ColumnMap:
    """Which source column holds each block attribute (the planner may rename them)."""

    code: str = "code"
    subdistrict: str = "subdistrict"
    households: str = "households"
    dense: str = "dense"
    community: str = "community"

    def resolve(self, columns) -> dict[str, str | None]:
        """Source column for each attribute; common aliases of the demo/database schema too."""
        aliases = {
            "code": [self.code, "block", "id", "block_code"],
            "subdistrict": [self.subdistrict, "subdistrict_code"],
            "households": [self.households],
            "dense": [self.dense],
            "community": [self.community, "community_code"],
        }
        found = {}
        for attribute, names in aliases.items():
            found[attribute] = next((name for name in names if name in columns), None)
        return found


@dataclass(frozen=True)
class RedistrictingInput:
    """Blocks (EPSG:4490, normalised columns) and bounding lines with a ``line_class``."""

    blocks: gpd.GeoDataFrame
    lines: gpd.GeoDataFrame | None = None

    def subdistricts(self) -> list[str]:
        return sorted(self.blocks["subdistrict"].unique())

    def only(self, subdistricts: list[str] | None) -> RedistrictingInput:
        """The input restricted to some subdistricts (all when ``None``)."""
        if not subdistricts:
            return self
        unknown = sorted(set(subdistricts) - set(self.blocks["subdistrict"]))
        if unknown:
            raise InvalidInput(f"输入中没有这些街道：{'、'.join(unknown)}", f"No blocks in subdistrict(s): {', '.join(unknown)}")
        kept = self.blocks[self.blocks["subdistrict"].isin(subdistricts)].reset_index(drop=True)
        return RedistrictingInput(kept, self.lines)


def normalise_blocks(frame: gpd.GeoDataFrame, columns: ColumnMap | None = None) -> gpd.GeoDataFrame:
    """Blocks with the columns of ``BLOCK_COLUMNS``; bad values are refused with their rows named."""
    source = (columns or ColumnMap()).resolve(frame.columns)
    for required in ("code", "subdistrict", "households"):
        if source[required] is None:
            raise InvalidInput(
                f"街区数据缺少“{required}”列（可用列：{', '.join(map(str, frame.columns))}）",
                f"The blocks have no '{required}' column (columns: {', '.join(map(str, frame.columns))})",
            )
    out = gpd.GeoDataFrame(
        {
            "code": frame[source["code"]].astype(str).to_numpy(),
            "subdistrict": frame[source["subdistrict"]].astype(str).to_numpy(),
            "households": pd.to_numeric(frame[source["households"]], errors="coerce").to_numpy(),
            "dense": _flags(frame[source["dense"]]) if source["dense"] else np.zeros(len(frame), bool),
            "community": _texts(frame[source["community"]]) if source["community"] else [None] * len(frame),
        },
        geometry=frame.geometry.to_numpy(),
        crs=frame.crs or "EPSG:4490",
    )
    _check_blocks(out)
    out["households"] = out["households"].astype(int)
    return out.to_crs("EPSG:4490") if out.crs.to_epsg() != 4490 else out


def _flags(values: pd.Series) -> np.ndarray:
    text = values.astype(str).str.strip().str.lower()
    return text.isin(["1", "true", "t", "yes", "y", "是"]).to_numpy()


def _texts(values: pd.Series) -> list[str | None]:
    return [None if (v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "") else str(v) for v in values]


def _check_blocks(blocks: gpd.GeoDataFrame) -> None:
    """Every bad block named with what is wrong, in both languages (the first 50 in ``details``)."""
    problems: list[dict[str, str]] = []
    for i in blocks.index[blocks["households"].isna() | (blocks["households"] < 0)]:
        code, value = blocks.at[i, "code"], blocks.at[i, "households"]
        shown = "空" if pd.isna(value) else f"{value:g}"
        problems.append(
            {
                "block": code,
                "zh": f"街区 {code} 的户数无效（{shown}）：须为不小于 0 的整数",
                "en": f"Block {code}: households must be a whole number of at least 0, not {'empty' if pd.isna(value) else f'{value:g}'}",
            }
        )
    for code in blocks["code"][blocks["code"].duplicated()]:
        problems.append({"block": code, "zh": f"街区编号 {code} 重复", "en": f"Block code {code} appears more than once"})
    types = blocks.geometry.geom_type
    for i in blocks.index[~types.isin(["Polygon", "MultiPolygon"])]:
        code = blocks.at[i, "code"]
        problems.append({"block": code, "zh": f"街区 {code} 不是面（{types[i]}）", "en": f"Block {code} is not a polygon ({types[i]})"})
    if problems:
        raise InvalidInput(
            f"街区数据有 {len(problems)} 处错误，如：{problems[0]['zh']}",
            f"The blocks have {len(problems)} problem(s), e.g. {problems[0]['en']}",
            details=problems[:50],
        )


def normalise_lines(frame: gpd.GeoDataFrame, class_column: str = "class") -> gpd.GeoDataFrame:
    """Lines with a ``line_class`` in ``LINE_CLASSES`` (unknown classes count as local)."""
    column = next((c for c in (class_column, "road_class", "waterway_class", "class") if c in frame.columns), None)
    if column is None:
        raise InvalidInput("道路图层缺少“class”列", "The roads layer has no 'class' column")
    classes = frame[column].astype(str).str.strip().str.lower()
    classes = classes.where(classes.isin(LINE_CLASSES), "local")
    out = gpd.GeoDataFrame({"line_class": classes.to_numpy()}, geometry=frame.geometry.to_numpy(), crs=frame.crs or "EPSG:4490")
    return out.to_crs("EPSG:4490") if out.crs.to_epsg() != 4490 else out


def from_frames(
    blocks: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame | None = None,
    waterways: gpd.GeoDataFrame | None = None,
    columns: ColumnMap | None = None,
) -> RedistrictingInput:
    """Input from GeoDataFrames, e.g. the demo layers (``waterways`` all count as river)."""
    parts = []
    if roads is not None and len(roads):
        parts.append(normalise_lines(roads))
    if waterways is not None and len(waterways):
        rivers = gpd.GeoDataFrame({"class": ["river"] * len(waterways)}, geometry=waterways.geometry.to_numpy(), crs=waterways.crs)
        parts.append(normalise_lines(rivers))
    lines = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4490") if parts else None
    return RedistrictingInput(normalise_blocks(blocks, columns), lines)


def from_file(
    path: str | Path, *, columns: ColumnMap | None = None, roads_path: str | Path | None = None, class_column: str = "class"
) -> RedistrictingInput:
    """Blocks from a GeoPackage (layer ``blocks``, optional layer ``roads``), Shapefile or GeoJSON."""
    import pyogrio

    from gis.io.read import read_layer

    path = Path(path)
    layers = []
    if path.suffix.lower() == ".gpkg" and path.is_file():
        layers = [name for name, _ in pyogrio.list_layers(path)]
    blocks = read_layer(path, layer="blocks" if "blocks" in layers else None)
    roads = None
    if roads_path is not None:
        roads = read_layer(roads_path)
    elif "roads" in layers:
        roads = read_layer(path, layer="roads")
    lines = normalise_lines(roads, class_column) if roads is not None and len(roads) else None
    return RedistrictingInput(normalise_blocks(blocks.drop(columns=["_row"], errors="ignore"), columns), lines)


def from_store(store, as_of: dt.date | None = None) -> RedistrictingInput:
    """Blocks, roads and waterways as stored in the database; with ``as_of``, each
    block's community is the one of the map valid that day (see ``communities_at``)."""
    from sqlalchemy import select

    from gis.basemap import Block, Road, Waterway

    with store.read() as session:
        blocks = session.execute(
            select(Block.code, Block.subdistrict_code, Block.households, Block.dense, Block.community_code, Block.geom)
        ).all()
        roads = session.execute(select(Road.road_class, Road.geom)).all()
        waters = session.execute(select(Waterway.geom)).all()
    if not blocks:
        raise InvalidInput("数据库中没有街区", "There are no blocks in the database")
    frame = gpd.GeoDataFrame(
        {
            "code": [r[0] for r in blocks],
            "subdistrict": [r[1] for r in blocks],
            "households": [r[2] for r in blocks],
            "dense": [bool(r[3]) for r in blocks],
            "community": [r[4] for r in blocks],
        },
        geometry=[r[5] for r in blocks],
        crs="EPSG:4490",
    )
    if as_of is not None:
        frame["community"] = communities_at(store, frame, as_of)
    road_frame = gpd.GeoDataFrame({"class": [r[0] for r in roads]}, geometry=[r[1] for r in roads], crs="EPSG:4490")
    water_frame = gpd.GeoDataFrame(geometry=[r[0] for r in waters], crs="EPSG:4490")
    return from_frames(frame, road_frame, water_frame)


def map_of(store, date: dt.date) -> list:
    """The unit versions in force on ``date``; a date with none (before the earliest version) is refused."""
    from boundaries.units import units_at

    units = units_at(store, date)
    if not units:
        raise InvalidInput(
            f"{date.isoformat()} 没有有效的区划单元（早于最早的版本）",
            f"No administrative unit is in force on {date.isoformat()} (before the earliest version)",
        )
    return units


def communities_at(store, blocks: gpd.GeoDataFrame, date: dt.date) -> list[str | None]:
    """The community of each block on ``date``: the community version in force that day
    whose outline holds the block's inner point (None: a blank area that day).

    Blocks store only today's community; the unit versions carry the past, so the map
    of any date is read from them rather than kept per block. A date before every
    stored unit version has no map and is refused.
    """
    units = map_of(store, date)
    communities = [u for u in units if u.level == "community" and u.geom is not None]
    if not communities:
        return [None] * len(blocks)
    outlines = gpd.GeoDataFrame({"unit": [u.code for u in communities]}, geometry=[u.geom for u in communities], crs="EPSG:4490")
    points = gpd.GeoDataFrame(geometry=blocks.geometry.representative_point().to_numpy(), crs="EPSG:4490")
    joined = gpd.sjoin(points, outlines, how="left", predicate="within")
    first = joined[~joined.index.duplicated()]["unit"].reindex(range(len(blocks)))
    return _texts(first)


def subdistrict_names(store) -> dict[str, str]:
    """Name → code of the subdistricts in force in the database (empty if there are none)."""
    from sqlalchemy import select

    from gis.basemap import AdminUnit

    with store.read() as session:
        rows = session.execute(
            select(AdminUnit.name, AdminUnit.code).where(AdminUnit.level == "subdistrict", AdminUnit.valid_to.is_(None))
        ).all()
    return {name: code for name, code in rows}
