"""The compounds panel of the numbering page in a real headless Chromium: the registered
compound with its number and 楼栋号 counts, and the full address of a building, unit and
room (3栋 read as 3幢); an unknown 楼栋号 is said beside the button."""

from __future__ import annotations

import numbering_world as world
import pytest
from browser import LiveServer, chromium, close, screenshot, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from gis.settings import Settings

PASSWORD = "s3cret-officer"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import test_numbering_compounds as compound_world

    from accounts import service
    from gis.storage import Store, migrate
    from server import create_app

    root = tmp_path_factory.mktemp("compounds")
    store = Store(str(root / "compounds.gpkg"))
    migrate.upgrade(store)
    world.seed(store)
    for code, (x, y) in compound_world.INSIDE.items():
        world.add_building(store, code, x, y)
    compound_world.register(store)
    service.add_user(store, "wang", ["placename_officer"], password=PASSWORD, actor="admin")
    app = create_app(Settings(database_url=store.url, work_dir=str(root / "run")))
    with LiveServer(app) as server:
        yield server, store
    store.dispose()


def test_compound_listed_and_its_full_address(site):
    server, _ = site
    browser = chromium()
    try:
        browser.get(server.url + "/officer/numbering")
        form = wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))
        form.find_element(By.ID, "signin-user").send_keys("wang")
        form.find_element(By.ID, "signin-password").send_keys(PASSWORD)
        form.find_element(By.ID, "signin-button").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "compounds"), "春城花园"))
        row = browser.find_element(By.CSS_SELECTOR, "#compounds tbody tr").text
        assert "官渡区关上街道春城路62号" in row and "5/5" in row
        browser.find_element(By.ID, "compound-building").send_keys("3栋")
        browser.find_element(By.ID, "compound-unit").send_keys("2")
        browser.find_element(By.ID, "compound-room").send_keys("501")
        browser.find_element(By.ID, "compound-address-button").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "compound-address"), "春城路62号3幢2单元501室"))
        assert browser.find_element(By.ID, "compound-address").text.startswith("云南省昆明市官渡区")
        screenshot(browser, "officer_compounds")
        building = browser.find_element(By.ID, "compound-building")
        building.clear()
        building.send_keys("9")
        browser.find_element(By.ID, "compound-address-button").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "compound-error"), "9幢"))
        assert browser.find_element(By.ID, "compound-address").text == ""
    finally:
        close(browser)
