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
- `quadratic_minimum`: where $f$'s rounding hides $\nabla f$, does $f$'s Hessian put
  a minimum within `tol` $|x|$ of $x$, or a fall to it within $f$'s rounding?
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mvc._scaling import EPS, ROUNDING, central, hessian_at, norm, steps

#: Below this a value of f has lost relative precision (subnormal numbers).
TINY = float(np.finfo(np.float64).tiny) / EPS
#: How many times the difference steps shrink (by eps each) in `origin_is_minimum`.
RUNGS = 24
#: How many times the Hessian's steps grow (by 16 each) to rise above f's rounding.
LENGTHENINGS = 4


def falls_along_axis(F: Callable, G: Callable, x: np.ndarray, s: np.ndarray) -> int:
    """At x, where ∇f = 0: on how many sides of x (0, 1 or 2) f falls away along the axis
    where it falls most (a flat direction is no fall). Each slope is seen at x ± s_j e_j,
    beyond its rounding: 2 is a maximum or a saddle, 1 an inflection (x**3 at 0)."""
    kinds = []
    for axis, length in zip(np.eye(x.size), s, strict=True):
        falls = []
        for side in (1.0, -1.0):
            y = x + side * length * axis
            fy = F(y)
            gy, noise = G(y, fy) if np.isfinite(fy) else (np.full(x.size, np.nan), 0.0)
            falls.append(not side * gy[axis == 1][0] >= -noise)  # downhill (or not finite)
        kinds.append(sum(falls))
    return max(kinds)


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
    which that was checked, or 0 if it is not one.

    f(0) must be no more than f(x), and f must fall from 0 along no axis, nor toward x,
    at steps eps^(1/3) size, then eps times shorter, and so on while f's rise still stands
    clear of f(0)'s rounding and of the subnormal numbers. A linear term too small to see
    at the first step shows at a shorter one (x**2 + 1e-30 x falls toward -1e-37).
    """
    zero = np.zeros_like(x)
    f0 = F(zero)
    if not f0 <= fx:
        return 0.0
    toward_x = x / np.max(np.abs(x)) * size if np.any(x) else size * 0
    directions = [*np.diag(size), toward_x] if np.any(x) else list(np.diag(size))
    finest = 0.0
    for rung in range(RUNGS):
        h = EPS ** (1 / 3 + rung)
        values = np.array([F(side * h * d) for d in directions for side in (1.0, -1.0)])
        if not np.all(values >= f0):  # f falls from 0 (or is not finite)
            return 0.0
        rises = values[values != f0] - f0
        if rises.size == 0 or rises.min() < max(TINY, EPS**0.5 * abs(f0)):
            break  # f's rise no longer stands clear of rounding: nothing more to see
        finest = h * float(size.max())
    return finest


def quadratic_minimum(
    F: Callable, x: np.ndarray, fx: float, slope: float, size: np.ndarray, tol: float
) -> tuple[float, float, float] | None:
    """Where |∇f| is known only to be below `slope`: a bound on |∇f|, the distance to the
    minimum of f's quadratic model, and the least |∇f| that floats resolve at x (the
    Hessian times x's rounding, eps |x|), if f's Hessian is positive definite beyond its
    error and the minimum is within tol |x| of x or its fall within f's rounding; else None.

    The Hessian's steps start at eps^(1/4) size and grow 16 times while its error
    (f's rounding over the steps squared) hides its sign (1e8 + x**2 needs 2e-3). Its
    gradient, at the same steps, counts its truncation as the change from half steps.
    """
    for lengthening in range(LENGTHENINGS):
        s = steps(x, size * 16.0**lengthening, 1 / 4)
        H = hessian_at(F, x, s)
        terms = abs(fx) + np.max(np.abs(H)) * np.max(s) ** 2 + slope * norm(x)
        error = norm((8 * ROUNDING * EPS * terms / np.outer(s, s)).ravel())
        lowest = float(np.linalg.eigvalsh(H)[0]) if np.all(np.isfinite(H)) else np.nan
        if lowest - error > 0:
            g, noise = central(F, x, fx, s)
            half = central(F, x, fx, steps(x, size * 16.0**lengthening / 2, 1 / 4))[0]
            slope = min(slope, norm(g) + noise + 4 / 3 * norm(g - half))
            distance = slope / (lowest - error)
            near = distance <= tol * norm(x) or slope * distance / 2 <= ROUNDING * EPS * abs(fx)
            floor = EPS * norm(x) * float(np.max(np.abs(np.linalg.eigvalsh(H))))
            return (slope, distance, floor) if near else None
        if not lowest + error > 0:  # f curves down here (or is not finite)
            return None
    return None
