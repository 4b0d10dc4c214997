"""The public look-up page in a real headless Chromium, on the demo district."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from browser import chromium, close, demo_store, live_app, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from gis.basemap import Road
from placenames.models import DoorPlate


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    store = demo_store(root)
    with live_app(store, root) as server:
        yield server, store
    store.dispose()


def label_of(browser, item) -> str:
    """A listed answer's label: the item's own text, before its spelling, note and path."""
    return browser.execute_script("return arguments[0].firstChild.textContent", item)


def test_autocomplete_then_result_on_the_map(site, browser):
    server, _ = site
    browser.get(server.url + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("子君")
    wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#suggestions li")))
    labels = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#suggestions li")]
    assert any("子君路" in label for label in labels)
    for _ in range(next(i for i, label in enumerate(labels) if "子君路" in label) + 1):
        box.send_keys(Keys.ARROW_DOWN)  # keyboard only, as a screen-reader user would
    box.send_keys(Keys.ENTER)
    wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#results li")))
    assert "子君路" in browser.find_element(By.CSS_SELECTOR, "#results li").text
    assert browser.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon")


def test_address_search_shows_admin_path(site, browser):
    server, store = site
    with store.read() as session:
        address = session.scalars(sa.select(DoorPlate.address).order_by(DoorPlate.id).limit(1)).one()
    browser.get(server.url + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys(address, Keys.ENTER)
    first = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#results li")))
    assert address.replace("官渡区", "") in first.text.replace("官渡区", "")
    assert "›" in first.find_element(By.CSS_SELECTOR, ".path").text


def test_map_click_gives_nearest_address_and_community(site, browser):
    server, _ = site
    browser.get(server.url + "/")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#map canvas.street-tile[data-drawn]"))  # the street map is drawn
    browser.execute_script("""
        const map = document.getElementById('map');
        const r = map.getBoundingClientRect();
        map.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2}));
    """)
    wait(browser, EC.visibility_of_element_located((By.ID, "reverse")))
    assert browser.find_element(By.ID, "reverse-community").text not in ("", "—")


def test_errors_are_shown_in_words(site, browser):
    server, _ = site
    browser.get(server.url + "/")
    browser.execute_script("window.dimingCommon.getJSON('/api/v1/reverse?lon=abc&lat=1').catch(() => {})")
    message = wait(browser, EC.visibility_of_element_located((By.ID, "message")))
    assert "lon" in message.text and message.text.startswith("出错了")


def test_english_and_offline_assets(site, browser):
    server, _ = site
    browser.get(server.url + "/?lang=en")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").text.startswith("Name or address")
    sources = browser.execute_script("return [...document.querySelectorAll('script[src], link[href], img[src]')].map(e => e.src || e.href)")
    assert sources and all(s.startswith(server.url) for s in sources)
    # The default profile has no 审图号 yet: the public map says it has not been reviewed.
    assert browser.find_element(By.CSS_SELECTOR, "#map .map-approval").text.startswith("This map has not been through map review")


def test_phone_width_has_no_horizontal_scroll(site):
    server, store = site
    with store.read() as session:
        address = session.scalars(sa.select(DoorPlate.address).order_by(sa.func.length(DoorPlate.address).desc()).limit(1)).one()
    phone = chromium(390, 844)
    try:
        for lang in ("zh", "en"):  # the English header and texts are the longer
            phone.get(server.url + f"/?lang={lang}")
            assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
            assert phone.find_element(By.ID, "q").is_displayed() and phone.find_element(By.ID, "map").is_displayed()
            phone.find_element(By.ID, "q").send_keys(address + "附1号" * 3, Keys.ENTER)  # a long answer, and a long query echoed
            wait(phone, EC.visibility_of_element_located((By.ID, "results-status")))
            assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        close(phone)


def test_an_english_browser_gets_english(site):
    server, _ = site
    english = chromium(language="en-GB")
    try:
        english.get(server.url + "/")  # no lang= and no cookie: the browser's language
        assert english.find_element(By.CSS_SELECTOR, "label[for=q]").text.startswith("Name or address")
        assert english.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"
    finally:
        close(english)


def search_for(browser, server, text):
    browser.get(server.url + "/")
    browser.find_element(By.ID, "q").send_keys(text, Keys.ENTER)
    return wait(browser, EC.visibility_of_element_located((By.ID, "results-status")))


def test_a_name_begun_and_entered_is_found(site, browser):
    """双桥 + Enter, without picking the suggestion, finds the community: its short name is read as the
    community (the query forms); a name only begun (双桥社区居) is found too, and the page says how."""
    server, _ = site
    status = search_for(browser, server, "双桥")
    assert "找到" in status.text
    assert "双桥社区" in browser.find_element(By.CSS_SELECTOR, "#results li").text
    status = search_for(browser, server, "双桥社区居")
    assert "双桥社区" in browser.find_element(By.CSS_SELECTOR, "#results li").text


def test_a_name_begun_comes_before_the_road_one_slip_away(site, browser):
    """A school's name typed to its third character (春城中 for 春城中学 beside 春城路): the school
    first, then the road, and the page says the names begin with the query or are close to it."""
    server, store = site
    from placenames import register
    from placenames.models import PlaceName

    with store.read() as session:
        roads = session.scalars(
            sa.select(Road.name).where(Road.name.like("__路"), Road.id.in_(sa.select(DoorPlate.road_id))).order_by(Road.id)
        ).all()
        taken = sa.text(
            "SELECT (SELECT count(*) FROM place_names WHERE name LIKE :s AND name != :road)"
            " + (SELECT count(*) FROM admin_units WHERE name LIKE :s)"
        )
        road = next(r for r in roads if not session.scalar(taken, {"s": r[:2] + "%", "road": r}))  # no other name begins so
    school = road[:2] + "中学"
    with store.transaction(actor="test", reason="一所中学") as session:
        point = session.scalar(sa.select(DoorPlate.geom).join(Road, Road.id == DoorPlate.road_id).where(Road.name == road).limit(1))
        session.add(PlaceName(**register.spelling(school, "27300"), status="current", admin_code="530111001", geom=point))
    status = search_for(browser, server, school[:3])
    wait(browser, lambda b: "以它开头或与它相近" in b.find_element(By.ID, "results-status").text)
    labels = [label_of(browser, item) for item in browser.find_elements(By.CSS_SELECTOR, "#results li")]
    assert school in labels[0] and any(road in label for label in labels[1:]), (status.text, labels)


def test_a_typo_says_did_you_mean(site, browser):
    server, _ = site
    status = search_for(browser, server, "子均路")  # one character slipped: found, and said so
    assert "您要找的是不是“子君路”" in status.text
    assert "子君路" in browser.find_element(By.CSS_SELECTOR, "#results li").text


def test_no_result_offers_suggestions_and_clears_the_old_answer(site, browser):
    server, _ = site
    search_for(browser, server, "子君路")
    assert browser.find_elements(By.CSS_SELECTOR, "#results li")
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys("子均", Keys.ENTER)  # nothing begins so: a slip of 子君
    wait(browser, EC.text_to_be_present_in_element((By.ID, "results-status"), "没有找到“子均”"))
    assert browser.find_elements(By.CSS_SELECTOR, "#results li") == []  # the previous results are gone
    offered = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#did-you-mean button")))
    assert "子君" in offered.text and "您要找的是不是" in browser.find_element(By.ID, "did-you-mean").text
    offered.click()
    wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#results li")))
    assert browser.find_element(By.ID, "q").get_attribute("value").startswith("子君")
    assert browser.find_element(By.ID, "did-you-mean").is_displayed() is False


def test_unregistered_number_is_said_plainly_with_its_neighbours(site, browser):
    server, store = site
    with store.read() as session:
        road, highest = session.execute(
            sa.select(Road.name, sa.func.max(DoorPlate.number))
            .join(DoorPlate, DoorPlate.road_id == Road.id)
            .group_by(Road.name)
            .order_by(Road.name)
            .limit(1)
        ).one()
    status = search_for(browser, server, f"{road}{highest + 2}号")
    assert status.text.startswith(f"{road}{highest + 2}号未登记") and "最近的已登记门牌" in status.text
    first = browser.find_element(By.CSS_SELECTOR, "#results li").text
    assert road in first and f"{highest + 2}号" not in first  # a registered neighbour, not the number asked for


@pytest.mark.parametrize("key", [Keys.ENTER, Keys.SPACE])
def test_the_highlighted_suggestion_is_what_enter_and_space_pick(site, browser, key):
    server, _ = site
    browser.get(server.url + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("子君")
    wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#suggestions li")))
    box.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    highlighted = label_of(browser, browser.find_element(By.CSS_SELECTOR, "#suggestions li[aria-selected=true]"))
    box.send_keys(key)
    wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#results li")))
    assert box.get_attribute("value") == highlighted
    assert browser.find_element(By.CSS_SELECTOR, "#results li").text.startswith(highlighted)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#results li")) == 1


def test_results_are_a_live_region_and_space_picks_a_result(site, browser):
    server, _ = site
    search_for(browser, server, "双桥")
    area = browser.find_element(By.ID, "results-area")
    assert area.get_attribute("aria-live") == "polite"
    assert browser.find_element(By.ID, "results") in area.find_elements(By.TAG_NAME, "ol")
    items = browser.find_elements(By.CSS_SELECTOR, "#results li")
    browser.execute_script("window.__map_moves = 0; document.querySelector('.leaflet-marker-icon').remove();")
    items[-1].send_keys(Keys.SPACE)
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content"))
    assert browser.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").text == label_of(browser, items[-1])


def test_keyboard_map_lookup_and_chinese_zoom_titles(site, browser):
    server, _ = site
    browser.get(server.url + "/")
    assert browser.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-in").get_attribute("title") == "放大"
    assert browser.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-out").get_attribute("aria-label") == "缩小"
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#map canvas.street-tile[data-drawn]"))  # the street map is drawn
    the_map = browser.find_element(By.ID, "map")
    assert "回车" in the_map.get_attribute("aria-label")
    browser.execute_script("arguments[0].focus()", the_map)
    the_map.send_keys(Keys.ENTER)
    wait(browser, EC.visibility_of_element_located((By.ID, "reverse")))
    assert browser.find_element(By.ID, "reverse-community").text not in ("", "—")
    browser.get(server.url + "/?lang=en")
    assert browser.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"


def test_search_errors_are_shown_beside_the_box(site, browser):
    server, _ = site
    browser.get(server.url + "/")
    browser.find_element(By.ID, "q").send_keys("子" * 101, Keys.ENTER)  # too long: a 400 in words
    error = wait(browser, EC.visibility_of_element_located((By.ID, "search-error")))
    assert error.text.startswith("出错了") and "100" in error.text
    assert error.find_element(By.XPATH, "..").get_attribute("id") == "search-form"
    assert browser.find_element(By.ID, "message").is_displayed() is False


def test_a_kind_of_place_alone_lists_the_nearest_to_the_map_first(site, browser):
    """`公园` on the page: the park nearest the map's centre first (the page sends the centre
    as the focus), not the first registered."""
    server, store = site
    from shapely.geometry import Point

    from placenames import register
    from placenames.models import PlaceName

    parks = {"东头公园": Point(102.80, 25.05), "西头公园": Point(102.70, 24.98)}  # 西头 registered last
    with store.transaction(actor="test", reason="两个公园") as session:
        for name, point in parks.items():
            session.add(PlaceName(**register.spelling(name, "25100"), status="current", admin_code="530111001", geom=point))
    browser.get(server.url + "/")
    box = browser.find_element(By.ID, "q")
    for here in reversed(parks):
        box.clear()
        box.send_keys(here, Keys.ENTER)  # the map goes to that park
        wait(browser, lambda b, here=here: here in b.find_element(By.CSS_SELECTOR, "#results li").text)
        box.clear()
        box.send_keys("公园", Keys.ENTER)
        wait(browser, lambda b: "以下是登记的公园" in b.find_element(By.ID, "results-status").text)
        names = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#results li")]
        assert here in names[0] and any(other in text for other in parks if other != here for text in names[1:])
    box.clear()  # asked near one of them, from wherever the map looks: that one first
    box.send_keys("西头公园附近的公园", Keys.ENTER)  # the map is at 东头公园
    wait(browser, lambda b: "离西头公园最近的在前" in b.find_element(By.ID, "results-status").text)
    assert "西头公园" in browser.find_element(By.CSS_SELECTOR, "#results li").text


def test_a_search_is_in_the_address_and_back_goes_to_the_one_before(site, browser):
    """A search can be shared (`/?q=…` opens with it done), each search made is in the address,
    Back and Forward go through them, and the language switch keeps the search."""
    from urllib.parse import parse_qs, quote, urlsplit

    server, _ = site

    def first_result(text):
        wait(
            browser,
            lambda b: b.find_elements(By.CSS_SELECTOR, "#results li") and text in b.find_element(By.CSS_SELECTOR, "#results li").text,
        )

    def query_in_address():
        return parse_qs(urlsplit(browser.current_url).query).get("q")

    browser.get(server.url + "/?q=" + quote("双桥"))  # a shared link
    first_result("双桥社区")
    box = browser.find_element(By.ID, "q")
    assert box.get_attribute("value") == "双桥"
    box.clear()
    box.send_keys("子君路", Keys.ENTER)
    first_result("子君路")
    assert query_in_address() == ["子君路"]
    switch = browser.find_element(By.CSS_SELECTOR, ".lang-switch").get_attribute("href")
    assert parse_qs(urlsplit(switch).query) == {"q": ["子君路"], "lang": ["en"]}
    browser.back()
    first_result("双桥社区")
    assert browser.find_element(By.ID, "q").get_attribute("value") == "双桥" and query_in_address() == ["双桥"]
    browser.forward()
    first_result("子君路")
    assert browser.find_element(By.ID, "q").get_attribute("value") == "子君路"
    browser.get(switch)  # the other language, the same search
    first_result("子君路")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").text.startswith("Name or address")


def test_the_english_page_spells_answers_beside_the_chinese(site, browser):
    """A door plate found, and the nearest address of a map click, show their spelling (number
    first, the street as the register spells it) beside the Chinese."""
    server, store = site
    from placenames.models import PlaceName

    with store.read() as session:
        road, number, spelling = session.execute(
            sa.select(Road.name, DoorPlate.number_text, PlaceName.romanization)
            .join(DoorPlate, DoorPlate.road_id == Road.id)
            .join(PlaceName, (PlaceName.name == Road.name) & (PlaceName.category_code == "23510") & (PlaceName.status == "current"))
            .where(DoorPlate.status == "current", DoorPlate.kind == "main")
            .order_by(DoorPlate.id)
            .limit(1)
        ).one()
    browser.get(server.url + "/?lang=en")
    browser.find_element(By.ID, "q").send_keys(f"{road}{number}号", Keys.ENTER)
    first = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#results li")))
    assert first.find_element(By.CSS_SELECTOR, ".roman").text == f"No. {number} {spelling}"
    the_map = browser.find_element(By.ID, "map")
    browser.execute_script("arguments[0].focus()", the_map)
    the_map.send_keys(Keys.ENTER)  # the map is centred on the plate found: its nearest address is that plate
    wait(browser, EC.visibility_of_element_located((By.ID, "reverse")))
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#reverse-address .roman"))
    assert browser.find_element(By.CSS_SELECTOR, "#reverse-address .roman").text == f"No. {number} {spelling}"


def test_a_retired_number_is_said_once_with_its_day_and_reason(site, browser):
    """An old certificate's address whose plate was retired: the page says when and why, once,
    above the nearest registered numbers."""
    server, store = site
    from placenames.numbering import lifecycle

    with store.read() as session:  # the last plate: the other tests read the first ones
        plate_id = session.scalar(sa.select(sa.func.max(DoorPlate.id)).where(DoorPlate.status == "current", DoorPlate.kind == "main"))
    [gone] = lifecycle.retire(store, plate_ids=[plate_id], actor="wang", reason="拆除")
    status = search_for(browser, server, gone["address"])
    wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#results li")))
    assert status.text.startswith(f"{gone['address']}已于") and status.text.endswith("注销（拆除）。最近的已登记门牌：")
    items = browser.find_elements(By.CSS_SELECTOR, "#results li")
    assert items and not browser.find_elements(By.CSS_SELECTOR, "#results li .note")  # said once, above
    assert all(gone["address"] not in label_of(browser, item) for item in items)


def test_a_map_lookup_names_the_registered_places_around_it(site, browser):
    """Enter on the map centred on a plate found: the panel lists a registered building 30 m off."""
    server, store = site
    from shapely.geometry import Point

    from placenames import register
    from placenames.models import PlaceName

    with store.read() as session:
        address, at = session.execute(
            sa.select(DoorPlate.address, DoorPlate.geom)
            .where(DoorPlate.status == "current", DoorPlate.kind == "main")
            .order_by(DoorPlate.id.desc())
            .limit(1)
        ).one()
    with store.transaction(actor="test", reason="一座大厦") as session:
        session.add(
            PlaceName(**register.spelling("星光大厦", "26100"), status="current", admin_code="530111001", geom=Point(at.x + 0.0003, at.y))
        )
    browser.get(server.url + "/")
    browser.find_element(By.ID, "q").send_keys(address, Keys.ENTER)
    wait(browser, lambda b: address in b.find_element(By.CSS_SELECTOR, "#results li").text)
    the_map = browser.find_element(By.ID, "map")
    browser.execute_script("arguments[0].focus()", the_map)
    the_map.send_keys(Keys.ENTER)
    wait(browser, lambda b: "星光大厦" in b.find_element(By.ID, "reverse-places").text)
    text = browser.find_element(By.ID, "reverse-places").text
    metres = int(text.split("星光大厦（")[1].split(" 米")[0])
    assert 25 <= metres <= 35, text  # 0.0003° of longitude at 25° N: about 30 m


def test_pages_log_no_error_not_even_a_missing_icon(site, browser):
    """The public page and the notice board load without one error in the console: every file
    they ask for is there, the site icon included (linked by the pages; at /favicon.ico for the
    pages that link none, such as the OGC pages and printed documents)."""
    server, _ = site
    browser.get_log("browser")  # this test's messages only
    for path in ("/", "/notices"):
        browser.get(server.url + path)
        wait(browser, lambda b: b.execute_script("return document.readyState") == "complete")
        wait(browser, lambda b: b.execute_script("return performance.getEntriesByType('resource').length") > 0)
    icon = browser.execute_script("return fetch('/favicon.ico').then(r => [r.status, r.headers.get('content-type')])")
    assert icon == [200, "image/svg+xml; charset=utf-8"] or icon == [200, "image/svg+xml"], icon
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
