"""Stored records of the place-name side: names, roads, rivers, buildings, door plates."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gis.storage import Base, Geometry, Registered


class PlaceName(Registered, Base):
    """A standard place name in the register (the naming procedure extends it)."""

    __tablename__ = "place_names"

    name: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    romanization: Mapped[str | None] = mapped_column(String(200))
    category_code: Mapped[str] = mapped_column(String(32), nullable=False)
    category_label: Mapped[str] = mapped_column(String(50), nullable=False)
    admin_code: Mapped[str | None] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="current")
    description: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("GEOMETRY"))


class Road(Registered, Base):
    """A named road, street or lane: one centreline, unique name in the district."""

    __tablename__ = "roads"

    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    road_class: Mapped[str] = mapped_column(String(16), nullable=False)
    admin_code: Mapped[str | None] = mapped_column(String(20), index=True)
    geom = mapped_column(Geometry("MULTILINESTRING"), nullable=False)


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


class DoorPlate(Registered, Base):
    """A door number on a road. The database guarantees (road, number, suffix) is unique."""

    __tablename__ = "door_plates"
    __table_args__ = (UniqueConstraint("road_id", "number", "suffix"),)

    road_id: Mapped[int] = mapped_column(ForeignKey("roads.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    suffix: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    number_text: Mapped[str] = mapped_column(String(32), nullable=False)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    side: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="current")
    geom = mapped_column(Geometry("POINT"), nullable=False)
