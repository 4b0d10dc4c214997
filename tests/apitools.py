"""Helpers for API tests: an app on a test store, and bearer headers for a new user."""

from __future__ import annotations

from accounts import service
from gis.settings import Settings


def make_client(store, tmp_path):
    from server import create_app

    return create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run"))).test_client()


def bearer(store, username: str, roles: str | list[str]) -> dict[str, str]:
    """Add a user with ``roles`` and return the Authorization header of a fresh token."""
    service.add_user(store, username, [roles] if isinstance(roles, str) else list(roles), actor="admin")
    token, _ = service.issue_token(store, username, actor="admin")
    return {"Authorization": f"Bearer {token}"}
