"""The names JSON API on both backends: roles, the whole procedure over HTTP, 409s,
anonymous comments, and public visibility (OGC collection) before and after approval."""

from __future__ import annotations

import datetime as dt

import pytest
from apitools import make_client
from guandu_units import add_units

from accounts import service
from gis.storage import utcnow
from placenames import procedure


@pytest.fixture
def client(store, tmp_path):
    return make_client(store, tmp_path)


@pytest.fixture
def officer(store):
    service.add_user(store, "wang", ["placename_officer"], actor="admin")
    token, _ = service.issue_token(store, "wang", actor="admin")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def chief(store):
    """A second officer: the four-eyes rule lets only someone other than the filer approve."""
    service.add_user(store, "chen", ["placename_officer"], actor="admin")
    token, _ = service.issue_token(store, "chen", actor="admin")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def units(store):
    add_units(store)


@pytest.fixture
def planner(store):
    service.add_user(store, "li", ["planner"], actor="admin")
    token, _ = service.issue_token(store, "li", actor="admin")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def clock(monkeypatch):
    state = {"now": utcnow()}
    monkeypatch.setattr(procedure, "now", lambda: state["now"])
    return state


APPLICATION = {
    "kind": "name",
    "proposed_name": "子泰东路",
    "category_code": "23510",
    "admin_code": "530111008000",
    "geometry": {"type": "LineString", "coordinates": [[102.75, 25.01], [102.76, 25.012]]},
    "location_description": "东起宝象河，西至子泰路",
    "reasons": "新建道路需要命名",
    "applicant_name": "张三",
    "applicant_contact": "13800000000",
}


def move(client, headers, app_id, action, **data):
    return client.post(
        f"/api/v1/applications/{app_id}/transitions", json={"action": action, "reason": f"{action} ok", **data}, headers=headers
    )


def public_names(client):
    body = client.get("/ogc/collections/placenames/items?f=json").get_json()
    return sorted(f["properties"]["name"] for f in body["features"]), body["features"]


def test_writes_need_the_officer_role(client, officer, planner):
    assert client.post("/api/v1/applications", json=APPLICATION).status_code == 401
    assert client.post("/api/v1/applications", json=APPLICATION, headers=planner).status_code == 403
    assert client.get("/api/v1/applications", headers=planner).status_code == 403
    assert client.get("/api/v1/deadlines").status_code == 401
    created = client.post("/api/v1/applications", json=APPLICATION, headers=officer)
    assert created.status_code == 201 and created.get_json()["state"] == "applied"
    bad = client.post("/api/v1/applications", json={**APPLICATION, "reasons": ""}, headers=officer)
    assert bad.status_code == 400 and bad.get_json()["message"]["zh"]


def test_full_procedure_over_http_with_public_comments_and_visibility(client, officer, chief, clock):
    app_id = client.post("/api/v1/applications", json=APPLICATION, headers=officer).get_json()["id"]
    assert public_names(client)[0] == []
    early = move(client, officer, app_id, "approve", approving_body="昆明市人民政府", approval_document="昆政复〔2026〕7号")
    assert early.status_code == 409 and early.get_json()["message"]["en"]
    assert move(client, officer, app_id, "accept").status_code == 200
    check = client.post("/api/v1/names/check", json={"name": "子泰东路", "category": "23510"}, headers=officer).get_json()
    assert check["has_errors"] is False and "same_pinyin_in_district" in check["statistics"]
    assert move(client, officer, app_id, "review", officer_opinion="符合命名规则").status_code == 200
    assert client.post(f"/api/v1/notices/{app_id}/comments", json={"body": "早了"}).status_code == 409
    assert move(client, officer, app_id, "start_notice").status_code == 200
    notices = client.get("/api/v1/notices").get_json()["notices"]
    assert [n["proposed_name"] for n in notices] == ["子泰东路"]
    assert "applicant_name" not in notices[0] and "13800000000" not in str(notices)
    posted = client.post(
        f"/api/v1/notices/{app_id}/comments", json={"body": "赞成", "author_name": "赵六", "author_contact": "zhao@example.cn"}
    )
    assert posted.status_code == 201
    assert client.post(f"/api/v1/notices/{app_id}/comments", json={"body": "  "}).status_code == 400
    shown = client.get(f"/api/v1/notices/{app_id}").get_json()["comments"]
    assert shown[0]["body"] == "赞成" and "赵六" not in str(shown)
    officer_comments = client.get(f"/api/v1/applications/{app_id}/comments", headers=officer).get_json()["comments"]
    assert officer_comments[0]["author_name"] == "赵六"
    assert move(client, chief, app_id, "approve", approving_body="昆明市人民政府", approval_document="x").status_code == 409
    clock["now"] += dt.timedelta(days=7, minutes=1)
    version = client.get(f"/api/v1/applications/{app_id}", headers=officer).get_json()["version"]
    assert move(client, chief, app_id, "approve", version=version - 1, approving_body="a", approval_document="b").status_code == 409
    own = move(client, officer, app_id, "approve", version=version, approving_body="昆明市人民政府", approval_document="昆政复〔2026〕7号")
    assert own.status_code == 403 and "四眼" in own.get_json()["message"]["zh"] and "Four-eyes" in own.get_json()["message"]["en"]
    approved = move(
        client, chief, app_id, "approve", version=version, approving_body="昆明市人民政府", approval_document="昆政复〔2026〕7号"
    )
    assert approved.status_code == 200 and approved.get_json()["filing_due"] == (procedure.today() + dt.timedelta(days=15)).isoformat()
    due = client.get("/api/v1/deadlines?within=15", headers=officer).get_json()["deadlines"]
    assert [d["duty"] for d in due] == ["filing", "announcement"]
    assert public_names(client)[0] == []
    assert move(client, officer, app_id, "announce").status_code == 409
    assert move(client, officer, app_id, "file", filed_with="云南省民政厅").status_code == 200
    announced = move(client, officer, app_id, "announce").get_json()
    assert announced["state"] == "announced" and announced["announcement"]["romanization"] == "Zitai Donglu"
    names, features = public_names(client)
    assert names == ["子泰东路"]
    assert features[0]["properties"]["romanization"] == "Zitai Donglu"
    assert "张三" not in str(features) and "13800000000" not in str(features)
    record = client.get(f"/api/v1/names/{announced['place_name_id']}", headers=officer).get_json()
    assert record["status"] == "current" and record["generic_part"] == "东路"
    history = client.get(f"/api/v1/names/{announced['place_name_id']}/history", headers=officer).get_json()["history"]
    assert history[0]["action"] == "insert" and history[-1]["after"]["status"] == "current"


def test_public_reads(client):
    spelled = client.get("/api/v1/names/romanize", query_string={"text": "中山东路"}).get_json()
    assert (spelled["romanization"], spelled["sign"], spelled["tones"]) == ("Zhongshan Donglu", "ZHONGSHAN DONGLU", "Zhōngshān Dōnglù")
    assert client.get("/api/v1/names/romanize").status_code == 400
    codes = [c["code"] for c in client.get("/api/v1/names/categories").get_json()["categories"]]
    assert "23510" in codes
    assert client.get("/api/v1/names/search", query_string={"q": "无此名"}).get_json() == {"results": []}
    assert client.get("/api/v1/notices/999").status_code == 404


def test_officer_lists_and_corrects_a_name_with_override_and_version(client, officer, store):
    from placenames import divisions

    divisions.import_divisions(store, actor="wang")
    listed = client.get("/api/v1/names?category=21500&status=current", headers=officer).get_json()["names"]
    assert len(listed) == 12
    target = next(n for n in listed if n["name"] == "矣六街道")
    patch = {
        "version": target["version"],
        "reason": "当地读音",
        "changes": {"romanization_override": "Yiliu Jiedao", "meaning": "因矣六村得名"},
    }
    assert client.patch(f"/api/v1/names/{target['id']}", json=patch).status_code == 401
    updated = client.patch(f"/api/v1/names/{target['id']}", json=patch, headers=officer)
    assert (
        updated.status_code == 200
        and updated.get_json()["romanization"] == "Yiliu Jiedao"
        and updated.get_json()["meaning"] == "因矣六村得名"
    )
    stale = client.patch(f"/api/v1/names/{target['id']}", json=patch, headers=officer)
    assert stale.status_code == 409
    renamed = client.patch(
        f"/api/v1/names/{target['id']}", json={**patch, "version": target["version"] + 1, "changes": {"name": "别的名字"}}, headers=officer
    )
    assert renamed.status_code == 400 and "name" in renamed.get_json()["details"]["fields"]


def test_withdraw_over_http_before_the_decision_only(client, officer, clock):
    app_id = client.post("/api/v1/applications", json=APPLICATION, headers=officer).get_json()["id"]
    assert move(client, officer, app_id, "accept").get_json()["next_actions"] == ["review", "reject", "withdraw"]
    assert client.post(f"/api/v1/applications/{app_id}/transitions", json={"action": "withdraw"}, headers=officer).status_code == 400
    withdrawn = move(client, officer, app_id, "withdraw", reason="申请人撤回")
    body = withdrawn.get_json()
    assert withdrawn.status_code == 200 and (body["state"], body["state_label"]["zh"], body["decision_reason"]) == (
        "withdrawn",
        "已撤回",
        "申请人撤回",
    )
    again = move(client, officer, app_id, "withdraw")
    assert again.status_code == 409 and again.get_json()["message"]["zh"] and again.get_json()["message"]["en"]
    assert [a["state"] for a in client.get("/api/v1/applications?state=withdrawn", headers=officer).get_json()["applications"]] == [
        "withdrawn"
    ]
