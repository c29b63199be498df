r"""The numerical core of `mvc.fit`: scaled residuals and one factorisation per iteration.

`fit` minimises $\chi^2 = \lVert r \rVert^2$ with $r_i = (y_i - y(x_i; a))/\sigma_i$.
Everything here works in *scaled* units, so that no magnitude of the data, of
`sigma` or of the parameters can overflow, underflow or change a verdict:

- the residuals are $\tilde r = r / 2^k$ for one power of two $2^k$ taken from the
  sizes of $y$ and $\sigma$ (exact: dividing by a power of two rounds nothing), so
  $\chi^2 = 4^k \lVert \tilde r \rVert^2$ is formed only when the result is reported;
- the Jacobian $\tilde A$ of $\tilde r$ is used with its columns divided by $D$, the
  largest norms they have had (Moré's scaling), which makes the steps blind to the
  parameters' units;
- norms are taken by scaling first, as LAPACK's ``dnrm2`` does, never by summing
  squares that may overflow.

Everything here runs inside `fit`'s ``np.errstate(all="ignore")``: an overflow is a
value to test (a rejected step, a result beyond the range of floats), not a warning.

At each point the scaled Jacobian is factorised once: $[\tilde A \mid \tilde r] = QR$
(Householder, by blocks of rows; $Q$ is never formed), then $R_{11} D^{-1} = U S
V^\mathsf{T}$, as scaling columns scales the columns of $R$ alike. Every trial step,
whatever its damping, is solved from $S$, $V$ and $c = U^\mathsf{T} R_{12} /
\lVert \tilde r \rVert$ in $O(n^2)$.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple, cast

import numpy as np

from mvc._validation import check_values, value_or_nan

__all__ = [
    "Linearisation",
    "Problem",
    "factorise",
    "gauss_newton_step",
    "linearise",
    "norm",
    "trust_region_step",
]

EPS = np.finfo(np.float64).eps
#: The least normal float: a relative step below it is lost in the spacing of subnormals.
TINY = np.finfo(np.float64).tiny
#: Relative central-difference step of the Jacobian: error ~ h^2 + eps/h, least at eps^(1/3).
STEP = EPS ** (1 / 3)
#: The smallest singular value, relative to the largest, that a Jacobian by central
#: differences resolves: its rounding error is about eps / STEP = 4e-11 of each column.
DIFFERENCES_RESOLVE = 100 * EPS / STEP
#: How many roundings of the model's values the residuals may carry: the floor below
#: which the fall of chi^2 that the linearised model promises is rounding, not a slope.
ROUNDING = 10.0
#: How closely the slope along a weak direction at half its step must agree with it.
WEAK_AGREEMENT = 1e-2
#: Rows per block of the factorisation of a tall Jacobian (a tall-skinny QR).
BLOCK = 1024
#: numpy factorises a stack of matrices in one call from version 2.0.
BATCHED_QR = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


def norm(v: np.ndarray) -> np.float64:
    """The Euclidean norm of `v`, free of overflow and underflow (a numpy float: inf, not
    OverflowError, if it is beyond the range of floats).

    Examples
    --------
    >>> import numpy as np
    >>> with np.errstate(all="ignore"):  # as `fit` calls it: an overflow is no warning
    ...     print(f"{norm(np.array([3e200, 4e200])):.6g} {norm(np.array([3e-200, 4e-200])):.6g}")
    5e+200 5e-200
    """
    fast = np.sqrt(np.einsum("i,i->", v, v))
    if 1e-150 < fast < 1e150:
        return fast
    big = np.max(np.abs(v)) if v.size else np.float64(0.0)
    if not (np.isfinite(big) and big > 0):
        return big
    e = exponent(big)  # divide by a power of two: exact
    return np.ldexp(np.sqrt(np.sum(np.ldexp(v, -e) ** 2)), e)


def column_norms(A: np.ndarray) -> np.ndarray:
    """The norm of every column of `A`, free of overflow and underflow."""
    fast = np.sqrt(np.einsum("ij,ij->j", A, A))  # einsum: no BLAS threads for a small sum
    if np.all((fast > 1e-150) & (fast < 1e150)):
        return fast
    return np.array([norm(A[:, k]) for k in range(A.shape[1])])


def exponent(value: float) -> int:
    """The exponent `e` of a positive `value`: 2^e <= value < 2^(e+1)."""
    return int(np.frexp(value)[1]) - 1


def scaled_square(value: float, k: int) -> float:
    """$(2^k \\cdot value)^2$ for a non-negative `value`: inf or 0 only if the result is."""
    mantissa, e = np.frexp(value)
    with np.errstate(over="ignore", under="ignore"):
        return float(np.ldexp(mantissa * mantissa, 2 * (int(e) + k)))


def decimal(value: float, k: int) -> str:
    """$(2^k \\cdot value)^2$ written in decimal, even beyond the range of a float."""
    exponent10 = 2 * (np.log10(value) + k * np.log10(2.0))
    whole = int(np.floor(exponent10))
    return f"{10 ** (exponent10 - whole):.3g}e{whole:+d}"


# --- the problem: residuals and Jacobian in scaled units --------------------------------------


class Residuals(NamedTuple):
    """The scaled residuals at a point, the model's values there, and their norm."""

    r: np.ndarray
    f: np.ndarray
    norm: float


class Problem:
    r"""The scaled residuals $\tilde r = 2^{-k}(y - y(x; a))/\sigma$ and their Jacobian.

    ``k = log2_scale`` comes from the sizes of `y` (or of the model at `p0`, if `y`
    is all zeros) and of `sigma`; `w` holds $2^{e_\sigma} / \sigma_i$, near 1.
    """

    def __init__(self, model, x, y, sigma, jac, f0, sigma_given):
        self.model, self.x, self.y, self.jac = model, x, y, jac
        self.sigma_given = sigma_given
        e_sigma = (exponent(np.min(sigma)) + exponent(np.max(sigma))) // 2
        size = np.max(np.abs(y)) if np.any(y) else np.max(np.abs(f0))  # f0: the model at p0
        e_data = exponent(size) if size > 0 else 0
        self.log2_scale = e_data - e_sigma  # r = 2**log2_scale * r_scaled
        self.w, self.e_data = np.ldexp(1.0, e_sigma) / sigma, e_data
        weight = np.ldexp(self.w, -e_data)  # one multiplication, if that rounds nothing
        self.weight = weight if np.all(weight >= np.finfo(float).tiny * 2**53) else None
        self.y_norm = norm(self.scale(np.abs(y)))  # |y / sigma|, scaled: for the rounding floor
        self.size = self.y_norm or norm(self.scale(np.abs(f0)))  # how large the model is

    def scale(self, v: np.ndarray) -> np.ndarray:
        """`v` (model units, one value per point) in scaled units, in place: v 2^-e / sigma."""
        if self.weight is not None:
            v *= self.weight
        else:
            v *= np.ldexp(1.0, -self.e_data)
            v *= self.w
        return v

    def call(self, f: Callable, p: np.ndarray):
        return f(self.x, *p)

    def values(self, p: np.ndarray) -> np.ndarray:
        """The model at `p` as a float array of the shape of `y`; nan where Python's
        arithmetic cannot give it (math.exp past 709: `value_or_nan`), as numpy's would be."""
        values = np.asarray(
            value_or_nan(lambda q: self.call(self.model, q), p, self.y.shape), dtype=np.float64
        )
        if values.shape != self.y.shape:
            check_values(values, self.y.shape, f"`model` at a = {p!r}")
        return values

    def residuals(self, p: np.ndarray) -> Residuals | None:
        """The residuals at `p`, or None where they are not finite."""
        f = self.values(p)
        r = self.scale(self.y - f)
        size = norm(r)
        return Residuals(r, f, size) if np.isfinite(size) else None

    def jacobian(self, p: np.ndarray, out: np.ndarray) -> None:
        r"""$\tilde A = \partial \tilde y / \partial a$ at `p` into `out`, ``(N, n)``; may be
        inf."""
        if self.jac is None:
            return self.central_differences(p, out)
        # nan where Python's arithmetic cannot give it (1/0, math.log of a negative), as
        # for the model: the fit then says the Jacobian is not finite
        J = np.asarray(
            value_or_nan(lambda q: self.call(self.jac, q), p, out.shape), dtype=np.float64
        )
        if J.shape != out.shape:
            check_values(J, out.shape, f"`jac` at a = {p!r}")
        out[...] = J
        for k in range(p.size):
            self.scale(out[:, k])

    def central_differences(self, p: np.ndarray, out: np.ndarray) -> None:
        r"""The Jacobian into `out` by central differences, the relative step
        $\epsilon^{1/3} |a_k|$ (for $a_k = 0$, see `difference_at_zero`). A parameter so
        small that this step is below the least normal float (a subnormal, as a parameter
        going to 0 passes through) is differenced as one at 0: its step would round to 0."""
        for k in range(p.size):
            if STEP * abs(p[k]) >= TINY:
                out[:, k] = self.difference(p, k, STEP * abs(p[k]))
            else:
                out[:, k] = self.difference_at_zero(p, k)

    def difference(self, p: np.ndarray, k: int, h: float) -> np.ndarray:
        """The central difference of the scaled model along parameter `k`, step `h`."""
        up, down = p.copy(), p.copy()
        up[k], down[k] = p[k] + h, p[k] - h
        column = self.values(up) - self.values(down)
        self.scale(column)
        column /= up[k] - down[k]
        return column

    def difference_at_zero(self, p: np.ndarray, k: int) -> np.ndarray:
        r"""The column of a parameter at 0, which has no size to make a step relative to.

        The step is the one that changes the model by about $\epsilon^{1/3}$ of its size,
        as a relative step does for a parameter that multiplies the model: blind to the
        units of `x` (a fixed step of 6e-6 in $k$ of $e^{kx}$ overflows for $x$ of 1e8).
        Where no step from $\epsilon^{1/3}$ up finds that change (and none was too
        large), the parameter may be in units far below 1: the centre of a peak in `x` of
        1e-8 moves the peak off the data at that step, and the model changes by nothing at
        every longer one. Steps 2^16 times shorter each are then tried (down to 2^-256 of
        it) until one changes the model by a quarter of that or more; shorter still while
        the slope grows more than twice (that step was in the peak's tail, which changes
        the model by as much at 92 widths as its slope does at one), and the search goes
        on from the last. Each Jacobian with a column truly 0 there (cos(wx) at w = 0)
        costs these 32 calls more.
        """

        def slope(h: float) -> np.ndarray:
            return self.difference(p, k, h)

        column, found, last = self.step_search(slope, float(STEP))
        if found or last < STEP:  # found, or the change was too large even at eps^(1/3)
            return column
        h, target = float(STEP), STEP * self.size
        for _ in range(SHORTER):
            h /= 2.0**16
            shorter = slope(h)
            if norm(shorter) * 2 * h >= target / 4:
                while h / 2.0**16 * STEP > TINY:
                    steeper = slope(h / 2.0**16)
                    if not norm(steeper) > 2 * norm(shorter):
                        break
                    h, shorter = h / 2.0**16, steeper
                return self.step_search(slope, h)[0]
        return column

    def step_search(
        self, slope: Callable, h: float, size: float | None = None
    ) -> tuple[np.ndarray, bool, float]:
        """The slope ``slope(h)`` at a step h over which the model changes by about STEP of
        its size (or of `size`), searched from `h`; True and that step if one was found."""
        target = STEP * (self.size if size is None else size)
        low, high, found = 0.0, np.inf, None
        for _ in range(16):
            column = slope(h)
            change = norm(column) * 2 * h  # |f(a + h) - f(a - h)|, scaled
            if target == 0 or target / 4 <= change <= 4 * target:
                return column, True, h
            if np.isfinite(change):
                found = column
            low, high = (h, high) if change < target else (low, h)
            h = _next_step(h, change, target, low, high)
        return (column if found is None else found), False, h

    def along(self, p: np.ndarray, d: np.ndarray, t: float) -> np.ndarray:
        """The central difference of the scaled model along the direction `d`, step `t`."""
        column = self.values(p + t * d) - self.values(p - t * d)
        self.scale(column)
        column /= 2 * t
        return column


#: How many steps, each 2^16 times shorter, `difference_at_zero` tries below eps^(1/3).
SHORTER = 16


def _next_step(h: float, change: float, target: float, low: float, high: float) -> float:
    """The next step of the search for a change of `target`, within the bracket (low, high):
    linear from a measured change, else 2^20 times wider or narrower, or halfway (in log)."""
    if 0 < change < np.inf:
        guess = h * target / change
    else:
        guess = h * 2.0**20 if change == 0 else h / 2.0**20
    if low < guess < high and (low == 0 or high == np.inf or change > 0):
        return guess
    return float(np.sqrt(low * high)) if 0 < low and high < np.inf else guess


# --- the linearisation at a point: one factorisation, reused by every trial step ------------


@dataclass(frozen=True, eq=False)
class Linearisation:
    r"""The model linearised at `p`: residuals, Jacobian and their factorisation.

    `s`, `Vt` are the SVD of the triangular factor of $\tilde A D^{-1}$; `c` holds the
    unit residual's components along the left singular vectors, so that $\lVert c
    \rVert$ is the cosine between $\tilde r$ and the span of the Jacobian's columns.
    `noise` is the residuals' rounding relative to their norm; `resolution` the least
    singular value, relative to the largest, that the Jacobian resolves.
    """

    p: np.ndarray
    r: np.ndarray
    f: np.ndarray
    A: np.ndarray
    D: np.ndarray
    r_norm: float
    s: np.ndarray
    Vt: np.ndarray
    c: np.ndarray
    noise: float
    resolution: float

    @property
    def decrement(self) -> float:
        r"""$\sqrt{\text{the fall of } \chi^2 \text{ the linear model promises} / \chi^2}$,
        in [0, 1]."""
        return float(norm(self.c))

    @cached_property
    def singular(self) -> bool:
        """Whether some combination of the parameters leaves chi^2 unchanged, as far as the
        Jacobian can tell (central differences resolve about 4e-9 of its largest direction).

        Judged with every row of the Jacobian scaled to length 1 as well: the rounding of
        a row is relative to that row, and a point of small `sigma` (a heavy row) must not
        make the Jacobian look singular.
        """
        if self.s[-1] > self.resolution * self.s[0]:
            return False
        lengths = np.sqrt(np.einsum("ij,ij->i", self.A, self.A))
        rows = self.A[lengths > 0] / lengths[lengths > 0, None]
        if rows.shape[0] < rows.shape[1]:
            return True
        columns = column_norms(rows)
        R = triangular_factor(rows / np.where(columns > 0, columns, 1.0))
        s = np.linalg.svd(R, compute_uv=False)
        return bool(s[-1] <= self.resolution * s[0])

    def at_minimum(self, tol: float) -> bool:
        r"""The convergence test: the linear model promises a fall of $\chi^2$ of at most
        ``tol`` times $\chi^2$, up to what the rounding of the residuals (`noise`) hides:
        $\lVert P r \rVert \le \sqrt{tol} \lVert r \rVert + \lVert e \rVert$."""
        floor = self.noise + self.terms_noise
        return self.r_norm == 0 or self.decrement <= np.sqrt(max(tol, EPS)) + floor

    @cached_property
    def terms_noise(self) -> float:
        r"""The rounding of the model's terms, relative to $\lVert r \rVert$: they are
        about $a_k\, \partial y / \partial a_k$, and $m x + c$ with $x$ near $10^6$ rounds
        terms of $3 \times 10^6$ to fit $y$ near 3 (the stopping rules leave it out: it
        only lets the verdict see that such a fit is at its minimum)."""
        terms = norm(np.abs(self.A) @ np.abs(self.p))
        return float(ROUNDING * EPS * terms / self.r_norm) if self.r_norm > 0 else 0.0


def linearise(problem: Problem, p, residuals: Residuals, D_before) -> Linearisation | None:
    """The linearisation at `p`, whose `residuals` are known; None if the Jacobian is not finite."""
    M = np.empty((residuals.r.size, p.size + 1))  # [A | r]: the Jacobian, then the residuals
    problem.jacobian(p, M[:, :-1])
    lin = factorise(problem, p, residuals, M, D_before, problem.jac is None)
    if lin is None or problem.jac is not None or not lin.singular:
        return lin
    return _resolve_weak_directions(problem, lin, residuals, D_before)


def _resolve_weak_directions(problem: Problem, lin: Linearisation, residuals, D_before):
    """A Jacobian by differences along each parameter resolves only about 4e-9 of its
    largest direction; a fit can be well posed below that: m x + c for x near 1e8, whose
    columns x and 1 differ in direction by 3e-9. So difference the model along each of the
    Jacobian's singular directions instead, with a step over which the model changes by
    STEP of the size of its terms (a_k times its slope, which may be far larger than the
    model: m x and c cancel), so that each slope is resolved to its own rounding; and check
    each at half its step (a slope, not curvature). If every slope is confirmed, the
    Jacobian made of them replaces the other and is judged as an exact one. A direction
    along which the model does not change (a b x along a = -b) stays singular. Costs up
    to 36 evaluations of the model per parameter."""
    terms = float(norm(np.abs(lin.A) @ np.abs(lin.p))) or problem.size
    G = np.empty_like(lin.A)  # the slopes along the singular directions
    for j, v in enumerate(lin.Vt):
        d = v / lin.D  # the direction in the parameters
        steps: list[float] = []

        def slope(t: float, d=d, steps=steps) -> np.ndarray:
            steps.append(t)
            return problem.along(lin.p, d, t)

        t0 = STEP * float(norm(lin.D * lin.p) or 1.0)
        G[:, j], found, _ = problem.step_search(slope, t0, max(terms, problem.size))
        half = problem.along(lin.p, d, steps[-1] / 2)
        if not found or not norm(half - G[:, j]) <= WEAK_AGREEMENT * norm(G[:, j]):
            return lin
    M = np.column_stack([G @ lin.Vt * lin.D, np.zeros(G.shape[0])])  # A = G Vᵀ D
    return factorise(problem, lin.p, residuals, M, D_before, False)


def factorise(
    problem: Problem, p, residuals: Residuals, M, D_before, by_differences: bool
) -> Linearisation | None:
    """The linearisation at `p` whose Jacobian (`by_differences` or exact) fills all but the
    last column of `M`: one factorisation. None if the Jacobian is not finite."""
    A = M[:, :-1]
    lengths = column_norms(A)
    if not np.all(np.isfinite(lengths)):
        return None
    D = np.maximum(D_before, lengths)
    D = np.where(D > 0, D, 1.0)
    r, f, r_norm = residuals
    M[:, -1] = r
    R = triangular_factor(M)  # of [A | r]; scaling the columns scales R's columns alike
    U, s, Vt = np.linalg.svd(R[:-1, :-1] / D)
    c = U.T @ R[:-1, -1] / (r_norm if r_norm > 0 else 1.0)
    noise = ROUNDING * EPS * (2 * problem.y_norm / r_norm + 1) if r_norm > 0 else 0.0
    resolution = max(EPS * max(A.shape), DIFFERENCES_RESOLVE if by_differences else 0.0)
    return Linearisation(p, r, f, A, D, r_norm, s, Vt, c, noise, resolution)


def triangular_factor(M: np.ndarray) -> np.ndarray:
    """R of ``M = QR`` (Householder), by blocks of rows when `M` is tall: Q is never formed."""
    n = M.shape[1]
    whole = M.shape[0] // BLOCK * BLOCK
    if whole > 4 * BLOCK and BATCHED_QR:  # factorise the blocks, then their stacked R's
        # mode="r" returns R alone (numpy's stubs say a QRResult for stacks)
        blocks = cast(np.ndarray, np.linalg.qr(M[:whole].reshape(-1, BLOCK, n), mode="r"))
        M = np.vstack([blocks.reshape(-1, n), M[whole:]])
    R = cast(np.ndarray, np.linalg.qr(M, mode="r"))
    return np.vstack([R, np.zeros((n - R.shape[0], n))]) if R.shape[0] < n else R


def gauss_newton_step(lin: Linearisation) -> np.ndarray:
    r"""The minimum of the linear model: $\delta = \tilde A^+ \tilde r$ (pseudo-inverse)."""
    keep = lin.s > (lin.resolution * lin.s[0] if lin.singular else 0.0)
    z = np.where(keep, lin.c / np.where(keep, lin.s, 1.0), 0.0) * lin.r_norm
    return (lin.Vt.T @ z) / lin.D


def trust_region_step(lin: Linearisation, radius: float) -> tuple[np.ndarray, float, float]:
    r"""The step of least linearised $\chi^2$ with $\lVert D\delta \rVert \le$ `radius` (Moré).

    Returns the step, its damping $\lambda$ (0 for the Gauss–Newton step) and the fall
    of $\chi^2$ the linear model predicts for it, as a fraction of $\chi^2$.
    """
    s, c, lam = lin.s, lin.c, 0.0  # in units of |r|: c is the unit residual's share
    radius = radius / lin.r_norm
    z = _damped(s, c, 0.0)
    if not norm(z) <= 1.1 * radius:  # too long: find the damping that makes |z| = radius
        low, high = 0.0, float(norm(s * c) / radius)  # |z(high)| <= radius
        for _ in range(60):
            length = norm(z)
            if lam > 0 and abs(length - radius) <= 0.1 * radius:
                break
            low, high = (max(low, lam), high) if length > radius else (low, min(high, lam))
            slope = np.sum(z**2 / (s**2 + lam), where=s > 0)  # -d|z|^2/dlam / 2
            lam += (length / radius - 1) * length**2 / slope  # Newton on 1/|z| (Hebden)
            if not low < lam < high:  # safeguard, as MINPACK's lmpar does
                lam = max(1e-3 * high, np.sqrt(low * high))
            z = _damped(s, c, lam)
    predicted = np.sum(c**2 * (1 - (lam / (s**2 + lam)) ** 2)) if lam > 0 else norm(c[s > 0]) ** 2
    return (lin.Vt.T @ z) * lin.r_norm / lin.D, float(lam), float(predicted)


def _damped(s: np.ndarray, c: np.ndarray, lam: float) -> np.ndarray:
    """$V^T z$ for $(S^2 + \\lambda) V^T z = S c$; zero along a zero singular value."""
    return np.where(s > 0, c / (s + lam / s), 0.0)
