"""The street map in a real headless Chromium that can reach nothing but the server: the public
page draws roads and their Chinese names from the district's own vector tiles, with the 审图号
of the profile, and no request leaves 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from browser import LiveServer, chromium, close, demo_store, requested_urls, screenshot, wait
from selenium.webdriver.common.by import By

from data.demo_landmarks import add_landmarks
from gis.basemap import Road
from gis.profile import DEFAULT_PROFILE

APPROVAL = "昆S（2026）001号"

# What a drawn tile canvas holds: how many of its pixels are painted, and how many have the
# colour of a road's casing (#b9ab98, give or take antialiasing).
PIXELS = """
const out = {tiles: 0, painted: 0, casing: 0, labels: []};
document.querySelectorAll('#map canvas.street-tile[data-drawn]').forEach((c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  out.tiles++;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0) out.painted++;
    const near = (k, v) => Math.abs(data[i + k] - v) < 12;
    if (near(0, 185) && near(1, 171) && near(2, 152) && data[i + 3] > 200) out.casing++;
  }
  if (c.dataset.labels) out.labels.push(...c.dataset.labels.split('|'));
});
return out;
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("streetmap")
    store = demo_store(root, steps=(add_landmarks,))
    profile = root / "profile.yaml"
    text = Path(DEFAULT_PROFILE).read_text(encoding="utf-8")
    divisions = (Path(DEFAULT_PROFILE).parent / "../reference/guandu_divisions_2023.csv").resolve()
    text = text.replace("divisions_file: ../reference/guandu_divisions_2023.csv", f"divisions_file: {divisions}")
    profile.write_text(text + f"map_approval_number: {APPROVAL}\n", encoding="utf-8")
    from gis.settings import Settings
    from server import create_app

    app = create_app(Settings(database_url=store.url, work_dir=os.path.join(str(root), "run"), profile=str(profile)))
    with LiveServer(app) as server:
        yield server, store
    store.dispose()


@pytest.fixture(scope="module")
def offline():
    browser = chromium(offline=True)
    yield browser
    close(browser)


def _whole(drawn) -> bool:
    """Four tiles or more drawn, with road casing, a fair share of painted pixels and labels."""
    return drawn["tiles"] >= 4 and drawn["casing"] > 200 and drawn["painted"] > drawn["tiles"] * 256 * 256 * 0.02 and bool(drawn["labels"])


def test_the_public_map_draws_roads_and_labels_offline(site, offline):
    server, store = site
    with store.read() as session:
        road = session.execute(
            sa.select(Road.name, Road.geom).where(Road.road_class == "arterial").order_by(sa.func.length(Road.name), Road.id).limit(1)
        ).one()
    middle = road.geom.interpolate(0.5, normalized=True)
    offline.get(server.url + "/")
    assert offline.find_element(By.CSS_SELECTOR, "#map .map-approval").text == f"审图号：{APPROVAL}"
    offline.execute_script("window.dimingCommon.maps[0].setView([arguments[0], arguments[1]], 16, {animate: false})", middle.y, middle.x)
    wait(offline, lambda b: _whole(b.execute_script(PIXELS)), timeout=30)  # tiles draw one by one
    drawn = offline.execute_script(PIXELS)
    screenshot(offline, "streetmap-public")
    assert drawn["casing"] > 200, drawn  # roads are drawn
    assert drawn["painted"] > drawn["tiles"] * 256 * 256 * 0.02, drawn
    assert road.name in drawn["labels"], drawn["labels"]  # the road's Chinese name is written on it
    urls = requested_urls(offline)
    assert any("/api/v1/tiles/WebMercatorQuad/16/" in u for u in urls)
    assert urls and all(u.startswith(server.url + "/") for u in urls), [u for u in urls if not u.startswith(server.url)]


def test_the_offline_browser_cannot_reach_elsewhere(offline):
    """The test above means something: a page asking another host gets nothing, and the request is recorded."""
    try:
        offline.get("http://example.com/")
    except Exception:  # noqa: BLE001  # a load error is as good as an error page
        pass
    assert "Example Domain" not in offline.page_source
    assert "http://example.com/" in requested_urls(offline)


def test_district_and_unit_labels_at_a_low_zoom(site, offline):
    """At the start view the subdistricts are named and their boundaries drawn in the standard dashes."""
    server, _ = site
    offline.get(server.url + "/?lang=en")
    assert offline.find_element(By.CSS_SELECTOR, "#map .map-approval").text == f"Map approval No. {APPROVAL}"
    wait(offline, lambda b: any(label.endswith("街道") for label in b.execute_script(PIXELS)["labels"]), timeout=30)
    screenshot(offline, "streetmap-start-view")


def test_a_landmark_found_by_search_is_named_on_the_map(site, offline):
    """A resident searching 关上公园 is taken to the park, and the places around it are named on the street map."""
    server, _ = site
    offline.get(server.url + "/")
    box = offline.find_element(By.ID, "q")
    box.send_keys("关上公园")
    offline.find_element(By.CSS_SELECTOR, "#search-form button[type=submit]").click()
    wait(offline, lambda b: "关上公园" in b.find_element(By.ID, "results").text, timeout=30)
    assert offline.execute_script("return window.dimingCommon.maps[0].getZoom()") >= 15
    # the park and its neighbours (the subdistrict's office, school, clinic) are named on the map
    # where their names fit beside their dots
    landmarks = {"关上公园", "关上街道办事处", "关上小学", "关上社区卫生服务中心", "官渡区人民政府", "官渡区人民医院"}
    wait(offline, lambda b: len(landmarks & set(b.execute_script(PIXELS)["labels"])) >= 2, timeout=30)
    screenshot(offline, "streetmap-landmark")
