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

from . import known, models
from .api import rlct
from .errors import InputError, NotApplicable, RLCTError, Undecided
from .polynomial import Polynomial, as_polynomial
from .report import Report, Table, compare, table
from .result import RLCT

__version__ = "0.1.0"

__all__ = ["rlct", "RLCT", "compare", "Report", "table", "Table", "known", "models", "Polynomial", "as_polynomial",
           "RLCTError", "InputError", "NotApplicable", "Undecided", "__version__"]
