"""mvc: the algorithms of a course in multivariate calculus for machine learning.

Every public name is imported from here::

    from mvc import derivative

Plain functions over callables and numpy arrays: the function first, then the
point, then keyword-only options. Figures live in `mvc.plotting`, which is the
only part that needs matplotlib.
"""

from mvc.derivatives import derivative
from mvc.result import FitResult, SolverResult

__all__ = [
    "FitResult",
    "SolverResult",
    "derivative",
]

__version__ = "0.1.0"
