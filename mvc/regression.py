r"""Regression: fitting a model to data by least squares (chapter 6).

A model $y(x; a)$ with parameters $a$ fits data $(x_i, y_i, \sigma_i)$ well when

$$\chi^2(a) = \sum_i \frac{\bigl(y_i - y(x_i; a)\bigr)^2}{\sigma_i^2}$$

is small. A straight line has a closed-form minimum (`linear_fit`); any other model
is fitted by walking downhill on $\chi^2$ (`fit`): steepest descent, Gauss–Newton,
or Levenberg–Marquardt, which blends the two.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from mvc._validation import (
    as_callable,
    as_choice,
    as_data,
    as_int,
    as_point,
    as_positive_real,
    as_real_array,
    as_same_length,
    as_sigma,
    as_step,
    check_values,
)
from mvc.derivatives import jacobian
from mvc.result import FitResult

__all__ = ["chi_squared", "fit", "linear_fit"]

METHODS = ("lm", "gauss-newton", "steepest-descent")
LAMBDA0 = 1e3  # the first damping, relative to Marquardt's scaling D^2: a short, cautious first step
ACCEPT = 1e-4  # the least gain ratio (actual/predicted fall of chi^2) for a step to be taken


def chi_squared(y: Any, y_model: Any, sigma: Any = None) -> float:
    r"""The misfit $\chi^2 = \sum_i \bigl((y_i - y_{\text{model},i}) / \sigma_i\bigr)^2$.

    Parameters
    ----------
    y, y_model : array_like
        The observations and the model's values at the same points, 1-D, equal lengths.
    sigma : float or array_like, optional
        The observations' standard uncertainties, one for all or one per point,
        positive. By default 1, which makes $\chi^2$ the residual sum of squares.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If an argument is not real numbers.
    ValueError
        If an argument is empty, not finite or not 1-D, the lengths differ, or
        `sigma` is not positive.

    Examples
    --------
    >>> from mvc import chi_squared
    >>> chi_squared([1.0, 2.0, 3.0], [1.5, 2.0, 2.0], sigma=0.5)
    5.0
    """
    y = as_data(y, "y")
    y_model = as_same_length("y_model", as_data(y_model, "y_model"), "y", y.size)
    sigma = as_sigma(sigma, "sigma", y.size)
    return float(np.sum(((y - y_model) / sigma) ** 2))


def linear_fit(x: Any, y: Any, sigma: Any = None) -> FitResult:
    r"""The straight line $y = mx + c$ of least $\chi^2$, in closed form.

    Parameters
    ----------
    x, y : array_like
        The data, 1-D, equal lengths, at least 3 points, not all `x` equal.
    sigma : float or array_like, optional
        Standard uncertainties of `y`, one for all or one per point. Without them
        every point weighs the same and the uncertainties of $m$ and $c$ are
        estimated from the scatter of the data, as `scipy.stats.linregress` does.

    Returns
    -------
    FitResult
        ``params = [m, c]``, their uncertainties and covariance, $\chi^2$ and
        ``dof = len(x) - 2``; ``n_iter = 0``, as nothing is iterated.

    Raises
    ------
    TypeError
        If an argument is not real numbers.
    ValueError
        If an argument is empty, not finite or not 1-D, the lengths differ, there
        are fewer than 3 points, all `x` are equal, or `sigma` is not positive.

    Notes
    -----
    $\nabla\chi^2 = 0$ gives two linear equations in $m$ and $c$. With weights
    $w_i = 1/\sigma_i^2$ and the weighted mean $\bar x = \sum w_i x_i / \sum w_i$
    (likewise $\bar y$), their solution is

    $$m = \frac{\sum_i w_i (x_i - \bar x)(y_i - \bar y)}{\sum_i w_i (x_i - \bar x)^2},
    \qquad c = \bar y - m \bar x,$$

    written about the means so that no large sums cancel. The covariance is the inverse
    of half the Hessian of $\chi^2$:
    $\operatorname{var} m = 1 / \sum w_i (x_i - \bar x)^2$,
    $\operatorname{cov}(m, c) = -\bar x \operatorname{var} m$,
    $\operatorname{var} c = 1 / \sum w_i + \bar x^2 \operatorname{var} m$.
    Without `sigma` it is multiplied by $\chi^2 / (N - 2)$, the estimated variance
    of the points. $m$ and $c$ are uncorrelated exactly when $\bar x = 0$: centre
    $x$ to decorrelate them.

    Examples
    --------
    >>> from mvc import linear_fit
    >>> result = linear_fit([0.0, 1.0, 2.0, 3.0], [1.1, 2.9, 5.2, 6.8])
    >>> result.params.round(3), result.uncertainties.round(3)
    (array([1.94, 1.09]), array([0.091, 0.169]))
    """
    x = as_data(x, "x")
    y = as_same_length("y", as_data(y, "y"), "x", x.size)
    if x.size < 3:
        raise ValueError(
            f"`x` must hold at least 3 points to fit a line with uncertainties, got {x.size}."
        )
    w = 1 / as_sigma(sigma, "sigma", x.size) ** 2
    x_mean, y_mean = np.average(x, weights=w), np.average(y, weights=w)
    spread = np.sum(w * (x - x_mean) ** 2)
    if spread == 0:
        raise ValueError(f"`x` must not be all equal, got {x_mean!r} throughout.")
    m = np.sum(w * (x - x_mean) * (y - y_mean)) / spread
    c = y_mean - m * x_mean
    var_m = 1 / spread
    covariance = np.array([
        [var_m, -x_mean * var_m],
        [-x_mean * var_m, 1 / np.sum(w) + x_mean**2 * var_m],
    ])
    chi2 = float(np.sum(w * (y - m * x - c) ** 2))
    dof = x.size - 2
    if sigma is None:
        covariance *= chi2 / dof
    params = np.array([m, c])
    return FitResult(params, np.sqrt(np.diag(covariance)), covariance, chi2, dof, True, 0,
                     params[None].copy(), "Closed form: the minimum of chi^2 solved exactly.")


def fit(
    model: Callable,
    x: Any,
    y: Any,
    p0: Any,
    *,
    sigma: Any = None,
    method: str = "lm",
    lr: float | None = None,
    jac: Callable | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> FitResult:
    r"""Fit `model` to data by least squares: the parameters of least $\chi^2$.

    Parameters
    ----------
    model : callable
        ``model(x, *params) -> array`` of shape ``(len(y),)``, as for
        `scipy.optimize.curve_fit`.
    x : array_like or object
        The predictors, passed to `model` as they are (a numeric list becomes a float
        array), so ``x`` of shape ``(k, N)`` serves a model of $k$ predictors.
    y : array_like
        The $N$ observations, 1-D.
    p0 : array_like
        The starting parameters; their number is the number of parameters.
    sigma : float or array_like, optional
        Standard uncertainties of `y`. Without them every point weighs 1 and the
        covariance is scaled by the reduced $\chi^2$ (as `curve_fit` does); with them
        it is taken as absolute (`curve_fit`'s ``absolute_sigma=True``).
    method : {"lm", "gauss-newton", "steepest-descent"}
        Levenberg–Marquardt (the default), Gauss–Newton, or the course's steepest
        descent $a \leftarrow a - \text{lr}\, \nabla\chi^2$.
    lr : float, optional
        The steepest-descent step factor (the course's "aggression"). By default each
        step is chosen by a line search. Only for ``method="steepest-descent"``.
    jac : callable, optional
        ``jac(x, *params) -> array`` of shape ``(N, n)``: $\partial y_i / \partial a_k$.
        By default `mvc.jacobian` computes it by central differences.
    tol : float
        Stop when no parameter moves by more than ``tol * (|a_k| + tol)`` in a step,
        or when the residuals are orthogonal to the Jacobian's columns to within `tol`
        (cosine), or $\chi^2 = 0$.
    max_iter : int
        The most iterations (model Jacobians) to take.

    Returns
    -------
    FitResult
        ``history`` has a row per iteration (row 0 is `p0`); a rejected trial step of
        Levenberg–Marquardt repeats the row before it.

    Raises
    ------
    TypeError
        If `model` or `jac` is not callable, data are not real numbers, or an option
        has the wrong type.
    ValueError
        If data are empty, not finite or of differing lengths; `sigma`, `tol` or `lr`
        is not positive; there are no more points than parameters; `model` cannot take
        ``len(p0)`` parameters, or returns a wrong shape or non-finite values at `p0`
        (likewise `jac`); `method` is unknown; `lr` is given for another method.

    Notes
    -----
    With residuals $r_i = (y_i - y(x_i; a))/\sigma_i$ and the weighted Jacobian
    $A_{ik} = (\partial y(x_i; a) / \partial a_k)/\sigma_i$, the gradient is
    $\nabla\chi^2 = -2 A^\mathsf{T} r$. Gauss–Newton replaces the model by its
    linearisation and jumps to that model's minimum: the least-squares solution of
    $A\,\delta = r$. Levenberg–Marquardt solves the damped problem
    $(A^\mathsf{T} A + \lambda D^2)\,\delta = A^\mathsf{T} r$ (as the least-squares
    problem $[A;\ \sqrt\lambda D]\,\delta = [r;\ 0]$, which keeps digits),
    where $D$ holds the largest column norms of $A$ seen so far: this parameter
    scaling makes the method blind to the parameters' units. Small $\lambda$ is
    Gauss–Newton; large $\lambda$ is a short steepest-descent step. $\lambda$ starts at
    1000, a cautious first step, shrinks (by up to 3 times) after a step that reduces
    $\chi^2$ as well as the linear model predicted, and grows after one that does not
    (Nielsen's rule). On the NIST problems any start from 300 to $10^5$ does as well;
    $10^{-3}$, a Gauss–Newton first step, loses BoxBOD from its far start.

    The default Jacobian is `mvc.jacobian` of the model in scaled parameters
    $u_k = a_k / |a_k|$, so parameter $k$ gets the relative step
    $\epsilon^{1/3} |a_k|$ whatever its size (an absolute step would swamp a
    parameter of $10^{-7}$).

    Cost per iteration: one model evaluation for the trial step and, after an
    accepted step, $2n$ for the Jacobian ($n$ parameters), or one call of `jac`.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import fit
    >>> x = np.linspace(0, 4, 9)
    >>> result = fit(lambda x, a, k: a * np.exp(-k * x), x, 3 * np.exp(-0.7 * x), [1.0, 1.0])
    >>> result.params.round(6), result.converged
    (array([3. , 0.7]), True)
    """
    model = as_callable(model, "model")
    y = as_data(y, "y")
    x = _as_predictors(x, y.size)
    p0 = as_point(p0, "p0")
    sigma_given, sigma = sigma is not None, as_sigma(sigma, "sigma", y.size)
    method = as_choice(method, "method", METHODS)
    lr = as_step(lr, "lr")
    if lr is not None and method != "steepest-descent":
        raise ValueError(
            f"`lr` is for method='steepest-descent' only, got lr={lr!r} with method={method!r}."
        )
    jac = None if jac is None else as_callable(jac, "jac")
    tol = as_positive_real(tol, "tol")
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    if y.size <= p0.size:
        raise ValueError(
            f"`y` must hold more points than `p0` has parameters ({p0.size}), got {y.size}."
        )
    _check_takes(model, x, p0)
    problem = _Problem(model, x, y, sigma, jac, sigma_given)
    problem.check_start(p0)
    with np.errstate(all="ignore"):  # overflow is a rejected step or a divergence, reported
        if method == "lm":
            return _levenberg_marquardt(problem, p0, tol, max_iter)
        if method == "gauss-newton":
            return _gauss_newton(problem, p0, tol, max_iter)
        return _steepest_descent(problem, p0, lr, tol, max_iter)


# --- the problem: residuals and Jacobian, weighted by sigma ----------------------------------


class _NotFinite(Exception):
    """The model gave a non-finite value away from `p0`: the step is bad, not the input."""


class _Problem:
    """The weighted residuals $r = (y - y(x; a))/\\sigma$ and Jacobian $A = J/\\sigma$."""

    def __init__(self, model, x, y, sigma, jac, sigma_given):
        self.model, self.x, self.y, self.sigma, self.jac = model, x, y, sigma, jac
        self.sigma_given = sigma_given
        self._cache = (None, None)  # the last Jacobian: the result reuses the fit's own

    def check_start(self, p0: np.ndarray) -> None:
        """Raise `ValueError` unless model (and `jac`) give finite values of the right shape."""
        check_values(self._call(self.model, p0), self.y.shape, "`model` at `p0`")
        if self.jac is not None:
            check_values(self._call(self.jac, p0), (self.y.size, p0.size), "`jac` at `p0`")
        elif self.weighted_jacobian(p0) is None:
            raise ValueError("`model` must be finite near `p0`, where its Jacobian is taken by "
                             "central differences; it is not.")

    def _call(self, f: Callable, p: np.ndarray):
        with np.errstate(all="ignore"):
            return f(self.x, *p)

    def residuals(self, p: np.ndarray) -> np.ndarray | None:
        """r(a), or None where the model or chi^2 is not finite."""
        values = np.asarray(self._call(self.model, p), dtype=np.float64)
        r = (self.y - values) / self.sigma
        return r if np.isfinite(r @ r) else None  # chi^2 itself must not overflow

    def weighted_jacobian(self, p: np.ndarray) -> np.ndarray | None:
        """$A(a)$, shape ``(N, n)``, or None where it is not finite."""
        if self._cache[0] is not None and np.array_equal(self._cache[0], p):
            return self._cache[1]
        A = self._weighted_jacobian(p)
        self._cache = (p.copy(), A)
        return A

    def _weighted_jacobian(self, p: np.ndarray) -> np.ndarray | None:
        if self.jac is not None:
            J = np.asarray(self._call(self.jac, p), dtype=np.float64).reshape(self.y.size, p.size)
        else:
            J = self._finite_differences(p)
        if J is None or not np.all(np.isfinite(J)):
            return None
        return J / self.sigma[:, None]

    def _finite_differences(self, p: np.ndarray) -> np.ndarray | None:
        scale = np.where(p != 0, np.abs(p), 1.0)  # u = a / |a|: relative steps

        def of_u(u):
            values = np.asarray(self._call(self.model, u * scale), dtype=np.float64)
            if not np.all(np.isfinite(values)):
                raise _NotFinite
            return values

        try:
            return jacobian(of_u, p / scale).reshape(self.y.size, p.size) / scale
        except _NotFinite:
            return None


def _as_predictors(x: Any, n: int) -> Any:
    """Numeric `x` as a float array with `n` values on its last axis; anything else as it is."""
    try:
        kind = np.asarray(x).dtype.kind
    except ValueError:  # ragged
        return x
    if kind not in "iuf":
        return x
    return as_same_length("x", as_real_array(x, "x"), "y", n)


def _check_takes(model: Callable, x: Any, p0: np.ndarray) -> None:
    """Raise `ValueError` if the signature of `model` cannot take ``(x, *p0)``."""
    try:
        signature = inspect.signature(model)
    except (TypeError, ValueError):  # a builtin without a signature: let the call decide
        return
    try:
        signature.bind(x, *p0)
    except TypeError as error:
        raise ValueError(
            f"`p0` must hold as many parameters as `model` takes after `x`; `model{signature}` "
            f"cannot take {p0.size}: {error}."
        ) from None


# --- the three methods ------------------------------------------------------------------


def _small_step(step: np.ndarray, p: np.ndarray, tol: float) -> bool:
    """The stopping rule on the parameters: no parameter moved by more than tol (|a_k| + tol)."""
    return bool(np.all(np.abs(step) <= tol * (np.abs(p) + tol)))


def _orthogonal(A: np.ndarray, r: np.ndarray, tol: float) -> bool:
    """The stopping rule on the gradient: r is orthogonal to every column of A, to within tol."""
    columns, length = np.linalg.norm(A, axis=0), np.linalg.norm(r)
    finite = np.all(np.isfinite(columns)) and np.isfinite(length)
    if not (finite and np.all(columns > 0) and length > 0):
        return False
    return bool(np.all(np.abs((A / columns).T @ (r / length)) <= tol))


# --8<-- [start:lm-step]
def _damped_step(
    A: np.ndarray, r: np.ndarray, D: np.ndarray, lam: float
) -> np.ndarray:
    """Solve (AᵀA + λD²) δ = Aᵀr as least squares: [A; √λ D] δ = [r; 0]."""
    stacked = np.vstack([A, np.sqrt(lam) * np.diag(D)])
    target = np.concatenate([r, np.zeros(D.size)])
    return np.linalg.lstsq(stacked, target, rcond=None)[0]
# --8<-- [end:lm-step]


def _levenberg_marquardt(problem: _Problem, p: np.ndarray, tol: float, max_iter: int) -> FitResult:
    r, A = problem.residuals(p), problem.weighted_jacobian(p)  # finite: fit() checked p0
    D = _column_norms(A, np.zeros(p.size))
    lam, nu, history = LAMBDA0, 2.0, [p]
    for k in range(1, max_iter + 1):
        step = _damped_step(A, r, D, lam)
        trial = p + step
        r_trial = problem.residuals(trial)
        gain = _gain_ratio(r, r_trial, A @ step)
        if gain > ACCEPT:  # chi^2 fell by a fair share of what the linear model promised
            p, r = trial, r_trial
            A = problem.weighted_jacobian(p)
            if A is None:
                return _finish(problem, p, False, k, history + [p], NOT_FINITE)
            D = _column_norms(A, D)
            lam, nu = lam * max(1 / 3, 1 - (2 * gain - 1) ** 3), 2.0
        else:
            lam, nu = lam * nu, 2 * nu
        history.append(p)
        why = _converged(A, r, step, p, tol)
        if why:
            return _finish(problem, p, True, k, history, why)
        if lam > 1e20:
            return _finish(problem, p, False, k, history,
                           "The damping grew past 1e20 with no step reducing chi^2: stuck.")
    return _finish(problem, p, False, max_iter, history, _max_iter_reached(max_iter))


def _gain_ratio(r: np.ndarray, r_trial: np.ndarray | None, A_step: np.ndarray) -> float:
    """Actual over predicted fall of chi^2; -1 if the trial is not finite or none was predicted."""
    predicted = r @ r - (r - A_step) @ (r - A_step)
    if r_trial is None or not predicted > 0:
        return -1.0
    return float((r @ r - r_trial @ r_trial) / predicted)


def _column_norms(A: np.ndarray, D: np.ndarray) -> np.ndarray:
    """Marquardt's scaling: the largest norm each column of A has had (1 for a zero column)."""
    D = np.maximum(D, np.linalg.norm(A, axis=0))
    return np.where(D > 0, D, 1.0)


def _converged(A: np.ndarray, r: np.ndarray, step: np.ndarray, p: np.ndarray, tol: float) -> str:
    """Why the fit has converged, or an empty string."""
    if r @ r == 0:
        return "Converged: chi^2 = 0, the model passes through every point."
    if _small_step(step, p, tol):
        return f"Converged: the last step moved no parameter by more than tol = {tol:g} (relative)."
    if _orthogonal(A, r, tol):
        return ("Converged: the gradient of chi^2 vanishes (residuals orthogonal to the Jacobian"
                f" within tol = {tol:g}).")
    return ""


def _gauss_newton(problem: _Problem, p: np.ndarray, tol: float, max_iter: int) -> FitResult:
    history = [p]
    r, A = problem.residuals(p), problem.weighted_jacobian(p)
    for k in range(1, max_iter + 1):
        step, _, rank, _ = np.linalg.lstsq(A, r, rcond=None)  # the minimum of the linearised model
        if rank < p.size:
            return _finish(problem, p, False, k - 1, history,
                           "The Jacobian is singular: Gauss–Newton has no unique step, and the"
                           " uncertainties are infinite.")
        if _small_step(step, p, tol) or _orthogonal(A, r, tol):
            return _finish(problem, p, True, k - 1, history, _converged(A, r, step, p, tol))
        r_next = problem.residuals(p + step)
        A_next = None if r_next is None else problem.weighted_jacobian(p + step)
        if A_next is None:
            return _finish(problem, p, False, k - 1, history,
                           f"Diverged: the model or its Jacobian is not finite after step {k}.")
        p, r, A = p + step, r_next, A_next
        history.append(p)
    return _finish(problem, p, False, max_iter, history, _max_iter_reached(max_iter))


def _steepest_descent(
    problem: _Problem, p: np.ndarray, lr: float | None, tol: float, max_iter: int
) -> FitResult:
    history, r = [p], problem.residuals(p)
    for k in range(1, max_iter + 1):
        A = problem.weighted_jacobian(p)
        if A is None:
            return _finish(problem, p, False, k - 1, history, NOT_FINITE)
        why = _converged(A, r, np.full(p.size, np.inf), p, tol)  # at a minimum already?
        if why:
            return _finish(problem, p, True, k - 1, history, why)
        # --8<-- [start:steepest]
        # dchi2/da_k = -2 sum_i (y_i - y(x_i; a)) / sigma_i^2 * dy/da_k
        grad = -2 * A.T @ r
        t = lr if lr is not None else _line_search(problem, p, r, A, grad)
        step = -t * grad
        # --8<-- [end:steepest]
        if _small_step(step, p, tol):
            return _finish(problem, p, True, k - 1, history, _converged(A, r, step, p, tol))
        r_next = problem.residuals(p + step)
        if r_next is None:
            return _finish(problem, p, False, k - 1, history,
                           f"Diverged: the model is not finite after step {k}; try a smaller `lr`.")
        p, r = p + step, r_next
        history.append(p)
    return _finish(problem, p, False, max_iter, history, _max_iter_reached(max_iter))


def _line_search(problem: _Problem, p, r, A, grad) -> float:
    """A step factor that lowers chi^2: the linear model's best along -grad, halved as needed."""
    g = A.T @ r
    lr = (g @ g) / (2 * np.sum((A @ g) ** 2))  # minimises |r - A (lr grad)|^2 over lr
    for _ in range(60):
        r_next = problem.residuals(p - lr * grad)
        if r_next is not None and r_next @ r_next < r @ r:
            return lr
        lr /= 2
    return 0.0  # no decrease along -grad: the step is zero and the stopping rule ends the fit


# --- the result --------------------------------------------------------------------------

NOT_FINITE = "The Jacobian is not finite at the last step."
SINGULAR = (" The Jacobian is singular here: chi^2 does not depend on some combination of the"
            " parameters (one may be running off to infinity), so they are not determined and"
            " their uncertainties are infinite.")


def _max_iter_reached(max_iter: int) -> str:
    return f"Reached max_iter = {max_iter} iterations."


def _finish(
    problem: _Problem, p: np.ndarray, converged: bool, n_iter: int, history: list, message: str
) -> FitResult:
    """The FitResult at `p`: chi^2, and the covariance (A^T A)^-1, scaled if sigma was not given."""
    r, A = problem.residuals(p), problem.weighted_jacobian(p)
    chi2 = float(r @ r)
    dof = problem.y.size - p.size
    if A is None:  # the message already says the Jacobian is not finite
        covariance = np.full((p.size, p.size), np.inf)
        return FitResult(p.copy(), np.diag(covariance).copy(), covariance, chi2, dof, False, n_iter,
                         np.array(history), message + " The uncertainties are infinite.")
    _, s, Vt = np.linalg.svd(A, full_matrices=False)
    if s.min() <= np.finfo(float).eps * s.max() * max(problem.y.size, p.size):
        covariance = np.full((p.size, p.size), np.inf)
        if converged:
            converged, message = False, "Stalled: " + message[len("Converged: "):]
        if "singular" not in message:
            message += SINGULAR
    else:
        covariance = (Vt.T / s**2) @ Vt
        if not problem.sigma_given:
            covariance *= chi2 / dof
    uncertainties = np.sqrt(np.diag(covariance))
    return FitResult(p.copy(), uncertainties, covariance, chi2, dof, converged, n_iter,
                     np.array(history), message)
