"""Oracle tests of the solvers: random problems built from their answers.

Each family makes problems whose answer is known exactly: polynomials from chosen
roots, smooth systems A tanh(D (x - r)) with the root r, convex functions with the
minimum m (and one whose minimum only scipy finds), and constrained problems whose
stationary points solve a linear system or lie on a sphere in closed form. A run may
fail honestly (converged=False, with a message); a run that says it converged must
have the right answer, to the accuracy its stopping rule promises. The last section
multiplies f by 1e-8 or 1e8 and x by 1e-8 or 1e8: no verdict may change.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.optimize
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mvc import gradient_descent, lagrange_multipliers, newton_raphson

EPS = np.finfo(float).eps
SCALES = [(k, m) for k in (-8, 0, 8) for m in (-8, 0, 8)]  # f times 10^k, x times 10^m

unit = st.integers(-6, 6).map(lambda k: 10.0**k)
seeds = st.integers(0, 2**32 - 1)


# --- roots of polynomials built from their roots -----------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(-10, 10), min_size=1, max_size=4),
    st.floats(-12, 12),
    unit,
    st.floats(0.01, 100),
    st.booleans(),
)
def test_newton_finds_a_chosen_root_or_says_it_did_not(roots, x0, scale, lead, exact):
    roots = np.array(sorted(roots))
    assume(np.all(np.diff(roots) > 0.5))  # simple, separated roots
    assume(not np.any((roots != 0) & (np.abs(roots) < 1e-100)))  # f would underflow to 0
    roots, x0 = roots * scale, x0 * scale

    def f(x):
        return lead * np.prod(x - roots)  # the product form is accurate near every root

    def fprime(x):
        return lead * sum(np.prod(np.delete(x - roots, i)) for i in range(roots.size))

    result = newton_raphson(f, x0, fprime=fprime if exact else None, max_iter=200)
    if result.converged:
        # |f(x)| <= tol |f'| |x| and f ~ f'(r) (x - r): the root to about tol, relative.
        error = np.min(np.abs(result.x - roots))
        assert error <= 10 * 1e-10 * abs(result.x), (result.x, roots, result.message)
    else:
        assert result.message and not result.message.startswith("converged")


# --- roots of smooth systems with a known root ----------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 3), seeds, st.booleans())
def test_newton_finds_the_root_of_a_system_in_mixed_units(n, seed, exact):
    # f(x) = A tanh(D (x - r)): A invertible, D = diag(1/s) with units s from 1e-4 to 1e4,
    # so r is the only root. Near it f ~ A D (x - r).
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n))
    assume(np.linalg.cond(A) < 1e3)
    s = 10.0 ** rng.integers(-4, 5, size=n)
    r, D = s * rng.uniform(-2, 2, size=n), np.diag(1 / s)
    x0 = r + s * rng.uniform(-1, 1, size=n)

    def f(x):
        return A @ np.tanh(D @ (x - r))

    def J(x):
        return A @ np.diag(1 / np.cosh(D @ (x - r)) ** 2) @ D

    result = newton_raphson(f, x0, fprime=J if exact else None)
    if result.converged:
        # |f_i| <= tol (|J||x|)_i, so |x - r| <= tol |D^-1||A^-1||A||D||x| (to first order).
        Ai = np.linalg.inv(A)
        bound = np.abs(np.linalg.inv(D)) @ np.abs(Ai) @ np.abs(A) @ np.abs(D) @ np.abs(result.x)
        error = np.abs(result.x - r)
        assert np.all(error <= 4 * 1e-10 * bound + 8 * EPS * np.abs(r)), result.message
    else:
        assert not result.message.startswith("converged")


# --- minima of convex functions with a known minimum ----------------------------------------


def convex_quadratic(rng, n, scale):
    """a (x - m)^T H (x - m) / (2 s^2) + c: H with eigenvalues in [1, 10], m of size s."""
    Q = np.linalg.qr(rng.normal(size=(n, n)))[0]
    H = Q @ np.diag(rng.uniform(1, 10, size=n)) @ Q.T
    m = scale * rng.uniform(-2, 2, size=n)
    return H, m


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), seeds, unit, unit, st.sampled_from([0.0, 1.0, 1e6, 1e12]), st.booleans())
def test_descent_reaches_the_minimum_of_a_convex_quadratic(n, seed, s, a, offset, exact):
    rng = np.random.default_rng(seed)
    H, m = convex_quadratic(rng, n, s)
    x0 = m + s * rng.uniform(-1, 1, size=n)

    def f(x):
        u = (x - m) / s
        return a * (u @ H @ u / 2 + offset)

    def grad(x):
        return a * H @ ((x - m) / s) / s

    result = gradient_descent(f, x0, grad=grad if exact else None, tol=1e-6)
    if result.converged:  # the true gradient, not the one descent saw
        assert np.linalg.norm(grad(result.x)) <= 1.01 * 1e-6 * np.linalg.norm(grad(x0)), (
            result.message
        )
    else:
        assert not result.message.startswith("converged")
        assert offset > 0 or not exact, result.message  # only rounding may stop it


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), seeds, unit, st.booleans())
def test_descent_reaches_the_minimum_of_a_smooth_convex_function(n, seed, s, exact):
    # f = sum log cosh(w_i . u) + mu |u|^2 / 2 with u = (x - m) / s: convex, least at m.
    # log cosh z is written as log1p(sinh^2 z) / 2, exact to rounding as z -> 0 (log(cosh z)
    # loses it all: cosh z rounds to 1 below 1e-8).
    rng = np.random.default_rng(seed)
    W, mu = rng.normal(size=(n + 1, n)), rng.uniform(0.1, 1)
    m = s * rng.uniform(-2, 2, size=n)
    x0 = m + s * rng.uniform(-2, 2, size=n)

    def f(x):
        u = (x - m) / s
        return np.sum(np.log1p(np.sinh(W @ u) ** 2)) / 2 + mu * u @ u / 2

    def grad(x):
        u = (x - m) / s
        return (W.T @ np.tanh(W @ u) + mu * u) / s

    result = gradient_descent(f, x0, grad=grad if exact else None, tol=1e-6)
    assert result.converged, result.message  # nothing here is beyond float64
    assert np.linalg.norm(grad(result.x)) <= 1.01 * 1e-6 * np.linalg.norm(grad(x0))


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 3), seeds)
def test_descent_agrees_with_scipy_where_only_scipy_knows_the_minimum(n, seed):
    # sum exp(a_k . x) + |x|^2 / 2 is strongly convex (curvature >= 1): |x - x*| <= |∇f(x)|.
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n))

    def f(x):
        return np.sum(np.exp(A @ x)) + x @ x / 2

    def grad(x):
        return A.T @ np.exp(A @ x) + x

    x0 = rng.uniform(-1, 1, size=n)
    result = gradient_descent(f, x0, tol=1e-7)
    reference = scipy.optimize.minimize(f, x0, jac=grad, method="BFGS", options={"gtol": 1e-12})
    assert result.converged, result.message
    # Both are within their own true gradient of the minimum x*.
    target = 1e-7 * np.linalg.norm(grad(x0))
    assert np.linalg.norm(grad(result.x)) <= 1.01 * target
    distance = np.linalg.norm(result.x - reference.x)
    assert distance <= 1.01 * target + np.linalg.norm(grad(reference.x))


# --- constrained stationary points in closed form --------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.integers(1, 3), seeds, unit)
def test_lagrange_solves_a_quadratic_with_linear_constraints(n, m, seed, s):
    # f = x^T Q x / 2 + c^T x on C x = d: ∇L = 0 is the linear system
    # [[Q, -C^T], [C, 0]] (x, λ) = (-c, d), with L = f - λ (C x - d).
    assume(m < n)
    rng = np.random.default_rng(seed)
    Q = rng.normal(size=(n, n))
    Q, c = (Q + Q.T) / s**2, rng.normal(size=n) / s
    C, d = rng.normal(size=(m, n)) / s, rng.normal(size=m)
    K = np.block([[Q, -C.T], [C, np.zeros((m, m))]])
    assume(np.linalg.cond(K * np.r_[np.full(n, s), np.ones(m)]) < 1e4)
    z = np.linalg.solve(K, np.r_[-c, d])
    x0 = z[:n] + s * rng.uniform(-1, 1, size=n)
    result = lagrange_multipliers(lambda x: x @ Q @ x / 2 + c @ x, lambda x: C @ x - d, x0)
    if result.converged:
        scale = np.linalg.norm(z[:n]) + s  # x's own size, at least its unit
        np.testing.assert_allclose(result.x, z[:n], atol=1e-5 * scale)
        np.testing.assert_allclose(
            result.multipliers, z[n:], atol=1e-5 * (np.linalg.norm(z[n:]) + 1 / s)
        )
    else:
        assert not result.message.endswith("converged")


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 4), seeds, unit)
def test_lagrange_finds_the_extremes_of_a_linear_function_on_a_sphere(n, seed, s):
    # c . x on |x - p| = R: x = p ± R c / |c|, with λ = ± |c| / (2R) (∇f = λ ∇g).
    rng = np.random.default_rng(seed)
    c, p, R = rng.normal(size=n), s * rng.normal(size=n), s * rng.uniform(0.5, 2)
    sign = rng.choice([-1.0, 1.0])
    x0 = p + sign * R * c / np.linalg.norm(c) + 0.2 * R * rng.normal(size=n)
    result = lagrange_multipliers(lambda x: c @ x, lambda x: (x - p) @ (x - p) - R**2, x0)
    if result.converged:
        which = np.sign(result.multipliers[0])
        np.testing.assert_allclose(
            result.x, p + which * R * c / np.linalg.norm(c), atol=1e-6 * (R + np.linalg.norm(p))
        )
        np.testing.assert_allclose(
            result.multipliers, [which * np.linalg.norm(c) / (2 * R)], rtol=1e-6
        )
    else:
        assert not result.message.endswith("converged")


@settings(max_examples=60, deadline=None)
@given(seeds)
def test_lagrange_on_an_ellipsoid_is_a_stationary_point_or_says_it_is_not(seed):
    # f = (x - c0)^2 + a1 y^4 + sin z + c2 x y on x^2 + a2 y^2 + z^2 = a0 (adversarial
    # finding 4's family), checked with the exact gradients: ∇f = λ∇g and g = 0.
    rng = np.random.default_rng(seed)
    a, c, x0 = rng.uniform(1, 2, 3), rng.uniform(-2, 2, 3), rng.uniform(-1, 1, 3)
    f = lambda v: (v[0] - c[0]) ** 2 + a[1] * v[1] ** 4 + np.sin(v[2]) + c[2] * v[0] * v[1]
    g = lambda v: v[0] ** 2 + a[2] * v[1] ** 2 + v[2] ** 2 - a[0]
    result = lagrange_multipliers(f, g, x0)
    if not result.converged:
        assert not result.message.endswith("converged")
        return
    x, lam = result.x, result.multipliers[0]
    df = np.array(
        [2 * (x[0] - c[0]) + c[2] * x[1], 4 * a[1] * x[1] ** 3 + c[2] * x[0], np.cos(x[2])]
    )
    dg = np.array([2 * x[0], 2 * a[2] * x[1], 2 * x[2]])
    # ∇f - λ∇g within 1e-7 of its terms: tol 1e-8 on steps of about 6e-6 of x's size
    assert np.all(np.abs(df - lam * dg) <= 1e-7 * (np.abs(df) + abs(lam) * np.abs(dg)) + 1e-12)
    assert abs(g(x)) <= 1e-8 * a[0]


# --- scale invariance: f times 1e±8, x times 1e±8, the same verdict ---------------------------


def verdict(result):
    """Converged or not, and the kind of ending: the message's first words, up to where
    it names a place (": ", " at ", "(")."""
    ending = re.split(r": | at |\(", result.message.split("(x, λ): ")[-1])[0]
    return result.converged, ending.strip()


CUBIC = (lambda x: x**3 - 2 * x + 2, lambda x: 3 * x**2 - 2)
SEXTIC = (
    lambda x: x**6 / 6 - 3 * x**4 - 2 * x**3 / 3 + 27 * x**2 / 2 + 18 * x - 30,
    lambda x: x**5 - 12 * x**3 - 2 * x**2 + 27 * x + 18,
)
NEWTON_CASES = {
    "cubic from -2": (*CUBIC, -2.0),
    "cubic cycle from 0": (*CUBIC, 0.0),
    "cubic at its turning point": (*CUBIC, np.sqrt(2 / 3)),
    "sextic from 3.1": (*SEXTIC, 3.1),
    "1/x - 1e6 (item 5)": (lambda x: 1 / x - 1e6, lambda x: -1 / x**2, 1.999999e-6),
    "x^2 + 1, no root": (lambda x: x**2 + 1, lambda x: 2 * x, 0.5),
    "arctan from 2": (np.arctan, lambda x: 1 / (1 + x**2), 2.0),
}


@pytest.mark.parametrize("exact", [True, False], ids=["fprime", "differences"])
@pytest.mark.parametrize("case", NEWTON_CASES)
def test_newton_verdicts_do_not_depend_on_units(case, exact):
    f, fp, x0 = NEWTON_CASES[case]
    base = newton_raphson(f, x0, fprime=fp if exact else None)
    for k, m in SCALES:
        a, b = 10.0**k, 10.0**m
        scaled = newton_raphson(
            lambda x, a=a, b=b: a * f(x / b),
            b * x0,
            fprime=(lambda x, a=a, b=b: a / b * fp(x / b)) if exact else None,
        )
        assert verdict(scaled) == verdict(base), (k, m, scaled.message, base.message)
        if base.converged:
            np.testing.assert_allclose(scaled.x / b, base.x, rtol=1e-9)


def system(v):
    return np.array([v[0] ** 2 + v[1] ** 2 - 4, np.exp(v[0]) + v[1] - 1])


@pytest.mark.parametrize("x0", [[1.0, -1.0], [0.0, 0.0], [1.0, 1.0]])
def test_newton_verdicts_on_a_system_do_not_depend_on_units(x0):
    base = newton_raphson(system, x0)
    for k, m in SCALES:
        a, b = 10.0**k, 10.0**m
        scaled = newton_raphson(lambda v, a=a, b=b: a * system(v / b), b * np.array(x0))
        assert verdict(scaled) == verdict(base), (k, m, scaled.message)
        if base.converged:
            np.testing.assert_allclose(scaled.x / b, base.x, rtol=1e-9)


MML = np.array([[2.0, 1.0], [1.0, 20.0]]), np.array([5.0, 3.0])
DESCENT_CASES = {
    "bowl": (lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2, [0.0, 1.0], None),
    "MML bowl": (lambda v: v @ MML[0] @ v / 2 - MML[1] @ v, [-3.0, -1.0], None),
    "bowl + 3 (item 3)": (lambda v: 0.5 * (v[0] ** 2 + 30 * v[1] ** 2) + 3, [1.0, 1.0], None),
    "bowl + 1e10 (item 2)": (lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2 + 1e10, [0.0, 1.0], None),
    "x^2 y, unbounded": (lambda v: v[0] ** 2 * v[1], [1.0, -1.0], None),
    "bowl, lr too large": (lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2, [0.0, 1.0], 0.3),
}


@pytest.mark.parametrize("case", DESCENT_CASES)
def test_descent_verdicts_do_not_depend_on_units(case):
    f, x0, lr = DESCENT_CASES[case]
    base = gradient_descent(f, x0, lr=lr)
    for k, m in SCALES:
        a, b = 10.0**k, 10.0**m
        # A rate has units x^2 / f: the course's lr in the scaled problem is lr b^2 / a.
        scaled = gradient_descent(
            lambda v, a=a, b=b: a * f(v / b),
            b * np.array(x0),
            lr=None if lr is None else lr * b**2 / a,
        )
        assert verdict(scaled) == verdict(base), (k, m, scaled.message, base.message)
        if base.converged:
            # Each claims |∇f| <= 1e-8 |∇f(x0)|: on these bowls (least curvature >= 1,
            # |∇f(x0)| <= 30) within 3e-7 of the minimum, so 6e-7 of each other.
            np.testing.assert_allclose(scaled.x / b, base.x, rtol=1e-5, atol=6e-7)


X2Y = lambda v: v[0] ** 2 * v[1]
CIRCLE = lambda v: v[0] ** 2 + v[1] ** 2 - 3
ELLIPSE_F = lambda v: np.exp(-(2 * v[0] ** 2 + v[1] ** 2 - v[0] * v[1]) / 2)
ELLIPSE_G = lambda v: v[0] ** 2 + 3 * (v[1] + 1) ** 2 - 1
LAGRANGE_CASES = {
    "x^2 y on a circle": (X2Y, CIRCLE, [1.0, 1.5]),
    "the practice problem": (ELLIPSE_F, ELLIPSE_G, [0.0, -0.5]),
    "∇g = 0 at the start": (X2Y, CIRCLE, [0.0, 0.0]),
    "x^2 y + 1e10": (lambda v: X2Y(v) + 1e10, CIRCLE, [1.0, 1.5]),
}


@pytest.mark.parametrize("case", LAGRANGE_CASES)
def test_lagrange_verdicts_do_not_depend_on_units(case):
    f, g, x0 = LAGRANGE_CASES[case]
    base = lagrange_multipliers(f, g, x0)
    for k, m in SCALES:
        a, b = 10.0**k, 10.0**m
        scaled = lagrange_multipliers(
            lambda v, a=a, b=b: a * f(v / b), lambda v, b=b: g(v / b), b * np.array(x0)
        )
        assert verdict(scaled) == verdict(base), (k, m, scaled.message, base.message)
        if base.converged:
            np.testing.assert_allclose(scaled.x / b, base.x, rtol=1e-8)
            np.testing.assert_allclose(scaled.multipliers / a, base.multipliers, rtol=1e-6)


# f and g in other units at the same time as x: f times 10^k, g times 10^j, x times 10^m.
# L = a f - λ' c g (x / b) is stationary where L = f - λ g is, with λ' = λ a / c.

COMBINED = [(k, j, m) for k in (-8, 0, 8) for j in (-8, 0, 8) for m in (-8, 0, 8)]


def _quadratic_on_a_sphere():
    Q = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
    return (lambda v: v @ Q @ v, lambda v: v @ v - 1, [0.6, 0.5, 0.6], None)


def _ellipsoid(seed):
    # the random family of test_lagrange_on_an_ellipsoid_is_a_stationary_point_or_says_it_is_not
    rng = np.random.default_rng(seed)
    a, c, x0 = rng.uniform(1, 2, 3), rng.uniform(-2, 2, 3), rng.uniform(-1, 1, 3)
    f = lambda v: (v[0] - c[0]) ** 2 + a[1] * v[1] ** 4 + np.sin(v[2]) + c[2] * v[0] * v[1]
    g = lambda v: v[0] ** 2 + a[2] * v[1] ** 2 + v[2] ** 2 - a[0]

    def stationary(x, lam):  # with the exact gradients, to that test's accuracy
        df = np.array(
            [2 * (x[0] - c[0]) + c[2] * x[1], 4 * a[1] * x[1] ** 3 + c[2] * x[0], np.cos(x[2])]
        )
        dg = np.array([2 * x[0], 2 * a[2] * x[1], 2 * x[2]])
        close = np.abs(df - lam * dg) <= 1e-7 * (np.abs(df) + abs(lam) * np.abs(dg)) + 1e-12
        return bool(np.all(close) and abs(g(x)) <= 1e-8 * a[0])

    return f, g, x0, stationary


def _same(one, other, rtol=1e-8):
    return (
        verdict(one) == verdict(other)
        and one.n_iter == other.n_iter
        and np.allclose(one.x, other.x, rtol=rtol, atol=1e-9)
    )


def _unit_roundoff_decides(f, g, x0, base):
    """Whether a change of x0 by one rounding (1e-15 of it) changes the run's verdict, its
    length or its point: undamped Newton far from a solution can be chaotic, and then the units of
    the problem, which change every rounding, may too."""
    return not all(
        _same(lagrange_multipliers(f, g, np.array(x0) * (1 + e)), base) for e in (1e-15, -1e-15)
    )


COMBINED_CASES = {
    "sum of squares on a plane": (
        lambda v: v @ v,
        lambda v: v[0] + v[1] + v[2] - 1,
        [1.0, 0.0, 0.5],
        None,
    ),
    "a quadratic on a sphere": _quadratic_on_a_sphere(),
    "x^2 y on a circle (λ = 1)": (X2Y, CIRCLE, [1.0, 1.5], None),
    "the practice problem": (ELLIPSE_F, ELLIPSE_G, [0.0, -0.5], None),
    **{f"the ellipsoid family, seed {seed}": _ellipsoid(seed) for seed in range(12)},
}


@pytest.mark.parametrize("case", COMBINED_CASES)
def test_lagrange_verdicts_do_not_depend_on_the_units_of_f_g_and_x_together(case):
    f, g, x0, stationary = COMBINED_CASES[case]
    base = lagrange_multipliers(f, g, x0)
    chaotic = _unit_roundoff_decides(f, g, x0, base)
    assert not chaotic or stationary, "a hand-made case must not be decided by rounding"
    for k, j, m in COMBINED:
        a, c, b = 10.0**k, 10.0**j, 10.0**m
        scaled = lagrange_multipliers(
            lambda v, a=a, b=b: a * f(v / b), lambda v, c=c, b=b: c * g(v / b), b * np.array(x0)
        )
        if chaotic:  # no verdict to keep: a converged run must still be right
            if scaled.converged:
                assert stationary(scaled.x / b, scaled.multipliers[0] * c / a), (k, j, m)
            continue
        assert verdict(scaled) == verdict(base), (k, j, m, scaled.message, base.message)
        if base.converged:
            np.testing.assert_allclose(scaled.x / b, base.x, rtol=1e-8, atol=1e-9)
            np.testing.assert_allclose(
                scaled.multipliers * c / a, base.multipliers, rtol=1e-6, atol=1e-9
            )


# Each equation and each unknown of a system in its own units (item 7's [1e9 x - 1, 1e-9 y - 1]
# is one such change): Newton's step, J Δx = -f, is blind to both, and so are its difference
# steps, which take each unknown's size from its own start coordinate (only an exact 0
# borrows the largest one's), so unknowns 1e16 apart are fine.

EACH_ITS_OWN = [np.array(u, dtype=float) for u in np.ndindex(3, 3, 3, 3)]


@pytest.mark.parametrize("x0", [[1.0, -1.0], [0.0, 0.0], [1.0, 1.0]])
def test_newton_verdicts_on_a_system_do_not_depend_on_the_units_of_each_equation_and_unknown(x0):
    base = newton_raphson(system, x0)
    for u in EACH_ITS_OWN:
        a, b = 10.0 ** (8 * (u[:2] - 1)), 10.0 ** (8 * (u[2:] - 1))  # each 1e-8, 1 or 1e8
        scaled = newton_raphson(lambda v, a=a, b=b: a * system(v / b), b * np.array(x0))
        assert verdict(scaled) == verdict(base), (a, b, scaled.message, base.message)
        if base.converged:
            np.testing.assert_allclose(scaled.x / b, base.x, rtol=1e-9)
