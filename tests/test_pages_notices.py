"""The public notice board in a real headless Chromium, on both backends: a citizen
reads an open 公示 and comments without signing in (the officers see the comment), a
refused comment keeps its text, announced names are listed and printable, and a name
with markup shows as text."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from browser import LiveServer, wait
from guandu_units import add_units
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from gis.settings import Settings
from gis.storage import utcnow
from placenames import applications, procedure, transitions
from placenames.registry_models import NamingApplication

ROAD_LINE = {"type": "LineString", "coordinates": [[102.75, 25.01], [102.76, 25.012]]}
MARKUP = '<img src=x onerror="window.__xss=1">'


def step(store, app_id, action, **data):
    transitions.apply_action(store, app_id, action, {"reason": f"{action} step", **data}, actor="chen" if action == "approve" else "wang")


def in_notice(store, name="子君东路"):
    data = {
        "kind": "name",
        "proposed_name": name,
        "category_code": "23510",
        "admin_code": "530111008000",
        "geometry": ROAD_LINE,
        "location_description": "东起宝象河，西至子君路",
        "reasons": "新建道路需要命名",
        "applicant_name": "张三",
    }
    app_id = applications.create_application(store, data, actor="wang")
    for action, extra in (("accept", {}), ("review", {"officer_opinion": "名称符合规定"}), ("start_notice", {})):
        step(store, app_id, action, **extra)
    return app_id


@pytest.fixture
def site(store, tmp_path):
    add_units(store)
    with LiveServer(_app(store, tmp_path)) as server:
        yield server


def _app(store, tmp_path):
    from server import create_app

    return create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run")))


def test_a_citizen_comments_on_an_open_notice_without_signing_in(site, store, browser):
    app_id = in_notice(store)
    browser.delete_all_cookies()
    browser.get(f"{site.url}/notices")
    item = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#open-notices li a")))
    row = browser.find_element(By.CSS_SELECTOR, "#open-notices li").text
    assert item.text == "子君东路" and "Zijun Donglu" in row and "命名" in row and "六甲街道（530111008000）" in row
    ends = dt.datetime.fromisoformat(applications.officer_view(store, app_id)["notice_ends_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{ends:%Y-%m-%d %H:%M}（北京时间）" in row  # the period in Beijing time
    assert "尚无已公告的地名" in browser.find_element(By.ID, "announcements").text
    wait(browser, lambda b: b.execute_script("return document.querySelectorAll('#map path.leaflet-interactive').length") > 0)

    item.click()
    form = wait(browser, EC.visibility_of_element_located((By.ID, "comment-form")))
    assert "23510" in browser.find_element(By.ID, "notice-facts").text
    assert browser.find_element(By.ID, "print-notice").get_attribute("href").endswith(f"/notices/{app_id}/notice/print?lang=zh")
    form.find_element(By.ID, "comment-body").send_keys("<b>赞成</b>，建议保留原有路名的历史说明")
    form.find_element(By.ID, "comment-name").send_keys("赵六")
    form.find_element(By.ID, "comment-contact").send_keys("zhao@example.cn")
    form.find_element(By.ID, "comment-submit").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "comment-result")))
    assert browser.find_element(By.ID, "comment-result").text == "意见已提交，谢谢。"
    assert browser.find_element(By.ID, "comment-body").get_attribute("value") == ""
    shown = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#comments li")))
    assert shown.text.startswith("<b>赞成</b>")  # markup shows as text
    assert not browser.find_elements(By.CSS_SELECTOR, "#comments b")
    stored = applications.officer_view(store, app_id)["comments"]  # what the officers' page shows
    assert [(c["body"], c["author_name"], c["author_contact"]) for c in stored] == [
        ("<b>赞成</b>，建议保留原有路名的历史说明", "赵六", "zhao@example.cn")
    ]
    assert "赵六" not in browser.find_element(By.ID, "comments").text  # the author stays private


def test_a_refused_comment_keeps_its_text(site, store, browser):
    app_id = in_notice(store)
    browser.get(f"{site.url}/notices/{app_id}")
    form = wait(browser, EC.visibility_of_element_located((By.ID, "comment-form")))
    form.find_element(By.ID, "comment-submit").click()  # nothing typed
    error = wait(browser, EC.visibility_of_element_located((By.ID, "comment-error")))
    assert error.text == "未能提交：意见内容不能为空"
    with store.transaction(actor="test") as session:  # the notice ends while the page is open
        session.execute(sa.update(NamingApplication).where(NamingApplication.id == app_id).values(notice_ends_at=utcnow()))
    typed = "公示期已过才写好的意见"
    form.find_element(By.ID, "comment-body").send_keys(typed)
    form.find_element(By.ID, "comment-submit").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "comment-error"), "不接受意见"))
    assert browser.find_element(By.ID, "comment-body").get_attribute("value") == typed
    assert browser.find_element(By.ID, "comment-result").is_displayed() is False
    assert applications.officer_view(store, app_id)["comments"] == []
    browser.get(f"{site.url}/notices/{app_id}?lang=en")  # reopened: closed, in English, no form
    closed = wait(browser, EC.visibility_of_element_located((By.ID, "notice-closed")))
    assert "not in public notice" in closed.text and "comments are closed" in closed.text
    assert not browser.find_element(By.ID, "comment-section").is_displayed()


def test_announced_names_are_listed_and_printable(site, store, browser, monkeypatch):
    app_id = in_notice(store, "子泰东路")
    later = utcnow() + dt.timedelta(days=8)
    monkeypatch.setattr(procedure, "now", lambda: later)
    step(store, app_id, "approve", approving_body="市人民政府", approval_document="市政复〔2026〕8号")
    step(store, app_id, "file", filed_with="省民政厅")
    step(store, app_id, "announce")
    browser.get(f"{site.url}/notices?lang=en")
    item = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#announcements li a")))
    row = browser.find_element(By.CSS_SELECTOR, "#announcements li").text
    assert item.text == "子泰东路" and "naming" in row and "Announced on" in row
    assert "No notice is open now" in browser.find_element(By.ID, "open-notices").text
    item.click()
    link = wait(browser, EC.visibility_of_element_located((By.ID, "print-announcement")))
    assert "市政复〔2026〕8号" in browser.find_element(By.ID, "notice-facts").text
    link.click()
    title = wait(browser, EC.visibility_of_element_located((By.ID, "doc-title")))
    assert title.text == "Announcement on naming '子泰东路'"
    assert "Approving body" in browser.find_element(By.ID, "doc-fields").text
    assert browser.find_element(By.ID, "docx-link").get_attribute("href").endswith("format=docx&lang=en")


def test_a_name_with_markup_shows_as_text(site, store, browser):
    app_id = in_notice(store)
    with store.transaction(actor="test") as session:
        session.execute(sa.update(NamingApplication).where(NamingApplication.id == app_id).values(proposed_name=MARKUP + "新路"))
    browser.get(f"{site.url}/notices")
    item = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#open-notices li a")))
    assert item.text == MARKUP + "新路"
    browser.get(f"{site.url}/notices/{app_id}")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "notice-title"), "新路"))
    assert browser.find_element(By.ID, "notice-title").text == f"命名：{MARKUP}新路"
    assert not browser.find_elements(By.CSS_SELECTOR, "main img") and browser.execute_script("return window.__xss") is None


def test_an_officer_prints_a_closed_notice_from_the_application_page(site, store, browser):
    from accounts import service

    app_id = in_notice(store)
    with store.transaction(actor="test") as session:  # the notice is over: no longer public
        session.execute(sa.update(NamingApplication).where(NamingApplication.id == app_id).values(notice_ends_at=utcnow()))
    number = applications.officer_view(store, app_id)["notice_number"]
    browser.delete_all_cookies()
    browser.get(f"{site.url}/notices/{app_id}/notice/print")
    assert "不在公示期内" in browser.find_element(By.TAG_NAME, "body").text  # anonymous: refused
    service.add_user(store, "wang", ["placename_officer"], password="s3cret-officer", actor="admin")
    browser.get(f"{site.url}/officer/applications/{app_id}")
    form = wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))
    form.find_element(By.ID, "signin-user").send_keys("wang")
    form.find_element(By.ID, "signin-password").send_keys("s3cret-officer")
    form.find_element(By.ID, "signin-button").click()
    link = wait(browser, EC.visibility_of_element_located((By.ID, "print-notice")))
    facts = browser.find_element(By.ID, "application-data").text
    assert "公示文号" in facts and number in facts
    link.click()
    wait(browser, EC.visibility_of_element_located((By.ID, "doc-number")))
    assert browser.find_element(By.ID, "doc-number").text == number
    assert browser.find_element(By.ID, "doc-title").text == "关于“子君东路”命名的公示"
