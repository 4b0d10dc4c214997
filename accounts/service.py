"""Account operations: users, passwords, API tokens and web sessions.

The audit log records every change to users, tokens and sessions under the actor
and a reason; secret columns (hashes) are masked there. ``authenticate_token`` and
``session_principal`` are what the web layer calls per request. Disabling a user
or changing their password revokes all their tokens and sessions.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from gis.errors import BadRequest, NotFound
from gis.storage import Store, utcnow

from .models import ApiToken, User, WebSession
from .passwords import hash_password, hash_token, new_token, verify_password
from .policy import check_password, check_username
from .roles import ROLES

#: Longest lifetime of an API token (days); a larger number is refused, not overflowed.
MAX_TOKEN_DAYS = 3650


@dataclass(frozen=True)
class Principal:
    """Who is making a request: the actor recorded in the audit log, and their roles."""

    actor: str
    roles: frozenset[str]


ANONYMOUS = Principal("anonymous", frozenset())


def _check_roles(roles: list[str]) -> str:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise BadRequest(f"未知角色：{', '.join(unknown)}", f"Unknown roles: {', '.join(unknown)}; known: {', '.join(ROLES)}")
    return ",".join(sorted(set(roles)))


def _unit_code(code: str | None) -> str | None:
    """A unit code (the organisation a user works for, e.g. 530103): digits, 6 to 12 of them."""
    if code is None:
        return None
    code = code.strip()
    if not (code.isascii() and code.isdigit() and 6 <= len(code) <= 12):
        raise BadRequest(f"单位代码应为 6–12 位数字：{code}", f"A unit code is 6 to 12 digits: {code}")
    return code


def add_user(
    store: Store,
    username: str,
    roles: list[str],
    *,
    password: str | None = None,
    display_name: str | None = None,
    unit_code: str | None = None,
    actor: str,
) -> User:
    check_username(username)
    unit = _unit_code(unit_code)
    if password is not None:
        check_password(password, username)
    with store.transaction(actor=actor, reason=f"add user {username}") as session:
        user = User(
            username=username,
            display_name=display_name,
            roles=_check_roles(roles),
            password_hash=hash_password(password) if password else None,
            unit_code=unit,
        )
        session.add(user)
    return user


def set_unit(store: Store, username: str, unit_code: str, *, actor: str, reason: str | None = None) -> None:
    """The organisation a user works for: they sign joint inspections only for the party of that unit."""
    unit = _unit_code(unit_code)
    with store.transaction(actor=actor, reason=reason or f"set unit of user {username} to {unit}") as session:
        _user(session, username).unit_code = unit


def _user(session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户不存在：{username}", f"No such user: {username}")
    return user


def _revoke_all(session, user: User) -> int:
    """Revoke every live token and session of ``user`` (in the caller's transaction)."""
    count = 0
    for model in (ApiToken, WebSession):
        for row in list(session.scalars(select(model).where(model.user_id == user.id, model.revoked.is_(False)))):
            row.revoked = True
            count += 1
    return count


def disable_user(store: Store, username: str, *, actor: str, reason: str | None = None) -> None:
    """Disable a user and revoke their tokens and sessions (re-enabling does not revive them)."""
    with store.transaction(actor=actor, reason=reason or f"disable user {username}") as session:
        user = _user(session, username)
        user.disabled = True
        _revoke_all(session, user)


def enable_user(store: Store, username: str, *, actor: str, reason: str | None = None) -> None:
    with store.transaction(actor=actor, reason=reason or f"enable user {username}") as session:
        _user(session, username).disabled = False


def set_password(store: Store, username: str, password: str, *, actor: str, reason: str | None = None) -> int:
    """Set a user's password; every token and session of theirs is revoked. Returns how many."""
    check_password(password, username)
    with store.transaction(actor=actor, reason=reason or f"change password of {username}") as session:
        user = _user(session, username)
        user.password_hash = hash_password(password)
        return _revoke_all(session, user)


def issue_token(store: Store, username: str, *, days: int = 90, label: str | None = None, actor: str) -> tuple[str, dt.datetime]:
    """A new API token for a user; the token text is shown once and never stored."""
    if not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS:
        raise BadRequest(f"令牌有效期须为 1 到 {MAX_TOKEN_DAYS} 天", f"A token lasts from 1 to {MAX_TOKEN_DAYS} days")
    token = new_token()
    expires = utcnow() + dt.timedelta(days=days)
    with store.transaction(actor=actor, reason=f"issue token for {username}") as session:
        user = _user(session, username)
        session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), label=label, expires_at=expires))
    return token, expires


def tokens(store: Store, username: str) -> list[ApiToken]:
    """A user's tokens (ids, labels, expiry, revoked), newest first; never their text."""
    with store.read() as session:
        user = _user(session, username)
        return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_tokens(store: Store, username: str, *, token_id: int | None = None, actor: str, reason: str | None = None) -> int:
    """Revoke one token of ``username`` (``token_id``) or all of them; returns how many were live."""
    with store.transaction(actor=actor, reason=reason or f"revoke token(s) of {username}") as session:
        user = _user(session, username)
        query = select(ApiToken).where(ApiToken.user_id == user.id)
        if token_id is not None:
            query = query.where(ApiToken.id == token_id)
        rows = list(session.scalars(query))
        if token_id is not None and not rows:
            raise NotFound(f"用户 {username} 没有编号为 {token_id} 的令牌", f"User {username} has no token {token_id}")
        live = [row for row in rows if not row.revoked]
        for row in live:
            row.revoked = True
        return len(live)


def authenticate_token(store: Store, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None if unknown, expired, revoked or disabled."""
    with store.read() as session:
        row = session.execute(
            select(User, ApiToken).join(ApiToken, ApiToken.user_id == User.id).where(ApiToken.token_hash == hash_token(token))
        ).first()
    if row is None:
        return None
    user, api_token = row
    if user.disabled or api_token.revoked or api_token.expires_at <= utcnow():
        return None
    return Principal(user.username, user.role_set)


@functools.cache
def _dummy_hash() -> str:
    """A hash to check wrong user names against, so they take as long as wrong passwords."""
    return hash_password(secrets.token_urlsafe(16))


def authenticate_password(store: Store, username: str, password: str) -> Principal | None:
    """The principal for a user name and password, or None. Always runs one scrypt check,
    also for unknown or disabled users, so the time taken does not tell whether a user exists."""
    with store.read() as session:
        user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    matches = verify_password(password, stored)
    if user is None or user.disabled or not user.password_hash or not matches:
        return None
    return Principal(user.username, user.role_set)


def open_session(store: Store, who: Principal, *, hours: int, client_addr: str | None) -> str:
    """Record a web sign-in and return its session id (kept only in the cookie; the database keeps its hash)."""
    session_id = secrets.token_urlsafe(32)
    with store.transaction(actor=who.actor, reason="sign in") as session:
        user = _user(session, who.actor)
        session.add(
            WebSession(
                user_id=user.id,
                session_hash=hash_token(session_id),
                client_addr=(client_addr or "")[:64] or None,
                expires_at=utcnow() + dt.timedelta(hours=hours),
            )
        )
    return session_id


def session_principal(store: Store, session_id: str) -> Principal | None:
    """The principal of a live web session, or None if unknown, expired, revoked or the user is disabled."""
    with store.read() as session:
        row = session.execute(
            select(User, WebSession)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.session_hash == hash_token(session_id))
        ).first()
    if row is None:
        return None
    user, web_session = row
    if user.disabled or web_session.revoked or web_session.expires_at <= utcnow():
        return None
    return Principal(user.username, user.role_set)


def close_session(store: Store, session_id: str) -> bool:
    """Sign out: revoke the session (audited under its user). False if it was not live."""
    with store.read() as session:
        row = session.execute(
            select(User.username, WebSession.id, WebSession.revoked)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.session_hash == hash_token(session_id))
        ).first()
    if row is None or row.revoked:
        return False
    with store.transaction(actor=row.username, reason="sign out") as session:
        web_session = session.get(WebSession, row.id)
        assert web_session is not None  # read just above, and sessions are never deleted
        web_session.revoked = True
    return True


def sessions(store: Store, username: str) -> list[WebSession]:
    """A user's web sessions, newest first (ids, address, expiry, revoked)."""
    with store.read() as session:
        user = _user(session, username)
        return list(session.scalars(select(WebSession).where(WebSession.user_id == user.id).order_by(WebSession.id.desc())))


def revoke_sessions(store: Store, username: str, *, actor: str, reason: str | None = None) -> int:
    """Sign a user out everywhere; returns how many sessions were live."""
    with store.transaction(actor=actor, reason=reason or f"revoke sessions of {username}") as session:
        user = _user(session, username)
        live = list(session.scalars(select(WebSession).where(WebSession.user_id == user.id, WebSession.revoked.is_(False))))
        for row in live:
            row.revoked = True
        return len(live)
