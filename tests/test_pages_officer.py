"""The place-name officers' workspace in a real headless Chromium, on a small street world
(tests/numbering_world.py) with naming applications at several steps of the procedure."""

from __future__ import annotations

import datetime as dt

import numbering_world as world
import pytest
import shapely
import sqlalchemy as sa
from browser import LiveServer, chromium, close, screenshot, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from gis.settings import Settings
from placenames import applications, notices, procedure, transitions
from placenames.models import DoorPlate
from placenames.registry_models import NamingApplication, NamingTransition
from placenames.signs.models import InspectionResult

PASSWORD = "s3cret-officer"


def _application(store, name: str) -> int:
    data = {
        "kind": "name",
        "proposed_name": name,
        "category_code": "23510",
        "location_description": "东起宝象河，西至子君路",
        "reasons": "新建道路需要命名",
        "applicant_name": "张三",
        "applicant_contact": "13800000000",
        "notice_days": 1,
    }
    return applications.create_application(store, data, actor="zhang")  # filed by a clerk: wang may approve (four-eyes)


def _step(store, app_id: int, action: str, **data) -> None:
    transitions.apply_action(store, app_id, action, {"reason": f"{action} step", **data}, actor="wang")


def _seed_procedure(store) -> dict[str, int]:
    """One application just applied, one in notice with a public comment, one approved (deadlines)."""
    ids = {
        "applied": _application(store, "子君东路"),
        "in_notice": _application(store, "金马东路"),
        "approved": _application(store, "宝象北路"),
    }
    for key in ("in_notice", "approved"):
        _step(store, ids[key], "accept")
        _step(store, ids[key], "review", officer_opinion="名称符合规定")
        _step(store, ids[key], "start_notice")
    notices.add_comment(store, ids["in_notice"], "建议保留原有小地名", author_name="李四")
    later = procedure.now() + dt.timedelta(days=2)
    with pytest.MonkeyPatch.context() as clock:  # the notice of "approved" has run its course
        clock.setattr(procedure, "now", lambda: later)
        _step(store, ids["approved"], "approve", approving_body="昆明市人民政府", approval_document="昆政复〔2026〕1号")
    return ids


def _seed_inspections(store) -> None:
    from placenames.signs import inspections, inventory

    west, east, _middle = (
        inventory.add_road_sign(store, "春城路", world.to_storage(shapely.Point(world.X0 + x, world.Y0 + 10)), actor="wang")
        for x in (0, 400, 200)
    )  # the middle one is not inspected: due
    round_id = inspections.open_round(store, "2026 春季", inspector="李", held_on=dt.date(2026, 4, 1), actor="wang")
    inspections.record(
        store,
        round_id,
        [
            {"kind": "road_sign", "item": west, "result": "pass"},
            {"kind": "road_sign", "item": east, "result": "fail", "defects": ["missing"]},
        ],
        actor="wang",
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from accounts import service
    from gis.storage import Store, migrate
    from server import create_app

    root = tmp_path_factory.mktemp("officer")
    store = Store(str(root / "officer.gpkg"))
    migrate.upgrade(store)
    world.seed(store)
    ids = _seed_procedure(store)
    _seed_inspections(store)
    service.add_user(store, "wang", ["placename_officer"], password=PASSWORD, actor="admin")
    service.add_user(store, "zhao", ["planner"], password=PASSWORD, actor="admin")
    app = create_app(Settings(database_url=store.url, work_dir=str(root / "run")))
    with LiveServer(app) as server:
        yield server, store, ids
    store.dispose()


@pytest.fixture(scope="module")
def browser(site):
    server, _, _ = site
    b = chromium()
    b.get(server.url + "/officer/")
    sign_in(b, "wang")
    yield b
    close(b)


def sign_in(browser, user: str) -> None:
    form = wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))
    form.find_element(By.ID, "signin-user").send_keys(user)
    form.find_element(By.ID, "signin-password").send_keys(PASSWORD)
    form.find_element(By.ID, "signin-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "signed-in")))


def shot(browser, name: str) -> None:
    screenshot(browser, f"officer_{name}")


def state_of(store, app_id: int) -> tuple[str, list[tuple[str, str, str]]]:
    with store.read() as session:
        state = session.get(NamingApplication, app_id).state
        steps = session.execute(
            sa.select(NamingTransition.action, NamingTransition.to_state, NamingTransition.actor)
            .where(NamingTransition.application_id == app_id)
            .order_by(NamingTransition.id)
        ).all()
    return state, [tuple(s) for s in steps]


def test_list_filters_by_state_and_links_to_detail(site, browser):
    server, _, ids = site
    browser.get(server.url + "/officer/")
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#applications tbody a")) == 3)
    browser.find_element(By.CSS_SELECTOR, "#state option[value=in_notice]").click()
    browser.find_element(By.CSS_SELECTOR, "#filter-form button").click()
    wait(
        browser,
        lambda b: (
            b.execute_script("return [...document.querySelectorAll('#applications tbody a')].map(a => a.textContent)") == ["金马东路"]
        ),
    )
    shot(browser, "applications")
    browser.find_element(By.LINK_TEXT, "金马东路").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "comments"), "建议保留原有小地名"))
    assert browser.find_element(By.ID, "state-label").text == "公示中"
    assert "李四" in browser.find_element(By.ID, "comments").text
    assert browser.find_elements(By.CSS_SELECTOR, "#stored-findings li")  # stored at review: none found, said in words
    buttons = [b.get_attribute("data-action") for b in browser.find_elements(By.CSS_SELECTOR, "#next-steps button")]
    assert buttons == ["approve", "reject", "withdraw"]  # only what the procedure allows from in_notice


def test_next_step_button_moves_the_application_and_records_it(site, browser):
    server, store, ids = site
    app_id = ids["applied"]
    browser.get(f"{server.url}/officer/applications/{app_id}")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "申报"))
    assert [b.get_attribute("data-action") for b in browser.find_elements(By.CSS_SELECTOR, "#next-steps button")] == [
        "accept",
        "reject",
        "withdraw",
    ]
    browser.find_element(By.ID, "step-reason").send_keys("材料齐全")
    browser.find_element(By.CSS_SELECTOR, "#next-steps button[data-action=accept]").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "受理"))
    assert "材料齐全" in browser.find_element(By.ID, "history").text
    state, steps = state_of(store, app_id)
    assert state == "accepted" and steps[-1] == ("accept", "accepted", "wang")
    # The live check runs the rules against the register now; review then stores the findings.
    browser.find_element(By.ID, "run-check").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "live-findings")))
    browser.find_element(By.ID, "step-officer_opinion").send_keys("名称符合规定")
    browser.find_element(By.ID, "step-reason").send_keys("审核通过")
    browser.find_element(By.CSS_SELECTOR, "#next-steps button[data-action=review]").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "审核"))
    shot(browser, "application")
    assert state_of(store, app_id)[0] == "reviewed"


def test_a_refused_step_is_shown_in_words(site, browser):
    server, store, ids = site
    app_id = _application(store, "关渡新路")
    browser.get(f"{server.url}/officer/applications/{app_id}?lang=en")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "applied"))
    _step(store, app_id, "reject", reason="withdrawn meanwhile")  # another officer acts first
    browser.find_element(By.ID, "step-reason").send_keys("complete")
    browser.find_element(By.CSS_SELECTOR, "#next-steps button[data-action=accept]").click()
    message = wait(browser, EC.visibility_of_element_located((By.ID, "message")))
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "rejected"))
    assert "refused" in browser.find_element(By.ID, "step-result").text.lower() and message.text
    assert not browser.find_elements(By.CSS_SELECTOR, "#next-steps button")
    assert state_of(store, app_id)[0] == "rejected"


def test_deadline_view_shows_the_filing_due(site, browser):
    server, _, ids = site
    browser.get(server.url + "/officer/deadlines")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "deadlines"), "没有"))  # due in ~17 days: not within 7
    within = browser.find_element(By.ID, "within")
    within.clear()
    within.send_keys("30")
    browser.find_element(By.CSS_SELECTOR, "#deadline-form button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "deadlines"), "宝象北路"))
    text = browser.find_element(By.ID, "deadlines").text
    assert "备案" in text and "公告" in text
    shot(browser, "deadlines")


def test_door_numbering_preview_then_commit(site, browser):
    server, store, _ = site
    browser.get(server.url + "/officer/numbering")
    browser.find_element(By.ID, "road").send_keys("春城")  # the server suggests the roads whose name holds it
    wait(browser, lambda b: b.execute_script("return [...document.querySelectorAll('#road-names option')].map(o => o.value)") == ["春城路"])
    browser.find_element(By.ID, "road").send_keys("路")
    browser.find_element(By.ID, "preview-button").click()
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, ".number-label")) > 0)
    labels = sorted(e.text for e in browser.find_elements(By.CSS_SELECTOR, ".number-label"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#numbers tbody tr")
    assert len(labels) == len(rows) >= 5 and all(label for label in labels)
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count(DoorPlate.id))) == 0  # a preview writes nothing
    wait(browser, lambda b: b.execute_script("return document.querySelectorAll('#map path.leaflet-interactive').length") >= 7)
    shot(browser, "numbering_preview")
    browser.find_element(By.ID, "commit-reason").send_keys("新建道路编号")
    browser.find_element(By.ID, "commit-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "preview-summary"), f"已写入 {len(rows)}"))
    with store.read() as session:
        stored = sorted(session.scalars(sa.select(DoorPlate.number_text).where(DoorPlate.status == "current")))
    assert stored == labels
    browser.find_element(By.ID, "preview-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "preview-summary"), "没有待编号"))
    # Previewed again, the committed numbers are on the map as the road's existing numbers.
    existing = sorted(e.text for e in browser.find_elements(By.CSS_SELECTOR, ".existing-label"))
    assert existing == labels and not browser.find_elements(By.CSS_SELECTOR, ".number-label")
    assert f"已有门牌 {len(labels)}" in browser.find_element(By.ID, "road-info").text


def test_inspection_pass_rates_and_recording_a_round(site, browser):
    server, store, _ = site
    browser.get(server.url + "/officer/signs?lang=en")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "by-subdistrict"), "关上街道"))
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#by-subdistrict tbody tr") if r.text.startswith("关上街道"))
    assert row.text.split()[-1] == "50.0%"
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), "1–3 of 3"))
    assert "in service" in browser.find_element(By.ID, "items").text  # status codes are words
    browser.find_element(By.ID, "filter-due").click()
    browser.find_element(By.ID, "filter-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), "1–1 of 1"))
    [due] = browser.find_elements(By.CSS_SELECTOR, "#items tbody select")
    browser.find_element(By.ID, "round-name").send_keys("2026 autumn")
    browser.find_element(By.ID, "round-inspector").send_keys("Li")
    browser.execute_script("document.getElementById('round-held-on').value = '2026-05-01'")
    due.find_element(By.CSS_SELECTOR, "option[value=pass]").click()
    browser.find_element(By.ID, "record-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "record-result"), "Recorded 1"))
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), "0–0 of 0"))  # nothing due any more
    browser.find_element(By.ID, "filter-due").click()
    browser.find_element(By.ID, "filter-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "by-subdistrict"), "66.7%"))
    assert browser.find_element(By.CSS_SELECTOR, "#filter-subdistrict option[value='关上街道']")
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count(InspectionResult.id)).where(InspectionResult.result == "pass")) == 2
    shot(browser, "signs")


def test_signed_out_sees_only_the_sign_in_and_wrong_role_is_told(site):
    server, _, _ = site
    other = chromium(390, 844)
    try:
        other.get(server.url + "/officer/")
        wait(other, EC.visibility_of_element_located((By.ID, "signin-form")))
        assert not other.find_element(By.ID, "workspace").is_displayed()
        sign_in(other, "zhao")
        role = wait(other, EC.visibility_of_element_located((By.ID, "role-missing")))
        assert "地名工作人员" in role.text and "placename_officer" not in role.text  # the role's name, not its code
        assert "规划人员" in other.find_element(By.ID, "signed-in-as").text
        assert not other.find_element(By.ID, "workspace").is_displayed()
        assert other.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        close(other)


def test_next_actions_and_previewed_entrances_come_from_the_server(site):
    """What the buttons and markers are built from: the procedure's allowed actions, and
    each previewed number's entrance beside its road."""
    from placenames.numbering import service

    _, store, ids = site
    assert applications.officer_view(store, ids["approved"])["next_actions"] == ["file"]
    assert procedure.allowed_actions("announced") == [] and procedure.allowed_actions("reviewed") == ["start_notice", "reject", "withdraw"]
    rows = service.preview(store, ["关上路"]).rows()
    road = world.line((400, -200), (400, 200))
    assert rows and all(shapely.Point(r["lon"], r["lat"]).distance(road) < 0.0005 for r in rows)  # ~50 m


def test_an_application_taken_through_approval_filing_and_announcement(site, browser):
    """From a finished public notice to a current name, by the page's buttons only."""
    from placenames.models import PlaceName

    server, store, ids = site
    app_id = _application(store, "福德东路")
    for action, extra in (("accept", {}), ("review", {"officer_opinion": "名称符合规定"}), ("start_notice", {})):
        _step(store, app_id, action, **extra)
    with store.transaction(actor="test", reason="the notice period has run its course") as session:
        application = session.get(NamingApplication, app_id)
        application.notice_starts_at -= dt.timedelta(days=3)
        application.notice_ends_at -= dt.timedelta(days=3)
    browser.get(f"{server.url}/officer/applications/{app_id}")
    for action, fields, label in (
        ("approve", {"approving_body": "昆明市人民政府", "approval_document": "昆政复〔2026〕9号"}, "批准"),
        ("file", {"filed_with": "云南省民政厅"}, "备案"),
        ("announce", {}, "公告"),
    ):
        button = wait(browser, EC.element_to_be_clickable((By.CSS_SELECTOR, f"#next-steps button[data-action={action}]")))
        for name, value in fields.items():
            browser.find_element(By.ID, f"step-{name}").send_keys(value)
        browser.find_element(By.ID, "step-reason").send_keys(f"{action} 依法办理")
        button.click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), label))
    shot(browser, "announced")
    state, steps = state_of(store, app_id)
    assert state == "announced" and [s[0] for s in steps][-3:] == ["approve", "file", "announce"]
    with store.read() as session:
        name = session.scalars(sa.select(PlaceName).where(PlaceName.name == "福德东路")).one()
    assert name.status == "current" and name.approval_document == "昆政复〔2026〕9号"


def _notice_ending_at_nine_utc(store, name: str) -> int:
    """An application in public notice whose notice ends at 09:00 UTC three days on (17:00 Beijing time)."""
    app_id = _application(store, name)
    for action, extra in (("accept", {}), ("review", {"officer_opinion": "名称符合规定"}), ("start_notice", {})):
        _step(store, app_id, action, **extra)
    ends = (procedure.now() + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    with store.transaction(actor="test", reason="a notice ending at 09:00 UTC") as session:
        session.get(NamingApplication, app_id).notice_ends_at = ends
    return app_id


def test_times_are_beijing_time_and_codes_are_words(site, browser):
    server, store, _ = site
    app_id = _notice_ending_at_nine_utc(store, "青云东路")
    browser.get(f"{server.url}/officer/applications/{app_id}")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "state-label"), "公示中"))
    facts = browser.find_element(By.ID, "application-data").text
    assert "17:00（北京时间）" in facts and "09:00" not in facts and "UTC" not in facts
    assert "23510 街、路、巷" in facts and "命名" in facts
    cells = browser.execute_script(
        "return [...document.querySelectorAll('#history tbody tr')].map(r => [...r.children].slice(0, 3).map(c => c.textContent))"
    )
    assert [c[1] for c in cells] == ["申报", "受理", "审核通过", "开始公示"]  # the steps' names, not apply/start_notice
    assert cells[-1][2] == "审核 → 公示中" and all(c[0].endswith("（北京时间）") for c in cells)
    browser.get(f"{server.url}/officer/?lang=en")
    wait(browser, lambda b: "Qingyun" in b.page_source or "青云东路" in b.find_element(By.ID, "applications").text)
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#applications tbody tr") if "青云东路" in r.text)
    assert "17:00 (Beijing time)" in row.text and "in public notice" in row.text and "23510 Road, street or lane" in row.text


def test_a_refused_step_keeps_what_the_officer_typed(site, browser):
    """Approval before the notice ends is refused (409): the reason and the fields stay, the
    refusal names the end in Beijing time beside the buttons."""
    server, store, _ = site
    app_id = _notice_ending_at_nine_utc(store, "青云西路")
    browser.get(f"{server.url}/officer/applications/{app_id}")
    button = wait(browser, EC.element_to_be_clickable((By.CSS_SELECTOR, "#next-steps button[data-action=approve]")))
    browser.find_element(By.ID, "step-approving_body").send_keys("昆明市人民政府")
    browser.find_element(By.ID, "step-approval_document").send_keys("昆政复〔2026〕12号")
    browser.find_element(By.ID, "step-reason").send_keys("名称符合规定，同意批准")
    button.click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "step-result"), "未能办理"))
    result = browser.find_element(By.ID, "step-result").text
    assert "公示期至" in result and "17:00（北京时间）" in result and "UTC" not in result
    wait(browser, EC.element_to_be_clickable((By.CSS_SELECTOR, "#next-steps button[data-action=approve]")))
    value = lambda box: browser.find_element(By.ID, box).get_attribute("value")  # noqa: E731
    assert value("step-approving_body") == "昆明市人民政府" and value("step-approval_document") == "昆政复〔2026〕12号"
    assert value("step-reason") == "名称符合规定，同意批准"
    assert state_of(store, app_id)[0] == "in_notice"
