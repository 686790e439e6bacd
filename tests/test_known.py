"""Every row of the known-RLCT table (tests/data/known_rlcts.toml; sources cited there).

Rows the Newton method is entitled to decide must come back exact with the table's
(λ, m); rows marked ``newton_degenerate`` must come back not exact from
``method="newton"``, with an upper bound at least the true λ (and equal to the
table's ``newton_bound`` where given), and exact from the default (blow-ups).
"""

from fractions import Fraction

import pytest

import rlct
from conftest import known_table

CASES = known_table()["case"]


def _call(case, **kw):
    for key in ("prior", "domain", "at"):
        if key in case:
            kw[key] = case[key]
    if "ideal" in case:
        return rlct.rlct(ideal=case["ideal"], **kw)
    return rlct.rlct(case["K"], **kw)


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("newton_degenerate")], ids=lambda c: c["id"])
def test_newton_decides(case):
    r = _call(case)
    assert r.exact, r.reason
    assert r.method in ("monomial", "newton")
    assert (r.lambda_, r.multiplicity) == (Fraction(case["lambda"]), case["m"]), case["source"]
    assert r.certificate.check()
    lam, m = r
    assert lam == Fraction(case["lambda"])


@pytest.mark.parametrize("case", [c for c in CASES if c.get("newton_degenerate")], ids=lambda c: c["id"])
def test_degenerate_rows_are_not_exact(case):
    r = _call(case, method="newton")
    assert not r.exact
    assert r.lambda_ is None and r.multiplicity is None
    assert r.upper_bound >= Fraction(case["lambda"])
    if "newton_bound" in case:
        assert r.upper_bound == Fraction(case["newton_bound"])
    assert "degenerate" in r.reason
    with pytest.raises(rlct.Undecided):
        lam, m = r



@pytest.mark.parametrize("case", [c for c in CASES if c.get("newton_degenerate")], ids=lambda c: c["id"])
def test_degenerate_rows_decided_by_blowups(case):
    r = _call(case)
    assert r.exact, r.reason
    assert r.method == "blowup"
    assert (r.lambda_, r.multiplicity) == (Fraction(case["lambda"]), case["m"]), case["source"]
    assert r.certificate.exact and all(c.exact for c in r.certificate.charts)
