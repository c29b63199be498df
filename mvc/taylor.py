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

import numpy as np

from mvc._validation import (
    as_callable,
    as_int,
    as_number,
    as_point,
    as_positive_real,
    as_real_array,
    check_complex_values,
    check_vector_values,
)
from mvc.derivatives import hessian, jacobian

__all__ = ["linearise", "quadratic_approximation", "taylor_coefficients", "taylor_polynomial"]

_EPS = np.finfo(np.float64).eps
_TINY = np.finfo(np.float64).tiny
#: The circles tried when no `radius` is given: 8, 4, 2, ..., 1/256.
RADII = 2.0 ** np.arange(3, -9, -1)
#: Points on each circle for orders up to 15; higher orders get 4(n + 1), up to a power of 2.
MIN_POINTS = 64


def taylor_coefficients(
    f: Callable, a: float, n: int, *, radius: float | None = None
) -> np.ndarray:
    r"""Taylor coefficients $c_k = f^{(k)}(a)/k!$, $k = 0, \ldots, n$, of an analytic function.

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
        than the distance from `a` to the nearest singularity of `f`. By default
        the circles of `RADII` are all tried, and each coefficient is taken from the
        one where its estimated error is least (see Notes).

    Returns
    -------
    numpy.ndarray
        Shape ``(n + 1,)``, float64: $c_0 = f(a), c_1 = f'(a), c_2 = f''(a)/2, \ldots$

    Raises
    ------
    TypeError
        If `f` is not callable, `a` is not a real number, `n` is not an integer or
        `radius` is not a real number.
    ValueError
        If `a` is not finite, `n` is negative, `radius` is not positive, `f`
        returns real values (it drops the imaginary part) or the wrong shape, `f`
        is not analytic on any circle tried (a singularity at or near `a`, or a
        function such as ``abs`` or ``np.conj`` that is not complex-differentiable),
        or its coefficients come out complex (`f` is not real on the real axis).

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
    coefficients; a pole or branch cut inside the circle, or a function that is not
    complex-differentiable, fills them. With $\eta(r)$ the larger of their size and
    $\epsilon \max|f|$, $c_k$ is off by about $\eta(r)/r^k$. A circle is usable if
    $\eta(r) \le \sqrt{\epsilon}\max|f|$; each $c_k$ is taken from the usable circle
    (no more than 64 times smaller than the largest) where $\eta(r)/r^k$ is least:
    low orders from small circles, high orders from large ones.
    For $e^x$, $\cos x$, $\ln x$ and $1/x$ about 1 the coefficients are exact to
    about $10^{-14}$ through order 10 (the chapter measures it).

    Limits: $f$ must accept complex input and stay analytic in a disc around $a$:
    a singularity closer than $1/256$ needs an explicit, smaller `radius`; a function
    that is not analytic (``abs``, a piecewise definition) cannot be expanded, and a
    function growing very fast, such as $e^{1000x}$, may need a smaller `radius`.
    Orders near $N/4$ and beyond lose accuracy to aliasing; $N$ grows with `n`.

    Cost: $N = \max(64, 4(n+1))$ rounded up to a power of 2 values of `f` per
    circle, in one vectorised call: $12N$ (768 for $n \le 15$) by default, $N$
    with a `radius`.

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
    n = as_int(n, "n", minimum=0)
    radii = RADII if radius is None else [as_positive_real(radius, "radius")]
    N = max(MIN_POINTS, 1 << (4 * (n + 1) - 1).bit_length())
    circles = [_circle(f, a, r, N) for r in radii]
    usable = [c for c in circles if c is not None and c["tail"] <= np.sqrt(_EPS) * c["size"]]
    if not usable:
        raise ValueError(_not_analytic(a, radii))
    return _least_error(usable, n)


# --8<-- [start:cauchy]
def _circle(f: Callable, a: float, r: float, N: int) -> dict | None:
    """Scaled coefficients c_k r^k from N points on |z - a| = r, by one FFT.

    None if `f` is not finite somewhere on the circle (a singularity on it).
    """
    z = a + r * np.exp(2j * np.pi * np.arange(N) / N)
    with np.errstate(all="ignore"):
        name = "`f` on a circle around `a`"
        values = check_complex_values(f(z), (N,), name)
    if not np.all(np.isfinite(values)):
        return None
    F = np.fft.fft(values) / N  # F[k] = c_k r^k + c_{k+N} r^{k+N} + ...
    size = np.abs(values).max()
    tail = np.abs(F[3 * N // 4 :]).max()  # round-off, if f is analytic inside
    noise = max(tail, _EPS * size)
    return {"r": r, "F": F, "size": size, "tail": tail, "noise": noise}
# --8<-- [end:cauchy]


def _least_error(circles: list[dict], n: int) -> np.ndarray:
    """c_0..c_n, each from the circle where its estimated error noise(r) / r^k is least.

    Low orders prefer small circles (little round-off), high orders large ones (little
    amplification by r^-k); all circles were evaluated anyway, so each c_k takes its best.
    Only circles at most 64 times smaller than the largest usable one compete: the
    estimate assumes round-off in proportion to max|f| on the circle, which a function
    computed with cancellation (np.exp(z) - 1 about 0) does not honour on tiny circles.
    """
    largest = max(c["r"] for c in circles)
    competing = [c for c in circles if c["r"] >= largest / 64]
    k = np.arange(n + 1)
    r = np.array([c["r"] for c in competing])[:, None]
    errors = np.array([max(c["noise"], _TINY) for c in competing])[:, None] / r**k
    best = np.argmin(errors, axis=0)  # per order k, the row of its best circle
    scaled = np.array([c["F"][: n + 1] for c in competing])[best, k]  # c_k r^k
    if np.any(np.abs(scaled.imag) > np.sqrt(_EPS) * np.array([competing[b]["size"] for b in best])):
        raise ValueError(
            "`f` must be real on the real axis: its Taylor coefficients about `a` came out "
            f"complex, {_show_complex(scaled / r[best, 0] ** k)}."
        )
    return scaled.real / r[best, 0] ** k


def _show_complex(c: np.ndarray) -> str:
    with np.printoptions(threshold=6, edgeitems=2, precision=3):
        return repr(c)


def _not_analytic(a: float, radii) -> str:
    where = (
        f"on every circle tried (radius {radii[0]:g} down to {radii[-1]:g})"
        if len(radii) > 1
        else f"on the circle of radius {radii[0]:g}"
    )
    return (
        f"`f` is not analytic around `a` = {a!r}: {where} it has a singularity inside or "
        "is not complex-differentiable (abs, np.conj, .real, a branch cut). A Taylor series "
        "about `a` needs f analytic in a disc around it; if the nearest singularity is "
        "closer than the smallest radius, pass a smaller `radius`."
    )


def taylor_polynomial(f: Callable, a: float, n: int, *, radius: float | None = None) -> Callable:
    r"""The Taylor polynomial $p_n(x) = \sum_{k=0}^{n} c_k (x - a)^k$ of `f` about `a`.

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

    def p(x):
        x = as_real_array(x, "x")
        y = np.full(x.shape, coefficients[-1])
        for c in coefficients[-2::-1]:
            y = y * (x - a) + c  # Horner: c_0 + dx (c_1 + dx (c_2 + ...))
        return float(y) if y.ndim == 0 else y

    p.coefficients, p.a = coefficients, a
    p.__doc__ = f"Taylor polynomial of order {n} about a = {a!r}."
    return p


def linearise(f: Callable, x0: float | np.ndarray) -> Callable:
    r"""The linearisation $L(x) = f(x_0) + J_f(x_0)\,(x - x_0)$ of $f$ of several variables.

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

    def L(x):
        dx = _displacement(x, point, scalar)
        return _shaped(f0 + dx @ (J[0] if f0.ndim == 0 else J.T))  # f(x0) + J dx

    L.x0, L.f0, L.J = point, f0, J
    return L


def quadratic_approximation(f: Callable, x0: float | np.ndarray) -> Callable:
    r"""The second-order Taylor approximation $f(x_0) + J\Delta x + \tfrac12 \Delta x^T H \Delta x$.

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
    The error is $O(\|\Delta x\|^3)$. $J$ comes from `mvc.jacobian` (relative error
    about $10^{-11}$) and $H$ from `mvc.hessian` (about $10^{-8}$), both by central
    differences. Cost: $2n + 1$ evaluations for $J$ and $n^2 + n + 1$ for $H$, once.

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

    def Q(x):
        dx = _displacement(x, point, scalar)
        return _shaped(f0 + dx @ J[0] + 0.5 * np.einsum("...i,ij,...j->...", dx, H, dx))

    Q.x0, Q.f0, Q.J, Q.H = point, f0, J, H
    return Q


def _value(f: Callable, point: np.ndarray, scalar: bool, shape) -> np.ndarray:
    """f(x0), checked: a finite number or 1-D array (exactly a number with ``shape=()``)."""
    with np.errstate(all="ignore"):
        value = f(point.item() if scalar else point)
    return check_vector_values(value, shape, "`f` at `x0`").astype(np.float64)


def _displacement(x, x0: np.ndarray, scalar: bool) -> np.ndarray:
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


def _shaped(y: np.ndarray):
    """A float for one point of a scalar function, else the array."""
    y = np.asarray(y, dtype=np.float64)
    return float(y) if y.ndim == 0 else y
