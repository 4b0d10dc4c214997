"""Stored proposals (with their communities) and the jobs that compute them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gis.storage import Base, Geometry, Registered
from gis.storage.coltypes import UTCDateTime

FINISHED_STATES = ("succeeded", "failed", "cancelled")


class RedistrictingJob(Registered, Base):
    """One request to propose plans; its state survives a restart (a running job is then marked failed)."""

    __tablename__ = "redistricting_jobs"

    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    progress: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    parameters: Mapped[dict] = mapped_column(JSON, nullable=False)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    worker: Mapped[str | None] = mapped_column(String(64))  # host:pid of the process running it
    error: Mapped[dict | None] = mapped_column(JSON)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RedistrictingPlan(Registered, Base):
    """A proposal: block → community, the rules it was made under, its metrics and violations."""

    __tablename__ = "redistricting_plans"

    job_id: Mapped[int | None] = mapped_column(ForeignKey("redistricting_jobs.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    seed: Mapped[int] = mapped_column(Integer, nullable=False)
    valid: Mapped[bool] = mapped_column(Boolean, nullable=False)
    rules: Mapped[dict] = mapped_column(JSON, nullable=False)
    metrics: Mapped[dict] = mapped_column(JSON, nullable=False)
    violations: Mapped[list] = mapped_column(JSON, nullable=False)
    findings: Mapped[list] = mapped_column(JSON, nullable=False)
    assignment: Mapped[dict] = mapped_column(JSON, nullable=False)


class ProposedCommunity(Registered, Base):
    """One community of a stored proposal: the dissolved blocks and its figures."""

    __tablename__ = "redistricting_communities"

    plan_id: Mapped[int] = mapped_column(ForeignKey("redistricting_plans.id"), nullable=False, index=True)
    community: Mapped[str] = mapped_column(String(40), nullable=False)
    subdistrict: Mapped[str] = mapped_column(String(20), nullable=False)
    households: Mapped[int] = mapped_column(Integer, nullable=False)
    premises_required_m2: Mapped[float] = mapped_column(Float, nullable=False)
    figures: Mapped[dict] = mapped_column(JSON, nullable=False)
    geom = mapped_column(Geometry("MULTIPOLYGON"), nullable=False)
