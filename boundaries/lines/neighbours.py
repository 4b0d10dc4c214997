"""District lines (县级界线): the stored district against its neighbours' outlines.

Why a separate path from ``build_and_save``: the neighbouring districts are not units
of this register (their outlines come from a file, e.g. the published outlines of
the city's districts), so they are never stored as units — storing them would make
``diming boundaries check`` compare our outline with generalised web-map data of
theirs. Only the lines between one of our district units and one neighbour are kept
and registered (level ``district``); lines between two neighbours are not ours.
"""

from __future__ import annotations

import shapely

from gis.storage import Store

from .builder import BuildOptions, BuiltLine, build_lines
from .service import save_lines, units_from_file, units_from_store

LEVEL = "district"
#: Neighbours are cut to this far (degrees, about 2 km) around our outline before matching:
#: only the edge they share with us matters, and matching their whole outline (a county
#: can be ten times our size) costs most of the time. The cut is far beyond the matching
#: tolerance, so the lines come out the same.
NEAR_DEG = 0.02


def statistical_code(code: str) -> str:
    """A 6-digit GB/T 2260 county code as the 12-digit statistical code the register uses (530103 → 530103000000)."""
    code = code.strip()
    return code + "000000" if len(code) == 6 and code.isdigit() else code


def district_lines(store: Store, neighbours_path, *, crs: str | None = None, options: BuildOptions | None = None) -> list[BuiltLine]:
    """Lines between the stored district unit(s) in force and the neighbours in ``neighbours_path``.

    A feature of the file with the code of a stored district is left out: the register's
    own outline is the one the line is built from.
    """
    from gis.errors import InvalidInput

    ours = units_from_store(store, LEVEL)
    if not ours:
        raise InvalidInput("数据库中没有现行的区县单元", "The database holds no district unit in force")
    own = {code for code, _, _ in ours}
    neighbours = [(statistical_code(code), name, geom) for code, name, geom in units_from_file(neighbours_path, crs=crs)]
    around = shapely.union_all([geom for _, _, geom in ours]).buffer(NEAR_DEG)
    neighbours = [(code, name, shapely.intersection(geom, around)) for code, name, geom in neighbours if code not in own]
    neighbours = [unit for unit in neighbours if shapely.area(unit[2]) > 0]
    if not neighbours:
        raise InvalidInput("文件中没有相邻区县", "The file holds no neighbouring district")
    lines = build_lines(ours + neighbours, options)
    return [line for line in lines if (line.left_code in own) != (line.right_code in own)]


def register_district_lines(
    store: Store, neighbours_path, *, actor: str, reason: str, crs: str | None = None, options: BuildOptions | None = None
) -> tuple[list[BuiltLine], dict]:
    """Build the district lines and store them in the register (added, updated, retired counts)."""
    lines = district_lines(store, neighbours_path, crs=crs, options=options)
    return lines, save_lines(store, lines, LEVEL, actor=actor, reason=reason)
