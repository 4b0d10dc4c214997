"""The one query the database-backed rules share: current names of the district,
optionally limited to categories whose names must be unique."""

from __future__ import annotations

from sqlalchemy import select

from placenames import categories
from placenames.models import PlaceName

from .findings import Candidate


def current_names(session, candidate: Candidate, *, unique_categories_only: bool = True):
    query = select(PlaceName.id, PlaceName.name, PlaceName.category_code, PlaceName.pinyin_key).where(PlaceName.status == "current")
    if unique_categories_only:
        codes = [c.code for c in categories.categories().values() if c.unique_in_district]
        query = query.where(PlaceName.category_code.in_(codes))
    if candidate.exclude_id is not None:
        query = query.where(PlaceName.id != candidate.exclude_id)
    return query


def applies(candidate: Candidate) -> bool:
    """Art.9: the no-repeat rule covers 街路巷 and important estates / buildings."""
    return categories.get(candidate.category_code).unique_in_district
