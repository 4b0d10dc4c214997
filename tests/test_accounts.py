"""Accounts, tokens and role checks, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from flask import Blueprint, jsonify

from accounts import service
from accounts.passwords import hash_password, verify_password
from api import auth
from cli import main
from gis.errors import BadRequest
from gis.settings import Settings
from gis.storage import utcnow


def test_password_hash_is_salted_and_verifies():
    first, second = hash_password("春城路12号"), hash_password("春城路12号")
    assert first != second and first.startswith("scrypt$")
    assert verify_password("春城路12号", first) and not verify_password("春城路13号", first)


def test_token_grants_the_users_roles_until_disabled(store):
    service.add_user(store, "wang", ["placename_officer"], actor="admin")
    token, expires = service.issue_token(store, "wang", days=1, actor="admin")
    assert expires > utcnow()
    who = service.authenticate_token(store, token)
    assert who.actor == "wang" and who.roles == {"placename_officer"}
    assert service.authenticate_token(store, token + "x") is None
    service.disable_user(store, "wang", actor="admin")
    assert service.authenticate_token(store, token) is None
    history = store.history("users", 1)
    assert [(h.action, h.actor) for h in history] == [("insert", "admin"), ("update", "admin")]
    assert history[0].after["password_hash"] is None  # no password; a set one would read "***"


def test_expired_token_is_refused(store, monkeypatch):
    service.add_user(store, "li", ["planner"], actor="admin")
    token, _ = service.issue_token(store, "li", days=1, actor="admin")
    later = utcnow() + dt.timedelta(days=2)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    assert service.authenticate_token(store, token) is None


def test_unknown_role_is_rejected(store):
    with pytest.raises(BadRequest):
        service.add_user(store, "zhao", ["mayor"], actor="admin")


def test_password_sign_in(store):
    service.add_user(store, "chen", ["boundary_officer"], password="界桩2026-春城路", actor="admin")
    assert service.authenticate_password(store, "chen", "界桩2026-春城路").roles == {"boundary_officer"}
    assert service.authenticate_password(store, "chen", "wrong") is None


@pytest.fixture
def guarded_client(store, tmp_path):
    from server import create_app

    app = create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run")))
    probe = Blueprint("probe", __name__)

    @probe.post("/probe")
    @auth.requires("placename_officer")
    def write_probe():
        return jsonify(actor=auth.actor())

    app.register_blueprint(probe)
    return app.test_client()


@pytest.mark.parametrize(
    ("roles", "header", "status"),
    [
        (None, None, 401),
        (None, "Basic abc", 401),
        (None, "Bearer nonsense", 401),
        (["planner"], "token", 403),
        (["placename_officer"], "token", 200),
        (["admin"], "token", 200),
    ],
)
def test_requires_checks_token_and_role(store, guarded_client, roles, header, status):
    headers = {}
    if roles:
        service.add_user(store, "user1", roles, actor="admin")
        token, _ = service.issue_token(store, "user1", actor="admin")
        headers["Authorization"] = f"Bearer {token}"
    elif header:
        headers["Authorization"] = header
    response = guarded_client.post("/probe", headers=headers)
    assert response.status_code == status
    if status == 200:
        assert response.get_json() == {"actor": "user1"}
    else:
        body = response.get_json()
        assert body["message"]["zh"] and body["message"]["en"]


def test_cli_users_add_token_disable(store):
    runner = CliRunner()
    assert runner.invoke(main, ["--db", store.url, "users", "add", "sun", "--role", "planner", "--role", "boundary_officer"]).exit_code == 0
    result = runner.invoke(main, ["--db", store.url, "users", "token", "sun", "--days", "7"])
    token = result.output.strip().splitlines()[0]
    assert token.startswith("dm_")
    assert service.authenticate_token(store, token).roles == {"planner", "boundary_officer"}
    assert runner.invoke(main, ["--db", store.url, "users", "disable", "sun"]).exit_code == 0
    assert service.authenticate_token(store, token) is None
    duplicate = runner.invoke(main, ["--db", store.url, "users", "add", "sun", "--role", "planner"])
    assert duplicate.exit_code == 2 and "Duplicate" in duplicate.output


def test_web_sign_in_cookie_with_csrf(store, guarded_client):
    service.add_user(store, "zhou", ["placename_officer"], password="门牌2026-春城路", actor="admin")
    assert guarded_client.post("/api/v1/session", json={"username": "zhou", "password": "wrong"}).status_code == 401
    signed_in = guarded_client.post("/api/v1/session", json={"username": "zhou", "password": "门牌2026-春城路"})
    assert signed_in.status_code == 200
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    csrf = signed_in.get_json()["csrf_token"]
    assert guarded_client.get("/api/v1/session").get_json()["actor"] == "zhou"

    without_csrf = guarded_client.post("/probe")
    assert without_csrf.status_code == 403 and "CSRF" in without_csrf.get_json()["message"]["en"]
    assert guarded_client.post("/probe", headers={"X-CSRF-Token": "forged"}).status_code == 403
    ok = guarded_client.post("/probe", headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and ok.get_json() == {"actor": "zhou"}

    service.disable_user(store, "zhou", actor="admin")
    assert guarded_client.post("/probe", headers={"X-CSRF-Token": csrf}).status_code == 401
    assert guarded_client.get("/api/v1/session").get_json()["signed_in"] is False


def test_sign_out_ends_the_session(store, guarded_client):
    service.add_user(store, "wu", ["placename_officer"], password="pw-123456-long", actor="admin")
    csrf = guarded_client.post("/api/v1/session", json={"username": "wu", "password": "pw-123456-long"}).get_json()["csrf_token"]
    assert guarded_client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert guarded_client.post("/probe", headers={"X-CSRF-Token": csrf}).status_code == 401
