"""The benchmark's generated districts: a real planar partition, a river, households everywhere, feasible rules."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

from boundaries.redistricting import build_graph, propose
from gis.crs import STORAGE_CRS, measure_crs, reproject

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic_district import synthetic_district  # noqa: E402


@pytest.fixture(scope="module")
def district():
    return synthetic_district(300, seed=4)


def metric(frame):
    return reproject(np.asarray(frame.geometry.array), STORAGE_CRS, measure_crs())


def test_blocks_tile_the_district_without_gaps_or_overlaps(district):
    blocks = metric(district.blocks)
    assert 250 <= len(blocks) <= 350
    assert shapely.is_valid(blocks).all()
    whole = shapely.union_all(blocks)
    assert whole.geom_type == "Polygon" and len(whole.interiors) == 0  # one piece, no holes
    assert shapely.area(blocks).sum() == pytest.approx(whole.area, rel=1e-6)  # no overlaps


def test_every_block_has_households_heavy_tailed_with_dense_high_rise(district):
    b = district.blocks
    assert (b["households"] >= 50).all() and (b["households"] <= 4000).all()
    ordinary = b.loc[~b["dense"], "households"]
    assert (ordinary <= 800).mean() > 0.9  # most blocks 50-800
    assert b["dense"].any() and (b.loc[b["dense"], "households"] >= 1500).mean() > 0.4


def test_a_river_crosses_the_district_and_blocks_run_along_it(district):
    river = metric(district.river)[0]
    whole = shapely.union_all(metric(district.blocks))
    west, _, east, _ = whole.bounds
    assert river.length > 0.8 * (east - west)
    assert shapely.length(shapely.intersection(river, whole)) > 0.8 * river.length
    graph = build_graph(district.input())
    assert graph.edge_class_length[:, 0].sum() > 0.5 * river.length  # block edges on the river (class 'river')


def test_subdistricts_are_connected_and_their_targets_feasible(district):
    graph = build_graph(district.input())
    for code in sorted(set(graph.subdistricts)):
        assert len(graph.components(graph.blocks_of(code))) == 1
    proposal = propose(graph, district.rules(), seed=1)
    assert proposal.valid, proposal.violations[:3]


def test_same_seed_same_district_and_a_file_the_cli_reads(district, tmp_path):
    again = synthetic_district(300, seed=4)
    assert list(again.blocks["households"]) == list(district.blocks["households"])
    assert again.blocks.geometry.geom_equals_exact(district.blocks.geometry, 0).all()
    from boundaries.redistricting import from_file

    data = from_file(district.write_gpkg(tmp_path / "d.gpkg"))
    assert len(data.blocks) == len(district.blocks)
    assert set(data.lines["line_class"]) == {"river", "arterial", "secondary", "local"}
