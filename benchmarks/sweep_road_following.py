"""How often diming's plans put at least half of their community boundaries on rivers and arterials.

Run:  .venv/bin/python benchmarks/sweep_road_following.py [--size 300] [--districts 0-11] [--seeds 0,1] [--jobs 2]

Generates one district per district seed (benchmarks/synthetic_district.py), proposes a
plan for each plan seed, and prints per run: seconds, validity, communities, the share
of community boundary on rivers/arterials, the share of the river/arterial length the
boundaries use, mean/worst Polsby-Popper and straightness; then how many runs fall
below 50 %. A run below 50 % that already uses ~90 % of the major lines is limited by
its input (too few major lines for that many communities), not by the search.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # synthetic_district beside this script

GOAL = 0.5


def _run(job: tuple[int, int, int]) -> tuple[int, int, float, bool, dict]:
    from synthetic_district import synthetic_district

    from boundaries.redistricting import build_graph, propose

    size, district_seed, plan_seed = job
    district = synthetic_district(size, district_seed)
    graph = build_graph(district.input())
    started = time.perf_counter()
    proposal = propose(graph, district.rules(), seed=plan_seed)
    return district_seed, plan_seed, time.perf_counter() - started, proposal.valid, proposal.metrics()


def _range(text: str) -> list[int]:
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(x) for x in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300, help="blocks per generated district")
    parser.add_argument("--districts", default="0-11", help="district seeds, e.g. 0-11 or 2,4,5")
    parser.add_argument("--seeds", default="0,1", help="plan seeds per district")
    parser.add_argument("--jobs", type=int, default=2, help="processes")
    args = parser.parse_args()
    jobs = [(args.size, d, s) for d in _range(args.districts) for s in _range(args.seeds)]
    print(f"{'district/seed':>13} {'time':>6}  valid  {'k':>3}  {'on major':>8}  {'used':>5}  {'PP mean/worst':>13}  straight")
    shares = []
    with ProcessPoolExecutor(args.jobs) as pool:
        for district, seed, seconds, valid, m in pool.map(_run, jobs):
            shares.append(m["boundary_major_share"])
            print(
                f"{district:>9}/{seed:<3} {seconds:5.1f}s  {'yes' if valid else 'NO':5}  {m['communities']:3d}  "
                f"{m['boundary_major_share']:8.1%}  {m['major_lines_used']:5.0%}  "
                f"{m['polsby_popper_mean']:6.2f}/{m['polsby_popper_worst']:.2f}  {m['straightness']:8.3f}"
            )
    below = sum(share < GOAL for share in shares)
    print(
        f"\n{len(shares)} plans of {args.size}-block districts: {below} below {GOAL:.0%} on rivers/arterials; "
        f"lowest {min(shares):.1%}, mean {sum(shares) / len(shares):.1%}"
    )


if __name__ == "__main__":
    main()
