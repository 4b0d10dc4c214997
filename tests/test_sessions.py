"""Server-side web sessions, revocation of sessions and tokens, and secrets kept out of the audit log; both backends."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Blueprint, jsonify

from accounts import service
from api import auth
from cli import main
from gis.settings import Settings
from gis.storage import audit_export, utcnow
from gis.storage.audit import AuditEntry

PASSWORD = "门牌2026-春城路"


@pytest.fixture
def client(store, tmp_path):
    from server import create_app

    app = create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run")))
    probe = Blueprint("probe", __name__)

    @probe.post("/probe")
    @auth.requires("placename_officer")
    def write_probe():
        return jsonify(actor=auth.actor())

    app.register_blueprint(probe)
    return app.test_client()


def sign_in(client, username="zhou", password=PASSWORD):
    response = client.post("/api/v1/session", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"], client.get_cookie("diming_session").value


def replay(client, cookie, csrf):
    """The stolen cookie and CSRF token, sent from a fresh browser."""
    client.set_cookie("diming_session", cookie)
    return client.post("/probe", headers={"X-CSRF-Token": csrf})


def test_sign_out_revokes_the_cookie_so_a_replay_is_refused(store, client):
    service.add_user(store, "zhou", ["placename_officer"], password=PASSWORD, actor="admin")
    csrf, cookie = sign_in(client)
    assert replay(client, cookie, csrf).status_code == 200
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    replayed = replay(client, cookie, csrf)
    assert replayed.status_code == 401 and replayed.get_json()["message"]["zh"]
    rows = [(e.actor, e.action, e.reason) for e in store.history("web_sessions", 1)]
    assert rows == [("zhou", "insert", "sign in"), ("zhou", "update", "sign out")]


def test_a_cookie_of_the_old_kind_is_not_a_sign_in(store, client):
    """Before server-side sessions the cookie named the user; such a cookie must not sign anyone in."""
    service.add_user(store, "zhou", ["placename_officer"], password=PASSWORD, actor="admin")
    app = client.application
    with app.test_request_context():
        from flask import session

        session["user"], session["csrf"] = "zhou", "x"
        forged = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    assert replay(client, forged, "x").status_code == 401


@pytest.mark.parametrize("how", ["disable", "password", "revoke-sessions"])
def test_disable_password_change_and_revoke_end_sessions_and_tokens(store, client, how):
    service.add_user(store, "zhou", ["placename_officer"], password=PASSWORD, actor="admin")
    token, _ = service.issue_token(store, "zhou", actor="admin")
    csrf, cookie = sign_in(client)
    runner = CliRunner()
    args = {
        "disable": ["users", "disable", "zhou", "--reason", "left the office"],
        "password": ["users", "password", "zhou", "--password", "新密码-2026-官渡区"],
        "revoke-sessions": ["users", "sessions", "zhou", "--revoke-all", "--reason", "lost laptop"],
    }[how]
    result = runner.invoke(main, ["--db", store.url, *args])
    assert result.exit_code == 0, result.output
    assert replay(client, cookie, csrf).status_code == 401
    assert (service.authenticate_token(store, token) is None) == (how != "revoke-sessions")
    if how == "password":
        assert service.authenticate_password(store, "zhou", PASSWORD) is None
        assert service.authenticate_password(store, "zhou", "新密码-2026-官渡区").actor == "zhou"


def test_cli_revoke_one_token_enable_and_list(store):
    runner = CliRunner()
    db = ["--db", store.url]
    assert runner.invoke(main, [*db, "users", "add", "sun", "--role", "planner"]).exit_code == 0
    first = runner.invoke(main, [*db, "users", "token", "sun", "--label", "qgis"]).output.splitlines()[0]
    second = runner.invoke(main, [*db, "users", "token", "sun", "--label", "script"]).output.splitlines()[0]
    listing = runner.invoke(main, [*db, "users", "tokens", "sun"]).output
    assert "qgis" in listing and "script" in listing and first not in listing
    first_id = service.tokens(store, "sun")[-1].id
    result = runner.invoke(main, [*db, "users", "revoke-token", "sun", "--token-id", str(first_id), "--reason", "leaked"])
    assert result.exit_code == 0, result.output
    assert service.authenticate_token(store, first) is None and service.authenticate_token(store, second).actor == "sun"
    assert runner.invoke(main, [*db, "users", "revoke-token", "sun"]).exit_code == 2  # neither --token-id nor --all
    assert runner.invoke(main, [*db, "users", "revoke-token", "sun", "--token-id", "999"]).exit_code == 2
    assert runner.invoke(main, [*db, "users", "revoke-token", "sun", "--all"]).exit_code == 0
    assert service.authenticate_token(store, second) is None

    assert runner.invoke(main, [*db, "users", "disable", "sun"]).exit_code == 0
    assert runner.invoke(main, [*db, "users", "enable", "sun", "--reason", "back"]).exit_code == 0
    third = runner.invoke(main, [*db, "users", "token", "sun"]).output.splitlines()[0]
    assert service.authenticate_token(store, third).actor == "sun"
    history = store.history("api_tokens", first_id)
    assert history[-1].reason == "leaked" and history[-1].after["revoked"] is True
    assert [e.reason for e in store.history("users", 1)][-2:] == ["disable user sun", "back"]


def _all_audit_text(store) -> str:
    with store.read() as session:
        return json.dumps([[e.before, e.after] for e in session.scalars(sa.select(AuditEntry))], ensure_ascii=False)


def test_no_secret_reaches_the_audit_log(store, client):
    service.add_user(store, "zhou", ["placename_officer"], password=PASSWORD, actor="admin")
    token, _ = service.issue_token(store, "zhou", actor="admin")
    csrf, _ = sign_in(client)
    client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    service.set_password(store, "zhou", "另一个密码-2026-盘龙区", actor="admin")
    with store.read() as session:
        secrets = session.execute(sa.text("SELECT password_hash FROM users UNION ALL SELECT token_hash FROM api_tokens")).scalars().all()
        secrets += session.execute(sa.text("SELECT session_hash FROM web_sessions")).scalars().all()
    logged = _all_audit_text(store)
    assert len(secrets) == 3 and not any(s in logged for s in secrets)
    assert "scrypt$" not in logged and token not in logged
    user_history = store.history("users", 1)
    assert user_history[0].after["password_hash"] == "***" and user_history[-1].reason == "change password of zhou"


def test_export_masks_secrets_written_by_older_versions(store, tmp_path):
    """Entries written before masking existed hold hashes; the log is append-only, so they are masked on the way out."""
    with store.engine.begin() as connection:
        connection.execute(
            AuditEntry.__table__.insert(),
            [
                {
                    "occurred_at": utcnow(),
                    "actor": "admin",
                    "action": "insert",
                    "table_name": "users",
                    "record_id": 7,
                    "version": 1,
                    "after": {"username": "old", "password_hash": "scrypt$16384$8$1$c2FsdA==$ZGlnZXN0"},
                },
                {
                    "occurred_at": utcnow(),
                    "actor": "admin",
                    "action": "insert",
                    "table_name": "api_tokens",
                    "record_id": 3,
                    "version": 1,
                    "after": {"token_hash": "ab" * 32, "label": "x"},
                },
            ],
        )
    for name in ("log.jsonl", "log.csv"):
        result = CliRunner().invoke(main, ["--db", store.url, "audit", "export", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        text = (tmp_path / name).read_text()
        assert "scrypt$" not in text and "ab" * 32 not in text and "***" in text and "old" in text
    assert store.history("users", 7)[0].after == {"username": "old", "password_hash": "***"}
    assert [e["after"]["token_hash"] for e in audit_export.entries(store, table="api_tokens")] == ["***"]
