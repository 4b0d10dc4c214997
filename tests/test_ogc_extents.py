"""Collection extents come from the rows and follow changes (both backends)."""

from __future__ import annotations

import pytest
from ogc_seed import seed
from shapely import MultiLineString

from api.ogc import limits
from gis.basemap import Road
from gis.errors import BadRequest
from gis.ogc.extents import ExtentCache
from server import public_collections

FALLBACK = (1.0, 2.0, 3.0, 4.0)


def test_extents_are_the_rows_bounds_and_refresh_when_stale(store):
    seed(store)
    now = [0.0]
    cache = ExtentCache(store, public_collections(), FALLBACK, ttl=60, clock=lambda: now[0])
    extents = cache.refresh()
    assert extents["roads"] == pytest.approx((102.71, 25.02, 102.74, 25.08), abs=2e-5)
    assert extents["placenames"] == pytest.approx((102.70, 25.00, 102.745, 25.04), abs=2e-5)  # the retired name (102.76) is not served
    assert extents["communities"] == pytest.approx((102.69, 25.00, 102.75, 25.06), abs=2e-5)
    assert extents["boundary-lines"] == FALLBACK  # no rows yet
    for collection_id, (minx, miny, maxx, maxy) in extents.items():
        assert minx <= maxx and miny <= maxy, collection_id
    with store.transaction(actor="test", reason="fixture") as session:
        session.add(
            Road(name="远路", road_class="lane", admin_code="530111001", geom=MultiLineString([[(102.80, 25.10), (102.81, 25.11)]]))
        )
    now[0] = 59
    assert cache.get("roads")[2] == pytest.approx(102.74, abs=2e-5)  # still fresh
    now[0] = 61
    assert cache.get("roads")[2:] == pytest.approx((102.81, 25.11), abs=2e-5)
    resources = {"roads": {"extents": {"spatial": {"bbox": [0, 0, 1, 1]}}}}
    changed = []
    cache.apply(resources, lambda cid, bbox: changed.append(cid))
    assert resources["roads"]["extents"]["spatial"]["bbox"] == list(cache.get("roads")) and changed == ["roads"]


def test_bbox_area_counts_only_the_part_over_the_data():
    extent = (102.7, 25.0, 102.8, 25.1)
    assert limits.bbox_area_km2([0, 0, 1, 1], "OGC:CRS84", extent) == 0
    assert limits.bbox_area_km2([-180, -90, 180, 90], "OGC:CRS84", extent) == pytest.approx(limits.bbox_area_km2(list(extent), "OGC:CRS84"))
    wide = {"bbox": "100,20,106,30"}
    rule = limits.QueryLimits(max_bbox_km2=3000, max_filter_chars=500)
    limits.check("roads", wide, 0, {}, rule, extent)  # over 100 km² of data: fine
    with pytest.raises(BadRequest):
        limits.check("roads", wide, 0, {}, rule, (100, 20, 106, 30))  # data as wide as the box: too large


def test_an_unreachable_database_leaves_the_fallback_until_the_next_try():
    from gis.storage import Store

    store = Store("postgresql://postgres@127.0.0.1:1/nowhere")
    try:
        cache = ExtentCache(store, public_collections(), FALLBACK, ttl=60)
        assert set(cache.refresh().values()) == {FALLBACK}
    finally:
        store.dispose()
