"""Run every rule on a candidate and gather findings plus statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from placenames import categories

from . import blocked_words, duplicate_name, generic_name, homophone, rare_characters
from .findings import ERROR, Candidate, Finding
from .statistics import statistics

RULES = (generic_name, duplicate_name, homophone, rare_characters, blocked_words)


@dataclass(frozen=True)
class CheckReport:
    candidate: Candidate
    findings: list[Finding]
    statistics: dict[str, int]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    @property
    def needs_justification(self) -> bool:
        return any(f.details.get("needs_justification") for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.candidate.name,
            "category_code": self.candidate.category_code,
            "findings": [f.to_dict() for f in self.findings],
            "statistics": self.statistics,
            "has_errors": self.has_errors,
            "needs_justification": self.needs_justification,
        }


def run_checks(session, candidate: Candidate) -> CheckReport:
    categories.get(candidate.category_code)  # unknown category -> 400 before any rule runs
    findings = [finding for rule in RULES for finding in rule.check(session, candidate)]
    return CheckReport(candidate, findings, statistics(session, candidate))
