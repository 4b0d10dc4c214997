"""The deployment profile: everything that makes diming serve one particular district.

Why a file and not code: another district runs diming by writing a profile (YAML or
TOML) and naming it in ``DIMING_PROFILE``; no module holds a district's name, code,
extent or measuring zone. The default is ``data/profiles/default.yaml``, the
profile of the district diming was first built for. A profile is validated when loaded; a bad one raises
``ConfigError`` (bilingual, CLI exit 2), never a traceback.

How it reaches the code: faces (server, API, pages, CLI) load it from their
``Settings`` and pass it on, and the search gazetteer carries the one it was built
with. Only the measuring CRS (used by ~100 length/area calls deep in the domain) and
the local time zone are read process-wide through ``current_profile()``, loaded once
from the environment on first use (never at import).
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from gis.errors import ConfigError
from gis.localtime import zone_label
from gis.settings import PROJECT_ROOT

PROFILES_DIR = PROJECT_ROOT / "data" / "profiles"
DEFAULT_PROFILE = PROFILES_DIR / "default.yaml"
PROFILE_ENV = "DIMING_PROFILE"  # the same variable as Settings.profile
PROFILE_KEY = "diming.profile"  # where create_app keeps the profile in app.extensions

# CGCS2000 3-degree Gauss-Krüger zones without false-easting zone prefix: EPSG:4534 has
# its central meridian at 75°E, each next code 3° further east, up to EPSG:4554 at 135°E.
_GK3_FIRST_EPSG, _GK3_FIRST_CM, _GK3_LAST_CM = 4534, 75, 135

_CODE = re.compile(r"^\d{6}$")
_ADMIN_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


@dataclass(frozen=True)
class Bilingual:
    zh: str
    en: str

    def __call__(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class StartView:
    center: tuple[float, float]  # lon, lat
    zoom: int = 11


@dataclass(frozen=True)
class DistrictProfile:
    """One district's identity, extent and measuring frame (see docs/deployment.md)."""

    code: str  # 6-digit GB/T 2260 code of the district (县级), e.g. 530103
    name: Bilingual  # 盘龙区 / Panlong District
    province: Bilingual  # 四川省 — the address prefix 省 市 区 comes from these three
    city: Bilingual
    extent: tuple[float, float, float, float]  # CGCS2000 lon/lat: min lon, min lat, max lon, max lat
    measure_crs: str  # EPSG code of the CGCS2000 3-degree Gauss-Krüger zone lengths and areas are measured in
    start_view: StartView
    bureau: Bilingual  # who publishes the data (attribution)
    service_title: Bilingual  # OGC API / OpenAPI title
    site_title: Bilingual  # title of the web pages
    time_zone: str = "Asia/Shanghai"
    divisions_file: Path | None = None  # NBS division codes of the district's units (names import-divisions)
    # The 地名主管部门 that issues public notices (公示) and announcements (公告); default: the bureau.
    naming_authority: Bilingual | None = None
    # Prefixes of the document numbers (文号) of notices and announcements: "<prefix>〔<year>〕<serial>号".
    document_prefixes: tuple[str, str] = ("", "")
    # Other ways to send a comment on a notice (address, telephone), printed under the web address.
    notice_contact: Bilingual | None = None
    # 审图号 of the public map (地图管理条例 Art.15), shown on every public map; empty until one is granted
    map_approval_number: str | None = None
    # Grid (degrees of CGCS2000 lon/lat) the public gets boundary-marker positions on (gis.precision);
    # 0.001° ≈ 100 m. Signed-in boundary officers read the surveyed positions. See docs/boundaries.md.
    public_marker_precision_deg: float = 0.001
    source: str = field(default="", compare=False)  # the file it was read from

    @property
    def district_code(self) -> str:
        """The district's 12-digit statistical code (530103000000)."""
        return self.code + "000000"

    @property
    def authority(self) -> Bilingual:
        """Who issues 公示 and 公告 (the 地名主管部门): ``naming_authority``, else the bureau."""
        return self.naming_authority or self.bureau

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def prefix_names(self) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        """Spellings of province and city an address may start with, longest first, and
        the district's full name (四川省/四川, 成都市/成都, 锦江区)."""
        return _spellings(self.province.zh), _spellings(self.city.zh), self.name.zh

    def address_prefix(self) -> str:
        """四川省成都市锦江区: what a full standard address starts with."""
        return self.province.zh + self.city.zh + self.name.zh

    def admits_code(self, code: str | None) -> bool:
        """Whether an admin code (6 to 19 digits) lies inside this district."""
        return bool(code) and str(code).startswith(self.code)

    def public(self) -> dict[str, Any]:
        """What the web pages' scripts are given (names, extent, start view, time zone)."""
        return {
            "code": self.code,
            "name": self.name.as_dict(),
            "province": self.province.as_dict(),
            "city": self.city.as_dict(),
            "extent": list(self.extent),
            "center": list(self.start_view.center),
            "zoom": self.start_view.zoom,
            "time_zone": self.time_zone,
            "time_zone_label": dict(zip(("zh", "en"), zone_label(self.time_zone), strict=True)),
            "map_approval_number": self.map_approval_number,
        }


def _spellings(full: str) -> tuple[str, ...]:
    for suffix in _ADMIN_SUFFIXES:
        if full.endswith(suffix) and len(full) > len(suffix) + 1:
            return full, full[: -len(suffix)]
    return (full,)


def gauss_kruger_zone(lon: float) -> str:
    """EPSG code of the CGCS2000 3-degree Gauss-Krüger zone (no zone prefix) whose
    central meridian is nearest ``lon`` (102.8°E → EPSG:4543, CM 102°E)."""
    if not isinstance(lon, (int, float)) or not math.isfinite(lon):
        raise ConfigError(f"经度无效：{lon}", f"invalid longitude: {lon}")
    central = round(lon / 3) * 3
    if not _GK3_FIRST_CM <= central <= _GK3_LAST_CM:
        raise ConfigError(
            f"经度 {lon} 不在 CGCS2000 三度带（中央经线 75°E–135°E）范围内",
            f"longitude {lon} is outside the CGCS2000 3-degree zones (central meridians 75°E-135°E)",
        )
    return f"EPSG:{_GK3_FIRST_EPSG + (central - _GK3_FIRST_CM) // 3}"


# --- reading and checking ---------------------------------------------------------------


def _bad(path: str, zh: str, en: str) -> ConfigError:
    return ConfigError(f"部署配置文件 {path} 无效：{zh}", f"deployment profile {path} is invalid: {en}")


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"找不到部署配置文件：{path}", f"deployment profile not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取部署配置文件 {path}：{exc}", f"cannot read deployment profile {path}: {exc}") from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise _bad(str(path), f"无法解析（{exc}）", f"cannot be parsed ({exc})") from None
    if not isinstance(data, dict):
        raise _bad(str(path), "须为键值表", "must be a mapping of fields")
    return data


def _text(where: str, data: dict, key: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _bad(where, f"{key} 须为非空文本", f"{key} must be non-empty text")
    return value.strip()


def _bilingual(where: str, data: dict, key: str, default: Bilingual | None = None) -> Bilingual:
    value = data.get(key)
    if value is None and default is not None:
        return default
    if not isinstance(value, dict):
        raise _bad(where, f"{key} 须有 zh 和 en 两项", f"{key} must have zh and en")
    zh, en = _text(where, value, "zh"), _text(where, value, "en")
    assert zh is not None and en is not None  # _text refuses a missing or empty one
    return Bilingual(zh, en)


def _numbers(where: str, value, count: int, key: str) -> tuple[float, ...]:
    ok = isinstance(value, (list, tuple)) and len(value) == count
    ok = ok and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value)
    if not ok:
        raise _bad(where, f"{key} 须为 {count} 个数", f"{key} must be {count} numbers")
    return tuple(float(v) for v in value)


def _extent(where: str, data: dict) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = _numbers(where, data.get("extent"), 4, "extent")
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise _bad(
            where,
            "extent 须为 [最小经度, 最小纬度, 最大经度, 最大纬度]（CGCS2000 经纬度）",
            "extent must be [min lon, min lat, max lon, max lat] in CGCS2000 degrees",
        )
    return minx, miny, maxx, maxy


def _measure_crs(where: str, data: dict, extent) -> str:
    from gis.crs import parse_crs  # gis.crs reads the profile for its measuring CRS

    value = data.get("measure_crs")
    if value is None:
        return gauss_kruger_zone((extent[0] + extent[2]) / 2)
    try:
        crs = parse_crs(value)
    except Exception:
        raise _bad(where, f"measure_crs 无法识别：{value}", f"measure_crs not recognised: {value}") from None
    import pyproj

    if not crs.startswith("EPSG:") or not pyproj.CRS.from_user_input(crs).is_projected:
        raise _bad(where, f"measure_crs 须为以米为单位的投影坐标系：{value}", f"measure_crs must be a projected CRS in metres: {value}")
    return crs


def _start_view(where: str, data: dict, extent) -> StartView:
    value = data.get("start_view")
    centre = ((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2)
    if value is None:
        return StartView(centre)
    if not isinstance(value, dict):
        raise _bad(where, "start_view 须有 center 和 zoom", "start_view must have center and zoom")
    lon, lat = _numbers(where, value.get("center", list(centre)), 2, "start_view.center")
    zoom = value.get("zoom", 11)
    if not isinstance(zoom, int) or isinstance(zoom, bool) or not 1 <= zoom <= 20:
        raise _bad(where, "start_view.zoom 须为 1 到 20 的整数", "start_view.zoom must be a whole number from 1 to 20")
    if not (extent[0] <= lon <= extent[2] and extent[1] <= lat <= extent[3]):
        raise _bad(where, "start_view.center 须在 extent 之内", "start_view.center must lie inside extent")
    return StartView((lon, lat), zoom)


def _time_zone(where: str, data: dict) -> str:
    value = _text(where, data, "time_zone", required=False) or "Asia/Shanghai"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise _bad(where, f"未知时区：{value}", f"unknown time zone: {value}") from None
    return value


def _prefixes(where: str, data: dict, name: Bilingual) -> tuple[str, str]:
    """(notice, announcement) prefixes of document numbers; default: the district's first
    character + 民地示 / 民地告 (e.g. 盘民地示〔2026〕3号)."""
    value = data.get("document_prefixes")
    default = (f"{name.zh[0]}民地示", f"{name.zh[0]}民地告")
    if value is None:
        return default
    if not isinstance(value, dict) or set(value) - {"notice", "announcement"}:
        raise _bad(where, "document_prefixes 只能有 notice 和 announcement 两项", "document_prefixes may only have notice and announcement")
    notice = _text(where, value, "notice", required=False) or default[0]
    announcement = _text(where, value, "announcement", required=False) or default[1]
    if notice == announcement:
        raise _bad(where, "公示与公告的文号前缀须不同", "the notice and announcement prefixes must differ")
    return notice, announcement


def _grid(where: str, data: dict) -> float:
    value = data.get("public_marker_precision_deg", 0.001)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0.00001 <= value <= 0.1
    if not ok:
        raise _bad(
            where,
            "public_marker_precision_deg 须为 0.00001 至 0.1 之间的度数（默认 0.001，约 100 米）",
            "public_marker_precision_deg must be a number of degrees from 0.00001 to 0.1 (default 0.001, about 100 m)",
        )
    return float(value)


def from_mapping(data: dict, *, base: Path = PROFILES_DIR, where: str = "<profile>") -> DistrictProfile:
    """Check a profile given as a mapping; relative file paths are resolved against ``base``."""
    known = {
        "code",
        "name",
        "province",
        "city",
        "extent",
        "measure_crs",
        "start_view",
        "bureau",
        "service_title",
        "site_title",
        "time_zone",
        "divisions_file",
        "naming_authority",
        "document_prefixes",
        "notice_contact",
        "map_approval_number",
        "public_marker_precision_deg",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise _bad(where, f"未知字段：{', '.join(map(str, unknown))}", f"unknown fields: {', '.join(map(str, unknown))}")
    code = data.get("code")
    code = str(code) if isinstance(code, int) and not isinstance(code, bool) else code
    if not isinstance(code, str) or not _CODE.match(code) or code.endswith("00"):
        raise _bad(where, "code 须为 6 位区县代码（如 530103）", "code must be the 6-digit code of a county-level district (e.g. 530103)")
    name = _bilingual(where, data, "name")
    province, city = _bilingual(where, data, "province"), _bilingual(where, data, "city")
    extent = _extent(where, data)
    bureau = _bilingual(where, data, "bureau", Bilingual(f"{name.zh}民政局", f"{name.en} Civil Affairs Bureau"))
    divisions = _text(where, data, "divisions_file", required=False)
    return DistrictProfile(
        code=code,
        name=name,
        province=province,
        city=city,
        extent=extent,
        measure_crs=_measure_crs(where, data, extent),
        start_view=_start_view(where, data, extent),
        bureau=bureau,
        service_title=_bilingual(
            where, data, "service_title", Bilingual(f"{name.zh}地名与社区界线服务", f"{name.en} place names and community boundaries")
        ),
        site_title=_bilingual(
            where, data, "site_title", Bilingual(f"{name.zh}标准地名地址查询", f"{name.en} standard names and addresses")
        ),
        time_zone=_time_zone(where, data),
        divisions_file=None if divisions is None else (base / divisions).resolve(),
        naming_authority=_bilingual(where, data, "naming_authority", bureau),
        document_prefixes=_prefixes(where, data, name),
        notice_contact=_bilingual(where, data, "notice_contact") if data.get("notice_contact") is not None else None,
        map_approval_number=_text(where, data, "map_approval_number", required=False),
        public_marker_precision_deg=_grid(where, data),
        source=where,
    )


def from_file(path: str | Path) -> DistrictProfile:
    """The profile in ``path`` (YAML, or TOML by its .toml suffix), read and checked now."""
    path = Path(path)
    return from_mapping(_read(path), base=path.resolve().parent, where=str(path))


@lru_cache(maxsize=16)
def load(path: str | Path | None = None) -> DistrictProfile:
    """The profile in ``path``; the shipped default profile when ``path`` is empty.
    Cached per path: a running service reads its profile once."""
    return from_file(path or DEFAULT_PROFILE)


def of(settings) -> DistrictProfile:
    """The profile the settings name (``Settings.profile``, env DIMING_PROFILE)."""
    return load(settings.profile or None)


def current_profile() -> DistrictProfile:
    """The process's profile, from the environment (DIMING_PROFILE), read on first use.

    For the few values read deep in domain code (measuring CRS, local time zone);
    everything else receives the profile from its caller."""
    return load(os.environ.get(PROFILE_ENV) or None)
