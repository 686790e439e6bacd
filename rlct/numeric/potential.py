"""Potentials: the negative log density that the samplers target, vectorised over chains.

A :class:`Potential` is

    U(w) = nβ · f(w) + (γ/2) ‖w − w*‖² − log φ(w),

with ``f`` the population KL divergence K (a :class:`~rlct.polynomial.Polynomial`),
an empirical loss L_n (a polynomial whose coefficients are moments of the data,
so a step costs the same at n = 10³ and n = 10⁹), or a user's numpy callable;
``φ`` a :class:`Prior`; ``γ`` the optional localisation around the true point
``w*`` of the local learning coefficient literature (Lau et al. 2023).
Positions are arrays of shape ``(chains, d)``.

Examples
--------
>>> import numpy as np
>>> U = Potential.from_polynomial("(w1*w2)**2", nbeta=579)
>>> U
Potential(f=K (polynomial, 1 terms), d=2, nβ=579, prior=uniform[-1, 1]^2, γ=None, w*=0)
>>> value, grad, f = U.evaluate(np.array([[0.5, 0.5], [2.0, 0.0]]))
>>> f, value                  # the second point lies outside the prior's box
(array([0.0625, 0.    ]), array([36.1875,     inf]))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from ..errors import InputError
from ..polynomial import Polynomial, as_polynomial
from .compiled import CompiledPolynomial
from .prior import Prior, as_prior, as_vector, check_positive  # noqa: F401  (re-exported)
from ..validate import check_int

__all__ = ["Prior", "Potential", "check_positive"]


# ------------------------------------------------------------------------------------
# the loss part f


class CallableLoss:
    """``f`` from a user's vectorised numpy callables ``fun(w) -> (chains,)`` and
    ``grad(w) -> (chains, d)`` (or one ``value_and_grad``)."""

    def __init__(self, fun: Callable | None, grad: Callable | None, dim: int, value_and_grad: Callable | None = None):
        if value_and_grad is None and (fun is None or grad is None):
            raise InputError("a callable potential needs fun= and grad=, or value_and_grad=")
        self.fun, self.grad_fun, self.vg = fun, grad, value_and_grad
        self.dim = int(dim)

    def value(self, w):
        """f at each row of ``w``."""
        if self.fun is not None:
            return np.asarray(self.fun(w), dtype=float)
        return np.asarray(self.vg(w)[0], dtype=float)

    def value_and_grad(self, w):
        """(f, ∇f) at each row of ``w``, shapes checked."""
        if self.vg is not None:
            v, g = self.vg(w)
        else:
            v, g = self.fun(w), self.grad_fun(w)
        v, g = np.asarray(v, dtype=float), np.asarray(g, dtype=float)
        c = w.shape[0]
        if v.shape != (c,):
            raise InputError(f"the loss callable returned shape {v.shape} for {c} positions; expected ({c},)")
        if g.shape != (c, self.dim):
            raise InputError(f"the gradient callable returned shape {g.shape}; expected ({c}, {self.dim})")
        return v, g


# ------------------------------------------------------------------------------------
# the potential


@dataclass(frozen=True, eq=False)
class Potential:
    """``U(w) = nβ·f(w) + (γ/2)‖w − w*‖² − log φ(w)``, vectorised over chains.

    Build with :meth:`from_polynomial` (population K), :meth:`from_loss` (an
    empirical L_n), :meth:`from_model` (a model and its data) or
    :meth:`from_callable`. Use :meth:`at` for the same potential at another
    temperature.

    Attributes
    ----------
    loss_function : object
        Has ``value(w)`` and ``value_and_grad(w)`` (a :class:`CompiledPolynomial`
        or a :class:`CallableLoss`).
    variables : tuple of str
    nbeta : float
        nβ, the inverse temperature times the sample size.
    n, beta : float or None
        Recorded when given (β = nbeta / n).
    prior : Prior
    center : ndarray
        The true point w* (start of the chains and centre of the localisation).
    center_loss : float
        f(w*).
    gamma : float or None
        Localisation strength; None for none.
    kind : str
        ``"population"`` (f = K), ``"empirical"`` (f = L_n) or ``"callable"``.
    polynomial : Polynomial or None

    Examples
    --------
    >>> U = Potential.from_polynomial("w1**2 + w2**2", nbeta=10, prior=Prior.gaussian(1.0), gamma=2.0)
    >>> U.energy(np.array([[1.0, 0.0]]))        # 10·1 + (2/2)·1 + 1/2
    array([11.5])
    >>> U.settings()["gamma"], U.at(nbeta=20).nbeta
    (2.0, 20.0)
    """

    loss_function: Any
    variables: tuple
    nbeta: float
    prior: Prior
    center: np.ndarray
    center_loss: float
    gamma: float | None = None
    n: float | None = None
    beta: float | None = None
    kind: str = "population"
    polynomial: Polynomial | None = None
    info: dict = field(default_factory=dict)

    # -- construction ----------------------------------------------------------------
    @staticmethod
    def _temperature(n, beta, nbeta):
        n = check_positive(n, "n", allow_none=True)
        beta = check_positive(beta, "beta", allow_none=True)
        nbeta = check_positive(nbeta, "nbeta", allow_none=True)
        if nbeta is not None:
            if n is not None and beta is not None and not math.isclose(nbeta, n * beta, rel_tol=1e-12):
                raise InputError(f"nbeta={nbeta} differs from n*beta={n * beta}: give two of n, beta, nbeta")
            if n is not None and beta is None:
                beta = nbeta / n
            return n, beta, nbeta
        if n is None:
            raise InputError("give n (then beta = 1/log n unless beta= is given) or nbeta")
        if beta is None:
            if n <= 1:
                raise InputError(f"beta = 1/log n needs n > 1, got n={n}")
            beta = 1.0 / math.log(n)
        return n, beta, n * beta

    @classmethod
    def _build(cls, loss_function, variables, *, n, beta, nbeta, prior, center, gamma, kind, polynomial, info):
        d = len(variables)
        n, beta, nbeta = cls._temperature(n, beta, nbeta)
        gamma = check_positive(gamma, "gamma (use gamma=None for no localisation)", allow_none=True)
        c = np.zeros(d) if center is None else _point(center, d)
        prior = as_prior(prior, d, c)
        pv, _ = prior.neglog(c[None, :])
        if not np.isfinite(pv[0]) and prior.amplitude is None:
            raise InputError(f"the true point w* = {c.tolist()} is outside the support of {prior!r}")
        f0 = np.asarray(loss_function.value(c[None, :].copy()), dtype=float)
        if f0.shape != (1,) or not np.isfinite(f0[0]):
            raise InputError(f"the loss at the start point w* = {c.tolist()} is {f0.tolist()}: it must be one finite number")
        if polynomial is None:          # a user's callable: check its gradient too
            _, g0 = loss_function.value_and_grad(c[None, :].copy())
            if not np.all(np.isfinite(g0)):
                raise InputError(f"the gradient at the start point w* = {c.tolist()} is not finite: {g0.tolist()}")
        return cls(loss_function, tuple(variables), nbeta, prior, c, float(f0[0]), gamma, n, beta, kind, polynomial,
                   dict(info or {}))

    @classmethod
    def of(cls, target, data=None, **kw) -> "Potential":
        """A Potential from what the estimators accept: a Potential (returned as it is), a model
        with ``data`` (:meth:`from_model`) or with ``data="population"`` (its true K,
        :meth:`from_population`), or a polynomial K (:meth:`from_polynomial`); keyword arguments
        that are None are ignored. This is the one step from a model to a potential.

        >>> Potential.of("w1**2", nbeta=10).nbeta
        10.0
        >>> from rlct.models import TwoLayerNetwork
        >>> Potential.of(TwoLayerNetwork(2), "population", n=1000).kind
        'population'
        """
        given = {k: v for k, v in kw.items() if v is not None}
        if isinstance(target, Potential):
            if data is not None or given:
                raise InputError(f"a Potential already fixes its settings; do not pass {', '.join(given) or 'data'} "
                                 f"(use potential.at(nbeta=...) for another temperature)")
            return target
        if hasattr(target, "loss") and hasattr(target, "parameters"):
            if data is None:
                raise InputError("a model needs data: llc(model, data, ...)")
            if "center" in given:
                raise InputError("the model fixes w* (model.true_parameter); do not pass center=")
            if isinstance(data, str):
                if data != "population":
                    raise InputError(f"data must be a data set or 'population', got {data!r}")
                return cls.from_population(target, **given)
            return cls.from_model(target, data, **given)
        if data is not None:
            raise InputError("data= is only for models; for an empirical loss polynomial use Potential.from_loss(L, n)")
        return cls.from_polynomial(target, **given)

    @classmethod
    def from_polynomial(cls, K, *, n=None, beta=None, nbeta=None, prior=None, center=None, gamma=None,
                        variables=None, backend: str = "numpy") -> "Potential":
        """The population potential ``nβ K(w) (+ localisation) − log φ``.

        Parameters
        ----------
        K : Polynomial, str, sympy expression or mapping
            The KL divergence (anything :func:`rlct.as_polynomial` reads).
        n, beta, nbeta : float
            Give ``nbeta``, or ``n`` (then β = 1/log n unless ``beta`` is given).
        prior : Prior, optional
            Default: uniform on the box ``w* ± 1`` (``[−1, 1]^d`` at the origin).
        center : sequence, optional
            w*; default the origin.
        gamma : float, optional
            Localisation strength γ > 0; None (default) for none.
        backend : {"numpy", "jax"}
            ``"numpy"`` (default; fastest for small polynomials) evaluates the sparse polynomial
            with numpy; ``"jax"`` compiles it to JAX, so that :func:`rlct.numeric.sample` runs
            the compiled driver (every sampler, NUTS included).

        Raises
        ------
        InputError
            For non-positive n, β, nβ or γ, a w* outside the prior or of the wrong length.

        Examples
        --------
        >>> Potential.from_polynomial("w1**2 + w2**2", n=1000).beta  # 1/log n
        0.14476482730108395
        """
        K = as_polynomial(K, variables)
        if backend not in ("numpy", "jax"):
            raise InputError(f"backend must be 'numpy' or 'jax', got {backend!r}")
        if backend == "jax":
            from .jaxloss import polynomial_loss

            return cls._build(polynomial_loss(K), K.variables, n=n, beta=beta, nbeta=nbeta, prior=prior,
                              center=center, gamma=gamma, kind="population", polynomial=K, info={"f": "K"})
        return cls._build(CompiledPolynomial.of(K), K.variables, n=n, beta=beta, nbeta=nbeta, prior=prior, center=center,
                          gamma=gamma, kind="population", polynomial=K, info={"f": "K"})

    @classmethod
    def from_loss(cls, L, n, *, beta=None, nbeta=None, prior=None, center=None, gamma=None, variables=None,
                  scaling: str = "nll") -> "Potential":
        """The empirical potential ``nβ L_n(w) (+ localisation) − log φ``.

        Parameters
        ----------
        L : Polynomial or polynomial-like
            The empirical loss L_n (average negative log-likelihood, up to a constant).
        n : int
            Number of samples behind L_n; β = 1/log n unless ``beta``/``nbeta`` is given.
        scaling : {"nll", "mse"}
            Recorded convention: ``"nll"`` when L_n is the average negative
            log-likelihood (Watanabe; β = 1/log n is then the WBIC temperature),
            ``"mse"`` when it is a mean squared error (devinterp's usual loss; for
            Gaussian noise of variance σ², NLL = MSE/(2σ²) + const, so nβ differs
            by that factor).

        Examples
        --------
        >>> U = Potential.from_loss("(w - 1/2)**2 + 1/10", n=100, center=[0.5])
        >>> round(U.center_loss, 12), round(U.nbeta, 4)
        (0.1, 21.7147)
        """
        if scaling not in ("nll", "mse"):
            raise InputError(f"scaling must be 'nll' or 'mse', got {scaling!r}")
        L = as_polynomial(L, variables, what="L_n")
        if n is None:
            raise InputError("from_loss needs n, the number of samples behind L_n")
        return cls._build(CompiledPolynomial.of(L), L.variables, n=n, beta=beta, nbeta=nbeta, prior=prior, center=center,
                          gamma=gamma, kind="empirical", polynomial=L, info={"f": "L_n", "scaling": scaling})

    @classmethod
    def from_model(cls, model, data, *, n=None, beta=None, nbeta=None, prior=None, gamma=None,
                   scaling: str = "nll", backend: str = "auto") -> "Potential":
        """``from_loss(model.loss(data), n, center=model.true_parameter, ...)``.

        ``model`` is any object with ``parameters`` (names), ``true_parameter``
        (w*), ``loss(data)`` (L_n as a Polynomial in the parameters) and, checked
        when present, ``kl()`` (K, which must vanish at w*). ``n`` is read from
        ``data.n``, ``len(data)`` or ``len(data[0])`` unless given. When
        ``model.loss(data)`` is not a polynomial but has vectorised ``value`` and
        ``gradient`` (``rlct.models.ModelLoss``), the potential is a callable one. With no
        ``prior``, a model with parameter ``bounds`` (a mixing weight in [0, 1]) gets the uniform
        prior on ``model.prior_box()``.

        ``backend``: ``"numpy"`` (the model's polynomial L_n or numpy loss), ``"jax"`` (the model's
        JAX loss from :func:`rlct.numeric.modelloss.model_loss`: reduced rank regression and deep
        linear networks through the data's second moments, two-layer networks per sample, so the
        compiled samplers and minibatch SGLD apply) or ``"auto"`` (default: JAX for a supported
        model with more than 40 parameters, whose polynomial would be large).

        Examples
        --------
        >>> from rlct.models import ReducedRankRegression
        >>> model = ReducedRankRegression(2, 2, 1, 0)
        >>> U = Potential.from_model(model, model.sample(1000, seed=0))
        >>> U.kind, U.n, U.dim
        ('empirical', 1000.0, 4)
        """
        for attr in ("parameters", "true_parameter", "loss"):
            if not hasattr(model, attr):
                raise InputError(f"a model needs .{attr}; got {type(model).__name__}")
        params = tuple(str(p) for p in model.parameters)
        prior = _model_prior(model, prior)
        if _jax_backend(model, backend):
            from .modelloss import model_loss

            L = model_loss(model, data)
            return cls._build(L, params, n=L.n if n is None else n, beta=beta, nbeta=nbeta, prior=prior,
                              center=L.w0, gamma=gamma, kind="empirical", polynomial=None,
                              info={"f": "L_n", "scaling": scaling, "model": repr(model)})
        L = model.loss(data)
        wstar = tuple(model.true_parameter)
        if len(wstar) != len(params):
            raise InputError(f"model.true_parameter has {len(wstar)} entries for {len(params)} parameters")
        if n is None:
            n = getattr(L, "n", None) or _data_size(data)
        if not isinstance(L, Polynomial) and callable(getattr(L, "value", None)) and callable(getattr(L, "gradient", None)):
            # a non-polynomial empirical loss (e.g. rlct.models.ModelLoss): vectorised value and gradient
            return cls._build(CallableLoss(L.value, L.gradient, len(params)), params, n=n, beta=beta, nbeta=nbeta,
                              prior=prior, center=[float(Fraction(x)) for x in wstar], gamma=gamma, kind="empirical",
                              polynomial=None, info={"f": "L_n", "scaling": scaling, "model": repr(model)})
        if not isinstance(L, Polynomial):
            L = as_polynomial(L, params, what="model.loss(data)")
        if set(L.variables) - set(params):
            raise InputError(f"model.loss(data) has variables {L.variables} that are not the model's parameters {params}")
        L = L.embed(params) if L.variables != params else L
        if hasattr(model, "kl") and len(params) <= 40:       # a sanity check; K of a large model is costly
            K = model.kl()
            if isinstance(K, Polynomial) and set(K.variables) <= set(params):
                if K.embed(params)(list(wstar)) != 0:
                    raise InputError("model.kl() does not vanish at model.true_parameter: K is not this model's KL divergence at w*")
        U = cls.from_loss(L, n, beta=beta, nbeta=nbeta, prior=prior, center=wstar, gamma=gamma, scaling=scaling)
        U.info["model"] = repr(model)
        return U

    @classmethod
    def from_population(cls, model, *, n=None, beta=None, nbeta=None, prior=None, gamma=None,
                        backend: str = "auto") -> "Potential":
        """The population potential ``nβ K(w) (+ localisation) − log φ`` of a model, with its true K:
        ``model.population_loss()`` where ``kl()`` is only equivalent to K (a truncated series,
        an equivalent polynomial), else the polynomial ``kl()``; with ``backend="auto"`` a model
        with a JAX form and more than 40 parameters uses it (:mod:`rlct.numeric.modelloss`). With
        no ``prior``, a model with parameter ``bounds`` gets the uniform prior on
        ``model.prior_box()``.

        >>> from rlct.models import ReducedRankRegression
        >>> U = Potential.from_population(ReducedRankRegression(2, 2, 1, 0), n=100)
        >>> U.kind, U.dim, U.info["f"]
        ('population', 4, 'K')
        """
        params = tuple(str(p) for p in model.parameters)
        center = [float(Fraction(v)) for v in model.true_parameter]
        prior = _model_prior(model, prior)
        info = {"f": "K", "model": repr(model)}
        if _jax_backend(model, backend):
            from .modelloss import model_loss

            L = model_loss(model)
            return cls._build(L, params, n=n, beta=beta, nbeta=nbeta, prior=prior, center=center, gamma=gamma,
                              kind="population", polynomial=None, info=info)
        true_K = model.population_loss()
        if true_K is not None:
            return cls._build(CallableLoss(true_K.value, true_K.gradient, len(params)), params, n=n, beta=beta,
                              nbeta=nbeta, prior=prior, center=center, gamma=gamma, kind="population",
                              polynomial=None, info={**info, "evaluation": true_K.description})
        U = cls.from_polynomial(model.kl(), n=n, beta=beta, nbeta=nbeta, prior=prior, center=center, gamma=gamma,
                                variables=params)
        U.info["model"] = repr(model)
        return U

    @classmethod
    def from_callable(cls, fun=None, grad=None, *, dim=None, value_and_grad=None, n=None, beta=None, nbeta=None,
                      prior=None, center=None, gamma=None, variables=None) -> "Potential":
        """A potential from vectorised numpy callables (for non-polynomial models).

        ``fun(w)`` maps positions of shape ``(chains, d)`` to losses ``(chains,)``;
        ``grad(w)`` to ``(chains, d)``. The callables are checked at w* (shapes,
        finite values). To send the potential to a process pool (``sweep``), use
        module-level functions rather than lambdas, so that it pickles.

        Examples
        --------
        >>> U = Potential.from_callable(lambda w: (w**2).sum(1), lambda w: 2*w, dim=3, nbeta=10)
        >>> U.energy(np.ones((1, 3)))
        array([30.])
        """
        if dim is None:
            dim = len(variables) if variables is not None else (len(np.atleast_1d(center)) if center is not None else None)
        if dim is None:
            raise InputError("from_callable needs dim= (or variables= or center=)")
        dim = check_int(dim, "dim (the number of parameters)")
        variables = tuple(variables) if variables is not None else tuple(f"w{i + 1}" for i in range(int(dim)))
        if len(variables) != int(dim):
            raise InputError(f"{len(variables)} variable names for dim={dim}")
        return cls._build(CallableLoss(fun, grad, int(dim), value_and_grad), variables, n=n, beta=beta, nbeta=nbeta,
                          prior=prior, center=center, gamma=gamma, kind="callable", polynomial=None, info={"f": "callable"})

    @classmethod
    def from_function(cls, fn, params0, data, *, loss="gaussian", noise: float = 1.0, n=None, beta=None, nbeta=None,
                      prior=None, gamma=None, dtype: str = "float64") -> "Potential":
        """The empirical potential of a user's JAX model: ``nβ L_n(w) (+ localisation) − log φ`` with
        ``L_n(w) = (1/n) Σ_i ℓ(fn(params(w), x_i), y_i)`` and w* = ``params0`` (flattened).

        Parameters
        ----------
        fn : callable or torch.nn.Module
            ``fn(params, x) -> prediction`` for one sample (a pure JAX function, see
            :func:`rlct.numeric.jaxloss.function_loss`), or a PyTorch module (converted by
            :func:`rlct.numeric.torch_adapter.from_torch`; ``params0`` None means its weights).
        params0 : pytree
            The parameters at which the LLC is measured.
        data : (x, y)
            One row per sample; n = the number of rows unless ``n`` is given.
        loss : {"gaussian", "mse", "cross_entropy", "nll"} or callable
            The per-sample loss; recorded as the potential's ``scaling``.
        n, beta, nbeta, prior, gamma :
            As in :meth:`from_loss` (default prior: uniform on w* ± 1).
        dtype : {"float64", "float32"}

        Examples
        --------
        >>> import jax.numpy as jnp
        >>> fn = lambda p, x: p["b"] * jnp.tanh(p["a"] * x)
        >>> x = np.linspace(-2, 2, 50)
        >>> U = Potential.from_function(fn, {"a": 0.0, "b": 0.0}, (x, 0 * x), gamma=100.0)
        >>> U.kind, U.n, U.dim, U.variables
        ('empirical', 50.0, 2, ('a', 'b'))
        """
        from .jaxloss import function_loss

        name = None
        if params0 is None or is_torch_module(fn):
            from .torch_adapter import from_torch

            if not is_torch_module(fn):
                raise InputError("params0 is None: give the parameters w* (a pytree of arrays)")
            from .jaxloss import jax_context

            with jax_context(dtype):
                tm = from_torch(fn, dtype=dtype)
            name = f"torch {type(fn).__name__} ({tm.route})"
            fn, params0 = tm.fn, (tm.params if params0 is None else params0)
        L = function_loss(fn, params0, data, loss=loss, noise=noise, dtype=dtype, name=name)
        info = {"f": "L_n", "scaling": L.scaling, "model": L.description}
        return cls._build(L, L.variables, n=L.n if n is None else n, beta=beta, nbeta=nbeta, prior=prior,
                          center=L.w0, gamma=gamma, kind="empirical", polynomial=None, info=info)

    def at(self, *, nbeta=None, beta=None) -> "Potential":
        """The same potential at another temperature (give ``nbeta``, or ``beta`` when n is known).

        >>> Potential.from_polynomial("w1**2", n=100).at(beta=1.0).nbeta
        100.0
        """
        if (nbeta is None) == (beta is None):
            raise InputError("give exactly one of nbeta= and beta=")
        if beta is not None:
            beta = check_positive(beta, "beta")
            if self.n is None:
                raise InputError("beta= needs a potential built with n; give nbeta= instead")
            nbeta = self.n * beta
        nbeta = check_positive(nbeta, "nbeta")
        return Potential(self.loss_function, self.variables, nbeta, self.prior, self.center, self.center_loss,
                         self.gamma, self.n, nbeta / self.n if self.n else None, self.kind, self.polynomial, dict(self.info))

    # -- evaluation ------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """The number of parameters d."""
        return len(self.variables)

    def _check(self, w):
        w = np.asarray(w, dtype=float)
        if w.ndim != 2 or w.shape[1] != self.dim:
            raise InputError(f"positions must have shape (chains, {self.dim}), got {w.shape}")
        return w

    def loss(self, w) -> np.ndarray:
        """f(w) (K or L_n) at each row of ``w``.

        >>> Potential.from_polynomial("w1*w2", nbeta=1).loss(np.array([[2.0, 3.0]]))
        array([6.])
        """
        return np.asarray(self.loss_function.value(self._check(w)), dtype=float)

    def evaluate(self, w):
        """``(U, ∇U, f)`` at each row of ``w`` (the samplers' one call per step).

        >>> U, G, f = Potential.from_polynomial("w1**2", nbeta=3).evaluate(np.array([[0.5]]))
        >>> U, G, f
        (array([0.75]), array([[3.]]), array([0.25]))
        """
        w = self._check(w)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._evaluate(w)

    def _evaluate(self, w):
        f, g = self.loss_function.value_and_grad(w)
        U = self.nbeta * f
        G = self.nbeta * g
        pv, pg = self.prior.neglog(w, self._prior_arrays)
        U = U + pv
        G = G + pg
        if self.gamma is not None:
            diff = w - self.center
            U = U + 0.5 * self.gamma * np.einsum("ij,ij->i", diff, diff)
            G = G + self.gamma * diff
        return U, G, f

    def energy(self, w) -> np.ndarray:
        """U(w) at each row of ``w``."""
        return self.evaluate(w)[0]

    def grad(self, w) -> np.ndarray:
        """∇U(w) at each row of ``w``."""
        return self.evaluate(w)[1]

    @property
    def _prior_arrays(self):
        arr = self.__dict__.get("_pa")
        if arr is None:
            arr = self.prior.arrays(self.dim)
            object.__setattr__(self, "_pa", arr)
        return arr

    def settings(self) -> dict:
        """Everything that changes the number an estimator reports, JSON-friendly."""
        out = {"f": self.info.get("f", self.kind), "kind": self.kind, "d": self.dim, "variables": list(self.variables),
               "nbeta": self.nbeta, "n": self.n, "beta": self.beta, "gamma": self.gamma,
               "center": self.center.tolist(), "center_loss": self.center_loss, "prior": self.prior.to_dict()}
        for key in ("scaling", "model"):
            if key in self.info:
                out[key] = self.info[key]
        if self.polynomial is not None:
            out["polynomial"] = str(self.polynomial) if len(self.polynomial) <= 40 else f"{len(self.polynomial)} terms"
        return out

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_pa", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        f = {"population": "K", "empirical": "L_n", "callable": "callable"}[self.kind]
        if self.polynomial is not None:
            f += f" (polynomial, {len(self.polynomial)} terms)"
        prior = repr(self.prior)[len("Prior("):-1]
        if self.prior.kind == "uniform" and not isinstance(self.prior.low, tuple) and not isinstance(self.prior.high, tuple):
            prior = prior.replace("]", f"]^{self.dim}", 1)
        c = "0" if not np.any(self.center) else str([float(x) for x in self.center])
        g = "None" if self.gamma is None else f"{self.gamma:g}"
        return f"Potential(f={f}, d={self.dim}, nβ={self.nbeta:.6g}, prior={prior}, γ={g}, w*={c})"


def _point(center, d: int) -> np.ndarray:
    """w* as a float array of length d (entries may be Fractions or strings such as "1/2")."""
    if np.isscalar(center) or isinstance(center, Fraction):
        center = [center] * d
    try:
        vals = [float(Fraction(x)) if isinstance(x, (Fraction, str)) else float(x) for x in center]
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        raise InputError(f"center (w*) must be a sequence of {d} finite numbers, got {center!r:.80}") from None
    return as_vector(vals, d, "center (w*)")


def _model_prior(model, prior):
    """The prior given, or for a model with parameter ``bounds`` (a mixing weight in [0, 1]) the
    uniform prior on ``model.prior_box()`` (None otherwise: the default box w* ± 1)."""
    if prior is None and getattr(model, "bounds", None) and hasattr(model, "prior_box"):
        return Prior.uniform(*model.prior_box())
    return prior


def _jax_backend(model, backend: str) -> bool:
    """Whether a model's potential uses its JAX loss: asked for, or ``"auto"`` with more than 40
    parameters (where its polynomial would be large) and a JAX form available."""
    from .modelloss import supports

    if backend not in ("auto", "numpy", "jax"):
        raise InputError(f"backend must be 'auto', 'numpy' or 'jax', got {backend!r}")
    return backend == "jax" or (backend == "auto" and len(model.parameters) > 40 and supports(model))


def is_torch_module(obj) -> bool:
    """Whether ``obj`` is a torch.nn.Module (without importing torch when it is not loaded)."""
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.nn.Module)


def _data_size(data) -> float:
    if hasattr(data, "n"):
        return data.n
    if isinstance(data, (tuple, list)) and data and hasattr(data[0], "__len__") and not np.isscalar(data[0]):
        return len(data[0])
    if hasattr(data, "__len__"):
        return len(data)
    raise InputError("cannot tell the sample size of data: pass n=")
