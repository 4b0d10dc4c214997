"""Many random spanning trees of one small graph at once, each rooted at node 0.

Why: the merge-and-resplit step (``search.recombine``) draws a few random spanning
trees for every pair of neighbouring communities, tens of thousands of times per
district. A pair has about 50 blocks, so building a sparse matrix and calling scipy
twice per tree cost far more in call overhead than in work. Here the T trees of one
pair come from one graph holding T copies of the pair, each copy joined to a virtual
root by one edge: its minimum spanning forest is the minimum spanning tree of every
copy under that copy's weights (the joining edges are bridges, always kept), and one
depth-first search from the virtual root roots each copy at its node 0. The trees are
the same as one scipy call per tree gives, so the splits, and the plans, are too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import depth_first_order, minimum_spanning_tree


@dataclass(frozen=True)
class RootedTrees:
    """T spanning trees of the same ``n`` nodes, each rooted at node 0.

    ``position[t, v]`` is v's place in tree t's depth-first preorder and ``size[t, v]``
    the number of nodes in v's subtree, so v's subtree is the nodes whose position lies
    in ``[position[t, v], position[t, v] + size[t, v])``.
    """

    position: np.ndarray  # (T, n) int64
    size: np.ndarray  # (T, n) int64
    preorder: np.ndarray  # (T, n) int64: preorder[t, i] is the node at position i of tree t

    def subtree_sums(self, values: np.ndarray) -> np.ndarray:
        """``(T, n)``: per tree and node, the sum of ``values`` (per node, integers) over its subtree."""
        in_order = values[self.preorder]
        running = np.zeros((in_order.shape[0], in_order.shape[1] + 1), dtype=in_order.dtype)
        np.cumsum(in_order, axis=1, out=running[:, 1:])
        end = np.take_along_axis(running, self.position + self.size, axis=1)
        return end - np.take_along_axis(running, self.position, axis=1)

    def subtree_mask(self, tree: int, nodes: np.ndarray) -> np.ndarray:
        """``(len(nodes), n)``: row i marks the nodes of ``nodes[i]``'s subtree in ``tree``."""
        position = self.position[tree]
        start = position[nodes]
        return (position[None, :] >= start[:, None]) & (position[None, :] < (start + self.size[tree, nodes])[:, None])


def minimum_spanning_trees(n: int, eu: np.ndarray, ev: np.ndarray, weights: np.ndarray) -> RootedTrees | None:
    """Per row of ``weights`` (T × len(eu), positive), the minimum spanning tree of the graph
    ``(eu[k], ev[k])`` on nodes ``0..n-1`` under those weights; None if the graph is not connected."""
    count = weights.shape[0]
    root = count * n  # the virtual root joining the copies
    offset = (np.arange(count, dtype=np.int64) * n)[:, None]
    rows = np.concatenate([(eu[None, :] + offset).ravel(), offset[:, 0]])
    cols = np.concatenate([(ev[None, :] + offset).ravel(), np.full(count, root, dtype=np.int64)])
    data = np.concatenate([weights.ravel(), np.ones(count)])
    forest = minimum_spanning_tree(coo_matrix((data, (rows, cols)), shape=(root + 1, root + 1)))
    order, parent = depth_first_order(forest, root, directed=False)
    if len(order) < root + 1:
        return None
    # Children come after their parents in a preorder, so one backward sweep sums subtree sizes.
    sizes = [1] * (root + 1)
    parents = parent.tolist()
    for v in reversed(order[1:].tolist()):
        sizes[parents[v]] += sizes[v]
    # The search finishes one copy before it enters the next: each copy is a contiguous run of the order.
    preorder = order[1:].reshape(count, n)
    first = preorder[:, :1]
    position = np.empty((count, n), dtype=np.int64)
    np.put_along_axis(position, preorder - first, np.broadcast_to(np.arange(n), (count, n)), axis=1)
    size = np.asarray(sizes[:root], dtype=np.int64).reshape(count, n)
    return RootedTrees(position, size, preorder - first)
