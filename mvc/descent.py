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

import math
from collections.abc import Callable

import numpy as np

from mvc._minimum import (
    DOWN,
    UNSEEN,
    Judge,
    _flat,
    _kind,
    _not_a_minimum,
    _stationary,
    falls_along_axis,
    lost,
    origin_is_minimum,
    quadratic_minimum,
    second_order,
    show,
    unseen,
)
from mvc._scaling import (
    EPS,
    ROUNDING,
    central,
    central_errors,
    central_from,
    hessian_at,
    norm,
    reference_size,
    shifted,
    steps,
    typical_size,
)
from mvc._validation import (
    as_bounds,
    as_callable,
    as_int,
    as_point,
    as_positive_real,
    as_relative_tolerance,
    check_values,
    value_or_nan,
)
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

#: The sufficient decrease a line-search step must give: c in f(x + tp) <= f(x) + c t J p.
#: Armijo's own 1/2: on a quadratic no accepted step passes the minimum along the line, so
#: steepest descent cannot lock into a bounce across a valley at t = 2/lambda_max, which a
#: tiny c (the 1e-4 usual for quasi-Newton directions) allows with halved steps.
ARMIJO = 0.5
#: A step whose decrease is more than this fraction of t |∇f|^2 is short: on a quadratic it
#: is less than half the way to the minimum along the line, so the search doubles it.
SHORT = 0.75
#: Values of f closer than this (relative) are lost in rounding: the line search then
#: tests the slope instead (Hager and Zhang's approximate Wolfe condition).
BAND = 100 * EPS
#: The most trial lengths per line search (each one halves or doubles: 2^60 ~ 1e18).
TRIALS = 60
#: The first trial goes this fraction of the way to the lowest point of the parabola
#: fitted along the line (see `_parabola`).
RELAX = 0.9
#: A differenced gradient whose rounding error is over this fraction of it is taken
#: again with longer steps.
SHAKY = 1e-4
#: A difference step too short to change f grows by GROW, at most GROWS times.
GROW, GROWS = 64.0, 20
#: An x this many times its size at the start, f still falling: f may have no minimum.
FAR = 1e8
#: Below this (float64's smallest normal number) a value of f is subnormal.
SUBNORMAL = float(np.finfo(np.float64).tiny)
#: `descend`'s verdict where J is small and no stationary point is seen near x.
FADES = "the gradient fades with no stationary point in sight"
#: Where J fades with no stationary point in sight, `descend` steps on while the secant's
#: distance to one shrinks by this factor a step (x**4's Newton steps: 2/3), else stops.
SHRINK = 0.9
#: The line search has stalled when this many steps in a row moved x by less than CRAWL
#: of its size.
CRAWLED, CRAWL = 5, 1e-14
#: The first trial of a line search is at most this many times the longer of its natural
#: lengths, |x| and |f(x)| / |∇f| (see `_first_length`).
LONGEST = 2.0**10


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
        default central differences (see Notes).
    lr : float, optional
        The learning rate $\gamma$ of the fixed step $-\gamma \nabla f$. By default
        (None) each step's length comes from a backtracking (Armijo) line search.
    tol : float
        The convergence test (one line): **converged means |∇f(x)|, plus its rounding error
        when differenced, is at most `tol` |∇f(x0)|, and f's curvature places the minimum
        within sqrt(`tol`) of each variable's size**. In full: the curvature c along the
        last step puts the minimum within `tol` |x| (or closer than f's rounding) and the
        slope along -∇f is seen to turn up within 2|∇f|/c; since c need not be f's lowest
        curvature, the step to the minimum of f's quadratic model, H⁻¹∇f (an eigenvalue of
        f's Hessian H hidden within its error taken as that error, unless the slope along it
        shows; beyond 159 variables, by conjugate gradients on Hessian-vector products),
        must then move no variable by more than sqrt(`tol`) of its size (the larger of its
        |x| and |x0|); and where H is positive definite and that step longer than `tol` |x|,
        f confirms it: at the model's minimum f is no higher, and the next Newton step is at
        most a quarter of this one. Else descent goes on (tanh(x) + y^2 far out is not a
        minimum, nor is x^2 + 1e9 y^2 at (1, 1e-9), where |∇f| is about 1e-9 times its size
        at (1, 1)). The message gives the Newton step |H⁻¹∇f| where H is positive definite,
        and claims a stationary point only where it is not. The check is a test against
        tails, not a proof: a tail whose rate of decay varies, as e^-x (1 + 0.03 (sin 3x + 3
        cos 3x)), can pass it. A given `grad` must agree with central differences of `f`.
        Where the iterates shrink within `tol` |x0| of 0, x = 0 exactly is checked instead;
        where ∇f is lost in rounding, f's Hessian may place the minimum. Where H is
        singular, f must also not be seen to fall along an axis, or along a direction
        whose curvature H's error or truncation hides, farther out (see Notes).
    max_iter : int
        The most steps to take.

    Returns
    -------
    SolverResult
        `x` has the shape of `x0`; `fun` is $f(x)$; `history` holds every iterate,
        row 0 being `x0` (a run that snaps to $x = 0$ adds that 0 as its last row).
        When `converged` is False, `message` says why: divergence
        ($f$ rose at 10 steps in a row, or $x$ or $f$ grew $10^{100}$ times its size
        at the start: `lr` too large), $f$ unbounded below, $f$ underflowed to 0
        (fallen through the subnormal numbers and still 0 ahead: a fading tail), a
        cycle, a line search that found no decrease, a gradient lost in the rounding of
        $f$, $\nabla f = 0$
        where the slope is not seen to rise through 0 (a levelling tail) or $f$ falls
        away along an axis (a maximum, a saddle or an inflection), a small gradient
        where $f$'s Hessian has a negative eigenvalue (a saddle), a `grad` that
        disagrees with $f$, a value that is not finite, or `max_iter` reached. At every
        failure exit a given `grad` is checked against differences of $f$, and where
        $|\nabla f|$ is small, whether $f$ curves down (a saddle, where descent creeps);
        the message says so when it is seen.

    Raises
    ------
    TypeError
        If `f` or `grad` is not callable, `x0` is not real numbers, `lr` or `tol` is
        not a number, or `max_iter` is not an integer.
    ValueError
        If `x0` is empty, 2-D or not finite, `lr` is not positive, `tol` not in (0, 1),
        `max_iter` < 1, or `f` or `grad` returns the wrong shape, or a non-finite
        value at `x0`.

    Notes
    -----
    With `lr`, the first step is exactly $x_0 - \gamma \nabla f(x_0)$: the course's
    update. It converges on a quadratic with a positive definite Hessian when
    $\gamma < 2/\lambda_{\max}$ of the Hessian, and diverges (or cycles, at equality) above.

    Without `lr`, the step is $t\,p$ along the unit vector $p = -\nabla f/|\nabla f|$
    (the gradient first scaled by a power of 2, so that its square overflows at no
    scale). A length t0, twice the last accepted one but at most 2^10 times the longer
    of |x| and |f(x)|/|∇f| (at the start, the shorter), gives one value f(x + t0 p); the
    parabola through it, f(x) and the slope -|∇f| has its lowest point at some t*, and
    the first trial is 0.9 t* (t* kept within 64 times t0 either way): on a quadratic,
    the exact line search relaxed by 10%. Exact steps settle into a zig-zag between two
    directions (H. Akaike, 1959, Ann. Inst. Statist. Math. 11), which can be as slow as
    steepest descent's worst case; relaxed steps break it (M. Raydan and B. F. Svaiter,
    2002, Comput. Optim. Appl. 21, multiply the exact step by random factors in (0, 2);
    here the factor is a fixed 0.9). Where f's fall is lost in its rounding, the
    tangent's fall t0 |∇f| is 0 or overflows, or the parabola has no lowest point, the
    first trial is t0. No length is rounded, so f or x multiplied by a constant gives
    the same steps in the new units, up to rounding, which can make long runs drift
    apart: the step counts may differ, and near the ends of the float range so may the
    verdict. Powers of 2 made a curvature of exactly 2 lucky and every other slow. The
    cost is on problems without a zig-zag: (x - 1)^2 from 0 takes, at the default tol,
    about 9 steps (one per factor of 10 in the error), where an exact step would end
    in 1. Units per coordinate are another matter: Euclidean steepest descent is not
    invariant under them. The trial is accepted when
    $f(x + t p) \le f(x) - c\, t |\nabla f|$ with Armijo's own $c = 1/2$, so
    $f$ falls at every step and, on a quadratic, no step passes the minimum along
    the line (a small $c$ such as $10^{-4}$ lets steepest descent bounce across a
    valley at $t \approx 2/\lambda_{\max}$ for thousands of steps); otherwise it is
    halved, and it is doubled while $f$ falls by more than $\tfrac34 t |\nabla f|$
    (on a quadratic, less than half the way to the line's minimum); a non-finite trial
    value counts as no decrease. Near a minimum whose value is far from 0 the decrease
    is lost in the rounding of $f$; when $f(x + tp)$ and $f(x)$ agree to $100\epsilon$,
    the slope along $p$ decides instead: the step is accepted once it has flattened,
    $-0.9\,|\nabla f| \le \nabla f(x + tp) \cdot p \le 0.8\,|\nabla f|$ (Hager and
    Zhang's approximate Wolfe condition), lengthened while it is steeper and shortened
    once it has turned up, at the cost of one gradient per trial. If $t \|p\|$ falls
    below rounding of $x$ the search has failed.

    Without `grad`, the difference step along $x_j$ is $\epsilon^{1/3}$ times the
    larger of $|x_j|$ and $|{x_0}_j|$ (where $x_0 = 0$, which gives no size, of 1, made
    16 times shorter at $x_0$ while the difference disagrees with one at a 16 times
    shorter step, if the first lies far beyond $f$'s length: $x$ in units of
    $10^{-8}$), and each value of $f$ is taken to carry rounding
    of $4\epsilon$ times the size of its terms (the larger of $|f|$ at $x$ and at
    $x \pm h_j$), plus the rounding of the point $x - h_j$ itself; where that swamps
    the gradient (a large constant part in $f$) the steps are lengthened by the cube
    root of $|f|$ over $f$'s variation. A gradient no larger than its own rounding
    error is reported as lost, not as converged, unless $f$'s Hessian (differenced at
    steps $\epsilon^{1/4}$ times $x$'s size, lengthened up to $16^3$ times until its
    sign shows) is positive definite and puts the minimum within `tol` $|x|$ of $x$ or
    its fall within $f$'s rounding, and $|\nabla f| \le$ `tol` $|\nabla f(x_0)|$ is
    met or beyond reach (at `x0` itself, or below $\epsilon |x|$ times the Hessian).

    A minimum at exactly 0 with $f(0) = 0$ passes neither "within `tol` $|x|$" nor
    "within $f$'s rounding", both shrinking with $x$. So once $|x| \le$ `tol`
    $|x_0|$ (and again each time it shrinks `tol` times more), $x = 0$ is tried:
    it is the answer if $f(0) \le f(x)$, a given `grad` is 0 there, and $f$ falls from
    0 along no axis, nor toward $x$, at steps from $\epsilon^{1/3}$ times $x_0$'s size
    (or $|x|$, if longer), each 16 times shorter, down to where $f$'s rise sinks into
    rounding or the subnormal numbers ($x^2 + 10^{-30} x$ is refused: it falls at
    $-3 \times 10^{-37}$).

    Cost per step: one gradient (or $2n$ evaluations of `f`) and two evaluations of
    `f`; the line search adds one evaluation of `f` per halving or doubling. A verdict
    "converged" first asks whether $f$ curves down at $x$: $f$'s Hessian must have no
    negative eigenvalue beyond its rounding, so a saddle reached along the direction
    where $f$ rises (as $x^2 + y^2 - 3xy$ from $[1, -1]$) is not called a minimum. Up to
    $n = 159$ the whole Hessian is differenced ($n^2 + n + 1$ evaluations of `f`);
    beyond, a Lanczos iteration from a fixed random start finds the lowest curvature from
    at most 40 Hessian-vector products, each the change of the gradient across
    $x \pm t v$ ($4n + 2$ evaluations of `f`, or two of `grad`), in memory $O(40 n)$,
    after a check that $f$ falls on both sides along no axis ($6n$ evaluations of `f`,
    or $2n$ and $2n$ of `grad`); a curving down off the axes that Lanczos has not
    resolved in 40 products goes unseen, and `message` says so. Where the one-sided
    slopes along the last step differ as much at a 16 times shorter step (a corner, as
    $|x|$'s at 0, which central differences straddle), `message` says so and how
    closely the lowest point is bracketed (4 evaluations of `f`, and 2 for each
    16-fold shortening of the bracket). Where $f$'s
    Hessian is singular (an eigenvalue within its error of 0, checked again at steps up
    to $16^3$ times longer), "converged" claims only a stationary point where $f$ curves
    down in no direction tried and is not seen to fall along an axis, nor along an
    eigenvector of H whose curvature its error or truncation hides (looked along again,
    below 16 variables, with each point moved back to where f is flat along the steep
    eigenvectors, if f rose), beyond 2 sqrt(tol) of that direction's size, by more
    than tol^2 times its fall from x0, in a fall that
    grows from x as a slope or a curvature would (steps growing 16 times up to 1e16
    sizes, until f rises or drops from nothing, as at a plateau's edge; points between
    them are not looked at; up to 40 evaluations a direction): a variable in units 1e12
    times another's that starts at 0, or a saturated sigmoid, has a slope its differences
    cannot see ((x / 1e-8 - 1)^2 + (y / 1e8 - 1)^2 from (0, 0) stopped at y = 0; so did
    ((x + y) / 1e8 - 1)^2 + ((x - y) / 1e-8 - 1)^2, whose faint direction is no axis). And
    `message` says that the second-derivative test cannot
    tell a minimum from a degenerate saddle there; it says "a minimum" only where the
    Hessian is positive definite beyond its error and truncation (its curvature along
    each eigenvector, $2n$ more evaluations, holding at half the step).

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
    tol = as_relative_tolerance(tol, "tol", least=0.0)
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    scalar = np.ndim(x0) == 0
    x = as_point(x0, "x0")
    F, G = _objective(f, grad, scalar, x)
    fx = _start(F, x)
    g, noise = _start_gradient(G, x, fx, "`grad`" if grad else None)
    with np.errstate(all="ignore"):  # divergence is reported in the result, not warned
        return _descent_loop(F, G, x, (fx, g, noise), lr, tol, max_iter, scalar)


def _descent_loop(F, G, x, start, lr, tol, max_iter, scalar) -> SolverResult:
    """Steps until the gradient is flat, each exit with its message."""
    (fx, g, noise), history, rising = start, [x], 0
    p, slope, e = _direction(g)
    search = [_first_length(x, fx, p, slope), e]  # half the first trial, and p's scale
    done, target = _Finish(history, scalar, fx), tol * norm(g)  # |∇f| must reach tol |∇f(x0)|
    judge = Judge(F, G, done, tol, target, bool(noise > 0 and norm(g) <= noise))
    last, sizes = None, None  # the previous point and its gradient; the start's sizes
    for _ in range(max_iter):
        verdict = judge(x, fx, g, noise, last)
        if verdict:
            return verdict
        if lr is not None:
            # --8<-- [start:step]
            step = -lr * g  # s_{n+1} = s_n - γ ∇f(s_n)
            # --8<-- [end:step]
        else:
            step = _searched_step(F, G, x, fx, g, search)
            if step is None:
                return judge.failed(fx, g, noise, _no_decrease(history, fx, g, noise, target))
        last, x, fx_old = (x, g, fx), x + step, fx
        history.append(x)
        fx = F(x)
        g, noise = G(x, fx)
        rising = rising + 1 if fx > fx_old else 0
        sizes = sizes or _start_sizes(history, start)
        trouble = _trouble(x, fx, fx_old, g, sizes, lr) or _underflow(
            F, history, fx, fx_old, start[0]
        )
        if trouble:
            return done(fx, False, trouble)
        slow = _pace(history, rising, lr, tol)  # rising, cycling or stalled
        if slow:
            return judge.failed(fx, g, noise, slow)
    return judge.failed(fx, g, noise, _unfinished(max_iter, g, target, judge.beyond is not None))


def _searched_step(F, G, x, fx, g, search) -> np.ndarray | None:
    """The line search's step -t p from x, None if it finds no decrease. `search` holds
    half the next first trial t and the scale (e, length) of the last direction p (∇f /
    |∇f|, see `_direction`); it is updated to the accepted t and this p's scale."""
    p, slope, t, search[1] = _rescaled(g, *search)
    # the first trial: twice the last step's multiple of ∇f, but at most LONGEST times the
    # longer natural length here (steps doubled along a flat stretch would be absurd
    # where f steepens again)
    t = min(2 * t, LONGEST * _first_length(x, fx, p, slope, max))
    t = _parabola(F, x, fx, p, slope, t)
    # f's rounding may be more than BAND |f| (terms that cancel to f ~ 0): then, before
    # giving up, let the slope alone judge every trial.
    direction = (p, slope)
    t = _line_search(F, G, x, fx, direction, t) or _line_search(F, G, x, fx, direction, t, np.inf)
    search[0] = t
    return -t * p if t else None


def _parabola(F, x, fx, p, slope, t) -> float:
    """The first trial length: RELAX of the way to the lowest point, along the line, of
    the parabola through f(x), the slope there and f(x - t p); t itself where that
    parabola has no lowest point, f's fall is lost in its rounding, or the tangent's
    fall t |∇f| is 0 or overflows.

    On a quadratic the parabola is f itself along the line, so this is the exact line
    search, relaxed (see `gradient_descent`'s Notes); and Armijo's test with c = 1/2
    holds at the lowest point only with equality."""
    value = F(x - t * p)
    fall = fx - value
    if not np.isfinite(value) or abs(fall) <= BAND * abs(fx):
        return t
    promised = slope * t  # the tangent's fall at t
    if not 0 < promised < np.inf:
        return t  # beyond the float range (f's values subnormal, or huge)
    kept = fall / promised  # the fraction of it that f keeps
    if not kept < 1:
        return t  # f falls as fast as its tangent or faster: no lowest point in sight
    return float(min(max(t / (2 * (1 - kept)), t / 64), 64 * t)) * RELAX


def _unfinished(max_iter, g, target, far) -> str:
    """The message at max_iter; `far`: a minimum was placed too far, which the judge tells."""
    why = f"|∇f(x)| = {norm(g):.3g}, and tol |∇f(x0)| = {target:.3g}"
    if far and norm(g) <= target:
        why = f"|∇f(x)| = {norm(g):.3g} is below tol |∇f(x0)| = {target:.3g}"
    elif norm(g) <= target:
        why = (
            f"|∇f(x)| = {norm(g):.3g} is below tol |∇f(x0)| = {target:.3g}, but no "
            "minimum is seen near x: the slope along -∇f is not seen to turn up within "
            "twice |∇f| over the curvature along the last step, nor within tol |x| (a flat "
            "tail, or a minimum flatter than a quadratic)"
        )
    return f"max_iter = {max_iter} reached without converging: {why}"


def _pace(history, rising, lr, tol) -> str:
    """With `lr`: f rising step after step, or a cycle. Without: steps too small to move x."""
    if lr is not None and rising >= GROWING:
        return f"diverged: f rose at each of the last {GROWING} steps; lr = {lr:g} too large"
    period = _period(history, tol) if lr is not None else 0
    if period:
        return f"cycle: the iterates repeat every {period} steps; lr = {lr:g} too large"
    if lr is None and _crawled(history):
        return (
            f"stalled at x = {show(history[-1])}: the last {CRAWLED} steps each moved x "
            f"by less than {CRAWL:.0e} of its size; f is too inexact here for the way "
            "down to be found (are there terms in f that cancel?)"
        )
    return ""


def _crawled(history) -> bool:
    """Did each of the last CRAWLED steps move x by at most CRAWL of its size? (The newest
    step is looked at first: it is the one that usually settles it.)"""
    if len(history) <= CRAWLED:
        return False
    return all(
        norm(history[k] - history[k - 1]) <= CRAWL * norm(history[k])
        for k in range(-1, -CRAWLED - 1, -1)
    )


def _first_length(x, fx, p, slope, pick=min) -> float:
    """Half the line search's first trial length t along the unit p: the smaller (or
    `pick`) of |x| (a step as long as x) and |f(x)| / slope (a fall of |f(x)| on the
    tangent plane). Both follow the units of x and f exactly (not rounded), so the whole
    search does: f or x multiplied by any constant gives the same steps, up to rounding.
    1 if neither is known; never so long that t p overflows."""
    lengths = [a / b for a, b in ((norm(x), norm(p)), (abs(fx), slope)) if a > 0 and b > 0]
    return min(max(pick(lengths, default=1.0), 2.0**-1074), 2.0**1000)


def _direction(g) -> tuple[np.ndarray, float, tuple[int, float]]:
    """The line search's direction p = ∇f / |∇f|, of length 1 (∇f is first scaled by a
    power of 2, 2^-e, to a length in [1/2, 1), so that |∇f|^2 never overflows or
    underflows at any scale of f or x), the slope ∇f . p = |∇f|, and (e, that length)."""
    length = norm(g)
    e = math.frexp(length)[1] if 0 < length < math.inf else 0
    q = np.ldexp(g, -e)
    size = norm(q)
    p = q / size if size > 0 else q
    return p, length * norm(p), (e, size)


def _rescaled(g, t, scale) -> tuple[np.ndarray, float, float, tuple[int, float]]:
    """The direction at a new ∇f, and t rescaled so that t p is the same multiple of ∇f
    as the last step's (`scale` the last direction's (e, length))."""
    p, slope, new = _direction(g)
    ratio = new[1] / scale[1] if scale[1] > 0 else 1.0
    return p, slope, float(np.ldexp(t * ratio, new[0] - scale[0])), new


def _no_decrease(history, fx, g, noise, target) -> str:
    x = history[-1]
    if noise > 0 and norm(g) <= 10 * noise:
        return lost(x, fx, g, noise, target)
    why = "is the gradient right, or tol below what rounding allows?"
    first = norm(history[1] - history[0]) if len(history) > 1 else 0.0
    if norm(x) > FAR * max(norm(history[0]), first, EPS):
        why = f"x ran {FAR:.0e} times past its size at the start: f has no minimum this way?"
    return (
        f"line search failed: no decrease of f along -∇f(x) at x = {show(x)}, |∇f(x)| = "
        f"{norm(g):.3g} ({why})"
    )


# --8<-- [start:armijo]
def _line_search(F, G, x, fx, direction, t, band=BAND) -> float:
    """A length t for the step -t p that lowers f enough; 0 if none is found.

    A short step is doubled, a long one halved (or, once both are known,
    bisected); a doubled step whose f is above the last one's has passed
    the valley, so the last one is kept. Changes of f within `band` |f(x)|
    are taken for rounding.
    """
    best, short, long, lowest = 0.0, 0.0, np.inf, fx
    length, floor = norm(direction[0]), EPS * norm(x)
    for _ in range(TRIALS):
        if t * length <= floor:
            break  # the step no longer moves x
        verdict, value = _trial(F, G, x, fx, direction, t, band)
        if verdict == "good":
            return t
        if best and value > lowest + band * abs(fx):  # f rose: too far
            return best
        lowest = min(lowest, value)
        if verdict in ("short", "steep"):  # a longer step may do better
            short = t
            # "steep": f did not fall, keep looking
            best = t if verdict == "short" else best
        elif best:  # long, after a short one: keep that
            return best
        else:
            long = t
        if long == np.inf:
            t = 2 * t
        else:
            t = (short + long) / 2 if short else t / 2
    return best


def _trial(F, G, x, fx, direction, t, band) -> tuple[str, float]:
    """Is the step -t p "long" (f does not fall enough), "short" (more would
    do), or "good"? And f(x - t p). p is ∇f / |∇f|, slope = ∇f . p = |∇f|.

    Within rounding of f(x), the slope along -g decides: still steep is
    short ("steep" if f came out higher, so that a wrong gradient cannot climb
    in the rounding), turned up is long, and flattened is good.
    """
    p, slope = direction
    trial = F(x - t * p)
    # within rounding, f cannot tell: ask the slope
    if abs(trial - fx) <= band * abs(fx) or band == np.inf:
        along = -G(x - t * p, trial)[0] @ p
        if along < -0.9 * slope:
            return ("short" if trial <= fx else "steep"), trial
        return ("long" if along > 0.8 * slope else "good"), trial
    if not (np.isfinite(trial) and trial <= fx - ARMIJO * t * slope):
        # Armijo's sufficient decrease: f(x - t p) <= f(x) - c t ∇f . p
        return "long", trial
    return ("short" if trial < fx - SHORT * t * slope else "good"), trial
    # --8<-- [end:armijo]


def _start_sizes(history, start) -> tuple[float, float]:
    """The sizes of x and f at the start, the yardsticks of "far": max(|x0|, the first
    step) and max(|f(x0)|, |∇f(x0)| times that)."""
    size_x = max(norm(history[0]), norm(history[1] - history[0]))
    return size_x, max(abs(start[0]), norm(start[1]) * size_x)


def _trouble(x, fx, fx_old, g, sizes, lr) -> str:
    """Why the run must stop at the new iterate x (unbounded, diverged, not finite), or ''.

    "Far" is relative: 1e100 times the `sizes` of x and f at the start (`_start_sizes`).
    """
    (size_x, size_f), finite = sizes, math.isfinite(fx)
    if fx < -DIVERGED * size_f or (not finite and fx_old < 0 and lr is None):
        return f"unbounded: f(x) = {fx:.3g} at x = {show(x)}; f has no minimum this way"
    if finite and not np.all(np.isfinite(g)):
        return (
            f"no gradient at x = {show(x)}: f(x) = {fx:.6g} is finite, but its gradient is "
            "not: f is not finite or not real a difference step away (it overflows, or "
            "leaves its domain, as x**(4/3) below 0), or levels off with no minimum this way"
        )
    if not finite:
        return f"diverged: f(x) is not finite at x = {show(x)}"
    if fx > DIVERGED * size_f or norm(x) > DIVERGED * size_x:
        cause = f"lr = {lr:g} is too large" if lr is not None else "f has no minimum this way"
        return (
            f"diverged: |x| or f(x) grew beyond {DIVERGED:.0e} times its size at the "
            f"start at x = {show(x)}; {cause}"
        )
    return ""


def _underflow(F, history, fx, fx_old, f0) -> str:
    """Where f fell from a normal value at x0 through the subnormal numbers to 0 at x: why
    the run stops, if f is still 0 ahead along the last step s at x + s, x + 2s, x + 4s ...
    until as far again as x has come from x0 (f has underflowed and levels off); else ''.
    About log2(|x - x0| / |s|) calls of f, once."""
    if not (fx == 0 < fx_old < SUBNORMAL <= abs(f0)):
        return ""
    x = history[-1]
    step, travelled, ahead = x - history[-2], norm(x - history[0]), 1.0
    while True:
        if F(x + ahead * step) != 0:
            return ""  # f rises again (or is not finite): a minimum, perhaps, in the subnormals
        if ahead * norm(step) >= travelled:
            break
        ahead *= 2
    return (
        f"f has underflowed to 0 at x = {show(x)}: it fell from {f0:.3g} at x0 through the "
        f"subnormal numbers (below {SUBNORMAL:.2g}) to 0, and is 0 still {ahead * norm(step):.3g} "
        "further on along the last step, as far again as x has come: f levels off here, "
        "with no minimum this way (a fading tail, as exp(-x)'s; a minimum beyond, if f has "
        "one, is lost below the smallest float: scale f up to see it)"
    )


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
        Relative tolerance. The convergence test (one line): **converged means f's Hessian
        places a minimum within `tol` of x's size, or the slope turns up close by (a
        stationary point, said so), once |J| plus its rounding is at most `tol` |J(x0)| or
        the last step was that short**; see Returns. A step that moves $x$ by no more than
        `tol` times $x$'s size (each variable's size from `x0`) is the last, and the verdict
        is taken where it lands.
    max_iter : int
        The most steps.

    Returns
    -------
    SolverResult
        As `gradient_descent`. Converged means a minimum that f's Hessian places
        (positive definite, the minimum within `tol` times $x$'s size of $x$, or within
        f's rounding), or a stationary point as above that the Hessian does not decide,
        where the slope along the last step turns up within `tol` of x: its message says
        "not checked to be a minimum". A small $J$ with no stationary point in sight (a
        tail where f levels off, or a minimum flatter than a quadratic, as $x^4$'s,
        not yet reached) is not converged; nor is a start where $J$ rounds to 0
        and f falls away or curves down.
        A point where $f$'s Hessian has a negative eigenvalue (a maximum or a saddle,
        which the Newton step finds as readily) is not converged. Failures: a step
        that vanished where $J$ is not small (the strategy's steps too short for f's
        scale), a gradient lost in rounding, a singular Hessian, a non-finite step or
        value, stuck against `bounds`, a cycle, `max_iter`.

    Raises
    ------
    TypeError, ValueError
        For bad input, as `gradient_descent`; an unknown strategy name is a `ValueError`.

    Notes
    -----
    $J$ and $H$ are central differences at steps $\epsilon^{1/3}$ and $\epsilon^{1/4}$
    times each variable's size (as `gradient_descent`'s; from $x_0 = 0$, which gives no
    size, fitted at $x_0$: shorter where $f$ varies on a shorter length or is not finite
    a step away, longer where a curvature is lost in $f$'s rounding), so the checks hold
    with $f$ or $x$ in any units (the Newton step's path follows them; steepest descent's
    $\gamma = 0.5$ and the hybrid's longest step 2 do not). Cost per step: $2n$
    evaluations of `f` for $J$, $n^2 + n + 1$ for $H$ and one at the new point: 12 in
    two dimensions; the final check of the Hessian adds a few Hessians.

    Examples
    --------
    >>> from mvc.descent import descend
    >>> bowl = lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2
    >>> result = descend(bowl, [3.0, 2.0], "newton")
    >>> result.x.round(6), result.n_iter, result.converged
    (array([1., 0.]), 1, True)
    """
    f = as_callable(f, "f")
    step_rule = _strategy(strategy)
    lo, hi = (-np.inf, np.inf) if bounds is None else as_bounds(bounds, "bounds")
    tol = as_relative_tolerance(tol, "tol", least=0.0)
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    x = np.clip(as_point(x0, "x0"), lo, hi)
    F, G = _objective(f, None, False, x)
    fx = _start(F, x)
    with np.errstate(all="ignore"):
        return _strategy_loop(F, G, x, fx, step_rule, (lo, hi), tol, max_iter)


def _strategy_loop(F, G, x, fx, step_rule, box, tol, max_iter) -> SolverResult:
    history, target, vanished, last, fading = [x], None, False, None, np.inf
    done = _subnormal_told(_Finish(history, False), fx)
    while True:
        J, noise = G(x, fx)
        if not np.all(np.isfinite(J)):
            return done(fx, False, f"the gradient is not finite at x = {show(x)}")
        target = tol * norm(J) if target is None else target  # tol |J(x0)|
        flat = _flat(x, fx, J, noise, target)  # J small beside J(x0), lost, or neither
        if (flat and flat[0]) or vanished or (last is None and not np.any(J)):
            converged, why = _verdict(F, G, (x, fx, J, noise), last, flat, target, tol)
            distance = _secant_distance(x, J, last)  # to a stationary point, if in sight
            if not (why.startswith(FADES) and not vanished and distance < SHRINK * fading):
                return done(fx, converged, why)
            fading = distance  # it is drawing nearer: a step or two may bring it in sight
        if len(history) > max_iter:
            return done(fx, False, f"max_iter = {max_iter} reached without converging")
        if len(history) == 1:
            H, s = _start_hessian(F, G, x, fx)
        else:
            s = steps(x, G.sizes(x), 1 / 4)
            H = hessian_at(F, x, s)
        step = _step(step_rule, x, fx, J, (H, s))
        if isinstance(step, str) and not np.all(np.isfinite(H)):
            step = _no_hessian(x, s)  # (a strategy that does not use H steps on without it)
        if isinstance(step, str):
            return done(fx, False, step)
        new = np.clip(x + step, *box)
        # a step within tol of x's size is the last: the verdict is taken where it lands
        # (at x0 = 0, the size its differences were fitted to, not 1)
        start = G.start_sizes if len(history) == 1 else None
        vanished = norm(new - x) <= tol * norm(G.sizes(x) if start is None else start)
        if vanished and not np.array_equal(new, x + step):  # the bounds clipped the step
            return done(fx, False, f"stuck against the bounds at x = {show(x)}")
        last, x, fx = (x, J), new, F(new)
        history.append(x)
        if not np.isfinite(fx) or norm(x) > DIVERGED:
            why = f"f(x) not finite or |x| > {DIVERGED:.0e}"
            return done(fx, False, f"diverged: {why} at x = {show(x)}")
        period = _period(history, tol)
        if period:
            return done(fx, False, f"cycle: the iterates repeat every {period} steps")


def _start_hessian(F, G, x, fx) -> tuple[np.ndarray, np.ndarray]:
    """f's Hessian at x0, and its steps. Where x0 = 0 nothing gives x a size (it takes
    1), so the steps are fitted here, as the gradient's are (`_Differenced._fit_units`):
    from the sizes that gradient was taken at (shorter where f varies on a shorter
    length: log cosh(x / 1e-8 - 1) from 0, whose step of 1.2e-4 was 12 000 units of x and
    overflowed cosh), 16 times shorter along a variable while f is not finite a step
    away, then 16 times longer while its second difference is lost in f's rounding (the
    curvature of (x / 1e8 - 1)^2 is 2e-16: at a step of 1.2e-4 it moves f by 3e-24, and
    the Newton step said "singular Hessian"), up to SHRINKS times each; an axis that
    shows no curvature at any of those lengths (f flat along it) keeps its first step.
    Each try is one Hessian more (n^2/2 + 3n/2 + 1 calls of f), made only where x0 = 0
    and a second difference is not finite or lost."""
    if np.any(x) or G.start_sizes is None:
        s = steps(x, G.sizes(x), 1 / 4)
        return hessian_at(F, x, s), s
    s = steps(x, G.start_sizes, 1 / 4)
    H = hessian_at(F, x, s)
    for _ in range(SHRINKS):
        overflowing = ~np.all(np.isfinite(H), axis=1)
        if not overflowing.any():
            break
        s = np.where(overflowing, s / 16, s)
        H = hessian_at(F, x, s)
    first = s
    for _ in range(SHRINKS):
        lost = _lost(H, s, fx)
        if not lost.any():
            break
        longer = np.where(lost, s * 16, s)
        H_longer = hessian_at(F, x, longer)
        if not np.all(np.isfinite(H_longer)):
            break  # f is not finite that far out: keep what was seen
        s, H = longer, H_longer
    flat = _lost(H, s, fx) & (s != first)  # flat at every length tried: as it was
    if flat.any():
        s = np.where(flat, first, s)
        H = hessian_at(F, x, s)
    return H, s


def _lost(H, s, fx) -> np.ndarray:
    """The axes whose second difference f's rounding hides (at most 4 ROUNDING eps |f(x)|
    over the step squared)."""
    diagonal = np.diag(H)
    return np.isfinite(diagonal) & (np.abs(diagonal) <= 4 * ROUNDING * EPS * abs(fx) / s**2)


def _no_hessian(x, s) -> str:
    return (
        f"no Hessian at x = {show(x)}, and so no step: f is not finite at some of the "
        f"points it is differenced from, steps {show(s)} away (f overflows there, or "
        "leaves its domain: a wall or the edge of f's domain lies within those steps), or "
        "their differences overflow; start elsewhere"
    )


def _subnormal_told(done, f0) -> Callable:
    """`done`, its message telling where f's values are subnormal (`_subnormal`)."""

    def finish(fx, converged, why):
        return done(fx, converged, _subnormal(why, f0, fx))

    return finish


def _secant_distance(x, J, last) -> float:
    """|J| / c, c the curvature along the last step (the secant of J): how far the
    stationary point of the quadratic along it lies; inf if f does not curve up there."""
    if last is None or not np.any(x - last[0]):
        return np.inf
    s = x - last[0]
    curvature = ((J - last[1]) @ s) / (s @ s)
    return float(norm(J) / curvature) if curvature > 0 else np.inf


def _step(step_rule, x, fx, J, differenced) -> np.ndarray | str:
    """The strategy's step at x, with f's Hessian H differenced at steps s
    (`differenced` = (H, s)), checked: a ValueError naming `strategy` if it is not x's
    shape (a mistake in the rule), and why not, as a message, if it is not finite."""
    H, s = differenced
    try:
        step = step_rule(fx, J, H)
    except np.linalg.LinAlgError:
        # a second difference cannot see a curvature below f's rounding over s^2
        floor = 4 * ROUNDING * EPS * abs(fx) / s**2
        hidden = [j for j in range(x.size) if abs(H[j, j]) <= floor[j]]
        if not hidden:
            return f"singular Hessian at x = {show(x)}: no Newton step"
        where = "x" if x.size == 1 else f"x_{hidden[0]}"
        j = hidden[0]
        return (
            f"singular Hessian at x = {show(x)}: along {where} f's second difference is "
            f"{H[j, j]:.2g}, within what f's rounding lets it see (about {floor[j]:.2g} at "
            f"steps {s[j]:.2g}): f does not curve that way, or too little to show beside "
            "f's size there (a large constant part, or a steep term far from its "
            "minimum); no Newton step"
        )
    step = check_values(step, x.shape, "`strategy`", finite=False).astype(np.float64)
    if not np.all(np.isfinite(step)):
        return f"the strategy gave no usable step at x = {show(x)}: {show(step)} is not finite"
    return step


def _verdict(F, G, point, last, flat, target, tol) -> tuple[bool, str]:
    """Converged?, and why, where J is small beside J(x0) (`flat` true), J(x0) = 0, or the
    last step vanished. A minimum only where f's Hessian places one within tol of x's size,
    never where f curves down (a maximum or a saddle); a small J is a stationary point only
    where the slope along the last step is seen to turn up within tol of x's size (else f
    levels off); a J lost in rounding or large is no verdict."""
    x, fx, J, noise = point
    size, start = G.sizes(x), last is None and not np.any(J)
    refuted = _not_minimum_at_start(F, G, x, fx, noise > 0) if start else ""
    verdict = second_order(F, G, x, fx, size) if flat and not start else None
    if verdict == UNSEEN:
        return False, unseen(x)
    if refuted or verdict == DOWN:
        return False, refuted or _not_minimum(x, J, target)
    near = _placed_minimum(F, x, fx, norm(J) + noise, size, tol)
    if near:
        return True, _minimum(near[0], near[1], tol * norm(size))
    if start:  # J(x0) = 0: no yardstick, and no step to take
        return _stationary_start(F, G, x, fx, noise)
    if flat and flat[0]:
        scale = norm(size) / norm(x) if np.any(x) else 1.0
        if _stationary(F, G, x, fx, J, last, tol * scale):
            return True, _unchecked(J, target)
        return False, _fades(x, J, target) if np.any(J) else _undecided(x)
    return False, flat[1] if flat else _stalled(x, J, target)


def _not_minimum_at_start(F, G, x, fx, rounded) -> str:
    """Where J(x0) rounds to 0: why x0 is no minimum (f falls away along an axis, or curves
    down), as `gradient_descent` finds at a stationary start; '' if neither is seen."""
    sides = falls_along_axis(F, G, x, G.steps(x))
    if sides:
        return _not_a_minimum(x, sides, True, rounded)
    if second_order(F, G, x, fx, G.sizes(x)) != DOWN:
        return ""
    return (
        f"J(x0) {'rounds to 0' if rounded else '= 0'} at x0 = {show(x)}, but f's Hessian "
        "there has a negative eigenvalue (f curves down): a maximum or a saddle point, not "
        "a minimum, and a step built from J cannot leave it; start somewhere else"
    )


def _stationary_start(F, G, x, fx, noise) -> tuple[bool, str]:
    """At x0, where J rounds to 0 and f neither falls away nor curves down: a stationary
    point where J = 0 exactly; where it only rounds to 0, a minimum if x0 = 0 is verified
    (`origin_is_minimum`), else the gradient is lost in rounding."""
    if noise > 0 and not (not np.any(x) and origin_is_minimum(F, x, fx, G.sizes(x))):
        return False, lost(x, fx, np.zeros_like(x), noise, 0.0)
    verdict = second_order(F, G, x, fx, G.sizes(x))
    if verdict == UNSEEN:
        return False, unseen(x)
    zero = "rounds to 0" if noise > 0 else "= 0"
    return True, (
        f"converged: J(x0) {zero} at x0 = {show(x)}, and f falls away from it along no "
        f"axis: {_kind(x, verdict)}"
    )


def _placed_minimum(F, x, fx, slope, size, tol) -> tuple[float, float, float] | None:
    """`quadratic_minimum` (f's Hessian positive definite, |J| below `slope`) with the
    minimum within tol times x's size, the yardstick of the vanished step, rather than
    tol |x| (which shrinks to nothing at a minimum near 0), or within f's rounding."""
    scale = norm(size) / norm(x) if np.any(x) else 1.0
    return quadratic_minimum(F, x, fx, slope, size, tol * scale)


def _minimum(slope: float, distance: float, reach: float) -> str:
    return (
        f"converged: a minimum within {distance:.2g} of x (tol times x's size is "
        f"{reach:.2g}), or closer than f's rounding can tell: f's Hessian at x is positive "
        f"definite and |J(x)| is below {slope:.2g}"
    )


def _fades(x, J, target: float) -> str:
    return (
        f"{FADES}: |J(x)| = {norm(J):.3g} <= tol |J(x0)| = {target:.3g} at x = {show(x)}, but "
        "the slope along the last step is not seen to turn up within tol of x's size, nor "
        "does f's Hessian place a minimum there (a tail with no minimum, as exp(-x)'s, or a "
        "minimum flatter than a quadratic not yet reached)"
    )


def _undecided(x) -> str:
    """Where J(x) is exactly 0 (Newton landed on the point) but neither check decides."""
    return (
        f"J(x) = 0 at x = {show(x)}: a stationary point, but f's rounding there hides "
        "whether the slope turns up on both sides within tol of x's size, and f's Hessian "
        "does not place a minimum there, so a minimum cannot be told from an inflection "
        "or a saddle (log cosh(x / 1e4 - 1) at its minimum, where cosh rounds at 1 + eps)"
    )


def _subnormal(why: str, f0: float, fx: float) -> str:
    """The verdict's message, told where f's values are subnormal: they carry fewer digits,
    so a turn of the slope may go unseen there (1e-310 times a bowl)."""
    values = [abs(v) for v in (f0, fx) if v != 0 and np.isfinite(v)]
    if not values or min(values) >= SUBNORMAL:
        return why
    where = f"f's values here are subnormal, below {SUBNORMAL:.2g}, and carry fewer digits"
    if why.startswith(FADES):  # then say only what is seen: J small, and f's digits few
        seen = why.split(", but the slope")[0].replace(FADES, "the gradient fades", 1)
        return (
            f"{seen}, but {where}: too few to see whether f levels off or has a minimum "
            "here; scale f up"
        )
    return f"{why} ({where}: scale f up)"


def _unchecked(J, target: float) -> str:
    return (
        f"converged: stopped at a stationary point (not checked to be a minimum): "
        f"|J(x)| = {norm(J):.3g} <= tol |J(x0)| = {target:.3g}, and the slope along the last "
        "step turns up within tol of x's size, but f's Hessian there is neither seen "
        "positive definite nor seen to curve down"
    )


def _not_minimum(x, J, target: float) -> str:
    return (
        f"stopped at a maximum or a saddle point, not a minimum: |J(x)| = {norm(J):.3g} <= "
        f"tol |J(x0)| = {target:.3g} at x = {show(x)}, but f's Hessian there has a negative "
        "eigenvalue (f curves down); the Newton step heads for any stationary point"
    )


def _stalled(x, J, target: float) -> str:
    return (
        f"stalled at x = {show(x)}: the step moved x by less than tol times its size, but "
        f"|J(x)| = {norm(J):.3g} is above tol |J(x0)| = {target:.3g}, so x is no stationary "
        "point (the strategy's steps are too short for f's scale?)"
    )


# --- helpers ----------------------------------------------------------------------------


class _Finish:
    """Builds the result from the history, for every exit of a loop. Given f(x0), a
    failure's message also says so where the run ended among subnormal values of f
    (`_subnormal`)."""

    def __init__(self, history, scalar, f0=None):
        self.history, self.scalar, self.f0 = history, scalar, f0

    def __call__(self, fx, converged, message) -> SolverResult:
        if not converged and self.f0 is not None:
            # f(x) decides, or f(x0) where f(x) is 0: a run that left the subnormal
            # values of its start failed for another reason
            message = _subnormal(message, self.f0 if fx == 0 else fx, fx)
        H = np.array(self.history)
        x = float(H[-1, 0]) if self.scalar else H[-1]
        return SolverResult(
            x=x,
            fun=float(fx),
            converged=converged,
            n_iter=len(H) - 1,
            history=H[:, 0] if self.scalar else H,
            message=message,
        )


def _objective(f, grad, scalar, x0) -> tuple[Callable, Callable]:
    """f, and its gradient with a bound on that gradient's error, as functions of 1-D points.

    ``G(x, fx) -> (g, noise)``: `grad`'s value and 0, or central differences and their
    rounding error; a non-finite value in the differences gives nan and inf.
    """

    F = _Values(f, scalar)
    if grad is None:
        return F, _Differenced(F, x0)
    return F, _Given(grad, scalar, F, x0)


class _Values:
    """f at 1-D points, as floats. Once the run has begun (f(x0) checked, `begun`), a
    value that is not real, a complex number (Python's for a fractional power of a
    negative float, as x**(1/3) at x < 0), is nan: f is not defined there, as where it
    overflows. At x0 it is bad input, refused with its reason."""

    def __init__(self, f, scalar):
        self.f, self.scalar, self.begun = f, scalar, False

    def __call__(self, x):
        with np.errstate(all="ignore"):
            value = value_or_nan(self.f, float(x[0]) if self.scalar else x)
        return float(_real(value, (), "`f`", self.begun))


class _Given:
    start_sizes = None  # (`_Differenced`'s)
    given = True

    """The user's `grad`: ``G(x, fx) -> (g, 0)``, checked against f where descent stops."""

    def __init__(self, grad, scalar, F, x0):
        self.grad, self.scalar, self.shape = grad, scalar, () if scalar else (x0.size,)
        self.values, self.differences = F, _Differenced(F, x0)

    def __call__(self, x, fx):
        with np.errstate(all="ignore"):
            value = value_or_nan(self.grad, float(x[0]) if self.scalar else x, self.shape)
        real = _real(value, self.shape, "`grad`", self.values.begun)
        return np.atleast_1d(real).astype(np.float64), 0.0

    def sizes(self, x) -> np.ndarray:
        return self.differences.sizes(x)

    def steps(self, x) -> np.ndarray:
        return self.differences.steps(x)

    def check(self, x, fx, g, target) -> str:
        """'' unless central differences of f refute `grad` at x: a converged claim rests
        on `grad` being right. Two estimates of ∇f, each with a bound on its error, are
        asked; `grad` is refuted where it is farther from either than the target plus
        twice that bound. D(h), at the steps x's size gives: its rounding, and its h^2
        term as 4/3 of its change at h/2 (truncation need not be small even at a minimum:
        e^x - 2x from x0 = -50 has steps 50 eps^(1/3) = 3e-4 and a truncation of 3e-8 at
        ln 2, above tol |∇f(x0)| = 2e-8, and the right `grad` was refused when it was not
        counted). And T(h/2), extrapolated from h/2 and h/4 as (4 D(h/4) - D(h/2)) / 3
        (Richardson: the h^2 term cancels): its rounding, and its h^4 term as 1/15 of its
        change from T(h); it refutes a `grad` off by about D(h)'s truncation, which D(h)
        cannot, and D(h), whose rounding is the smaller, can refute what T's rounding
        hides (1e3 + (x - 1)^2 with a `grad` off by 1e-6). Where f is not finite at h/2
        or h/4, D(h) alone is asked, its rounding only; where it is not finite at x ± h,
        nothing is checked. The bounds are estimates, not guarantees: rounding is taken
        from |f| at the points, so a constant that cancels inside f, ((x - 1)^2 + 1e3) -
        1e3, can have a right `grad` refused; and beside a large constant (1e5 + (x -
        1)^2) a `grad` off by far more than the target can pass. 6n calls of f."""
        # At the steps x's size gives, unlengthened: a step lengthened for f's rounding
        # carries a truncation error that `noise` does not count (x**2 + exp(x) at its
        # minimum, where |∇f| is tiny, lengthened it 780 times and refuted a right grad).
        D, noise = self.differences(x, fx, lengthen=False)
        try:
            (D2, noise2), (D4, noise4) = (
                central(self.differences.F, x, fx, self.steps(x) / k) for k in (2, 4)
            )
        except _NonFinite:  # f not finite at a shorter step: D(h) alone
            return _refuted(x, g, D, target + 2 * noise)
        coarse, fine = (4 * D2 - D) / 3, (4 * D4 - D2) / 3
        truncation = 4 / 3 * norm(D2 - D)
        error = (4 * noise4 + noise2) / 3 + norm(fine - coarse) / 15
        return _refuted(x, g, fine, target + 2 * error) or _refuted(
            x, g, D, target + 2 * (noise + truncation)
        )


def _refuted(x, g, estimate, band) -> str:
    """Why `grad`'s g at x is refuted by an estimate of ∇f: farther from it than `band`;
    '' if it is not (also where the estimate is not finite)."""
    gap = norm(estimate - g)
    if not gap > band:
        return ""
    return (
        f"`grad` does not match f at x = {show(x)}: `grad` gives {show(g)}, but central "
        f"differences of f give {show(estimate)}, off by {gap:.3g}. Is `grad` right?"
    )


class _Differenced:
    given = False

    """∇f by central differences, and its rounding error: ``G(x, fx) -> (g, noise)``.

    The step along x_j is eps^(1/3) times x_j's typical size, so it follows x's units.
    Where f is large beside its changes (a large constant part, or the flat floor of a
    valley) the rounding of f can swamp the difference; if it is over SHAKY of |∇f|,
    the steps are lengthened by the cube root of |f(x)| over f's variation (the largest
    |∇f| |x| so far), which balances truncation against that rounding, and the result
    with the smaller rounding error is kept if each entry agrees within their rounding,
    and with the difference at half its step (else its truncation would go unseen).
    """

    def __init__(self, F, x0):
        self.F, self.x0, self.reference, self.variation = _finite(F), x0, None, 0.0
        self.start_sizes: np.ndarray | None = None  # the sizes x0's gradient was taken at

    def check(self, x, fx, g, target) -> str:
        """Nothing to check: this gradient is f's own."""
        return ""

    def sizes(self, x) -> np.ndarray:
        """Each variable's typical size at x, for difference steps."""
        return typical_size(x, reference_size(self.x0, self.reference, x))

    def steps(self, x) -> np.ndarray:
        """The difference steps at x, unlengthened."""
        return steps(x, self.sizes(x), 1 / 3)

    def __call__(self, x, fx, lengthen=True):
        first = self.reference is None
        self.reference = reference_size(self.x0, self.reference, x)
        size = typical_size(x, self.reference)
        if first and np.array_equal(x, self.x0):
            size = self._fit_units(x, fx, size)
            self.start_sizes = size  # for descend's first Hessian and step (`_start_hessian`)
        try:
            g, errors = self._differences(x, fx, size)
            if not lengthen:
                return g, norm(errors)
            for _ in range(GROWS):  # a step too short to change f at all (x0 = 1e-12)
                unmoved = self._unmoved(x, fx, size) if norm(g) <= norm(errors) else []
                if not unmoved:
                    break
                self.reference[unmoved] *= GROW
                size = typical_size(x, self.reference)
                g, errors = self._differences(x, fx, size)
            noise = norm(errors)
            self.variation = max(self.variation, norm(g) * size.max())
            boost = max(1.0, abs(fx) / self.variation) ** (1 / 3) if self.variation else 1.0
            if noise > SHAKY * norm(g) and boost > 1:
                longer, rounded = self._differences(x, fx, boost * size)
                # kept if it has the smaller rounding and each entry agrees with g's
                # within both their roundings: a longer step that disagrees reads f's
                # higher terms (1e6 + exp(u) - u, 5e-4 from its minimum: its truncation
                # cancelled the slope, and |∇f| read 1.6e-8 for 5e-4, a minimum "within
                # 1.6e-8"); entry by entry, as one variable's long rounding hid another's
                # truncation, 1.3e-4 for 0, in a review's turned sum of such terms. And
                # it must agree with the difference at half its step: where g is mostly
                # rounding it agrees with anything (a review: 1e12 + softplus, 3.6 units
                # out, read 0 for a slope of 1.2e5).
                if norm(rounded) < noise and np.all(np.abs(longer - g) <= 2 * (errors + rounded)):
                    half, halved = self._differences(x, fx, boost * size / 2)
                    if np.all(np.abs(longer - half) <= 2 * (rounded + halved)):
                        g, noise = longer, norm(rounded)
        except _NonFinite:
            return np.full(x.size, np.nan), np.inf
        return g, noise

    def _fit_units(self, x, fx, size) -> np.ndarray:
        """At x0, the sizes for its differences: `size`, unless every variable starts at
        0, where nothing gives x a size (it takes 1), and a variable's first step lies far
        beyond f's length: its difference disagrees with the one at a step 16 times
        shorter beyond both rounding errors, and its second difference outgrows half its
        first, or that disagreement is more than half the shorter difference ((x / 1e-8 -
        1)^4 from 0, whose step, 6e-6, is 600 units of x). Then that variable's step is
        16 times shorter, again while the differences disagree, up to SHRINKS times (4n
        calls of f once where x0 = 0, 2n more each time), and kept only if they then
        agree: at a jump or a cusp at x0 (sign(x), x^(1/3)) they grow as the step shrinks
        and never do. Noise in f is not far beyond f's length (a hash of x turns smooth at
        1e-13, and a step fitted there read its slope, 102, for f's, 2.8). After x0 the
        sizes follow |x|, as before (a size kept would hold the steps, and their
        truncation, at x0's length: a bias that outlasts the gradient at the minimum).
        Where some variable starts elsewhere, its size stands for the others'."""
        start = np.abs(self.x0)
        if np.any(start > 0):
            return size
        fitted, trial = size, size
        try:
            s = steps(x, size, 1 / 3)
            up = np.array([self.F(shifted(x, j, h)) for j, h in enumerate(s)])
            down = np.array([self.F(shifted(x, j, -h)) for j, h in enumerate(s)])
            g, error = central_from(x, fx, s, up, down)
            shorter = size / 16
            g2, error2 = central_errors(self.F, x, fx, steps(x, shorter, 1 / 3))
            gap = np.abs(g - g2)
            # A step far beyond f's length along x_j: its second difference outgrows
            # half its first (600 units of (x / 1e-8 - 1)^2, or of a ReLU's kink), or
            # its difference changes by more than half at a 16 times shorter step (an
            # inflection at x0, as (u - 1)^2 + (u - 1)^3 / 3 has at 0). Noise in f does
            # neither (a hash of x, which turns smooth at 1e-13 and whose slope a step
            # fitted there would read: a review's false claims).
            far = (gap > 4 * (error + error2)) & (
                (np.abs(up + down - 2 * fx) > np.abs(up - down) / 2) | (gap > np.abs(g2) / 2)
            )
            if not far.any():
                return size
            for shrink in range(SHRINKS):
                if shrink:  # (the first shorter differences are those taken above)
                    shorter = np.where(far, trial / 16, trial)
                    g2, error2 = central_errors(self.F, x, fx, steps(x, shorter, 1 / 3))
                gap = np.abs(g - g2)
                truncated = far & (gap > 4 * (error + error2)) & (gap > TRUNCATED * np.abs(g2))
                if not truncated.any():
                    fitted = trial  # the differences agree: the steps are short enough
                    break
                trial = np.where(truncated, shorter, trial)
                g, error = np.where(truncated, g2, g), np.where(truncated, error2, error)
        except _NonFinite:
            pass  # f is not finite a step away: keep the sizes it starts with
        return fitted

    def _unmoved(self, x, fx, size) -> list[int]:
        """The axes along which f(x ± s_j) equal f(x) exactly: their steps are too short."""
        s = steps(x, size, 1 / 3)
        return [
            j for j in range(x.size) if all(self.F(shifted(x, j, d * s[j])) == fx for d in (1, -1))
        ]

    def _differences(self, x, fx, size):
        """The central differences at steps eps^(1/3) `size`, and each one's rounding."""
        return central_errors(self.F, x, fx, steps(x, size, 1 / 3))


def _finite(F) -> Callable:
    """F, raising _NonFinite for inf or nan (while a gradient is differenced)."""

    def finite_F(x):
        value = F(x)
        if not np.isfinite(value):
            raise _NonFinite
        return value

    return finite_F


#: How many times `_Differenced._fit_units` shortens a variable's step 16 times at x0,
#: and the share of the difference at the shorter step that the change may reach there.
SHRINKS, TRUNCATED = 12, EPS ** (2 / 3)


class _NonFinite(Exception):
    """f returned inf or nan while the gradient was being differenced."""


def _real(value, shape, what, begun=False):
    """A value of the right shape (numbers, any of them non-finite), else ValueError; once
    the run has `begun`, a complex one is nan where its imaginary part is not 0."""
    arr = np.asarray(value)
    if arr.shape == shape and arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    if begun and arr.shape == shape and arr.dtype.kind == "c":
        return np.where(arr.imag == 0, arr.real, np.nan)
    return check_values(value, shape, what)


def _start(F, x, what="`f`"):
    """A value at x0, which must be finite; then the run has begun (`_Values`)."""
    value = F(x)
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{what} must return finite values at `x0` = {show(x)}, got {value!r}.")
    F.begun = True
    return value


def _start_gradient(G, x, fx, what):
    """The gradient at x0 and its error bound; the gradient must be finite. `what` names
    the user's `grad`; None for f's own differences, where f(x0) is finite but not the
    values a difference step away (and the message says so)."""
    with np.errstate(all="ignore"):  # an overflow is told in the message, not warned
        g, noise = G(x, fx)
    if not np.all(np.isfinite(g)):
        if what is not None:
            raise ValueError(f"{what} must return finite values at `x0` = {show(x)}, got {g!r}.")
        if np.any(np.isnan(g)):  # f was nan or inf at a point of the differences
            step = float(np.max(G.steps(x)))
            raise ValueError(
                f"`f` must be finite a difference step (about {step:.2g}) from `x0` = "
                f"{show(x)}: f(x0) = {fx:.6g} is finite, but f is nan or inf at one of those "
                "points; a wall, the edge of f's domain or an overflow lies that close. "
                "Start farther from it, or pass `grad`."
            )
        raise ValueError(
            f"The slope of `f` at `x0` = {show(x)} overflows: f(x0) = {fx:.6g} and f is "
            "finite a difference step away, but it changes there by more than a float can "
            "hold over the step. Rescale f (or x)."
        )
    return g, noise


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
