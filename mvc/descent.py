r"""Gradient descent: walk downhill, against the gradient, until the ground is flat.

The gradient $\nabla f$ points up the steepest slope, so a small step against it
lowers $f$ fastest:

$$s_{n+1} = s_n - \gamma \nabla f(s_n).$$

`gradient_descent` takes that step with a fixed learning rate $\gamma$ (`lr`), or
chooses the step length at each iterate by a backtracking line search. `descend`
runs the Sandpit's step strategies: any rule ``step(f, J, H)`` built from the depth,
the Jacobian and the Hessian at the current point.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mvc._validation import (
    as_callable,
    as_int,
    as_point,
    as_positive_real,
    as_real_array,
    check_values,
)
from mvc.derivatives import gradient, hessian
from mvc.result import SolverResult
from mvc.roots import DIVERGED, GROWING, _period

__all__ = [
    "STRATEGIES",
    "descend",
    "fixed_step",
    "gradient_descent",
    "hybrid_step",
    "newton_step",
    "steepest_descent_step",
]

_EPS = np.finfo(np.float64).eps
#: The sufficient decrease a line-search step must give: c in f(x + tp) <= f(x) + c t J p.
#: Armijo's own 1/2: on a quadratic no accepted step passes the minimum along the line, so
#: steepest descent cannot lock into a bounce across a valley at t = 2/lambda_max, which a
#: tiny c (the 1e-4 usual for quasi-Newton directions) allows with halved steps.
ARMIJO = 0.5
#: Values of f closer than this (relative) are lost in rounding: the line search then
#: tests the slope instead (Hager and Zhang's approximate Wolfe condition).
ROUNDING = 100 * np.finfo(np.float64).eps


def gradient_descent(
    f: Callable,
    x0: float | np.ndarray,
    *,
    grad: Callable | None = None,
    lr: float | None = None,
    tol: float = 1e-8,
    max_iter: int = 10_000,
) -> SolverResult:
    r"""Minimise $f$ by gradient descent, with a fixed learning rate or a line search.

    Parameters
    ----------
    f : callable
        The function to minimise, ``f(x) -> float``; called with a Python float for
        a scalar `x0`, else with a 1-D array.
    x0 : float or array_like
        The starting point.
    grad : callable, optional
        The gradient, ``grad(x) -> array of n`` (a number for a scalar `x0`). By
        default central differences (`mvc.gradient`).
    lr : float, optional
        The learning rate $\gamma$ of the fixed step $-\gamma \nabla f$. By default
        (None) each step's length comes from a backtracking (Armijo) line search.
    tol : float
        Converged when $\|\nabla f(x)\| \le$ `tol`.
    max_iter : int
        The most steps to take.

    Returns
    -------
    SolverResult
        `x` has the shape of `x0`; `fun` is $f(x)$; `history` holds every iterate,
        row 0 being `x0`. When `converged` is False, `message` says why: divergence
        ($f$ rose at 10 steps in a row, or $x$ or $f$ left $\pm 10^{100}$: `lr` too
        large), $f$ unbounded below, a cycle, a line search that found no decrease,
        a value that is not finite, or `max_iter` reached.

    Raises
    ------
    TypeError
        If `f` or `grad` is not callable, `x0` is not real numbers, `lr` or `tol` is
        not a number, or `max_iter` is not an integer.
    ValueError
        If `x0` is empty, 2-D or not finite, `lr` or `tol` is not positive,
        `max_iter` < 1, or `f` or `grad` returns the wrong shape, or a non-finite
        value at `x0`.

    Notes
    -----
    With `lr`, the first step is exactly $x_0 - \gamma \nabla f(x_0)$: the course's
    update. It converges on a quadratic when $\gamma < 2/\lambda_{\max}$ of the
    Hessian, and diverges (or cycles, at equality) above.

    Without `lr`, the step is $t\,p$ with $p = -\nabla f(x)$ and $t$ halved from
    twice the last accepted length (1 at the start) until
    $f(x + t p) \le f(x) - c\, t \|\nabla f\|^2$ with Armijo's own $c = 1/2$, so
    $f$ falls at every step and, on a quadratic, no step passes the minimum along
    the line (a small $c$ such as $10^{-4}$ lets steepest descent bounce across a
    valley at $t \approx 2/\lambda_{\max}$ for thousands of steps); a non-finite trial value counts as no
    decrease. Near a minimum whose value is far from 0 the decrease is lost in the
    rounding of $f$; when $f(x + tp)$ and $f(x)$ agree to $100\epsilon$, the step is
    accepted instead if the slope along $p$ has flattened,
    $-0.9\,|\nabla f|^2 \le \nabla f(x + tp) \cdot p \le 0.8\,|\nabla f|^2$ (Hager and
    Zhang's approximate Wolfe condition), at the cost of one gradient. If $t \|p\|$
    falls below rounding of $x$ the search has failed.

    Cost per step: one gradient (or $2n$ evaluations of `f`) and one evaluation of
    `f`; the line search adds one evaluation of `f` per halving.

    Examples
    --------
    >>> from mvc import gradient_descent
    >>> bowl = lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2
    >>> gradient_descent(bowl, [0.0, 1.0], lr=0.1).history[1]  # [0, 1] - 0.1 [-2, 8]
    array([0.2, 0.2])
    >>> abs(gradient_descent(bowl, [0.0, 1.0], lr=0.1).x).round(6)
    array([1., 0.])
    >>> gradient_descent(bowl, [0.0, 1.0]).converged
    True
    """
    f = as_callable(f, "f")
    grad = None if grad is None else as_callable(grad, "grad")
    lr = None if lr is None else as_positive_real(lr, "lr")
    tol = as_positive_real(tol, "tol")
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    scalar = np.ndim(x0) == 0
    x = as_point(x0, "x0")
    F, G = _objective(f, grad, scalar, x.size)
    fx, g = _start(F, x), _start(G, x, "`grad`" if grad else "`f` near `x0`")
    with np.errstate(all="ignore"):  # divergence is reported in the result, not warned
        return _descent_loop(F, G, x, fx, g, lr, tol, max_iter, scalar)


def _descent_loop(F, G, x, fx, g, lr, tol, max_iter, scalar) -> SolverResult:
    """Steps until the gradient is flat, each exit with its message."""
    history, rising, t = [x], 0, 1.0
    done = _Finish(history, scalar)
    for _ in range(max_iter):
        if np.linalg.norm(g) <= tol:
            return done(fx, True, f"converged: |∇f(x)| <= tol = {tol:g}")
        if lr is not None:
            # --8<-- [start:step]
            step = -lr * g  # s_{n+1} = s_n - γ ∇f(s_n)
            # --8<-- [end:step]
        else:
            t = _armijo(F, G, x, fx, g, 2 * t)
            if t == 0:
                return done(fx, False, _no_decrease(x, g))
            step = -t * g
        x, fx_old = x + step, fx
        history.append(x)
        fx, g = F(x), G(x)
        trouble = _trouble(x, fx, fx_old, g, lr)
        rising = rising + 1 if fx > fx_old else 0
        if not trouble and lr is not None and rising >= GROWING:
            trouble = f"diverged: f rose at each of the last {GROWING} steps; lr = {lr:g} too large"
        if not trouble and lr is not None and _period(history, tol):
            period = _period(history, tol)
            trouble = f"cycle: the iterates repeat every {period} steps; lr = {lr:g} too large"
        if trouble:
            return done(fx, False, trouble)
    return done(fx, False, f"max_iter = {max_iter} reached without converging: |∇f(x)| = "
                           f"{np.linalg.norm(g):.3g}")


def _no_decrease(x, g) -> str:
    return (f"line search failed: no decrease of f along -∇f(x) at x = {_show(x)}, |∇f(x)| = "
            f"{np.linalg.norm(g):.3g} (is the gradient right, or tol below what rounding allows?)")


# --8<-- [start:armijo]
def _armijo(F, G, x, fx, g, t) -> float:
    """The first t, halving, with f(x - t g) <= f(x) - c t |g|^2; else 0."""
    slope = g @ g
    while t * np.sqrt(slope) > _EPS * max(1.0, np.linalg.norm(x)):
        trial = F(x - t * g)
        # f cannot tell the points apart: ask the slope along -g
        if abs(trial - fx) <= ROUNDING * abs(fx):
            along = -G(x - t * g) @ g
            if -0.9 * slope <= along <= 0.8 * slope:
                return t
        elif np.isfinite(trial) and trial <= fx - ARMIJO * t * slope:
            return t
        t /= 2
    return 0.0
# --8<-- [end:armijo]


def _trouble(x, fx, fx_old, g, lr) -> str:
    """Why the run must stop at the new iterate (unbounded, diverged, not finite), or ''."""
    where = f"at x = {_show(x)}"
    if fx < -DIVERGED or (not np.isfinite(fx) and fx_old < 0 and lr is None):
        return f"unbounded: f(x) = {fx:.3g} {where}; f has no minimum this way"
    if not (np.isfinite(fx) and np.all(np.isfinite(g))):
        return f"diverged: f(x) or its gradient is not finite {where}"
    if fx > DIVERGED or np.linalg.norm(x) > DIVERGED:
        cause = f"lr = {lr:g} is too large" if lr is not None else "f has no minimum this way"
        return f"diverged: |x| or f(x) beyond {DIVERGED:.0e} {where}; {cause}"
    return ""


# --- the Sandpit's step strategies: step(f, J, H) -> the move from the current point ---------


def fixed_step(f: float, J: np.ndarray, H: np.ndarray) -> np.ndarray:
    """The course's first instruction: one metre along the first axis, whatever the ground.

    Examples
    --------
    >>> from mvc.descent import fixed_step
    >>> fixed_step(-3.0, [0.2, -0.1], [[1.0, 0.0], [0.0, 1.0]])
    array([1., 0.])
    """
    return np.eye(np.size(J))[0]


def steepest_descent_step(f: float, J: np.ndarray, H: np.ndarray, gamma: float = 0.5) -> np.ndarray:
    r"""Downhill in proportion to the slope: $\delta x = -\gamma J$, the course's $\gamma = 0.5$.

    Examples
    --------
    >>> from mvc.descent import steepest_descent_step
    >>> steepest_descent_step(-3.0, [0.2, -0.1], None)
    array([-0.1 ,  0.05])
    """
    return -gamma * np.asarray(J, dtype=np.float64)


def newton_step(f: float, J: np.ndarray, H: np.ndarray) -> np.ndarray:
    r"""The Newton step $\delta x = -H^{-1} J$: to the stationary point of the local quadratic.

    It finds maxima and saddles as readily as minima. A singular `H` raises
    `numpy.linalg.LinAlgError`, which `descend` reports as a result.

    Examples
    --------
    >>> from mvc.descent import newton_step
    >>> newton_step(-3.0, [2.0, -1.0], [[2.0, 0.0], [0.0, 4.0]])
    array([-1.  ,  0.25])
    """
    return -np.linalg.solve(np.asarray(H, dtype=np.float64), np.asarray(J, dtype=np.float64))


def hybrid_step(
    f: float, J: np.ndarray, H: np.ndarray, gamma: float = 0.5, longest: float = 2.0
) -> np.ndarray:
    r"""The Newton step, unless it points uphill or is longer than 2: then $-0.5 J$.

    Examples
    --------
    >>> from mvc.descent import hybrid_step
    >>> hybrid_step(-3.0, [2.0, -1.0], [[-2.0, 0.0], [0.0, 4.0]])  # H not positive: uphill
    array([-1. ,  0.5])
    """
    J = np.asarray(J, dtype=np.float64)
    try:
        step = newton_step(f, J, H)
    except np.linalg.LinAlgError:
        return steepest_descent_step(f, J, H, gamma)
    if step @ -J <= 0 or np.linalg.norm(step) > longest:
        return steepest_descent_step(f, J, H, gamma)
    return step


#: The Sandpit strategies by name, for `descend`.
STRATEGIES = {
    "fixed step": fixed_step,
    "steepest descent": steepest_descent_step,
    "newton": newton_step,
    "hybrid": hybrid_step,
}


def descend(
    f: Callable,
    x0: np.ndarray,
    strategy: str | Callable = "hybrid",
    *,
    bounds: tuple[float, float] | None = None,
    tol: float = 1e-8,
    max_iter: int = 100,
) -> SolverResult:
    r"""Follow a Sandpit step strategy from `x0`: $x \leftarrow x + \text{step}(f, J, H)$.

    Parameters
    ----------
    f : callable
        The depth, ``f(x) -> float`` of a 1-D point.
    x0 : array_like
        The first click, a 1-D point.
    strategy : str or callable
        A name in `STRATEGIES` ("fixed step", "steepest descent", "newton", "hybrid")
        or a rule ``step(f, J, H) -> array``, as in the course's lab.
    bounds : (float, float), optional
        A box $[lo, hi]^n$, such as the pit $[0, 6]^2$: each new point is clipped into it.
    tol : float
        Converged at a flat point, $\|J\| \le$ `tol`, or when a step is shorter than
        `tol` $\cdot \max(1, \|x\|)$.
    max_iter : int
        The most steps.

    Returns
    -------
    SolverResult
        As `gradient_descent`. Converged means a stationary point: with the Newton
        step it may be a maximum or a saddle (check `fun` or the Hessian). Failures:
        a singular Hessian, a non-finite step or value, stuck against `bounds`, a
        cycle, `max_iter`.

    Raises
    ------
    TypeError, ValueError
        For bad input, as `gradient_descent`; an unknown strategy name is a `ValueError`.

    Notes
    -----
    $J$ and $H$ are central differences (`mvc.gradient`, `mvc.hessian`). Cost per
    step: $2n$ evaluations of `f` for $J$, $n^2 + n + 1$ for $H$ and one at the new
    point: 12 in two dimensions.

    Examples
    --------
    >>> from mvc.descent import descend
    >>> bowl = lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2
    >>> result = descend(bowl, [3.0, 2.0], "newton")
    >>> result.x.round(6), result.n_iter
    (array([1., 0.]), 1)
    """
    f = as_callable(f, "f")
    step_rule = _strategy(strategy)
    lo, hi = (-np.inf, np.inf) if bounds is None else _bounds(bounds)
    tol = as_positive_real(tol, "tol")
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    x = np.clip(as_point(x0, "x0"), lo, hi)
    F, G = _objective(f, None, False, x.size)
    fx = _start(F, x)
    with np.errstate(all="ignore"):
        return _strategy_loop(f, F, G, x, fx, step_rule, lo, hi, tol, max_iter)


def _strategy_loop(f, F, G, x, fx, step_rule, lo, hi, tol, max_iter) -> SolverResult:
    history = [x]
    done = _Finish(history, False)
    for _ in range(max_iter):
        J = G(x)
        if not np.all(np.isfinite(J)):
            return done(fx, False, f"the gradient is not finite at x = {_show(x)}")
        if np.linalg.norm(J) <= tol:
            return done(fx, True, f"converged: a flat point, |J| <= tol = {tol:g}")
        try:
            step = np.asarray(step_rule(fx, J, hessian(f, x)), dtype=np.float64)
        except np.linalg.LinAlgError:
            return done(fx, False, f"singular Hessian at x = {_show(x)}: no Newton step")
        new = np.clip(x + step, lo, hi)
        if step.shape != x.shape or not np.all(np.isfinite(new)):
            return done(fx, False, f"the strategy gave no usable step at x = {_show(x)}: {step!r}")
        moved = np.linalg.norm(new - x)
        if moved <= tol * max(1.0, np.linalg.norm(x)):
            stuck = not np.array_equal(new, x + step)  # the bounds clipped the step
            if stuck:
                return done(fx, False, f"stuck against the bounds at x = {_show(x)}")
            return done(fx, True, "converged: the step vanished")
        x, fx = new, F(new)
        history.append(x)
        if not np.isfinite(fx) or np.linalg.norm(x) > DIVERGED:
            why = f"f(x) not finite or |x| > {DIVERGED:.0e}"
            return done(fx, False, f"diverged: {why} at x = {_show(x)}")
        if _period(history, tol):
            period = _period(history, tol)
            return done(fx, False, f"cycle: the iterates repeat every {period} steps")
    return done(fx, False, f"max_iter = {max_iter} reached without converging")


# --- helpers ----------------------------------------------------------------------------


class _Finish:
    """Builds the result from the history, for every exit of a loop."""

    def __init__(self, history, scalar):
        self.history, self.scalar = history, scalar

    def __call__(self, fx, converged, message) -> SolverResult:
        H = np.array(self.history)
        x = float(H[-1, 0]) if self.scalar else H[-1]
        return SolverResult(x=x, fun=float(fx), converged=converged, n_iter=len(H) - 1,
                            history=H[:, 0] if self.scalar else H, message=message)


def _objective(f, grad, scalar, n) -> tuple[Callable, Callable]:
    """f and its gradient as functions of 1-D points; a non-finite gradient comes back as nan."""

    def F(x):
        with np.errstate(all="ignore"):
            value = f(float(x[0])) if scalar else f(x)
        return float(_real(value, (), "`f`"))

    def finite_F(x):
        value = F(x)
        if not np.isfinite(value):
            raise _NonFinite
        return value

    def G(x):
        if grad is None:
            try:
                return gradient(finite_F, x)
            except _NonFinite:
                return np.full(n, np.nan)
        with np.errstate(all="ignore"):
            value = grad(float(x[0])) if scalar else grad(x)
        return np.atleast_1d(_real(value, () if scalar else (n,), "`grad`")).astype(np.float64)

    return F, G


class _NonFinite(Exception):
    """f returned inf or nan while the gradient was being differenced."""


def _real(value, shape, what):
    """A value of the right shape (numbers, any of them non-finite), else ValueError."""
    arr = np.asarray(value)
    if arr.shape == shape and arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    return check_values(value, shape, what)


def _start(F, x, what="`f`"):
    """A value at x0, which must be finite."""
    value = F(x)
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{what} must return finite values at `x0` = {_show(x)}, got {value!r}.")
    return value


def _strategy(strategy) -> Callable:
    if callable(strategy):
        return strategy
    if isinstance(strategy, str) and strategy in STRATEGIES:
        return STRATEGIES[strategy]
    if isinstance(strategy, str):
        raise ValueError(
            f"`strategy` must be one of {tuple(STRATEGIES)} or a callable, got {strategy!r}."
        )
    raise TypeError(f"`strategy` must be a name or a callable step(f, J, H), got {strategy!r}.")


def _bounds(bounds) -> tuple[float, float]:
    lo, hi = as_real_array(bounds, "bounds").reshape(-1).tolist() + [None] * (2 - np.size(bounds))
    if lo is None or hi is None or np.size(bounds) != 2 or not lo < hi:
        raise ValueError(f"`bounds` must be a pair (lo, hi) with lo < hi, got {bounds!r}.")
    return lo, hi


def _show(x) -> str:
    return "[" + ", ".join(f"{v:.6g}" for v in np.atleast_1d(x)) + "]"
