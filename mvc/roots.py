r"""Newton–Raphson: solve $f(x) = 0$ by following the tangent to where it crosses zero.

Near a guess $x_i$ the function is close to its linearisation,
$f(x) \approx f(x_i) + f'(x_i)(x - x_i)$. Setting that to zero gives the next guess,

$$x_{i+1} = x_i - \frac{f(x_i)}{f'(x_i)},$$

and for a system $f: \mathbb{R}^n \to \mathbb{R}^n$ the same idea with the Jacobian,
$J(x_i)\,\Delta x = -f(x_i)$. Every way the iteration can go wrong ends in a
`SolverResult` whose message names it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mvc._validation import (
    as_callable,
    as_int,
    as_point,
    as_positive_real,
    check_values,
)
from mvc.derivatives import jacobian
from mvc.result import SolverResult

__all__ = ["newton_raphson"]

_EPS = np.finfo(np.float64).eps
#: A step longer than this many times max(1, |x|) means f' (or J) has all but vanished:
#: |f'| < sqrt(eps) |f| / max(1, |x|).
VANISHING = 1 / np.sqrt(_EPS)
#: An iterate or a value this large has left any problem worth solving: divergence.
DIVERGED = 1e100
#: Cycles up to this period are detected (each step compares the newest iterate with
#: this many before it).
LONGEST_CYCLE = 8
#: So many steps in a row that move away from the origin and raise |f|: divergence.
GROWING = 10


class _NonFinite(Exception):
    """Raised inside the loop when `f` or `fprime` returns inf or nan."""


def newton_raphson(
    f: Callable,
    x0: float | np.ndarray,
    *,
    fprime: Callable | None = None,
    tol: float = 1e-10,
    max_iter: int = 50,
) -> SolverResult:
    r"""Find a root of $f(x) = 0$, or of a system $f(x) = 0$, by Newton–Raphson.

    Parameters
    ----------
    f : callable
        For a scalar `x0`, ``f(x) -> float`` of a Python float. For a 1-D `x0` of
        length $n$, ``f(x) -> array`` of $n$ values: as many equations as unknowns.
    x0 : float or array_like
        The starting guess: a number, or a 1-D array for a system.
    fprime : callable, optional
        The derivative ``fprime(x) -> float`` (scalar), or the Jacobian
        ``fprime(x) -> (n, n) array`` (system). By default it is computed by central
        differences (`mvc.derivative` / `mvc.jacobian`): still Newton–Raphson, never
        the secant method.
    tol : float
        Converged when a step is no longer than `tol` $\cdot \max(1, \|x\|)$ (or
        $f(x) = 0$ exactly).
    max_iter : int
        The most steps to take.

    Returns
    -------
    SolverResult
        `x` has the shape of `x0` (a float for a scalar); `fun` is $f(x)$; `history`
        holds every iterate, row 0 being `x0`. When `converged` is False, `message`
        says which failure ended the run: a zero or vanishing derivative, a singular
        Jacobian, a cycle, divergence (an iterate or value not finite or beyond
        $10^{100}$, or both growing for 10 steps in a row), or `max_iter` reached.

    Raises
    ------
    TypeError
        If `f` or `fprime` is not callable, `x0` is not real numbers, `tol` is not a
        number or `max_iter` not an integer.
    ValueError
        If `x0` is empty, 2-D or not finite, `tol` is not positive, `max_iter` < 1,
        `f` or `fprime` returns the wrong shape (a system must be square), or $f(x_0)$
        is not finite.

    Notes
    -----
    Near a simple root the error is squared at every step (quadratic
    convergence), so the digits double; near a multiple root it only halves. The
    method fails where $f' = 0$ (the tangent is flat and never crosses zero) and
    can jump far away near such a point; it can also cycle, as $x^3 - 2x + 2$
    does from $0$: $0 \to 1 \to 0$. A cycle is reported when an iterate returns
    within the step tolerance of one of the 8 before it. A derivative is "vanishing" when
    the step it implies is longer than $\epsilon^{-1/2} \max(1, |x|) \approx 6.7
    \times 10^7 \max(1, |x|)$; a Jacobian is singular when its condition number
    exceeds $1/\epsilon$ or its step is that long.

    Cost per step: one evaluation of `f` and one of `fprime`; without `fprime`,
    $2n$ more evaluations of `f` for the central differences.

    Examples
    --------
    >>> from mvc import newton_raphson
    >>> result = newton_raphson(lambda x: x**3 - 2 * x + 2, -2.0, fprime=lambda x: 3 * x**2 - 2)
    >>> round(result.x, 10), result.converged, result.n_iter
    (-1.7692923542, True, 5)
    """
    f = as_callable(f, "f")
    fprime = None if fprime is None else as_callable(fprime, "fprime")
    tol = as_positive_real(tol, "tol")
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    scalar = np.ndim(x0) == 0
    x = as_point(x0, "x0")
    F = _function(f, scalar, x.size)
    J = _derivative(F, fprime, scalar, x.size)
    fx = _start(F, x)
    with np.errstate(all="ignore"):  # divergence is reported in the result, not warned
        return _iterate(F, J, x, fx, tol, max_iter, scalar)


def _iterate(F, J, x, fx, tol, max_iter, scalar) -> SolverResult:
    """The loop: a Newton step, then the stopping rule; every exit says why."""
    history, growing = [x], 0
    done = _Finish(history, scalar)
    for _ in range(max_iter):
        if not np.any(fx):
            return done(fx, True, "converged: f(x) = 0 exactly")
        try:
            step, trouble = _newton_step(J, x, fx, scalar)
            if trouble:
                return done(fx, False, trouble)
            x, fx_old = x + step, fx
            history.append(x)
            fx = F(x)
        except _NonFinite:
            return done(None, False, _diverged(x, "f(x) or its derivative is not finite"))
        grew = _norm(x) > _norm(history[-2]) and _norm(fx) > _norm(fx_old)
        growing = growing + 1 if grew else 0
        stop = _stop(history, step, fx, tol, growing, scalar)
        if stop:
            return done(fx, *stop)
    return done(fx, False, f"max_iter = {max_iter} reached without converging: "
                           f"|f(x)| = {_norm(fx):.3g}, last step {_norm(step):.3g}")


def _stop(history, step, fx, tol, growing, scalar) -> tuple[bool, str] | None:
    """After a step: converged, diverged, cycling, or None to go on."""
    x = history[-1]
    if _norm(step) <= tol * max(1.0, _norm(x)):
        return True, f"converged: the last step was at most tol = {tol:g} (relative)"
    if growing >= GROWING:
        return False, _diverged(x, f"|x| and |f(x)| grew at each of the last {GROWING} steps")
    if max(_norm(x), _norm(fx)) > DIVERGED:
        return False, _diverged(x, f"|x| or |f(x)| beyond {DIVERGED:.0e}")
    period = _period(history, tol)
    if period:
        return False, _cycle(history, period, scalar)
    return None


def _newton_step(J, x, fx, scalar) -> tuple[np.ndarray | None, str]:
    """The step Δx with J Δx = -f(x), or None and why there is none."""
    Jx = J(x)
    where = _show(x, scalar)
    if scalar:
        slope = Jx[0, 0]
        if slope == 0:
            return None, (f"zero derivative: f'(x) = 0 at x = {where}; "
                          "the tangent is flat and never crosses zero")
        # --8<-- [start:step]
        step = -fx / slope  # x_{i+1} = x_i - f(x_i) / f'(x_i)
        # --8<-- [end:step]
    else:
        if np.linalg.cond(Jx) > 1 / _EPS:
            cond = np.linalg.cond(Jx)
            return None, f"singular Jacobian at x = {where} (condition number {cond:.2g})"
        step = np.linalg.solve(Jx, -fx)  # J(x_i) Δx = -f(x_i)
    if not np.all(np.isfinite(step)) or _norm(step) > VANISHING * max(1.0, _norm(x)):
        what = f"vanishing derivative: f'(x) = {slope:.3g}" if scalar else "nearly singular J"
        return None, f"{what} at x = {where} would send the next step {_norm(step):.3g} away"
    return step, ""


def _norm(v: np.ndarray) -> float:
    """The Euclidean length of a 1-D array (np.linalg.norm's checks cost more than the sum)."""
    return float(np.sqrt(v @ v))


def _period(history: list[np.ndarray], tol: float) -> int:
    """How many steps back (2 to `LONGEST_CYCLE`) the newest iterate repeats an earlier one.

    0 if it does not. A repeat counts only if the last step was long, a thousand times
    the distance to the earlier iterate: iterates creeping to a limit are converging.
    """
    x = history[-1]
    close = min(tol * max(1.0, _norm(x)), 1e-3 * _norm(x - history[-2]))
    for back in range(2, min(len(history), LONGEST_CYCLE + 1)):
        if _norm(x - history[-1 - back]) <= close:
            return back
    return 0


def _cycle(history, period, scalar) -> str:
    loop = " → ".join(_show(x, scalar) for x in history[-1 - period :])
    return f"cycle of period {period}: the iterates repeat ({loop}) instead of converging"


def _diverged(x, why) -> str:
    return f"diverged: {why} at x = {_show(x, x.size == 1)}; try a start nearer the root"


class _Finish:
    """Builds the result from the history, for every exit of the loop."""

    def __init__(self, history, scalar):
        self.history, self.scalar = history, scalar

    def __call__(self, fx, converged, message) -> SolverResult:
        H = np.array(self.history)
        x = H[-1]
        fun = np.full_like(x, np.nan) if fx is None else fx
        if self.scalar:
            H, x, fun = H[:, 0], float(x[0]), float(fun[0])
        return SolverResult(x=x, fun=fun, converged=converged, n_iter=len(H) - 1,
                            history=H, message=message)


def _function(f, scalar, n) -> Callable:
    """`f` as a map from 1-D points to 1-D values of length n; inf or nan raises _NonFinite."""
    shape = () if scalar else (n,)

    def F(x):
        with np.errstate(all="ignore"):
            value = f(float(x[0])) if scalar else f(x)
        value = _checked(value, shape, "`f` (one equation per unknown)")
        return np.atleast_1d(value)

    return F


def _derivative(F, fprime, scalar, n) -> Callable:
    """The Jacobian as an (n, n) array: from `fprime`, or by central differences of F."""
    if fprime is None:
        return lambda x: jacobian(F, x)
    shape = () if scalar else (n, n)

    def J(x):
        with np.errstate(all="ignore"):
            value = fprime(float(x[0])) if scalar else fprime(x)
        return _checked(value, shape, "`fprime`").reshape(n, n)

    return J


def _checked(value, shape, what) -> np.ndarray:
    """A user's value of the right shape as float64; inf or nan raises _NonFinite."""
    arr = np.asarray(value)
    if arr.shape == shape and arr.dtype.kind in "iuf" and not np.all(np.isfinite(arr)):
        raise _NonFinite
    return check_values(value, shape, what).astype(np.float64)


def _start(F, x) -> np.ndarray:
    """f(x0), which must be finite: a bad start is bad input, not a failed run."""
    try:
        return F(x)
    except _NonFinite:
        raise ValueError(f"`f` must return finite values at `x0`, got a non-finite value at {x}.") \
            from None


def _show(x: np.ndarray, scalar: bool) -> str:
    """An iterate for a message: 6 significant digits."""
    if scalar:
        return f"{float(x[0]):.6g}"
    return "[" + ", ".join(f"{v:.6g}" for v in x) + "]"
