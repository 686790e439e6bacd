"""Closed forms for the model families of :mod:`rlct.models.families` (naive Bayes networks)."""

from __future__ import annotations

from fractions import Fraction

from ..errors import InputError
from ..result import RLCT
from .certificate import Condition, formula_result, integer_argument

RUSAKOV_GEIGER_2005 = ("Rusakov, D. and Geiger, D. (2005). Asymptotic model selection for naive Bayesian "
                       "networks. Journal of Machine Learning Research 6, 1-35")


def naive_bayes(n, differing=0) -> RLCT:
    """Naive Bayes network, one binary hidden variable, n binary features (Rusakov & Geiger 2005).

    Parameters
    ----------
    n : int
        The number of binary features (>= 2).
    differing : int, optional
        The stratum of the true distribution q = (1 − t)P_a + tP_b (0 < t < 1): the number
        of features i with a_i ≠ b_i, i.e. of features that are not independent of the
        others. 0 or 1: the features are independent under q (Rusakov and Geiger's type 2
        singularity); 2: two dependent features, the others independent of everything
        (type 1 singularity); 3 or more (needs n >= 3): a regular point. Default 0.

    Returns
    -------
    RLCT
        The global (λ, m) of K over the parameter cube [0, 1]^(2n+1):

        * n = 2: (3/2, 3) if the features are independent, else (3/2, 1);
        * n ≥ 3: ((n+1)/2, 1) if independent, ((2n−1)/2, 1) with two dependent features,
          ((2n+1)/2, 1) otherwise (regular).

    Raises
    ------
    InputError
        If n < 2, or ``differing`` is negative or larger than n.

    Notes
    -----
    Model: P(H = 1) = t, P(X_i = 1 | H = 0) = a_i, P(X_i = 1 | H = 1) = b_i, with
    (t, a, b) ∈ [0, 1]^(2n+1) (d = 2n + 1) and a prior density bounded and positive there.
    Rusakov and Geiger's Theorem 4 is a statement about the marginal likelihood when the
    observed statistics equal a distribution Y of the model with all entries positive:

        ln I[N, Y] = N ln P(Y | ω_ML) − λ ln N + (m − 1) ln ln N + O(1),

    where I[N, Y] = ∫ Π_x p_x(ω)^{N Y_x} μ(ω) dω. This is the Laplace integral of
    K_Y(ω) = Σ_x Y_x log(Y_x / p_x(ω)), so (λ, m) is the (global) real log canonical threshold
    of K at the true distribution Y and its multiplicity, in Watanabe's convention; the
    paper states the O(1) forms (m = 1) and, for n = 2 at independent features, the
    + 2 ln ln N term (m = 3). For n = 2 every non-independent Y is a type 1 singularity
    (there are no regular points).

    Derivation and checks here: K is equivalent to the ideal of multilinear moment
    differences of the mixing measure. At a point a = b = q of the fibre with 0 < t < 1 the
    local value is (n/2 + n/4, 1) for n ≥ 3; on the boundary t = 0 it is (n/2 + 1/2, 1),
    which is the global value; with two dependent features the fibre is smooth of
    dimension 2 and the ideal has rank 2n − 1. rlct's exact engine reproduces each value
    for n = 2 and 3 (the boundary points after :func:`rlct.models.families.unfold_boundary`)
    in ``tests/test_families.py``. The n = 2 claims were checked against the text of the
    paper; the n ≥ 3 values against this derivation and the engine.

    References
    ----------
    Rusakov, D. and Geiger, D. (2005). Asymptotic model selection for naive Bayesian
    networks. JMLR 6, 1-35, Theorem 4.

    Examples
    --------
    >>> from rlct import known
    >>> known.naive_bayes(3)                 # independent features
    RLCT(λ=2, m=1, exact, method='formula')
    >>> known.naive_bayes(3, differing=2)
    RLCT(λ=5/2, m=1, exact, method='formula')
    >>> known.naive_bayes(2)
    RLCT(λ=3/2, m=3, exact, method='formula')
    """
    n = integer_argument("n", n, minimum=1)
    if n < 2:
        raise InputError(f"n must be at least 2 (Rusakov and Geiger's theorem), got {n}")
    k = integer_argument("differing", differing, minimum=0)
    if k > n:
        raise InputError(f"differing = {k} cannot exceed the number of features n = {n}")
    common = dict(name="naive_bayes", source=f"{RUSAKOV_GEIGER_2005}, Theorem 4", d=2 * n + 1,
                  parameters={"n": n, "differing": k}, inputs=("n", "differing"),
                  note="(λ, m) of the marginal likelihood I[N, Y] = N ln P(Y|ω_ML) − λ ln N + (m−1) ln ln N "
                       "+ O(1) at statistics Y > 0 in the model; n = 2 read from the paper, n ≥ 3 "
                       "re-derived and checked with rlct's exact engine")
    if n == 2:
        if k <= 1:
            return formula_result(Fraction(3, 2), 3, formula="λ = 3/2, m = 3 (−3/2 ln N + 2 ln ln N)",
                                  case="n = 2, independent features (type 2 singularity)",
                                  conditions=[Condition("n = 2", n, "==", 2), Condition("differing ≤ 1", k, "<=", 1)],
                                  **common)
        return formula_result(Fraction(3, 2), 1, formula="λ = 3/2, m = 1",
                              case="n = 2, dependent features (type 1 singularity)",
                              conditions=[Condition("n = 2", n, "==", 2), Condition("differing = 2", k, "==", 2)], **common)
    if k <= 1:
        return formula_result(Fraction(n + 1, 2), 1, formula="λ = (n+1)/2, m = 1",
                              case="n ≥ 3, independent features (type 2 singularity)",
                              conditions=[Condition("n ≥ 3", n, ">=", 3), Condition("differing ≤ 1", k, "<=", 1)], **common)
    if k == 2:
        return formula_result(Fraction(2 * n - 1, 2), 1, formula="λ = (2n−1)/2, m = 1",
                              case="n ≥ 3, two dependent features (type 1 singularity)",
                              conditions=[Condition("n ≥ 3", n, ">=", 3), Condition("differing = 2", k, "==", 2)], **common)
    return formula_result(Fraction(2 * n + 1, 2), 1, formula="λ = (2n+1)/2 = d/2, m = 1",
                          case="n ≥ 3, regular point",
                          conditions=[Condition("n ≥ 3", n, ">=", 3), Condition("differing ≥ 3", k, ">=", 3)], **common)
