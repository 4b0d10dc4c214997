"""Inspection and acceptance rounds (检查验收): per-item results with defect codes,
photo references, and re-inspection rounds covering the failures of an earlier one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from gis.errors import Conflict, InvalidInput, NotFound

from .models import DEFECTS, PLATE, ROAD_SIGN, InspectionResult, InspectionRound, PlateItem, RoadSign

KINDS = {ROAD_SIGN: RoadSign, PLATE: PlateItem}


def open_round(store, name: str, *, inspector: str, held_on: dt.date, actor: str, follows_round_id: int | None = None) -> int:
    if not name or not inspector:
        raise InvalidInput("检查轮次须有名称和检查人", "A round needs a name and an inspector")
    with store.transaction(actor=actor, reason=f"检查验收 {name}") as session:
        if follows_round_id is not None and session.get(InspectionRound, follows_round_id) is None:
            raise NotFound("被复查的检查轮次不存在", f"No inspection round {follows_round_id}")
        round_ = InspectionRound(name=name, inspector=inspector, held_on=held_on, follows_round_id=follows_round_id, status="open")
        session.add(round_)
        session.flush()
        return round_.id


def _open_round(session, round_id: int, closed_zh: str, closed_en: str) -> InspectionRound:
    """The round, if it exists and is still open (404 / 409 with the caller's words otherwise)."""
    round_ = session.get(InspectionRound, round_id)
    if round_ is None:
        raise NotFound("检查轮次不存在", f"No inspection round {round_id}")
    if round_.status != "open":
        raise Conflict(closed_zh, closed_en)
    return round_


def record(store, round_id: int, results: list[dict], *, actor: str) -> int:
    """Store results ``{"kind", "item", "result": pass|fail, "defects": [...], "photos", "on", "note"}``.
    All or nothing: one bad entry refuses the whole batch."""
    with store.transaction(actor=actor, reason=f"检查结果 inspection results, round {round_id}") as session:
        round_ = _open_round(session, round_id, "检查轮次已结束，不能再登记结果", "The round is closed; no more results can be recorded")
        if round_.follows_round_id is not None:
            due = _failed_items(session, round_.follows_round_id)
            extra = [(r.get("kind"), r.get("item")) for r in results if (r.get("kind"), r.get("item")) not in due]
            if extra:
                raise InvalidInput(
                    "复查只能针对上一轮不合格的项目",
                    "A re-inspection covers only the failures of the round it follows",
                    details={"items": extra},
                )
        rows = [_result_row(session, round_, entry) for entry in results]
        session.add_all(rows)
        session.flush()
        return len(rows)


def close_round(store, round_id: int, *, actor: str) -> dict:
    with store.transaction(actor=actor, reason=f"检查轮次结束 round {round_id} closed") as session:
        round_ = _open_round(session, round_id, "检查轮次已结束", "The round is already closed")
        round_.status = "closed"
        results = list(session.scalars(select(InspectionResult.result).where(InspectionResult.round_id == round_id)))
        return {"round": round_id, "items": len(results), "passed": results.count("pass"), "failed": results.count("fail")}


def reinspect(store, round_id: int, *, inspector: str, held_on: dt.date, actor: str) -> tuple[int, list[tuple[str, int]]]:
    """Open a re-inspection round for the failures of ``round_id``; returns it and the items due."""
    with store.read() as session:
        due = sorted(_failed_items(session, round_id))
    if not due:
        raise Conflict("该轮次没有不合格项目，无需复查", "The round has no failures to re-inspect")
    name = f"复查 re-inspection of round {round_id}"
    return open_round(store, name, inspector=inspector, held_on=held_on, actor=actor, follows_round_id=round_id), due


def _failed_items(session, round_id: int) -> set[tuple[str, int]]:
    failed = (InspectionResult.round_id == round_id) & (InspectionResult.result == "fail")
    rows = session.execute(select(InspectionResult.item_kind, InspectionResult.item_id).where(failed))
    return {(kind, item) for kind, item in rows}


def _result_row(session, round_: InspectionRound, entry: dict) -> InspectionResult:
    kind, item, result = entry.get("kind"), entry.get("item"), entry.get("result")
    if kind not in KINDS or not isinstance(item, int):
        raise InvalidInput(
            "项目应为 road_sign 或 plate 及其 id", "Each result needs kind road_sign|plate and an item id", details={"entry": entry}
        )
    if session.get(KINDS[kind], item) is None:
        raise NotFound(f"项目不存在：{kind} {item}", f"No such item: {kind} {item}")
    defects = list(entry.get("defects") or [])
    unknown = [d for d in defects if d not in DEFECTS]
    if result not in ("pass", "fail") or unknown or (result == "fail") != bool(defects):
        raise InvalidInput(
            "结果应为 pass（无缺陷）或 fail（至少一个缺陷代码）",
            f"Result must be pass (no defects) or fail with defect codes from {', '.join(DEFECTS)}",
            details={"entry": entry, "unknown_defects": unknown},
        )
    return InspectionResult(
        round_id=round_.id,
        item_kind=kind,
        item_id=item,
        result=result,
        defects=",".join(defects),
        photos=entry.get("photos"),
        inspected_on=entry.get("on") or round_.held_on,
        note=entry.get("note"),
    )
