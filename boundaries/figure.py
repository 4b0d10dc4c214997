"""The PNG map of a joint inspection: the line, its markers coloured by status with a
legend, marker codes, a scale bar, a north arrow and a title.

Drawn with matplotlib's Agg canvas (no display, no pyplot global state, so it is safe
in a web worker), in EPSG:4543 metres with equal axes so the scale bar is true.
Chinese needs a CJK font (``make install`` installs fonts-wqy-zenhei through apt when
none is found); when none is installed every text is romanized to ASCII (pinyin)
instead, so the picture never shows empty boxes for missing glyphs.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import shapely
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gis.crs import STORAGE_CRS, measure_crs, reproject

from .labels import MARKER_STATUS_LABELS

STATUS_COLOURS = {
    "intact": (26, 150, 65),
    "damaged": (253, 174, 97),
    "displaced": (215, 25, 28),
    "missing": (0, 0, 0),
    "rebuilt": (43, 131, 186),
    "new": (171, 221, 164),
    "not-inspected": (160, 160, 160),
}
STATUS_NAMES = {code: names[0] for code, names in MARKER_STATUS_LABELS.items()}
LINE_COLOUR = (90, 90, 90)
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
)
CJK_FILE_HINTS = ("wqy", "cjk", "sourcehan", "droidsansfallback", "uming", "ukai", "simhei", "msyh")
MAX_LABELS = 80  # beyond this many markers only every n-th code is written


def _hex(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*tuple(rgb))


def _has_chinese(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        return all(FT2Font(path).get_char_index(ord(ch)) for ch in "界桩联检")
    except (OSError, RuntimeError):
        return False


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Path of an installed font that has Chinese glyphs, or None.

    matplotlib's own list first (known CJK families ahead); then the system's font
    files, because matplotlib caches its list once and does not see a font installed
    later (``make install`` adds fonts-wqy-zenhei after matplotlib may have run).
    """
    fonts = sorted(font_manager.fontManager.ttflist, key=lambda f: (f.name not in CJK_FAMILIES, f.name))
    for entry in fonts:
        if "last resort" in entry.name.lower():  # draws a placeholder box for every character
            continue
        if _has_chinese(entry.fname):
            return entry.fname
    known = {entry.fname for entry in fonts}
    hinted = sorted(font_manager.findSystemFonts(), key=lambda p: not any(h in p.lower() for h in CJK_FILE_HINTS))
    for path in hinted:
        if path not in known and "lastresort" not in path.lower().replace(" ", "") and _has_chinese(path):
            font_manager.fontManager.addfont(path)
            return path
    return None


def ascii_text(text: str) -> str:
    """Romanize Chinese (pinyin, one word per run of characters) and keep ASCII only."""
    from pypinyin import lazy_pinyin

    out, run = [], []
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            run.append(ch)
            continue
        if run:
            out.append("".join(lazy_pinyin("".join(run))).capitalize())
            run = []
        out.append(ch)
    if run:
        out.append("".join(lazy_pinyin("".join(run))).capitalize())
    joined = "".join(out).replace("–", "-").replace("—", "-").replace("·", "|")
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in joined)


GENERICS = ("街道", "社区", "区", "县", "市", "镇", "乡")


def ascii_name(name: str) -> str:
    """A unit name in pinyin with its generic apart: 小哨街道 → Xiaoshao Jiedao (ASCII only)."""
    for generic in GENERICS:
        if name.endswith(generic) and len(name) > len(generic):
            return f"{ascii_text(name[: -len(generic)])} {ascii_text(generic)}"
    return ascii_text(name)


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^k metres) about a fifth of ``span_m``."""
    target = max(span_m / 5, 1.0)
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def render(
    line_lonlat,
    markers: list[tuple],
    path,
    size: int = 800,
    margin: int = 30,
    *,
    title: str | tuple[str, str] | None = None,
    subtitle: str | None = None,
    cjk: bool | None = None,
) -> Path:
    """Draw ``line_lonlat`` and ``markers`` [(lon, lat, status[, code])] to a ``size``² PNG at ``path``.

    ``title`` may be a pair (Chinese, ASCII): the ASCII form is used when no CJK font is
    installed. ``cjk``: None chooses by the fonts installed; False forces ASCII text.
    """
    figure = draw(line_lonlat, markers, size, margin, title=title, subtitle=subtitle, cjk=cjk)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", dpi=100)
    return path


def draw(
    line_lonlat,
    markers: list[tuple],
    size: int = 800,
    margin: int = 30,
    *,
    title: str | tuple[str, str] | None = None,
    subtitle: str | None = None,
    cjk: bool | None = None,
) -> Figure:
    """The map as a matplotlib Figure on an Agg canvas (``render`` saves it); arguments as there."""
    font = cjk_font() if cjk is not False else None
    text = (lambda s: s) if font else ascii_text
    props = font_manager.FontProperties(fname=font) if font else font_manager.FontProperties(family="DejaVu Sans")

    figure = Figure(figsize=(size / 100, size / 100), dpi=100)
    FigureCanvasAgg(figure)
    inset = margin / size
    axes = figure.add_axes((inset, inset, 1 - 2 * inset, 1 - 2 * inset - (0.07 if title else 0)))
    axes.set_xticks([])
    axes.set_yticks([])

    metric = reproject(line_lonlat, STORAGE_CRS, measure_crs())
    for part in shapely.get_parts(metric):
        xs, ys = part.xy
        axes.plot(xs, ys, color=_hex(LINE_COLOUR), linewidth=2, zorder=1)
    statuses = []
    if markers:
        points = list(reproject(shapely.MultiPoint([(m[0], m[1]) for m in markers]), STORAGE_CRS, measure_crs()).geoms)
        for point, marker in zip(points, markers, strict=True):
            status = marker[2] if marker[2] in STATUS_COLOURS else "not-inspected"
            statuses.append(status)
            axes.scatter([point.x], [point.y], s=70, color=_hex(STATUS_COLOURS[status]), edgecolors="black", linewidths=1, zorder=3)
        labels = code_labels([m[3] if len(m) > 3 else None for m in markers])
        every = max(1, math.ceil(len(labels) / MAX_LABELS))
        for k, (index, label) in enumerate(labels):
            if k % every == 0:
                axes.annotate(
                    text(label),
                    (points[index].x, points[index].y),
                    xytext=(5, 5),
                    textcoords="offset points",
                    fontsize=7,
                    fontproperties=props,
                    zorder=4,
                )
    _frame(axes, metric.bounds)
    _scale_bar(axes, props)
    _north_arrow(axes, props, "北 N" if font else "N")

    shown = [s for s in STATUS_COLOURS if s in statuses] or ["not-inspected"]
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor=_hex(STATUS_COLOURS[s]),
            markeredgecolor="black",
            label=text(f"{STATUS_NAMES[s]} {s}") if font else s,
        )
        for s in shown
    ]
    legend_font = props.copy()
    legend_font.set_size(8)
    axes.legend(
        handles=handles, loc="best", prop=legend_font, title="图例 Legend" if font else "Legend", title_fontproperties=props, framealpha=0.9
    )
    if isinstance(title, tuple):
        title = title[0] if font else title[1]
    if title:
        figure.text(0.5, 1 - inset / 2 - 0.02, text(title), ha="center", va="top", fontproperties=props, fontsize=14)
    if subtitle:
        figure.text(0.5, 1 - inset / 2 - 0.055, text(subtitle), ha="center", va="top", fontproperties=props, fontsize=9)
    return figure


def code_labels(codes: list[str | None]) -> list[tuple[int, str]]:
    """(index of the first marker, label) per serial: a pair or triple is written once, e.g. ``001002003A/B``."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for index, code in enumerate(codes):
        if code:
            groups.setdefault(code[:-1], []).append((index, code[-1]))
    return [(members[0][0], stem + "/".join(letter for _, letter in members)) for stem, members in groups.items()]


def _frame(axes, bounds) -> None:
    """Limits around ``bounds`` with a margin, widened so one metre is as long across as up."""
    minx, miny, maxx, maxy = bounds
    pad = max(maxx - minx, maxy - miny, 100.0) * 0.08
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    box = axes.get_position()
    width_px, height_px = box.width * axes.figure.bbox.width, box.height * axes.figure.bbox.height
    per_px = max((maxx - minx) / width_px, (maxy - miny) / height_px)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    axes.set_xlim(cx - per_px * width_px / 2, cx + per_px * width_px / 2)
    axes.set_ylim(cy - per_px * height_px / 2, cy + per_px * height_px / 2)
    axes.set_aspect("equal", adjustable="box")


def _scale_bar(axes, props) -> None:
    (x0, x1), (y0, y1) = axes.get_xlim(), axes.get_ylim()
    length = nice_length(x1 - x0)
    left, base = x0 + (x1 - x0) * 0.05, y0 + (y1 - y0) * 0.05
    tick = (y1 - y0) * 0.01
    axes.plot([left, left + length], [base, base], color="black", linewidth=3, zorder=5)
    for x in (left, left + length):
        axes.plot([x, x], [base - tick, base + tick], color="black", linewidth=1.5, zorder=5)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    axes.text(left + length / 2, base + 2 * tick, label, ha="center", va="bottom", fontsize=9, fontproperties=props, zorder=5)


def _north_arrow(axes, props, label: str) -> None:
    """Grid north of EPSG:4543 (within a degree of true north over the district)."""
    axes.annotate(
        "",
        xy=(0.95, 0.95),
        xytext=(0.95, 0.85),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 2, "mutation_scale": 20},
    )
    axes.text(0.95, 0.96, label, transform=axes.transAxes, ha="center", va="bottom", fontsize=11, fontproperties=props)
