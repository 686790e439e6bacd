"""Exact sparse polynomials with named variables and rational coefficients.

The kernel is python-flint's ``fmpq_mpoly`` (so expanding large products such as
``||BA||^2`` with 20+ variables is fast); the :class:`Polynomial` facade holds a
plain, picklable ``{exponent tuple: Fraction}`` view and named variables.
:func:`as_polynomial` accepts strings (``^`` allowed for powers, decimal literals
read as exact decimals), sympy expressions, mappings ``{exponents: coefficient}``
and existing polynomials.

Examples
--------
>>> from rlct.polynomial import as_polynomial
>>> K = as_polynomial("(w1+w2)^2 + 0.5*w2^4")
>>> K
Polynomial('w1**2 + 2*w1*w2 + w2**2 + 1/2*w2**4', variables=('w1', 'w2'))
>>> K.terms[(0, 4)]
Fraction(1, 2)
>>> K.shift({"w1": 1}).terms[(0, 0)]
Fraction(1, 1)
"""

from __future__ import annotations

import keyword
import re
from fractions import Fraction
from functools import cached_property
from numbers import Rational
from typing import Iterable, Mapping, Sequence

import flint

from .errors import InputError
from .validate import check_constant, check_number_powers, check_sequence

__all__ = ["Polynomial", "as_polynomial", "as_fraction", "natural_key"]

# names read as sympy's constants; E and I are plain variables here (a polynomial has no use for
# Euler's number or the imaginary unit, and both are common parameter names)
_RESERVED_CONSTANTS = {"pi", "oo", "zoo", "nan"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def natural_key(name: str):
    """Sort key that orders ``w2`` before ``w10``.

    >>> sorted(["w10", "w2", "a1"], key=natural_key)
    ['a1', 'w2', 'w10']
    """
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def as_fraction(value, what: str = "value") -> Fraction:
    """Convert a number to an exact :class:`~fractions.Fraction`.

    Integers, fractions, sympy rationals, flint rationals, strings such as
    ``"3/10"`` or ``"0.3"``, and floats (read through their shortest decimal
    representation, so ``0.1`` means 1/10) are accepted.

    >>> as_fraction("0.1"), as_fraction(0.3), as_fraction("2/6")
    (Fraction(1, 10), Fraction(3, 10), Fraction(1, 3))
    """
    if isinstance(value, bool):
        raise InputError(f"{what} must be a rational number, got {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InputError(f"{what} must be a finite rational number, got {value!r}")
        return Fraction(repr(value))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise InputError(f"{what} must be a rational number, got {value!r}") from None
    if isinstance(value, (flint.fmpz, flint.fmpq)):
        return Fraction(int(value.p), int(value.q)) if isinstance(value, flint.fmpq) else Fraction(int(value))
    if isinstance(value, Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    try:
        import sympy

        if isinstance(value, sympy.Basic):
            if value.is_Rational:
                return Fraction(int(value.p), int(value.q))
            if value.is_Float:
                return Fraction(str(value))
            raise InputError(f"{what} must be a rational number, got {value} (not rational)")
    except ImportError:  # pragma: no cover - sympy is a core dependency
        pass
    raise InputError(f"{what} must be a rational number, got {value!r}")


def _ctx(variables: tuple[str, ...]):
    # flint's generator names must be ASCII; they are only used for flint's own printing, so
    # non-ASCII names (α, β, w₁) get positional stand-ins there
    names = variables if all(v.isascii() for v in variables) else tuple(f"v{i}" for i in range(len(variables)))
    return flint.fmpq_mpoly_ctx.get(names, "lex")


def fmpq(x: Fraction) -> flint.fmpq:
    return flint.fmpq(x.numerator, x.denominator)


def _ordered(terms: dict) -> dict:
    """Terms in display order: by total degree, then lexicographically by exponent (descending)."""
    return dict(sorted(terms.items(), key=lambda kv: (sum(kv[0]), tuple(-e for e in kv[0]))))


class Polynomial:
    """An exact polynomial with rational coefficients in named variables.

    Immutable. Build one with :func:`as_polynomial`; arithmetic (``+ - * **``)
    runs in python-flint.

    Parameters
    ----------
    terms : mapping
        ``{exponent tuple: rational coefficient}``; zero coefficients are dropped.
    variables : sequence of str
        The variable names, one per exponent position.

    Examples
    --------
    >>> p = Polynomial({(2, 0): 1, (0, 2): 1}, ("x", "y"))
    >>> str(p * p)
    'x**4 + 2*x**2*y**2 + y**4'
    >>> p.nvars, p.degree, len(p)
    (2, 2, 2)
    """

    __slots__ = ("_terms", "_variables", "__dict__")

    def __init__(self, terms: Mapping, variables: Sequence[str]):
        variables = tuple(str(v) for v in variables)
        if len(set(variables)) != len(variables):
            raise InputError(f"repeated variable names in {variables}")
        d = len(variables)
        clean = {}
        for exp, c in dict(terms).items():
            exp = tuple(int(e) for e in exp)
            if len(exp) != d:
                raise InputError(f"exponent {exp} has {len(exp)} entries but there are {d} variables")
            if any(e < 0 for e in exp):
                raise InputError(f"negative exponent {exp}: not a polynomial")
            c = as_fraction(c, "coefficient")
            if c:
                clean[exp] = clean.get(exp, Fraction(0)) + c
                if not clean[exp]:
                    del clean[exp]
        self._terms = _ordered(clean)
        self._variables = variables

    # -- construction from flint -------------------------------------------------
    @classmethod
    def from_flint(cls, p, variables) -> "Polynomial":
        """The Polynomial of a python-flint ``fmpq_mpoly`` in ``variables`` (a trusted source:
        flint drops zero terms and the variables come from a Polynomial, so nothing is re-validated)."""
        return cls.from_terms({tuple(map(int, exp)): Fraction(int(c.p), int(c.q)) for exp, c in p.to_dict().items()},
                              tuple(str(v) for v in variables))

    @classmethod
    def from_terms(cls, terms: Mapping, variables: tuple) -> "Polynomial":
        """A Polynomial of trusted terms: int exponent tuples of the right length, nonzero
        Fraction coefficients, distinct str variables (nothing is re-validated)."""
        obj = object.__new__(cls)
        obj._terms = _ordered(terms)
        obj._variables = variables
        return obj

    # -- basic views ---------------------------------------------------------------
    @property
    def variables(self) -> tuple[str, ...]:
        """The variable names, in exponent order."""
        return self._variables

    @property
    def terms(self) -> dict:
        """A copy of ``{exponent tuple: Fraction}``, ordered by total degree."""
        return dict(self._terms)

    @property
    def nvars(self) -> int:
        """The number of variables."""
        return len(self._variables)

    @property
    def exponents(self) -> list[tuple[int, ...]]:
        """The exponent vectors of the terms (the support)."""
        return list(self._terms)

    @property
    def degree(self) -> int:
        """Total degree (``-1`` for the zero polynomial)."""
        return max((sum(e) for e in self._terms), default=-1)

    def is_zero(self) -> bool:
        """True for the zero polynomial."""
        return not self._terms

    def __len__(self) -> int:
        return len(self._terms)

    def coefficient(self, exponent) -> Fraction:
        """The coefficient of ``w**exponent`` (zero if absent)."""
        return self._terms.get(tuple(exponent), Fraction(0))

    @cached_property
    def flint(self):
        """The python-flint ``fmpq_mpoly`` of this polynomial."""
        ctx = _ctx(self._variables)
        if not self._terms:
            return ctx.from_dict({})
        return ctx.from_dict({e: fmpq(c) for e, c in self._terms.items()})

    def to_sympy(self):
        """The polynomial as a sympy expression."""
        import sympy

        syms = sympy.symbols(self._variables) if self._variables else ()
        if self.nvars == 1:
            syms = (syms,) if not isinstance(syms, tuple) else syms
        expr = sympy.Integer(0)
        for exp, c in self._terms.items():
            mono = sympy.Rational(c.numerator, c.denominator)
            for s, e in zip(syms, exp):
                mono *= s**e
            expr += mono
        return expr

    # -- evaluation and substitution ----------------------------------------------
    def __call__(self, *point) -> Fraction:
        """Exact value at a point (a sequence of rationals or a mapping name -> value)."""
        if len(point) == 1 and isinstance(point[0], (Mapping, Sequence)) and not isinstance(point[0], str):
            point = point[0]
        vals = self._point(point)
        total = Fraction(0)
        for exp, c in self._terms.items():
            term = c
            for v, e in zip(vals, exp):
                if e:
                    term *= v**e
            total += term
        return total

    def _point(self, point) -> list[Fraction]:
        if isinstance(point, Mapping):
            unknown = [k for k in point if str(k) not in self._variables]
            if unknown:
                raise InputError(f"unknown variable {unknown[0]!s}: variables are {', '.join(self._variables)}")
            byname = {str(k): as_fraction(v, f"value of {k}") for k, v in point.items()}
            return [byname.get(v, Fraction(0)) for v in self._variables]
        point = list(point)
        if len(point) != self.nvars:
            raise InputError(f"a point needs {self.nvars} coordinates ({', '.join(self._variables)}), got {len(point)}")
        return [as_fraction(v, f"coordinate {name}") for v, name in zip(point, self._variables)]

    def shift(self, point) -> "Polynomial":
        """``P(w0 + u)`` as a polynomial in ``u`` (same variable names).

        >>> as_polynomial("(w1 - 1)**2").shift([1])
        Polynomial('w1**2', variables=('w1',))
        """
        vals = self._point(point)
        if not any(vals):
            return self
        ctx = _ctx(self._variables)
        gens = ctx.gens()
        args = [g + fmpq(v) if v else g for g, v in zip(gens, vals)]
        return Polynomial.from_flint(self.flint.compose(*args, ctx=ctx), self._variables)

    def linear_substitution(self, matrix, variables=None) -> "Polynomial":
        """``P(M v)`` for a rational matrix ``M`` (rows: old variables, columns: new).

        >>> as_polynomial("w1*w2").linear_substitution([[1, 0], [1, 1]], ["v1", "v2"])
        Polynomial('v1**2 + v1*v2', variables=('v1', 'v2'))
        """
        variables = tuple(variables) if variables is not None else self._variables
        ctx = _ctx(variables)
        gens = ctx.gens()
        args = []
        for row in matrix:
            expr = ctx.from_dict({})
            for g, a in zip(gens, row):
                a = as_fraction(a)
                if a:
                    expr = expr + g * fmpq(a)
            args.append(expr)
        if len(args) != self.nvars:
            raise InputError("substitution matrix must have one row per variable")
        return Polynomial.from_flint(self.flint.compose(*args, ctx=ctx), variables)

    def compose(self, polys: Sequence["Polynomial"], variables: Sequence[str] | None = None) -> "Polynomial":
        """``P(q_1, ..., q_d)``: substitute a polynomial for each variable (exact, flint).

        >>> P = as_polynomial("w1**2 + w2")
        >>> P.compose([as_polynomial("w1*w2"), as_polynomial("w2 - w1")])
        Polynomial('-w1 + w2 + w1**2*w2**2', variables=('w1', 'w2'))
        """
        if len(polys) != self.nvars:
            raise InputError(f"compose needs {self.nvars} polynomials, got {len(polys)}")
        variables = tuple(variables) if variables is not None else (polys[0].variables if polys else ())
        ctx = _ctx(variables)
        args = [q.embed(variables).flint for q in polys]
        if not self._terms:
            return Polynomial({}, variables)
        return Polynomial.from_flint(self.flint.compose(*args, ctx=ctx), variables)

    def factor(self) -> tuple:
        """``(c, [(f, e), ...])`` with ``self = c · Π f^e``, the ``f`` irreducible over Q
        and monic in flint's ordering (python-flint's multivariate factoring).

        >>> c, fs = as_polynomial("2*w1**3 - 2*w1*w2**2").factor()
        >>> c, sorted((str(f), e) for f, e in fs)
        (Fraction(2, 1), [('w1', 1), ('w1 + w2', 1), ('w1 - w2', 1)])
        """
        if not self._terms:
            raise InputError("cannot factor the zero polynomial")
        return self._factored[0], list(self._factored[1])

    @cached_property
    def _factored(self):
        c, fs = self.flint.factor()
        return Fraction(int(c.p), int(c.q)), tuple((Polynomial.from_flint(f, self._variables), int(e)) for f, e in fs)

    def select(self, exponents: Iterable) -> "Polynomial":
        """The polynomial made of the terms whose exponents are in ``exponents``."""
        keep = set(map(tuple, exponents))
        return Polynomial.from_terms({e: c for e, c in self._terms.items() if e in keep}, self._variables)

    def derivative(self, i: int) -> "Polynomial":
        """Partial derivative in the ``i``-th variable."""
        terms = {}
        for exp, c in self._terms.items():
            if exp[i]:
                e = list(exp)
                e[i] -= 1
                terms[tuple(e)] = c * exp[i]
        return Polynomial.from_terms(terms, self._variables)

    def embed(self, variables: Sequence[str]) -> "Polynomial":
        """The same polynomial seen in a larger (or reordered) list of variables."""
        variables = tuple(variables)
        missing = [v for v in self._variables if v not in variables]
        if missing:
            raise InputError(f"variable {missing[0]} is not among {', '.join(variables)}")
        pos = [variables.index(v) for v in self._variables]
        terms = {}
        for exp, c in self._terms.items():
            e = [0] * len(variables)
            for p, k in zip(pos, exp):
                e[p] = k
            terms[tuple(e)] = c
        return Polynomial(terms, variables)

    # -- arithmetic ------------------------------------------------------------------
    def _coerce(self, other):
        if isinstance(other, Polynomial):
            if other._variables != self._variables:
                allv = tuple(sorted(set(self._variables) | set(other._variables), key=natural_key))
                return self.embed(allv), other.embed(allv)
            return self, other
        c = as_fraction(other, "operand")
        return self, Polynomial({(0,) * self.nvars: c}, self._variables)

    def __add__(self, other):
        a, b = self._coerce(other)
        return Polynomial.from_flint(a.flint + b.flint, a._variables)

    __radd__ = __add__

    def __sub__(self, other):
        a, b = self._coerce(other)
        return Polynomial.from_flint(a.flint - b.flint, a._variables)

    def __rsub__(self, other):
        a, b = self._coerce(other)
        return Polynomial.from_flint(b.flint - a.flint, a._variables)

    def __mul__(self, other):
        a, b = self._coerce(other)
        return Polynomial.from_flint(a.flint * b.flint, a._variables)

    __rmul__ = __mul__

    def __neg__(self):
        return Polynomial.from_terms({e: -c for e, c in self._terms.items()}, self._variables)

    def __pow__(self, k: int):
        if not isinstance(k, int) or k < 0:
            raise InputError(f"polynomials can only be raised to non-negative integer powers, got {k!r}")
        return Polynomial.from_flint(self.flint**k, self._variables)

    # -- identity and display ------------------------------------------------------
    def __eq__(self, other):
        if not isinstance(other, Polynomial):
            return NotImplemented
        return self._variables == other._variables and self._terms == other._terms

    def __hash__(self):
        return hash((self._variables, frozenset(self._terms.items())))

    def __reduce__(self):
        return (Polynomial, (self._terms, self._variables))

    def __str__(self):
        return format_polynomial(self._terms, self._variables)

    def __repr__(self):
        return f"Polynomial({str(self)!r}, variables={self._variables!r})"

    def _repr_latex_(self):
        return "$" + self.latex() + "$"

    def latex(self) -> str:
        """LaTeX for the polynomial (no surrounding dollars)."""
        return format_polynomial(self._terms, self._variables, latex=True)


def latex_var(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    if m:
        return f"{m.group(1)}_{{{m.group(2)}}}"
    return name


def format_polynomial(terms: Mapping, variables: Sequence[str], latex: bool = False) -> str:
    """Format ``{exponents: coefficient}`` as text (``**`` powers) or LaTeX."""
    if not terms:
        return "0"
    parts = []
    for exp, c in terms.items():
        factors = []
        for v, e in zip(variables, exp):
            if e == 0:
                continue
            if latex:
                lv = latex_var(v)
                factors.append(lv if e == 1 else f"{lv}^{{{e}}}")
            else:
                factors.append(v if e == 1 else f"{v}**{e}")
        mono = (" " if latex else "*").join(factors)
        sign = "-" if c < 0 else "+"
        a = abs(c)
        if latex:
            coef = "" if (a == 1 and mono) else (str(a.numerator) if a.denominator == 1 else rf"\frac{{{a.numerator}}}{{{a.denominator}}}")
            body = coef + (" " if coef and mono else "") + mono
        else:
            coef = "" if (a == 1 and mono) else str(a)
            body = coef + ("*" if coef and mono else "") + mono
        parts.append((sign, body))
    out = ("-" if parts[0][0] == "-" else "") + parts[0][1]
    for sign, body in parts[1:]:
        out += f" {sign} {body}"
    return out


# ---------------------------------------------------------------------------------
# parsing


def parse_string(text: str, what: str):
    import sympy
    from sympy.parsing.sympy_parser import (
        convert_xor,
        parse_expr,
        rationalize,
        standard_transformations,
    )

    if not text.strip():
        raise InputError(f"{what} is empty")
    check_number_powers(text, what)
    local = {}
    for m in _IDENT.finditer(text):
        name = m.group(0)
        if keyword.iskeyword(name):
            raise InputError(f"{what} {text!r}: '{name}' is a Python keyword and cannot be a variable name; "
                             f"use another name, e.g. '{name}_' or '{name[:3]}'")
        rest = text[m.end():].lstrip()
        if rest.startswith("("):
            continue  # a function call: left to sympy, rejected later if not polynomial
        if name in _RESERVED_CONSTANTS:
            continue
        local[name] = sympy.Symbol(name)
    try:
        expr = parse_expr(
            text,
            local_dict=local,
            transformations=standard_transformations + (convert_xor, rationalize),
            evaluate=True,
        )
    except Exception as exc:  # sympy raises SyntaxError, TokenError, TypeError, ...
        raise InputError(f"cannot parse {what} {text!r}: {type(exc).__name__}: {exc}") from None
    if not isinstance(expr, sympy.Basic):
        try:
            expr = sympy.sympify(expr)
        except Exception:
            raise InputError(f"{what} {text!r} is not an expression") from None
    return expr


def _sympy_to_flint(expr, index: Mapping, ctx, gens, what: str):
    """Convert a sympy expression tree to an fmpq_mpoly without sympy's expand."""
    def conv(e):
        if e.is_Symbol:
            if e.name not in index:
                raise InputError(f"unknown variable {e.name} in {what}")
            return gens[index[e.name]]
        if e.is_Number:
            if e.is_Rational:
                return ctx.from_dict({(0,) * len(gens): flint.fmpq(int(e.p), int(e.q))}) if gens else flint.fmpq(int(e.p), int(e.q))
            if e.is_Float:
                f = Fraction(str(e))
                return ctx.from_dict({(0,) * len(gens): fmpq(f)})
            raise InputError(f"{what} has a non-rational coefficient: {e}")
        if not e.free_symbols:
            raise InputError(f"{what} has a non-rational coefficient: {e}")
        if e.is_Add:
            out = None
            for a in e.args:
                c = conv(a)
                out = c if out is None else out + c
            return out
        if e.is_Mul:
            out = None
            for a in e.args:
                c = conv(a)
                out = c if out is None else out * c
            return out
        if e.is_Pow:
            base, ex = e.args
            if ex.is_Integer and ex >= 0:
                return conv(base) ** int(ex)
            raise InputError(f"not a polynomial: {e} has exponent {ex} (only non-negative integer powers are allowed)")
        if getattr(e, "is_Relational", False):
            raise InputError(f"{what} is a relation ({e}), not a polynomial")
        raise InputError(f"not a polynomial: {e} is not built from +, *, and non-negative integer powers")

    if not gens:
        raise InputError(f"{what} has no variables")
    out = conv(expr)
    if not hasattr(out, "to_dict"):
        out = ctx.from_dict({(0,) * len(gens): out})
    return out


def _sympy_variables(expr) -> list[str]:
    return sorted((s.name for s in expr.free_symbols), key=natural_key)


def as_polynomial(obj, variables: Sequence[str] | None = None, *, what: str = "K") -> Polynomial:
    """Read ``obj`` as an exact :class:`Polynomial`.

    Parameters
    ----------
    obj : str, sympy expression, mapping, or Polynomial
        A string such as ``"(w1+w2)**2 + w2^4"`` (``^`` is a power, ``0.1``
        means 1/10), a sympy expression, a mapping ``{exponent tuple:
        coefficient}``, or a :class:`Polynomial`.
    variables : sequence of str, optional
        The variables, in order. By default those of ``obj`` in natural order
        (``w2`` before ``w10``); for a mapping, ``w1, ..., wd``.
    what : str
        How to call the object in error messages.

    Returns
    -------
    Polynomial

    Raises
    ------
    InputError
        If ``obj`` cannot be parsed, is not a polynomial, has a non-rational
        coefficient, or uses a variable not in ``variables``.

    Examples
    --------
    >>> as_polynomial({(2, 0): 1, (0, 2): "1/3"})
    Polynomial('w1**2 + 1/3*w2**2', variables=('w1', 'w2'))
    >>> as_polynomial("x*y", variables=["y", "x", "z"]).exponents
    [(1, 1, 0)]
    """
    if variables is not None:
        if isinstance(variables, str):
            variables = [v for v in re.split(r"[\s,]+", variables) if v]
        variables = tuple(str(v) for v in check_sequence(variables, "variables", example="['w1', 'w2']"))
        if not variables:
            raise InputError("variables is empty")
    if isinstance(obj, Polynomial):
        return obj if variables is None or variables == obj.variables else obj.embed(variables)
    if isinstance(obj, Mapping):
        if not obj:
            if variables is None:
                raise InputError(f"{what} is an empty mapping: the zero polynomial with no variables")
            return Polynomial({}, variables)
        keys = list(obj)
        try:
            lens = {len(tuple(k)) for k in keys}
        except TypeError:
            raise InputError(f"{what}: mapping keys must be exponent tuples, got {keys[0]!r}") from None
        if len(lens) != 1:
            raise InputError(f"{what}: exponent tuples have different lengths {sorted(lens)}")
        d = lens.pop()
        if variables is None:
            variables = tuple(f"w{i + 1}" for i in range(d))
        if len(variables) != d:
            raise InputError(f"{what}: exponent tuples have {d} entries but {len(variables)} variables were given")
        for k in keys:
            if not all(isinstance(e, int) or (hasattr(e, "is_Integer") and e.is_Integer) for e in tuple(k)):
                raise InputError(f"{what}: exponents must be non-negative integers, got {tuple(k)!r}")
        return Polynomial({tuple(int(e) for e in k): as_fraction(v, f"coefficient of {tuple(k)}") for k, v in obj.items()}, variables)
    import sympy

    if isinstance(obj, str):
        expr = parse_string(obj, what)
    elif isinstance(obj, sympy.Basic):
        expr = obj
    elif isinstance(obj, (int, Fraction, Rational)) and not isinstance(obj, bool):
        expr = sympy.Rational(as_fraction(obj).numerator, as_fraction(obj).denominator)
    else:
        raise InputError(f"{what} must be a string, a sympy expression, a mapping {{exponents: coefficient}} "
                         f"or a Polynomial, got {type(obj).__name__}")
    if isinstance(expr, (sympy.logic.boolalg.Boolean,)) and not isinstance(expr, sympy.Expr):
        raise InputError(f"{what} is a relation or a boolean ({expr}), not a polynomial")
    if not isinstance(expr, sympy.Expr):
        raise InputError(f"{what} is not an expression: {expr!r}")
    names = _sympy_variables(expr)
    if variables is None:
        variables = tuple(names)
        if not variables:
            if expr == 0:
                raise InputError(f"{what} is the zero polynomial")
            check_constant(expr, what)
            raise InputError(f"{what} = {expr} is a constant: it has no variables; pass variables=[...]")
    else:
        unknown = [n for n in names if n not in variables]
        if unknown:
            raise InputError(f"unknown variable {unknown[0]} in {what}: variables are {', '.join(variables)}")
    ctx = _ctx(variables)
    gens = ctx.gens()
    index = {v: i for i, v in enumerate(variables)}
    p = _sympy_to_flint(expr, index, ctx, gens, what)
    return Polynomial.from_flint(p, variables)

