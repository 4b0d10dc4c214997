"""Which district this register serves: the one place the place-name rules read its code.

Today the code comes from the demo's reference reader (``data/demo/reference.py``),
where the rest of the tree gets it; a deployment profile can redirect this function
without touching the rules that use it.
"""

from __future__ import annotations


def district_code() -> str:
    """The 6-digit GB/T 2260 code of the district (e.g. ``530111`` for 官渡区)."""
    from data.demo.reference import DISTRICT_CODE

    return DISTRICT_CODE
