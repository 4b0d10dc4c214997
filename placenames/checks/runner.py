"""Run every rule on a candidate and gather findings plus statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gis.errors import InvalidInput
from placenames import categories

from . import (
    admin_area,
    blocked_words,
    control_characters,
    duplicate_name,
    empty_name,
    generic_name,
    homophone,
    latin_letters,
    leader_names,
    markup_characters,
    name_length,
    person_names,
    rare_characters,
    same_specific,
)
from .findings import ERROR, Candidate, Finding
from .statistics import statistics

# The form of the text: checked wherever a name enters (application, import) before it is stored.
FORM_RULES = (control_characters, markup_characters, latin_letters, name_length)
FORM_RULE_NAMES = {empty_name.RULE, *(rule.RULE for rule in FORM_RULES)}
# What the name says: the naming rules of 条例 Art.9 (lists, the register).
NAMING_RULES = (generic_name, duplicate_name, same_specific, homophone, rare_characters, blocked_words, leader_names, person_names)
RULES = (*FORM_RULES, *NAMING_RULES, admin_area)


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


def findings_of(session, candidate: Candidate, rules=RULES) -> list[Finding]:
    """Every finding of ``rules``; an empty name has only the one saying so."""
    categories.get(candidate.category_code)  # unknown category -> 400 before any rule runs
    empty = empty_name.check(session, candidate)
    if empty:
        return empty
    form = [finding for rule in rules if rule in FORM_RULES for finding in rule.check(session, candidate)]
    if any(f.severity == ERROR for f in form):  # text that cannot be stored is not compared with the register
        rules = [rule for rule in rules if rule is admin_area]
    return form + [finding for rule in rules if rule not in FORM_RULES for finding in rule.check(session, candidate)]


def errors_of(session, candidate: Candidate, rules=RULES) -> list[Finding]:
    return [f for f in findings_of(session, candidate, rules) if f.severity == ERROR]


# A file of registered names (census, register layer): its current rows must obey the
# naming errors too; duplicates are checked per file by the import itself, and warnings
# (which need a justification in the procedure) do not refuse a register of past decisions.
IMPORT_RULES = (*FORM_RULES, generic_name, blocked_words, leader_names, admin_area)


def refuse_errors(session, candidate: Candidate, rules=RULES) -> None:
    """400 naming every error of ``rules`` on the candidate (nothing is stored)."""
    errors = errors_of(session, candidate, rules)
    if errors:
        raise InvalidInput(
            "名称不符合规定：" + "；".join(f.zh for f in errors),
            "The name breaks the naming rules: " + "; ".join(f.en for f in errors),
            details={"findings": [f.to_dict() for f in errors]},
        )


def import_problem(session, candidate: Candidate, *, current: bool = True) -> str | None:
    """One import row's errors as a bilingual text, or None. Historical rows are facts
    of the past: only the form of their text is checked."""
    errors = errors_of(session, candidate, IMPORT_RULES if current else FORM_RULES)
    if not errors:
        return None
    return "; ".join(f"{f.zh} / {f.en}" for f in errors)


def run_checks(session, candidate: Candidate) -> CheckReport:
    findings = findings_of(session, candidate)
    storable = not any(f.severity == ERROR and f.rule in FORM_RULE_NAMES for f in findings)
    return CheckReport(candidate, findings, statistics(session, candidate) if storable else {})
