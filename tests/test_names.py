"""Variable names a user may type: unicode identifiers, sympy's single-letter constants, Python keywords."""

from fractions import Fraction

import pytest

import rlct
from rlct.errors import InputError


@pytest.mark.parametrize("K, expected", [
    ("α**2 + β**2", (Fraction(1), 1)),            # regular in 2 variables: d/2
    ("(α*β)**2", (Fraction(1, 2), 2)),            # normal crossing
    ("E**2 + x**2", (Fraction(1), 1)),            # E and I are variables, not Euler's number or i
    ("(I*x)**2", (Fraction(1, 2), 2)),
])
def test_names_are_plain_variables(K, expected):
    r = rlct.rlct(K)
    assert (r.lambda_, r.multiplicity) == expected


def test_a_python_keyword_as_a_name_is_refused_with_a_suggestion():
    with pytest.raises(InputError, match="'lambda' is a Python keyword.*'lambda_'"):
        rlct.rlct("lambda**2 + x**2")
