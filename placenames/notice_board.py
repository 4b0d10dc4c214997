"""The public notice board: notices (公示) open for comment and names announced (公告),
each with the labelled facts of ``documents.facts`` (kind, category, area, spelling,
former name, document numbers) so a reader needs no code table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from . import notices
from .applications import load
from .documents import check_visible, facts
from .registry_models import NamingApplication

MAX_ANNOUNCEMENTS = 200


def _with_facts(store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with store.read() as session:
        return [{**row, **facts(session, load(session, row["id"]))} for row in rows]


def open_notices(store) -> list[dict[str, Any]]:
    """The notices running now, as ``notices.open_notices`` gives them, with their facts."""
    return _with_facts(store, notices.open_notices(store))


def notice(store, application_id: int) -> dict[str, Any]:
    """One running notice with its facts (409 when it is not in notice)."""
    return _with_facts(store, [notices.notice(store, application_id)])[0]


def announcements(store, limit: int = MAX_ANNOUNCEMENTS) -> list[dict[str, Any]]:
    """Names announced, newest first."""
    with store.read() as session:
        rows = session.scalars(
            select(NamingApplication)
            .where(NamingApplication.state == "announced")
            .order_by(NamingApplication.announced_on.desc(), NamingApplication.id.desc())
            .limit(limit)
        )
        return [facts(session, application) for application in rows]


def announcement(store, application_id: int) -> dict[str, Any]:
    """One announcement's facts (409 before it is announced)."""
    with store.read() as session:
        application = load(session, application_id)
        check_visible(application, "announcement", officer=False)
        return facts(session, application)
