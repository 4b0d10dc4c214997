"""The officer's application page in a real headless Chromium: the withdraw button
(shown because the procedure allows it) and filing a report as a file."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from browser import LiveServer, chromium, close, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from gis.settings import Settings
from placenames import applications, attachments

PASSWORD = "s3cret-officer"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from accounts import service
    from gis.storage import Store, migrate
    from server import create_app

    root = tmp_path_factory.mktemp("names_pages")
    store = Store(str(root / "names.gpkg"))
    migrate.upgrade(store)
    data = {"kind": "name", "proposed_name": "子君东路", "category_code": "23510", "reasons": "新建道路需要命名", "applicant_name": "张三"}
    app_id = applications.create_application(store, data, actor="wang")
    service.add_user(store, "wang", ["placename_officer"], password=PASSWORD, actor="admin")
    with LiveServer(create_app(Settings(database_url=store.url, work_dir=str(root / "run")))) as server:
        browser = chromium()
        yield server, store, app_id, browser, root
        close(browser)
    store.dispose()


def test_upload_a_report_then_withdraw_by_the_buttons(site):
    server, store, app_id, browser, root = site
    browser.get(f"{server.url}/officer/applications/{app_id}")
    form = wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))
    form.find_element(By.ID, "signin-user").send_keys("wang")
    form.find_element(By.ID, "signin-password").send_keys(PASSWORD)
    form.find_element(By.ID, "signin-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "申报"))
    assert "尚无材料" in browser.find_element(By.ID, "attachments").text

    report = root / "专家论证报告.txt"
    report.write_text("必要性、合理性、风险及建议", encoding="utf-8")
    browser.find_element(By.CSS_SELECTOR, "#attachment-kind option[value=expert_opinion]").click()
    browser.find_element(By.ID, "attachment-file").send_keys(str(report))
    browser.find_element(By.ID, "attachment-upload").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "attachments"), "专家论证报告.txt"))
    link = browser.find_element(By.CSS_SELECTOR, "#attachments tbody a")
    stored = attachments.list_attachments(store, app_id)
    assert [(a["kind"], a["filename"], a["uploaded_by"]) for a in stored] == [("expert_opinion", "专家论证报告.txt", "wang")]
    assert link.get_attribute("href").endswith(f"/api/v1/applications/{app_id}/attachments/{stored[0]['id']}")
    row = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#attachments tbody td")]
    uploaded = dt.datetime.fromisoformat(stored[0]["uploaded_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert row[0] == "专家论证报告" and row[-1] == f"{uploaded:%Y-%m-%d %H:%M}（北京时间）"  # Beijing time, not UTC

    buttons = [b.get_attribute("data-action") for b in browser.find_elements(By.CSS_SELECTOR, "#next-steps button")]
    assert buttons == ["accept", "reject", "withdraw"]
    browser.find_element(By.ID, "step-reason").send_keys("申请人来函撤回")
    browser.find_element(By.CSS_SELECTOR, "#next-steps button[data-action=withdraw]").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "已撤回"))
    assert browser.find_element(By.ID, "step-result").text == "已办理：撤回申报 → 已撤回"
    assert "申请人来函撤回" in browser.find_element(By.ID, "application-data").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#next-steps button")
    assert applications.officer_view(store, app_id)["state"] == "withdrawn"
