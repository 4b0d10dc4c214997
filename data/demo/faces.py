"""Faces of a noded line network, and grouping them into exactly tiling regions.

Why: every polygon layer of the demo (subdistricts, communities, blocks) is a union
of faces cut from ONE snap-rounded line network. Faces of one network share their
edges vertex for vertex, so any grouping of them tiles the covered area with no gap
and no overlap, whatever the floating-point noise of the lines that cut them.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import shapely

from data.demo.metric import GRID_M
from gis import graphs


class Faces:
    """Polygons from polygonizing a noded network, with their edge adjacency."""

    def __init__(self, geoms: np.ndarray):
        self.geoms = np.asarray(geoms, dtype=object)

    @classmethod
    def from_lines(cls, lines, within=None) -> Faces:
        """Node ``lines`` on the grid, polygonize, keep faces whose interior point is in ``within``."""
        network = shapely.union_all(np.asarray(lines, dtype=object), grid_size=GRID_M)
        faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(network)))
        faces = faces[shapely.area(faces) > 0]
        if within is not None:
            xy = shapely.get_coordinates(shapely.point_on_surface(faces))
            faces = faces[shapely.contains_xy(within, xy[:, 0], xy[:, 1])]
        return cls(faces)

    def __len__(self) -> int:
        return len(self.geoms)

    @cached_property
    def area(self) -> np.ndarray:
        return shapely.area(self.geoms)

    @cached_property
    def inner_xy(self) -> np.ndarray:
        """A point inside each face (not on its edge), as an (n, 2) array."""
        return shapely.get_coordinates(shapely.point_on_surface(self.geoms))

    @cached_property
    def adjacency(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs (i, j), i < j, of faces sharing an edge, and the shared length."""
        tree = shapely.STRtree(self.geoms)
        i, j = tree.query(self.geoms, predicate="intersects")
        keep = i < j
        i, j = i[keep], j[keep]
        rings = shapely.boundary(self.geoms)
        shared = shapely.length(shapely.intersection(rings[i], rings[j]))
        touching = shared > GRID_M
        return i[touching], j[touching], shared[touching]

    def components(self, labels: np.ndarray) -> np.ndarray:
        """Id of the edge-connected component of same-label faces, per face."""
        i, j, _ = self.adjacency
        same = labels[i] == labels[j]
        return graphs.component_labels(len(self), i[same], j[same])

    def make_contiguous(self, labels: np.ndarray, fixed: np.ndarray | None = None, rounds: int = 50) -> np.ndarray:
        """Relabel stray pieces so each label forms one edge-connected region.

        The largest piece of a label keeps it; every other piece joins the
        neighbouring label it shares the longest edge with. ``fixed`` (optional,
        per face) forbids joining across different fixed groups, e.g. keeps
        communities inside their subdistrict.
        """
        labels = labels.copy()
        i, j, shared = self.adjacency
        for _ in range(rounds):
            comp = self.components(labels)
            changed = False
            for label in np.unique(labels):
                members = np.flatnonzero(labels == label)
                pieces = np.unique(comp[members])
                if len(pieces) < 2:
                    continue
                piece_area = np.array([self.area[comp == p].sum() for p in pieces])
                for piece in pieces[np.argsort(-piece_area)][1:]:
                    target = self._best_neighbour(comp == piece, labels, label, fixed, i, j, shared)
                    if target is not None:
                        labels[comp == piece] = target
                        changed = True
            if not changed:
                return labels
        raise RuntimeError("could not make every region contiguous")

    @staticmethod
    def _best_neighbour(in_piece, labels, label, fixed, i, j, shared):
        out_i = in_piece[i] & ~in_piece[j]
        out_j = in_piece[j] & ~in_piece[i]
        other = np.concatenate([j[out_i], i[out_j]])
        inner = np.concatenate([i[out_i], j[out_j]])
        length = np.concatenate([shared[out_i], shared[out_j]])
        ok = labels[other] != label
        if fixed is not None:
            ok &= fixed[other] == fixed[inner]
        if not ok.any():
            return None
        totals: dict[int, float] = {}
        for lab, ln in zip(labels[other[ok]], length[ok], strict=True):
            totals[int(lab)] = totals.get(int(lab), 0.0) + float(ln)
        return max(sorted(totals), key=lambda k: totals[k])

    def dissolve(self, labels: np.ndarray, count: int) -> np.ndarray:
        """One (Multi)Polygon per label 0..count-1 (None where a label has no face)."""
        out = np.empty(count, dtype=object)
        order = np.argsort(labels, kind="stable")
        bounds = np.searchsorted(labels[order], np.arange(count + 1))
        for k in range(count):
            members = order[bounds[k] : bounds[k + 1]]
            out[k] = shapely.coverage_union_all(self.geoms[members]) if len(members) else None
        return out


def locate(polygons, xy: np.ndarray) -> np.ndarray:
    """Index of the polygon containing each point, -1 where none does."""
    found = np.full(len(xy), -1)
    for k, polygon in enumerate(polygons):
        shapely.prepare(polygon)
        found[(found < 0) & shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])] = k
    return found
