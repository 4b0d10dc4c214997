"""The public side of the procedure: the notices (公示) anyone may read and comment
on, and the officers' view of filing and announcement deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from gis.errors import Conflict, InvalidInput

from . import procedure
from .applications import load
from .registry_models import NamingApplication, PublicComment

MAX_COMMENT = 2000


def _public(application: NamingApplication, comments: list[PublicComment]) -> dict[str, Any]:
    """A notice as the public sees it: no applicant, no contact, no comment authors."""
    return {
        "id": application.id,
        "kind": application.kind,
        "proposed_name": application.proposed_name,
        "category_code": application.category_code,
        "admin_code": application.admin_code,
        "location_description": application.location_description,
        "reasons": application.reasons,
        "notice_starts_at": application.notice_starts_at.isoformat() if application.notice_starts_at else None,  # (set in notice)
        "notice_ends_at": application.notice_ends_at.isoformat() if application.notice_ends_at else None,
        "geometry": application.geom.__geo_interface__ if application.geom is not None else None,
        "comments": [{"body": c.body, "submitted_at": c.submitted_at.isoformat()} for c in comments],
    }


def _comments(session, application_id: int) -> list[PublicComment]:
    return list(session.scalars(select(PublicComment).where(PublicComment.application_id == application_id).order_by(PublicComment.id)))


def open_notices(store) -> list[dict[str, Any]]:
    with store.read() as session:
        rows = session.scalars(select(NamingApplication).where(NamingApplication.state == "in_notice").order_by(NamingApplication.id))
        return [_public(a, _comments(session, a.id)) for a in rows if procedure.in_notice(a.state, a.notice_ends_at)]


def notice(store, application_id: int) -> dict[str, Any]:
    with store.read() as session:
        application = load(session, application_id)
        if not procedure.in_notice(application.state, application.notice_ends_at):
            raise Conflict("该申报当前不在公示期内", "This application is not in public notice now")
        return _public(application, _comments(session, application_id))


def add_comment(store, application_id: int, body: Any, *, author_name: Any = None, author_contact: Any = None) -> int:
    """Store a comment from anyone while the notice runs; 409 before or after."""
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput("意见内容不能为空", "The comment body is empty")
    if len(body) > MAX_COMMENT:
        raise InvalidInput(f"意见内容不能超过 {MAX_COMMENT} 字", f"The comment is longer than {MAX_COMMENT} characters")
    with store.transaction(actor="public", reason="public notice comment") as session:
        application = load(session, application_id)
        if not procedure.in_notice(application.state, application.notice_ends_at):
            raise Conflict("该申报当前不在公示期内，不接受意见", "This application is not in public notice; comments are closed")
        comment = PublicComment(
            application_id=application_id,
            body=body.strip(),
            submitted_at=procedure.now(),
            author_name=str(author_name)[:100] if author_name else None,
            author_contact=str(author_contact)[:200] if author_contact else None,
        )
        session.add(comment)
        session.flush()
        return comment.id


def deadlines(store, within_days: int = 7) -> list[dict[str, Any]]:
    """Filings and announcements overdue or due within ``within_days`` days."""
    if within_days < 0:
        raise InvalidInput("天数不能为负", "within must not be negative")
    today = procedure.today()
    horizon = today + dt.timedelta(days=within_days)
    out = []
    with store.read() as session:
        rows = session.scalars(
            select(NamingApplication).where(NamingApplication.state.in_(("approved", "filed"))).order_by(NamingApplication.id)
        )
        for application in rows:
            duties = [("announcement", application.announcement_due)]
            if application.state == "approved":
                duties.insert(0, ("filing", application.filing_due))
            for duty, due in duties:
                if due <= horizon:
                    out.append(
                        {
                            "application_id": application.id,
                            "kind": application.kind,
                            "name": application.proposed_name,
                            "duty": duty,
                            "due": due.isoformat(),
                            "days_left": (due - today).days,
                            "overdue": due < today,
                        }
                    )
    return sorted(out, key=lambda d: d["due"])
