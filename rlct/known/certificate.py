"""Formula certificates for :mod:`rlct.known`: the citations, the evaluated conditions and
the checks of the formulas' arguments."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import InputError
from ..result import RLCT, jsonable

# -- citations -------------------------------------------------------------------------------------
WATANABE_2009 = ("Watanabe, S. (2009). Algebraic Geometry and Statistical Learning Theory. "
                 "Cambridge University Press")
LIN_2011 = ("Lin, S. (2011). Algebraic Methods for Evaluating Integrals in Bayesian Statistics. "
            "PhD thesis, University of California, Berkeley")
AGV = ("Arnold, V. I., Gusein-Zade, S. M. and Varchenko, A. N. (1988). Singularities of "
       "Differentiable Maps, Vol. II. Birkhäuser")
AOYAGI_WATANABE_2005 = ("Aoyagi, M. and Watanabe, S. (2005). Stochastic complexities of reduced rank "
                        "regression in Bayesian estimation. Neural Networks 18(7), 924-933")
AOYAGI_2024 = ("Aoyagi, M. (2024). Consideration on the learning efficiency of multiple-layered "
               "neural networks with linear units. Neural Networks 172, 106132 "
               "(preprint: SSRN 4404877, 2023)")
WATANABE_2001 = ("Watanabe, S. (2001). Algebraic geometrical methods for hierarchical learning "
                 "machines. Neural Networks 14(8), 1049-1060")
AOYAGI_2010 = ("Aoyagi, M. (2010). A Bayesian learning coefficient of generalization error and "
               "Vandermonde matrix-type singularities. Communications in Statistics - Theory and "
               "Methods 39(15), 2667-2687")


# -- certificates ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    """One hypothesis of a case, with both sides evaluated exactly.

    ``op`` is one of ``"<="``, ``"<"``, ``"=="``, ``"!="``, ``">="``, ``">"``,
    ``"even"``, ``"odd"`` (the last two test ``lhs``; ``rhs`` is unused).

    >>> c = Condition("N+r ≤ M+H", 3, "<=", 5)
    >>> str(c), c.holds()
    ('N+r ≤ M+H (3 ≤ 5)', True)
    """

    text: str
    lhs: Any
    op: str
    rhs: Any = None

    _SYMBOL = {"<=": "≤", "<": "<", "==": "=", "!=": "≠", ">=": "≥", ">": ">"}

    def holds(self) -> bool:
        """Evaluate the condition exactly."""
        a, b = self.lhs, self.rhs
        return {"<=": lambda: a <= b, "<": lambda: a < b, "==": lambda: a == b,
                "!=": lambda: a != b, ">=": lambda: a >= b, ">": lambda: a > b,
                "even": lambda: a % 2 == 0, "odd": lambda: a % 2 == 1}[self.op]()

    def __str__(self):
        if self.op in ("even", "odd"):
            return f"{self.text} = {self.lhs} is {self.op}"
        return f"{self.text} ({self.lhs} {self._SYMBOL[self.op]} {self.rhs})"


def _freeze(value):
    """Lists, tuples and dicts become nested tuples, so that a certificate is hashable."""
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _show(value):
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return str(value)


@dataclass(frozen=True, kw_only=True)
class FormulaCertificate:
    """Where a closed-form (λ, m) comes from.

    Attributes
    ----------
    name : str
        The catalogue entry (function name).
    source : str
        The exact citation.
    formula : str
        The formula of the case that applied.
    case : str
        Which case of the theorem applied.
    parameters : tuple of (str, value)
        The inputs (``dict(certificate.parameters)`` gives a dictionary).
    conditions : tuple of Condition
        The hypotheses of the case, each with both sides evaluated.
    d : int or None
        The model's number of parameters.
    inputs : tuple of str or None
        Which ``parameters`` are the function's arguments (the others are derived); None: all.
    lambda_, multiplicity : Fraction, int
        The value read off the formula.
    note : str
        Anything a reader should know (for instance how the value was derived).

    Examples
    --------
    >>> from rlct import known
    >>> cert = known.regular(3).certificate
    >>> cert.check(), dict(cert.parameters)
    (True, {'d': 3})
    >>> cert.to_dict()["lambda"]
    '3/2'
    """

    name: str
    source: str
    formula: str
    case: str
    parameters: tuple = ()
    conditions: tuple = ()
    lambda_: Fraction | None = None
    multiplicity: int | None = None
    note: str = ""
    d: int | None = None
    inputs: tuple | None = None

    def __post_init__(self):
        object.__setattr__(self, "parameters", _freeze(dict(self.parameters)))
        object.__setattr__(self, "conditions", tuple(self.conditions))

    def label(self) -> str:
        """The call that produced this result, e.g. ``tanh_network(H=3)``.

        >>> from rlct import known
        >>> known.deep_linear_network((2, 2, 2), 0).certificate.label()
        'deep_linear_network(widths=(2, 2, 2), r=0)'
        """
        params = dict(self.parameters)
        names = self.inputs if self.inputs is not None else tuple(params)
        return f"{self.name}(" + ", ".join(f"{k}={_show(params[k])}" for k in names) + ")"

    def check(self) -> bool:
        """Re-evaluate every hypothesis of the case; raise ValueError naming one that fails."""
        for c in self.conditions:
            if not c.holds():
                raise ValueError(f"{self.name}: the hypothesis {c} of case {self.case!r} does not hold")
        return True

    def __str__(self):
        lines = [f"{self.name}: {self.formula}"]
        conds = ", ".join(str(c) for c in self.conditions)
        lines.append(f"case {self.case}" + (f": {conds}" if conds else ""))
        if self.parameters:
            lines.append("parameters: " + ", ".join(f"{k} = {_show(v)}" for k, v in self.parameters))
        lines.append(f"result: λ = {self.lambda_}, m = {self.multiplicity}")
        lines.append(f"source: {self.source}")
        if self.note:
            lines.append(f"note: {self.note}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """A JSON-friendly view."""
        return {"kind": "formula", "name": self.name, "source": self.source, "formula": self.formula,
                "case": self.case, "parameters": {k: jsonable(v) for k, v in self.parameters},
                "conditions": [str(c) for c in self.conditions],
                "lambda": str(self.lambda_), "m": self.multiplicity, "note": self.note}


def formula_result(lam, m, **cert) -> RLCT:
    lam = Fraction(lam)
    c = FormulaCertificate(lambda_=lam, multiplicity=int(m), **cert)
    c.check()
    return RLCT(lambda_=lam, multiplicity=int(m), exact=True, method="formula", upper_bound=lam, upper_bound_multiplicity=int(m),
                certificate=c)


# -- input checks ----------------------------------------------------------------------------------
def integer_argument(name: str, value, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, Fraction)) \
            or (isinstance(value, Fraction) and value.denominator != 1):
        kind = "a positive" if minimum == 1 else "a non-negative"
        raise InputError(f"{name} must be {kind} integer, got {value!r}")
    value = int(value)
    if value < minimum:
        kind = "positive" if minimum == 1 else "non-negative"
        raise InputError(f"{name} must be {kind}, got {value}")
    return value


def rational_argument(name: str, value) -> Fraction:
    if isinstance(value, bool):
        raise InputError(f"{name} must be a rational number, got {value!r}")
    if isinstance(value, (numbers.Rational, str)):
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            pass
    raise InputError(f"{name} must be a rational number (int, Fraction or a string such as '1/2'), "
                     f"got {value!r}")


# -- the catalogue ---------------------------------------------------------------------------------
