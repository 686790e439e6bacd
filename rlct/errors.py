"""One small error hierarchy, modelled on python-flint's.

``InputError`` means the input is wrong (it is a :class:`ValueError`);
``NotApplicable`` means a theorem's hypothesis fails for this input (it carries
the offending object); ``Undecided`` means a method ran out of budget or could
not decide, and says how far it got.

Examples
--------
>>> import rlct
>>> try:
...     rlct.rlct("sin(w1)")
... except rlct.InputError as e:
...     print(e)
not a polynomial: sin(w1) is not built from +, *, and non-negative integer powers
"""

from __future__ import annotations

__all__ = ["RLCTError", "InputError", "NotApplicable", "Undecided"]


class RLCTError(Exception):
    """Base class of every error raised by rlct."""


class InputError(RLCTError, ValueError):
    """The input is not valid: the message names the problem."""


class NotApplicable(RLCTError):
    """A method's hypothesis fails for this input (the message names which and why)."""


class Undecided(RLCTError):
    """A method could not decide (budget exhausted or result not exact).

    Attributes
    ----------
    progress : str or None
        How far the method got.
    result : object or None
        The partial result (for instance an RLCT with ``exact=False``).
    """

    def __init__(self, message: str, *, progress: str | None = None, result=None):
        super().__init__(message)
        self.progress = progress
        self.result = result
