"""The naming procedure as a state machine (条例 Art.11-14), enforced by the server.

    applied --accept--> accepted --review--> reviewed --start_notice--> in_notice
      --approve--> approved --file--> filed --announce--> announced
    applied / accepted / reviewed / in_notice --reject--> rejected
    applied / accepted / reviewed / in_notice --withdraw--> withdrawn (the applicant
      takes it back before the decision; an officer records it with the reason)

Naming, renaming and cancelling use the same flow. An action not allowed from the
current state is a ``Conflict`` (HTTP 409) naming both. Time-dependent guards
(notice period over, deadlines) read ``now()``, one place tests can move.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from gis.errors import Conflict
from gis.localtime import local_text
from gis.profile import current_profile
from gis.storage import utcnow

KINDS = ("name", "rename", "cancel")
STATES = ("applied", "accepted", "reviewed", "in_notice", "approved", "filed", "announced", "rejected", "withdrawn")
FINAL_STATES = ("announced", "rejected", "withdrawn")
OPEN_BEFORE_DECISION = ("applied", "accepted", "reviewed", "in_notice")

ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": (("applied",), "accepted"),
    "review": (("accepted",), "reviewed"),
    "start_notice": (("reviewed",), "in_notice"),
    "approve": (("in_notice",), "approved"),
    "reject": (OPEN_BEFORE_DECISION, "rejected"),
    "withdraw": (OPEN_BEFORE_DECISION, "withdrawn"),
    "file": (("approved",), "filed"),
    "announce": (("filed",), "announced"),
}

LABELS = {
    "applied": ("申报", "applied"),
    "accepted": ("受理", "accepted"),
    "reviewed": ("审核", "reviewed"),
    "in_notice": ("公示中", "in public notice"),
    "approved": ("已批准", "approved"),
    "filed": ("已备案", "filed"),
    "announced": ("已公告", "announced"),
    "rejected": ("不予批准", "rejected"),
    "withdrawn": ("已撤回", "withdrawn"),
}

# The steps as officers name them (pages, messages); one table, like LABELS for states.
ACTION_LABELS = {
    "apply": ("申报", "Apply"),  # the first step, recorded when the application is made
    "accept": ("受理", "Accept"),
    "review": ("审核通过", "Pass review"),
    "start_notice": ("开始公示", "Start public notice"),
    "approve": ("批准", "Approve"),
    "reject": ("不予批准", "Reject"),
    "withdraw": ("撤回申报", "Withdraw"),
    "file": ("备案", "File"),
    "announce": ("公告", "Announce"),
}
KIND_LABELS = {"name": ("命名", "naming"), "rename": ("更名", "renaming"), "cancel": ("销名", "cancellation")}


def bilingual(table: dict[str, tuple[str, str]], key: str) -> dict[str, str]:
    """``{"zh": ..., "en": ...}`` for ``key`` in a label table (the key itself if unknown)."""
    zh, en = table.get(key, (key, key))
    return {"zh": zh, "en": en}


DEFAULT_NOTICE_DAYS = 7
FILING_DAYS = 15  # Art.13: 备案 within 15 days of approval
ANNOUNCEMENT_DAYS = 15  # Art.14: 公告 within 15 days


def now() -> dt.datetime:
    return utcnow()


def local_time() -> ZoneInfo:
    """The district's time zone (deployment profile; Asia/Shanghai, Beijing time, in China)."""
    return current_profile().zone


def today() -> dt.date:
    """Legal dates are calendar days in the district's time zone (Beijing time)."""
    return now().astimezone(local_time()).date()


def allowed_actions(state: str) -> list[str]:
    """The actions the procedure allows from ``state`` (what an officer may do next)."""
    return [action for action, (allowed, _) in ACTIONS.items() if state in allowed]


def target_state(state: str, action: str) -> str:
    """The state ``action`` leads to from ``state``, or a 409 explaining why not."""
    if action not in ACTIONS:
        known = ", ".join(ACTIONS)
        raise Conflict(f"未知的办理环节“{action}”", f"Unknown procedure action '{action}' (known: {known})")
    allowed, target = ACTIONS[action]
    if state not in allowed:
        zh_state, en_state = LABELS[state]
        zh_action, en_action = ACTION_LABELS[action]
        raise Conflict(
            f"申报处于“{zh_state}”环节，不能办理“{zh_action}”；此操作只能在{'、'.join(LABELS[s][0] for s in allowed)}环节进行",
            f"The application is {en_state}; '{en_action}' is only allowed when it is {' or '.join(LABELS[s][1] for s in allowed)}",
            details={"state": state, "action": action, "allowed_from": list(allowed)},
        )
    return target


def ensure_notice_over(notice_ends_at: dt.datetime | None) -> dt.datetime:
    """The end of the notice, or a Conflict if there was none or it has not ended yet."""
    moment = now()
    if notice_ends_at is None:
        raise Conflict("尚未公示，不能批准", "No public notice yet; cannot approve", details={"notice_ends_at": None})
    if moment < notice_ends_at:
        zone = local_time()
        raise Conflict(
            f"公示期至 {local_text(notice_ends_at, zone, 'zh')} 才结束，公示期满前不能批准",
            f"The public notice runs until {local_text(notice_ends_at, zone, 'en')}; approval must wait until it has ended",
            details={"notice_ends_at": notice_ends_at.isoformat()},
        )
    return notice_ends_at


def notice_period(days: int) -> tuple[dt.datetime, dt.datetime]:
    start = now()
    return start, start + dt.timedelta(days=days)


def due_dates(approved_on: dt.date) -> tuple[dt.date, dt.date]:
    """(filing due, announcement due) counted from the approval date."""
    return approved_on + dt.timedelta(days=FILING_DAYS), approved_on + dt.timedelta(days=ANNOUNCEMENT_DAYS)


def in_notice(state: str, notice_ends_at: dt.datetime | None) -> bool:
    return state == "in_notice" and notice_ends_at is not None and now() < notice_ends_at
