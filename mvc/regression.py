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

from mvc._fitting import gauss_newton, levenberg_marquardt, steepest_descent
from mvc._least_squares import (
    Linearisation,
    Problem,
    decimal,
    exponent,
    linearise,
    scaled_square,
)
from mvc._validation import (
    as_callable,
    as_choice,
    as_data,
    as_int,
    as_point,
    as_real_array,
    as_relative_tolerance,
    as_same_length,
    as_sigma,
    as_step,
    check_values,
)
from mvc.result import FitResult

__all__ = ["chi_squared", "fit", "linear_fit"]

METHODS = ("lm", "gauss-newton", "steepest-descent")


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
        If an argument is empty, not finite or not 1-D, the lengths differ,
        `sigma` is not positive, or $\chi^2$ overflows a float (above
        $1.8 \times 10^{308}$): then rescale `y`, `y_model` and `sigma` alike.

    Examples
    --------
    >>> from mvc import chi_squared
    >>> chi_squared([1.0, 2.0, 3.0], [1.5, 2.0, 2.0], sigma=0.5)
    5.0
    """
    y = as_data(y, "y")
    y_model = as_same_length("y_model", as_data(y_model, "y_model"), "y", y.size)
    sigma = as_sigma(sigma, "sigma", y.size)
    with np.errstate(over="ignore", under="ignore"):  # beyond the range of a float: inf or 0
        chi2 = float(np.sum(((y - y_model) / sigma) ** 2))
    if not np.isfinite(chi2):
        raise ValueError(
            "`y`, `y_model` and `sigma` must give a chi^2 within the range of a float "
            f"(below {np.finfo(np.float64).max:.1e}), but it overflows: measure y and sigma "
            "in a larger unit (divide y, y_model and sigma by the same number)."
        )
    return chi2


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
        ``dof = len(x) - 2``; ``n_iter = 0``, as nothing is iterated; ``converged``
        is False only if the line is beyond the range of a float.

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

    The sums are taken in scaled variables: $x - \bar x$, $y - \bar y$ and
    $\sigma$ are divided by powers of two near their sizes (which rounds nothing),
    so any magnitude of the data whose line is a float gives the right line, from
    `sigma` of $10^{-160}$ to $10^{200}$ and $x$ of $10^{-200}$ to $10^{200}$. A line
    beyond the range of a float is reported with ``converged=False``; a $\chi^2$
    beyond it as ``inf`` or 0, with its value in the message.

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
    if np.all(x == x[0]):
        raise ValueError(f"`x` must not be all equal, got {float(x[0])!r} throughout.")
    sigma_ = as_sigma(sigma, "sigma", x.size)
    with np.errstate(all="ignore"):  # what overflows is reported in the result
        return _line(x, y, sigma_, sigma is not None)


def _line(x: np.ndarray, y: np.ndarray, sigma: np.ndarray, sigma_given: bool) -> FitResult:
    """`linear_fit` in scaled variables: powers of two keep every sum in range, exactly."""
    e_sigma = exponent(np.min(sigma))
    s = np.ldexp(1.0, e_sigma) / sigma  # 1 / sigma, times 2^e_sigma: in (0, 2]
    w = s * s  # the weights, for the means: one that underflows weighs nothing beside the rest
    x_mean, dx, e_x = _centred(x, w)
    y_mean, dy, e_y = _centred(y, w)
    u, e_u = _scaled(s * dx)  # sqrt(w) (x - x_mean): squared only once in range
    v = np.ldexp(s * dy, -e_u)
    spread = np.sum(u**2)
    slope = np.sum(u * v) / spread  # m, in units of 2^(e_y - e_x)
    m = np.ldexp(slope, e_y - e_x)
    c = y_mean - np.ldexp(slope * np.ldexp(x_mean, -e_x), e_y)
    misfit = np.sqrt(np.sum((v - slope * u) ** 2))  # sqrt(chi^2), in units of 2^e_misfit
    e_misfit, dof = e_y + e_u - e_sigma, x.size - 2
    # the sigma of a point, in units of 2^e
    scale, e = (1.0, e_sigma) if sigma_given else (misfit / np.sqrt(dof), e_y + e_u)
    lever = np.ldexp(x_mean, -e_x - e_u) / np.sqrt(spread)  # x_mean / sqrt(sum w dx^2)
    u_m = np.ldexp(scale / np.sqrt(spread), e - e_x - e_u)
    u_c = np.ldexp(scale * np.hypot(1 / np.sqrt(np.sum(w)), lever), e)
    correlation = -lever / np.hypot(1 / np.sqrt(np.sum(w)), lever)
    covariance = np.array([[u_m**2, correlation * u_m * u_c], [correlation * u_m * u_c, u_c**2]])
    params = np.array([m, c])
    chi2 = scaled_square(misfit, e_misfit)
    return FitResult(
        params,
        np.array([u_m, u_c]),
        covariance,
        chi2,
        dof,
        bool(np.all(np.isfinite(params))),
        0,
        params[None].copy(),
        _line_message(params, slope, e_y - e_x, misfit, e_misfit, chi2),
    )


def _line_message(
    params: np.ndarray, slope: float, e_slope: int, misfit: float, e_misfit: int, chi2: float
) -> str:
    """What `linear_fit` says of its line: solved, or beyond the range of a float."""
    message = "Closed form: the minimum of chi^2 solved exactly."
    if not np.all(np.isfinite(params)):
        return (
            "The line is beyond the range of a float: |m| is about 10^"
            f"{np.log10(abs(slope)) + e_slope * np.log10(2):.0f}, so it is reported as inf."
        )
    if misfit > 0 and not np.finfo(float).tiny <= chi2 < np.inf:
        message += f" chi^2 = {decimal(misfit, e_misfit)} is beyond the range of a float."
    return message


def _mean(v: np.ndarray, w: np.ndarray) -> float:
    """The weighted mean of `v`, in range whatever the size of `v`."""
    e = exponent(np.max(np.abs(v))) if np.any(v) else 0
    return float(np.ldexp(np.sum(w * np.ldexp(v, -e)) / np.sum(w), e))


def _centred(v: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray, int]:
    """The weighted mean of `v`, and `v` minus it, scaled by 2^-e, with e.

    Centred twice: the mean of values far from 0 is rounded, and the differences from a
    rounded mean do not average to 0 (with x near 1e15 that changed the slope by 15%).
    """
    mean = _mean(v, w)
    d = v - mean  # exact where the values are close to the mean
    shift = _mean(d, w)
    d, e = _scaled(d - shift)
    return mean + shift, d, e


def _scaled(v: np.ndarray) -> tuple[np.ndarray, int]:
    """`v` divided by the power of two 2^e nearest its largest size, and e."""
    e = exponent(np.max(np.abs(v))) if np.any(v) else 0
    return np.ldexp(v, -e), e


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
    max_iter: int = 2000,
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
        step is chosen by a line search down the gradient in the scaled parameters
        $D a$ (each parameter in the units where its column of $A$ has length 1), which
        makes the walk blind to the parameters' units. Only for
        ``method="steepest-descent"``.
    jac : callable, optional
        ``jac(x, *params) -> array`` of shape ``(N, n)``: $\partial y_i / \partial a_k$.
        By default the Jacobian is taken by central differences. A `jac` that
        disagrees with the model's own slope is reported in the message.
    tol : float
        The convergence test (one line): **converged means $\chi^2$ is at a minimum —
        the fall its linearisation still promises is at most ``tol`` times $\chi^2$,
        or below rounding** (or, where the Jacobian is nearly singular, the fall its
        second-order model promises: see Notes). The fit stops when a Gauss–Newton
        step (or, for steepest descent, a step) moves no parameter by more than
        ``tol * |a_k|``, when no step can lower $\chi^2$ any further, or when the
        promised fall is below ``tol**2`` of $\chi^2$; the test above then decides
        whether it converged.
    max_iter : int
        The most iterations to take (for Levenberg–Marquardt, trial steps).

    Returns
    -------
    FitResult
        ``history`` has a row per iteration (row 0 is `p0`); a rejected trial step of
        Levenberg–Marquardt repeats the row before it. ``converged`` is True only if
        the test on $\chi^2$ above holds at the result (and, with `jac`, holds with the
        model's slope by central differences too); otherwise the message says why not.
        A $\chi^2$ beyond the range of a float is reported as ``inf`` or 0, and the
        message gives its value.

    Raises
    ------
    TypeError
        If `model` or `jac` is not callable, data are not real numbers, or an option
        has the wrong type.
    ValueError
        If data are empty, not finite or of differing lengths; `sigma` or `lr`
        is not positive, or `tol` not in (0, 1); there are no more points than
        parameters; `model` cannot take ``len(p0)`` parameters, or returns a wrong
        shape or non-finite values at `p0` (likewise `jac`); `method` is unknown;
        `lr` is given for another method.

    Notes
    -----
    With residuals $r_i = (y_i - y(x_i; a))/\sigma_i$ and the weighted Jacobian
    $A_{ik} = (\partial y(x_i; a) / \partial a_k)/\sigma_i$, the gradient is
    $\nabla\chi^2 = -2 A^\mathsf{T} r$. Gauss–Newton replaces the model by its
    linearisation and jumps to that model's minimum: the least-squares solution of
    $A\,\delta = r$. Levenberg–Marquardt solves the damped problem
    $(A^\mathsf{T} A + \lambda D^2)\,\delta = A^\mathsf{T} r$, where $D$ holds the
    largest column norms of $A$ seen so far: this scaling makes the method blind to
    the parameters' units. Small $\lambda$ is Gauss–Newton; large $\lambda$ a short
    step down the gradient. $\lambda$ is chosen as MINPACK chooses it (Moré, 1978):
    the step must stay within a trust radius $\lVert D\delta \rVert \le \Delta$, which
    doubles after a step whose fall of $\chi^2$ the linear model predicted well and
    shrinks after one it predicted badly; a step is taken if $\chi^2$ falls by at
    least $10^{-4}$ of the predicted fall. The first radius is $\lVert D a_0 \rVert$,
    a first step no longer than the starting parameters themselves: on the 54 NIST
    cases any multiple from 0.1 to 10 of it reaches every certified value; MINPACK's
    100 loses BoxBOD from its far start.

    The test for a minimum is a gradient test in the metric of the linearisation: the
    fall $\lVert P r \rVert^2$, where $P$ projects onto the span of $A$'s columns,
    equals $\tfrac14 \nabla\chi^{2\,\mathsf{T}} (A^\mathsf{T} A)^{-1} \nabla\chi^2$ and is
    compared with $\chi^2$, so it does not change when the data, `sigma` or the
    parameters are multiplied by any factor. "Below rounding" means
    $\lVert P r \rVert \le \sqrt{\text{tol}}\,\lVert r \rVert + \lVert e \rVert$, where
    $\lVert e \rVert = 10\,\epsilon\,(2 \lVert y/\sigma \rVert + \lVert\, |A|\,|a|
    \,\rVert + \lVert r \rVert)$ bounds the rounding of the residuals and of the model's
    terms $a_k \partial y / \partial a_k$ (the stopping rules leave the terms out). A
    Gauss–Newton step whose predicted fall of
    $\chi^2$ is below the rounding of $\chi^2$ ($2 \lVert e \rVert \lVert r \rVert$) is
    taken unless $\chi^2$ rises by more than that. A step that shrank because
    trial steps were rejected is never taken for convergence by itself. The Jacobian
    is called singular when its smallest singular value is below what it resolves,
    with its columns and also its rows scaled to length 1 (so a point of tiny `sigma`
    does not make it singular). A Jacobian by differences that looks singular is
    differenced again along its own singular directions, each with a step that changes
    the model by $\epsilon^{1/3}$ of its terms, and checked at half that step: if every
    slope is confirmed it resolves what differences along each parameter cannot
    ($m x + c$ for $x$ near $10^8$), and is judged as an exact Jacobian.

    Where the Jacobian is singular or nearly so, the linearisation's promise is the fall at
    the end of a step too long for the model to be linear over it: a x + b^2 at b = 0 has
    slope 0 along b, and the linear model promises any intercept, which b^2 >= 0 cannot
    give. So a fit that fails the test above is asked it once more of the second-order
    model of chi^2, whose Hessian A^T A - sum_i r_i (the Hessian of the model at point i)
    is measured by second differences of the model along the Jacobian's singular
    directions: if that Hessian is positive definite beyond its rounding and its model
    promises a fall below tol of chi^2 (or below rounding), chi^2 is at a minimum, and
    the message says it was checked to second order (with a singular Jacobian the
    uncertainties are still infinite, and converged is False).

    Everything is computed in scaled units: the residuals and the Jacobian are
    divided by one power of two chosen from the sizes of $y$ and `sigma` (exact), and
    norms are taken without squaring large or small numbers, so no magnitude of the
    data overflows. At each point the scaled Jacobian is factorised once
    ($QR$, then the SVD of $R$); every trial step is then solved in $O(n^2)$.

    The default Jacobian takes central differences with the relative step
    $\epsilon^{1/3} |a_k|$, whatever the size of the parameter (an absolute step would
    swamp a parameter of $10^{-7}$). A parameter at 0 has no size (nor has one so small
    that its relative step is below the least normal float, 2.2e-308): its step is searched
    for (a few more evaluations) as the one that changes the model by about
    $\epsilon^{1/3}$ of its size, from $\epsilon^{1/3}$ up, then (if none does, as for
    the centre of a peak in `x` of $10^{-8}$, which that step moves off the data) down,
    so it does not depend on the units of `x`.

    Cost per iteration: one model evaluation for the trial step and, after an
    accepted step, $2n$ for the Jacobian ($n$ parameters), or one call of `jac`;
    with `jac`, $2n$ more at the end to check it.

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
    tol = as_relative_tolerance(tol, "tol", least=0.0)
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    if y.size <= p0.size:
        raise ValueError(
            f"`y` must hold more points than `p0` has parameters ({p0.size}), got {y.size}."
        )
    _check_takes(model, x, p0)
    with np.errstate(all="ignore"):  # overflow is a rejected step or a divergence, reported
        f0 = check_values(model(x, *p0), y.shape, "`model` at `p0`")
        problem = Problem(model, x, y, sigma, jac, f0, sigma_given)
        start = _linearise_start(problem, p0)
        if method == "lm":
            return levenberg_marquardt(problem, start, tol, max_iter)
        if method == "gauss-newton":
            return gauss_newton(problem, start, tol, max_iter)
        return steepest_descent(problem, start, lr, tol, max_iter)


def _linearise_start(problem: Problem, p0: np.ndarray) -> Linearisation:
    """The linearisation at `p0`, or `ValueError` if `jac` or the model's slope is not
    finite there."""
    if problem.jac is not None:
        check_values(problem.call(problem.jac, p0), (problem.y.size, p0.size), "`jac` at `p0`")
    residuals = problem.residuals(p0)
    if residuals is None:
        raise ValueError(
            "`y` and `model` at `p0` must differ by less than the largest float, "
            "but their difference overflows."
        )
    start = linearise(problem, p0, residuals, np.zeros(p0.size))
    if start is None:
        raise ValueError(
            "`model` must be finite near `p0`, where its Jacobian is taken by "
            "central differences; it is not."
            if problem.jac is None
            else "`jac` at `p0` must be finite once divided by `sigma`; it overflows."
        )
    return start


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
