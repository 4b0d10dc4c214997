"""Street blocks: the faces of the whole network of boundaries, streets and rivers.

Why one network: blocks, communities and subdistricts are all regrouped from the
same faces, so blocks tile their community and communities tile their subdistrict
exactly, and no block crosses a unit boundary, a street or a river. Each face is
one block, however small: merging a sliver into a neighbour would make that block
straddle the street or river between them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from data.demo.faces import Faces, locate


@dataclass(frozen=True)
class BlockCut:
    blocks: np.ndarray  # metric Polygons
    community: np.ndarray  # community index per block
    communities: np.ndarray  # final community polygons (unions of their blocks)
    subdistricts: np.ndarray  # final subdistrict polygons (unions of their blocks)


def cut_blocks(outline, communities: np.ndarray, community_parent: np.ndarray, n_subdistricts: int, lines: list) -> BlockCut:
    """Polygonize community boundaries + ``lines`` and regroup the faces at every level."""
    network = [shapely.boundary(c) for c in communities] + list(lines)
    faces = Faces.from_lines(network, within=outline)
    owner = locate(communities, faces.inner_xy)
    if (owner < 0).any():
        raise RuntimeError("a face lies in no community")
    return BlockCut(
        blocks=np.array([_single(b) for b in faces.geoms], dtype=object),
        community=owner,
        communities=faces.dissolve(owner, len(communities)),
        subdistricts=faces.dissolve(community_parent[owner], n_subdistricts),
    )


def _single(geom):
    """Faces of a polygonized network are single polygons; anything else is a bug."""
    if geom.geom_type != "Polygon":
        raise RuntimeError(f"a block came out as {geom.geom_type}")
    return geom
