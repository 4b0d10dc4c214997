"""Each check rule on its own, passing and failing, plus the runner's statistics."""

from __future__ import annotations

import pytest

from placenames import register
from placenames.checks import Candidate, blocked_words, duplicate_name, generic_name, homophone, rare_characters
from placenames.models import PlaceName


def add(store, name, category="23510", status="current"):
    with store.transaction(actor="t") as session:
        entry = PlaceName(**register.spelling(name, category), status=status)
        session.add(entry)
        session.flush()
        return entry.id


def run(store, rule, name, category="23510", **kw):
    with store.read() as session:
        return rule.check(session, Candidate(name, category, **kw))


def test_duplicate_name_is_an_error_for_roads_only_against_current_names(store):
    road = add(store, "福居路")
    add(store, "广居路", status="retired")
    add(store, "宝象桥", category="23610")
    found = run(store, duplicate_name, "福居路")
    assert [(f.rule, f.severity) for f in found] == [("duplicate-name", "error")]
    assert found[0].details["ids"] == [road]
    assert run(store, duplicate_name, "广居路") == []  # retired names do not block
    assert run(store, duplicate_name, "福居路", exclude_id=road) == []  # a rename of itself
    assert run(store, duplicate_name, "宝象桥", category="23610") == []  # bridges are not covered by Art.9


def test_homophone_is_a_warning_that_needs_justification(store):
    add(store, "福居路")
    found = run(store, homophone, "富居路")
    assert [(f.rule, f.severity) for f in found] == [("homophone", "warning")]
    assert found[0].details == {"pinyin": "fujulu", "names": ["福居路"], "needs_justification": True}
    assert run(store, homophone, "福居路") == []  # same name is the duplicate rule's job
    assert run(store, homophone, "子君路") == []


def test_rare_characters_warn():
    assert rare_characters.check(None, Candidate("子君路", "23510")) == []
    found = rare_characters.check(None, Candidate("㵘水路", "23510"))
    assert found[0].severity == "warning" and found[0].details["characters"] == ["㵘"]
    assert not rare_characters.is_common("𠀋") and rare_characters.is_common("官")


def test_blocked_words_are_errors_and_configurable(tmp_path, monkeypatch):
    assert blocked_words.check(None, Candidate("子君路", "23510")) == []
    found = blocked_words.check(None, Candidate("威尼斯花园", "22100"))
    assert (found[0].rule, found[0].severity, found[0].details["words"]) == ("blocked-word", "error", ["威尼斯"])
    extra = tmp_path / "more.txt"
    extra.write_text("# local list\n金碧辉煌\n", encoding="utf-8")
    monkeypatch.setenv("DIMING_BLOCKED_WORDS_FILE", str(extra))
    assert blocked_words.check(None, Candidate("金碧辉煌路", "23510"))[0].details["words"] == ["金碧辉煌"]
    assert blocked_words.check(None, Candidate("子君路", "23510"), words=["子君"])[0].details["words"] == ["子君"]


@pytest.mark.parametrize(
    "name,category,ok",
    [
        ("子君路", "23510", True),
        ("子君", "23510", False),
        ("路", "23510", False),
        ("宝象桥", "23610", True),
        ("宝象路", "23610", False),
        ("关上街道", "21500", True),
    ],
)
def test_generic_name_must_fit_the_category(name, category, ok):
    found = generic_name.check(None, Candidate(name, category))
    assert (found == []) is ok
    if not ok:
        assert found[0].severity == "error" and found[0].zh and found[0].en


def test_runner_gathers_findings_and_statistics(store):
    add(store, "福居路")
    add(store, "福居路", category="22100")
    report = register.check_name(store, "福居路", "23510")
    assert report.has_errors and [f.rule for f in report.findings] == ["duplicate-name"]
    assert report.statistics == {
        "same_name_in_district": 2,
        "same_name_in_category": 1,
        "same_pinyin_in_district": 2,
        "same_pinyin_in_category": 1,
    }
    clean = register.check_name(store, "子泰路", "街、路、巷")
    assert not clean.has_errors and clean.findings == [] and clean.statistics["same_name_in_district"] == 0
    warned = register.check_name(store, "富居路", "23510")
    assert not warned.has_errors and warned.needs_justification
    assert warned.to_dict()["findings"][0]["message"]["zh"]
