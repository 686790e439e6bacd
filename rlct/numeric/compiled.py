"""A polynomial compiled once into numpy arrays: value and gradient over many points.

Every monomial that occurs in ``f`` or in one of its partial derivatives is put in
one list, closed under "drop one factor", sorted by degree. Each monomial is its
parent (one degree lower) times one variable, so the whole table of monomials at
``c`` points costs one multiplication per monomial and point (a few vectorised
gathers, one per degree). Value and gradient are then one matrix product
``C @ M`` with ``C`` the (d+1) × (number of monomials) coefficient matrix.

Examples
--------
>>> import numpy as np
>>> from rlct.polynomial import as_polynomial
>>> f = CompiledPolynomial(as_polynomial("(w1*w2)**2 + w1"))
>>> value, grad = f.value_and_grad(np.array([[1.0, 2.0], [0.5, 0.0]]))
>>> value, grad
(array([5. , 0.5]), array([[9., 4.],
       [1., 0.]]))
"""

from __future__ import annotations

import threading

import numpy as np

from ..errors import InputError
from ..polynomial import Polynomial

__all__ = ["CompiledPolynomial"]


class CompiledPolynomial:
    """``f`` and ``∇f`` of a :class:`~rlct.polynomial.Polynomial` as float64 arrays.

    Parameters
    ----------
    polynomial : Polynomial
        The exact polynomial; coefficients are rounded to float64 once.

    Attributes
    ----------
    polynomial : Polynomial
    dim : int
    nmonomials : int
        Size of the monomial table (f's and ∇f's monomials and the chain of parents).

    Examples
    --------
    >>> import numpy as np
    >>> from rlct.polynomial import as_polynomial
    >>> CompiledPolynomial(as_polynomial("w1**2 + 3*w2")).value(np.array([[2.0, 1.0]]))
    array([7.])
    """

    def __init__(self, polynomial: Polynomial):
        if not isinstance(polynomial, Polynomial):
            raise InputError(f"expected a Polynomial, got {type(polynomial).__name__}")
        self.polynomial = polynomial
        d = polynomial.nvars
        self.dim = d
        polys = [polynomial] + [polynomial.derivative(i) for i in range(d)]
        needed = set()
        for p in polys:
            needed.update(p.exponents)
        zero = (0,) * d
        needed.add(zero)
        # close under parents: parent = drop one factor of the last variable present,
        # preferring a parent that is already in the set.
        parent = {}
        todo = sorted(needed, key=sum, reverse=True)
        while todo:
            e = todo.pop()
            if e == zero or e in parent:
                continue
            choice = None
            for j in range(d - 1, -1, -1):
                if e[j]:
                    cand = e[:j] + (e[j] - 1,) + e[j + 1:]
                    if cand in needed:
                        choice = (cand, j)
                        break
                    if choice is None:
                        choice = (cand, j)
            parent[e] = choice
            if choice[0] not in needed:
                needed.add(choice[0])
                todo.append(choice[0])
        order = sorted(needed, key=lambda e: (sum(e), e))
        index = {e: k for k, e in enumerate(order)}
        self.nmonomials = len(order)
        self._levels = []  # (start, stop, parent indices, variable indices)
        degs = [sum(e) for e in order]
        k = 1
        while k < len(order):
            start = k
            while k < len(order) and degs[k] == degs[start]:
                k += 1
            par = np.array([index[parent[e][0]] for e in order[start:k]], dtype=np.intp)
            var = np.array([parent[e][1] for e in order[start:k]], dtype=np.intp)
            self._levels.append((start, k, par, var))
        C = np.zeros((d + 1, len(order)))
        for row, p in enumerate(polys):
            for e, c in p.terms.items():
                C[row, index[e]] = float(c)
        self._coef = C
        # ∇f's rows touch few monomials each: for many variables a sparse product is d times cheaper
        density = np.count_nonzero(C) / C.size if C.size else 1.0
        if d > 4 and density < 0.25:
            from scipy import sparse

            self._coef = sparse.csr_matrix(C)
        self._coef_value = np.ascontiguousarray(C[:1])
        self._local = threading.local()

    @classmethod
    def of(cls, polynomial: Polynomial) -> "CompiledPolynomial":
        """The compiled form of ``polynomial``, built once and kept on it (polynomials are
        immutable), so potentials of the same K at several n or β share it.

        >>> from rlct.polynomial import as_polynomial
        >>> K = as_polynomial("w1**2*w2**2")
        >>> CompiledPolynomial.of(K) is CompiledPolynomial.of(K)
        True
        """
        if not isinstance(polynomial, Polynomial):
            raise InputError(f"expected a Polynomial, got {type(polynomial).__name__}")
        compiled = polynomial.__dict__.get("_compiled")
        if compiled is None:
            compiled = polynomial.__dict__["_compiled"] = cls(polynomial)
        return compiled

    def _monomials(self, w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        if w.ndim != 2 or w.shape[1] != self.dim:
            raise InputError(f"positions must have shape (chains, {self.dim}), got {w.shape}")
        X = np.ascontiguousarray(w.T)
        # The table is reused between calls (per thread): allocating a fresh one of
        # several hundred kB each step costs an mmap and page faults, up to half the time.
        M = getattr(self._local, "M", None)
        if M is None or M.shape[1] != w.shape[0]:
            M = self._local.M = np.empty((self.nmonomials, w.shape[0]))
        M[0] = 1.0
        for start, stop, par, var in self._levels:
            np.multiply(M[par], X[var], out=M[start:stop])
        return M

    def value(self, w) -> np.ndarray:
        """``f`` at each row of ``w`` (shape ``(chains, d)``) → shape ``(chains,)``."""
        return (self._coef_value @ self._monomials(w))[0]

    def value_and_grad(self, w):
        """``(f, ∇f)`` at each row of ``w``: shapes ``(chains,)`` and ``(chains, d)``."""
        out = np.asarray(self._coef @ self._monomials(w))
        return out[0], out[1:].T

    def __getstate__(self):
        return {"polynomial": self.polynomial}

    def __setstate__(self, state):
        self.__init__(state["polynomial"])

    def __repr__(self):
        return f"CompiledPolynomial({self.polynomial!r}, monomials={self.nmonomials})"
