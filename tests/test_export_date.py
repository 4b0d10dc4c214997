"""``diming export LAYER FILE --date``: the units in force on that day, past versions included."""

from __future__ import annotations

import pyogrio
from click.testing import CliRunner
from test_reorganisation_checks import DISTRICT, WHEN, A, B, NewUnit, area, seed

from boundaries.units import reorganise


def test_export_the_map_of_a_date(store, tmp_path):
    from cli import main

    seed(store)
    merged = NewUnit("530111006000", "己街道", "subdistrict", DISTRICT, area(0, 0, 2000, 2000))
    reorganise(store, kind="merge", effective=WHEN, close=[A, B], add=[merged], actor="w", reason="合并")
    runner = CliRunner()

    def export(*args):
        return runner.invoke(main, ["--db", store.url, "export", *args])

    for date, expected in (("2023-12-31", [A, B, "530111003000"]), ("2024-01-01", ["530111003000", "530111006000"])):
        out = tmp_path / f"sub-{date}.geojson"
        done = export("subdistricts", str(out), "--date", date)
        assert done.exit_code == 0, done.output
        frame = pyogrio.read_dataframe(out)
        assert sorted(frame["code"]) == expected
    past = pyogrio.read_dataframe(tmp_path / "sub-2023-12-31.geojson")
    assert set(past.loc[past["code"] == A, "valid_to"].astype(str)) == {"2024-01-01"}  # the closed version, with its end
    assert export("subdistricts", str(tmp_path / "early.geojson"), "--date", "1999-12-31").exit_code == 0
    assert len(pyogrio.read_dataframe(tmp_path / "early.geojson")) == 0
    today = export("subdistricts", str(tmp_path / "today.geojson"))  # no --date: today's map, as before
    assert sorted(pyogrio.read_dataframe(tmp_path / "today.geojson")["code"]) == ["530111003000", "530111006000"], today.output
    bad = export("subdistricts", str(tmp_path / "x.geojson"), "--date", "2024-13-01")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output and "Traceback" not in bad.output
    undated = export("blocks", str(tmp_path / "blocks.geojson"), "--date", "2024-01-01")
    assert undated.exit_code == 2 and "no --date export" in undated.output and not (tmp_path / "blocks.geojson").exists()
