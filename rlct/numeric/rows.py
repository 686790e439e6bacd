"""One sample size of a theory-versus-experiment comparison, computed on the numeric side.

:func:`run_row` builds the potential at sample size n (the population K of a model or a
polynomial, or the L_n of a data set drawn from the model), runs each estimator, and puts beside
each λ̂ the value an ideal sampler's estimator gives at the same nβ — by quadrature for d ≤ 3,
by sequential Monte Carlo (:func:`rlct.numeric.reference_lambda_hat`) above, and the first-order
asymptotic λ − (m − 1)/log nβ as the fallback and as a separate column. It returns plain
:class:`RowResult` records; :func:`rlct.compare` adds the verdicts, and the sweeps'
:func:`rlct.numeric.runs.llc_point` reports them as they are.

>>> rows = run_row(RowTask(target="(w1*w2)**2", n=1000, chains=64, draws=300))
>>> r = rows[0]
>>> r.estimator, r.expected_method, round(r.expected, 3)
('llc', 'quadrature', 0.356)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError, RLCTError
from ..polynomial import as_polynomial
from . import estimators as E
from .exact import expected_lambda_hat
from .expected import asymptotic_lambda_hat
from .potential import Potential
from .reference import REFERENCE_MAX_DIM, reference_lambda_hat

__all__ = ["RowTask", "RowResult", "run_row", "row_potential", "reference_value", "ESTIMATORS"]

ESTIMATORS = ("llc", "wbic", "two-temperature", "slope", "llc-sgld")
REFERENCE_PARTICLES = 512     # per SMC run in a report; runs are added (from 4) to match the row's SE


@dataclass(frozen=True)
class RowTask:
    """Everything one sample size needs (picklable: one task per n for process pools and Dask).

    ``target`` is a model or a polynomial K (anything :func:`rlct.as_polynomial` reads);
    ``mode`` ``"population"`` (nβ K) or ``"sample"`` (nβ L_n on ``target.sample(n,
    seed=data_seed)``); ``lam_m`` the exact or catalogue (λ, m) when known.
    """

    target: Any
    n: int
    estimators: tuple = ("llc",)
    seeds: tuple = (0,)
    data_seed: int = 10_000
    mode: str = "population"
    prior: Any = None
    gamma: float | None = None
    sampler: str = "mala"
    chains: int = 200
    draws: int = 1000
    warmup: int | None = None
    expected: bool = True
    lam_m: tuple | None = None
    progress: bool | None = False
    keep_trace: bool = False

    @property
    def is_model(self) -> bool:
        """Whether the target is a model (it has parameters and a true parameter)."""
        return hasattr(self.target, "true_parameter") and hasattr(self.target, "parameters")


@dataclass(frozen=True)
class RowResult:
    """One (n, estimator) result: λ̂ ± SE, the finite-n reference (value, error, method), the
    first-order asymptotic value, diagnostics, flags and the settings that produced them."""

    n: int
    estimator: str
    nbeta: float
    value: float
    se: float
    expected: float | None
    expected_error: float | None
    expected_method: str | None
    asymptotic: float | None
    ess: float
    rhat: float
    acceptance: float
    warnings: tuple = ()
    flags: tuple = ()
    settings: dict = field(default_factory=dict, compare=False)
    estimate: Any = field(default=None, compare=False, repr=False)


def row_potential(task: RowTask) -> Potential:
    """The potential of a row: ``Potential.of`` on the model with its population or a sampled
    data set, or on the polynomial K, at β = 1/log n."""
    kw = dict(n=task.n, prior=task.prior, gamma=task.gamma)
    if not task.is_model:
        if task.mode == "sample":
            raise InputError("data='sample' needs a model (a polynomial K has no data distribution)")
        return Potential.of(as_polynomial(task.target), **kw)
    data = "population" if task.mode == "population" else task.target.sample(task.n, seed=task.data_seed)
    return Potential.of(task.target, data, **kw)


def reference_value(name: str, est, beta: float, ideal):
    """What an ideal sampler's estimator ``name`` returns: the same formula applied to the exact
    expectations g(β) = E_β[nβ(f − f*)] (so E_β[n(f − f*)] = g(β)/β); ``ideal(β)`` gives
    (value, error, method) or None. Returns (value, error, method), Nones when unknown."""
    if name in ("llc", "llc-sgld", "wbic"):      # WBIC's λ̂ = E_β[n(f − f*)]/log n = g(β) at β = 1/log n
        g = ideal(beta)
        return g if g is not None else (None, None, None)
    betas = [float(b) for b in est.settings.get("betas", [])]
    gs = [ideal(b) for b in betas]
    if len(betas) < 2 or any(g is None for g in gs):
        return None, None, None
    x = [1 / b for b in betas]
    y = [g[0] / b for g, b in zip(gs, betas)]
    err = [(g[1] or 0.0) / b for g, b in zip(gs, betas)]
    method = gs[0][2]
    if name == "two-temperature":
        den = x[0] - x[1]
        return (y[0] - y[1]) / den, math.hypot(err[0], err[1]) / abs(den), method
    mx, my = sum(x) / len(x), sum(y) / len(y)                   # "slope": least-squares slope of y on x
    sxx = sum((xi - mx) ** 2 for xi in x)
    value = sum((xi - mx) * (yi - my) for xi, yi in zip(x, y)) / sxx
    error = math.sqrt(sum(((xi - mx) / sxx * e) ** 2 for xi, e in zip(x, err)))
    return value, error, method


def run_row(task: RowTask) -> list:
    """All estimators at one n, each with its finite-n reference: a list of :class:`RowResult`."""
    bad = [e for e in task.estimators if e not in ESTIMATORS]
    if bad:
        raise InputError(f"estimators must be among {', '.join(ESTIMATORS)}; got {bad}")
    U = row_potential(task)
    n, mode = task.n, task.mode
    cache = {}

    def ideal(beta, se=None, budget=None):
        """(E_β[nβ(f − f*)], its error, method) at inverse temperature β, or None; the SMC reference
        aims at an error ``se`` within about ``budget`` potential evaluations (the first estimator
        to ask at a β sets them: its value is then shared); the first-order value when neither
        quadrature nor SMC applies."""
        if beta not in cache:
            ev = None
            if task.expected:
                V = U.at(beta=beta) if beta != U.beta else U
                try:
                    if U.dim <= 3 and mode == "population":
                        ev = expected_lambda_hat(V)
                    elif U.dim <= REFERENCE_MAX_DIM:
                        seed = np.random.SeedSequence([task.data_seed, 20_000, len(cache)])
                        ev = reference_lambda_hat(V, particles=REFERENCE_PARTICLES, runs=4, seed=seed,
                                                  target_error=se if se and math.isfinite(se) else None,
                                                  max_evaluations=max(4 * budget, 1.5e6) if budget else None)
                except RLCTError:
                    ev = None
            cache[beta] = asymptotic(beta) if ev is None else (float(ev.value), ev.error, ev.method)
        return cache[beta]

    def asymptotic(beta):
        """(λ − (m − 1)/log(nβ), None, method), or None when (λ, m) is unknown or nβ ≤ 1."""
        if task.lam_m is None or n * beta <= 1:
            return None
        ev = asymptotic_lambda_hat(task.lam_m[0], task.lam_m[1], n * beta)
        return float(ev.value), None, ev.method

    rows = []
    runners = {"llc": E.llc, "wbic": E.wbic, "two-temperature": E.two_temperature, "slope": E.slope}
    for est_name, s in zip(task.estimators, task.seeds):
        common = dict(chains=task.chains, draws=task.draws, warmup=task.warmup, seed=s, progress=task.progress)
        if est_name in runners:
            est = runners[est_name](U, sampler=task.sampler, **common)
        else:
            est = E.llc_sgld(U, prior=None, **common)
        value, se = float(est.value), float(est.se)
        if est_name == "wbic":                      # WBIC is a free energy; its λ̂ is (WBIC − n f*)/log n
            value, se = float(est.settings["lambda_hat"]), float(est.settings["lambda_hat_se"])
        evaluations = task.chains * (task.draws + (task.warmup if task.warmup is not None
                                                   else max(task.draws // 2, 50)))
        betas = max(1, len(est.settings.get("betas", [])))
        ref, ref_err, ref_method = reference_value(est_name, est, U.beta, lambda b: ideal(b, se, evaluations / betas))
        asym = reference_value(est_name, est, U.beta, asymptotic)[0] if task.expected else None
        rows.append(RowResult(n=n, estimator=est_name, nbeta=float(U.nbeta), value=value, se=se, expected=ref,
                              expected_error=ref_err, expected_method=ref_method, asymptotic=asym,
                              ess=float(est.ess), rhat=float(est.rhat), acceptance=float(est.acceptance),
                              warnings=tuple(est.warnings), flags=tuple(est.flags), settings=dict(est.settings),
                              estimate=est if task.keep_trace else None))
    return rows
