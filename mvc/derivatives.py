r"""Numerical derivatives: the definition of chapter 1, made to work in floating point.

$$f'(x) = \lim_{\Delta x \to 0} \frac{f(x + \Delta x) - f(x)}{\Delta x}$$

A computer cannot take the limit, so it takes one small step $h$ instead. Each
method below is a different way of choosing the points, with its own error order
and cost in function evaluations.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mvc._validation import (
    as_callable,
    as_choice,
    as_point,
    as_real_array,
    as_returned_array,
    as_step,
    check_values,
    check_vector_values,
)

__all__ = ["derivative", "gradient", "hessian", "jacobian"]

METHODS = ("forward", "backward", "central", "complex")

_EPS = np.finfo(np.float64).eps
#: Relative default step per method: each balances that method's truncation error
#: against round-off (see the Notes of `derivative`).
DEFAULT_STEP = {
    "forward": _EPS ** (1 / 2),  # 1.5e-8: error ~ h + eps/h, least at h ~ eps^(1/2)
    "backward": _EPS ** (1 / 2),
    "central": _EPS ** (1 / 3),  # 6.1e-6: error ~ h^2 + eps/h, least at h ~ eps^(1/3)
    "complex": 1e-20,  # error ~ h^2 and no cancellation: any tiny h will do
}
#: Relative default step of `hessian`: error ~ h^2 + eps/h^2, least at h ~ eps^(1/4) = 1.2e-4.
HESSIAN_STEP = _EPS ** (1 / 4)


def derivative(
    f: Callable,
    x: float | np.ndarray,
    *,
    h: float | None = None,
    method: str = "central",
) -> float | np.ndarray:
    r"""Derivative $f'(x)$ of a function of one variable, by finite differences.

    Parameters
    ----------
    f : callable
        The function, ``f(x) -> float``. If `x` is an array, `f` is called once with
        the whole array (shifted by the step) and must act element-wise, as numpy's
        functions do.
    x : float or array_like
        Where to differentiate: a real number, or an array of them (element-wise).
    h : float, optional
        Absolute step size. By default the step is chosen per method and scaled
        to the size of each element of `x` (see Notes).
    method : {"central", "forward", "backward", "complex"}
        Which difference to take. ``"complex"`` needs an `f` that accepts and
        returns complex numbers.

    Returns
    -------
    float or numpy.ndarray
        $f'(x)$: a float for scalar `x`, else a float64 array of the shape of `x`.

    Raises
    ------
    TypeError
        If `f` is not callable, `x` is not real numbers, or `h` is not a number.
    ValueError
        If `x` is empty or not finite, `h` is not positive or so small that
        $x + h$ rounds to $x$, `method` is unknown,
        or `f` returns a value of the wrong shape or a non-finite value; with
        ``method="complex"``, if `f` returns real values (it has dropped the
        imaginary part, so the method would silently return 0).

    Notes
    -----
    With step $h$, the four methods and their errors for smooth $f$ are

    - forward: $\frac{f(x+h) - f(x)}{h} = f'(x) + \frac{h}{2} f''(x) + O(h^2)$,
    - backward: $\frac{f(x) - f(x-h)}{h} = f'(x) - \frac{h}{2} f''(x) + O(h^2)$,
    - central: $\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4)$,
    - complex step: $\frac{\operatorname{Im} f(x + ih)}{h} = f'(x) - \frac{h^2}{6} f'''(x) + O(h^4)$.

    The real differences subtract two nearly equal numbers, which costs about
    $\epsilon |f| / h$ of round-off ($\epsilon \approx 2.2 \times 10^{-16}$). The total
    error is least where truncation and round-off balance: at $h \sim \epsilon^{1/2}$
    for forward and backward (error $\sim 10^{-8}$) and $h \sim \epsilon^{1/3}$ for
    central (error $\sim 10^{-11}$). The default step is that value times
    $\max(1, |x|)$, and the divisor is the distance between the two points as
    actually stored, which removes the error of rounding $x + h$. The complex step
    subtracts nothing, so $h = 10^{-20}$ leaves only the truncation error, far
    below $\epsilon$: the result is exact to machine precision.

    Cost: 2 evaluations of `f` for forward, backward and central; 1 for complex.
    When `x` is an array, each evaluation is one vectorised call.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import derivative
    >>> round(derivative(lambda x: 5 * x**2, 3.0), 6)
    30.0
    >>> derivative(np.exp, np.array([0.0, 1.0]), method="complex").round(6)
    array([1.      , 2.718282])
    """
    f = as_callable(f, "f")
    x = as_real_array(x, "x")
    h = as_step(h, "h")
    method = as_choice(method, "method", METHODS)
    # --8<-- [start:differences]
    scale = np.maximum(1.0, np.abs(x))
    step = h if h is not None else DEFAULT_STEP[method] * scale
    if method == "complex":
        fz = _evaluate(f, x + 1j * step, x.shape, kind="c")
        slope = fz.imag / step  # f'(x) = Im f(x + ih) / h
    else:
        lo, hi = {
            "forward": (x, x + step),
            "backward": (x - step, x),
            "central": (x - step, x + step),
        }[method]
        _check_step_survives_rounding(hi - lo, x, h)
        rise = _evaluate(f, hi, x.shape) - _evaluate(f, lo, x.shape)
        slope = rise / (hi - lo)
    # --8<-- [end:differences]
    return float(slope) if x.ndim == 0 else np.asarray(slope, dtype=np.float64)


def _check_step_survives_rounding(run: np.ndarray, x: np.ndarray, h: float | None) -> None:
    """A step below half the spacing of floats at `x` vanishes: x + h == x, and 0/0 follows."""
    if np.any(run == 0):
        where = x if x.ndim == 0 else x[run == 0][0]
        raise ValueError(
            f"`h` must be large enough that x + h differs from x in floating point, got {h!r} "
            f"at x = {float(where)!r}; use at least {float(np.spacing(where)):.1e}."
        )


def _evaluate(f: Callable, points: np.ndarray, shape: tuple[int, ...], *, kind: str = "f") -> np.ndarray:
    """Call `f` once: with a Python number for a scalar point, else the whole array.

    numpy's warnings inside `f` are silenced: a non-finite value is reported by
    `check_values` as a `ValueError` instead.
    """
    arg = points.item() if points.ndim == 0 else points
    with np.errstate(all="ignore"):
        values = as_returned_array(f(arg), "`f` near `x`")
    return check_values(values, shape, "`f` near `x`", kind=kind)


def gradient(
    f: Callable,
    x: float | np.ndarray,
    *,
    h: float | None = None,
    method: str = "central",
) -> np.ndarray:
    r"""Gradient $\nabla f(x)$ of a scalar function of $n$ variables, by finite differences.

    Parameters
    ----------
    f : callable
        The function, ``f(x) -> float``, called with one point at a time: a 1-D
        float array of length $n$ (a Python number when `x` is a number).
    x : float or array_like
        The point: a number or a 1-D array of $n$ numbers.
    h : float, optional
        Absolute step along every axis. By default axis $i$ gets the step of
        `derivative` for the method, scaled by $\max(1, |x_i|)$.
    method : {"central", "forward", "backward", "complex"}
        The difference taken along each axis, as in `derivative`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``: the partial derivatives $\partial f / \partial x_i$ (the one
        row of `jacobian`, flat).

    Raises
    ------
    TypeError
        If `f` is not callable, `x` is not real numbers, or `h` is not a number.
    ValueError
        If `x` is empty, 2-D or not finite, `h` is not positive, `method` is unknown,
        or `f` returns anything but one finite real number (`jacobian` takes
        vector functions); with ``method="complex"``, if `f` returns real values.

    Notes
    -----
    Partial derivative $i$ is the derivative of chapter 1 along axis $i$, the other
    variables held constant: centrally,
    $\frac{\partial f}{\partial x_i} \approx \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2 h_i}$,
    $h_i = \epsilon^{1/3} \max(1, |x_i|)$. Steps, divisors and errors are those of
    `derivative`: central $\sim 10^{-11}$ relative, forward and backward
    $\sim 10^{-8}$, complex step exact to rounding.

    Cost: $2n$ evaluations of `f` for central, $n + 1$ for forward and backward
    (they share $f(x)$), $n$ for complex.

    Examples
    --------
    >>> from mvc import gradient
    >>> gradient(lambda v: v[0]**2 * v[1] + 3 * v[2], [1.0, 2.0, 3.0]).round(6)
    array([4., 1., 3.])
    """
    return _jacobian(f, x, h, method, shape=())[0]


def jacobian(
    f: Callable,
    x: float | np.ndarray,
    *,
    h: float | None = None,
    method: str = "central",
) -> np.ndarray:
    r"""Jacobian $J_{ij} = \partial f_i / \partial x_j$ of $f: \mathbb{R}^n \to \mathbb{R}^m$.

    Parameters
    ----------
    f : callable
        The function, ``f(x) -> float or 1-D array`` whose length $m$ does not
        change between calls; `x`, `h` and `method` are as in `gradient`.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, n)``: row $i$ is the gradient of $f_i$. A scalar `f` gives the
        course's row vector, shape ``(1, n)``.

    Raises
    ------
    TypeError, ValueError
        As `gradient`, except that `f` may return a 1-D array: a 2-D array, a
        length other than at the first call, or a non-finite value is a `ValueError`.

    Notes
    -----
    Column $j$ is the derivative of the whole vector $f$ along axis $j$: centrally,
    $J_{:,j} \approx \frac{f(x + h_j e_j) - f(x - h_j e_j)}{2 h_j}$, with the steps
    and errors of `gradient`.

    Cost: $2n$ evaluations of `f` for central, $n + 1$ for forward and backward,
    $n$ for complex, whatever $m$ is.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import jacobian
    >>> polar = lambda p: [p[0] * np.cos(p[1]), p[0] * np.sin(p[1])]
    >>> jacobian(polar, [2.0, 0.0]).round(6)
    array([[1., 0.],
           [0., 2.]])
    """
    return _jacobian(f, x, h, method, shape=None)


def hessian(f: Callable, x: float | np.ndarray, *, h: float | None = None) -> np.ndarray:
    r"""Hessian $H_{ij} = \partial^2 f / \partial x_i \partial x_j$, by central differences.

    Parameters
    ----------
    f : callable
        The function, ``f(x) -> float``; `f` and `x` as in `gradient`.
    h : float, optional
        Absolute step along every axis. By default $h_i = \epsilon^{1/4} \max(1, |x_i|)$.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, n)``, exactly symmetric.

    Raises
    ------
    TypeError, ValueError
        As `gradient` (there is no `method`).

    Notes
    -----
    With $f_{\pm i} = f(x \pm h_i e_i)$ and $f_{\pm ij} = f(x \pm h_i e_i \pm h_j e_j)$,

    $$H_{ii} \approx \frac{f_{+i} - 2 f(x) + f_{-i}}{h_i^2}, \qquad
    H_{ij} \approx \frac{f_{+ij} - f_{+i} - f_{+j} + 2 f(x) - f_{-i} - f_{-j} + f_{-ij}}
    {2 h_i h_j},$$

    both with truncation error $O(h^2)$. The mixed formula reuses the diagonal's
    points, so it needs two new points per pair, not the four of
    $\frac{f_{++} - f_{+-} - f_{-+} + f_{--}}{4 h_i h_j}$ (which is also what
    differencing central gradients gives). Round-off is $\sim \epsilon |f| / h^2$, so
    the error $h^2 + \epsilon / h^2$ is least at $h \sim \epsilon^{1/4} \approx
    1.2 \times 10^{-4}$, where it is $\sim \epsilon^{1/2} \approx 10^{-8}$ relative to
    $|f|$. Each step is taken as stored, $(x_i + h_i) - x_i$, so that $x + h_i e_i$
    is exact. The upper triangle is computed and mirrored.

    Cost: $n^2 + n + 1$ evaluations of `f` (the four-point formula needs $2n^2 + 1$).

    Examples
    --------
    >>> from mvc import hessian
    >>> hessian(lambda v: v[0]**2 * v[1] * v[2], [1.0, 2.0, 3.0]).round(6)
    array([[12.,  6.,  4.],
           [ 6.,  0.,  1.],
           [ 4.,  1.,  0.]])
    """
    f = as_callable(f, "f")
    point = as_point(x, "x")
    h = as_step(h, "h")
    g = _of_a_point(f, scalar=np.ndim(x) == 0)
    step = h if h is not None else HESSIAN_STEP * np.maximum(1.0, np.abs(point))
    step = (point + step) - point  # the step as stored: x + h_i e_i is exact
    _check_step_survives_rounding(step, point, h)
    return _second_differences(g, point, step)


# --8<-- [start:jacobian]
def _jacobian(
    f: Callable, x, h, method: str, shape: tuple[int, ...] | None
) -> np.ndarray:
    """`gradient` and `jacobian`: J, shape (m, n), one column per axis."""
    f = as_callable(f, "f")
    point = as_point(x, "x")
    h = as_step(h, "h")
    method = as_choice(method, "method", METHODS)
    g = _of_a_point(f, scalar=np.ndim(x) == 0)
    scale = np.maximum(1.0, np.abs(point))
    step = h if h is not None else DEFAULT_STEP[method] * scale
    E = np.diag(np.broadcast_to(step, point.shape))  # row j: step on axis j
    if method == "complex":  # column j: Im f(x + i h_j e_j) / h_j
        F = _evaluate_rows(g, point + 1j * E, shape, kind="c")
        return (F.imag.reshape(point.size, -1) / np.diag(E)[:, None]).T
    lo, hi = {
        "forward": (point[None], point + E),
        "backward": (point - E, point[None]),
        "central": (point - E, point + E),
    }[method]
    divisor = np.diag(hi - lo)  # the distance between the points as stored
    _check_step_survives_rounding(divisor, point, h)
    F_lo = _evaluate_rows(g, lo, shape)
    F_hi = _evaluate_rows(g, hi, F_lo.shape[1:])
    return ((F_hi - F_lo).reshape(point.size, -1) / divisor[:, None]).T
# --8<-- [end:jacobian]


# --8<-- [start:hessian]
def _second_differences(
    f: Callable, x: np.ndarray, step: np.ndarray
) -> np.ndarray:
    """H from f(x), f(x ± h_i e_i) and f(x ± (h_i e_i + h_j e_j)), i < j."""
    E = np.diag(step)
    i, j = np.triu_indices(x.size, k=1)
    f0, fp, fm, fpp, fmm = (
        _evaluate_rows(f, points, ())
        for points in (x[None], x + E, x - E,
                       x + E[i] + E[j], x - E[i] - E[j])
    )
    H = np.diag((fp - 2 * f0 + fm) / step**2)
    mixed = fpp - fp[i] - fp[j] + 2 * f0 - fm[i] - fm[j] + fmm
    H[i, j] = H[j, i] = mixed / (2 * step[i] * step[j])
    return H
# --8<-- [end:hessian]


def _of_a_point(f: Callable, *, scalar: bool) -> Callable:
    """`f` of a 1-D point; for a scalar `x` it gets a Python number, as in `derivative`."""
    return (lambda point: f(point.item())) if scalar else f


def _evaluate_rows(
    f: Callable, points: np.ndarray, shape: tuple[int, ...] | None, *, kind: str = "f"
) -> np.ndarray:
    """Call `f` once per row of `points` (never with a batch) and stack the values.

    Each value must have `shape`; ``None`` lets the first call fix it (a number or a
    1-D array). numpy's warnings inside `f` are silenced, as in `_evaluate`.
    """
    values = []
    for point in points:
        with np.errstate(all="ignore"):
            value = as_returned_array(f(point), "`f` near `x`")
        values.append(check_vector_values(value, shape, "`f` near `x`", kind=kind))
        shape = values[-1].shape
    return np.array(values)
