"""The planner workspace in a real headless Chromium: a redistricting run shown on the map."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from browser import chromium, close, demo_store, live_app, screenshot, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from accounts import service
from boundaries.redistricting.models import RedistrictingJob, RedistrictingPlan


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("planner")
    store = demo_store(root)
    service.add_user(store, "li", ["planner"], password="plan-2026-secret", actor="admin")
    service.add_user(store, "wang", ["placename_officer"], password="officer-2026-secret", actor="admin")
    with live_app(store, root) as server:
        yield server, store
    store.dispose()


def sign_in(browser, url, user, password):
    browser.get(url)
    browser.delete_all_cookies()
    browser.get(url)
    form = wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))
    form.find_element(By.ID, "signin-user").send_keys(user)
    form.find_element(By.ID, "signin-password").send_keys(password)
    browser.find_element(By.ID, "signin-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "signed-in")))


def session_plan(store, job_id):
    with store.read() as session:
        return session.scalars(sa.select(RedistrictingPlan).where(RedistrictingPlan.job_id == job_id)).one()


def subdistrict_row(browser, name):
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#subdistrict-table tbody tr")) > 1)
    return next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, "#subdistrict-table tbody tr")
        if r.find_elements(By.XPATH, f"td[text()='{name}']")
    )


def pick(browser, name, add=None):
    """Tick a subdistrict and, optionally, give the (min, max) communities to add."""
    row = subdistrict_row(browser, name)
    row.find_element(By.CSS_SELECTOR, "input.pick").click()
    if add:
        row.find_element(By.CSS_SELECTOR, "input.new-min").send_keys(str(add[0]))
        row.find_element(By.CSS_SELECTOR, "input.new-max").send_keys(str(add[1]))
    return row


def test_a_planner_runs_a_job_and_sees_the_proposal(site, browser):
    server, store = site
    sign_in(browser, server.url + "/planner", "li", "plan-2026-secret")
    pick(browser, "关上街道")
    for field, value in (("min", "100"), ("max", "300"), ("dense_max", "400")):
        box = browser.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    browser.find_element(By.ID, "run-button").click()
    wait(browser, lambda b: b.find_element(By.ID, "job-status").get_attribute("data-status") == "succeeded", 40)
    assert browser.execute_script("return document.getElementById('job-progress').value") == 1
    wait(browser, EC.visibility_of_element_located((By.ID, "plan-panel")))
    with store.read() as session:
        job = session.scalars(sa.select(RedistrictingJob)).one()
        plan = session.scalars(sa.select(RedistrictingPlan)).one()
        assert job.created_by == "li" and job.parameters["subdistricts"] == ["530111001000"]
        assert job.parameters["min"] == 100 and job.parameters["max"] == 300
        communities = plan.metrics["communities"]
    drawn = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#map path.community"))
    assert len(drawn) == communities > 1
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".hh-label")]
    assert len(labels) == communities and all(label.isdigit() for label in labels)
    assert sum(map(int, labels)) == plan.metrics["households"]
    metric_rows = browser.find_elements(By.CSS_SELECTOR, "#metrics-table tbody tr")
    assert any(r.text.startswith("社区数") and r.text.endswith(str(communities)) for r in metric_rows)
    violations = browser.find_element(By.CSS_SELECTOR, "#violations-table tbody").text
    assert ("无违规" in violations) == plan.valid
    assert browser.find_element(By.ID, "export-link").get_attribute("href").startswith("blob:")
    browser.find_element(By.ID, "compare-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "compare-table")))
    assert "改变社区的户数" in browser.find_element(By.ID, "compare-moved").text
    screenshot(browser, "planner")


def test_a_rule_breaking_request_shows_violations_on_the_map(site, browser):
    server, _ = site
    sign_in(browser, server.url + "/planner?lang=en", "li", "plan-2026-secret")
    pick(browser, "关上街道", add=(60, 60))  # 60 more is far too many
    Select(browser.find_element(By.ID, "mode")).select_by_value("redraw")  # redraw forces them in, below the minimum
    for field, value in (("min", "100"), ("max", "300"), ("dense_max", "400")):
        box = browser.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    browser.find_element(By.ID, "run-button").click()
    wait(browser, lambda b: b.find_element(By.ID, "job-status").get_attribute("data-status") == "succeeded", 40)
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#map path.violation"))
    assert browser.find_elements(By.CSS_SELECTOR, "#violations-table tbody tr.bad")
    assert browser.find_element(By.ID, "plan-summary").text == "breaks a rule"
    findings = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#findings-list li.finding")]
    assert findings and all(f.isascii() for f in findings)  # the reason, in the page's language


def test_several_subdistricts_with_the_plans_ranges_of_new_communities(site, browser):
    server, store = site
    sign_in(browser, server.url + "/planner", "li", "plan-2026-secret")
    today = {}
    for name, add in (("关上街道", (1, 3)), ("太和街道", (0, 2))):
        row = pick(browser, name, add=add)
        today[row.get_attribute("data-code")] = (name, int(row.find_elements(By.TAG_NAME, "td")[2].text), add)
    for field, value in (("min", "100"), ("max", "100000"), ("dense_max", "100000")):
        box = browser.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    with store.read() as session:
        before = session.scalar(sa.select(sa.func.max(RedistrictingJob.id))) or 0
    browser.find_element(By.ID, "run-button").click()
    wait(browser, lambda b: b.find_element(By.ID, "job-status").get_attribute("data-status") == "succeeded", 120)
    with store.read() as session:
        job = session.scalars(sa.select(RedistrictingJob).where(RedistrictingJob.id > before)).one()
    assert sorted(job.parameters["subdistricts"]) == sorted(today)
    assert job.parameters["new"] == {code: list(add) for code, (_, _, add) in today.items()}
    plan = session_plan(store, job.id)
    assert plan.rules["targets"] == {code: [now + add[0], now + add[1]] for code, (_, now, add) in today.items()}
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#subdistrict-result tbody tr")) == 2)
    for row in browser.find_elements(By.CSS_SELECTOR, "#subdistrict-result tbody tr"):
        name, now, proposed, change = [td.text for td in row.find_elements(By.TAG_NAME, "td")][:4]
        [(_, expected_now, _)] = [v for v in today.values() if v[0] == name]
        assert int(now) == expected_now and int(change) == int(proposed) - expected_now


def test_bad_bounds_are_refused_in_words(site, browser):
    server, store = site
    sign_in(browser, server.url + "/planner", "li", "plan-2026-secret")
    pick(browser, "关上街道")
    with store.read() as session:
        before = session.scalar(sa.select(sa.func.count()).select_from(RedistrictingJob))
    for field, value in (("min", "500"), ("max", "100")):
        box = browser.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    browser.find_element(By.ID, "run-button").click()
    message = wait(browser, EC.visibility_of_element_located((By.ID, "message")))
    assert message.text.startswith("出错了")
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(RedistrictingJob)) == before


def test_other_roles_cannot_run_jobs(site, browser):
    server, _ = site
    sign_in(browser, server.url + "/planner", "wang", "officer-2026-secret")
    message = wait(browser, EC.visibility_of_element_located((By.ID, "message")))
    assert "规划人员" in message.text and "planner" not in message.text  # the role's name from accounts.roles
    assert "地名工作人员" in browser.find_element(By.ID, "signed-in-as").text
    assert not browser.find_element(By.ID, "run-panel").is_displayed()
    browser.find_element(By.ID, "signout-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))


def test_phone_width_has_no_horizontal_scroll(site):
    server, _ = site
    phone = chromium(390, 844)
    try:
        sign_in(phone, server.url + "/planner", "li", "plan-2026-secret")
        wait(phone, EC.visibility_of_element_located((By.ID, "run-panel")))
        assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        assert phone.find_element(By.ID, "run-button").is_displayed()
    finally:
        close(phone)


def test_adjust_mode_keeps_todays_communities_and_says_what_changed(site, browser):
    server, store = site
    sign_in(browser, server.url + "/planner", "li", "plan-2026-secret")
    row = pick(browser, "关上街道", add=(1, 1))
    today = int(row.find_elements(By.TAG_NAME, "td")[2].text)
    assert Select(browser.find_element(By.ID, "mode")).first_selected_option.get_attribute("value") == "adjust"
    for field, value in (("min", "1"), ("max", "100000"), ("dense_max", "100000")):  # every community today is within
        box = browser.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    with store.read() as session:
        before = session.scalar(sa.select(sa.func.max(RedistrictingJob.id))) or 0
    browser.find_element(By.ID, "run-button").click()
    wait(browser, lambda b: b.find_element(By.ID, "job-status").get_attribute("data-status") == "succeeded", 120)
    with store.read() as session:
        job = session.scalars(sa.select(RedistrictingJob).where(RedistrictingJob.id > before)).one()
    plan = session_plan(store, job.id)
    [change] = plan.metrics["changes"]
    assert len(change["kept"]) == today - 1 and len(change["split"]) == 1  # one split for the one new community
    assert plan.metrics["communities"] == today + 1
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#subdistrict-result tbody tr")) == 1)
    cells_ = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#subdistrict-result tbody tr td")]
    assert cells_[3] == "+1" and "拆分" in cells_[4] and int(cells_[5]) == change["households_moved"] > 0
