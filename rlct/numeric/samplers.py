"""The driver :func:`sample` (numpy kernels from :mod:`rlct.numeric.kernels`, or the compiled JAX
driver), :class:`Trace` and :func:`extend`.

Every kernel targets ``exp(−U)`` for a :class:`~rlct.numeric.Potential` ``U`` and
acts on all chains at once (positions of shape ``(chains, d)``). A kernel is a
pair ``init(position) -> state`` and ``step(rng, state) -> (state, info)`` with
states and infos small named tuples, as in BlackJAX.

Step-size convention (the same for MALA and SGLD, so the two differ only by the
Metropolis correction): the Langevin move is
``w' = w − (ε/2) ∇U(w) + N(0, ε I)``. For SGLD with a flat prior this is
devinterp's ``Δw = (ε/2)(−nβ ∇L_n + γ(w* − w)) + N(0, ε)``. HMC's ε is the
leapfrog step.

Randomness: one :class:`numpy.random.Generator` (PCG64) seeded by
``SeedSequence(seed)`` drives all chains together, so a run is reproducible given
``(seed, chains, draws, warmup, sampler, potential)``; changing the number of
chains changes every chain's draws.

Examples
--------
>>> from rlct.numeric import Potential
>>> U = Potential.from_polynomial("w1**2 + w2**2", nbeta=100)
>>> tr = sample(U, "mala", chains=8, draws=200, warmup=100, seed=0)
>>> tr
Trace(mala, 8 chains × 200 draws after 100 warm-up, step size ..., acceptance ...)
>>> tr.loss.shape
(8, 200)
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np

from ..errors import InputError
from ..validate import MAX_COUNT, check_int, seed_sequence
from .kernels import (DIVERGENCE, HMC, MALA, NUTS, SGLD, Kernel, LangevinInfo, LangevinState, as_sampler,  # noqa: F401
                      hmc_kernel, init_state, mala_kernel, sgld_kernel)
from .potential import Potential

__all__ = ["Kernel", "MALA", "HMC", "SGLD", "NUTS", "LangevinState", "LangevinInfo",
           "mala_kernel", "hmc_kernel", "sgld_kernel", "sample", "extend", "Trace", "as_sampler"]

# ------------------------------------------------------------------------------------
# the trace


@dataclass(frozen=True, eq=False)
class Trace:
    """What :func:`sample` recorded, with (chain, draw) axes after warm-up.

    Attributes
    ----------
    loss : ndarray (chains, draws)
        f (K or L_n) after each kept step.
    acceptance : ndarray (chains,)
        Mean acceptance probability per chain (1 for SGLD).
    divergences : ndarray (chains,)
        Divergent transitions per chain (after warm-up).
    step_size : float
        ε used after warm-up.
    warmup : int
        Steps discarded (burn-in, and step-size adaptation when adapted).
    warmup_loss : ndarray (warmup,)
        Mean over chains of f during warm-up (to see the burn-in).
    max_distance : ndarray (chains,)
        Largest ‖w − w*‖ each chain reached after warm-up.
    nonfinite : ndarray (chains,)
        Steps after warm-up at which f was not finite.
    positions : ndarray (chains, kept, d) or None
        Kept every ``thin`` draws when ``thin`` was given.
    metric : ndarray (d,) or None
        The adapted diagonal inverse mass (``adapt_metric=True``).
    state : LangevinState
        The chains' final state (positions, U, ∇U, f), from which :func:`extend` continues.
    rng_state : dict
        The generator's final state (continuing from it keeps the run reproducible).
    extensions : int
        How many times :func:`extend` lengthened the run.
    start : str
        How the chains started: ``"center"``, ``"prior"``, ``"given"`` or the annealing
        ladder (``init="anneal"``).

    Examples
    --------
    >>> tr = sample(Potential.from_polynomial("w1**2", nbeta=10), chains=4, draws=100, seed=0)
    >>> tr.loss.shape, tr.warmup, tr.settings()["sampler"]
    ((4, 100), 50, 'mala')
    """

    loss: np.ndarray
    acceptance: np.ndarray
    divergences: np.ndarray
    step_size: float
    warmup: int
    warmup_loss: np.ndarray
    max_distance: np.ndarray
    positions: np.ndarray | None
    potential: Potential
    sampler: Any
    seed: Any
    seconds: float
    thin: int | None = None
    metric: np.ndarray | None = None
    state: Any = field(default=None, repr=False)
    rng_state: dict | None = field(default=None, repr=False)
    extensions: int = 0
    final_position: np.ndarray | None = field(default=None, repr=False)
    start: str = "center"
    ladder_steps: int = 0  # steps per chain of init="anneal"'s stages (before the warm-up; in ``seconds``)

    @property
    def chains(self) -> int:
        """Number of chains."""
        return self.loss.shape[0]

    @property
    def draws(self) -> int:
        """Number of kept draws per chain."""
        return self.loss.shape[1]

    @property
    def nonfinite(self) -> np.ndarray:
        """Steps after warm-up at which f was not finite, per chain."""
        return np.sum(~np.isfinite(self.loss), axis=1)

    @property
    def steps_per_second(self) -> float:
        """Chain-steps per second over the whole run (warm-up and an annealed start's stages included)."""
        steps = self.draws + self.warmup + self.ladder_steps
        return self.chains * steps / self.seconds if self.seconds > 0 else float("inf")

    def settings(self) -> dict:
        """Sampler settings, JSON-friendly."""
        s = {"sampler": self.sampler.name, "chains": self.chains, "draws": self.draws, "warmup": self.warmup,
             "start": self.start, "step_size": self.step_size, "step_size_adapted": bool(self.sampler.adapt),
             "seed": self.seed if isinstance(self.seed, (int, dict)) else str(self.seed)}
        if self.extensions:
            s["extensions"] = self.extensions
        if self.sampler.name == "mala":
            s["spread"] = self.sampler.spread
        s["metric"] = None if self.metric is None else [float(x) for x in self.metric]
        if self.sampler.name == "hmc":
            s["n_leapfrog"] = self.sampler.n_leapfrog
            s["jitter"] = self.sampler.jitter
        if self.sampler.name == "nuts":
            s["max_doublings"] = self.sampler.max_doublings
        if self.sampler.name == "sgld":
            s["batch_size"] = getattr(self.sampler, "batch_size", None)
            if s["batch_size"] is not None:
                s["shuffle"] = self.sampler.shuffle
        s["backend"] = "jax (compiled)" if _compiled(self.potential, self.sampler) else "numpy"
        if self.sampler.target_accept is not None and self.sampler.adapt:
            s["target_accept"] = self.sampler.target_accept
        return s

    def to_arviz(self):
        """An ``arviz.InferenceData`` with the loss (and positions when kept); needs arviz."""
        try:
            import arviz
        except ImportError:  # pragma: no cover
            raise InputError("to_arviz needs arviz: pip install arviz") from None
        post = {"loss": self.loss}
        if self.positions is not None:
            for j, v in enumerate(self.potential.variables):
                post[v] = self.positions[:, :, j]
        return arviz.from_dict(posterior=post)

    def __repr__(self):
        return (f"Trace({self.sampler.name}, {self.chains} chains × {self.draws} draws after {self.warmup} warm-up, "
                f"step size {self.step_size:.3g}, acceptance {float(np.mean(self.acceptance)):.3g})")


# ------------------------------------------------------------------------------------
# the driver


def _find_step_size(kernel_for, state, rng, target, eps=1.0):
    """Hoffman & Gelman's heuristic: scale ε by 4 until the mean one-step acceptance
    crosses ``target``."""
    acc = float(np.mean(kernel_for(eps).step(rng, state)[1].acceptance))
    direction = 1 if acc > target else -1
    for _ in range(40):
        new = eps * 4.0**direction
        acc = float(np.mean(kernel_for(new).step(rng, state)[1].acceptance))
        if (direction == 1 and acc < target) or (direction == -1 and acc > target):
            return eps if direction == 1 else new
        eps = new
    return eps


_INIT_HELP = "init must be 'center', 'anneal', 'prior', a point of length {d} or an array ({chains}, {d})"


def _initial_positions(potential, init, chains, rng):
    d = potential.dim
    if init is None or (isinstance(init, str) and init == "center"):
        w = np.tile(potential.center, (chains, 1))
        if not np.isfinite(potential.energy(w[:1])[0]):
            # A prior amplitude |w_j − c_j|^h_j vanishes at w*: start each such coordinate
            # about one posterior width s = 1/√nβ away (not closer than s/2, where the
            # drift h/(w − c) would throw proposals far out and the chain would stick).
            a = potential.prior.arrays(potential.dim)
            h = a.get("h", np.ones(potential.dim))
            scale = 1.0 / math.sqrt(potential.nbeta)
            if potential.prior.kind == "uniform":
                scale = min(scale, float(np.min(a["high"] - a["low"])) / 8)
            z = rng.standard_normal(w.shape)
            offset = scale * np.sign(z) * (0.5 + np.abs(z)) * (h > 0)
            w = np.where(h > 0, a["center"], w) + offset
            ok = np.isfinite(potential.energy(w))
            if not np.all(ok):
                raise InputError("cannot find finite start points next to w*: give init= positions")
        return w
    if isinstance(init, str) and init == "prior":
        return potential.prior.sample(rng, chains, d)
    try:
        w = np.asarray(init, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{_INIT_HELP.format(d=d, chains=chains)}; got {init!r:.80}") from None
    if w.shape == (d,):
        return np.tile(w, (chains, 1))
    if w.shape == (chains, d):
        return w.copy()
    raise InputError(f"{_INIT_HELP.format(d=d, chains=chains)}; got shape {w.shape}")


def sample(potential: Potential, sampler="mala", *, chains: int = 200, draws: int = 1000, warmup: int | None = None,
           seed=None, init=None, thin: int | None = None, progress: bool | None = None) -> Trace:
    """Run ``chains`` chains of ``sampler`` on ``potential``, vectorised; return a :class:`Trace`.

    Parameters
    ----------
    potential : Potential
    sampler : {"mala", "hmc", "sgld"} or MALA, HMC, SGLD
        MALA (default) and HMC adapt their step size during warm-up unless one is given.
    chains, draws : int
        Number of chains and of kept steps per chain.
    warmup : int, optional
        Steps discarded first (default ``max(draws // 2, 50)``); the step size is adapted
        during them. Adaptation needs ``warmup >= 20``.
    seed : int or SeedSequence, optional
        Seeds one PCG64 generator that drives all chains. With None, fresh
        entropy is drawn and recorded in ``Trace.seed`` (so the run can be repeated).
    init : {"center", "anneal", "prior"} or array, optional
        Start points: w* (default, as devinterp; with a prior amplitude, which
        vanishes at its centre, each such coordinate starts about 1/√nβ away);
        ``"anneal"``: w*, then a short tempering ladder at nβ/64, nβ/16, nβ/4 and nβ
        (each stage ``warmup // 5`` adaptation steps and ``warmup // 4`` more; a chain
        stuck in a stage restarts from another's position) before the warm-up (the default
        of :func:`rlct.numeric.llc`; see Notes); draws from the prior; or given.
    thin : int, optional
        Keep positions every ``thin`` draws (positions are not kept by default).
    progress : bool, optional
        A tqdm progress bar; by default shown on a terminal for runs of more than
        10⁶ chain-steps.

    Returns
    -------
    Trace

    Raises
    ------
    InputError
        For non-positive sizes or a potential that is not finite at the start.

    Notes
    -----
    Why anneal: every chain starting at w*, a singular point, must still spread along the
    flat directions of the set K = 0, by diffusion with steps of order 1/√nβ; at large nβ
    that takes thousands of steps, and all chains lag together, so split R-hat cannot see
    it (DLN(2, 2, 2, 2), r = 1, population potential at n = 10⁴: λ̂ 1.745 ± 0.009 from w*
    against 1.782 ± 0.010 by the SMC reference; annealed 1.778 ± 0.007). Along a flat
    valley the relative weight of its points is the transverse volume, whose ratios do not
    depend on nβ to leading order, so chains spread at a higher temperature (4–8 × longer
    steps) are already close to the right distribution along the valley; the ladder's
    last stage and the warm-up at nβ contract them across it.

    Examples
    --------
    >>> U = Potential.from_polynomial("w1**2", nbeta=50)
    >>> a = sample(U, chains=4, draws=50, warmup=30, seed=1).loss
    >>> b = sample(U, chains=4, draws=50, warmup=30, seed=1).loss
    >>> bool((a == b).all())
    True
    """
    if not isinstance(potential, Potential):
        raise InputError(f"sample needs a Potential, got {type(potential).__name__}")
    sampler = as_sampler(sampler)
    chains, draws = check_int(chains, "chains", maximum=MAX_COUNT), check_int(draws, "draws", maximum=MAX_COUNT)
    warmup = max(draws // 2, 50) if warmup is None else check_int(warmup, "warmup", minimum=0, maximum=MAX_COUNT)
    thin = check_int(thin, "thin", allow_none=True)
    if progress is not None and not isinstance(progress, (bool, np.bool_)):
        raise InputError(f"progress must be True, False or None (automatic), got {progress!r:.80}")
    if sampler.adapt and warmup < 20:
        raise InputError(f"adapting the step size needs warmup >= 20 (got {warmup}); "
                         f"give warmup= or a fixed step_size, e.g. MALA(step_size=1e-3)")
    ss = seed_sequence(seed)
    rng = np.random.Generator(np.random.PCG64(ss))
    # record what reproduces the run: the seed given, or the entropy drawn when seed was None
    recorded = seed if isinstance(seed, (int, np.integer)) else ss.entropy
    if isinstance(seed, np.random.SeedSequence) and seed.spawn_key:
        recorded = {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}
    start = _start_name(init)
    t0 = time.perf_counter()  # the run's seconds include the annealing stages
    ladder = 0
    if isinstance(init, str) and init == "anneal":
        init, ladder = _annealed_start(potential, sampler, chains, warmup, ss, rng)
    ladder_seconds = time.perf_counter() - t0
    if _compiled(potential, sampler):
        from .jaxsampler import sample_compiled

        w0 = _initial_positions(potential, init, chains, rng)
        init_state(potential)(w0)                 # the same checks of the start points as the numpy path
        if progress is None:
            progress = False
        run = sample_compiled(potential, sampler, chains=chains, draws=draws, warmup=warmup, seed=ss.spawn(1)[0],
                              thin=thin, progress=progress, initial_positions=w0)
        return Trace(run.loss, run.acceptance, run.divergences, run.step_size, int(warmup), run.warmup_loss,
                     run.max_distance, run.positions, potential, sampler, recorded, run.seconds + ladder_seconds, thin,
                     run.metric,
                     rng_state=run.rng_state, final_position=run.final_position, start=start, ladder_steps=ladder)
    state = init_state(potential)(_initial_positions(potential, init, chains, rng))

    total = warmup + draws
    if progress is None:
        interactive = sys.stderr.isatty() or "ipykernel" in sys.modules
        progress = chains * total * sampler.grads_per_step > 10**6 and interactive
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc=f"{sampler.name} ({chains} chains)", unit="step", leave=False)
    every = max(1, total // 200)

    # -- warm-up ----------------------------------------------------------------------
    # Step size: dual averaging (Hoffman & Gelman 2014) on the mean acceptance over chains.
    # Metric (MALA, HMC): the positions' variance, pooled over chains, in the window
    # [15%, 75%] of the warm-up becomes the diagonal inverse mass; dual averaging restarts.
    metric = None
    use_metric = sampler.adapt and getattr(sampler, "adapt_metric", False) and warmup >= 100
    if use_metric:
        w_start, w_end = int(0.15 * warmup), int(0.75 * warmup)
        s1, s2, count = np.zeros(potential.dim), np.zeros(potential.dim), 0

    def kernel_for(e):
        return sampler.kernel(potential, e, metric)

    if sampler.adapt:
        eps = _find_step_size(kernel_for, state, rng, 0.5)
        mu, gamma_da, t0_da, kappa = math.log(10 * eps), 0.05, 10.0, 0.75
        hbar, log_eps_bar, k = 0.0, 0.0, 0
    else:
        eps = sampler.step_size
    kernel = kernel_for(eps)
    warm_loss = np.empty(warmup)
    for t in range(1, warmup + 1):
        state, info = kernel.step(rng, state)
        warm_loss[t - 1] = float(np.mean(state.loss))
        if sampler.adapt:
            k += 1
            a = float(np.mean(info.acceptance))
            w = 1.0 / (k + t0_da)
            hbar = (1 - w) * hbar + w * (sampler.target_accept - a)
            log_eps = mu - math.sqrt(k) / gamma_da * hbar
            tk = k ** (-kappa)
            log_eps_bar = tk * log_eps + (1 - tk) * log_eps_bar
            if use_metric and w_start < t <= w_end:
                pos = state.position
                if np.all(np.isfinite(pos)):
                    s1 += pos.sum(axis=0)
                    s2 += np.einsum("ij,ij->j", pos, pos)
                    count += pos.shape[0]
            if use_metric and t == w_end and count > 1:
                var = np.maximum(s2 / count - (s1 / count) ** 2, 0.0)
                if np.all(np.isfinite(var)) and var.max() > 0:
                    metric = np.maximum(var, 1e-8 * var.max())
                    metric = metric / np.exp(np.mean(np.log(metric)))  # geometric mean 1: ε keeps its scale
                    eps = _find_step_size(kernel_for, state, rng, 0.5, math.exp(log_eps_bar))
                    mu, hbar, log_eps_bar, k = math.log(10 * eps), 0.0, 0.0, 0
                    log_eps = math.log(eps)
            kernel = kernel_for(math.exp(log_eps))
        if bar is not None and t % every == 0:
            bar.update(every)
    if sampler.adapt:
        eps = math.exp(log_eps_bar)
        kernel = kernel_for(eps)

    # -- draws ------------------------------------------------------------------------
    block = _draw(kernel, rng, state, draws, potential.center, thin, bar, offset=0, warmup=warmup)
    if bar is not None:
        bar.close()
    return Trace(block.loss, block.acc_sum / draws, block.div, float(eps), int(warmup), warm_loss, block.maxdist,
                 block.keep, potential, sampler, recorded, time.perf_counter() - t0, thin, metric,
                 state=block.state, rng_state=rng.bit_generator.state, final_position=block.state.position.copy(),
                 start=start, ladder_steps=ladder)


ANNEAL_LADDER = (1 / 64, 1 / 16, 1 / 4, 1)   # fractions of nβ of init="anneal"'s stages
STUCK_ACCEPTANCE = 0.02                     # a chain accepting less in a stage is stuck
_ANNEAL_KEY = 0xA22EA1                   # spawn-key entry of the stages' seeds (apart from the run's own)


def default_init(sampler) -> str:
    """The estimators' default start (:func:`rlct.numeric.llc`, ``wbic``, ...): ``"anneal"`` for the
    Metropolis-adjusted samplers (MALA, HMC, NUTS), ``"center"`` for SGLD (devinterp's convention).

    >>> default_init("mala"), default_init("sgld")
    ('anneal', 'center')
    """
    return "center" if as_sampler(sampler).name == "sgld" else "anneal"


def _start_name(init) -> str:
    """What ``Trace.start`` records for an ``init`` argument (and checks a string's spelling)."""
    if init is None:
        return "center"
    if isinstance(init, str):
        if init == "anneal":
            return "anneal (" + ", ".join("nβ" if f == 1 else f"nβ/{round(1 / f)}" for f in ANNEAL_LADDER) + ")"
        if init in ("center", "prior"):
            return init
        raise InputError(f"{_INIT_HELP.format(d='d', chains='chains')}; got {init!r}")
    return "given"


def _annealed_start(potential, sampler, chains, warmup, ss, rng):
    """``(start points, steps per chain)``: w* warmed through :data:`ANNEAL_LADDER` (see :func:`sample`'s Notes). Each
    stage adapts its own step size (``warmup // 5`` steps, at least 20) and runs ``warmup // 4``
    (at least 20) more; its seeds are children of ``ss`` apart from the main run's. A chain that
    accepted (almost) nothing in a stage is stuck where the step size shared by the chains is too
    long for the local gradient (a point that was typical at the previous, higher temperature);
    it restarts from the position of a chain drawn at random among the others."""
    w = _initial_positions(potential, "center", chains, rng)
    adapt, more = max(20, warmup // 5), max(20, warmup // 4)
    for i, f in enumerate(ANNEAL_LADDER):
        child = np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, _ANNEAL_KEY, i))
        U = potential if f == 1 else potential.at(nbeta=potential.nbeta * f)
        tr = sample(U, sampler, chains=chains, draws=more, warmup=adapt, seed=child, init=w, progress=False)
        w = tr.final_position.copy()
        moving = np.isfinite(tr.loss[:, -1]) & np.all(np.isfinite(w), axis=1) & (tr.acceptance >= STUCK_ACCEPTANCE)
        stuck = np.flatnonzero(~moving)
        if stuck.size and moving.any():       # (no chain moving: a degenerate run, which the estimate flags)
            w[stuck] = w[np.random.default_rng(child.spawn(1)[0]).choice(np.flatnonzero(moving), stuck.size)]
    return w, len(ANNEAL_LADDER) * (adapt + more)


class _Block(NamedTuple):
    loss: np.ndarray
    acc_sum: np.ndarray
    div: np.ndarray
    maxdist: np.ndarray
    keep: np.ndarray | None
    state: LangevinState


def _draw(kernel, rng, state, draws, center, thin, bar, offset, warmup):
    """``draws`` kept steps of ``kernel`` from ``state``; ``offset`` = draws already kept before
    (so thinning and the distance checks continue the same schedule when a run is extended)."""
    chains = state.position.shape[0]
    loss = np.empty((chains, draws))
    acc_sum = np.zeros(chains)
    div = np.zeros(chains, dtype=np.int64)
    maxdist = np.zeros(chains)
    keep = None
    if thin is not None:
        keep = np.empty(((offset + draws) // thin - offset // thin, chains, center.shape[0]))
    every = max(1, (warmup + offset + draws) // 200)
    for t in range(draws):
        g = offset + t  # the global index of this draw
        state, info = kernel.step(rng, state)
        loss[:, t] = state.loss
        acc_sum += info.acceptance
        div += info.divergent
        if g % 10 == 9 or t == draws - 1:
            diff = state.position - center
            with np.errstate(invalid="ignore", over="ignore"):
                dist = np.sqrt(np.einsum("ij,ij->i", diff, diff))
            maxdist = np.fmax(maxdist, np.where(np.isfinite(dist), dist, np.inf))
        if keep is not None and (g + 1) % thin == 0:
            keep[(g + 1) // thin - 1 - offset // thin] = state.position
        if bar is not None and (warmup + g + 1) % every == 0:
            bar.update(every)
    if keep is not None:
        keep = np.ascontiguousarray(keep.transpose(1, 0, 2))
    return _Block(loss, acc_sum, div, maxdist, keep, state)



def extend(trace: Trace, draws: int, *, discard: int = 0, progress: bool | None = None) -> Trace:
    """Continue a run: ``draws`` more steps per chain from where ``trace`` stopped, with the
    same step size and metric and no new warm-up; return the longer :class:`Trace`.

    The generator continues from ``trace.rng_state``, so extending is reproducible and
    ``extend(sample(U, draws=a, warmup=w, seed=s), b)`` has the same draws as
    ``sample(U, draws=a + b, warmup=w, seed=s)``.

    Parameters
    ----------
    trace : Trace
        A run made by :func:`sample` (or :func:`extend`).
    draws : int
        Steps to add per chain.
    discard : int
        Drop the first ``discard`` kept draws as well: they become warm-up (burn-in), for a
        run whose first part was not yet stationary. ``trace.warmup`` grows by ``discard``
        and ``warmup_loss`` gets their mean over chains.
    progress : bool, optional
        As in :func:`sample`.

    Returns
    -------
    Trace
        ``extensions`` counts the extensions; ``seconds`` is the total wall time.

    Raises
    ------
    InputError
        For a trace without its final state, a non-positive ``draws`` or ``discard`` out of range.

    Examples
    --------
    >>> U = Potential.from_polynomial("w1**2", nbeta=50)
    >>> tr = extend(sample(U, chains=4, draws=50, warmup=30, seed=1), 50)
    >>> tr.draws, tr.extensions
    (100, 1)
    >>> bool((tr.loss == sample(U, chains=4, draws=100, warmup=30, seed=1).loss).all())
    True
    >>> extend(tr, 20, discard=40).warmup
    70
    """
    if not isinstance(trace, Trace) or trace.rng_state is None or (trace.state is None and
                                                                     "seed_sequence" not in trace.rng_state):
        raise InputError("extend needs a Trace made by rlct.numeric.sample (with its final state)")
    if not isinstance(draws, (int, np.integer)) or isinstance(draws, bool) or draws < 1:
        raise InputError(f"draws must be a positive integer, got {draws!r}")
    if not isinstance(discard, (int, np.integer)) or not 0 <= discard < trace.draws + draws:
        raise InputError(f"discard must be an integer in [0, {trace.draws + draws}), got {discard!r}")
    if "seed_sequence" in trace.rng_state:
        return _extend_compiled(trace, int(draws), int(discard), progress)
    t0 = time.perf_counter()
    rng = np.random.Generator(np.random.PCG64())
    rng.bit_generator.state = trace.rng_state
    kernel = trace.sampler.kernel(trace.potential, trace.step_size, trace.metric)
    if progress is None:
        interactive = sys.stderr.isatty() or "ipykernel" in sys.modules
        progress = trace.chains * draws * trace.sampler.grads_per_step > 10**6 and interactive
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=draws, desc=f"{trace.sampler.name} ({trace.chains} chains, extension)", unit="step",
                   leave=False)
    block = _draw(kernel, rng, trace.state, int(draws), trace.potential.center, trace.thin, bar,
                  offset=trace.draws, warmup=-trace.draws)
    if bar is not None:
        bar.close()
    return _joined(trace, block.loss, block.keep, block.acc_sum, block.div, block.maxdist,
                   time.perf_counter() - t0, int(discard), state=block.state, rng_state=rng.bit_generator.state,
                   final_position=block.state.position.copy())


def _joined(trace: Trace, loss, keep, acc_sum, div, maxdist, seconds, discard: int, **new) -> Trace:
    """``trace`` continued by ``loss.shape[1]`` more draws (their sums of acceptance, divergences,
    largest distance); the first ``discard`` draws of the whole become warm-up."""
    old, more = trace.draws, loss.shape[1]
    loss = np.concatenate([trace.loss, loss], axis=1)
    if trace.positions is not None:
        keep = np.concatenate([trace.positions, keep], axis=1)
    warm_loss = trace.warmup_loss
    if discard:
        warm_loss = np.concatenate([warm_loss, np.mean(loss[:, :discard], axis=0)])
        loss = loss[:, discard:]
        if keep is not None:
            keep = keep[:, discard // trace.thin:]
    return replace(trace, loss=loss, acceptance=(trace.acceptance * old + acc_sum) / (old + more),
                   divergences=trace.divergences + div, warmup=trace.warmup + discard, warmup_loss=warm_loss,
                   max_distance=np.fmax(trace.max_distance, maxdist),
                   positions=keep if trace.positions is not None else None, seconds=trace.seconds + seconds,
                   extensions=trace.extensions + 1, **new)

def _compiled(potential, sampler) -> bool:
    """Whether a run goes to the compiled JAX driver: a JAX loss, NUTS, or minibatch SGLD."""
    from .jaxloss import JaxLoss

    return (isinstance(potential.loss_function, JaxLoss) or sampler.name == "nuts"
            or getattr(sampler, "batch_size", None) is not None)


def _extend_compiled(trace: Trace, draws: int, discard: int, progress) -> Trace:
    """:func:`extend` for a run of the compiled driver: continue from the final positions with the
    same ε, metric and keys (step t of chain c draws from fold_in(key_c, t))."""
    from .jaxsampler import sample_compiled

    more = sample_compiled(trace.potential, trace.sampler, chains=trace.chains, draws=draws, warmup=0,
                           seed=trace.rng_state["seed_sequence"], thin=trace.thin, progress=bool(progress),
                           initial_positions=trace.final_position, metric=trace.metric, step_size=trace.step_size,
                           t_offset=trace.rng_state["t"])
    return _joined(trace, more.loss, more.positions, more.acceptance * draws, more.divergences, more.max_distance,
                   more.seconds, discard, rng_state=more.rng_state, final_position=more.final_position)
