"""The register as officers browse it, on both backends: GET /api/v1/names searches by
name and pinyin, filters by category, status and subdistrict, pages with a total; one
entry carries its area, category words, override and applications; an application
shows its spelling, area and old name; a filer's justification is kept."""

from __future__ import annotations

import pytest
from apitools import bearer, make_client
from guandu_units import add_units

from placenames import applications, register

LINE = {"type": "LineString", "coordinates": [[102.75, 25.01], [102.76, 25.012]]}
LIUJIA = "530111008000"  # 六甲街道
GUANSHANG = "530111001000"  # 关上街道


@pytest.fixture
def client(store, tmp_path):
    add_units(store)
    return make_client(store, tmp_path)


@pytest.fixture
def officer(store):
    return bearer(store, "wang", "placename_officer")


def add_name(store, name: str, category: str = "23510", *, admin_code: str | None = LIUJIA, status: str = "current", override=None):
    from placenames.models import PlaceName

    with store.transaction(actor="test", reason="register fixture") as session:
        entry = PlaceName(**register.spelling(name, category, override=override), admin_code=admin_code, status=status, geom=None)
        session.add(entry)
        session.flush()
        return entry.id


def test_search_by_name_and_pinyin_with_filters_and_pages(store, client, officer):
    ids = {n: add_name(store, n) for n in ("子君东路", "子君西路", "子泰路")}
    add_name(store, "关上中路", admin_code=GUANSHANG)
    add_name(store, "旧子君桥", "23610", status="retired")

    def names(query):
        response = client.get(f"/api/v1/names?{query}", headers=officer)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        return [n["name"] for n in body["names"]], body["total"]

    assert names("q=子君&status=current") == (["子君东路", "子君西路"], 2)
    assert names("q=zijun%20donglu") == (["子君东路"], 1)  # the romanization, any case and spacing
    assert names("q=ZIJUNXI") == (["子君西路"], 1)  # the pinyin key, without spaces
    assert names("q=子君&status=retired") == (["旧子君桥"], 1)
    assert names(f"subdistrict={GUANSHANG}") == (["关上中路"], 1)
    assert names("category=23610") == (["旧子君桥"], 1)
    first, total = names(f"subdistrict={LIUJIA}&status=current&limit=2&offset=0")
    second, _ = names(f"subdistrict={LIUJIA}&status=current&limit=2&offset=2")
    assert total == 3 and len(first) == 2 and len(second) == 1 and set(first + second) == {"子君东路", "子君西路", "子泰路"}
    row = client.get("/api/v1/names?q=子泰路", headers=officer).get_json()["names"][0]
    assert row["id"] == ids["子泰路"] and row["area"] == {"code": LIUJIA, "name": "六甲街道"}
    assert row["category_words"]["zh"].startswith("23510 ") and row["romanization"] == "Zitai Lu"


def test_bad_filters_are_refused_in_both_languages(client, officer):
    for query, word in (("status=gone", "status"), ("subdistrict=5301", "subdistrict"), ("limit=0", "limit")):
        response = client.get(f"/api/v1/names?{query}", headers=officer)
        assert response.status_code == 400, query
        body = response.get_json()
        assert body["message"]["zh"] and word in body["message"]["en"]
    assert client.get("/api/v1/names").status_code == 401  # officers only


def test_one_entry_with_area_override_and_applications(store, client, officer):
    name_id = add_name(store, "子君东路", override="Zǐjūn Dōnglù")
    data = {"kind": "rename", "place_name_id": name_id, "proposed_name": "子君大道", "reasons": "道路拓宽", "applicant_name": "张三"}
    app_id = applications.create_application(store, data, actor="wang")
    entry = client.get(f"/api/v1/names/{name_id}", headers=officer).get_json()
    assert entry["romanization"] == "Zǐjūn Dōnglù" and entry["rules_romanization"] == "Zijun Donglu"
    assert entry["area"] == {"code": LIUJIA, "name": "六甲街道"}
    listed = [(a["id"], a["kind"], a["state"], a["proposed_name"]) for a in entry["applications"]]
    assert listed == [(app_id, "rename", "applied", "子君大道")]
    view = client.get(f"/api/v1/applications/{app_id}", headers=officer).get_json()
    assert view["former_name"] == "子君东路" and view["romanization"] == "Zijun Dadao"
    assert view["area"] == {"code": LIUJIA, "name": "六甲街道"}


def test_a_filed_justification_is_kept_for_the_review(store, client, officer):
    body = {
        "kind": "name",
        "proposed_name": "子君东路",
        "category_code": "23510",
        "admin_code": LIUJIA,
        "geometry": LINE,
        "reasons": "新建道路",
        "applicant_name": "张三",
        "justification": "  沿用片区习惯名称  ",
    }
    response = client.post("/api/v1/applications", json=body, headers=officer)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["justification"] == "沿用片区习惯名称"
    assert created["area"]["name"] == "六甲街道" and created["romanization"] == "Zijun Donglu"
    assert created["geometry"]["type"] == "LineString"
