"""Sign-in for the web pages: a signed session cookie naming a server-side session, with CSRF protection.

The browser gets an HttpOnly, SameSite=Lax cookie (Secure when the service is
served over https) holding a random session id; the database keeps its hash
(``accounts.models.WebSession``) and every request checks it, so signing out
revokes the session: a copied cookie replayed afterwards is refused. Requests authenticated by that cookie that change something
must also send the session's CSRF token (header ``X-CSRF-Token``), so another
site cannot make a signed-in officer's browser write. API clients use bearer
tokens instead and need no CSRF token.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify, request, session

from accounts import service
from gis.errors import BadRequest, Unauthorized

from . import auth
from .ratelimit import limited

blueprint = Blueprint("session", __name__)


def configure(app: Flask, settings) -> None:
    app.secret_key = settings.secret_key or _persistent_key(Path(settings.work_dir))
    app.config.update(
        SESSION_COOKIE_NAME="diming_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
    )


def _persistent_key(work_dir: Path) -> str:
    """One key shared by every worker of a deployment, created on first start."""
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_text().strip()


@blueprint.post("/session")
@limited(10, 300)
def sign_in():
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise BadRequest("请提供用户名和密码", "username and password are required")
    store = current_app.extensions[auth.STORE_KEY]
    who = service.authenticate_password(store, username, password)
    if who is None:
        raise Unauthorized("用户名或密码错误，或账户已停用", "Wrong username or password, or the account is disabled")
    hours = current_app.extensions["diming.settings"].session_hours
    session_id = service.open_session(store, who, hours=hours, client_addr=request.remote_addr)
    session.clear()
    session[auth.SESSION_ID] = session_id
    session["csrf"] = secrets.token_urlsafe(24)
    return jsonify(actor=who.actor, roles=sorted(who.roles), csrf_token=session["csrf"])


@blueprint.get("/session")
def whoami():
    who = auth.principal()
    return jsonify(actor=who.actor, roles=sorted(who.roles), signed_in=who is not auth.ANONYMOUS, csrf_token=session.get("csrf"))


@blueprint.delete("/session")
def sign_out():
    """Revoke the server-side session (a CSRF-checked write), then drop the cookie."""
    session_id = session.get(auth.SESSION_ID)
    if session_id and auth.principal() is not auth.ANONYMOUS:
        service.close_session(current_app.extensions[auth.STORE_KEY], session_id)
    session.clear()
    return jsonify(signed_out=True)
