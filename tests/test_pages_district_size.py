"""The officer pages at district size (issue 17), in a real headless Chromium: more than 1,000
roads, so a road list read in one page of the map server cannot hold them all, and more
road signs than one page of the inventory shows.

1,100 small roads named 一路0001… (they sort before every other name and come first by id)
are stored before the street world of tests/numbering_world.py, so 春城路 is beyond the
first 1,000 roads by id and by name: the test checks that the old way of listing roads
(``/ogc/collections/roads/items?limit=5000``) does not reach it before picking it on the page.
"""

from __future__ import annotations

import json
import urllib.request

import numbering_world as world
import pytest
import shapely
from browser import LiveServer, chromium, close, screenshot, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from sqlalchemy import select

from gis.basemap import Road
from gis.settings import Settings
from placenames.signs.models import RoadSign

PASSWORD = "s3cret-officer"
FILLER_ROADS = 1100
FILLER_SIGNS = 120


def _fill(store) -> None:
    """The filler roads 5 km east of the street world, one short line each, and a sign on the first ones."""
    with store.transaction(actor="seed", reason="a district's worth of roads") as session:
        rows = [
            {
                "name": f"一路{k:04d}",
                "road_class": "local",
                "geom": world.line((5000 + 20 * (k % 50), 20 * (k // 50)), (5010 + 20 * (k % 50), 20 * (k // 50))),
            }
            for k in range(1, FILLER_ROADS + 1)
        ]
        store.bulk_insert(session, Road, rows)
        ids = list(session.scalars(select(Road.id).order_by(Road.id).limit(FILLER_SIGNS)))
        signs = [
            {
                "road_id": road_id,
                "text_zh": f"一路{k:04d}",
                "text_roman": f"YI LU {k:04d}",
                "sign_type": "街牌",
                "status": "in_service",
                "geom": world.to_storage(shapely.Point(world.X0 + 5000 + 20 * (k % 50), world.Y0 + 20 * (k // 50))),
            }
            for k, road_id in enumerate(ids, start=1)
        ]
        store.bulk_insert(session, RoadSign, signs)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from accounts import service
    from gis.storage import Store, migrate
    from placenames.numbering import service as numbering
    from server import create_app

    root = tmp_path_factory.mktemp("district")
    store = Store(str(root / "district.gpkg"))
    migrate.upgrade(store)
    _fill(store)
    world.seed_inventory(store)  # 春城路 and 关上路 numbered, their signs and plates stocked
    world.add_building(store, "N9", 280, 18)  # one building on 春城路 still without a number
    assert len(numbering.preview(store, ["春城路"]).rows()) == 1
    service.add_user(store, "wang", ["placename_officer"], password=PASSWORD, actor="admin")
    app = create_app(Settings(database_url=store.url, work_dir=str(root / "run")))
    with LiveServer(app) as server:
        yield server, store
    store.dispose()


@pytest.fixture(scope="module")
def browser(site):
    server, _ = site
    b = chromium()
    b.get(server.url + "/officer/numbering")
    form = wait(b, EC.visibility_of_element_located((By.ID, "signin-form")))
    form.find_element(By.ID, "signin-user").send_keys("wang")
    form.find_element(By.ID, "signin-password").send_keys(PASSWORD)
    form.find_element(By.ID, "signin-button").click()
    wait(b, EC.visibility_of_element_located((By.ID, "signed-in")))
    yield b
    close(b)


def test_the_old_road_list_cannot_reach_the_road(site):
    server, store = site
    with store.read() as session:
        chuncheng = session.scalar(select(Road.id).where(Road.name == "春城路"))
        names = list(session.scalars(select(Road.name).order_by(Road.name)))
    assert chuncheng > 1000 and names.index("春城路") >= 1000 and len(names) == FILLER_ROADS + 2
    with urllib.request.urlopen(f"{server.url}/ogc/collections/roads/items?f=json&limit=5000", timeout=30) as answer:
        listed = json.load(answer)
    assert len(listed["features"]) <= 1000 and "春城路" not in {f["properties"]["name"] for f in listed["features"]}


def _labels(browser, css: str) -> list[str]:
    return sorted(e.text for e in browser.find_elements(By.CSS_SELECTOR, css))


def test_numbering_picks_a_road_beyond_the_first_thousand_and_draws_its_numbers(site, browser):
    server, store = site
    from placenames.models import DoorPlate

    with store.read() as session:
        existing = sorted(session.scalars(select(DoorPlate.number_text).join(Road).where(Road.name == "春城路")))
    browser.get(server.url + "/officer/numbering")
    road = wait(browser, EC.visibility_of_element_located((By.ID, "road")))
    road.send_keys("春城")
    wait(browser, lambda b: b.execute_script("return [...document.querySelectorAll('#road-names option')].map(o => o.value)") == ["春城路"])
    road.send_keys("路")
    browser.find_element(By.ID, "preview-button").click()
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, ".number-label")) == 1)
    assert _labels(browser, ".existing-label") == existing and len(existing) == 6
    assert f"已有门牌 {len(existing)}" in browser.find_element(By.ID, "road-info").text
    assert "1 个新门牌" in browser.find_element(By.ID, "preview-summary").text
    assert browser.execute_script("return document.querySelectorAll('#map path[stroke=\"#c0392b\"]').length") == 1  # the road
    screenshot(browser, "officer_numbering_district")

    # A failed preview: said beside the button, and nothing of 春城路 stays on the map or in the table.
    road.clear()
    road.send_keys("无此路")
    browser.find_element(By.ID, "preview-button").click()
    error = wait(browser, EC.visibility_of_element_located((By.ID, "preview-error")))
    wait(browser, lambda b: "无此路" in error.text)
    assert not browser.find_elements(By.CSS_SELECTOR, ".number-label") and not browser.find_elements(By.CSS_SELECTOR, ".existing-label")
    assert browser.execute_script("return document.querySelectorAll('#map path[stroke=\"#c0392b\"]').length") == 0
    assert browser.find_element(By.ID, "preview-summary").text == "" and browser.find_element(By.ID, "road-info").text == ""
    assert not browser.find_elements(By.CSS_SELECTOR, "#numbers tbody tr td:not(.empty)")
    assert not browser.find_element(By.ID, "commit-form").is_displayed()

    # A filler road has no current standard name: the road loads, its preview is refused (409),
    # and then neither it nor 春城路 keeps anything on the map.
    road.clear()
    road.send_keys("春城路")
    browser.find_element(By.ID, "preview-button").click()
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, ".existing-label")) == 6)
    road.clear()
    road.send_keys("一路1100")
    browser.find_element(By.ID, "preview-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "preview-error"), "预览未成功"))
    assert not browser.find_elements(By.CSS_SELECTOR, ".existing-label, .number-label")
    assert browser.execute_script("return document.querySelectorAll('#map path[stroke=\"#c0392b\"]').length") == 0
    assert browser.find_element(By.ID, "road-info").text == ""

    # Commit the one new number on 春城路 and print its 门牌证 from the row's link.
    road.clear()
    road.send_keys("春城路")
    browser.find_element(By.ID, "preview-button").click()
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, ".number-label")) == 1)
    assert browser.find_element(By.CSS_SELECTOR, "#numbers tbody tr td:last-child").text == "—"  # nothing to print before committing
    browser.find_element(By.ID, "commit-reason").send_keys("新建建筑编号")
    browser.find_element(By.ID, "commit-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "preview-summary"), "已写入 1 个门牌"))
    link = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#numbers a.certificate-link")))
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, ".existing-label")) == len(existing) + 1)
    with store.read() as session:
        plate = session.scalars(select(DoorPlate).join(Road).where(Road.name == "春城路", DoorPlate.number_text.not_in(existing))).one()
        new_number = plate.number_text
    assert link.text == "门牌证" and link.get_attribute("href").endswith(f"/officer/addresses/{plate.id}/certificate?kind=plate&lang=zh")
    new_number_cell = browser.find_element(By.CSS_SELECTOR, "#numbers tbody tr td:first-child").text
    assert new_number_cell == new_number
    browser.get(link.get_attribute("href"))  # the officer's session opens the printable page
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "门牌证" in page and "-MP-" in page and "道路（街路巷） 春城路" in page and f"门牌号 {new_number}" in page
    screenshot(browser, "officer_numbering_certificate")


def test_signs_page_shows_page_one_then_pages_and_filters(site, browser):
    server, store = site
    total = FILLER_SIGNS + 2 + 7  # filler signs, the world's two signs and seven plates
    browser.get(server.url + "/officer/signs")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), f"第 1–50 条，共 {total} 条"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#items tbody tr")) == 50
    assert "在用" in browser.find_element(By.ID, "items").text and "in_service" not in browser.find_element(By.ID, "items").text
    first = browser.find_element(By.CSS_SELECTOR, "#items tbody tr").text
    assert browser.find_element(By.ID, "page-prev").get_attribute("disabled")
    browser.find_element(By.ID, "page-next").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), f"第 51–100 条，共 {total} 条"))
    assert browser.find_element(By.CSS_SELECTOR, "#items tbody tr").text != first
    browser.find_element(By.ID, "page-next").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), f"第 101–{total} 条，共 {total} 条"))
    assert browser.find_element(By.ID, "page-next").get_attribute("disabled")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "report-counts"), f"符合条件 {total} 件"))

    browser.find_element(By.ID, "filter-road").send_keys("春城路")
    browser.find_element(By.ID, "filter-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), "第 1–7 条，共 7 条"))  # its sign and six plates
    assert {td.text for td in browser.find_elements(By.CSS_SELECTOR, "#items tbody td:nth-child(2)")} == {"春城路"}
    wait(browser, EC.text_to_be_present_in_element((By.ID, "report-counts"), "符合条件 7 件"))
    browser.find_element(By.ID, "filter-road").clear()
    browser.find_element(By.CSS_SELECTOR, "#filter-subdistrict option[value='关上街道']").click()
    browser.find_element(By.ID, "filter-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "page-info"), "共 9 条"))  # the filler roads lie outside
    browser.find_element(By.CSS_SELECTOR, "#filter-status option[value='damaged']").click()
    browser.find_element(By.ID, "filter-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "items"), "没有符合条件的标志或门牌"))
    screenshot(browser, "officer_signs_district")
