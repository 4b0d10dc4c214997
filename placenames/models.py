"""Stored records of the place-name side: names and door plates (roads, rivers and buildings are ``gis.basemap``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Computed, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, validates

import gis.basemap  # noqa: F401  (door plates refer to its roads and buildings)
from gis.storage import Base, Geometry, Registered
from gis.storage.district_key import district_column, inherited_district_column, reference

from . import categories
from .sides import side_code

NAME_STATUSES = ("proposed", "in_procedure", "current", "retired", "rejected", "withdrawn")
NAME_STATUS_LABELS = {
    "proposed": ("拟命名", "proposed"),
    "in_procedure": ("办理中", "in procedure"),
    "current": ("现行", "current"),
    "retired": ("已销名（历史）", "retired (cancelled)"),
    "rejected": ("未获批准", "rejected"),
    "withdrawn": ("已撤回", "withdrawn"),
}


class PlaceName(Registered, Base):
    """A standard place name in the register, with every field of the 2nd national
    census registration form (see docs/placenames.md for the field map).

    ``status`` follows the naming procedure: proposed -> in_procedure -> current ->
    retired (or rejected, or withdrawn by the applicant). Only current names are public. Aliases, short and former
    names live in ``place_name_aliases`` (registry_models).

    On PostgreSQL the table is partitioned by ``district_code`` (migration
    0017_partition20_districts): its primary key there is (id, district_code), and each
    unique rule below ends with the district, which is what the statute says anyway.
    """

    __tablename__ = "place_names"
    # 条例 Art.9 in the database itself: among current names, a 街路巷 name occurs once,
    # and an important estate/building name occurs once. The checks explain a clash
    # before a write; this index makes sure that even two officers announcing the same
    # name at the same moment cannot both succeed (migration 0007_names_unique). In the
    # district: the partition key ends it (0017_partition20_districts).
    __table_args__ = (
        Index(
            "uq_place_names_current_unique_name",
            "unique_class",
            "name",
            "district_code",
            unique=True,
            postgresql_where=text(categories.UNIQUE_INDEX_WHERE),
            sqlite_where=text(categories.UNIQUE_INDEX_WHERE),
        ),
        # 地名代码: one name each in the district (placenames.name_codes); its first six digits are the county's code
        Index("uq_place_names_name_code", "name_code", "district_code", unique=True),
    )

    name: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    romanization: Mapped[str | None] = mapped_column(String(200))
    category_code: Mapped[str] = mapped_column(String(32), nullable=False)
    category_label: Mapped[str] = mapped_column(String(50), nullable=False)
    admin_code: Mapped[str | None] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="current")
    description: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("GEOMETRY"))
    # spelling (GB/T 16159): parts, generic spelling, officer's override, homophone key
    specific_part: Mapped[str | None] = mapped_column(String(100))
    generic_part: Mapped[str | None] = mapped_column(String(50))
    generic_romanization: Mapped[str | None] = mapped_column(String(100))
    romanization_override: Mapped[str | None] = mapped_column(String(200))
    pinyin_key: Mapped[str | None] = mapped_column(String(200), index=True)
    # codes: 20-digit census 地名代码; statistical code of the unit the name designates
    name_code: Mapped[str | None] = mapped_column(String(20))
    entity_code: Mapped[str | None] = mapped_column(String(20))
    cross_admin_codes: Mapped[str | None] = mapped_column(String(200))
    # census: map, sound, script, dates, counts
    map_name: Mapped[str | None] = mapped_column(String(100))
    map_sheet: Mapped[str | None] = mapped_column(String(50))
    map_scale: Mapped[str | None] = mapped_column(String(20))
    pronunciation_audio: Mapped[str | None] = mapped_column(String(300))
    minority_script: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(50))
    named_on: Mapped[str | None] = mapped_column(String(32))
    established_year: Mapped[int | None] = mapped_column(Integer)
    abolished_year: Mapped[int | None] = mapped_column(Integer)
    sign_count: Mapped[int | None] = mapped_column(Integer)
    elevation_m: Mapped[float | None] = mapped_column(Float)
    measurement_method: Mapped[str | None] = mapped_column(String(16))
    # census: texts
    meaning: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str | None] = mapped_column(Text)
    history: Mapped[str | None] = mapped_column(Text)
    entity_description: Mapped[str | None] = mapped_column(Text)
    location_description: Mapped[str | None] = mapped_column(Text)
    multimedia: Mapped[str | None] = mapped_column(Text)
    data_source: Mapped[str | None] = mapped_column(Text)
    remarks: Mapped[str | None] = mapped_column(Text)
    # census: registration and classification (密级: classified records are never public)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    registrar: Mapped[str | None] = mapped_column(String(64))
    registering_unit: Mapped[str | None] = mapped_column(String(100))
    classification: Mapped[str] = mapped_column(String(16), nullable=False, default="public", server_default="public")
    # approval (条例 Art.12-14)
    approving_body: Mapped[str | None] = mapped_column(String(100))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    approval_document: Mapped[str | None] = mapped_column(String(100))
    filed_on: Mapped[dt.date | None] = mapped_column(Date)
    announced_on: Mapped[dt.date | None] = mapped_column(Date)
    retired_on: Mapped[dt.date | None] = mapped_column(Date)
    # The category's uniqueness class (categories.csv), computed by the database from
    # category_code so no writer — import, procedure or hand-made SQL — can leave it out.
    unique_class: Mapped[str | None] = mapped_column(String(16), Computed(categories.unique_class_sql(), persisted=True))
    district_code: Mapped[str] = district_column()


class NameCodeSerial(Registered, Base):
    """The last serial given under one 14-digit 地名代码 prefix (placenames.name_codes).
    Serials only grow, so a code once given is never given again, even if its name goes."""

    __tablename__ = "name_code_serials"

    prefix: Mapped[str] = mapped_column(String(14), nullable=False, index=True, unique=True)
    last_serial: Mapped[int] = mapped_column(Integer, nullable=False)


class DoorPlate(Registered, Base):
    """A door number on a road. The database guarantees (road, number, suffix) is unique.

    On PostgreSQL the table is partitioned by ``district_code``, the district of the
    plate's road (the foreign key to the road holds both, so a plate cannot be in another
    district than its road): the rule reads (road, number, suffix, district) there and
    means the same. The primary key there is (id, district_code); ids still come from
    the table's one sequence."""

    __tablename__ = "door_plates"
    __table_args__ = (
        UniqueConstraint("road_id", "number", "suffix", "district_code", name="uq_door_plates_road_id_number_suffix"),
        reference("road_id", "roads"),
    )

    road_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    suffix: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    number_text: Mapped[str] = mapped_column(String(32), nullable=False)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    side: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="current")
    geom = mapped_column(Geometry("POINT"), nullable=False)
    # Added by migration 0005_numbering: where the plate lies along its road, whether
    # it is the building's main or a secondary (corner) address, and the community
    # whose 省/市/区/街道/社区 prefix the standard address derives from.
    chainage_m: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="main", server_default="main")
    admin_code: Mapped[str | None] = mapped_column(String(20), index=True)
    district_code: Mapped[str] = inherited_district_column("roads", "road_id")

    @validates("side")
    def _one_side_code(self, _key, value):
        """Every write stores the one code (L/R), whatever spelling the writer used."""
        return side_code(value)
