"""The problem layer: one prepared problem beneath every exact method.

:func:`prepare` turns the user's input (K or an ideal, a model, the true point,
prior and domain) into a :class:`Problem`: K and the generators in local
coordinates at ``w0`` (the domain's tangent cone straightened, the prior read as
``|u|^τ``), with its Newton polyhedron. It checks what every method needs: K is
not zero, vanishes at ``w0``, and no Newton vertex term can be negative near it.
The methods (:mod:`rlct.methods`: monomial, Newton, toric, blow-ups) and the
facade :func:`rlct.rlct` import this module; it imports none of them.

Examples
--------
>>> from rlct.problem import prepare
>>> p = prepare("(w1 - 1)**2 + w2**2", at=[1, 0])
>>> str(p.polynomial), p.mode, p.polyhedron.vertices
('w1**2 + w2**2', 'nonnegative', ((0, 2), (2, 0)))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .domain import can_be_negative, localize, parse_ideal, sum_of_squares
from .errors import InputError
from .newton.polyhedron import NewtonPolyhedron
from .polynomial import Polynomial, as_polynomial, format_polynomial

__all__ = ["Problem", "prepare", "from_model", "is_model"]

# a model spec such as "TwoLayerNetwork(H=2)": a name called with keyword arguments
_MODEL_CALL = re.compile(r"^\s*[A-Za-z_]\w*\s*\(.*=.*\)\s*$", re.S)


@dataclass(frozen=True, kw_only=True)
class Problem:
    """K at the true point, in local coordinates, ready for every exact method.

    Attributes
    ----------
    polynomial : Polynomial
        K in the local coordinates (``w0`` is the origin).
    generators : tuple of Polynomial or None
        The ideal's generators (K = Σ g²) in local coordinates, when given as an ideal.
    tau : tuple of Fraction
        The prior's exponents ``|u|^τ`` per local coordinate.
    signs : tuple of int
        1 where the local coordinate is restricted to be >= 0, 0 where free.
    at : tuple of Fraction
        The true point in the original variables.
    variables : tuple of str
        The original variables.
    coordinates : tuple of str or None
        Definitions of new local coordinates when the domain needed them.
    polyhedron : NewtonPolyhedron
        The Newton polyhedron of ``polynomial``.
    """

    polynomial: Polynomial
    generators: tuple | None
    tau: tuple
    signs: tuple
    at: tuple
    variables: tuple
    coordinates: tuple | None
    polyhedron: NewtonPolyhedron

    @property
    def mode(self) -> str:
        """``"ideal"`` (K = Σ g²) or ``"nonnegative"`` (K given as one polynomial)."""
        return "ideal" if self.generators is not None else "nonnegative"

    @property
    def has_boundary(self) -> bool:
        """Does the domain have a boundary at the true point?"""
        return any(self.signs)



def is_model(obj) -> bool:
    """Is ``obj`` a model (it has ``ideal()``, ``at()`` and ``parameters``)? Checked by duck
    typing, so that preparing a polynomial does not load :mod:`rlct.models` (and numpy)."""
    return callable(getattr(obj, "ideal", None)) and hasattr(obj, "parameters") and callable(getattr(obj, "at", None))


def from_model(model, *, ideal=None, at=None, prior=None, domain=None, variables=None) -> dict:
    """The keyword arguments of :func:`prepare` for a model: its ideal at its true
    parameter, its parameters, prior and domain (each overridable)."""
    if ideal is not None:
        raise InputError("pass either a model or ideal=, not both")
    return dict(K=None, ideal=model.ideal(), at=model.at() if at is None else at,
                variables=model.parameters if variables is None else variables,
                prior=model.prior if prior is None else prior, domain=model.domain if domain is None else domain)


def prepare(K=None, *, ideal=None, at=None, prior=None, domain=None, variables=None) -> Problem:
    """Parse and validate the input, localise it at the true point and build the
    Newton polyhedron (the arguments are those of :func:`rlct.rlct`).

    Raises
    ------
    InputError
        When the input is not a non-negative polynomial vanishing at ``at``.
    NotApplicable
        When the domain's tangent cone is not simplicial or the prior is not
        monomial after straightening it.
    """
    if isinstance(K, str) and _MODEL_CALL.match(K):
        from .models import from_spec  # on demand: the models need numpy

        K = from_spec(K)
    if is_model(K):
        return prepare(**from_model(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables))
    if (K is None) == (ideal is None):
        raise InputError("give exactly one of K or ideal=[...]")
    if ideal is not None:
        gens = parse_ideal(ideal, variables)
        Kp = sum_of_squares(gens)
    else:
        gens = None
        Kp = as_polynomial(K, variables, what="K")
    if Kp.is_zero():
        raise InputError("K is the zero polynomial: its RLCT is not defined")
    loc = localize(Kp, generators=gens, at=at, prior=prior, domain=domain)
    Kl = loc.polynomial
    const = Kl.coefficient((0,) * Kl.nvars)
    if const:
        where = "the origin" if at is None else f"at = ({', '.join(map(str, loc.at))})"
        raise InputError(f"K is not zero at {where}: K(w0) = {const}")
    P = NewtonPolyhedron(Kl)
    if gens is None:
        _check_vertices(Kl, P, loc.signs, K)
    return Problem(polynomial=Kl, generators=loc.generators, tau=tuple(Fraction(t) for t in loc.tau),
                   signs=loc.signs, at=loc.at, variables=loc.variables, coordinates=loc.coordinates, polyhedron=P)


def order_bound(K: Polynomial, boundary: bool = False) -> tuple:
    """A lower bound that needs no resolution: ``(1/ord₀(K), why)``.

    λ ≥ lct_C(K) ≥ 1/ord₀(K) on a full neighbourhood with a prior ``|u|^τ``, τ >= 0 (the
    real threshold is at least the complex one, Saito 2007; the complex one is at least
    1/multiplicity, Kollár 1997, §8). On a domain (``boundary``) the integral runs over part of
    the neighbourhood, so it converges wherever the full one does: λ_domain >= λ_full.

    >>> order_bound(as_polynomial("(w1 + w2)**2 + w2**4"))[0]
    Fraction(1, 2)
    """
    order = min(sum(e) for e in K.exponents)
    domain = " (the domain's λ is at least the full neighbourhood's)" if boundary else ""
    return Fraction(1, order), f"λ >= 1/ord₀(K) = 1/{order} (Saito 2007; Kollár 1997, §8){domain}"


def _check_vertices(Kl: Polynomial, P: NewtonPolyhedron, signs, given) -> None:
    """K >= 0 near the origin needs every Newton vertex term to be non-negative there."""
    for v in P.vertices:
        c = Kl.coefficient(v)
        if can_be_negative(v, c, signs):
            term = format_polynomial({v: c}, Kl.variables)
            why = "has a negative coefficient" if c < 0 else "has an odd power of a free variable"
            raise InputError(f"K is negative near the true point: its Newton vertex term {term} {why}. "
                             + _negative_hint(given))


def _negative_hint(given) -> str:
    """What the user probably meant when K can be negative: an ideal or a square."""
    text = given if isinstance(given, str) else None
    if text is not None:
        return (f"K must be a non-negative function (e.g. a KL divergence). If {text!r} is a generator of the "
                f"ideal, pass rlct.rlct(ideal=[{text!r}]) (K = Σ g²; 'rlct compute --ideal' on the command line), "
                f"or square it: rlct.rlct(\"({text})**2\")")
    return ("K must be a non-negative function (e.g. a KL divergence); to give generators g_i of K = Σ g_i², "
            "pass ideal=[...]")
