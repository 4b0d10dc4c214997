"""Join the pieces of one line across short unmatched breaks.

Where the two drawings part by more than the tolerance for a few metres, the
matched line breaks; the issue asks for one clean line per pair, so breaks no
longer than ``bridge_m`` are closed with a straight segment and listed in the
disagreement report. A break next to a third unit is a real interruption (the
third unit touches the line there) and stays open.
"""

from __future__ import annotations

import numpy as np
import shapely


def bridge(parts: list, bridge_m: float, others: list, clearance_m: float) -> tuple[list, list[dict]]:
    """Parts after closing short breaks, and the closed breaks (metres)."""
    parts = [np.asarray(p.coords)[:, :2] for p in parts]
    closed: list[dict] = []
    while len(parts) > 1:
        best = None
        for i in range(len(parts)):
            for j in range(i + 1, len(parts)):
                for ei, ej in ((-1, 0), (-1, -1), (0, 0), (0, -1)):
                    gap = float(np.hypot(*(parts[i][ei] - parts[j][ej])))
                    if gap <= bridge_m and (best is None or gap < best[0]):
                        segment = shapely.LineString([parts[i][ei], parts[j][ej]])
                        if all(segment.distance(other) > clearance_m for other in others):
                            best = (gap, i, j, ei, ej)
        if best is None:
            break
        gap, i, j, ei, ej = best
        a = parts[i] if ei == -1 else parts[i][::-1]
        b = parts[j] if ej == 0 else parts[j][::-1]
        closed.append({"gap_m": round(gap, 1), "from": tuple(a[-1]), "to": tuple(b[0])})
        joined = np.vstack([a, b])
        parts = [p for k, p in enumerate(parts) if k not in (i, j)] + [joined]
    return [shapely.LineString(p) for p in parts], closed
