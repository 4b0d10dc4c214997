"""What a rule looks at (``Candidate``) and what it reports (``Finding``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Candidate:
    """A proposed name. ``exclude_id`` is the register entry it would replace or
    become (a rename's own record), which must not count as a clash; ``admin_code``
    the administrative unit it lies in, when known."""

    name: str
    category_code: str
    exclude_id: int | None = None
    admin_code: str | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    zh: str
    en: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": {"zh": self.zh, "en": self.en}, "details": self.details}
