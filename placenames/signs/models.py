"""Stored sign and plate items and their inspection records.

Items keep the text they physically carry (``text_zh``/``text_roman``), not a link
that would silently follow a rename: comparing that text with the register is how
out-of-date signs are found after a renaming.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from gis.storage import Base, Geometry, Registered
from gis.storage.district_key import inherited_district_column, reference

ROAD_SIGN, PLATE = "road_sign", "plate"
PLATE_LEVELS = ("门牌", "楼牌", "单元牌", "户牌")
#: The state of a sign or plate on the ground: stored code -> the label field teams read and write.
STATUS_LABELS = {
    "planned": "待安装",
    "in_service": "在用",
    "damaged": "损坏",
    "faded": "褪色",
    "missing": "缺失",
    "removed": "已拆除",
}
ITEM_STATUSES = tuple(STATUS_LABELS)
RESULT_LABELS = {"pass": "合格", "fail": "不合格"}  # of an inspection
DEFECTS = ("damaged", "faded", "wrong_text", "missing", "wrong_position")
MAIN_PLATE = "门牌"
#: An address carries one main plate that is not removed (migration 0009b_one_main_plate).
MAIN_PLATE_INDEX = "uq_plate_items_one_main_plate"
MAIN_PLATE_WHERE = "level = '门牌' AND status <> 'removed'"


class RoadSign(Registered, Base):
    __tablename__ = "road_signs"

    road_id: Mapped[int] = mapped_column(ForeignKey("roads.id"), nullable=False, index=True)
    text_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    text_roman: Mapped[str] = mapped_column(String(200), nullable=False)
    sign_type: Mapped[str] = mapped_column(String(32), nullable=False)
    size: Mapped[str | None] = mapped_column(String(32))
    installed_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="in_service")
    geom = mapped_column(Geometry("POINT"), nullable=False)


class PlateItem(Registered, Base):
    """A physical plate of one address level (门牌, 楼牌, 单元牌, 户牌) on a door-plate address."""

    __tablename__ = "plate_items"
    __table_args__ = (
        Index(
            MAIN_PLATE_INDEX,
            "door_plate_id",
            unique=True,
            postgresql_where=text(MAIN_PLATE_WHERE),
            sqlite_where=text(MAIN_PLATE_WHERE),
        ),
        reference("door_plate_id", "door_plates"),
    )

    door_plate_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    level: Mapped[str] = mapped_column(String(8), nullable=False)
    text: Mapped[str] = mapped_column(String(200), nullable=False)
    plate_type: Mapped[str | None] = mapped_column(String(32))
    installed_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="in_service")
    geom = mapped_column(Geometry("POINT"))  # where the plate hangs (its address point unless surveyed)
    district_code: Mapped[str] = inherited_district_column("door_plates", "door_plate_id")  # its address's


class InspectionRound(Registered, Base):
    """One inspection and acceptance round; a re-inspection round points at the round it follows up."""

    __tablename__ = "inspection_rounds"

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    inspector: Mapped[str] = mapped_column(String(64), nullable=False)
    held_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    follows_round_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_rounds.id"))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")


class InspectionResult(Registered, Base):
    __tablename__ = "inspection_results"
    __table_args__ = (UniqueConstraint("round_id", "item_kind", "item_id"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("inspection_rounds.id"), nullable=False, index=True)
    item_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    item_id: Mapped[int] = mapped_column(Integer, nullable=False)
    result: Mapped[str] = mapped_column(String(8), nullable=False)
    defects: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    photos: Mapped[str | None] = mapped_column(Text)
    inspected_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
