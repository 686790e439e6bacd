"""rlct: exact and numeric learning coefficients for singular learning theory.

The top-level :func:`rlct` returns the real log canonical threshold λ and its
multiplicity m of a KL divergence K (or of a model from :mod:`rlct.models`) at a
true parameter, exactly, with a certificate; :mod:`rlct.newton` holds Newton
polyhedra and real non-degeneracy, :mod:`rlct.resolution` toric and blow-up
resolutions, :mod:`rlct.known` the closed forms of the literature,
:mod:`rlct.numeric` samplers and estimators of λ̂. :func:`compare` puts the exact
value next to sampler estimates; :func:`table` makes tables for lecture notes.

>>> import rlct
>>> rlct.rlct("(w1*w2)**2 + w3**2*w4**4")
RLCT(λ=3/4, m=2, exact, method='newton')
"""

from .api import rlct
from .decomposition import decompose
from .errors import InputError, NotApplicable, RLCTError, Undecided
from .polynomial import Polynomial, as_polynomial
from .result import RLCT

__version__ = "0.1.0"

# loaded on first use, so that ``import rlct`` does not pay for numpy, the models and the reports
_LAZY = {"known": (".known", None), "models": (".models", None), "compare": (".report", "compare"),
         "Report": (".report", "Report"), "table": (".report", "table"), "Table": (".report", "Table")}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        obj = importlib.import_module(module, __name__)
        value = getattr(obj, attr) if attr else obj
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rlct' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

__all__ = ["rlct", "decompose", "RLCT", "compare", "Report", "table", "Table", "known", "models", "Polynomial", "as_polynomial",
           "RLCTError", "InputError", "NotApplicable", "Undecided", "__version__"]
