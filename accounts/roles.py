"""The roles of the product, in one place.

Every write endpoint names the roles it accepts; ``admin`` is accepted everywhere.
The anonymous public has no role and can only read (and comment on a naming
public notice).
"""

from __future__ import annotations

PLACENAME_OFFICER = "placename_officer"
BOUNDARY_OFFICER = "boundary_officer"
PLANNER = "planner"
ADMIN = "admin"

ROLES = {
    PLACENAME_OFFICER: ("地名工作人员", "Place-name officer"),
    BOUNDARY_OFFICER: ("界线工作人员", "Boundary officer"),
    PLANNER: ("规划人员", "Planner"),
    ADMIN: ("管理员", "Administrator"),
}


def allows(held: set[str] | frozenset[str], wanted: tuple[str, ...]) -> bool:
    """Whether someone holding ``held`` may do what needs one of ``wanted``."""
    return ADMIN in held or bool(set(wanted) & set(held))
