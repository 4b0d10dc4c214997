"""Checks on a proposed name, one small rule per module; ``runner.run_checks`` runs them all.

Every rule returns ``Finding`` values (error / warning / info) with a bilingual reason,
so the officer sees why, not just that, a name fails.
"""

from .findings import Candidate, Finding
from .runner import CheckReport, run_checks

__all__ = ["Candidate", "CheckReport", "Finding", "run_checks"]
