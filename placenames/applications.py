"""Applications to name, rename or cancel: creating them and reading them.

A new-name application creates its register entry at once (status ``proposed``), so
the proposed geometry and texts live where they will stay; applicant data stays on
the application. Moving an application along is ``transitions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from gis.errors import Conflict, InvalidInput, NotFound
from gis.geojson_input import parse_geometry

from . import areas, categories, procedure, register
from .checks import Candidate
from .checks.runner import FORM_RULES, admin_area, refuse_errors
from .models import PlaceName
from .registry_models import NamingApplication, NamingTransition, PublicComment

if TYPE_CHECKING:
    from .attachments import NewAttachment

NAME_TEXT_FIELDS = ("meaning", "origin", "history", "entity_description")
REPORTS = ("assessment_report", "expert_report", "consultation_report")


def _required(data: dict[str, Any], key: str, zh: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"缺少必填项：{zh}（{key}）", f"Missing required field: {key}", details={"field": key})
    return value.strip()


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{key} 应为文字", f"{key} must be text", details={"field": key})
    return (value or "").strip() or None


def _geometry(value: Any):
    return None if value is None else parse_geometry(value)


def create_application(store, data: dict[str, Any], *, actor: str, attachments: Sequence[NewAttachment] = ()) -> int:
    """Record an application (申报) with the documents filed with it, all or nothing;
    returns its id. ``attachments`` come checked from ``attachments.prepare``."""
    kind = data.get("kind", "name")
    if kind not in procedure.KINDS:
        raise InvalidInput(f"申报类型应为 {'/'.join(procedure.KINDS)}", f"kind must be one of {', '.join(procedure.KINDS)}")
    reasons = _required(data, "reasons", "申报理由")
    applicant = _required(data, "applicant_name", "申报人")
    notice_days = data.get("notice_days", procedure.DEFAULT_NOTICE_DAYS)
    if not isinstance(notice_days, int) or isinstance(notice_days, bool) or not 1 <= notice_days <= 90:
        raise InvalidInput("公示天数应为 1 到 90 的整数", "notice_days must be a whole number from 1 to 90")
    geom = _geometry(data.get("geometry"))
    with store.transaction(actor=actor, reason=f"naming application ({kind})") as session:
        if kind == "name":
            name = _required(data, "proposed_name", "拟用名称")
            category = categories.get(_required(data, "category_code", "类别代码"))
            refuse_errors(session, Candidate(name, category.code, admin_code=data.get("admin_code")), (*FORM_RULES, admin_area))
            entry = PlaceName(
                **register.spelling(name, category.code, generic=data.get("generic")),
                admin_code=data.get("admin_code"),
                status="proposed",
                geom=geom,
                location_description=data.get("location_description"),
                **{f: data.get(f) for f in NAME_TEXT_FIELDS},
            )
            session.add(entry)
            session.flush()
        else:
            entry = register.get_name(session, _target_id(data))
            if entry.status != "current":
                raise Conflict(
                    f"只能对现行地名申请{'更名' if kind == 'rename' else '销名'}",
                    f"Only a current name can be {'renamed' if kind == 'rename' else 'cancelled'}",
                )
            name = _required(data, "proposed_name", "拟用名称") if kind == "rename" else entry.name
            category = categories.get(entry.category_code)
            if kind == "rename":  # the form of the text and the area, before anything is stored
                refuse_errors(session, Candidate(name, category.code, admin_code=data.get("admin_code")), (*FORM_RULES, admin_area))
        open_one = session.scalar(
            select(NamingApplication.id).where(
                NamingApplication.place_name_id == entry.id, NamingApplication.state.not_in(procedure.FINAL_STATES)
            )
        )
        if open_one is not None:
            raise Conflict(
                f"该地名已有办理中的申报（{open_one}）",
                f"This name already has an open application ({open_one})",
                details={"application_id": open_one},
            )
        application = NamingApplication(
            kind=kind,
            state="applied",
            place_name_id=entry.id,
            proposed_name=name,
            category_code=category.code,
            admin_code=data.get("admin_code", entry.admin_code),
            location_description=data.get("location_description", entry.location_description),
            geom=geom if geom is not None else entry.geom,
            reasons=reasons,
            applicant_name=applicant,
            applicant_organisation=data.get("applicant_organisation"),
            applicant_contact=data.get("applicant_contact"),
            notice_days=notice_days,
            justification=_optional_text(data, "justification"),
            **{r: data.get(r) for r in REPORTS},
        )
        session.add(application)
        session.flush()
        if attachments:
            from .attachments import attach  # attachments build on this module

            for new in attachments:
                attach(session, application, new, actor=actor)
        session.add(
            NamingTransition(
                application_id=application.id,
                action="apply",
                from_state=None,
                to_state="applied",
                actor=actor,
                occurred_at=procedure.now(),
                reason=reasons,
            )
        )
        return application.id


def _target_id(data: dict[str, Any]) -> int:
    value = data.get("place_name_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput("更名或销名须指明现行地名（place_name_id）", "A rename or cancellation needs place_name_id of a current name")
    return value


def load(session, application_id: int) -> NamingApplication:
    application = session.get(NamingApplication, application_id)
    if application is None:
        raise NotFound(f"申报 {application_id} 不存在", f"Application {application_id} does not exist")
    return application


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


SUMMARY = (
    "id",
    "kind",
    "state",
    "place_name_id",
    "proposed_name",
    "category_code",
    "admin_code",
    "notice_ends_at",
    "approved_on",
    "filing_due",
    "announcement_due",
)
DETAIL = (
    "location_description",
    "reasons",
    "applicant_name",
    "applicant_organisation",
    "applicant_contact",
    *REPORTS,
    "findings",
    "justification",
    "officer_opinion",
    "notice_days",
    "notice_starts_at",
    "approving_body",
    "decision_reason",
    "approval_document",
    "filed_on",
    "filed_with",
    "announced_on",
    "announcement",
    "notice_number",
    "announcement_number",
    "version",
)


def category_label(code: str | None) -> dict[str, str] | None:
    """``{"zh": "23510 街、路", "en": "23510 street, road"}``: the code with its name, for people."""
    if code is None:
        return None
    known = categories.categories().get(code)
    return {"zh": f"{code} {known.label_zh}", "en": f"{code} {known.label_en}"} if known else {"zh": code, "en": code}


def summary(application: NamingApplication) -> dict[str, Any]:
    """The list row, with the words for its kind, state and category next to the codes."""
    body = {f: _plain(getattr(application, f)) for f in SUMMARY}
    body["kind_label"] = procedure.bilingual(procedure.KIND_LABELS, application.kind)
    body["state_label"] = procedure.bilingual(procedure.LABELS, application.state)
    body["category_label"] = category_label(application.category_code)
    body["updated_at"] = _plain(application.updated_at)
    return body


def _register_entry(session, application: NamingApplication) -> dict[str, Any]:
    """The register entry the application is about, and the romanization of its name
    as the application stands (a rename's new name before it is announced)."""
    entry = register.get_name(session, application.place_name_id)
    if application.kind == "rename" and application.state != "announced" and application.proposed_name:
        spelled = register.spelling(application.proposed_name, application.category_code)["romanization"]
    else:
        spelled = entry.romanization
    return {
        "romanization": spelled,
        "register_entry": {"id": entry.id, "name": entry.name, "romanization": entry.romanization, "status": entry.status},
    }


def officer_view(store, application_id: int) -> dict[str, Any]:
    """Everything an officer sees: the application, its steps and the public's comments."""
    with store.read() as session:
        application = load(session, application_id)
        body = {**summary(application), **{f: _plain(getattr(application, f)) for f in DETAIL}}
        body["geometry"] = application.geom.__geo_interface__ if application.geom is not None else None
        body["next_actions"] = procedure.allowed_actions(application.state)
        body.update(_register_entry(session, application))
        body["administrative_area"] = areas.area(session, application.admin_code, procedure.today())
        steps = session.scalars(
            select(NamingTransition).where(NamingTransition.application_id == application_id).order_by(NamingTransition.id)
        )
        body["transitions"] = [
            {
                "action": t.action,
                "action_label": procedure.bilingual(procedure.ACTION_LABELS, t.action),
                "from": t.from_state,
                "to": t.to_state,
                "actor": t.actor,
                "at": _plain(t.occurred_at),
                "reason": t.reason,
            }
            for t in steps
        ]
        comments = session.scalars(select(PublicComment).where(PublicComment.application_id == application_id).order_by(PublicComment.id))
        body["comments"] = [
            {
                "id": c.id,
                "body": c.body,
                "author_name": c.author_name,
                "author_contact": c.author_contact,
                "submitted_at": _plain(c.submitted_at),
            }
            for c in comments
        ]
        from .attachments import listing  # attachments and documents build on this module
        from .documents import facts

        body["attachments"] = listing(session, application_id)
        # What the notice will say: the spelling (the officer's override included), the area in words, a rename's old name.
        told = facts(session, application)
        body.update(romanization=told["romanization"], area=told["area"], former_name=told["former_name"])
        return body


def list_applications(store, state: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """The applications, oldest first; only those in ``state`` / of ``kind`` when given."""
    with store.read() as session:
        query = select(NamingApplication).order_by(NamingApplication.id)
        if kind:
            if kind not in procedure.KINDS:
                raise InvalidInput(f"未知申报类型“{kind}”", f"Unknown kind '{kind}'", details={"kinds": list(procedure.KINDS)})
            query = query.where(NamingApplication.kind == kind)
        if state:
            if state not in procedure.STATES:
                raise InvalidInput(f"未知环节“{state}”", f"Unknown state '{state}'", details={"states": list(procedure.STATES)})
            query = query.where(NamingApplication.state == state)
        return [summary(a) for a in session.scalars(query)]
