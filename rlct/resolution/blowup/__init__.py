"""Blow-ups for Newton-degenerate K: exact (λ, m) where the Newton polyhedron is not enough.

The engine works on *problems*: ideal generators ``g_1..g_r`` (meaning K = Σ g_k²;
a K that is not a sum of squares is kept as one polynomial, "K mode") in
coordinates ``u``, with a monomial prior ``|u|^τ`` (the Jacobians of earlier
blow-ups included). A problem is either *local* (the RLCT at the origin) or a
*fibre* problem (the least RLCT over all points of the exceptional divisor
``{u_i = 0}`` of the last blow-up; the chart is one of several covering it).
The answer is ``min`` over the pieces of (λ, −m): λ is the least value and m the
largest multiplicity among the pieces attaining it (the zeta function is a sum
over the pieces; Watanabe 2009, §3.4).

Layout (every rule exact: rational arithmetic, flint, z3's complete real arithmetic):

================================  ==================================================
:mod:`.problems`                  problems and the monomial arithmetic rules share
:mod:`.rules.domain`              a domain's corner: restrictions a sign flip makes irrelevant
                                  dropped, the rest folded open (``u ↦ u²``)
:mod:`.rules.normalise`           1 normalise, 2 coordinate changes
:mod:`.rules.dominant`            3 integrate out a lonely variable, 4 a dominant generator
:mod:`.rules.newton`              5 Newton non-degeneracy (local problems)
:mod:`.rules.fibre`               6 factor arrangement, 7 finitely many bad points (fibres)
:mod:`.engine`                    the search, memo and budget; 8 blow up; lower bounds
:mod:`.certificate`               :class:`BlowupChart`, :class:`BlowupResolution`
================================  ==================================================
"""

from .certificate import BlowupChart, BlowupResolution
from .engine import blowup_resolution, resolve

__all__ = ["BlowupChart", "BlowupResolution", "blowup_resolution", "resolve"]
