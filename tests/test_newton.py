"""Newton polyhedra, τ-distances, certificates and real non-degeneracy."""

import pickle
from dataclasses import replace
from fractions import Fraction

import pytest

import rlct
from rlct.newton import Facet, NewtonPolyhedron, nondegeneracy


def test_vertices_and_facets_by_hand():
    # Lin's slides: <x^4, x^2 y, x y^3, y^4> squared; lower hull (8,0)-(4,2)-(0,8), (2,6) inside
    P = NewtonPolyhedron("w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8")
    assert P.vertices == ((0, 8), (4, 2), (8, 0))
    assert set(P.facets) == {Facet((3, 2), 16), Facet((1, 2), 8), Facet((1, 0), 0), Facet((0, 1), 0)}
    assert repr(P) == "Newton polyhedron in R^2 with 3 vertices and 4 facets"
    assert P.contains([4, 2]) and P.contains([2, 6]) and not P.contains([3, 3])


def test_distance_and_codimension():
    P = NewtonPolyhedron("w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8")
    D = P.distance()
    assert (D.t, D.codimension) == (Fraction(16, 5), 1)
    assert D.face.vertices == ((0, 8), (4, 2))
    D = P.distance(tau=[1, 0])  # point (4, 2) is a vertex: codimension 2
    assert (D.t, D.codimension) == (2, 2)
    assert D.face.vertices == ((4, 2),)
    assert D.certificate.check()


def test_noncompact_principal_face():
    # K = w1^2 in R^2: the principal face {x1 = 2} is unbounded; (λ, m) = (1/2, 1)
    P = NewtonPolyhedron("w1**2", variables=["w1", "w2"])
    D = P.distance()
    assert D.t == 2 and D.codimension == 1 and not D.face.is_compact
    assert D.certificate.check()


def test_certificate_rejects_tampering():
    D = NewtonPolyhedron("w1**2*w2**2 + w3**2*w4**4").distance()
    assert D.certificate.check()
    bad = replace(D.certificate, t=D.t - Fraction(1, 10), point=tuple(x - Fraction(1, 10) for x in D.certificate.point))
    with pytest.raises(ValueError):
        bad.check()
    bad = replace(D.certificate, codimension=D.codimension + 1)
    with pytest.raises(ValueError):
        bad.check()


def test_compact_faces_of_a_simplex():
    P = NewtonPolyhedron("w1**2 + w2**2 + w3**2")
    dims = sorted(f.dimension for f in P.compact_faces)
    assert dims == [0, 0, 0, 1, 1, 1, 2]  # a triangle, its 3 edges and 3 vertices
    assert all(f.is_compact for f in P.compact_faces)


def test_face_by_weight():
    P = NewtonPolyhedron("(w1 + w2)**2 + w2**4")
    assert str(P.face([1, 1]).polynomial) == "w1**2 + 2*w1*w2 + w2**2"
    assert str(P.face([1, 2]).polynomial) == "w1**2"
    f = P.face([0, 1])  # not strictly positive: the non-compact face x2 = 0
    assert not f.is_compact and str(f.polynomial) == "w1**2"


def test_pickle_and_equality():
    P = NewtonPolyhedron("w1**2 + w2**4")
    Q = pickle.loads(pickle.dumps(P))
    assert P == Q and hash(P) == hash(Q) and Q.distance().t == P.distance().t


def test_zero_polynomial_rejected():
    with pytest.raises(rlct.InputError):
        NewtonPolyhedron("w1 - w1", variables=["w1"])


def test_constant_term_has_no_distance():
    with pytest.raises(rlct.InputError, match="does not vanish"):
        NewtonPolyhedron("1 + w1**2").distance()


# -- real non-degeneracy -----------------------------------------------------------


def test_real_not_complex():
    # complex zeros on the torus (w1^2 = ω w2^2, ω a primitive 6th root of unity), no real ones
    assert bool(nondegeneracy("w1**4 - w1**2*w2**2 + w2**4"))


def test_lin_remark_4_19_is_degenerate():
    r = nondegeneracy("(w1 + w2)**2 + w2**4")
    assert r.status == "degenerate"
    assert str(r.offending.face.polynomial) == "w1**2 + 2*w1*w2 + w2**2"


def test_cusp_singular_sense():
    # f = w2^2 - w1^3 changes sign but is non-degenerate (its only singular point is 0);
    # K = f^2 is degenerate (its face polynomial vanishes on the torus)
    assert bool(nondegeneracy("w2**2 - w1**3"))
    assert not bool(nondegeneracy("(w2**2 - w1**3)**2"))


def test_ideal_nondegeneracy():
    assert bool(nondegeneracy(ideal=["w1*w2", "w2*w3", "w1*w3"]))
    r = nondegeneracy(ideal=["a1*b1 + a2*b2", "a1*b1**3 + a2*b2**3"])
    assert r.status == "degenerate"


def test_positive_orthant_only():
    # (w1 - w2)^2 + w1^4 has a zero on w1 = w2, which lies in the positive orthant;
    # (w1 + w2)^2 + ... does not vanish there
    assert not bool(nondegeneracy("(w1 - w2)**2", positive=["w1", "w2"]))
    assert bool(nondegeneracy("(w1 + w2)**2", positive=["w1", "w2"]))
    assert not bool(nondegeneracy("(w1 + w2)**2", positive=["w1"]))


def test_odd_power_on_a_restricted_variable():
    # w1^3 is negative for w1 < 0, but fine on w1 >= 0: (1/3 + 1/2, 1) by the sum rule
    with pytest.raises(rlct.InputError, match="odd power"):
        rlct.rlct("w1**3 + w2**2")
    r = rlct.rlct("w1**3 + w2**2", domain=["w1 >= 0"])
    assert (r.lambda_, r.multiplicity) == (Fraction(5, 6), 1)


def test_plot_2d_and_3d():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    ax = NewtonPolyhedron("w1**8 + w1**4*w2**2 + w2**8").plot()
    assert ax is not None
    ax = NewtonPolyhedron("w1**2 + w2**2 + w3**2").plot()
    assert ax is not None
    with pytest.raises(rlct.InputError):
        NewtonPolyhedron("w1**2 + w2**2 + w3**2 + w4**2").plot()


def test_quadratic_forms_by_signature():
    from rlct.newton.nondegeneracy import _is_psd

    assert _is_psd([[Fraction(1), Fraction(1)], [Fraction(1), Fraction(1)]])
    assert not _is_psd([[Fraction(0), Fraction(1)], [Fraction(1), Fraction(0)]])
    assert not _is_psd([[Fraction(1), Fraction(2)], [Fraction(2), Fraction(1)]])
    # rank-4 quadratic form w1 w2 + w3 w4: no singular point on the torus (singular sense)
    r = nondegeneracy("w1*w2 + w3*w4 + w1**3")
    assert bool(r)
    # (w1 - w2)^2 + w3^2: PSD, kernel spanned by (1, 1, 0) and ... meets the torus in R^3? no: w3 = 0 on it
    r = nondegeneracy("(w1 - w2)**2 + w3**2")
    face = [c for c in r.checks if c.face.dimension == 2][0]
    assert face.ok and face.method == "quadratic form"
    # but the edge (w1 - w2)^2 in R^3 vanishes at (1, 1, w3) for any w3
    assert r.status == "degenerate"
    with pytest.raises(rlct.InputError, match="negative"):
        rlct.rlct("w1**2 - 3*w1*w2 + w2**2 + w1**4")
