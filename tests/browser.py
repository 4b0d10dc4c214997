"""A real headless Chromium (Debian's package, driven by Selenium) against a live server.

The app runs in a thread on a free loopback port (werkzeug's threaded server);
Chromium starts with the flags this workplace needs (no background networking,
no sandbox as root) and a fresh profile.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading

import pytest
from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app):
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


def chromium(width: int = 1280, height: int = 900, language: str = "zh-CN", offline: bool = False):
    """A headless Chromium, or a skip (a failure under CI) when none is installed. It asks for
    ``language`` (Accept-Language), as the district's readers' browsers do: pages follow it.

    ``offline``: the browser reaches only the loopback address: every other host name resolves
    to nothing and every other address goes to a closed proxy port, and each request the pages
    make is recorded (``requested_urls``), so a test can show that nothing left the machine."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not binary or not driver:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium and ChromeDriver are mandatory under CI (tests/support/ensure_browser.sh)")
        pytest.skip("Chromium/ChromeDriver not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="diming-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    if offline:
        options.add_argument("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1")
        options.add_argument("--proxy-server=http://127.0.0.1:9")  # loopback bypasses it; anything else fails
    options.add_argument(f"--lang={language}")
    options.add_experimental_option("prefs", {"intl.accept_languages": f"{language},{language.split('-')[0]}"})
    logging = {"browser": "ALL"} | ({"performance": "ALL"} if offline else {})
    options.set_capability("goog:loggingPrefs", logging)  # console messages: browser.get_log("browser"); requests: requested_urls
    browser = webdriver.Chrome(options=options, service=Service(driver))
    browser.set_page_load_timeout(30)
    browser.diming_profile = profile
    browser.diming_requests = []
    return browser


def requested_urls(browser) -> list[str]:
    """Every network URL (http, https, ws, wss) the pages of an ``offline`` browser have asked
    for so far (the DevTools Network.requestWillBeSent events of its performance log), in order;
    the browser's own chrome:// pages and data:/blob: URLs never leave it, and are left out."""
    import json

    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        url = message.get("params", {}).get("request", {}).get("url", "")
        if message.get("method") == "Network.requestWillBeSent" and url.split(":", 1)[0].lower() in ("http", "https", "ws", "wss"):
            browser.diming_requests.append(url)
    return list(browser.diming_requests)


def close(browser) -> None:
    browser.quit()
    shutil.rmtree(browser.diming_profile, ignore_errors=True)


SCREENSHOTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "var", "screenshots")  # ignored by git


def wait(browser, condition, timeout: float = 20):
    """Wait for ``condition``; an element that a page redraws while it is being checked (stale)
    is looked for again, as one not there yet is."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def screenshot(browser, name: str) -> None:
    """Keep a picture of the page for a person to look at (var/ is ignored by git)."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    browser.save_screenshot(os.path.join(SCREENSHOTS, f"{name}.png"))


def demo_store(root, *, steps=()):
    """A GeoPackage store in ``root`` with the demo district at scale 0.02; the demo steps
    (boundary lines, markers, a signed campaign) only when asked, as the page tests
    set up their own lines."""
    from cli.data_commands import registry
    from data.loader import load_demo
    from gis.storage import Store, migrate

    store = Store(os.path.join(str(root), "demo.gpkg"))
    migrate.upgrade(store)
    load_demo(store, registry(), seed=530111, scale=0.02, steps=steps)
    return store


def live_app(store, root) -> LiveServer:
    from gis.settings import Settings
    from server import create_app

    return LiveServer(create_app(Settings(database_url=store.url, work_dir=os.path.join(str(root), "run"))))
