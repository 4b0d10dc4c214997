"""Client addresses behind trusted proxies (rate limiter and sign-in records), and bounded,
budgeted anonymous geocoding batches; both backends."""

from __future__ import annotations

import ipaddress

import pytest
from apitools import bearer

from accounts import service
from api.proxies import client_address, parse
from gis.errors import BadRequest
from gis.settings import Settings

PASSWORD = "门牌2026-春城路"


def app_client(store, tmp_path, **settings):
    from server import create_app

    return create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run"), **settings)).test_client()


def test_client_address_rules():
    nets = parse("10.0.0.0/8, 192.0.2.1")
    assert all(isinstance(n, ipaddress.IPv4Network) for n in nets)
    assert client_address("10.0.0.2", "203.0.113.5", nets) == "203.0.113.5"
    assert client_address("10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.9", nets) == "203.0.113.5"  # forged left part ignored
    assert client_address("198.51.100.7", "203.0.113.5", nets) == "198.51.100.7"  # untrusted peer: header ignored
    assert client_address("10.0.0.2", "not-an-address", nets) == "10.0.0.2"
    assert client_address("10.0.0.2", "", nets) == "10.0.0.2"
    assert client_address("10.0.0.2", "1.2.3.4, 203.0.113.5", 1) == "203.0.113.5"  # hop count
    assert client_address("10.0.0.2", "", 1) == "10.0.0.2"
    assert client_address("10.0.0.2", "203.0.113.5", ()) == "10.0.0.2"  # default: nothing trusted
    with pytest.raises(BadRequest):
        parse("10.0.0.0/33")


def guesses(client, peer, forwarded, count):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return [
        client.post(
            "/api/v1/session", json={"username": "x", "password": f"guess-{i}"}, headers=headers, environ_base={"REMOTE_ADDR": peer}
        ).status_code
        for i in range(count)
    ]


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(store, tmp_path):
    client = app_client(store, tmp_path, trusted_proxies="10.0.0.0/8")
    assert guesses(client, "10.0.0.2", "203.0.113.5", 11) == [401] * 10 + [429]
    assert guesses(client, "10.0.0.2", "203.0.113.6", 1) == [401]  # another client through the same proxy

    service.add_user(store, "zhou", ["placename_officer"], password=PASSWORD, actor="admin")
    signed_in = client.post(
        "/api/v1/session",
        json={"username": "zhou", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.20"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert signed_in.status_code == 200
    assert [s.client_addr for s in service.sessions(store, "zhou")] == ["198.51.100.20"]
    assert store.history("web_sessions", 1)[0].after["client_addr"] == "198.51.100.20"


def test_forged_forwarded_for_from_an_untrusted_peer_is_ignored(store, tmp_path):
    client = app_client(store, tmp_path, trusted_proxies="10.0.0.0/8")
    statuses = [
        client.post(
            "/api/v1/session",
            json={"username": "x", "password": "guess"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        ).status_code
        for i in range(11)
    ]
    assert statuses == [401] * 10 + [429]


def test_without_trusted_proxies_the_header_is_ignored(store, tmp_path):
    client = app_client(store, tmp_path)
    assert guesses(client, "10.0.0.2", "203.0.113.5", 10) == [401] * 10
    assert guesses(client, "10.0.0.2", "203.0.113.6", 1) == [429]  # the proxy's address is the key


def points(n):
    return {"points": [[102.70 + (i % 100) * 1e-4, 25.03 + (i // 100) * 1e-4] for i in range(n)]}


def test_anonymous_reverse_batches_are_bounded_and_signed_in_ones_less_so(store, tmp_path):
    client = app_client(store, tmp_path)
    assert client.post("/api/v1/reverse", json=points(1000)).status_code == 200
    too_many = client.post("/api/v1/reverse", json=points(1001))
    assert too_many.status_code == 413
    message = too_many.get_json()["message"]
    assert "1000" in message["zh"] and "1000" in message["en"] and "10000" in message["en"]
    headers = bearer(store, "li", "planner")
    assert client.post("/api/v1/reverse", json=points(1001), headers=headers).status_code == 200
    over = client.post("/api/v1/reverse", json=points(10001), headers=headers)
    assert over.status_code == 413 and "10000" in over.get_json()["message"]["en"]
    assert client.post("/api/v1/reverse", json={"points": []}).status_code == 400


def test_a_batch_costs_its_size_against_the_anonymous_budget(store, tmp_path):
    client = app_client(store, tmp_path, public_geocode_budget=2500)
    assert [client.post("/api/v1/reverse", json=points(1000)).status_code for _ in range(2)] == [200, 200]
    refused = client.post("/api/v1/reverse", json=points(1000))
    assert refused.status_code == 429 and refused.get_json()["message"]["zh"]
    assert client.get("/api/v1/search?q=春城路").status_code == 200  # a search costs 1 of the 500 left
    assert client.get("/api/v1/search?q=春城路", environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 200
    headers = bearer(store, "li", "planner")
    assert client.post("/api/v1/reverse", json=points(1000), headers=headers).status_code == 200  # signed in: not budgeted


def test_sliding_window_spends_costs():
    from api.ratelimit import SlidingWindow

    window = SlidingWindow(10, 60)
    assert window.allow("a", now=0, cost=7)
    assert not window.allow("a", now=1, cost=4)
    assert window.allow("a", now=1, cost=3)
    assert not window.allow("a", now=2)
    assert not window.allow("a", now=60.5, cost=10)  # the spend at 1 s is still in the window
    assert window.allow("a", now=61.5, cost=10)


def test_idle_addresses_are_forgotten(monkeypatch):
    from api.ratelimit import SlidingWindow

    monkeypatch.setattr(SlidingWindow, "SWEEP_AT", 3)
    window = SlidingWindow(1, 10)
    for i in range(4):
        assert window.allow(f"10.0.0.{i}", now=0)
    assert window.allow("10.0.0.9", now=5)  # 4 keys > 3 but none idle yet
    assert len(window._hits) == 5 and not window.allow("10.0.0.1", now=6)
    assert window.allow("10.0.0.8", now=11)  # sweep: the four from t=0 are idle
    assert set(window._hits) == {"10.0.0.9", "10.0.0.8"}
