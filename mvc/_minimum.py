r"""Is this point a minimum of $f$? The checks `gradient_descent` makes before it says so.

A small gradient is not yet a minimum: a tail that levels off (tanh), a saddle, an
inflection and a maximum all have one. Each check here looks at $f$ itself around the
candidate, at steps that follow the units of $x$:

- `falls_along_axis`: does $f$ fall away from $x$ along an axis, on one side (an
  inflection) or both (a maximum or a saddle)?
- `turns_up`: does the slope along a direction rise through 0 at $x$?
- `origin_is_minimum`: where the iterates shrink toward 0, is $x = 0$ exactly the
  minimum? There "within `tol` $|x|$" and "within $f$'s rounding" both shrink with
  $x$, so no iterate can pass them; 0 itself can be checked.
- `second_order`: the second-derivative test at x: does f's Hessian prove a saddle
  (DOWN), a minimum (UP), or neither (UNDECIDED: an eigenvalue within its error of 0)?
- `quadratic_minimum`: where $f$'s rounding hides $\nabla f$, does $f$'s Hessian put
  a minimum within `tol` $|x|$ of $x$, or a fall to it within $f$'s rounding?
- `hidden_fall`: where $f$'s Hessian is singular, does $f$ fall along an axis, or
  along a direction its Hessian cannot see curve, farther out than its differences
  look, in a fall that grows from $x$?
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from mvc._scaling import EPS, ROUNDING, central, central_errors, hessian_at, norm, shifted, steps
from mvc.result import SolverResult

#: Below this a value of f has lost relative precision (subnormal numbers).
TINY = float(np.finfo(np.float64).tiny) / EPS
#: How many times shorter each step of `origin_is_minimum` is than the one before.
RUNG = 16.0
#: How many rungs below the last clear rise `origin_is_minimum` still looks for a fall.
AFTER = 2
#: How many times the Hessian's steps grow (by 16 each) to rise above f's rounding.
LENGTHENINGS = 4
#: The most Hessian-vector products `lowest_curvature` takes (4n + 2 calls of f each).
LANCZOS = 40
#: The most variables whose whole Hessian (n^2 + n + 1 calls of f) is no dearer than
#: LANCZOS products (4n + 2 calls each): 159. Beyond, `second_order` uses Lanczos.
WHOLE = max(n for n in range(1, 1000) if n * n + n + 1 <= LANCZOS * (4 * n + 2))
#: x this many times its size at the start, f this many times lower: f may be unbounded.
FAR = 1e8
#: How far along an axis `hidden_fall` looks: this many times the variable's size (units
#: FAR times larger, and FAR times smaller, than another's).
REACH = FAR * FAR
#: How many times farther f may fall at a step 16 times longer, in a fall that grows
#: from x: as a curvature does (a slope makes it 16).
GROWTH = 256.0
#: The fewest variables whose faint directions `hidden_fall` does not probe again
#: relaxed onto the steep ones (2 calls of f per steep direction at each point).
RELAXED = 16
#: The most values of a vector a message shows in full.
SHOWN = 6
#: `second_order`'s verdicts: f's Hessian at x has an eigenvalue below minus its error,
#: and f curves down along its eigenvector (a saddle or a maximum), is positive definite
#: beyond its error and truncation (a minimum), or has an eigenvalue within its error of
#: 0 (the test cannot tell),
#: or (beyond `whole_hessian`'s size) its lowest eigenvalue was not resolved in LANCZOS
#: products: undecided too, for another reason; or f is not finite at the Hessian's points
#: (UNSEEN): no test is made, and no minimum is verified.
DOWN, UP, UNDECIDED, UNSETTLED, UNSEEN = "down", "up", "undecided", "unsettled", "unseen"

Vector = np.ndarray


class Gradient(Protocol):
    """gradient_descent's gradient: ``G(x, fx) -> (g, noise)``, the user's `grad` (noise 0,
    checked against f by `check`) or central differences with their rounding error."""

    given: bool

    def __call__(self, x: Vector, fx: float) -> tuple[Vector, float]: ...

    def check(self, x: Vector, fx: float, g: Vector, target: float) -> str: ...

    def sizes(self, x: Vector) -> Vector: ...

    def steps(self, x: Vector) -> Vector: ...


class Finish(Protocol):
    """Builds the result from the history, for every exit of a loop."""

    history: list
    f0: float | None  # f(x0), if known

    def __call__(self, fx: float, converged: bool, message: str) -> SolverResult: ...


def falls_along_axis(F: Callable, G: Gradient, x: np.ndarray, s: np.ndarray) -> int:
    """At x, where ∇f = 0: on how many sides of x (0, 1 or 2) f falls away along the axis
    where it falls most (a flat direction is no fall). Each slope is seen at x ± s_j e_j,
    beyond its rounding: 2 is a maximum or a saddle, 1 an inflection (x**3 at 0)."""
    kinds = []
    for j, length in enumerate(s):
        falls = []
        for side in (1.0, -1.0):
            slope, noise = _axis_slope(F, G, shifted(x, j, side * length), j)
            falls.append(not side * slope >= -noise)  # downhill (or not finite)
        kinds.append(sum(falls))
    return max(kinds)


def _axis_slope(F: Callable, G: Gradient, y: Vector, j: int) -> tuple[float, float]:
    """∂f/∂x_j at y and its error: from `G`, or, beyond `whole_hessian`'s size, by one
    central difference along x_j alone (2 calls of f, not 2n: O(n) for every axis)."""
    fy = F(y)
    if not np.isfinite(fy):
        return np.nan, 0.0
    if G.given or whole_hessian(y.size):
        g, noise = G(y, fy)
        return float(g[j]), noise
    h = float(G.steps(y)[j])
    up, down = F(shifted(y, j, h)), F(shifted(y, j, -h))
    return (up - down) / (2 * h), ROUNDING * EPS * max(abs(up), abs(down), abs(fy)) / h


def turns_up(F: Callable, G: Callable, x: np.ndarray, u: np.ndarray, length: float) -> bool:
    """Does the slope along u rise through 0 at x: down just before, up just after, each
    by more than its rounding? (A smooth minimum or a corner such as |x|'s at 0.)"""
    rises = []
    for side in (1.0, -1.0):
        y = x + side * length * u
        fy = F(y)
        gy, noise = G(y, fy) if np.isfinite(fy) else (np.full(x.size, np.nan), 0.0)
        rises.append(side * (gy @ u) - noise * norm(u))
    return bool(min(rises) > 0)  # False when a slope is not finite


def origin_is_minimum(F: Callable, x: np.ndarray, fx: float, size: np.ndarray) -> float:
    """Is x = 0 exactly a minimum, the iterates having shrunk to x? The finest step at
    which that was checked, or 0 if it is not one (or nothing was seen).

    f(0) must be finite and no more than f(x), and f must fall from 0 along no axis nor
    toward x, at steps from the larger of |x| and eps^(1/3) size down by RUNG each, until
    f's rise no longer stands clear of its rounding (or of the subnormal numbers); a first
    step where nothing rises verifies nothing. A minimum offset from 0 shows as a fall at
    a step near its offset ((x + 1)**2 from 10, (x - 1e-22)**2 + 1e-40), and a linear
    term too small to see at the first step at a shorter one (x**2 + 1e-30 x falls toward
    -1e-37). Where f is not finite (or undefined: `F` gives nan) 0 is not verified.
    """
    f0 = F(np.zeros_like(x))
    if not f0 <= fx:
        return 0.0
    unit = size / float(size.max())  # each axis in its own units
    toward = [x / np.max(np.abs(x) / unit)] if np.any(x) else []  # as long as the longest
    h, finest = first_rung(x, size), 0.0
    noise = max(TINY, ROUNDING * EPS * abs(f0))
    while h * float(unit.min()) > 0:
        values = np.array([F(y) for y in _probes(h, unit, toward)])
        if not np.all(values >= f0):  # f falls from 0 (or is not finite)
            return 0.0
        rises = values[values != f0] - f0  # a flat direction (a valley's floor) shows none
        if rises.size == 0 or rises.min() < noise:
            break  # f's rise no longer stands clear of rounding: nothing more to see
        finest, h = h, h / RUNG
    return finest if finest and not _falls_below(F, f0, noise, h / RUNG, unit, toward) else 0.0


def first_rung(x: Vector, size: Vector) -> float:
    """The longest step `origin_is_minimum` tries: eps^(1/3) times x0's size, or |x| if longer."""
    return max(norm(x), EPS ** (1 / 3) * float(size.max()))


def _falls_below(
    F: Callable, f0: float, noise: float, h: float, unit: Vector, toward: list
) -> bool:
    """Does f fall from 0 by more than its rounding at the AFTER rungs below h? A rise can
    sink into rounding at one step only because it changes sign there: (x - a)**2 + C
    rises by h (h - 2a) at h, which is about 0 at h = 2a and a clear fall at 2a / 16."""
    for _ in range(AFTER):
        values = np.array([F(y) for y in _probes(h, unit, toward)])
        if not np.all(values >= f0 - noise):
            return True
        h /= RUNG
    return False


def _probes(h: float, unit: Vector, toward: list) -> list:
    """0 ± h unit_j e_j along each axis, and ± h times each direction in `toward`."""
    zero = np.zeros_like(unit)
    axes = [shifted(zero, j, side * h * unit[j]) for j in range(unit.size) for side in (1, -1)]
    return axes + [side * h * d for d in toward for side in (1, -1)]


def quadratic_minimum(
    F: Callable, x: np.ndarray, fx: float, slope: float, size: np.ndarray, tol: float
) -> tuple[float, float, float] | None:
    """Where |∇f| is known only to be below `slope`: a bound on |∇f|, the distance to the
    minimum of f's quadratic model, and the least |∇f| that floats resolve at x (the
    Hessian times x's rounding, eps |x|), if f's Hessian is positive definite beyond its
    error and the minimum is within tol |x| of x or its fall within f's rounding; else None.

    The Hessian's steps start at eps^(1/4) size and grow 16 times while its error
    (f's rounding over the steps squared) hides its sign (1e8 + x**2 needs 2e-3). Each
    must agree within their errors with the one at shorter steps (half the first, or the
    previous), else its steps see f's higher terms, not its curvature at x (1 - 2e-7 x**2
    + 0.2 x**4 at 0, whose steps f's flatness had lengthened 100 times), and "positive
    definite" must hold along each eigenvector at half the step (`_clear_of_truncation`,
    2n calls), or the steps grow on: agreement is only as fine as the shorter steps'
    rounding, which hid a steep direction's higher terms leaking into a faint one (log
    cosh of (x + y) / 1e-4 and of (x - y) / 1e8, turned 0.3 rad, where the faint
    curvature 4e-17 read 15; at the next steps it disagrees). Its
    gradient, at the same steps, counts its truncation as the change from half steps.
    Beyond `whole_hessian`'s size it is None: "positive definite" needs every eigenvalue,
    and only the whole Hessian gives them.
    """
    if not whole_hessian(x.size):
        return None
    before = _hessian(F, x, fx, steps(x, size / 2, 1 / 4), slope)  # at shorter steps
    for lengthening in range(LENGTHENINGS):
        unit = size * 16.0**lengthening
        s = steps(x, unit, 1 / 4)
        H, error = _hessian(F, x, fx, s, slope)
        if not norm((H - before[0]).ravel()) <= error + before[1]:
            settled = None if lengthening else _settled(F, x, fx, size, slope, (H, before))
            if settled is None:
                return None  # truncation: f is not its quadratic model at these steps
            (H, error), unit = settled
            s = steps(x, unit, 1 / 4)
        eigen = np.linalg.eigh(H) if np.all(np.isfinite(H)) else (np.full(x.size, np.nan), None)
        lowest = float(eigen[0][0])
        before = (H, error)
        if lowest - error > 0 and _clear_of_truncation(F, x, fx, s, eigen, error):
            g, noise = central(F, x, fx, s)
            half = central(F, x, fx, steps(x, unit / 2, 1 / 4))[0]
            slope = min(slope, norm(g) + noise + 4 / 3 * norm(g - half))
            distance = slope / (lowest - error)
            near = distance <= tol * norm(x) or slope * distance / 2 <= ROUNDING * EPS * abs(fx)
            floor = EPS * norm(x) * float(np.max(np.abs(np.linalg.eigvalsh(H))))
            return (slope, distance, floor) if near else None
        if not lowest + error > 0:  # f curves down here (or is not finite)
            return None
    return None


def _settled(
    F: Callable, x: Vector, fx: float, size: Vector, slope: float, pair: tuple
) -> tuple[tuple[Vector, float], Vector] | None:
    """Where the Hessians at the first steps and at half of them disagree beyond their
    rounding, which is all but nothing where f(x) is 0 (log cosh at its minimum, where
    the second difference reads 1 - s^2 / 3 and f's rounding is 1e-16 of it): f's Hessian
    at a quarter of the steps and its error, with the sizes it was taken at, if the
    disagreement fades there as truncation does (at most a third of what it was; it
    falls as the steps squared, to a quarter), which then bounds what is left of it;
    else None (f is not its quadratic model so close to x: higher terms, a kink, noise).
    One Hessian more (n^2/2 + 3n/2 + 1 calls of f)."""
    (H, half), quarter = pair, size / 4
    shorter, error = _hessian(F, x, fx, steps(x, quarter, 1 / 4), slope)
    first, then = norm((H - half[0]).ravel()), norm((half[0] - shorter).ravel())
    if not then <= first / 3:
        return None
    return (shorter, error + half[1] + then), quarter


def hidden_fall(
    F: Callable,
    x: Vector,
    fx: float,
    size: Vector,
    tol: float,
    allowed: float,
    flat: tuple[Vector, list] | None = None,
) -> str:
    """Does f fall below f(x) along an axis, or along a direction whose curvature f's
    Hessian does not show (the columns of `flat`, unit vectors: `faint_directions`),
    farther than 2 sqrt(tol) of the variable's size (where a minimum within sqrt(tol) of
    it cannot reach) and by more than `allowed` and its rounding, in a fall that grows
    from x as a slope or a curvature would? '' if not; else the message that says where,
    at the farthest point of that fall.

    A variable in units far from another's (1e12 times and more) that started at 0 takes
    the other's size, and its slope and curvature are then below f's rounding at every
    difference step, or hidden by the other's error: (x / 1e-8 - 1)**2 + (y / 1e8 -
    1)**2 from (0, 0) passed |∇f| <= tol |∇f(x0)| at y = 0, 1e8 from the minimum, where
    ∂f/∂y = -2e-8 is no larger than the target allows; a sigmoid far from its middle
    hides its slope the same way. Where those units lie along directions other than the
    axes ((x + y) / 1e8 and (x - y) / 1e-8), every axis climbs the steep one, and the
    faint one is a direction of f's Hessian whose curvature its error hides: such a
    direction is a size of sum_j (v_j size_j)^2 under its root (size_j along axis j).
    Along each the steps grow 16 times from eps^(1/3) of its size to REACH times it, on
    each side until f rises beyond its rounding, is not finite (or raises), falls less
    far than at the step before, or more than GROWTH times as far (and its rounding): a
    fall that appears from nothing is the edge of a plateau that x lies on (a dead ReLU
    unit, a flat local minimum) or lies past a hump, not a slope at x. Near a minimum f
    falls only up to twice the distance to it; a fall of no more than `allowed` passes.
    Points between the steps are not looked at. 2 to 40 calls of f a direction.
    """
    for j, unit in enumerate(size):
        for side in (1.0, -1.0):
            step = side * float(unit)
            far, _ = _growing_fall(
                F, fx, lambda h, j=j, step=step: shifted(x, j, h * step), tol, allowed
            )
            if far:
                axis = "x" if x.size == 1 else f"x_{j}"
                where = f"{far[0] * step:+.2g} along {axis}"
                return _hidden(x, where, (f"{axis}'s", axis), far[1], fx, unit)
    faint, steep = flat if flat is not None else (np.zeros((x.size, 0)), [])
    for v in faint.T:
        if np.max(np.abs(v)) > 1 - EPS:  # an axis, probed above
            continue
        unit = norm(v * size)
        for side in (1.0, -1.0):
            direction = side * unit * v
            far, rose = _growing_fall(F, fx, lambda h, d=direction: x + h * d, tol, allowed)
            if not far and rose and 0 < len(steep) < RELAXED:
                relaxed = _relaxed(F, x, direction, steep, size)
                far, _ = _growing_fall(F, fx, relaxed, tol, allowed)
            if far:
                where = f"{far[0] * unit:.2g} along the direction {show(side * v)}"
                return _hidden(x, where, ("that direction's", "x along it"), far[1], fx, unit)
    return ""


def _relaxed(F: Callable, x: Vector, direction: Vector, steep: list, size: Vector) -> Callable:
    """The point h steps out along a faint `direction` from x, then moved along each
    `steep` eigenvector q of f's Hessian (with its curvature c) to where f's slope along
    q is 0, by one Newton step -(slope / c) q, the slope by a central difference at a
    step eps^(1/3) of x's size along q (2 calls of f each). The faint direction is an
    eigenvector of a Hessian whose error grows with its steepest curvature: (x + y) /
    1e8 and (x - y) / 1e-8 turned 0.3 rad leave it 1e-8 off, and 1e-6 along it f climbs
    the steep direction by 1e-13 and hides a fall of 7e-15."""

    def point(h: float) -> Vector:
        p = x + h * direction
        for curvature, q in steep:
            t = EPS ** (1 / 3) * norm(q * size)
            slope = (float(F(p + t * q)) - float(F(p - t * q))) / (2 * t)
            p = p - (slope / curvature) * q
        return p

    return point


def faint_directions(
    F: Callable, x: Vector, fx: float, size: Vector, hessian: tuple[Vector | None, float]
) -> tuple[Vector, list] | None:
    """The unit eigenvectors (as columns) of f's Hessian H, `hessian` = (H, its error),
    where f's curvature does not show: those whose eigenvalues are within that error of
    0 or below, and those whose curvature does not hold at half the step (`_holds`, 2
    calls each): a steep direction's higher terms leak into a faint one's entries (its
    curvature 1e-16 read 3.5e-3, and -6e-7 at half the step). Where `hessian_test` kept
    no H because longer steps disagreed (log cosh((x - y) / 1e8 - 1) + ...), the Hessian
    at its first steps is taken again (n^2 + n + 1 calls of f). With them, the others
    whose curvature is positive, as (curvature, eigenvector) pairs (`_relaxed`). None
    beyond `whole_hessian`'s size, or where f is not finite at the Hessian's points."""
    H, error = hessian
    s = steps(x, size, 1 / 4)
    if H is None and whole_hessian(x.size):
        H, error = _hessian(F, x, fx, s, 0.0)
    if H is None or not np.all(np.isfinite(H)):
        return None
    curvatures, Q = np.linalg.eigh(H)
    faint = [
        value <= error or not _holds(F, x, fx, s, (value, q), error)
        for value, q in zip(curvatures, Q.T, strict=True)
    ]
    steep = [(v, q) for v, q, f in zip(curvatures, Q.T, faint, strict=True) if not f]
    return Q[:, faint], steep


def _growing_fall(
    F: Callable, fx: float, point: Callable, tol: float, allowed: float
) -> tuple[tuple[float, float] | None, bool]:
    """`hidden_fall` along one side of one direction, whose point h sizes out is
    `point(h)`: the farthest h of a fall that grows from x and passes the test there, with
    f at it (None if none), and whether the look ended where f rose again. A fall clear
    at the first step grows from x if it fades as a slope or a curvature does at shorter
    steps (`_fades`)."""
    first = EPS ** (1 / 3)
    h, before, found = first, 0.0, None
    while h <= REACH:
        try:
            fy = float(F(point(h)))
        except Exception:  # f is not defined that far out (a table's range, an index)
            break
        noise = ROUNDING * EPS * max(abs(fx), abs(fy))
        fall = fx - fy
        if h == first and _fades(F, fx, point, h, fall, noise):
            before = fall / 16  # clear at the first step, and a slope's or a curvature's
        if not (np.isfinite(fy) and before - noise <= fall <= GROWTH * (before + 2 * noise)):
            # f rises again, is not finite, or drops from nothing: no fall grows here
            return found, bool(np.isfinite(fy) and fall < before - noise)
        if h > 2 * np.sqrt(tol) and fall > max(noise, allowed):
            found = (h, fy)  # on to the farthest point of the fall
        before, h = fall, h * 16
    return found, False


def _fades(F: Callable, fx: float, point: Callable, h: float, fall: float, noise: float) -> bool:
    """Is a `fall` already clear at the first step h (beyond GROWTH times f's rounding,
    which a slope the gradient test let pass can reach once x is large: x of 3e7 in units
    1e8 apart) a slope's or a curvature's, falling by 1/2 to 1/4 at each halving of h, at
    h / 2 and h / 4 (2 calls of f)? A drop at x does not fade so, nor, mostly, does noise."""
    if not (np.isfinite(fall) and fall > GROWTH * 2 * noise):
        return False
    before = fall
    for k in (2, 4):
        try:
            half = fx - float(F(point(h / k)))
        except Exception:
            return False
        if not before / 5 <= half <= 0.6 * before:
            return False
        before = half
    return True


def _hidden(
    x: Vector, where: str, names: tuple[str, str], fy: float, fx: float, size: float
) -> str:
    """The message of a fall `where` (how far along what), whose direction's size and
    what gradient descent hardly moves are `names`."""
    whose, moved = names
    return (
        f"f falls farther out than its differences look: {where} from "
        f"x = {show(x)}, f is {fx - fy:.2g} below f(x) = {fx:.6g}, in a fall that grows "
        f"from x, so x is no minimum; at steps of {whose} size, taken as {size:.2g}, its "
        "slope was too faint beside f's rounding or the other slopes to see, and gradient "
        f"descent moves {moved} by almost nothing. Variables in units far apart do this "
        "(rescale them to like sizes, or start each at a typical value of its own), as "
        "does a term that saturates (a sigmoid or tanh far from its middle)"
    )


def curves_down(F: Callable, G: Gradient, x: Vector, fx: float, size: Vector) -> bool:
    """Does f curve down at x along some direction, beyond the error of its differences? A
    saddle that falls only off the axes (xy's, or x**2 + y**2 - 3xy's, at 0), which descent
    reaches along the direction where f rises: `second_order` says DOWN."""
    return second_order(F, G, x, fx, size) == DOWN


def second_order(F: Callable, G: Gradient, x: Vector, fx: float, size: Vector) -> str:
    """The second-derivative test at x, where ∇f ~ 0: DOWN if f's Hessian has an eigenvalue
    below minus its error and f curves down along its eigenvector by as much (`_falls_off`:
    a saddle, or a maximum), UP if every eigenvalue is above its
    error and its truncation (a minimum), else UNDECIDED: an eigenvalue within its error of
    0, where a minimum (x**4 + y**4) and a degenerate saddle ((y - x**2)(y - 3x**2)) look
    alike. Up to `whole_hessian` variables by f's Hessian (n^2 + n + 1 calls of f, 2n more
    to see its truncation for UP, and longer steps where rounding hides the sign); beyond,
    by `lowest_curvature` (O(n) calls each), after a fall on both sides along an axis
    (`falls_along_axis`, 6n calls, or 2n of f and 2n of `grad`): a slope that drops across
    x is a curving down that a spread spectrum can hide from Lanczos."""
    return hessian_test(F, G, x, fx, size)[0]


def hessian_test(
    F: Callable, G: Gradient, x: Vector, fx: float, size: Vector
) -> tuple[str, Vector | None, float]:
    """`second_order`'s verdict, the Hessian it rests on (None beyond `whole_hessian`'s
    size, where only Hessian-vector products are taken, or where f is not finite near x)
    and the bound on that Hessian's eigenvalues' errors its verdict used. Where f is not
    finite at some of the Hessian's points (a wall closer than its steps), DOWN if the
    finite part curves down (`_partly_seen`), else steps 16 times shorter are tried, about
    as long as the gradient's; UNSEEN (no minimum is verified) where f is not finite there
    either and the finite part does not curve down, or where the longer steps that an
    undecided Hessian tries (`_lengthened`) reach where f is not finite."""
    if not whole_hessian(x.size):
        if falls_along_axis(F, G, x, G.steps(x)) == 2:
            return DOWN, None, np.inf
        return _krylov_verdict(_hessian_product(F, G, x, size), x.size), None, np.inf
    s = steps(x, size, 1 / 4)
    H, error = _hessian(F, x, fx, s, 0.0)
    if not np.all(np.isfinite(H)):  # f not finite at some of its points (a wall close by)
        if _partly_seen(H, x, fx, s) == DOWN:
            return DOWN, None, np.inf  # its finite part curves down: a saddle
        s = steps(x, size / 16, 1 / 4)  # steps 16 times shorter, about the gradient's
        H, error = _hessian(F, x, fx, s, 0.0)
        if not np.all(np.isfinite(H)):
            return _partly_seen(H, x, fx, s), None, np.inf
    lowest, Q = np.linalg.eigh(H)
    if lowest[0] < -error and _falls_off(F, x, fx, s, Q[:, 0], error):
        return DOWN, H, error
    if lowest[0] > error and _clear_of_truncation(F, x, fx, s, (lowest, Q), error):
        return UP, H, error
    return _lengthened(F, x, fx, size, (H, error))


def _partly_seen(H: Vector, x: Vector, fx: float, s: Vector) -> str:
    """The verdict of a Hessian with entries that are not finite (f is not finite at some
    of its points, or their differences overflow): DOWN if its finite part, the rows and
    columns of the axes whose second differences are finite, has an eigenvalue below
    minus its error, else UNSEEN."""
    seen = np.flatnonzero(np.isfinite(np.diag(H)))
    part = H[np.ix_(seen, seen)]
    if seen.size == 0 or not np.all(np.isfinite(part)):
        return UNSEEN
    error = _error(part, x[seen], fx, s[seen], 0.0)
    return DOWN if float(np.linalg.eigvalsh(part)[0]) < -error else UNSEEN


def model_step(H: Vector | None, g: Vector) -> Vector | None:
    """H^-1 ∇f, the step from x to the minimum of f's quadratic model, where the Hessian H
    is known and positive definite; None where it is not known."""
    if H is None:
        return None
    scale = float(np.max(np.abs(H)))  # H / scale, so that no entry overflows in the solve
    return np.linalg.solve(H / scale, g / scale) if scale > 0 else None


def _resolved_step(H: Vector, error: float, g: Vector, noise: float) -> Vector | None:
    """The step to the minimum of f's quadratic model, H^-1 ∇f, each eigenvalue of H taken
    as computed where it is above its error, or above 0 with ∇f's part along it above
    ∇f's error `noise` (a shallow valley beside a steep one, whose curvature the steep
    one's error hides but whose slope shows); else as its error (a flat direction, where
    only rounding is seen): there the step is a lower bound. None if H or ∇f is not
    finite."""
    if not (np.all(np.isfinite(H)) and np.all(np.isfinite(g)) and error < np.inf):
        return None
    scale = float(np.max(np.abs(H))) or 1.0  # H / scale: no entry overflows
    values, Q = np.linalg.eigh(H / scale)
    along = Q.T @ (g / scale)
    seen = (values > error / scale) | ((values > 0) & (np.abs(along) * scale > noise))
    floor = max(error / scale, float(np.finfo(np.float64).tiny))
    return Q @ (along / np.where(seen, values, np.maximum(values, floor)))


def _newton_reach(
    F: Callable, G: Gradient, x: Vector, g: Vector, sizes: Vector, bound: float
) -> Vector | None:
    """Beyond `whole_hessian`'s size (or where the whole Hessian's truncation showed): the step
    to the minimum of f's quadratic model, H^-1 ∇f, by conjugate gradients with f's
    Hessian-vector products (at most LANCZOS, 4n + 2 calls of f each), each curvature
    taken as at least its error (as `_resolved_step`). The iterates grow in length while
    H is positive definite along their directions, so it stops at the first longer than
    `bound` in x's `sizes`, or once solved, or at a curvature not above its error (then
    taken as that error, so the step is a lower bound: a curvature below minus its error
    is the second-derivative test's to judge, and here mostly the products' rounding);
    None where ∇f is 0 (or beyond the floats) or f is not finite near x."""
    size = G.sizes(x)
    product, c = _hessian_product(F, G, x, size), float(size.max())
    d, r = np.zeros_like(x), c * c * g  # (c^2 H) d = c^2 ∇f
    p, rr = r.copy(), float(r @ r)
    if not 0 < rr < np.inf:
        return None
    for _ in range(min(x.size, LANCZOS)):
        length = norm(p)
        Aq, error = product(p / length)  # c^2 H q, q = p / |p|
        curvature = float(p @ Aq) / length  # q . c^2 H q
        if not np.isfinite(curvature):
            return None  # f is not finite near x
        alpha = rr / (max(curvature, error) * length**2)
        d = d + alpha * p
        if norm(d / sizes) > bound or curvature <= error:
            return d  # far enough to decide, or a curvature no longer resolved
        r = r - alpha * length * Aq
        if not norm(r) > EPS * c * c * norm(g):
            return d  # solved (a residual relative to ∇f would stop where ∇f's rounding,
            # in the steep directions, outweighs its slope along the shallow ones)
        rr, last = float(r @ r), rr
        p = r + rr / last * p
    return d


def model_holds(F: Callable, G: Gradient, x: Vector, fx: float, g: Vector, H: Vector) -> bool:
    """Does f agree with its quadratic model about its minimum? At the model's
    minimum y = x - H^-1 ∇f, f must be no higher than at x (beyond its rounding), and the
    Newton step from y, by the same H, at most a quarter of the step to it (or within
    the rounding of ∇f(y)). Near a true minimum the second step is of the order of the
    first squared; along a tail that flattens with no minimum (tanh far out, where f's
    curvature is positive) it is a large fraction of the first, in whichever
    coordinates ∇f is largest. A test against such tails, not a proof: where the
    tail's rate of decay varies, a long Newton step can land where the slope has
    fallen 4 times. 1 + 2n calls of f (or 1 and one of `grad`)."""
    step = model_step(H, g)
    if step is None:
        return False
    y = x - step
    fy = F(y)
    if not fy <= fx + ROUNDING * EPS * abs(fx):  # also when f is not finite there
        return False
    gy, noise = G(y, fy)
    scale = float(np.max(np.abs(H)))  # as in model_step: no entry overflows
    lowest = float(np.linalg.eigvalsh(H / scale)[0]) * scale
    second = model_step(H, gy)
    return second is not None and bool(norm(second) <= norm(step) / 4 + noise / lowest)


def _falls_off(F: Callable, x: Vector, fx: float, s: Vector, q: Vector, error: float) -> bool:
    """Does f curve down along q, the eigenvector of its Hessian's lowest eigenvalue, as
    that Hessian (differenced at steps s, with that `error`) says: is (f(x + tq) + f(x -
    tq) - 2 f(x)) / t^2, at the step t the steps make along q, below minus that error and
    its own rounding (2 calls of f)?

    f's rounding is taken from the size of its values, and a term that cancels is
    rounded at the size of its parts: (x + y - 1)^2 near x + y = 1 (the floor of a least
    squares valley) is rounded at eps times 2 |x + y - 1|, not at eps times its value.
    Its Hessian read -7e-12 along the floor, beyond the error its values give; f itself,
    along that direction, curves by -1e-16 (rounding)."""
    d, rounding = _curvature_along(F, x, fx, q, norm(s * q))
    return bool(d < -(error + rounding))


def _clear_of_truncation(
    F: Callable, x: Vector, fx: float, s: Vector, eigen: tuple, error: float
) -> bool:
    """Does each eigenvalue of f's Hessian stand above its errors, its truncation counted
    (`_holds`, 2n calls of f at most)?"""
    values, Q = eigen
    return all(_holds(F, x, fx, s, pair, error) for pair in zip(values, Q.T, strict=True))


def _holds(F: Callable, x: Vector, fx: float, s: Vector, pair: tuple, error: float) -> bool:
    """Does the eigenvalue of an eigenpair (value, q) of f's Hessian, differenced at steps
    s with that `error`, stand above its errors, its truncation counted?

    A Hessian differenced at one step cannot tell curvature from f's higher terms: x**4's
    at 0 is 2 h^2. So along q the curvature is taken again at half the step, (f(x + tq) +
    f(x - tq) - 2 f(x)) / t^2 (2 calls of f), and twice its change counts as truncation
    (a term in h^2 changes by 3/4 of itself). False where a value is not finite."""
    value, q = pair
    d, d_error = _curvature_along(F, x, fx, q, norm(s * q) / 2)
    return bool(min(value, d) - 2 * abs(value - d) > error + d_error)


def _curvature_along(F: Callable, x: Vector, fx: float, q: Vector, t: float) -> tuple:
    """f's curvature along the unit vector q at x, (f(x + tq) + f(x - tq) - 2 f(x)) / t^2
    (2 calls of f), and a bound on its rounding error: each value's, and x's own."""
    up, down = F(x + t * q), F(x - t * q)
    d = (up + down - 2 * fx) / t**2
    terms = max(abs(up), abs(down), abs(fx))
    return d, 8 * ROUNDING * EPS * terms / t**2 + 2 * EPS * norm(x) * abs(d) / t


def _lengthened(
    F: Callable, x: Vector, fx: float, size: Vector, before: tuple
) -> tuple[str, Vector | None, float]:
    """Where the Hessian at steps eps^(1/4) size cannot decide: its verdict at steps 16,
    256 and 4096 times longer (f's rounding over the steps squared shrinks 256 times each;
    1 + x**2 - 1e-10 y**2 at 0 needs 4096), while each agrees within their errors with
    the one before. The change from the one before bounds the truncation (a term in h^2
    grows 256 times a lengthening), so it widens the margin a verdict must clear; where
    they disagree, f's higher terms show and nothing is decided."""
    for lengthening in range(1, LENGTHENINGS):
        longer = steps(x, size * 16.0**lengthening, 1 / 4)
        H, error = _hessian(F, x, fx, longer, 0.0)
        if not np.all(np.isfinite(H)):
            return UNSEEN, None, np.inf  # the longer steps reach where f is not finite
        change = norm((H - before[0]).ravel())
        if not change <= error + before[1]:
            return UNDECIDED, None, np.inf  # truncation shows
        margin = 2 * error + before[1] + change
        curvatures, Q = np.linalg.eigh(H)
        lowest = float(curvatures[0])
        if lowest < -margin and _falls_off(F, x, fx, longer, Q[:, 0], margin):
            return DOWN, H, margin
        if lowest > margin:
            return UP, H, margin
        before = (H, error)
    return UNDECIDED, before[0], margin  # the longest steps' Hessian, which agreed so far


def _krylov_verdict(product: Callable, n: int) -> str:
    """`second_order` beyond `whole_hessian`'s size: DOWN if the lowest Ritz value is below
    minus its error (it bounds the lowest eigenvalue from above); UNSETTLED if the lowest
    Ritz pair has not settled in LANCZOS products (a spread spectrum: then no lower bound is
    known); UP once it has, if the Ritz value stands above its error and residual and its
    curvature along the Ritz vector holds at half the differences' step (one more product);
    else UNDECIDED."""
    lowest, error, ritz = lowest_curvature(product, n)
    if lowest < -error:
        return DOWN
    if ritz is None:
        return UNSETTLED
    if not lowest > 2 * error:
        return UNDECIDED
    p, half_error = product(ritz, 0.5)
    d = float(ritz @ p)
    return UP if min(lowest, d) - 2 * abs(lowest - d) > 2 * error + half_error else UNDECIDED


def whole_hessian(n: int) -> bool:
    """Is f's whole Hessian (n^2 + n + 1 calls) no dearer than LANCZOS products (4n + 2
    calls each)? Up to n = WHOLE = 159."""
    return n <= WHOLE


def lowest_curvature(product: Callable, n: int) -> tuple[float, float, Vector | None]:
    """The least curvature of f found at x, in x's units, its error bound, and its Ritz
    vector if it has settled (else None): the lowest eigenvalue of f's Hessian on a Krylov
    space (Lanczos, from a fixed random start), built from at most LANCZOS products
    ``product(v) -> (Hv, error)``. Memory O(n LANCZOS).

    With V the basis (rows) and P its products, the Ritz values are the eigenvalues of
    sym(V P^T) = V H V^T + sym(V E^T), E the products' errors: the lowest is never below
    H's (Cauchy's interlacing), and is off by at most |E|_F. So `lowest < -error` proves a
    negative eigenvalue. It stops there, or once the lowest Ritz pair's residual is within
    the error (settled: an eigenvalue of H lies within twice the error of it), or after
    LANCZOS products; a negative eigenvalue not yet resolved by then goes unseen.
    """
    k_max = min(n, LANCZOS)
    V, P, errors = np.zeros((k_max, n)), np.zeros((k_max, n)), np.zeros(k_max)
    v = np.random.default_rng(0).standard_normal(n)
    v /= norm(v)
    for k in range(k_max):
        V[k] = v
        P[k], errors[k] = product(v)
        if not (np.all(np.isfinite(P[k])) and np.isfinite(errors[k])):
            return np.nan, np.inf, None  # f is not finite near x: nothing is seen
        T = V[: k + 1] @ P[: k + 1].T
        theta, Y = np.linalg.eigh((T + T.T) / 2)
        lowest, error = float(theta[0]), norm(errors[: k + 1])
        w = _orthogonal(P[k], V[: k + 1])
        if lowest < -error:
            return lowest, error, None  # a negative curvature proved
        if norm(w) * abs(Y[k, 0]) <= error:
            return lowest, error, V[: k + 1].T @ Y[:, 0]  # the lowest Ritz pair settled
        v = w / norm(w)
    return lowest, error, None


def _orthogonal(p: Vector, V: np.ndarray) -> Vector:
    """p less its part in the span of V's orthonormal rows (twice, against rounding)."""
    for _ in range(2):
        p = p - V.T @ (V @ p)
    return p


def _hessian_product(F: Callable, G: Gradient, x: Vector, size: Vector) -> Callable:
    """``product(v) -> (Hv, error)`` for c^2 H, f's Hessian in units c = max(size) (one
    scale for all, as the whole Hessian's eigenvalues are in x's own units): the change of
    c ∇f from x - t c v to x + t c v over 2t, with a given `grad` (t = eps^(1/3)) or central
    differences at steps eps^(1/4) size (t = eps^(1/4)). The error counts each gradient's
    rounding, and x ± t c v's own rounding (eps |x| / c). ``product(v, 0.5)`` halves t."""
    t0, c = (EPS ** (1 / 3) if G.given else EPS ** (1 / 4)), float(size.max())

    def product(v: Vector, shorter: float = 1.0) -> tuple[Vector, float]:
        t = shorter * t0  # `shorter` < 1 to see the truncation of the differences
        (up, e_up), (down, e_down) = (_gradient(F, G, x + d, size) for d in (t * c * v, -t * c * v))
        p = c * (up - down) / (2 * t)
        drift = EPS * norm(x) / c * norm(p) / t
        return p, c * norm(e_up + e_down) / (2 * t) + drift

    return product


def _gradient(F: Callable, G: Gradient, y: Vector, size: Vector) -> tuple[Vector, Vector]:
    """∇f(y) and a bound on each entry's error: a given `grad` (each entry rounded by
    ROUNDING eps of itself), else central differences at steps eps^(1/4) size."""
    if G.given:
        g = G(y, np.nan)[0]
        return g, ROUNDING * EPS * np.abs(g)
    return central_errors(F, y, F(y), steps(y, size, 1 / 4))


def _hessian(F: Callable, x: Vector, fx: float, s: Vector, slope: float) -> tuple[Vector, float]:
    """f's Hessian at x by differences with steps s, and a bound on its rounding error
    (each value rounded by ROUNDING eps times the size of f's terms there: entry ij's
    points x ± s_i e_i ± s_j e_j lie up to (|H_ii| s_i^2 + |H_jj| s_j^2) / 2 + |H_ij| s_i s_j
    above f(x), so a long step along a flat axis does not inflate a steep axis's error)."""
    H = hessian_at(F, x, s)
    return H, _error(H, x, fx, s, slope)


def _error(H: Vector, x: Vector, fx: float, s: Vector, slope: float) -> float:
    """`_hessian`'s bound on the rounding error of the Hessian H at steps s."""
    rise = np.abs(np.diag(H)) * s**2 / 2
    terms = abs(fx) + rise[:, None] + rise[None, :] + np.abs(H) * np.outer(s, s)
    return norm((8 * ROUNDING * EPS * (terms + slope * norm(x)) / np.outer(s, s)).ravel())


# --- gradient_descent's stopping rule, built on these checks ------------------------------


def _flat(x: Vector, fx: float, g: Vector, noise: float, target: float) -> tuple[bool, str] | None:
    """Converged, or the gradient lost in rounding, or None to go on.

    Converged when |∇f| plus the rounding error of a differenced gradient is at most
    tol |∇f(x0)|: so a gradient that rounded to 0 does not pass.
    """
    length = norm(g)
    if length == 0 and noise == 0:  # norm is 0 only where every entry is
        return True, "converged: ∇f(x) = 0 exactly"
    if length + noise <= target:
        return True, f"converged: |∇f(x)| <= tol |∇f(x0)| = {target:.3g}"
    if length <= noise:
        return False, lost(x, fx, g, noise, target)
    return None


class Judge:
    """Has the run converged at x, or must it stop there? Checked on f itself.

    A gradient small beside ∇f(x0) is a minimum only once one is placed near x (and a
    given `grad` agrees with f). Where the iterates shrink toward 0, x = 0 exactly is
    tried. An exit that would report failure first asks f's Hessian whether x is a
    minimum to within tol |x| or f's rounding, which the gradient's rounding may hide:
    with |∇f| <= tol |∇f(x0)| too, unless ∇f(x0) was itself lost in rounding (x0 at a
    stationary point), or tol |∇f(x0)| is below the least |∇f| floats resolve at x (x0
    beside a maximum: cos from 1e-9).
    """

    def __init__(
        self, F: Callable, G: Gradient, done: Finish, tol: float, target: float, unscaled: bool
    ) -> None:
        self.F, self.G, self.done, self.tol, self.target = F, G, done, tol, target
        self.unscaled = unscaled  # ∇f(x0) lost in its rounding: no target for |∇f|
        self.reach = norm(done.history[0])  # 0 is tried once x is within tol of this
        self.ask = np.inf  # |∇f| below which a minimum near x is sought
        self.beyond: tuple | None = None  # (x, distance, H): a minimum f confirmed, too far

    def __call__(
        self, x: Vector, fx: float, g: Vector, noise: float, last: tuple | None
    ) -> SolverResult | None:
        flat = _flat(x, fx, g, noise, self.target)
        if not flat:
            return None
        if not flat[0]:  # lost in rounding
            return self._refuted(x, fx, g, noise, last, flat[1])
        if norm(g) > self.ask:
            return None  # a minimum was placed and refuted at a larger |∇f|: descend on
        near = _stationary(self.F, self.G, x, fx, g, last, self.tol)
        if near is None:  # no minimum in sight: go on, unless x has shrunk onto 0
            return self._origin(x, fx)
        if not near:
            why = lost(x, fx, g, noise, self.target) if norm(g) < noise else _corner(x)
            return self._refuted(x, fx, g, noise, last, why)
        verdict, H, error = hessian_test(self.F, self.G, x, fx, self.G.sizes(x))
        if verdict == DOWN:
            ridge = falling_corner(self.F, x, fx, self.G.steps(x))
            return self.done(fx, False, ridge or _saddle(x))
        if verdict == UNSEEN:
            return self.done(fx, False, unseen(x))
        wrong = self.G.check(x, fx, g, self.target)
        if wrong:
            return self.done(fx, False, wrong)
        # The step to the minimum of f's quadratic model (`_resolved_step`): the Newton
        # step where H is positive definite beyond its errors (UP); along a direction
        # whose curvature the error hides and whose slope does not show, a lower bound.
        bound = float(np.sqrt(self.tol))
        if H is not None:
            step = _resolved_step(H, error, g, noise)
        else:  # beyond whole_hessian's size, or the whole Hessian's truncation showed
            step = _newton_reach(self.F, self.G, x, g, self.G.sizes(x), bound)
        distance = norm(step) if step is not None else np.nan
        if step is not None and norm(step / self.G.sizes(x)) > bound:
            # the minimum lies beyond sqrt(tol) of x's size in some variable: descend on
            # (asking again once |∇f| has fallen 4 times more), and if f confirms the
            # model's minimum, a failure says where it is
            exact = H if verdict == UP else None  # the model f must confirm, if any
            if (
                model_holds(self.F, self.G, x, fx, g, exact)
                if exact is not None
                else self.F(x - step) <= fx + ROUNDING * EPS * abs(fx)
            ):
                self.beyond = (x, distance, exact)
            self.ask = norm(g) / 4
            return None
        if H is None:
            distance = np.nan  # no Newton step to tell
        elif verdict == UP and distance > self.tol * norm(x):
            if not model_holds(self.F, self.G, x, fx, g, H):
                # a minimum farther than tol |x| that f does not confirm: descend on, and
                # ask again only once |∇f| has fallen 4 times more (each costs a Hessian)
                self.ask = norm(g) / 4
                return None
        if verdict != UP:  # along an axis that f's differences cannot see, f may fall
            faint = faint_directions(self.F, x, fx, self.G.sizes(x), (H, error))
            fall = hidden_fall(self.F, x, fx, self.G.sizes(x), self.tol, self._allowed(fx), faint)
            if fall:
                return self.done(fx, False, fall)
        kink = _corner_seen(self.F, x, fx, last, self.G.steps(x))
        return self.done(fx, True, kink or f"{flat[1]}: {_kind(x, verdict, distance)}")

    def _allowed(self, fx: float) -> float:
        """The fall below f(x) a converged claim may leave: tol^2 of f's fall from x0, as
        |∇f| <= tol |∇f(x0)| leaves along a line (0 where f has not fallen)."""
        f0 = self.done.f0 if self.done.f0 is not None else self.F(self.done.history[0])
        return self.tol**2 * (f0 - fx) if f0 > fx else 0.0

    def failed(self, fx: float, g: Vector, noise: float, message: str) -> SolverResult:
        """The failure `message`, unless a minimum is verified at 0 or, by f's Hessian, at x."""
        x = self.done.history[-1]
        snapped = self._origin(x, fx)
        if snapped:
            return snapped
        near = quadratic_minimum(self.F, x, fx, norm(g) + noise, self.G.sizes(x), self.tol)
        slope, distance, floor = near if near else (np.inf, np.inf, 0.0)
        if near and (self.unscaled or slope <= self.target or self.target <= floor):
            if not self.G.check(x, fx, g, self.target):
                return self.done(fx, True, _quadratic(slope, distance))
        return self.done(fx, False, self._diagnosed(x, fx, g, noise, message) + self._far())

    def _far(self) -> str:
        """What a minimum placed too far from an x with a small gradient says, if one was."""
        if self.beyond is None:
            return ""
        x, distance, H = self.beyond
        if H is None:
            placed, times = f"at least {distance:.2g}", "far"
        else:
            curvatures = np.linalg.eigvalsh(H / np.max(np.abs(H)))
            placed, times = f"about {distance:.2g}", f"{curvatures[-1] / curvatures[0]:.1g} times"
        return (
            f". |∇f| passed the test at x = {show(x)}, but f's Hessian placed the minimum "
            f"{placed} from there, more than sqrt(tol) = {np.sqrt(self.tol):.2g} of x's size "
            f"in some variable, and f agreed: f curves {times} more steeply one way "
            "than another, a narrow valley that gradient descent crosses only slowly "
            "(Newton's method, or variables rescaled to like curvatures, reach its floor)"
        )

    def _diagnosed(self, x: Vector, fx: float, g: Vector, noise: float, message: str) -> str:
        """A failure `message`, with what f shows at x: a given `grad` that disagrees with
        central differences of f (their truncation counted, as |∇f| need not be small
        here), or, where |∇f| is small, f curving down (a saddle, where descent creeps)."""
        wrong = self.G.check(x, fx, g, self.target)
        if wrong:
            return f"{message}. And {wrong}"
        start, first = self.done.history[0], self.done.history[min(1, len(self.done.history) - 1)]
        f0, far = self.F(start), FAR * max(norm(start), norm(first - start))
        if norm(x) > far and fx < f0 - FAR * max(abs(f0), self.target / self.tol * far / FAR):
            return f"{_fell(f0, fx, x)}; {message}"
        if norm(g) <= max(self.target, noise) and curves_down(
            self.F, self.G, x, fx, self.G.sizes(x)
        ):
            return f"{_creeping(x)}; {message}"
        return message

    def _origin(self, x: Vector, fx: float) -> SolverResult | None:
        """x = 0 exactly, if x has shrunk within tol of its size at the start (or at the
        last try) and 0 is verified: f(0) <= f(x), f falls from 0 along no axis at any
        scale, and a given `grad` is 0 there and agrees with f; a saddle if f curves down
        at 0 along a direction off the axes (the iterates came along its stable manifold)."""
        if not norm(x) <= self.tol * self.reach:
            return None  # x has not shrunk toward 0
        self.reach = norm(x) if np.any(x) else -1.0  # next try once x shrank tol times more
        zero = np.zeros_like(x)
        finest = origin_is_minimum(self.F, x, fx, self.G.sizes(zero))
        if not finest:
            return None
        f0 = self.F(zero)
        g0 = self.G(zero, f0)[0] if self.G.given else np.zeros_like(x)
        if np.any(g0) or self.G.check(zero, f0, g0, self.target):
            return None
        verdict = second_order(self.F, self.G, zero, f0, self.G.sizes(zero))
        if verdict == DOWN:  # a saddle at 0
            return self.done(fx, False, _saddle_at_origin(x))
        if verdict == UNSEEN:
            return None  # 0 is not verified
        if np.any(x):
            self.done.history.append(zero)
        first = first_rung(x, self.G.sizes(zero))
        return self.done(f0, True, _snapped(x, f0, first, finest, verdict))

    def _refuted(
        self, x: Vector, fx: float, g: Vector, noise: float, last: tuple | None, message: str
    ) -> SolverResult:
        """Not a minimum if f is seen to fall away from x (`_why_not`): no Hessian at longer
        steps, nor a snap to 0, overrides a fall seen. Else `failed` with `message`."""
        seen = self._why_not(x, g, noise, last)
        return self.done(fx, False, seen) if seen else self.failed(fx, g, noise, message)

    def _why_not(self, x: Vector, g: Vector, noise: float, last: tuple | None) -> str:
        """Where ∇f(x) = 0: what f falling away along an axis (or curving down off the
        axes) makes of x; '' if neither is seen."""
        if np.any(g):
            return ""
        sides = falls_along_axis(self.F, self.G, x, self.G.steps(x))
        if sides:
            return _not_a_minimum(x, sides, last is None, noise > 0)
        return _saddle(x) if curves_down(self.F, self.G, x, self.F(x), self.G.sizes(x)) else ""


def _stationary(
    F: Callable, G: Gradient, x: Vector, fx: float, g: Vector, last: tuple | None, tol: float
) -> bool | None:
    """Is a minimum within tol |x| of x, or closer than f's rounding can tell? None if not.

    The distance d to it is |∇f| / c, with c the curvature along the last step s (the
    secant (∇f(x) - ∇f(x - s)) . s / |s|^2); no positive curvature means no minimum in
    sight. The slope along -∇f must then turn up within 2d (`_bracketed`): so neither a
    curvature measured along another direction nor a tail that flattens without a minimum
    passes. A gradient of exactly 0 passes if the slope along s rises through 0 at x
    (`turns_up`) and f falls away along no axis (`falls_along_axis`), and is False (a
    tail where f levels off, a slope too faint to see, a saddle) if not.
    """
    if last is None:  # ∇f(x0) = 0: a minimum only if f falls away along no axis
        return falls_along_axis(F, G, x, G.steps(x)) == 0 if not np.any(g) else None
    s = x - last[0]
    scale = float(np.max(np.abs(s)))
    if scale == 0:
        return None
    u = s / scale
    curvature = ((g - last[1]) @ u) / (scale * (u @ u))
    if not curvature > 0:
        return None
    if not np.any(g):  # landed on ∇f = 0: a minimum if the slope turns up on both sides
        seen = 4 * G(x, fx)[1] / curvature  # where the slope outgrows its rounding
        if seen > tol * norm(x) > 0:
            return False  # that is farther than tol |x|: no minimum verified within it
        length = max(tol * scale, 8 * EPS * norm(x), seen)
        return turns_up(F, G, x, u, length) and falls_along_axis(F, G, x, G.steps(x)) == 0
    distance = _near(x, fx, g, curvature, tol)
    return True if distance and _bracketed(F, G, (x, fx, g), 2 * distance, tol) else None


def _near(x: Vector, fx: float, g: Vector, curvature: float, tol: float) -> float:
    """The distance |∇f| / c to the minimum of the quadratic with curvature c, if it is
    within tol |x| or f's fall to it is within f's rounding; else 0."""
    distance = norm(g) / curvature
    near = distance <= tol * norm(x) or 0.5 * curvature * distance**2 <= ROUNDING * EPS * abs(fx)
    return distance if near else 0.0


def _bracketed(F: Callable, G: Gradient, point: tuple, length: float, tol: float) -> bool:
    """Does the slope along -∇f turn up within `length` of x, so that a minimum lies between?

    The probe goes at least a few roundings of x: a curvature secant taken over a long
    step can put a false minimum closer than x's rounding (1/x at x = 1e98). If the slope
    is still down there, the curvature along -∇f itself places the minimum: if that is
    near too, a second probe goes twice as far.
    """
    x, fx, g = point
    for _ in range(2):
        y = x - max(length, 8 * EPS * norm(x)) * (g / norm(g))
        if np.array_equal(y, x):  # x is 0 and the minimum within the smallest numbers
            return True
        fy = F(y)
        along = -(G(y, fy)[0] @ g) / norm(g) if np.isfinite(fy) else np.nan
        if along > 0:
            return True
        curvature = (along + norm(g)) / norm(y - x)  # of f along -∇f, from the probe
        length = 2 * _near(x, fx, g, curvature, tol) if curvature > 0 else 0.0
        if not length:
            return False
    return False


def _not_a_minimum(x: Vector, sides: int, at_start: bool, rounded: bool) -> str:
    zero = "rounds to 0" if rounded else "= 0"
    where = f"∇f(x0) {zero} at x0 = {show(x)}" if at_start else f"∇f(x) {zero} at x = {show(x)}"
    if sides == 2:
        kind = "on both sides: a maximum or a saddle point"
    elif rounded:  # a slope the differences rounded to 0 also falls on one side only
        kind = "on one side: a slope hidden in f's rounding, or an inflection point"
    else:
        kind = "on one side: an inflection point, as x**3's at 0"
    return (
        f"{where}, but f falls away from it along an axis {kind}, not a minimum; "
        "gradient descent cannot leave a point where the gradient is 0, so start it "
        "somewhere else"
    )


#: How a saddle's messages end: what it is, and what to do.
SADDLE = (
    "a saddle point, not a minimum, reached along the directions where f rises; start "
    "gradient descent elsewhere"
)


def unseen(x: Vector) -> str:
    """Why a small gradient at x is no verified minimum where f's Hessian is not finite."""
    return (
        f"the gradient is small at x = {show(x)}, but f's Hessian there is not finite: f "
        "is not finite (or its differences overflow) at some of the points it is "
        "differenced from, even at steps about as short as the gradient's, so a wall or "
        "the edge of f's domain lies beside x. The second-derivative test cannot be made, "
        "and no minimum is verified"
    )


def _saddle(x: Vector) -> str:
    if x.size == 1:  # one variable: no other direction; f curves down along x itself
        return (
            f"|∇f| is small at x = {show(x)}, but f curves down there (f'' < 0 beyond its "
            "error): a maximum, not a minimum; start gradient descent elsewhere"
        )
    return (
        f"|∇f| is small at x = {show(x)}, but f curves down there along some direction "
        f"(its Hessian has a negative eigenvalue, beyond its error): {SADDLE}"
    )


def _fell(f0: float, fx: float, x: Vector) -> str:
    return (
        f"f fell from {f0:.3g} at x0 to {fx:.3g} as x ran to {show(x)}, more than "
        f"{FAR:.0e} times its size at the start: f may have no minimum this way"
    )


def _creeping(x: Vector) -> str:
    if x.size == 1:
        return (
            f"|∇f| is small at x = {show(x)}, but f curves down there (f'' < 0 beyond its "
            "error): a maximum, which gradient descent leaves only slowly"
        )
    return (
        f"|∇f| is small at x = {show(x)}, but f curves down there along some direction (its "
        "Hessian has a negative eigenvalue, beyond its error): a saddle; gradient descent "
        "creeps along it"
    )


def falling_corner(F: Callable, x: Vector, fx: float, s: Vector) -> str:
    """Where f's Hessian curves down at x: if f has a corner at x along an axis where it
    falls on both sides (its slope jumps down, as -|y|'s at 0), the message that says so
    rather than curvature; else ''. 4 calls of f an axis."""
    for j, h in enumerate(s):
        u = shifted(np.zeros_like(x), j, 1.0)
        slopes = one_sided_slopes(F, x, fx, u, float(h))
        if slopes is not None and slopes[0] > 0 > slopes[1]:
            return (
                f"f has a corner at x = {show(x)} where it falls on both sides: along "
                f"x_{j} its slope jumps from {slopes[0]:.2g} to {slopes[1]:.2g}, so x is "
                "no minimum (central differences straddle the corner and read a slope "
                "near 0); start gradient descent elsewhere"
            )
    return ""


def _saddle_at_origin(x: Vector) -> str:
    return (
        f"the iterates shrank toward 0 (|x| = {norm(x):.2g}), but f curves down at 0 along a "
        f"direction off the axes (its Hessian has a negative eigenvalue): {SADDLE}"
    )


def _snapped(x: Vector, f0: float, first: float, finest: float, verdict: str) -> str:
    checked = (
        f"converged: x = 0 is checked (|x| shrank to {norm(x):.2g}): f(0) = {f0:.3g} <= f(x); "
        f"f falls from 0 along no axis at steps {first:.1g} to {finest:.1g}"
    )
    return (
        f"{checked}: {_kind(x, verdict)}"
        if verdict == UP
        else f"{checked}, but {_doubt(x, verdict)}"
    )


def _kind(x: Vector, verdict: str, distance: float = np.nan) -> str:
    """What the second-derivative test makes of a converged x: the end of its message,
    with the distance to the minimum of f's quadratic model where the Hessian gives it."""
    if verdict == UP and np.isfinite(distance):
        return (
            "a minimum, f's Hessian there is positive definite; the Newton step |H⁻¹∇f| "
            f"puts it about {distance:.2g} from x"
        )
    if verdict == UP:
        return "a minimum, f's Hessian there is positive definite"
    return f"a stationary point, but {_doubt(x, verdict)}"


def _doubt(x: Vector, verdict: str) -> str:
    """Why the second-derivative test proves no minimum at a converged x."""
    if verdict == UNSETTLED:
        return (
            f"beyond {WHOLE} variables f may curve down off the axes unseen: its lowest "
            f"curvature was not resolved in {LANCZOS} Hessian-vector products"
        )
    if x.size == 1:
        return (
            "f'' is within its error of 0, so the second-derivative test cannot tell a "
            "minimum from an inflection point"
        )
    return (
        "f's Hessian has an eigenvalue within its error of 0, so the second-derivative test "
        "cannot tell a minimum from a degenerate saddle"
    )


def _corner_seen(F: Callable, x: Vector, fx: float, last: tuple | None, s: Vector) -> str:
    """The converged message at a corner of f along the last step, '' if none is seen."""
    if last is None or not np.any(x - last[0]):
        return ""
    u = (x - last[0]) / norm(x - last[0])
    h = norm(s * u)
    slopes = one_sided_slopes(F, x, fx, u, h)
    if slopes is None or not slopes[0] < 0 < slopes[1]:
        return ""  # smooth here, or a corner that is no minimum along u (then not small)
    where = "" if x.size == 1 else " along the last step"
    return (
        f"converged: f has a corner at x = {show(x)} (its slope{where} jumps from "
        f"{slopes[0]:.2g} to {slopes[1]:.2g}): its lowest point{where}, found to within "
        f"{lowest_point_within(F, x, fx, u, h):.1g}"
    )


def one_sided_slopes(
    F: Callable, x: Vector, fx: float, u: Vector, h: float
) -> tuple[float, float] | None:
    """f's slopes along unit u just before and just after x, if f has a corner there, else
    None. A corner's one-sided slopes differ by about as much at step h / RUNG as at h; a
    smooth f's by f'' h, RUNG times less (|x|**1.5's by 4 times less). 4 calls of f."""
    seen = []
    for t in (h, h / RUNG):
        up, down = F(x + t * u), F(x - t * u)
        left, right = (fx - down) / t, (up - fx) / t
        noise = 4 * ROUNDING * EPS * max(abs(up), abs(down), abs(fx)) / t
        seen.append((abs(right - left), noise + 2 * EPS * norm(x) * abs(right - left) / t))
        slopes = (left, right)
    (jump, noise), (jump_short, noise_short) = seen
    return slopes if jump_short - noise_short > (jump + noise) / 2 else None


def lowest_point_within(F: Callable, x: Vector, fx: float, u: Vector, h: float) -> float:
    """The shortest step t, from h down by RUNG, at which f(x ± t u) both stand above f(x)
    beyond rounding: f's lowest point along u lies within t of x. 2 calls of f a rung."""
    finest = 0.0
    while h > 0 and not np.array_equal(x + h * u, x):
        up, down = F(x + h * u), F(x - h * u)
        if not min(up, down) - fx > ROUNDING * EPS * max(abs(up), abs(down), abs(fx)):
            break
        finest, h = h, h / RUNG
    return finest


def _quadratic(slope: float, distance: float) -> str:
    return (
        f"converged: |∇f(x)| is within its rounding, below {slope:.2g}, and f's Hessian "
        f"at x is positive definite: the minimum is within {distance:.2g} of x (within "
        "tol |x|, or closer than f's rounding)"
    )


def _corner(x: Vector) -> str:
    return (
        f"∇f(x) = 0 at x = {show(x)}, but the slope along the last step is not seen to "
        "rise through 0 there: a tail where f levels off with no minimum (as tanh), or a "
        "minimum too flat for its slope to show (as x**4 near 0); gradient descent cannot "
        "verify a minimum here"
    )


def lost(x: Vector, fx: float, g: Vector, noise: float, target: float) -> str:
    return (
        f"gradient lost in rounding at x = {show(x)}: f(x) = {fx:.6g} and its values a "
        "difference step away are rounded, so central differences cannot see slopes below "
        f"about {noise:.2g}, and |∇f(x)| = {norm(g):.2g} is no larger; converging needs "
        f"|∇f| <= tol |∇f(x0)| = {target:.2g} and a minimum placed within tol |x| of x. "
        "Pass `grad`, subtract f's constant part, or loosen tol"
    )


def show(x: Vector | float) -> str:
    """x for a message: every value up to SHOWN of them, else the first three and the last."""
    values = [f"{v:.6g}" for v in np.atleast_1d(x)]
    if len(values) <= SHOWN:
        return "[" + ", ".join(values) + "]"
    return "[" + ", ".join([*values[:3], "...", values[-1]]) + f"] ({len(values)} values)"
