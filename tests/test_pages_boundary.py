"""The boundary workspace in a real headless Chromium: a marker inspection recorded through the page,
and a campaign signed by both parties from the page."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from browser import chromium, close, demo_store, live_app, screenshot, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from accounts import service
from boundaries import inspections, markers
from boundaries.line_models import BoundaryLine, InspectionCampaign, MarkerInspection
from boundaries.lines.service import build_and_save


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Demo district with its subdistrict lines; one line has synthetic markers and an open campaign."""
    root = tmp_path_factory.mktemp("boundary")
    store = demo_store(root)
    build_and_save(store, "subdistrict", actor="admin", reason="test lines")
    with store.read() as session:
        line_id, sign_line = session.scalars(sa.select(BoundaryLine.id).order_by(BoundaryLine.length_m.desc())).all()[:2]
    placed = markers.add_synthetic_markers(store, line_id, actor="admin")
    campaign = inspections.open_campaign(
        store,
        line_id,
        code="LJ-2026",
        party_a="关上街道",
        party_b="太和街道",
        started_on=dt.date(2026, 5, 1),
        actor="admin",
        tolerance_m=1.0,
    )
    to_sign = markers.add_synthetic_markers(store, sign_line, actor="admin")
    signing = inspections.open_campaign(
        store, sign_line, code="QM-2026", party_a="官渡街道", party_b="矣六街道", started_on=dt.date(2026, 4, 1), actor="admin"
    )
    for marker in to_sign:  # every marker of the line has a record before sign-off
        inspections.record_marker(store, signing.id, marker.id, status="intact", measured=marker.geom, actor="admin")
    with store.read() as session:
        sides = session.get(BoundaryLine, sign_line)
        party_a_code, party_b_code = sides.left_code, sides.right_code
    service.add_user(store, "zhao", ["boundary_officer"], password="bound-2026-secret", unit_code=party_a_code, actor="admin")
    service.add_user(store, "sun", ["boundary_officer"], password="other-side-2026", unit_code=party_b_code, actor="admin")
    with live_app(store, root) as server:
        yield (
            server,
            store,
            server.server.app,
            {
                "line": line_id,
                "markers": placed,
                "campaign": campaign.id,
                "sign_line": sign_line,
                "sign_markers": to_sign,
                "sign_campaign": signing.id,
            },
        )
    store.dispose()


def open_line(browser, server, world, *, line="line", placed="markers", user=("zhao", "bound-2026-secret")):
    browser.get(server.url + "/boundaries")
    browser.delete_all_cookies()
    browser.get(server.url + "/boundaries")
    wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))
    browser.find_element(By.ID, "signin-user").send_keys(user[0])
    browser.find_element(By.ID, "signin-password").send_keys(user[1])
    browser.find_element(By.ID, "signin-button").click()
    row = wait(browser, EC.element_to_be_clickable((By.CSS_SELECTOR, f"#lines-table tr[data-line-id='{world[line]}']")))
    assert row.get_attribute("data-state") == "never"
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#map path.boundary-line"))
    row.click()
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#markers-table tr[data-marker-id]")) == len(world[placed]))
    wait(browser, lambda b: b.find_element(By.ID, "report-link").is_displayed())


def test_recording_a_marker_result_stores_it_and_recolours_the_marker(site, browser):
    server, store, _, world = site
    open_line(browser, server, world)
    marker = world["markers"][0]
    row = browser.find_element(By.CSS_SELECTOR, f"#markers-table tr[data-marker-id='{marker.id}']")
    assert row.get_attribute("data-status") == "not-inspected"
    row.click()
    wait(browser, EC.visibility_of_element_located((By.ID, "record-panel")))
    Select(browser.find_element(By.ID, "marker-status")).select_by_value("displaced")
    lon = browser.find_element(By.ID, "measured-lon")
    lon.clear()
    lon.send_keys(f"{marker.geom.x + 0.0001:.7f}")  # about 10 m east: beyond the 1 m tolerance
    browser.find_element(By.ID, "record-button").click()
    result = wait(browser, lambda b: b.find_element(By.ID, "record-result").get_attribute("data-flagged"))
    assert result == "true" and "已标记" in browser.find_element(By.ID, "record-result").text
    with store.read() as session:
        stored = session.scalars(sa.select(MarkerInspection).where(MarkerInspection.marker_id == marker.id)).one()
        assert stored.status == "displaced" and stored.flagged and 8 < stored.displacement_m < 12
        assert stored.campaign_id == world["campaign"] and stored.created_by == "zhao"
    wait(
        browser,
        lambda b: (
            b.find_element(By.CSS_SELECTOR, f"#markers-table tr[data-marker-id='{marker.id}']").get_attribute("data-status") == "displaced"
        ),
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "#map path.marker-displaced")) == 1
    report = browser.execute_script("return fetch(document.getElementById('report-link').href).then(r => r.json())")
    assert report["summary"]["by_status"]["displaced"] == 1 and report["summary"]["flagged"] == 1
    screenshot(browser, "boundary")


def test_the_measured_position_can_be_picked_on_the_map(site, browser):
    server, store, _, world = site
    open_line(browser, server, world)
    marker = world["markers"][1]
    browser.find_element(By.CSS_SELECTOR, f"#markers-table tr[data-marker-id='{marker.id}']").click()
    browser.find_element(By.ID, "pick-button").click()
    browser.execute_script("""
        const map = document.getElementById('map');
        const r = map.getBoundingClientRect();
        map.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: r.left + 15, clientY: r.top + r.height - 15}));
    """)
    wait(browser, lambda b: b.find_element(By.ID, "pick-button").get_attribute("aria-pressed") == "false")
    picked = float(browser.find_element(By.ID, "measured-lon").get_attribute("value"))
    assert abs(picked - marker.geom.x) > 1e-5
    # the corner of the map is far from the marker: only a marker recorded as moved, with the reason, may be there
    Select(browser.find_element(By.ID, "marker-status")).select_by_value("displaced")
    browser.find_element(By.ID, "marker-remarks").send_keys("修路时被移动")
    browser.find_element(By.ID, "record-button").click()
    wait(browser, lambda b: b.find_element(By.ID, "record-result").get_attribute("data-flagged") == "true")
    with store.read() as session:
        stored = session.scalars(sa.select(MarkerInspection).where(MarkerInspection.marker_id == marker.id)).one()
        assert abs(stored.geom.x - picked) < 1e-6


def test_a_bad_position_is_refused_in_words(site, browser):
    server, store, _, world = site
    open_line(browser, server, world)
    marker = world["markers"][2]
    browser.find_element(By.CSS_SELECTOR, f"#markers-table tr[data-marker-id='{marker.id}']").click()
    browser.find_element(By.ID, "measured-lat").clear()  # a longitude without a latitude
    browser.find_element(By.ID, "record-button").click()
    message = wait(browser, EC.visibility_of_element_located((By.ID, "message")))
    assert message.text.startswith("出错了") and "lat" in message.text
    with store.read() as session:
        assert session.scalars(sa.select(MarkerInspection).where(MarkerInspection.marker_id == marker.id)).first() is None


def test_a_marker_not_inspected_is_recorded_with_its_reason(site, browser):
    server, store, _, world = site
    open_line(browser, server, world)
    marker = world["markers"][3]
    browser.find_element(By.CSS_SELECTOR, f"#markers-table tr[data-marker-id='{marker.id}']").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "record-panel")))
    Select(browser.find_element(By.ID, "marker-status")).select_by_value("not-inspected")
    browser.find_element(By.ID, "record-button").click()  # no reason given
    message = wait(browser, EC.visibility_of_element_located((By.ID, "message")))
    assert message.text.startswith("出错了") and "原因" in message.text
    browser.find_element(By.ID, "marker-remarks").send_keys("洪水冲毁便道，无法到达")
    browser.find_element(By.ID, "record-button").click()
    wait(browser, lambda b: b.find_element(By.ID, "record-result").get_attribute("data-flagged") == "false")
    with store.read() as session:
        stored = session.scalars(sa.select(MarkerInspection).where(MarkerInspection.marker_id == marker.id)).one()
        assert (stored.status, stored.remarks, stored.geom) == ("not-inspected", "洪水冲毁便道，无法到达", None)


def test_both_parties_sign_from_the_page_and_the_record_buttons_go(site, browser):
    server, store, _, world = site
    open_line(browser, server, world, line="sign_line", placed="sign_markers")
    wait(browser, EC.visibility_of_element_located((By.ID, "signoff")))
    assert browser.find_element(By.ID, "signed-a").get_attribute("data-signed") == "false"
    assert not browser.find_element(By.ID, "agreement-link").is_displayed()  # no agreement before both have signed
    marker = world["sign_markers"][0]
    browser.find_element(By.CSS_SELECTOR, f"#markers-table tr[data-marker-id='{marker.id}']").click()
    assert browser.find_element(By.ID, "record-button").is_displayed()

    browser.find_element(By.ID, "sign-a").click()  # zhao signs for party A
    wait(browser, lambda b: b.find_element(By.ID, "signed-a").get_attribute("data-signed") == "true")
    assert "zhao" in browser.find_element(By.ID, "signed-a").text
    assert not browser.find_element(By.ID, "sign-a").is_displayed() and browser.find_element(By.ID, "sign-b").is_displayed()
    browser.find_element(By.ID, "sign-b").click()  # zhao works for party A's unit, not B's: refused in words
    message = wait(browser, EC.visibility_of_element_located((By.ID, "message")))
    assert "可代表该方签认" in message.text
    assert browser.find_element(By.ID, "signoff").get_attribute("data-status") == "open"

    open_line(browser, server, world, line="sign_line", placed="sign_markers", user=("sun", "other-side-2026"))
    wait(browser, EC.visibility_of_element_located((By.ID, "sign-b")))
    browser.execute_script("document.getElementById('ended-on').value = '2026-05-20'")
    browser.find_element(By.ID, "sign-b").click()
    wait(browser, lambda b: b.find_element(By.ID, "signoff").get_attribute("data-status") == "signed")
    assert "2026-05-20" in browser.find_element(By.ID, "signoff-state").text
    assert not browser.find_element(By.ID, "sign-a").is_displayed() and not browser.find_element(By.ID, "sign-b").is_displayed()
    browser.find_element(By.CSS_SELECTOR, f"#markers-table tr[data-marker-id='{marker.id}']").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "record-panel")))
    assert not browser.find_element(By.ID, "record-button").is_displayed() and not browser.find_element(By.ID, "pick-button").is_displayed()
    wait(
        browser,
        lambda b: (
            b.find_element(By.CSS_SELECTOR, f"#lines-table tr[data-line-id='{world['sign_line']}']").get_attribute("data-state") == "ok"
        ),
    )
    with store.read() as session:
        campaign = session.get(InspectionCampaign, world["sign_campaign"])
        assert (campaign.status, campaign.signed_a_by, campaign.signed_b_by) == ("signed", "zhao", "sun")
        assert campaign.ended_on == dt.date(2026, 5, 20)
        assert session.get(BoundaryLine, world["sign_line"]).last_inspected == dt.date(2026, 5, 20)
    screenshot(browser, "boundary-signed")
    agreement = wait(browser, EC.visibility_of_element_located((By.ID, "agreement-link")))
    assert browser.find_element(By.ID, "agreement-docx-link").is_displayed()
    page = browser.execute_script("return fetch(arguments[0]).then(r => r.text())", agreement.get_attribute("href"))
    assert "联合检查协议书" in page and "QM-2026" in page and "zhao" in page and "（北京时间）" in page

    # a change after sign-off is an addendum: a campaign of its own, signed again by both parties
    wait(browser, EC.element_to_be_clickable((By.ID, "open-addendum"))).click()
    wait(browser, lambda b: b.find_element(By.ID, "signoff").get_attribute("data-status") == "open")
    assert "QM-2026-补1" in Select(browser.find_element(By.ID, "campaign")).first_selected_option.text
    assert browser.find_element(By.ID, "sign-b").is_displayed() and not browser.find_element(By.ID, "addenda-box").is_displayed()
    with store.read() as session:
        addendum = session.scalars(sa.select(InspectionCampaign).where(InspectionCampaign.addendum_of == world["sign_campaign"])).one()
        assert (addendum.code, addendum.status, addendum.created_by) == ("QM-2026-补1", "open", "sun")


def test_the_marker_register_is_linked_and_printable(site, browser):
    server, _, _, world = site
    open_line(browser, server, world)
    link = browser.find_element(By.ID, "register-link")
    assert link.is_displayed()
    page = browser.execute_script("return fetch(arguments[0]).then(r => r.text())", link.get_attribute("href"))
    assert "界桩成果表" in page and world["markers"][0].code in page


def test_campaign_list_endpoint(site):
    _, store, app, world = site
    service.add_user(store, "qian", ["boundary_officer"], actor="admin")
    token, _ = service.issue_token(store, "qian", actor="admin")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/boundary-inspections").status_code == 401
    listed = client.get(f"/api/v1/boundary-inspections?line_id={world['line']}", headers=headers).get_json()["campaigns"]
    assert [c["code"] for c in listed] == ["LJ-2026"] and listed[0]["status"] == "open"
    assert client.get(f"/api/v1/boundary-inspections?line_id={world['line'] + 999}", headers=headers).get_json() == {"campaigns": []}
    assert client.get("/api/v1/boundary-inspections?line_id=x", headers=headers).status_code == 400


def test_phone_width_has_no_horizontal_scroll(site):
    server, _, _, world = site
    phone = chromium(390, 844)
    try:
        open_line(phone, server, world)
        assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(phone, "boundary-phone")
    finally:
        close(phone)


def test_a_reorganisation_is_previewed_on_the_page(site, browser):
    """A rename whose new outline swallows its neighbours: the page lists the new overlaps, as text."""
    import json

    from shapely.geometry import box, mapping

    from boundaries.units import units_at

    server, store, _, world = site
    open_line(browser, server, world)
    subdistricts = units_at(store, dt.date(2030, 1, 1), "subdistrict")
    first = subdistricts[0]
    x0, y0, x1, y1 = first.geom.bounds
    grown = box(x0 - 0.03, y0 - 0.03, x1 + 0.03, y1 + 0.03)
    body = {
        "kind": "rename",
        "effective": "2030-01-01",
        "close": [first.code],
        "add": [
            {
                "code": first.code,
                "name": first.name + "<b>x</b>",
                "level": "subdistrict",
                "parent_code": first.parent_code,
                "geometry": mapping(grown),
            }
        ],
    }
    browser.find_element(By.ID, "reorg-title").click()
    browser.execute_script("document.getElementById('reorg-json').value = arguments[0];", json.dumps(body, ensure_ascii=False))
    browser.find_element(By.ID, "reorg-preview").click()
    wait(browser, lambda b: b.find_element(By.ID, "reorg-verdict").get_attribute("data-ok") == "false")
    new = browser.find_elements(By.CSS_SELECTOR, "#reorg-findings li[data-kind='new'][data-rule='overlap']")
    assert new and all(first.code in item.text or first.name in item.text for item in new)
    assert not browser.find_elements(By.CSS_SELECTOR, "#reorg-findings b")  # names are text, never markup
    assert [u.name for u in units_at(store, dt.date(2030, 1, 1), "subdistrict")][0] == first.name  # nothing written
