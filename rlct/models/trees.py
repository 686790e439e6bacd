"""General Markov models on rooted trees with binary variables: the inner nodes are hidden, the
leaves observed (the models of Zwiernik 2011; the star tree is the naive Bayes network)."""

from __future__ import annotations

import itertools

from ..errors import InputError
from ..polynomial import as_polynomial
from .base import as_point
from .discrete import Multinomial
from .families import check_box, edge_domain

__all__ = ["BinaryTreeModel"]


def _tree(edges):
    """(root, inner nodes, leaves, parent map, children in edge order) of a rooted tree given as
    (parent, child) pairs."""
    if isinstance(edges, (str, bytes)) or not hasattr(edges, "__iter__"):
        raise InputError(f"edges must be a sequence of (parent, child) pairs, got {edges!r}")
    pairs = []
    for e in edges:
        try:
            a, b = e
        except (TypeError, ValueError):
            raise InputError(f"each edge must be a (parent, child) pair, got {e!r}") from None
        a, b = str(a), str(b)
        if not a.isidentifier() or not b.isidentifier():
            raise InputError(f"node names must be identifiers, got {a!r} and {b!r}")
        pairs.append((a, b))
    parent = {}
    for a, b in pairs:
        if b in parent:
            raise InputError(f"node {b} has two parents ({parent[b]} and {a}): not a rooted tree")
        parent[b] = a
    nodes = {x for p in pairs for x in p}
    roots = sorted(nodes - set(parent))
    if len(roots) != 1:
        raise InputError(f"a rooted tree has exactly one node without a parent; found {roots}")
    root = roots[0]
    for v in nodes:                       # every node reaches the root (no cycles)
        seen, u = set(), v
        while u != root:
            if u in seen:
                raise InputError(f"the edges contain a cycle through {u}")
            seen.add(u)
            u = parent[u]
    children = {a for a, _ in pairs}
    order = [a for a, _ in pairs] + [b for _, b in pairs]
    inner = list(dict.fromkeys(x for x in order if x in children))
    leaves = list(dict.fromkeys(b for _, b in pairs if b not in children))
    return root, inner, leaves, parent, [b for _, b in pairs]


class BinaryTreeModel(Multinomial):
    """The general Markov model on a rooted tree with binary variables, inner nodes hidden.

    P(root = 1) = ``p_<root>``; for each edge parent → child, P(child = 1 | parent = s) =
    ``<child>_<s>`` (s = 0, 1). The leaves are observed: p(x) sums over the hidden inner nodes,
    2^(#leaves) outcomes and d = 1 + 2·#edges parameters, all in [0, 1]. Given the hidden
    nodes the leaves are independent, so, as for :class:`NaiveBayes`, the probabilities are a
    Möbius transform of the multilinear moments m_S = E[Π_{i∈S} X_i] of the leaves, and
    ``ideal()`` returns m_S − m_S(w0) (equivalent to K when every true probability is positive).
    The star tree with n leaves is the naive Bayes network.

    Parameters
    ----------
    edges : sequence of (str, str)
        The (parent, child) pairs; node names are identifiers.
    true : sequence or mapping
        The true parameter (``model.parameters`` gives the order).

    Examples
    --------
    >>> import rlct
    >>> from rlct.models import BinaryTreeModel
    >>> star = BinaryTreeModel([("h", "x1"), ("h", "x2"), ("h", "x3")],
    ...                        true=["1/2", "1/4", "3/4", "1/4", "3/4", "1/2", "1/2"])
    >>> star.parameters
    ('p_h', 'x1_0', 'x1_1', 'x2_0', 'x2_1', 'x3_0', 'x3_1')
    >>> rlct.rlct(star, budget=30)          # = NaiveBayes(3) with two dependent features
    RLCT(λ=5/2, m=1, exact, method='blowup')
    """

    def __init__(self, edges, true=None):
        root, inner, leaves, parent, nonroot = _tree(edges)
        if not nonroot:
            raise InputError("the tree needs at least one edge")
        params = tuple([f"p_{root}"] + [f"{v}_{s}" for v in nonroot for s in (0, 1)])
        if true is None:
            raise InputError(f"BinaryTreeModel needs a true parameter ({', '.join(params)})")
        bounds = {p: (0, 1) for p in params}
        point = as_point(true, params)
        check_box(params, point, bounds, "parameter")
        hidden = list(inner)
        self._layout = (root, tuple(hidden), tuple(leaves), tuple(sorted(parent.items())))

        def weight(config):
            val = dict(zip(hidden, config))
            f = [f"p_{root}" if val[root] else f"(1 - p_{root})"]
            for v in hidden:
                if v != root:
                    e = f"{v}_{val[parent[v]]}"
                    f.append(e if val[v] else f"(1 - {e})")
            return val, "*".join(f)

        configs = [weight(c) for c in itertools.product((0, 1), repeat=len(hidden))]

        def leaf(v, val, x):
            e = f"{v}_{val[parent[v]]}"
            return e if x else f"(1 - {e})"

        outcomes = list(itertools.product((0, 1), repeat=len(leaves)))
        probs = [" + ".join(w + "".join(f"*{leaf(v, val, xi)}" for v, xi in zip(leaves, x)) for val, w in configs)
                 for x in outcomes]
        super().__init__(probs, parameters=params, true=point, domain=edge_domain(params, point, bounds),
                         bounds=bounds, name=None)
        self.edges = tuple((parent[v], v) for v in nonroot)
        self.leaves = tuple(leaves)
        self.outcomes = tuple(outcomes)
        self._configs = configs
        self.kl_note = ("K is equivalent to Σ_x (p_x − q_x)² (all q_x > 0), whose ideal is generated by the "
                        "multilinear moment differences of the leaves (Möbius transform)")

    def moments(self) -> dict:
        """S (a tuple of leaf indices) → m_S(w) = E[Π_{i∈S} X_i], for every non-empty S."""
        parent = dict(self._layout[3])
        out = {}
        for k in range(1, len(self.leaves) + 1):
            for S in itertools.combinations(range(len(self.leaves)), k):
                terms = [w + "".join(f"*{self.leaves[i]}_{val[parent[self.leaves[i]]]}" for i in S)
                         for val, w in self._configs]
                out[S] = as_polynomial(" + ".join(terms), variables=self.parameters)
        return out

    def ideal(self) -> list:
        """m_S(w) − m_S(w0) for every non-empty set S of leaves (zero generators dropped)."""
        self._check_interior()
        gens = [m - m(self.true_parameter) for m in self.moments().values()]
        return [g for g in gens if not g.is_zero()]

    def __repr__(self):
        return (f"BinaryTreeModel({[list(e) for e in self.edges]}, "
                f"true=({', '.join(str(v) for v in self.true_parameter)}))")
