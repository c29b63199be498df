r"""Lagrange multipliers: extremes of $f$ on the curve or surface $g(x) = 0$.

At a constrained extreme the contour of $f$ touches the constraint, so their
gradients are parallel: $\nabla f = \lambda \nabla g$. With the Lagrangian

$$\mathcal{L}(x, \lambda) = f(x) - \lambda \cdot g(x),$$

that condition and the constraint itself are one system, $\nabla \mathcal{L} = 0$
in the $n + m$ unknowns $(x, \lambda)$, which Newton–Raphson solves, its steps
shortened where they would not lower $|\nabla \mathcal{L}|$.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from mvc._scaling import (
    EPS,
    ROUNDING,
    at_size,
    central_errors,
    gradient_at,
    hessian_at,
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
    as_values_per,
    check_vector_values,
    value_or_nan,
)
from mvc.result import SolverResult
from mvc.roots import DIFFERENCED, GROW, GROWS, SMALL, STALLED, _Given, _iterate, _NonFinite, _show

__all__ = ["bordered_hessian", "classify", "lagrange_multipliers"]

#: The constraints count as met when each |g_k(x)| is at most this times the size of
#: its terms, |J_g||x|.
FEASIBLE = 1e-8
#: The Hessian of L is lost in rounding when its error bound is over this part of it.
LOST = 0.01


def lagrange_multipliers(
    f: Callable,
    g: Callable,
    x0: np.ndarray,
    *,
    tol: float = 1e-8,
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
        Relative tolerance of Newton–Raphson on $\nabla \mathcal{L} = 0$, at least
        $\epsilon$. The convergence test (one line): **converged means the last Newton step
        moved (x, λ) by at most `tol` of their size, |∇L| is at most `tol` of its terms'
        size, and each constraint holds to 1e-8 of its terms**. In full: converged when the
        last step in $(x, \lambda)$ and $|\nabla \mathcal{L}|$ plus its rounding are at most
        `tol` relative to the size of its terms (or, where Newton stalls or $\nabla
        \mathcal{L}$ reads 0, when it is 0 to its rounding and that rounding moves $(x,
        \lambda)$ by at most `tol` of their size, an unknown at 0 measured by its typical
        size), and each constraint holds to $10^{-8}$ of its terms.
    max_iter : int
        The most Newton steps.

    Returns
    -------
    SolverResult
        `x` the point, `fun` $= f(x)$, `multipliers` $\lambda$ (shape ``(m,)``),
        `history` the points, row 0 `x0`. When `converged` is False, `message` says
        why: the constraints are not met (infeasible, perhaps inconsistent), the
        Jacobian of $\nabla \mathcal{L}$ is singular (for instance where $\nabla g = 0$)
        or lost in rounding, a stall at the rounding of $\nabla \mathcal{L}$,
        divergence, a cycle or `max_iter`.

    Raises
    ------
    TypeError
        If `f` or `g` is not callable, `x0` is not real numbers, `tol` not a number,
        `max_iter` not an integer.
    ValueError
        If `tol` is below $\epsilon$, 1 or more, or not finite, `max_iter` < 1,
        `x0` is not a finite 1-D point of at least 2 numbers or has a subnormal
        coordinate (nonzero, below 2.2e-308), `g` has $m \ge n$
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
    built from `mvc.hessian` and `mvc.jacobian` (central differences) with the step
    along $x_j$ proportional to the larger of $|x_j|$ and $|{x_0}_j|$, so the verdict
    does not depend on the units of $x$, $f$ or $g$ (an axis whose steps are too short
    to move $f$ or $g$ beyond their rounding, while it is smaller than the others, has
    them grown 64 times at a time, up to the largest size); the stopping rule is
    `newton_raphson`'s, applied to $\nabla \mathcal{L}$ in $(x, \lambda)$. Cost per
    step: $(m + 1)(n^2 + 3n + 1)$ evaluations of `f` and `g`, about.

    Each Newton step is halved, up to ten times, while it does not lower |grad L| with
    each component measured in units of its own terms (Armijo's rule), except within
    1e3 times its rounding, near the point: from a far start pure Newton wanders, and
    where it lands after 30 to 50 steps depends on the rounding of the units. Over 220
    random problems in 8 unit sets each, the verdict depended on the units for 14 with
    pure Newton and 9 with damped steps; damping can also stall where |grad L| has a
    least value above 0 (ten halvings fail, the full step is taken), and then runs to
    max_iter. Each halving costs a gradient of L, (m + 1) 2n evaluations.

    The sizes come from the start, and a start far from the point can size the steps
    badly for it. Where Newton stalls because the rounding of the slopes could move some
    x_j by more than tol of its size, those axes' steps grow as above and Newton goes on
    from there (the sizes they grew to are the sizes tol is relative to). Where it
    converges, grad L is differenced again with half the steps: if it moves by more than
    its rounding and tol of its terms, the steps were too long for f's curvature
    (truncation; a start at 100 for a point at 1), and Newton goes on from there with
    the sizes of that point, as a new start would; where they cannot shrink, it is not
    converged. Both within max_iter steps in all; the check costs a bordered Hessian and
    a gradient, twice (once to go on, once for the verdict).

    At `x0` = 0 nothing gives `x` a size, so before the first step every variable
    takes the length $|f| / |\nabla f|$ at 0 (slopes differenced at steps grown 64-fold
    at a time from eps^(1/3) until they stand above the rounding of `f`, then again at
    that length), if it is finite and positive and each row of the Hessian of `f`,
    differenced over it, stands above its rounding and agrees with the one at half the
    steps; else the size is 1. After the first step the sizes come from `x`. From 0,
    $(x - a)^2 + (y - a)^2$ on x = y reaches (a, a) for |a| from 1e-6 to 1e6, with `f`,
    `g` and `x` in units 1e±8 (tested); a large constant part in `f` (1e20 + cos x + y²)
    gives no length, and the message says its slopes or curvature were lost in rounding.
    The measurement costs, once, 2n evaluations of `f` per growth and 2n² + 2n for the
    Hessians; it calls `f` up to eps^(-2/3), about 3e10, from 0 where `f` is flat there,
    and eps^(1/4) times the length it finds (far out when `f` has a large constant
    part); an `f` that raises or is not finite there leaves the size 1.

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
    tol = as_relative_tolerance(tol, "tol")
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    x = as_point(x0, "x0")
    if x.size < 2:
        raise ValueError(f"`x0` must have at least 2 coordinates, got {x.size}.")
    if np.any((x != 0) & (np.abs(x) < np.finfo(np.float64).tiny)):
        raise ValueError(
            f"`x0` = {x!r} has a coordinate too small to difference f and g at (a subnormal "
            "number, below 2.2e-308, keeps too few digits): start at 0 or at a normal number."
        )
    G, F = _constraints(g, x), _guarded(f, (), "`f`")
    L = _Lagrangian(F, G, x)
    try:
        grad_f, Jg = L.slopes(x)
        lam = np.linalg.lstsq(Jg.T, grad_f, rcond=None)[0]
        z = np.concatenate([x, lam])
        grad = L.gradient(z)
    except _NonFinite:
        raise ValueError(f"`f` and `g` must be finite near `x0` = {x!r}.") from None
    with np.errstate(all="ignore"):
        run = _go_on(_iterate(L.at, L, z, grad, tol, max_iter, False), L, tol, max_iter)
    return _result(run, F, G, L, tol)


def _go_on(run, L, tol, max_iter) -> SolverResult:
    """Newton's run, carried on, within max_iter steps in all: from where it stalled
    because the rounding of ∇L, over steps too short along some axes, could move them by
    more than tol of their size (those axes' steps grow, `_Lagrangian._grow`); and from
    where it converged with steps too long for f's curvature there (`_truncated`: the
    sizes are taken from that point, `_Lagrangian.restart`)."""
    for _ in range(GROWS):
        z = run.history[-1]
        if run.n_iter >= max_iter:
            break
        truncated = None
        if run.message.startswith("stalled"):
            moved, size, _ = _rounding_moves(L, z, run.fun)
            noisy = (moved > tol * size)[: L.n]
            if not (np.any(noisy) and L._grow(z[: L.n], noisy)):
                break
        else:
            truncated = _truncated(L, z, run.fun, tol) if run.converged else None
            if not (truncated and L.restart(z[: L.n])):
                break
        L.kept = None  # ∇L at z again, with the new steps
        left = max_iter - run.n_iter
        try:
            grad = L.gradient(z)
        except _NonFinite:  # f or g not finite within the new steps: the run stands,
            if truncated:  # but not a convergence that truncation was seen to spoil
                run = replace(run, converged=False, message=truncated)
            break
        more = _iterate(L.at, L, z, grad, tol, left, False)
        history = np.vstack([run.history, more.history[1:]])
        message = more.message.replace(f"max_iter = {left} ", f"max_iter = {max_iter} ", 1)
        run = replace(more, n_iter=len(history) - 1, history=history, message=message)
    return run


def _result(run, F, G, L, tol) -> SolverResult:
    """The point and multipliers from Newton's run on ∇L = 0, with the verdict checked."""
    n = L.n
    point, lam = run.history[-1, :n], run.history[-1, n:]
    converged, message = _verdict(run, F, G, L, tol)
    return SolverResult(
        x=point,
        fun=_value(F, point),
        converged=converged,
        n_iter=run.n_iter,
        history=run.history[:, :n],
        message=f"Newton on ∇L = 0 in (x, λ): {message}",
        multipliers=lam,
    )


def _verdict(run, F, G, L, tol) -> tuple[bool, str]:
    """Newton's verdict, checked: a stall or an exact 0 at the rounding of ∇L, slopes that
    read 0 because no step could move f or g, and the constraints themselves."""
    point, converged = run.history[-1, : L.n], run.converged
    message = run.message.replace("|f(x)|", "|∇L|").replace("f's terms", "∇L's terms")
    message = message.replace("f(x) or its derivative", "∇L or its Jacobian")
    if run.message.startswith(("stalled", "converged: ∇L = 0 exactly")):
        converged, message = _at_rounding(L, run.history[-1], run.fun, tol, message)
    truncated = _truncated(L, run.history[-1], run.fun, tol) if converged else None
    if truncated:
        return False, truncated
    blind = _blind(F, G, point, L.steps(point)[0]) if converged else []
    if blind:
        return False, (
            f"not converged: along x_{blind[0]} the difference steps "
            f"(h = {L.steps(point)[0][blind[0]]:.3g}, grown to the size of the largest "
            "coordinate) are too short to change f or g, so the slopes there read 0 whatever "
            "they are, and ∇L = 0 was not seen. Rescale f (subtract a large constant part), "
            "or measure x in other units"
        )
    if converged and not _feasible(G, point, L.sizes(point)):
        return False, (
            f"infeasible: |g(x)| = {np.linalg.norm(G(point)):.3g} at the end "
            "(the constraints may be inconsistent, or tol too loose)"
        )
    return converged, message


def _at_rounding(L, z, grad, tol, message) -> tuple[bool, str]:
    """Where Newton stalled (or ∇L read exactly 0): converged if ∇L = 0 holds to its
    rounding and that rounding moves (x, λ) by at most tol of their size.

    The rounding of ∇L, `L.noise`, is that of f and g over the difference steps; the
    point moves by B⁻¹ times it, B the bordered Hessian. Each x_j is measured by its
    typical size, each λ_k by |λ_k| (or, where it is 0, by f's terms over g_k's at x's
    typical sizes); ∇L's terms take an unknown at 0 at its typical size.
    """
    if _rounding_moves_within(L, z, grad, tol):
        return True, message if message.startswith("converged") else (
            f"converged: |∇L| = {np.max(np.abs(grad)):.2g} is within the rounding of its "
            f"differences ({np.max(L.noise):.2g}), which moves (x, λ) by at most tol = "
            f"{tol:g} of their size; Newton could go no further"
        )
    if message.startswith("converged"):  # ∇L read 0, but its rounding is too large to trust
        return False, (
            f"gradient lost in rounding: ∇L reads 0, but the rounding of f and g over the "
            f"difference steps ({np.max(L.noise):.2g}) could move (x, λ) by more than "
            f"tol = {tol:g} of their size; rescale f (subtract a large constant part)"
        )
    return False, _stalled(L, z, grad, tol) if message.startswith("stalled") else message


def _stalled(L, z, grad, tol) -> str:
    """Newton's stall, told of ∇L: not newton_raphson's hints for an f that may underflow."""
    return (
        f"stalled at (x, λ) = {_show(z, False)}: |∇L| has not fallen below "
        f"{np.max(np.abs(grad)):.3g} for {STALLED} steps, none changing its terms by {SMALL:g} "
        "of their size. "
        f"Either the rounding of f and g over the difference steps ({np.max(L.noise):.2g}) "
        f"could move (x, λ) by more than tol = {tol:g} of their size, so tol cannot be met "
        "(loosen tol, or rescale f: subtract a large constant part), or the steps are caught "
        "near a point where the bordered Hessian is singular (try another x0)"
    )


def _rounding_moves_within(L, z, grad, tol) -> bool:
    """True if ∇L = 0 to twice its rounding and that rounding probably moves z by at most
    tol: each value of f and g off by eps of its terms (`L.noise` / ROUNDING), the errors
    of ∇L's components independent, so B⁻¹ adds them in quadrature."""
    moved, size, B = _rounding_moves(L, z, grad)
    if B is None:
        return False
    terms = np.abs(B) @ at_size(z, size, tol)  # ∇L's terms, never 0 where z_j is
    zero = np.all(np.abs(grad) <= 2 * L.noise + tol * terms)
    return bool(zero and np.all(moved <= tol * size))


def _truncated(L, z, grad, tol) -> str | None:
    """Why ∇L = 0 at z is not to be trusted, if ∇L differenced again with half the steps
    differs from it by more than the rounding of both and tol of its terms: then the
    steps are long enough for truncation to set ∇L's error (steps grown to a length
    measured from f, over which f's third derivative tells); else None."""
    try:
        B, _ = L(z, grad)
    except _NonFinite:
        return None  # the steps at z cannot be taken again: the verdict stands as Newton's
    x, lam = z[: L.n], z[L.n :]
    size = np.concatenate([L.sizes(x), L.lam_size])
    s = L.steps(x)[0] / 2
    try:
        half = gradient_at(L.F, x, s) - jacobian_at(L.G, x, s).T @ lam
    except _NonFinite:
        return None
    gap = np.abs(half - grad[: L.n])
    allowed = 3 * L.noise[: L.n] + tol * (np.abs(B) @ at_size(z, size, tol))[: L.n]
    if np.all(gap <= allowed):
        return None
    return (
        f"not converged: ∇L reads 0 at the difference steps used, but with half those steps "
        f"it is {np.max(gap):.2g} away (beyond its rounding, {np.max(L.noise[: L.n]):.2g}): "
        "the difference steps are too long for f's curvature here, and the slopes are off by "
        "their truncation: go on from this x (a new start takes its sizes from it), or, if "
        "that was done, measure x from an origin nearer this point"
    )


def _rounding_moves(L, z, grad) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """How far the rounding of ∇L probably moves each of z = (x, λ), their sizes, and the
    bordered Hessian B at z; inf and None where B cannot be taken or inverted."""
    try:
        B, _ = L(z, grad)
        inverse = np.linalg.inv(B)
    except (_NonFinite, np.linalg.LinAlgError):
        return np.full(z.shape, np.inf), np.ones(z.shape), None
    size = np.concatenate([L.sizes(z[: L.n]), L.lam_size])
    return np.sqrt(inverse**2 @ (L.noise / ROUNDING) ** 2), size, B


def _blind(F, G, x, s) -> list[int]:
    """The axes j along which f and g take at x ± s_j e_j the values they take at x: there
    central differences read a slope of 0, whatever the slope is."""
    try:
        fx, gx = F(x), G(x)
        return [
            j
            for j in range(x.size)
            if all(
                F(x + d) == fx and np.array_equal(G(x + d), gx)
                for d in (s[j] * np.eye(x.size)[j], -s[j] * np.eye(x.size)[j])
            )
        ]
    except _NonFinite:
        return []  # not finite beside x: the feasibility check reports it


def _feasible(G, x, size) -> bool:
    """Each |g_k(x)| at most FEASIBLE times the size of its terms, |J_g||x|, with each x_j
    at 0 (within FEASIBLE of its typical `size`) measured by that size: g = x_0 is met at
    x_0 = 1e-300, though its terms |J_g||x| are no larger."""
    try:
        Jg = jacobian_at(G, x, steps(x, size, 1 / 3))
    except _NonFinite:
        return False  # g is not finite beside x: not a point to vouch for
    return bool(np.all(np.abs(G(x)) <= FEASIBLE * (np.abs(Jg) @ at_size(x, size, FEASIBLE))))


class _Lagrangian:
    """∇L and its Jacobian, the bordered Hessian, in z = (x, λ), by central differences
    whose steps follow the units of each x_j; with the Jacobian, a bound on its error.

    It is the `J` of `mvc.roots._iterate`: called with (z, ∇L(z)), it returns (B, error).
    """

    def __init__(self, F, G, x0):
        self.F, self.G, self.x0, self.reference = F, G, x0, None
        self.unit = _measured_length(F, x0)  # the size of every variable while all are 0
        self.n = x0.size
        self.grown = np.zeros(x0.size)  # sizes that axes lost in rounding grew to
        self.kept: tuple[np.ndarray, np.ndarray] | None = None  # the damped step's landing

    def steps(self, x) -> tuple[np.ndarray, np.ndarray]:
        """The steps for first (eps^(1/3)) and second (eps^(1/4)) differences at x."""
        size = self.sizes(x)
        return steps(x, size, 1 / 3), steps(x, size, 1 / 4)

    def sizes(self, x) -> np.ndarray:
        """Each variable's size, as its difference steps see it."""
        self.reference = reference_size(self.x0, self.reference, x, zero_beside=0.0)
        return np.maximum(typical_size(x, self.reference, self.unit), self.grown)

    def _grow(self, x, lost) -> bool:
        """Lengthen by GROW, up to the largest variable's size, the steps of each axis
        `lost` in rounding while its size is below the others' (x0 = [1, 1e-3, 2]: the
        steps along x_1 were a thousand times too short to see f's curvature); True if
        any grew. Where every axis is lost, f has a large constant part, and longer steps
        would only trade rounding for truncation."""
        size = self.sizes(x)
        grow = lost & (size < size.max())
        self.grown[grow] = np.minimum(GROW * size[grow], size.max())
        return bool(np.any(grow))

    def restart(self, x) -> bool:
        """Take each variable's size from x, as a new start there would, where that is
        smaller than the sizes so far (a start far from the point made the steps too long
        for f's curvature near it); True if any size shrank."""
        before = self.sizes(x)
        self.x0, self.reference, self.grown = x.copy(), None, np.zeros(x.size)
        return bool(np.any(self.sizes(x) < before))

    # --8<-- [start:lagrangian]
    def gradient(self, z):
        # ∇L = [∇f - J_gᵀ λ, -g]: zero at the solution z = (x, λ)
        x, lam = z[: self.n], z[self.n :]
        grad_f, Jg = self.slopes(x)  # ∇f and J_g by central differences
        return np.concatenate([grad_f - Jg.T @ lam, -self.G(x)])

    # --8<-- [end:lagrangian]

    def at(self, z) -> np.ndarray:
        """∇L at z: the value `damped` took there for the step it kept, or a new one."""
        if self.kept is not None and np.array_equal(z, self.kept[0]):
            return self.kept[1]
        return self.gradient(z)

    def slopes(self, x) -> tuple[np.ndarray, np.ndarray]:
        """∇f and J_g at x; an axis along which neither f nor g changed at all, while its
        size is below the others', first gets longer steps (`_grow`)."""
        for _ in range(GROWS):
            s = self.steps(x)[0]
            grad_f, Jg = gradient_at(self.F, x, s), jacobian_at(self.G, x, s)
            blind = (grad_f == 0) & np.all(Jg == 0, axis=0)
            if not (np.any(blind) and self._grow(x, blind)):
                return grad_f, Jg
        return grad_f, Jg

    def __call__(self, z, grad) -> tuple[np.ndarray, np.ndarray]:
        x, lam = z[: self.n], z[self.n :]
        for _ in range(GROWS):
            s1, s2 = self.steps(x)
            B, H, Jg = _bordered(self.F, self.G, x, lam, s1, s2)
            error = self._error(x, lam, grad[: self.n] + Jg.T @ lam, H, Jg, (s1, s2))
            if not (self.lost and self._grow(x, self.lost_rows)):
                break
        # the size of (x, λ) for newton_raphson's test of a step too long to keep x's digits
        self.scale = norm(np.concatenate([self.sizes(x), self.lam_size]))
        return B, error

    def _error(self, x, lam, grad_f, H, Jg, s) -> np.ndarray:
        """The bordered Hessian's error bound: the rounding of f and g over the steps
        (second differences add four values), truncation eps^(1/2) and eps^(2/3)."""
        (s1, s2), size_f = s, abs(self.F(x)) + np.abs(grad_f) @ np.abs(x)
        size_g = np.abs(self.G(x)) + np.abs(Jg) @ np.abs(x)
        rounded = ROUNDING * EPS * (size_f + np.abs(lam) @ size_g)  # of f - λ·g
        self.lam_size = self._lam_size(x, lam, grad_f, H, Jg)
        self.noise = np.concatenate([rounded / s1, ROUNDING * EPS * size_g])  # of ∇L
        E_H = 4 * rounded / np.outer(s2, s2)
        self.lost_rows = np.max(E_H, axis=1) > LOST * np.max(np.abs(H))  # mostly rounding
        self.lost = bool(np.any(self.lost_rows))
        E_H += np.sqrt(EPS) * np.abs(H)
        E_J = rounding(size_g, s1) + DIFFERENCED * np.abs(Jg)
        return np.block([[E_H, E_J.T], [E_J, np.zeros((lam.size, lam.size))]])

    def _lam_size(self, x, lam, grad_f, H, Jg) -> np.ndarray:
        """λ_k is a rate df/dg_k: its size is |λ_k|, or, where λ_k is 0, f's terms over g_k's,
        both measured over x's typical sizes, f's curvature included: at the origin of
        x² + y² on x = y, f, ∇f and |x| are all 0, and λ would have no size at all."""
        size = self.sizes(x)
        size_f = abs(self.F(x)) + np.abs(grad_f) @ size + size @ np.abs(H) @ size / 2
        size_g = np.abs(Jg) @ size
        with np.errstate(over="ignore"):  # g flat beside f's terms: any λ is within rounding
            rate = size_f / np.where(size_g > 0, size_g, np.inf)
        return np.maximum(np.abs(lam), rate)

    def damped(self, F, z, grad, B, step) -> np.ndarray:
        """Newton's step in (x, λ), halved while it does not lower |∇L|, each component
        in units of its own terms (scale-free), by Armijo's rule; the whole step where
        ∇L is within 1e3 times its rounding (near the point, where |∇L| is rounding)
        or where ten halvings did not lower it."""
        if np.all(np.abs(grad) <= 1e3 * self.noise):
            return step
        size = np.concatenate([self.sizes(z[: self.n]), self.lam_size])
        scale = np.abs(B) @ size  # each component's terms; 0 in a row of B that is 0
        if not np.all((scale > 0) & np.isfinite(scale)):
            return step

        def merit(g) -> float:
            return float(np.sum((g / scale) ** 2))

        now, t = merit(grad), 1.0
        reference, grown = self.reference, self.grown.copy()
        for _ in range(10):
            try:
                trial = z + t * step
                value = F(trial)
                ok = merit(value) <= (1 - 1e-4 * t) * now
            except _NonFinite:
                ok = False
            if ok:
                self.kept = (trial, value)
                return t * step
            self.reference, self.grown = reference, grown.copy()  # a refused point gives no size
            t /= 2
        return step

    noise: float | np.ndarray = 0.0  # the rounding of ∇L (set at each call)
    scale = 0.0  # the size of (x, λ) the differences use (set at each call)
    trusted = True  # J is mvc's own

    @staticmethod
    def exact_zero(F, z, z0) -> tuple[bool, str]:
        """∇L read 0 exactly: `_verdict` then checks it against its rounding."""
        return True, "converged: ∇L = 0 exactly"

    def singular(self, z, grad, where, cond) -> str:
        if not self.lost:
            # duck-typed: _Given.singular reads only what _Lagrangian also has
            return _Given.singular(self, z, grad, where, cond)  # type: ignore[arg-type]
        return (
            f"singular Jacobian, or one lost in rounding, at (x, λ) = {where}: the "
            "second differences of f and g are no larger than their rounding error, so "
            "Newton's step cannot be trusted; rescale f (subtract a large constant part)"
        )


def _measured_length(F, x0) -> float:
    """The size of every variable while x and its references are all 0 (at x0 = 0, before
    the first step): there nothing in x gives a scale, and 1 is a number, not a length.
    It is |f| / |∇f| at 0, a length in x's units, where that is finite and positive and
    f's curvature over steps of that length is `_resolved`; else 1, as before. For
    (x - a)^2 + (y - a)^2 it is a / √2 whatever a is, where 1 lost the curvature 2 in the
    rounding of f(0) = 2a^2 from a = 1e3 on. Once x has moved, its sizes come from x as
    at any other start.

    ∇f is differenced with steps eps^(1/3) times a length that starts at 1 and grows by
    GROW while f stays within its rounding at every step, up to 1/eps (f constant that
    far has no length), then once more with steps of the length it gave: so, for an f that
    varies over lengths above the first steps (eps^(1/3), 6e-6), neither the measurement
    nor its outcome depends on the units of x; an f that varies only on a far smaller
    scale gets no length, and the size stays 1. Where f moved but no slope rose
    above its rounding, f is even about 0 (x^2 + y^2, cos x), ∇f(0) = 0, and there is no
    length. An f that raises or is not finite anywhere the measurement calls it leaves
    the size 1: the measurement is mvc's own, not a point the user asked about."""
    if np.any(x0):
        return 1.0
    try:
        with np.errstate(all="ignore"):
            fx, length = float(F(x0)), 1.0
            while length <= 1 / EPS:
                s = steps(x0, np.full(x0.size, length), 1 / 3)
                grad, error = central_errors(F, x0, fx, s)
                if np.any(np.abs(grad) > error) or _moves(F, x0, fx, s):
                    break
                length *= GROW
            if not np.any(np.abs(grad) > error):
                return 1.0  # no slope stands above f's rounding: no length to measure
            for _ in range(2):  # the length the slopes give, then the slopes at that length
                length = abs(fx) / norm(grad) if np.any(grad) else np.inf
                if not (np.isfinite(length) and length > 0):
                    return 1.0
                grad = gradient_at(F, x0, steps(x0, np.full(x0.size, length), 1 / 3))
            return length if _resolved(F, x0, fx, grad, np.full(x0.size, length)) else 1.0
    except Exception:  # any failure of f out there: no length, as before
        return 1.0


def _moves(F, x, fx, s) -> bool:
    """True if f at some x ± s_j e_j differs from f(x) beyond the rounding of f(x)."""
    beside = [F(shifted(x, j, d)) for j, h in enumerate(s) for d in (h, -h)]
    return bool(np.any(np.abs(np.array(beside) - fx) > ROUNDING * EPS * abs(fx)))


def _resolved(F, x, fx, grad, size) -> bool:
    """True if each row of f's Hessian, with second-difference steps of these sizes, stands
    above its rounding and agrees with the one at half the steps to LOST of its largest
    entry: truncation is then seen to be small along every axis. A large constant part of
    f makes |f| / |∇f| far longer than the length over which f curves (1e6 + cos(x - 1) +
    (y - 1)^2: 4.6e5 for a period of 6.3), and there the rows of x disagree."""
    s = steps(x, size, 1 / 4)
    H, H_half = hessian_at(F, x, s), hessian_at(F, x, s / 2)
    rounded = 4 * ROUNDING * EPS * (abs(fx) + np.abs(grad) @ s) / np.outer(s / 2, s / 2)
    apart = np.max(np.abs(H - H_half) + rounded, axis=1)
    return bool(np.all(apart <= LOST * np.max(np.abs(H_half), axis=1)))


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
    differences (`mvc.hessian`, `mvc.jacobian`) with the step along $x_j$ scaled
    to $|x_j|$ (or, where $x_j = 0$, to the largest $|x_i|$; 1 at the origin).

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
    F, G, x, lam = _stationary_point(f, g, x, multipliers)
    size = typical_size(x, np.abs(x))
    return _bordered(F, G, x, lam, steps(x, size, 1 / 3), steps(x, size, 1 / 4))[0]


def _stationary_point(f, g, x, multipliers) -> tuple[Callable, Callable, np.ndarray, np.ndarray]:
    """The checked inputs of `bordered_hessian` and `classify`: f and g as functions that
    raise a ValueError naming them where they are not finite (classify differences them
    around x), x a point, and one finite multiplier per constraint."""
    f, g, x = as_callable(f, "f"), as_callable(g, "g"), as_point(x, "x")
    G = _constraints(g, x, "x")
    lam = as_values_per(multipliers, "multipliers", G(x).size, "constraint of `g`")
    return _finite_near(_guarded(f, (), "`f`"), "`f`", x), _finite_near(G, "`g`", x), x, lam


class _NotFiniteNear(ValueError):
    """f or g is not finite near the point classify differences them around."""


def _finite_near(F, what, x) -> Callable:
    """F, with a ValueError naming it where its value is not finite near x."""

    def checked(v):
        try:
            return F(v)
        except _NonFinite:
            raise _NotFiniteNear(
                f"{what} must give finite values at and around `x` = {_show(x, False)}, "
                f"where it is differenced; at {_show(v, False)} it gave a value that is not "
                "finite, or one Python cannot compute (1/0, math.log of a negative)."
            ) from None

    return checked


def _bordered(F, G, x, lam, s1, s2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The bordered Hessian, H_L and J_g, with steps s1 (first differences) and s2 (second)."""
    Jg, H = jacobian_at(G, x, s1), _hessian_L(F, G, x, lam, s2)
    m = lam.size
    return np.block([[H, -Jg.T], [-Jg, np.zeros((m, m))]]), H, Jg


def classify(f: Callable, g: Callable, x: np.ndarray, multipliers: np.ndarray) -> str:
    r"""Classify a constrained stationary point: "maximum", "minimum", "saddle" or "degenerate".

    Raises
    ------
    TypeError
        If `f` or `g` is not callable, or `x` or `multipliers` is not real numbers.
    ValueError
        If `x` is not a finite 1-D point, `multipliers` is not one finite number per
        constraint, or `f` or `g` is not finite at or around `x` (including a value
        Python cannot compute there, such as 1/0).

    Notes
    -----
    The second-order test: the Hessian of $\mathcal{L}$ restricted to the tangent
    space of the constraints, $Z^T H_{\mathcal{L}} Z$ with $Z$ an orthonormal basis
    of the null space of $J_g$. Positive definite means a minimum, negative definite
    a maximum, both signs a saddle. An eigenvalue counts only if it is twice its own
    error: along its eigenvector, the difference from the same matrix at steps twice
    as long (3 times the truncation) plus the rounding of $\mathcal{L}$'s values over
    the steps. Otherwise the test is undecided, "degenerate". The error is measured along
    the tangent space only, so curvature off the constraint ($x^2 + 10^7 y^2$ on
    $y = 1$, the same problem as $x^2$) and the units of $f$ or of any variable leave
    the verdict. The steps are $\epsilon^{1/4}$ of each variable's size, $|x_j|$ (its typical
    size where it is 0). Where rounding hides the verdict, the steps are lengthened 4
    times at a time, up to $4^5$ times, and f is called nowhere else. So at a point that
    Newton left at a rounded 0 ($-2 \cdot 10^{-17}$) of an f with a large constant part
    ($x^2 + y^2 + 1$ on $x = y$), the steps stay too short to lift the curvature above
    the constant's rounding, and the verdict is "degenerate": undecided, not wrong.
    It is equivalent to the signs of the bordered Hessian's leading minors, and better
    conditioned.

    Examples
    --------
    >>> from mvc.lagrange import classify
    >>> f = lambda v: v[0] * v[1]
    >>> g = lambda v: v[0] + v[1] - 2
    >>> classify(f, g, [1.0, 1.0], [1.0])
    'maximum'
    """
    F, G, x, lam = _stationary_point(f, g, x, multipliers)
    size = typical_size(x, np.abs(x))
    Jg = jacobian_at(G, x, steps(x, size, 1 / 3))
    Z = np.linalg.svd(Jg)[2][np.linalg.matrix_rank(Jg) :].T  # null space of J_g
    for k in range(GROWTHS):  # steps 4^k times longer while rounding hides the verdict
        try:
            eig, error = _tangent_curvature(F, G, x, lam, Z, steps(x, 4.0**k * size, 1 / 4))
        except _NotFiniteNear:
            if k == 0:
                raise  # f or g is not finite right beside x
            break  # the longer steps left f's or g's domain: undecided
        if np.all(np.abs(eig) > DECIDES * error):
            return "minimum" if eig.min() > 0 else "maximum" if eig.max() < 0 else "saddle"
    return "degenerate"


#: classify's verdict stands when each eigenvalue is DECIDES times its error bound.
DECIDES = 2.0
#: classify lengthens its steps 4 times at a time, GROWTHS - 1 times at most (4^5 ~ 1e3):
#: a verdict needs f's curvature to show close to x. Lengthening on until it shows (up to
#: 4^63) decided a minimum from f's shape far away, and called a user's f at 1e34.
GROWTHS = 6


def _tangent_curvature(F, G, x, lam, Z, s) -> tuple[np.ndarray, np.ndarray]:
    """The eigenvalues of Z^T H_L Z with steps s, and a bound on each one's error.

    The error of each eigenvalue is that of the projected matrix along its eigenvector v
    (first order): the difference from Z^T H_L Z at steps 2s (truncation grows 4 times,
    so that difference is 3 times the truncation at s), plus the rounding of L's values,
    4 ROUNDING eps times the size of L's terms over s_i s_j. Only the tangent directions
    count: curvature off the constraint, or a variable's units, do not make it larger.
    """
    M = Z.T @ _hessian_L(F, G, x, lam, s) @ Z
    apart = np.abs(M - Z.T @ _hessian_L(F, G, x, lam, 2 * s) @ Z)
    eig, V = np.linalg.eigh(M)
    w = np.abs(Z).T @ (1 / s)  # how far the rounding of L is magnified along each direction
    rounded = 4 * ROUNDING * EPS * _terms_L(F, G, x, lam, s)
    V = np.abs(V)
    error = np.einsum("ji,jk,ki->i", V, apart, V) + rounded * (w @ V) ** 2
    return eig, error


def _terms_L(F, G, x, lam, s) -> float:
    """The size of the terms of L = f - λ·g at x and its difference points: |f| + |∇f| (|x| +
    s), and the same for each g_k times |λ_k|."""
    reach = np.abs(x) + 2 * s
    grad_f, Jg = gradient_at(F, x, s), jacobian_at(G, x, s)
    size_f = abs(F(x)) + np.abs(grad_f) @ reach
    return float(size_f + np.abs(lam) @ (np.abs(G(x)) + np.abs(Jg) @ reach))


def _hessian_L(F, G, x, lam, s) -> np.ndarray:
    """H_L = H_f - Σ λ_k H_{g_k} by central differences with steps s."""
    return hessian_at(F, x, s) - sum(
        lk * hessian_at(lambda v, k=k: G(v)[k], x, s) for k, lk in enumerate(lam)
    )


def _constraints(g: Callable, x: np.ndarray, name: str = "x0") -> Callable:
    """g as a map to a 1-D array of m < n values, its length fixed by the first call."""
    with np.errstate(all="ignore"):
        first = check_vector_values(value_or_nan(g, x), None, f"`g` at `{name}`")
    m = max(1, first.size)
    if m >= x.size:
        raise ValueError(f"`g` must give fewer constraints than unknowns ({x.size}), got {m}.")
    G = _guarded(g, first.shape, "`g`")
    return lambda v: np.atleast_1d(G(v))


def _guarded(f: Callable, shape: tuple[int, ...], what: str) -> Callable:
    """f checked for shape; a non-finite value raises _NonFinite (a failed run, not bad input)."""

    def checked(v):
        with np.errstate(all="ignore"):  # math.exp(1000) or 1/0: nan, as numpy's inf
            value = value_or_nan(f, v, shape)
        arr = np.asarray(value)
        if arr.shape == shape and arr.dtype.kind in "iuf" and not np.all(np.isfinite(arr)):
            raise _NonFinite
        return check_vector_values(value, shape, what).astype(np.float64)

    return checked
