"""A door plate's side is stored in one code whoever writes it (placenames.sides): the
numbering engine, an import, or a hand-made record; the API speaks words."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
import sqlalchemy as sa

from cli.data_commands import registry
from gis import transfer
from gis.errors import InvalidInput
from placenames.models import DoorPlate
from placenames.sides import LEFT, RIGHT, side_code, side_word


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("L", LEFT),
        ("l", LEFT),
        ("left", LEFT),
        (" Left ", LEFT),
        ("左", LEFT),
        ("R", RIGHT),
        ("right", RIGHT),
        ("右侧", RIGHT),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_every_spelling_of_a_side_is_one_code(written, stored):
    assert side_code(written) == stored
    assert DoorPlate(side=written).side == stored


@pytest.mark.parametrize("written", ["north", "LR", "1"])
def test_a_value_that_is_no_side_is_refused(written):
    with pytest.raises(ValueError):
        side_code(written)


def test_the_api_speaks_words():
    assert (side_word(LEFT), side_word(RIGHT), side_word(None)) == ("left", "right", None)


def _plates_file(tmp_path, sides: list[str]):
    path = tmp_path / "plates.geojson"
    frame = gpd.GeoDataFrame(
        {
            "road_name": ["春城路"] * len(sides),
            "number": list(range(1, len(sides) + 1)),
            "number_text": [str(n) for n in range(1, len(sides) + 1)],
            "address": [f"春城路{n}号" for n in range(1, len(sides) + 1)],
            "side": sides,
        },
        geometry=[shapely.Point(102.70 + n / 10_000, 25.0) for n in range(len(sides))],
        crs="EPSG:4490",
    )
    frame.to_file(path)
    return path


def test_an_import_stores_codes_and_refuses_a_bad_side_whole(store, tmp_path):
    road_path = tmp_path / "road.geojson"
    gpd.GeoDataFrame(
        {"name": ["春城路"], "road_class": ["local"]}, geometry=[shapely.LineString([(102.70, 24.999), (102.71, 24.999)])], crs="EPSG:4490"
    ).to_file(road_path)
    transfer.import_file(store, registry().get("roads"), road_path, actor="officer")

    with pytest.raises(InvalidInput) as refused:
        transfer.import_file(store, registry().get("door_plates"), _plates_file(tmp_path, ["left", "north", "右"]), actor="officer")
    assert "side" in refused.value.en and refused.value.details["rows"] == [2]
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DoorPlate)) == 0  # nothing written

    transfer.import_file(store, registry().get("door_plates"), _plates_file(tmp_path, ["left", "L", "右"]), actor="officer")
    with store.read() as session:
        assert list(session.scalars(sa.select(DoorPlate.side).order_by(DoorPlate.number))) == [LEFT, LEFT, RIGHT]
