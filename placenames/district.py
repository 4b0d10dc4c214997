"""Which district this register serves: the one place the place-name rules read its code,
from the deployment profile (``gis.profile``)."""

from __future__ import annotations

from gis.profile import current_profile


def district_code() -> str:
    """The 6-digit GB/T 2260 code of the district the service is deployed for."""
    return current_profile().code
