"""mvc: the algorithms of a course in multivariate calculus for machine learning.

Every public name is imported from here, as in ``from mvc import derivative``.
Plain functions over callables and numpy arrays: the function first, then the
point, then keyword-only options.

Two submodules are imported on first use, so ``import mvc`` needs numpy only:
`mvc.datasets` (the course's data) and `mvc.plotting` (figures, which need matplotlib,
the ``plot`` extra). ``import mvc`` then ``mvc.datasets.heights()`` works, as does
``from mvc import plotting``.
"""

import importlib
from types import ModuleType

from mvc.autodiff import Value
from mvc.derivatives import derivative, gradient, hessian, jacobian
from mvc.descent import gradient_descent
from mvc.gradcheck import check_gradient, check_network
from mvc.lagrange import lagrange_multipliers
from mvc.nn import Network
from mvc.regression import chi_squared, fit, linear_fit
from mvc.result import FitResult, SolverResult
from mvc.roots import newton_raphson
from mvc.taylor import linearise, quadratic_approximation, taylor_coefficients, taylor_polynomial

__all__ = [
    "FitResult",
    "Network",
    "SolverResult",
    "Value",
    "check_gradient",
    "check_network",
    "chi_squared",
    "derivative",
    "fit",
    "gradient",
    "gradient_descent",
    "hessian",
    "jacobian",
    "lagrange_multipliers",
    "linear_fit",
    "linearise",
    "newton_raphson",
    "quadratic_approximation",
    "taylor_coefficients",
    "taylor_polynomial",
]

__version__ = "0.2.0"

_SUBMODULES = ("datasets", "plotting")


def __getattr__(name: str) -> ModuleType:
    """Import `mvc.datasets` and `mvc.plotting` when first named (PEP 562, as numpy does)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"mvc.{name}")
    raise AttributeError(f"module 'mvc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES})
