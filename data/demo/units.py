"""Synthetic territories for the real subdistricts and communities.

Subdistricts are power-diagram cells of the real outline around the planned anchors
(``layout``), with weights fitted to the planned areas. Communities are Voronoi
cells inside their subdistrict around density-weighted k-means seeds, so that they
hold comparable numbers of households: small where the city is dense, large in the
rural east. Both levels come from one snap-rounded network (``faces``), so
communities tile their subdistrict and subdistricts tile the outline exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from data.demo.clustering import weighted_kmeans
from data.demo.density import Density
from data.demo.faces import Faces, locate
from data.demo.layout import UnitPlan
from data.demo.power import bisectors, fit_weights, neighbour_pairs, owner
from data.demo.sampling import grid_points, spacing_for

SUBDISTRICT_SAMPLES = 6000
SAMPLES_PER_COMMUNITY = 80
COMMUNITY_AREA_MIX = 0.25  # share of "area" in the k-means mass, so rural communities stay compact
ANCHOR_INSET_M = 300.0


@dataclass(frozen=True)
class Territories:
    """Metric (EPSG:4543) polygons: subdistricts in plan order, communities grouped by parent."""

    subdistricts: np.ndarray
    communities: np.ndarray
    community_parent: np.ndarray  # index into subdistricts, per community


def anchor_sites(outline, anchors_xy: np.ndarray) -> np.ndarray:
    """Planned anchors, pulled just inside the outline where they fall outside it."""
    inner = outline.buffer(-ANCHOR_INSET_M)
    sites = anchors_xy.copy()
    for k, (x, y) in enumerate(anchors_xy):
        point = shapely.Point(x, y)
        if not inner.contains(point):
            nearest = shapely.shortest_line(point, inner).coords[-1]
            sites[k] = nearest
    return sites


def subdistrict_territories(outline, sites: np.ndarray, plans: tuple[UnitPlan, ...]) -> np.ndarray:
    """One contiguous polygon per plan, together tiling ``outline`` exactly."""
    spacing = spacing_for(outline, SUBDISTRICT_SAMPLES)
    xy = grid_points(outline, spacing)
    targets = np.array([plan.area_km2 for plan in plans], dtype=float)
    weights = fit_weights(xy, sites, targets / targets.sum())
    cuts = shapely.intersection(bisectors(sites, weights, neighbour_pairs(xy, spacing, sites, weights), outline.bounds), outline)
    faces = Faces.from_lines([outline.boundary, *cuts], within=outline)
    labels = faces.make_contiguous(owner(faces.inner_xy, sites, weights))
    parts = faces.dissolve(labels, len(plans))
    if any(part is None for part in parts):
        raise RuntimeError("a subdistrict received no territory; check the layout anchors")
    return parts


def community_seeds(subdistrict, count: int, density: Density, rng: np.random.Generator):
    """Seeds for ``count`` communities and the sample grid spacing used to find them."""
    spacing = spacing_for(subdistrict, SAMPLES_PER_COMMUNITY * count + 200)
    xy = grid_points(subdistrict, spacing)
    g = density.at(xy)
    mass = g + COMMUNITY_AREA_MIX * g.mean()
    if count == 1:
        return xy[[np.argmax(mass)]], xy, spacing
    return weighted_kmeans(xy, mass, count, rng), xy, spacing


def territories(outline, subdistricts: np.ndarray, counts: list[int], density: Density, rng: np.random.Generator) -> Territories:
    """Cut every subdistrict into ``counts[k]`` communities in one network, then regroup."""
    lines = [shapely.boundary(part) for part in subdistricts]
    seeds = []
    for part, count in zip(subdistricts, counts, strict=True):
        sites, xy, spacing = community_seeds(part, count, density, rng)
        seeds.append(sites)
        if count > 1:
            zero = np.zeros(count)
            lines.extend(shapely.intersection(bisectors(sites, zero, neighbour_pairs(xy, spacing, sites, zero), part.bounds), part))
    faces = Faces.from_lines(lines, within=outline)
    parent = locate(subdistricts, faces.inner_xy)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    labels = np.empty(len(faces), dtype=int)
    for k, sites in enumerate(seeds):
        mine = parent == k
        labels[mine] = offsets[k] + owner(faces.inner_xy[mine], sites, np.zeros(len(sites)))
    labels = faces.make_contiguous(labels, fixed=parent)
    communities = faces.dissolve(labels, int(offsets[-1]))
    if any(part is None for part in communities):
        raise RuntimeError("a community received no territory")
    return Territories(
        subdistricts=faces.dissolve(parent, len(subdistricts)),
        communities=communities,
        community_parent=np.repeat(np.arange(len(counts)), counts),
    )
