r"""Newton–Raphson: solve $f(x) = 0$ by following the tangent to where it crosses zero.

Near a guess $x_i$ the function is close to its linearisation,
$f(x) \approx f(x_i) + f'(x_i)(x - x_i)$. Setting that to zero gives the next guess,

$$x_{i+1} = x_i - \frac{f(x_i)}{f'(x_i)},$$

and for a system $f: \mathbb{R}^n \to \mathbb{R}^n$ the same idea with the Jacobian,
$J(x_i)\,\Delta x = -f(x_i)$. Each failure the solver detects ends in a
`SolverResult` whose message names it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mvc._scaling import (
    EPS,
    ROUNDING,
    at_size,
    jacobian_at,
    norm,
    reference_size,
    rounding,
    shifted,
    steps,
    typical_size,
)
from mvc._validation import (
    as_callable,
    as_int,
    as_point,
    as_relative_tolerance,
    check_values,
    value_or_nan,
)
from mvc.result import SolverResult

__all__ = ["newton_raphson"]

#: A step longer than this many times the largest |x| so far leaves none of x's digits:
#: the derivative (or J) has all but vanished.
VANISHING = 1 / EPS
#: |x| or |f(x)| this many times its size at the start has left any problem worth
#: solving: divergence.
DIVERGED = 1e100
#: Cycles up to this period are detected (each step compares the newest iterate with
#: this many before it).
LONGEST_CYCLE = 8
#: So many steps in a row that move away from the origin and raise |f|: divergence.
GROWING = 10
#: The relative accuracy of a Jacobian by central differences, where truncation and
#: rounding balance.
DIFFERENCED = EPS ** (2 / 3)
#: A run has stalled when |f| has not fallen below its least value for this many steps,
#: while the steps change x by less than SMALL of its size: rounding in f has the last word.
STALLED = 3
SMALL = 1e-3


#: Why a run ended where f or its derivative has no finite value.
NOT_FINITE = (
    "f(x) or its derivative is not finite (inf, nan, or a value Python's arithmetic "
    "cannot give, such as 1/0 or math.log of a negative number) or not real (a complex "
    "number, as x**(1/3) gives for x < 0)"
)


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
        differences (see Notes): still Newton–Raphson, never the secant method.
    tol : float
        Relative tolerance, from $\epsilon \approx 2.2 \times 10^{-16}$ to below 1. The
        convergence test (one line): **converged means the last step moved x by at most
        `tol` of its size and |f(x)| is at most `tol` times the size of f's terms, or
        f(x) = 0 exactly where f changes sign or grows away from x**. In full: the terms' size is
        $|J|\,|x|$ (each equation on its own); an exact 0 counts where each equation
        changes sign, or grows as a power of the distance (on both sides, or on one
        with 0 on the other), where $x$ moves by a difference step (see Notes).
    max_iter : int
        The most steps to take.

    Returns
    -------
    SolverResult
        `x` has the shape of `x0` (a float for a scalar); `fun` is $f(x)$; `history`
        holds every iterate, row 0 being `x0`. When `converged` is False, `message`
        says which failure ended the run: a zero or vanishing derivative, one lost in
        rounding, a singular Jacobian, an $f$ that is 0 only because it underflowed
        (no evidence of a root), a cycle, a stall at the rounding of $f$, divergence
        (an iterate or value not finite or $10^{100}$ times its size at the start, or
        both growing for 10 steps in a row), or `max_iter` reached.

    Raises
    ------
    TypeError
        If `f` or `fprime` is not callable, `x0` is not real numbers, `tol` is not a
        number or `max_iter` not an integer.
    ValueError
        If `x0` is empty, 2-D or not finite, `tol` is below $\epsilon$, 1 or more, or not finite,
        `max_iter` < 1, `f` or `fprime` returns the wrong shape (a system must be
        square), or $f(x_0)$ or `fprime` at $x_0$ is not finite.

    Notes
    -----
    Near a simple root the error is squared at every step (quadratic
    convergence), so the digits double; near a root of multiplicity $m$ Newton's
    steps only shrink by $(m-1)/m$. When two steps in a row show such a ratio, the
    step is $m$ times Newton's, kept only if it is confirmed as a multiple root's:
    $|f|$ falls below what Newton's own step promises, and the Newton step from where
    it lands is at most $1/(4m)$ of the last (far from the roots every polynomial
    looks like $x^n$, and there plain Newton is kept); the message names the
    multiplicity only then. Near such a root the difference step follows $|x|$ and is
    quartered while the slopes at $s$ and $s/4$ disagree (their error $s^2 f'''/6$
    does not vanish with $f'$), and a verdict of convergence by differences is judged
    again with such a checked slope at $x$. An unknown that starts at 0 has no size
    of its own, so its first difference step is a guess, quartered the same way until
    its slopes agree (kept as it was if they never do, as at a jump or a cusp):
    exp(x / 1e-8) - 3 from 0 finds its root as exp(x) - 3 does. The
    method fails where $f' = 0$ (the tangent is flat and never crosses zero) and
    can jump far away near such a point; it can also cycle, as $x^3 - 2x + 2$
    does from $0$: $0 \to 1 \to 0$.

    Every test is relative, so the verdict does not depend on the units of $x$ or
    $f$. With $J$ the Jacobian of the last step, equation $i$'s terms have size
    $\sum_j |J_{ij}| |x_j|$; the last step must change them by at most `tol` of that,
    and $|f_i(x)|$ must be at most `tol` of it too: a small step alone is not a root.
    With `fprime`, $|f|$ must also have fallen as after a Newton step (by half, or
    enough that the steps still to come add up to within `tol`), so that a wrong
    derivative, which makes the steps tiny and the terms look large, is not taken
    for convergence. In a system, where $x_j$ is 0 to within `tol` of its typical size
    (the larger of $|x_j|$ and $|{x_0}_j|$), the step is measured by that typical size: a
    root with a coordinate at 0 has no size of its own. A coordinate that a step brings
    nearer 0 and within that of it is set to 0 exactly, and that point is the iterate, if
    f is finite there and no |f_i| larger (not near a multiple root); once set, it is
    set back onto 0 on the same terms while the steps leave it within that of 0. An
    equation whose terms vanish with the coordinate (x y = 0 at x = 0) would otherwise
    pass no relative test, its |f_i| as large as its terms down through the subnormal
    numbers, and its verdict would turn on rounding and units. A cycle is an iterate that
    returns, coordinate by coordinate, within `tol` of each $|x_j|$ (at least `tol` of
    its typical size) to one of the 8 before it, after a step beyond that (for a
    coordinate set onto 0 that a step moves while no f_i changes by 1e-3 of its terms,
    beyond `tol` of its typical size: rounding's jitter is no cycle). A run has
    stalled when $|f|$ has not fallen below its least value for 3 steps, each changing
    $x$ by less than $10^{-3}$ of its size: rounding in $f$ then hides the root's last
    digits. A derivative is "vanishing" when its step would be over $1/\epsilon$ times
    the largest $|x|$ so far.
    An exact $f(x) = 0$ is a root only if each equation, at $x \pm h_j e_j$ along some
    axis $j$ ($h_j$ being $\epsilon^{1/3}$ times the larger of $|x_j|$ and $|{x_0}_j|$),
    changes sign, or grows on both sides as a power $|x - r|^m$ of the distance (from
    $h_j/4$ to $h_j/2$ to $h_j$, each value a normal float, at least
    $2.2 \times 10^{-308}$, and $|f|$ grows by $2^m$ at each doubling, $1 \le m \le 32$),
    or grows so on one side and is exactly 0 at all three points on the other (a hinge:
    $\max(0, x - 1)$ at 1, a true root though $f$ keeps its sign):
    $e^{-x}$ underflows to 0 at $x = 745$ (with $10^{-323}$ beside it),
    $1/(1 + e^x)$ at 710, $\tanh x - 1$ rounds to 0 at $x = 20$, and
    $e^{-750 + 2 \cdot 10^{12} (x - 1)^2}$ is 0 at 1 and positive everywhere; none has a
    root there. An $f$ that is 0 at $x_0$ and at every point tried around it has every
    point near $x_0$ for a root, as computed, or has underflowed: the run stops there,
    not converged, and says so. Otherwise the message says what $f$ does around $x$,
    and names an underflow only where $f$ is 0 at every point tried, takes subnormal
    values there, or falls to 0 where a power of the distance would not. A value of $f$ below
    $2.2 \times 10^{-308}$ (subnormal) keeps fewer digits: the rounding of $f$ is
    counted as at least their spacing, and the message suggests rescaling. A
    Jacobian is singular when some matrix within its error, entry by entry
    ($n\epsilon |J|$ for `fprime`; $\epsilon^{2/3} |J|$ and the rounding of $f$ for
    differences), could be singular: the spectral radius of $|J^{-1}|\,E$ reaches 1,
    a test that scaling rows and columns leaves alone.

    Without `fprime`, the difference step along $x_j$ is $\epsilon^{1/3}$ times the
    larger of $|x_j|$ and $|{x_0}_j|$ (for a variable that starts at 0, the largest
    size reached), so it follows the units of $x$. If $f$ is so large that
    $f(x \pm h)$ differ by less than their rounding, the derivative is lost and the
    message says so (pass `fprime`, or rescale $f$).

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
    tol = as_relative_tolerance(tol, "tol")
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    scalar = np.ndim(x0) == 0
    x = as_point(x0, "x0")
    F = _function(f, scalar, x.size)
    J = _Differenced(F, x) if fprime is None else _Given(fprime, scalar, x.size)
    fx = _start(F, x)
    if fprime is not None:
        _start_derivative(J, x, fx)
    with np.errstate(all="ignore"):  # divergence is reported in the result, not warned
        return _iterate(F, J, x, fx, tol, max_iter, scalar)


def _iterate(F, J, x, fx, tol, max_iter, scalar) -> SolverResult:
    """The loop: a Newton step, then the stopping rule; every exit says why.

    `J(x, fx)` gives the Jacobian and a bound on its error, entry by entry, and
    explains a flat or singular one (`J.flat`, `J.singular`).
    """
    history, progress = [x], _Progress(x, fx)
    multiple = _Multiplicity(scalar)
    done = _Finish(history, scalar, progress.f0, multiple)
    for _ in range(max_iter):
        if not np.any(fx):
            return done(fx, *J.exact_zero(F, x, history[0]))
        try:
            # f' vanishes with f: differences must be short, and stay so once m-steps landed
            J.careful = multiple.near or multiple.m > 1
            Jx, error = J(x, fx)
            step, trouble = _newton_step(J, Jx, error, x, fx, progress.largest, scalar)
            if trouble:
                return done(fx, False, multiple.explain(trouble))
            damped = getattr(J, "damped", None)  # lagrange_multipliers' J shortens its steps
            step = step if damped is None else damped(F, x, fx, Jx, step)
            before, (x, f_landed) = x, multiple.advance(F, J, x, fx, step)
            history.append(x)
            fx = F(x) if f_landed is None else f_landed
            if not (scalar or J.careful):  # (a multiple root's steps stay as they are)
                x, fx = _snapped(F, before, x, fx, progress, tol)
                history[-1] = x
        except _NonFinite:
            return done(None, False, _diverged(x, NOT_FINITE))
        progress.update(history, fx)
        stop = _stop(history, Jx, J, fx, tol, progress, scalar)
        if stop:
            return done(fx, *stop)
    return done(fx, False, _max_iter(max_iter, fx, x - history[-2], J, progress))


def _snapped(F, before, x, fx, progress, tol) -> tuple[np.ndarray, np.ndarray]:
    """In a system, x with each coordinate near 0 set to 0 exactly, where no |f_i| is
    larger there; else x. Near 0: within tol of its typical size, and either brought
    nearer 0 by the last step or set onto 0 before.

    A root with a coordinate at 0, in an equation whose terms vanish with it (x y = 0 at
    x = 0), is approached by ever smaller |x_j| but passes no test relative to them: |f_i|
    stays the size of its terms, down through the subnormal numbers. f at x_j = 0 decides:
    there f_i = 0 exactly. The move is within tol of x_j's typical size, as a step that
    converges may be. Each equation is compared on its own (the rounding of another
    would hide a rise). A coordinate once set onto 0 is held there while the steps move
    it no farther than that (rounding in the solve does), so that it neither creeps down
    through the subnormals again nor cycles between a step and the snap."""
    typical = progress.typical(x)
    toward = (np.abs(x) < np.abs(before)) | progress.snapped
    near = toward & (x != 0) & (np.abs(x) <= tol * typical)
    if not np.any(near):
        return x, fx
    snapped = np.where(near, 0.0, x)
    try:
        f_snapped = F(snapped)
    except _NonFinite:
        return x, fx
    if not np.all(np.abs(f_snapped) <= np.abs(fx) * (1 + 4 * EPS)):  # (an ulp is no rise)
        return x, fx
    progress.snapped |= near
    return snapped, f_snapped


def _max_iter(max_iter, fx, step, J, progress) -> str:
    hint = ""
    if not J.trusted and progress.last > 0.9 * progress.previous:
        hint = "; |f| hardly falls from step to step: is `fprime` right?"
    return (
        f"max_iter = {max_iter} reached without converging: |f(x)| = {norm(fx):.3g}, "
        f"last step {norm(step):.3g}{hint}"
    )


class _Progress:
    """What the stopping rule remembers: |f(x0)|, the least |f| so far and how many steps
    ago it was reached (`idle`), how many steps in a row raised both |x| and |f|, and the
    largest |x| so far, and which coordinates were set onto 0. Each is updated in O(n) a
    step, for n unknowns: a long run costs no more per step."""

    def __init__(self, x, fx):
        self.f0 = self.least = self.last = self.previous = norm(fx)
        self.idle = self.growing = 0
        self.largest = norm(x)  # the largest |x| so far: kept here, not searched for each step
        self.snapped = np.zeros(x.size, dtype=bool)  # coordinates set onto 0 (`_snapped`)
        self.f_now = self.f_before = fx  # f at the newest iterate and the one before
        self.x0, self.reference = x, reference_size(x, None, x, zero_beside=0.0)

    def sizes(self, x, tol) -> tuple[np.ndarray, np.ndarray]:
        """Each x_j's size for the test of the step, and for the test of a cycle.

        In a system, a coordinate of the root at 0 has no size of its own, and an equation
        whose terms |J||x| fall to 0 with it could never converge: where x_j is 0 to within
        tol of its typical size (the larger of |x_j| and |x0_j|, as the difference steps
        use), the step is measured by that typical size. A scalar equation's terms vanish
        only at a root at 0, where f = 0 exactly is judged instead (`exact_zero`).
        A cycle compares coordinates with |x_j|, but at least tol of the typical size:
        iterates within that of 0 are one point. Scaling an unknown scales its sizes."""
        typical, size = self.typical(x), np.abs(x)
        step_size = at_size(x, typical, tol) if x.size > 1 else size
        return step_size, np.maximum(size, tol * typical)

    def typical(self, x) -> np.ndarray:
        """Each x_j's typical size: the larger of |x_j| and its size so far."""
        return typical_size(x, self.reference)

    def update(self, history, fx):
        self.f_before, self.f_now = self.f_now, fx
        size = norm(fx)
        self.reference = reference_size(self.x0, self.reference, history[-1], zero_beside=0.0)
        self.largest = max(self.largest, norm(history[-1]))
        grew = norm(history[-1]) > norm(history[-2]) and size > self.last
        self.growing = self.growing + 1 if grew else 0
        self.idle = 0 if size < self.least else self.idle + 1
        self.least, self.previous, self.last = min(self.least, size), self.last, size


def _stop(history, Jx, J, fx, tol, progress, scalar) -> tuple[bool, str] | None:
    """After a step: converged, stalled, diverged, cycling, or None to go on."""
    x, step = history[-1], history[-1] - history[-2]  # the step as taken
    size, floor = progress.sizes(x, tol)  # each x_j's size: |x_j|, or its typical size near 0
    if not np.any(fx) and np.any(size > np.abs(x)):
        return None  # f = 0 exactly at a root with a 0 coordinate: the loop's `exact_zero`
    terms = np.abs(Jx) @ np.abs(x)  # the size of each equation's terms, |J||x|
    scale = np.abs(Jx) @ size  # the same, never 0 where coordinates of the root are
    moved = np.abs(Jx) @ np.abs(step)  # how much the step changed them
    confirms = getattr(J, "confirms", None)  # lagrange_multipliers' J has its own checks
    if _converged(moved, scale, terms, fx, J, tol, progress) and (
        confirms is None or confirms(x, fx, step, tol, size)
    ):
        return True, (
            f"converged: the last step and |f(x)| are at most tol = {tol:g} "
            "relative to x and to the size of f's terms"
        )
    if progress.idle >= STALLED and np.all(moved <= SMALL * scale):
        return False, _stalled(x, fx, moved, scale, tol, scalar)
    if progress.growing >= GROWING:
        return False, _diverged(x, f"|x| and |f(x)| grew at each of the last {GROWING} steps")
    start = max(norm(history[0]), norm(history[1]))
    if norm(x) > DIVERGED * start or norm(fx) > DIVERGED * progress.f0:
        return False, _diverged(
            x, f"|x| or |f(x)| grew beyond {DIVERGED:.0e} times its size at the start"
        )
    # a coordinate set onto 0 (`_snapped`) that the solve's rounding moves, while f stays
    # as it was, jitters: measure that move by its typical size, not as a cycle's step
    jitter = progress.snapped & bool(np.all(np.abs(fx - progress.f_before) <= SMALL * terms))
    period = _period(history, tol, floor, np.where(jitter, size, floor))
    if period:
        return False, _cycle(history, period, scalar)
    return None


def _converged(moved, scale, terms, fx, J, tol, progress) -> bool:
    """The step within tol of f's terms with each x_j at its size (`scale`), and |f| within
    tol of f's terms |J||x| themselves: a root must be seen in f, not only in the steps.

    `J.noise` bounds the rounding error of each computed f_i when f is itself found by
    differences (Lagrange's ∇L): |f_i| plus that must fit. With the user's `fprime`,
    |f| must also have fallen as after a Newton step, so that a wrong J cannot make
    the terms look large and the steps small: by half, or by enough that the steps to
    come, at this rate, add up to within tol (a step of a few ulps is exempt: f is then
    at its rounding).
    """
    if not (np.all(moved <= tol * scale) and np.all(np.abs(fx) + J.noise <= tol * terms)):
        return False
    if J.trusted or np.all(moved <= 4 * EPS * scale):
        return True
    rate = progress.last / progress.previous  # |f(x_k)| / |f(x_{k-1})|
    return bool(rate <= 0.5 or (rate < 1 and np.all(moved * rate / (1 - rate) <= tol * scale)))


def _stalled(x, fx, moved, terms, tol, scalar) -> str:
    change = float(np.max(moved / np.where(terms > 0, terms, np.inf)))
    causes = (
        f"Either rounding in f hides anything finer, so tol = {tol:g} cannot be met "
        "(loosen tol, or write f so that its terms do not cancel), or the steps are caught "
        "between roots very close together, or near a point where f' = 0 (try another x0)"
    )
    if norm(fx) < TINY:  # subnormal: f may have no root and only level off toward 0
        causes = (
            f"|f(x)| is below {TINY:.2g}, the smallest normal float: f may have no root "
            "and only level off toward 0 (e^(-x) does), its values underflowing. " + causes
        )
    return (
        f"stalled at x = {_show(x, scalar)}: |f(x)| has not fallen below "
        f"{norm(fx):.3g} for {STALLED} steps, each changing x by only {change:.1g} of its "
        f"size. {causes}"
    )


def _newton_step(J, Jx, error, x, fx, largest, scalar) -> tuple[np.ndarray | None, str]:
    """The step Δx with J Δx = -f(x), or None and why there is none."""
    where = _show(x, scalar)
    if scalar:
        slope = Jx[0, 0]
        if abs(slope) <= error[0, 0]:
            return None, J.flat(x, fx, where)
        # --8<-- [start:step]
        step = -fx / slope  # x_{i+1} = x_i - f(x_i) / f'(x_i)
        # --8<-- [end:step]
    else:
        cond = _condition(Jx, error)
        if cond:
            return None, J.singular(x, fx, where, cond)
        step = np.linalg.solve(Jx, -fx)  # J(x_i) Δx = -f(x_i)
    reach = VANISHING * max(largest, getattr(J, "scale", 0.0))
    if not np.all(np.isfinite(step)) or 0 < reach < norm(step):
        return None, _vanishing(Jx, x, fx, step, scalar)
    return step, ""


def _vanishing(Jx, x, fx, step, scalar) -> str:
    where, length = _show(x, scalar), norm(step)
    if scalar:
        return (
            f"vanishing derivative: at x = {where} the slope f'(x) = {Jx[0, 0]:.3g} is so "
            f"small beside f(x) = {fx[0]:.3g} that the next step, {length:.3g} long, would "
            "lose every digit of x; start nearer the root"
        )
    return (
        f"nearly singular J at x = {where}: the next step, {length:.3g} long, would lose "
        "every digit of x; start nearer the root"
    )


def _condition(Jx, error) -> float:
    """0 if every matrix within `error` of J (entry by entry) is invertible, else J's
    condition number once its rows and columns are scaled to a largest entry of 1.

    The test, spectral radius of |J⁻¹| error < 1, is unchanged by scaling rows and columns,
    so the units of x and f do not count.
    """
    try:
        inverse = np.linalg.inv(Jx)
    except np.linalg.LinAlgError:
        return np.inf
    with np.errstate(all="ignore"):
        product = np.abs(inverse) @ error
    seen = np.all(np.isfinite(product))  # not where the error bound overflowed (f near 1e308)
    if seen and max(abs(np.linalg.eigvals(product))) < 1:
        return 0.0
    rows = np.abs(Jx).max(axis=1)
    columns = np.abs(Jx / np.where(rows > 0, rows, 1)[:, None]).max(axis=0)
    if not (np.all(rows > 0) and np.all(columns > 0)):
        return np.inf  # a zero row or column
    condition = float(np.linalg.cond(Jx / rows[:, None] / columns))
    # without the bound, J's own rounding (n eps of each entry) is what can be judged
    return condition if seen or condition * Jx.shape[0] * EPS >= 1 else 0.0


def _period(
    history: list[np.ndarray],
    tol: float,
    size: np.ndarray | None = None,
    reach: np.ndarray | None = None,
) -> int:
    """How many steps back (2 to `LONGEST_CYCLE`) the newest iterate repeats an earlier one.

    0 if it does not. Each coordinate is measured in its own `size` (`_Progress.sizes`): a
    repeat is within `tol` of it, coordinate by coordinate, and counts only if the last
    step was long, beyond `tol` of some coordinate's `reach` (`size` if not given; for a
    coordinate that rounding jitters about 0, its typical size) and a thousand times the
    distance to the earlier iterate: iterates creeping to a limit, or jittering at the
    rounding of a root, are converging. Without `size` (`mvc.descent`), the whole point
    is measured by its length instead.
    """
    if size is None:
        return _period_by_length(history, tol)
    x = history[-1]
    step = float(np.max(np.abs(x - history[-2]) / (size if reach is None else reach)))
    if step <= tol:
        return 0
    close = min(tol, 1e-3 * step) * size
    for back in range(2, min(len(history), LONGEST_CYCLE + 1)):
        if np.all(np.abs(x - history[-1 - back]) <= close):
            return back
    return 0


def _period_by_length(history: list[np.ndarray], tol: float) -> int:
    """`_period` with the whole point's length |x| for every coordinate's size."""
    x = history[-1]
    close = min(tol * norm(x), 1e-3 * norm(x - history[-2]))
    for back in range(2, min(len(history), LONGEST_CYCLE + 1)):
        if norm(x - history[-1 - back]) <= close:
            return back
    return 0


def _cycle(history, period, scalar) -> str:
    loop = " → ".join(_show(x, scalar) for x in history[-1 - period :])
    return f"cycle of period {period}: the iterates repeat ({loop}) instead of converging"


def _diverged(x, why) -> str:
    return f"diverged: {why} at x = {_show(x, x.size == 1)}; try a start nearer the root"


class _Multiplicity:
    """Newton's steps towards a root of multiplicity m (f = (x - r)^m g) only shrink by
    (m - 1)/m, for f' vanishes with f; a step m times Newton's lands on the root.

    After a step of `taken` times Newton's, the next Newton step is q = 1 - taken/m times
    the last, so m = taken / (1 - q). When two estimates in a row round to the same m >= 2,
    an m-step is tried, and taken only if it is confirmed as a multiple root's (`_lands`).
    Far from its roots every polynomial looks like x^n: the estimates then read n, and
    the m-step jumps to near 0, where f' vanishes and f does not. Scalar equations only.
    """

    def __init__(self, scalar):
        self.scalar, self.m, self.taken = scalar, 1, 1
        self.newton: float | None = None  # the last Newton step
        self.estimates: list[float] = []
        self.near = 0  # the multiplicity of the last confirmed m-step (0: none yet)
        self.landed: tuple[np.ndarray, float] = (np.zeros(1), 0.0)  # where, and |f| there

    def advance(self, F, J, x, fx, step) -> tuple[np.ndarray, np.ndarray | None]:
        """The next iterate, by m Newton steps (with f there) or by one (f not yet known)."""
        self._estimate(step)
        if self.m > 1:
            trial = x + self.m * step
            f_trial = self._lands(F, J, fx, trial, step)
            if f_trial is not None:
                self.taken = self.near = self.m
                self.landed = (trial, norm(f_trial))
                return trial, f_trial
        self.taken = 1
        return x + step, None

    def _lands(self, F, J, fx, trial, step) -> np.ndarray | None:
        """f at the m-step's landing point, if the landing is a multiple root's: |f| falls
        below what Newton's own step promises, ((m - 1)/m)^m |f|, and the Newton step from
        there is at most CONFIRM/m of the last one (plain Newton keeps (m - 1)/m of it;
        landing near where f' vanishes and f does not, it is longer), by a slope free of
        truncation and above f's rounding. None otherwise."""
        careful, J.careful = J.careful, True
        try:
            f_trial = F(trial)
            if not np.any(f_trial):
                return f_trial  # f = 0 exactly: the loop checks that it is a root
            if norm(fx) < TINY:  # subnormal values keep too few digits to confirm anything
                return None
            if norm(f_trial) >= (1 - 1 / self.m) ** self.m * norm(fx):
                return None
            slope, error = (v[0, 0] for v in J(trial, f_trial))
        except _NonFinite:
            return None
        finally:
            J.careful = careful
        if abs(slope) <= error or not J.checked:  # a slope lost in rounding confirms nothing
            return None
        onward = abs(f_trial[0] / slope)  # the Newton step from the landing point
        return f_trial if onward <= CONFIRM / self.m * abs(step[0]) else None

    def _estimate(self, step) -> None:
        if not self.scalar:
            return
        newton, self.newton = self.newton, float(step[0])
        q = self.newton / newton if newton else 0.0
        self.estimates = [*self.estimates[-1:], self.taken / (1 - q) if q < 1 else np.inf]
        m = round(self.estimates[-1]) if np.isfinite(self.estimates[-1]) else 0
        agree = len(self.estimates) == 2 and all(abs(e - m) <= 0.1 for e in self.estimates)
        self.m = m if agree and MULTIPLE <= m <= MOST_MULTIPLE else 1

    def explain(self, trouble: str) -> str:
        """Why the run stopped, said first as a multiple root if confirmed m-steps led there."""
        if not self.near:
            return trouble
        return (
            f"f' vanishes with f: the steps were closing on a root of multiplicity "
            f"{self.near}, but f's values there no longer give its slope ({trouble})"
        )

    def stalled(self, message: str) -> str:
        """A stall after a confirmed m-step, told plainly: the m-step landed where |f| was
        least, and the Newton steps from there led back out, as between two roots very close
        together. Other messages are returned as they came."""
        if not (self.near and message.startswith("stalled")):
            return message
        x, size = self.landed
        head = message[: message.index(" for ")]  # "stalled at x = ...: |f(x)| ... below ..."
        return (
            f"{head}: an m-step ({self.near} times Newton's) had landed at x = {x[0]:.10g}, "
            f"where |f| = {size:.2g}, as on a root of multiplicity {self.near}, and the Newton "
            "steps from there led back out. f has roots very close together there (or "
            "f' = 0 where f is not quite 0): between them f' is all but 0, so each Newton "
            "step overshoots. Pass `fprime`: plain Newton then closes in step by step"
        )

    def note(self) -> str:
        """Said of a converged run whose last step was a confirmed m-step."""
        if self.taken == 1:
            return ""
        return (
            f"; f' vanishes there with f, as at a root of multiplicity {self.taken}: reached "
            f"by steps {self.taken} times Newton's (plain Newton only gains a digit every "
            "few steps there)"
        )


#: An m-step is a multiple root's if the Newton step from where it lands is at most
#: CONFIRM/m of the one before it (plain Newton's keeps (m - 1)/m of it).
CONFIRM = 0.25
#: The multiplicities that `_Multiplicity` takes steps for.
MULTIPLE, MOST_MULTIPLE = 2, 32


class _Finish:
    """Builds the result from the history, for every exit of the loop."""

    def __init__(self, history, scalar, f0, multiple=None):
        self.history, self.scalar, self.f0 = history, scalar, f0
        self.multiple = multiple

    def __call__(self, fx, converged, message) -> SolverResult:
        if self.multiple is not None:
            message += self.multiple.note() if converged else ""
            message = message if converged else self.multiple.stalled(message)
        if not converged and 0 < self.f0 < TINY:
            message += (
                f"; |f(x0)| = {self.f0:.3g} is below {TINY:.2g}, the smallest normal float, "
                "where numbers keep fewer digits: multiply f by a large constant"
            )
        H = np.array(self.history)
        x = H[-1]
        fun = np.full_like(x, np.nan) if fx is None else fx
        if self.scalar:
            H, x, fun = H[:, 0], float(x[0]), float(fun[0])
        return SolverResult(
            x=x, fun=fun, converged=converged, n_iter=len(H) - 1, history=H, message=message
        )


def _function(f, scalar, n) -> Callable:
    """`f` as a map from 1-D points to 1-D values of length n; inf or nan raises _NonFinite."""
    return _Values(f, scalar, () if scalar else (n,))


class _Values:
    """f at 1-D points, as 1-D float arrays; inf or nan raises _NonFinite, and so does a
    complex value (Python's for a fractional power of a negative float, as x**(1/3) at
    x < 0) once the run has begun (`begun`, set by `_start`): at x0 it is bad input."""

    def __init__(self, f, scalar, shape):
        self.f, self.scalar, self.shape, self.begun = f, scalar, shape, False

    def __call__(self, x):
        value = _call(self.f, x, self.scalar, self.shape)
        what = "`f` (one equation per unknown)"
        return np.atleast_1d(_checked(value, self.shape, what, self.begun))


def _call(g, x, scalar, shape):
    """g at x, a Python float for a scalar; a value Python's float arithmetic cannot give
    (`x**2` past 1.3e154, 1/0, math.log of a negative) is nan (`value_or_nan`)."""
    with np.errstate(all="ignore"):
        return value_or_nan(g, float(x[0]) if scalar else x, shape)


#: Where f is tried around an exact 0: at s, s/2 and s/4 on each side (s the difference
#: step), farthest first.
AROUND = (1, 0.5, 0.25, -1, -0.5, -0.25)


def _exact_zero(F, x, x0) -> tuple[bool, str]:
    """f(x) = 0 exactly: a root if each equation, at x ± s_j e_j along some axis j (s the
    difference steps, eps^(1/3) of each variable's size), changes sign, or grows as a power
    of the distance, |x - r|^m, at s/4, s/2 and s on both sides, or on one side while it is
    0 at all three on the other (max(0, x - 1) at 1, a hinge), `_rooted`. An exact 0 that f
    only levels off or dips to has underflowed, or its terms cancelled: e^(-x) at 745 is 0
    with 1e-323 beside it, e^(-750 + 2e12 (x - 1)^2) is 0 at 1 and positive everywhere.
    An f that is 0 at x0 and every point tried around it has every point near x0 for a
    root, as computed (f = 0 everywhere), or has underflowed there: no single root either
    way. The message names what f does around x (`_no_root`)."""
    s, scalar = steps(x, typical_size(x, np.abs(x0)), 1 / 3), x.size == 1
    seen = np.zeros((4, x.size), dtype=bool)  # rooted, moves, subnormal, dropped
    for j in range(x.size):
        seen |= _around(np.array([_beside(F, shifted(x, j, h * s[j])) for h in AROUND]))
    rooted, moves, subnormal, dropped = seen
    if np.all(rooted):
        return True, "converged: f(x) = 0 exactly"
    if not np.any(moves) and np.array_equal(x, x0):
        return False, _everywhere(x, s, scalar)
    i = int(np.flatnonzero(~rooted)[0])
    which = "f" if scalar else f"f_{i}"
    head = (
        f"no evidence of a root: f(x) = 0 exactly at x = {_show(x, scalar)}, but around x "
        f"(moved by up to {_show(s, scalar)}) {which} "
    )
    return False, head + _no_root(which, moves[i], subnormal[i], dropped[i])


def _around(near) -> np.ndarray:
    """What each equation does at the points AROUND x along one axis (rows of `near`):
    whether it shows a root there (`_rooted`), takes any value but 0, takes a subnormal
    value, and falls to 0 on a side where it is not 0 throughout (a power would not)."""
    up, down = near[:3], near[3:]
    moves = np.any(near != 0, axis=0)  # nan (not finite) counts as moving: not 0
    subnormal = np.any((near != 0) & (np.abs(near) < TINY), axis=0)
    dropped = np.any(up == 0, axis=0) & np.any(up != 0, axis=0)
    dropped |= np.any(down == 0, axis=0) & np.any(down != 0, axis=0)
    return np.array([_rooted(up, down), moves, subnormal, dropped])


def _rooted(up, down) -> np.ndarray:
    """True where f changes sign across x, or grows as |x - r|^m on both sides (the same m),
    or on one side while it is exactly 0 at s, s/2 and s/4 on the other (a one-sided root:
    a ReLU, max(0, x - 1)^2)."""
    crosses = np.sign(up[0]) * np.sign(down[0]) < 0
    m_up, m_down = _power(up), _power(down)
    zero_up, zero_down = np.all(up == 0, axis=0), np.all(down == 0, axis=0)
    both = (m_up == m_down) & (m_up > 0)
    return crosses | both | ((m_up > 0) & zero_down) | ((m_down > 0) & zero_up)


def _power(side) -> np.ndarray:
    """m where f on one side of x (its values at s, s/2, s/4) grows as |x - r|^m: each
    halving of the distance divides |f| by 2^m, the same small integer m >= 1 from s to s/2
    and s/2 to s/4, every value a normal float (subnormal ones keep too few digits to
    tell); 0 elsewhere."""
    m, m_near = _halving(side[0], side[1]), _halving(side[1], side[2])
    return np.where(m == m_near, m, 0)


def _halving(far, near) -> np.ndarray:
    """m where |far| / |near| is 2^m to within POWER_SLACK in log2, 1 <= m <= MOST_MULTIPLE
    and both are normal floats; 0 elsewhere."""
    with np.errstate(all="ignore"):
        exponent = np.log2(np.abs(far) / np.abs(near))
    m = np.round(np.nan_to_num(exponent))
    normal = (np.abs(far) >= TINY) & (np.abs(near) >= TINY)  # nan compares False
    fits = normal & (np.abs(exponent - m) <= POWER_SLACK) & (m >= 1) & (m <= MOST_MULTIPLE)
    return np.where(fits, m, 0)


#: A ratio of |f| at distances s and s/2 is 2^m if its log2 is within this of m.
POWER_SLACK = 0.1


def _everywhere(x, s, scalar) -> str:
    """f = 0 at x0 and at every point tried around it."""
    return (
        f"f = 0 exactly at x = {_show(x, scalar)} and at every point tried around it (x "
        f"moved by up to {_show(s, scalar)}): every point near x is a root of f as "
        "computed, so none can be singled out. If f is 0 there only because it "
        "underflowed (e^(-x) is 0 past 745), it has no root there at all"
    )


def _no_root(which, moves, subnormal, dropped) -> str:
    """Why an exact 0 of f_i is no evidence of a root, by what f_i does around x: it says
    "underflowed" only where f_i is 0 at every point tried, takes subnormal values, or
    falls to 0 where a power of the distance would not."""
    if not moves:
        return (
            f"is 0 at every point tried as well: either every point near x is a root of "
            f"{which} as computed (max(0, x - 1) is 0 for every x <= 1), so none can be "
            f"singled out, or {which} underflowed to 0 there (e^(-x) is 0 past 745), or its "
            "terms cancelled to 0, and it has no root there at all. Start elsewhere"
        )
    if subnormal:
        return (
            f"takes values below {TINY:.2g}, the smallest normal float (subnormal), which "
            "keep too few digits to tell a root from a function that underflowed to 0 "
            "without changing sign, levelling off toward 0 or dipping to 0 (e^(-x) past "
            "745 does). Start elsewhere, or multiply f by a large constant (its roots stay)"
        )
    growth = (
        "neither changes sign nor grows as a power of the distance, |x - r|^m (m a whole "
        "number from 1 to 32), on both sides or on one side with 0 on the other, as beside "
        "a root of multiplicity m"
    )
    if dropped:
        return growth + (
            ": it falls to 0 where such a power would not, as a function that underflowed "
            "to 0 without changing sign, or whose terms cancelled to 0, does. Start "
            "elsewhere, or rescale f"
        )
    return growth + ": its terms may have cancelled to 0 at x. Start elsewhere, or rescale f"


def _beside(F, point) -> np.ndarray:
    """f at a point beside x, nan where it is not finite (no evidence either way)."""
    try:
        return F(point)
    except _NonFinite:
        return np.full(point.size, np.nan)


class _Given:
    """The user's `fprime`, as an (n, n) Jacobian exact to rounding."""

    def __init__(self, fprime, scalar, n):
        self.fprime, self.scalar, self.n = fprime, scalar, n
        self.last: tuple[np.ndarray, np.ndarray] | None = None  # x0 and J(x0), checked first

    noise = 0.0  # f is the user's own: its rounding is within tol >= eps of its terms
    careful = False  # set by the loop near a multiple root (used by differences)
    scale = 0.0  # the size of x that the differences found (none for the user's J)
    begun = False  # J(x0) checked: a complex value after it is not finite (`_Values`)
    trusted = False  # the user's J: |f| must fall as Newton's step says it will
    checked = True  # exact to rounding: no truncation to check (differences: see `_shorten`)

    def __call__(self, x, fx) -> tuple[np.ndarray, np.ndarray]:
        if self.last is not None and np.array_equal(self.last[0], x):
            Jx = self.last[1]  # x0's, checked at entry: no second call
        else:
            shape = () if self.scalar else (self.n, self.n)
            value = _call(self.fprime, x, self.scalar, shape)
            Jx = _checked(value, shape, "`fprime`", self.begun).reshape(self.n, self.n)
            self.last = (x, Jx)
        return Jx, self.n * EPS * np.abs(Jx)

    exact_zero = staticmethod(_exact_zero)

    def confirms(self, x, fx, step, tol, size) -> bool:
        """The user's J (or Lagrange's) needs no second look: `_converged` judged it."""
        return True

    def flat(self, x, fx, where) -> str:
        return (
            f"zero derivative: f'(x) = 0 at x = {where}; the tangent is flat and never crosses zero"
        )

    def singular(self, x, fx, where, cond) -> str:
        return (
            f"singular Jacobian at x = {where}: its rows are dependent (condition number "
            f"{cond:.2g} once rows and columns are scaled alike), so J Δx = -f(x) has no "
            "single solution"
        )


#: The smallest normal float, 2.2e-308: below it numbers keep fewer digits.
TINY = float(np.finfo(np.float64).tiny)
#: A step lost in rounding grows by GROW, at most GROWS times (64^20 ~ 1e36).
GROW, GROWS = 64.0, 20
#: Near a multiple root a difference step is quartered at most SHORTENINGS times in a step
#: (4^30 ~ 1e18), until the slopes at s and s/4 agree to AGREE of the slope.
SHORTENINGS, AGREE = 30, 1e-3


class _Differenced(_Given):
    """J by central differences, each step scaled to its variable; its error bound counts
    the rounding of f, and a column lost in that rounding is told from a zero one."""

    trusted = True  # mvc's own differences

    def __init__(self, F, x0):
        self.F, self.x0, self.reference = F, x0, None
        self.narrow = 1.0  # steps shortened near a multiple root (see `_shorten`)
        self.checked = False  # the last careful J's slopes at s and s/4 agreed

    def confirms(self, x, fx, step, tol, size) -> bool:
        """A verdict of convergence, judged again with J at x itself, differenced with
        steps shortened until the slopes at s and s/4 agree and stand above f's rounding.
        A J whose truncation swamps a vanishing f' (s^2 f'''/6 beside it) makes |J||x| look
        large, so that any small |f| and step would pass: no such J may confirm a root."""
        careful, self.careful = self.careful, True
        try:
            Jx, _ = self(x, fx)
        except _NonFinite:
            return False
        finally:
            self.careful = careful
        fits = np.all(np.abs(Jx) @ np.abs(step) <= tol * (np.abs(Jx) @ size))
        return bool(self.checked and fits and np.all(np.abs(fx) <= tol * np.abs(Jx) @ np.abs(x)))

    def __call__(self, x, fx) -> tuple[np.ndarray, np.ndarray]:
        self.reference = reference_size(self.x0, self.reference, x, zero_beside=0.0)
        for _ in range(GROWS):
            self.s = steps(x, self._size(x, self.reference), 1 / 3)
            Jx = self._slope(x, fx, self.s)
            if not self._grow_lost(x, fx, Jx):
                break
        if self.careful:
            Jx = self._shorten(x, fx, Jx)
        elif np.array_equal(x, self.x0) and np.any(x == 0):
            Jx = self._unscaled(x, fx, Jx, x == 0)
        self.scale = norm(typical_size(x, self.reference))
        return Jx, DIFFERENCED * np.abs(Jx) + rounding(self.size, self.s)

    def _size(self, x: np.ndarray, reference: np.ndarray) -> np.ndarray:
        """Each variable's size for its difference step: its typical size, or, near a
        multiple root (`careful`), its own |x| (a root at 0 is approached by |x| alone)
        times the shortening `_shorten` found."""
        size = typical_size(x, reference)
        if not self.careful:
            return size
        return self.narrow * np.where(x != 0, np.abs(x), size)

    def _slope(self, x, fx, s, J=None, which=None) -> np.ndarray:
        """J by central differences with steps s, and the size of f's terms (`self.size`);
        with `which`, only those columns (2 calls of f each, not 2n), the others from J."""
        if which is None:
            Jx = jacobian_at(self.F, x, s)
        else:
            Jx = J.copy()
            for j in np.flatnonzero(which):
                step = np.zeros_like(x)  # x + s_j e_j, as jacobian_at steps (not `shifted`,
                step[j] = s[j]  # which keeps a -0.0 that jacobian_at's sum makes +0.0)
                Jx[:, j] = (self.F(x + step) - self.F(x - step)) / (2 * s[j])
        # f's rounding: eps times the size of its terms, and never below the spacing of
        # subnormal floats, eps * TINY (1e-320 carries 4 digits, not 16)
        self.size = np.maximum(np.abs(fx) + np.abs(Jx) @ np.abs(x), TINY)
        return Jx

    def _shorten(self, x, fx, Jx) -> np.ndarray:
        """Near a multiple root f' vanishes with f, but the error of central differences,
        s^2 f'(3)/6, does not: x^3 at 1e-11, differenced with s = 6e-6, has the slope 3.6e-11
        for 3e-22. Quarter the step while the slopes at s and s/4 differ beyond rounding
        and AGREE of the slope (the shorter one's error is then below AGREE/15 of it), and
        the shorter one is not lost in rounding."""
        for _ in range(SHORTENINGS):
            short, size = self.s / 4, self.size
            J_short = self._slope(x, fx, short)
            noise = rounding(np.maximum(size, self.size), short)
            apart = np.abs(Jx - J_short) > AGREE * np.abs(J_short) + noise
            lost = np.abs(J_short) <= noise  # s/4 is lost in rounding
            if not np.any(apart) or np.any(apart & lost):
                # checked: agreed, and each equation has a slope above its rounding
                resolved = np.all(np.any(~lost, axis=1))
                self.size, self.checked = size, bool(not np.any(apart) and resolved)
                return Jx
            self.narrow, self.s, Jx = self.narrow / 4, short, J_short
        self.checked = False
        return Jx

    def _unscaled(self, x, fx, Jx, zero) -> np.ndarray:
        """At x0, the columns of the unknowns that start at 0 (`zero`), which nothing
        gives a size (it is borrowed from the others, or 1): their difference steps are a
        guess, so each is quartered while its slopes at s and s/4 differ beyond rounding
        and AGREE of them (exp(x / 1e-8) at 0 needs 7 quarterings). A column whose slopes
        never agree (a jump, a cusp, x |x|, where the slope at 0 grows or shrinks with the
        step), meet a value that is not finite, or agree only within rounding keeps its
        first step: shortening would only amplify what is no slope."""
        s, J, size = self.s.copy(), Jx.copy(), self.size
        settled, active = np.zeros(x.size, dtype=bool), zero.copy()
        try:
            for _ in range(SHORTENINGS):
                short = np.where(active, s / 4, s)
                J_short = self._slope(x, fx, short, J, active)
                noise = rounding(np.maximum(size, self.size), short)
                apart = ~np.all(np.abs(J - J_short) <= AGREE * np.abs(J_short) + noise, axis=0)
                lost = ~np.any(np.abs(J_short) > noise, axis=0)  # s/4 is lost in rounding
                settled |= active & ~apart & ~lost  # agreeing within rounding: no slope seen
                active &= apart & ~lost  # apart and lost: no slope to agree on
                if not active.any():
                    break
                s, J = np.where(active, short, s), np.where(active, J_short, J)
        except _NonFinite:
            pass
        shortened = settled & (s < self.s)
        if self.reference is not None:  # a shortened unknown's size is its own from now on
            self.reference[shortened] = 0.0  # (|x_j| once it moves), not one borrowed
        self.s = np.where(settled, s, self.s)
        self.size = size
        return np.where(settled, J, Jx)

    def _grow_lost(self, x, fx, Jx) -> bool:
        """Lengthen by GROW the step of each axis along which f did not change beyond
        its rounding (a start such as 0.1 + 0.2 - 0.3 = 5.6e-17 gives x's size as 1e-16);
        True if any grew."""
        zero = np.all(np.abs(Jx) <= rounding(self.size, self.s), axis=0)
        lost = [j for j in np.flatnonzero(zero) if self._lost(x, fx, j)]
        if lost and self.careful:
            self.narrow *= GROW  # (`_size` then goes by x's own size, not the reference)
        elif lost and self.reference is not None:
            self.reference[lost] *= GROW
        return bool(lost)

    def _lost(self, x, fx, j) -> bool:
        """True if f stays within its rounding when x_j moves by its step."""
        change = self.F(shifted(x, j, self.s[j])) - fx
        return bool(np.all(np.abs(change) <= ROUNDING * EPS * self.size))

    def _lost_message(self, x, fx, where, j) -> str:
        what = "x" if x.size == 1 else f"x[{j}]"
        return (
            f"derivative lost in rounding at x = {where}: f(x) = {_show(fx, x.size == 1)} "
            f"does not change beyond its rounding when {what} moves by the difference "
            f"step h = {self.s[j]:.3g}, so central differences cannot find the slope; "
            "pass `fprime`, or rescale f (subtract a large constant part)"
        )

    def flat(self, x, fx, where) -> str:
        if self._lost(x, fx, 0):
            return self._lost_message(x, fx, where, 0)
        return super().flat(x, fx, where) + " (by central differences)"

    def singular(self, x, fx, where, cond) -> str:
        Jx, error = np.abs(jacobian_at(self.F, x, self.s)), rounding(self.size, self.s)
        for j in np.flatnonzero(np.all(Jx <= error, axis=0)):
            if self._lost(x, fx, j):
                return self._lost_message(x, fx, where, j)
        return super().singular(x, fx, where, cond)


def _checked(value, shape, what, begun=False) -> np.ndarray:
    """A user's value of the right shape as float64; inf or nan raises _NonFinite, and so
    does a complex one once the run has `begun`, unless its imaginary part is 0."""
    arr = np.asarray(value)
    if arr.shape == shape and arr.dtype.kind in "iuf" and not np.all(np.isfinite(arr)):
        raise _NonFinite
    if begun and arr.shape == shape and arr.dtype.kind == "c":
        if np.any(arr.imag != 0) or not np.all(np.isfinite(arr.real)):
            raise _NonFinite
        return arr.real.astype(np.float64)
    return check_values(value, shape, what).astype(np.float64)


def _start(F, x) -> np.ndarray:
    """f(x0), which must be finite: a bad start is bad input, not a failed run."""
    try:
        value = F(x)
    except _NonFinite:
        raise ValueError(
            f"`f` must return finite values at `x0`, got a non-finite value at {x}."
        ) from None
    F.begun = True
    return value


def _start_derivative(J, x, fx) -> None:
    """The user's f'(x0), which must be finite: a wrong `fprime` is bad input."""
    try:
        J(x, fx)
    except _NonFinite:
        raise ValueError(
            f"`fprime` must return finite values at `x0`, got a non-finite value at {x}."
        ) from None
    J.begun = True


def _show(x: np.ndarray, scalar: bool) -> str:
    """An iterate for a message: 6 significant digits."""
    if scalar:
        return f"{float(x[0]):.6g}"
    return "[" + ", ".join(f"{v:.6g}" for v in x) + "]"
