"""Stored numbering settings and the history of door-number changes.

Conventions differ between cities (which end is number 1, which side is odd, how
many metres per number, how infill numbers are written), so they are rows, not
code: ``NumberingDefaults`` holds a district's defaults and ``RoadNumbering`` a
road's own choices (an empty column inherits the default). ``NumberChange`` keeps
old -> new for every renumbered, retired or reused address, for public notices.
``BuildingEntrance`` is a building's surveyed main entrance, which numbering uses
instead of guessing the door from the outline. ``AddressCertificate`` is one printed
门牌证 or 地址证明 with its certificate number (``certificates``). A ``Compound``
(小区/大院) takes one door number on its road; its ``CompoundEntrance`` rows are its gates
and its ``CompoundBuilding`` rows the buildings inside, each with its 楼栋号 (``compounds``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gis.storage import Base, Geometry, Registered
from gis.storage.district_key import inherited_district_column, reference


class NumberingDefaults(Registered, Base):
    """The numbering conventions a district (``admin_code``) applies unless a road says otherwise."""

    __tablename__ = "numbering_defaults"

    admin_code: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    direction: Mapped[str] = mapped_column(String(32), nullable=False)
    odd_side: Mapped[str] = mapped_column(String(1), nullable=False)
    spacing_m: Mapped[float] = mapped_column(Float, nullable=False)
    suffix_style: Mapped[str] = mapped_column(String(8), nullable=False)
    reach_m: Mapped[float] = mapped_column(Float, nullable=False)


class RoadNumbering(Registered, Base):
    """One road's street-registry profile and its own numbering settings (NULL = district default)."""

    __tablename__ = "road_numbering"

    road_id: Mapped[int] = mapped_column(ForeignKey("roads.id"), nullable=False, unique=True)
    direction: Mapped[str | None] = mapped_column(String(32))
    odd_side: Mapped[str | None] = mapped_column(String(1))
    spacing_m: Mapped[float | None] = mapped_column(Float)
    suffix_style: Mapped[str | None] = mapped_column(String(8))
    width_m: Mapped[float | None] = mapped_column(Float)
    start_description: Mapped[str | None] = mapped_column(String(200))
    end_description: Mapped[str | None] = mapped_column(String(200))


class NumberChange(Registered, Base):
    """One address changed by a renumbering, a retirement or the reuse of a retired number."""

    __tablename__ = "door_number_changes"
    __table_args__ = (reference("door_plate_id", "door_plates"),)

    door_plate_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    road_id: Mapped[int] = mapped_column(ForeignKey("roads.id"), nullable=False, index=True)
    change: Mapped[str] = mapped_column(String(16), nullable=False)
    old_text: Mapped[str | None] = mapped_column(String(32))
    new_text: Mapped[str | None] = mapped_column(String(32))
    old_address: Mapped[str | None] = mapped_column(String(200))
    new_address: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    district_code: Mapped[str] = inherited_district_column("door_plates", "door_plate_id")  # its address's


class BuildingEntrance(Registered, Base):
    """A building's main entrance (one per building): it decides the road, side and chainage."""

    __tablename__ = "building_entrances"

    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(String(100))
    geom = mapped_column(Geometry("POINT"), nullable=False)


class AddressCertificate(Registered, Base):
    """One issued 门牌证 (``plate``) or 地址证明 (``proof``) of a door-plate address.

    ``number`` follows the rule in ``certificates`` (unique); ``address_text`` is the full
    standard address it certifies (down to 幢/单元/室), so a reprint of the same address
    keeps its number and a changed address gets a new certificate."""

    __tablename__ = "address_certificates"
    __table_args__ = (UniqueConstraint("kind", "year", "serial"), reference("door_plate_id", "door_plates"))

    door_plate_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    serial: Mapped[int] = mapped_column(Integer, nullable=False)
    address_text: Mapped[str] = mapped_column(String(300), nullable=False)
    issued_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    district_code: Mapped[str] = inherited_district_column("door_plates", "door_plate_id")  # its address's


class Compound(Registered, Base):
    """A compound (小区/大院): an area with one door number on its road (``door_plate_id``).

    The buildings inside take that number with their 楼栋号 (子君路88号3幢) instead of
    street numbers of their own; road numbering skips them."""

    __tablename__ = "compounds"
    __table_args__ = (reference("door_plate_id", "door_plates"),)

    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    road_id: Mapped[int] = mapped_column(ForeignKey("roads.id"), nullable=False, index=True)
    door_plate_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    admin_code: Mapped[str | None] = mapped_column(String(20))
    building_order: Mapped[str] = mapped_column(String(16), nullable=False, default="entrance", server_default="entrance")
    geom = mapped_column(Geometry("POLYGON"), nullable=False)
    district_code: Mapped[str] = inherited_district_column("door_plates", "door_plate_id")  # its number's (none yet: the deployment's)


class CompoundEntrance(Registered, Base):
    """A gate of a compound: ``main`` (one per compound, it places the door number) or ``side``."""

    __tablename__ = "compound_entrances"

    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    description: Mapped[str | None] = mapped_column(String(100))
    geom = mapped_column(Geometry("POINT"), nullable=False)


class CompoundBuilding(Registered, Base):
    """A building inside a compound (one compound per building) and its 楼栋号 ``label``
    (NULL until the compound's buildings are numbered); ``units`` is how many 单元 it has,
    when known (a 单元 beyond it is refused in an address)."""

    __tablename__ = "compound_buildings"
    __table_args__ = (UniqueConstraint("compound_id", "label"),)

    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), nullable=False, index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), nullable=False, unique=True)
    label: Mapped[str | None] = mapped_column(String(16))
    ordinal: Mapped[int | None] = mapped_column(Integer)
    units: Mapped[int | None] = mapped_column(Integer)
