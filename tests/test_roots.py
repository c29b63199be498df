"""Tests of mvc.roots: the course's cubic and sextic, systems, scipy, and every failure."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.optimize
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mvc import newton_raphson

CUBIC = lambda x: x**3 - 2 * x + 2  # the lecture's cubic
CUBIC_PRIME = lambda x: 3 * x**2 - 2
SEXTIC = lambda x: x**6 / 6 - 3 * x**4 - 2 * x**3 / 3 + 27 * x**2 / 2 + 18 * x - 30
SEXTIC_PRIME = lambda x: x**5 - 12 * x**3 - 2 * x**2 + 27 * x + 18


def real_roots(coefficients):
    x = sp.Symbol("x")
    roots = sp.Poly(coefficients(x), x).nroots(n=30)
    return sorted(float(r) for r in roots if abs(sp.im(r)) < 1e-20)


def counted(f):
    def wrapper(x):
        wrapper.calls += 1
        return f(x)

    wrapper.calls = 0
    return wrapper


# --- convergence ---------------------------------------------------------------------------


def test_first_step_is_the_tangent_line_crossing():
    result = newton_raphson(CUBIC, -2.0, fprime=CUBIC_PRIME)
    assert result.history[1] == -2.0 - CUBIC(-2.0) / CUBIC_PRIME(-2.0)  # exactly -1.8


@pytest.mark.parametrize("fprime", [CUBIC_PRIME, None])
def test_cubic_from_minus_two_converges_to_its_real_root(fprime):
    result = newton_raphson(CUBIC, -2.0, fprime=fprime)
    (root,) = real_roots(lambda x: x**3 - 2 * x + 2)
    assert result.converged and isinstance(result.x, float)
    np.testing.assert_allclose(result.x, root, rtol=1e-15)  # quadratic: the last step squares 1e-10
    assert result.fun == CUBIC(result.x)
    assert result.history.shape == (result.n_iter + 1,) and result.history[0] == -2.0


def test_convergence_is_quadratic():
    result = newton_raphson(CUBIC, -2.0, fprime=CUBIC_PRIME)
    e = np.abs(result.history - result.x)[:4]  # before rounding takes over
    limit = abs(6 * result.x / (2 * CUBIC_PRIME(result.x)))  # e_{i+1} / e_i^2 -> |f'' / 2f'|
    np.testing.assert_allclose(e[3] / e[2] ** 2, limit, rtol=1e-3)


@pytest.mark.parametrize("x0", [-4.0, -2.0, 0.0, 1.99, 3.1, 4.0])
def test_sextic_reaches_a_root_that_sympy_confirms(x0):
    roots = real_roots(
        lambda x: (
            sp.Rational(1, 6) * x**6
            - 3 * x**4
            - sp.Rational(2, 3) * x**3
            + sp.Rational(27, 2) * x**2
            + 18 * x
            - 30
        )
    )
    result = newton_raphson(SEXTIC, x0, fprime=SEXTIC_PRIME)
    assert result.converged
    assert min(abs(result.x - r) for r in roots) < 1e-12


@pytest.mark.parametrize("x0", [-3.5, 0.5, 1.5, 4.0])
def test_same_root_as_scipy_newton_with_fprime_and_no_more_evaluations(x0):
    f, fp = counted(SEXTIC), counted(SEXTIC_PRIME)
    ours = newton_raphson(f, x0, fprime=fp, tol=1.48e-8)
    ref_f, ref_fp = counted(SEXTIC), counted(SEXTIC_PRIME)
    theirs = scipy.optimize.newton(ref_f, x0, fprime=ref_fp, tol=1.48e-8)
    np.testing.assert_allclose(ours.x, theirs, rtol=1e-12)
    assert fp.calls <= ref_fp.calls and f.calls <= ref_f.calls + 1  # +1: we report f at the root


def test_system_matches_scipy_root():
    def f(v):
        return np.array([v[0] ** 2 + v[1] ** 2 - 4, np.exp(v[0]) + v[1] - 1])

    def J(v):
        return np.array([[2 * v[0], 2 * v[1]], [np.exp(v[0]), 1.0]])

    ours = newton_raphson(f, [1.0, -1.0], fprime=J)
    numeric = newton_raphson(f, [1.0, -1.0])
    theirs = scipy.optimize.root(f, [1.0, -1.0], jac=J, tol=1e-12)
    assert ours.converged and numeric.converged and theirs.success
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-12)
    np.testing.assert_allclose(numeric.x, theirs.x, rtol=1e-12)
    assert ours.history.shape == (ours.n_iter + 1, 2)
    np.testing.assert_array_equal(ours.fun, f(ours.x))


@settings(max_examples=30, deadline=None)
@given(st.floats(0.1, 100), st.floats(0.5, 10))
def test_square_roots(a, x0):
    result = newton_raphson(lambda x: x**2 - a, x0, fprime=lambda x: 2 * x)
    assert result.converged
    np.testing.assert_allclose(result.x, np.sqrt(a), rtol=1e-14)


def test_exact_zero_at_the_start_costs_no_step():
    result = newton_raphson(lambda x: x - 3.0, 3.0)
    assert result.converged and result.n_iter == 0 and "exactly" in result.message


# --- every failure is a result with a message ----------------------------------------------


@pytest.mark.parametrize("fprime", [CUBIC_PRIME, None])
def test_the_course_cycle_0_1_0(fprime):
    result = newton_raphson(CUBIC, 0.0, fprime=fprime)
    assert result.converged is False
    assert "cycle of period 2" in result.message
    np.testing.assert_allclose(result.history[:3], [0.0, 1.0, 0.0], atol=1e-9)


def test_zero_derivative_at_a_stationary_point_of_the_sextic():
    result = newton_raphson(SEXTIC, -1.0, fprime=SEXTIC_PRIME)  # f'(-1) = 0
    assert result.converged is False and result.message.startswith("zero derivative")


def test_zero_derivative():
    result = newton_raphson(lambda x: x**2 + 1, 0.0, fprime=lambda x: 2 * x)
    assert result.converged is False
    assert result.message.startswith("zero derivative") and "x = 0" in result.message


def test_vanishing_derivative():
    result = newton_raphson(np.arctan, 2.0, fprime=lambda x: 1 / (1 + x**2))
    assert result.converged is False
    assert result.message.startswith("vanishing derivative")


def test_singular_jacobian():
    result = newton_raphson(lambda v: np.array([v[0] + v[1], 2 * v[0] + 2 * v[1] - 1]), [1.0, 0.5])
    assert result.converged is False
    assert result.message.startswith("singular Jacobian")
    assert result.n_iter == 0


def test_divergence_by_growth():
    result = newton_raphson(np.cbrt, 1.0)  # each step doubles |x|: x -> -2x
    assert result.converged is False
    assert result.message.startswith("diverged") and "grew" in result.message


def test_divergence_beyond_1e100():
    result = newton_raphson(lambda x: 1 / x, 1.0, fprime=lambda x: -1 / x**2, max_iter=500)
    assert result.converged is False  # x doubles while f shrinks, until |x| > 1e100
    assert result.message.startswith("diverged") and "1e+100" in result.message
    assert np.isfinite(result.x)


def test_overflow_to_a_non_finite_value():
    result = newton_raphson(np.log, 3.0, fprime=lambda x: 1 / x)  # 3 - 3 ln 3 < 0: log is nan
    assert result.converged is False
    assert result.message.startswith("diverged") and "not finite" in result.message
    assert result.x < 0


def test_max_iter():
    result = newton_raphson(lambda x: x**2 + 1, 0.5, max_iter=7)  # no real root: wanders
    assert result.converged is False
    assert result.message.startswith("max_iter = 7") and result.n_iter == 7


def test_no_warnings_escape():
    with np.errstate(all="raise"):  # log of a negative iterate: nan, reported, not warned
        assert not newton_raphson(np.log, 3.0).converged


# --- bad input raises, naming the argument -------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"f": 3.0}, TypeError, "`f`"),
        ({"fprime": "no"}, TypeError, "`fprime`"),
        ({"x0": np.nan}, ValueError, "`x0`"),
        ({"x0": [[1.0]]}, ValueError, "`x0`"),
        ({"x0": "1"}, TypeError, "`x0`"),
        ({"tol": 0.0}, ValueError, "`tol`"),
        ({"tol": "small"}, TypeError, "`tol`"),
        ({"max_iter": 0}, ValueError, "`max_iter`"),
        ({"max_iter": 2.5}, TypeError, "`max_iter`"),
    ],
)
def test_bad_input(kwargs, error, name):
    args = {"f": CUBIC, "x0": 1.0, **kwargs}
    with pytest.raises(error, match=name):
        newton_raphson(args.pop("f"), args.pop("x0"), **args)


def test_non_square_system_and_wrong_fprime_shape():
    with pytest.raises(ValueError, match="`f`.*shape \\(2,\\)"):
        newton_raphson(lambda v: np.array([v[0], v[1], 1.0]), [1.0, 2.0])
    with pytest.raises(ValueError, match="`fprime`"):
        newton_raphson(lambda v: v, [1.0, 2.0], fprime=lambda v: np.eye(3))


def test_non_finite_start_is_bad_input():
    with pytest.raises(ValueError, match="`f` must return finite values at `x0`"):
        newton_raphson(np.log, -1.0)


def test_users_exceptions_pass_through():
    def f(x):
        raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        newton_raphson(f, 1.0)


# --- issue 14: converged=True is checked on |f|, at any scale ------------------------------


def test_issue14_item5_a_small_step_far_from_the_root_is_not_convergence():
    # The step test was absolute for |x| < 1: 1/x - 1e6 "converged" at x = 4e-12, where
    # f = 2.5e11. Newton from this start does reach the root 1e-6, slowly at first.
    result = newton_raphson(lambda x: 1 / x - 1e6, 1.999999e-6, fprime=lambda x: -1 / x**2)
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, 1e-6, rtol=1e-10)
    assert abs(result.fun) <= 1e-10 * 1e6  # |f| within tol of its terms, 1/x = 1e6


def test_issue14_item5_a_tiny_step_is_not_enough_when_f_does_not_fall():
    # A wrong fprime, 1e12 times too steep, makes every step 5e-13 long: as small as
    # tol asks, and |f| = 0.5 looks small beside the terms |J||x| = 1e12 it implies.
    # But |f| barely falls, as it would after a true Newton step.
    result = newton_raphson(lambda x: x - 0.5, 1.0, fprime=lambda x: 1e12, max_iter=20)
    assert result.converged is False
    assert result.message.startswith("max_iter = 20") and "is `fprime` right?" in result.message


def test_a_derivative_a_little_wrong_still_converges_to_tol():
    # f' three times too large: steps a third of Newton's, |f| falls by 2/3 per step.
    result = newton_raphson(lambda x: x - 0.5, 1.0, fprime=lambda x: 3.0, max_iter=100)
    assert result.converged, result.message
    assert abs(result.x - 0.5) <= 1e-10 * 0.5


@pytest.mark.parametrize("fprime", [None, lambda v: np.diag([1e9, 1e-9])])
def test_issue14_item7_singularity_does_not_depend_on_units(fprime):
    # cond(J) = 1e18 > 1/eps, but scaling rows or columns makes J the identity.
    result = newton_raphson(
        lambda v: np.array([1e9 * v[0] - 1, 1e-9 * v[1] - 1]), [0.0, 0.0], fprime=fprime
    )
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, [1e-9, 1e9], rtol=1e-12)


def test_issue14_item13_a_derivative_lost_in_rounding_is_not_a_zero_derivative():
    # f' = 1, but f(1 ± h) both round to -1e200: the difference says nothing.
    result = newton_raphson(lambda x: x - 1e200, 1.0)
    assert result.converged is False
    assert result.message.startswith("derivative lost in rounding")
    assert "f'(x) = 0" not in result.message
    assert "`fprime`" in result.message


def test_zero_derivative_by_differences_is_still_called_zero():
    result = newton_raphson(lambda x: x**2 + 1, 0.0)  # f changes over the step, symmetrically
    assert result.converged is False and result.message.startswith("zero derivative")


def test_issue14_item13_a_tolerance_below_float64s_reach_is_refused():
    with pytest.raises(ValueError, match="`tol` must be at least 2.22e-16"):
        newton_raphson(lambda x: x**2 - 2, 1.0, tol=1e-300)
    result = newton_raphson(lambda x: x**2 - 2, 1.0, tol=np.finfo(float).eps)  # the least is met
    assert result.converged and abs(result.x - np.sqrt(2)) <= 4e-16


def test_a_root_hidden_by_rounding_stalls_honestly():
    # exp(x) - 1 - 1e-10 has its root at 1e-10, but exp(x) is rounded to 2e-16, a 1e-6
    # part of the root: tol = 1e-10 cannot be met, and the run says why.
    result = newton_raphson(lambda x: np.exp(x) - 1 - 1e-10, 0.0, fprime=np.exp)
    assert result.converged is False and result.message.startswith("stalled")
    np.testing.assert_allclose(result.x, 1e-10, rtol=1e-5)


def test_a_root_at_zero_is_reached_exactly():
    result = newton_raphson(np.sin, 0.5)  # relative tests cannot judge 0: f(x) = 0 exactly can
    assert result.converged and result.x == 0.0 and "exactly" in result.message


def test_norms_of_tiny_iterates_do_not_underflow_into_a_false_cycle():
    # Iterates near 1e-170 once looked equal to each other: their squares underflow.
    result = newton_raphson(np.sin, 0.5)
    assert "cycle" not in result.message and len(result.history) > 20


@pytest.mark.parametrize("u", [1e-8, 1e-4, 1.0, 1e4, 1e8])
def test_a_start_at_0_has_one_verdict_in_every_unit(u):
    # From x0 = 0 nothing gives x a size: the first difference step, eps^(1/3), is a
    # guess. With x in units 1e-8 it spanned 600 of them: exp(x / 1e-8) - 3 read a slope
    # 1e257 times too steep, stepped to 2.5e-268 and stopped there ("derivative lost in
    # rounding"); tanh(x / 1e-8) - 0.5 ran off to 1.7e36; the system below was "singular".
    scalar = {
        "exp": (lambda x: math.exp(x / u) - 3, math.log(3)),
        "tanh": (lambda x: np.tanh(x / u) - 0.5, math.atanh(0.5)),
        "sin": (lambda x: np.sin(x / u) - 0.5, math.pi / 6),
    }
    for name, (f, root) in scalar.items():
        result = newton_raphson(f, 0.0)
        assert result.converged, (name, result.message)
        assert result.x / u == pytest.approx(root, rel=1e-9), name
    # a slope that shrinks or grows with the step (no slope at all) keeps the first step:
    # x |x| - 1 read 1e-8 for its slope and took 85 steps when every step was quartered
    # (in units 1e4 and up its slope, 0 at 0, is lost in rounding at any step: refused)
    cusp = newton_raphson(lambda x: (x / u) * abs(x / u) - 1, 0.0)
    assert cusp.converged == (u <= 1), cusp.message
    assert not cusp.converged or cusp.x / u == pytest.approx(1)
    system = newton_raphson(lambda v: np.array([np.exp(v[0] / u) - 3, (v[1] - v[0]) / u]), [0, 0])
    assert system.converged, system.message
    assert system.x / u == pytest.approx([math.log(3)] * 2, rel=1e-9)
    # one unknown at 0 beside one that is not: its size was borrowed from the other (1)
    mixed = newton_raphson(lambda v: np.array([np.exp(v[0] / u) - 3, v[1] - v[0] / u]), [0, 1])
    assert mixed.converged, mixed.message
    assert mixed.x / [u, 1] == pytest.approx([math.log(3)] * 2, rel=1e-9)


def test_a_system_with_a_root_coordinate_at_0_has_one_verdict_in_every_unit():
    # f0 = x (a + b y) vanishes with x: |f0| is as large as its terms all the way down,
    # so only f0 = 0 at x = 0 exactly can show the root. 23 of 100 such systems once
    # changed verdict with the units of f or x (stalled in the subnormals, or not).
    rng = np.random.default_rng(7)
    for _ in range(30):
        A, root = rng.uniform(0.5, 2, (3, 3)), rng.uniform(0.5, 2, 3)
        root[0] = 0.0
        _converges_in_every_unit(A, root, root + rng.uniform(-0.4, 0.4, 3))


def _converges_in_every_unit(A, root, x0):
    """The system x (a + b y + c z) = 0, ... with its root at `root` (x = 0) converges to
    it from `x0` with f times s and x in units u, for each (s, u)."""
    for s, u in [(1, 1), (1e8, 1), (1e-8, 1), (1, 1e8), (1, 1e-8), (3, 7)]:

        def f(v, s=s, u=u):
            x, y, z = v / u
            return s * np.array(
                [
                    x * (A[0, 0] + A[0, 1] * y + A[0, 2] * z),
                    (y - root[1]) * (A[1, 0] + z**2) + A[1, 1] * x,
                    A[2, 0] * (z - root[2]) + A[2, 1] * x * y + A[2, 2] * x**2,
                ]
            )

        result = newton_raphson(f, x0 * u)
        assert result.converged, (s, u, result.message)
        assert np.allclose(result.x / u, root, rtol=1e-9, atol=0), (s, u, result.x)


def test_divergence_is_relative_to_the_start():
    # The root of x - 1e200 is 1e200 away from 1: far, but not divergence.
    result = newton_raphson(lambda x: x / 1e200 - 1, 1e190, fprime=lambda x: 1e-200)
    assert result.converged and result.x == 1e200


# adversarial finding 9: a relative tolerance of 1 or more accepts anything
@pytest.mark.parametrize("tol", [1.0, 10.0])
def test_tolerance_of_one_or_more_is_refused_by_every_solver(tol):
    import mvc

    calls = [
        lambda: mvc.newton_raphson(np.sin, 1.0, tol=tol),
        lambda: mvc.gradient_descent(lambda x: (x - 1) ** 2, 0.0, tol=tol),
        lambda: mvc.lagrange_multipliers(
            lambda v: v @ v, lambda v: v.sum() - 1, [1.0, 2.0], tol=tol
        ),
        lambda: mvc.fit(lambda x, a: a * x, np.arange(5.0), np.arange(5.0), [2.0], tol=tol),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="`tol` must be below 1"):
            call()


# adversarial finding 7: a non-finite fprime at x0 is bad input, not divergence
@pytest.mark.parametrize("x0", [1.0, [1.0, 2.0]])
def test_non_finite_fprime_at_x0_names_fprime(x0):
    n = np.size(x0)
    fprime = (lambda x: np.nan) if n == 1 else (lambda x: np.full((n, n), np.inf))
    f = np.sin if n == 1 else (lambda v: np.sin(v))
    with pytest.raises(ValueError, match="`fprime` must return finite values"):
        newton_raphson(f, x0, fprime=fprime)


# adversarial finding 3: a tiny nonzero start must not make the difference step vanish
@pytest.mark.parametrize("x0", [0.1 + 0.2 - 0.3, 1e-12, 1e-30])
def test_tiny_start_grows_the_lost_difference_step(x0):
    result = newton_raphson(lambda x: np.exp(x) - 2, x0)
    assert result.converged, result.message
    assert result.x == pytest.approx(np.log(2), rel=1e-12)


# round 3, finding 12: unknowns in units 2^27 and 2^-27 together (2^54 ~ 1.8e16 apart) once
# changed Newton's verdict or its root: a start coordinate 1e-16 of the largest was taken for
# a rounded 0 and differenced with the largest one's step. Powers of 2 scale x exactly, so
# the run must be the same run, step for step.
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("exponents", [(27, -27, 0), (-27, 0, 27), (40, -40, 10)])
def test_unknowns_in_units_far_apart_give_the_same_run(seed, exponents):
    rng = np.random.default_rng(seed)
    A, b, x0 = rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=3)
    system = lambda u: np.tanh(A @ u) + 0.1 * u**3 - b
    base = newton_raphson(system, x0)
    unit = 2.0 ** np.array(exponents)
    scaled = newton_raphson(lambda v: system(v / unit), x0 * unit)
    assert (scaled.converged, scaled.n_iter) == (base.converged, base.n_iter), scaled.message
    np.testing.assert_allclose(scaled.x / unit, base.x, rtol=1e-12)


# round 3, finding 4: f(x) = 0 exactly was taken for a root before any other check, but f
# underflows (or its terms cancel) to an exact 0 far from any root: 1 / (1 + e^x) at 710,
# x e^(-x^2) at 27, tanh x - 1 at 20 have no root there. A 0 that f also takes at every point
# tried around x is no evidence of a root.
NO_ROOT_THERE = {
    "1 / (1 + e^x) from 700": (lambda x: 1 / (1 + np.exp(x)), 700.0, {}),
    "x e^(-x^2) from 2": (lambda x: x * np.exp(-(x**2)), 2.0, {"max_iter": 2000}),
    "tanh x - 1 from 0": (lambda x: np.tanh(x) - 1, 0.0, {}),
    "tanh x - 1 from 0, fprime": (
        lambda x: np.tanh(x) - 1,
        0.0,
        {"fprime": lambda x: 1 / np.cosh(x) ** 2},
    ),
    "a system, one equation underflowed": (
        lambda v: np.array([v[0] * np.exp(-(v[0] ** 2)), v[1] - 1]),
        [30.0, 1.0],
        {},
    ),
}


@pytest.mark.parametrize("case", NO_ROOT_THERE)
def test_an_underflowed_f_is_not_an_exact_root(case):
    f, x0, options = NO_ROOT_THERE[case]
    result = newton_raphson(f, x0, **options)
    assert result.converged is False, result.message
    assert "underflowed" in result.message and "no evidence of a root" in result.message


@pytest.mark.parametrize(
    ("f", "x0", "root"),
    [
        (lambda x: x - 3.0, 3.0, 3.0),
        (np.sin, 0.5, 0.0),
        (lambda x: x**2, 0.0, 0.0),  # a double root: f' = 0 there too
        (lambda x: (x - 1) ** 3, 1.0, 1.0),
        (np.sin, 1e-300, 0.0),
        (lambda v: np.array([v[0] - 2, v[1] * v[0]]), [1.0, 0.0], [2.0, 0.0]),
    ],
)
def test_an_exact_zero_that_f_leaves_around_it_is_still_a_root(f, x0, root):
    result = newton_raphson(f, x0)
    assert result.converged, result.message
    assert "exactly" in result.message
    np.testing.assert_allclose(result.x, root, rtol=1e-15)


# round 3, finding 19: the slope of 1e-320 x is 1e-320, a subnormal number, not 0; f's
# values there keep only a few digits. The run must not call the tangent flat.
def test_a_subnormal_slope_is_not_called_zero():
    result = newton_raphson(lambda x: 1e-320 * x, 1.0)
    assert result.converged is False or abs(result.x) <= 1e-10, result.message
    assert "zero derivative" not in result.message and "flat" not in result.message


def test_subnormal_values_of_f_are_named_in_the_message():
    result = newton_raphson(lambda x: 1e-320 * (x**2 + 1), 1.0)
    assert result.converged is False
    assert "2.2e-308" in result.message and "flat" not in result.message


# round 3, finding 14: a Python float squared past 1.8e308 raises OverflowError (numpy's
# float64 gives inf); either way f is not finite: bad input at x0, divergence later.
def test_a_python_overflow_at_x0_is_a_value_error_naming_f():
    with pytest.raises(ValueError, match="`f` must return finite values at `x0`"):
        newton_raphson(lambda x: x**2 - 1, 1e200)
    with pytest.raises(ValueError, match="`fprime` must return finite values at `x0`"):
        newton_raphson(lambda x: x - 1, 1e200, fprime=lambda x: x**2)


def test_a_python_overflow_during_the_run_is_divergence():
    import math

    result = newton_raphson(lambda x: math.cosh(x) - 2, 1e-3)  # x_1 = 1000: cosh overflows
    assert result.converged is False and result.message.startswith("diverged"), result.message


# --- issue 14 (s3): multiple roots, where f' vanishes with f ---------------------------------
# Newton's steps towards a root of multiplicity m only shrink by (m - 1)/m: from 1, x^2 had
# gained 15 digits in 50 steps and ended at max_iter, and a run long enough to reach f = 0 took
# seconds, each step searching the whole history; by differences, the slope of x^3 near 0 was
# the difference's error s^2 (s = 6e-6 from x0), and the run crawled.
MULTIPLE_ROOTS = {
    "x^2": (lambda x: x**2, lambda x: 2 * x, 1.0, 0.0, 2),
    "x^3": (lambda x: x**3, lambda x: 3 * x**2, 1.0, 0.0, 3),
    "x^4": (lambda x: x**4, lambda x: 4 * x**3, 1.0, 0.0, 4),
    "x^4 from -5": (lambda x: x**4, lambda x: 4 * x**3, -5.0, 0.0, 4),
    "(x - 2)^2 e^x": (
        lambda x: (x - 2) ** 2 * np.exp(x),
        lambda x: (x - 2) * x * np.exp(x),
        3.0,
        2.0,
        2,
    ),
    "(x - 2)^2 e^x from 10": (
        lambda x: (x - 2) ** 2 * np.exp(x),
        lambda x: (x - 2) * x * np.exp(x),
        10.0,
        2.0,
        2,
    ),
    "(x - 1)^3 from -2": (lambda x: (x - 1) ** 3, lambda x: 3 * (x - 1) ** 2, -2.0, 1.0, 3),
    "x^2 - 4x + 4": (lambda x: x * x - 4 * x + 4, lambda x: 2 * x - 4, 3.0, 2.0, 2),
    "(e^x - 1)^3": (
        lambda x: np.expm1(x) ** 3,
        lambda x: 3 * np.expm1(x) ** 2 * np.exp(x),
        1.0,
        0.0,
        3,
    ),
}


@pytest.mark.parametrize("exact", [True, False], ids=["fprime", "differences"])
@pytest.mark.parametrize("case", MULTIPLE_ROOTS)
def test_a_multiple_root_is_reached_and_verified(case, exact):
    f, fp, x0, root, m = MULTIPLE_ROOTS[case]
    calls = counted(f)
    result = newton_raphson(calls, x0, fprime=fp if exact else None)
    assert result.converged, result.message
    # a root at 0 must be reached exactly (f = 0 there, and not around it); elsewhere to tol
    assert abs(result.x - root) <= 1e-10 * abs(root) + (0.0 if root else 1e-60)
    assert result.n_iter <= 40 and calls.calls <= 600  # not the 2000+ linear steps to f = 0


def test_a_double_root_names_its_multiplicity():
    result = newton_raphson(lambda x: x**2, 1.0)
    assert result.converged and result.x == 0.0, result.message
    assert "multiplicity 2" in result.message and "f' vanishes" in result.message


@pytest.mark.parametrize("exact", [True, False], ids=["fprime", "differences"])
@pytest.mark.parametrize("case", ["x^3", "x^4", "(x - 2)^2 e^x", "(x - 1)^3 from -2"])
def test_multiple_roots_give_the_same_verdict_in_any_units(case, exact):
    f, fp, x0, root, m = MULTIPLE_ROOTS[case]
    for a, b in [(1e-8, 1e-8), (1e-8, 1e8), (1.0, 1e-8), (1.0, 1e8), (1e8, 1e-8), (1e8, 1e8)]:
        scaled = newton_raphson(
            lambda x, a=a, b=b: a * f(x / b),
            b * x0,
            fprime=(lambda x, a=a, b=b: a / b * fp(x / b)) if exact else None,
        )
        assert scaled.converged, (a, b, scaled.message)
        assert abs(scaled.x / b - root) <= 1e-10 * abs(root) + (0.0 if root else 1e-60)


@pytest.mark.parametrize("exact", [True, False], ids=["fprime", "differences"])
def test_a_long_run_costs_the_same_per_step(exact):
    # x^2 + 1 has no real root: Newton wanders for all of max_iter. Each step must cost a
    # bounded number of evaluations (the history is no longer searched at every step).
    calls = counted(lambda x: x**2 + 1)
    result = newton_raphson(calls, 0.5, fprime=(lambda x: 2 * x) if exact else None, max_iter=3000)
    assert result.converged is False and result.n_iter <= 3000
    assert calls.calls <= (2 if exact else 4) * (result.n_iter + 1)


# --- issue 14 (s3, second review): no false True near clustered roots, simple roots from far --
# A differenced slope whose truncation s^2 f'''/6 swamps a vanishing f' made |J||x| look large,
# and any small |f| passed; an m-step far from the roots (every polynomial looks like x^n there)
# jumped to where f' ~ 0. Each case below failed on 45566b8.
CLUSTERED = {
    "(x-1)^5 (x-1.0000464)": (
        lambda x: (x - 1) ** 5 * (x - 1.0000464158883362),
        [1.0, 1.0000464158883362],
    ),
    "(x-1)^2 (x-1.000001)": (lambda x: (x - 1) ** 2 * (x - 1.000001), [1.0, 1.000001]),
    "(x-1)^4 - 1e-40": (lambda x: (x - 1) ** 4 - 1e-40, [1 - 1e-10, 1 + 1e-10]),
    "(x-2)^3 e^x - 1e-20": (lambda x: (x - 2) ** 3 * math.exp(x) - 1e-20, [2.0000001106123611]),
}


@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e8])
@pytest.mark.parametrize("case", CLUSTERED)
def test_no_false_convergence_near_clustered_roots(case, scale):
    f, roots = CLUSTERED[case]
    for max_iter in (50, 500):
        result = newton_raphson(lambda x: scale * f(x), 3.0, max_iter=max_iter)
        if result.converged:
            assert min(abs(result.x - r) for r in roots) <= 10 * 1e-10 * abs(result.x), result


SIMPLE_FROM_FAR = {
    "x^3 - 8 from 100": (lambda x: x**3 - 8, 100.0, 2.0),
    "x^6 - 64 from 100": (lambda x: x**6 - 64, 100.0, 2.0),
    "x^5 - x - 1 from 30": (lambda x: x**5 - x - 1, 30.0, 1.1673039782614187),
    "x^3 - 1e-6 from 1": (lambda x: x**3 - 1e-6, 1.0, 0.01),
    "(x-1)(x-1.001) from 3": (lambda x: (x - 1) * (x - 1.001), 3.0, 1.001),
    "sin(x)^2 - 1e-12 from 3": (lambda x: math.sin(x) ** 2 - 1e-12, 3.0, math.pi + 1e-6),
    "(x-2)^2 e^x - 1e-12 from 3": (
        lambda x: (x - 2) ** 2 * math.exp(x) - 1e-12,
        3.0,
        2.000000367879423,
    ),
    "log(x)^2 - 1e-12 from 3": (lambda x: math.log(x) ** 2 - 1e-12, 3.0, math.exp(-1e-6)),
}


@pytest.mark.parametrize("case", SIMPLE_FROM_FAR)
def test_simple_roots_from_far_converge(case):
    f, x0, root = SIMPLE_FROM_FAR[case]
    result = newton_raphson(f, x0)
    assert result.converged, result.message
    assert abs(result.x - root) <= 1e-9 * abs(root) and "multiplicity" not in result.message


def test_x3_minus_8_with_fprime_from_100_converges():
    result = newton_raphson(lambda x: x**3 - 8, 100.0, fprime=lambda x: 3 * x**2)
    assert result.converged and abs(result.x - 2) <= 1e-10, result.message


@pytest.mark.parametrize("delta", [10.0**-k for k in range(3, 12)])
@pytest.mark.parametrize("scale", [1.0])  # at 1e±8, x - a cancels: 713d750 stalls there too
def test_two_simple_roots_close_together_converge(delta, scale):
    a, b = scale, scale * (1 + delta)
    # with fprime: by differences the roots' own rounding (slope δ) can hide them, honestly
    result = newton_raphson(lambda x: (x - a) * (x - b), 3 * scale, fprime=lambda x: 2 * x - a - b)
    assert result.converged, result.message
    assert min(abs(result.x - a), abs(result.x - b)) <= 1e-9 * scale


def test_no_real_root_is_not_called_a_multiple_one():
    result = newton_raphson(lambda x: x * x + 1e-300, 1.0)
    assert result.converged is False and "multiplicity" not in result.message


def test_clustered_roots_scan_has_no_false_convergence():
    # (x - a)^m (x - b) and (x - a)^m - (δa)^m, m = 2..5, at three scales (the review's scan)
    false = []
    for delta in np.logspace(-12, -3, 10):
        for m in (2, 3, 4, 5):
            for a in (1.0, 1e10, 1e-10):
                b, e = a * (1 + delta), delta * a
                cases = [
                    (lambda x, a=a, b=b, m=m: (x - a) ** m * (x - b), [a, b]),
                    (lambda x, a=a, m=m, e=e: (x - a) ** m - e**m, [a + e, a - e]),
                ]
                for f, roots in cases:
                    r = newton_raphson(f, 3 * a)
                    if r.converged and min(abs(r.x - q) for q in roots) > 10 * 1e-10 * b:
                        false.append((m, delta, a, r.x))
    assert not false


def test_a_stall_between_close_roots_does_not_only_blame_rounding():
    # Roots 1 and 1 + 1e-8: the 2-step lands between them, where f' ~ 0, and the steps
    # that follow stall far above f's rounding (|f| = 1.7e-11 against about 1e-21).
    # Converging here is still open (713d750 did); the message must not say only rounding.
    result = newton_raphson(lambda x: (x - 1) * (x - 1 - 1e-8), 3.0)
    if not result.converged:
        assert "roots very close together" in result.message, result.message
    else:
        assert min(abs(result.x - 1), abs(result.x - 1 - 1e-8)) <= 1e-10 * 1.0


# issue 14 (review s4), item 1: e^(-x) underflows to 0 at 745.134 while the point beside it
# gives the subnormal 1e-323: "nonzero at some neighbour" took that for a root. An exact 0
# is a root only where f changes sign across x or is a normal float on both sides.
@pytest.mark.parametrize(
    "options", [{"fprime": lambda x: -math.exp(-x)}, {}], ids=["fprime", "differences"]
)
def test_an_exact_zero_beside_subnormal_values_is_not_a_root(options):
    result = newton_raphson(lambda x: math.exp(-x), 700.134, max_iter=100, **options)
    assert result.converged is False, result.message
    # with fprime it lands on the exact 0; by differences it stalls at 4.9e-323
    assert "underflow" in result.message and "off toward 0" in result.message


@pytest.mark.parametrize(
    ("f", "x0"),
    [(lambda x: x**2, 0.0), (lambda x: x**3, 0.0), (lambda x: 1e-300 * x, 0.0)],
)
def test_an_exact_zero_where_f_crosses_or_stays_normal_is_a_root(f, x0):
    result = newton_raphson(f, x0)
    assert result.converged and result.x == 0.0, result.message


# issue 14 (review s4), item 2: a stall at |f| = 4.9e-323 with no root at all blamed
# "roots very close together"; the message must name f levelling off toward 0.
def test_a_stall_at_a_subnormal_f_names_a_function_that_only_levels_off():
    result = newton_raphson(lambda x: math.exp(-x), 700.134, max_iter=100)
    assert result.converged is False and result.message.startswith("stalled"), result.message
    assert "no root and only level off toward 0" in result.message


# issue 14 (review s4), item 3: a cycle is iterates that repeat coordinate by coordinate,
# each in its own size; a system whose root has a coordinate at 0 still converges.
def test_a_system_with_a_root_coordinate_at_zero_converges_without_a_cycle():
    result = newton_raphson(
        lambda v: np.array([np.sin(v[0]) * (2 + v[1]), v[1] ** 2 - 1]), [1.0, 0.5]
    )
    assert result.converged and "cycle" not in result.message, result.message
    np.testing.assert_allclose(result.x, [0.0, 1.0], atol=1e-10)


# issue 14 (review s4-roots3), item 1: an f that Python's float arithmetic cannot evaluate
# (math.log of a negative, 1/0) raised a raw ValueError or ZeroDivisionError mid-run. A value
# f cannot give is a non-finite value: a failed run with its message, or at x0 bad input.
@pytest.mark.parametrize(
    ("f", "x0", "options"),
    [
        (math.log, 3.0, {}),  # the second iterate is -0.29
        (lambda x: x - 3 if x < 2 else 1 / 0, 0.0, {"fprime": lambda x: 5.0}),
    ],
    ids=["math domain error", "ZeroDivisionError"],
)
def test_an_f_that_cannot_be_evaluated_mid_run_is_a_failed_run(f, x0, options):
    result = newton_raphson(f, x0, **options)
    assert result.converged is False
    assert "not finite" in result.message, result.message


@pytest.mark.parametrize(
    ("f", "x0"), [(math.log, -1.0), (lambda x: 1 / x, 0.0)], ids=["log", "1/x"]
)
def test_an_f_that_cannot_be_evaluated_at_x0_is_bad_input(f, x0):
    with pytest.raises(ValueError, match="`f` must return finite values at `x0`"):
        newton_raphson(f, x0)


def test_an_fprime_that_cannot_be_evaluated_at_x0_is_bad_input():
    with pytest.raises(ValueError, match="`fprime` must return finite values at `x0`"):
        newton_raphson(lambda x: x - 1, 0.0, fprime=lambda x: 1 / x)


# item 4: e^(-750 + 2e12 (x-1)^2) underflows to 0 at x = 1 and is a normal float on both
# sides, but is positive everywhere. An exact 0 where f does not change sign must grow
# away from x as a power |x - r|^m does: |f(x ± h)| / |f(x ± h/2)| near 2^m.
@pytest.mark.parametrize("exp", [math.exp, np.exp], ids=["math", "numpy"])
def test_an_underflowed_dip_without_a_sign_change_is_not_a_root(exp):
    result = newton_raphson(lambda x: exp(-750 + 2e12 * (x - 1) ** 2), 1.0)
    assert result.converged is False, result.message
    assert "underflowed to 0 without changing sign" in result.message, result.message


@pytest.mark.parametrize(
    ("f", "x0", "root"),
    [
        (lambda x: (x - 1) ** 2, 1.0, 1.0),
        (lambda x: (x - 1) ** 2, 2.0, 1.0),
        (lambda x: x**2, 0.0, 0.0),
        (lambda x: x**4, 0.0, 0.0),
        (lambda x: x**2 * (2 + np.sin(x)), 0.0, 0.0),
    ],
)
def test_an_exact_zero_of_even_multiplicity_is_still_a_root(f, x0, root):
    result = newton_raphson(f, x0)
    assert result.converged, result.message
    assert result.x == root


# item 5: f = 0 everywhere: every point is a root, and the message must say so rather than
# "no evidence of a root". It is not converged: an f that underflowed to 0 everywhere near
# x0 (e^(-x) at 800) looks the same, and has no root there.
@pytest.mark.parametrize(
    ("f", "x0"),
    [(lambda x: 0.0, 1.0), (lambda v: np.zeros(2), [5.0, 1.0]), (math.exp, -800.0)],
    ids=["1", "2", "underflowed"],
)
def test_an_f_that_is_zero_around_x0_says_every_point_is_a_root(f, x0):
    result = newton_raphson(f, x0)
    assert result.converged is False and result.n_iter == 0, result.message
    assert "every point near x is a root" in result.message
    assert "no evidence" not in result.message


# item 5: the m-step towards the double root of (x-1)(x-1-1e-8) lands between the two roots,
# where f' is all but 0, and Newton's next step throws x back out: the stall must say that.
def test_a_stall_between_roots_very_close_together_names_them():
    result = newton_raphson(lambda x: (x - 1) * (x - 1 - 1e-8), 2.0)
    if result.converged:
        assert min(abs(result.x - 1), abs(result.x - 1 - 1e-8)) <= 1e-10
    else:
        assert "roots very close together" in result.message
        assert "between them" in result.message, result.message


# issue 14 (re-review of 76c4381): the power rule took a one-sided root for an underflow.
# max(0, x - 1) is 0 exactly for every x <= 1 and grows as |x - 1| on the other side: x = 1
# is a true root (735a630 said so), though f does not change sign and grows on one side only.
ONE_SIDED = {
    "ReLU from 3": (lambda x: max(0.0, x - 1), 3.0, {}),
    "ReLU from 3, fprime": (
        lambda x: max(0.0, x - 1),
        3.0,
        {"fprime": lambda x: 1.0 if x > 1 else 0.0},
    ),
    "ReLU at x0": (lambda x: max(0.0, x - 1), 1.0, {}),
    "ReLU squared at x0": (lambda x: max(0.0, x - 1) ** 2, 1.0, {}),
    "ReLU squared from 3": (lambda x: max(0.0, x - 1) ** 2, 3.0, {}),
    "a hinge the other way": (lambda x: max(0.0, 1 - x), -2.0, {}),
}


@pytest.mark.parametrize("case", ONE_SIDED)
def test_an_exact_zero_that_f_leaves_on_one_side_only_is_a_root(case):
    f, x0, options = ONE_SIDED[case]
    result = newton_raphson(f, x0, **options)
    assert result.converged and "f(x) = 0 exactly" in result.message, result.message
    assert f(result.x) == 0.0 and abs(result.x - 1) <= 1e-10


def test_a_system_with_a_one_sided_root_at_x0_converges_there():
    f = lambda v: np.array([max(0.0, v[0] - 1), v[1] - 2])
    result = newton_raphson(f, [1.0, 2.0])
    assert result.converged and result.n_iter == 0, result.message


# The same re-review: the message said "underflowed" where nothing did. It may say so only
# where f is 0 at every point tried, or takes subnormal values, or falls to 0 where a power
# of the distance would not; sqrt(max(0, x - 1)) grows as |x - 1|^(1/2), no whole power.
def test_no_underflow_is_named_where_f_is_normal_around_x():
    result = newton_raphson(lambda x: math.sqrt(max(0.0, x - 1)), 1.0)
    assert result.converged is False, result.message
    assert "underflow" not in result.message and "no evidence of a root" in result.message


# 1e-300 x^2 is 0 exactly at x = 2.9e-13 (1e-300 x^2 underflows there) and 3.7e-311 beside
# it: subnormal values, too few digits to tell a root. Not converged, and it must say why.
@pytest.mark.parametrize("x0", [1.0, 0.0])
def test_an_exact_zero_among_subnormal_values_names_them(x0):
    result = newton_raphson(lambda x: 1e-300 * x**2, x0)
    assert result.converged is False, result.message
    assert "below 2.2e-308" in result.message and "subnormal" in result.message
    assert "too few digits" in result.message, result.message


# Python 3.14 words math's domain errors anew ("expected a positive input, got -0.29" for
# math.log; 3.11 to 3.13 say "math domain error"): either is a value f cannot give, mid-run
# a failed run; a user's own ValueError still passes through untouched.
@pytest.mark.parametrize(
    "wording",
    [
        "math domain error",
        "expected a positive input, got -0.29",
        "expected a positive input",
        "expected a nonnegative input, got -1e+300",
        "expected a number in range from -1 up to 1, got 2.0",
        "expected argument value > -1, got -inf",
    ],
)
def test_a_math_domain_error_in_any_python_wording_is_a_failed_run(wording):
    def f(x):
        if x >= 2:
            raise ValueError(wording)
        return x - 3

    result = newton_raphson(f, 0.0, fprime=lambda x: 5.0)
    assert result.converged is False and "not finite" in result.message, result.message


def test_a_users_own_value_error_passes_through():
    def f(x):
        if x >= 2:
            raise ValueError("expected a dict, got list")
        return x - 3

    with pytest.raises(ValueError, match="expected a dict, got list"):
        newton_raphson(f, 0.0, fprime=lambda x: 5.0)


@pytest.mark.parametrize(
    "wording",
    [
        "expected a vector of length 2, got 3",
        "expected a probability, got 2.0",
        "expected argument count 2, got 3",
        "expected a dict, got list",
    ],
)
def test_a_users_own_expected_error_passes_through(wording):
    """A re-review: a user's ValueError worded like Python 3.14's math errors ("expected
    a probability, got 2.0") was taken for a math domain error and hidden as non-finite."""

    def f(x):
        if x > 1.5:
            raise ValueError(wording)
        return x - 3.0

    with pytest.raises(ValueError, match=wording):
        newton_raphson(f, 1.0, fprime=lambda x: 0.25)


def test_setting_coordinates_onto_0_loses_no_root_near_0():
    # A review's cases, each lost by a first version of the snap onto 0.
    # A scalar multiple root near 0: the snap is for systems, and never near a multiple root.
    result = newton_raphson(lambda x: (x - 1e-20) ** 3, 1.0)
    assert result.converged and result.x == pytest.approx(1e-20, rel=1e-9)
    # A root coordinate at 1e-300, x in units 1e8: snapping it to 0 made f_0 rise from 0 to
    # 3e-300, hidden in |f| by another equation's rounding; each f_i is compared now.
    rng = np.random.default_rng(11)
    for _ in range(4):
        A, root, shift = (
            rng.uniform(0.5, 2, (3, 3)),
            rng.uniform(0.5, 2, 3),
            rng.uniform(-0.4, 0.4, 3),
        )
    root[0], u = 1e-300, 1e8
    x0 = root + shift

    def f(v):
        x, y, z = v / u
        return np.array(
            [
                (x - root[0]) * (A[0, 0] + A[0, 1] * y + A[0, 2] * z),
                (y - root[1]) * (A[1, 0] + z**2) + A[1, 1] * (x - root[0]),
                A[2, 0] * (z - root[2])
                + A[2, 1] * (x - root[0]) * y
                + A[2, 2] * (x - root[0]) ** 2,
            ]
        )

    result = newton_raphson(f, x0 * u)
    assert result.converged, result.message
    assert np.allclose(result.x[1:] / u, root[1:], rtol=1e-9) and abs(result.x[0]) < 1e-9 * u


def test_a_coordinate_set_onto_0_stays_there_through_the_solves_rounding():
    # A re-review's case (seed 1, system 56 of 100): x set onto 0 at step 4, the next
    # solve's rounding moved it to -9.6e-40, and it crept (1e-55, 1e-71, ...) until the
    # run stalled, in units 1e-8 of x only; set onto 0 once per run, it could not return.
    A = np.array(
        [
            [0.5626874207049871, 0.6622393127840727, 1.2781686816993567],
            [0.8787340746978333, 0.9283027023437018, 1.6122042899429618],
            [1.7820194514703953, 1.7930597123510483, 1.0559323961038332],
        ]
    )
    root = np.array([0.0, 1.7784569493692872, 0.72643631009172])
    x0 = np.array([-0.23955706602230045, 1.8968251838453405, 0.5388765980280564])
    _converges_in_every_unit(A, root, x0)


@pytest.mark.parametrize("y", [1e3, 1e10, 1e12])
def test_a_cycle_near_0_is_a_cycle_whatever_the_size_borrowed_from_another_unknown(y):
    # x^3 - 2x + 2 from 0 cycles 0 -> 1 -> 0 (the course's example) beside y = Y: x's
    # typical size is borrowed from Y, so for Y >= 1/tol the cycle lies within tol of it.
    # Measuring every step by that size (a version meant for coordinates held at 0 by
    # rounding) called it "stalled ... rounding in f".
    result = newton_raphson(
        lambda v: np.array([v[0] ** 3 - 2 * v[0] + 2, v[1] - y]),
        np.array([0.0, y]),
        fprime=lambda v: np.array([[3 * v[0] ** 2 - 2, 0.0], [0.0, 1.0]]),
    )
    assert result.message.startswith("cycle of period 2"), result.message


@pytest.mark.parametrize(("tol", "y"), [(1e-10, 1e10), (1e-4, 1e4)])
def test_a_cycle_through_a_coordinate_set_onto_0_is_a_cycle(tol, y):
    # x^3 - 2x + 2 - 1e-6 from 0 cycles 0 -> 1 -> -5e-7: the landing near 0 is set onto
    # 0, and a version that measured that coordinate's later steps by its typical size (y)
    # called the cycle "stalled ... rounding in f"; f changes by 1 at each step: a cycle.
    result = newton_raphson(
        lambda v: np.array([v[0] ** 3 - 2 * v[0] + 2 - 1e-6, v[1] - y]),
        np.array([0.0, y]),
        fprime=lambda v: np.array([[3 * v[0] ** 2 - 2, 0.0], [0.0, 1.0]]),
        tol=tol,
    )
    assert result.message.startswith("cycle of period 2"), result.message
