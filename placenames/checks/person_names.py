"""A person's name, an enterprise name or a trademark as the 专名 -> warning that needs a
justification (条例 Art.9: generally no personal names; no enterprise names or trademarks
— 实施办法: only where the words are linked to the person, firm or mark, which the
officer states in the justification).

Lists: ``persons.txt`` and ``enterprises.txt`` of ``data/reference/name_rules/`` plus
a deployment's own; traditional names and current names are never flagged.
"""

from __future__ import annotations

from . import name_lists
from .findings import WARNING, Candidate, Finding

RULE = "person-or-enterprise-name"
KINDS = {"persons": ("人名", "a person's name"), "enterprises": ("企业名称或商标", "an enterprise name or trademark")}


def check(session, candidate: Candidate) -> list[Finding]:
    findings = []
    for kind, (zh, en) in KINDS.items():
        hit = name_lists.listed(session, candidate.name, candidate.category_code, kind)
        if hit is not None:
            findings.append(
                Finding(
                    RULE,
                    WARNING,
                    f"专名“{hit}”是{zh}，一般不得作地名；如确需使用须说明理由",
                    f"The specific part '{hit}' is {en}, generally not allowed in a place name; give an explicit justification",
                    {"word": hit, "list": kind, "needs_justification": True},
                )
            )
    return findings
