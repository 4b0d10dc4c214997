"""A redistricting request checked against the blocks it would run on, before any job exists.

The plan writes its targets as communities *added* to a subdistrict (``new``: 关上街道
5–8 more); ``totals`` turns them into counts, from the blocks' communities at run time.

A job that is accepted and then fails minutes later, or quietly ignores part of what the
planner asked, wastes the planner's time and hides mistakes. So every name in a request —
subdistricts, the keys of ``targets``, locked communities and locked blocks — must resolve
to blocks of the run, and every problem is reported at once, each in Chinese and English.
The API and the OGC process answer 400 with the list; the CLI exits 2 with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from gis.errors import InvalidInput
from gis.findings import ERROR, Finding

from .inputs import RedistrictingInput

#: How many unknown names a message lists before it says "and N more".
SHOWN = 10


@dataclass(frozen=True)
class Catalogue:
    """What a run could touch: block → subdistrict, block → current community, subdistrict names."""

    block_subdistrict: dict[str, str]
    block_community: dict[str, str | None]
    names: dict[str, str]  # subdistrict name → code

    @property
    def subdistricts(self) -> set[str]:
        return set(self.block_subdistrict.values())

    def current_communities(self, subdistrict: str) -> int:
        """How many communities the subdistrict's blocks belong to today."""
        return len({c for b, c in self.block_community.items() if c and self.block_subdistrict[b] == subdistrict})

    def resolve(self, text: str) -> str | None:
        """A subdistrict as the blocks hold it, given by that value, its name or its name without 街道."""
        present = self.subdistricts
        for candidate in (text, self.names.get(text), self.names.get(f"{text}街道")):
            if candidate is not None and candidate in present:
                return candidate
        return None


def catalogue_of_store(store) -> Catalogue:
    """The stored blocks' codes, subdistricts and communities (no geometry: cheap enough for every request)."""
    from gis.basemap import Block

    from .inputs import subdistrict_names

    with store.read() as session:
        rows = session.execute(select(Block.code, Block.subdistrict_code, Block.community_code)).all()
    return Catalogue({str(b): str(s) for b, s, _ in rows}, {str(b): c for b, _, c in rows}, subdistrict_names(store))


def catalogue_of_input(data: RedistrictingInput, names: dict[str, str]) -> Catalogue:
    """The same, for blocks read from a file (or mapped to a past date, where a block in a
    blank area has no community: a missing value, which must not count as one)."""
    blocks = data.blocks
    return Catalogue(
        dict(zip(blocks["code"], blocks["subdistrict"], strict=True)),
        {
            code: community if isinstance(community, str) and community else None
            for code, community in zip(blocks["code"], blocks["community"], strict=True)
        },
        names,
    )


class Problem(Finding):
    """The one bilingual finding type (``gis.findings``) as an error in a request about one
    name in it (a subdistrict, a target's key, a locked community or block)."""

    def __init__(self, rule: str, subject: str | None, zh: str, en: str):
        super().__init__(rule, ERROR, zh, en, subject=subject)


def _listed(items: Iterable[str]) -> tuple[str, str]:
    items = sorted(items)
    shown = items[:SHOWN]
    more = len(items) - len(shown)
    return "、".join(shown) + (f" 等 {len(items)} 个" if more else ""), ", ".join(shown) + (f" and {more} more" if more else "")


def check_request(params: dict, catalogue: Catalogue) -> dict:
    """``params`` (from ``jobs.parse_parameters``) with subdistricts and target keys as the blocks'
    codes; an ``InvalidInput`` listing every problem if any name does not resolve to the run."""
    if not catalogue.block_subdistrict:
        raise InvalidInput("没有街区数据，无法调整社区", "There are no blocks to redistrict")
    problems: list[Problem] = []
    run: list[str] = []
    for text in params["subdistricts"]:
        code = catalogue.resolve(text)
        if code is None:
            known_zh, known_en = _listed(catalogue.names or catalogue.subdistricts)
            problems.append(
                Problem(
                    "unknown-subdistrict",
                    text,
                    f"找不到街道“{text}”（可用：{known_zh}）",
                    f"Unknown subdistrict '{text}' (known: {known_en})",
                )
            )
        elif code not in run:
            run.append(code)
    in_run = set(run) if params["subdistricts"] else catalogue.subdistricts
    targets: dict[str, list[int]] = {}
    new_counts: dict[str, list[int]] = {}
    for text, bounds in params["targets"].items():
        code = catalogue.resolve(text)
        if code is None:
            problems.append(
                Problem(
                    "target-unknown-subdistrict", text, f"目标中的街道“{text}”不存在", f"The target names an unknown subdistrict '{text}'"
                )
            )
        elif code not in in_run:
            problems.append(
                Problem(
                    "target-outside-run",
                    text,
                    f"目标中的街道“{text}”不在本次调整的街道之内",
                    f"The target's subdistrict '{text}' is not in this run",
                )
            )
        else:
            targets[code] = bounds
    for text, (low, high) in params.get("new", {}).items():
        code = catalogue.resolve(text)
        if code is None:
            problems.append(
                Problem(
                    "new-unknown-subdistrict",
                    text,
                    f"新增社区数中的街道“{text}”不存在",
                    f"The new-communities count names an unknown subdistrict '{text}'",
                )
            )
        elif code not in in_run:
            problems.append(
                Problem(
                    "new-outside-run",
                    text,
                    f"新增社区数中的街道“{text}”不在本次调整之内",
                    f"The new-communities subdistrict '{text}' is not in this run",
                )
            )
        elif code in targets:
            problems.append(
                Problem(
                    "target-and-new",
                    text,
                    f"街道“{text}”同时给了目标总数和新增数，只能给一个",
                    f"Subdistrict '{text}' has both a total target and a new count",
                )
            )
        else:
            new_counts[code] = [low, high]
    communities = {c: s for b, c in catalogue.block_community.items() if c for s in [catalogue.block_subdistrict[b]]}
    problems += _unknown(params["locked_communities"], communities, in_run, "locked-community", "锁定的社区", "locked communities")
    problems += _unknown(params["locked_blocks"], catalogue.block_subdistrict, in_run, "locked-block", "锁定的街区", "locked blocks")
    if problems:
        raise InvalidInput(
            f"调整请求有 {len(problems)} 处问题：" + "；".join(p.zh for p in problems[:SHOWN]),
            f"The redistricting request has {len(problems)} problem(s): " + "; ".join(p.en for p in problems[:SHOWN]),
            details=[p.to_dict() for p in problems],
        )
    return {**params, "subdistricts": run, "targets": targets, "new": new_counts}


def _unknown(asked: list[str], where: dict[str, str], in_run: set[str], rule: str, zh: str, en: str) -> list[Problem]:
    missing = [item for item in asked if item not in where]
    outside = [item for item in asked if item in where and where[item] not in in_run]
    problems = []
    if missing:
        listed_zh, listed_en = _listed(missing)
        problems.append(Problem(f"unknown-{rule}", ",".join(missing), f"{zh}不存在：{listed_zh}", f"Unknown {en}: {listed_en}"))
    if outside:
        listed_zh, listed_en = _listed(outside)
        problems.append(
            Problem(
                f"{rule}-outside-run",
                ",".join(outside),
                f"{zh}不在本次调整的街道之内：{listed_zh}",
                f"{en.capitalize()} outside this run: {listed_en}",
            )
        )
    return problems


def totals(params: dict, catalogue: Catalogue) -> dict[str, list[int]]:
    """Community-count targets as totals: the explicit ones, and today's count plus the ``new`` range."""
    combined = dict(params["targets"])
    for code, (low, high) in params.get("new", {}).items():
        current = catalogue.current_communities(code)
        combined[code] = [current + low, current + high]
    return combined
