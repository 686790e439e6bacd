"""rlct.models: K from models checked against independent computations, and the exact
engine against the closed forms of the literature (values from tests/data/known_rlcts.toml)."""

from fractions import Fraction
import pickle

import numpy as np
import pytest
from scipy.integrate import trapezoid

import rlct
from rlct.errors import InputError, NotApplicable
from rlct.models import (DeepLinearNetwork, Discrete, Gaussian, Multinomial, NormalMixture, ReducedRankRegression,
                         Regression, TwoLayerNetwork, Uniform, from_spec, independence_mixture)
from rlct.polynomial import Polynomial

from conftest import known_table

RNG = np.random.default_rng(20261126)


def random_point(d, scale=1.0, denom=7):
    return [Fraction(int(k), denom) * Fraction(scale).limit_denominator(100) for k in RNG.integers(-denom, denom + 1, d)]


# ---------------------------------------------------------------------------------------
# K against independent numpy computations
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("M,N,H,r", [(2, 2, 1, 0), (3, 2, 2, 1), (4, 3, 2, 1), (5, 5, 5, 2)])
def test_rrr_kl_is_half_frobenius_norm(M, N, H, r):
    m = ReducedRankRegression(M, N, H, r)
    w = random_point(m.d)
    A = np.array([float(v) for v in w[:H * M]]).reshape(H, M)
    B = np.array([float(v) for v in w[H * M:]]).reshape(N, H)
    C0 = np.zeros((N, M))
    C0[range(r), range(r)] = 1
    expected = 0.5 * np.sum((B @ A - C0) ** 2)   # Gaussian x with identity covariance
    assert float(m.kl()(w)) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert m.kl()(m.true_parameter) == 0


@pytest.mark.parametrize("widths,r", [((2, 3, 2), 1), ((3, 2, 2, 3), 1), ((1, 1, 1, 1), 0)])
def test_dln_kl_is_half_frobenius_norm(widths, r):
    m = DeepLinearNetwork(widths, r)
    w = random_point(m.d)
    vals = [float(v) for v in w]
    P, pos = np.eye(widths[0]), 0
    for l in range(len(widths) - 1):
        k = widths[l + 1] * widths[l]
        P = np.array(vals[pos:pos + k]).reshape(widths[l + 1], widths[l]) @ P
        pos += k
    C0 = np.zeros((widths[-1], widths[0]))
    C0[range(r), range(r)] = 1
    assert float(m.kl()(w)) == pytest.approx(0.5 * np.sum((P - C0) ** 2), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("inputs", ["gaussian", "uniform", Gaussian(1, 2), Uniform(0, 3)])
def test_regression_kl_against_quadrature(inputs):
    m = Regression("a*b*x + c*x**2 + a*c**2", parameters="a b c", inputs=inputs, true=[1, 0, "1/2"], noise="1/2")
    w = [Fraction(1, 3), Fraction(-2, 5), Fraction(3, 4)]
    dist = m.input_distributions[0]
    if isinstance(dist, Gaussian):
        t, q = np.polynomial.hermite_e.hermegauss(20)
        x, q = float(dist.mean) + np.sqrt(float(dist.var)) * t, q / np.sqrt(2 * np.pi)
    else:
        t, q = np.polynomial.legendre.leggauss(20)
        lo, hi = float(dist.low), float(dist.high)
        x, q = (lo + hi) / 2 + (hi - lo) / 2 * t, q / 2

    def f(a, b, c):
        return a * b * x + c * x**2 + a * c**2

    diff = f(*map(float, w)) - f(*map(float, m.true_parameter))
    expected = np.sum(q * diff**2) / (2 * 0.25)
    assert float(m.kl()(w)) == pytest.approx(expected, rel=1e-12)


def test_discrete_inputs_give_ldl_generators():
    # x uniform on {-1, 1}: x² = 1, so a*x + b*x**3 has the single generator a + b
    m = Regression("a*x + b*x**3", parameters="a b", inputs=Discrete([-1, 1]))
    assert [str(g) for g in m.ideal()] == ["a + b"]
    assert m.kl() == Polynomial({(2, 0): Fraction(1, 2), (1, 1): 1, (0, 2): Fraction(1, 2)}, ("a", "b"))
    assert rlct.rlct(m).pair == (Fraction(1, 2), 1)   # regular in the direction a + b


def test_loss_is_the_empirical_mean_squared_error():
    m = ReducedRankRegression(3, 2, 2, 1, noise="1/2")
    data = m.sample(500, seed=3)
    L = m.loss(data)
    w = random_point(m.d)
    A = np.array([float(v) for v in w[:6]]).reshape(2, 3)
    B = np.array([float(v) for v in w[6:]]).reshape(2, 2)
    direct = np.mean(np.sum((data.y - data.x @ (B @ A).T) ** 2, axis=1)) / (2 * 0.25)
    assert float(L(w)) == pytest.approx(direct, rel=1e-10)


def test_loss_difference_tends_to_K():
    m = Regression("a*b*x", parameters="a b", true=[1, 1])
    data = m.sample(200_000, seed=1)
    L, K = m.loss(data), m.kl()
    w = [Fraction(3, 2), Fraction(1, 2)]
    # n(L_n(w) - L_n(w0)) - nK(w) is O_p(sqrt(n K)): compare at 5 standard deviations
    diff = float(L(w) - L(m.true_parameter)) - float(K(w))
    assert abs(diff) < 5 * np.sqrt(2 * float(K(w)) / 200_000)


def test_sampling_is_deterministic_and_uses_the_real_activation():
    m = TwoLayerNetwork(2, "tanh", true=[1, 0, 2, 0])
    d1, d2 = m.sample(50, seed=7), m.sample(50, seed=7)
    assert np.array_equal(d1.x, d2.x) and np.array_equal(d1.y, d2.y)
    loss = m.loss(d1)
    W = np.array([[1.0, 0.0, 2.0, 0.0], [0.5, 0.1, 1.0, -1.0]])
    direct = np.mean((d1.y[:, 0] - (W[:, None, :2] * np.tanh(W[:, None, 2:] * d1.x[:, :1][None])).sum(-1)) ** 2,
                     axis=1) / 2
    assert np.allclose(loss.value(W), direct)
    eps = 1e-6
    g = loss.gradient(W)
    for j in range(4):
        E = np.zeros_like(W)
        E[:, j] = eps
        assert np.allclose(g[:, j], (loss.value(W + E) - loss.value(W - E)) / (2 * eps), atol=1e-6)


# ---------------------------------------------------------------------------------------
# Analytic activations: truncation preserves the ideal
# ---------------------------------------------------------------------------------------

def _elementary(values):
    """Elementary symmetric polynomials e_0..e_k of the given polynomials."""
    e = [values[0] * 0 + 1]
    for v in values:
        e = [e[0]] + [e[i] + v * e[i - 1] for i in range(1, len(e))] + [v * e[-1]]
    return e


@pytest.mark.parametrize("H", [1, 2, 3, 4])
def test_tanh_power_sums_beyond_order_2H_minus_1_lie_in_the_ideal(H):
    # p_k = Σ a_h b_h^k; with β_h = b_h², Newton's identity gives
    # p_{2H+1} = Σ_{i=1..H} (-1)^{i+1} e_i(β) p_{2H+1-2i}: an explicit ideal membership.
    m = TwoLayerNetwork(H)
    gens = m.ideal()
    assert len(gens) == H and m.order == 2 * H - 1
    v = m.parameters

    def var(name):
        return Polynomial({tuple(int(x == name) for x in v): 1}, v)

    def p(k):
        return sum((var(f"a{h}") * var(f"b{h}") ** k for h in range(1, H + 1)), Polynomial({}, v))

    assert [g for g in gens] == [p(2 * k - 1) for k in range(1, H + 1)]
    e = _elementary([var(f"b{h}") ** 2 for h in range(1, H + 1)])
    combo = sum((e[i] * p(2 * H + 1 - 2 * i) * (-1) ** (i + 1) for i in range(1, H + 1)), Polynomial({}, v))
    assert combo == p(2 * H + 1)


def test_truncated_tanh_kl_matches_the_real_one_near_zero():
    # K_real(s·w) / K_D(s·w) -> 1 as s -> 0 (Gauss–Hermite quadrature of the real tanh)
    m = TwoLayerNetwork(2)
    x, q = np.polynomial.hermite_e.hermegauss(80)
    q = q / np.sqrt(2 * np.pi)
    w = np.array([0.7, -0.4, 0.9, 0.5])
    for s in (0.2, 0.05):
        ws = s * w
        real = np.sum(q * (ws[0] * np.tanh(ws[2] * x) + ws[1] * np.tanh(ws[3] * x)) ** 2) / 2
        trunc = float(m.kl()([Fraction(v).limit_denominator(10**12) for v in ws]))
        assert abs(real / trunc - 1) < 3 * s**2


def test_other_activations():
    assert [str(g) for g in TwoLayerNetwork(2, "swish").ideal()] == \
        ["a1*b1 + a2*b2", "a1*b1**2 + a2*b2**2", "a1*b1**4 + a2*b2**4"]
    assert [str(g) for g in TwoLayerNetwork(2, "sigmoid").ideal()] == ["a1 + a2", "a1*b1 + a2*b2",
                                                                         "a1*b1**3 + a2*b2**3"]
    assert [str(g) for g in TwoLayerNetwork(2, "z + z**2").ideal()] == ["a1*b1 + a2*b2", "a1*b1**2 + a2*b2**2"]
    # one tanh unit learning a non-zero unit: true (a0, b0) = (1, 1) is a regular point (λ = d/2)
    assert rlct.rlct(TwoLayerNetwork(1, true=[1, 1])).pair == (1, 1)


def test_hermite_modes():
    m = TwoLayerNetwork(2)
    h = m.hermite_coefficients(np.array([0.3, 1.0]), 5)
    assert h.shape == (2, 6)
    assert np.allclose(h[:, ::2], 0, atol=1e-12)          # tanh is odd
    K5 = m.mode_truncated_kl(9)
    W = np.array([[0.1, -0.2, 0.3, 0.2]])
    x, q = np.polynomial.hermite_e.hermegauss(80)
    q = q / np.sqrt(2 * np.pi)
    real = np.sum(q * (0.1 * np.tanh(0.3 * x) - 0.2 * np.tanh(0.2 * x)) ** 2) / 2
    assert K5(W)[0] == pytest.approx(real, rel=1e-6)


# ---------------------------------------------------------------------------------------
# The exact engine against the catalogue (values from the literature)
# ---------------------------------------------------------------------------------------

RRR_SMALL = [row for row in known_table()["rrr"][0]["values"] if (row[0] + row[1]) * row[2] <= 12]


@pytest.mark.parametrize("M,N,H,r,lam,mult", RRR_SMALL)
def test_rrr_engine_equals_aoyagi_watanabe(M, N, H, r, lam, mult):
    model = ReducedRankRegression(M, N, H, r)
    res = rlct.rlct(model)
    assert res.pair == (Fraction(lam), mult)          # Aoyagi & Watanabe 2005, via known_rlcts.toml
    assert model.known().pair == (Fraction(lam), mult)


@pytest.mark.parametrize("H", [1, 2, 3])
def test_tanh_engine_equals_watanabe(H):
    lam, mult = {row[0]: (Fraction(row[1]), row[2]) for row in known_table()["tanh"][0]["values"]}[H]
    model = TwoLayerNetwork(H)
    assert rlct.rlct(model).pair == (lam, mult)       # Watanabe 2001; Aoyagi
    assert model.known().pair == (lam, mult)


def test_tanh_four_bound_is_not_below_the_formula():
    res = rlct.rlct(TwoLayerNetwork(4), budget=5)
    formula = TwoLayerNetwork(4).known()
    if res.exact:  # pragma: no cover - when the engine decides it, it must be right
        assert res.pair == formula.pair
    else:
        assert res.upper_bound >= formula.lambda_


@pytest.mark.parametrize("widths,r,lam,mult", [row for row in known_table()["dln"][0]["values"]
                                                if sum(a * b for a, b in zip(row[0], row[0][1:])) <= 8])
def test_dln_engine_equals_aoyagi(widths, r, lam, mult):
    model = DeepLinearNetwork(tuple(widths), r)
    assert rlct.rlct(model).pair == (Fraction(lam), mult)   # Aoyagi 2024 via known_rlcts.toml
    assert model.known().pair == (Fraction(lam), mult)


def test_normal_mixture():
    # K ≍ (ab)² on a >= 0 at the origin: monomial rule (Lin 2011 Prop 3.7) gives (1/2, 2);
    # on the branches of the true set the model is regular in one direction: (1/2, 1).
    assert rlct.rlct(NormalMixture()).pair == (Fraction(1, 2), 2)
    assert rlct.rlct(NormalMixture(true=(0, 1))).pair == (Fraction(1, 2), 1)
    assert rlct.rlct(NormalMixture(true=(Fraction(1, 2), 0))).pair == (Fraction(1, 2), 1)
    assert rlct.rlct(NormalMixture(true=(Fraction(1, 2), 1))).pair == (1, 1)   # identifiable: d/2


def test_normal_mixture_kl_equivalence_numerically():
    m = NormalMixture()
    x, q = np.polynomial.hermite_e.hermegauss(120)
    q = q / np.sqrt(2 * np.pi)
    for a, b in [(0.3, 0.2), (0.05, 0.1), (0.5, -0.3)]:
        ratio = (1 - a) + a * np.exp(b * x - b**2 / 2)
        real = -np.sum(q * np.log(ratio))           # KL(N(0,1) || p(.|a,b))
        poly = float(m.kl()([Fraction(a).limit_denominator(1000), Fraction(b).limit_denominator(1000)]))
        assert 0.4 < real / poly < 2.5


def test_multinomial():
    m = Multinomial(["(1 + t*s)/2", "(1 - t*s)/2"], true=[0, 0])
    assert rlct.rlct(m).pair == (Fraction(1, 2), 2)
    data = m.sample(1000, seed=2)
    assert data.y.sum() == 1000
    L = m.loss(data)
    W = np.array([[0.1, 0.2]])
    freq = data.y / 1000
    assert L.value(W)[0] == pytest.approx(-(freq[0] * np.log(0.51) + freq[1] * np.log(0.49)))
    mix = independence_mixture(2, 2, true={"t": "1/2", "a1": "1/3", "b1": "1/4", "c1": "1/3", "d1": "1/4"})
    assert len(mix.ideal()) == 3
    with pytest.raises(NotApplicable, match="zero probability"):
        Multinomial(["1 - x*y", "x*y"], true=[0, 0]).kl()


# ---------------------------------------------------------------------------------------
# Specs, bad input, object protocol
# ---------------------------------------------------------------------------------------

def test_from_spec():
    m = from_spec("ReducedRankRegression(M=3, N=3, H=2, r=0)")
    assert isinstance(m, ReducedRankRegression) and (m.M, m.N, m.H, m.r) == (3, 3, 2, 0)
    m = from_spec("Regression('a*b*x', parameters=['a', 'b'], inputs=Uniform(0, 1))")
    assert m.input_distributions[0] == Uniform(0, 1)
    for bad in ["os.system('ls')", "ReducedRankRegression(M=3", "ReducedRankRegression(Q=1)", "3 + 4",
                "ReducedRankRegression(M=__import__('os'))"]:
        with pytest.raises(InputError):
            from_spec(bad)


@pytest.mark.parametrize("make,match", [
    (lambda: ReducedRankRegression(2, 2, 1, 2), "exceeds"),
    (lambda: ReducedRankRegression(0, 2, 1, 0), "M must be a positive integer"),
    (lambda: DeepLinearNetwork((2, -1, 2)), "width 2"),
    (lambda: DeepLinearNetwork((2,)), "at least two widths"),
    (lambda: TwoLayerNetwork(2, "relu"), "not analytic at 0"),
    (lambda: TwoLayerNetwork(2, "cosh(z)"), "activation must be one of"),
    (lambda: TwoLayerNetwork(0), "H must be a positive integer"),
    (lambda: TwoLayerNetwork(2, inputs=Discrete([1])), "infinitely many values"),
    (lambda: TwoLayerNetwork(2, activation=3), "constant"),
    (lambda: TwoLayerNetwork(2, true=1), "must be a sequence"),
    (lambda: NormalMixture().loss(None), "needs a Data set"),
    (lambda: Regression("a*x", parameters=["a"], inputs={"x": "gaussian", "z": "uniform"}), "input z"),
    (lambda: NormalMixture(true=(2, 0)), "outside"),
    (lambda: Regression("a*x", parameters=["a"], true={"b": 1}), "unknown parameter b"),
    (lambda: Regression("a*x + y", parameters=["a"], inputs={"x": "gaussian"}), "symbol y"),
    (lambda: Regression("a*x", parameters=["a"], noise=0), "noise"),
    (lambda: Multinomial(["x", "1 - 2*x"], true=[0]), "sum to 1"),
    (lambda: ReducedRankRegression(2, 2, 1).sample(0), "positive integer"),
])
def test_bad_input(make, match):
    with pytest.raises(InputError, match=match):
        make()


def test_models_pickle_and_repr():
    for m in (ReducedRankRegression(2, 2, 1, 0), TwoLayerNetwork(2), DeepLinearNetwork((2, 2, 2)), NormalMixture()):
        m2 = pickle.loads(pickle.dumps(m))
        assert m2.kl() == m.kl() and repr(m2) == repr(m)
    assert repr(ReducedRankRegression(3, 3, 2, 0)) == "ReducedRankRegression(M=3, N=3, H=2, r=0)"


# ---------------------------------------------------------------------------------------
# The true K for the numeric side when kl() is only equivalent
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("model", [TwoLayerNetwork(2), TwoLayerNetwork(2, "swish", true=[1, 0, 1, 0]), NormalMixture(),
                                   NormalMixture(true=("1/2", 1)),
                                   Multinomial(["(1 + t*s)/2", "(1 - t*s)/2"], true=["1/2", "1/2"])])
def test_population_loss_gradient_and_zero(model):
    K = model.population_loss()
    w0 = np.array([[float(v) for v in model.true_parameter]])
    assert abs(K.value(w0)[0]) < 1e-12
    W = w0 + np.array([[0.13, -0.07] * (model.d // 2)])
    g = K.gradient(W)
    for j in range(model.d):
        E = np.zeros_like(W)
        E[0, j] = 1e-6
        assert g[0, j] == pytest.approx((K.value(W + E) - K.value(W - E))[0] / 2e-6, rel=1e-5, abs=1e-9)
    assert K.value(W)[0] > 0


def test_tanh_population_loss_is_the_real_kl():
    # independent: Monte Carlo-free trapezoid on a fine grid against the Gaussian density
    m = TwoLayerNetwork(2)
    x = np.linspace(-12, 12, 200_001)
    dens = np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)
    w = np.array([0.6, -0.3, 1.2, 0.4])
    f = w[0] * np.tanh(w[2] * x) + w[1] * np.tanh(w[3] * x)
    expected = trapezoid(f**2 * dens, x) / 2
    assert m.population_loss().value(w[None])[0] == pytest.approx(expected, rel=1e-9)


def test_normal_mixture_population_loss_is_the_real_kl():
    m = NormalMixture(true=("1/2", 1))
    x = np.linspace(-15, 16, 300_001)

    def p(a, b):
        return (1 - a) * np.exp(-x**2 / 2) / np.sqrt(2 * np.pi) + a * np.exp(-(x - b) ** 2 / 2) / np.sqrt(2 * np.pi)

    expected = trapezoid(p(0.5, 1) * np.log(p(0.5, 1) / p(0.3, 0.2)), x)
    assert m.population_loss().value(np.array([[0.3, 0.2]]))[0] == pytest.approx(expected, rel=1e-8)
    assert m.population_loss().value(np.array([[-0.5, 3.0]]))[0] == np.inf     # a density <= 0: outside
    low, high = m.prior_box()
    assert list(low) == [0, 0] and list(high) == [1, 2]


@pytest.mark.parametrize("model", [
    Regression("a*b*x + c*x**2", parameters="a b c", inputs=Uniform(0, 1)),
    Regression("a*x + b*x**3", parameters="a b", inputs=Discrete([-1, 1])),
    ReducedRankRegression(2, 1, 1, 0), DeepLinearNetwork((1, 1, 1, 1)),
    TwoLayerNetwork(1), TwoLayerNetwork(1, "swish"), TwoLayerNetwork(1, true=[1, 1]),
    NormalMixture(true=(Fraction(1, 2), 1)),
])
def test_ideal_and_kl_give_the_same_pair(model):
    # ideal() and kl() are two routes to the same (λ, m): the equivalence claims of each model
    assert rlct.rlct(model).pair == rlct.rlct(model.kl(), at=model.at(), domain=model.domain).pair


def test_deep_linear_network_size_guard_and_matrix_population_loss():
    from rlct.errors import Undecided

    with pytest.raises(Undecided, match="would have up to"):
        DeepLinearNetwork((6,) * 6).kl()
    m = DeepLinearNetwork((4,) * 5, 1)
    K = m.population_loss()
    W = np.random.default_rng(0).normal(size=(2, m.d)) * 0.3
    w = [Fraction(v).limit_denominator(10**6) for v in W[0]]
    assert K.value(np.array([[float(v) for v in w]]))[0] == pytest.approx(float(m.kl()(w)), rel=1e-12)
    g = K.gradient(W)
    E = np.eye(m.d) * 1e-6
    num = np.array([(K.value(W + E[j]) - K.value(W - E[j])) / 2e-6 for j in range(m.d)]).T
    assert np.allclose(g, num, rtol=1e-5, atol=1e-8)
