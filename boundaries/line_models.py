"""Stored records of boundary management: lines, markers (界桩), joint inspections
(联检) and unit reorganisations.

Inspection results belong to a campaign; once both parties have signed the
campaign nothing is added to it or changed again (the database refuses too). A
later change is an addendum (补充记录): a campaign row with ``addendum_of`` set,
holding its own records, which both parties sign again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gis.storage import Base, Geometry, Registered
from gis.storage.coltypes import UTCDateTime


class BoundaryLine(Registered, Base):
    """One line between two neighbouring units, as built from their outlines."""

    __tablename__ = "boundary_lines"

    code: Mapped[str] = mapped_column(String(48), nullable=False, unique=True)
    number: Mapped[str] = mapped_column(String(16), nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    left_code: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    left_name: Mapped[str] = mapped_column(String(100), nullable=False)
    right_code: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    right_name: Mapped[str] = mapped_column(String(100), nullable=False)
    length_m: Mapped[float] = mapped_column(Float, nullable=False)
    parts: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="current")
    disagreement: Mapped[dict | None] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text)
    description_edited: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    last_inspected: Mapped[dt.date | None] = mapped_column(Date)
    geom = mapped_column(Geometry("MULTILINESTRING"), nullable=False)


class BoundaryMarker(Registered, Base):
    """A 界桩: code = line number + three-digit serial + type letter."""

    __tablename__ = "boundary_markers"

    code: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("boundary_lines.id"), nullable=False, index=True)
    serial: Mapped[int] = mapped_column(Integer, nullable=False)
    marker_type: Mapped[str] = mapped_column(String(8), nullable=False)
    letter: Mapped[str] = mapped_column(String(1), nullable=False)
    responsible_code: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="intact")
    material: Mapped[str | None] = mapped_column(String(32))
    erected_on: Mapped[dt.date | None] = mapped_column(Date)
    reference_objects: Mapped[list | None] = mapped_column(JSON)
    photos: Mapped[list | None] = mapped_column(JSON)
    remarks: Mapped[str | None] = mapped_column(Text)
    elevation_m: Mapped[float | None] = mapped_column(Float)
    geom = mapped_column(Geometry("POINT"), nullable=False)


class InspectionCampaign(Registered, Base):
    """One joint inspection of one line by the two neighbouring parties."""

    __tablename__ = "inspection_campaigns"

    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("boundary_lines.id"), nullable=False, index=True)
    party_a: Mapped[str] = mapped_column(String(100), nullable=False)
    party_b: Mapped[str] = mapped_column(String(100), nullable=False)
    started_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    participants: Mapped[list | None] = mapped_column(JSON)
    tolerance_m: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    party_a_code: Mapped[str | None] = mapped_column(String(20))
    party_b_code: Mapped[str | None] = mapped_column(String(20))
    addendum_of: Mapped[int | None] = mapped_column(ForeignKey("inspection_campaigns.id"), index=True)
    signed_a_by: Mapped[str | None] = mapped_column(String(64))
    signed_a_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    signed_b_by: Mapped[str | None] = mapped_column(String(64))
    signed_b_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    remarks: Mapped[str | None] = mapped_column(Text)


class SignatureDocument(Registered, Base):
    """The signed paper of a party that does not use the system, filed by an officer of our side."""

    __tablename__ = "inspection_signatures"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("inspection_campaigns.id"), nullable=False, index=True)
    party: Mapped[str] = mapped_column(String(1), nullable=False)
    signatory: Mapped[str] = mapped_column(String(100), nullable=False)
    document_no: Mapped[str] = mapped_column(String(100), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class MarkerInspection(Registered, Base):
    """What the inspectors found at one marker: status, re-measured position, displacement."""

    __tablename__ = "marker_inspections"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("inspection_campaigns.id"), nullable=False, index=True)
    marker_id: Mapped[int] = mapped_column(ForeignKey("boundary_markers.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    displacement_m: Mapped[float | None] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reference_changes: Mapped[str | None] = mapped_column(Text)
    photos: Mapped[list | None] = mapped_column(JSON)
    remarks: Mapped[str | None] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("marker_inspections.id"))
    geom = mapped_column(Geometry("POINT"))


class StretchFinding(Registered, Base):
    """A finding on a stretch of the line, by chainage from the line's start (metres)."""

    __tablename__ = "stretch_findings"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("inspection_campaigns.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    from_m: Mapped[float] = mapped_column(Float, nullable=False)
    to_m: Mapped[float] = mapped_column(Float, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("stretch_findings.id"))
    geom = mapped_column(Geometry("LINESTRING"))


class UnitChange(Registered, Base):
    """One reorganisation (split, merge, boundary change...): which versions it closed and opened."""

    __tablename__ = "unit_changes"

    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    effective: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    closed_codes: Mapped[list] = mapped_column(JSON, nullable=False)
    added_codes: Mapped[list] = mapped_column(JSON, nullable=False)
    document: Mapped[str | None] = mapped_column(String(200))
    remarks: Mapped[str | None] = mapped_column(Text)
