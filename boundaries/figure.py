"""A PNG map figure of a line and its markers, without a plotting library.

matplotlib and Pillow are not part of the project's environment, so the figure is
rasterised here with numpy (lines drawn point by point, markers as filled discs)
and written as a standard PNG with zlib. No text is drawn: the legend (status →
colour) goes into the report next to the figure.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import shapely

from gis.crs import MEASURE_CRS, STORAGE_CRS, reproject

STATUS_COLOURS = {
    "intact": (26, 150, 65),
    "damaged": (253, 174, 97),
    "displaced": (215, 25, 28),
    "missing": (0, 0, 0),
    "rebuilt": (43, 131, 186),
    "new": (171, 221, 164),
    "not-inspected": (160, 160, 160),
}
LINE_COLOUR = (90, 90, 90)


def render(line_lonlat, markers: list[tuple[float, float, str]], path, size: int = 800, margin: int = 30) -> Path:
    """Draw ``line_lonlat`` and ``markers`` [(lon, lat, status)] to a ``size``² PNG at ``path``."""
    canvas = np.full((size, size, 3), 255, dtype=np.uint8)
    metric = reproject(line_lonlat, STORAGE_CRS, MEASURE_CRS)
    minx, miny, maxx, maxy = metric.bounds
    scale = (size - 2 * margin) / max(maxx - minx, maxy - miny, 1.0)

    def pixel(x, y):
        return margin + (np.asarray(x) - minx) * scale, size - margin - (np.asarray(y) - miny) * scale

    for part in shapely.get_parts(metric):
        xy = np.asarray(part.coords)[:, :2]
        for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:], strict=True):
            (c0, r0), (c1, r1) = pixel(x0, y0), pixel(x1, y1)
            steps = int(max(abs(c1 - c0), abs(r1 - r0))) + 1
            cols, rows = np.linspace(c0, c1, steps + 1), np.linspace(r0, r1, steps + 1)
            _stamp(canvas, cols, rows, 1, LINE_COLOUR)
    if markers:
        points = reproject(shapely.MultiPoint([(lon, lat) for lon, lat, _ in markers]), STORAGE_CRS, MEASURE_CRS)
        for point, (_lon, _lat, status) in zip(points.geoms, markers, strict=True):
            col, row = pixel(point.x, point.y)
            _stamp(canvas, np.array([col]), np.array([row]), 6, (0, 0, 0))
            _stamp(canvas, np.array([col]), np.array([row]), 4, STATUS_COLOURS.get(status, STATUS_COLOURS["not-inspected"]))
    return write_png(canvas, path)


def _stamp(canvas, cols, rows, radius: int, colour) -> None:
    """Paint a disc of ``radius`` pixels at every (col, row)."""
    size = canvas.shape[0]
    offsets = [(dc, dr) for dc in range(-radius, radius + 1) for dr in range(-radius, radius + 1) if dc * dc + dr * dr <= radius * radius]
    base_c, base_r = np.rint(cols).astype(int), np.rint(rows).astype(int)
    for dc, dr in offsets:
        c, r = base_c + dc, base_r + dr
        ok = (c >= 0) & (c < size) & (r >= 0) & (r < size)
        canvas[r[ok], c[ok]] = colour


def write_png(rgb: np.ndarray, path) -> Path:
    """Write an RGB uint8 array as a PNG (8-bit truecolour, no interlace)."""
    path = Path(path)
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    return path
