"""Sampler kernels (pure ``init``/``step`` functions on all chains at once, as in BlackJAX) and the
sampler specifications :class:`MALA`, :class:`HMC`, :class:`SGLD`, :class:`NUTS`.

Step-size convention (the same for MALA and SGLD, so the two differ only by the Metropolis
correction): the Langevin move is ``w' = w − (ε/2) ∇U(w) + N(0, ε I)``. For SGLD with a flat
prior this is devinterp's ``Δw = (ε/2)(−nβ ∇L_n + γ(w* − w)) + N(0, ε)``. HMC's ε is the
leapfrog step.

Examples
--------
>>> from rlct.numeric import Potential
>>> k = mala_kernel(Potential.from_polynomial("w1**2", nbeta=10), 0.05)
>>> k.init(np.zeros((2, 1))).position.shape
(2, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np

from ..errors import InputError
from ..validate import MAX_COUNT, check_int
from .potential import Potential, check_positive

__all__ = ["Kernel", "LangevinState", "LangevinInfo", "init_state", "mala_kernel", "hmc_kernel", "sgld_kernel",
           "MALA", "HMC", "SGLD", "NUTS", "as_sampler", "DIVERGENCE"]

DIVERGENCE = 1000.0  # energy error that counts as a divergence (Stan's threshold)


class Kernel(NamedTuple):
    """A sampler kernel: ``init(position) -> state``, ``step(rng, state) -> (state, info)``."""

    init: Callable
    step: Callable


class LangevinState(NamedTuple):
    """State of MALA, HMC and SGLD: positions and U, ∇U, f there (all chains)."""

    position: np.ndarray  # (chains, d)
    energy: np.ndarray  # (chains,)  U
    grad: np.ndarray  # (chains, d) ∇U
    loss: np.ndarray  # (chains,)  f (K or L_n)


class LangevinInfo(NamedTuple):
    """Per-step information: acceptance probability, accepted, divergent (per chain)."""

    acceptance: np.ndarray
    accepted: np.ndarray
    divergent: np.ndarray



def init_state(potential: Potential) -> Callable:
    def init(position) -> LangevinState:
        w = np.array(position, dtype=float, ndmin=2)
        if w.ndim != 2 or w.shape[1] != potential.dim:
            raise InputError(f"initial positions must have shape (chains, {potential.dim}), got {np.shape(position)}")
        U, G, f = potential.evaluate(w)
        bad = ~(np.isfinite(U) & np.all(np.isfinite(G), axis=1) & np.isfinite(f))
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"the potential is not finite at the start point of chain {i}: w = {w[i].tolist()}, "
                             f"U = {U[i]}, f = {f[i]} (start inside the prior's support, where the loss is finite)")
        return LangevinState(w, U, G, f)

    return init


def _metric(metric, d):
    if metric is None:
        return None
    m = np.asarray(metric, dtype=float)
    if m.shape != (d,) or not np.all(np.isfinite(m)) or np.any(m <= 0):
        raise InputError(f"metric (the inverse mass, one positive number per parameter) must have shape ({d},)")
    return m


def mala_kernel(potential: Potential, step_size: float, spread: float = 1.0, metric=None) -> Kernel:
    """Metropolis-adjusted Langevin: propose ``y = w − (ε/2)∇U(w) + √ε ξ``, accept with
    the Metropolis–Hastings probability.

    With ``spread > 1`` each chain's ε is drawn at every step log-uniformly from
    ``[ε/√spread, ε·√spread]``, independently of the state. Each fixed-ε kernel is
    reversible with respect to exp(−U), so the mixture is too; the small steps let
    chains move where the posterior is narrow (the tips of the arms of a singular
    posterior such as (w1 w2)², whose width ~ 1/(|w2|√(2nβ)) shrinks along the arm),
    which a single adapted ε cannot.

    ``metric`` (a positive vector m, the diagonal inverse mass) preconditions the
    move: ``y = w − (ε/2) m⊙∇U(w) + √ε √m⊙ξ``.

    Examples
    --------
    >>> U = Potential.from_polynomial("w1**2", nbeta=10)
    >>> k = mala_kernel(U, 0.05)
    >>> state = k.init(np.zeros((3, 1)))
    >>> state, info = k.step(np.random.default_rng(0), state)
    >>> info.acceptance.shape, state.position.shape
    ((3,), (3, 1))
    """
    eps0 = check_positive(step_size, "step size ε")
    if not (isinstance(spread, (int, float)) and spread >= 1):
        raise InputError(f"spread must be a number >= 1, got {spread!r}")
    log_spread = math.log(spread)
    m = _metric(metric, potential.dim)
    sm = np.sqrt(m) if m is not None else None

    def step(rng: np.random.Generator, state: LangevinState):
        x, Ux, Gx, fx = state
        if log_spread:
            eps = eps0 * np.exp(log_spread * (rng.random((x.shape[0], 1)) - 0.5))
            sq = np.sqrt(eps)
        else:
            eps, sq = eps0, math.sqrt(eps0)
        xi = rng.standard_normal(x.shape)
        if m is None:
            y = x - 0.5 * eps * Gx + sq * xi
        else:
            y = x - 0.5 * eps * (m * Gx) + sq * (sm * xi)
        Uy, Gy, fy = potential.evaluate(y)
        # log q(x|y) − log q(y|x), q(b|a) ∝ exp(−‖(b − a + (ε/2) m∇U(a))/√m‖²/(2ε))
        fwd = sq * xi
        bwd = x - y + 0.5 * eps * Gy if m is None else (x - y + 0.5 * eps * (m * Gy)) / sm
        log_ratio = (np.einsum("ij,ij->i", fwd, fwd) - np.einsum("ij,ij->i", bwd, bwd)) / (2 * np.ravel(eps))
        with np.errstate(invalid="ignore", over="ignore"):
            log_alpha = Ux - Uy + log_ratio
        finite = np.isfinite(log_alpha) & np.isfinite(fy)
        log_alpha = np.where(finite, log_alpha, -np.inf)
        acc = np.exp(np.minimum(log_alpha, 0.0))
        accept = rng.random(x.shape[0]) < acc
        # a MALA "divergence" is a numerical breakdown (NaN, −inf), not a large rejected step
        divergent = ~finite & ~np.isposinf(Uy)
        a = accept[:, None]
        new = LangevinState(np.where(a, y, x), np.where(accept, Uy, Ux), np.where(a, Gy, Gx), np.where(accept, fy, fx))
        return new, LangevinInfo(acc, accept, divergent)

    return Kernel(init_state(potential), step)


def hmc_kernel(potential: Potential, step_size: float, n_leapfrog: int = 10, jitter: float = 0.5,
               metric=None) -> Kernel:
    """Hamiltonian Monte Carlo with identity mass, ``n_leapfrog`` leapfrog steps of size ε.

    Each chain's step is drawn uniformly from ε·[1 − jitter, 1 + jitter] at every
    transition (Neal 2011, §5.4.2.2), which breaks the periodic trajectories that
    a fixed εL produces on nearly Gaussian targets.

    A transition whose energy error exceeds 1000 (or is not finite) is a divergence
    (Stan's rule) and is rejected.

    Examples
    --------
    >>> U = Potential.from_polynomial("w1**2", nbeta=10)
    >>> k = hmc_kernel(U, 0.1, 5)
    >>> s, info = k.step(np.random.default_rng(0), k.init(np.zeros((2, 1))))
    >>> info.acceptance.round(2).tolist()
    [1.0, 1.0]
    """
    eps = check_positive(step_size, "step size ε")
    if not isinstance(n_leapfrog, (int, np.integer)) or n_leapfrog < 1:
        raise InputError(f"n_leapfrog must be a positive integer, got {n_leapfrog!r}")
    if not 0 <= jitter < 1:
        raise InputError(f"jitter must be in [0, 1), got {jitter!r}")

    m = _metric(metric, potential.dim)
    mv = m if m is not None else 1.0

    def step(rng: np.random.Generator, state: LangevinState):
        x, Ux, Gx, fx = state
        p = rng.standard_normal(x.shape)
        if m is not None:
            p = p / np.sqrt(m)  # p ~ N(0, M), M = diag(1/m)
        e = eps * rng.uniform(1 - jitter, 1 + jitter, size=(x.shape[0], 1)) if jitter else eps
        H0 = Ux + 0.5 * np.einsum("ij,ij->i", p * mv, p)
        q, G = x, Gx
        with np.errstate(invalid="ignore", over="ignore"):
            p = p - 0.5 * e * G
            for i in range(n_leapfrog):
                q = q + e * (mv * p)
                U, G, f = potential.evaluate(q)
                if i < n_leapfrog - 1:
                    p = p - e * G
            p = p - 0.5 * e * G
            H1 = U + 0.5 * np.einsum("ij,ij->i", p * mv, p)
            log_alpha = H0 - H1
        finite = np.isfinite(log_alpha) & np.isfinite(f) & np.all(np.isfinite(q), axis=1)
        log_alpha = np.where(finite, log_alpha, -np.inf)
        acc = np.exp(np.minimum(log_alpha, 0.0))
        accept = rng.random(x.shape[0]) < acc
        divergent = (~finite & ~np.isposinf(U)) | (finite & (-log_alpha > DIVERGENCE))
        a = accept[:, None]
        new = LangevinState(np.where(a, q, x), np.where(accept, U, Ux), np.where(a, G, Gx), np.where(accept, f, fx))
        return new, LangevinInfo(acc, accept, divergent)

    return Kernel(init_state(potential), step)


def sgld_kernel(potential: Potential, epsilon: float) -> Kernel:
    """Unadjusted (stochastic-gradient, here full-batch) Langevin dynamics:
    ``w' = w − (ε/2)∇U(w) + N(0, ε I)``, every move accepted.

    This is devinterp's localised SGLD step with full-batch gradients. A uniform
    prior's box is enforced by reflection at its walls. The chain's stationary law
    is not the target: its bias is O(ε) (Langevin discretisation), so λ̂ depends
    on ε; see :func:`rlct.numeric.llc_sgld` for the extrapolation ε → 0.

    Examples
    --------
    >>> U = Potential.from_polynomial("w1**2", nbeta=10, gamma=1.0)
    >>> k = sgld_kernel(U, 1e-3)
    >>> s, info = k.step(np.random.default_rng(0), k.init(np.zeros((2, 1))))
    >>> bool(info.accepted.all())
    True
    """
    eps = check_positive(epsilon, "epsilon")
    sq = math.sqrt(eps)
    box = potential.prior.arrays(potential.dim) if potential.prior.kind == "uniform" else None

    def step(rng: np.random.Generator, state: LangevinState):
        x, Ux, Gx, fx = state
        y = x - 0.5 * eps * Gx + sq * rng.standard_normal(x.shape)
        if box is not None:
            lo, hi = box["low"], box["high"]
            width = hi - lo
            z = np.mod(y - lo, 2 * width)
            y = lo + np.where(z > width, 2 * width - z, z)
        U, G, f = potential.evaluate(y)
        finite = np.isfinite(U) & np.isfinite(f)
        ones = np.ones(x.shape[0])
        return LangevinState(y, U, G, f), LangevinInfo(ones, np.ones(x.shape[0], bool), ~finite)

    return Kernel(init_state(potential), step)


# ------------------------------------------------------------------------------------
# sampler specifications


def _check_sampler(obj) -> None:
    """The settings of a sampler object, checked when it is made (each error names the setting)."""
    if getattr(obj, "step_size", None) is not None:
        check_positive(obj.step_size, f"{type(obj).__name__} step_size")
    target = getattr(obj, "target_accept", None)
    if target is not None and not (isinstance(target, (int, float)) and not isinstance(target, bool)
                                   and 0 < target < 1):
        raise InputError(f"target_accept must be a number between 0 and 1, got {target!r}")
    if not isinstance(getattr(obj, "adapt_metric", False), bool):
        raise InputError(f"adapt_metric must be True or False, got {obj.adapt_metric!r}")
    if hasattr(obj, "spread") and check_positive(obj.spread, "spread") < 1:
        raise InputError(f"spread must be >= 1 (1: a fixed step size), got {obj.spread!r}")
    if hasattr(obj, "jitter") and not (isinstance(obj.jitter, (int, float)) and not isinstance(obj.jitter, bool)
                                       and 0 <= obj.jitter < 1):
        raise InputError(f"jitter must be a number in [0, 1), got {obj.jitter!r}")
    for name, top in (("n_leapfrog", MAX_COUNT), ("max_doublings", 30)):
        if hasattr(obj, name):
            check_int(getattr(obj, name), name, maximum=top)


@dataclass(frozen=True)
class MALA:
    """Metropolis-adjusted Langevin (the default sampler).

    Parameters
    ----------
    step_size : float, optional
        ε (noise variance of the proposal). None: found during warm-up by dual
        averaging (Hoffman & Gelman 2014, §3.2) to reach ``target_accept``.
    target_accept : float
        Mean acceptance aimed at by the adaptation (0.574 is optimal for MALA on
        smooth targets in high dimension, Roberts & Rosenthal 1998).
    spread : float
        Per-step step sizes are drawn log-uniformly over a factor ``spread``
        around ε (see :func:`mala_kernel`); 1 for a fixed ε. The default 100
        multiplied the effective sample size of λ̂ by 20–45 on (w1 w2)² at
        nβ = 579 and halved it on a regular model (benchmarks/bench_numeric.py).
    adapt_metric : bool
        Also adapt a diagonal inverse mass (the positions' variance over the
        middle of the warm-up, pooled over chains; needs ``warmup >= 100``). Off by
        default: it fixes regular directions of very different stiffness (on
        K = w1² + 100 w2² + w3²/100 at nβ = 500, λ̂ went from 1.06 with R-hat 1.07
        to the exact 1.454), but halved the ESS on reduced rank regression with a
        rank-1 truth, whose valley a11·b11 = 1 is curved, so no diagonal scaling fits it.
    """

    step_size: float | None = None
    target_accept: float = 0.574
    spread: float = 100.0
    adapt_metric: bool = False
    name = "mala"
    grads_per_step = 1

    def __post_init__(self):
        _check_sampler(self)

    def kernel(self, potential, step_size, metric=None):
        """The :func:`mala_kernel` with this step size (and metric)."""
        return mala_kernel(potential, step_size, self.spread, metric)

    @property
    def adapt(self):
        return self.step_size is None


@dataclass(frozen=True)
class HMC:
    """Hamiltonian Monte Carlo with ``n_leapfrog`` steps (each ε jittered by ±``jitter``);
    ε (and, with ``adapt_metric``, a diagonal inverse mass) adapted as for :class:`MALA`."""

    step_size: float | None = None
    n_leapfrog: int = 10
    target_accept: float = 0.8
    jitter: float = 0.5
    adapt_metric: bool = False
    name = "hmc"

    def __post_init__(self):
        _check_sampler(self)

    def kernel(self, potential, step_size, metric=None):
        """The :func:`hmc_kernel` with this step size (and metric)."""
        return hmc_kernel(potential, step_size, self.n_leapfrog, self.jitter, metric)

    @property
    def grads_per_step(self):
        return self.n_leapfrog

    @property
    def adapt(self):
        return self.step_size is None


@dataclass(frozen=True)
class SGLD:
    """Unadjusted Langevin with step ε (devinterp's SGLD); never adapted.

    Full batch by default; with ``batch_size`` (a potential with data on the compiled JAX
    path: a model or :meth:`Potential.from_function`) each step uses a minibatch gradient and
    records the minibatch loss, as devinterp does. ``shuffle="epoch"`` (default) takes the batches
    without replacement within each pass over the data, as devinterp's shuffled ``DataLoader``;
    ``"replace"`` draws every batch with replacement (more gradient noise: a different chain).

    >>> SGLD(1e-4).step_size, SGLD(1e-4).adapt
    (0.0001, False)
    """

    epsilon: float = 1e-4
    batch_size: int | None = None
    shuffle: str = "epoch"

    def __post_init__(self):
        check_positive(self.epsilon, "SGLD epsilon (the step size)")
        check_int(self.batch_size, "batch_size", allow_none=True)
        if not isinstance(self.shuffle, str) or self.shuffle not in ("epoch", "replace"):
            raise InputError(f"shuffle must be 'epoch' (batches without replacement within an epoch, as a shuffled "
                             f"DataLoader) or 'replace' (each batch drawn with replacement), got {self.shuffle!r}")
    name = "sgld"
    grads_per_step = 1
    adapt = False
    target_accept = None

    adapt_metric = False

    @property
    def step_size(self):
        return self.epsilon

    def kernel(self, potential, step_size, metric=None):
        """The :func:`sgld_kernel` with step ε (no metric)."""
        return sgld_kernel(potential, step_size)


@dataclass(frozen=True)
class NUTS:
    """The No-U-Turn sampler (BlackJAX's; always on the compiled JAX path): ε adapted by dual averaging to
    ``target_accept`` and, with ``adapt_metric`` (default), a diagonal inverse mass from the
    warm-up.

    >>> NUTS().name, NUTS().adapt
    ('nuts', True)
    """

    step_size: float | None = None
    target_accept: float = 0.8
    max_doublings: int = 10
    adapt_metric: bool = True
    name = "nuts"

    def __post_init__(self):
        _check_sampler(self)
    grads_per_step = 2 ** 3     # a typical tree; used only to decide whether to show progress

    @property
    def adapt(self):
        return self.step_size is None


def as_sampler(sampler) -> Any:
    """``"mala"``, ``"hmc"``, ``"sgld"``, ``"nuts"`` or a sampler object.

    >>> as_sampler("hmc")
    HMC(step_size=None, n_leapfrog=10, target_accept=0.8, jitter=0.5, adapt_metric=False)
    """
    if isinstance(sampler, (MALA, HMC, SGLD, NUTS)):
        if sampler.step_size is not None:
            check_positive(sampler.step_size, "step size ε")
        return sampler
    names = {"mala": MALA, "hmc": HMC, "sgld": SGLD, "nuts": NUTS}
    if isinstance(sampler, str) and sampler.lower() in names:
        return names[sampler.lower()]()
    raise InputError(f"sampler must be one of 'mala', 'hmc', 'sgld', 'nuts' or a MALA/HMC/SGLD/NUTS object, "
                     f"got {sampler!r}")
