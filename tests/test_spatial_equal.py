"""The storage layer's central promise: every spatial predicate answers the same on
SQLite/GeoPackage (R*Tree + shapely) and PostGIS (ST_*), and that answer is shapely's.

A catalogue of awkward geometries (edges, corners, holes, multi-parts, empties, Z,
tiny and huge, collections) is stored in a throwaway table with the project's
``Geometry`` type on each backend; every predicate ``spatial_match`` offers is asked
with a set of query geometries and the ids each backend returns are compared with
the ids shapely computes here. A hypothesis part repeats this on random shapes drawn
on a coarse grid, so shared edges and corners are common.
"""

from __future__ import annotations

import pytest
import shapely
import sqlalchemy as sa
from conftest import BACKENDS, make_store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely import GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon, box

from gis.storage import Geometry, bbox_match, ddl, spatial_match
from gis.storage.spatial import PREDICATES, index_match, point_coordinate

X0, Y0 = 102.70, 25.00
WINDOW = box(X0, Y0, 102.72, 25.02)  # the main query window; many catalogue shapes touch its edges and corners
EAST, NORTH = 102.72, 25.02  # its right edge and top edge
CORNER = Point(EAST, NORTH)
INF = float("inf")

# Inverted hole: the shell touches itself at (102.74, 25.01), enclosing a hole. OGC (GEOS, PostGIS) calls this
# ring self-intersection, ESRI calls it valid; it arrives from shapefiles, so the store must answer for it.
INVERTED_HOLE = Polygon(
    [
        (102.73, 25.00),
        (102.75, 25.00),
        (102.75, 25.02),
        (102.73, 25.02),
        (102.73, 25.00),
        (102.74, 25.01),
        (102.745, 25.005),
        (102.735, 25.005),
        (102.74, 25.01),
    ]
)
# The same area drawn the OGC-valid way: a hole that touches its shell at one point.
HOLE_TOUCHING_SHELL = Polygon(
    [(102.76, 25.00), (102.78, 25.00), (102.78, 25.02), (102.76, 25.02)],
    [[(102.77, 25.00), (102.775, 25.005), (102.765, 25.005)]],
)

CATALOGUE: dict[str, shapely.Geometry | None] = {
    # points
    "point inside": Point(102.71, 25.01),
    "point on east edge": Point(EAST, 25.01),
    "point on corner": CORNER,
    "point outside": Point(102.73, 25.01),
    "point with Z": Point(102.705, 25.005, 1891.5),
    "point far away": Point(-170.0, -80.0),
    "multipoint in and out": MultiPoint([(102.71, 25.01), (102.75, 25.05)]),
    "multipoint on edge and corner": MultiPoint([(EAST, 25.01), (EAST, NORTH)]),
    # lines
    "line inside": LineString([(102.705, 25.005), (102.715, 25.015)]),
    "line crossing": LineString([(102.69, 25.01), (102.73, 25.01)]),
    "line along east edge": LineString([(EAST, 25.005), (EAST, 25.015)]),
    "line along whole east edge": LineString([(EAST, Y0), (EAST, NORTH)]),
    "line from corner outward": LineString([CORNER, (102.74, 25.04)]),
    "line ending on edge from inside": LineString([(102.71, 25.01), (EAST, 25.01)]),
    "line past corner, bbox overlaps": LineString([(102.715, 25.03), (102.73, 25.015)]),
    "line with Z": LineString([(102.701, 25.001, 1890.0), (102.719, 25.019, 1900.0)]),
    "closed ring line around window": LineString([(X0, Y0), (EAST, Y0), (EAST, NORTH), (X0, NORTH), (X0, Y0)]),
    "multiline one part in": MultiLineString([[(102.705, 25.01), (102.715, 25.01)], [(102.75, 25.0), (102.76, 25.0)]]),
    # polygons
    "polygon inside": box(102.705, 25.005, 102.715, 25.015),
    "polygon equal to window": box(X0, Y0, EAST, NORTH),
    "polygon inside touching edge": box(102.71, 25.005, EAST, 25.015),
    "polygon sharing east edge": box(EAST, Y0, 102.74, NORTH),
    "polygon touching corner": box(EAST, NORTH, 102.74, 25.04),
    "polygon overlapping": box(102.71, 25.01, 102.73, 25.03),
    "polygon containing": box(102.69, 24.99, 102.73, 25.03),
    "polygon with the window as hole": Polygon(box(102.68, 24.98, 102.74, 25.04).exterior.coords, [WINDOW.exterior.coords]),
    "polygon with hole around window point": Polygon(
        box(102.69, 24.99, 102.73, 25.03).exterior.coords, [Point(102.71, 25.01).buffer(0.001).exterior.coords]
    ),
    "polygon inverted hole": INVERTED_HOLE,
    "polygon hole touching shell": HOLE_TOUCHING_SHELL,
    "polygon with Z": Polygon([(102.70, 25.03, 10.0), (102.71, 25.03, 12.0), (102.71, 25.04, 11.0)]),
    "polygon tiny inside corner": box(EAST - 2e-9, NORTH - 2e-9, EAST - 1e-9, NORTH - 1e-9),
    "polygon tiny just outside edge": box(EAST + 1e-9, 25.01, EAST + 2e-9, 25.01 + 1e-9),
    "polygon China": box(73.0, 18.0, 135.0, 54.0),
    "polygon world": box(-180.0, -90.0, 180.0, 90.0),
    "multipolygon touching corner and far": MultiPolygon([box(EAST, NORTH, 102.73, 25.03), box(110.0, 30.0, 111.0, 31.0)]),
    "multipolygon inside and outside": MultiPolygon([box(102.705, 25.005, 102.71, 25.01), box(102.73, 25.0, 102.74, 25.01)]),
    # collections
    "collection point in, line out": GeometryCollection([Point(102.71, 25.01), LineString([(102.73, 25.0), (102.74, 25.01)])]),
    "collection polygon and line crossing": GeometryCollection(
        [box(102.70, 24.99, 102.71, 25.0), LineString([(102.715, 24.99), (102.715, 25.03)])]
    ),
    # empty and missing
    "empty point": Point(),
    "empty line": LineString(),
    "empty polygon": Polygon(),
    "empty multipolygon": MultiPolygon(),
    "empty collection": GeometryCollection(),
    "no geometry": None,
}

QUERIES: dict[str, shapely.Geometry] = {
    "window": WINDOW,
    "window corner point": CORNER,
    "window corner point with Z": Point(EAST, NORTH, 1891.0),
    "multipoint: corner and inside": MultiPoint([CORNER, (102.71, 25.01)]),
    "point inside window": Point(102.71, 25.01),
    "point on window edge": Point(EAST, 25.01),
    "line along window east edge": LineString([(EAST, Y0), (EAST, NORTH)]),
    "line crossing window": LineString([(102.69, 25.01), (102.73, 25.01)]),
    "line inside window": LineString([(102.705, 25.005), (102.715, 25.015)]),
    "window drawn clockwise from another corner": Polygon([CORNER, (EAST, Y0), (X0, Y0), (X0, NORTH)]),
    "window shifted east": box(102.71, Y0, 102.73, NORTH),
    "triangle touching window corner": Polygon([CORNER, (102.74, NORTH), (102.74, 25.04)]),
    "donut with window as hole": Polygon(box(102.68, 24.98, 102.74, 25.04).exterior.coords, [WINDOW.exterior.coords]),
    "China": box(73.0, 18.0, 135.0, 54.0),
    "tiny box at corner": box(EAST - 1e-9, NORTH - 1e-9, EAST, NORTH),
    "multipolygon: window and far box": MultiPolygon([WINDOW, box(110.0, 30.0, 111.0, 31.0)]),
    "inverted hole polygon": INVERTED_HOLE,
    "collection: point and line": GeometryCollection([Point(102.71, 25.01), LineString([(EAST, Y0), (102.74, 25.01)])]),
}

# Every predicate spatial_match offers, read from the code, so a new one is covered as soon as it exists.
ALL_PREDICATES = sorted(PREDICATES)

# The one known difference (docs/storage.md): PostGIS linked with GEOS older than 3.13 (Debian 12: PostGIS 3.3,
# GEOS 3.11) relates mixed GeometryCollections with the old engine, shapely (GEOS 3.13+) with RelateNG. These are
# exactly the (predicate, query, stored) cases of this catalogue where they differ; with GEOS >= 3.13 there are none.
OLD_GEOS_COLLECTION_DIFFERENCES = {
    # the prepared line misses the collection's point lying on it
    ("intersects", "line crossing window", "collection point in, line out"),
    # a collection's point on a line's end point: old relate says overlaps, RelateNG touches
    ("overlaps", "collection: point and line", "line ending on edge from inside"),
    ("touches", "collection: point and line", "line ending on edge from inside"),
}

shapes = sa.Table("equal_shapes", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("geom", Geometry("GEOMETRY")))
random_shapes = sa.Table(
    "random_shapes", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("geom", Geometry("GEOMETRY"))
)
NAMES = list(CATALOGUE)


def create_spatial_table(store, table: sa.Table) -> None:
    with store.engine.begin() as connection:
        table.create(connection)
        ddl.register_spatial_table(connection, table.name, "geom", "GEOMETRY")


@pytest.fixture(scope="module", params=BACKENDS)
def catalogued(request, tmp_path_factory):
    """One store per backend holding the catalogue (id = position + 1) and an empty table for random shapes."""
    store = make_store(request, request.param, tmp_path_factory.mktemp("equal"))
    create_spatial_table(store, shapes)
    create_spatial_table(store, random_shapes)
    with store.engine.begin() as connection:
        connection.execute(shapes.insert(), [{"id": i + 1, "geom": geom} for i, geom in enumerate(CATALOGUE.values())])
    return store


def geos_before_relateng(store) -> bool:
    """True when the backend relates geometries with GEOS older than 3.13 (PostGIS only; shapely is newer)."""
    if store.dialect != "postgresql":
        return False
    with store.engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT postgis_geos_version()").scalar()
    return tuple(int(part) for part in version.split("-")[0].split(".")[:2]) < (3, 13)


def ids_from(store, table: sa.Table, condition) -> set[int]:
    with store.engine.connect() as connection:
        return set(connection.scalars(sa.select(table.c.id).where(condition)))


def shapely_ids(geoms: dict[int, shapely.Geometry | None], predicate: str, query: shapely.Geometry) -> set[int]:
    test = getattr(shapely, predicate)
    return {i for i, geom in geoms.items() if geom is not None and test(geom, query)}


CATALOGUE_BY_ID = {i + 1: geom for i, geom in enumerate(CATALOGUE.values())}


def named(ids: set[int]) -> list[str]:
    return sorted(NAMES[i - 1] for i in ids)


def test_catalogue_round_trips_as_two_dimensional_geometry(catalogued):
    with catalogued.engine.connect() as connection:
        stored = dict(connection.execute(sa.select(shapes.c.id, shapes.c.geom)).all())
    for i, original in CATALOGUE_BY_ID.items():
        if original is None:
            assert stored[i] is None
            continue
        assert not stored[i].has_z, NAMES[i - 1]
        assert stored[i].is_empty == original.is_empty, NAMES[i - 1]
        assert shapely.equals_exact(stored[i], shapely.force_2d(original), tolerance=0) or original.is_empty, NAMES[i - 1]


@pytest.mark.parametrize("predicate", ALL_PREDICATES)
def test_every_predicate_matches_shapely_on_both_backends(catalogued, predicate):
    wrong, differences = [], set()
    for query_name, query in QUERIES.items():
        got = ids_from(catalogued, shapes, spatial_match(shapes.c.geom, query, predicate))
        expected = shapely_ids(CATALOGUE_BY_ID, predicate, query)
        differences |= {(predicate, query_name, NAMES[i - 1]) for i in got ^ expected}
        if got != expected:
            wrong.append(f"{predicate}({query_name}): extra {named(got - expected)}, missing {named(expected - got)}")
    known = {d for d in OLD_GEOS_COLLECTION_DIFFERENCES if d[0] == predicate} if geos_before_relateng(catalogued) else set()
    assert differences == known, f"{catalogued.dialect} disagrees with shapely:\n" + "\n".join(wrong)


def test_bbox_match_is_intersects_with_the_box(catalogued):
    wrong = []
    for bounds, oracle in [
        (WINDOW.bounds, WINDOW),
        ((EAST, NORTH, 102.74, 25.04), box(EAST, NORTH, 102.74, 25.04)),
        ((EAST, 25.005, EAST, 25.015), box(EAST, 25.005, EAST, 25.015)),
        ((102.6, 24.9, 102.8, 25.1), box(102.6, 24.9, 102.8, 25.1)),
        ((-180, -90, 180, 90), box(-180, -90, 180, 90)),
        # an open side ends at the edge of the lon/lat world (GEOS refuses infinite coordinates)
        ((EAST, NORTH, INF, INF), box(EAST, NORTH, 180, 90)),
        ((-INF, -INF, INF, INF), box(-180, -90, 180, 90)),
    ]:
        got = ids_from(catalogued, shapes, bbox_match(shapes.c.geom, *bounds))
        expected = shapely_ids(CATALOGUE_BY_ID, "intersects", oracle)
        if got != expected:
            wrong.append(f"bbox{bounds}: extra {named(got - expected)}, missing {named(expected - got)}")
    assert not wrong, f"{catalogued.dialect} disagrees with shapely:\n" + "\n".join(wrong)


def test_an_aliased_table_is_queried_through_its_own_index(catalogued):
    """A self-join reads the same R*Tree under another name (it used to fail on SQLite only)."""
    a, b = shapes.alias("a"), shapes.alias("b")
    query = sa.select(a.c.id).join(b, a.c.id == b.c.id).where(spatial_match(a.c.geom, WINDOW, "within"), spatial_match(b.c.geom, CORNER))
    with catalogued.engine.connect() as connection:
        got = set(connection.scalars(query))
    assert got == shapely_ids(CATALOGUE_BY_ID, "within", WINDOW) & shapely_ids(CATALOGUE_BY_ID, "intersects", CORNER)
    assert named(got) == ["polygon equal to window"]


def test_dwithin_is_not_offered():
    """Distances in degrees are meaningless; nothing used the old dwithin, so it was removed rather than fixed."""
    with pytest.raises(ValueError):
        spatial_match(shapes.c.geom, CORNER, "dwithin")


def test_an_empty_or_infinite_query_geometry_is_refused_the_same_way_on_both(catalogued):
    """Refused before any SQL: PostGIS would raise a GEOS error, SQLite an error of its own."""
    for predicate in ALL_PREDICATES:
        for geom in (Polygon(), box(EAST, NORTH, INF, INF), Point(INF, 25.0)):
            with pytest.raises(ValueError):
                spatial_match(shapes.c.geom, geom, predicate)


# --- random shapes on a coarse grid -------------------------------------------------------------------------------

STEP = 0.25  # grid step in degrees: exact in binary, so shared vertices are bit-identical
coordinate = st.tuples(st.integers(0, 4), st.integers(0, 4)).map(lambda ij: (102.0 + ij[0] * STEP, 25.0 + ij[1] * STEP))


@st.composite
def grid_shapes(draw):
    """A valid point, multipoint, line, box, triangle or two-box multipolygon with vertices on a 5 x 5 grid."""
    kind = draw(st.sampled_from(["point", "multipoint", "line", "box", "triangle", "multipolygon"]))
    if kind == "point":
        return Point(draw(coordinate))
    if kind == "multipoint":
        return MultiPoint(draw(st.lists(coordinate, min_size=2, max_size=3, unique=True)))
    if kind == "line":
        return LineString(draw(st.lists(coordinate, min_size=2, max_size=3, unique=True)))
    if kind == "triangle":
        triangle = Polygon(draw(st.lists(coordinate, min_size=3, max_size=3, unique=True)))
        return triangle if triangle.area > 0 else Point(triangle.exterior.coords[0])
    boxes = []
    for _ in range(1 if kind == "box" else 2):
        (ax, ay), (bx, by) = draw(coordinate), draw(coordinate)
        boxes.append(box(min(ax, bx), min(ay, by), max(ax, bx) + STEP, max(ay, by) + STEP))
    if kind == "box" or not boxes[0].disjoint(boxes[1]):  # parts of a valid multipolygon may only meet at points
        return boxes[0]
    return MultiPolygon(boxes)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(stored=st.lists(grid_shapes(), min_size=1, max_size=8), query=grid_shapes())
def test_random_grid_shapes_match_shapely_on_both_backends(catalogued, stored, query):
    geoms = {i + 1: geom for i, geom in enumerate(stored)}
    with catalogued.engine.begin() as connection:
        connection.execute(random_shapes.delete())
        connection.execute(random_shapes.insert(), [{"id": i, "geom": geom} for i, geom in geoms.items()])
    wrong = []
    for predicate in ALL_PREDICATES:
        got = ids_from(catalogued, random_shapes, spatial_match(random_shapes.c.geom, query, predicate))
        expected = shapely_ids(geoms, predicate, query)
        if got != expected:
            wrong.append(f"{predicate}: got {sorted(got)}, shapely {sorted(expected)}")
    # the query's bounds as a bbox: a point or a horizontal/vertical line gives a box of zero width or height
    got = ids_from(catalogued, random_shapes, bbox_match(random_shapes.c.geom, *query.bounds))
    expected = shapely_ids(geoms, "intersects", box(*query.bounds))
    if got != expected:
        wrong.append(f"bbox {query.bounds}: got {sorted(got)}, shapely {sorted(expected)}")
    assert not wrong, f"{catalogued.dialect}, query {query.wkt}, stored {[g.wkt for g in stored]}:\n" + "\n".join(wrong)


def test_index_match_is_a_superset_of_bbox_match_bounded_by_envelopes(catalogued):
    """The index-only window (for callers that measure every candidate themselves) misses
    nothing the exact box finds, and adds only what the box meets with its envelope."""
    for bounds in (WINDOW.bounds, (102.705, 25.005, 102.745, 25.015), (X0 - 1, Y0 - 1, X0 + 1, Y0 + 1)):
        exact = ids_from(catalogued, shapes, bbox_match(shapes.c.geom, *bounds))
        loose = ids_from(catalogued, shapes, index_match(shapes.c.geom, *bounds))
        assert exact <= loose, (bounds, named(exact - loose))
        widened = box(*bounds).buffer(1e-4)  # the R*Tree's float32 boxes are exact to about 1e-5 degree here
        envelopes = {i: g.envelope for i, g in CATALOGUE_BY_ID.items() if g is not None and not g.is_empty}
        assert loose <= shapely_ids(envelopes, "intersects", widened), (bounds, named(loose - exact))


def test_point_coordinate_reads_x_and_y_in_the_database(catalogued):
    points = {i: g for i, g in CATALOGUE_BY_ID.items() if isinstance(g, Point) and not g.is_empty}
    query = sa.select(shapes.c.id, point_coordinate(shapes.c.geom, 0), point_coordinate(shapes.c.geom, 1)).where(shapes.c.id.in_(points))
    with catalogued.engine.connect() as connection:
        read = {i: (x, y) for i, x, y in connection.execute(query)}
    assert read == {i: (p.x, p.y) for i, p in points.items()}
    # compiled statements are cached by column and axis: x alone then y alone read each its own
    for axis in (0, 1, 0):
        alone = sa.select(shapes.c.id, point_coordinate(shapes.c.geom, axis)).where(shapes.c.id.in_(points))
        with catalogued.engine.connect() as connection:
            assert dict(connection.execute(alone).all()) == {i: p.coords[0][axis] for i, p in points.items()}
