"""The blow-up engine's results: a piece's :class:`Value`, the leaves
(:class:`BlowupChart`) and the whole :class:`BlowupResolution` (the certificate of
:func:`rlct.resolution.blowup_resolution`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ...polynomial import Polynomial
from ...result import latex_fraction

__all__ = ["Value", "combine", "interval", "BlowupChart", "BlowupResolution", "EXACT", "OPEN"]

EXACT = "exact"
OPEN = "open"


@dataclass(frozen=True)
class Value:
    """A piece's value: exact (λ, m), or open with an upper bound; ``lam is None``
    and ``exact`` means no pole at all (K does not vanish on the piece)."""

    lam: Fraction | None
    m: int
    exact: bool
    ub: Fraction | None = None
    ubm: int = 1

    @staticmethod
    def none():
        return Value(None, 0, True)


def interval(lower, upper) -> str:
    """``"1/2 <= λ <= 1"``, ``"λ <= 1"`` or ``"λ undecided"``."""
    text = "λ" if lower is None else f"{lower} <= λ"
    if upper is not None:
        text += f" <= {upper}"
    return text if (lower is not None or upper is not None) else "λ undecided"


def combine(vals) -> Value:
    vals = list(vals)
    exact = all(v.exact for v in vals)
    ex = [v for v in vals if v.exact and v.lam is not None]
    if exact:
        if not ex:
            return Value.none()
        lam = min(v.lam for v in ex)
        m = max(v.m for v in ex if v.lam == lam)
        return Value(lam, m, True, lam, m)
    bounds = [(v.lam, v.m) for v in ex] + [(v.ub, v.ubm) for v in vals if not v.exact and v.ub is not None]
    if not bounds:
        return Value(None, 0, False)
    ub = min(b for b, _ in bounds)
    return Value(None, 0, False, ub, max(m for b, m in bounds if b == ub))


@dataclass(frozen=True, kw_only=True)
class BlowupChart:
    """One leaf of the resolution: the coordinate changes from the original
    coordinates, the final generators, and how its value was decided.

    Attributes
    ----------
    index : int
    steps : tuple of str
        The maps applied, in order (``"blow up (a1, a2, b1, b2) at 0, chart a1:
        a2 ↦ a1*a2, ..."``, ``"b1 ↦ b1 - a2*b2"``, ``"a2 ↦ a2 + 1"``).
    variables : tuple of str
    generators : tuple of Polynomial
        The ideal (K = Σ g²) or, in K mode, K itself, in the chart's coordinates.
    mode : str
        ``"ideal"`` or ``"K"``.
    tau : tuple
        Exponents of the prior times the Jacobian, ``|u|^τ``.
    where : str
        ``"at the origin"`` or ``"along {u_i = 0}"``.
    status : str
        ``"exact"`` or ``"open"``.
    lambda_, multiplicity :
        The chart's value when exact; ``upper_bound`` when open.
    method : str
        The rule that decided it.
    detail : str
    """

    index: int
    steps: tuple
    variables: tuple
    generators: tuple
    mode: str
    tau: tuple
    where: str
    status: str
    lambda_: Fraction | None
    multiplicity: int | None
    upper_bound: Fraction | None
    method: str
    detail: str = ""
    auxiliary: bool = False
    shift: Fraction = Fraction(0)

    @property
    def contribution(self):
        """The chart's λ (or upper bound) as a contribution to K's: ``λ + shift``, the
        shift being 1/2 per variable integrated out on the way."""
        v = self.lambda_ if self.exact else self.upper_bound
        return None if v is None else v + self.shift

    @property
    def exact(self) -> bool:
        return self.status == EXACT

    def text(self) -> str:
        gens = ", ".join(str(g) for g in self.generators)
        what = f"<{gens}>" if self.mode == "ideal" else f"K = {gens}"
        tau = "*".join(f"{v}**{t}" if t != 1 else v for v, t in zip(self.variables, self.tau) if t) or "1"
        if self.exact:
            val = f"λ = {self.lambda_}, m = {self.multiplicity}" if self.lambda_ is not None else "no pole"
        else:
            val = f"λ <= {self.upper_bound}" if self.upper_bound is not None else "open"
        if self.shift and self.contribution is not None:
            val += f" (+ {self.shift} from integrated-out variables: {self.contribution} for K)"
        return f"{what}, prior·Jacobian {tau}, {self.where}: {val} [{self.method}{': ' + self.detail if self.detail else ''}]"

    def __str__(self):
        path = " ; ".join(self.steps) if self.steps else "(original coordinates)"
        aux = " (auxiliary: a bound used by another chart, not a piece of K)" if self.auxiliary else ""
        return f"chart {self.index}{aux}: {path}\n    {self.text()}"

    def _repr_latex_(self):
        lam = latex_fraction(self.lambda_) if self.lambda_ is not None else "?"
        return f"$\\text{{chart {self.index}}}: \\lambda = {lam}$"

    def to_dict(self) -> dict:
        return {"index": self.index, "steps": list(self.steps), "variables": list(self.variables),
                "generators": [str(g) for g in self.generators], "mode": self.mode,
                "tau": [str(t) for t in self.tau], "where": self.where, "status": self.status,
                "lambda": str(self.lambda_) if self.lambda_ is not None else None, "m": self.multiplicity,
                "upper_bound": str(self.upper_bound) if self.upper_bound is not None else None,
                "method": self.method, "detail": self.detail, "auxiliary": self.auxiliary,
                "shift": str(self.shift)}


@dataclass(frozen=True, kw_only=True)
class BlowupResolution:
    """The outcome of :func:`blowup_resolution`.

    Attributes
    ----------
    polynomial : Polynomial
        K in local coordinates.
    charts : tuple of BlowupChart
        Every leaf, decided or open.
    exact : bool
    lambda_, multiplicity : exact values (None when not exact)
    upper_bound, upper_bound_multiplicity : the best proven upper bound
    lower_bound, lower_bound_reason : a proven lower bound (λ itself when exact) and its proof
        (None when the charts alone decide)
    blowups, depth, memo_hits : int
        Size of the search.
    reason : str or None
        Why it is not exact.
    seconds : float
    """

    polynomial: Polynomial
    tau: tuple
    charts: tuple
    exact: bool
    lambda_: Fraction | None
    multiplicity: int | None
    upper_bound: Fraction | None
    upper_bound_multiplicity: int | None
    blowups: int
    depth: int
    memo_hits: int
    reason: str | None = None
    seconds: float = field(default=0.0, compare=False)
    coordinates: tuple | None = None
    lower_bound: Fraction | None = None
    lower_bound_reason: str | None = None

    @property
    def open_charts(self) -> tuple:
        return tuple(c for c in self.charts if not c.exact)

    def __str__(self):
        head = (f"blow-up resolution of K = {self.polynomial}: {_count(self.blowups, 'blow-up')}, "
                f"{_count(len(self.charts), 'chart')}, depth {self.depth}, {self.memo_hits} repeated; ")
        head += (f"λ = {self.lambda_}, m = {self.multiplicity}" if self.exact
                 else f"{interval(self.lower_bound, self.upper_bound)} (not exact: {self.reason})")
        if self.lower_bound_reason:
            head += f"; lower bound: {self.lower_bound_reason}"
        rows = [head]
        if self.coordinates:
            rows.append("local coordinates: " + "; ".join(self.coordinates))
        rows += [str(c) for c in self.charts]
        return "\n".join(rows)

    def __repr__(self):
        v = (f"λ = {self.lambda_}, m = {self.multiplicity}" if self.exact
             else f"{interval(self.lower_bound, self.upper_bound)}, not exact")
        return f"<BlowupResolution: {_count(len(self.charts), 'chart')}, {_count(self.blowups, 'blow-up')}, {v}>"

    def to_dict(self) -> dict:
        return {"kind": "blowup", "polynomial": str(self.polynomial), "exact": self.exact,
                "lambda": str(self.lambda_) if self.lambda_ is not None else None, "m": self.multiplicity,
                "upper_bound": str(self.upper_bound) if self.upper_bound is not None else None,
                "blowups": self.blowups, "depth": self.depth, "memo_hits": self.memo_hits,
                "lower_bound": str(self.lower_bound) if self.lower_bound is not None else None,
                "lower_bound_reason": self.lower_bound_reason,
                "reason": self.reason, "charts": [c.to_dict() for c in self.charts]}


def _count(n: int, noun: str) -> str:
    """``"1 chart"``, ``"2 charts"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
