"""The same 专名 with another 通名 already current in the district (子君街 beside 子君路)
-> warning that needs a justification: Art.9 asks names of one built-up area not to
repeat, and two roads told apart only by 街/路 send people and post to the wrong one.

Compared within the category's uniqueness class, like ``duplicate_name``; the 专名 is
the name minus its category's longest 通名 (``name_lists.specific``), so 子君东路 (专名
子君东, a section of the road) is not flagged beside 子君路.
"""

from __future__ import annotations

from placenames import categories
from placenames.models import PlaceName

from .findings import WARNING, Candidate, Finding
from .name_lists import specific
from .register_query import applies, current_names

RULE = "same-specific-part"


def check(session, candidate: Candidate) -> list[Finding]:
    if not applies(candidate):
        return []
    mine = specific(candidate.name, candidate.category_code)
    if mine == candidate.name:
        return []  # no 通名 recognised: generic_name reports it
    classes = categories.unique_classes()
    same_class = [code for code, kind in classes.items() if kind == classes[candidate.category_code]]
    query = current_names(session, candidate).where(
        PlaceName.category_code.in_(same_class), PlaceName.name.startswith(mine, autoescape=True), PlaceName.name != candidate.name
    )
    names = sorted({row.name for row in session.execute(query) if specific(row.name, row.category_code) == mine})
    if not names:
        return []
    return [
        Finding(
            RULE,
            WARNING,
            f"区内已有同一专名“{mine}”的现行地名{'、'.join(names)}，仅通名不同易混淆；如确需使用须说明理由",
            f"Current name(s) {', '.join(names)} share the specific part '{mine}' and differ only in the generic; "
            f"this confuses; give an explicit justification",
            {"specific": mine, "names": names, "needs_justification": True},
        )
    ]
