"""The settings the name rules read, taken when a check runs (never at import time),
so a deployment's environment — and a test's — decides limits, lists and four-eyes."""

from __future__ import annotations

from gis.settings import Settings


def settings() -> Settings:
    return Settings.from_env()
