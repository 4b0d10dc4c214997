"""The OGC API's HTML pages draw the district's street map from our own vector tiles (the web
pages' renderer, streetmap.js) under their features, carry the 审图号, and nothing leaves the
server: a real headless Chromium that can reach only 127.0.0.1, on both backends."""

from __future__ import annotations

import os
from pathlib import Path

import browser as live
import pytest
from browser import LiveServer, chromium, close, free_port, requested_urls, wait
from conftest import BACKENDS, make_store
from ogc_seed import seed
from selenium.webdriver.common.by import By

from gis.profile import DEFAULT_PROFILE
from gis.settings import Settings

APPROVAL = "昆S（2026）002号"
PORT = free_port()
PAINTED = """
const out = {tiles: 0, painted: 0};
document.querySelectorAll('#' + arguments[0] + ' canvas.street-tile[data-drawn]').forEach((c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  out.tiles++;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) out.painted++;
});
return out;
"""


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    from server import create_app

    root = tmp_path_factory.mktemp(f"ogc-streetmap-{request.param}")
    store = make_store(request, request.param, root)
    seed(store)
    text = Path(DEFAULT_PROFILE).read_text(encoding="utf-8")
    divisions = (Path(DEFAULT_PROFILE).parent / "../reference/guandu_divisions_2023.csv").resolve()
    text = text.replace("divisions_file: ../reference/guandu_divisions_2023.csv", f"divisions_file: {divisions}")
    profile = root / "profile.yaml"
    profile.write_text(text + f"\nmap_approval_number: {APPROVAL}\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # one port for both backends, as in test_ogc_map_page
        patch.setattr(live, "free_port", lambda: PORT)
        server = LiveServer(None)
    server.server.app = create_app(
        Settings(database_url=store.url, public_url=server.url, work_dir=os.path.join(str(root), "run"), profile=str(profile))
    )
    with server:
        yield server, store


@pytest.fixture(scope="module")
def offline():
    browser = chromium(offline=True)
    yield browser
    close(browser)


def test_items_and_item_pages_draw_our_street_map_offline(site, offline):
    server, _ = site
    offline.get(server.url + "/ogc/collections/subdistricts/items?f=html&lang=zh")
    # Tiles arrive and draw one by one: wait for the whole picture, not the first stroke.
    wait(offline, lambda b: b.execute_script(PAINTED, "items-map")["painted"] > 1000, timeout=30)
    drawn = offline.execute_script(PAINTED, "items-map")
    live.screenshot(offline, "ogc-items-street-map")
    assert drawn["tiles"] >= 1 and drawn["painted"] > 1000, drawn
    assert offline.find_element(By.CSS_SELECTOR, "#items-map .map-approval").text == f"审图号：{APPROVAL}"

    roads = offline.execute_script(
        "return fetch(arguments[0], {headers: {Accept: 'application/geo+json'}}).then((r) => r.json())",
        server.url + "/ogc/collections/roads/items?f=json&limit=1",
    )
    offline.get(server.url + f"/ogc/collections/roads/items/{roads['features'][0]['id']}?f=html&lang=en")
    wait(offline, lambda b: b.execute_script(PAINTED, "item-map")["painted"] > 0, timeout=30)
    assert offline.find_element(By.CSS_SELECTOR, "#item-map .map-approval").text == f"Map approval No. {APPROVAL}"

    urls = requested_urls(offline)
    assert any("/api/v1/tiles/WebMercatorQuad/" in u and u.endswith(".mvt") for u in urls)
    assert any(u.endswith("/static/pages/streetmap.js") for u in urls)
    assert urls and all(u.startswith(server.url + "/") for u in urls), [u for u in urls if not u.startswith(server.url)]
