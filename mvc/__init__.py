"""mvc: the algorithms of a course in multivariate calculus for machine learning.

Every public name is imported from here::

    from mvc import derivative

Plain functions over callables and numpy arrays: the function first, then the
point, then keyword-only options. Figures live in `mvc.plotting`, which is the
only part that needs matplotlib.
"""

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

__version__ = "0.1.0"
