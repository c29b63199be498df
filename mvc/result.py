"""What the iterative methods return: a result object from every exit, never an exception.

Both types are frozen dataclasses with ``eq=False``: their fields hold numpy arrays,
for which ``==`` is element-wise, so results compare by identity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FitResult", "SolverResult"]


@dataclass(frozen=True, eq=False)
class SolverResult:
    """The outcome of a root finder or an optimiser.

    Attributes
    ----------
    x : numpy.ndarray or float
        The last iterate, with the shape of ``x0``.
    fun : numpy.ndarray or float
        The function's value at `x`.
    converged : bool
        Whether the stopping rule was met. When it is False, `message` says why not.
    n_iter : int
        Iterations taken.
    history : numpy.ndarray
        Every iterate, one per row; row 0 is ``x0``.
    message : str
        Why the method stopped, in words.
    multipliers : numpy.ndarray or None
        Lagrange multipliers, for constrained problems.
    """

    x: np.ndarray | float
    fun: np.ndarray | float
    converged: bool
    n_iter: int
    history: np.ndarray
    message: str
    multipliers: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class FitResult:
    r"""The outcome of a least-squares fit.

    Attributes
    ----------
    params : numpy.ndarray
        The fitted parameters.
    uncertainties : numpy.ndarray
        Their standard uncertainties, the square roots of the diagonal of `covariance`.
    covariance : numpy.ndarray
        The parameters' covariance matrix.
    chi2 : float
        $\chi^2 = \sum_i r_i^2 / \sigma_i^2$ at `params`.
    dof : int
        Degrees of freedom: data points less parameters.
    reduced_chi2 : float
        $\chi^2 / \nu$ with $\nu$ = `dof` (a property): near 1 for a good model with
        honest uncertainties.
    converged : bool
        Whether the stopping rule was met. When it is False, `message` says why not.
    n_iter : int
        Iterations taken.
    history : numpy.ndarray
        The parameters at every iteration, one per row; row 0 is ``p0``.
    message : str
        Why the fit stopped, in words.
    """

    params: np.ndarray
    uncertainties: np.ndarray
    covariance: np.ndarray
    chi2: float
    dof: int
    converged: bool
    n_iter: int
    history: np.ndarray
    message: str

    @property
    def reduced_chi2(self) -> float:
        r"""$\chi^2$ per degree of freedom, $\chi^2 / \nu$: near 1 for a good model with
        honest $\sigma$."""
        return self.chi2 / self.dof if self.dof > 0 else float("inf")
