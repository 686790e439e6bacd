"""Ready-made run functions for :func:`rlct.numeric.sweep.sweep` (module level, so they pickle
for process pools and Dask workers).

>>> from rlct.numeric.runs import llc_point
>>> out = llc_point({"model": "(w1*w2)**2", "n": 1000, "chains": 32, "draws": 200}, seed=0)
>>> sorted(out)
['ess', 'expected', 'expected_error', 'expected_method', 'flags', 'lambda', 'lambda_hat', 'nbeta', 'rhat', 'se', 'warnings']
"""

from __future__ import annotations

from functools import lru_cache

from ..errors import InputError
from .rows import RowTask, run_row

__all__ = ["llc_point"]


def llc_point(point: dict, seed: int) -> dict:
    """λ̂ (LLC at β = 1/log n) for one grid point.

    ``point`` keys: ``model`` (a model spec such as ``"TwoLayerNetwork(H=2)"`` or a polynomial
    K), ``n``; optional ``data`` ("population" default, or "sample"), ``sampler`` ("mala"),
    ``chains`` (200), ``draws`` (1000), ``expected`` (True: the finite-n value, quadrature for
    d ≤ 3, sequential Monte Carlo above, else first order from the catalogue's (λ, m)).

    Returns a dict of plain numbers: lambda_hat, se, nbeta, ess, rhat, expected, expected_error,
    expected_method, lambda (the exact or catalogue λ when known, as a string), warnings, flags
    (a flagged run's λ̂ is not a finding).
    """
    if "model" not in point or "n" not in point:
        raise InputError("a point needs 'model' and 'n'")
    target, is_model, lam_m = _target(str(point["model"]))
    task = RowTask(target=target, n=int(float(point["n"])), seeds=(seed,), data_seed=seed + 1,
                   mode=point.get("data", "population"), sampler=point.get("sampler", "mala"),
                   chains=int(point.get("chains", 200)), draws=int(point.get("draws", 1000)),
                   expected=bool(point.get("expected", True)), lam_m=lam_m)
    row = run_row(task)[0]
    return {"lambda_hat": row.value, "se": row.se, "nbeta": row.nbeta, "ess": row.ess, "rhat": row.rhat,
            "expected": row.expected, "expected_error": row.expected_error, "expected_method": row.expected_method,
            "lambda": str(lam_m[0]) if lam_m else None, "warnings": list(row.warnings), "flags": list(row.flags)}


@lru_cache(maxsize=32)
def _target(spec: str):
    """(target, is_model, (λ, m) or None) for a spec, computed once per process: the catalogue's
    value for a model, the exact engine's for a polynomial K."""
    from ..models import MODELS, from_spec

    if spec.split("(", 1)[0].strip() in MODELS:
        model = from_spec(spec)
        known = model.known()
        return model, True, (known.lambda_, known.multiplicity) if known is not None and known.exact else None
    from .. import api
    from ..polynomial import as_polynomial

    K = as_polynomial(spec)
    r = api.rlct(K, budget=30)
    return K, False, (r.lambda_, r.multiplicity) if r.exact else None
