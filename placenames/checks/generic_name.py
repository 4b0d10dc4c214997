"""The name must end with a generic (通名) its category recognises -> error if missing."""

from __future__ import annotations

from placenames import categories

from .findings import ERROR, Candidate, Finding

RULE = "generic-name"


def check(session, candidate: Candidate) -> list[Finding]:
    category = categories.get(candidate.category_code)
    if any(candidate.name.endswith(g) and len(candidate.name) > len(g) for g in category.generics):
        return []
    return [
        Finding(
            RULE,
            ERROR,
            f"“{candidate.name}”没有{category.label_zh}类可识别的通名（如：{'、'.join(category.generics[:6])}）",
            f"'{candidate.name}' has no recognisable generic part for category {category.code} {category.label_en} "
            f"(e.g. {', '.join(category.generics[:6])})",
            {"category": category.code, "generics": list(category.generics)},
        )
    ]
