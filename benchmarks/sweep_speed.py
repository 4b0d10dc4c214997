"""Speed across many generated districts: diming beside GerryChain (seed plan + ReCom), in one run.

Run:  .venv/bin/python benchmarks/sweep_speed.py [--districts 111-120] [--size 2000] [--seed 0]
           [--recom-steps 1000] [--big 20000] [--big-seed 0] [--digests FILE [--write-digests]]
      (GerryChain is a benchmark-only install: ``pip install -e .[bench]``.)

For each district seed: generate a district (benchmarks/synthetic_district.py), build
its block graph once, then run diming's ``propose`` and GerryChain's recursive-tree seed
plan plus ``--recom-steps`` ReCom steps per subdistrict (bench_redistricting.py's
``gerrychain_plan``: diming's community count per subdistrict, the widest symmetric
household band inside the bounds) on the same graph, one right after the other (so a
change in the machine's load falls on both alike). Prints per district each tool's wall and CPU seconds (graph building
excluded for both) and its plan's quality, measured with diming's own constraints and
metrics: valid or not (and which rules break), the share of community boundary on
rivers/arterials, straightness, mean Polsby-Popper; then the totals and the ratio.
With ``--big N`` it also times diming alone on one district of about N blocks.

``--digests FILE`` pins the plans: each diming plan is hashed (assignment and labels);
with ``--write-digests`` the hashes are written to FILE, without it they are compared
with FILE, so a change meant only to speed the search up shows that the plans stayed
the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the benchmark modules beside this script
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # and the checkout it belongs to, not another installed copy

from bench_redistricting import _community_counts, gerrychain_plan, quality  # noqa: E402
from synthetic_district import synthetic_district  # noqa: E402

from boundaries.redistricting import build_graph, propose  # noqa: E402
from boundaries.redistricting.plan import Plan  # noqa: E402


def plan_digest(plan: Plan) -> str:
    """A short hash of which community each block is in, and the communities' labels."""
    return hashlib.sha256(plan.assignment.tobytes() + repr(plan.labels).encode("utf-8")).hexdigest()[:16]


def _timed(run):
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _range(text: str) -> list[int]:
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(x) for x in text.split(",")]


def _quality_text(plan: Plan, rules) -> tuple[str, dict]:
    q = quality(plan, rules)
    broken = ", ".join(f"{n} {rule}" for rule, n in sorted(q["violations"].items()))
    valid = "yes" if not broken else f"NO ({broken})"
    return (
        f"{q['boundary_major_share']:6.1%}  {q['straightness']:5.3f}  {q['polsby_popper_mean']:4.2f}  {valid}",
        q,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", default="111-120", help="district seeds, e.g. 111-120 or 5,7")
    parser.add_argument("--size", type=int, default=2000, help="blocks per generated district, about")
    parser.add_argument("--seed", type=int, default=0, help="plan seed (both tools)")
    parser.add_argument("--recom-steps", type=int, default=1000, help="GerryChain ReCom steps per subdistrict")
    parser.add_argument("--no-peer", action="store_true", help="diming only")
    parser.add_argument("--big", type=int, default=0, help="also time diming alone on a district of about this many blocks")
    parser.add_argument("--big-seed", type=int, default=0, help="district seed of the --big district")
    parser.add_argument("--digests", type=Path, help="compare diming's plans with the hashes in this file")
    parser.add_argument("--write-digests", action="store_true", help="write the hashes to --digests instead")
    args = parser.parse_args()

    digests: dict[str, str] = {}
    expected = json.loads(args.digests.read_text()) if args.digests and not args.write_digests and args.digests.exists() else None
    print(
        f"{'district':>8} {'blocks':>6} {'k':>4} | {'diming wall/cpu':>15}  {'major':>6}  {'strt':>5}  {'PP':>4}  valid"
        f" | {'GerryChain wall/cpu':>19}  {'major':>6}  {'strt':>5}  {'PP':>4}  valid"
    )
    totals = {"ours_wall": 0.0, "ours_cpu": 0.0, "peer_wall": 0.0, "peer_cpu": 0.0}
    invalid: list[str] = []
    for district_seed in _range(args.districts):
        district = synthetic_district(args.size, district_seed)
        graph, rules = build_graph(district.input()), district.rules()

        proposal, wall, cpu = _timed(lambda graph=graph, rules=rules: propose(graph, rules, seed=args.seed))
        peer_run = None
        if not args.no_peer:  # right after diming, on the same graph, with diming's community counts
            counts = _community_counts(proposal.plan)
            peer_run = _timed(
                lambda graph=graph, rules=rules, counts=counts: gerrychain_plan(graph, rules, counts, args.recom_steps, args.seed)
            )
        key = f"{args.size}/{district_seed}/{args.seed}"
        digests[key] = plan_digest(proposal.plan)
        text, q = _quality_text(proposal.plan, rules)
        totals["ours_wall"] += wall
        totals["ours_cpu"] += cpu
        if q["violations"]:
            invalid.append(f"diming on district {district_seed}: {q['violations']}")
        line = f"{district_seed:>8} {graph.size:>6} {q['communities']:>4} | {wall:6.1f}s/{cpu:6.1f}s  {text}"
        if peer_run is not None:
            (plan, _, note), peer_wall, peer_cpu = peer_run
            peer_text, peer_q = _quality_text(plan, rules)
            totals["peer_wall"] += peer_wall
            totals["peer_cpu"] += peer_cpu
            if peer_q["violations"]:
                invalid.append(f"GerryChain on district {district_seed}: {peer_q['violations']} ({note})")
            line += f" | {peer_wall:8.1f}s/{peer_cpu:7.1f}s  {peer_text}"
        if expected is not None:
            line += "  plan " + ("same" if expected.get(key) == digests[key] else f"CHANGED ({digests[key]})")
        print(line, flush=True)

    print(f"\ndiming total: {totals['ours_wall']:.1f}s wall, {totals['ours_cpu']:.1f}s CPU")
    if not args.no_peer:
        print(
            f"GerryChain seed + {args.recom_steps} ReCom per subdistrict total: {totals['peer_wall']:.1f}s wall, "
            f"{totals['peer_cpu']:.1f}s CPU\nratio diming / GerryChain: {totals['ours_wall'] / totals['peer_wall']:.2f} wall, "
            f"{totals['ours_cpu'] / totals['peer_cpu']:.2f} CPU"
        )
    print("invalid plans: " + ("; ".join(invalid) if invalid else "none"))
    if args.digests and args.write_digests:
        args.digests.write_text(json.dumps(digests, indent=1) + "\n")
        print(f"plan digests written to {args.digests}")
    elif expected is not None:
        changed = [key for key, value in digests.items() if expected.get(key) != value]
        print(f"plans compared with {args.digests}: {len(digests) - len(changed)} same, {len(changed)} changed {changed or ''}")

    if args.big:
        district = synthetic_district(args.big, args.big_seed)
        graph, graph_wall, _ = _timed(lambda: build_graph(district.input()))
        proposal, wall, cpu = _timed(lambda: propose(graph, district.rules(), seed=args.seed))
        text, _ = _quality_text(proposal.plan, district.rules())
        print(
            f"\nbig district (seed {args.big_seed}): {graph.size} blocks, graph {graph_wall:.1f}s; "
            f"diming {wall:.1f}s wall, {cpu:.1f}s CPU (target < 60 s); on major / straight / PP / valid: {text}; "
            f"plan {plan_digest(proposal.plan)}"
        )


if __name__ == "__main__":
    main()
