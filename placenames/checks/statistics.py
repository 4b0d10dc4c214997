"""How many current names share this name or this pinyin, in the district and in the
category, like the national place-name database's statistics."""

from __future__ import annotations

from sqlalchemy import func, select

from placenames.models import PlaceName
from placenames.romanization import pinyin_key

from .findings import Candidate


def statistics(session, candidate: Candidate) -> dict[str, int]:
    key = pinyin_key(candidate.name)

    def count(*conditions) -> int:
        query = select(func.count()).select_from(PlaceName).where(PlaceName.status == "current", *conditions)
        if candidate.exclude_id is not None:
            query = query.where(PlaceName.id != candidate.exclude_id)
        return session.scalar(query)

    in_category = PlaceName.category_code == candidate.category_code
    return {
        "same_name_in_district": count(PlaceName.name == candidate.name),
        "same_name_in_category": count(PlaceName.name == candidate.name, in_category),
        "same_pinyin_in_district": count(PlaceName.pinyin_key == key),
        "same_pinyin_in_category": count(PlaceName.pinyin_key == key, in_category),
    }
