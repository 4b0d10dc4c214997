"""The base map both domains stand on: roads, waterways, buildings, administrative units, blocks.

Place names number doors along roads and inside buildings and blocks; boundaries
follow roads and rivers and divide blocks among communities. Neither domain owns
these tables, so they live here, below both, and ``placenames`` and ``boundaries``
never import each other.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gis.storage import Base, Geometry, Registered
from gis.storage.district_key import district_column

UNIT_LEVELS = ("district", "subdistrict", "community", "group", "building")


class Road(Registered, Base):
    """A named road, street or lane: one centreline, unique name in the district.

    ``district_code`` is the district the road lies in; its door plates take it on
    (PostgreSQL partitions them by it, gis.storage.district_key), so (id, district_code)
    is unique too: the key their foreign key refers to."""

    __tablename__ = "roads"
    __table_args__ = (UniqueConstraint("id", "district_code"),)

    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    road_class: Mapped[str] = mapped_column(String(16), nullable=False)
    admin_code: Mapped[str | None] = mapped_column(String(20), index=True)
    geom = mapped_column(Geometry("MULTILINESTRING"), nullable=False)
    district_code: Mapped[str] = district_column()


class Waterway(Registered, Base):
    __tablename__ = "waterways"

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    waterway_class: Mapped[str] = mapped_column(String(16), nullable=False)
    geom = mapped_column(Geometry("MULTILINESTRING"), nullable=False)


class Building(Registered, Base):
    __tablename__ = "buildings"

    code: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    block_code: Mapped[str | None] = mapped_column(String(20), index=True)
    community_code: Mapped[str | None] = mapped_column(String(20), index=True)
    households: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    floors: Mapped[int | None] = mapped_column(Integer)
    geom = mapped_column(Geometry("POLYGON"), nullable=False)


class AdminUnit(Registered, Base):
    """One version of an administrative unit; a reorganisation adds a new version.

    ``valid_to`` is empty for the version in force, so the map of any past date is
    the set of versions whose validity covers that date.
    """

    __tablename__ = "admin_units"
    __table_args__ = (UniqueConstraint("code", "valid_from"),)

    code: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    parent_code: Mapped[str | None] = mapped_column(String(20), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    households: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    name_source: Mapped[str | None] = mapped_column(String(64))
    geom = mapped_column(Geometry("MULTIPOLYGON"))


class Block(Registered, Base):
    """A building block bounded by roads and rivers: the redistricting atom."""

    __tablename__ = "blocks"

    code: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    subdistrict_code: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    community_code: Mapped[str | None] = mapped_column(String(20), index=True)
    households: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    dense: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    area_m2: Mapped[float | None] = mapped_column(Float)
    geom = mapped_column(Geometry("POLYGON"), nullable=False)
