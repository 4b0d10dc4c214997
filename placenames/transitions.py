"""Moving an application through the procedure, one audited step at a time.

Each action checks the state machine (``procedure.target_state``, 409 when illegal),
its own guard (notice over, data present), changes the application and, when the
name is announced, the register; and writes one ``NamingTransition`` with who,
when and why, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError

from gis.errors import Conflict, InvalidInput, VersionConflict

from . import announcement as announcement_document
from . import document_numbers, four_eyes, name_codes, procedure, register, street_renames
from .applications import load
from .checks import Candidate, duplicate_name, run_checks
from .models import PlaceName
from .registry_models import NameAlias, NamingApplication, NamingTransition


def _text(data: dict[str, Any], key: str, zh: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"此环节须填写{zh}（{key}）", f"This step needs '{key}'", details={"field": key})
    return value.strip()


def _date(data: dict[str, Any], key: str) -> dt.date:
    raw = data.get(key)
    if raw in (None, ""):
        return procedure.today()
    try:
        value = dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput(f"{key} 应为 YYYY-MM-DD 日期", f"{key} must be a YYYY-MM-DD date") from None
    if value > procedure.today():
        raise InvalidInput(f"{key} 不能是将来的日期", f"{key} cannot be in the future")
    return value


def _accept(session, application: NamingApplication, entry: PlaceName, data: dict) -> None:
    if application.kind == "name":
        entry.status = "in_procedure"


def _check_name(session, application: NamingApplication, entry: PlaceName, data: dict) -> None:
    """Run every rule on the proposed name: errors are a 409; warnings that need a
    justification (homophone, same 专名, person/enterprise name) need one, given now or
    at an earlier step. Review runs it, and approval again (the register and the lists
    may have changed while the notice ran)."""
    justification = data.get("justification") if isinstance(data.get("justification"), str) else None
    justification = (justification or application.justification or "").strip() or None
    if application.kind == "cancel":
        application.findings = []
        return
    assert application.proposed_name is not None  # only a cancel names no new name
    candidate = Candidate(application.proposed_name, application.category_code, exclude_id=entry.id, admin_code=application.admin_code)
    report = run_checks(session, candidate)
    application.findings = [f.to_dict() for f in report.findings]
    if report.has_errors:
        raise Conflict("名称审核未通过，存在错误项", "The name fails the checks (errors found)", details=report.to_dict())
    if report.needs_justification and not justification:
        flagged = [f for f in report.findings if f.details.get("needs_justification")]
        raise Conflict(
            "须填写使用理由（justification）：" + "；".join(f.zh for f in flagged),
            "A justification is needed: " + "; ".join(f.en for f in flagged),
            details=report.to_dict(),
        )
    application.justification = justification


def _review(session, application: NamingApplication, entry: PlaceName, data: dict) -> None:
    application.officer_opinion = _text(data, "officer_opinion", "审核意见")
    _check_name(session, application, entry, data)


def _start_notice(session, application: NamingApplication, entry: PlaceName, data: dict) -> None:
    application.notice_starts_at, application.notice_ends_at = procedure.notice_period(application.notice_days)
    document_numbers.assign(session, application, "notice", application.notice_starts_at.astimezone(procedure.local_time()).date())


def _approve(session, application: NamingApplication, entry: PlaceName, data: dict) -> None:
    notice_ends_at = procedure.ensure_notice_over(application.notice_ends_at)
    approved_on = _date(data, "approved_on")
    if approved_on < notice_ends_at.astimezone(procedure.local_time()).date():
        raise Conflict("批准日期早于公示期满日期", "The approval date is before the end of the public notice")
    _check_name(session, application, entry, data)
    application.approving_body = _text(data, "approving_body", "批准机关")
    application.approval_document = _text(data, "approval_document", "批准文号")
    application.approved_on = approved_on
    application.filing_due, application.announcement_due = procedure.due_dates(approved_on)


def _reject(session, application: NamingApplication, entry: PlaceName, data: dict) -> None:
    application.decision_reason = _text(data, "reason", "不予批准的理由")
    if application.kind == "name":
        entry.status = "rejected"


def _withdraw(session, application: NamingApplication, entry: PlaceName, data: dict) -> None:
    """The applicant takes the application back before the decision; a proposed name
    leaves the procedure as ``withdrawn`` (kept, never public), a current one is untouched."""
    application.decision_reason = _text(data, "reason", "撤回理由")
    if application.kind == "name":
        entry.status = "withdrawn"


def _file(session, application: NamingApplication, entry: PlaceName, data: dict) -> None:
    application.filed_with = _text(data, "filed_with", "备案机关")
    application.filed_on = _date(data, "filed_on")
    assert application.approved_on is not None  # filing follows approval
    if application.filed_on < application.approved_on:
        raise InvalidInput("备案日期不能早于批准日期", "filed_on cannot be before the approval date")


def _announce(session, application: NamingApplication, entry: PlaceName, data: dict) -> None:
    announced_on = _date(data, "announced_on")
    assert application.approved_on is not None  # announcement follows approval
    if announced_on < application.approved_on:
        raise InvalidInput("公告日期不能早于批准日期", "announced_on cannot be before the approval date")
    if application.kind != "cancel":  # another application may have made the same name current since review
        assert application.proposed_name is not None  # only a cancel names no new name
        clash = duplicate_name.check(session, Candidate(application.proposed_name, application.category_code, exclude_id=entry.id))
        if clash:
            raise Conflict(clash[0].zh, clash[0].en, details=clash[0].to_dict())
    former = {"name": entry.name, "romanization": entry.romanization}  # before a rename changes them
    if application.kind == "rename":
        assert application.proposed_name is not None  # a rename names the new name
        street_renames.follow_rename(session, entry.name, application.proposed_name, entry.category_code)
        session.add(
            NameAlias(
                place_name_id=entry.id,
                alias=entry.name,
                kind="former",
                valid_from=entry.approved_on,
                valid_to=announced_on,
                note=f"renamed to {application.proposed_name}",
            )
        )
        for key, value in register.spelling(application.proposed_name, application.category_code).items():
            setattr(entry, key, value)
    if application.kind == "cancel":
        entry.status = "retired"
        entry.retired_on = announced_on
        entry.abolished_year = announced_on.year
    else:
        entry.status = "current"
        entry.approving_body, entry.approved_on = application.approving_body, application.approved_on
        entry.approval_document, entry.filed_on = application.approval_document, application.filed_on
        entry.location_description = application.location_description or entry.location_description
        entry.admin_code = application.admin_code or entry.admin_code
        if application.geom is not None:
            entry.geom = application.geom
    entry.announced_on = announced_on
    _flush_name(session, application)
    if entry.status == "current":
        name_codes.give(session, entry)  # a standard name has its 地名代码 from the announcement on (once its name is safely its own)
    application.announced_on = announced_on
    application.announcement = announcement(session, application, entry, former)
    document_numbers.assign(session, application, "announcement", announced_on)


def _flush_name(session, application: NamingApplication) -> None:
    """Write the register change now, so a clash with a name another officer made
    current at the same moment (the database's unique index, models.PlaceName) is a
    409 that says so, not a generic duplicate."""
    name = application.proposed_name  # read before: a failed flush expires the objects
    try:
        with session.begin_nested():  # a savepoint: the refusal leaves the transaction usable to roll back cleanly
            session.flush()
    except IntegrityError as exc:
        text = str(exc.orig)
        if "uq_place_names_current_unique_name" not in text and "place_names.unique_class" not in text:
            raise
        raise Conflict(
            f"“{name}”刚被另一申报公告为现行地名，街路巷及重要住宅区、楼宇名称不得重名",
            f"'{name}' has just been made a current name by another announcement; "
            f"roads, streets, lanes and important estates/buildings must not repeat",
            details={"rule": duplicate_name.RULE, "name": name},
        ) from exc


def announcement(session, application: NamingApplication, entry: PlaceName, former: dict[str, Any] | None = None) -> dict[str, Any]:
    """The 公告 content the MCA rules require (地名备案公告管理办法); see ``placenames.announcement``."""
    return announcement_document.build(application, entry, session, former=former)


HANDLERS = {
    "accept": _accept,
    "review": _review,
    "start_notice": _start_notice,
    "approve": _approve,
    "reject": _reject,
    "withdraw": _withdraw,
    "file": _file,
    "announce": _announce,
}


def apply_action(store, application_id: int, action: str, data: dict[str, Any], *, actor: str, version: int | None = None) -> None:
    """Carry out ``action`` on an application, all or nothing; 409 when illegal now."""
    reason = _text(data, "reason", "办理理由")
    with store.transaction(actor=actor, reason=f"{action}: {reason}") as session:
        application = load(session, application_id)
        if version is not None and version != application.version:
            raise VersionConflict(details={"expected": version, "current": application.version})
        before = application.state
        target = procedure.target_state(before, action)
        entry = register.get_name(session, application.place_name_id)
        note = four_eyes.approval_note(session, application, actor) if action == "approve" else ""
        HANDLERS[action](session, application, entry, data)
        application.state = target
        session.add(
            NamingTransition(
                application_id=application.id,
                action=action,
                from_state=before,
                to_state=target,
                actor=actor,
                occurred_at=procedure.now(),
                reason=reason + note,
            )
        )
