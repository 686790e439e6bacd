"""Rule 5: the Newton polyhedron decides a local problem.

If every compact face is real non-degenerate (for ideals: the face ideals have no
zero on the torus; for one generator ``f``: ``f_γ`` has no singular point on the
torus, Lin 2011 Thm 4.18 with ``λ(f²) = 1/(2 t_τ(f))``), λ = 1/t and m = the
codimension of the principal face. The decision is :func:`rlct.newton.newton_decision`,
the same one :func:`rlct.rlct` uses.
"""

from __future__ import annotations

import time
from fractions import Fraction

from ....newton.nondegeneracy import DEGENERATE, NONDEGENERATE, newton_decision, run_checks
from ....newton.polyhedron import NewtonPolyhedron
from ....polynomial import format_polynomial
from ..certificate import Value
from ..problems import Prob


class NewtonRule:
    """Rule 5: the Newton polyhedron decides a local problem (mixed into the engine)."""

    def newton(self, prob: Prob):
        """("exact", val, method, detail) or ("open", bound, ..., degenerate face polynomials)."""
        K = prob.K
        P = NewtonPolyhedron(K)
        D = P.distance(prob.tau)
        if len(P.vertices) == 1:
            return ("exact", Value(1 / D.t, D.codimension, True, 1 / D.t, D.codimension), "monomial",
                    f"K = {format_polynomial({P.vertices[0]: K.coefficient(P.vertices[0])}, K.variables)} · unit")
        budget = max(0.05, min(20.0, self.deadline - time.perf_counter()))
        zero = (0,) * prob.d
        rep = newton_decision(P, prob.tau, generators=prob.gens if prob.mode == "ideal" else None, signs=zero,
                              timeout=self.step_timeout(), budget=budget).report
        if rep.status == NONDEGENERATE:
            return ("exact", Value(1 / D.t, D.codimension, True, 1 / D.t, D.codimension), "newton",
                    f"non-degenerate; t = {D.t}, principal face of codimension {D.codimension}")
        if prob.mode == "ideal" and len(prob.gens) == 1:
            f = prob.gens[0]
            Pf = NewtonPolyhedron(f)
            Df = Pf.distance(prob.tau)
            rf = run_checks(Pf, mode="singular", signs=zero, timeout=self.step_timeout(), budget=budget, first=(Df.face,))
            if rep.status == DEGENERATE and rf.status == NONDEGENERATE and 1 / (2 * Df.t) != Fraction(1, 2):
                # f changes sign: its smooth zeros on the torus give the pole 1/2 of
                # order 1; the toric divisors give 1/(2t) with the codimension.
                if 1 / (2 * Df.t) < Fraction(1, 2):
                    lam, m = 1 / (2 * Df.t), Df.codimension
                else:
                    lam, m = Fraction(1, 2), 1
                return ("exact", Value(lam, m, True, lam, m), "newton (f non-degenerate)",
                        f"K = f² with f = {f} non-degenerate (no singular point of a face polynomial on the torus); "
                        f"t(f) = {Df.t}, λ = min(1/(2t), 1/2)")
        faces = [c.face.polynomial for c in rep.checks if c.status == DEGENERATE]
        return ("open", 1 / D.t, D.codimension, None, faces)
