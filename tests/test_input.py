"""Bad input gets a clear rlct.InputError naming the problem (never a traceback from sympy)."""

from fractions import Fraction

import pytest
import sympy

import rlct
import rlct.problem
from rlct import InputError, NotApplicable


@pytest.mark.parametrize(
    "K, fragment",
    [
        ("sin(w1)", "not a polynomial"),
        ("1/w1", "not a polynomial"),
        ("w1**-2", "not a polynomial"),
        ("sqrt(w1)", "not a polynomial"),
        ("sqrt(2)*w1**2", "non-rational coefficient"),
        ("pi*w1**2", "non-rational coefficient"),
        ("w1**w2", "not a polynomial"),
        ("(w1 + ", "cannot parse"),
        ("w1 +* 2", "cannot parse"),
        ("", "empty"),
        ("0", "zero polynomial"),
        ("w1 - w1", "zero polynomial"),
        ("w1**2 + 1", "not zero"),
        ("w1", "negative near"),
        ("-w1**2", "negative near"),
        ("w1**2 - w2**2", "negative near"),
        ("w1**3 + w2**2", "negative near"),
        ("w1 >= 0", "relation"),
    ],
)
def test_bad_polynomial(K, fragment):
    with pytest.raises(InputError, match=fragment):
        rlct.rlct(K)


def test_input_error_is_value_error():
    with pytest.raises(ValueError):
        rlct.rlct("sin(w1)")


def test_negative_face_polynomial_is_detected():
    # vertices w1**4, w2**4 are positive but the edge w1^4 - 3 w1^2 w2^2 + w2^4 is negative at (1, 1)
    with pytest.raises(InputError, match="negative"):
        rlct.rlct("w1**4 - 3*w1**2*w2**2 + w2**4")


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"prior": "w3"}, "unknown variable w3 in prior"),
        ({"prior": "w1 + w2"}, "not a monomial"),
        ({"prior": "1/w1"}, "non-negative"),
        ({"prior": {"w1": -1}}, "non-negative"),
        ({"at": {"w3": 0}}, "unknown variable w3 in at"),
        ({"at": [0, 0, 0]}, "3 coordinates"),
        ({"at": [1, 0]}, "not zero"),
        ({"at": "0,0"}, "not a string"),
        ({"domain": ["w3 >= 0"]}, "unknown variable w3"),
        ({"domain": ["w1 == 0"]}, "inequality"),
        ({"domain": ["w1**2 >= 0"]}, "not linear"),
        ({"domain": ["w1 >= 1"]}, "not in the domain"),
        ({"domain": ["w1 >= 0", "w1 <= 0"]}, "empty interior"),
        ({"domain": ["w1"]}, "inequality"),
        ({"variables": ["w1"]}, "unknown variable w2"),
        ({"method": "magic"}, "method must be one of"),
        ({"budget": -1}, "budget"),
    ],
)
def test_bad_options(kwargs, fragment):
    with pytest.raises(InputError, match=fragment):
        rlct.rlct("w1**2 + w2**2", **kwargs)


def test_bad_ideal():
    with pytest.raises(InputError, match="empty"):
        rlct.rlct(ideal=[])
    with pytest.raises(InputError, match="list of polynomials"):
        rlct.rlct(ideal="w1*w2")
    with pytest.raises(InputError, match="exactly one"):
        rlct.rlct("w1**2", ideal=["w1"])
    with pytest.raises(InputError, match="exactly one"):
        rlct.rlct()


def test_bad_types():
    with pytest.raises(InputError, match="must be a string"):
        rlct.rlct(3.5j)
    with pytest.raises(InputError, match="exponents must be non-negative integers"):
        rlct.rlct({(0.5, 1): 1})
    with pytest.raises(InputError):
        rlct.rlct({(2, 0): 1, (0, 2, 1): 1})


def test_non_simplicial_cone_is_split():
    # the tangent cone of a square pyramid at its apex has 4 facets in R^3: prepare() refuses it (a
    # NotApplicable naming the simplicial pieces), rlct() computes the pieces; K ≍ r² on a cone of positive
    # solid angle: ∫ r^{-2z} r² dr, (3/2, 1)
    dom = ["w1 + w3 >= 0", "-w1 + w3 >= 0", "w2 + w3 >= 0", "-w2 + w3 >= 0"]
    with pytest.raises(NotApplicable, match="not simplicial") as info:
        rlct.problem.prepare("w1**2 + w2**2 + w3**2", domain=dom)
    assert len(info.value.pieces) == 2
    r = rlct.rlct("w1**2 + w2**2 + w3**2", domain=dom)
    assert (r.lambda_, r.multiplicity) == (Fraction(3, 2), 1) and len(r.certificate.pieces) == 2


def test_input_forms_agree():
    w1, w2 = sympy.symbols("w1 w2")
    a = rlct.rlct("(w1*w2)^2 + w1^4")
    b = rlct.rlct((w1 * w2) ** 2 + w1**4)
    c = rlct.rlct({(2, 2): 1, (4, 0): 1})
    assert a == b == c


def test_decimal_literal_is_exact():
    p = rlct.as_polynomial("0.1*w1**2")
    assert p.terms[(2,)] == Fraction(1, 10)


def test_natural_variable_order():
    p = rlct.as_polynomial("w10**2 + w2**2 + w1**2")
    assert p.variables == ("w1", "w2", "w10")


def test_unused_variable_and_point():
    # K = (w1 - 1)^2 in (w1, w2): a regular direction plus a free one
    r = rlct.rlct("(w1 - 1)**2", variables=["w1", "w2"], at={"w1": 1})
    assert (r.lambda_, r.multiplicity) == (Fraction(1, 2), 1)


def test_variable_names_that_are_sympy_names():
    r = rlct.rlct("beta**2 + S**2 + N**2 + Q**2")
    assert r.lambda_ == 2


def test_cli_error_exit_code(capsys):
    from rlct.cli import main

    assert main(["compute", "sin(w1)"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rlct: error: not a polynomial") and "Traceback" not in err
    assert main(["compute", "w1**2*w2**2", "--json"]) == 0
    assert '"lambda": "1/2"' in capsys.readouterr().out
