"""Connected parts of an undirected graph given as two arrays of edge ends.

The one routine for it (redistricting's block graph, its local search and the demo's
face grouping all use it), done by scipy's compiled ``connected_components`` rather
than a search loop in Python.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components


def component_labels(size: int, u, v, nodes=None) -> np.ndarray:
    """Per node ``0..size-1``, the id of its connected part, edges being ``(u[k], v[k])``.

    ``nodes`` (indices or a boolean mask) restricts the graph to the subgraph they
    induce; nodes outside it get -1. Ids count up in the order of each part's
    smallest node, so they are the same from run to run.
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    inside = None
    if nodes is not None:
        inside = np.zeros(size, dtype=bool)
        inside[np.asarray(nodes)] = True
        keep = inside[u] & inside[v]
        u, v = u[keep], v[keep]
    matrix = coo_array((np.ones(len(u), dtype=np.int8), (u, v)), shape=(size, size)).tocsr()
    _, labels = connected_components(matrix, directed=False)
    labels = labels.astype(np.int64)
    if inside is not None:
        labels[~inside] = -1
        _, labels[inside] = np.unique(labels[inside], return_inverse=True)
    return labels


def components(size: int, u, v, nodes) -> list[list[int]]:
    """The connected parts of the subgraph induced by ``nodes`` (indices), each sorted,
    largest first (equal sizes by smallest node)."""
    members = np.unique(np.fromiter(nodes, dtype=np.int64))
    if not len(members):
        return []
    labels = component_labels(size, u, v, members)[members]
    order = np.argsort(labels, kind="stable")
    parts = [chunk.tolist() for chunk in np.split(members[order], np.flatnonzero(np.diff(labels[order])) + 1)]
    return sorted(parts, key=lambda p: (-len(p), p[0]))
