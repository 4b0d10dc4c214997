"""Account operations: add and disable users, issue and check tokens and passwords.

The audit log records every change to users and tokens (token hashes are stored,
never the tokens). ``authenticate_token`` is what the web layer calls per request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from gis.errors import BadRequest, NotFound
from gis.storage import Store, utcnow

from .models import ApiToken, User
from .passwords import hash_password, hash_token, new_token, verify_password
from .roles import ROLES


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


def add_user(
    store: Store, username: str, roles: list[str], *, password: str | None = None, display_name: str | None = None, actor: str
) -> User:
    with store.transaction(actor=actor, reason=f"add user {username}") as session:
        user = User(
            username=username,
            display_name=display_name,
            roles=_check_roles(roles),
            password_hash=hash_password(password) if password else None,
        )
        session.add(user)
    return user


def _user(session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户不存在：{username}", f"No such user: {username}")
    return user


def disable_user(store: Store, username: str, *, actor: str, reason: str | None = None) -> None:
    with store.transaction(actor=actor, reason=reason or f"disable user {username}") as session:
        _user(session, username).disabled = True


def issue_token(store: Store, username: str, *, days: int = 90, label: str | None = None, actor: str) -> tuple[str, dt.datetime]:
    """A new API token for a user; the token text is shown once and never stored."""
    token = new_token()
    expires = utcnow() + dt.timedelta(days=days)
    with store.transaction(actor=actor, reason=f"issue token for {username}") as session:
        user = _user(session, username)
        session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), label=label, expires_at=expires))
    return token, expires


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


def principal_for_user(store: Store, username: str) -> Principal | None:
    """The principal of an active user (None if unknown or disabled)."""
    with store.read() as session:
        user = session.scalar(select(User).where(User.username == username))
    if user is None or user.disabled:
        return None
    return Principal(user.username, user.role_set)


def authenticate_password(store: Store, username: str, password: str) -> Principal | None:
    with store.read() as session:
        user = session.scalar(select(User).where(User.username == username))
    if user is None or user.disabled or not user.password_hash or not verify_password(password, user.password_hash):
        return None
    return Principal(user.username, user.role_set)
