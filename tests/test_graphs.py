"""gis.graphs, the one connected-parts routine, against a plain breadth-first search."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gis.graphs import component_labels, components


def reference_parts(size, edges, nodes) -> list[list[int]]:
    inside = set(nodes)
    seen: set[int] = set()
    parts = []
    for start in sorted(inside):
        if start in seen:
            continue
        part, queue = [], [start]
        seen.add(start)
        while queue:
            node = queue.pop(0)
            part.append(node)
            for a, b in edges:
                for x, y in ((a, b), (b, a)):
                    if x == node and y in inside and y not in seen:
                        seen.add(y)
                        queue.append(y)
        parts.append(sorted(part))
    return sorted(parts, key=lambda p: (-len(p), p[0]))


graphs = st.integers(1, 25).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40),
        st.sets(st.integers(0, n - 1)),
    )
)


@settings(max_examples=200, deadline=None)
@given(graphs)
def test_parts_match_a_breadth_first_search(graph):
    size, edges, nodes = graph
    u = [a for a, _ in edges]
    v = [b for _, b in edges]
    assert components(size, u, v, nodes) == reference_parts(size, edges, nodes)


def test_labels_count_up_by_smallest_node_and_mark_outsiders():
    u, v = [3, 0, 4], [4, 2, 5]  # parts {0,2}, {1}, {3,4,5}
    assert component_labels(6, u, v).tolist() == [0, 1, 0, 2, 2, 2]
    mask = np.array([True, True, True, True, False, True])
    assert component_labels(6, u, v, mask).tolist() == [0, 1, 0, 2, -1, 3]  # without 4, 3 and 5 fall apart
    assert component_labels(6, u, v, [0, 2, 5]).tolist() == [0, -1, 0, -1, -1, 1]


def test_an_edge_leaving_the_chosen_nodes_does_not_join_them():
    assert components(3, [0, 1], [1, 2], [0, 2]) == [[0], [2]]
    assert components(3, [0, 1], [1, 2], []) == []
