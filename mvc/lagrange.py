r"""Lagrange multipliers: extremes of $f$ on the curve or surface $g(x) = 0$.

At a constrained extreme the contour of $f$ touches the constraint, so their
gradients are parallel: $\nabla f = \lambda \nabla g$. With the Lagrangian

$$\mathcal{L}(x, \lambda) = f(x) - \lambda \cdot g(x),$$

that condition and the constraint itself are one system, $\nabla \mathcal{L} = 0$
in the $n + m$ unknowns $(x, \lambda)$, which Newton–Raphson solves.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mvc._validation import as_callable, as_int, as_point, as_positive_real, check_vector_values
from mvc.derivatives import gradient, hessian, jacobian
from mvc.result import SolverResult
from mvc.roots import _NonFinite, newton_raphson

__all__ = ["bordered_hessian", "classify", "lagrange_multipliers"]

#: The constraints count as met when |g(x)| is at most this (times max(1, |g(x0)|)).
FEASIBLE = 1e-8


def lagrange_multipliers(
    f: Callable,
    g: Callable,
    x0: np.ndarray,
    *,
    tol: float = 1e-10,
    max_iter: int = 50,
) -> SolverResult:
    r"""A stationary point of $f$ subject to $g(x) = 0$, and its multipliers $\lambda$.

    Parameters
    ----------
    f : callable
        The objective, ``f(x) -> float`` of a 1-D point of $n$ numbers.
    g : callable
        The equality constraints, ``g(x) -> float`` (one) or a 1-D array of $m < n$.
    x0 : array_like
        The starting guess of the point (1-D, $n \ge 2$). The multipliers start at
        the least-squares solution of $\nabla f(x_0) = \lambda \nabla g(x_0)$.
    tol : float
        The step tolerance of Newton–Raphson on $\nabla \mathcal{L} = 0$.
    max_iter : int
        The most Newton steps.

    Returns
    -------
    SolverResult
        `x` the point, `fun` $= f(x)$, `multipliers` $\lambda$ (shape ``(m,)``),
        `history` the points, row 0 `x0`. When `converged` is False, `message` says
        why: the constraints are not met (infeasible, perhaps inconsistent), the
        Jacobian of $\nabla \mathcal{L}$ is singular (for instance where $\nabla g = 0$),
        divergence, a cycle or `max_iter`.

    Raises
    ------
    TypeError
        If `f` or `g` is not callable, `x0` is not real numbers, `tol` not a number,
        `max_iter` not an integer.
    ValueError
        If `x0` is not a finite 1-D point of at least 2 numbers, `g` has $m \ge n$
        constraints or returns a 2-D array, `f` is not one number, or a value at `x0`
        is not finite.

    Notes
    -----
    Sign convention: $\mathcal{L} = f - \lambda \cdot g$, so $\nabla f = \lambda
    \nabla g$ at the solution, as in the course. (Libraries that write
    $f + \lambda g$ report $-\lambda$.) $\lambda_k$ is the rate at which the
    optimum of $f$ rises as constraint $k$ is relaxed to $g_k = c$.

    Newton's method needs the Jacobian of $\nabla \mathcal{L}$, the bordered matrix
    $\begin{pmatrix} H_f - \sum_k \lambda_k H_{g_k} & -J_g^T \\ -J_g & 0 \end{pmatrix}$,
    built from `mvc.hessian` and `mvc.jacobian` (central differences). Cost per
    step: $(m + 1)(n^2 + 3n + 1)$ evaluations of `f` and `g`, about.

    Whether the point is a maximum, a minimum or neither, `classify` says.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import lagrange_multipliers
    >>> f = lambda v: v[0] ** 2 * v[1]
    >>> g = lambda v: v[0] ** 2 + v[1] ** 2 - 3  # the circle of radius a = sqrt(3)
    >>> result = lagrange_multipliers(f, g, [1.0, 1.5])
    >>> result.x.round(8), result.multipliers.round(8)
    (array([1.41421356, 1.        ]), array([1.]))
    """
    f = as_callable(f, "f")
    g = as_callable(g, "g")
    tol = as_positive_real(tol, "tol")
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    x = as_point(x0, "x0")
    if x.size < 2:
        raise ValueError(f"`x0` must have at least 2 coordinates, got {x.size}.")
    G, F = _constraints(g, x), _guarded(f, (), "`f`")
    try:
        lam = np.linalg.lstsq(jacobian(G, x).T, gradient(F, x), rcond=None)[0]
    except _NonFinite:
        raise ValueError(f"`f` and `g` must be finite near `x0` = {x!r}.") from None
    return _solve(F, G, x, lam, tol, max_iter)


def _solve(F, G, x, lam, tol, max_iter) -> SolverResult:
    """Newton–Raphson on ∇L = 0 in (x, λ), then the check that the constraints hold."""
    n = x.size

    # --8<-- [start:lagrangian]
    def grad_L(z):  # ∇L = [∇f - J_gᵀ λ, -g]: zero at the solution z = (x, λ)
        x, lam = z[:n], z[n:]
        return np.concatenate([gradient(F, x) - jacobian(G, x).T @ lam, -G(x)])

    # --8<-- [end:lagrangian]

    def hess_L(z):
        x, lam = z[:n], z[n:]
        return bordered_hessian(F, G, x, lam)

    z0 = np.concatenate([x, lam])
    run = newton_raphson(grad_L, z0, fprime=hess_L, tol=tol, max_iter=max_iter)
    point, lam = run.history[-1, :n], run.history[-1, n:]
    converged = run.converged
    message = run.message.replace("|f(x)|", "|∇L|")
    message = message.replace("f(x) or its derivative", "∇L or its Jacobian")
    if converged and not np.linalg.norm(G(point)) <= FEASIBLE * max(1.0, np.linalg.norm(G(x))):
        miss = np.linalg.norm(G(point))
        message = (f"infeasible: |g(x)| = {miss:.3g} at the end "
                   "(the constraints may be inconsistent, or tol too loose)")
        converged = False
    fun = _value(F, point)
    return SolverResult(x=point, fun=fun, converged=converged, n_iter=run.n_iter,
                        history=run.history[:, :n],
                        message=f"Newton on ∇L = 0 in (x, λ): {message}",
                        multipliers=lam)


def _value(F, point) -> float:
    """f at the last point, nan where it is not finite (the message says why)."""
    try:
        return float(F(point))
    except _NonFinite:
        return float("nan")


def bordered_hessian(
    f: Callable, g: Callable, x: np.ndarray, multipliers: np.ndarray
) -> np.ndarray:
    r"""The bordered Hessian at $(x, \lambda)$: the Jacobian of $\nabla \mathcal{L}$.

    $$\begin{pmatrix} H_{\mathcal{L}} & -J_g^T \\ -J_g & 0 \end{pmatrix}, \qquad
    H_{\mathcal{L}} = H_f - \sum_k \lambda_k H_{g_k},$$

    the Jacobian of $\nabla \mathcal{L} = [\nabla f - J_g^T \lambda, -g]$, by central
    differences (`mvc.hessian`, `mvc.jacobian`).

    Examples
    --------
    >>> from mvc.lagrange import bordered_hessian
    >>> f = lambda v: v[0] * v[1]
    >>> g = lambda v: v[0] + v[1] - 2
    >>> bordered_hessian(f, g, [1.0, 1.0], [1.0]).round(6)
    array([[ 0.,  1., -1.],
           [ 1.,  0., -1.],
           [-1., -1.,  0.]])
    """
    x = as_point(x, "x")
    lam = np.atleast_1d(np.asarray(multipliers, dtype=np.float64))
    G = _constraints(g, x)
    Jg = jacobian(G, x)
    H = hessian(f, x) - sum(lk * hessian(lambda v, k=k: G(v)[k], x) for k, lk in enumerate(lam))
    m = Jg.shape[0]
    return np.block([[H, -Jg.T], [-Jg, np.zeros((m, m))]])


def classify(f: Callable, g: Callable, x: np.ndarray, multipliers: np.ndarray) -> str:
    r"""Classify a constrained stationary point: "maximum", "minimum", "saddle" or "degenerate".

    Notes
    -----
    The second-order test: the Hessian of $\mathcal{L}$ restricted to the tangent
    space of the constraints, $Z^T H_{\mathcal{L}} Z$ with $Z$ an orthonormal basis
    of the null space of $J_g$. Positive definite means a minimum, negative definite
    a maximum, both signs a saddle; an eigenvalue within $10^{-6}$ (relative) of zero
    leaves the test undecided, "degenerate". It is equivalent to the signs of the
    bordered Hessian's leading minors, and better conditioned.

    Examples
    --------
    >>> from mvc.lagrange import classify
    >>> f = lambda v: v[0] * v[1]
    >>> g = lambda v: v[0] + v[1] - 2
    >>> classify(f, g, [1.0, 1.0], [1.0])
    'maximum'
    """
    B = bordered_hessian(f, g, x, multipliers)
    n = np.size(x)
    Jg = -B[n:, :n]
    Z = np.linalg.svd(Jg)[2][np.linalg.matrix_rank(Jg):].T  # null space of J_g
    eig = np.linalg.eigvalsh(Z.T @ B[:n, :n] @ Z)
    if np.all(np.abs(eig) > 1e-6 * max(1.0, np.abs(eig).max())):
        return "minimum" if eig.min() > 0 else "maximum" if eig.max() < 0 else "saddle"
    return "degenerate"


def _constraints(g: Callable, x: np.ndarray) -> Callable:
    """g as a map to a 1-D array of m < n values, its length fixed by the first call."""
    first = check_vector_values(g(x), None, "`g`")
    m = max(1, first.size)
    if m >= x.size:
        raise ValueError(f"`g` must give fewer constraints than unknowns ({x.size}), got {m}.")
    G = _guarded(g, first.shape, "`g`")
    return lambda v: np.atleast_1d(G(v))


def _guarded(f: Callable, shape: tuple[int, ...], what: str) -> Callable:
    """f checked for shape; a non-finite value raises _NonFinite (a failed run, not bad input)."""

    def checked(v):
        with np.errstate(all="ignore"):
            value = f(v)
        arr = np.asarray(value)
        if arr.shape == shape and arr.dtype.kind in "iuf" and not np.all(np.isfinite(arr)):
            raise _NonFinite
        return check_vector_values(value, shape, what).astype(np.float64)

    return checked
