"""Redistricting on the full-scale demo district: time, validity and quality, beside a simple baseline.

Run:  .venv/bin/python benchmarks/bench_redistricting.py [--scale 1.0] [--seed 1] [--alternatives 3]

Prints, for each subdistrict and for the whole district (5,000-10,000 households,
20,000 in dense areas, the 2016 plan's targets 关上 5-8, 小板桥 7-10, 大板桥 2-3):
  1. diming's generator: seconds, valid or not (and why not), communities, household
     range, mean / worst Polsby-Popper, boundary share on rivers/arterials, straightness;
  2. the baseline: breadth-first filling (grow one community at a time from the
     westernmost free block until it reaches the average size), same metrics;
  3. the current (demo) communities, for reference.
GerryChain and spopt are not installed here, so they are not run (see docs/redistricting.md).
"""

from __future__ import annotations

import argparse
import time
from collections import deque

import numpy as np

from boundaries.redistricting import Rules, build_graph, current_plan, from_frames, propose, violations
from boundaries.redistricting import metrics
from boundaries.redistricting.plan import Plan
from data.demo import build_demo

TARGETS_2016 = {"关上街道": (5, 8), "小板桥街道": (7, 10), "大板桥街道": (2, 3)}


def bfs_baseline(graph, rules: Rules) -> Plan:
    """Grow communities one by one, breadth first from the westernmost free block, up to the average size."""
    assignment = np.full(graph.size, -1, dtype=np.int64)
    labels: list[str] = []
    for subdistrict in sorted(set(graph.subdistricts)):
        blocks = graph.blocks_of(subdistrict)
        total = int(graph.households[blocks].sum())
        ceiling = rules.ceiling(bool(graph.dense[blocks].all()))
        k = max(1, min(round(total / ((rules.min_households + ceiling) / 2)), max(1, total // max(rules.min_households, 1))))
        quota = total / k
        free = set(blocks.tolist())
        while free:
            label = len(labels)
            labels.append(f"{subdistrict}-b{label}")
            start = min(free, key=lambda b: (graph.centroids[b, 0], b))
            queue, households = deque([start]), 0
            free.discard(start)
            while queue and households < quota:
                block = queue.popleft()
                assignment[block] = label
                households += int(graph.households[block])
                for other, _ in graph.neighbours[block]:
                    if other in free:
                        free.discard(other)
                        queue.append(other)
            for block in queue:  # not taken: back to the pool
                free.add(block)
    return Plan(graph, assignment, tuple(labels))


def row(name: str, seconds: float | None, plan: Plan, rules: Rules) -> str:
    s = metrics.summary(plan)
    broken = violations(plan, rules)
    over = sum(1 for v in broken if v.rule == "households-max")
    valid = "valid" if not broken else f"{len(broken)} violations ({over} over max)"
    took = f"{seconds:7.2f}s" if seconds is not None else "      - "
    return (f"  {name:10} {took}  {valid:28} k={s['communities']:3d}  hh {s['households_min']:6d}-{s['households_max']:6d}  "
            f"PP {s['polsby_popper_mean']:.2f}/{s['polsby_popper_worst']:.2f}  major {s['boundary_major_share']:5.1%}  "
            f"straight {s['straightness']:.2f}  turns/km {s['turns_per_km']:.2f}  balance {s['household_balance']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--alternatives", type=int, default=3, help="seeds tried for the whole district")
    args = parser.parse_args()

    started = time.perf_counter()
    layers = build_demo(seed=530111, scale=args.scale)
    print(f"demo built in {time.perf_counter() - started:.1f}s (scale {args.scale})")
    names = dict(zip(layers["subdistricts"]["code"], layers["subdistricts"]["name"]))
    codes = {name: code for code, name in names.items()}
    data = from_frames(layers["blocks"], layers["roads"], layers["waterways"])
    factor = args.scale
    rules = Rules(round(5000 * factor), round(10000 * factor), round(20000 * factor),
                  targets={codes[name]: bounds for name, bounds in TARGETS_2016.items()})
    started = time.perf_counter()
    graph = build_graph(data)
    graph_seconds = time.perf_counter() - started
    print(f"{graph.size} blocks, {len(graph.edge_u)} shared edges, {int(graph.households.sum())} households; graph built in {graph_seconds:.2f}s")
    print(f"rules: {rules.min_households}-{rules.max_households} households, dense {rules.dense_max_households}; "
          f"targets {TARGETS_2016}\n")

    total = 0.0
    for code in data.subdistricts():
        sub = build_graph(data.only([code]))
        started = time.perf_counter()
        proposal = propose(sub, rules, seed=args.seed)
        seconds = time.perf_counter() - started
        total += seconds
        target = rules.targets.get(code)
        households = int(sub.households.sum())
        print(f"{names.get(code, code)} {code}: {sub.size} blocks, {households} households"
              + (f", target {target[0]}-{target[1]} communities" if target else ""))
        print(row("diming", seconds, proposal.plan, rules))
        for finding in proposal.findings:
            print(f"  {'':10} why: {finding.en}")
        started = time.perf_counter()
        baseline = bfs_baseline(sub, rules)
        print(row("baseline", time.perf_counter() - started, baseline, rules))
        print(row("current", None, current_plan(sub), rules))
    print(f"\nsum of per-subdistrict generator times: {total:.2f}s")

    print("\nwhole district in one call (graph included):")
    for index in range(args.alternatives):
        started = time.perf_counter()
        proposal = propose(build_graph(data), rules, seed=args.seed + index)
        seconds = time.perf_counter() - started
        print(row(f"seed {args.seed + index}", seconds, proposal.plan, rules))
    started = time.perf_counter()
    baseline = bfs_baseline(graph, rules)
    print(row("baseline", time.perf_counter() - started, baseline, rules))
    print(row("current", None, current_plan(graph), rules))


if __name__ == "__main__":
    main()
