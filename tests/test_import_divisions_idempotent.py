"""``diming names import-divisions`` twice adds nothing, on both backends: units already in
the register (by their code, or by name when an earlier load gave them no code, as the
demo data does) are not added again; the run reports added / unchanged / changed."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import func, select

from cli import main
from placenames import divisions, register
from placenames.models import PlaceName

UNITS = 146  # 12 subdistricts, 1 development zone, 133 communities in the shipped file


def current(store, name):
    with store.read() as session:
        return session.scalars(select(PlaceName).where(PlaceName.name == name, PlaceName.status == "current")).all()


def total(store):
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(PlaceName))


def add_uncoded(store, *names):
    """Units registered without their code, as the demo loader and census files do."""
    with store.transaction(actor="demo-builder") as session:
        for name, category in names:
            session.add(PlaceName(**register.spelling(name, category), status="current", admin_code="530111001000"))


def test_a_second_run_adds_nothing(store):
    first = divisions.import_divisions(store, actor="wang")
    assert (first["added"], first["unchanged"], first["changed"]) == (UNITS, 0, 0)
    count = total(store)
    second = divisions.import_divisions(store, actor="wang")
    assert (second["added"], second["unchanged"], second["changed"], second["differs"]) == (0, UNITS, 0, 0)
    assert total(store) == count and len(current(store, "关上街道")) == 1


def test_units_registered_without_a_code_are_matched_by_name_not_doubled(store):
    add_uncoded(store, ("关上街道", "21500"), ("关上社区", "21620"), ("关上街道", "23510"))
    counts = divisions.import_divisions(store, actor="wang")
    assert (counts["added"], counts["changed"], counts["unchanged"]) == (UNITS - 2, 2, 0)
    (subdistrict,) = [e for e in current(store, "关上街道") if e.category_code == "21500"]
    assert (subdistrict.entity_code, subdistrict.data_source) == ("530111001000", divisions.SOURCE)
    (community,) = current(store, "关上社区")  # the short form was the same unit
    assert community.entity_code == "530111001001" and current(store, "关上社区居民委员会") == []
    assert "update" in [h.action for h in store.history("place_names", subdistrict.id)]  # audited
    again = divisions.import_divisions(store, actor="wang")
    assert (again["added"], again["changed"], again["unchanged"], again["differs"]) == (0, 0, UNITS, 0)


def test_a_unit_registered_under_another_name_is_left_alone(store):
    with store.transaction(actor="officer") as session:
        session.add(PlaceName(**register.spelling("关上新街道", "21500"), status="current", entity_code="530111001000"))
    counts = divisions.import_divisions(store, actor="wang")
    assert (counts["added"], counts["differs"]) == (UNITS - 1, 1)
    assert current(store, "关上街道") == [] and len(current(store, "关上新街道")) == 1


def test_cli_reports_the_counts(store):
    runner = CliRunner()
    add_uncoded(store, ("太和街道", "21500"))
    first = runner.invoke(main, ["--db", store.url, "names", "import-divisions"])
    assert first.exit_code == 0 and f"added {UNITS - 1}, unchanged 0, changed 1" in first.output
    second = runner.invoke(main, ["--db", store.url, "names", "import-divisions"])
    assert second.exit_code == 0 and f"added 0, unchanged {UNITS}, changed 0" in second.output
    assert len(current(store, "太和街道")) == 1
