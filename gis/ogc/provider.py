"""``StoreProvider``: one read-only pygeoapi feature provider for both storage backends.

Referenced as ``gis.ogc.provider.StoreProvider`` in the generated pygeoapi config.
Its definition carries ``data`` (the database URL), ``id_field``, ``title_field``
(the property ``q`` searches), ``geom_field`` and ``options`` describing the source
(see ``collections.Collection.provider_options``), plus optional ``count_cap``
(largest count run to report numberMatched, default 10000), ``deep_offset`` (from
which offset a page is read ids first, default 1000) and ``pool_size``.

CRS choice: the configuration declares ``storage_crs`` CRS84 although rows hold
CGCS2000 (EPSG:4490) longitude/latitude. The two frames agree to centimetres, and
declaring CRS84 makes pygeoapi hand over ``bbox`` and filter geometries as lon/lat
(with EPSG:4490 it would pass them lat-first, see the pygeoapi notes), which is what
``gis.storage.spatial`` expects. Output in another CRS is computed from the true
EPSG:4490 source by ``geojson.output_transform``.

numberMatched is reported only when it is certain: from the page itself when the
page is the last one, else from a count bounded by ``count_cap`` (omitted when the
bound is reached, and not even run when the page itself lies beyond the bound),
never estimated; ``count: false`` disables the extra count.

Deep pages: ``OFFSET n`` on the full select makes the database build (join, encode
the geometry of) the n skipped rows only to throw them away. A page from
``deep_offset`` on is therefore read in two steps: the ids of the page, in the requested order, from a
select of the id alone (PostgreSQL drops the unused join and walks the primary-key
index; no geometry is touched), then the rows of just those ids. Any ``sortby``,
filter and ``q`` keep working, the pages are exactly those of the one-step query,
and a page at offset 30 000 costs about two first pages instead of five
(``benchmarks/bench_ogc.py`` prints both). Shallower pages keep the one query: there
the second round trip would cost more than the rows skipped.
pygeoapi builds a provider per request, so construction only reads declared
metadata; the connection pool is the process's shared ``Store``.
"""

from __future__ import annotations

from typing import Any

from pygeoapi.provider.base import BaseProvider, ProviderInvalidQueryError, ProviderItemNotFoundError
from sqlalchemy import ColumnElement, func, or_, select

from gis import precision
from gis.storage import bbox_match

from . import cql, geojson, stores, values
from .source import Source, SourceConfigError

DEFAULT_COUNT_CAP = 10_000
DEFAULT_DEEP_OFFSET = 1_000


class StoreProvider(BaseProvider):
    """Features of one stored table (with optional joins and a fixed filter), read-only."""

    def __init__(self, provider_def: dict[str, Any]):
        super().__init__(provider_def)
        options = self.options or {}
        self.editable = False
        self.id_field: str = self.id_field or "id"
        self.geom_field = provider_def.get("geom_field", "geom")
        self.source = Source.from_options(options, id_field=self.id_field, geom_field=self.geom_field)
        grid = options.get("public_grid_deg")
        self.grid: float | None = float(grid) if grid else None  # sensitive positions: published on this grid
        self.properties = list(self.source.columns)
        self._fields = self.get_fields()
        if self.title_field is not None and self.title_field not in self.source.columns:
            raise SourceConfigError(f"title_field {self.title_field!r} is not a public property")
        self.count_cap = int(provider_def.get("count_cap", DEFAULT_COUNT_CAP))
        self.deep_offset = int(provider_def.get("deep_offset", DEFAULT_DEEP_OFFSET))
        self.store = stores.store_for(self.data, pool_size=int(provider_def.get("pool_size", 5)))

    def get_fields(self) -> dict[str, dict[str, str]]:
        return self.source.fields()

    def query(
        self,
        offset: int = 0,
        limit: int = 10,
        resulttype: str = "results",
        bbox: list | None = None,
        datetime_: str | None = None,  # no collection has a time field; ignored like pygeoapi's own providers
        properties: list | None = None,
        sortby: list | None = None,
        select_properties: list | None = None,
        skip_geometry: bool = False,
        q: str | None = None,
        filterq=None,
        crs_transform_spec=None,
        **kwargs,
    ) -> dict[str, Any]:
        conditions = self._conditions(bbox or [], properties or [], q, filterq)
        if resulttype == "hits":
            with self.store.read(public=True) as session:
                total = session.scalar(self._count(conditions))
            return {"type": "FeatureCollection", "features": [], "numberMatched": total, "numberReturned": 0}

        names = [name for name in self.properties if not select_properties or name in select_properties]
        order = self._order(sortby or [])
        with self.store.read(public=True) as session:
            if offset >= max(1, self.deep_offset):
                rows, more = self._deep_page(session, names, not skip_geometry, conditions, order, offset, limit)
            else:
                statement = (
                    self.source.select(names, with_geometry=not skip_geometry)
                    .where(*conditions)
                    .order_by(*order)
                    .offset(offset)
                    .limit(limit + 1)
                )
                rows = session.execute(statement).mappings().all()
                more = len(rows) > limit
                rows = rows[:limit]
            matched = self._number_matched(session, conditions, offset, len(rows), more)
        transform = geojson.output_transform(crs_transform_spec)
        result: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": [geojson.feature(row, names, transform, grid=self.grid) for row in rows],
            "numberReturned": len(rows),
        }
        if matched is not None:
            result["numberMatched"] = matched
        return result

    def get(self, identifier, crs_transform_spec=None, **kwargs) -> dict[str, Any]:
        try:
            key = values.coerce(identifier, self.source.id_column.type, self.id_field)
        except ProviderInvalidQueryError:
            raise ProviderItemNotFoundError(user_msg=f"未找到要素 {identifier} / feature {identifier} not found") from None
        statement = self.source.select(self.properties, with_geometry=True).where(self.source.id_column == key)
        with self.store.read(public=True) as session:
            row = session.execute(statement).mappings().first()
        if row is None:
            raise ProviderItemNotFoundError(user_msg=f"未找到要素 {identifier} / feature {identifier} not found")
        return geojson.feature(row, self.properties, geojson.output_transform(crs_transform_spec), grid=self.grid)

    def _conditions(self, bbox: list, properties: list, q: str | None, filterq) -> list[ColumnElement]:
        conditions: list[ColumnElement] = []
        if bbox:
            minx, miny, maxx, maxy = (bbox[0], bbox[1], bbox[3], bbox[4]) if len(bbox) == 6 else bbox
            # on a coarse layer the box is widened to whole grid cells: it cannot locate a point within its cell
            minx, miny, maxx, maxy = precision.cell_bbox(float(minx), float(miny), float(maxx), float(maxy), self.grid)
            conditions.append(bbox_match(self.source.geom_column, minx, miny, maxx, maxy))
        for name, value in properties:
            column = self.source.column(name)
            conditions.append(column == values.coerce(value, column.type, name))
        if q and q.strip(", "):
            conditions.append(self._text_search(q))
        if filterq is not None:
            conditions.append(cql.to_sql(filterq, self.source, {self.geom_field, "geometry"}, spatial=self.grid is None))
        return conditions

    def _text_search(self, q: str) -> ColumnElement:
        """Any of the comma-separated terms occurs in the title field (case-insensitive)."""
        if self.title_field is None:
            raise ProviderInvalidQueryError(user_msg="该集合不支持 q 检索 / this collection has no text search")
        column = self.source.column(self.title_field)
        terms = [term.strip() for term in q.split(",") if term.strip()]
        return or_(*(column.icontains(term, autoescape=True) for term in terms))

    def _order(self, sortby: list[dict]) -> list[ColumnElement]:
        order: list[ColumnElement] = []
        for item in sortby:
            column = self.source.column(item["property"])
            order.append(column.desc() if item.get("order") == "-" else column.asc())
        order.append(self.source.id_column.asc())  # deterministic pages
        return order

    def _deep_page(self, session, names, with_geometry: bool, conditions, order, offset: int, limit: int):
        """(rows, more) of the page at ``offset``: its ids first (id-only select, cheap to
        skip over), then those rows, put back in the ids' order."""
        id_query = (
            select(self.source.id_column)
            .select_from(self.source.from_clause)
            .where(*self.source.fixed, *conditions)
            .order_by(*order)
            .offset(offset)
            .limit(limit + 1)
        )
        ids = list(session.scalars(id_query))
        more = len(ids) > limit
        ids = ids[:limit]
        if not ids:
            return [], more
        statement = self.source.select(names, with_geometry=with_geometry).where(self.source.id_column.in_(ids))
        by_id = {row["__id"]: row for row in session.execute(statement).mappings()}
        return [by_id[key] for key in ids if key in by_id], more

    def _count(self, conditions: list[ColumnElement], cap: int | None = None):
        matching = select(self.source.id_column).select_from(self.source.from_clause).where(*self.source.fixed, *conditions)
        if cap is not None:
            matching = matching.limit(cap + 1)
        return select(func.count()).select_from(matching.subquery())

    def _number_matched(self, session, conditions, offset: int, returned: int, more: bool) -> int | None:
        if not more and (returned or offset == 0):
            return offset + returned
        if not self.count or offset + returned >= self.count_cap:
            return None  # beyond the bound the capped count could only say "more than the cap"
        total = session.scalar(self._count(conditions, self.count_cap))
        return total if total <= self.count_cap else None

    def __repr__(self) -> str:
        return f"<StoreProvider> {self.source.table.name}"
