"""Newton polyhedra, τ-distances and real non-degeneracy (exact).

>>> from rlct.newton import NewtonPolyhedron
>>> NewtonPolyhedron("w1**2 + w2**2").distance().t
Fraction(1, 1)
"""

from .nondegeneracy import FaceCheck, NewtonDecision, NondegeneracyReport, check_face, newton_decision, nondegeneracy
from .polyhedron import Distance, DistanceCertificate, Face, Facet, NewtonPolyhedron

__all__ = [
    "NewtonPolyhedron", "Face", "Facet", "Distance", "DistanceCertificate",
    "nondegeneracy", "check_face", "FaceCheck", "NondegeneracyReport", "newton_decision", "NewtonDecision",
]
