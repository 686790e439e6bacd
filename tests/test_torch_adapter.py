"""rlct.numeric.torch_adapter: a torch module as a pure JAX function.

References are torch's own forward pass and autograd (independent of the adapter's
jax.numpy translation and of its callback plumbing).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402

from rlct.errors import InputError  # noqa: E402
from rlct.numeric.torch_adapter import TorchModel, from_torch  # noqa: E402

nn = torch.nn


@pytest.fixture(autouse=True)
def x64():
    """64-bit JAX for these tests only (no global config change leaks into other tests)."""
    with jax.enable_x64(True):
        yield


def _net(*layers, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(*layers).double().eval()  # references are the eval-mode forward pass


class Custom(nn.Module):
    """A hand-written forward: residual tanh block with a raw parameter and a buffer."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(4, 6)
        self.w = nn.Parameter(torch.randn(6, 6) / 3)
        self.out = nn.Linear(6, 3, bias=False)
        self.register_buffer("shift", torch.linspace(-0.5, 0.5, 6))

    def forward(self, x):
        h = torch.tanh(self.inp(x.view(x.size(0), -1)))
        h = h + torch.relu(h @ self.w) * 0.5 - self.shift
        return self.out(nn.functional.gelu(h, approximate="tanh"))[:, :2] / 2.0


class Normed(nn.Module):
    """An unsupported layer (LayerNorm) between two supported ones."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 5)
        self.norm = nn.LayerNorm(5)
        self.b = nn.Linear(5, 2)

    def forward(self, x):
        return self.b(torch.tanh(self.norm(self.a(x))))


class Branchy(nn.Module):
    """Data-dependent control flow and a custom op (torch.sin, torch.cumsum): not traceable by fx."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 4)

    def forward(self, x):
        h = self.a(x)
        if h.sum() > 0:
            h = torch.sin(h)
        return torch.cumsum(h, dim=-1)


def _architectures():
    torch.manual_seed(1)
    return {
        "mlp_relu": _net(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 20), nn.ReLU(), nn.Linear(20, 10)),
        "tanh": _net(nn.Linear(10, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1)),
        "tanh_nobias": _net(nn.Linear(10, 5, bias=False), nn.Tanh(), nn.Linear(5, 1, bias=False)),
        "gelu": _net(nn.Linear(10, 7), nn.GELU(), nn.Linear(7, 3), nn.GELU(approximate="tanh"), nn.Linear(3, 2)),
        "zoo": _net(nn.Flatten(), nn.Linear(10, 9), nn.SiLU(), nn.Dropout(0.5), nn.Linear(9, 9), nn.Softplus(),
                    nn.Linear(9, 9), nn.LeakyReLU(0.2), nn.Sequential(nn.Linear(9, 9), nn.ELU(0.7)), nn.Identity(),
                    nn.Linear(9, 9), nn.Sigmoid(), nn.Linear(9, 4), nn.Softplus(beta=2.0, threshold=1.0)),
        "classifier": _net(nn.Linear(10, 6), nn.Tanh(), nn.Linear(6, 3), nn.Softmax(dim=-1), nn.Linear(3, 3),
                           nn.LogSoftmax(dim=1)),
        "custom_fx": Custom().double(),
    }


def _inputs(module, n=16, seed=2):
    first = next(m for m in module.modules() if isinstance(m, nn.Linear))
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, first.in_features, generator=g, dtype=torch.float64) * 3


def _loss_torch(module, x, y):
    return ((module(x) - y) ** 2).sum() + module(x).tanh().sum()


def _loss_jax(fn, params, x, y):
    out = fn(params, x)
    return jnp.sum((out - y) ** 2) + jnp.sum(jnp.tanh(out))


def _torch_grads(module, x, y):
    module.zero_grad()
    _loss_torch(module, x, y).backward()
    return {k: p.grad.numpy().copy() for k, p in module.named_parameters()}


@pytest.mark.parametrize("arch", list(_architectures()))
def test_converted_forward_and_gradient_match_torch(arch):
    module = _architectures()[arch]
    x = _inputs(module)
    model = from_torch(module, route="converted", example_input=x.numpy())
    assert model.route == "converted" and model.reason is None
    assert list(model.params) == [k for k, _ in module.named_parameters()]
    y = torch.randn(module(x).shape, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    got = jax.jit(model.fn)(model.params, jnp.asarray(x.numpy()))
    assert got.dtype == jnp.float64
    np.testing.assert_allclose(np.asarray(got), module(x).detach().numpy(), rtol=0, atol=1e-10)
    xj, yj = jnp.asarray(x.numpy()), jnp.asarray(y.numpy())
    grads = jax.jit(jax.grad(lambda p: _loss_jax(model.fn, p, xj, yj)))(model.params)
    for k, ref in _torch_grads(module, x, y).items():
        np.testing.assert_allclose(np.asarray(grads[k]), ref, rtol=1e-10, atol=1e-10, err_msg=k)


@pytest.mark.parametrize("act", [nn.ReLU(), nn.LeakyReLU(0.3), nn.ELU(0.5), nn.Softplus(beta=2.0, threshold=1.0)])
def test_activation_kinks_have_torchs_gradient(act):
    # Pre-activation exactly at the kink (0, or the Softplus threshold): d out / d bias is the one-sided
    # derivative torch picks (0 for relu, the negative slope for leaky_relu, alpha for elu, 1 past the threshold).
    module = _net(nn.Linear(1, 1), act)
    with torch.no_grad():
        module[0].weight.fill_(1.0)
        module[0].bias.fill_(0.0)
    x = torch.tensor([[0.0], [0.5]], dtype=torch.float64)
    model = from_torch(module)
    g = jax.jit(jax.grad(lambda p: model.fn(p, jnp.asarray(x.numpy())).sum()))(model.params)
    module.zero_grad()
    module(x).sum().backward()
    for k, p in module.named_parameters():
        assert float(g[k].ravel()[0]) == pytest.approx(p.grad.item(), abs=1e-14), k


def test_vmap_over_parameter_vectors():
    module = _architectures()["tanh"]
    model = from_torch(module)
    theta0 = model.ravel(model.params)
    ref = torch.nn.utils.parameters_to_vector(module.parameters()).detach().numpy()
    np.testing.assert_array_equal(np.asarray(theta0), ref)  # ravel order is named_parameters() order
    thetas = theta0 + 0.1 * jax.random.normal(jax.random.PRNGKey(0), (5, model.dim), dtype=jnp.float64)
    x = _inputs(module)
    outs = jax.jit(jax.vmap(lambda t: model.fn(model.unravel(t), jnp.asarray(x.numpy()))))(thetas)
    for t, out in zip(thetas, outs):
        np.testing.assert_allclose(np.asarray(out), model.to_torch(t)(x).detach().numpy(), atol=1e-10, rtol=0)


def test_converted_hessian_matches_torch():
    # Route 1 is pure JAX, so second derivatives work; reference: torch.autograd.functional.hessian.
    module = _net(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1), seed=9)
    model = from_torch(module)
    x = torch.randn(7, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(10))
    xj = jnp.asarray(x.numpy())
    h = jax.jit(jax.hessian(lambda t: jnp.sum(jnp.sin(model.fn(model.unravel(t), xj)))))(model.ravel(model.params))
    shapes = [(k, p.shape) for k, p in module.named_parameters()]

    def torch_loss(v):
        params, start = {}, 0
        for k, shape in shapes:
            params[k] = v[start:start + shape.numel()].reshape(shape)
            start += shape.numel()
        return torch.sin(torch.func.functional_call(module, params, (x,))).sum()

    theta0 = torch.nn.utils.parameters_to_vector(module.parameters()).detach()
    ref = torch.autograd.functional.hessian(torch_loss, theta0)
    np.testing.assert_allclose(np.asarray(h), ref.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cls", [Normed, Branchy])
def test_torch_func_route_matches_torch(cls):
    torch.manual_seed(4)
    module = cls().double()
    x = torch.randn(6, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    y = torch.randn(6, module(x).shape[-1], dtype=torch.float64)
    model = from_torch(module, example_input=x.numpy())
    assert model.route == "torch.func"
    assert ("LayerNorm" in model.reason and "'norm'" in model.reason) if cls is Normed else "fx" in model.reason
    xj, yj = jnp.asarray(x.numpy()), jnp.asarray(y.numpy())
    np.testing.assert_allclose(np.asarray(jax.jit(model.fn)(model.params, xj)), module(x).detach().numpy(),
                               atol=1e-12, rtol=0)
    loss = jax.jit(jax.grad(lambda p: _loss_jax(model.fn, p, xj, yj)))
    grads = loss(model.params)
    for k, ref in _torch_grads(module, x, y).items():
        np.testing.assert_allclose(np.asarray(grads[k]), ref, rtol=1e-10, atol=1e-12, err_msg=k)
    # gradient with respect to the input, too
    gx = jax.grad(lambda z: jnp.sum(model.fn(model.params, z) ** 2))(xj)
    xt = x.clone().requires_grad_(True)
    (module(xt) ** 2).sum().backward()
    np.testing.assert_allclose(np.asarray(gx), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_torch_func_route_under_vmap_of_grad():
    torch.manual_seed(6)
    module = Normed().double()
    model = from_torch(module)
    x = torch.randn(4, 3, dtype=torch.float64)
    theta0 = model.ravel(model.params)
    thetas = theta0 + 0.2 * jax.random.normal(jax.random.PRNGKey(1), (3, model.dim), dtype=jnp.float64)

    def loss(t):
        return jnp.sum(model.fn(model.unravel(t), jnp.asarray(x.numpy())) ** 2)

    values, grads = jax.jit(jax.vmap(jax.value_and_grad(loss)))(thetas)
    # nested vmap (parameters x inputs) agrees with the single calls
    xs = jnp.stack([jnp.asarray(x.numpy()), -jnp.asarray(x.numpy())])
    both = jax.jit(jax.vmap(jax.vmap(lambda t, z: model.fn(model.unravel(t), z), (None, 0)), (0, None)))(thetas, xs)
    assert both.shape == (3, 2, 4, 2)
    np.testing.assert_array_equal(np.asarray(both[2, 1]), np.asarray(model.fn(model.unravel(thetas[2]), xs[1])))
    for t, v, g in zip(thetas, values, grads):
        copy = model.to_torch(t)
        out = (copy(x) ** 2).sum()
        out.backward()
        ref = torch.nn.utils.parameters_to_vector([p.grad for p in copy.parameters()]).numpy()
        assert float(v) == pytest.approx(out.item(), rel=1e-12)
        np.testing.assert_allclose(np.asarray(g), ref, rtol=1e-10, atol=1e-12)


def test_both_routes_agree_and_batchnorm_uses_running_stats():
    torch.manual_seed(7)
    module = _net(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 1))
    module.train()
    module(torch.randn(32, 3, dtype=torch.float64))  # moves the running statistics
    model = from_torch(module)
    assert model.route == "torch.func" and "BatchNorm1d" in model.reason
    assert module.training and model.to_torch().training  # the user's module is left in training mode
    assert set(model.params) == {k for k, _ in module.named_parameters()}  # running stats are buffers
    x = torch.randn(5, 3, dtype=torch.float64)
    module.eval()
    np.testing.assert_allclose(np.asarray(model.fn(model.params, jnp.asarray(x.numpy()))),
                               module(x).detach().numpy(), atol=1e-12, rtol=0)
    mlp = _architectures()["mlp_relu"]
    a, b = from_torch(mlp), from_torch(mlp, route="torch.func")
    assert (a.route, b.route) == ("converted", "torch.func")
    xj = jnp.asarray(_inputs(mlp).numpy())
    np.testing.assert_allclose(np.asarray(a.fn(a.params, xj)), np.asarray(b.fn(b.params, xj)), atol=1e-12)


def test_to_torch_round_trip():
    module = _architectures()["custom_fx"]
    model = from_torch(module)
    back = model.to_torch(model.params)
    assert back is not module and type(back) is Custom
    for (k, p), (k2, q) in zip(module.named_parameters(), back.named_parameters()):
        assert k == k2 and torch.equal(p, q)
    assert torch.equal(back.shift, module.shift)
    new = {k: v + 1.0 for k, v in model.params.items()}
    moved = model.to_torch(new)
    assert torch.equal(moved.w, module.w + 1.0)
    x = _inputs(module)
    np.testing.assert_allclose(moved(x).detach().numpy(), np.asarray(model.fn(new, jnp.asarray(x.numpy()))),
                               atol=1e-10, rtol=0)
    assert torch.equal(module.w, model.to_torch().w)  # the original module is untouched
    # float32 user module: params become float64, come back as float32
    small = nn.Sequential(nn.Linear(2, 2))
    m32 = from_torch(small)
    assert m32.params["0.weight"].dtype == jnp.float64
    assert m32.to_torch(m32.params)[0].weight.dtype == torch.float32
    assert from_torch(small, dtype="float32").params["0.bias"].dtype == jnp.float32


def test_tied_weights_appear_once():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 3, bias=False)
            self.b = nn.Linear(3, 3, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(torch.tanh(self.a(x)))

    torch.manual_seed(8)
    module = Tied().double()
    x = torch.randn(4, 3, dtype=torch.float64)
    for route in ("converted", "torch.func"):
        model = from_torch(module, route=route)
        assert list(model.params) == ["a.weight"]
        g = jax.jit(jax.grad(lambda p: jnp.sum(model.fn(p, jnp.asarray(x.numpy())))))(model.params)
        module.zero_grad()
        module(x).sum().backward()
        np.testing.assert_allclose(np.asarray(g["a.weight"]), module.a.weight.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_errors_are_clear():
    with pytest.raises(InputError, match="torch.nn.Module"):
        from_torch("not a module")
    with pytest.raises(InputError, match="torch.nn.Module"):
        from_torch(lambda x: x)
    with pytest.raises(InputError, match=r"'norm' \(LayerNorm\).*supported: nn.Sequential, nn.Linear"):
        from_torch(Normed(), route="converted")
    with pytest.raises(InputError, match="dtype"):
        from_torch(nn.Linear(2, 2), dtype="float16")
    with pytest.raises(InputError, match="route"):
        from_torch(nn.Linear(2, 2), route="fast")
    with pytest.raises(InputError, match="example_input"):
        from_torch(Normed(), example_input=np.zeros((2, 7)))  # wrong width

    class Pair(nn.Module):
        def forward(self, x):
            return x, x

    with pytest.raises(InputError, match="single tensor"):
        from_torch(Pair(), example_input=np.zeros((2, 7)))
    model = from_torch(nn.Linear(2, 2))
    with pytest.raises(InputError, match="missing"):
        model.to_torch({"weight": model.params["weight"]})
    with pytest.raises(InputError, match="shape"):
        model.unravel(jnp.zeros(5))
    with jax.enable_x64(False):
        with pytest.raises(InputError, match="jax_enable_x64"):
            from_torch(nn.Linear(2, 2))


def test_frozen_result_and_isinstance():
    model = from_torch(nn.Linear(2, 1))
    assert isinstance(model, TorchModel) and model.dim == 3
    with pytest.raises(AttributeError):
        model.route = "torch.func"
