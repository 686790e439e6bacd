"""The JAX backend's losses: a model as f(w) over a flat parameter vector, jit-compiled and
vmapped over chains.

A :class:`JaxLoss` is a loss part ``f`` of a :class:`~rlct.numeric.Potential` (full-batch
L_n, or a population K) written in JAX. It serves both paths of the samplers:

- the numpy path, through ``value(w)`` and ``value_and_grad(w)`` on arrays of shape
  ``(chains, d)`` (so every estimator, the SMC reference and the reports accept it);
- the compiled path (:mod:`rlct.numeric.jaxsampler`), through the pure per-chain functions
  ``f(w)``, ``per_sample(w, x, y)`` and the data arrays, which a ``jax.lax.scan`` over steps,
  ``jax.vmap`` over chains, runs without leaving XLA.

Where it comes from:

- :func:`function_loss` — a user's model ``fn(params, x)`` (a plain JAX function, any pytree of
  parameters; Flax/Equinox modules work through their apply functions), data ``(x, y)`` and a
  per-sample loss (``"gaussian"``, ``"mse"``, ``"cross_entropy"``, ``"nll"`` or a callable);
- :func:`polynomial_loss` — a :class:`~rlct.polynomial.Polynomial` (K or L_n) as JAX code.

Precision: everything runs under ``jax.enable_x64`` (float64) unless ``dtype="float32"`` is
asked for; the user's global JAX configuration is left alone.

Examples
--------
>>> import jax.numpy as jnp
>>> def fn(params, x):                      # a 1-1-1 linear network
...     return params["b"] * params["a"] * x
>>> x = jnp.linspace(-1, 1, 5); y = 0 * x
>>> L = function_loss(fn, {"a": 0.0, "b": 0.0}, (x, y), loss="gaussian")
>>> L.dim, L.variables
(2, ('a', 'b'))
>>> v, g = L.value_and_grad(np.array([[1.0, 2.0]]))      # ½·mean((2x)²) = 2·mean(x²)
>>> round(float(v[0]), 6), g.shape
(1.0, (1, 2))
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Callable

import numpy as np

from ..errors import InputError

__all__ = ["JaxLoss", "function_loss", "polynomial_loss", "LOSSES", "jax_context", "require_jax"]

LOSSES = ("gaussian", "mse", "cross_entropy", "nll")


def require_jax():
    """``(jax, jax.numpy)``, or a clear error when JAX is not installed."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:  # pragma: no cover - jax is a dependency
        raise InputError("the JAX backend needs jax: pip install jax") from None
    return jax, jnp


def jax_context(dtype: str = "float64"):
    """A context in which JAX computes in ``dtype`` (float64 by default) without touching the
    user's global configuration."""
    jax, _ = require_jax()
    if dtype not in ("float64", "float32"):
        raise InputError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    return jax.enable_x64(dtype == "float64") if hasattr(jax, "enable_x64") else contextlib.nullcontext()


def _per_sample(loss, noise: float) -> Callable:
    """The per-sample loss ℓ(prediction, y) for a name, or the user's callable."""
    jax, jnp = require_jax()
    if callable(loss):
        return loss
    if loss == "gaussian":          # −log N(y | pred, σ² I) up to its constant
        def ell(pred, y):
            r = jnp.reshape(pred - y, (-1,))
            return 0.5 * jnp.dot(r, r) / noise**2
    elif loss == "mse":             # torch.nn.MSELoss: mean over the output's elements
        def ell(pred, y):
            r = jnp.reshape(pred - y, (-1,))
            return jnp.mean(r * r)
    elif loss == "cross_entropy":   # logits and an integer label
        def ell(pred, y):
            return jax.nn.logsumexp(pred) - pred[jnp.asarray(y, dtype=jnp.int32)]
    elif loss == "nll":             # fn returns the log-likelihood of the sample
        def ell(pred, y):
            return -jnp.sum(pred)
    else:
        raise InputError(f"loss must be one of {', '.join(LOSSES)} or a callable ell(prediction, y); got {loss!r}")
    return ell


def _split_data(data, loss):
    """(x, y, n) from ``(x, y)``, ``{"x": .., "y": ..}`` or ``x`` alone (for loss="nll")."""
    if isinstance(data, dict):
        if "x" not in data:
            raise InputError("data as a dict needs the key 'x' (and 'y' unless loss='nll')")
        x, y = data["x"], data.get("y")
    elif isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = data
    elif isinstance(data, (tuple, list)) and len(data) == 1:
        x, y = data[0], None
    else:
        x, y = data, None
    if x is None:
        raise InputError("data is empty: give (x, y) arrays with one row per sample")
    x = np.asarray(x)
    if x.ndim == 0 or x.shape[0] == 0:
        raise InputError(f"data x must have one row per sample (shape (n, ...)), got shape {x.shape}")
    if y is None:
        if loss not in ("nll",) and not callable(loss):
            raise InputError(f"loss={loss!r} needs targets: pass data=(x, y) (or loss='nll' when fn returns "
                             f"each sample's log-likelihood)")
        y = np.zeros(x.shape[0])
    y = np.asarray(y)
    if y.shape[0] != x.shape[0]:
        raise InputError(f"data x has {x.shape[0]} rows but y has {y.shape[0]}: one target per sample")
    for name, a in (("x", x), ("y", y)):
        if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
            raise InputError(f"data {name} contains NaN or inf; remove or impute those samples")
    return x, y, int(x.shape[0])


def _names(params) -> tuple:
    """One name per scalar parameter, from the pytree's key paths: ``layer.weight[2,0]``."""
    jax, _ = require_jax()
    out = []
    for path, leaf in jax.tree_util.tree_flatten_with_path(params)[0]:
        base = "".join(_key(k) for k in path).lstrip(".") or "w"
        shape = np.shape(leaf)
        if shape == ():
            out.append(base)
        else:
            out.extend(f"{base}[{','.join(map(str, idx))}]" for idx in np.ndindex(*shape))
    return tuple(out)


def _key(k) -> str:
    for attr in ("key", "name", "idx"):
        if hasattr(k, attr):
            v = getattr(k, attr)
            return f".{v}" if attr != "idx" else f"[{v}]"
    return str(k)


class JaxLoss:
    """A loss ``f(w)`` over a flat parameter vector, in JAX (see the module docstring).

    Attributes
    ----------
    f : callable
        The pure per-chain function ``w (d,) -> f(w)`` (full batch).
    per_sample : callable or None
        ``(w, x_batch, y_batch) -> (B,)`` per-sample losses (for minibatch SGLD); None for a
        population loss.
    x, y : array or None
        The data (device arrays), one row per sample.
    n : int or None
        The number of samples.
    variables : tuple of str
    w0 : ndarray
        The flattened initial parameters.
    unravel : callable
        Flat vector → the user's pytree.
    description : str
    dtype : str
    """

    def __init__(self, f, *, variables, w0, per_sample=None, x=None, y=None, n=None, unravel=None,
                 description="JAX loss", dtype="float64", scaling=None):
        jax, jnp = require_jax()
        self.f, self.per_sample, self.variables = f, per_sample, tuple(variables)
        self.w0 = np.asarray(w0, dtype=float)
        self.x, self.y, self.n = x, y, n
        self.unravel = unravel
        self.description, self.dtype, self.scaling = description, dtype, scaling
        with jax_context(dtype):
            self._value = jax.jit(jax.vmap(f))
            self._vg = jax.jit(jax.vmap(jax.value_and_grad(f)))

    @property
    def dim(self) -> int:
        """The number of parameters d."""
        return len(self.variables)

    def value(self, w) -> np.ndarray:
        """f at each row of ``w`` (numpy in, numpy out)."""
        with jax_context(self.dtype):
            return np.asarray(self._value(np.asarray(w, dtype=self.dtype)), dtype=float)

    def value_and_grad(self, w):
        """(f, ∇f) at each row of ``w`` (numpy in, numpy out)."""
        with jax_context(self.dtype):
            v, g = self._vg(np.asarray(w, dtype=self.dtype))
        return np.asarray(v, dtype=float), np.asarray(g, dtype=float)

    def __getstate__(self):
        raise TypeError("a JaxLoss holds compiled JAX functions and does not pickle; build it in the worker "
                        "(e.g. inside the run function given to rlct.numeric.sweep)")

    def __repr__(self):
        data = f", n={self.n}" if self.n is not None else ""
        return f"JaxLoss({self.description}, d={self.dim}{data}, {self.dtype})"


def function_loss(fn: Callable, params0, data, *, loss="gaussian", noise: float = 1.0,
                  dtype: str = "float64", name: str | None = None) -> JaxLoss:
    """The empirical loss ``L_n(w) = (1/n) Σ_i ℓ(fn(params(w), x_i), y_i)`` of a user's JAX model.

    Parameters
    ----------
    fn : callable
        ``fn(params, x) -> prediction`` for ONE sample ``x`` (it is vmapped over the data), a
        pure JAX function. With ``loss="nll"`` it returns that sample's log-likelihood.
    params0 : pytree
        The parameters w* at which the LLC is measured (dicts, lists, tuples of arrays; Flax
        ``params`` and Equinox arrays work). They are flattened in ``jax.tree_util`` order.
    data : (x, y), {"x": .., "y": ..}, or x
        One row per sample.
    loss : {"gaussian", "mse", "cross_entropy", "nll"} or callable
        ``"gaussian"``: ½‖pred − y‖²/σ², the negative log-likelihood of y ~ N(pred, σ² I) up to
        a constant (Watanabe's convention; σ = ``noise``). ``"mse"``: the mean over the
        output's elements of (pred − y)², torch's ``MSELoss`` (devinterp's usual loss; for D
        outputs and σ = 1 it is 2/D times the Gaussian NLL, so the same nβ means a different
        temperature). ``"cross_entropy"``: logits and integer labels. A callable
        ``ell(prediction, y)`` gives the per-sample loss.
    noise : float
        σ for ``loss="gaussian"``.
    dtype : {"float64", "float32"}
    name : str, optional
        The model's name in descriptions (default ``fn.__name__``).

    Returns
    -------
    JaxLoss

    Raises
    ------
    InputError
        For data without rows, NaN/inf in the data, mismatched x and y, an unknown loss, a
        function that fails or returns a non-finite loss at ``params0``.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> fn = lambda p, x: jnp.tanh(x * p[0]) * p[1]
    >>> L = function_loss(fn, [0.5, 0.5], (np.ones(4), np.zeros(4)), loss="mse")
    >>> L.n, L.scaling
    (4, 'mse')
    """
    jax, jnp = require_jax()
    from jax.flatten_util import ravel_pytree

    if not callable(fn):
        raise InputError(f"fn must be a function fn(params, x) -> prediction, got {type(fn).__name__}")
    x, y, n = _split_data(data, loss)
    if not (isinstance(noise, (int, float)) and math.isfinite(noise) and noise > 0):
        raise InputError(f"noise (σ) must be a positive number, got {noise!r}")
    ell = _per_sample(loss, float(noise))
    with jax_context(dtype):
        ftype = jnp.float64 if dtype == "float64" else jnp.float32
        try:
            params0 = jax.tree_util.tree_map(lambda a: jnp.asarray(a, dtype=ftype), params0)
            w0, unravel = ravel_pytree(params0)
        except (TypeError, ValueError) as e:
            raise InputError(f"params0 must be a pytree of numeric arrays: {e}") from None
        if w0.size == 0:
            raise InputError("params0 has no parameters")
        xj = jnp.asarray(x, dtype=ftype) if x.dtype.kind in "fc" else jnp.asarray(x)
        yj = jnp.asarray(y, dtype=ftype) if y.dtype.kind in "fc" else jnp.asarray(y)

        def per_sample(w, xb, yb):
            p = unravel(w)
            return jax.vmap(lambda xi, yi: ell(fn(p, xi), yi))(xb, yb)

        def f(w):
            return jnp.mean(per_sample(w, xj, yj))

        try:
            v0 = float(jax.jit(f)(w0))
        except Exception as e:  # the user's function failed: say where
            raise InputError(f"fn(params0, x) failed on the data ({type(e).__name__}: {e}); fn must take the "
                             f"parameter pytree and ONE sample x (it is vmapped over the rows of x)") from None
    if not math.isfinite(v0):
        raise InputError(f"the loss at params0 is {v0}: it must be finite")
    lname = getattr(loss, "__name__", "custom") if callable(loss) else loss
    desc = f"{name or getattr(fn, '__name__', 'fn')} with {lname} loss"
    return JaxLoss(f, variables=_names(params0), w0=np.asarray(w0, dtype=float), per_sample=per_sample, x=xj,
                   y=yj, n=n, unravel=unravel, description=desc, dtype=dtype, scaling=lname)


def polynomial_loss(P, dtype: str = "float64") -> JaxLoss:
    """A :class:`~rlct.polynomial.Polynomial` as a :class:`JaxLoss` (coefficients rounded to
    ``dtype``; the exact polynomial stays with the potential).

    Examples
    --------
    >>> L = polynomial_loss("w1**2*w2**2 + w1")
    >>> L.value(np.array([[2.0, 1.0], [-1.0, 3.0]])).tolist()
    [6.0, 8.0]
    """
    from ..polynomial import as_polynomial

    jax, jnp = require_jax()
    P = as_polynomial(P)
    terms = list(P.terms.items()) if hasattr(P, "terms") else list(P.to_dict().items())
    if not terms:
        exps = np.zeros((1, len(P.variables)), dtype=np.int64)
        coefs = np.zeros(1)
    else:
        exps = np.array([e for e, _ in terms], dtype=np.int64).reshape(len(terms), len(P.variables))
        coefs = np.array([float(c) for _, c in terms])
    with jax_context(dtype):
        E = jnp.asarray(exps, dtype=jnp.int32)
        C = jnp.asarray(coefs)

        def f(w):
            return jnp.dot(C, jnp.prod(jnp.power(w[None, :], E), axis=1))

    return JaxLoss(f, variables=P.variables, w0=np.zeros(len(P.variables)), description=f"polynomial, {len(terms)} terms",
                   dtype=dtype)
