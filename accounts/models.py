"""Stored accounts: users (audited like any register record), their API tokens and web sessions.

Columns holding secrets (even hashed) are declared with ``info=SECRET``: the audit
log records only that they are set, never their values.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gis.storage import Base, Registered
from gis.storage.audit import SECRET
from gis.storage.coltypes import UTCDateTime


class User(Registered, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(200), info=SECRET)
    roles: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    unit_code: Mapped[str | None] = mapped_column(String(20))  # the organisation (unit code) the user works for

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class ApiToken(Registered, Base):
    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True, info=SECRET)
    label: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class WebSession(Registered, Base):
    """A signed-in browser: the cookie carries a random id, the database only its hash.

    Every request checks the row, so signing out, disabling the user or changing
    their password ends the session at once, even for a copied cookie.
    """

    __tablename__ = "web_sessions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    session_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True, info=SECRET)
    client_addr: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
