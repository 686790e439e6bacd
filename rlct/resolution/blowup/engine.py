"""The blow-up engine: the search over problems, and rule 8 (blow up).

:class:`Engine` solves a problem (:class:`~rlct.resolution.blowup.problems.Prob`) by
the first rule that applies (:mod:`.rules`), memoised up to a permutation of the
variables, and otherwise

8. *blows up* the origin of a local problem (the coordinates K involves): chart
   ``i`` is ``u_j ↦ u_i u_j`` (``j ≠ i``), with Jacobian ``u_i^{n−1}``; each chart is
   a fibre problem along ``{u_i = 0}``. When that leaves charts open, it blows up a
   coordinate subspace instead, one along whose complement the ideal is
   homogeneous (e.g. the b-subspace of Σ a_h b_h^{2k−1}, which is linear in a;
   Watanabe's route for these networks), and keeps the better attempt.

When the charts do not decide, a *lower bound* comes from a sub-ideal J (a subset
of the generators: K_J ≤ K, so λ_J ≤ λ, and m ≤ m_J at equality) or from
λ ≥ 1/ord₀(K); if it meets the charts' upper bound in λ and m, (λ, m) is decided.
Whatever no rule decides within the budget is an *open* chart with an upper bound
(a Newton bound at one of its points), and the result is not exact.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import time
from fractions import Fraction

from ... import real
from ...newton.polyhedron import NewtonPolyhedron
from ...errors import InputError
from ...polynomial import Polynomial
from ...problem import Problem, order_bound, prepare
from .certificate import EXACT, OPEN, BlowupChart, BlowupResolution, Value, combine
from .problems import (OutOfTime, Prob, ideal_symmetries, orbits, sign_normal, subspace_centres, symmetries,
                       variable)
from .rules.domain import open_corner
from .rules.dominant import DominantRules
from .rules.fibre import FibreRules
from .rules.newton import NewtonRule
from .rules.normalise import NormaliseRules
from .rules.theorems import AOYAGI_2010, TheoremRules, aoyagi_value, odd_vandermonde


QUICK_BOUND_SECONDS_PER_PRODUCT = 2e-6   # the cost model of Engine.quick_bound's K = Σ g² (generous)
THEOREM_TRY_SECONDS = 5.0  # blow-ups alone first on an ideal a theorem resolves (tanh H = 4 takes ~2 s)

class Engine(TheoremRules, NormaliseRules, DominantRules, NewtonRule, FibreRules):
    """The search: solve a problem by the first rule that applies, blow up otherwise,
    and record every leaf as a :class:`BlowupChart`."""

    def __init__(self, seconds, max_charts, max_depth, timeout, known=None, theorems=False):
        self.start = time.perf_counter()
        self.theorems = theorems  # rule 0 (rules/theorems.py): cited closed forms for recognised ideals
        self.deadline = self.start + seconds
        # exact values by problem key, shared with the lower-bound engines (values only: their
        # charts are not part of the certificate)
        self.known = {} if known is None else known
        self.max_charts = max_charts
        self.max_depth = max_depth
        self.timeout = timeout
        self.leaves: list = []
        self.memo: dict = {}
        self.blowups = 0
        self.memo_hits = 0
        # images of charts under a symmetry (:meth:`_image`): listed, but not counted against
        # max_charts (like a memo hit, they cost no search); kept alive so that ids stay unique
        self.copies: list = []
        self.copy_ids: set = set()
        self.copied = 0  # how many of self.leaves are such images
        self.depth = 0
        self.out_of_budget = False
        self.values_only = False  # a side search whose charts are not reported: reuse `known` values

    def step_timeout(self) -> float:
        """Seconds for one exact decision (z3, a Gröbner basis): the per-step
        ``timeout``, but no more than half of what is left of the budget (at least 0.05 s):
        :func:`rlct.real.real_zeros` may take two such steps."""
        return min(self.timeout, max(0.05, (self.deadline - time.perf_counter()) / 2))

    def check_time(self):
        """Raise :class:`OutOfTime` once the deadline has passed (called in the rules' inner loops)."""
        if time.perf_counter() > self.deadline:
            self.out_of_budget = True
            raise OutOfTime

    def past(self) -> bool:
        """Whether the deadline has passed (for optional searches that stop with what they have)."""
        return time.perf_counter() > self.deadline

    def over(self) -> bool:
        if time.perf_counter() > self.deadline or len(self.leaves) - self.copied >= self.max_charts:
            self.out_of_budget = True
            return True
        return False

    def leaf(self, prob: Prob, val: Value, method: str, detail: str = "") -> Value:
        where = "at the origin" if prob.fibre is None else f"along {{{prob.variables[prob.fibre]} = 0}}"
        self.leaves.append(BlowupChart(
            index=len(self.leaves) + 1, steps=prob.steps, variables=prob.variables, generators=prob.gens,
            mode=prob.mode, tau=prob.tau, where=where, status=EXACT if val.exact else OPEN,
            lambda_=val.lam if val.exact else None, multiplicity=val.m if val.exact else None,
            upper_bound=val.lam if val.exact else val.ub, method=method, detail=detail, auxiliary=prob.auxiliary,
            shift=prob.shift))
        self.depth = max(self.depth, prob.depth)
        return val

    def open(self, prob: Prob, reason: str) -> Value:
        ub, ubm = self.quick_bound(prob)
        if not self.past():  # a generic point of the divisor may bound λ better than the chart's origin
            try:
                lp = self.linear_point_bound(prob)
            except Exception:  # pragma: no cover - a bound is optional
                lp = None
            if lp is not None and (ub is None or (lp[0], -lp[1]) < (ub, -ubm)):
                ub, ubm = lp
                reason += f"; λ <= {ub} at a generic point of the divisor (a linear change of coordinates there)"
        return self.leaf(prob, Value(None, 0, False, ub, ubm), "open", reason)

    def quick_bound(self, prob: Prob):
        """An upper bound: the Newton bound at the origin of the chart (a point of it); none
        once the deadline has passed, or when building K = Σ g² alone would take most of the
        time left (it cannot be interrupted; ~1.5 µs per product of terms was measured, tanh H = 7:
        6·10⁶ products, 8.5 s)."""
        left = self.deadline - time.perf_counter()
        if left <= 0 or QUICK_BOUND_SECONDS_PER_PRODUCT * sum(len(g.terms) for g in prob.gens) ** 2 > left / 2:
            return None, 1
        try:
            K = prob.K
            if K.coefficient((0,) * K.nvars):
                return None, 1
            D = NewtonPolyhedron(K).distance(prob.tau)
            return 1 / D.t, D.codimension
        except Exception:  # pragma: no cover - a bound is optional
            return None, 1

    def key(self, prob: Prob):
        d = prob.d

        def sig(j):
            col = sorted(tuple(sorted((e[j], str(abs(c))) for e, c in g.terms.items())) for g in prob.gens)
            return (str(prob.tau[j]), prob.fibre == j, tuple(col))

        sigs = [sig(j) for j in range(d)]
        order = sorted(range(d), key=lambda j: sigs[j])
        groups = [list(g) for _, g in itertools.groupby(order, key=lambda j: sigs[j])]
        count = 1
        for g in groups:
            for k in range(2, len(g) + 1):
                count *= k
        if count > 720:
            perms = [order]
        else:
            perms = [list(itertools.chain(*c)) for c in itertools.product(*[itertools.permutations(g) for g in groups])]
        best = None
        for perm in perms:
            self.check_time()
            # terms ordered by exponent, generators by exponents and |coefficients|; then signs
            gens = sorted((tuple(sorted((tuple(e[j] for j in perm), c) for e, c in g.terms.items()))
                           for g in prob.gens), key=lambda t: [(e, abs(c)) for e, c in t])
            gens = sign_normal(gens, d, prob.mode == "ideal")
            rep = (prob.mode, tuple(prob.tau[j] for j in perm),
                   None if prob.fibre is None else perm.index(prob.fibre), gens)
            if best is None or repr(rep) < repr(best):
                best = rep
        return repr(best)

    def solve(self, prob: Prob) -> Value:
        if self.over():
            return self.open(prob, "budget exhausted")
        try:
            return self._solve(prob)
        except OutOfTime:
            return self.open(prob, "budget exhausted")

    def _solve(self, prob: Prob) -> Value:
        prob = self.normalise(prob)
        if prob is None:
            return Value.none()
        if isinstance(prob, Value):
            return prob
        k = self.key(prob)
        if self.values_only and k in self.known:
            return self.known[k]
        if k in self.memo:
            self.memo_hits += 1
            val, idx = self.memo[k]
            return self.leaf(prob, val, "same as an earlier chart up to renaming variables",
                             (f"chart {idx}" if idx else "") + " (renaming, u ↦ −u and g ↦ −g keep λ and m)")
        first = len(self.leaves) + 1
        val = self.local(prob) if prob.fibre is None else self.fibre(prob)
        self.memo[k] = (val, first if len(self.leaves) >= first else None)
        if val.exact:
            self.known[k] = val
        return val

    def local(self, prob: Prob) -> Value:
        """A local problem: first with the triangular basis; when that changes the
        generators and leaves charts open, also with the generators as given (each
        basis suits some ideals: the triangular one tanh H = 3, the given one
        <a1 b1 + a2 b2, a1 b1² + a2 b2²>), keeping the better attempt."""
        v = self.theorem(prob)  # rule 0: an ideal a cited theorem resolves (off unless asked for)
        if v is not None:
            return v
        tri = self.triangular(prob)
        if tri is prob:
            return self._local(prob)
        start, memo_start = len(self.leaves), len(self.memo)
        val = self._local(tri, prob.gens)
        if val.exact or self.over():
            return val
        first = self.leaves[start:]
        self._rollback(start, memo_start)
        alt = self._local(prob)
        if alt.exact or (alt.ub is not None and (val.ub is None or alt.ub < val.ub)):
            return alt
        self._rollback(start, memo_start)
        self.leaves += first
        self._recount()
        return val

    def first_rules(self, prob: Prob):
        """Coordinate changes, then the rules that need no blow-up and hold both
        locally and along a divisor: ``(problem, value or None)``."""
        prob = self.improve(prob, self.factors)
        if isinstance(prob, Value):
            return prob, prob
        for rule in (self.lonely, self.dominant):
            v = rule(prob)
            if v is not None:
                return prob, v
        return prob, None

    def _local(self, prob: Prob, same=None) -> Value:
        """Rules, Newton, a coordinate change, then blow-ups; ``same``: other generators of
        the same ideal (the given ones, before :meth:`triangular`), whose symmetries
        (:func:`symmetries`) are those of the ideal while the rules change nothing."""
        given = prob
        prob, v = self.first_rules(prob)
        if v is not None:
            return v
        res = self.newton(prob)
        if res[0] == "exact":
            return self.leaf(prob, res[1], res[2], res[3])
        # a degenerate face polynomial with a factor c·u_k + q: try making it a
        # coordinate; keep the change only if Newton then decides
        faces = res[4]
        cands = [f for fp in faces for f, _ in fp.factor()[1]]
        for new in self.substitution(prob, cands):
            new = self.normalise(new)
            if new is None or isinstance(new, Value):
                return new or Value.none()
            res = self.newton(new)
            if res[0] == "exact":
                return self.leaf(new, res[1], res[2], res[3])
        if prob.depth >= self.max_depth:
            return self.open(prob, f"depth limit {self.max_depth} reached")
        start, memo_start = len(self.leaves), len(self.memo)
        perms = symmetries(same if (same is not None and prob is given) else prob.gens, prob.tau, stop=self.past)
        val = self.blow_up(prob, perms=perms)
        if val.exact:
            return val
        # the point blow-up left charts open: try the coordinate subspaces that are
        # valid centres, keeping whichever attempt is better
        for S in subspace_centres(prob):
            if self.over():
                break
            first = self.leaves[start:]
            self._rollback(start, memo_start)
            alt = self.blow_up(prob, S, perms)
            if alt.exact or (alt.ub is not None and (val.ub is None or alt.ub < val.ub)):
                val = alt
                if alt.exact:
                    break
                first = self.leaves[start:]
            self._rollback(start, memo_start)
            self.leaves += first
        self._recount()
        return val

    def _rollback(self, start, memo_start):
        """Forget the charts (and memo entries, which point at them) after ``start``."""
        del self.leaves[start:]
        self._recount()
        for k in list(self.memo)[memo_start:]:
            del self.memo[k]

    def blow_up(self, prob: Prob, centre=None, perms=()) -> Value:
        """Blow up the origin, or the coordinate subspace ``{u_j = 0 : j in centre}``:
        chart ``i`` (i in the centre) is ``u_j ↦ u_i u_j`` for the other j in the
        centre, with Jacobian ``u_i^{s−1}`` (s = size of the centre); each chart is a
        fibre problem along ``{u_i = 0}``. A subspace is used only when the problem
        is homogeneous in the coordinates outside it (:func:`subspace_centres`), so
        that no point of the divisor is worse than those over the origin.

        ``perms``: symmetries of the problem (:func:`symmetries`: they keep the ideal and
        the prior); one mapping the centre onto itself lifts to the blow-up and maps chart
        ``i`` onto chart ``perm[i]`` with its divisor, ideal and prior·Jacobian, so only
        one chart of each orbit is solved."""
        self.blowups += 1
        d = prob.d
        names = prob.variables
        S = list(range(d)) if centre is None else list(centre)
        total = sum(Fraction(prob.tau[j]) for j in S) + len(S) - 1
        rep = orbits(S, perms)
        solved = {}
        vals = []
        what = "at 0" if len(S) == d else "along {" + ", ".join(names[j] for j in range(d) if j not in S) + " free}"

        def chart(i, step):
            subs = [variable(names[j], names) * (variable(names[i], names) if j != i and j in S else 1) for j in range(d)]
            tau = tuple(total if j == i else prob.tau[j] for j in range(d))
            return prob.child(tuple(g.compose(subs, names) for g in prob.gens), tau, i, step)

        for i in S:
            maps = ", ".join(f"{names[j]} ↦ {names[i]}*{names[j]}" for j in S if j != i)
            step = f"blow up ({', '.join(names[j] for j in S)}) {what}, chart {names[i]}: {maps}"
            vals.append(self._piece(i, rep, solved, prob, step, lambda i=i, step=step: chart(i, step)))
        return combine(vals)

    def _piece(self, key, rep, solved, prob: Prob, step: str, child) -> Value:
        """Solve one piece of ``prob`` (a chart, a point of a fibre) — or, when a symmetry maps an
        already solved piece onto it (``rep[key] = (representative, perm)``), record the images of
        that piece's charts (:meth:`_image`). ``child()`` builds the piece only when it is solved."""
        r, perm = rep.get(key, (key, None))
        if r != key and r in solved and not self.over():
            self.memo_hits += 1  # a repeated piece, found by the symmetry rather than the memo
            self._image(solved[r][1], perm, len(prob.steps), step, prob.variables)
            return solved[r][0]
        start = len(self.leaves)
        val = self.solve(child())
        solved[key] = (val, self.leaves[start:])
        return val

    def _image(self, charts, perm, prefix: int, step: str, names):
        """Record the images of ``charts`` (one chart of a blow-up and its pieces) under the
        symmetry ``u_j ↦ u_perm[j]``: the same generators and prior in renamed variables,
        whose first ``prefix`` steps are shared and whose next step is this chart's ``step``."""
        ren = {names[j]: names[perm[j]] for j in range(len(names))}
        pat = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(re.escape(n) for n in sorted(ren, key=len, reverse=True))
                         + r")(?![A-Za-z0-9_])")

        def sub(text):
            return pat.sub(lambda m: ren[m.group(1)], text)

        for c in charts:
            var = tuple(ren.get(v, v) for v in c.variables)
            steps = c.steps[:prefix] + (step,) + tuple(sub(t) for t in c.steps[prefix + 1:])
            self.leaves.append(image := dataclasses.replace(
                c, index=len(self.leaves) + 1, steps=steps, variables=var,
                generators=tuple(Polynomial.from_terms(g.terms, var) for g in c.generators),
                where=sub(c.where), detail=sub(c.detail) + " (by a symmetry of the ideal and prior: "
                + ", ".join(f"{a} ↦ {b}" for a, b in ren.items() if a != b) + ")"))
            self.copies.append(image)
            self.copy_ids.add(id(image))
            self.copied += 1

    def _recount(self):
        """Recount the images among the charts (after charts were dropped or restored)."""
        self.copied = sum(1 for c in self.leaves if id(c) in self.copy_ids)

    def fibre(self, prob: Prob) -> Value:
        prob, v = self.first_rules(prob)
        if v is not None:
            return v
        if prob.mode == "ideal":
            v = self.separable(prob)
            if v is not None:
                return v
            v = self.arrangement(prob)
            if v is not None:
                return v
        return self.bad_points(prob)

    def at_points(self, prob: Prob, points, why: str | None = None) -> list:
        """Solve the local problems at ``points`` of a fibre (translated to the origin;
        the prior's factors that are units there dropped)."""
        names, d = prob.variables, prob.d
        points = [tuple(p) for p in points]
        rep = self._point_orbits(prob, points)
        solved = {}
        vals = []
        for p in points:
            if self.over():
                vals.append(self.open(prob, "budget exhausted"))
                break
            where = ", ".join(f"{names[j]} ↦ {names[j]} {'+' if p[j] > 0 else '-'} {abs(p[j])}"
                              for j in range(d) if p[j]) or "at the origin of the chart"
            step = f"{why}: {where}" if why else where

            def child(p=p, step=step):
                if not any(p):
                    return prob.child(prob.gens, prob.tau, None, step)
                return prob.child(tuple(g.shift(p) for g in prob.gens),
                                  tuple(0 if p[j] else prob.tau[j] for j in range(d)), None, step)

            vals.append(self._piece(p, rep, solved, prob, step, child))
        return vals

    def _point_orbits(self, prob: Prob, points) -> dict:
        """``{point: (representative, perm)}`` for points that a symmetry of the problem
        (:func:`ideal_symmetries`: a permutation of the variables keeping the ideal and the
        prior) maps onto one another: their local problems are images of each other."""
        if len(points) < 3:
            return {}
        where = set(points)

        def act(perm, p):
            q = [None] * len(p)
            for j, x in enumerate(p):
                q[perm[j]] = x
            return tuple(q)

        perms = ideal_symmetries(prob.gens, prob.tau,
                                 lambda perm: any(act(perm, p) != p and act(perm, p) in where for p in points),
                                 stop=self.past)
        return orbits(points, perms, act, prob.d)

    def zeros_on_fibre(self, prob: Prob, system):
        """The common real zeros of ``system`` on the divisor ``{u_i = 0}``: a finite
        list of rational points, or None (positive-dimensional, irrational or undecided)."""
        i = prob.fibre
        on = [Polynomial.from_terms({e: c for e, c in p.terms.items() if e[i] == 0}, p.variables) for p in system]
        on = [p for p in on if not p.is_zero()]
        if not on:
            return None
        return real.real_zeros(on, fix_zero=[i], timeout=self.step_timeout())


def blowup_resolution(K=None, *, ideal=None, at=None, prior=None, domain=None, variables=None,
                      seconds: float = 60.0, max_charts: int = 2000, max_depth: int = 6,
                      timeout: float = 5.0, theorems: bool = False) -> BlowupResolution:
    """Resolve a (possibly Newton-degenerate) K by blow-ups and read off (λ, m).

    Parameters
    ----------
    K, ideal, at, prior, domain, variables
        As for :func:`rlct.rlct`. A domain with a corner is first folded open
        (:mod:`.rules.domain`: ``u ↦ u²`` on the restricted coordinates; chart 1's steps say so).
    seconds, max_charts, max_depth : budget
        Every run ends: what is left when the budget runs out is reported as
        open charts, and the result is not exact.
    timeout : float
        Seconds per z3 decision.
    theorems : bool
        Also close a local problem whose ideal a cited theorem resolves (rule 0,
        :mod:`.rules.theorems`: Aoyagi's Vandermonde-type ideal of the tanh networks)
        as a chart with method ``"theorem"``. Off by default here: this function
        resolves; :func:`rlct.rlct` turns it on.

    Returns
    -------
    BlowupResolution
        ``exact`` with (λ, m) when every chart is decided; otherwise the best
        upper bound and the open charts.

    Examples
    --------
    >>> from rlct.resolution import blowup_resolution
    >>> R = blowup_resolution("(w1 + w2)**2 + w2**4")      # Lin 2011, Remark 4.19
    >>> R.exact, R.lambda_, R.multiplicity
    (True, Fraction(3, 4), 1)
    >>> print(R.charts[0])
    chart 1: w1 ↦ w1 - w2
        K = w1**2 + w2**4, prior·Jacobian 1, at the origin: λ = 3/4, m = 1 [newton: non-degenerate; t = 4/3, principal face of codimension 1]
    >>> R = blowup_resolution(ideal=["a1*b1 + a2*b2", "a1*b1**3 + a2*b2**3"])   # tanh, H = 2
    >>> R.lambda_, R.multiplicity
    (Fraction(2, 3), 1)
    """
    return resolve(prepare(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables),
                   seconds=seconds, max_charts=max_charts, max_depth=max_depth, timeout=timeout, theorems=theorems)


def resolve(problem: Problem, *, seconds: float = 60.0, max_charts: int = 2000, max_depth: int = 6,
            timeout: float = 5.0, theorems: bool = False) -> BlowupResolution:
    """:func:`blowup_resolution` of a prepared problem (:func:`rlct.problem.prepare`)."""
    for name, val in (("seconds", seconds), ("timeout", timeout)):
        if not isinstance(val, (int, float)) or isinstance(val, bool) or not val > 0:
            raise InputError(f"{name} must be a positive number of seconds, got {val!r}")
    for name, val in (("max_charts", max_charts), ("max_depth", max_depth)):
        if not isinstance(val, int) or isinstance(val, bool) or val < 1:
            raise InputError(f"{name} must be a positive integer, got {val!r}")
    cited = (odd_vandermonde(problem.generators, problem.tau)
             if theorems and problem.generators is not None and not problem.has_boundary else None)
    if cited is None:
        return _resolve(problem, seconds, max_charts, max_depth, timeout, theorems)
    # an ideal a theorem resolves (rule 0): blow-ups first, briefly, for a certificate that does not
    # rest on the paper (and a check of it); the theorem when they do not decide in time
    start = time.perf_counter()
    first = _resolve(problem, min(THEOREM_TRY_SECONDS, seconds / 4), max_charts, max_depth, timeout, False)
    lam, m, _ = aoyagi_value(cited[0])
    lo, up = first.lower_bound, first.upper_bound
    if first.exact and (first.lambda_, first.multiplicity) == (lam, m):
        return first
    # λ ≤ up with m ≥ upper_bound_multiplicity when λ = up (a point's value bounds the least over points)
    if not first.exact and (lo is None or lo <= lam) and (up is None or lam < up or (
            lam == up and m >= (first.upper_bound_multiplicity or 1))):
        second = _resolve(problem, max(seconds - (time.perf_counter() - start), 0.05), max_charts, max_depth,
                          timeout, True)
        if not second.exact or not any(c.method == "theorem" for c in second.charts):
            return second  # pragma: no cover - the root is recognised: rule 0 closes it unless blow-ups do
        tight = "; the charts prove λ <= this value themselves, the theorem λ >= it" if lam == up else ""
        return dataclasses.replace(second, lower_bound_reason=(
            f"{AOYAGI_2010}; blow-ups alone gave {'?' if lo is None else lo} <= λ <= {'?' if up is None else up} "
            f"in {first.seconds:.1f} s (consistent{tight})"))
    found = (f"({first.lambda_}, {first.multiplicity})" if first.exact
             else f"{'?' if lo is None else lo} <= λ <= {'?' if up is None else up}")
    return dataclasses.replace(  # pragma: no cover - one of the two is wrong: never report either as exact
        first, exact=False, lambda_=None, multiplicity=None, lower_bound=None, lower_bound_reason=None,
        upper_bound=first.lambda_ if first.exact else up, upper_bound_multiplicity=None,  # the charts' bound only
        reason=f"the blow-ups give {found} but {AOYAGI_2010} gives ({lam}, {m}) for this ideal: "
               f"one of them is wrong (please report this)")


def _resolve(problem: Problem, seconds, max_charts, max_depth, timeout, theorems) -> BlowupResolution:
    Kl = problem.polynomial
    end = time.perf_counter() + seconds
    several = problem.generators is not None and len(problem.generators) > 1
    # with several generators a share of the budget is kept for the sub-ideal lower bound
    reserve = min(0.5 * seconds, max(0.1 * seconds, 1.0)) if several else 0.0
    eng = Engine(seconds - reserve, max_charts, max_depth, timeout, theorems=theorems)
    lower = None
    root = Prob(tuple(problem.generators), "ideal", problem.tau, None) if problem.generators is not None \
        else Prob((Kl,), "K", problem.tau, None)
    if problem.has_boundary:  # the corner opened (rules/domain.py): same (λ, m), full neighbourhood
        gens, tau, steps = open_corner(root.gens, root.tau, problem.signs, root.mode)
        root = root.replace(gens=gens, tau=tau, steps=steps)
    val = eng.solve(root)
    eng, val = _deepen(eng, root, val, max_charts, timeout)
    reason = None
    if not val.exact:
        n = sum(1 for c in eng.leaves if not c.exact)
        reason = (f"{n} of {len(eng.leaves)} charts open"
                  + (" (budget exhausted)" if eng.out_of_budget else ""))
        lower = _lower_bound(root, Kl, end, max_charts, max_depth, timeout, eng.known, theorems)
        if (lower is not None and val.ub is not None and lower[0] == val.ub and lower[1] is not None
                and lower[1] == val.ubm):
            # λ_J = ub and m_J = the multiplicity at the bound: (λ, m) is squeezed
            val = Value(val.ub, val.ubm, True, val.ub, val.ubm)
            reason = None
            lower = (lower[0], lower[1], lower[2] + f"; it equals the upper bound ({val.ubm} at λ = {val.ub} "
                                                     f"from the charts), so (λ, m) = ({val.ub}, {val.ubm})")
    exact = val.exact and val.lam is not None
    if exact and lower is None:
        lower = (val.lam, val.m, None)  # λ itself; the charts are the proof
    return BlowupResolution(
        polynomial=Kl, tau=problem.tau, charts=tuple(eng.leaves), exact=exact,
        lambda_=val.lam if val.exact else None, multiplicity=val.m if val.exact else None,
        upper_bound=val.lam if val.exact else val.ub,
        upper_bound_multiplicity=val.m if val.exact else (val.ubm if val.ub is not None else None),
        blowups=eng.blowups, depth=eng.depth, memo_hits=eng.memo_hits, reason=reason,
        seconds=time.perf_counter() - eng.start, coordinates=problem.coordinates,
        lower_bound=lower[0] if lower else None, lower_bound_reason=lower[2] if lower else None)


def _deepen(eng: Engine, root: Prob, val: Value, max_charts, timeout):
    """While charts are open only for the depth limit and the engine's deadline is not
    reached, search again two levels deeper; keep the better attempt: ``(engine, value)``.
    (The deeper search shares ``known`` but does not read it: a certificate needs every
    chart, and ``known`` holds values only, so each pass searches from the root.)"""
    while (not val.exact and not eng.out_of_budget and eng.max_depth < 12
           and any(c.method == "open" and c.detail.startswith("depth limit") for c in eng.leaves)):
        left = eng.deadline - time.perf_counter()
        if left <= 0:
            break
        deeper = Engine(left, max_charts, eng.max_depth + 2, timeout, known=eng.known, theorems=eng.theorems)
        v = deeper.solve(root)
        if v.exact or (v.ub is not None and (val.ub is None or v.ub < val.ub)):
            eng, val = deeper, v
        else:
            eng.out_of_budget = eng.out_of_budget or deeper.out_of_budget
            eng.max_depth = deeper.max_depth
    return eng, val


def _lower_bound(root: Prob, K: Polynomial, end, max_charts, max_depth, timeout, known=None, theorems=False):
    """A proven lower bound on λ: ``(λ_J, m_J, why)`` or None.

    A sub-ideal J ⊆ I (a subset of the generators) has K_J ≤ K, hence λ_J ≤ λ
    and, when they are equal, m ≤ m_J. Single generators and all-but-one subsets
    are tried until ``end`` (a ``time.perf_counter()`` value), each with a share of what
    is left; exact values of sub-problems are shared through ``known``. Without generators (or when
    none is decided), λ ≥ lct_C(K) ≥ 1/ord₀(K) for a prior with nonnegative
    exponents (the real threshold is at least the complex one, Saito 2007; the
    complex one is at least 1/multiplicity, Kollár, "Singularities of pairs" 1997, §8)."""
    best = None
    if root.mode == "ideal" and len(root.gens) > 1:
        r = len(root.gens)
        subsets = [(k,) for k in range(r)]
        if r >= 3:
            subsets += [tuple(j for j in range(r) if j != k) for k in range(r)]
        known = {} if known is None else known
        for n, ks in enumerate(subsets):
            left = end - time.perf_counter()
            if left <= 0.01:
                break
            eng = Engine(left / min(len(subsets) - n, 3), max_charts, max_depth, timeout, known=known,
                         theorems=theorems)
            eng.values_only = True
            v = eng.solve(root.replace(gens=tuple(root.gens[k] for k in ks)))
            if v.exact and v.lam is not None and (best is None or (v.lam, -v.m) > (best[0], -best[1])):
                names = ", ".join(f"g{k + 1}" for k in ks)
                best = (v.lam, v.m, f"λ(<{names}>) = {v.lam} (m = {v.m}) by blow-ups; a sub-ideal has K_J ≤ K, "
                                    f"so λ ≥ {v.lam}")
    if best is None and all(Fraction(t) >= 0 for t in root.tau):
        lam, why = order_bound(K)
        best = (lam, None, why)
    return best
