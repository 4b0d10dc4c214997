"""The inspection map PNG: size, status colours, text drawn, and never a missing glyph."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import shapely
from PIL import Image

from boundaries import figure
from gis.crs import STORAGE_CRS, measure_crs, reproject

X0, Y0 = 530000.0, 2770000.0


def world():
    line = reproject(shapely.MultiLineString([[(X0, Y0), (X0 + 2000, Y0 + 300), (X0 + 4000, Y0 - 200)]]), measure_crs(), STORAGE_CRS)
    statuses = list(figure.STATUS_COLOURS)
    metric = reproject(line, STORAGE_CRS, measure_crs()).geoms[0]
    markers = []
    for k, status in enumerate(statuses):
        point = reproject(metric.interpolate(k * metric.length / (len(statuses) - 1)), measure_crs(), STORAGE_CRS)
        markers.append((point.x, point.y, status, f"0311{k + 1:03d}Q"))
    return line, markers


def pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("cjk", [None, False])
def test_png_has_its_size_every_status_colour_and_no_missing_glyphs(tmp_path, cjk):
    line, markers = world()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = figure.render(
            line,
            markers,
            tmp_path / "map.png",
            size=640,
            cjk=cjk,
            title=("官渡区与盘龙区界线联检 GP-2021", "Guandu Qu - Panlong Qu: joint inspection GP-2021"),
            subtitle="联检 2021-05-10 – 2021-06-01",
        )
    assert not [w for w in caught if "missing from font" in str(w.message)]  # no empty boxes for Chinese
    rgb = pixels(path)
    assert rgb.shape == (640, 640, 3)
    for status, colour in figure.STATUS_COLOURS.items():
        found = np.all(rgb == np.array(colour, dtype=np.uint8), axis=-1).sum()
        assert found > 20, status  # the marker discs (and their legend swatches)


def test_text_is_drawn(tmp_path):
    line, markers = world()
    bare = pixels(figure.render(line, [m[:3] for m in markers], tmp_path / "bare.png", cjk=False))
    full = pixels(figure.render(line, markers, tmp_path / "full.png", cjk=False, title="Line 0311: joint inspection GP-2021"))
    title = (slice(33, 80), slice(200, 650))  # right of the legend, left of the north arrow
    assert (bare[title] < 128).sum() == 0 and (full[title] < 128).sum() > 200
    assert (full[100:] != bare[100:]).any(axis=-1).sum() > 500  # the marker codes


def test_ascii_fallback_and_helpers():
    assert figure.ascii_text("官渡区 GP-2021") == "Guanduqu GP-2021"
    assert figure.ascii_name("小哨街道") == "Xiaoshao Jiedao" and figure.ascii_name("盘龙区") == "Panlong Qu"
    assert all(32 <= ord(ch) < 127 for ch in figure.ascii_text("宜良县与官渡区界线·联检—2021"))
    assert figure.nice_length(7300) == 1000 and figure.nice_length(12000) == 2000 and figure.nice_length(40) == 5
    assert figure.code_labels(["001002001C", "001002001D", "001002001E", "001002002Q", None]) == [(0, "001002001C/D/E"), (3, "001002002Q")]


def test_a_cjk_font_is_found_and_the_map_writes_chinese_names():
    """The set-up installs a CJK font (tests/support/ensure_cjk_font.sh, run by ``make install``);
    the map then keeps the Chinese names and status names instead of romanizing them."""
    from matplotlib.ft2font import FT2Font
    from matplotlib.text import Text

    font = figure.cjk_font()
    assert font is not None, "no CJK font: run tests/support/ensure_cjk_font.sh"
    assert all(FT2Font(font).get_char_index(ord(ch)) for ch in "官渡盘龙界线联检完好移位")
    line, markers = world()
    drawn = figure.draw(line, markers, title=("官渡区与盘龙区界线联检 GP-2021", "Guandu Qu - Panlong Qu GP-2021"))
    texts = " ".join(t.get_text() for t in drawn.findobj(Text))
    assert "官渡区与盘龙区界线联检 GP-2021" in texts and "Guandu" not in texts
    assert "完好 intact" in texts and "移位 displaced" in texts and "北 N" in texts
    ascii_only = " ".join(t.get_text() for t in figure.draw(line, markers, title=("官渡区", "Guandu Qu"), cjk=False).findobj(Text))
    assert "Guandu Qu" in ascii_only and "官" not in ascii_only
