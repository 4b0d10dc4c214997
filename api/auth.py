"""Who is asking, and may they: bearer tokens, roles, and the public's read-only access.

``install`` resolves ``Authorization: Bearer <token>`` once per request into
``g.principal`` (anonymous without a header). Write views declare the roles they
accept with ``@requires(...)``; views use ``actor()`` as the audit actor.
"""

from __future__ import annotations

import functools
import hmac

from flask import Flask, current_app, g, request, session

from accounts import roles as role_names
from accounts.service import ANONYMOUS, Principal, authenticate_token, session_principal
from api.web.health import STORE_KEY
from gis.errors import Forbidden, Unauthorized

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_EXEMPT_ENDPOINTS = {"session.sign_in"}
#: Key of the server-side session id in the signed cookie (see api/session.py).
SESSION_ID = "sid"


def install(app: Flask) -> None:
    app.before_request(_identify)


def _identify() -> None:
    header = request.headers.get("Authorization", "")
    if not header:
        g.principal = _from_session_cookie()
        return
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization 头格式应为 “Bearer <令牌>”", "Authorization header must be 'Bearer <token>'")
    principal = authenticate_token(current_app.extensions[STORE_KEY], token.strip())
    if principal is None:
        raise Unauthorized("访问令牌无效、已过期或已撤销", "The API token is invalid, expired or revoked")
    g.principal = principal


def _from_session_cookie() -> Principal:
    """The signed-in user of a web page, re-checked against the server-side session on
    every request (signed out, revoked, expired or disabled: anonymous at once);
    CSRF-checked for writes."""
    session_id = session.get(SESSION_ID)
    if not isinstance(session_id, str) or not session_id:
        if session:
            session.clear()  # a cookie from before server-side sessions, or a broken one
        return ANONYMOUS
    who = session_principal(current_app.extensions[STORE_KEY], session_id)
    if who is None:
        session.clear()
        return ANONYMOUS
    if request.method in UNSAFE_METHODS and request.endpoint not in CSRF_EXEMPT_ENDPOINTS:
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            raise Forbidden("缺少或错误的 CSRF 令牌", "Missing or wrong CSRF token")
    return who


def principal() -> Principal:
    return g.get("principal", ANONYMOUS)


def actor() -> str:
    return principal().actor


def requires(*wanted: str):
    """Allow the view only to principals holding one of ``wanted`` (or admin)."""
    unknown = [r for r in wanted if r not in role_names.ROLES]
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            who = principal()
            if who is ANONYMOUS:
                raise Unauthorized()
            if not role_names.allows(who.roles, wanted):
                needed = "、".join(role_names.ROLES[r][0] for r in wanted)
                raise Forbidden(f"此操作需要以下角色之一：{needed}", f"This needs one of the roles: {', '.join(wanted)}")
            return view(*args, **kwargs)

        guarded.required_roles = wanted  # type: ignore[attr-defined]  # read by the OpenAPI writer
        return guarded

    return decorate
