"""The public look-up page in a real headless Chromium, on the demo district."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from browser import chromium, close, demo_store, live_app, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from placenames.models import DoorPlate


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    store = demo_store(root)
    with live_app(store, root) as server:
        yield server, store
    store.dispose()


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
    wait(browser, lambda b: b.execute_script("return document.querySelectorAll('#map path.leaflet-interactive').length") > 0)
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


def test_phone_width_has_no_horizontal_scroll(site):
    server, _ = site
    phone = chromium(390, 844)
    try:
        phone.get(server.url + "/")
        assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        assert phone.find_element(By.ID, "q").is_displayed() and phone.find_element(By.ID, "map").is_displayed()
    finally:
        close(phone)
