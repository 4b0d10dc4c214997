"""Redistricting benchmark: diming's generator beside GerryChain, spopt and a simple baseline.

Run:  .venv/bin/python benchmarks/bench_redistricting.py [--scale 1.0] [--seed 1] [--alternatives 3]
      .venv/bin/python benchmarks/bench_redistricting.py --no-demo --synthetic 300,2000,20000 [--no-peers]
           [--recom-steps 1000] [--spopt-max-blocks 2000] [--spopt-budget 900] [--spopt-construction 99]

Prints, for each subdistrict and for the whole district (5,000-10,000 households,
20,000 in dense areas, the 2016 plan's targets 关上 5-8, 小板桥 7-10, 大板桥 2-3):
  1. diming's generator: seconds, valid or not (and why not), communities, household
     range, mean / worst Polsby-Popper, boundary share on rivers/arterials, straightness;
  2. the baseline: breadth-first filling (grow one community at a time from the
     westernmost free block until it reaches the average size), same metrics;
  3. the current (demo) communities, for reference.

With ``--synthetic SIZES`` it also builds generated districts of those sizes
(benchmarks/synthetic_district.py: irregular road grid, a river, heavy-tailed
households, dense areas) and runs on each, with the same rules and the districts'
own community-count targets: diming; GerryChain (a recursive-tree seed plan plus
``--recom-steps`` ReCom steps per subdistrict, with the widest symmetric band around
the average that lies inside the bounds, as GerryChain cannot express a dense-area
ceiling); spopt ``MaxPHeuristic`` per subdistrict (floor = the minimum households;
not run above ``--spopt-max-blocks`` blocks, as it takes minutes). Every plan is
measured with diming's own constraints and metrics, and a side-by-side table is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import deque
from pathlib import Path

import numpy as np

from boundaries.redistricting import Rules, build_graph, current_plan, from_frames, metrics, propose, violations
from boundaries.redistricting.plan import Plan
from data.demo import build_demo

sys.path.insert(0, str(Path(__file__).resolve().parent))  # synthetic_district beside this script

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
    return (
        f"  {name:10} {took}  {valid:28} k={s['communities']:3d}  hh {s['households_min']:6d}-{s['households_max']:6d}  "
        f"PP {s['polsby_popper_mean']:.2f}/{s['polsby_popper_worst']:.2f}  major {s['boundary_major_share']:5.1%} "
        f"(lines used {s['major_lines_used']:4.0%})  "
        f"straight {s['straightness']:.2f}  turns/km {s['turns_per_km']:.2f}  balance {s['household_balance']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--alternatives", type=int, default=3, help="seeds tried for the whole district")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo district")
    parser.add_argument("--synthetic", default="", help="sizes of generated districts, e.g. 300,2000,20000")
    parser.add_argument("--district-seed", type=int, default=0, help="seed of the generated districts")
    parser.add_argument("--no-peers", action="store_true", help="skip GerryChain and spopt")
    parser.add_argument("--recom-steps", type=int, default=1000, help="GerryChain ReCom steps per subdistrict")
    parser.add_argument("--spopt-max-blocks", type=int, default=2000, help="run spopt only on districts up to this size")
    parser.add_argument("--spopt-budget", type=float, default=900, help="stop spopt after this many seconds per district")
    parser.add_argument(
        "--spopt-construction", type=int, default=99, help="spopt max_iterations_construction (its default 99; fewer runs faster, worse)"
    )
    args = parser.parse_args()
    if not args.no_demo:
        demo(args)
    sizes = [int(size) for size in args.synthetic.split(",") if size.strip()]
    for size in sizes:
        synthetic(size, args)


def demo(args) -> None:
    started = time.perf_counter()
    layers = build_demo(seed=530111, scale=args.scale)
    print(f"demo built in {time.perf_counter() - started:.1f}s (scale {args.scale})")
    names = dict(zip(layers["subdistricts"]["code"], layers["subdistricts"]["name"], strict=False))
    codes = {name: code for code, name in names.items()}
    data = from_frames(layers["blocks"], layers["roads"], layers["waterways"])
    factor = args.scale
    rules = Rules(
        round(5000 * factor),
        round(10000 * factor),
        round(20000 * factor),
        targets={codes[name]: bounds for name, bounds in TARGETS_2016.items()},
    )
    started = time.perf_counter()
    graph = build_graph(data)
    graph_seconds = time.perf_counter() - started
    print(
        f"{graph.size} blocks, {len(graph.edge_u)} shared edges, {int(graph.households.sum())} households; "
        f"graph built in {graph_seconds:.2f}s"
    )
    print(f"rules: {rules.min_households}-{rules.max_households} households, dense {rules.dense_max_households}; targets {TARGETS_2016}\n")

    total = 0.0
    for code in data.subdistricts():
        sub = build_graph(data.only([code]))
        started = time.perf_counter()
        proposal = propose(sub, rules, seed=args.seed)
        seconds = time.perf_counter() - started
        total += seconds
        target = rules.targets.get(code)
        households = int(sub.households.sum())
        print(
            f"{names.get(code, code)} {code}: {sub.size} blocks, {households} households"
            + (f", target {target[0]}-{target[1]} communities" if target else "")
        )
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


# ----- generated districts, beside GerryChain and spopt


def synthetic(size: int, args) -> None:
    """One generated district: diming, GerryChain and spopt on the same graph, measured the same way."""
    from synthetic_district import synthetic_district

    started = time.perf_counter()
    district = synthetic_district(size, args.district_seed)
    data, rules = district.input(), district.rules()
    built = time.perf_counter() - started
    started = time.perf_counter()
    graph = build_graph(data)
    graph_seconds = time.perf_counter() - started
    dense = int(graph.dense.sum())
    print(
        f"\n=== generated district of about {size} blocks (seed {args.district_seed}): {graph.size} blocks, "
        f"{len(set(graph.subdistricts))} subdistricts, {int(graph.households.sum())} households, {dense} dense blocks; "
        f"built in {built:.1f}s, graph in {graph_seconds:.1f}s"
    )
    print(
        f"rules: {rules.min_households}-{rules.max_households} households, dense {rules.dense_max_households}; "
        f"targets ~6,000-9,000 households per community per subdistrict"
    )
    rows = []
    started = time.perf_counter()
    ours = propose(graph, rules, seed=args.seed)
    rows.append(("diming", time.perf_counter() - started, ours.plan, ""))
    print(f"  diming done in {rows[-1][1]:.1f}s")
    if not args.no_peers:
        counts = _community_counts(ours.plan)
        plan, seconds, note = gerrychain_plan(graph, rules, counts, args.recom_steps, args.seed)
        rows.append((f"GerryChain seed+{args.recom_steps} ReCom", seconds, plan, note))
        print(f"  GerryChain done in {seconds:.1f}s ({note})")
        if graph.size <= args.spopt_max_blocks:
            plan, seconds, note = spopt_plan(graph, rules, args.seed, args.spopt_budget, args.spopt_construction)
            rows.append(("spopt MaxPHeuristic", seconds, plan, note))
            print(f"  spopt done in {seconds:.1f}s ({note})")
        else:
            rows.append(
                (
                    "spopt MaxPHeuristic",
                    None,
                    None,
                    f"not run: {graph.size} blocks > --spopt-max-blocks {args.spopt_max_blocks} (minutes per run)",
                )
            )
    rows.append(("BFS baseline", *_timed(lambda: bfs_baseline(graph, rules)), ""))
    print_table(rows, rules)


def _timed(make):
    started = time.perf_counter()
    plan = make()
    return time.perf_counter() - started, plan


def _community_counts(plan: Plan) -> dict[str, int]:
    counts: dict[str, int] = {}
    for subdistrict, members in zip(plan.subdistrict, plan.members, strict=False):
        if len(members):
            counts[subdistrict] = counts.get(subdistrict, 0) + 1
    return counts


def quality(plan: Plan, rules: Rules) -> dict:
    """Our constraints and metrics for any plan: validity, ceiling breaches, compactness, boundaries."""
    broken = violations(plan, rules)
    s = metrics.summary(plan)
    occupied = [i for i, members in enumerate(plan.members) if len(members)]
    over = sum(1 for i in occupied if plan.households[i] > rules.ceiling(bool(plan.all_dense[i])))
    kinds: dict[str, int] = {}
    for v in broken:
        kinds[v.rule] = kinds.get(v.rule, 0) + 1
    return {**s, "violations": kinds, "over_ceiling": over / max(len(occupied), 1)}


def print_table(rows, rules: Rules) -> None:
    print(
        f"  {'method':26} {'time':>8}  {'valid':5} {'k':>4}  {'over ceiling':>12}  {'PP mean/worst':>13}  "
        f"{'on major':>8}  {'used':>5}  {'straight':>8}  violations"
    )
    for name, seconds, plan, note in rows:
        if plan is None:
            took = f"{seconds:7.1f}s" if seconds is not None else f"{'-':>8}"
            print(f"  {name:26} {took}  {note}")
            continue
        q = quality(plan, rules)
        broken = ", ".join(f"{n} {rule}" for rule, n in sorted(q["violations"].items())) or "none"
        print(
            f"  {name:26} {seconds:7.1f}s  {'yes' if not q['violations'] else 'no':5} {q['communities']:4d}  "
            f"{q['over_ceiling']:12.1%}  {q['polsby_popper_mean']:6.2f}/{q['polsby_popper_worst']:.2f}  "
            f"{q['boundary_major_share']:8.1%}  {q['major_lines_used']:5.0%}  {q['straightness']:8.2f}  {broken}"
            + (f"  [{note}]" if note else "")
        )


def gerrychain_plan(graph, rules: Rules, counts: dict[str, int], steps: int, seed: int):
    """Per subdistrict: GerryChain's recursive-tree seed plan, then ``steps`` ReCom steps.

    GerryChain balances population within ±epsilon of the average, so the band is the
    widest symmetric one inside [min, max] (the dense ceiling cannot be expressed);
    the count is diming's (inside the planner's target) unless that average falls
    outside the bounds, then the count nearest 7,500 households each.
    """
    import random
    from functools import partial

    import networkx as nx
    from gerrychain import Graph, MarkovChain, Partition
    from gerrychain.accept import always_accept
    from gerrychain.constraints import within_percent_of_ideal_population
    from gerrychain.partition.initial_partition_generators import recursive_tree_part
    from gerrychain.proposals import recom
    from gerrychain.updaters import Tally

    rng = random.Random(seed)
    assignment = np.full(graph.size, -1, dtype=np.int64)
    labels: list[str] = []
    failures, seed_seconds, chain_seconds = 0, 0.0, 0.0
    for subdistrict in sorted(set(graph.subdistricts)):
        blocks = graph.blocks_of(subdistrict)
        total = int(graph.households[blocks].sum())
        k = counts.get(subdistrict, 1)
        if not rules.min_households < total / k < rules.max_households:
            k = max(1, round(total / 7500))
        ideal = total / k
        epsilon = max(min(1 - rules.min_households / ideal, rules.max_households / ideal - 1), 0.01)
        local = {int(b): i for i, b in enumerate(blocks.tolist())}
        nxg = nx.Graph()
        nxg.add_nodes_from((i, {"households": int(graph.households[b])}) for b, i in local.items())
        nxg.add_edges_from(
            (local[int(u)], local[int(v)]) for u, v in zip(graph.edge_u, graph.edge_v, strict=False) if int(u) in local and int(v) in local
        )
        started = time.perf_counter()
        try:
            if k == 1:
                parts = {i: 0 for i in range(len(blocks))}
                gc_graph = Graph.from_networkx(nxg)
            else:
                gc_graph = Graph.from_networkx(nxg)
                parts = recursive_tree_part(gc_graph, list(range(k)), ideal, "households", epsilon, rng=rng)
        except Exception:  # noqa: BLE001 - GerryChain gives up when it finds no balanced tree cut
            failures += 1
            parts = {i: 0 for i in range(len(blocks))}
            k = 1
        seed_seconds += time.perf_counter() - started
        partition = Partition(gc_graph, parts, updaters={"population": Tally("households", alias="population")})
        started = time.perf_counter()
        if k > 1 and steps:
            proposal = partial(recom, pop_col="households", pop_target=ideal, epsilon=epsilon, rng=rng)
            chain = MarkovChain(
                proposal, [within_percent_of_ideal_population(partition, epsilon)], always_accept, partition, total_steps=steps, rng=rng
            )
            for state in chain:
                partition = state
        chain_seconds += time.perf_counter() - started
        final = partition.graph
        for node, part in partition.assignment.items():
            assignment[blocks[int(final.original_nx_node_id_for_internal_node_id(node))]] = len(labels) + int(part)
        labels += [f"{subdistrict}-g{i + 1:02d}" for i in range(k)]
    note = f"seed {seed_seconds:.1f}s + ReCom {chain_seconds:.1f}s"
    if failures:
        note += f"; no balanced seed plan in {failures} subdistrict(s)"
    return Plan(graph, assignment, tuple(labels)), seed_seconds + chain_seconds, note


def spopt_plan(graph, rules: Rules, seed: int, budget: float, construction: int = 99):
    """Per subdistrict: spopt's max-p regions with the minimum households as floor (it has no ceiling).

    Areas are made alike by their centroid position (the only attribute a block has
    here), which is what pulls max-p towards compact regions. Each subdistrict runs in
    a child process so the whole run can be stopped after ``budget`` seconds.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    assignment = np.full(graph.size, -1, dtype=np.int64)
    labels: list[str] = []
    started = time.perf_counter()
    for subdistrict in sorted(set(graph.subdistricts)):
        blocks = graph.blocks_of(subdistrict)
        left = budget - (time.perf_counter() - started)
        results = context.Queue()
        child = context.Process(target=_spopt_child, args=(graph, blocks, rules.min_households, seed, construction, results))
        child.start()
        child.join(max(left, 0))
        if child.is_alive():
            child.kill()
            child.join()
            return (
                None,
                time.perf_counter() - started,
                (
                    f"not finished: stopped after {budget:.0f}s (--spopt-budget) in subdistrict {subdistrict} "
                    f"({len(blocks)} blocks), {len(set(graph.subdistricts[assignment >= 0]))} of "
                    f"{len(set(graph.subdistricts))} subdistricts done"
                ),
            )
        regions = results.get()
        names = sorted(set(regions))
        index = {r: i for i, r in enumerate(names)}
        assignment[blocks] = [len(labels) + index[r] for r in regions]
        labels += [f"{subdistrict}-p{i + 1:02d}" for i in range(len(names))]
    note = "floor only" + (f", {construction} construction iterations" if construction != 99 else "")
    return Plan(graph, assignment, tuple(labels)), time.perf_counter() - started, note


def _spopt_child(graph, blocks, floor: int, seed: int, construction: int, results) -> None:
    import random
    import warnings

    import geopandas as gpd
    from libpysal.weights import W
    from spopt.region import MaxPHeuristic

    warnings.simplefilter("ignore")
    random.seed(seed)
    np.random.seed(seed)
    local = {int(b): i for i, b in enumerate(blocks.tolist())}
    neighbours = {i: [local[o] for o, _ in graph.neighbours[b] if o in local] for b, i in local.items()}
    xy = graph.centroids[blocks]
    frame = gpd.GeoDataFrame(
        {"households": graph.households[blocks], "x": (xy[:, 0] - xy[:, 0].mean()) / 1000, "y": (xy[:, 1] - xy[:, 1].mean()) / 1000},
        geometry=list(graph.geoms[blocks]),
    )
    model = MaxPHeuristic(
        frame, W(neighbours, silence_warnings=True), ["x", "y"], "households", floor, max_iterations_construction=construction
    )
    model.solve()
    results.put(np.asarray(model.labels_).tolist())


if __name__ == "__main__":
    main()
