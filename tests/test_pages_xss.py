"""Stored markup in names stays text on every page (issue 15), in a real headless Chromium, on both backends.

tests/xss_world.py stores names, addresses, community and unit names, an application, a boundary
line and a plan whose texts carry ``<img src=x onerror=...>`` and ``<b>x</b>``. Each page that shows
one is opened and driven to where the text is drawn (lists, tables, map popups and tooltips); then
no script from the data has run, no <img>/<b> element was made from it, the markup reads as
literal text, and the Content-Security-Policy was not violated (nothing in the page needed what
it forbids). Were a sink to parse the text as HTML, the <img> would exist even though the CSP
blocks its inline handler, so both layers are checked separately.
"""

from __future__ import annotations

import os

import browser as live
import pytest
import xss_world as xw
from browser import LiveServer, free_port, wait
from conftest import BACKENDS, make_store
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from gis.settings import Settings

PORT = free_port()
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    from server import create_app

    root = tmp_path_factory.mktemp(f"xss-{request.param}")
    store = make_store(request, request.param, root)
    ids = xw.seed(store)
    with pytest.MonkeyPatch.context() as patch:  # one port for both backends: pygeoapi keeps the first app's URL
        patch.setattr(live, "free_port", lambda: PORT)
        server = LiveServer(None)  # the port before the app: the OGC pages address their assets by the public URL
    server.server.app = create_app(Settings(database_url=store.url, public_url=server.url, work_dir=os.path.join(str(root), "run")))
    with server:
        yield server, ids


@pytest.fixture(scope="module")
def watched(browser):
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP})
    return browser


@pytest.fixture
def page(watched):
    watched.get_log("browser")  # each test reads only its own console messages
    return watched


def clean(browser, where: str) -> None:
    """Nothing from the data ran or became an element, and the page kept to its CSP."""
    assert browser.execute_script("return window.__xss") is None, where
    assert browser.execute_script("return document.querySelectorAll('img[src=\"x\"], b').length") == 0, where
    assert browser.execute_script("return window.__csp") == [], where
    console = [e["message"] for e in browser.get_log("browser")]
    assert not [m for m in console if "Content Security Policy" in m or "Uncaught" in m], (where, console)


def shows(browser, selector: str, text: str) -> None:
    wait(browser, lambda b: any(text in e.text for e in b.find_elements(By.CSS_SELECTOR, selector)))


def sign_in(browser, url: str) -> None:
    browser.get(url)
    browser.delete_all_cookies()  # the other backend's server shares the host
    browser.get(url)
    form = wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))
    form.find_element(By.ID, "signin-user").send_keys("root")
    form.find_element(By.ID, "signin-password").send_keys(xw.PASSWORD)
    browser.find_element(By.ID, "signin-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "signed-in")))


def hover_all(browser, selector: str) -> None:
    """Open each layer's tooltip the way a mouse does (Leaflet listens on the map's container)."""
    browser.execute_script(
        "document.querySelectorAll(arguments[0]).forEach((e) => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))",
        selector,
    )


def click_map_centre(browser, element_id: str) -> None:
    browser.execute_script(
        """const map = document.getElementById(arguments[0]);
        const r = map.getBoundingClientRect();
        const at = {bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2};
        // a canvas renderer hit-tests its own clicks; the street map's tiles are canvases too, below it
        const target = map.querySelector(".leaflet-overlay-pane canvas") || map;
        ['mousedown', 'mouseup', 'click'].forEach((type) => target.dispatchEvent(new MouseEvent(type, at)));""",
        element_id,
    )


def test_public_search_results_popup_and_reverse_lookup(site, page):
    server, _ = site
    page.get(server.url + "/")
    page.find_element(By.ID, "q").send_keys(xw.PLACE, Keys.ENTER)
    shows(page, "#results li", xw.PLACE)
    page.find_element(By.CSS_SELECTOR, "#results li").click()
    shows(page, ".leaflet-popup-content", xw.PLACE)  # the marker's popup, as text
    click_map_centre(page, "map")  # next to the road: the nearest door plate and its community
    shows(page, "#reverse-address", xw.ROAD)
    shows(page, ".leaflet-popup-content", xw.ROAD)
    assert page.find_element(By.ID, "reverse-community").text == xw.COMMUNITY
    clean(page, "public")


def test_the_text_helper_never_makes_markup(site, page):
    """common.js el(): children become text nodes; handlers and script URLs are refused."""
    server, _ = site
    page.get(server.url + "/")
    text, tags, attribute, refused = page.execute_script(
        """const el = window.dimingCommon.el;
        const node = el("p", {className: "x", "data-k": "<b>"}, "<b>x</b>", 0, null, el("span", null, "<i>y</i>"));
        const refused = [["a", {onclick: "x"}], ["a", {href: " javascript:alert(1)"}], ["iframe", {src: "data:text/html,x"}]]
          .map(([tag, attrs]) => { try { el(tag, attrs); return false; } catch (err) { return true; } });
        return [node.textContent, node.querySelectorAll("b, i").length, node.dataset.k, refused];"""
    )
    assert (text, tags, attribute, refused) == ("<b>x</b>0<i>y</i>", 0, "<b>", [True, True, True])
    clean(page, "el")


def test_officer_applications_list_and_detail(site, page):
    server, ids = site
    sign_in(page, server.url + "/officer/")
    shows(page, "#applications tbody a", xw.APPLICATION)
    clean(page, "applications")
    page.get(f"{server.url}/officer/applications/{ids['application']}")
    shows(page, "#comments", xw.XSS)
    for element, text in (("application-title", xw.APPLICATION), ("application-data", xw.BOLD), ("history", xw.BOLD)):
        assert text in page.find_element(By.ID, element).text, element
    assert xw.BOLD in page.find_element(By.ID, "comments").text
    clean(page, "application")


def test_officer_numbering_and_signs(site, page):
    server, _ = site
    sign_in(page, server.url + "/officer/numbering")
    page.find_element(By.ID, "road").send_keys(xw.ROAD)
    wait(page, lambda b: xw.ROAD in b.execute_script("return [...document.querySelectorAll('#road-names option')].map(o => o.value)"))
    page.find_element(By.ID, "preview-button").click()
    wait(page, lambda b: b.find_elements(By.CSS_SELECTOR, ".number-label"))
    assert xw.ROAD in page.find_element(By.ID, "road-info").text  # the road's name, as text
    hover_all(page, ".number-marker")
    wait(page, lambda b: b.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip"))
    clean(page, "numbering")
    page.get(server.url + "/officer/signs")
    shows(page, "#items", xw.ROAD)
    clean(page, "signs")


def test_boundary_page_tables_and_tooltips(site, page):
    server, ids = site
    sign_in(page, server.url + "/boundaries")
    row = wait(page, EC.element_to_be_clickable((By.CSS_SELECTOR, f"#lines-table tr[data-line-id='{ids['line']}']")))
    assert xw.BOLD in row.text and xw.EAST in row.text
    wait(page, lambda b: b.find_elements(By.CSS_SELECTOR, "#map path.boundary-line"))
    hover_all(page, "#map path.boundary-line")
    shows(page, ".leaflet-tooltip", xw.LINE_NUMBER)
    row.click()
    wait(page, lambda b: b.find_elements(By.CSS_SELECTOR, "#map path.marker"))
    hover_all(page, "#map path.marker")
    shows(page, ".leaflet-tooltip", xw.LINE_NUMBER)  # a marker's code begins with its line's number
    assert xw.EAST in page.find_element(By.ID, "line-title").text
    clean(page, "boundaries")
    page.get(page.find_element(By.ID, "register-link").get_attribute("href"))  # the printable marker register
    assert xw.EAST in page.find_element(By.TAG_NAME, "h1").text
    assert page.execute_script("return getComputedStyle(document.body).fontSize") == "11px"  # its style block, allowed by hash
    clean(page, "marker register")


def test_planner_plan_tooltips_and_popup(site, page):
    """The job is stored finished; only the page's submit is answered in the page, then it follows the real job."""
    server, ids = site
    sign_in(page, server.url + "/planner")
    wait(page, lambda b: b.find_elements(By.CSS_SELECTOR, "#subdistrict-table tbody tr"))
    assert page.find_element(By.CSS_SELECTOR, "#subdistrict-table tbody tr td:nth-child(2)").text == xw.EAST
    page.find_element(By.CSS_SELECTOR, "#subdistrict-table input.pick").click()
    page.execute_script(
        """const job = arguments[0], real = window.fetch;
        window.fetch = (url, init) => (init && init.method === "POST" && url === "/api/v1/redistricting/jobs")
          ? Promise.resolve(new Response(JSON.stringify({id: job, status: "queued", progress: 0, plans: []}),
              {status: 202, headers: {"Content-Type": "application/json"}}))
          : real(url, init);""",
        ids["job"],
    )
    page.find_element(By.ID, "run-button").click()
    shows(page, "#communities-table", xw.PLAN_COMMUNITY)
    shows(page, ".hh-label", "1234")
    page.execute_script("document.querySelector('#map path.community').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    shows(page, ".leaflet-popup-content", xw.PLAN_COMMUNITY)
    assert xw.XSS in page.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").text  # the violations line
    clean(page, "planner")


def test_ogc_item_pages_popup(site, page):
    server, _ = site
    page.get(server.url + "/ogc/collections/addresses/items?f=html")
    wait(page, lambda b: b.find_elements(By.CSS_SELECTOR, "#items-map canvas"))
    assert xw.ROAD in page.find_element(By.CSS_SELECTOR, "table").text
    names = page.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch("/ogc/collections/roads/items?f=json").then((r) => r.json())
          .then((fc) => done(fc.features.map((f) => f.properties.name)), (e) => done(String(e)));"""
    )
    assert xw.ROAD in names  # the JSON a script reads holds the register's text, not an HTML-escaped copy
    clean(page, "ogc items")
    link = page.find_element(By.CSS_SELECTOR, "table tbody a").get_attribute("href")
    page.get(link)
    wait(page, lambda b: b.find_elements(By.CSS_SELECTOR, "#item-map canvas"))
    click_map_centre(page, "item-map")  # the one point is at the centre
    shows(page, ".leaflet-popup-content", xw.ROAD)
    clean(page, "ogc item")


# Each page and what shows it has finished drawing (the map, or the sign-in box).
LOADED = {
    "/": ".leaflet-container",
    "/officer/": "#signin-form",
    "/boundaries": ".leaflet-container",
    "/planner": ".leaflet-container",
    "/ogc/": "main",
    "/ogc/collections/roads/items?f=html": "#items-map canvas",
}


@pytest.mark.parametrize("path", LOADED)
def test_pages_load_without_csp_violations(site, page, path):
    server, _ = site
    page.get(server.url + path)
    wait(page, lambda b: b.execute_script("return document.readyState") == "complete" and b.find_elements(By.CSS_SELECTOR, LOADED[path]))
    clean(page, path)
