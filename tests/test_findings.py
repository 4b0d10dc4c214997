"""gis.findings: one bilingual finding type, one JSON shape for name checks, redistricting and inventory rows."""

from __future__ import annotations

import pytest

from boundaries.redistricting.constraints import Violation
from gis.findings import ERROR, WARNING, Finding
from placenames.checks import findings as name_findings
from placenames.signs.rowcheck import RowErrors, where

KEYS = {"rule", "severity", "message", "zh", "en", "subject", "row", "field", "details"}


def test_every_user_builds_the_same_type_with_the_same_keys():
    checked = name_findings.Finding("generic-name", WARNING, "缺少通名", "no generic part", {"name": "子君"})
    broken = Violation("households-max", "C3", "社区 C3 户数过多", "Community C3 has too many households")
    rows = RowErrors(labels={"road_name": "道路名称"})
    rows.add(3, "road_name", "道路不存在", "unknown road")
    assert all(isinstance(f, Finding) for f in (checked, broken, rows.items[0]))
    assert all(f.to_dict().keys() == KEYS for f in (checked, broken, rows.items[0]))


def test_the_shapes_clients_already_read_are_kept():
    checked = name_findings.Finding("generic-name", WARNING, "缺少通名", "no generic part", {"name": "子君"}).to_dict()
    assert checked["message"] == {"zh": "缺少通名", "en": "no generic part"} and checked["details"] == {"name": "子君"}
    broken = Violation("households-max", "C3", "社区 C3 户数过多", "too many").to_dict()
    assert (broken["rule"], broken["subject"], broken["zh"], broken["en"], broken["severity"]) == (
        "households-max",
        "C3",
        "社区 C3 户数过多",
        "too many",
        ERROR,
    )
    rows = RowErrors(labels={"road_name": "道路名称"})
    rows.add(3, "road_name", "道路不存在", "unknown road")
    rows.add(None, None, "缺少列", "missing column")
    first, whole = (e.to_dict() for e in rows.items)
    assert (first["row"], first["field"], whole["row"], whole["field"]) == (3, "道路名称", None, None)
    assert where(rows.items[0]) == ("第 3 行 道路名称", "row 3 道路名称") and where(rows.items[1]) == ("整个文件", "whole file")


def test_an_unknown_severity_is_refused():
    with pytest.raises(ValueError):
        Finding("x", "fatal", "坏", "bad")
