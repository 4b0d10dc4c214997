"""`diming audit export`: the whole log, in order, filterable, as JSON Lines or CSV."""

from __future__ import annotations

import csv
import json

import shapely
from click.testing import CliRunner

from cli import main
from gis.basemap import Road
from gis.storage import audit_export


def make_history(store):
    with store.transaction(actor="officer-a", reason="新建") as session:
        road = Road(name="春城路", road_class="arterial", geom=shapely.LineString([(102.7, 25.0), (102.71, 25.01)]))
        session.add(road)
    with store.transaction(actor="officer-b", reason="更名") as session:
        session.get(Road, road.id).name = "春城东路"
    return road


def test_export_jsonl_keeps_order_and_content(store, tmp_path):
    make_history(store)
    path = tmp_path / "audit.jsonl"
    assert audit_export.export(store, path) == 2
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["actor"], e["reason"]) for e in lines] == [("insert", "officer-a", "新建"), ("update", "officer-b", "更名")]
    assert lines[1]["before"]["name"] == "春城路" and lines[1]["after"]["name"] == "春城东路"


def test_export_csv_filtered_by_table_via_cli(store, tmp_path):
    make_history(store)
    path = tmp_path / "audit.csv"
    result = CliRunner().invoke(main, ["--db", store.url, "audit", "export", str(path), "--table", "roads"])
    assert result.exit_code == 0 and "exported 2" in result.output
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["actor"] for r in rows] == ["officer-a", "officer-b"]
    assert json.loads(rows[1]["after"])["name"] == "春城东路"
    none = CliRunner().invoke(main, ["--db", store.url, "audit", "export", str(tmp_path / "x.jsonl"), "--table", "door_plates"])
    assert "exported 0" in none.output


def test_export_refuses_unknown_format(store, tmp_path):
    result = CliRunner().invoke(main, ["--db", store.url, "audit", "export", str(tmp_path / "audit.xlsx")])
    assert result.exit_code == 2 and ".jsonl" in result.output
