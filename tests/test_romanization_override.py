"""An officer's romanization override is Hanyu Pinyin, and once set it is the one
spelling printed and served: the register, public search, geocoding, the OGC layer,
census files and signs (signs themselves: test_signs_romanization.py). Both backends."""

from __future__ import annotations

import csv

import pytest
from apitools import bearer, make_client
from guandu_units import add_units
from sqlalchemy import select

from gis.errors import InvalidInput
from placenames import census, register
from placenames.models import PlaceName

ROW = {
    "标准名称": "滇秀新路",
    "类别代码": "23510",
    "东经": "102.750",
    "北纬": "25.010",
    "坐标系": "2000",
    "使用时间": "现行",
    "所在(跨)行政区": "530111001000",
    "密级": "公开",
}


def write_csv(path, rows):
    headers = sorted({k for row in rows for k in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def loaded(store, tmp_path):
    add_units(store)
    source = tmp_path / "census.csv"
    write_csv(source, [ROW])
    census.import_census(store, source, actor="wang")
    with store.read() as session:
        return session.scalars(select(PlaceName).where(PlaceName.name == "滇秀新路")).one()


def test_the_rules_spell_the_imported_name(loaded):
    assert (loaded.romanization, loaded.romanization_override, loaded.generic_part) == ("Dianxiu Xinlu", None, "新路")


def test_an_english_override_is_refused_over_http_and_nothing_changes(store, loaded, tmp_path):
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    patch = {"version": loaded.version, "reason": "英文路名", "changes": {"romanization_override": "Dianxiu Road"}}
    refused = client.patch(f"/api/v1/names/{loaded.id}", json=patch, headers=officer)
    body = refused.get_json()
    assert refused.status_code == 400 and "英文" in body["message"]["zh"] and "Hanyu Pinyin" in body["message"]["en"]
    with store.read() as session:
        entry = session.get(PlaceName, loaded.id)
        assert (entry.romanization, entry.romanization_override, entry.version) == ("Dianxiu Xinlu", None, loaded.version)


def test_a_census_file_with_an_english_spelling_is_refused_by_row(store, tmp_path):
    add_units(store)
    source = tmp_path / "bad.csv"
    write_csv(source, [ROW, {**ROW, "标准名称": "滇秀路", "罗马字母拼写": "Dianxiu Road"}])
    with pytest.raises(InvalidInput) as refused:
        census.import_census(store, source, actor="wang")
    [problem] = refused.value.details
    assert problem["row"] == 3 and "英文" in problem["problem"] and "English" in problem["problem"]
    with store.read() as session:
        assert session.scalars(select(PlaceName)).all() == []


def test_the_override_is_served_everywhere(store, loaded, tmp_path):
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    patch = {"version": loaded.version, "reason": "当地读法", "changes": {"romanization_override": "Diānxiù Xīn Lù"}}
    updated = client.patch(f"/api/v1/names/{loaded.id}", json=patch, headers=officer)
    assert updated.status_code == 200 and updated.get_json()["romanization"] == "Diānxiù Xīn Lù"

    found = client.get("/api/v1/names/search", query_string={"q": "滇秀"}).get_json()["results"]
    assert [r["romanization"] for r in found] == ["Diānxiù Xīn Lù"]
    features = client.get("/ogc/collections/placenames/items?f=json").get_json()["features"]
    assert [f["properties"]["romanization"] for f in features if f["properties"]["name"] == "滇秀新路"] == ["Diānxiù Xīn Lù"]
    geocoded = client.get("/api/v1/search", query_string={"q": "滇秀新路"}).get_json()
    assert "Diānxiù Xīn Lù" in str(geocoded) and "Dianxiu Xinlu" not in str(geocoded)

    out = tmp_path / "out.csv"
    census.export_census(store, out)
    with out.open(encoding="gbk") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["罗马字母拼写"] == "Diānxiù Xīn Lù"
    with store.read() as session:
        assert register.spelling_of(session.get(PlaceName, loaded.id)) == "Diānxiù Xīn Lù"


def test_respell_follows_the_rules_but_keeps_overrides(store, loaded):
    with store.transaction(actor="wang", reason="an old rule's spelling") as session:
        entry = session.get(PlaceName, loaded.id)
        entry.romanization, entry.generic_part = "Dianxiuxin Lu", "路"
        session.add(
            PlaceName(name="统一路", category_code="23510", category_label="街、路、巷", romanization="Tong 1 Lu", status="current")
        )
        session.add(
            PlaceName(
                name="关上新路",
                category_code="23510",
                category_label="街、路、巷",
                romanization="Guanshangxin Lu",
                romanization_override="Guanshangxin Lu",
                status="current",
            )
        )
    assert register.respell(store, actor="wang") == 2
    with store.read() as session:
        spelled = dict(session.execute(select(PlaceName.name, PlaceName.romanization)).all())
    assert spelled == {"滇秀新路": "Dianxiu Xinlu", "统一路": "Tongyi Lu", "关上新路": "Guanshangxin Lu"}
    assert register.respell(store, actor="wang") == 0


def test_respell_from_the_command_line(store, loaded):
    from click.testing import CliRunner

    from cli import main

    with store.transaction(actor="wang", reason="an old rule's spelling") as session:
        session.add(PlaceName(name="唯一路", category_code="23510", category_label="街、路、巷", romanization="Wei 1 Lu", status="current"))
    result = CliRunner().invoke(main, ["--db", store.url, "names", "respell", "--actor", "wang"])
    assert result.exit_code == 0, result.output
    assert "重新拼写 1 name(s)" in result.output or "重新拼写 2 name(s)" in result.output
    with store.read() as session:
        assert session.scalar(select(PlaceName.romanization).where(PlaceName.name == "唯一路")) == "Weiyi Lu"
    again = CliRunner().invoke(main, ["--db", store.url, "names", "respell", "--actor", "wang"])
    assert "重新拼写 0 name(s)" in again.output
