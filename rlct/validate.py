"""Checks of arguments at the public boundary, shared by every layer.

Each check returns the clean value or raises :class:`~rlct.errors.InputError`
whose message names the argument, what it must be, and what was given.

Examples
--------
>>> check_int(3, "chains")
3
>>> check_int(0, "chains")
Traceback (most recent call last):
...
rlct.errors.InputError: chains must be a positive integer, got 0
>>> check_seed(-1)
Traceback (most recent call last):
...
rlct.errors.InputError: seed must be None, a non-negative integer or a numpy SeedSequence, got -1
>>> check_finite([[0.0, 1.0], [float("nan"), 2.0]], "data.x")
Traceback (most recent call last):
...
rlct.errors.InputError: data.x has 1 non-finite value (NaN or inf), first at index (1, 0): remove or impute those samples
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .errors import InputError

__all__ = ["check_constant", "check_seed", "seed_sequence", "check_int", "check_number", "check_positive", "check_finite",
           "check_str", "check_sequence", "check_record", "check_number_powers", "NUMBER",
           "MAX_COUNT"]


MAX_COUNT = 10**9  # chains, draws, warm-up steps: a larger count cannot be allocated (and means a typo)


def _short(value, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters (a huge input must not make a huge message)."""
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ in a user object
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_seed(seed, name: str = "seed", *, generator: bool = False):
    """``seed`` if it is None, a non-negative integer or a :class:`numpy.random.SeedSequence`
    (or, with ``generator=True``, a :class:`numpy.random.Generator`), else :class:`InputError`.

    >>> check_seed(None), check_seed(7)
    (None, 7)
    """
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return seed
    if generator and isinstance(seed, np.random.Generator):
        return seed
    if _is_int(seed) and seed >= 0:
        return int(seed)
    what = "None, a non-negative integer" + (", a numpy SeedSequence or a Generator" if generator
                                               else " or a numpy SeedSequence")
    raise InputError(f"{name} must be {what}, got {_short(seed)}")


def seed_sequence(seed, name: str = "seed") -> np.random.SeedSequence:
    """The :class:`numpy.random.SeedSequence` of a checked seed (fresh entropy for None).

    >>> seed_sequence(3).entropy
    3
    """
    seed = check_seed(seed, name)
    return seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)


def check_int(value, name: str, *, minimum: int = 1, maximum: int | None = None, allow_none: bool = False):
    """``int(value)`` if it is an integer in [minimum, maximum], else :class:`InputError`.

    >>> check_int(None, "warmup", minimum=0, allow_none=True) is None
    True
    >>> check_int(2.0, "draws")
    Traceback (most recent call last):
    ...
    rlct.errors.InputError: draws must be a positive integer, got 2.0
    """
    if value is None and allow_none:
        return None
    what = {0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer >= {minimum}")
    if not _is_int(value) or value < minimum:
        raise InputError(f"{name} must be {what}, got {_short(value)}")
    if maximum is not None and value > maximum:
        raise InputError(f"{name} must be at most {maximum}, got {_short(value)}")
    return int(value)


def check_number(value, name: str, *, minimum: float | None = None, positive: bool = False,
                 allow_none: bool = False, allow_inf: bool = False) -> float | None:
    """``float(value)`` if it is a real number (finite unless ``allow_inf``), positive or at
    least ``minimum`` when asked; else :class:`InputError`.

    >>> check_number(0.5, "k", positive=True)
    0.5
    >>> check_number(float("inf"), "k", positive=True)
    Traceback (most recent call last):
    ...
    rlct.errors.InputError: k must be a positive number, got inf
    """
    if value is None and allow_none:
        return None
    if positive:
        what = "positive" if allow_inf else "a positive number"
    else:
        what = "a number" if allow_inf else "a finite number"
        what += f" >= {minimum}" if minimum is not None else ""
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise InputError(f"{name} must be {what}, got {_short(value)}")
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be {what}, got {_short(value)}") from None
    if math.isnan(x) or (math.isinf(x) and not allow_inf) or (positive and not x > 0) \
            or (minimum is not None and not x >= minimum):
        raise InputError(f"{name} must be {what}, got {_short(value)}")
    return x


def check_positive(value, name: str, *, allow_none: bool = False) -> float | None:
    """``float(value)`` if it is a finite positive number, else :class:`InputError`.

    >>> check_positive(2, "n")
    2.0
    >>> check_positive(0, "n")
    Traceback (most recent call last):
    ...
    rlct.errors.InputError: n must be a positive number, got 0
    """
    return check_number(value, name, positive=True, allow_none=allow_none)


def check_finite(values, name: str, *, ndim: int | None = None, fix: str = "remove or impute those samples"
                 ) -> np.ndarray:
    """``values`` as a float array with ``ndim`` dimensions (when given) and only finite entries;
    else :class:`InputError` with the number of non-finite entries and the first position.

    >>> check_finite([1, 2], "y").tolist()
    [1.0, 2.0]
    """
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be an array of real numbers, got {_short(values)}") from None
    if ndim is not None and arr.ndim != ndim:
        raise InputError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        count = int(bad.sum())
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        where = first[0] if len(first) == 1 else first
        raise InputError(f"{name} has {count} non-finite value{'s' if count > 1 else ''} (NaN or inf), "
                         f"first at index {where}: {fix}")
    return arr


def check_str(value, name: str, *, allow_none: bool = False, allow_empty: bool = False) -> str | None:
    """``value`` if it is a (non-empty, unless ``allow_empty``) string, else :class:`InputError`.

    >>> check_str("fig", "label")
    'fig'
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string, got {type(value).__name__} {_short(value)}")
    if not allow_empty and not value.strip():
        raise InputError(f"{name} is empty")
    return value


def check_sequence(value, name: str, *, example: str = "", allow_str: bool = False) -> list:
    """``list(value)`` for a list, tuple or other iterable (not a string or a mapping unless
    allowed), else :class:`InputError` naming ``name`` with an ``example``.

    >>> check_sequence((1, 2), "widths")
    [1, 2]
    """
    hint = f", e.g. {example}" if example else ""
    if isinstance(value, (str, bytes)) and not allow_str or isinstance(value, Mapping) \
            or not hasattr(value, "__iter__"):
        raise InputError(f"{name} must be a list{hint}; got {type(value).__name__} {_short(value)}")
    return list(value)


NUMBER = "number"  # a type marker for check_record: int or float, not bool


def _type_ok(value, types) -> bool:
    for t in types:
        if t is NUMBER:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return True
        elif t is None:
            if value is None:
                return True
        elif isinstance(value, t) and not (t is int and isinstance(value, bool)):
            return True
    return False


def _type_names(types) -> str:
    names = {NUMBER: "a number", None: "null", str: "a string", int: "an integer", bool: "true/false",
             list: "a list", dict: "an object"}
    return " or ".join(names.get(t, getattr(t, "__name__", str(t))) for t in types)


def check_record(data, what: str, required: Mapping, optional: Mapping | None = None) -> dict:
    """``dict(data)`` if ``data`` is a mapping with every ``required`` key and only known keys,
    each value of one of its listed types (``str``, ``int``, ``bool``, ``list``, ``dict``,
    :data:`NUMBER`, ``None``); else :class:`InputError` naming ``what`` and the key.

    >>> check_record({"n": 3}, "a row", {"n": (int,)})
    {'n': 3}
    >>> check_record([], "report", {"rows": (list,)})
    Traceback (most recent call last):
    ...
    rlct.errors.InputError: not a valid report: expected a JSON object, got list
    """
    optional = optional or {}
    if not isinstance(data, Mapping):
        raise InputError(f"not a valid {what}: expected a JSON object, got {type(data).__name__}")
    missing = [k for k in required if k not in data]
    if missing:
        raise InputError(f"not a valid {what}: missing key{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(repr(k) for k in missing)}")
    unknown = [k for k in data if k not in required and k not in optional]
    if unknown:
        raise InputError(f"not a valid {what}: unknown key {unknown[0]!r} (known: "
                         f"{', '.join(list(required) + list(optional))})")
    for key, value in data.items():
        types = required.get(key, optional.get(key))
        if not _type_ok(value, types):
            raise InputError(f"not a valid {what}: {key!r} must be {_type_names(types)}, got {_short(value)}")
    return dict(data)


MAX_NUMBER_EXPONENT = 10_000  # a number raised to a larger power (10**10**10) would not finish evaluating


def _constant_value(node) -> float | None:
    """The float value of an expression made of number literals only (inf when it overflows);
    None when it contains a name or a call."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value) if abs(node.value) < 1e308 else math.inf
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _constant_value(node.operand)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        a, b = _constant_value(node.left), _constant_value(node.right)
        if a is None or b is None:
            return None
        ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
               ast.Div: lambda: a / b if b else math.inf, ast.Pow: lambda: abs(a) ** b}
        try:
            v = ops[type(node.op)]()
        except (OverflowError, ZeroDivisionError):
            return math.inf
        return v.real if isinstance(v, complex) else v
    return None


def check_number_powers(text: str, what: str) -> None:
    """Refuse a number raised to a power above :data:`MAX_NUMBER_EXPONENT` (``10**10**10``) before
    it is evaluated; text that does not parse as Python is left to the parser's own error.

    >>> check_number_powers("x**100 + 2**64", "K")
    >>> check_number_powers("10**10**10*x", "K")
    Traceback (most recent call last):
    ...
    rlct.errors.InputError: K: the number 10 is raised to the power 10 ** 10 (more than 10000): too large to evaluate
    """
    import ast

    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            base, exponent = _constant_value(node.left), _constant_value(node.right)
            if base is not None and exponent is not None and abs(base) > 1 and abs(exponent) > MAX_NUMBER_EXPONENT:
                raise InputError(f"{what}: the number {ast.unparse(node.left)} is raised to the power "
                                 f"{ast.unparse(node.right)} (more than {MAX_NUMBER_EXPONENT}): too large to evaluate")


def check_constant(expr, what: str) -> None:
    """Refuse a constant sympy expression that calls a function or is not a finite number, naming
    it (the caller then says that any other constant has no variables).

    >>> import sympy
    >>> check_constant(sympy.Integer(3), "K")
    >>> check_constant(sympy.nan, "K")
    Traceback (most recent call last):
    ...
    rlct.errors.InputError: not a polynomial: K = nan is not a finite number
    """
    import sympy

    calls = sorted(str(f) for f in expr.atoms(sympy.Function))
    if calls or expr.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise InputError(f"not a polynomial: {what} = {expr} " + (
            f"calls a function ({calls[0]}); a model is written with keywords, e.g. TwoLayerNetwork(H=2)"
            if calls else "is not a finite number"))
