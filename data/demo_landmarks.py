"""Demo step: landmarks and public buildings in the register of standard names.

Why: residents ask the public search for places as often as for addresses — the
district government, their subdistrict office, the community health centre, a school,
a park, the old town, the airport. A register of roads and units only answers "not
found" to all of them. These names go in as a census import would put them (the
place-name layer, with the naming rules and spelling of every import), with their
short forms (简称: 长水机场, 官渡区政府) so the search finds what people say.

What it makes (synthetic, ``source = synthetic-demo``; the positions are demo buildings,
not the real sites): for each subdistrict in force, its office (…街道办事处, or …管理委员会
for a development zone), a community health centre, a primary school and a park near
its centre; for the district, its people's government and hospital in the first
subdistrict, and — where the demo has their subdistricts — 官渡古镇 in 官渡街道 and the
airport in 长水街道.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import select

from gis.basemap import AdminUnit, Building
from gis.crs import STORAGE_CRS
from gis.layers import LayerRegistry
from gis.storage import Store
from gis.transfer import insert_frame
from placenames import categories
from placenames.layers import layers as placename_layers
from placenames.models import PlaceName
from placenames.registry_models import NameAlias
from placenames.romanization import romanize

ACTOR = "demo-builder"
SOURCE = "synthetic-demo"
NEAREST = 40  # landmarks of a subdistrict stand among the buildings nearest its centre
OFFICE, INSTITUTION, PARK, SCENIC, AIRPORT = "27100", "27300", "25200", "25100", "23410"


# How the generic words of institution names are spelled, word by word (the rules for
# place names would glue 社区卫生服务中心 into one word or split 公园 as a generic).
WORDS = {
    "人民政府": "Renmin Zhengfu",
    "人民医院": "Renmin Yiyuan",
    "办事处": "Banshichu",
    "管理委员会": "Guanli Weiyuanhui",
    "社区卫生服务中心": "Shequ Weisheng Fuwu Zhongxin",
    "小学": "Xiaoxue",
    "公园": "Gongyuan",
    "古镇": "Guzhen",
    "国际机场": "Guoji Jichang",
}


@dataclass(frozen=True)
class Landmark:
    name: str
    category_code: str
    subdistrict_code: str
    short_names: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # the name cut into words for its spelling (joined: the name)

    @property
    def romanization(self) -> str:
        """Word by word: 关上街道办事处 -> Guanshang Jiedao Banshichu (not Guanshangjiedao …)."""
        return " ".join(WORDS.get(word) or romanize(word) for word in self.words)


def add_landmarks(store: Store, *, seed: int) -> dict[str, int]:
    """Register the demo's landmarks with their short names; returns the count."""
    with store.read() as session:
        district = session.scalars(select(AdminUnit).where(AdminUnit.level == "district", AdminUnit.valid_to.is_(None))).first()
        subdistricts = session.scalars(
            select(AdminUnit).where(AdminUnit.level == "subdistrict", AdminUnit.valid_to.is_(None)).order_by(AdminUnit.code)
        ).all()
        parent = dict(
            session.execute(
                select(AdminUnit.code, AdminUnit.parent_code).where(AdminUnit.level == "community", AdminUnit.valid_to.is_(None))
            ).all()
        )
        buildings = session.execute(select(Building.community_code, Building.geom)).all()
    if district is None or not subdistricts:
        return {"landmarks": 0}
    wanted = landmarks(district.name, [(s.code, s.name) for s in subdistricts])
    sites = _sites(wanted, subdistricts, parent, buildings, seed)
    placed = [(landmark, sites[i]) for i, landmark in enumerate(wanted) if sites[i] is not None]
    frame = gpd.GeoDataFrame(
        {
            "name": [m.name for m, _ in placed],
            "category_code": [m.category_code for m, _ in placed],
            "category_label": [categories.get(m.category_code).label_zh for m, _ in placed],
            "admin_code": [m.subdistrict_code for m, _ in placed],
            "romanization": [m.romanization for m, _ in placed],
            "status": "current",
            "source": SOURCE,
        },
        geometry=[site for _, site in placed],
        crs=STORAGE_CRS,
    )
    layer = LayerRegistry(placename_layers()).get("place_names")
    with store.transaction(actor=ACTOR, reason="演示数据：登记地标和公共机构名称 demo landmarks") as session:
        count = insert_frame(store, session, layer, frame, source=SOURCE)
        names = [m.name for m, _ in placed]
        ids = dict(
            session.execute(select(PlaceName.name, PlaceName.id).where(PlaceName.name.in_(names), PlaceName.status == "current")).all()
        )
        for landmark, _ in placed:
            for short in landmark.short_names:
                session.add(NameAlias(place_name_id=ids[landmark.name], alias=short, kind="short", note="演示数据 demo"))
    return {"landmarks": count}


def landmarks(district_name: str, subdistricts: list[tuple[str, str]]) -> list[Landmark]:
    """The landmarks of a district with these (code, name) subdistricts, in a fixed order."""
    first = subdistricts[0][0]
    out = [
        Landmark(f"{district_name}人民政府", OFFICE, first, (f"{district_name}政府",), (district_name, "人民政府")),
        Landmark(f"{district_name}人民医院", INSTITUTION, first, (f"{district_name}医院",), (district_name, "人民医院")),
    ]
    for code, name in subdistricts:
        short = name.removesuffix("街道")
        if short == name:  # a development zone: its managing committee, named in full
            out.append(Landmark(f"{name}管理委员会", OFFICE, code, (f"{name}管委会",), (name, "管理委员会")))
            continue
        out += [
            Landmark(f"{name}办事处", OFFICE, code, (f"{name}办",), (name, "办事处")),
            Landmark(f"{short}社区卫生服务中心", INSTITUTION, code, (), (short, "社区卫生服务中心")),
            Landmark(f"{short}小学", INSTITUTION, code, (), (short, "小学")),
            Landmark(f"{short}公园", PARK, code, (), (short, "公园")),
        ]
        if name == "官渡街道":
            out.append(Landmark("官渡古镇", SCENIC, code, (), ("官渡", "古镇")))
        if name == "长水街道":
            out.append(Landmark("昆明长水国际机场", AIRPORT, code, ("长水机场", "长水国际机场"), ("昆明", "长水", "国际机场")))
    return out


def _sites(wanted, subdistricts, parent, buildings, seed: int) -> list[shapely.Point | None]:
    """A distinct demo building's centre for each landmark, among the buildings nearest
    its subdistrict's centre (chosen by the seed); None where a subdistrict has none."""
    rng = np.random.default_rng(seed)
    centre = {s.code: s.geom.representative_point() for s in subdistricts if s.geom is not None}
    by_subdistrict: dict[str, list] = {}
    for community_code, geom in buildings:
        by_subdistrict.setdefault(parent.get(community_code), []).append(geom)
    taken: dict[str, list[int]] = {}
    sites: list[shapely.Point | None] = []
    for landmark in wanted:
        code = landmark.subdistrict_code
        geoms = by_subdistrict.get(code, [])
        if not geoms or code not in centre:
            sites.append(None)
            continue
        if code not in taken:
            distances = shapely.distance(np.array(geoms, dtype=object), centre[code])
            nearest = np.argsort(distances)[:NEAREST]
            taken[code] = [int(i) for i in rng.permutation(nearest)]
        order = taken[code]
        sites.append(geoms[order.pop(0)].representative_point() if order else None)
    return sites
