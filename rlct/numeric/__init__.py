"""Numeric estimation of learning coefficients: potentials, samplers, estimators, diagnostics, sweeps.

The pipeline is a :class:`Potential` (U = nβ f + localisation − log prior,
vectorised over chains; f = K, an empirical L_n, a numpy callable, or JAX code: a model's
loss, your own function ``fn(params, x)`` or a PyTorch module, see
:meth:`Potential.from_function`) → a sampler kernel (MALA by default, HMC, NUTS, SGLD with or
without minibatches) run by :func:`sample` — vectorised numpy, or compiled with JAX
(:mod:`rlct.numeric.jaxsampler`: BlackJAX kernels, every chain in one ``lax.scan``) → a
:class:`Trace` (chain × draw) → an estimator → an :class:`Estimate` with its
standard error and diagnostics:

- :func:`extend`, :func:`run_until_converged` — continue a run until R-hat and ESS reach
  their targets (what :func:`llc` and :func:`wbic` do by default);
- :func:`llc`, :func:`llc_curve` — λ̂ = nβ(E_β[f] − f(w*)) at β = 1/log n, and across n;
- :func:`wbic`, :func:`two_temperature`, :func:`slope` — Watanabe's WBIC and its
  two- and multi-temperature estimators of λ;
- :func:`llc_sgld` — devinterp's SGLD at several step sizes, extrapolated to ε → 0;
- :func:`free_energy`, :func:`volume_scaling` — thermodynamic integration over a
  temperature ladder, and the volume V(ε) with a fit of λ and m.

:func:`expected_lambda_hat` and :func:`expected_free_energy` give (by cubature,
d ≤ 3) what an ideal sampler returns at the same finite nβ; :func:`reference_lambda_hat`
and :func:`reference_free_energy` estimate the same numbers in any dimension by sequential
Monte Carlo, independently of the samplers; :func:`sweep` runs many settings on any executor.

>>> from rlct.numeric import Potential, llc, expected_lambda_hat, Prior
>>> est = llc("(w1*w2)**2", nbeta=579, chains=100, draws=400, seed=0)
>>> ideal = expected_lambda_hat("(w1*w2)**2", nbeta=579)
>>> round(ideal.value, 3)
0.38
>>> abs(est.value - ideal.value) < 4 * est.se
True
"""

from .compiled import CompiledPolynomial
from .convergence import Convergence, run_until_converged
from .diagnostics import autocorrelation, ess, mcse, rhat
from .estimators import (Estimate, estimate_from_trace, free_energy, llc, llc_curve, llc_sgld, slope, two_temperature,
                         volume_scaling, wbic)
from .exact import expected_free_energy, expected_lambda_hat
from .expected import ExpectedValue, asymptotic_lambda_hat
from .potential import Potential, Prior
from .reference import reference_free_energy, reference_lambda_hat
from .samplers import HMC, MALA, NUTS, SGLD, Kernel, Trace, extend, hmc_kernel, mala_kernel, sample, sgld_kernel
from .sweep import sweep

__all__ = ["Potential", "Prior", "CompiledPolynomial", "sample", "extend", "Trace", "Convergence",
           "run_until_converged", "Kernel", "MALA", "HMC", "SGLD", "NUTS",
           "mala_kernel", "hmc_kernel", "sgld_kernel", "Estimate", "estimate_from_trace", "llc", "llc_curve", "wbic",
           "two_temperature", "slope", "llc_sgld", "free_energy", "volume_scaling", "ExpectedValue",
           "expected_lambda_hat", "expected_free_energy", "asymptotic_lambda_hat", "reference_lambda_hat",
           "reference_free_energy", "ess", "rhat", "mcse",
           "autocorrelation", "sweep"]
