"""Closed-form learning coefficients from the literature.

Each function returns an :class:`rlct.RLCT` with ``method="formula"``: λ as a
:class:`fractions.Fraction`, the multiplicity m, and a
:class:`FormulaCertificate` naming the theorem, the case that applied (with
its inequalities evaluated) and the citation. λ and m are for K, in
Watanabe's convention (``∫ e^{-nK} φ ≍ C n^{-λ} (log n)^{m-1}``).

:func:`catalogue` lists what is here.

Examples
--------
>>> from rlct import known
>>> [entry.name for entry in known.catalogue()][:4]
['regular', 'normal_crossing', 'reduced_rank_regression', 'deep_linear_network']
>>> r = known.reduced_rank_regression(M=3, N=3, H=2, r=0)
>>> r
RLCT(λ=5/2, m=1, exact, method='formula')
>>> print(r.certificate)                                     # doctest: +NORMALIZE_WHITESPACE
reduced_rank_regression: λ = [2(H+r)(M+N) − (M−N)² − (H+r)²]/8, m = 1
case 1, M+N+H+r even: N+r ≤ M+H (3 ≤ 5), M+r ≤ N+H (3 ≤ 5), H+r ≤ M+N (2 ≤ 6), M+N+H+r = 8 is even
parameters: M = 3, N = 3, H = 2, r = 0
result: λ = 5/2, m = 1
source: Aoyagi, M. and Watanabe, S. (2005). Stochastic complexities of reduced rank regression in
        Bayesian estimation. Neural Networks 18(7), 924-933
"""

from __future__ import annotations

from typing import NamedTuple

from .certificate import (AGV, AOYAGI_2010, AOYAGI_2024, AOYAGI_WATANABE_2005, LIN_2011, WATANABE_2001,
                          WATANABE_2009, Condition, FormulaCertificate)
from .families import RUSAKOV_GEIGER_2005, naive_bayes
from .formulas import (deep_linear_network, lin_mixture_3x3, normal_crossing, normal_mixture,
                       reduced_rank_regression, regular, tanh_network)

__all__ = [
    "FormulaCertificate", "Condition", "Entry", "catalogue",
    "regular", "normal_crossing", "reduced_rank_regression", "deep_linear_network",
    "tanh_network", "lin_mixture_3x3", "normal_mixture", "naive_bayes",
]



class Entry(NamedTuple):
    """One catalogue entry: the function's name, its citation and what it computes."""

    name: str
    citation: str
    description: str


def catalogue() -> list:
    """The closed-form results in :mod:`rlct.known`, as (name, citation, one-line description).

    Returns
    -------
    list of Entry
        Named tuples ``(name, citation, description)``; ``getattr(rlct.known, name)``
        is the function.

    Examples
    --------
    >>> from rlct import known
    >>> for e in known.catalogue()[:2]:
    ...     print(e.name, "-", e.description)
    regular - regular point of a d-dimensional model: (d/2, 1)
    normal_crossing - K = Π w_j^(2k_j), prior Π |w_j|^h_j: λ = min (h_j+1)/(2k_j), m = #argmin
    """
    return [
        Entry("regular", f"{WATANABE_2009}; {LIN_2011}, Cor. 4.20",
              "regular point of a d-dimensional model: (d/2, 1)"),
        Entry("normal_crossing", f"{LIN_2011}, Prop. 3.7; {AGV}, Lemma 7.3",
              "K = Π w_j^(2k_j), prior Π |w_j|^h_j: λ = min (h_j+1)/(2k_j), m = #argmin"),
        Entry("reduced_rank_regression", AOYAGI_WATANABE_2005,
              "y = BAx + noise, A: H×M, B: N×H, true rank r: four cases"),
        Entry("deep_linear_network", AOYAGI_2024,
              "product of L linear layers with widths H_1..H_{L+1}, true rank r"),
        Entry("tanh_network", f"{WATANABE_2001}; {AOYAGI_2010}",
              "1-H-1 tanh network learning the zero function: (H+i²+i)/(4i+2), i = ⌊√H⌋"),
        Entry("lin_mixture_3x3", f"{LIN_2011}, Thm. 4.23",
              "mixture of two independence models on 3×3 tables, by stratum of the true table"),
        Entry("normal_mixture", f"derived: {WATANABE_2009}; {LIN_2011}, Prop. 3.7",
              "(1−a)N(0,1) + aN(b,1) with true N(0,1): (1/2, 2) at a = b = 0, (1/2, 1) elsewhere"),
        Entry("naive_bayes", f"{RUSAKOV_GEIGER_2005}, Theorem 4",
              "naive Bayes, binary hidden, n binary features: by stratum of the true distribution"),
    ]


