"""The second-order test of a fit's minimum, where its linearisation cannot tell (chapter 6).

`fit` calls chi^2 at a minimum when the fall that its linearisation (Gauss–Newton) still
promises is small. Where the Jacobian is singular or nearly so along some direction, that
promise is the fall at the end of a step too long for the model to be linear over it: for
a x + b^2 at b = 0 the slope 2b along b is 0, so the linear model promises to fit any
intercept, which b^2 >= 0 cannot. There the model's curvature decides. This module measures
the Hessian of chi^2/2, H = A^T A - sum_i r_i (the Hessian of the model at point i), by
differences of the model along the Jacobian's right singular directions, and asks the same
question of the second-order model: how far would chi^2 fall at its minimum?
"""

from __future__ import annotations

import numpy as np

from mvc._least_squares import EPS, ROUNDING, STEP, Linearisation, Problem

__all__ = ["newton_decrement"]


def newton_decrement(problem: Problem, lin: Linearisation) -> float | None:
    """sqrt(the fall of chi^2 that its second-order model promises / chi^2), as `decrement`
    is for the linear model; None if the Hessian is not positive definite beyond its rounding
    (a saddle, or a direction that not even the curvature determines), or not measurable.

    In the coordinates z of the scaled parameters along the right singular vectors (a = a0 +
    sum_j z_j Vt[j] / D), the gradient of chi^2/2 is -|r| s c, and the linear part of the
    Hessian is diag(s^2). Costs up to 16 evaluations of the model per parameter to choose
    the steps, then 2 n^2 + 1 for the second differences.
    """
    measured = _hessian(problem, lin)
    if measured is None:
        return None
    H, rounding = measured
    mu = np.linalg.eigvalsh(H)
    if not mu[0] > max(rounding, EPS * mu[-1]):
        return None
    g = lin.s * lin.c  # -grad(chi^2 / 2) / |r|, in the coordinates z
    return float(np.sqrt(max(g @ np.linalg.solve(H, g), 0.0)))


def _hessian(problem: Problem, lin: Linearisation) -> tuple[np.ndarray, float] | None:
    """H in the coordinates z, and a bound on the rounding of its differenced part."""
    d = lin.Vt / lin.D  # row j: the direction of z_j in the parameters
    f0 = problem.scale(lin.f.copy())
    t = np.array([_step(problem, lin, dj, f0) for dj in d])
    if not np.all(t > 0):
        return None
    n = t.size
    T = np.empty((n, n))  # sum_i r_i d^2 f_i / dz_j dz_k
    for j in range(n):
        for k in range(j, n):
            second = _second_difference(problem, lin.p, d, t, j, k, f0)
            if second is None:
                return None
            T[j, k] = T[k, j] = lin.r @ second
    sizes = np.abs(f0) + np.abs(lin.r)  # each point's values, whose rounding is differenced
    rounding = 4 * ROUNDING * EPS * float(np.abs(lin.r) @ sizes) / float(np.min(t)) ** 2
    return np.diag(lin.s**2) - T, rounding


def _step(problem: Problem, lin: Linearisation, d: np.ndarray, f0: np.ndarray) -> float:
    """The step along `d` over which the model changes by about eps^(1/3) of its size (by its
    slope, or by its curvature where the slope along `d` is 0); 0 if none is found.

    Searched as a power law: the change grows as t where the slope rules and as t^2 where
    the curvature does, so each guess follows the power measured between the last two."""
    target = STEP * problem.size
    t, power, last = STEP * float(np.linalg.norm(lin.D * lin.p) or 1.0), 1.0, None
    for _ in range(16):
        change = float(np.linalg.norm(problem.scale(problem.values(lin.p + t * d)) - f0))
        if target / 4 <= change <= 4 * target:
            return t
        if not 0 < change < np.inf:  # no change, or an overflow: widen or narrow fast
            t, last = t * 2.0 ** (20 if change == 0 else -20), None
            continue
        if last is not None and last[1] != change:
            power = float(np.clip(np.log(change / last[1]) / np.log(t / last[0]), 0.5, 4.0))
        t, last = t * (target / change) ** (1 / power), (t, change)
    return 0.0


def _second_difference(
    problem: Problem, p: np.ndarray, d: np.ndarray, t: np.ndarray, j: int, k: int, f0: np.ndarray
) -> np.ndarray | None:
    """d^2 f / dz_j dz_k by central differences of the scaled model; None if not finite."""

    def f(sj: float, sk: float) -> np.ndarray:
        return problem.scale(problem.values(p + sj * t[j] * d[j] + sk * t[k] * d[k]))

    if j == k:
        second = (f(0.5, 0.5) + f(-0.5, -0.5) - 2 * f0) / t[j] ** 2
    else:
        second = (f(1, 1) - f(1, -1) - f(-1, 1) + f(-1, -1)) / (4 * t[j] * t[k])
    return second if np.all(np.isfinite(second)) else None
