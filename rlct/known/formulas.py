"""The closed-form learning coefficients of :mod:`rlct.known` (one function per result)."""

from __future__ import annotations

import math
from fractions import Fraction

from ..errors import InputError, NotApplicable
from ..newton.polyhedron import rank as polyhedron_rank
from ..result import RLCT
from .certificate import (AGV, AOYAGI_2010, AOYAGI_2024, AOYAGI_WATANABE_2005, LIN_2011, WATANABE_2001,
                          WATANABE_2009, Condition, formula_result, integer_argument, rational_argument)


def regular(d) -> RLCT:
    """A regular point of a d-dimensional model: λ = d/2, m = 1.

    Parameters
    ----------
    d : int
        The number of parameters (a positive integer).

    Returns
    -------
    RLCT
        ``(d/2, 1)``.

    Raises
    ------
    InputError
        If ``d`` is not a positive integer.

    Notes
    -----
    If K is analytic with K(w0) = 0 and the Hessian ∇²K(w0) is positive definite (the
    Fisher information is non-singular) and w0 is an interior point where the prior is
    positive, then K is, in local coordinates, a sum of d squares, so λ = d/2 and m = 1.

    References
    ----------
    Watanabe (2009), Algebraic Geometry and Statistical Learning Theory, ch. 1 and 6;
    Lin (2011), PhD thesis, Cor. 4.20.

    Examples
    --------
    >>> from rlct import known
    >>> known.regular(3)
    RLCT(λ=3/2, m=1, exact, method='formula')
    """
    d = integer_argument("d", d, minimum=1)
    return formula_result(Fraction(d, 2), 1, name="regular", source=f"{WATANABE_2009}; {LIN_2011}, Cor. 4.20",
                   formula="λ = d/2, m = 1", case="regular (∇²K(w0) positive definite)",
                   parameters={"d": d}, d=d)


def normal_crossing(k, h=None) -> RLCT:
    """K = Π_j w_j^(2k_j) with prior φ ∝ Π_j |w_j|^(h_j): λ = min_j (h_j+1)/(2k_j).

    Parameters
    ----------
    k : sequence of int
        Half-exponents ``k_j >= 0`` of K; ``k_j = 0`` means w_j does not occur in K
        (it does not constrain λ). At least one ``k_j`` must be positive.
    h : sequence of rationals, optional
        Prior exponents ``h_j > -1`` (default all 0), same length as ``k``.

    Returns
    -------
    RLCT
        λ = min over ``k_j > 0`` of ``(h_j+1)/(2k_j)``; m = the number of j attaining it.

    Raises
    ------
    InputError
        If ``k`` is empty, has a negative or non-integer entry, is all zero, or ``h``
        has the wrong length or an entry ``<= -1``.

    Notes
    -----
    ζ(z) = ∫_{[-ε,ε]^d} Π |w_j|^(2k_j z + h_j) dw factorises; the j-th factor has its
    only pole at z = −(h_j+1)/(2k_j), so the largest pole is −λ with order m = the
    number of j attaining the minimum. A positive smooth factor in the prior does not
    change (λ, m) (Lin 2011, Lemma 3.8), nor does restricting any w_j to [0, ε).

    References
    ----------
    Lin (2011), PhD thesis, Prop. 3.7; Arnold, Gusein-Zade and Varchenko (1988),
    Singularities of Differentiable Maps II, Lemma 7.3.

    Examples
    --------
    >>> from rlct import known
    >>> known.normal_crossing([1, 1])                  # K = w1² w2²
    RLCT(λ=1/2, m=2, exact, method='formula')
    >>> known.normal_crossing([4, 1], h=[6, 3])        # K = w1⁸ w2², prior |w1|⁶|w2|³
    RLCT(λ=7/8, m=1, exact, method='formula')
    """
    if isinstance(k, (str, bytes)) or not hasattr(k, "__len__"):
        raise InputError(f"k must be a sequence of non-negative integers, got {k!r}")
    k = [integer_argument(f"k[{j}]", v, minimum=0) for j, v in enumerate(k)]
    if not k:
        raise InputError("k must have at least one entry")
    if not any(k):
        raise InputError("at least one k_j must be positive (K = 1 does not vanish)")
    if h is None:
        h = [Fraction(0)] * len(k)
    else:
        if isinstance(h, (str, bytes)) or not hasattr(h, "__len__"):
            raise InputError(f"h must be a sequence of rationals, got {h!r}")
        h = [rational_argument(f"h[{j}]", v) for j, v in enumerate(h)]
        if len(h) != len(k):
            raise InputError(f"h has {len(h)} entries but k has {len(k)}")
        for j, v in enumerate(h):
            if v <= -1:
                raise InputError(f"h[{j}] = {v} must be > -1 (else the prior is not integrable)")
    ratios = [((h[j] + 1) / (2 * k[j]), j) for j in range(len(k)) if k[j]]
    lam = min(r for r, _ in ratios)
    tight = [j for r, j in ratios if r == lam]
    conds = [Condition(f"(h{j+1}+1)/(2k{j+1})", r, "==" if j in tight else ">", lam) for r, j in ratios]
    return formula_result(lam, len(tight), name="normal_crossing", source=f"{LIN_2011}, Prop. 3.7; {AGV}, Lemma 7.3",
                   formula="λ = min_j (h_j+1)/(2k_j), m = #{j attaining the minimum}",
                   case="normal crossing", parameters={"k": k, "h": h}, conditions=conds, d=len(k))


def reduced_rank_regression(M, N, H, r) -> RLCT:
    """Reduced rank regression y = BAx + noise (Aoyagi & Watanabe 2005).

    Parameters
    ----------
    M : int
        Input dimension (A is H×M).
    N : int
        Output dimension (B is N×H).
    H : int
        Inner dimension (the model's rank bound).
    r : int
        Rank of the true matrix B0A0, ``0 <= r <= min(M, N, H)``.

    Returns
    -------
    RLCT
        The learning coefficient λ and its multiplicity m.

    Raises
    ------
    InputError
        If M, N, H are not positive integers or r is not an integer in [0, min(M, N, H)].

    Notes
    -----
    Model: x ∈ R^M, y ∈ R^N, y = BAx + Gaussian noise, A ∈ R^{H×M}, B ∈ R^{N×H};
    true parameter of rank r; prior positive on the true parameters (W compact). The
    learning coefficient (global over the true set) is, exactly one of the cases applying:

    1. N+r ≤ M+H, M+r ≤ N+H and H+r ≤ M+N:
       λ = [2(H+r)(M+N) − (M−N)² − (H+r)²]/8, m = 1, if M+N+H+r is even;
       λ = [2(H+r)(M+N) − (M−N)² − (H+r)² + 1]/8, m = 2, if it is odd.
    2. M+H < N+r: λ = (HM − Hr + Nr)/2, m = 1.
    3. N+H < M+r: λ = (HN − Hr + Mr)/2, m = 1.
    4. M+N < H+r: λ = MN/2, m = 1.

    References
    ----------
    Aoyagi, M. and Watanabe, S. (2005). Stochastic complexities of reduced rank
    regression in Bayesian estimation. Neural Networks 18(7), 924-933.

    Examples
    --------
    >>> from rlct import known
    >>> known.reduced_rank_regression(2, 2, 1, 0)
    RLCT(λ=1, m=2, exact, method='formula')
    >>> known.reduced_rank_regression(M=4, N=8, H=3, r=0).certificate.case
    '2 (M+H < N+r)'
    """
    M = integer_argument("M", M, minimum=1)
    N = integer_argument("N", N, minimum=1)
    H = integer_argument("H", H, minimum=1)
    r = integer_argument("r", r, minimum=0)
    if r > min(M, N, H):
        raise InputError(f"the true rank r = {r} exceeds min(M, N, H) = {min(M, N, H)} "
                         f"(M = {M}, N = {N}, H = {H})")
    params = {"M": M, "N": N, "H": H, "r": r}
    common = dict(name="reduced_rank_regression", source=AOYAGI_WATANABE_2005, parameters=params, d=H * (M + N))
    if M + H < N + r:
        return formula_result(Fraction(H * M - H * r + N * r, 2), 1, formula="λ = (HM − Hr + Nr)/2, m = 1",
                       case="2 (M+H < N+r)", conditions=[Condition("M+H < N+r", M + H, "<", N + r)], **common)
    if N + H < M + r:
        return formula_result(Fraction(H * N - H * r + M * r, 2), 1, formula="λ = (HN − Hr + Mr)/2, m = 1",
                       case="3 (N+H < M+r)", conditions=[Condition("N+H < M+r", N + H, "<", M + r)], **common)
    if M + N < H + r:
        return formula_result(Fraction(M * N, 2), 1, formula="λ = MN/2, m = 1",
                       case="4 (M+N < H+r)", conditions=[Condition("M+N < H+r", M + N, "<", H + r)], **common)
    conds = [Condition("N+r ≤ M+H", N + r, "<=", M + H), Condition("M+r ≤ N+H", M + r, "<=", N + H),
             Condition("H+r ≤ M+N", H + r, "<=", M + N)]
    core = 2 * (H + r) * (M + N) - (M - N) ** 2 - (H + r) ** 2
    if (M + N + H + r) % 2 == 0:
        return formula_result(Fraction(core, 8), 1, formula="λ = [2(H+r)(M+N) − (M−N)² − (H+r)²]/8, m = 1",
                       case="1, M+N+H+r even",
                       conditions=conds + [Condition("M+N+H+r", M + N + H + r, "even")], **common)
    return formula_result(Fraction(core + 1, 8), 2, formula="λ = [2(H+r)(M+N) − (M−N)² − (H+r)² + 1]/8, m = 2",
                   case="1, M+N+H+r odd",
                   conditions=conds + [Condition("M+N+H+r", M + N + H + r, "odd")], **common)


def _dln_sigma(Ms):
    """The unique Σ of Aoyagi (2024): indices of the ℓ+1 smallest M_i with
    max Σ < min Σᶜ, Σ_Σ M ≥ ℓ·max Σ and Σ_Σ M < ℓ·min Σᶜ.

    The first condition forces Σ to be a prefix of the sorted list (no tie split), so
    searching prefixes is complete; g(k) = S_k − (k−1)·M_(k) is non-increasing in k,
    the second condition is g(k) ≥ 0 and the third is g(k+1) < 0, so exactly one
    prefix (k ≥ 2) qualifies. Both facts are re-checked here by exhaustion.
    """
    order = sorted(range(len(Ms)), key=lambda i: (Ms[i], i))
    vals = [Ms[i] for i in order]
    found = []
    for k in range(1, len(vals) + 1):
        S, ell, mx = sum(vals[:k]), k - 1, vals[k - 1]
        rest = vals[k:]
        if rest and not mx < rest[0]:
            continue
        if not S >= ell * mx:
            continue
        if rest and not S < ell * rest[0]:
            continue
        found.append(k)
    if len(found) != 1:  # pragma: no cover - excluded by the argument in the docstring
        raise RuntimeError(f"Aoyagi's Σ is not unique for M = {Ms}: prefixes {found}")
    k = found[0]
    return sorted(order[:k]), vals[:k], vals[k:]


def deep_linear_network(widths, r) -> RLCT:
    """Deep linear network x ↦ W_L ··· W_1 x with widths H_1..H_{L+1} (Aoyagi 2024).

    Parameters
    ----------
    widths : sequence of int
        ``(H_1, ..., H_{L+1})``: input dimension first, output dimension last, so
        that W_i is an H_{i+1}×H_i matrix and there are L = len(widths) − 1 layers.
    r : int
        Rank of the true product matrix, ``0 <= r <= min(widths)``.

    Returns
    -------
    RLCT
        The learning coefficient λ and multiplicity m.

    Raises
    ------
    InputError
        If a width is not a positive integer, there are fewer than two widths, or r is
        not an integer in [0, min(widths)].

    Notes
    -----
    Let M_i = H_i − r (i = 1..L+1). There is exactly one set Σ of ℓ+1 indices (the
    ℓ+1 smallest M_i) with max_{Σ} M < min_{Σᶜ} M, Σ_{Σ} M ≥ ℓ·max_{Σ} M and
    Σ_{Σ} M < ℓ·min_{Σᶜ} M (the conditions on Σᶜ are void when Σᶜ is empty).
    With M̄ = ⌈Σ_Σ M / ℓ⌉ and a = Σ_Σ M − (M̄−1)ℓ (so 1 ≤ a ≤ ℓ):

        λ = (−r² + r(H_1 + H_{L+1}))/2 + a(ℓ−a)/(4ℓ) − (ℓ(ℓ−1)/4)(Σ_Σ M/ℓ)²
            + ½ Σ_{i<j in Σ} M_i M_j,
        m = a(ℓ−a) + 1.

    The prior is positive on the true parameters. For three widths (M, H, N) this is
    the reduced rank regression formula of Aoyagi & Watanabe (2005) in every one of its
    four cases (ℓ = 2 in case 1, ℓ = 1 in cases 2-4); for two widths it gives the
    regular value H_1 H_2 / 2 (ℓ = 1).

    References
    ----------
    Aoyagi, M. (2024). Consideration on the learning efficiency of multiple-layered
    neural networks with linear units. Neural Networks 172, 106132.

    Examples
    --------
    >>> from rlct import known
    >>> known.deep_linear_network([2, 2, 2, 2], r=0)
    RLCT(λ=3/2, m=3, exact, method='formula')
    >>> known.deep_linear_network([3, 1, 1, 1, 3], r=0)     # ‖b‖² w² v² ‖a‖²: product rule
    RLCT(λ=1/2, m=2, exact, method='formula')
    """
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise InputError(f"widths must be a sequence of positive integers, got {widths!r}")
    Hs = [integer_argument(f"widths[{i}]", w, minimum=1) for i, w in enumerate(widths)]
    if len(Hs) < 2:
        raise InputError(f"widths needs at least two entries (input and output), got {len(Hs)}")
    r = integer_argument("r", r, minimum=0)
    if r > min(Hs):
        raise InputError(f"the true rank r = {r} exceeds min(widths) = {min(Hs)}")
    Ms = [h - r for h in Hs]
    idx, sub, rest = _dln_sigma(Ms)
    ell = len(sub) - 1
    S = sum(sub)
    Mbar = -(-S // ell)
    a = S - (Mbar - 1) * ell
    pairs = sum(sub[i] * sub[j] for i in range(len(sub)) for j in range(i + 1, len(sub)))
    lam = (Fraction(-r * r + r * (Hs[0] + Hs[-1]), 2) + Fraction(a * (ell - a), 4 * ell)
           - Fraction(ell * (ell - 1), 4) * Fraction(S, ell) ** 2 + Fraction(pairs, 2))
    m = a * (ell - a) + 1
    conds = [Condition("Σ_Σ M ≥ ℓ·max Σ", S, ">=", ell * max(sub))]
    if rest:
        conds = [Condition("max Σ < min Σᶜ", max(sub), "<", min(rest))] + conds + \
                [Condition("Σ_Σ M < ℓ·min Σᶜ", S, "<", ell * min(rest))]
    conds.append(Condition("1 ≤ a", 1, "<=", a))
    conds.append(Condition("a ≤ ℓ", a, "<=", ell))
    params = {"widths": Hs, "r": r, "M_i = H_i - r": Ms, "Σ (1-based)": [i + 1 for i in idx],
              "ℓ": ell, "Σ_Σ M": S, "M̄": Mbar, "a": a}
    return formula_result(lam, m, name="deep_linear_network", source=AOYAGI_2024, d=sum(a * b for a, b in zip(Hs, Hs[1:])),
                   formula="λ = (−r² + r(H_1+H_{L+1}))/2 + a(ℓ−a)/(4ℓ) − (ℓ(ℓ−1)/4)(Σ_Σ M/ℓ)² "
                           "+ ½ Σ_{i<j∈Σ} M_i M_j, m = a(ℓ−a) + 1",
                   case=f"ℓ = {ell}" + (" (no complement)" if not rest else ""),
                   parameters=params, conditions=conds, inputs=("widths", "r"),
                   note="Σ found by exhaustive search over prefixes of the sorted M_i (it is unique)")


def tanh_network(H) -> RLCT:
    """A 1-H-1 tanh network learning the zero function (Watanabe 2001; Aoyagi 2010).

    Parameters
    ----------
    H : int
        Number of hidden units (positive).

    Returns
    -------
    RLCT
        λ = (H + i² + i)/(4i + 2) with i = ⌊√H⌋; m = 2 if H = i², else 1.

    Raises
    ------
    InputError
        If H is not a positive integer.

    Notes
    -----
    Model f(x, w) = Σ_{h=1..H} a_h tanh(b_h x), one input, one output, Gaussian noise,
    true function 0; the value is at the origin w = 0 of the 2H parameters, with a
    prior positive there and an input distribution whose support is not finite.
    Watanabe (2001) showed that K is equivalent there to
    Σ_{k=1..H} (Σ_h a_h b_h^{2k−1})² (a Vandermonde-type ideal); Aoyagi (2010) resolved
    it: λ = (H + i² + i)/(4i + 2), with i the largest integer with i² ≤ H, and the
    multiplicity is 2 exactly when H is a perfect square.

    References
    ----------
    Watanabe, S. (2001). Algebraic geometrical methods for hierarchical learning
    machines. Neural Networks 14(8), 1049-1060.
    Aoyagi, M. (2010). A Bayesian learning coefficient of generalization error and
    Vandermonde matrix-type singularities. Comm. Statist. Theory Methods 39(15), 2667-2687.

    Examples
    --------
    >>> from rlct import known
    >>> [known.tanh_network(H).pair for H in (1, 2, 3, 4)]
    [(Fraction(1, 2), 2), (Fraction(2, 3), 1), (Fraction(5, 6), 1), (Fraction(1, 1), 2)]
    """
    H = integer_argument("H", H, minimum=1)
    i = math.isqrt(H)
    square = i * i == H
    conds = [Condition("i² ≤ H", i * i, "<=", H), Condition("H < (i+1)²", H, "<", (i + 1) ** 2),
             Condition("i² = H" if square else "i² < H", i * i, "==" if square else "<", H)]
    return formula_result(Fraction(H + i * i + i, 4 * i + 2), 2 if square else 1, name="tanh_network", d=2 * H,
                   source=f"{WATANABE_2001}; {AOYAGI_2010}",
                   formula="λ = (H + i² + i)/(4i + 2), i = ⌊√H⌋; m = 2 if i² = H else 1",
                   case="H a perfect square" if square else "H not a perfect square",
                   parameters={"H": H, "i": i}, conditions=conds, inputs=("H",))


def lin_mixture_3x3(q) -> RLCT:
    """Mixture of two independence models on 3×3 tables at a true table q (Lin 2011).

    Parameters
    ----------
    q : 3×3 nested sequence of non-negative rationals
        The true distribution (entries are normalised by their sum; ints, Fractions or
        strings such as ``"1/9"``).

    Returns
    -------
    RLCT
        (5/2, 1) if rank q = 1 and q > 0; (7/2, 1) if rank q = 2 and q > 0;
        (4, 1) if rank q = 2 with exactly one zero entry; (9/2, 1) if rank q = 2 with
        exactly two zero entries, in different rows and columns. With zero entries the
        value is that of the fibre ideal, not of the KL divergence (see Notes).

    Raises
    ------
    InputError
        If q is not a 3×3 table of non-negative rationals with a positive sum.
    NotApplicable
        If rank q = 3 (q is not in the model) or q's zero pattern is not one of the
        strata recorded here.

    Notes
    -----
    Model: p_ij = t·a_i b_j + (1−t)·c_i d_j with t ∈ [0, 1] and a, b, c, d in the
    probability simplex Δ_2 (9 parameters), uniform prior; its image is the set of 3×3
    probability tables of rank ≤ 2 (for rank ≤ 2, non-negative rank equals rank:
    Cohen and Rothblum 1993). Lin's Thm 4.23 gives the learning coefficients 5/2, 7/2,
    4, 9/2 (all with m = 1) on strata of the true distribution; it was applied to the
    3×3 table of 132 schizophrenic patients.

    The values are RLCTs of the fibre ideal ⟨p_ij(ω) − q_ij⟩, i.e. of
    Σ_ij (p_ij − q_ij)². For q > 0 this is equivalent to the Kullback-Leibler
    divergence, so 5/2 and 7/2 are the learning coefficients. When q has zero cells,
    K = Σ_{q_ij>0} q_ij log(q_ij/p_ij) is equivalent to Σ_{q_ij>0} (p_ij − q_ij)² +
    Σ_{q_ij=0} p_ij, whose zero-cell terms are linear, not quadratic, and its RLCT is
    larger: on the two-zero stratum the fibre is a single point and rlct's exact
    engine gives 9/2 for the fibre ideal (agreeing with Lin) but 13/2 for K. The
    strata were checked with that engine (rank 1: local (5/2, 1) at a fibre point on
    t = 1; rank 2, q > 0: local (7/2, 1) at an interior fibre point; two zeros: (9/2, 1)
    at the fibre's only point, up to swapping the components; one zero: local (4, 1) at the
    fibre point t = 1/2, a1 = d1 = 0 of the fibre's curve, which attains Lin's value). Strata not listed (two zeros in one row or
    column, more zeros, rank 1 with zeros) are refused rather than guessed.

    References
    ----------
    Lin, S. (2011). Algebraic Methods for Evaluating Integrals in Bayesian Statistics.
    PhD thesis, UC Berkeley, Thm 4.23. Data: Evans, Gilula and Guttman (1989).

    Examples
    --------
    >>> from rlct import known
    >>> known.lin_mixture_3x3([[1, 1, 1], [1, 1, 1], [1, 1, 1]])        # rank 1
    RLCT(λ=5/2, m=1, exact, method='formula')
    >>> known.lin_mixture_3x3([[2, 1, 1], [1, 2, 1], [1, 1, 2]])    # rank 3: not in the model
    Traceback (most recent call last):
    ...
    rlct.errors.NotApplicable: the true table has rank 3; the model holds only tables of rank <= 2
    """
    try:
        rows = [list(row) for row in q]
    except TypeError:
        raise InputError(f"q must be a 3×3 table, got {q!r}") from None
    if len(rows) != 3 or any(len(row) != 3 for row in rows):
        raise InputError(f"q must be a 3×3 table, got {len(rows)} rows of lengths {[len(x) for x in rows]}")
    table = [[rational_argument(f"q[{i}][{j}]", v) for j, v in enumerate(row)] for i, row in enumerate(rows)]
    if any(v < 0 for row in table for v in row):
        raise InputError("q must have non-negative entries")
    total = sum(v for row in table for v in row)
    if total == 0:
        raise InputError("q must have a positive sum")
    table = [[v / total for v in row] for row in table]
    rank = polyhedron_rank(table)
    zeros = [(i, j) for i in range(3) for j in range(3) if table[i][j] == 0]
    params = {"q": table, "rank": rank, "zero cells (0-based)": zeros}
    note = ("RLCT of the fibre ideal <p_ij − q_ij> (Σ (p_ij − q_ij)²); with zero cells the KL divergence "
            "has linear terms and a larger RLCT") if zeros else ""
    common = dict(name="lin_mixture_3x3", source=f"{LIN_2011}, Thm 4.23", parameters=params, note=note,
                  inputs=("q",),
                  d=9)   # t, and two points of the 2-simplex for each of the two factors
    if rank == 3:
        raise NotApplicable("the true table has rank 3; the model holds only tables of rank <= 2")
    if rank == 1 and not zeros:
        return formula_result(Fraction(5, 2), 1, formula="λ = 5/2, m = 1", case="rank q = 1, q > 0",
                       conditions=[Condition("rank q", rank, "==", 1), Condition("#zero cells", len(zeros), "==", 0)],
                       **common)
    if rank == 2 and not zeros:
        return formula_result(Fraction(7, 2), 1, formula="λ = 7/2, m = 1", case="rank q = 2, q > 0",
                       conditions=[Condition("rank q", rank, "==", 2), Condition("#zero cells", len(zeros), "==", 0)],
                       **common)
    if rank == 2 and len(zeros) == 1:
        return formula_result(Fraction(4), 1, formula="λ = 4, m = 1", case="rank q = 2, one zero cell",
                       conditions=[Condition("rank q", rank, "==", 2), Condition("#zero cells", len(zeros), "==", 1)],
                       **common)
    if rank == 2 and len(zeros) == 2 and zeros[0][0] != zeros[1][0] and zeros[0][1] != zeros[1][1]:
        return formula_result(Fraction(9, 2), 1, formula="λ = 9/2, m = 1",
                       case="rank q = 2, two zero cells in different rows and columns",
                       conditions=[Condition("rank q", rank, "==", 2), Condition("#zero cells", len(zeros), "==", 2),
                                   Condition("rows of the zeros", zeros[0][0], "!=", zeros[1][0]),
                                   Condition("columns of the zeros", zeros[0][1], "!=", zeros[1][1])], **common)
    raise NotApplicable(f"rank {rank} with zero cells at {zeros}: this stratum is not among those "
                        f"recorded from Lin (2011), Thm 4.23")


def normal_mixture(point=None) -> RLCT:
    """Two-component normal mixture (1−a)N(0,1) + aN(b,1) with true distribution N(0,1).

    Parameters
    ----------
    point : pair of rationals, optional
        A true parameter (a0, b0), i.e. a0 = 0 or b0 = 0, for the local value there;
        default: the global value over W.

    Returns
    -------
    RLCT
        (1/2, 2) globally and at (0, 0); (1/2, 1) at any other true parameter.

    Raises
    ------
    InputError
        If ``point`` is not a pair of rationals with 0 <= a0 <= 1, or is not a true
        parameter (a0·b0 ≠ 0).

    Notes
    -----
    W = [0, 1] × [−B, B] (B > 0, or any interval containing b = 0), prior with a
    positive continuous density on W. The true set is {a = 0} ∪ {b = 0}. With
    g_b(x) = e^{bx − b²/2} − 1, p/q − 1 = a·g_b and E_q[g_b²] = e^{b²} − 1, so K is
    equivalent near the true set to a²(e^{b²} − 1)/2, itself equivalent to a²b². The
    normal-crossing rule on [0, ε) × (−ε, ε) (Lin 2011, Prop 3.7) gives (1/2, 2) at the
    origin; at (0, b0 ≠ 0) and (a0 ≠ 0, 0) only one factor vanishes: (1/2, 1). The
    global pair is the deepest local one: (1/2, 2). This value is derived here from
    those rules (a worked example of the kind in Watanabe 2009, ch. 7), not read from
    a table; the test suite checks K/(a²(e^{b²}−1)/2) → 1 numerically.

    References
    ----------
    Watanabe, S. (2009). Algebraic Geometry and Statistical Learning Theory, ch. 7.
    Lin, S. (2011). PhD thesis, Prop. 3.7 and Lemma 3.8.

    Examples
    --------
    >>> from rlct import known
    >>> known.normal_mixture()
    RLCT(λ=1/2, m=2, exact, method='formula')
    >>> known.normal_mixture(point=(0, 1))
    RLCT(λ=1/2, m=1, exact, method='formula')
    """
    src = f"derived: {WATANABE_2009}, ch. 7; {LIN_2011}, Prop. 3.7"
    formula = "K ≍ a²(e^{b²}−1)/2 ≍ a²b² on [0,1]×[−B,B]: normal-crossing rule"
    note = "derived from the normal-crossing rule after K ≍ a²b²; not a literature table value"
    if point is None:
        return formula_result(Fraction(1, 2), 2, name="normal_mixture", source=src, formula=formula, d=2,
                       case="global (deepest point a = b = 0)", parameters={"point": "global"},
                       note=note)
    try:
        a0, b0 = point
    except (TypeError, ValueError):
        raise InputError(f"point must be a pair (a0, b0), got {point!r}") from None
    a0, b0 = rational_argument("a0", a0), rational_argument("b0", b0)
    if not 0 <= a0 <= 1:
        raise InputError(f"a0 = {a0} is outside [0, 1]")
    if a0 != 0 and b0 != 0:
        raise InputError(f"({a0}, {b0}) is not a true parameter: the true set is a = 0 or b = 0")
    params = {"point": (a0, b0)}
    if a0 == 0 and b0 == 0:
        return formula_result(Fraction(1, 2), 2, name="normal_mixture", source=src, formula=formula, d=2,
                       case="origin: both factors vanish", parameters=params, note=note,
                       conditions=[Condition("a0", a0, "==", 0), Condition("b0", b0, "==", 0)])
    which = [Condition("a0", a0, "==", 0), Condition("b0", b0, "!=", 0)] if a0 == 0 else \
        [Condition("b0", b0, "==", 0), Condition("a0", a0, "!=", 0)]
    return formula_result(Fraction(1, 2), 1, name="normal_mixture", source=src, formula=formula, d=2,
                   case="one factor vanishes", parameters=params, note=note, conditions=which)
