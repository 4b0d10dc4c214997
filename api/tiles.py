"""OGC API - Tiles of the street map: /tiles, /tiles/WebMercatorQuad and its Mapbox Vector Tiles.

The pages' maps draw these tiles (pages/static/streetmap.js), so no map request leaves
the server. What a tile holds is the street map's layers below, over the base map's
tables (``gis.basemap``); ``gis.tiles`` makes and caches the tiles. Public reads.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from api.web.health import STORE_KEY
from gis import tiles
from gis.basemap import AdminUnit, Building, Road, Waterway
from gis.profile import PROFILE_KEY
from gis.tiles import TileLayer
from placenames.models import PlaceName

blueprint = Blueprint("tiles", __name__)

TILES_KEY = "diming.tiles"
MAX_AGE = 60
_UNITS = AdminUnit.__tablename__
# Register categories drawn as places: offices, schools and hospitals, parks, sights, stations, the airport.
PLACE_CATEGORIES = ("27100", "27300", "25200", "25100", "25900", "23220", "23410", "26100")

# The street map: what each layer holds, from which zoom. Units are the versions in force.
STREET_MAP: tuple[TileLayer, ...] = (
    TileLayer("water", Waterway.__tablename__, attributes=("name", "waterway_class"), min_zoom=8),
    TileLayer("buildings", Building.__tablename__, min_zoom=15),
    TileLayer("roads", Road.__tablename__, attributes=("name", "road_class"), min_zoom=10),
    TileLayer("district", _UNITS, attributes=("name", "code"), among=(("level", ("district",)),), open_column="valid_to"),
    TileLayer(
        "subdistricts", _UNITS, attributes=("name", "code"), among=(("level", ("subdistrict",)),), open_column="valid_to", min_zoom=8
    ),
    TileLayer("communities", _UNITS, attributes=("name", "code"), among=(("level", ("community",)),), open_column="valid_to", min_zoom=12),
    TileLayer(
        "places",  # landmarks and public buildings of the register, by name (a dot and the name)
        PlaceName.__tablename__,
        attributes=("name", "category_code"),
        among=(("status", ("current",)), ("classification", ("public",)), ("category_code", PLACE_CATEGORIES)),
        points=True,
        min_zoom=13,
        buffer=1024,
    ),
    TileLayer(
        "labels",
        _UNITS,
        attributes=("name", "level"),
        among=(("level", ("subdistrict", "community")),),
        open_column="valid_to",
        points=True,
        min_zoom=10,
        buffer=1024,  # a quarter tile: a name near an edge is written by both tiles
    ),
)


def vector_tiles() -> tiles.VectorTiles:
    """The app's tiles (one cache per app)."""
    made = current_app.extensions.get(TILES_KEY)
    if made is None:
        made = current_app.extensions[TILES_KEY] = tiles.VectorTiles(current_app.extensions[STORE_KEY], STREET_MAP)
    return made


def _template() -> str:
    base = url_for("tiles.tileset", _external=True)
    return base + "/{tileMatrix}/{tileRow}/{tileCol}.mvt"


@blueprint.get("/tiles")
def tilesets():
    """The tilesets: the street map in WebMercatorQuad (OGC API - Tiles)."""
    profile = current_app.extensions[PROFILE_KEY]
    return jsonify(
        {
            "tilesets": [
                {
                    "title": f"{profile.name.zh}街道图 / {profile.name.en} street map",
                    "dataType": "vector",
                    "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
                    "tileMatrixSetURI": tiles.TILE_MATRIX_SET_URI,
                    "links": [{"rel": "self", "type": "application/json", "href": url_for("tiles.tileset", _external=True)}],
                }
            ],
            "links": [{"rel": "self", "type": "application/json", "href": request.base_url}],
        }
    )


@blueprint.get(f"/tiles/{tiles.TILE_MATRIX_SET}")
def tileset():
    """The street map's tileset: layers, zoom range and tile URL template (OGC tileset metadata and TileJSON)."""
    profile = current_app.extensions[PROFILE_KEY]
    body = tiles.tileset(
        STREET_MAP,
        _template(),
        title=f"{profile.name.zh}街道图 / {profile.name.en} street map",
        bounds=profile.extent,
        center=profile.start_view.center,
        zoom=profile.start_view.zoom,
    )
    return jsonify(body)


@blueprint.get(f"/tiles/{tiles.TILE_MATRIX_SET}/<z>/<int:row>/<int:col>.mvt")
def tile(z: str, row: int, col: int):
    """One street-map tile (Mapbox Vector Tile); empty where there is no data."""
    made = vector_tiles().tile(tiles.check_zoom(z), row, col)
    response = Response(made.content, mimetype=tiles.CONTENT_TYPE)
    response.set_etag(made.etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response.make_conditional(request)
