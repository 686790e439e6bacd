"""The built-in models' losses in JAX, for :meth:`Potential.from_model` with ``backend="jax"``.

- Reduced rank regression and deep linear networks: with W(w) = B A (or W_L ⋯ W_1) the
  Gaussian negative log-likelihood is ``L_n(w) = [tr(W S_xx Wᵀ) − 2 tr(W S_xy) + tr(S_yy)]/(2σ²)``
  with the data's second moments S, so a step costs O(d·M) at every n, and nothing is expanded
  into monomials (RRR with M = N = H = 10, d = 200, has about 10⁶ terms as a polynomial). The
  population K is the same formula with the inputs' exact moments and the true map.
- Two-layer networks ``f(x, w) = Σ_h a_h σ(b_h x)`` (tanh, sin, sigmoid, swish, linear): the
  per-sample squared error, so minibatch SGLD applies; the population K by the same quadrature as
  ``TwoLayerNetwork.population_loss``.

Examples
--------
>>> from rlct.models import ReducedRankRegression
>>> m = ReducedRankRegression(3, 3, 2, 1)
>>> L = model_loss(m, m.sample(500, seed=0))
>>> U = m.loss(m.sample(500, seed=0))          # the exact polynomial, for comparison
>>> w = np.random.default_rng(0).normal(size=(2, m.d))
>>> bool(np.allclose(L.value(w), [float(U([float(v) for v in r])) for r in w]))
True
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .jaxloss import JaxLoss, jax_context, require_jax

__all__ = ["model_loss", "supports"]


def supports(model) -> bool:
    """Whether :func:`model_loss` has a JAX form of this model."""
    from ..models import DeepLinearNetwork, ReducedRankRegression, TwoLayerNetwork

    if isinstance(model, (ReducedRankRegression, DeepLinearNetwork)):
        return True
    return isinstance(model, TwoLayerNetwork) and model.activation in _ACTIVATIONS


_ACTIVATIONS = ("tanh", "sin", "sigmoid", "swish", "linear")


def _shapes(model):
    """The factor shapes (rows, cols) in the order of ``model.parameters``, first factor applied first."""
    from ..models import ReducedRankRegression

    if isinstance(model, ReducedRankRegression):
        return [(model.H, model.M), (model.N, model.H)]
    w = list(model.widths)
    return [(w[i + 1], w[i]) for i in range(len(w) - 1)]


def _moments(model, data):
    """(S_xx, S_xy, S_yy) of the data, or of the population (exact input moments and the true map's
    outputs, so that the formula gives K)."""
    if data is None:
        M = _shapes(model)[0][1]
        dist = model.input_distributions
        Sxx = np.diag([float(d.moment(2)) for d in dist])
        mean = np.array([float(d.moment(1)) for d in dist])
        Sxx = Sxx + np.outer(mean, mean) - np.diag(mean**2)
        W0 = _product(model, np.array([float(v) for v in model.true_parameter]), np)
        return Sxx, Sxx @ W0.T, W0 @ Sxx @ W0.T, M        # K = E‖(W − W0)x‖²/(2σ²): no noise term
    from ..models.base import regression_data

    X, Y = regression_data(data)
    n = X.shape[0]
    return X.T @ X / n, X.T @ Y / n, Y.T @ Y / n, X.shape[1]


def _product(model, w, xp):
    """W = (last factor) ⋯ (first factor) from the flat parameter vector."""
    W, k = None, 0
    for rows, cols in _shapes(model):
        F = xp.reshape(w[k:k + rows * cols], (rows, cols))
        k += rows * cols
        W = F if W is None else F @ W
    return W


def model_loss(model, data=None, *, dtype: str = "float64") -> JaxLoss:
    """The model's empirical L_n (``data`` given) or population K (``data=None``) as a
    :class:`~rlct.numeric.jaxloss.JaxLoss`.

    Raises
    ------
    InputError
        For a model without a JAX form (see :func:`supports`) or data of the wrong shape.
    """
    from ..models import TwoLayerNetwork

    if not supports(model):
        raise InputError(f"{model!r} has no JAX loss (supported: ReducedRankRegression, DeepLinearNetwork, "
                         f"TwoLayerNetwork with activation in {_ACTIVATIONS}); use backend='numpy'")
    if isinstance(model, TwoLayerNetwork):
        return _network_loss(model, data, dtype)
    jax, jnp = require_jax()
    Sxx, Sxy, Syy, M = _moments(model, data)
    if M != _shapes(model)[0][1] or Sxy.shape[1] != _shapes(model)[-1][0]:
        raise InputError(f"data has {Sxx.shape[0]} inputs and {Sxy.shape[1]} outputs; {model!r} has "
                         f"{_shapes(model)[0][1]} and {_shapes(model)[-1][0]}")
    s2 = float(model.noise) ** 2
    with jax_context(dtype):
        A, B, c = jnp.asarray(Sxx), jnp.asarray(Sxy), float(np.trace(Syy))

        def f(w):
            W = _product(model, w, jnp)
            return (jnp.sum((W @ A) * W) - 2 * jnp.sum(W * B.T) + c) / (2 * s2)

    what = "population K" if data is None else f"L_n, n = {data.n}"
    return JaxLoss(f, variables=model.parameters, w0=np.array([float(v) for v in model.true_parameter]),
                   n=None if data is None else data.n, description=f"{what} of {model!r} (second moments)",
                   dtype=dtype, scaling="nll")


def _network_loss(model, data, dtype):
    jax, jnp = require_jax()
    from ..models.base import quadrature

    act = {"tanh": jnp.tanh, "sin": jnp.sin, "sigmoid": jax.nn.sigmoid, "swish": jax.nn.silu,
           "linear": lambda z: z}[model.activation]
    H, s2 = model.H, float(model.noise) ** 2
    w0 = np.array([float(v) for v in model.true_parameter])
    if data is None:
        x, q = quadrature(model.input_distributions[0], 160)
        y = model._f(w0[None, :], x)[0]
    else:
        from ..models.base import regression_data

        X, Y = regression_data(data)
        if X.ndim != 2 or X.shape[1] != 1 or Y.shape[1] != 1:
            raise InputError("data must have one input and one output column")
        x, y, q = X[:, 0], Y[:, 0], np.full(len(X), 1 / len(X))
    with jax_context(dtype):
        xj, yj, qj = jnp.asarray(x), jnp.asarray(y), jnp.asarray(q)

        def per_sample(w, xb, yb):
            pred = act(xb[:, None] * w[None, H:]) @ w[:H]
            return (pred - yb) ** 2 / (2 * s2)

        def f(w):
            return jnp.dot(per_sample(w, xj, yj), qj)

    what = "population K (quadrature)" if data is None else f"L_n, n = {len(x)}"
    return JaxLoss(f, variables=model.parameters, w0=w0, per_sample=None if data is None else per_sample,
                   x=None if data is None else xj, y=None if data is None else yj,
                   n=None if data is None else len(x), description=f"{what} of {model!r}", dtype=dtype,
                   scaling="nll")
