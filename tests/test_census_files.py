"""Census files (地名普查): .xlsx and GBK CSV both ways, D°M′S″ coordinates, the
地名代码 rule, the naming rules on import, and export→import writing nothing. Both backends."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import make_store
from guandu_units import add_units
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cli import main
from gis.errors import EncodingError, InvalidInput
from gis.io.dms import DMS_TOLERANCE, parse_coordinate, parse_dms, to_dms
from gis.storage.audit import AuditEntry
from placenames import census, census_files, name_codes, register
from placenames.models import NameCodeSerial, PlaceName

ROWS = [
    {
        "标准名称": "子君路",
        "类别名称": "街、路、巷",
        "曾用名": "子君村路",
        "东经": "102.75",
        "北纬": "25.01",
        "至东经": "102.76",
        "至北纬": "25.012",
        "坐标系": "2000",
        "使用时间": "现行",
        "地名含义": "取子君村之名",
        "所在(跨)行政区": "530111008000",
        "标牌个数": "4",
        "高程": "1892.5",
        "备注": '=HYPERLINK("http://example.invalid")',  # a formula in a spreadsheet unless escaped
        "登记时间": "2016-05-01",
    },
    {"标准名称": "宝象桥", "类别代码": "23610", "东经(度分秒)": "102°46′12.5″", "北纬(度分秒)": "25度1分2.25秒", "使用时间": "历史"},
    {"标准名称": "巫家坝", "类别代码": "22200", "所在(跨)行政区": "530111008000", "密级": "秘密"},
]


@pytest.fixture(autouse=True)
def units(request):
    if "store" in request.fixturenames:
        add_units(request.getfixturevalue("store"))


def write_csv(path, rows, encoding="utf-8"):
    headers = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


def write_xlsx(path, rows):
    headers = list(dict.fromkeys(k for row in rows for k in row))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    book.save(path)


def counts(store):
    with store.read() as session:
        return (
            session.scalar(select(func.count()).select_from(PlaceName)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
        )


def entries(store):
    with store.read() as session:
        return {e.name: e for e in session.scalars(select(PlaceName))}


# --- degrees, minutes, seconds ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("102°43′12.5″", 102 + 43 / 60 + 12.5 / 3600),
        ("102度43分12.5秒", 102 + 43 / 60 + 12.5 / 3600),
        ("102°43'12.5\"", 102 + 43 / 60 + 12.5 / 3600),
        ("东经102°43′12.5″", 102 + 43 / 60 + 12.5 / 3600),
        ("25°0′36″N", 25.01),
        ("25°00.6′", 25.01),
        ("102.72", 102.72),
        ("-0°30′", -0.5),
        ("102°43′12.5″W", -(102 + 43 / 60 + 12.5 / 3600)),
    ],
)
def test_coordinates_read_in_decimal_and_dms(text, value):
    assert parse_coordinate(text) == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("text", ["102°60′0″", "102°43′61″", "102°43.5′12″", "102 43 12", "abc", "102°43′12.5″X"])
def test_bad_dms_is_refused_in_both_languages(text):
    with pytest.raises(ValueError) as refused:
        parse_coordinate(text)
    assert " / " in str(refused.value)


def test_dms_written_with_carry():
    assert to_dms(102.72) == "102°43′12.00″"
    assert to_dms(25 + 59 / 60 + 59.999 / 3600) == "26°0′0.00″"  # 59.999″ rounds up into the degree
    assert to_dms(-0.000001) == "0°0′0.00″"  # no minus before a zero
    assert to_dms(-0.5) == "-0°30′0.00″"


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 179), st.integers(0, 59), st.integers(0, 5999))
def test_dms_to_decimal_to_dms_is_the_same_text(degrees, minutes, hundredths):
    text = f"{degrees}°{minutes}′{hundredths // 100}.{hundredths % 100:02d}″"
    assert to_dms(parse_dms(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.floats(-180, 180, allow_nan=False))
def test_decimal_to_dms_to_decimal_within_the_rounding(value):
    assert abs(parse_dms(to_dms(value)) - value) <= DMS_TOLERANCE + 1e-12


# --- files -----------------------------------------------------------------------------------


def test_xlsx_round_trip_writes_nothing_and_fills_a_fresh_register(store, backend, request, tmp_path):
    source = tmp_path / "census.csv"
    write_csv(source, ROWS)
    assert census.import_file(store, source, actor="wang") == {"added": 3, "unchanged": 0}
    names = entries(store)
    assert names["宝象桥"].geom.coords[0] == pytest.approx((102 + 46 / 60 + 12.5 / 3600, 25 + 1 / 60 + 2.25 / 3600), abs=1e-12)

    book_path = tmp_path / "census.xlsx"
    assert census.export_census(store, book_path) == 3
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == [census_files.MAIN_SHEET, census_files.LEGEND_SHEET]
    sheet = book[census_files.MAIN_SHEET]
    header = [c.value for c in sheet[1]]
    assert tuple(header) == census.HEADERS
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (first["标准名称"], first["东经"], first["东经(度分秒)"], first["北纬(度分秒)"], first["坐标系"]) == (
        "子君路",
        102.75,
        "102°45′0.00″",
        "25°0′36.00″",
        "2000",
    )
    assert sheet.cell(row=2, column=header.index("备注") + 1).data_type == "s"  # text, not a formula
    legend = [[c.value for c in row] for row in book[census_files.LEGEND_SHEET].iter_rows()]
    assert ["地名类别 category", "23510"] == legend[[r[1] for r in legend].index("23510")][:2]
    assert any(r[0] == "地名代码 rule" for r in legend)

    before = counts(store)
    assert census.import_file(store, book_path, actor="wang") == {"added": 0, "unchanged": 3}
    assert counts(store) == before  # not a single write, not even an audit row

    target = make_store(request, backend, tmp_path)
    add_units(target)
    assert census.import_file(target, book_path, actor="wang") == {"added": 3, "unchanged": 0}
    again = tmp_path / "again.xlsx"
    census.export_census(target, again)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(again)[census_files.MAIN_SHEET].iter_rows()]
    assert rows == [[c.value for c in r] for r in sheet.iter_rows()]


def test_gbk_csv_round_trip_and_the_encoding_option(store, tmp_path):
    source = tmp_path / "gbk.csv"
    write_csv(source, ROWS, encoding="gbk")  # detected as GBK without being told
    assert census.import_census(store, source, actor="wang") == 3
    out = tmp_path / "out.csv"
    census.export_census(store, out)
    raw = out.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = list(csv.DictReader(raw.decode("gbk").splitlines()))
    assert rows[0]["备注"] == "'" + ROWS[0]["备注"]  # formula escaped for spreadsheets
    assert (rows[1]["东经(度分秒)"], rows[1]["北纬(度分秒)"]) == ("102°46′12.50″", "25°1′2.25″")
    before = counts(store)
    assert census.import_file(store, out, actor="wang") == {"added": 0, "unchanged": 3}
    assert counts(store) == before
    utf8 = tmp_path / "utf8.csv"
    census.export_census(store, utf8, encoding="UTF-8")
    assert utf8.read_bytes().startswith(b"\xef\xbb\xbf") and utf8.read_bytes()[3:] == raw.decode("gbk").encode("utf-8")
    assert census.import_file(store, utf8, actor="wang") == {"added": 0, "unchanged": 3}


def test_gbk_export_names_the_cell_it_cannot_hold(store, tmp_path):
    write_csv(tmp_path / "in.csv", [{**ROWS[2], "备注": "𬌗字"}])
    census.import_census(store, tmp_path / "in.csv", actor="wang")
    with pytest.raises(EncodingError) as refused:
        census.export_census(store, tmp_path / "out.csv")
    assert refused.value.details == {"row": 2, "column": "备注"} and "--encoding UTF-8" in refused.value.en
    census.export_census(store, tmp_path / "out.csv", encoding="UTF-8")


def test_a_latin_letter_name_is_refused_with_its_reason_and_nothing_stored(store, tmp_path):
    path = tmp_path / "bad.xlsx"
    good = {"标准名称*": "子君路", "地名类别": "街、路、巷", "所在（跨）行政区": "530111008000", "东经": "102°45′0″", "北纬": "25°0′36″"}
    write_xlsx(path, [good, {**good, "标准名称*": "CBD路"}])  # the template's headers, D°M′S″ in 东经/北纬
    before = counts(store)
    with pytest.raises(InvalidInput) as refused:
        census.import_file(store, path, actor="wang")
    (problem,) = refused.value.details
    assert (problem["row"], problem["column"]) == (3, "标准名称")
    assert "拉丁字母" in problem["problem"] and "Latin" in problem["problem"]
    assert "第 3 行" in refused.value.zh and "nothing was imported" in refused.value.en
    assert counts(store) == before


def test_bad_cells_are_named_by_row_and_column(store, tmp_path):
    path = tmp_path / "bad.csv"
    write_csv(
        path,
        [
            {**ROWS[2], "东经": "102°61′0″", "北纬": "25.0"},
            {"标准名称": "官城路", "类别代码": "23510", "东经": "102.75", "东经(度分秒)": "102°46′0″", "北纬": "25.0"},
            {"标准名称": "福源路", "类别代码": "23510", "代码": "5301110082351"},
            {"标准名称": "安和路", "类别代码": "23510", "标牌个数": "四"},
        ],
    )
    with pytest.raises(InvalidInput) as refused:
        census.import_file(store, path, actor="wang")
    assert [(p["row"], p["column"]) for p in refused.value.details] == [(2, "东经"), (3, "东经(度分秒)"), (4, "代码"), (5, "标牌个数")]
    assert all(p["zh"] and p["en"] for p in refused.value.details)
    assert counts(store)[0] == 0


def test_a_changed_row_of_a_registered_name_is_refused(store, tmp_path):
    write_csv(tmp_path / "in.csv", ROWS)
    census.import_census(store, tmp_path / "in.csv", actor="wang")
    out = tmp_path / "out.xlsx"
    census.export_census(store, out)
    book = openpyxl.load_workbook(out)
    sheet = book[census_files.MAIN_SHEET]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("地名含义") + 1).value = "另一种说法"
    sheet.cell(row=3, column=header.index("东经") + 1).value = 102.8
    sheet.cell(row=3, column=header.index("东经(度分秒)") + 1).value = None
    book.save(out)
    with pytest.raises(InvalidInput) as refused:
        census.import_file(store, out, actor="wang")
    assert [(p["row"], p["column"]) for p in refused.value.details] == [(2, "地名含义"), (3, "东经")]
    assert entries(store)["子君路"].meaning == "取子君村之名"


# --- 地名代码 -----------------------------------------------------------------------------------


def test_name_codes_follow_the_rule_stay_and_are_never_reused(store, tmp_path):
    write_csv(
        tmp_path / "in.csv",
        [*ROWS, {"标准名称": "子泰路", "类别代码": "23510", "所在(跨)行政区": "530111008000"}, {"标准名称": "官城路", "类别代码": "23510"}],
    )
    census.import_census(store, tmp_path / "in.csv", actor="wang")
    names = entries(store)
    codes = {name: e.name_code for name, e in names.items()}
    assert codes["子君路"] == "53011100823510000001" and codes["子泰路"] == "53011100823510000002"
    assert codes["巫家坝"] == "53011100822200000001"
    assert codes["官城路"] == "53011100023510000001"  # no unit: the district, township 000
    assert codes["宝象桥"] == "53011100023610000001"
    assert len(set(codes.values())) == len(codes)

    census.export_census(store, tmp_path / "a.xlsx")
    census.export_census(store, tmp_path / "b.csv")
    assert {n: e.name_code for n, e in entries(store).items()} == codes  # exports do not change codes

    with pytest.raises(InvalidInput):  # a code is not an editable field
        register.update_name(store, names["子泰路"].id, {"name_code": "53011100823510000009"}, actor="wang", reason="x", version=1)

    with store.transaction(actor="wang", reason="test: a name goes") as session:
        session.delete(session.get(PlaceName, names["子泰路"].id))
    write_csv(tmp_path / "more.csv", [{"标准名称": "子云路", "类别代码": "23510", "所在(跨)行政区": "530111008000"}])
    census.import_census(store, tmp_path / "more.csv", actor="wang")
    assert entries(store)["子云路"].name_code == "53011100823510000003"  # 000002 is not given again

    write_csv(tmp_path / "given.csv", [{"标准名称": "子月路", "类别代码": "23510", "代码": "53011100823510000040"}])
    census.import_census(store, tmp_path / "given.csv", actor="wang")
    with store.transaction(actor="wang") as session:
        entry = PlaceName(**register.spelling("子星路", "23510"), admin_code="530111008000")
        assert name_codes.issue(session, entry) == "53011100823510000041"  # past the code a file brought
        counter = session.scalars(select(NameCodeSerial).where(NameCodeSerial.prefix == "53011100823510")).one()
        assert counter.last_serial == 41


def test_file_codes_must_not_repeat_and_excel_numbers_are_refused(store, tmp_path):
    path = tmp_path / "codes.xlsx"
    write_xlsx(
        path,
        [
            {"代码": "53011100823510000007", "标准名称": "子君路", "类别代码": "23510"},
            {"代码": "53011100823510000007", "标准名称": "子泰路", "类别代码": "23510"},
            {"代码": 53011100823510000008, "标准名称": "官城路", "类别代码": "23510"},
        ],
    )
    with pytest.raises(InvalidInput) as refused:
        census.import_file(store, path, actor="wang")
    assert [(p["row"], p["column"]) for p in refused.value.details] == [(3, "代码"), (4, "代码")]
    assert "repeats row 2" in refused.value.details[0]["en"] and "text" in refused.value.details[1]["en"]


def test_cli_export_and_import_census_files(store, tmp_path):
    runner = CliRunner()
    write_csv(tmp_path / "in.csv", ROWS, encoding="gbk")
    result = runner.invoke(main, ["--db", store.url, "names", "import", str(tmp_path / "in.csv")])
    assert result.exit_code == 0 and "imported 3 place names" in result.output
    for name, extra in (("out.xlsx", []), ("out.csv", []), ("utf8.csv", ["--encoding", "UTF-8"])):
        result = runner.invoke(main, ["--db", store.url, "names", "export", str(tmp_path / name), *extra])
        assert result.exit_code == 0 and "exported 3" in result.output
        result = runner.invoke(main, ["--db", store.url, "names", "import", str(tmp_path / name)])
        assert result.exit_code == 0 and "imported 0 place names, 3 already registered unchanged" in result.output
    result = runner.invoke(main, ["--db", store.url, "names", "export", str(tmp_path / "out.txt")])
    assert result.exit_code == 2 and "xlsx" in result.output
