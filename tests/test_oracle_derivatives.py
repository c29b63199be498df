"""Oracle tests: random smooth functions against sympy's exact derivatives and series.

Hypothesis composes each function from a small grammar of sympy expressions (sums and
products of polynomials, sin, exp, log(1 + x^2) and 1/(c + x^2), with random
coefficients), so that the exact answer is known. Each of mvc's derivative families
must then give either the answer to its documented accuracy or an honest error:

- `derivative` (default search): "about 12 significant digits" where f is smooth;
  complex step: exact to rounding;
- `gradient`, `jacobian`: one central difference per axis, "about 1e-10 of the largest
  partial derivative" (the tolerance leaves a factor 100 for the size of f''');
- `hessian`: second differences checked at a second step (and searched for where the
  two disagree): right to 1e-6 of each entry's scale beyond its rounding, about
  100 eps |f| / (h_i h_j), or a ValueError naming the entry, in any units;
- `taylor_coefficients`: "about 13 digits of the largest term |c_k| rho^k", rho the
  distance to the nearest singularity.

"Scale" below is the size of f and its first three derivatives at the point: the
round-off of a difference is proportional to |f|, its truncation to f''', so an error
is only meaningful relative to them. The grammar keeps the length over which f changes
near 1, so that scale is the natural one.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mvc import derivative, gradient, hessian, jacobian, taylor_coefficients

X = sp.symbols("x0:3")
coefficient = st.sampled_from([-3, -2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 3]).map(sp.nsimplify)
rate = st.sampled_from([-4, -2, -1, -0.5, 0.5, 1, 2, 4]).map(sp.nsimplify)
offset = st.sampled_from([0.5, 1, 2, 3]).map(sp.nsimplify)


@st.composite
def atom(draw, variables):
    """One smooth building block of one variable (or, rarely, a product of two)."""
    x = draw(st.sampled_from(variables))
    kind = draw(st.sampled_from(["poly", "sin", "exp", "log", "rational", "pair"]))
    c = draw(coefficient)
    if kind == "poly":
        return c * x ** draw(st.integers(0, 3))
    if kind == "sin":
        return c * sp.sin(draw(rate) * x + draw(coefficient))
    if kind == "exp":
        return c * sp.exp(draw(rate) * x)
    if kind == "log":
        return c * sp.log(1 + x**2)
    if kind == "rational":
        return c / (draw(offset) + x**2)
    y = draw(st.sampled_from(variables))
    return c * x * y


@st.composite
def smooth(draw, variables=X[:1]):
    """A sum of products of one or two atoms: a smooth function of `variables`."""
    terms = draw(
        st.lists(st.lists(atom(variables), min_size=1, max_size=2), min_size=1, max_size=3)
    )
    return sp.Add(*(sp.Mul(*factors) for factors in terms))


def value(expr, at: dict) -> float:
    return float(sp.N(expr.subs(at), 30))


def scale(expr, x, at: dict) -> float:
    """|f| + |f'| + |f''| + |f'''| at the point: the size errors are measured against."""
    return sum(abs(value(sp.diff(expr, x, k), at)) for k in range(4))


point = st.sampled_from([-1.75, -1.0, -0.5, -0.25, 0.0, 0.3, 0.75, 1.0, 1.5, 2.0])
settings_ = settings(max_examples=30, deadline=None)


@settings_
@given(smooth(), point)
def test_derivative_default_search_is_right_to_about_12_digits(expr, x0):
    x = X[0]
    f = sp.lambdify(x, expr, "numpy")
    exact, size = value(sp.diff(expr, x), {x: x0}), scale(expr, x, {x: x0})
    got = derivative(lambda t: f(t) + 0 * t, x0)  # + 0 t: a constant f still acts element-wise
    assert abs(got - exact) <= 1e-11 * size, (expr, x0, got, exact)


@settings_
@given(smooth(), point)
def test_derivative_complex_step_is_exact_to_rounding(expr, x0):
    x = X[0]
    f = sp.lambdify(x, expr, "numpy")
    exact, size = value(sp.diff(expr, x), {x: x0}), scale(expr, x, {x: x0})
    got = derivative(lambda t: f(t) + 0 * t, x0, method="complex")
    assert abs(got - exact) <= 1e-14 * size, (expr, x0, got, exact)


@settings(max_examples=15, deadline=None)
@given(smooth(), point, st.sampled_from([1e-8, 1e8]))
def test_derivative_keeps_its_accuracy_in_other_units_of_x_and_f(expr, x0, c):
    # g(y) = c f(y / c) at y = c x0 has g'(y) = f'(x0): the same search, scaled.
    x = X[0]
    f = sp.lambdify(x, expr, "numpy")
    exact, size = value(sp.diff(expr, x), {x: x0}), scale(expr, x, {x: x0})
    got = derivative(lambda y: c * f(y / c) + 0 * y, c * x0)
    assert abs(got - exact) <= 1e-11 * size, (expr, x0, c, got, exact)


@settings_
@given(smooth(X[:3]), st.lists(point, min_size=3, max_size=3))
def test_gradient_and_hessian_match_sympy(expr, x0):
    at = dict(zip(X, x0, strict=True))
    lambdified = sp.lambdify([X], expr, "numpy")
    f = lambda v: lambdified(v) + 0 * v[0]  # complex for complex v, even if constant
    exact_g = np.array([value(sp.diff(expr, xi), at) for xi in X])
    exact_H = np.array([[value(sp.diff(expr, xi, xj), at) for xj in X] for xi in X])
    size = abs(value(expr, at)) + np.abs(exact_g).max() + np.abs(exact_H).max()
    size += max(abs(value(sp.diff(expr, xi, 3), at)) for xi in X)
    point = np.array(x0)
    np.testing.assert_allclose(gradient(f, point), exact_g, rtol=0, atol=1e-8 * size)
    np.testing.assert_allclose(
        gradient(f, point, method="complex"), exact_g, rtol=0, atol=1e-14 * size
    )
    np.testing.assert_allclose(hessian(f, point), exact_H, rtol=0, atol=1e-6 * size)


@settings(max_examples=20, deadline=None)
@given(
    smooth(X[:2]),
    st.lists(point, min_size=2, max_size=2),
    st.sampled_from([1e-8, 1e-4, 1e4, 1e8]),
    st.sampled_from([1e-8, 1.0, 1e8]),
)
def test_hessian_in_other_units_is_right_to_its_scale_or_refused(expr, x0, c, k):
    # g(y) = k f(y / c) at y = c x0 has H_g = k H_f / c^2: the check and the search must
    # find it in units where the default step is far too long (c = 1e-8) or too short for
    # f's rounding to matter little (c = 1e8), or say which entry they cannot find
    # hessian's documented limit: along an axis where x_i = 0, features shorter than
    # h / sqrt(8) (f's in units c below about 4e-5) are seen by no step
    assume(c > 1e-4 or 0.0 not in x0)
    at = dict(zip(X[:2], x0, strict=True))
    lambdified = sp.lambdify([X[:2]], expr, "numpy")
    g = lambda y: k * (lambdified(y / c) + 0 * y[0])
    exact = k * np.array([[value(sp.diff(expr, a, b), at) for b in X[:2]] for a in X[:2]]) / c**2
    y = c * np.array(x0)
    try:
        H = hessian(g, y)
    except ValueError as refused:
        assert "H[" in str(refused), str(refused)
        return
    row = np.abs(exact).max(axis=1)
    entry_scale = np.maximum(np.abs(exact), np.sqrt(np.outer(row, row)))
    # an entry whose row and column are 0 (log(1 + x^2)'' at 1) is measured against the
    # grammar's curvatures, about |k| / c^2, a thousandth of it
    entry_scale = np.maximum(entry_scale, 1e-3 * abs(k) / c**2)
    h = np.finfo(float).eps ** 0.25 * np.maximum(1.0, np.abs(y))
    with np.errstate(all="ignore"):  # f far out (exp(4 x) at 1.2e4 units) may overflow
        near = [abs(g(y + s * t * e)) for t in (0, 1) for s in (1, -1) for e in np.eye(2) * h]
    # f's values round at eps |f|, and inside f at eps |k| (the terms before they cancel:
    # log(1 + x^2) at x = 1e-12 computes 1 + 1e-24, and rounds to log(1) = 0)
    largest = max(v for v in near if np.isfinite(v)) + abs(k)
    rounding = 100 * np.finfo(float).eps * largest / np.outer(h, h)
    assert np.all(np.abs(H - exact) <= 1e-6 * entry_scale + rounding), (expr, x0, c, k, H, exact)


@settings_
@given(st.lists(smooth(X[:2]), min_size=1, max_size=3), st.lists(point, min_size=2, max_size=2))
def test_jacobian_matches_sympy(exprs, x0):
    at = dict(zip(X[:2], x0, strict=True))
    F = sp.lambdify([X[:2]], exprs, "numpy")
    exact = np.array([[value(sp.diff(e, xi), at) for xi in X[:2]] for e in exprs])
    got = jacobian(lambda v: np.array(F(v), dtype=float), np.array(x0))
    assert got.shape == (len(exprs), 2)
    for row, e in zip(range(len(exprs)), exprs, strict=True):
        size = abs(value(e, at)) + sum(scale(e, xi, at) for xi in X[:2])
        np.testing.assert_allclose(got[row], exact[row], rtol=0, atol=1e-8 * size)


def exact_taylor(expr, x, a, n: int) -> np.ndarray:
    """c_k = f^(k)(a) / k!, k = 0..n, from sympy's exact derivatives (each from the last)."""
    coefficients, derivative_ = [], expr
    for k in range(n + 1):
        coefficients.append(value(derivative_ / sp.factorial(k), {x: a}))
        derivative_ = sp.diff(derivative_, x)
    return np.array(coefficients)


def singularity_distance(expr, x, a) -> float:
    """Distance from a to the nearest complex singularity of a function of the grammar: the
    zeros +-i sqrt(k) of k + x^2, in 1/(k + x^2) and log(1 + x^2); infinite if none."""
    distances = [np.inf]
    for sub in sp.preorder_traversal(expr):
        if isinstance(sub, sp.log):
            base = sub.args[0]
        elif sub.is_Pow and sub.exp.is_negative:
            base = sub.base
        else:
            continue
        if base.has(x):
            distances.append(float(np.hypot(float(a), np.sqrt(float(base.subs(x, 0))))))
    return min(distances)


@settings(max_examples=20, deadline=None)
@given(smooth(), st.sampled_from([sp.Rational(k, 4) for k in range(-6, 7)]))
def test_taylor_coefficients_match_sympy_to_13_digits_of_the_largest_term(expr, a):
    x = X[0]
    n = 8
    f = sp.lambdify(x, expr, "numpy")
    exact = exact_taylor(expr, x, a, n)
    got = taylor_coefficients(lambda z: f(z) + 0 * z, float(a), n)
    rho = min(1.0, singularity_distance(expr, x, a))
    terms = np.abs(exact) * rho ** np.arange(n + 1)
    np.testing.assert_allclose(
        got * rho ** np.arange(n + 1),
        exact * rho ** np.arange(n + 1),
        rtol=0,
        atol=1e-11 * max(terms.max(), 1e-300),
    )


@settings(max_examples=15, deadline=None)
@given(
    smooth(),
    st.sampled_from([sp.Rational(k, 2) for k in range(-2, 3)]),
    st.sampled_from([1e-8, 1e8]),
)
def test_taylor_coefficients_keep_their_accuracy_in_other_units(expr, a, c):
    # g(z) = f(z c) about a / c has coefficients c_k c^k: the radii must follow. Not for a
    # polynomial, which has no length for them to follow (the docstring says so).
    x = X[0]
    assume(not expr.is_polynomial(x))
    n = 6
    f = sp.lambdify(x, expr, "numpy")
    exact = exact_taylor(expr, x, a, n)
    k = np.arange(n + 1)
    got = taylor_coefficients(lambda z: f(z * c) + 0 * z, float(a) / c, n) / c**k
    rho = min(1.0, singularity_distance(expr, x, a))
    terms = np.abs(exact) * rho**k
    np.testing.assert_allclose(
        got * rho**k, exact * rho**k, rtol=0, atol=1e-11 * max(terms.max(), 1e-300)
    )


@pytest.mark.parametrize("weight", [1.0, 1e-6])
@pytest.mark.parametrize("rate_", [2, 4, 6])
def test_taylor_a_pole_under_a_large_entire_part_is_not_missed(rate_, weight):
    # The class of issue 14, item 1: e^(r x) + w/(1 + x^2), the pole at +-i far smaller
    # than e^(r x) on large circles.
    x = X[0]
    expr = sp.exp(rate_ * x) + sp.nsimplify(weight) / (1 + x**2)
    f = sp.lambdify(x, expr, "numpy")
    exact = exact_taylor(expr, x, 0, 12)
    got = taylor_coefficients(f, 0.0, 12)
    np.testing.assert_allclose(got, exact, rtol=0, atol=1e-11 * np.abs(exact).max())
