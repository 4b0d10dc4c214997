"""The OGC item pages' base map is read by bounding box, in a real headless Chromium, on both backends.

With a page size of 20 and more roads than that, the first view (the subdistrict's polygon) cannot
show every road: a note on the map says so, and the roads drawn are a page of those in view. Zoomed
in, the map asks again for the new view, and then draws exactly the roads the database holds there.
An items page with no features starts on the collection's extent.
"""

from __future__ import annotations

import os

import browser as live
import pytest
import sqlalchemy as sa
from browser import LiveServer, free_port, wait
from conftest import BACKENDS, make_store
from ogc_seed import seed
from selenium.webdriver.common.by import By
from shapely import LineString, MultiLineString, box

from gis.basemap import Road
from gis.settings import Settings

PORT = free_port()
PAGE_SIZE = 20
GRID = [(102.705 + 0.01 * i, 24.985 + 0.005 * j) for i in range(7) for j in range(8)]  # 56 short roads inside 关上街道


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    from server import create_app

    root = tmp_path_factory.mktemp(f"ogc-map-{request.param}")
    store = make_store(request, request.param, root)
    seed(store)
    with store.transaction(actor="test", reason="fixture") as session:
        session.add_all(
            Road(name=f"网格路{n}", road_class="branch", geom=MultiLineString([LineString([(x, y), (x + 0.004, y)])]))
            for n, (x, y) in enumerate(GRID)
        )
    with pytest.MonkeyPatch.context() as patch:  # one port for both backends, as in test_pages_xss
        patch.setattr(live, "free_port", lambda: PORT)
        server = LiveServer(None)
    server.server.app = create_app(
        Settings(database_url=store.url, public_url=server.url, work_dir=os.path.join(str(root), "run"), max_items=PAGE_SIZE)
    )
    with server:
        yield server, store


def roads_in(store, bbox: str) -> int:
    """The direct count: roads whose geometry meets the box."""
    area = box(*(float(v) for v in bbox.split(",")))
    with store.read() as session:
        return sum(1 for geom in session.scalars(sa.select(Road.geom)) if geom.intersects(area))


def base_map_loaded(browser, element_id: str, after: str | None = None) -> str:
    """Wait for a base map answer for a view other than ``after``; return its bbox."""
    return wait(
        browser,
        lambda b: (bbox := b.find_element(By.ID, element_id).get_attribute("data-bbox")) and bbox != after and bbox,
    )


def settled(browser, element_id: str, after: str) -> str:
    """The bbox of the base map once the view has moved from ``after`` and stayed put for a second."""
    seen: list[str] = []

    def still(b):
        bbox = b.find_element(By.ID, element_id).get_attribute("data-bbox")
        seen.append(bbox)
        return bbox != after and seen[-4:] == [bbox] * 4 and bbox

    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 20, poll_frequency=0.25).until(still, message=f"base map views: {seen[-3:]}")


def road_requests(browser) -> list[str]:
    return browser.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/collections/roads/items'))"
    )


def test_base_map_follows_the_view_and_says_when_it_is_cut(site, browser):
    server, store = site
    browser.get(server.url + "/ogc/collections/subdistricts/items?f=html&lang=zh")  # Chromium asks for English
    first = base_map_loaded(browser, "items-map")
    in_view = roads_in(store, first)
    assert in_view > PAGE_SIZE
    element = browser.find_element(By.ID, "items-map")
    assert element.get_attribute("data-roads") == str(PAGE_SIZE)
    note = browser.find_element(By.CSS_SELECTOR, "#items-map .diming-map-note")
    live.screenshot(browser, "ogc-items-base-map-cut")
    assert note.is_displayed() and f"道路 {in_view} 条中的 {PAGE_SIZE} 条" in note.text
    zoomed = first
    for _ in range(5):  # one level at a time: a click during the zoom animation is lost
        browser.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-in").click()
        zoomed = settled(browser, "items-map", zoomed)
        if roads_in(store, zoomed) < PAGE_SIZE:
            break
    expected = roads_in(store, zoomed)
    assert 0 < expected < in_view
    assert element.get_attribute("data-roads") == str(expected)
    assert not note.is_displayed()
    live.screenshot(browser, "ogc-items-base-map-zoomed")
    requests = road_requests(browser)
    assert requests and all("bbox=" in url and f"limit={PAGE_SIZE}" in url for url in requests)
    assert any(zoomed in url for url in requests)


def test_english_note_and_first_view_of_an_empty_page(site, browser):
    server, store = site
    browser.get(server.url + "/ogc/collections/subdistricts/items?f=html&lang=en")
    base_map_loaded(browser, "items-map")
    assert "The base map shows 20 of" in browser.find_element(By.CSS_SELECTOR, "#items-map .diming-map-note").text
    browser.get(server.url + "/ogc/collections/roads/items?f=html&bbox=0,0,0.1,0.1")  # no feature on the page
    west, south, east, north = (float(v) for v in base_map_loaded(browser, "items-map").split(","))
    extent_centre = ((102.705 + 102.775) / 2, (24.985 + 25.08) / 2)  # the grid and the seeded roads
    assert west < extent_centre[0] < east and south < extent_centre[1] < north
    assert east - west < 1  # the roads' extent, not the world


def test_a_collections_page_maps_its_extent(site, browser):
    """The collection's own page has a map too: the street map and base map of its extent, the
    extent outlined, its 审图号 line, in the page's language."""
    server, _ = site
    for lang, label in (("zh", "数据集范围图"), ("en", "Map of the collection’s extent")):
        browser.get(server.url + f"/ogc/collections/roads?f=html&lang={lang}")
        west, south, east, north = (float(v) for v in base_map_loaded(browser, "collection-map").split(","))
        assert west < 102.74 < east and south < 25.03 < north and east - west < 1  # the roads' extent, not the world
        element = browser.find_element(By.ID, "collection-map")
        assert element.get_attribute("aria-label") == label
        assert len(browser.find_elements(By.CSS_SELECTOR, "#collection-map path.diming-extent")) == 1  # the extent, outlined
        assert browser.find_element(By.CSS_SELECTOR, "#collection-map .map-approval").text
