"""Thermodynamic integration: the free energy F(nβ) over a ladder of temperatures
(:func:`free_energy`), and the volume V(ε) = φ{f − f* < ε} read off the same ladder with a fit of
λ and m (:func:`volume_scaling`).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import InputError
from ..validate import seed_sequence
from .diagnostics import mcse as _mcse
from .estimate import Estimate, estimate_from_trace, temperature_kw
from .potential import Potential, Prior, check_positive  # noqa: F401  Prior: for the doctests
from .samplers import sample

__all__ = ["free_energy", "volume_scaling"]

_as_potential = Potential.of


def free_energy(target, data=None, *, n=None, beta=None, nbeta=None, prior=None, center=None, gamma=None,
                temperatures: int = 32, lowest: float = 1e-5, sampler="mala", chains: int = 100, draws: int = 500,
                warmup: int | None = None, seed=None, init=None, progress=None) -> Estimate:
    """The free energy F(nβ) = −log E_φ[e^{−nβ (f − f*)}] by thermodynamic integration.

    With g(s) = E_s[s (f − f*)] (the LLC statistic at inverse temperature s),
    dF/d log s = g(s), so F(nβ) = ∫ g(s) d log s over a log-spaced ladder
    s_1 = lowest·nβ < … < s_K = nβ (trapezoid rule), plus g(s_1) for [0, s_1]
    (a lower bound of that segment, since E_s[f] decreases in s: keep s_1 small
    enough that g(s_1) is below the standard error — a warning says when not).
    Each rung is an independent run (seeds spawned from ``seed``).
    ``settings["curve"]`` holds (s, F(s), SE) at every rung — the curve of F
    against log n that Watanabe's F = λ log n − (m − 1) log log n + O(1)
    describes — and ``settings["discretisation_error"]`` the Richardson estimate
    of the trapezoid error (the ladder against every other rung).

    The prior must be proper (or localised): at s → 0 the chains sample φ_γ.

    Examples
    --------
    >>> from rlct.numeric import expected_free_energy
    >>> F = free_energy("w1**2", nbeta=100, prior=Prior.gaussian(1.0), temperatures=16, chains=64, draws=300, seed=0)
    >>> exact = expected_free_energy("w1**2", nbeta=100, prior=Prior.gaussian(1.0)).value   # ½ log 201
    >>> abs(F.value - exact) < 4 * F.se + F.settings["discretisation_error"]
    True
    """
    if not isinstance(temperatures, (int, np.integer)) or temperatures < 3:
        raise InputError(f"temperatures must be an integer >= 3, got {temperatures!r}")
    lowest = check_positive(lowest, "lowest")
    if lowest >= 1:
        raise InputError(f"lowest must be < 1 (the bottom rung is lowest·nβ), got {lowest}")
    top = _as_potential(target, data, **temperature_kw(n, beta, nbeta), prior=prior, center=center, gamma=gamma)
    if top.prior.kind == "flat" and top.gamma is None:
        raise InputError("thermodynamic integration needs a proper prior or a localisation gamma (at s → 0 the "
                         "chains sample the prior)")
    ladder = top.nbeta * np.logspace(math.log10(lowest), 0.0, int(temperatures))
    seqs = seed_sequence(seed).spawn(len(ladder))
    ests = []
    for s_k, sq in zip(ladder, seqs):
        U = top.at(nbeta=float(s_k))
        tr = sample(U, sampler, chains=chains, draws=draws, warmup=warmup, seed=sq, init=init, progress=progress)
        ests.append(estimate_from_trace(tr, estimator="llc"))
    x = np.log(ladder)
    g = np.array([e.value for e in ests])
    se = np.array([e.se for e in ests])

    def integrate(vals, xs):
        steps = np.diff(xs)
        cum = np.concatenate([[0.0], np.cumsum(steps * (vals[1:] + vals[:-1]) / 2)])
        return vals[0] + cum  # + g(s_1) for [0, s_1]

    curve = integrate(g, x)
    w = np.zeros(len(x))
    dx = np.diff(x)
    w[0] += 1.0
    w[:-1] += dx / 2
    w[1:] += dx / 2
    value = float(curve[-1])
    F_se = float(math.sqrt(np.sum((w * se) ** 2)))
    idx = sorted(set(range(0, len(x), 2)) | {len(x) - 1})
    coarse = integrate(g[idx], x[idx])[-1]
    disc = float(abs(value - coarse) / 3)
    rung_warnings = [f"at nβ = {s_k:.3g}: {m}" for s_k, e in zip(ladder, ests) for m in e.warnings
                     if "exceeds" not in m and "< 0" not in m]
    warnings = []
    if rung_warnings:
        bad = sum(1 for e in ests if any("exceeds" not in m and "< 0" not in m for m in e.warnings))
        warnings.append(f"{bad} of {len(ests)} rungs have warnings (settings['rung_warnings']), e.g. {rung_warnings[0]}")
    if g[0] > max(F_se, 1e-12):
        warnings.append(f"the bottom rung contributes g(s1) = {g[0]:.2g} > SE, and the segment [0, s1] is only bounded "
                        f"below by it (E_s[f] decreases in s); lower `lowest`")
    if disc > max(F_se, 1e-12):
        warnings.append(f"the trapezoid error of the ladder (~{disc:.2g}) exceeds the Monte Carlo SE ({F_se:.2g}); "
                        f"use more temperatures")
    halves = (float(integrate(np.array([e.first_half for e in ests]), x)[-1]),
              float(integrate(np.array([e.second_half for e in ests]), x)[-1]))
    flags = ["non-finite"] if not np.isfinite(value) else []
    settings = {**top.settings(), "sampler": ests[0].settings["sampler"], "chains": chains, "draws": draws,
                "temperatures": int(temperatures), "lowest": lowest,
                "ladder": [[float(a), float(b), float(c)] for a, b, c in zip(ladder, g, se)],
                "curve": [[float(a), float(b), float(math.sqrt(np.sum(((w[:k + 1] if k else w[:1]) * se[:k + 1]) ** 2)))]
                          for k, (a, b) in enumerate(zip(ladder, curve))],
                "discretisation_error": disc, "rung_warnings": rung_warnings,
                "formula": "F(nβ) = ∫ E_s[s(f − f*)] d log s (trapezoid over the ladder) + E_{s1}[s1(f − f*)]"}
    return Estimate(value, F_se, "free-energy", float(min(e.ess for e in ests)), float(max(e.rhat for e in ests)),
                    float(np.mean([e.acceptance for e in ests])), int(sum(e.divergences for e in ests)), halves[0],
                    halves[1], ests[0].burn_in, tuple(warnings), tuple(flags), settings, None,
                    tuple(e.trace for e in ests), sum(e.seconds for e in ests))


def volume_scaling(target, data=None, *, n=None, beta=None, nbeta=None, prior=None, center=None, gamma=None,
                   temperatures: int = 32, lowest: float = 1e-5, fit_below: float = 0.1, sampler="mala",
                   chains: int = 100, draws: int = 500, warmup: int | None = None, seed=None, init=None,
                   progress=None) -> Estimate:
    """λ (and m) from the volume V(ε) = φ_γ{w : f(w) − f* < ε} ≍ c ε^λ (−log ε)^{m−1}, from a tempered ladder.

    Runs :func:`free_energy` and reads the volume off each rung: with Z(s) = e^{−F(s)},
    ``V(ε) = Z(s) · E_s[e^{s(f − f*)} 1{f − f* < ε}]`` exactly, evaluated at ε = 1/s
    (where rung s has its mass). The curve (ε, log V, SE) is ``settings["curve"]``.
    ``value`` is the least-squares fit of log V = λ log ε + (m − 1) log(−log ε) + c
    over the points with ε < ``fit_below``; ``settings["m"]`` is the fitted m and
    ``settings["lambda_m1"]`` the slope with m = 1 fixed. Over the finite range of ε
    a ladder reaches (1/nβ … 1/(lowest·nβ)) the fitted pair is biased like every
    finite-n estimate — compare the curve itself with theory when you can.

    Examples
    --------
    >>> vs = volume_scaling("w1**2 + w2**2", nbeta=1e4, prior=Prior.uniform(-1, 1), temperatures=16,
    ...                     chains=64, draws=300, seed=0)
    >>> eps, logV, se = vs.settings["curve"][-1]        # V(ε) = πε/4 on [−1, 1]² for ε ≤ 1
    >>> bool(abs(logV - np.log(np.pi * eps / 4)) < 4 * se + 0.02)
    True
    """
    F = free_energy(target, data, n=n, beta=beta, nbeta=nbeta, prior=prior, center=center, gamma=gamma,
                    temperatures=temperatures, lowest=lowest, sampler=sampler, chains=chains, draws=draws,
                    warmup=warmup, seed=seed, init=init, progress=progress)
    fit_below = check_positive(fit_below, "fit_below")
    curve = []
    for (s_k, Fk, Fse), tr in zip(F.settings["curve"], F.trace):
        eps = 1.0 / s_k
        delta = tr.loss - tr.potential.center_loss
        with np.errstate(over="ignore", invalid="ignore"):
            wgt = np.where(delta < eps, np.exp(np.minimum(s_k * delta, 700.0)), 0.0)
        wgt = wgt[np.all(np.isfinite(wgt), axis=1)]
        mean = float(np.mean(wgt)) if wgt.size else float("nan")
        if not (mean > 0):
            continue
        se_mean = _mcse(wgt)
        logV = -Fk + math.log(mean)
        curve.append([eps, logV, float(math.hypot(Fse, se_mean / mean))])
    pts = np.array([c for c in curve if c[0] < min(fit_below, 1.0)])
    warnings = list(F.warnings)
    value = se = m_hat = lam1 = float("nan")
    if len(pts) >= 4:
        L = np.log(pts[:, 0])
        X = np.stack([L, np.log(-L), np.ones_like(L)], axis=1)
        coef, *_ = np.linalg.lstsq(X, pts[:, 1], rcond=None)
        value, m_hat = float(coef[0]), float(coef[1] + 1)
        resid = pts[:, 1] - X @ coef
        dof = max(len(pts) - 3, 1)
        cov = np.linalg.pinv(X.T @ X) * max(float(resid @ resid) / dof, float(np.mean(pts[:, 2] ** 2)))
        se = float(math.sqrt(cov[0, 0]))
        X1 = np.stack([L, np.ones_like(L)], axis=1)
        lam1 = float(np.linalg.lstsq(X1, pts[:, 1], rcond=None)[0][0])
    else:
        warnings.append(f"only {len(pts)} points of the volume curve below ε = {fit_below}: lower `lowest` or raise nβ")
    settings = {**F.settings, "curve": curve, "m": m_hat, "lambda_m1": lam1, "fit_below": fit_below,
                "free_energy": F.value,
                "formula": "V(ε) = Z(s) E_s[e^{s(f−f*)} 1{f−f* < ε}] at ε = 1/s; "
                           "fit log V = λ log ε + (m−1) log(−log ε) + c"}
    settings.pop("ladder", None)
    flags = list(F.flags)
    if np.isfinite(value) and value < 0:
        flags.append("negative")
    return Estimate(value, se, "volume-scaling", F.ess, F.rhat, F.acceptance, F.divergences, float("nan"),
                    float("nan"), F.burn_in, tuple(warnings), tuple(flags), settings, None, F.trace, F.seconds)
