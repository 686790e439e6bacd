"""What an ideal sampler returns at finite nβ: E_β[nβ (f − f(w*))], by quadrature.

The LLC estimator λ̂ = nβ (E_β[L_n] − L_n(w*)) is, for a perfect sampler, the
expectation of nβ(f − f*) under the same tempered (and localised) posterior.
At finite nβ that is not λ: for K = (w1 w2)² on the uniform prior on
[−1, 1]² (λ = 1/2, m = 2) it is 0.37988 at nβ = 579. :func:`expected_lambda_hat`
computes it by adaptive cubature for d ≤ 3, with an error estimate, by sequential
Monte Carlo above (:mod:`rlct.numeric.reference`), and gives the first-order
asymptotic λ − (m − 1)/log(nβ) (labelled as such) when asked.

Examples
--------
>>> ev = expected_lambda_hat("(w1*w2)**2", nbeta=579)   # uniform prior on [-1, 1]^2
>>> ev
ExpectedValue(0.37988 ± ..., quadrature, nβ=579)
>>> asymptotic_lambda_hat(0.5, 2, 579)
ExpectedValue(0.34280, asymptotic (first order), nβ=579)
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..errors import InputError, Undecided
from .expected import ExpectedValue, asymptotic_lambda_hat
from .potential import Potential

__all__ = ["ExpectedValue", "expected_lambda_hat", "expected_free_energy", "asymptotic_lambda_hat"]


_GAUSS = {n: np.polynomial.legendre.leggauss(n) for n in (6, 12)}


def _rule(n, d):
    x, w = _GAUSS[n]
    grids = np.meshgrid(*([x] * d), indexing="ij")
    pts = np.stack([g.ravel() for g in grids], axis=1)  # in [-1, 1]^d
    W = np.ones([n] * d)
    for j in range(d):
        shape = [1] * d
        shape[j] = n
        W = W * w.reshape(shape)
    return pts, W.ravel()


def _cubature(potential: Potential, lo, hi, *, tol: float, max_evals: int, normaliser: bool = False):
    """Adaptive tensor Gauss–Legendre (6 vs 12 points per axis) on boxes split in 2^d."""
    d = len(lo)
    p6, w6 = _rule(6, d)
    p12, w12 = _rule(12, d)
    U0 = float(potential.energy(potential.center[None, :])[0])
    U0 = U0 if np.isfinite(U0) else 0.0
    nb, fstar = potential.nbeta, potential.center_loss

    def integrate(blo, bhi):
        """Z and N estimates (two rules) for a batch of boxes."""
        half = (bhi - blo) / 2
        mid = (bhi + blo) / 2
        vol = np.prod(half, axis=1)
        out = []
        for pts, wts in ((p6, w6), (p12, w12)):
            X = (mid[:, None, :] + half[:, None, :] * pts[None, :, :]).reshape(-1, d)
            Z = np.empty(len(X))
            N = np.empty(len(X))
            for s in range(0, len(X), 200_000):
                U, _, f = potential.evaluate(X[s:s + 200_000])
                with np.errstate(over="ignore", invalid="ignore"):
                    e = np.exp(-(U - U0))
                    e = np.where(np.isfinite(U), e, 0.0)
                    Z[s:s + 200_000] = e
                    N[s:s + 200_000] = nb * (f - fstar) * e
            Z = Z.reshape(len(blo), -1) @ wts * vol
            N = N.reshape(len(blo), -1) @ wts * vol
            out.append((Z, N))
        (z6, n6), (z12, n12) = out
        return z12, n12, np.abs(z12 - z6), np.abs(n12 - n6)

    # initial boxes: break each axis at 0 and at w* (where K's zero set usually passes)
    edges = []
    for j in range(d):
        cuts = {lo[j], hi[j]}
        for c in (0.0, float(potential.center[j])):
            if lo[j] < c < hi[j]:
                cuts.add(c)
        edges.append(sorted(cuts))
    grids = np.meshgrid(*[np.arange(len(e) - 1) for e in edges], indexing="ij")
    idx = np.stack([g.ravel() for g in grids], axis=1)
    blo = np.array([[edges[j][i[j]] for j in range(d)] for i in idx], dtype=float)
    bhi = np.array([[edges[j][i[j] + 1] for j in range(d)] for i in idx], dtype=float)
    Z, N, eZ, eN = integrate(blo, bhi)
    evals = len(blo) * (len(w6) + len(w12))
    corners = np.array(np.meshgrid(*([[0, 1]] * d), indexing="ij")).reshape(d, -1).T  # 2^d × d
    while True:
        Zt, Nt = Z.sum(), N.sum()
        if Zt <= 0:
            raise Undecided("the posterior's normaliser is zero on the integration box (the density underflows); "
                            "check the prior's box and w*")
        E = Nt / Zt
        dZ, dN = eZ.sum(), eN.sum()
        err = dZ / Zt if normaliser else (dN + abs(E) * dZ) / max(Zt - dZ, Zt * 1e-3)
        if err <= tol or evals >= max_evals:
            break
        # split the boxes with the largest contribution to the error (of E, or of log Z)
        contrib = eZ / Zt if normaliser else (eN + abs(E) * eZ) / Zt
        order = np.argsort(contrib)[::-1]
        k = max(1, min(len(order), 64, int(np.searchsorted(np.cumsum(contrib[order]), 0.8 * contrib.sum()) + 1)))
        sel = order[:k]
        keep = np.setdiff1d(np.arange(len(blo)), sel)
        mid = (blo[sel] + bhi[sel]) / 2
        nlo = np.concatenate([np.where(corners[None, :, :] == 0, blo[sel][:, None, :], mid[:, None, :])
                              .reshape(-1, d)])
        nhi = np.concatenate([np.where(corners[None, :, :] == 0, mid[:, None, :], bhi[sel][:, None, :])
                              .reshape(-1, d)])
        z, n, ez, en = integrate(nlo, nhi)
        evals += len(nlo) * (len(w6) + len(w12))
        blo, bhi = np.concatenate([blo[keep], nlo]), np.concatenate([bhi[keep], nhi])
        Z, N = np.concatenate([Z[keep], z]), np.concatenate([N[keep], n])
        eZ, eN = np.concatenate([eZ[keep], ez]), np.concatenate([eN[keep], en])
    return E, err, evals, len(blo), Zt, U0, dZ


def expected_lambda_hat(target, *, nbeta=None, n=None, beta=None, prior=None, center=None, gamma=None,
                        method: str = "auto", tol: float = 1e-7, max_evals: int = 20_000_000,
                        lam=None, m=None) -> ExpectedValue:
    """E_β[nβ (f − f(w*))] under the tempered (localised) posterior: what an ideal
    sampler's λ̂ converges to at this finite nβ.

    Parameters
    ----------
    target : Potential, or K (Polynomial, str, ...)
        With K, the other keywords build ``Potential.from_polynomial(K, ...)``
        (default prior: uniform on ``[−1, 1]^d`` around w* = 0).
    method : {"auto", "quadrature", "smc", "asymptotic"}
        ``"auto"``: quadrature for d ≤ 3, else sequential Monte Carlo
        (:func:`rlct.numeric.reference_lambda_hat`, with its standard error); ``"asymptotic"``:
        the first-order formula λ − (m − 1)/log nβ (needs ``lam`` and ``m`` unless f is a
        population polynomial K whose (λ, m) the exact engine can compute).
    tol : float
        Target error of the cubature.
    lam, m : optional
        λ and m for the asymptotic formula; computed with :func:`rlct.rlct` when
        not given.

    Returns
    -------
    ExpectedValue

    Raises
    ------
    InputError
        Quadrature asked for d > 3, or an improper (flat, unlocalised) posterior.
    Undecided
        The cubature did not reach ``tol`` within ``max_evals`` evaluations.

    Notes
    -----
    The cubature is global adaptive: tensor Gauss–Legendre rules with 6 and 12
    points per axis on each box, the difference as the box's error estimate
    (heuristic, like QUADPACK's), boxes split in 2^d where they contribute most
    to the error of the ratio N/Z. Initial box edges are placed at 0 and w*.
    For a Gaussian prior the box holds all but 10⁻¹⁵ of its mass; for a flat
    prior with localisation γ, w* ± 9/√γ. The reported error adds the
    truncation bound (tail mass, since 0 ≤ e^{−t} ≤ 1 and t e^{−t} ≤ 1/e) when
    f ≥ f* (population K).

    References
    ----------
    Lau, Furman, Wang, Murfet, Wei (2023), arXiv:2308.12108 (the LLC estimator);
    Watanabe (2013), JMLR 14 (WBIC and E_β[nL_n] = nL_n(w0) + λ/β + ...).

    Examples
    --------
    >>> from rlct.numeric import Prior
    >>> expected_lambda_hat("w1**2 + w2**2", nbeta=1000, prior=Prior.gaussian(1.0)).value  # ≈ d/2
    0.99...
    >>> expected_lambda_hat("(w1*w2)**2", nbeta=579, method="asymptotic")
    ExpectedValue(0.34280, asymptotic (first order), nβ=579)
    >>> expected_lambda_hat("w1**2 + w2**2 + w3**2 + w4**2", nbeta=100, prior=Prior.gaussian(1.0)).method
    'smc'

    """
    if method not in ("auto", "quadrature", "smc", "asymptotic"):
        raise InputError(f"method must be 'auto', 'quadrature', 'smc' or 'asymptotic', got {method!r}")
    U = Potential.of(target, nbeta=nbeta, n=n, beta=beta, prior=prior, center=center, gamma=gamma)
    d = U.dim
    if method == "smc" or (method == "auto" and d > 3):
        from .reference import reference_lambda_hat

        return reference_lambda_hat(U)
    if method == "asymptotic":
        if lam is None or m is None:
            if U.polynomial is None:
                raise InputError("the asymptotic value needs lam= and m= for a callable potential")
            if U.kind == "empirical":
                raise InputError("the asymptotic value needs lam= and m= for an empirical loss: L_n does not "
                                 "vanish at w*, so (λ, m) are those of the model's K (e.g. model.known()), not "
                                 "of L_n; or use method='smc' for the finite-n value itself")
            from .. import rlct as _rlct

            at = {v: Fraction(float(c)).limit_denominator(10**9) for v, c in zip(U.variables, U.center)}
            r = _rlct(U.polynomial, at=at)
            lam, m = tuple(r)
        ev = asymptotic_lambda_hat(lam, m, U.nbeta)
        return ExpectedValue(ev.value, None, ev.method, ev.nbeta, {**U.settings(), **ev.settings})
    if d > 3:
        raise InputError(f"quadrature is for d <= 3 (got d = {d}); use method='asymptotic'")
    lo, hi, truncation = _box(U)
    E, err, evals, boxes, Z, _, _ = _cubature(U, lo, hi, tol=tol, max_evals=max_evals)
    if U.kind == "population" and truncation:
        # tail: e^{−t} ≤ 1 and t e^{−t} ≤ 1/e, times the Gaussian's unnormalised tail mass (2π)^{d/2}·τ
        err += truncation * (2 * math.pi) ** (U.dim / 2) * (1 + abs(E)) / Z
    if err > tol * 10:
        raise Undecided(f"cubature error {err:.2g} above tolerance {tol:.2g} after {evals} evaluations "
                        f"({boxes} boxes); raise max_evals or tol", progress=f"E ≈ {E:.6g} ± {err:.2g}")
    return ExpectedValue(float(E), float(err), "quadrature", U.nbeta,
                         {**U.settings(), "evaluations": int(evals), "boxes": int(boxes)})


def _box(U: Potential):
    """The integration box and the prior mass left outside it."""
    d = U.dim
    tail = 1e-15                                   # the Gaussian prior's mass left outside its box
    b = U.prior.bounds(d, tail=tail)
    truncation = 0.0
    if b is None:
        if U.gamma is None:
            raise InputError("a flat prior without localisation is improper: give a prior or gamma")
        r = 9.0 / math.sqrt(U.gamma)
        b = (U.center - r, U.center + r)
        truncation = d * math.erfc(9.0 / math.sqrt(2))
    elif U.prior.kind == "gaussian":
        truncation = tail
    lo, hi = np.asarray(b[0], dtype=float), np.asarray(b[1], dtype=float)
    if U.prior.kind == "gaussian" and U.gamma is not None:
        r = 9.0 / math.sqrt(U.gamma)
        lo, hi = np.maximum(lo, U.center - r), np.minimum(hi, U.center + r)
    return lo, hi, truncation


def expected_free_energy(target, *, nbeta=None, n=None, beta=None, prior=None, center=None, gamma=None,
                         tol: float = 1e-7, max_evals: int = 20_000_000) -> ExpectedValue:
    """F(nβ) = −log ( ∫ e^{−nβ (f − f*)} φ_γ / ∫ φ_γ ) by cubature (d ≤ 3), φ_γ the prior
    times the localisation: the free energy that :func:`rlct.numeric.free_energy`
    estimates by thermodynamic integration.

    Asymptotically F = λ log(nβ) − (m − 1) log log(nβ) + O(1) (Watanabe 2009).

    Examples
    --------
    >>> round(expected_free_energy("w1**2", nbeta=100, prior="gaussian").value, 6)   # ½ log(1 + 2nβ)
    2.651652
    """
    U = Potential.of(target, nbeta=nbeta, n=n, beta=beta, prior=prior, center=center, gamma=gamma)
    if U.dim > 3:
        raise InputError(f"quadrature is for d <= 3 (got d = {U.dim})")
    lo, hi, _ = _box(U)
    out = []
    for V in (U, U.at(nbeta=1e-300)):
        E, err, evals, boxes, Z, U0, dZ = _cubature(V, lo, hi, tol=tol, max_evals=max_evals, normaliser=True)
        out.append((math.log(Z) - U0, dZ / Z))
    (logZt, et), (logZ0, e0) = out
    F = -(logZt - logZ0) - U.nbeta * U.center_loss
    return ExpectedValue(float(F), float(et + e0), "quadrature", U.nbeta, U.settings())
