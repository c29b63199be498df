r"""Taylor series and linearisation: rebuild a function from what it does at one point.

Two tools. For a function of one variable, `taylor_coefficients` finds
$c_k = f^{(k)}(a)/k!$ to near machine precision by a contour integral in the complex
plane (repeated finite differences lose so many digits per order that by the third
derivative none are left),
and `taylor_polynomial` turns them into the polynomial
$\sum_k c_k (x - a)^k$. For a function of several variables, `linearise` and
`quadratic_approximation` build $f(x_0) + J\Delta x$ and
$f(x_0) + J\Delta x + \tfrac12 \Delta x^T H \Delta x$ from `mvc.jacobian` and
`mvc.hessian`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeGuard, cast

import numpy as np

from mvc._validation import (
    as_callable,
    as_int,
    as_number,
    as_point,
    as_positive_real,
    as_real_array,
    call_on_points,
    check_complex_values,
    check_vector_values,
)
from mvc.derivatives import hessian, jacobian


class Polynomial(Protocol):
    """What `taylor_polynomial` returns: p(x), with its coefficients and centre."""

    coefficients: np.ndarray
    a: float

    def __call__(self, x: Any) -> Any: ...


class Approximation(Protocol):
    """What `linearise` and `quadratic_approximation` return: L(x) or Q(x), with the
    point `x0`, the value `f0` and the Jacobian `J` there (and `H`, for Q)."""

    x0: np.ndarray
    f0: np.ndarray
    J: np.ndarray
    H: np.ndarray

    def __call__(self, x: Any) -> Any: ...


__all__ = ["linearise", "quadratic_approximation", "taylor_coefficients", "taylor_polynomial"]

_EPS = np.finfo(np.float64).eps
_TINY = np.finfo(np.float64).tiny
#: The circles tried first when no `radius` is given: 8, 4, 2, ..., 1/256 times max(1, |a|),
#: and the same times |a| when 0 < |a| < 1/256 (so that the units of x matter less).
RADII = 2.0 ** np.arange(3, -9, -1)
#: Two circles' coefficients agree if they differ by at most this many times their errors.
AGREE = 1e3
#: A circle's mean is f(a) if they differ by at most this many times its error, or by
#: 1e-4 of f(a) (which f may compute with cancellation, (1 - cos z)/z^2 near 0).
CENTRE = 16
#: At most this many more circles, halving or doubling the radius, beyond `RADII`.
MAX_EXTRA = 60
#: The smallest radius tried, relative to |a|: the points a + z round by eps |a|, 2^-30
#: of it, 16 times below the sqrt(eps) max|f| at which a circle's top modes are refused,
#: so a function that is not analytic (np.conj) still shows there.
SMALLEST = 2.0**-22
#: With a `radius`, each c_k must have an estimated error below this fraction of itself,
#: or of the size its resolved neighbours give it (a zero coefficient, cos's odd ones).
TRUST = 1e-6
#: Points on each circle for orders up to 15; higher orders get 4(n + 1), up to a power of 2.
MIN_POINTS = 64
#: The highest order: 4(n + 1) points per circle, about 3 s for n = 1e5 (a coefficient of
#: higher order is below rounding for every function the course meets).
MAX_ORDER = 100_000


def taylor_coefficients(
    f: Callable, a: float, n: int, *, radius: float | None = None
) -> np.ndarray:
    r"""Taylor coefficients $c_k = f^{(k)}(a)/k!$, $k = 0, \ldots, n$, of an analytic function.

    Accuracy: at low orders about 13 digits of the largest term $|c_k| \rho^k$, $\rho$
    the distance from `a` to $f$'s nearest singularity ($10^{-14}$ of the largest
    coefficient for the chapter's functions about 1); high orders lose more where the
    singularity is close (order 30 of 1/(1 + x^2) about 0 keeps 8 digits, see Notes);
    the circles of the contour integral are checked
    against each other so that none encloses a singularity (see Notes).

    Parameters
    ----------
    f : callable
        The function, real on the real axis and analytic around `a`. It is called
        with a 1-D array of complex points and must return complex values
        element-wise, as numpy's functions do (``np.exp``, ``np.log``, ``1 / z``).
    a : float
        The expansion point: a finite real number.
    n : int
        The highest order, $n \ge 0$.
    radius : float, optional
        The radius of the circle around `a` to integrate on. It must be smaller
        than the distance from `a` to the nearest singularity of `f`. The circle is
        checked, not trusted: its mean must be $f(a)$, its top Fourier modes small,
        and each $c_k$'s estimated error $\eta(r)/r^k$ below $10^{-6}$ of $|c_k|$
        (or, for a coefficient too small to resolve, such as cos's odd ones, of the
        size its resolved neighbours give it); else `ValueError`. By default
        circles of many radii are tried, those that enclose a singularity are
        dropped, and each coefficient is taken from the circle where its estimated
        error is least (see Notes).

    Returns
    -------
    numpy.ndarray
        Shape ``(n + 1,)``, float64: $c_0 = f(a), c_1 = f'(a), c_2 = f''(a)/2, \ldots$

    Raises
    ------
    TypeError
        If `f` is not callable or cannot take an array of points (``math.exp``,
        ``float(z)``), `a` is not a real number, `n` is not an integer or `radius`
        is not a real number.
    ValueError
        If `a` is not finite, `n` is negative or over `MAX_ORDER` (100 000),
        `radius` is not positive, `f` returns real values (it drops the imaginary
        part) or the wrong shape, `f` is not analytic on any circle tried (a
        singularity at or near `a`, or a function such as ``abs`` or ``np.conj``
        that is not complex-differentiable), its coefficients come out complex
        (`f` is not real on the real axis), or the circle of a given `radius` does
        not give them (a singularity inside, too large a circle, where $f$'s size
        rounds away the low orders, or too small, where $r^{-k}$ magnifies the
        rounding of the high orders; or a circle on which a single $c_k$ stands out,
        which gives no length to check the others by: a constant, $z^5$).

    Notes
    -----
    By Cauchy's integral formula, for any circle $z = a + r e^{i\theta}$ inside
    which $f$ is analytic,

    $$c_k = \frac{1}{2\pi i} \oint \frac{f(z)}{(z - a)^{k+1}} \mathrm{d}z
          = \frac{1}{2\pi r^k} \int_0^{2\pi} f(a + r e^{i\theta}) e^{-ik\theta} \mathrm{d}\theta .$$

    The trapezoidal rule on $N$ equally spaced angles turns the integral into a
    discrete Fourier transform: $c_k r^k \approx \frac1N \sum_j f(a + r\omega^j)
    \omega^{-jk}$, $\omega = e^{2\pi i/N}$, one FFT for all $k$. It is exact but
    for aliasing, $c_{k+N} r^{k+N} + c_{k+2N} r^{k+2N} + \ldots$, which falls
    geometrically like $(r/R)^N$ when $R$ is the radius of convergence. Nothing is
    subtracted from a nearby value, so there is no cancellation: the round-off is
    about $\epsilon \max|f| / r^k$. Small circles amplify it for high orders,
    large ones reach singularities, or a large $\max|f|$.

    The error of circle $r$ is estimated from its own transform: the top quarter of
    the $N$ Fourier modes of an analytic $f$ hold only its tiny high-order
    coefficients and round-off; a pole or branch cut inside the circle, or a function
    that is not complex-differentiable, fills them. And by Cauchy's mean value theorem
    the mean of $f$ over the circle, $c_0$, must be $f(a)$. With $\eta(r)$ the larger of their
    size (three times their root mean square) and the rounding
    $\epsilon \max|f| \, (1 + |a|/r)$ of $f$'s values and of the points
    $a + re^{i\theta}$, $c_k$ is off by about $\eta(r)/r^k$. A circle is usable if its
    top modes stay below $\sqrt{\epsilon}\max|f|$.

    A singularity inside a circle does not always show in the top modes: where $f$ is
    far larger elsewhere on the circle, the pole's share sinks below the rounding
    ($e^{4x} + 1/(1+x^2)$ on the circle of radius 8 about 0, where $e^{32}$ dwarfs
    it), and the circle's coefficients are those of another function (they gave
    $c_{12} = 0.035$ for $1.035$). So a circle whose mean is not $f(a)$ (to 16 times
    its estimated error, or $10^{-4}$ of $f(a)$, which $f$ may compute with
    cancellation) is not used, and the circles check each other. From the smallest
    usable one (the radii are $2^{3}, 2^{2}, \ldots, 2^{-8}$ times $\max(1, |a|)$, and
    times $|a|$ too if $0 < |a| < 1/256$),
    each larger circle is kept only while its $c_k$ agree with the best of its three
    smaller neighbours' to within $10^3$ times both estimated errors; from the first
    that disagrees or is not usable, all larger circles are dropped (the disc of
    analyticity is a disc). If no two circles agree, $f$'s nearest singularity is
    closer than the smallest: the radius halves until two circles agree with their top
    modes at rounding level. Then circles half as large as the smallest are added while
    they cut the error of some $c_k$, $k \le n$, by 1.5 (if one of them is not usable
    or not centred on $f(a)$, a singularity may hide under the rounding of all the
    larger ones: two circles below it replace them if they estimate $c_0$ better), and
    circles twice as large as the largest, if
    all agreed, while they cut the relative error of some $c_k$ by 1.5: the range of
    radii follows the length over which $f$ changes, so the units of $x$ do not matter.
    Each $c_k$ is taken from the kept circle where $\eta(r)/r^k$ is least: low orders
    from small circles, high orders from large ones. For $e^x$, $\cos x$, $\ln x$ and
    $1/x$ about 1 the coefficients are exact to about $10^{-14}$ through order 10 (the
    chapter measures it).

    Where it still fails: a singularity whose share of $f$ stays below $10^3$ times
    the estimated errors on every circle, and below $10^{-4}$ of $f(a)$ if it hides on
    all of them, goes unseen, and costs the coefficients about that much; a
    singularity closer to `a` than $2^{-22}|a|$, or a function that changes over
    shorter lengths ($\sin x$ about $10^8$), needs an explicit `radius` (below it the
    rounding of the points would hide whether $f$ is analytic); a
    function that is not analytic (``abs``, ``np.conj``, a piecewise definition)
    cannot be expanded; orders near $N/4$ and beyond lose accuracy to aliasing ($N$
    grows with `n`), and high orders of a function with a nearby singularity lose
    digits to the amplification $r^{-k}$ (order 30 of $1/(1 + x^2)$ about 0: 8). A
    polynomial has no length for the radii to follow: its vanishing coefficients come
    out as the rounding of the circles used, $\epsilon \max|f| / r^k$ with
    $r \le 8\max(1, |a|)$, negligible for $|x - a| \lesssim r$ but not beyond (in units
    of $x$ that make its features far larger).

    Cost: $N = \max(64, 4(n+1))$ rounded up to a power of 2 values of `f` per
    circle, in one vectorised call, and one value at `a`: 13 or 14 circles by default
    ($14N + 1 = 897$ for $n \le 15$), up to 60 more each way when $f$ changes over
    lengths far from $1/256$ to 8 (in other units of $x$); one circle and the value at
    `a` with a `radius`.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import taylor_coefficients
    >>> taylor_coefficients(np.exp, 0.0, 4).round(10)   # 1/k!
    array([1.        , 1.        , 0.5       , 0.16666667, 0.04166667])
    >>> taylor_coefficients(lambda z: 1 / z, 1.0, 4).round(10) + 0.0
    array([ 1., -1.,  1., -1.,  1.])
    """
    f = as_callable(f, "f")
    a = as_number(a, "a")
    n = as_int(n, "n", minimum=0, maximum=MAX_ORDER)
    radius = None if radius is None else as_positive_real(radius, "radius")
    N = max(MIN_POINTS, 1 << (4 * (n + 1) - 1).bit_length())
    if radius is not None:
        return _least_error([_checked_circle(f, a, n, radius, N)], n)
    return _least_error(_circles_inside(f, a, n, N), n)


# --8<-- [start:cauchy]
def _circle(f: Callable, a: float, r: float, N: int) -> dict | None:
    """Scaled coefficients c_k r^k from N points on |z - a| = r, by one FFT.

    None if `f` is not finite somewhere on the circle (a singularity on it).
    """
    z = a + r * np.exp(2j * np.pi * np.arange(N) / N)
    with np.errstate(all="ignore"):
        name = "`f` on a circle around `a`"
        values = check_complex_values(call_on_points(f, z, "`f`"), (N,), name)
    if not np.all(np.isfinite(values)):
        return None
    size = np.abs(values).max()
    unit = max(size, 1.0)  # in units of a large max|f|: no sum overflows
    # F[k] = c_k r^k + c_{k+N} r^{k+N} + ...
    F = np.fft.fft(values / unit) * (unit / N)
    # zero but for round-off if f is analytic inside
    tail = np.abs(F[3 * N // 4 :])
    # of f's values, and of the points a + r e^(it)
    rounding = _EPS * size * (1 + abs(a) / r)
    peak = max(tail.max(), _TINY)
    rms = np.sqrt(np.mean((tail / peak) ** 2))
    noise = max(3 * peak * rms, rounding)  # the error of each F[k]
    return {
        "r": r,
        "F": F,
        "size": size,
        "tail": tail.max(),
        "rounding": rounding,
        "noise": noise,
    }
    # --8<-- [end:cauchy]


def _checked_circle(f: Callable, a: float, n: int, r: float, N: int) -> dict:
    """The circle of the user's `radius`, refused (naming it) unless it gives c_0..c_n.

    Its mean must be f(a) and its top modes small (nothing inside that is not analytic,
    and f sampled finely enough); each c_k, k <= n, must be resolved (error below TRUST
    of it) or, where it is not, below TRUST of the size its resolved neighbours give it.
    """
    circle = _circles_about(f, a, N)(r)
    if circle is None:
        raise ValueError(
            f"`f` is not finite on the circle of radius {r:g} about `a` = {a!r} (a "
            "singularity on it, or f overflows there): pass a smaller `radius`, or none."
        )
    if not _usable(circle):
        raise ValueError(_not_analytic(a, (r,)))
    unresolved = _unresolved(circle, n, N)
    if unresolved:
        raise ValueError(unresolved)
    return circle


def _unresolved(circle: dict, n: int, N: int) -> str:
    """Why some c_k, k <= n, of the circle is lost in its rounding; "" if none is.

    A c_k is resolved if its error estimate is below TRUST of it. An unresolved one (a
    zero coefficient, or one the circle cannot see) is accepted if its error is below
    TRUST of the size that the nearest resolved c_j gives it, |c_j| rho^(j - k), rho
    the length over which the resolved coefficients fall. One resolved c_j gives no
    length (log about 1 on a tiny circle shows only c_1), so the others are not checked.
    """
    c, e = _estimates(circle, N)
    resolved = np.flatnonzero(e <= TRUST * np.abs(c))
    r, k = circle["r"], np.arange(n + 1)
    if resolved.size == 0:
        return (
            f"`radius` = {r:g} resolves none of the coefficients of `f`: its values on the "
            "circle are so much larger than its coefficients there that these round away "
            "(is `radius` too large?); pass a smaller `radius`, or none."
        )
    if resolved.size == 1 and n > 0:  # no length to say how small the others should be
        return (
            f"`f` does not change measurably over the circle of radius {r:g}: `radius` "
            "is too small to see its derivatives (or f is constant); pass a larger "
            "`radius`, or none."
            if resolved[0] == 0
            else f"only c_{resolved[0]} of `f` stands out from the rounding on the circle "
            f"of radius {r:g}, so the others cannot be checked: pass another `radius`, "
            "or none."
        )
    lo, hi = resolved[0], resolved[-1]
    log_rho = np.log(abs(c[lo] / c[hi])) / (hi - lo) if lo < hi else 0.0
    j = resolved[np.maximum(np.searchsorted(resolved, k, side="right") - 1, 0)]
    with np.errstate(all="ignore"):  # an infinite error on a tiny circle is refused
        log_size = np.log(np.abs(c[j])) + (j - k) * log_rho
        lost = ~(np.log(e[k]) <= np.log(TRUST) + log_size)
    if not np.any(lost):
        return ""
    bad = int(k[lost][0])
    size = "small" if bad > lo else "large"
    return (
        f"`radius` = {r:g} is too {size} for c_{bad}: its estimated error, {e[bad]:.1e}, "
        f"is above {TRUST:g} of its size, about {np.exp(log_size[bad]):.1e}, so its value "
        f"would be noise. Pass a {'larger' if size == 'small' else 'smaller'} `radius`, "
        "or none (the circles are then chosen for each order)."
    )


def _usable(circle: dict | None, centred: bool = True) -> TypeGuard[dict]:
    """f is finite on the circle, its tail of Fourier modes no more than round-off makes,
    and (if `centred`) its mean is f(a)."""
    return (
        circle is not None
        and (not centred or circle["centred"])
        and circle["tail"] <= np.sqrt(_EPS) * circle["size"]
    )


def _clean(circle: dict | None) -> TypeGuard[dict]:
    """Stricter than `_usable`: the tail is at the level of the circle's own rounding."""
    return _usable(circle) and circle["tail"] <= 1e3 * circle["rounding"]


def _circles_about(f: Callable, a: float, N: int) -> Callable:
    """r -> the circle of radius r about `a`, marked "centred" if its mean is f(a).

    By Cauchy, the mean of f over a circle inside its disc of analyticity is f at the
    centre. A circle around a singularity whose share hides below the rounding (all of
    them, for 9x^2/(x^2 + 1/2) in units that put its poles at 1e-8 from `a`) is found out
    by that one extra value, if the singularity's share of f(a) is above 1e-4 (f(a) may
    itself be computed with cancellation). Where f(a) is not finite (sin(z)/z at 0), no
    test.
    """
    with np.errstate(all="ignore"):
        at = call_on_points(f, np.array([a + 0j]), "`f`")
        centre = check_complex_values(at, (1,), "`f` at `a`")[0]

    def circle(r: float) -> dict | None:
        c = _circle(f, a, r, N)
        if c is not None:
            error = max(CENTRE * (c["noise"] + _EPS * abs(centre)), 1e-4 * abs(centre))
            c["centred"] = not np.isfinite(centre) or abs(c["F"][0] - centre) <= error
        return c

    return circle


def _circles_inside(f: Callable, a: float, n: int, N: int) -> list[dict]:
    """The circles about `a` inside f's disc of analyticity, as far as f's values can tell.

    The circles of `RADII` (times max(1, |a|), and |a|) first. From the smallest usable circle,
    each larger one is kept until one is not usable or its coefficients disagree with
    the smaller circles' (it encloses a singularity, which hides when f is large
    elsewhere on the circle). Fewer than two that agree: f's nearest singularity is
    closer, and smaller circles are tried, or, if the small circles were the noisier, f
    changes far more slowly, and larger ones are. Then circles twice as large, if all
    agreed, and half as large are added while they cut the error of some coefficient
    (f changes much more slowly, or much faster, than over the radii tried).
    """
    circle = _circles_about(f, a, N)
    small: np.ndarray | list[float] = (
        RADII * abs(a) if 0 < abs(a) < RADII[-1] else []
    )  # a in units that make it tiny
    radii = np.unique(np.concatenate([RADII * max(1.0, abs(a)), small]))  # smallest first
    circles = [circle(r) for r in radii]
    inside = _agreeing(circles, N)
    grow = inside[-1] is circles[-1] if inside else False  # every circle agreed
    if len(inside) < 2:
        centred = all(c is None or c["centred"] for c in circles)  # no singularity seen
        grow = centred and _noise(circles[-1]) < _noise(circles[0]) / 16  # small ones noisier
        inside, r = _pair_beyond(circle, a, N, radii, up=grow)
        inside = inside or _agreeing(circles, N, centred=False)  # f(a) itself inaccurate?
        if len(inside) < 2:
            raise ValueError(_not_analytic(a, (max(r, radii[-1]), min(r, radii[0]))))
    if grow:
        inside = _extend(circle, n, N, inside, 2.0)
    return _shrink(circle, a, n, N, inside)


def _agreeing(circles: list, N: int, centred: bool = True) -> list[dict]:
    """From the first usable circle on, the circles that are usable and agree with those before.

    A smaller circle that is not finite or (if `centred`) whose mean is not f(a) encloses
    a singularity, and so does every larger one: then none is kept. A smaller circle that
    is merely noisy (f computed with cancellation) is passed over.
    """
    first = next((i for i, c in enumerate(circles) if _usable(c, centred)), len(circles))
    if any(c is None or (centred and not c["centred"]) for c in circles[:first]):
        return []
    inside = circles[first : first + 1]
    for circle in circles[first + 1 :]:
        if not (_usable(circle, centred) and _agrees(circle, inside[-3:], N)):
            break
        inside.append(circle)
    return inside


def _pair_beyond(circle: Callable, a: float, N: int, radii: np.ndarray, up: bool) -> tuple:
    """Two neighbouring circles beyond `radii`, with top modes at rounding level, that agree.

    Down (r halves) when f's nearest singularity is closer than the smallest radius: the
    top modes then fall abruptly, like (r/d)^(3N/4), as r drops below the distance d.
    Up (r doubles) when the small circles were the noisier ones: f is computed with
    cancellation and changes over lengths far above the radii (log(1 + z^2) with z in
    units that make z huge). Returns the pair, and the last radius tried. No pair, [],
    if the top modes fall slowly instead, by less than 16 at each of four halvings while
    usable (np.exp(z.real): like r; a singularity hidden under a large entire part makes
    them rise instead),
    r goes below SMALLEST |a| (the rounding of the points a + z would hide whether f is
    analytic at all) or 60 more circles do not do.
    """
    r, previous, slow = (radii[-1] if up else radii[0]), None, 0
    for _ in range(MAX_EXTRA):
        if not up and (r / 2 < SMALLEST * abs(a) or a + r / 2 == a) or slow == 4:
            break
        r = 2 * r if up else r / 2
        this = circle(r)
        if _clean(this) and _clean(previous) and _agrees(previous, [this], N):
            return ([previous, this] if up else [this, previous]), r
        falling = previous is not None and 1 < _noise(previous) / _noise(this) < 16
        slow = slow + 1 if _usable(this) and not _clean(this) and falling and not up else 0
        previous = this
    return [], r


def _noise(circle: dict | None) -> float:
    """The circle's top modes relative to f's size on it (inf where f was not finite)."""
    return np.inf if circle is None else circle["tail"] / max(circle["size"], _TINY)


def _extend(circle: Callable, n: int, N: int, inside: list[dict], factor: float) -> list[dict]:
    """Add circles twice the largest, while each is usable, agrees with its three
    neighbours and cuts the relative error of some resolved c_k, k <= n, by 1.5."""
    inside = list(inside)
    for _ in range(MAX_EXTRA):
        new = circle(factor * inside[-1]["r"])
        if not (
            _usable(new) and _agrees(new, inside[-3:], N) and _halves_an_error(new, inside[-1], n)
        ):
            break
        inside.append(new)
    return inside


def _shrink(circle: Callable, a: float, n: int, N: int, inside: list[dict]) -> list[dict]:
    """Add circles half the smallest, while each cuts the error of some c_k, k <= n, by 1.5.

    A smaller circle that is not usable, or whose mean is not f(a), may enclose a
    singularity, and then so do all the larger ones, though it hid below their rounding
    (a huge entire part: 3x^3 + log(1 + x^2) in units that put the branch points 1e-8
    from `a`). If a pair of circles below it estimates c_0 better, the pair replaces them.
    """
    inside = list(inside)
    for _ in range(MAX_EXTRA):
        r = inside[0]["r"] / 2
        new = circle(r)
        if not _usable(new):
            below, _ = _pair_beyond(circle, a, N, np.array([r]), up=False)
            if below and _estimates(below[0], N)[1][0] < min(
                _estimates(c, N)[1][0] for c in inside
            ):
                return _shrink(circle, a, n, N, below)
            return inside
        e_new, e_old = (_estimates(c, N)[1][: n + 1] for c in (new, inside[0]))
        if not (_agrees(new, inside[:3], N) and np.any(1.5 * e_new < e_old)):
            break
        inside.insert(0, new)
    return inside


def _estimates(circle: dict, N: int) -> tuple[np.ndarray, np.ndarray]:
    """c_k and its estimated error, noise / r^k, for the orders the circle resolves (k < N/4)."""
    k = np.arange(N // 4)
    with np.errstate(all="ignore"):
        c, e = circle["F"][k] / circle["r"] ** k, max(circle["noise"], _TINY) / circle["r"] ** k
    lost = ~(np.isfinite(c) & np.isfinite(e))  # r^k out of range on a tiny or huge circle
    return np.where(lost, 0, c), np.where(lost, np.inf, e)


def _agrees(circle: dict, others: list[dict], N: int) -> bool:
    """Do the circle's c_k agree with the best of the `others`', within AGREE times both errors?

    The others are its nearest neighbours: a circle far smaller would judge with an error
    estimate that a function computed with cancellation (np.exp(z) - 1) does not honour.
    """
    c, e = _estimates(circle, N)
    values, errors = (
        np.array(column) for column in zip(*(_estimates(o, N) for o in others), strict=True)
    )
    best, k = np.argmin(errors, axis=0), np.arange(c.size)
    value, error = values[best, k], errors[best, k]
    with np.errstate(all="ignore"):
        return not np.any(np.abs(c - value) > AGREE * (e + error))


def _halves_an_error(new: dict, old: dict, n: int) -> bool:
    """Is some c_k, k <= n, well above the new circle's noise, with 1.5 times less error?"""
    # each F_k in units of its circle's noise, so that no product overflows for a huge f
    new_, old_ = (np.abs(c["F"][: n + 1]) / max(c["noise"], _TINY) for c in (new, old))
    return bool(np.any((new_ > 16) & (1.5 * old_ < new_)))


def _least_error(circles: list[dict], n: int) -> np.ndarray:
    """c_0..c_n, each from the circle where its estimated error noise(r) / r^k is least.

    Low orders prefer small circles (little round-off), high orders large ones (little
    amplification by r^-k); all circles were evaluated anyway, so each c_k takes its best.
    The noise is measured in each circle's top Fourier modes, so a function computed with
    cancellation (np.exp(z) - 1 about 0), noisier than max|f| suggests, is judged fairly.
    """
    competing = circles
    k = np.arange(n + 1)
    r = np.array([c["r"] for c in competing])[:, None]
    with np.errstate(all="ignore"):  # r^k may underflow on a tiny circle: an infinite error
        errors = np.array([max(c["noise"], _TINY) for c in competing])[:, None] / r**k
    best = np.argmin(errors, axis=0)  # per order k, the row of its best circle
    scaled = np.array([c["F"][: n + 1] for c in competing])[best, k]  # c_k r^k
    if np.any(np.abs(scaled.imag) > np.sqrt(_EPS) * np.array([competing[b]["size"] for b in best])):
        raise ValueError(
            "`f` must be real on the real axis: its Taylor coefficients about `a` came out "
            f"complex, {_show_complex(scaled / r[best, 0] ** k)}."
        )
    with np.errstate(over="ignore"):  # r^k beyond float64: c_k = c_k r^k / r^k is below it
        return scaled.real / r[best, 0] ** k


def _show_complex(c: np.ndarray) -> str:
    with np.printoptions(threshold=6, edgeitems=2, precision=3):
        return repr(c)


def _not_analytic(a: float, radii: tuple) -> str:
    if len(radii) == 1:
        return (
            f"`radius` = {radii[0]:g} cannot be used: on the circle of radius "
            f"{radii[0]:g} about `a` = {a!r}, `f` is not analytic inside (a singularity, "
            "or a function that is not complex-differentiable: abs, np.conj, .real), or "
            "it changes too much over the circle to be sampled finely enough. Pass a "
            "smaller `radius`, or none (the circles are then chosen and checked)."
        )
    where = f"on every circle tried (radius {radii[0]:g} down to {radii[-1]:g})"
    return (
        f"`f` is not analytic around `a` = {a!r}: {where} it has a singularity inside or "
        "is not complex-differentiable (abs, np.conj, .real, a branch cut). A Taylor series "
        "about `a` needs f analytic in a disc around it; if the nearest singularity is "
        "closer than the smallest radius, or f changes over shorter lengths, pass a "
        "smaller `radius`."
    )


def taylor_polynomial(f: Callable, a: float, n: int, *, radius: float | None = None) -> Polynomial:
    r"""The Taylor polynomial $p_n(x) = \sum_{k=0}^{n} c_k (x - a)^k$ of `f` about `a`.

    Accuracy: the coefficients are those of `taylor_coefficients` (about 13 digits of the
    largest term); $p_n$ itself differs from $f$ by the series' remainder.

    Parameters
    ----------
    f, a, n, radius
        As in `taylor_coefficients`.

    Returns
    -------
    callable
        ``p(x)``: a float for a number `x`, a float64 array of the shape of an array
        `x` (element-wise). It has the attributes ``p.coefficients`` ($c_0..c_n$)
        and ``p.a``.

    Raises
    ------
    TypeError, ValueError
        As `taylor_coefficients`; ``p(x)`` raises them for an `x` that is not real
        finite numbers.

    Notes
    -----
    $p_n$ is evaluated by Horner's rule, $c_0 + \Delta(c_1 + \Delta(c_2 + \ldots))$ with
    $\Delta = x - a$: $n$ multiplications and no powers. Cost: that of
    `taylor_coefficients`, once; evaluating $p_n$ calls `f` no more.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import taylor_polynomial
    >>> p = taylor_polynomial(np.cos, 0.0, 6)
    >>> p(np.array([0.0, 0.5, 1.0])).round(6)
    array([1.      , 0.877582, 0.540278])
    """
    coefficients = taylor_coefficients(f, a, n, radius=radius)
    a = float(a)

    def p(x: Any) -> Any:
        x = as_real_array(x, "x")
        y = np.full(x.shape, coefficients[-1])
        for c in coefficients[-2::-1]:
            y = y * (x - a) + c  # Horner: c_0 + dx (c_1 + dx (c_2 + ...))
        return float(y) if y.ndim == 0 else y

    poly = cast(Polynomial, p)
    poly.coefficients, poly.a = coefficients, a
    poly.__doc__ = f"Taylor polynomial of order {n} about a = {a!r}."
    return poly


def linearise(f: Callable, x0: float | np.ndarray) -> Approximation:
    r"""The linearisation $L(x) = f(x_0) + J_f(x_0)\,(x - x_0)$ of $f$ of several variables.

    Accuracy: $J$ is `mvc.jacobian`'s, one central difference per axis (about $10^{-10}$
    of its largest entry); $L$ differs from $f$ by $O(\|\Delta x\|^2)$.

    Parameters
    ----------
    f : callable
        The function, called as `mvc.jacobian` calls it: with a Python number when
        `x0` is a number, else with a 1-D array of $n$ numbers; it returns a number
        or a 1-D array of $m$.
    x0 : float or array_like
        The point to linearise about: a number or a 1-D array of $n$ numbers.

    Returns
    -------
    callable
        ``L(x)``. For a number `x0`, `x` may have any shape (element-wise). Otherwise
        the last axis of `x` holds the $n$ variables, so ``L`` takes one point,
        shape ``(n,)``, or a batch, shape ``(..., n)``. A scalar `f` gives a float
        (or an array of the batch's shape), a vector `f` a trailing axis of $m$.
        Attributes: ``L.x0``, ``L.f0`` $= f(x_0)$ and ``L.J``, shape ``(m, n)``.

    Raises
    ------
    TypeError
        If `f` is not callable or `x0` is not real numbers.
    ValueError
        If `x0` is empty, 2-D or not finite, or `f` returns a non-finite value or
        the wrong shape near `x0`. ``L(x)`` raises `ValueError` if `x` is not finite
        or its last axis is not of length $n$.

    Notes
    -----
    Taylor's theorem gives $f(x_0 + \Delta x) = f(x_0) + J\Delta x + O(\|\Delta x\|^2)$:
    the error of $L$ shrinks with the square of the distance from $x_0$.
    $J$ comes from `mvc.jacobian` by central differences (relative error about
    $10^{-11}$). Cost: $2n + 1$ evaluations of `f`, once.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import linearise
    >>> L = linearise(lambda v: np.exp(v[0]) * np.sin(v[1]), [0.0, 0.0])
    >>> round(L([0.1, 0.2]), 8)
    0.2
    """
    f = as_callable(f, "f")
    point = as_point(x0, "x0")
    scalar = np.ndim(x0) == 0
    f0 = _value(f, point, scalar, shape=None)
    J = jacobian(f, point.item() if scalar else point)

    def L(x: Any) -> Any:
        dx = _displacement(x, point, scalar)
        return _shaped(f0 + dx @ (J[0] if f0.ndim == 0 else J.T))  # f(x0) + J dx

    approximation = cast(Approximation, L)
    approximation.x0, approximation.f0, approximation.J = point, f0, J
    return approximation


def quadratic_approximation(f: Callable, x0: float | np.ndarray) -> Approximation:
    r"""The second-order Taylor approximation $f(x_0) + J\Delta x + \tfrac12 \Delta x^T H \Delta x$.

    Accuracy: $J$ and $H$ from `mvc.jacobian` and `mvc.hessian`, both checked (to about
    $10^{-8}$ and $10^{-6}$ of their entries' scales, beyond rounding, or a
    `ValueError`); the approximation differs from $f$ by $O(\|\Delta x\|^3)$.

    Parameters
    ----------
    f : callable
        A scalar function, ``f(x) -> float``, called as in `linearise`.
    x0 : float or array_like
        The point to expand about: a number or a 1-D array of $n$ numbers.

    Returns
    -------
    callable
        ``Q(x)`` with $\Delta x = x - x_0$, taking points as ``L`` of `linearise`
        does. Attributes: ``Q.x0``, ``Q.f0``, ``Q.J`` (shape ``(1, n)``) and ``Q.H``
        (shape ``(n, n)``).

    Raises
    ------
    TypeError, ValueError
        As `linearise`; also `ValueError` if `f` returns anything but one number.

    Notes
    -----
    The error is $O(\|\Delta x\|^3)$. $J$ comes from `mvc.jacobian` and $H$ from
    `mvc.hessian`, by central differences checked at a second, shorter step (and
    searched for where the two disagree). Cost, where both checks pass: $4n + 1$
    evaluations for $J$ and $2(n^2 + n) + 1$ for $H$, once.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import quadratic_approximation
    >>> Q = quadratic_approximation(lambda v: np.exp(-(v[0]**2 + v[1]**2)), [0.0, 0.0])
    >>> Q.H.round(6)
    array([[-2.,  0.],
           [ 0., -2.]])
    >>> round(Q([0.1, 0.2]), 6)   # 1 - (0.1^2 + 0.2^2)
    0.95
    """
    f = as_callable(f, "f")
    point = as_point(x0, "x0")
    scalar = np.ndim(x0) == 0
    f0 = _value(f, point, scalar, shape=())
    at = point.item() if scalar else point
    J, H = jacobian(f, at), hessian(f, at)

    def Q(x: Any) -> Any:
        dx = _displacement(x, point, scalar)
        return _shaped(f0 + dx @ J[0] + 0.5 * np.einsum("...i,ij,...j->...", dx, H, dx))

    approximation = cast(Approximation, Q)
    approximation.x0, approximation.f0, approximation.J, approximation.H = point, f0, J, H
    return approximation


def _value(
    f: Callable, point: np.ndarray, scalar: bool, shape: tuple[int, ...] | None
) -> np.ndarray:
    """f(x0), checked: a finite number or 1-D array (exactly a number with ``shape=()``)."""
    with np.errstate(all="ignore"):
        value = f(point.item() if scalar else point)
    return check_vector_values(value, shape, "`f` at `x0`").astype(np.float64)


def _displacement(x: Any, x0: np.ndarray, scalar: bool) -> np.ndarray:
    """x - x0 with the n variables on the last axis (a new axis of 1 for a scalar x0)."""
    x = as_real_array(x, "x")
    if scalar:
        return (x - x0[0])[..., None]
    if x.shape[-1:] != x0.shape:
        raise ValueError(
            f"`x` must hold {x0.size} variables along its last axis, like `x0`, "
            f"got shape {x.shape}."
        )
    return x - x0


def _shaped(y: np.ndarray) -> Any:
    """A float for one point of a scalar function, else the array."""
    y = np.asarray(y, dtype=np.float64)
    return float(y) if y.ndim == 0 else y
