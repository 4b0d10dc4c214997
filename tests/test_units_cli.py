"""``diming units list|history|reorganise [--preview]``: the same JSON and checks as the API."""

from __future__ import annotations

import json

from click.testing import CliRunner
from shapely.geometry import Polygon, mapping
from test_reorganisation_checks import A1, A2, DISTRICT, A, B, C, area, seed

from boundaries.units import history


def run(store, *args):
    from cli import main

    return CliRunner().invoke(main, ["--db", store.url, "units", *args])


def change_file(tmp_path, geometry, name="change.json"):
    body = {
        "kind": "boundary-change",
        "effective": "2024-01-01",
        "close": [A],
        "reason": "界线调整",
        "document": "区政府〔2023〕9号",
        "add": [{"code": A, "name": "甲街道", "level": "subdistrict", "parent_code": DISTRICT, "geometry": mapping(geometry)}],
    }
    path = tmp_path / name
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def test_list_and_history(store):
    seed(store)
    listed = run(store, "list", "--level", "subdistrict")
    assert listed.exit_code == 0 and "甲街道" in listed.output and "3 units in force" in listed.output
    children = json.loads(run(store, "list", "--parent", A, "--json").output)
    assert [u["code"] for u in children["units"]] == [A1, A2]
    assert json.loads(run(store, "list", "--date", "1999-12-31", "--json").output)["units"] == []
    assert run(store, "list", "--date", "yesterday").exit_code == 2
    shown = json.loads(run(store, "history", A, "--json").output)
    assert shown["versions"][0]["valid_from"] == "2000-01-01" and shown["changes"] == []
    missing = run(store, "history", "530111999000")
    assert missing.exit_code == 2 and "No administrative unit" in missing.output


def test_reorganise_preview_then_refused_then_saved(store, tmp_path):
    seed(store)
    holed = Polygon(area(0, 0, 1000, 2000).exterior.coords, [area(400, 800, 600, 1200).exterior.coords])
    bad = change_file(tmp_path, holed)
    ahead = run(store, "reorganise", str(bad), "--preview")
    assert ahead.exit_code == 1 and "new (blocking)" in ahead.output and "[gap]" in ahead.output
    as_json = json.loads(run(store, "reorganise", str(bad), "--preview", "--json").output)
    assert as_json["ok"] is False and {f["rule"] for f in as_json["blocking"]} >= {"gap", "child-crosses-parent"}
    refused = run(store, "reorganise", str(bad), "--actor", "wang")
    assert refused.exit_code == 2 and "空隙" in refused.output and "Traceback" not in refused.output
    assert history(store, A)["changes"] == []

    good = change_file(tmp_path, area(0, 0, 1000, 2000), "good.json")
    assert run(store, "reorganise", str(good), "--preview").exit_code == 0
    saved = run(store, "reorganise", str(good), "--actor", "wang")
    assert saved.exit_code == 0, saved.output
    record = history(store, A)
    assert [c.document for c in record["changes"]] == ["区政府〔2023〕9号"] and len(record["versions"]) == 2
    assert history(store, B)["changes"] == [] and history(store, C)["changes"] == []

    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert run(store, "reorganise", str(broken)).exit_code == 2
    broken.write_text(json.dumps({"kind": "merge", "close": [A], "effective": "soon"}), encoding="utf-8")
    wrong = run(store, "reorganise", str(broken))
    assert wrong.exit_code == 2 and "effective" in wrong.output and "Traceback" not in wrong.output
