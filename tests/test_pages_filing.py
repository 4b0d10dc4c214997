"""Filing and the register in a real headless Chromium, on both backends.

A new road name goes from the filing form (a line drawn on the map, a report attached)
through a second officer's steps to 公示, a citizen's comment without signing in, the
approval, filing and announcement, to the printed 公告 with its 文号. Bad input is said
beside its field and nothing is stored. The register page finds a name by pinyin and
its page shows the spelling, the area, the map and the history in Beijing time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from browser import LiveServer, screenshot, wait
from guandu_units import add_units
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from shapely.geometry import LineString

from accounts import service
from gis.settings import Settings
from gis.storage import utcnow
from placenames import applications, attachments, procedure, register
from placenames.models import PlaceName

PASSWORD = "s3cret-officer"
LIUJIA = "530111008000"  # 六甲街道


@pytest.fixture
def site(store, tmp_path):
    from server import create_app

    add_units(store, levels=("district", "subdistrict", "community"))
    for user in ("wang", "chen"):
        service.add_user(store, user, ["placename_officer"], password=PASSWORD, actor="admin")
    with LiveServer(create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run")))) as server:
        yield server


def sign_in(browser, user: str) -> None:
    form = wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))
    form.find_element(By.ID, "signin-user").send_keys(user)
    form.find_element(By.ID, "signin-password").send_keys(PASSWORD)
    form.find_element(By.ID, "signin-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "workspace")))


def choose(browser, select_id: str, value: str) -> None:
    option = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, f"#{select_id} option[value='{value}']")))
    option.click()


def open_form(browser, site) -> None:
    browser.delete_all_cookies()
    browser.get(f"{site.url}/officer/applications/new")
    sign_in(browser, "wang")
    wait(browser, lambda b: b.execute_script("return !!document.querySelector('#map .leaflet-pane')"))


def fill_required(browser, name: str) -> None:
    browser.find_element(By.ID, "proposed_name").send_keys(name)
    choose(browser, "category_code", "23510")
    choose(browser, "subdistrict", LIUJIA)
    browser.find_element(By.ID, "location_description").send_keys("东起宝象河，西至子君路")
    browser.find_element(By.ID, "reasons").send_keys("新建道路需要命名")
    browser.find_element(By.ID, "applicant_name").send_keys("张三")


def step(browser, action: str, reason: str, **fields) -> None:
    """One procedure step on the application page, by its button; waits for the new state."""
    button = wait(browser, EC.element_to_be_clickable((By.CSS_SELECTOR, f"#next-steps button[data-action={action}]")))
    for name, value in fields.items():
        browser.find_element(By.ID, f"step-{name}").send_keys(value)
    browser.find_element(By.ID, "step-reason").send_keys(reason)
    button.click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "step-result"), "已办理："))


def test_a_new_road_name_from_the_form_to_the_printed_announcement(site, store, browser, tmp_path, monkeypatch):
    open_form(browser, site)
    fill_required(browser, "子君东路")
    # Draw the road's line: two clicks on the map, then finish.
    map_box = browser.find_element(By.ID, "map")
    ActionChains(browser).move_to_element_with_offset(map_box, -120, 10).click().perform()
    ActionChains(browser).move_to_element_with_offset(map_box, 110, -15).click().perform()
    browser.find_element(By.ID, "draw-finish").click()
    assert browser.find_element(By.ID, "draw-status").text == "已完成：画线，2 个点"
    browser.find_element(By.ID, "check-name").click()
    wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#check-findings li")))
    assert "错误" not in browser.find_element(By.ID, "check-findings").text
    screenshot(browser, "filing-form")
    report = tmp_path / "综合评估报告.txt"
    report.write_text("合法性、可行性、可控性", encoding="utf-8")
    choose(browser, "attachment-kind", "assessment")
    browser.find_element(By.ID, "attachment-files").send_keys(str(report))
    browser.find_element(By.ID, "submit-application").click()

    wait(browser, EC.url_matches(r"/officer/applications/\d+\?lang=zh$"))
    app_id = int(browser.current_url.split("/")[-1].split("?")[0])
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "申报"))
    stored = applications.officer_view(store, app_id)
    line = stored["geometry"]
    assert line["type"] == "LineString" and len(line["coordinates"]) == 2
    (x1, y1), (x2, y2) = line["coordinates"]
    assert x1 < x2 and y1 < y2  # the second click was right of and above the first: east and north of it
    assert stored["admin_code"] == LIUJIA and stored["category_code"] == "23510" and stored["kind"] == "name"
    assert [(a["kind"], a["filename"]) for a in attachments.list_attachments(store, app_id)] == [("assessment", "综合评估报告.txt")]
    wait(browser, lambda b: b.execute_script("return document.querySelectorAll('#map path.leaflet-interactive').length") > 0)
    screenshot(browser, "filed-application")
    facts = browser.find_element(By.ID, "application-data").text
    assert "Zijun Donglu" in facts and "六甲街道（530111008000）" in facts and "23510 街、路、巷" in facts
    wait(browser, lambda b: b.execute_script("return document.querySelectorAll('#map path.leaflet-interactive').length") > 0)

    # A second officer takes it to the public notice.
    browser.find_element(By.ID, "signout-button").click()
    sign_in(browser, "chen")
    step(browser, "accept", "材料齐全，予以受理")
    step(browser, "review", "名称符合规定", officer_opinion="同意命名")
    step(browser, "start_notice", "开始公示")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "公示中"))

    # A citizen comments on the notice without signing in.
    browser.delete_all_cookies()
    browser.get(f"{site.url}/notices/{app_id}")
    form = wait(browser, EC.visibility_of_element_located((By.ID, "comment-form")))
    form.find_element(By.ID, "comment-body").send_keys("赞成，名称与子君路相呼应")
    form.find_element(By.ID, "comment-submit").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "comment-result")))
    assert [c["body"] for c in applications.officer_view(store, app_id)["comments"]] == ["赞成，名称与子君路相呼应"]

    # The notice ends; the second officer approves (four eyes), files and announces.
    later = utcnow() + dt.timedelta(days=8)
    monkeypatch.setattr(procedure, "now", lambda: later)
    browser.get(f"{site.url}/officer/applications/{app_id}")
    sign_in(browser, "chen")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "comments"), "赞成，名称与子君路相呼应"))
    step(browser, "approve", "公示期满无异议", approving_body="市人民政府", approval_document="市政复〔2026〕12号")
    step(browser, "file", "报上级备案", filed_with="省民政厅")
    step(browser, "announce", "公告")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "已公告"))
    number = applications.officer_view(store, app_id)["announcement_number"]
    assert number
    link = wait(browser, EC.element_to_be_clickable((By.ID, "print-announcement")))
    link.click()
    wait(browser, EC.visibility_of_element_located((By.ID, "doc-number")))
    assert browser.find_element(By.ID, "doc-number").text == number
    assert "子君东路" in browser.find_element(By.ID, "doc-title").text
    assert "Zijun Donglu" in browser.find_element(By.ID, "doc-fields").text
    with store.read() as session:
        entry = session.get(PlaceName, applications.officer_view(store, app_id)["place_name_id"])
        assert (entry.name, entry.status) == ("子君东路", "current")


def test_bad_input_is_said_beside_the_field_and_nothing_is_stored(site, store, browser):
    open_form(browser, site)
    fill_required(browser, "")
    browser.find_element(By.ID, "submit-application").click()
    error = wait(browser, EC.visibility_of_element_located((By.ID, "error-proposed_name")))
    assert "拟用名称" in error.text
    assert browser.find_element(By.ID, "reasons").get_attribute("value") == "新建道路需要命名"  # typed input kept

    browser.find_element(By.ID, "proposed_name").send_keys("Zijun路")
    browser.find_element(By.ID, "submit-application").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "error-proposed_name"), "拉丁字母"))
    assert browser.find_element(By.ID, "proposed_name").get_attribute("value") == "Zijun路"
    assert browser.find_element(By.ID, "proposed_name").get_attribute("aria-invalid") == "true"
    assert browser.find_element(By.ID, "error-reasons").text == ""

    # One vertex is not a line: refused on the page, beside the map.
    browser.find_element(By.ID, "proposed_name").clear()
    browser.find_element(By.ID, "proposed_name").send_keys("子君东路")
    ActionChains(browser).move_to_element_with_offset(browser.find_element(By.ID, "map"), 0, 0).click().perform()
    browser.find_element(By.ID, "submit-application").click()
    assert browser.find_element(By.ID, "error-geometry").text == "画线至少需要 2 个点"

    # A renaming without choosing the current name it renames.
    browser.find_element(By.ID, "kind-rename").click()
    browser.find_element(By.ID, "draw-clear").click()
    browser.find_element(By.ID, "submit-application").click()
    assert browser.find_element(By.ID, "error-place_name_id").text
    assert applications.list_applications(store) == []
    with store.read() as session:
        assert session.query(PlaceName).count() == 0


def test_a_renaming_carries_the_old_name_and_shape(site, store, browser):
    with store.transaction(actor="test", reason="register fixture") as session:
        entry = PlaceName(**register.spelling("子君路", "23510"), admin_code=LIUJIA, status="current")
        entry.geom = LineString([(102.75, 25.01), (102.76, 25.012)])
        session.add(entry)
        session.flush()
        name_id = entry.id
    open_form(browser, site)
    browser.find_element(By.ID, "kind-rename").click()
    browser.find_element(By.ID, "target-search").send_keys("zijun")
    browser.find_element(By.ID, "target-find").click()
    wait(browser, EC.element_to_be_clickable((By.CSS_SELECTOR, f"#target-results button[data-id='{name_id}']"))).click()
    assert browser.find_element(By.ID, "old-name").text == "原名称：子君路"
    assert "沿用现行地名“子君路”的图形" in browser.find_element(By.ID, "draw-status").text
    assert browser.find_element(By.ID, "subdistrict").get_attribute("value") == LIUJIA
    browser.find_element(By.ID, "proposed_name").send_keys("子君大道")
    browser.find_element(By.ID, "reasons").send_keys("道路拓宽改为大道")
    browser.find_element(By.ID, "applicant_name").send_keys("张三")
    browser.find_element(By.ID, "submit-application").click()
    wait(browser, EC.url_matches(r"/officer/applications/\d+\?lang=zh$"))
    wait(browser, EC.text_to_be_present_in_element((By.ID, "application-data"), "原名称"))
    facts = browser.find_element(By.ID, "application-data").text
    assert "子君路" in facts and "Zijun Dadao" in facts
    app_id = int(browser.current_url.split("/")[-1].split("?")[0])
    view = applications.officer_view(store, app_id)
    assert (view["kind"], view["place_name_id"], view["proposed_name"]) == ("rename", name_id, "子君大道")
    assert [list(c) for c in view["geometry"]["coordinates"]] == [[102.75, 25.01], [102.76, 25.012]]  # the entry's own shape


def test_the_register_finds_a_name_by_pinyin_and_shows_its_page(site, store, browser):
    with store.transaction(actor="test", reason="register fixture") as session:
        for name in ("子君东路", "子泰路", "关上中路"):
            entry = PlaceName(**register.spelling(name, "23510"), admin_code=LIUJIA, status="current")
            entry.geom = LineString([(102.75, 25.01), (102.76, 25.012)])
            session.add(entry)
    with store.read() as session:
        name_id = session.query(PlaceName.id).filter(PlaceName.name == "子君东路").scalar()
    register.update_name(store, name_id, {"romanization_override": "Zǐjūn Dōnglù"}, actor="wang", reason="按批复校定声调", version=1)
    browser.delete_all_cookies()
    browser.get(f"{site.url}/officer/register")
    sign_in(browser, "wang")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), "共 3 条"))
    browser.find_element(By.ID, "register-q").send_keys("zijundong")
    browser.find_element(By.ID, "register-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), "共 1 条"))
    row = browser.find_element(By.CSS_SELECTOR, "#register tbody tr").text
    assert "子君东路" in row and "六甲街道（530111008000）" in row and "现行" in row
    wait(browser, lambda b: b.execute_script("return document.querySelectorAll('#map path.leaflet-interactive').length") == 1)
    browser.find_element(By.CSS_SELECTOR, "#register tbody a").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "entry-title"), "子君东路"))
    facts = browser.find_element(By.ID, "entry-data").text
    assert "Zǐjūn Dōnglù（人工校定；按规则为 Zijun Donglu）" in facts and "六甲街道（530111008000）" in facts
    audit = browser.find_element(By.ID, "audit").text
    changed = store.history("place_names", name_id)[-1].occurred_at
    local = (changed if changed.tzinfo else changed.replace(tzinfo=dt.UTC)).astimezone(ZoneInfo("Asia/Shanghai"))
    assert "按批复校定声调" in audit and f"{local:%Y-%m-%d %H:%M}（北京时间）" in audit
    assert "romanization_override: — → Zǐjūn Dōnglù" in audit
    screenshot(browser, "register-entry")
    wait(browser, lambda b: b.execute_script("return document.querySelectorAll('#map path.leaflet-interactive').length") == 1)

    # Correct the entry from its page: a spelling that is not Hanyu Pinyin is refused beside the form, typed text kept.
    override = browser.find_element(By.ID, "edit-romanization_override")
    assert override.get_attribute("value") == "Zǐjūn Dōnglù"
    override.clear()
    override.send_keys("Zijun Dongxqz")
    browser.find_element(By.ID, "edit-reason").send_keys("更正拼写")
    browser.find_element(By.ID, "edit-save").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "edit-error"), "未能更正："))
    assert override.get_attribute("value") == "Zijun Dongxqz"
    assert browser.find_element(By.ID, "edit-reason").get_attribute("value") == "更正拼写"
    with store.read() as session:
        assert session.get(PlaceName, name_id).romanization_override == "Zǐjūn Dōnglù"
    override.clear()
    override.send_keys("Zǐjūn Dōnglù")
    browser.find_element(By.ID, "edit-meaning").send_keys("子君村东侧的道路")
    browser.find_element(By.ID, "edit-save").click()  # the override back as it was: only the meaning changes
    wait(browser, EC.text_to_be_present_in_element((By.ID, "edit-result"), "已更正：含义"))
    wait(browser, EC.text_to_be_present_in_element((By.ID, "audit"), "meaning: — → 子君村东侧的道路"))
    assert "子君村东侧的道路" in browser.find_element(By.ID, "entry-data").text
    with store.read() as session:
        corrected = session.get(PlaceName, name_id)
        assert (corrected.meaning, corrected.romanization_override) == ("子君村东侧的道路", "Zǐjūn Dōnglù")


def test_a_name_with_markup_shows_as_text_on_the_register_and_form(site, store, browser):
    markup = '<img src=x onerror="window.__xss=1">新路'
    with store.transaction(actor="test", reason="register fixture") as session:
        entry = PlaceName(name=markup, category_code="23510", category_label="街、路、巷", admin_code=LIUJIA, status="current")
        entry.geom = LineString([(102.75, 25.01), (102.76, 25.012)])
        session.add(entry)
        session.flush()
        name_id = entry.id
    browser.delete_all_cookies()
    browser.get(f"{site.url}/officer/register")
    sign_in(browser, "wang")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "register"), "新路"))
    assert browser.find_element(By.CSS_SELECTOR, "#register tbody a").text == markup
    browser.get(f"{site.url}/officer/register/{name_id}")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "entry-title"), "新路"))
    assert browser.find_element(By.ID, "entry-title").text == f"地名 {name_id}：{markup}"
    browser.get(f"{site.url}/officer/applications/new")
    wait(browser, EC.visibility_of_element_located((By.ID, "kind-rename"))).click()
    browser.find_element(By.ID, "target-search").send_keys("新路")
    browser.find_element(By.ID, "target-find").click()
    wait(browser, EC.element_to_be_clickable((By.CSS_SELECTOR, "#target-results button"))).click()
    assert browser.find_element(By.ID, "old-name").text == f"原名称：{markup}"
    assert not browser.find_elements(By.CSS_SELECTOR, "main img") and browser.execute_script("return window.__xss") is None
    assert not [entry for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]


def test_the_check_asks_for_a_justification_and_the_filing_keeps_it(site, store, browser):
    with store.transaction(actor="test", reason="register fixture") as session:
        session.add(PlaceName(**register.spelling("子君东路", "23510"), admin_code=LIUJIA, status="current"))
    open_form(browser, site)
    fill_required(browser, "紫君东路")  # sounds like 子君东路
    browser.find_element(By.ID, "check-name").click()
    warning = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#check-findings li.warning")))
    assert warning.text.startswith("警告：") and "子君东路" in warning.text
    assert browser.find_element(By.ID, "error-justification").text == "名称检查发现须说明理由的问题，请填写使用理由"
    browser.find_element(By.ID, "justification").send_keys("紫君为片区历史地名，与子君东路相距较远")
    browser.find_element(By.ID, "submit-application").click()
    wait(browser, EC.url_matches(r"/officer/applications/\d+\?lang=zh$"))
    app_id = int(browser.current_url.split("/")[-1].split("?")[0])
    view = applications.officer_view(store, app_id)
    assert view["proposed_name"] == "紫君东路" and view["justification"] == "紫君为片区历史地名，与子君东路相距较远"
    assert view["geometry"] is None  # nothing drawn, nothing stored
