"""What a rule looks at (``Candidate``) and what it reports (``Finding``, the one
bilingual finding type of ``gis.findings``)."""

from __future__ import annotations

from dataclasses import dataclass

from gis.findings import ERROR, INFO, WARNING, Finding

__all__ = ["ERROR", "INFO", "WARNING", "Candidate", "Finding"]


@dataclass(frozen=True)
class Candidate:
    """A proposed name. ``exclude_id`` is the register entry it would replace or
    become (a rename's own record), which must not count as a clash; ``admin_code``
    the administrative unit it lies in, when known."""

    name: str
    category_code: str
    exclude_id: int | None = None
    admin_code: str | None = None
