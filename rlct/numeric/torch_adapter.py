"""Run a PyTorch ``nn.Module`` as a pure JAX function of its parameters.

:func:`from_torch` turns a module into a :class:`TorchModel`: a pure function
``fn(params, x)`` and the module's current parameters ``params`` (a dict of
``jax.numpy`` arrays keyed by ``named_parameters()`` names), ready for the
numeric estimators (``llc(model.fn, model.params, data, ...)``).
:meth:`TorchModel.to_torch` loads parameters back into a copy of the module.

Two routes, chosen automatically:

``"converted"``
    The forward pass is traced with ``torch.fx`` and translated to jax.numpy:
    ``nn.Sequential`` (nested), ``nn.Linear`` (with or without bias),
    ``nn.Identity``, ``nn.Flatten``, ``nn.Dropout`` (identity, as in eval mode),
    the activations ``ReLU, Tanh, Sigmoid, GELU`` (exact and tanh),
    ``SiLU, Softplus, LeakyReLU, ELU, Softmax, LogSoftmax``, and custom
    ``forward`` methods made of these together with ``+ - * / @``, unary minus,
    ``torch.tanh/relu/sigmoid/exp/flatten/matmul`` and their ``torch.nn.functional``
    and tensor-method forms. The result is pure JAX: jit, vmap, grad and
    higher derivatives all work, at JAX speed.
``"torch.func"``
    Anything else (``LayerNorm``, convolutions, custom ops, data-dependent
    control flow). ``fn`` calls torch on the host through ``jax.pure_callback``
    and ``torch.func.functional_call``; its gradient is a ``jax.custom_vjp`` whose
    backward pass calls ``torch.func.vjp``. It works under ``jax.jit``,
    ``jax.grad`` and ``jax.vmap`` (batch elements run one after another), but
    only for reverse-mode first derivatives, and it is slow (for a 850-parameter
    MLP, 1.4 ms per value-and-gradient against 0.08 ms converted). On a busy
    machine ``torch.set_num_threads(1)`` can make it many times faster.

In both routes the function is the module's *eval-mode* forward pass: dropout is
the identity and normalisation layers use their running statistics; buffers are
constants, never parameters.

Parameter order. ``params`` is a plain dict, so ``jax.tree_util`` flattens it in
sorted-key order. :meth:`TorchModel.ravel` and :meth:`TorchModel.unravel` instead
use the order of ``module.named_parameters()`` (the order of
``torch.nn.utils.parameters_to_vector(module.parameters())``), each array
flattened row-major. Tied parameters appear once, under their first name.
"""

from __future__ import annotations

import copy
import math
import operator
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from ..errors import InputError

__all__ = ["TorchModel", "from_torch"]

ROUTES = ("converted", "torch.func")


@dataclass(frozen=True, eq=False)
class TorchModel:
    """A torch module as a pure JAX function and its parameters.

    Attributes
    ----------
    fn : callable
        ``fn(params, x) -> prediction``, a pure JAX function (eval-mode forward pass).
    params : dict of str to jax.Array
        The module's parameters when converted, keyed by ``named_parameters()`` names.
    route : str
        ``"converted"`` (translated to jax.numpy) or ``"torch.func"`` (torch via callbacks).
    names : tuple of str
        Parameter names in ``named_parameters()`` order, the order of :meth:`ravel`.
    reason : str or None
        Why the module was not converted, when ``route == "torch.func"``.
    """

    fn: Callable[[Any, Any], Any]
    params: dict
    route: str
    names: tuple
    reason: str | None = None
    _module: Any = field(default=None, repr=False)

    @property
    def dim(self) -> int:
        """Number of scalar parameters."""
        return sum(int(np.prod(self.params[k].shape)) for k in self.names)

    def ravel(self, params) -> jax.Array:
        """Concatenate ``params`` into one vector, in ``named_parameters()`` order."""
        _check_keys(params, self.names, self.params)
        return jnp.concatenate([jnp.ravel(params[k]) for k in self.names])

    def unravel(self, vector) -> dict:
        """Inverse of :meth:`ravel`: a parameter dict from a vector of length :attr:`dim`."""
        vector = jnp.asarray(vector)
        if vector.shape != (self.dim,):
            raise InputError(f"unravel: vector has shape {vector.shape}; expected ({self.dim},), "
                             "one entry per scalar parameter")
        out, start = {}, 0
        for k in self.names:
            shape = self.params[k].shape
            size = int(np.prod(shape))
            out[k] = vector[start:start + size].reshape(shape)
            start += size
        return out

    def to_torch(self, params=None):
        """A copy of the original module carrying ``params`` (a dict, or a vector as from :meth:`ravel`).

        The copy keeps the original module's dtype, device and training flag.
        """
        import torch

        if params is None:
            params = self.params
        if not isinstance(params, dict):
            params = self.unravel(params)
        _check_keys(params, self.names, self.params)
        module = copy.deepcopy(self._module)
        own = dict(module.named_parameters())
        with torch.no_grad():
            for k in self.names:
                own[k].copy_(torch.from_numpy(np.array(params[k])).to(own[k].dtype))
        return module


def _check_keys(params, names, reference) -> None:
    if not isinstance(params, dict):
        raise InputError(f"params must be a dict keyed by parameter name, got {type(params).__name__}")
    if set(params) != set(names):
        missing = sorted(set(names) - set(params))
        extra = sorted(set(params) - set(names))
        raise InputError(f"params keys do not match the module's parameters: missing {missing}, unexpected {extra}")
    for k in names:
        if jnp.shape(params[k]) != reference[k].shape:
            raise InputError(f"params[{k!r}] has shape {jnp.shape(params[k])}; expected {reference[k].shape}")


# --------------------------------------------------------------------------- jax.numpy versions of torch ops
# Signatures follow torch's, so fx's recorded args/kwargs apply unchanged. Kinks follow torch's one-sided
# derivatives: jnp.where, never jnp.minimum/maximum (whose gradient is halved at ties).

def _softplus(input, beta=1.0, threshold=20.0):
    linear = beta * input > threshold
    return jnp.where(linear, input, jnp.logaddexp(jnp.where(linear, threshold, beta * input), 0.0) / beta)


def _elu(input, alpha=1.0, inplace=False):
    positive = input > 0
    return jnp.where(positive, input, alpha * jnp.expm1(jnp.where(positive, 0.0, input)))


def _leaky_relu(input, negative_slope=0.01, inplace=False):
    return jnp.where(input > 0, input, negative_slope * input)


def _gelu(input, approximate="none"):
    return jax.nn.gelu(input, approximate=(approximate == "tanh"))


def _linear(input, weight, bias=None):
    out = jnp.matmul(input, weight.T)
    return out if bias is None else out + bias


def _flatten(input, start_dim=0, end_dim=-1):
    shape = input.shape
    start, end = start_dim % max(len(shape), 1), end_dim % max(len(shape), 1)
    return input.reshape(shape[:start] + (-1,) + shape[end + 1:])


def _softmax(input, dim=None, _stacklevel=3, dtype=None, log=False):
    dim = dim if dim is not None else (0 if input.ndim in (0, 1, 3) else 1)  # torch's legacy implicit dim
    return (jax.nn.log_softmax if log else jax.nn.softmax)(input, axis=dim)


def _log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _softmax(input, dim, log=True)


def _reshape(input, *shape):
    return input.reshape(tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)


def _getattr(obj, name):
    if name not in ("shape", "ndim", "T"):
        raise InputError(f"tensor attribute .{name} is not supported in a converted forward")
    return getattr(obj, name)


def _unary(f):
    return lambda input, *args, inplace=False, **kwargs: f(input)


_identity = _unary(lambda x: x)
_relu = _unary(jax.nn.relu)


def _leaf_modules(nn):
    """Supported leaf module types -> ``rule(module, get_param, x)``."""

    def of_x(f):
        return lambda m, get, x: f(x)

    return {nn.Linear: lambda m, get, x: _linear(x, get(m.weight), None if m.bias is None else get(m.bias)),
            nn.Identity: of_x(_identity), nn.Dropout: of_x(_identity),
            nn.Flatten: lambda m, get, x: _flatten(x, m.start_dim, m.end_dim),
            nn.ReLU: of_x(jax.nn.relu), nn.Tanh: of_x(jnp.tanh), nn.Sigmoid: of_x(jax.nn.sigmoid),
            nn.GELU: lambda m, get, x: _gelu(x, m.approximate), nn.SiLU: of_x(jax.nn.silu),
            nn.Softplus: lambda m, get, x: _softplus(x, m.beta, m.threshold),
            nn.LeakyReLU: lambda m, get, x: _leaky_relu(x, m.negative_slope),
            nn.ELU: lambda m, get, x: _elu(x, m.alpha),
            nn.Softmax: lambda m, get, x: _softmax(x, m.dim), nn.LogSoftmax: lambda m, get, x: _log_softmax(x, m.dim)}


def _functions(torch):
    """Supported ``call_function`` targets (operators, torch.*, torch.nn.functional.*) -> jax version."""
    F = torch.nn.functional
    return {operator.add: operator.add, operator.sub: operator.sub, operator.mul: operator.mul,
            operator.truediv: operator.truediv, operator.matmul: jnp.matmul, operator.neg: operator.neg,
            operator.pos: operator.pos, operator.getitem: operator.getitem, getattr: _getattr,
            torch.add: lambda input, other, *, alpha=1: input + alpha * other,
            torch.sub: lambda input, other, *, alpha=1: input - alpha * other,
            torch.mul: jnp.multiply, torch.div: jnp.divide, torch.matmul: jnp.matmul, torch.neg: jnp.negative,
            torch.tanh: jnp.tanh, torch.relu: _relu, torch.sigmoid: jax.nn.sigmoid, torch.exp: jnp.exp,
            torch.flatten: _flatten, torch.reshape: _reshape, F.relu: _relu, F.tanh: jnp.tanh,
            F.sigmoid: jax.nn.sigmoid, F.gelu: _gelu, F.silu: _unary(jax.nn.silu), F.softplus: _softplus,
            F.leaky_relu: _leaky_relu, F.elu: _elu, F.linear: _linear, F.softmax: _softmax,
            F.log_softmax: _log_softmax, F.dropout: _identity}


_METHODS = {"tanh": jnp.tanh, "relu": _relu, "sigmoid": jax.nn.sigmoid, "exp": jnp.exp, "neg": jnp.negative,
            "add": operator.add, "sub": operator.sub, "mul": jnp.multiply, "div": jnp.divide,
            "matmul": jnp.matmul, "flatten": _flatten, "reshape": _reshape, "view": _reshape, "dim": jnp.ndim,
            "size": lambda input, dim=None: tuple(input.shape) if dim is None else input.shape[dim]}

SUPPORTED = ("nn.Sequential, nn.Linear, nn.Identity, nn.Flatten, nn.Dropout, ReLU, Tanh, Sigmoid, GELU, SiLU, "
             "Softplus, LeakyReLU, ELU, Softmax, LogSoftmax, and custom forwards of these with + - * / @, "
             "indexing, view/reshape and torch.tanh/relu/sigmoid/exp/flatten/matmul")


# --------------------------------------------------------------------------- route 1: fx graph -> jax.numpy

def _convert(module, torch, dtype):
    """``(fn, None)`` translating ``module`` to jax.numpy, or ``(None, reason)`` naming what is unsupported."""
    import torch.fx

    try:
        graph = torch.fx.symbolic_trace(module).graph
    except Exception as exc:  # fx raises many types (TraceError, TypeError, ...) for untraceable forwards
        return None, f"torch.fx cannot trace its forward ({type(exc).__name__}: {exc})"
    canon = {id(p): k for k, p in module.named_parameters()}
    leaves, functions = _leaf_modules(torch.nn), _functions(torch)
    steps = [(node, _step(node, module, torch, canon, leaves, functions, dtype)) for node in graph.nodes]
    bad = [run for _, run in steps if isinstance(run, str)]
    inputs = sum(node.op == "placeholder" for node in graph.nodes)
    if inputs != 1:
        bad.append(f"forward takes {inputs} inputs; fn(params, x) needs exactly one")
    if bad:
        return None, "; ".join(bad) + f" (supported: {SUPPORTED})"
    map_arg = torch.fx.node.map_arg

    def fn(params, x):
        env = {}
        for node, run in steps:
            if node.op == "output":
                return map_arg(node.args[0], env.__getitem__)
            env[node] = run(params, x, *map_arg((node.args, node.kwargs), env.__getitem__))
        raise AssertionError("graph without output")  # pragma: no cover

    return fn, None


def _step(node, module, torch, canon, leaves, functions, dtype):
    """``run(params, x, args, kwargs)`` for one fx node, or a string naming why it is unsupported."""
    op, target = node.op, node.target
    if op in ("placeholder", "output"):
        return lambda p, x, a, k: x
    if op == "get_attr":
        value = operator.attrgetter(target)(module)
        if id(value) in canon:
            return lambda p, x, a, k, key=canon[id(value)]: p[key]
        if isinstance(value, torch.Tensor):  # a buffer or plain tensor attribute: a constant
            const = jnp.asarray(value.detach().numpy(), dtype=dtype if value.is_floating_point() else None)
            return lambda p, x, a, k: const
        return f"attribute '{target}' of type {type(value).__name__}"
    if op == "call_module":
        sub = module.get_submodule(target)
        rule = leaves.get(type(sub))
        if rule is None:
            return f"layer '{target}' ({type(sub).__name__})"
        return lambda p, x, a, k: rule(sub, lambda t: p[canon[id(t)]], a[0])
    f = (functions if op == "call_function" else _METHODS).get(target)
    if f is None:
        return f"function {getattr(target, '__name__', target)}" if op == "call_function" else f"method .{target}()"
    return lambda p, x, a, k: f(*a, **k)


# --------------------------------------------------------------------------- route 2: torch via pure_callback

def _torch_route(module, torch, np_dtype):
    """``fn(params, x)`` calling torch through ``jax.pure_callback`` with a ``torch.func.vjp`` backward pass."""
    from torch.func import functional_call, vjp

    buffers = dict(module.named_buffers())
    tdtype = torch.float64 if np_dtype == np.float64 else torch.float32
    lock = threading.Lock()
    shapes: dict = {}

    def call(p, x):
        return functional_call(module, (p, buffers), (x,), tie_weights=True, strict=False)

    def as_torch(tree):
        return {k: torch.from_numpy(np.array(v)).to(tdtype) for k, v in tree.items()}

    def x_torch(x):
        x = torch.from_numpy(np.array(x))
        return x.to(tdtype) if x.is_floating_point() else x

    def forward(p, x):
        with lock, torch.no_grad():
            out = call(as_torch(p), x_torch(x))
        return np.asarray(_single(out, torch).detach().cpu().numpy(), dtype=np_dtype)

    def backward(p, x, g):
        with lock:
            xt, gt = x_torch(x), torch.from_numpy(np.array(g)).to(tdtype)
            if xt.is_floating_point():
                _, pull = vjp(call, as_torch(p), xt)
                gp, gx = pull(gt)
                gx = gx.detach().numpy().astype(x.dtype)
            else:
                _, pull = vjp(lambda q: call(q, xt), as_torch(p))
                (gp,), gx = pull(gt), None
        return {k: v.detach().numpy().astype(p[k].dtype) for k, v in gp.items()}, gx

    def out_struct(x):
        key = (tuple(x.shape), str(x.dtype))
        if key not in shapes:
            with lock, torch.no_grad():
                out = _single(module(x_torch(np.zeros(x.shape, dtype=x.dtype))), torch)
            shapes[key] = jax.ShapeDtypeStruct(tuple(out.shape), np_dtype)
        return shapes[key]

    # vmap_method="broadcast_all": one host call gets the whole batch and _over_batch loops in numpy. ("sequential"
    # slices with JAX on a callback thread, where `with jax.enable_x64(True):` does not apply: float64 -> float32.)
    @jax.custom_vjp
    def fn(params, x):
        host = _over_batch(forward, jnp.ndim(x))
        return jax.pure_callback(host, out_struct(x), params, x, vmap_method="broadcast_all")

    def fwd(params, x):
        return fn(params, x), (params, x)

    def bwd(res, g):
        params, x = res
        structs = (jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype), params),
                   jax.ShapeDtypeStruct(x.shape, x.dtype) if jnp.issubdtype(x.dtype, jnp.floating) else None)
        host = _over_batch(backward, jnp.ndim(x))
        return jax.pure_callback(host, structs, params, x, g, vmap_method="broadcast_all")

    fn.defvjp(fwd, bwd)
    return fn


def _over_batch(single, x_ndim):
    """A host function applying ``single(params, x, *rest)`` to each index of the arguments' leading batch axes."""

    def host(p, x, *rest):
        p, x, rest = {k: np.asarray(v) for k, v in p.items()}, np.asarray(x), [np.asarray(r) for r in rest]
        batch = x.shape[:x.ndim - x_ndim]
        if not batch:
            return single(p, x, *rest)
        results = [single({k: v[i] for k, v in p.items()}, x[i], *(r[i] for r in rest)) for i in np.ndindex(batch)]
        return jax.tree_util.tree_map(lambda *leaves: np.stack(leaves).reshape(batch + leaves[0].shape), *results)

    return host


def _single(out, torch):
    if not isinstance(out, torch.Tensor):
        raise InputError(f"the module returns {type(out).__name__}; fn(params, x) needs a single tensor output")
    return out


# --------------------------------------------------------------------------- public entry point

def from_torch(module, *, example_input=None, dtype="float64", route="auto") -> TorchModel:
    """A PyTorch module as a pure JAX function ``fn(params, x)`` and its parameters.

    Parameters
    ----------
    module : torch.nn.Module
        The network. It is deep-copied; the original is never modified.
    example_input : array_like, optional
        An input batch. When given, ``fn`` is checked against the module's own output on it
        (a converted function that disagrees falls back to the ``"torch.func"`` route), and a
        module that cannot run on it is reported at once.
    dtype : {"float64", "float32"}
        Dtype of ``params`` and of the computation. float64 needs JAX's 64-bit mode
        (``jax.config.update("jax_enable_x64", True)`` or ``with jax.enable_x64(True):``).
    route : {"auto", "converted", "torch.func"}
        ``"auto"`` converts to jax.numpy when every layer is supported and otherwise calls torch.

    Returns
    -------
    TorchModel
        ``.fn``, ``.params`` (dict keyed by ``named_parameters()`` names), ``.route``,
        ``.to_torch(params)``, and ``.ravel``/``.unravel`` in ``named_parameters()`` order.

    Raises
    ------
    InputError
        If ``module`` is not a torch module, ``dtype`` or ``route`` is unknown, float64 is asked
        for without JAX's 64-bit mode, ``route="converted"`` is asked for a module with an
        unsupported layer (the message names it and lists what is supported), or the module
        fails on ``example_input``.

    Examples
    --------
    >>> import pytest; torch = pytest.importorskip("torch")
    >>> import jax, jax.numpy as jnp, numpy as np
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)).double()
    >>> x = torch.linspace(-1, 1, 8, dtype=torch.float64).reshape(4, 2)
    >>> with jax.enable_x64(True):  # or jax.config.update("jax_enable_x64", True)
    ...     model = from_torch(net)
    ...     y = jax.jit(model.fn)(model.params, jnp.asarray(x.numpy()))
    ...     g = jax.jit(jax.grad(lambda p: jnp.sum(model.fn(p, jnp.asarray(x.numpy())) ** 2)))(model.params)
    >>> model.route, model.dim, list(model.params)
    ('converted', 13, ['0.weight', '0.bias', '2.weight', '2.bias'])
    >>> bool(np.max(np.abs(np.asarray(y) - net(x).detach().numpy())) < 1e-12), y.dtype, g["2.bias"].shape
    (True, dtype('float64'), (1,))
    """
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - exercised only without torch
        raise InputError("from_torch needs PyTorch: pip install 'rlct[torch]'") from exc
    if not isinstance(module, torch.nn.Module):
        raise InputError(f"module must be a torch.nn.Module, got {type(module).__name__}; "
                         "pass the network object itself (e.g. torch.nn.Sequential(...))")
    if dtype not in ("float64", "float32"):
        raise InputError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    if route not in ("auto",) + ROUTES:
        raise InputError(f"route must be 'auto', 'converted' or 'torch.func', got {route!r}")
    if dtype == "float64" and not jax.config.jax_enable_x64:
        raise InputError("dtype='float64' needs JAX's 64-bit mode: call jax.config.update('jax_enable_x64', True) "
                         "first (or work inside `with jax.enable_x64(True):`), or pass dtype='float32'")
    tdtype = torch.float64 if dtype == "float64" else torch.float32
    work = copy.deepcopy(module).to(device="cpu", dtype=tdtype).eval()
    for p in work.parameters():
        p.requires_grad_(False)
    names = tuple(k for k, _ in work.named_parameters())
    params = {k: jnp.asarray(p.detach().cpu().numpy(), dtype=dtype) for k, p in work.named_parameters()}

    fn, reason = (None, "route='torch.func' was asked for") if route == "torch.func" else _convert(work, torch, dtype)
    if fn is None and route == "converted":
        raise InputError(f"cannot convert {type(module).__name__} to jax.numpy: {reason}; "
                         "use route='auto' to call torch through callbacks instead")
    if example_input is not None:
        x = torch.as_tensor(np.asarray(example_input))
        x = x.to(tdtype) if x.is_floating_point() else x
        try:
            with torch.no_grad():
                ref = _single(work(x), torch).numpy()
        except Exception as exc:
            raise InputError(f"the module fails on example_input ({type(exc).__name__}: {exc})") from exc
        mismatch = None if fn is None else _mismatch(fn, params, jnp.asarray(x.numpy()), ref)
        if mismatch is not None and route == "converted":
            raise InputError(f"the converted function disagrees with the module on example_input: {mismatch}")
        if mismatch is not None:
            fn, reason = None, f"the converted function disagreed with the module on example_input ({mismatch})"
    chosen = "converted" if fn is not None else "torch.func"
    return TorchModel(fn=fn or _torch_route(work, torch, np.dtype(dtype)), params=params, route=chosen, names=names,
                      reason=None if fn else reason, _module=copy.deepcopy(module))


def _mismatch(fn, params, x, ref):
    """None if ``fn(params, x)`` reproduces ``ref`` to about sqrt(machine epsilon), else what differs."""
    try:
        got = np.asarray(jax.jit(fn)(params, x))
    except Exception as exc:  # a conversion that cannot run is treated like a wrong one
        return f"{type(exc).__name__}: {exc}"
    if got.shape != ref.shape:
        return f"output shape {got.shape} instead of {ref.shape}"
    err = float(np.max(np.abs(got - ref), initial=0.0))
    if not err <= math.sqrt(np.finfo(ref.dtype).eps) * max(1.0, float(np.max(np.abs(ref), initial=0.0))):
        return f"max abs difference {err:.3g}"
    return None
