"""Resolution of singularities: fans, toric charts, and blow-ups for degenerate K.

>>> from rlct.resolution import toric_resolution
>>> toric_resolution("w1**2*w2**2 + w1**4").lambda_
Fraction(1, 2)
"""

from .fan import Cone, Fan, normal_fan, primitive
from .blowup import BlowupChart, BlowupResolution, blowup_resolution
from .toric import Chart, Stratum, ToricResolution, toric_resolution

__all__ = ["Cone", "Fan", "normal_fan", "primitive", "Chart", "Stratum", "ToricResolution", "toric_resolution",
           "BlowupChart", "BlowupResolution", "blowup_resolution"]
