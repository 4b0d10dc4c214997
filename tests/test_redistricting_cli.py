"""``diming redistrict`` end to end: files in, plan files out, exit codes; and the plan export formats."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from redistricting_grids import grid_blocks, vertical_road

from cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def blocks_file(tmp_path):
    """A 4x4 district of two subdistricts (west, east), 50 households per block, an arterial between columns 1 and 2."""
    path = tmp_path / "district.gpkg"
    blocks = grid_blocks([[50] * 4] * 4, subdistricts=[["W", "W", "E", "E"]] * 4)
    blocks.rename(columns={"code": "BLOCK_ID", "households": "HH"}).to_file(path, layer="blocks")
    vertical_road(1, 4).rename(columns={"road_class": "class"}).to_file(path, layer="roads")
    return path


def test_redistrict_a_file_into_a_geopackage(blocks_file, tmp_path):
    out = tmp_path / "plan.gpkg"
    result = run(
        "--db",
        str(tmp_path / "unused.gpkg"),
        "redistrict",
        "--blocks",
        str(blocks_file),
        "--out",
        str(out),
        "--min",
        "100",
        "--max",
        "200",
        "--id-column",
        "BLOCK_ID",
        "--households-column",
        "HH",
        "--targets",
        "W=2-2",
        "--targets",
        "E=2",
        "--seed",
        "4",
    )
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    assert [name for name, _ in pyogrio.list_layers(out)] == ["communities", "blocks"]
    communities = gpd.read_file(out, layer="communities")
    assert sorted(communities["subdistrict"]) == ["E", "E", "W", "W"]
    assert set(communities["households"]) == {200}
    assert (communities["premises_required_m2"] == 400).all()
    assert (communities["premises_by_households_m2"] == 40).all()
    blocks = gpd.read_file(out, layer="blocks")
    assert len(blocks) == 16 and blocks["community"].notna().all()
    assert set(blocks["community"]) == set(communities["community"])


def test_an_invalid_plan_is_written_flagged_and_exits_3(blocks_file, tmp_path):
    out = tmp_path / "plan.gpkg"
    result = run(
        "redistrict",
        "--blocks",
        str(blocks_file),
        "--out",
        str(out),
        "--min",
        "100",
        "--max",
        "200",
        "--id-column",
        "BLOCK_ID",
        "--households-column",
        "HH",
        "--targets",
        "W=1-1",
    )
    assert result.exit_code == 3
    assert "the target 1-1 cannot be met" in result.output and "无法满足目标" in result.output
    table = gpd.read_file(out, layer="violations")
    assert list(table["rule"]) == ["target-count", "infeasible-target"]


def test_csv_and_geojson_outputs_and_alternatives(blocks_file, tmp_path):
    args = [
        "redistrict",
        "--blocks",
        str(blocks_file),
        "--min",
        "100",
        "--max",
        "400",
        "--id-column",
        "BLOCK_ID",
        "--households-column",
        "HH",
    ]
    result = run(*args, "--out", str(tmp_path / "plan.csv"), "--alternatives", "2")
    assert result.exit_code == 0, result.output
    first, second = pd.read_csv(tmp_path / "plan.csv"), pd.read_csv(tmp_path / "plan-2.csv")
    assert list(first.columns) == ["block", "community"] and len(first) == len(second) == 16
    result = run(*args, "--out", str(tmp_path / "plan.geojson"), "--json")
    assert result.exit_code == 0, result.output
    assert len(gpd.read_file(tmp_path / "plan.geojson")) == first["community"].nunique()


def test_a_missing_column_is_a_clear_error(blocks_file, tmp_path):
    result = run("redistrict", "--blocks", str(blocks_file), "--out", str(tmp_path / "p.gpkg"))
    assert result.exit_code == 2
    assert "no 'code' column" in result.output and "街区数据缺少" in result.output


def test_an_unknown_output_format_is_refused(blocks_file, tmp_path):
    result = run(
        "redistrict",
        "--blocks",
        str(blocks_file),
        "--out",
        str(tmp_path / "p.kml"),
        "--id-column",
        "BLOCK_ID",
        "--households-column",
        "HH",
        "--min",
        "100",
        "--max",
        "400",
    )
    assert result.exit_code == 2


def test_an_unknown_subdistrict_is_a_clear_error(blocks_file, tmp_path):
    result = run(
        "--db",
        str(tmp_path / "x.gpkg"),
        "redistrict",
        "--blocks",
        str(blocks_file),
        "--out",
        str(tmp_path / "p.gpkg"),
        "--id-column",
        "BLOCK_ID",
        "--households-column",
        "HH",
        "--subdistrict",
        "北京街道",
    )
    assert result.exit_code == 2
    assert "北京街道" in result.output


def test_save_stores_the_plan_as_a_proposal(blocks_file, tmp_path, store):
    from boundaries.redistricting.proposals import get_plan, list_plans

    result = run(
        "--db",
        store.url,
        "redistrict",
        "--blocks",
        str(blocks_file),
        "--out",
        str(tmp_path / "p.gpkg"),
        "--id-column",
        "BLOCK_ID",
        "--households-column",
        "HH",
        "--min",
        "100",
        "--max",
        "200",
        "--targets",
        "W=2",
        "--targets",
        "E=2",
        "--save",
    )
    assert result.exit_code == 0, result.output
    [summary] = list_plans(store)
    stored = get_plan(store, summary["id"])
    assert stored["valid"] and len(stored["assignment"]) == 16
    assert sorted(f["properties"]["households"] for f in stored["communities"]["features"]) == [200, 200, 200, 200]


def _redistrict_file(blocks_file, tmp_path, *extra):
    return run(
        "--db",
        str(tmp_path / "unused.gpkg"),
        "redistrict",
        "--blocks",
        str(blocks_file),
        "--out",
        str(tmp_path / "plan.gpkg"),
        "--id-column",
        "BLOCK_ID",
        "--households-column",
        "HH",
        "--min",
        "100",
        "--max",
        "200",
        *extra,
    )


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (("--subdistrict", "Z"), "Unknown subdistrict 'Z'"),
        (("--subdistrict", "W", "--targets", "E=2"), "'E' is not in this run"),
        (("--lock-community", "999"), "Unknown locked communities: 999"),
        (("--lock-block", "nowhere"), "Unknown locked blocks: nowhere"),
    ],
)
def test_names_the_blocks_do_not_have_exit_2_before_any_plan_is_made(blocks_file, tmp_path, extra, named):
    result = _redistrict_file(blocks_file, tmp_path, *extra)
    assert result.exit_code == 2, result.output
    assert named in result.output and "Traceback" not in result.output
    assert not (tmp_path / "plan.gpkg").exists()


def test_negative_households_are_named_with_the_block_and_the_value(tmp_path):
    path = tmp_path / "bad.gpkg"
    blocks = grid_blocks([[50] * 4] * 4, subdistricts=[["W", "W", "E", "E"]] * 4)
    blocks.loc[5, "households"] = -7
    blocks.rename(columns={"code": "BLOCK_ID", "households": "HH"}).to_file(path, layer="blocks")
    result = _redistrict_file(path, tmp_path)
    assert result.exit_code == 2
    code = blocks.loc[5, "code"]
    assert f"街区 {code} 的户数无效（-7）" in result.output and f"Block {code}: households must be a whole number" in result.output


def test_new_communities_as_the_plan_writes_them(tmp_path):
    path = tmp_path / "district.gpkg"
    blocks = grid_blocks([[50] * 4] * 4, subdistricts=[["W", "W", "E", "E"]] * 4, communities=[["W1", "W1", "E1", "E1"]] * 4)
    blocks.rename(columns={"code": "BLOCK_ID", "households": "HH"}).to_file(path, layer="blocks")
    result = _redistrict_file(path, tmp_path, "--new", "W=1", "--new", "E=1-1", "--json")
    assert result.exit_code == 0, result.output
    communities = gpd.read_file(tmp_path / "plan.gpkg", layer="communities")
    assert sorted(communities["subdistrict"]) == ["E", "E", "W", "W"]  # one community each today, one more each
    refused = _redistrict_file(path, tmp_path, "--new", "W=-1")
    assert refused.exit_code == 2 and "SUBDISTRICT=MIN-MAX" in refused.output
