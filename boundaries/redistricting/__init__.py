"""Redistricting: propose communities (社区) made of whole blocks within household bounds.

inputs → graph → generate (grow + search, checked by constraints) → metrics,
compare, export. See docs/redistricting.md.
"""

from boundaries.redistricting.constraints import Violation, violations
from boundaries.redistricting.generate import Cancelled, Proposal, propose
from boundaries.redistricting.graph import BlockGraph, build_graph
from boundaries.redistricting.inputs import ColumnMap, RedistrictingInput, from_file, from_frames, from_store
from boundaries.redistricting.plan import Plan, current_plan, plan_from_mapping
from boundaries.redistricting.rules import Rules, parse_target

__all__ = [
    "BlockGraph",
    "Cancelled",
    "ColumnMap",
    "Plan",
    "Proposal",
    "RedistrictingInput",
    "Rules",
    "Violation",
    "build_graph",
    "current_plan",
    "from_file",
    "from_frames",
    "from_store",
    "parse_target",
    "plan_from_mapping",
    "propose",
    "violations",
]
