"""Grid points of a sweep, their canonical JSON and their seeds (a point's seed is derived from the
point itself, so a run does not depend on the rest of the grid or the executor).

>>> product({"n": [10, 100], "rep": range(2)})
[{'n': 10, 'rep': 0}, {'n': 10, 'rep': 1}, {'n': 100, 'rep': 0}, {'n': 100, 'rep': 1}]
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..validate import check_int

__all__ = ["product", "point_seed", "canonical", "to_json", "check_seed", "seed_from_key", "grid_points"]



def to_json(obj):
    """``default=`` hook of :func:`json.dumps`: numpy scalars and arrays, fractions, paths."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"object of type {type(obj).__name__} is not JSON serialisable")


def canonical(point: Mapping) -> str:
    """The canonical JSON text of a point: sorted keys, no spaces; the point's identity."""
    if not isinstance(point, Mapping):
        raise InputError(f"a grid point must be a dict of parameter values; got {type(point).__name__}")
    for k in point:
        if not isinstance(k, str):
            raise InputError(f"parameter names must be strings; got {k!r} in {point!r}")
    try:
        return json.dumps(point, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False, default=to_json)
    except (TypeError, ValueError) as exc:
        raise InputError(f"grid point {point!r} is not JSON-representable: {exc}") from None


def check_seed(seed) -> int:
    """A sweep's base seed: a non-negative integer (it is mixed with each point's key)."""
    return check_int(seed, "seed", minimum=0)


def seed_from_key(key: str, seed: int) -> int:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
    words = tuple(int(w) for w in np.frombuffer(digest, dtype="<u4"))
    state = np.random.SeedSequence(seed, spawn_key=words).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def point_seed(point: Mapping, seed: int = 0) -> int:
    """The seed a sweep with base ``seed`` passes to ``run`` for ``point``.

    Parameters
    ----------
    point : dict
        A grid point: parameter name → JSON-representable value.
    seed : int, default 0
        The sweep's base seed (a non-negative integer).

    Returns
    -------
    int
        A 63-bit non-negative integer, for :func:`numpy.random.default_rng` or
        :class:`numpy.random.SeedSequence`.

    Raises
    ------
    InputError
        If the point is not a dict of JSON-representable values or the seed is not a
        non-negative integer.

    Notes
    -----
    The seed is the first 64-bit word (shifted right by one bit) of the
    :class:`numpy.random.SeedSequence` with entropy ``seed`` and spawn key the BLAKE2b-128
    digest (four 32-bit words) of the point's canonical JSON (sorted keys, no spaces). It
    depends only on the point and on ``seed``: adding points to a grid, reordering it or running
    it on another executor leaves every other point's seed unchanged. Values are compared as
    JSON text, so ``1`` and ``1.0`` are different points; a tuple and a list are the same.

    Examples
    --------
    >>> point_seed({"n": 100, "rep": 0}) == point_seed({"rep": 0, "n": 100})
    True
    >>> point_seed({"n": 100, "rep": 0}) != point_seed({"n": 100, "rep": 1})
    True
    >>> point_seed({"n": 100, "rep": 0}, seed=1) != point_seed({"n": 100, "rep": 0})
    True
    """
    return seed_from_key(canonical(point), check_seed(seed))


def product(params: Mapping[str, Any]) -> list[dict]:
    """All combinations of parameter values, as a list of dicts.

    Parameters
    ----------
    params : dict
        Parameter name → iterable of values. A string or a non-iterable value counts as a
        single value.

    Returns
    -------
    list of dict
        The Cartesian product in a stable order: keys in the order given, the last key
        varying fastest (the order of :func:`itertools.product`).

    Raises
    ------
    InputError
        If ``params`` is not a dict with string keys.

    Examples
    --------
    >>> product({"n": [10, 100], "rep": range(2)})
    [{'n': 10, 'rep': 0}, {'n': 10, 'rep': 1}, {'n': 100, 'rep': 0}, {'n': 100, 'rep': 1}]
    >>> product({"model": "tanh", "h": [1, 2]})
    [{'model': 'tanh', 'h': 1}, {'model': 'tanh', 'h': 2}]
    """
    if not isinstance(params, Mapping):
        raise InputError(f"params must be a dict of name -> values; got {type(params).__name__}")
    names, values = [], []
    for name, vals in params.items():
        if not isinstance(name, str):
            raise InputError(f"parameter names must be strings; got {name!r}")
        if isinstance(vals, (str, bytes)) or not isinstance(vals, Iterable) or isinstance(vals, Mapping):
            vals = [vals]
        names.append(name)
        values.append(list(vals))
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


def grid_points(grid) -> list[dict]:
    if isinstance(grid, Mapping):
        return product(grid)
    if isinstance(grid, (str, bytes)) or not isinstance(grid, Iterable):
        raise InputError("grid must be a dict of name -> values or a list of dicts; "
                         f"got {type(grid).__name__}")
    points = list(grid)
    for p in points:
        if not isinstance(p, Mapping):
            raise InputError(f"a list grid must hold dicts; got {type(p).__name__}: {p!r}")
    return [dict(p) for p in points]
