"""Same pronunciation (toneless pinyin) as a current name -> warning needing a justification."""

from __future__ import annotations

from placenames.models import PlaceName
from placenames.romanization import pinyin_key

from .findings import WARNING, Candidate, Finding
from .register_query import applies, current_names

RULE = "homophone"


def check(session, candidate: Candidate) -> list[Finding]:
    if not applies(candidate):
        return []
    key = pinyin_key(candidate.name)
    query = current_names(session, candidate).where(PlaceName.pinyin_key == key, PlaceName.name != candidate.name)
    rows = session.execute(query).all()
    if not rows:
        return []
    names = sorted({row.name for row in rows})
    return [
        Finding(
            RULE,
            WARNING,
            f"与现行地名{'、'.join(names)}同音（{key}），应尽量避免；如确需使用须说明理由",
            f"Sounds the same ({key}) as current name(s) {', '.join(names)}; avoid it, or give an explicit justification",
            {"pinyin": key, "names": names, "needs_justification": True},
        )
    ]
