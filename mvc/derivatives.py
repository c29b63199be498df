r"""Numerical derivatives: the definition of chapter 1, made to work in floating point.

$$f'(x) = \lim_{\Delta x \to 0} \frac{f(x + \Delta x) - f(x)}{\Delta x}$$

A computer cannot take the limit, so it takes one small step $h$ instead. Each
method below is a different way of choosing the points, with its own error order
and cost in function evaluations.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mvc._validation import as_callable, as_choice, as_real_array, as_step, check_values

__all__ = ["derivative"]

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
        If `x` is empty or not finite, `h` is not positive, `method` is unknown,
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
    step = h if h is not None else DEFAULT_STEP[method] * np.maximum(1.0, np.abs(x))
    if method == "complex":
        fz = _evaluate(f, x + 1j * step, x.shape, kind="c")
        slope = fz.imag / step  # f'(x) = Im f(x + ih) / h
    else:
        lo, hi = {
            "forward": (x, x + step),
            "backward": (x - step, x),
            "central": (x - step, x + step),
        }[method]
        slope = (_evaluate(f, hi, x.shape) - _evaluate(f, lo, x.shape)) / (hi - lo)
    # --8<-- [end:differences]
    return float(slope) if x.ndim == 0 else np.asarray(slope, dtype=np.float64)


def _evaluate(f: Callable, points: np.ndarray, shape: tuple[int, ...], *, kind: str = "f") -> np.ndarray:
    """Call `f` once: with a Python number for a scalar point, else the whole array.

    numpy's warnings inside `f` are silenced: a non-finite value is reported by
    `check_values` as a `ValueError` instead.
    """
    arg = points.item() if points.ndim == 0 else points
    with np.errstate(all="ignore"):
        values = f(arg)
    return check_values(values, shape, "`f` near `x`", kind=kind)
