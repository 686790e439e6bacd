"""The result type :class:`RLCT` and the certificates behind it.

Examples
--------
>>> import rlct
>>> r = rlct.rlct("w1**2 + w2**2 + w3**2")
>>> r
RLCT(λ=3/2, m=1, exact, method='newton')
>>> lam, m = r
>>> lam, m
(Fraction(3, 2), 1)
>>> r.to_dict()["lambda"]
'3/2'
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from fractions import Fraction
import json
import math
from typing import Any

from .errors import InputError, Undecided

__all__ = ["RLCT", "MonomialCertificate", "NewtonCertificate", "PiecesCertificate", "union", "latex_fraction"]


def latex_fraction(x: Fraction) -> str:
    r"""``3/4`` as ``\frac{3}{4}`` (integers plain, signs in front).

    >>> latex_fraction(Fraction(-3, 4)), latex_fraction(Fraction(2))
    ('-\\frac{3}{4}', '2')
    """
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    sign = "-" if x < 0 else ""
    return rf"{sign}\frac{{{abs(x.numerator)}}}{{{x.denominator}}}"


@dataclass(frozen=True, kw_only=True)
class MonomialCertificate:
    """K = c · u^a · (unit) near the origin, prior u^τ: λ = min_j (τ_j+1)/a_j.

    The Newton polyhedron of K has a single vertex ``a``, so every exponent of K
    is at least ``a`` componentwise and ``K = u^a (c + higher terms)`` with
    ``c > 0``: K is normal crossing (Lin 2011, Prop 3.7; AGV Lemma 7.3).
    """

    variables: tuple
    exponent: tuple
    coefficient: Fraction
    tau: tuple
    ratios: tuple  # ((variable, ratio), ...) for a_j > 0
    coordinates: tuple | None = None

    def check(self, polynomial=None) -> bool:
        """Re-verify: the ratios, their minimum, and (given K) that ``a`` divides every term."""
        for (v, r), a, t in zip(self.ratios, [x for x in self.exponent if x], [t for t, x in zip(self.tau, self.exponent) if x]):
            if r != (t + 1) / Fraction(a):
                raise ValueError(f"ratio for {v} is wrong")
        if polynomial is not None:
            for e in polynomial.exponents:
                if any(x < y for x, y in zip(e, self.exponent)):
                    raise ValueError(f"term {e} is not divisible by the monomial {self.exponent}")
            if polynomial.coefficient(self.exponent) != self.coefficient or self.coefficient <= 0:
                raise ValueError("the monomial's coefficient is not the stated positive number")
        return True

    def __str__(self):
        mono = "*".join(f"{v}**{a}" if a != 1 else v for v, a in zip(self.variables, self.exponent) if a)
        parts = ", ".join(f"({t}+1)/{a} = {r}" for (v, r), a, t in
                          zip(self.ratios, [x for x in self.exponent if x], [t for t, x in zip(self.tau, self.exponent) if x]))
        lines = []
        if self.coordinates:
            lines.append("local coordinates: " + "; ".join(self.coordinates))
        lines.append(f"K = {self.coefficient}*{mono} * (unit) near 0; ratios (τ_j+1)/a_j: {parts}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """A JSON-friendly view."""
        return {"kind": "monomial", "variables": list(self.variables), "exponent": list(self.exponent),
                "coefficient": str(self.coefficient), "tau": [str(t) for t in self.tau],
                "ratios": {v: str(r) for v, r in self.ratios}, "coordinates": list(self.coordinates or [])}


@dataclass(frozen=True, kw_only=True)
class NewtonCertificate:
    """The Newton-polyhedron certificate: τ-distance, principal face, and the
    verdict on every compact face.

    Attributes
    ----------
    polynomial : Polynomial
        K in local coordinates (the origin is the true point).
    distance : rlct.newton.Distance
    checks : tuple of FaceCheck
        One per compact face examined.
    complete : bool
        True when every compact face was examined.
    coordinates : tuple of str or None
        Definitions of the local coordinates when the domain needed new ones.
    signs : tuple of int
        1 for a coordinate restricted to be >= 0.
    """

    polynomial: Any
    distance: Any
    checks: tuple
    complete: bool
    coordinates: tuple | None = None
    signs: tuple = ()

    def check(self) -> bool:
        """Re-verify the distance certificate exactly (the face verdicts are decisions
        of z3 or of the fast paths, listed in :attr:`checks`)."""
        return self.distance.certificate.check()

    def __str__(self):
        lines = []
        if self.coordinates:
            lines.append("local coordinates: " + "; ".join(self.coordinates))
        if any(self.signs):
            restricted = [v for v, s in zip(self.polynomial.variables, self.signs) if s]
            lines.append("restricted to " + ", ".join(f"{v} >= 0" for v in restricted))
        lines.append(f"K = {self.polynomial}")
        lines.append(str(self.distance.certificate))
        lines.append(f"compact faces: {len(self.checks)} examined" + ("" if self.complete else " (not all)"))
        bad = [c for c in self.checks if not c.ok][:6]
        shown = self.checks if len(self.checks) <= 12 else bad + [c for c in self.checks if c.ok][: 12 - len(bad)]
        for c in shown:
            lines.append("  " + str(c))
        if len(shown) < len(self.checks):
            lines.append(f"  ... and {len(self.checks) - len(shown)} more compact faces "
                         f"({sum(1 for c in self.checks if c.ok)} of {len(self.checks)} non-degenerate in all)")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """A JSON-friendly view."""
        return {
            "kind": "newton",
            "polynomial": str(self.polynomial),
            "variables": list(self.polynomial.variables),
            "coordinates": list(self.coordinates or []),
            "signs": list(self.signs),
            "distance": self.distance.certificate.to_dict(),
            "faces": [{"vertices": [list(v) for v in c.face.vertices], "polynomial": str(c.face.polynomial),
                       "status": c.status, "method": c.method,
                       "witness": list(c.witness) if c.witness else None} for c in self.checks],
            "complete": self.complete,
        }


@dataclass(frozen=True, kw_only=True)
class PiecesCertificate:
    """A domain split into simplicial cones: one result per piece.

    The pieces cover the domain near the true point and overlap only on
    lower-dimensional faces, so the zeta function is the sum of the pieces' (each
    with positive leading coefficients): λ is the least λ of a piece and m the
    largest multiplicity among the pieces attaining it.
    """

    pieces: tuple  # tuple of tuple of str (each piece's domain)
    results: tuple  # one RLCT per piece

    def check(self) -> bool:
        """Re-verify every piece's certificate that can be checked."""
        return all(getattr(r.certificate, "check", lambda: True)() for r in self.results)

    def __str__(self):
        lines = [f"the domain is the union of {len(self.pieces)} simplicial cones (overlapping on faces only); "
                 "λ = the least λ of a piece, m = the largest m among the pieces attaining it"]
        for k, (piece, r) in enumerate(zip(self.pieces, self.results), start=1):
            lines.append(f"piece {k}: {', '.join(piece)}: {r}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """A JSON-friendly view."""
        return {"kind": "pieces", "pieces": [list(p) for p in self.pieces],
                "results": [r.to_dict() for r in self.results]}


def union(pieces, results) -> "RLCT":
    """The RLCT on a union of pieces (overlapping only on lower-dimensional faces) from
    the pieces' results: exact when every piece is, with λ the least and m the largest
    among the pieces attaining it; otherwise the least upper bound and the least lower
    bound (λ = min λ_i lies between them).

    >>> a = RLCT(lambda_=Fraction(1, 2), multiplicity=1, exact=True, method="newton")
    >>> b = RLCT(lambda_=Fraction(1, 2), multiplicity=2, exact=True, method="blowup")
    >>> union([["x >= 0"], ["x <= 0"]], [a, b])
    RLCT(λ=1/2, m=2, exact, method='newton+blowup')
    """
    results = tuple(results)
    certificate = PiecesCertificate(pieces=tuple(tuple(p) for p in pieces), results=results)
    method = "+".join(dict.fromkeys(r.method for r in results))
    first = results[0]
    common = dict(method=method, certificate=certificate, polynomial=None, point=first.point,
                  seconds=sum(r.seconds for r in results))
    # the RLCT order (λ or the upper bound, then −m): its least element is the union's (bound)
    ub, ubm = min((r._key() for r in results if r._key()[0] is not None), default=(None, None))
    ubm = None if ubm is None else -ubm
    if all(r.exact for r in results):
        return RLCT(lambda_=ub, multiplicity=ubm, exact=True, upper_bound=ub, upper_bound_multiplicity=ubm, **common)
    lows = [r.lower_bound for r in results]
    lb = min(lows) if all(x is not None for x in lows) else None
    open_ = [k for k, r in enumerate(results, start=1) if not r.exact]
    reason = "; ".join(f"piece {k} ({', '.join(pieces[k - 1])}): {results[k - 1].reason}" for k in open_)
    return RLCT(lambda_=None, multiplicity=None, exact=False, upper_bound=ub, upper_bound_multiplicity=ubm,
                lower_bound=lb, reason=f"{len(open_)} of {len(results)} simplicial pieces undecided: {reason}",
                **common)


@dataclass(frozen=True)
class RLCT:
    """The real log canonical threshold λ and multiplicity m of K at a point.

    Attributes
    ----------
    lambda_ : Fraction or None
        λ when ``exact``; None otherwise (see ``upper_bound``).
    multiplicity : int or None
        m when ``exact``.
    exact : bool
        True only when the method proved the value.
    method : str
        ``"monomial"``, ``"newton"``, ... : the method that decided (or tried).
    upper_bound : Fraction or None
        A proven upper bound on λ (equal to λ when exact).
    upper_bound_multiplicity : int or None
        With ``upper_bound``: if λ equals the bound then m is at least this.
    lower_bound : Fraction or None
        A proven lower bound on λ (equal to λ when exact; None when none was proved).
    reason : str or None
        Why the result is not exact.
    certificate : object
        What a reader can check by hand (``str(certificate)``, ``certificate.check()``).
    polynomial : Polynomial or None
        K in the local coordinates used.
    seconds : float
        Wall time of the computation.
    point : tuple of Fraction or None
        The true point ``w0`` (original variables).
    tau : tuple of Fraction or None
        The prior's exponents in the local coordinates.

    Notes
    -----
    Unpacking (``lam, m = result``) raises :class:`rlct.Undecided` when the
    result is not exact, so that a bound is never mistaken for the answer.
    Sorting puts the deepest first: smaller λ, then larger m (Lin 2011, §4).
    """

    _: KW_ONLY
    lambda_: Fraction | None
    multiplicity: int | None
    exact: bool
    method: str
    upper_bound: Fraction | None = None
    upper_bound_multiplicity: int | None = None
    reason: str | None = None
    certificate: Any = field(default=None, compare=False, repr=False)
    polynomial: Any = field(default=None, compare=False, repr=False)
    seconds: float = field(default=0.0, compare=False, repr=False)
    point: tuple | None = field(default=None, compare=False, repr=False)
    tau: tuple | None = field(default=None, compare=False, repr=False)
    lower_bound: Fraction | None = None

    def __post_init__(self):
        if self.exact and self.lower_bound is None:
            object.__setattr__(self, "lower_bound", self.lambda_)

    def _bounds(self) -> str:
        lo = f"{self.lower_bound} <= " if self.lower_bound is not None else ""
        return f"{lo}λ <= {self.upper_bound}"

    # -- tuple-like behaviour ---------------------------------------------------
    def __iter__(self):
        if not self.exact:
            raise Undecided(f"not decided by method {self.method!r}: {self.reason} "
                            f"(upper bound λ <= {self.upper_bound}); inspect .upper_bound and .reason",
                            result=self)
        yield self.lambda_
        yield self.multiplicity

    @property
    def pair(self) -> tuple:
        """``(λ, m)``; raises :class:`rlct.Undecided` if not exact."""
        return tuple(self)

    def _key(self):
        lam = self.lambda_ if self.exact else self.upper_bound
        m = self.multiplicity if self.exact else (self.upper_bound_multiplicity or 1)
        return (lam, -m)

    def __lt__(self, other):
        if not isinstance(other, RLCT):
            return NotImplemented
        return self._key() < other._key()

    # -- display ------------------------------------------------------------------
    def __repr__(self):
        if self.exact:
            return f"RLCT(λ={self.lambda_}, m={self.multiplicity}, exact, method={self.method!r})"
        bound = self._bounds().replace(" ", "") if self.upper_bound is not None else "λ unknown"
        return f"RLCT({bound}, not exact, method={self.method!r}, reason={self.reason!r})"

    def __str__(self):
        """One line: λ, m and the method, or the bounds and the reason; the certificate
        is ``str(result.certificate)`` (``rlct compute --certificate``)."""
        if self.exact:
            return f"λ = {self.lambda_}, m = {self.multiplicity} (exact, {self.method})"
        reason = " ".join(str(self.reason).split())
        if self.upper_bound is not None:
            return f"{self._bounds()} (not exact, {self.method}): {reason}"
        return f"undecided ({self.method}): {reason}"

    def _repr_latex_(self):
        return self.to_latex()

    def _repr_html_(self):
        return self.to_html()

    def to_latex(self) -> str:
        r"""One line of LaTeX: ``$\lambda = \frac{3}{4},\ m = 1$ (exact, newton)`` or the bounds."""
        if self.exact:
            return (rf"$\lambda = {latex_fraction(self.lambda_)},\ m = {self.multiplicity}$"
                    rf" (exact, {self.method})")
        if self.upper_bound is not None:
            lo = rf"{latex_fraction(self.lower_bound)} \le " if self.lower_bound is not None else ""
            return rf"${lo}\lambda \le {latex_fraction(self.upper_bound)}$ (not exact, {self.method})"
        return rf"undecided ({self.method})"

    def to_html(self) -> str:
        """One line of HTML: λ in bold, the method in italics (the reason when not exact)."""
        if self.exact:
            return (f"<b>λ = {self.lambda_}</b>, m = {self.multiplicity} "
                    f"<i>(exact, {self.method})</i>")
        lo = f"{self.lower_bound} ≤ " if self.lower_bound is not None else ""
        return f"{lo}λ ≤ {self.upper_bound} <i>(not exact, {self.method}: {self.reason})</i>"

    @classmethod
    def from_dict(cls, d: dict) -> "RLCT":
        """The result back from :meth:`to_dict` (the certificate and polynomial stay text; ``seconds``,
        ``point`` and ``tau`` are restored).

        >>> r = RLCT(lambda_=Fraction(3, 4), multiplicity=1, exact=True, method="newton",
        ...          upper_bound=Fraction(3, 4), upper_bound_multiplicity=1)
        >>> RLCT.from_dict(r.to_dict()) == r
        True
        """
        def frac(x):
            return Fraction(x) if x is not None else None

        return cls(lambda_=frac(d.get("lambda")), multiplicity=d.get("m"), exact=bool(d["exact"]),
                   method=d["method"], upper_bound=frac(d.get("upper_bound")),
                   upper_bound_multiplicity=d.get("upper_bound_m"), reason=d.get("reason"),
                   lower_bound=frac(d.get("lower_bound")),
                   seconds=d.get("seconds", 0.0),
                   point=tuple(map(Fraction, d["point"])) if d.get("point") is not None else None,
                   tau=tuple(map(Fraction, d["tau"])) if d.get("tau") is not None else None)

    def to_dict(self, certificate: bool = True) -> dict:
        """A JSON-friendly dictionary (fractions as strings such as ``"3/4"``); the
        certificate's dictionary only with ``certificate=True`` (else None)."""
        cert = self.certificate.to_dict() if certificate and hasattr(self.certificate, "to_dict") else None
        return {
            "lambda": str(self.lambda_) if self.lambda_ is not None else None,
            "m": self.multiplicity,
            "exact": self.exact,
            "method": self.method,
            "upper_bound": str(self.upper_bound) if self.upper_bound is not None else None,
            "upper_bound_m": self.upper_bound_multiplicity,
            "lower_bound": str(self.lower_bound) if self.lower_bound is not None else None,
            "reason": self.reason,
            "polynomial": str(self.polynomial) if self.polynomial is not None else None,
            "certificate": cert,
            "seconds": self.seconds,
            "point": [str(x) for x in self.point] if self.point is not None else None,
            "tau": [str(x) for x in self.tau] if self.tau is not None else None,
        }


def parse_json(text: str, what: str):
    """``json.loads(text)``, with invalid JSON reported as an InputError naming ``what``.

    >>> parse_json('{"rows": []}', "a table")
    {'rows': []}
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise InputError(f"not {what}: expected JSON text (a string), got {type(text).__name__}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"not {what}: invalid JSON ({e})") from None
    except UnicodeDecodeError:
        raise InputError(f"not {what}: the bytes are not UTF-8 text") from None


def jsonable(x):
    """A JSON-friendly copy: Fractions as strings, numpy scalars and arrays as Python values,
    non-finite floats as None.

    >>> jsonable({"a": Fraction(1, 2), "b": [float("nan"), 2]})
    {'a': '1/2', 'b': [None, 2]}
    """
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, Fraction):
        return str(x)
    if isinstance(x, (str, int, bool)) or x is None:
        return x
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    try:
        import numpy as np

        if isinstance(x, np.generic):
            return jsonable(x.item())
        if isinstance(x, np.ndarray):
            return jsonable(x.tolist())
    except ImportError:  # pragma: no cover
        pass
    return str(x)
