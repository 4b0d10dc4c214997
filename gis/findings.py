"""One bilingual finding: what a check, a constraint or a row-by-row read reports.

Why one type: name checks, redistricting constraints and inventory rows each had their
own (``zh``/``en`` flat, ``message`` nested, ``message_zh``...), so every client had to
know which it was reading. Every finding now serialises to the same keys.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Finding:
    """``rule`` names the check; ``subject`` what it is about (a block, a community, a
    subdistrict), ``row`` and ``field`` where in a file; ``details`` whatever else helps."""

    rule: str
    severity: str
    zh: str
    en: str
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    subject: str | None = None
    row: int | None = None
    field: str | None = None

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        """Always the same keys. ``message`` is the shape of the API's errors; ``zh`` and
        ``en`` beside it are kept for the clients (and stored proposals) that read them."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": {"zh": self.zh, "en": self.en},
            "zh": self.zh,
            "en": self.en,
            "subject": self.subject,
            "row": self.row,
            "field": self.field,
            "details": dict(self.details),
        }
