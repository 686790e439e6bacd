r"""Theory next to experiment: :func:`compare` runs samplers on a model (or K) at several n
and puts each λ̂ beside the exact (λ, m) and the value an ideal sampler gives at that n.

The verdict of a row compares λ̂ with the *finite-n* value (not with λ): at nβ = n/log n
the expectation of the LLC estimator is E_β[nβ (f − f*)], which for K = (w1 w2)² at
nβ = 579 is 0.380 while λ = 1/2. A row whose diagnostics failed is marked "not
trustworthy" whatever its value.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..errors import InputError, RLCTError
from ..numeric.rows import ESTIMATORS, RowTask, run_row
from ..result import RLCT, jsonable as _jsonable, latex_fraction, parse_json
from ..validate import NUMBER, check_int, check_number, check_record, check_sequence
from .. import render
from ..render import Bound, Math, Rich

__all__ = ["compare", "Report", "ReportRow", "ESTIMATORS"]

@dataclass(frozen=True)
class ReportRow:
    """One (n, estimator) row of a :class:`Report`.

    Attributes
    ----------
    n : int
    estimator : str
    nbeta : float
    value, se : float
        λ̂ and its Monte Carlo standard error.
    expected, expected_error : float or None
        The ideal sampler's value at this nβ and its error (the cubature's bound, or the standard
        error of the sequential Monte Carlo reference).
    expected_method : str or None
        ``"quadrature"`` (d ≤ 3, population K), ``"smc"`` (:func:`rlct.numeric.reference_lambda_hat`:
        d > 3 or sampled data), ``"asymptotic (first order)"`` (when neither applies), or None.
    verdict : str
        ``"consistent"`` / ``"inconsistent"`` (against a finite-n value with an error bound, or λ
        for WBIC-type estimators), ``"near asymptotic"`` / ``"off asymptotic"`` (against the
        first-order value λ − (m−1)/log(nβ), whose error is not bounded), ``"not trustworthy"``
        (diagnostics failed) or ``"no reference"``.
    z : float or None
        (λ̂ − expected) / combined standard error.
    asymptotic : float or None
        The first-order value λ − (m − 1)/log(nβ) of the exact (λ, m) for this estimator, for
        information (it does not enter the verdict when a finite-n value is available).
    warnings, flags : tuple of str
    settings : dict
        Every setting that changes the number (sampler, step size, nβ convention, prior, γ, seed ...).
    estimate : object
        The :class:`rlct.numeric.Estimate` (not serialised).
    """

    n: int
    estimator: str
    nbeta: float
    value: float
    se: float
    expected: float | None
    expected_error: float | None
    expected_method: str | None
    verdict: str
    z: float | None = None
    ess: float = float("nan")
    rhat: float = float("nan")
    acceptance: float = float("nan")
    warnings: tuple = ()
    flags: tuple = ()
    settings: dict = field(default_factory=dict, hash=False, compare=False)
    estimate: Any = field(default=None, compare=False, repr=False, hash=False)
    asymptotic: float | None = None

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("n", "estimator", "nbeta", "value", "se", "expected", "expected_error",
                                           "expected_method", "verdict", "z", "asymptotic", "ess", "rhat",
                                           "acceptance")}
        d["warnings"], d["flags"] = list(self.warnings), list(self.flags)
        d["settings"] = _jsonable(self.settings)
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}

    @classmethod
    def from_dict(cls, d: dict, what: str = "report row") -> "ReportRow":
        kw = check_record(d, what, _ROW_REQUIRED, _ROW_OPTIONAL)
        for k in ("ess", "rhat", "acceptance", "value", "se", "nbeta"):
            if kw.get(k) is None:
                kw[k] = float("nan")
        for k in ("expected", "expected_error", "expected_method"):
            kw.setdefault(k, None)
        kw["warnings"], kw["flags"] = tuple(kw.get("warnings", ())), tuple(kw.get("flags", ()))
        return cls(**kw)


_NUM = (NUMBER, None)
_ROW_REQUIRED = {"n": (int,), "estimator": (str,), "nbeta": _NUM, "value": _NUM, "se": _NUM, "verdict": (str,)}
_ROW_OPTIONAL = {"expected": _NUM, "expected_error": _NUM, "expected_method": (str, None), "z": _NUM,
                 "asymptotic": _NUM, "ess": _NUM, "rhat": _NUM, "acceptance": _NUM, "warnings": (list,),
                 "flags": (list,), "settings": (dict,)}
_EXACT_REQUIRED = {"exact": (bool,), "method": (str,)}
_EXACT_OPTIONAL = {"lambda": (str, int, None), "m": (int, None), "upper_bound": (str, int, None),
                   "upper_bound_m": (int, None), "lower_bound": (str, int, None), "reason": (str, None),
                   "polynomial": (str, None), "certificate": (dict, None), "seconds": _NUM,
                   "point": (list, None), "tau": (list, None)}


def _exact_from_dict(ex: dict) -> RLCT:
    """The exact result of a report read from JSON, with a clear error for a malformed record."""
    check_record(ex, "report: 'exact'", _EXACT_REQUIRED, _EXACT_OPTIONAL)
    try:
        return RLCT.from_dict(ex)
    except (ValueError, ZeroDivisionError, TypeError) as e:
        raise InputError(f"not a valid report: 'exact' has a value that is not a rational number ({e})") from None


def _fmt(x, digits=3):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:.{digits}f}"


@dataclass(frozen=True)
class Report:
    """The exact learning coefficient of one model next to sampler estimates at several n.

    Attributes
    ----------
    name : str
        The model (repr) or K.
    d : int
        Number of parameters.
    exact : RLCT or None
        The exact result (method, certificate; or the bound and why it is not exact).
    rows : tuple of ReportRow
    k : float
        The verdict tolerance in standard errors.
    settings : dict
        Shared settings (sampler, chains, draws, seed, data: population or sample).

    Rendering: ``str(report)`` (text), ``_repr_html_``, :meth:`to_markdown`,
    :meth:`to_latex`, :meth:`to_json` / :meth:`from_json`, :meth:`to_dataframe`,
    :meth:`plot`.
    """

    name: str
    d: int
    exact: RLCT | None
    rows: tuple
    k: float = 2.0
    settings: dict = field(default_factory=dict, hash=False, compare=False)
    polynomial_latex: str | None = None
    exact_record: dict | None = field(default=None, compare=False, repr=False, hash=False)

    # -- table ----------------------------------------------------------------------
    HEADER = ("n", "nβ", "estimator", "λ̂ ± SE", "finite-n value", "λ (exact)", "verdict")

    def _header(self):
        return [Math("n", "n"), Math("nβ", r"n\beta"), "estimator", Math("λ̂ ± SE", r"\hat\lambda \pm \mathrm{SE}"),
                Math("finite-n value", r"\mathbb{E}_\beta[n\beta(f - f^*)]"), Math("λ (exact)", r"\lambda"), "verdict"]

    def _lambda_cell(self):
        r = self.exact
        if r is None:
            return None
        if r.exact:
            return r.lambda_
        return Bound(r.upper_bound) if r.upper_bound is not None else "?"

    def _rows(self):
        out = []
        for row in self.rows:
            est = f"{_fmt(row.value)} ± {_fmt(row.se)}"
            latex_est = f"${_fmt(row.value)} \\pm {_fmt(row.se)}$"
            if row.flags:
                est += " (flagged)"
                latex_est += " (flagged)"
            if row.expected is None:
                exp = Rich("–", "--")
            else:
                tag = {"quadrature": "", "smc": " (SMC)"}.get(row.expected_method, " (asympt.)")
                exp = Rich(_fmt(row.expected) + tag, f"${_fmt(row.expected)}$" + tag)
            verdict = row.verdict if row.z is None or not math.isfinite(row.z) else \
                Rich(f"{row.verdict} (z = {row.z:+.1f})", f"{row.verdict} ($z = {row.z:+.1f}$)")
            out.append([row.n, Rich(f"{row.nbeta:.4g}", f"${row.nbeta:.4g}$"), row.estimator,
                        Rich(est, latex_est), exp, self._lambda_cell(), verdict])
        return out

    def _title(self):
        r = self.exact
        if r is None:
            ex = "exact value not computed"
        elif r.exact:
            ex = f"λ = {r.lambda_}, m = {r.multiplicity} ({r.method})"
        else:
            ex = f"λ ≤ {r.upper_bound} (not exact: {r.reason})"
        return f"{self.name} (d = {self.d}): {ex}"

    def _title_latex(self):
        from ..render import latex_escape

        r = self.exact
        head = (f"$K = {self.polynomial_latex}$" if self.polynomial_latex else latex_escape(self.name))
        head += f" ($d = {self.d}$)"
        if r is None:
            return head
        if r.exact:
            return head + rf": $\lambda = {latex_fraction(r.lambda_)}$, $m = {r.multiplicity}$ ({r.method})"
        if r.upper_bound is not None:
            return head + rf": $\lambda \le {latex_fraction(r.upper_bound)}$ (not exact)"
        return head + " (not decided)"

    def __str__(self):
        lines = [self._title(), render.to_text(self._header(), self._rows(), align="rrlrrrl")]
        notes = self._notes()
        return "\n".join(lines + notes)

    def _notes(self):
        notes = []
        for row in self.rows:
            for w in row.warnings + tuple(f"FLAG: {f}" for f in row.flags):
                notes.append(f"  n = {row.n}, {row.estimator}: {w}")
        if notes:
            notes.insert(0, "warnings:")
        notes.append(f"verdict: |λ̂ − finite-n value| ≤ {self.k:g} combined standard errors; rows with failed "
                     "diagnostics are not trustworthy; (SMC) = sequential Monte Carlo reference with its standard "
                     "error (rlct.numeric.reference_lambda_hat); (asympt.) = λ − (m−1)/log(nβ), an approximation with no error "
                     "bound (verdicts 'near/off asymptotic'); each estimator is compared with the same formula applied "
                     "to the exact expectations")
        return notes

    def __repr__(self):
        verdicts = [r.verdict for r in self.rows]
        counts = ", ".join(f"{verdicts.count(v)} {v}" for v in dict.fromkeys(verdicts))
        return f"Report({self.name}, {len(self.rows)} rows: {counts or 'none'})"

    def to_markdown(self) -> str:
        """A GitHub Markdown table with the title as a bold line above it."""
        return f"**{render.markdown_escape(self._title())}**\n\n" + render.to_markdown(
            self._header(), self._rows(), align="rrlrrrl")

    def to_latex(self, caption: str | None = None, label: str | None = None) -> str:
        """A booktabs table (``\\usepackage{booktabs}``); exact fractions as ``\\frac``."""
        return render.to_latex(self._header(), self._rows(), align="rrlrrrl",
                               caption=caption if caption is not None else Rich(self._title(), self._title_latex()),
                               label=label)

    def to_html(self) -> str:
        return render.to_html(self._header(), self._rows(), align="rrlrrrl", caption=self._title())

    def _repr_html_(self):
        return self.to_html()

    # -- data -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"name": self.name, "d": self.d, "k": self.k, "polynomial_latex": self.polynomial_latex,
                "exact": self.exact_record if self.exact_record is not None else (
                    self.exact.to_dict() if self.exact is not None else None),
                "rows": [r.to_dict() for r in self.rows], "settings": _jsonable(self.settings)}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Report":
        """Rebuild a report from :meth:`to_json` (estimates' traces and certificates are not kept)."""
        d = check_record(parse_json(text, "a report"), "report", {"name": (str,), "d": (int,), "rows": (list,)},
                         {"k": (NUMBER,), "polynomial_latex": (str, None), "exact": (dict, None), "settings": (dict,)})
        ex = d.get("exact")
        exact = _exact_from_dict(ex) if ex is not None else None
        rows = tuple(ReportRow.from_dict(r, f"report: row {i + 1}") for i, r in enumerate(d["rows"]))
        return cls(d["name"], d["d"], exact, rows, d.get("k", 2.0), d.get("settings", {}), d.get("polynomial_latex"),
                   exact_record=ex)

    def to_dataframe(self):
        """A pandas DataFrame, one row per (n, estimator); needs pandas."""
        try:
            import pandas as pd
        except ImportError:
            raise InputError("to_dataframe needs pandas (pip install pandas)") from None
        return pd.DataFrame([r.to_dict() for r in self.rows])

    # -- plots --------------------------------------------------------------------------
    def plot_newton(self, ax=None):
        """The Newton polyhedron of K in the local coordinates of the exact result (d = 2 or 3),
        with the diagonal t(τ+1) that reaches it at t = 1/λ's bound; matplotlib axes.

        Needs the exact result's polynomial (a report read back from JSON does not keep it).
        """
        from ..newton.polyhedron import NewtonPolyhedron

        poly = getattr(self.exact, "polynomial", None)
        if poly is None:
            raise InputError("this report has no polynomial (computed with exact=False, or read from JSON)")
        if poly.nvars not in (2, 3):
            raise InputError(f"Newton pictures are drawn for d = 2 or 3; K has {poly.nvars} variables")
        return NewtonPolyhedron(poly).plot(ax=ax, tau=self.exact.tau)

    def plot(self, ax=None, traces: bool = False):
        """λ̂ ± 2 SE against log n, with the exact λ and the finite-n values; matplotlib figure.

        With ``traces=True`` a second panel shows the per-draw statistic of the first
        chains of every row (when the estimates kept their traces).
        """
        try:
            import matplotlib

            matplotlib.use(matplotlib.get_backend())
            import matplotlib.pyplot as plt
        except ImportError:
            raise InputError("plot needs matplotlib (pip install rlct[plot])") from None
        if ax is None:
            fig, axes = plt.subplots(1, 2 if traces else 1, figsize=(10 if traces else 6, 4), squeeze=False)
            ax = axes[0][0]
        else:
            fig, axes = ax.figure, None
        for est in dict.fromkeys(r.estimator for r in self.rows):
            rs = [r for r in self.rows if r.estimator == est]
            xs = [math.log(r.n) for r in rs]
            ax.errorbar(xs, [r.value for r in rs], yerr=[2 * r.se for r in rs], marker="o", capsize=3,
                        label=f"{est} λ̂ ± 2 SE")
            exp = [(math.log(r.n), r.expected) for r in rs if r.expected is not None]
            if exp:
                ax.plot(*zip(*exp), "k--", marker="x", label=f"finite-n value ({est})")
        if self.exact is not None and self.exact.exact:
            ax.axhline(float(self.exact.lambda_), color="C3", label=f"λ = {self.exact.lambda_}")
        elif self.exact is not None and self.exact.upper_bound is not None:
            ax.axhline(float(self.exact.upper_bound), color="C3", ls=":", label=f"λ ≤ {self.exact.upper_bound}")
        ax.set_xlabel("log n")
        ax.set_ylabel("λ̂")
        ax.set_title(self.name)
        ax.legend(fontsize=8)
        if traces and axes is not None:
            tax = axes[0][1]
            for r in self.rows:
                tr = getattr(r.estimate, "trace", None)
                loss = getattr(tr, "loss", None)
                if loss is not None:
                    tax.plot(r.nbeta * (loss[0] - loss.min()), lw=0.6, label=f"n={r.n} {r.estimator}, chain 1")
            tax.set_xlabel("draw")
            tax.set_ylabel("nβ (f − min f)")
            if tax.get_legend_handles_labels()[0]:
                tax.legend(fontsize=7)
            else:
                tax.text(0.5, 0.5, "no traces kept (run without an executor)", ha="center", transform=tax.transAxes)
        return fig


def _verdict(est, value, se, expected, expected_error, k, expected_method=None):
    if any(f.startswith("failed run") for f in est.flags):
        return "failed run", None
    if est.flags or est.warnings or not (math.isfinite(value) and math.isfinite(se) and se > 0):
        return "not trustworthy", None
    if expected is None:
        return "no reference", None
    err = expected_error or 0.0
    se = math.sqrt(se**2 + err**2)
    z = (value - expected) / se if se > 0 else float("inf")
    if expected_method and expected_method.startswith("asymptotic"):
        # the first-order value's own error O(1/log(nβ)²) is not bounded: no claim of (in)consistency
        return ("near asymptotic" if abs(z) <= k else "off asymptotic"), z
    return ("consistent" if abs(z) <= k else "inconsistent"), z


def compare(target, *, ns: Sequence = (1_000, 10_000, 100_000), estimators: Sequence[str] = ("llc",),
            sampler="mala", chains: int = 200, draws: int = 1000, warmup: int | None = None, seed: int = 0,
            data: str | None = None, prior=None, gamma=None, k: float = 2.0, exact: bool = True,
            budget: float = 60.0, expected: bool = True, progress: bool | None = None, executor=None) -> Report:
    """Exact (λ, m) next to sampler estimates λ̂ at several n, with a verdict per row.

    Parameters
    ----------
    target : model or K
        A model from :mod:`rlct.models` or a polynomial K (str, sympy, Polynomial).
    ns : sequence of int
        Sample sizes; β = 1/log n (Watanabe's WBIC temperature, Lau et al.'s LLC).
    estimators : sequence of {"llc", "wbic", "two-temperature", "slope", "llc-sgld"}
    sampler : {"mala", "hmc", "sgld"}
        Sampler for the estimators that take one (``"llc-sgld"`` always uses SGLD).
    chains, draws, warmup, seed :
        Sampler settings. The j-th sample size and e-th estimator use the seed
        ``seed + j·len(estimators) + e`` (the sampled data set ``seed + 10000 + j``), so rows are
        independent and reproducible, with or without an executor. ``seed=None`` draws a fresh
        seed and records it in ``settings``.
    data : {"population", "sample"}, optional
        ``"population"`` (default): the potential is nβ K(w) with the model's true K (its
        ``population_loss()`` when ``kl()`` is only an equivalent polynomial, e.g. the
        truncated Taylor series of a tanh network); ``"sample"`` (models only): draw n data
        points and use nβ L_n(w).
    prior, gamma :
        Prior (:class:`rlct.numeric.Prior`; default uniform on w* ± 1, cut to the model's
        parameter ``bounds`` such as a mixing weight in [0, 1]) and localisation γ.
    k : float
        Verdict tolerance in standard errors (combined with the quadrature error).
    exact : bool
        Compute the exact (λ, m) with :func:`rlct.rlct` (``budget`` seconds).
    expected : bool
        Compute what an ideal sampler's estimator returns at this n: the estimator's formula
        applied to the exact expectations E_β[nβ(f − f*)] at its temperatures — by quadrature
        for d ≤ 3 with the population potential, else by sequential Monte Carlo
        (:func:`rlct.numeric.reference_lambda_hat`, marked "SMC", for d ≤ 24; 512 particles, runs
        added from 4 until its error is at most the row's standard error, within four times the
        sampler's number of potential evaluations or 1.5 million). When neither gives a value, the first-order asymptotic
        λ − (m − 1)/log(nβ) of the exact result (marked "asympt.", verdicts "near/off
        asymptotic"); that value is also kept in each row's ``asymptotic``.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Run the sample sizes in parallel (one task per n); None runs them in this process.

    Returns
    -------
    Report

    Examples
    --------
    >>> import rlct
    >>> rep = rlct.compare("(w1*w2)**2", ns=[1000], chains=64, draws=300, seed=1)
    >>> rep.rows[0].verdict in ("consistent", "inconsistent", "not trustworthy")
    True
    >>> round(rep.rows[0].expected, 3)     # E_β[nβK] at nβ = 1000/log 1000, uniform prior on [-1, 1]²
    0.356
    """
    from .. import api
    from ..models.base import Model
    from ..polynomial import as_polynomial

    estimators = [estimators] if isinstance(estimators, str) else check_sequence(estimators, "estimators")
    bad = [e for e in estimators if not isinstance(e, str) or e not in ESTIMATORS]
    if bad or not estimators:
        raise InputError(f"estimators must be among {', '.join(ESTIMATORS)}; got {bad or 'none'}")
    if isinstance(ns, (int, float)) and not isinstance(ns, bool):
        ns = [ns]
    try:
        ns = [int(float(n)) for n in check_sequence(ns, "ns", example="[1000, 10000]")]
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"ns must be finite sample sizes, e.g. [1000, 10000]; got {ns!r}") from None
    if not ns or any(n < 3 for n in ns):
        raise InputError(f"every n must be an integer >= 3 (β = 1/log n), got {ns}")
    chains, draws = check_int(chains, "chains"), check_int(draws, "draws")
    warmup = check_int(warmup, "warmup", minimum=0, allow_none=True)
    budget = check_number(budget, "budget (seconds for the exact computation)", positive=True, allow_inf=True)
    if data not in (None, "population", "sample"):
        raise InputError(f"data must be 'population' or 'sample', got {data!r}")
    k = check_number(k, "k (the verdict tolerance in standard errors)", positive=True)
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InputError(f"executor must have .submit (a concurrent.futures executor or a dask Client), got "
                         f"{type(executor).__name__}")
    if seed is None:
        import numpy as np

        seed = int(np.random.SeedSequence().entropy % 2**31)
    seed = check_int(seed, "seed", minimum=0)
    is_model = isinstance(target, Model)
    K = None if is_model else as_polynomial(target)
    name = repr(target) if is_model else f"K = {K}"
    mode = data or "population"
    if mode == "sample" and not is_model:
        raise InputError("data='sample' needs a model (a polynomial K has no data distribution)")
    exact_result = None
    if exact:
        try:
            exact_result = api.rlct(target if is_model else K, budget=budget)
        except InputError:
            raise  # bad input (K negative, not a polynomial ...) is the user's to fix, not a row to sample
        except RLCTError as e:
            exact_result = RLCT(lambda_=None, multiplicity=None, exact=False, method="none",
                                reason=f"{type(e).__name__}: {e}")
    lam_m = (exact_result.lambda_, exact_result.multiplicity) if exact_result is not None and exact_result.exact \
        else None
    tasks = []
    for j, n in enumerate(ns):
        tasks.append(RowTask(target=target if is_model else K, n=n, estimators=tuple(estimators),
                             seeds=tuple(seed + j * len(estimators) + e for e in range(len(estimators))),
                             data_seed=seed + 10_000 + j, mode=mode, prior=prior, gamma=gamma, sampler=sampler,
                             chains=chains, draws=draws, warmup=warmup, expected=expected, lam_m=lam_m,
                             progress=progress, keep_trace=executor is None))
    if executor is None:
        results = [run_row(t) for t in tasks]
    else:
        futures = [executor.submit(run_row, t) for t in tasks]
        results = [f.result() for f in futures]
    rows = tuple(_report_row(r, k) for rs in results for r in rs)
    settings = {"sampler": sampler, "chains": chains, "draws": draws, "warmup": warmup, "seed": seed, "data": mode,
                "prior": str(prior) if prior is not None else "uniform on w* ± 1", "gamma": gamma,
                "beta": "1/log n"}
    d = len(target.parameters) if is_model else len(K.variables)
    return Report(name, d, exact_result, rows, k, settings, None if is_model else K.latex())


def _report_row(r, k: float) -> ReportRow:
    """A numeric :class:`~rlct.numeric.rows.RowResult` with its verdict."""
    verdict, z = _verdict(r, r.value, r.se, r.expected, r.expected_error, k, r.expected_method)
    return ReportRow(n=r.n, estimator=r.estimator, nbeta=r.nbeta, value=r.value, se=r.se, expected=r.expected,
                     expected_error=r.expected_error, expected_method=r.expected_method, verdict=verdict, z=z,
                     ess=r.ess, rhat=r.rhat, acceptance=r.acceptance, warnings=r.warnings, flags=r.flags,
                     settings=dict(r.settings), estimate=r.estimate, asymptotic=r.asymptotic)
