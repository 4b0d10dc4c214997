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


def chromium(width: int = 1280, height: int = 900):
    """A headless Chromium, or a skip (a failure under CI) when none is installed."""
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
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(driver))
    browser.set_page_load_timeout(30)
    browser.diming_profile = profile
    return browser


def close(browser) -> None:
    browser.quit()
    shutil.rmtree(browser.diming_profile, ignore_errors=True)
