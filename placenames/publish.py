"""The place-name layers the public may read through the OGC API, and what they show.

Only public properties are listed: audit columns (who changed what) and internal
keys stay private. Place names are public only while current and not classified
(密级); names in procedure, retired names and applicant data never appear. Addresses show the road's name rather than its internal id.
The sign and plate inventory shows what stands on the ground (text, type, status),
never inspection notes, photos or who recorded them.
"""

from __future__ import annotations

from gis.ogc.collections import Collection

MODELS = ["gis.basemap", "placenames.models"]
INVENTORY_MODELS = ["gis.basemap", "placenames.models", "placenames.signs.models"]


def collections() -> list[Collection]:
    return [
        _placenames("placenames", "", "", ()),
        # The same names split by geometry type: GDAL, QGIS and shapefiles need one type per layer.
        _placenames("placenames-points", "（点）", " (points)", ("Point", "MultiPoint")),
        _placenames("placenames-lines", "（线）", " (lines)", ("LineString", "MultiLineString")),
        _placenames("placenames-polygons", "（面）", " (polygons)", ("Polygon", "MultiPolygon")),
        Collection(
            id="roads",
            title_zh="道路（街路巷）",
            title_en="Roads and streets",
            description="已命名的街、路、巷中心线 / Centrelines of named roads, streets and lanes",
            table="roads",
            properties=["name", "road_class", "admin_code"],
            title_field="name",
            keywords=["街路巷", "道路", "roads", "streets"],
            models=MODELS,
        ),
        Collection(
            id="addresses",
            title_zh="门牌地址",
            title_en="Addresses (door plates)",
            description="门牌号及其标准地址、所属社区和街道 / Door numbers and their standard addresses, community and subdistrict",
            table="door_plates",
            # number is the whole number, for sorting and comparing (12附1 has number 12);
            # number_text is the door number as written on the plate.
            properties=["road", "number", "number_text", "address", "community_code", "subdistrict_code"],
            sources={"road": "roads.name", "community_code": "admin_code", "subdistrict_code": "admin_code[:9]"},
            joins={"roads": "road_id"},
            where={"status": "current"},  # retired numbers leave the public map (they stay in the register)
            title_field="address",
            keywords=["门牌", "地址", "addresses", "door plates"],
            models=MODELS,
        ),
        Collection(
            id="door-plates",
            title_zh="门楼牌",
            title_en="Door plates (physical)",
            description="实地设置的门牌、楼牌、单元牌、户牌及其牌面文字和状态 / "
            "The plates on the ground (门牌, 楼牌, 单元牌, 户牌) with their text and status",
            table="plate_items",
            properties=["level", "text", "status", "installed_on", "address", "number", "number_text"],
            sources={"address": "door_plates.address", "number": "door_plates.number", "number_text": "door_plates.number_text"},
            joins={"door_plates": "door_plate_id"},
            title_field="text",
            keywords=["门牌", "楼牌", "单元牌", "户牌", "door plates"],
            models=INVENTORY_MODELS,
        ),
        Collection(
            id="road-signs",
            title_zh="路牌",
            title_en="Road signs",
            description="路牌位置、所属道路、中文及罗马字母拼写牌面、类型和状态 / "
            "Road signs: position, road, Chinese and romanized text, type and status",
            table="road_signs",
            properties=["road", "text_zh", "text_roman", "sign_type", "status"],
            sources={"road": "roads.name"},
            joins={"roads": "road_id"},
            title_field="text_zh",
            keywords=["路牌", "地名标志", "road signs", "GB 17733"],
            models=INVENTORY_MODELS,
        ),
        Collection(
            id="buildings",
            title_zh="建筑物",
            title_en="Buildings",
            description="建筑物轮廓、户数与层数 / Building footprints with households and floors",
            table="buildings",
            properties=["code", "households", "floors", "community_code"],
            title_field="code",
            keywords=["建筑物", "楼栋", "buildings"],
            models=MODELS,
        ),
        Collection(
            id="waterways",
            title_zh="河流水系",
            title_en="Rivers and waterways",
            description="河流、沟渠中心线 / Centrelines of rivers and canals",
            table="waterways",
            properties=["name", "waterway_class"],
            title_field="name",
            keywords=["河流", "水系", "waterways", "rivers"],
            models=MODELS,
        ),
    ]


def _placenames(collection_id: str, zh_suffix: str, en_suffix: str, geometry_types: tuple[str, ...]) -> Collection:
    mixed = "；点、线、面混合 / points, lines and polygons mixed" if not geometry_types else ""
    return Collection(
        id=collection_id,
        title_zh="标准地名" + zh_suffix,
        title_en="Standard place names" + en_suffix,
        description="已批准的标准地名及其罗马字母拼写、类别和所属行政区 / "
        "Approved standard place names with romanization, category and administrative unit" + mixed,
        table="place_names",
        properties=[
            "name",
            "romanization",
            "specific_part",
            "generic_part",
            "category_code",
            "category_label",
            "admin_code",
            "status",
            "location_description",
            "approving_body",
        ],
        title_field="name",
        keywords=["地名", "place names", "GB/T 18521"],
        where={"status": "current", "classification": "public"},
        models=MODELS,
        geometry_types=geometry_types,
    )
