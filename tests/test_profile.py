"""The deployment profile: loading, checking, the Gauss-Krüger zone, and no district literal in the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyproj
import pytest
import shapely

from gis import profile as district_profile
from gis.errors import ConfigError
from gis.settings import PROJECT_ROOT, Settings

PANLONG = district_profile.PROFILES_DIR / "530103.yaml"
MINIMAL = """
code: "530103"
name: {zh: 盘龙区, en: Panlong District}
province: {zh: 云南省, en: Yunnan Province}
city: {zh: 昆明市, en: Kunming City}
extent: [102.67, 25.01, 103.06, 25.49]
"""


def write(tmp_path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_default_keeps_the_first_district_and_its_zone():
    p = district_profile.load()
    assert (p.code, p.name.zh, p.province.zh, p.city.zh) == ("530111", "官渡区", "云南省", "昆明市")
    assert p.measure_crs == "EPSG:4543"
    assert p.extent == (102.60, 24.85, 103.10, 25.29)
    assert p.divisions_file is not None and p.divisions_file.is_file()
    assert p.address_prefix() == "云南省昆明市官渡区"


def test_settings_name_the_profile_through_the_environment():
    settings = Settings.from_env({"DIMING_PROFILE": str(PANLONG)})
    assert settings.profile == str(PANLONG)
    assert district_profile.of(settings).name.zh == "盘龙区"
    assert district_profile.of(Settings()).code == "530111"


@pytest.mark.parametrize(
    "lon,epsg,meridian",
    [
        (102.83, 4543, "102E"),
        (101.49, 4543, "102E"),
        (100.4, 4542, "99E"),
        (116.4, 4548, "117E"),
        (75.0, 4534, "75E"),
        (134.9, 4554, "135E"),
    ],
)
def test_the_zone_is_the_3_degree_zone_of_the_centre_longitude(lon, epsg, meridian):
    code = district_profile.gauss_kruger_zone(lon)
    assert code == f"EPSG:{epsg}"
    assert pyproj.CRS(code).name == f"CGCS2000 / 3-degree Gauss-Kruger CM {meridian}"


@pytest.mark.parametrize("lon", [10.0, 140.0, float("nan")])
def test_a_longitude_outside_china_has_no_zone(lon):
    with pytest.raises(ConfigError):
        district_profile.gauss_kruger_zone(lon)


def test_a_profile_may_leave_out_what_follows_from_the_rest(tmp_path):
    p = district_profile.from_file(write(tmp_path, MINIMAL))
    assert p.measure_crs == "EPSG:4543"  # from the centre longitude 102.865
    assert p.start_view.center == pytest.approx((102.865, 25.25)) and p.start_view.zoom == 11
    assert (p.bureau.zh, p.bureau.en) == ("盘龙区民政局", "Panlong District Civil Affairs Bureau")
    assert p.service_title.zh == "盘龙区地名与社区界线服务" and p.site_title.en == "Panlong District standard names and addresses"
    assert (p.time_zone, p.divisions_file) == ("Asia/Shanghai", None)
    assert p.prefix_names == (("云南省", "云南"), ("昆明市", "昆明"), "盘龙区")


def test_toml_is_read_like_yaml(tmp_path):
    toml = """code = "530103"
extent = [102.67, 25.01, 103.06, 25.49]
measure_crs = "EPSG:4543"
[name]
zh = "盘龙区"
en = "Panlong District"
[province]
zh = "云南省"
en = "Yunnan Province"
[city]
zh = "昆明市"
en = "Kunming City"
"""
    assert district_profile.from_file(write(tmp_path, toml, "p.toml")) == district_profile.from_file(write(tmp_path, MINIMAL))


def test_the_example_profile_covers_its_district_outline():
    """data/profiles/530103.yaml was drafted from the outline in data/reference: its extent holds it."""
    import geopandas as gpd

    p = district_profile.from_file(PANLONG)
    outlines = gpd.read_file(PROJECT_ROOT / "data" / "reference" / "kunming_districts_cgcs2000.geojson")
    outline = outlines[outlines["adcode"] == "530103"].geometry.iloc[0]
    assert shapely.box(*p.extent).contains(outline)
    assert outline.contains(shapely.Point(p.start_view.center))


@pytest.mark.parametrize(
    "change,word",
    [
        ('code: "5301"', "code"),
        ('code: "530100"', "code"),
        ("name: 盘龙区", "name"),
        ("extent: [103.06, 25.01, 102.67, 25.49]", "extent"),
        ("extent: [102.67, 25.01]", "extent"),
        ("measure_crs: EPSG:4490", "measure_crs"),
        ("measure_crs: nonsense", "measure_crs"),
        ("start_view: {center: [110.0, 30.0], zoom: 11}", "start_view.center"),
        ("start_view: {zoom: 40}", "start_view.zoom"),
        ("time_zone: Mars/Olympus", "time zone"),
        ("colour: red", "unknown fields: colour"),
        ("document_prefixes: {notice: 盘示, announcement: 盘示}", "prefixes must differ"),
        ("document_prefixes: {notice: 盘示, memo: 盘备}", "document_prefixes"),
        ("naming_authority: 盘龙区民政局", "naming_authority"),
        ("map_approval_number: 12", "map_approval_number"),
    ],
)
def test_a_bad_field_is_named_in_both_languages(tmp_path, change, word):
    key = change.split(":")[0]
    lines = [line for line in MINIMAL.strip().splitlines() if not line.startswith(f"{key}:")]
    with pytest.raises(ConfigError) as caught:
        district_profile.from_file(write(tmp_path, "\n".join([*lines, change])))
    assert word in caught.value.en and "部署配置文件" in caught.value.zh


def test_the_issuing_authority_and_document_prefixes(tmp_path):
    """Who issues 公示 and 公告 and the prefixes of their numbers: defaults, then given."""
    plain = district_profile.from_file(write(tmp_path, MINIMAL))
    assert plain.authority == plain.bureau and plain.notice_contact is None
    assert plain.document_prefixes == (plain.name.zh[0] + "民地示", plain.name.zh[0] + "民地告")
    extra = "\n".join(
        (
            "naming_authority: {zh: 某区地名办, en: Place-name office}",
            "document_prefixes: {notice: 某地示}",
            "notice_contact: {zh: 电话 1, en: phone 1}",
        )
    )
    given = district_profile.from_file(write(tmp_path, MINIMAL.strip() + "\n" + extra))
    assert given.authority.zh == "某区地名办" and given.notice_contact.en == "phone 1"
    assert given.document_prefixes == ("某地示", plain.name.zh[0] + "民地告")


def test_the_map_approval_number(tmp_path):
    """The 审图号 printed on public maps: none until given, then handed to the pages' scripts."""
    plain = district_profile.from_file(write(tmp_path, MINIMAL))
    assert plain.map_approval_number is None and plain.public()["map_approval_number"] is None
    given = district_profile.from_file(write(tmp_path, MINIMAL.strip() + "\nmap_approval_number: 昆S（2026）001号"))
    assert given.map_approval_number == "昆S（2026）001号" and given.public()["map_approval_number"] == "昆S（2026）001号"


@pytest.mark.parametrize("text", ["code: [", "- just\n- a list\n", ""])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path, text):
    with pytest.raises(ConfigError):
        district_profile.from_file(write(tmp_path, text))


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        district_profile.from_file(tmp_path / "nowhere.yaml")


def _cli(*args, env_profile: str | None = None):
    import os

    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("DIMING_PROFILE", None)
    if env_profile is not None:
        env["DIMING_PROFILE"] = env_profile
    code = "from cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120)


def test_cli_refuses_a_bad_profile_with_exit_2_and_no_traceback(tmp_path):
    bad = write(tmp_path, 'code: "12"\n')
    result = _cli("profile", "show", env_profile=str(bad))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "invalid-configuration" in result.stderr and "无效" in result.stderr
    checked = _cli("profile", "check", str(PANLONG), env_profile=str(bad))  # check works while the profile in use is bad
    assert checked.returncode == 0 and '"盘龙区"' in checked.stdout


def test_cli_drafts_a_profile_from_an_outline(tmp_path):
    outlines = str(PROJECT_ROOT / "data" / "reference" / "kunming_districts_cgcs2000.geojson")
    names = ["--name", "盘龙区", "Panlong District", "--province", "云南省", "Yunnan Province", "--city", "昆明市", "Kunming City"]
    result = _cli("profile", "draft", "--outline", outlines, "--code", "530103", *names)
    assert result.returncode == 0, result.stderr
    drafted = district_profile.from_file(write(tmp_path, result.stdout))
    assert drafted.extent == district_profile.from_file(PANLONG).extent and drafted.measure_crs == "EPSG:4543"
    missing = _cli("profile", "draft", "--outline", outlines, "--code", "110101", *names)
    assert missing.returncode == 2 and "110101" in missing.stderr


# --- no district literal outside data/, docs/, tests/ and benchmarks/ -------------------

DISTRICT_WORDS = re.compile(r"官渡|530111|昆明|云南|guandu|kunming|yunnan", re.IGNORECASE)
ALLOWED_TOP = {"data", "docs", "tests", "benchmarks"}
SOURCE_SUFFIXES = {".py", ".js", ".html", ".css", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".sql", ".mako"}


def _tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, text=False, check=False)
    if listed.returncode == 0 and listed.stdout:
        names = [n for n in listed.stdout.decode().split("\0") if n]
    else:  # not a git checkout (e.g. an unpacked sdist): walk the tree
        names = [str(p.relative_to(PROJECT_ROOT)) for p in PROJECT_ROOT.rglob("*") if p.is_file()]
    return [PROJECT_ROOT / n for n in names]


def test_no_district_literal_in_the_code():
    found = []
    for path in _tracked_files():
        relative = path.relative_to(PROJECT_ROOT)
        if relative.parts[0] in ALLOWED_TOP or relative.parts[0].startswith(".") or path.suffix not in SOURCE_SUFFIXES:
            continue
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if DISTRICT_WORDS.search(line):
                found.append(f"{relative}:{number}: {line.strip()[:100]}")
    assert not found, "district literals belong in data/profiles/, not in the code:\n" + "\n".join(found)


def test_the_literal_check_would_see_one():
    assert DISTRICT_WORDS.search('TITLE = "官渡区地名"') and DISTRICT_WORDS.search("seed=530111")
    assert DISTRICT_WORDS.search("Guandu District") and not DISTRICT_WORDS.search("盘龙区 530103")
