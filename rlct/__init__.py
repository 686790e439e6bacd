"""rlct: exact and numeric learning coefficients for singular learning theory.

The top-level :func:`rlct` returns the real log canonical threshold λ and its
multiplicity m of a KL divergence K at a true parameter, exactly, with a
certificate; :mod:`rlct.newton` holds Newton polyhedra and real
non-degeneracy.

>>> import rlct
>>> rlct.rlct("(w1*w2)**2 + w3**2*w4**4")
RLCT(λ=3/4, m=2, exact, method='newton')
"""

from .api import rlct
from .errors import InputError, NotApplicable, RLCTError, Undecided
from .polynomial import Polynomial, as_polynomial
from .result import RLCT

__version__ = "0.1.0"

__all__ = ["rlct", "RLCT", "Polynomial", "as_polynomial", "RLCTError", "InputError", "NotApplicable",
           "Undecided", "__version__"]
