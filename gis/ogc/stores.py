"""One ``Store`` per database per process, shared by every provider instance.

pygeoapi builds a new provider object for every request, so a provider must not own
its engine: that would open a connection pool per request. The web app adopts the
Store it built, so requests reuse its pool; any other process (e.g. OpenAPI
generation from the command line) gets one Store per URL on first use.
"""

from __future__ import annotations

import threading

from gis.storage import Store
from gis.storage.engine import normalise_url

_stores: dict[str, Store] = {}
_lock = threading.Lock()


def adopt(store: Store) -> Store:
    """Make ``store`` the one used for its database URL from now on."""
    with _lock:
        _stores[store.url] = store
    return store


def store_for(url: str, *, pool_size: int = 5) -> Store:
    """The process's Store for ``url``, created on first use."""
    key = normalise_url(url)
    with _lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = Store(key, pool_size=pool_size)
        return store


def forget(url: str) -> None:
    """Drop (and dispose) the cached Store of ``url``, e.g. when a test database goes."""
    with _lock:
        store = _stores.pop(normalise_url(url), None)
    if store is not None:
        store.dispose()
