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
    only for reverse-mode first derivatives, and it is slow.

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
                value = np.asarray(params[k])
                if value.shape != tuple(own[k].shape):
                    raise InputError(f"to_torch: params[{k!r}] has shape {value.shape}; "
                                     f"expected {tuple(own[k].shape)}")
                own[k].copy_(torch.from_numpy(np.array(value)).to(own[k].dtype))
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
# Signatures follow torch's, so fx's recorded args/kwargs apply unchanged.

def _softplus(input, beta=1.0, threshold=20.0):
    bx = beta * input
    linear = bx > threshold  # torch's rule; jnp.where (not jnp.minimum, whose gradient halves at ties) keeps
    return jnp.where(linear, input, jnp.logaddexp(jnp.where(linear, threshold, bx), 0.0) / beta)  # its kink


def _elu(input, alpha=1.0, inplace=False):
    positive = input > 0
    return jnp.where(positive, input, alpha * jnp.expm1(jnp.where(positive, 0.0, input)))


def _leaky_relu(input, negative_slope=0.01, inplace=False):
    return jnp.where(input > 0, input, negative_slope * input)


def _gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise InputError(f"GELU approximate={approximate!r}: supported are 'none' and 'tanh'")
    return jax.nn.gelu(input, approximate=(approximate == "tanh"))


def _linear(input, weight, bias=None):
    out = jnp.matmul(input, weight.T)
    return out if bias is None else out + bias


def _flatten(input, start_dim=0, end_dim=-1):
    shape = input.shape
    if not shape:
        return input.reshape(1)
    start, end = start_dim % len(shape), end_dim % len(shape)
    return input.reshape(shape[:start] + (-1,) + shape[end + 1:])


def _softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        raise InputError("Softmax needs an explicit dim to be converted")
    return jax.nn.softmax(input, axis=dim)


def _log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        raise InputError("LogSoftmax needs an explicit dim to be converted")
    return jax.nn.log_softmax(input, axis=dim)


def _relu(input, inplace=False):
    return jax.nn.relu(input)


def _identity(input, *args, **kwargs):
    return input


def _add(input, other, *, alpha=1):
    return input + alpha * other


def _sub(input, other, *, alpha=1):
    return input - alpha * other


def _reshape(input, *shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return input.reshape(shape)


def _leaf_modules(nn):
    """Supported leaf modules: type -> (jax function of (module, parameter getter, x), what it needs)."""

    def linear(m, get, x):
        return _linear(x, get(m.weight), None if m.bias is None else get(m.bias))

    def const(f):
        return lambda m, get, x: f(x)

    return {
        nn.Linear: linear,
        nn.Identity: const(_identity),
        nn.Dropout: const(_identity),
        nn.Flatten: lambda m, get, x: _flatten(x, m.start_dim, m.end_dim),
        nn.ReLU: const(jax.nn.relu),
        nn.Tanh: const(jnp.tanh),
        nn.Sigmoid: const(jax.nn.sigmoid),
        nn.GELU: lambda m, get, x: _gelu(x, m.approximate),
        nn.SiLU: const(jax.nn.silu),
        nn.Softplus: lambda m, get, x: _softplus(x, m.beta, m.threshold),
        nn.LeakyReLU: lambda m, get, x: _leaky_relu(x, m.negative_slope),
        nn.ELU: lambda m, get, x: _elu(x, m.alpha),
        nn.Softmax: lambda m, get, x: _softmax(x, m.dim),
        nn.LogSoftmax: lambda m, get, x: _log_softmax(x, m.dim),
    }


def _functions(torch):
    F = torch.nn.functional
    binary = {operator.add: operator.add, operator.sub: operator.sub, operator.mul: operator.mul,
              operator.truediv: operator.truediv, operator.matmul: jnp.matmul, operator.neg: operator.neg,
              operator.pos: operator.pos, operator.getitem: operator.getitem, getattr: _getattr}
    table = {torch.add: _add, torch.sub: _sub, torch.mul: jnp.multiply, torch.div: jnp.divide,
             torch.matmul: jnp.matmul, torch.neg: jnp.negative, torch.tanh: jnp.tanh, torch.relu: _relu,
             torch.sigmoid: jax.nn.sigmoid, torch.exp: jnp.exp, torch.flatten: _flatten, torch.reshape: _reshape,
             F.relu: _relu, F.tanh: jnp.tanh, F.sigmoid: jax.nn.sigmoid, F.gelu: _gelu, F.silu: jax.nn.silu,
             F.softplus: _softplus, F.leaky_relu: _leaky_relu, F.elu: _elu, F.linear: _linear,
             F.softmax: _softmax, F.log_softmax: _log_softmax, F.dropout: _identity}
    return {**binary, **table}


def _size(input, dim=None):
    return tuple(input.shape) if dim is None else input.shape[dim]


def _getattr(obj, name):
    if name not in ("shape", "ndim", "T"):
        raise InputError(f"tensor attribute .{name} is not supported in a converted forward")
    return getattr(obj, name)


_METHODS = {"tanh": jnp.tanh, "relu": _relu, "sigmoid": jax.nn.sigmoid, "exp": jnp.exp, "neg": jnp.negative,
            "add": _add, "sub": _sub, "mul": jnp.multiply, "div": jnp.divide, "matmul": jnp.matmul,
            "flatten": _flatten, "reshape": _reshape, "view": _reshape, "size": _size, "dim": jnp.ndim}

SUPPORTED = ("nn.Sequential, nn.Linear, nn.Identity, nn.Flatten, nn.Dropout, ReLU, Tanh, Sigmoid, GELU, SiLU, "
             "Softplus, LeakyReLU, ELU, Softmax, LogSoftmax, and custom forwards of these with + - * / @ and "
             "torch.tanh/relu/sigmoid/exp/flatten/matmul")


# --------------------------------------------------------------------------- route 1: fx graph -> jax.numpy

def _convert(module, torch, dtype):
    """Translate ``module`` to a pure JAX function, or return the reason it cannot be."""
    import torch.fx

    try:
        graph = torch.fx.symbolic_trace(module).graph
    except Exception as exc:  # fx raises many types (TraceError, TypeError, ...) for untraceable forwards
        return None, f"torch.fx cannot trace its forward ({type(exc).__name__}: {exc})"
    canon = {id(p): k for k, p in module.named_parameters()}
    leaves, functions = _leaf_modules(torch.nn), _functions(torch)
    program, bad = [], []
    for node in graph.nodes:
        step, problem = _step(node, module, torch, canon, leaves, functions, dtype)
        if problem:
            bad.append(problem)
        program.append(step)
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    if len(placeholders) != 1:
        bad.append(f"forward takes {len(placeholders)} inputs; fn(params, x) needs exactly one")
    if bad:
        return None, "; ".join(bad) + f" (supported: {SUPPORTED})"
    program = tuple(program)

    def fn(params, x):
        env = {}
        for name, kind, run, args, kwargs in program:
            if kind == "output":
                return _resolve(args[0], env)
            env[name] = run(params, x, _resolve(args, env), _resolve(kwargs, env))
        raise AssertionError("graph without output")  # pragma: no cover

    return fn, None


class _Ref(str):
    """A reference to an earlier node's value inside fx args."""


def _resolve(obj, env):
    if isinstance(obj, _Ref):
        return env[obj]
    if isinstance(obj, (tuple, list)):
        return type(obj)(_resolve(a, env) for a in obj)
    if isinstance(obj, dict):
        return {k: _resolve(v, env) for k, v in obj.items()}
    return obj


def _freeze(obj, torch):
    """fx args with nodes replaced by :class:`_Ref` names; torch dtypes etc. kept; tensors rejected."""
    import torch.fx

    if isinstance(obj, torch.fx.Node):
        return _Ref(obj.name)
    if isinstance(obj, (tuple, list)):
        return tuple(_freeze(a, torch) for a in obj)
    if isinstance(obj, dict):
        return {k: _freeze(v, torch) for k, v in obj.items()}
    return obj


def _step(node, module, torch, canon, leaves, functions, dtype):
    """One program step (name, kind, run(params, x, args, kwargs), args, kwargs) and a problem or None."""
    args, kwargs = _freeze(node.args, torch), _freeze(node.kwargs, torch)
    name, op = node.name, node.op
    if op == "placeholder":
        return (name, op, lambda p, x, a, k: x, (), {}), None
    if op == "output":
        return (name, op, None, (_freeze(node.args[0], torch),), {}), None
    if op == "get_attr":
        value = _fetch(module, node.target)
        if id(value) in canon:
            key = canon[id(value)]
            return (name, op, lambda p, x, a, k: p[key], (), {}), None
        if isinstance(value, torch.Tensor):
            const = jnp.asarray(value.detach().cpu().numpy(), dtype=dtype if value.is_floating_point() else None)
            return (name, op, lambda p, x, a, k: const, (), {}), None
        return (name, op, None, (), {}), f"attribute '{node.target}' of type {type(value).__name__}"
    if op == "call_module":
        sub = module.get_submodule(node.target)
        rule = leaves.get(type(sub))
        if rule is None:
            return (name, op, None, (), {}), f"layer '{node.target}' ({type(sub).__name__})"
        if getattr(sub, "dim", 0) is None:
            return (name, op, None, (), {}), f"layer '{node.target}' ({type(sub).__name__} without dim)"

        def run(p, x, a, k, sub=sub, rule=rule):
            return rule(sub, lambda t: p[canon[id(t)]], a[0])

        return (name, op, run, args, kwargs), None
    if op == "call_function":
        f = functions.get(node.target)
        if f is None:
            return (name, op, None, (), {}), f"function {getattr(node.target, '__name__', node.target)}"
        return (name, op, lambda p, x, a, k, f=f: f(*a, **k), args, kwargs), None
    if op == "call_method":
        f = _METHODS.get(node.target)
        if f is None:
            return (name, op, None, (), {}), f"tensor method .{node.target}()"
        return (name, op, lambda p, x, a, k, f=f: f(*a, **k), args, kwargs), None
    return (name, op, None, (), {}), f"fx operation {op}"  # pragma: no cover


def _fetch(module, target):
    obj = module
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj


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

    # vmap_method="broadcast_all": one host call receives the whole batch, with every argument broadcast to
    # the same leading batch axes, and _over_batch loops over them in numpy. (JAX's "sequential" method slices
    # the batch with JAX operations on a callback thread, where a `with jax.enable_x64(True):` block does not
    # apply, so float64 arguments would arrive truncated to float32.)
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
    ...     y = model.fn(model.params, jnp.asarray(x.numpy()))
    ...     g = jax.grad(lambda p: jnp.sum(model.fn(p, jnp.asarray(x.numpy())) ** 2))(model.params)
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
    if fn is not None and example_input is not None:
        mismatch = _mismatch(fn, params, work, example_input, torch, dtype)
        if mismatch is not None:
            if route == "converted":
                raise InputError(f"converted function disagrees with the module on example_input: {mismatch}")
            fn, reason = None, f"converted function disagreed with the module on example_input ({mismatch})"
    chosen = "converted" if fn is not None else "torch.func"
    if fn is None:
        fn = _torch_route(work, torch, np.dtype(dtype))
        if example_input is not None:
            _run_example(work, example_input, torch, tdtype)
    return TorchModel(fn=fn, params=params, route=chosen, names=names, reason=None if chosen == "converted"
                      else reason, _module=copy.deepcopy(module))


def _example(example_input, torch, tdtype):
    x = torch.as_tensor(np.asarray(example_input))
    return x.to(tdtype) if x.is_floating_point() else x


def _run_example(work, example_input, torch, tdtype):
    try:
        with torch.no_grad():
            return _single(work(_example(example_input, torch, tdtype)), torch).numpy()
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"the module fails on example_input ({type(exc).__name__}: {exc})") from exc


def _mismatch(fn, params, work, example_input, torch, dtype):
    """None if ``fn`` reproduces the module on ``example_input``, else a description of the difference."""
    tdtype = torch.float64 if dtype == "float64" else torch.float32
    ref = _run_example(work, example_input, torch, tdtype)
    try:
        got = np.asarray(jax.jit(fn)(params, jnp.asarray(_example(example_input, torch, tdtype).numpy())))
    except Exception as exc:  # a conversion that cannot run is treated like a wrong one
        return f"{type(exc).__name__}: {exc}"
    if got.shape != ref.shape:
        return f"output shape {got.shape} instead of {ref.shape}"
    eps = np.finfo(np.dtype(dtype)).eps
    scale = max(1.0, float(np.max(np.abs(ref), initial=0.0)))
    err = float(np.max(np.abs(got - ref), initial=0.0))
    if not err <= math.sqrt(eps) * scale:
        return f"max abs difference {err:.3g}"
    return None
