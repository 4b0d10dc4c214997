"""Adopting a plan from the planner workspace, in a real headless Chromium on the demo district."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from browser import demo_store, live_app, screenshot, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select
from test_pages_planner import pick, sign_in

from accounts import service
from boundaries.line_models import UnitChange
from boundaries.redistricting.models import RedistrictingJob, RedistrictingPlan
from gis.basemap import AdminUnit
from placenames.models import DoorPlate


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("planner-adopt")
    store = demo_store(root)
    service.add_user(store, "li", ["planner"], password="plan-2026-secret", actor="admin")
    with live_app(store, root) as server:
        yield server, store
    store.dispose()


def run_plan(browser, store, bounds, add, mode="adjust") -> RedistrictingPlan:
    pick(browser, "关上街道", add=add)
    Select(browser.find_element(By.ID, "mode")).select_by_value(mode)
    for field, value in zip(("min", "max", "dense_max"), bounds, strict=True):
        box = browser.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    with store.read() as session:
        before = session.scalar(sa.select(sa.func.max(RedistrictingJob.id))) or 0
    browser.find_element(By.ID, "run-button").click()
    wait(browser, lambda b: b.find_element(By.ID, "job-status").get_attribute("data-status") == "succeeded", 120)
    wait(browser, EC.visibility_of_element_located((By.ID, "plan-panel")))
    with store.read() as session:
        job = session.scalars(sa.select(RedistrictingJob).where(RedistrictingJob.id > before)).one()
        return session.scalars(sa.select(RedistrictingPlan).where(RedistrictingPlan.job_id == job.id)).one()


def test_a_planner_adopts_a_finished_plan_and_the_plates_follow(site, browser):
    server, store = site
    sign_in(browser, server.url + "/planner", "li", "plan-2026-secret")
    plan = run_plan(browser, store, ("1", "100000", "100000"), (1, 1))
    assert plan.valid, plan.violations
    [change] = plan.metrics["changes"]
    [(old, pieces)] = change["split"].items()
    new = next(code for code in pieces if code != old)
    with store.read() as session:
        plates_before = session.scalar(sa.select(sa.func.count()).select_from(DoorPlate).where(DoorPlate.admin_code == new))
    assert plates_before == 0
    form = wait(browser, EC.visibility_of_element_located((By.ID, "adopt-form")))
    browser.execute_script("document.getElementById('adopt-date').value = '2027-01-01'")
    form.find_element(By.ID, "adopt-reason").send_keys("区政府批复 官政复〔2026〕1号")
    form.find_element(By.ID, "adopt-confirm").click()
    browser.find_element(By.ID, "adopt-button").click()
    wait(browser, lambda b: b.find_element(By.ID, "adopt-state").get_attribute("data-adopted") == "true", 60)
    state = browser.find_element(By.ID, "adopt-state").text
    assert state.startswith("已采纳") and "2027-01-01" in state
    assert browser.find_element(By.ID, "adopt-result").text.startswith("已采纳：新建 1 个社区")
    assert not browser.find_element(By.ID, "adopt-form").is_displayed()
    with store.read() as session:
        reorganisation = session.scalars(sa.select(UnitChange).where(UnitChange.document == f"redistricting plan #{plan.id}")).one()
        assert reorganisation.created_by == "li" and reorganisation.kind == "split" and new in reorganisation.added_codes
        unit = session.scalars(sa.select(AdminUnit).where(AdminUnit.code == new)).one()
        assert unit.valid_from.isoformat() == "2027-01-01" and unit.name.endswith("社区居民委员会")
        moved = session.scalar(sa.select(sa.func.count()).select_from(DoorPlate).where(DoorPlate.admin_code == new))
    assert moved > 0
    shown = browser.find_element(By.ID, "adopt-result").text
    assert f"{moved} 块门牌" in shown
    screenshot(browser, "planner-adopt")


def test_a_plan_that_breaks_a_rule_offers_no_adoption_in_english(site, browser):
    server, store = site
    sign_in(browser, server.url + "/planner?lang=en", "li", "plan-2026-secret")
    plan = run_plan(browser, store, ("100", "300", "400"), (60, 60), mode="redraw")
    assert not plan.valid
    wait(browser, lambda b: b.find_element(By.ID, "adopt-state").text == "The plan breaks a rule and cannot be adopted")
    assert not browser.find_element(By.ID, "adopt-form").is_displayed()
