r"""Scale-free numerics for the solvers: difference steps that follow the units of $x$,
the rounding that comes with them, and a length that neither overflows nor underflows.

`mvc.gradient` and its siblings scale their default step by $\max(1, |x|)$, the right
choice for the numbers a reader types in. A solver must reach the same verdict when its
unknowns are measured in other units ($x$ times $10^8$ or $10^{-8}$), so it differences
along axis $j$ with a step proportional to that variable's own typical size. It must
also know how much of a difference is rounding: each value of $f$ carries an error of a
few $\epsilon$ times the size of its terms, so a central difference with step $h$
carries that error over $h$, and a difference below it says nothing about the slope.

Each helper calls mvc's own differences on the function of a scaled variable,
$u \mapsto f(x + u \odot s)$ at $u = 0$ with $h = 1$, so the step along axis $j$ is $s_j$.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mvc.derivatives import gradient, jacobian

EPS = float(np.finfo(np.float64).eps)
#: The rounding error of one evaluation of f, in units of eps times the size of its terms.
ROUNDING = 4.0
#: A coordinate of x0 no larger than this times the largest is taken for a rounded 0,
#: unless the caller passes its own `zero_beside` (see `reference_size`).
ZERO_BESIDE = 64 * EPS


def reference_size(
    x0: np.ndarray,
    reference: np.ndarray | None,
    x: np.ndarray,
    zero_beside: float = ZERO_BESIDE,
) -> np.ndarray:
    """Each variable's size at the start, |x0_j|; for one that started at 0, the largest of
    max |x0| and the |x_j| the run has reached so far. `reference` is the last value
    (None at the start).

    A start within `zero_beside` of the largest coordinate counts as 0: `np.cos(3 *
    np.pi / 2)` is -1.8e-16, a zero that rounding left behind, not a unit of 1e-16 (whose
    steps would be too short to move f, so every slope along that axis would read 0).
    A solver that lengthens the steps f cannot feel (`newton_raphson`,
    `lagrange_multipliers`) passes `zero_beside=0`: then only an exact 0 borrows the
    others' size, and unknowns in units 1e16 apart keep each its own.
    """
    start = np.abs(x0)
    if reference is None:
        reference = np.full(x0.shape, start.max())
    given = start > zero_beside * start.max()
    return np.where(given, start, np.maximum(reference, np.abs(x)))


def typical_size(x: np.ndarray, reference: np.ndarray, unit: float = 1.0) -> np.ndarray:
    """Each variable's typical size: the larger of |x_j| and its reference size.

    Where both are 0 the largest of all of them stands in, and `unit` (1 unless the caller
    has measured a length from f, see `lagrange_multipliers`) where x and the references
    are all 0: then nothing in x gives a scale.
    """
    size = np.maximum(np.abs(x), reference)
    largest = size.max()
    return np.where(size > 0, size, largest if largest > 0 else unit)


def at_size(x: np.ndarray, size: np.ndarray, tol: float) -> np.ndarray:
    """|x|, but each x_j within `tol` of its typical `size` taken at that size: an unknown
    at 0 has no size of its own, and terms measured by it would vanish with it."""
    return np.where(np.abs(x) <= tol * size, size, np.abs(x))


def steps(x: np.ndarray, size: np.ndarray, power: float) -> np.ndarray:
    """Steps eps**power times each variable's size, as stored: (x + h) - x, so x + h is exact."""
    return (x + EPS**power * size) - x


def _along(f: Callable, x: np.ndarray, s: np.ndarray) -> Callable:
    return lambda u: f(x + u * s)


def gradient_at(f: Callable, x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The central-difference gradient of f at x with step s_j along axis j."""
    return gradient(_along(f, x, s), np.zeros(x.size), h=1.0) / s


def jacobian_at(f: Callable, x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The central-difference Jacobian (m, n) of f at x with step s_j along axis j."""
    return jacobian(_along(f, x, s), np.zeros(x.size), h=1.0) / s


def hessian_at(f: Callable, x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The central-difference Hessian of f at x with step s_j along axis j: `hessian`'s
    second differences (the same points, the same arithmetic, but for f(-0.0) asked where
    x_k = -0.0), except that a value of f that is not finite is not refused but makes the
    entries it enters nan or inf (a
    solver's f gives nan where the user's fails: the solvers say so in a result). An
    exception f raises passes through. n^2/2 + 3n/2 + 1 calls of f."""
    n = x.size
    with np.errstate(all="ignore"):
        f0 = float(f(x))
        fp, fm = (
            np.array([float(f(shifted(x, k, sign * s[k]))) for k in range(n)]) for sign in (1, -1)
        )
        H = np.diag((fp - 2 * f0 + fm) / 1.0) / np.outer(s, s)
        upper = np.triu_indices(n, k=1)
        for a, b in zip(upper[0].tolist(), upper[1].tolist(), strict=True):
            pair = [
                float(f(shifted(shifted(x, a, sign * s[a]), b, sign * s[b]))) for sign in (1, -1)
            ]
            mixed = pair[0] - fp[a] - fp[b] + 2 * f0 - fm[a] - fm[b] + pair[1]
            H[a, b] = H[b, a] = mixed / 2.0 / (s[a] * s[b])
    return H


def rounding(size: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The rounding error of central differences with steps s, shape (m, n).

    `size` is the size of each component's terms (m of them): each value carries
    rounding of ROUNDING eps size, and the difference of two divided by 2 s_j.
    """
    return ROUNDING * EPS * np.outer(size, 1 / s)


def norm(v: np.ndarray) -> float:
    """The Euclidean length of a 1-D array, exact at any magnitude: sqrt(v @ v) underflows
    to 0 below 1e-154 and overflows above 1e154, so v is scaled by its largest entry first."""
    largest = float(np.abs(v).max())  # the method: np.max's wrapper costs as much again
    if largest == 0 or not np.isfinite(largest):
        return largest
    u = v / largest
    return largest * float(np.sqrt(u @ u))


def central(f: Callable, x: np.ndarray, fx: float, s: np.ndarray) -> tuple[np.ndarray, float]:
    """The central-difference gradient of a scalar f at x with step s_j along axis j, and
    a bound on its rounding error (see `central_errors`)."""
    g, error = central_errors(f, x, fx, s)
    return g, norm(error)


def central_errors(
    f: Callable, x: np.ndarray, fx: float, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The central-difference gradient of a scalar f at x with step s_j along axis j, and
    a bound on each entry's rounding error. Memory O(n): one point at a time.

    Each value carries ROUNDING eps times the size of its terms: the largest of |f| at x
    and at x ± s_j (where x is far smaller than s, f(x ± s) dwarfs f(x): x**2 at 1e-22),
    plus |∇f| |x| for terms that cancel. And x - s_j is itself rounded, by up to eps |x_j|
    / 2, which moves f by its slope there (at a minimum away from 0, the two sides round
    unevenly: 2e-16 where the slope is 0).
    """
    up = np.array([f(shifted(x, j, h)) for j, h in enumerate(s)])
    down = np.array([f(shifted(x, j, -h)) for j, h in enumerate(s)])
    return central_from(x, fx, s, up, down)


def central_from(
    x: np.ndarray, fx: float, s: np.ndarray, up: np.ndarray, down: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`central_errors` from the values f(x + s_j e_j) (`up`) and f(x - s_j e_j) (`down`),
    for a caller that also needs them."""
    g = (up - down) / (2 * s)
    terms = np.maximum(np.maximum(np.abs(up), np.abs(down)), abs(fx)) + np.abs(g) @ np.abs(x)
    slope_beside = np.abs(g) + np.abs(up + down - 2 * fx) / s  # |f'(x ± s_j)|, at most
    return g, ROUNDING * EPS * terms / s + EPS * np.abs(x) * slope_beside / s


def shifted(x: np.ndarray, j: int, h: float) -> np.ndarray:
    """x + h e_j, without the n x n identity: a copy of x with h added to entry j."""
    y = x.copy()
    y[j] += h
    return y
