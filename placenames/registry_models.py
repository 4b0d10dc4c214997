"""Stored records of the naming procedure: applications, their transitions, public
comments, and the aliases / short / former names of a place name.

Applicant data (name, organisation, contact) lives only on ``NamingApplication``
and ``PublicComment`` author fields, never on ``PlaceName``, so nothing public can
leak it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from gis.storage import Base, Geometry, Registered
from gis.storage.coltypes import UTCDateTime
from gis.storage.district_key import inherited_district_column, reference

ALIAS_KINDS = ("alias", "short", "former")
# Reports an application carries (条例 Art.11, 实施办法 Art.5), plus anything else filed.
ATTACHMENT_KINDS = ("assessment", "expert_opinion", "public_consultation", "other")


class NameAlias(Registered, Base):
    """别名 / 简称 / 曾用名 of a place name; a former name carries its dates."""

    __tablename__ = "place_name_aliases"
    __table_args__ = (reference("place_name_id", "place_names"),)

    place_name_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    alias: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    district_code: Mapped[str] = inherited_district_column("place_names", "place_name_id")  # its name's


class NamingApplication(Registered, Base):
    """One application to name, rename or cancel, and where it stands in the procedure."""

    __tablename__ = "naming_applications"
    __table_args__ = (reference("place_name_id", "place_names"),)

    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    place_name_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    proposed_name: Mapped[str | None] = mapped_column(String(100))
    proposed_specific: Mapped[str | None] = mapped_column(String(100))
    proposed_generic: Mapped[str | None] = mapped_column(String(50))
    category_code: Mapped[str] = mapped_column(String(32), nullable=False)
    admin_code: Mapped[str | None] = mapped_column(String(20))
    location_description: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("GEOMETRY"))
    reasons: Mapped[str] = mapped_column(Text, nullable=False)
    applicant_name: Mapped[str] = mapped_column(String(100), nullable=False)
    applicant_organisation: Mapped[str | None] = mapped_column(String(200))
    applicant_contact: Mapped[str | None] = mapped_column(String(200))
    assessment_report: Mapped[str | None] = mapped_column(Text)
    expert_report: Mapped[str | None] = mapped_column(Text)
    consultation_report: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[Any] = mapped_column(JSON, nullable=True)
    justification: Mapped[str | None] = mapped_column(Text)
    officer_opinion: Mapped[str | None] = mapped_column(Text)
    notice_days: Mapped[int] = mapped_column(Integer, nullable=False)
    notice_starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    notice_ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    approving_body: Mapped[str | None] = mapped_column(String(100))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    approval_document: Mapped[str | None] = mapped_column(String(100))
    filing_due: Mapped[dt.date | None] = mapped_column(Date)
    filed_on: Mapped[dt.date | None] = mapped_column(Date)
    filed_with: Mapped[str | None] = mapped_column(String(100))
    announcement_due: Mapped[dt.date | None] = mapped_column(Date)
    announced_on: Mapped[dt.date | None] = mapped_column(Date)
    announcement: Mapped[Any] = mapped_column(JSON, nullable=True)
    # 文号 of the 公示 and the 公告, given when each is issued (placenames.document_numbers;
    # migration 0012_notices_numbers). Unique: two documents never share a number.
    notice_number: Mapped[str | None] = mapped_column(String(60), index=True, unique=True)
    announcement_number: Mapped[str | None] = mapped_column(String(60), index=True, unique=True)
    district_code: Mapped[str] = inherited_district_column("place_names", "place_name_id")  # its name's


class NamingTransition(Registered, Base):
    """One step of an application: who moved it, when, from where to where, and why."""

    __tablename__ = "naming_transitions"

    application_id: Mapped[int] = mapped_column(ForeignKey("naming_applications.id"), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)


class PublicComment(Registered, Base):
    """A comment from the public during a public notice; the author fields stay private."""

    __tablename__ = "naming_comments"

    application_id: Mapped[int] = mapped_column(ForeignKey("naming_applications.id"), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    author_name: Mapped[str | None] = mapped_column(String(100))
    author_contact: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)


class NamingAttachment(Registered, Base):
    """A file filed with an application: the 综合评估 (assessment), 专家论证 (expert
    opinion) or 征求意见 (public consultation) report, or another document.

    The content lives in the database, so a backup carries it and every replica
    serves it; ``sha256`` identifies it (and is checked on download). Files are never
    changed or public: a corrected report is a new attachment.
    """

    __tablename__ = "naming_attachments"

    application_id: Mapped[int] = mapped_column(ForeignKey("naming_applications.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))  # loaded only for a download
