"""Same name already current in the district (条例 Art.9) -> error.

Compared within the category's uniqueness class (街路巷 with 街路巷, estates and
buildings with each other), as the database's unique index does."""

from __future__ import annotations

from placenames import categories
from placenames.models import PlaceName

from .findings import ERROR, Candidate, Finding
from .register_query import applies, current_names

RULE = "duplicate-name"


def check(session, candidate: Candidate) -> list[Finding]:
    if not applies(candidate):
        return []
    classes = categories.unique_classes()
    same_class = [code for code, kind in classes.items() if kind == classes[candidate.category_code]]
    query = current_names(session, candidate).where(PlaceName.name == candidate.name, PlaceName.category_code.in_(same_class))
    clashes = session.execute(query).all()
    if not clashes:
        return []
    return [
        Finding(
            RULE,
            ERROR,
            f"区内已有同名的现行标准地名“{candidate.name}”（{len(clashes)} 处），街路巷及重要住宅区、楼宇名称不得重名",
            f"'{candidate.name}' is already a current standard name in the district ({len(clashes)}); "
            f"roads, streets, lanes and important estates/buildings must not repeat",
            {"ids": [row.id for row in clashes]},
        )
    ]
