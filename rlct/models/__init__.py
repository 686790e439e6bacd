"""Models → KL divergences: the bridge from "a reduced rank regression with M = 3
inputs, rank 2" to the exact K(w) (or an ideal with the same λ and m).

Every model has ``parameters``, ``true_parameter``, ``kl()``, ``ideal()``,
``sample(n, seed=)`` and ``loss(data)``; :func:`rlct.rlct` accepts a model
directly (local RLCT at its true parameter), and ``model.known()`` gives the
closed-form global value from :mod:`rlct.known` where there is one.

>>> import rlct
>>> from rlct.models import ReducedRankRegression, TwoLayerNetwork
>>> rlct.rlct(ReducedRankRegression(2, 2, 2, 1))
RLCT(λ=2, m=2, exact, method='blowup')
>>> rlct.rlct(TwoLayerNetwork(2, "tanh"))
RLCT(λ=2/3, m=1, exact, method='blowup')
"""

from __future__ import annotations

import ast
import difflib

from ..errors import InputError
from .base import ModelLoss, Data, Model
from .discrete import Multinomial, NormalMixture, independence_mixture
from .families import BinomialMixture, NaiveBayes, PoissonMixture
from .inputs import Discrete, Gaussian, Uniform
from .networks import TwoLayerNetwork
from .regression import DeepLinearNetwork, ReducedRankRegression, Regression
from .trees import BinaryTreeModel

__all__ = ["Model", "Data", "ModelLoss", "Regression", "ReducedRankRegression", "DeepLinearNetwork",
           "TwoLayerNetwork", "Multinomial", "NormalMixture", "independence_mixture", "Gaussian", "Uniform",
           "Discrete", "BinomialMixture", "PoissonMixture", "NaiveBayes", "BinaryTreeModel", "from_spec",
           "MODELS"]

MODELS = {cls.__name__: cls for cls in (Regression, ReducedRankRegression, DeepLinearNetwork, TwoLayerNetwork,
                                        Multinomial, NormalMixture, Gaussian, Uniform, Discrete,
                                        BinomialMixture, PoissonMixture, NaiveBayes, BinaryTreeModel)}
MODELS["independence_mixture"] = independence_mixture


def from_spec(spec: str) -> Model:
    """Build a model from a text such as ``"ReducedRankRegression(M=3, N=3, H=2, r=0)"``.

    Only the model names in :data:`MODELS` and literal arguments (numbers,
    strings, lists, tuples, dicts, nested distributions) are accepted — nothing is
    evaluated.

    >>> from_spec("TwoLayerNetwork(H=3, activation='tanh')")
    TwoLayerNetwork(H=3, activation='tanh')
    >>> from_spec("TwoLayerNet(H=2)")
    Traceback (most recent call last):
    ...
    rlct.errors.InputError: unknown model 'TwoLayerNet' in 'TwoLayerNet(H=2)': did you mean TwoLayerNetwork? known models: ...
    >>> from_spec("os.system('ls')")
    Traceback (most recent call last):
    ...
    rlct.errors.InputError: model spec must be a call such as ReducedRankRegression(M=3, N=3, H=2, r=0); known models: ...
    """
    if not isinstance(spec, str):
        raise InputError(f"model spec must be a string, got {type(spec).__name__}")
    known = ", ".join(MODELS)
    try:
        tree = ast.parse(spec.strip(), mode="eval")
    except SyntaxError:
        raise InputError(f"cannot parse model spec {spec!r}; known models: {known}") from None

    def build(node):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id not in MODELS:
                close = difflib.get_close_matches(node.func.id, MODELS, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}? " if close else ""
                raise InputError(f"unknown model {node.func.id!r} in {spec.strip()!r}: {hint}known models: {known}")
            if not isinstance(node.func, ast.Name):
                raise InputError(f"model spec must be a call such as ReducedRankRegression(M=3, N=3, H=2, r=0); "
                                 f"known models: {known}")
            args = [build(a) for a in node.args]
            kwargs = {k.arg: build(k.value) for k in node.keywords}
            try:
                return MODELS[node.func.id](*args, **kwargs)
            except TypeError as e:
                raise InputError(f"bad arguments in model spec {spec!r}: {e}") from None
        if isinstance(node, (ast.List, ast.Tuple)):
            return type(node) is ast.List and [build(e) for e in node.elts] or tuple(build(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return {build(k): build(v) for k, v in zip(node.keys, node.values)}
        try:
            return ast.literal_eval(node)
        except ValueError:
            raise InputError(f"model spec must be a call such as ReducedRankRegression(M=3, N=3, H=2, r=0); "
                             f"known models: {known}") from None

    model = build(tree.body)
    if not isinstance(model, Model):
        raise InputError(f"model spec {spec!r} does not describe a model; known models: {known}")
    return model
