"""Four-eyes rule: the officer who filed an application may not approve it.

On by default (setting ``four_eyes``); a deployment with a single officer may turn it
off, and then an approval by the filer is marked as such in the step's reason, so the
audit trail shows it.
"""

from __future__ import annotations

from sqlalchemy import select

from gis.errors import Forbidden

from .checks import config
from .registry_models import NamingApplication, NamingTransition

SAME_OFFICER_NOTE = "（四眼原则已关闭：由申报录入人批准 / four-eyes off: approved by the officer who filed it）"


def filed_by(session, application: NamingApplication) -> str | None:
    return session.scalar(
        select(NamingTransition.actor).where(NamingTransition.application_id == application.id, NamingTransition.action == "apply")
    )


def approval_note(session, application: NamingApplication, actor: str) -> str:
    """'' when someone else approves; a 403 when the filer approves under the rule; the
    audit note when the filer approves with the rule turned off."""
    filer = filed_by(session, application)
    if filer is None or filer != actor:
        return ""
    if config.settings().four_eyes:
        raise Forbidden(
            "四眼原则：录入申报的人员不能批准同一申报，请由另一名工作人员批准",
            "Four-eyes rule: the officer who filed an application may not approve it; another officer must approve",
            details={"rule": "four-eyes", "filed_by": filer},
        )
    return SAME_OFFICER_NOTE
