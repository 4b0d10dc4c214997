"""Settings, declared once as data and read only when asked (never at import time).

``Settings.from_env()`` is called by the CLI and by ``create_app``; tests build
``Settings(...)`` directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = PROJECT_ROOT / "var" / "diming.gpkg"
FALSE_WORDS = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default=str(DEFAULT_DATABASE), metadata={"env": "DIMING_DATABASE_URL", "help": "SQLAlchemy URL or path of a .gpkg file"}
    )
    public_url: str = field(
        default="http://127.0.0.1:5000",
        metadata={"env": "DIMING_PUBLIC_URL", "help": "URL the service is reached at, without trailing slash"},
    )
    work_dir: str = field(
        default=str(PROJECT_ROOT / "var" / "run"),
        metadata={"env": "DIMING_WORK_DIR", "help": "where generated server files (pygeoapi config) go"},
    )
    max_items: int = field(default=1000, metadata={"env": "DIMING_MAX_ITEMS", "help": "largest page of features the API returns"})
    max_bbox_km2: int = field(
        default=5000, metadata={"env": "DIMING_MAX_BBOX_KM2", "help": "largest bbox area (km²) an OGC API items request may ask for"}
    )
    max_filter_chars: int = field(
        default=8000, metadata={"env": "DIMING_MAX_FILTER_CHARS", "help": "longest CQL2 filter (characters) the OGC API accepts"}
    )
    read_database_urls: str = field(
        default="",
        metadata={"env": "DIMING_READ_DATABASE_URL", "help": "comma-separated URLs of PostgreSQL read replicas for public reads"},
    )
    secret_key: str = field(
        default="", metadata={"env": "DIMING_SECRET_KEY", "help": "key signing web sign-in cookies; empty: generated once into work_dir"}
    )
    max_body_mb: int = field(
        default=50, metadata={"env": "DIMING_MAX_BODY_MB", "help": "largest request body (MB); uploads above it get 413"}
    )
    pool_size: int = field(default=5, metadata={"env": "DIMING_POOL_SIZE", "help": "database connections per worker"})
    profile: str = field(
        default="",
        metadata={"env": "DIMING_PROFILE", "help": "deployment profile of the district (YAML/TOML); empty: the shipped default profile"},
    )
    # --- security limits (docs/operations.md, "Security settings") ---
    trusted_proxies: str = field(
        default="",
        metadata={
            "env": "DIMING_TRUSTED_PROXIES",
            "help": "reverse proxies whose X-Forwarded-For is believed: a hop count (e.g. 1) or addresses/CIDRs (10.0.0.5,10.1.0.0/16)",
        },
    )
    session_hours: int = field(default=12, metadata={"env": "DIMING_SESSION_HOURS", "help": "hours a web sign-in lasts"})
    password_min_length: int = field(
        default=10, metadata={"env": "DIMING_PASSWORD_MIN_LENGTH", "help": "fewest characters a password may have"}
    )
    reverse_batch_anonymous: int = field(
        default=1000, metadata={"env": "DIMING_REVERSE_BATCH_ANONYMOUS", "help": "most points in one anonymous POST /reverse"}
    )
    reverse_batch_signed_in: int = field(
        default=10000, metadata={"env": "DIMING_REVERSE_BATCH_SIGNED_IN", "help": "most points in one signed-in POST /reverse"}
    )
    public_geocode_budget: int = field(
        default=10000,
        metadata={
            "env": "DIMING_PUBLIC_GEOCODE_BUDGET",
            "help": "anonymous geocoding per client address and minute: one unit per search, one per reverse point",
        },
    )
    max_unzipped_mb: int = field(
        default=2048, metadata={"env": "DIMING_MAX_UNZIPPED_MB", "help": "largest total uncompressed size (MB) of an uploaded zip"}
    )
    max_name_chars: int = field(
        default=20,
        metadata={
            "env": "DIMING_MAX_NAME_CHARS",
            "help": "longest place name (characters) the checks accept; real names of the district reach 15",
        },
    )
    name_lists_dir: str = field(
        default="",
        metadata={
            "env": "DIMING_NAME_LISTS_DIR",
            "help": "directory whose leaders/persons/enterprises/traditional .txt files extend data/reference/name_rules/",
        },
    )
    four_eyes: bool = field(
        default=True, metadata={"env": "DIMING_FOUR_EYES", "help": "the officer who filed an application may not approve it (0 to allow)"}
    )
    # --- boundary checks (docs/boundaries.md, "Checks before saving") ---
    reorganisation_tolerance_m2: float = field(
        default=1.0,
        metadata={
            "env": "DIMING_REORGANISATION_TOLERANCE_M2",
            "help": "a gap, overlap or crossing a reorganisation introduces is refused above this area (m², as `boundaries check`)",
        },
    )
    marker_line_tolerance_m: float = field(
        default=5.0,
        metadata={"env": "DIMING_MARKER_LINE_TOLERANCE_M", "help": "farthest a single marker (Q) may stand from its line (m)"},
    )
    marker_pair_offset_m: float = field(
        default=60.0,
        metadata={
            "env": "DIMING_MARKER_PAIR_OFFSET_M",
            "help": "farthest a paired marker (A/B) may stand from its line: half the widest river or road plus clearance (m)",
        },
    )
    inspection_max_offset_m: float = field(
        default=50.0,
        metadata={
            "env": "DIMING_INSPECTION_MAX_OFFSET_M",
            "help": "farthest a re-measured position may be from its marker, unless the record says the marker was moved (m)",
        },
    )
    survey_precision_m: float = field(
        default=0.05,
        metadata={"env": "DIMING_SURVEY_PRECISION_M", "help": "smallest displacement a 'displaced' record may report (m)"},
    )

    @property
    def read_urls(self) -> list[str]:
        return [url.strip() for url in self.read_database_urls.split(",") if url.strip()]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw not in (None, ""):
                values[f.name] = _typed(f.type, raw)
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def _typed(kind, raw: str):
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if kind == "bool":
        return raw.strip().lower() not in FALSE_WORDS
    return raw
