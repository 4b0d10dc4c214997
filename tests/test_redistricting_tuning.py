"""One household rule (``Rules``) and one tuning object (``Tuning``) for the generator."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from redistricting_grids import grid_graph, rules, vertical_road

from boundaries.redistricting import Rules, propose
from boundaries.redistricting.generate import DEFAULT_TUNING, Tuning, boundary_costs


@given(st.integers(0, 500), st.integers(0, 300), st.integers(0, 300), st.integers(0, 300), st.booleans())
def test_the_household_rule_agrees_with_its_definition(households, low, span, dense_span, dense):
    r = Rules(low, low + span, low + span + dense_span)
    ceiling = r.ceiling(dense)
    assert ceiling == (low + span + dense_span if dense else low + span)
    assert r.fits(households, ceiling) == (low <= households <= ceiling)
    expected = (low - households) if households < low else max(0, households - ceiling)
    assert r.excess(households, ceiling) == expected
    array = np.array([households, low, ceiling, ceiling + 1])
    assert r.fits(array, r.ceilings(np.array([dense] * 4))).tolist() == [r.fits(int(h), ceiling) for h in array]


def test_tuning_is_one_frozen_object_the_generator_takes():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_TUNING.attempts = 9  # type: ignore[misc]
    graph = grid_graph([[50] * 4] * 4, roads=vertical_road(2, 4))
    cheap_river = boundary_costs(graph)
    dear = boundary_costs(graph, Tuning(boundary_price={"river": 1, "arterial": 5.0, "secondary": 1, "local": 1, "lane": 1}))
    assert dear.max() > cheap_river.max() and (dear >= cheap_river).all()
    quick = propose(graph, rules(300, 500), seed=2, tuning=Tuning(attempts=1, max_attempts=1, polished=1))
    assert quick.valid and len(quick.plan.labels) == 2
