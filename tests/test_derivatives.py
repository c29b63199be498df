"""Tests of mvc.derivatives: closed forms first, then sympy, then identities."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mvc import _adaptive as adaptive
from mvc import check_gradient, derivative
from mvc.derivatives import (
    DEFAULT_STEP,
    HESSIAN_STEP,
    METHODS,
    SECOND_STEPS,
    gradient,
    hessian,
    jacobian,
)

EPS = np.finfo(float).eps

# (f for numpy, f for sympy): smooth functions with known derivatives.
t = sp.Symbol("t")
SMOOTH = {
    "5x^2": (lambda x: 5 * x**2, 5 * t**2),
    "exp": (np.exp, sp.exp(t)),
    "sin": (np.sin, sp.sin(t)),
    "beast": (
        lambda x: np.sin(2 * x**5 + 3 * x) * np.exp(-7 * x),
        sp.sin(2 * t**5 + 3 * t) * sp.exp(-7 * t),
    ),
    "1/x": (lambda x: 1 / x, 1 / t),
}
POINTS = np.array([-1.3, -0.2, 0.5, 1.0, 1.7])

# Worst relative error each method must reach at its default step (see the Notes of
# `derivative`): forward/backward ~ sqrt(eps) ~ 1e-8, central ~ eps^(2/3) ~ 1e-11,
# complex ~ eps. The bounds leave a factor for the size of f'' and f''' and cancellation.
TOLERANCE = {"forward": 1e-6, "backward": 1e-6, "central": 1e-8, "complex": 1e-14}


def exact(expr, x):
    return np.array([float(sp.diff(expr, t).subs(t, xi)) for xi in np.atleast_1d(x)])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(set(SMOOTH) - {"beast"}))
def test_matches_sympy_at_default_step(name, method):
    f, expr = SMOOTH[name]
    np.testing.assert_allclose(
        derivative(f, POINTS, method=method), exact(expr, POINTS), rtol=TOLERANCE[method], atol=0
    )


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_one_central_difference_within_truncation_plus_round_off(name):
    # |error| <= h^2 |f'''(x)| / 6 + eps |f(x)| / h: the bound the one-step rule balances.
    # It holds for the "beast" too, whose large f''' makes its relative error ~1e-7.
    f, expr = SMOOTH[name]
    h = DEFAULT_STEP["central"] * np.maximum(1, np.abs(POINTS))
    third = exact(sp.diff(expr, t, 2), POINTS)
    bound = h**2 * np.abs(third) / 6 + EPS * np.abs(f(POINTS)) / h
    one_step = np.array([derivative(f, x, h=hx) for x, hx in zip(POINTS, h, strict=True)])
    error = np.abs(one_step - exact(expr, POINTS))
    assert np.all(error <= 2 * bound), error / bound


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_default_search_is_far_more_accurate_than_one_step(name):
    # The searched, extrapolated default reaches 1e-14 to 2e-12 where one step gave ~1e-11
    # (1e-7 for the beast): the docstring's "about 12 significant digits".
    f, expr = SMOOTH[name]
    np.testing.assert_allclose(derivative(f, POINTS), exact(expr, POINTS), rtol=1e-11, atol=0)


def test_complex_step_is_exact_to_rounding_even_for_the_beast():
    f, expr = SMOOTH["beast"]
    np.testing.assert_allclose(
        derivative(f, POINTS, method="complex"), exact(expr, POINTS), rtol=4 * EPS, atol=0
    )


@pytest.mark.parametrize("method", METHODS)
def test_scalar_in_float_out_array_in_array_out(method):
    scalar = derivative(np.sin, 0.3, method=method)
    array = derivative(np.sin, np.array([[0.3, 0.4]]), method=method)
    assert type(scalar) is float
    assert array.shape == (1, 2) and array.dtype == np.float64
    assert array[0, 0] == pytest.approx(scalar, rel=1e-15)


def test_scalar_x_passes_a_python_number_so_math_functions_work():
    assert derivative(math.sin, 0.0) == pytest.approx(1.0, rel=1e-10)
    assert derivative(math.exp, 1, method="forward") == pytest.approx(math.e, rel=1e-7)


def test_integer_x_is_accepted():
    assert derivative(lambda x: x**2, 3) == pytest.approx(6.0, rel=1e-10)


def test_linear_function_is_exact_to_rounding():
    # 3x + 2 has no truncation error: only round-off is left.
    np.testing.assert_allclose(derivative(lambda x: 3 * x + 2, POINTS), 3.0, rtol=1e-9)


def test_central_error_falls_as_h_squared():
    # Truncation error h^2 f'''(x)/6: halving h quarters it (while round-off is negligible).
    errors = [abs(derivative(np.exp, 1.0, h=h) - math.e) for h in (1e-2, 5e-3)]
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=1e-3)


def test_forward_error_falls_as_h():
    errors = [abs(derivative(np.exp, 1.0, h=h, method="forward") - math.e) for h in (1e-3, 5e-4)]
    assert errors[0] / errors[1] == pytest.approx(2.0, rel=1e-3)


def test_forward_and_backward_err_on_opposite_sides():
    # f(x + h) - f(x) over h overestimates the slope of a convex function; backward underestimates.
    assert (
        derivative(np.exp, 0.0, h=1e-3, method="forward")
        > 1
        > derivative(np.exp, 0.0, h=1e-3, method="backward")
    )


def test_complex_step_has_no_round_off_even_at_tiny_h():
    assert derivative(np.exp, 1.0, h=1e-200, method="complex") == math.e


def test_default_steps_follow_the_error_orders():
    assert DEFAULT_STEP["forward"] == pytest.approx(EPS**0.5)
    assert DEFAULT_STEP["central"] == pytest.approx(EPS ** (1 / 3))


def test_default_step_scales_with_x():
    # At x = 1e8 an absolute step of 6e-6 would be lost in rounding; the scaled one is not.
    assert derivative(lambda x: x**2, 1e8) == pytest.approx(2e8, rel=1e-8)
    assert derivative(lambda x: x**2, 1e8, method="forward") == pytest.approx(2e8, rel=1e-6)


def test_cost_in_function_evaluations():
    calls = []

    def f(x):
        calls.append(x)
        return np.sin(x)

    h = {"central": 1e-5}  # one central difference; the default searches (next test)
    for method, cost in [("forward", 2), ("backward", 2), ("central", 2)]:
        calls.clear()
        derivative(f, np.linspace(0, 1, 7), method=method, h=h.get(method))
        assert len(calls) == cost, method
    # the complex step: f(x + ih), f(x), f(x + ih/256) (no truncation shows: h stays),
    # then the cross-check, which is the default central search
    calls.clear()
    derivative(f, np.linspace(0, 1, 7))
    search = len(calls)
    calls.clear()
    derivative(f, np.linspace(0, 1, 7), method="complex")
    assert len(calls) == 3 + search
    calls.clear()
    derivative(f, np.linspace(0, 1, 7), method="complex", h=1e-20)
    assert len(calls) == 2


def test_cost_of_the_default_search():
    # Two evaluations per step tried and 2 for the check: 8 to 18 for a smooth function at
    # moderate x, as the docstring says; more where f changes over a length far below |x|
    # (38 for sin at 1e8, the docstring's example); each one call for a whole array.
    calls = []

    def counted(f):
        def g(x):
            calls.append(np.shape(x))
            return f(x)

        return g

    for f, x, low, high in [
        (np.sin, np.linspace(0.1, 2, 20), 8, 18),
        (np.exp, 1.0, 8, 18),
        (lambda x: 1 / x, -3.0, 8, 18),
        (np.sin, 1e8, 38, 38),
    ]:
        calls.clear()
        derivative(counted(f), x)
        assert low <= len(calls) <= high, (x, len(calls))
        assert all(shape == np.shape(x) for shape in calls)
    calls.clear()
    with pytest.raises(ValueError):
        derivative(counted(np.log), 0.0)  # never finite: the search gives up at its limit
    assert len(calls) <= 80  # and with no estimate, nothing to check


@settings(max_examples=50, deadline=None)
@given(
    st.floats(-50, 50).filter(lambda v: v == 0 or abs(v) > 1e-100),
    st.floats(-3, 3).filter(lambda v: v == 0 or abs(v) > 1e-100),
    st.floats(-3, 3).filter(lambda v: v == 0 or abs(v) > 1e-150),
)
def test_quadratic_exactly_with_central(a, b, x):
    # The central difference of a quadratic has no truncation error. (Where a x^2 is
    # subnormal at the search's steps, |x| / 8 and shorter, f's values keep a few bits:
    # the next test. Coefficients under 1e-100 are left out: at a stationary point of
    # 1.6e-198 (x^2 + x), x = -0.5, derivative refuses its estimate -2e-213 +- 1e-212
    # of the slope 0 as "no correct digit", a refusal known and left alone.)
    got = derivative(lambda z: a * z**2 + b * z, x)
    assert got == pytest.approx(2 * a * x + b, abs=1e-6 * (1 + abs(a) * (1 + abs(x)) + abs(b)))


def test_a_quadratic_whose_values_are_subnormal_near_x_is_refused_not_guessed():
    # 21 x^2 at 4.8e-162 is 5e-322, a float with 3 bits: every difference the search
    # takes is rounding, and it says so (a hypothesis example found it)
    with pytest.raises(ValueError, match="changes too little"):
        derivative(lambda z: 21.0 * z**2, 4.849822910410396e-162)


# --- issue 14, item 9: the default step near 0 and at large |x| ---------------------------

MAGNITUDES = 10.0 ** np.arange(-8, 9)  # |x| from 1e-8 to 1e8


@pytest.mark.parametrize(
    ("name", "f", "fprime", "signs"),
    [
        ("1/x", lambda x: 1 / x, lambda x: -1 / x**2, (1, -1)),
        ("log", np.log, lambda x: 1 / x, (1,)),
        ("log|x|", lambda x: np.log(np.abs(x)), lambda x: 1 / x, (-1,)),
        ("tan", np.tan, lambda x: 1 / np.cos(x) ** 2, (1, -1)),
    ],
)
def test_issue_14_item_9_default_is_right_from_1e_minus_8_to_1e8(name, f, fprime, signs):
    """Item 9: with default options, relative error <= 1e-6 for 1/x, log and tan at every
    |x| from 1e-8 to 1e8, both signs where defined (measured: <= 3e-12)."""
    for sign in signs:
        x = sign * MAGNITUDES
        np.testing.assert_allclose(derivative(f, x), fprime(x), rtol=1e-6, atol=0)
        for xi in x:  # each element alone searches for the same step
            assert derivative(f, float(xi)) == pytest.approx(fprime(xi), rel=1e-6)


@pytest.mark.parametrize(
    ("f", "fprime", "signs"),
    [
        (lambda x: 1 / x, lambda x: -1 / x**2, (1, -1)),
        (np.log, lambda x: 1 / x, (1,)),
        (np.tan, lambda x: 1 / np.cos(x) ** 2, (1, -1)),
    ],
)
def test_issue_14_item_9_holds_between_the_powers_of_10_too(f, fprime, signs):
    """Item 9 on 2001 points from 1e-8 to 1e8: the search's steps |x|/8/4^k spanned whole
    periods of tan at 4 of them (301995.17, 1.77e7, 2.96e7 and 8.47e7, either sign), where
    the first differences agreed by chance to a wrong slope; the check at a step sqrt(8)
    times shorter sees it and searches again from there."""
    for sign in signs:
        x = sign * np.logspace(-8, 8, 2001)
        np.testing.assert_allclose(derivative(f, x), fprime(x), rtol=1e-6, atol=0)


@pytest.mark.parametrize(
    ("f", "fprime", "x"),
    [
        (np.sin, np.cos, 1608.389),  # |x|/8 = 64.0 pi: the first differences are all ~0
        (np.sin, np.cos, 6432.799),
        (np.sin, np.cos, 51475.43),
        (np.tan, lambda x: 1 / np.cos(x) ** 2, 797814.457),
    ],
)
def test_steps_that_span_whole_periods_by_chance_are_caught(f, fprime, x):
    # Before the check: -6.6e-5, -7.0e-5, -6.3e-5 and 1.6e-6 for 0.99, 0.38, -0.91, 1.77.
    assert derivative(f, x) == pytest.approx(fprime(x), rel=1e-9)
    assert derivative(f, np.array([x, 1.0]))[0] == pytest.approx(fprime(x), rel=1e-9)


def _scripted(off_grid):
    """A `row` for `central_search` at x = 1: D = 1 + h^2 at powers of 2 (the search's
    steps 2^-(3+2k)), and `off_grid(h, n)` at the n-th call with steps sqrt(8) times off
    them (the check's, and those of a search run again from it)."""
    calls = []

    def row(h):
        on = np.isclose(np.log2(h), np.round(np.log2(h)))  # powers of 2
        if not on.all():
            calls.append(h)
        D = np.where(on, 1 + h**2, off_grid(h, len(calls)))
        return D, np.full(h.shape, 1e-17), np.ones(h.shape, bool), np.zeros(h.shape, int)

    return row, calls


def test_a_search_run_again_that_agrees_confirms_the_estimate():
    # the check's difference contradicts (2 for 1); the search from its step agrees on 1
    row, calls = _scripted(lambda h, n: np.where(n == 1, 2.0, 1 + h**2))
    search = adaptive.central_search(row, np.array([1.0]))
    assert search.best[0] == pytest.approx(1.0, abs=1e-12) and not search.doubted[0]
    assert len(calls) > 2  # checked, then searched again


def test_a_search_run_again_into_zeros_leaves_the_first_estimate_as_it_was(monkeypatch):
    # the check's difference, and the first row of the search from its step, are 2; then
    # exact zeros, which agree: a 0 where a slope was seen is f's noise, not a slope
    runs = []
    run = adaptive._run
    monkeypatch.setattr(
        adaptive, "_run", lambda row, search: runs.append(search) or run(row, search)
    )
    row, _ = _scripted(lambda h, n: np.where(n <= 2, 2.0, 0.0))
    search = adaptive.central_search(row, np.array([1.0]))
    assert len(runs) == 2 and runs[1].best[0] == 0 and runs[1].seen[0] == 2
    assert not search.doubted[0] and search.best[0] == pytest.approx(1.0, abs=1e-12)
    assert search.error[0] < 1e-12


def test_checks_that_keep_contradicting_stop_after_the_last_search_run_again(monkeypatch):
    # off the grid every difference is 2, on it 1: each search run again is contradicted
    # by the next check, whose step is back on the other grid
    runs = []
    run = adaptive._run
    monkeypatch.setattr(adaptive, "_run", lambda row, search: runs.append(1) or run(row, search))
    row, _ = _scripted(lambda h, n: np.full(h.shape, 2.0))
    search = adaptive.central_search(row, np.array([1.0]))
    assert search.doubted[0] and search.error[0] == pytest.approx(1.0)
    assert len(runs) == 1 + adaptive.RESTARTS


def test_too_noisy_f_raises_where_the_check_is_not_settled():
    # slope 1 at the powers of 2 from x = 1 (the search's steps), 2 at every other step:
    # each check contradicts the last search's estimate, up to the last search
    def f(t):
        d = np.abs(t - 1.0)
        on = (d == 0) | np.isclose(np.log2(np.maximum(d, 1e-300)) % 1, 0, atol=1e-9)
        return np.where(on, t, 2 * t - 1)

    with pytest.raises(
        ValueError, match=r"`f` is too noisy near x = 1.0 .* shorter steps did not settle"
    ):
        derivative(f, 1.0)


def _hashed_noise(t):
    """Noise in [-1, 1] that is a function of t's bits: the same at every call."""
    bits = np.atleast_1d(np.asarray(t, dtype=np.float64)).copy().view(np.uint64)
    mixed = (bits * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(11)
    return (mixed.astype(np.float64) / 2.0**53 * 2 - 1).reshape(np.shape(t))


@pytest.mark.parametrize(
    ("f", "x"),
    [
        (lambda t: np.exp(t) * (1 + 1e-6 * _hashed_noise(t)), -0.00046910849717116587),
        (lambda t: np.arctan(t) * (1 + 1e-6 * _hashed_noise(t)), -3495.866600682048),
        (lambda t: np.exp(t) * (1 + 1e-8 * _hashed_noise(t)), -0.00012282431592181627),
        # a search run again agreed, by chance, on -8.4e6 for 1; no check missed it by a
        # quarter, and an estimate of a search run again needs no such margin to count
        (lambda t: np.exp(t) * (1 + 1e-6 * _hashed_noise(t)), 0.0010483582603024507),
        # a search run again with an error (1.6) as large as the contradiction (1.7)
        # agreed with a wrong -0.04 (true 8e-8): it proves nothing
        (lambda t: np.arctan(t) * (1 + 1e-6 * _hashed_noise(t)), 3066.819496758847),
        # a replaced estimate took the search run again's limit (4 times x's), below
        # which its check step fell: 10679.8 for 3.4e-6 went unchecked
        (lambda t: np.arctan(t) * (1 + 1e-6 * _hashed_noise(t)), 544.5219410300439),
    ],
)
def test_a_search_run_again_that_the_check_contradicts_is_not_returned(f, x):
    # A review: each search run again went deeper into the noise (7.61, then -5.45e9 for
    # a slope of 1), and the last, finding nothing finite, left the contradicted estimate
    # standing, with no word; the first search's own estimate was refused, as it still is.
    with pytest.raises(ValueError, match="too noisy|changes too little|not look"):
        derivative(f, x)


def test_where_the_search_run_again_finds_only_zeros_the_first_estimate_stands():
    # f rounds to multiples of 0.002 (1e13's spacing) or 0.0156: the check's step saw 0.707
    # or 0, and the search from there only zeros, which are f's noise: the first estimate
    # stands (right, on main too; a review found the branch's first rule returned 0.0)
    assert derivative(lambda x: (1e13 + x) - 1e13, 1.0) == 1.0
    for K, x in [(2.209e8, 69.6294941979681), (109253220723850.89, 0.17392440037360113)]:
        slope = derivative(lambda t, K=K, x=x: (K + np.log(t)) - (K + np.log(x)), x)
        assert slope == pytest.approx(1 / x, rel=1e-9)


def test_what_the_notes_say_cancellation_near_a_root_still_costs():
    # f's terms round at about eps e^0.001, far above rho = eps |f(x +- h)| / h near the
    # root: at the shortest steps f(x + h) == f(x - h), and those zeros agree. The Notes
    # name this failure; if the search learns to see it, they must change.
    f = lambda t: np.exp(t) - np.exp(0.001)
    assert derivative(f, 0.001) == 0.0
    assert derivative(f, 0.001, h=1e-6) == pytest.approx(np.exp(0.001), rel=1e-8)


def test_issue_14_item_9_the_examples_of_the_issue():
    """Item 9: 1/x at 1e-6 gave +2.8e10 (true -1e12); log at 1e-7 raised."""
    assert derivative(lambda x: 1 / x, 1e-6) == pytest.approx(-1e12, rel=1e-10)
    assert derivative(np.log, 1e-7) == pytest.approx(1e7, rel=1e-10)
    # what the one-step rule eps^(1/3) max(1, |x|), scipy's default too, still gives:
    one_step = derivative(lambda x: 1 / x, 1e-6, h=DEFAULT_STEP["central"])
    assert one_step == pytest.approx(2.8e10, rel=0.05)  # the docstring quotes it
    with pytest.raises(ValueError, match="must return finite values"):
        derivative(np.log, 1e-7, h=DEFAULT_STEP["central"])


@pytest.mark.parametrize("x", [0.0, 1e-12, 0.7, -3.0, 1e4])
@pytest.mark.parametrize("c", [1e-8, 1e8])
def test_issue_14_scale_invariance_of_the_default(x, c):
    """Multiplying f or x by 1e+-8 keeps the verdict and the relative accuracy."""
    f, fprime = (lambda z: np.exp(np.sin(z)) + z), (lambda z: np.cos(z) * np.exp(np.sin(z)) + 1)
    exact = fprime(x)
    error = abs(derivative(f, x) / exact - 1)  # 3e-10 at x = 1e4, where |f| >> |f'|
    assert error < 1e-9
    scaled_f = derivative(lambda z: c * f(z), x) / (c * exact) - 1
    scaled_x = derivative(lambda y: f(y / c), c * x) / (exact / c) - 1
    assert max(abs(scaled_f), abs(scaled_x)) <= max(10 * error, 1e-12)


def test_functions_that_barely_change_over_x_over_8_get_a_longer_step():
    # e^x at 1e-12 changes by 1e-13 over |x|/8: the step grows (by |f/f'|/64) until it
    # sees the curvature; a step of |x|/8 alone would leave 3 digits.
    assert derivative(np.exp, 1e-12) == pytest.approx(1.0, rel=1e-10)
    assert derivative(lambda z: np.exp(1e-8 * z), 1.0) == pytest.approx(1e-8, rel=1e-10)


def test_where_the_default_still_fails_as_the_docstring_says():
    # f's own rounding limits every difference: 1e10 + sin x would keep 4 or 5 digits, so
    # it raises rather than return them ...
    for x in (0.0, 1.0, 2.0):
        with pytest.raises(ValueError, match="changes too little.*correct digits at most"):
            derivative(lambda z: 1e10 + np.sin(z), x)
    # ... and a symmetric corner gives the symmetric slope.
    assert derivative(np.abs, 0.0) == 0.0


@pytest.mark.parametrize(("f", "x"), [(lambda x: 1 / x, 0.0), (np.sign, 0.0), (np.floor, 1.0)])
def test_a_pole_or_a_jump_is_an_error_not_a_number(f, x):
    # The differences grow without end as the step shrinks: no two agree.
    with pytest.raises(ValueError, match=r"`f` does not look differentiable at x = .*Pass `h`"):
        derivative(f, x)
    assert np.isfinite(derivative(f, x, h=1e-3))  # one step at `h` is what it is


def test_noisy_function_is_answered_to_the_digits_the_noise_leaves():
    rng = np.random.default_rng(0)
    noisy = lambda x: np.sin(x) + 1e-10 * rng.standard_normal(np.shape(x))
    assert derivative(noisy, 1.0) == pytest.approx(np.cos(1.0), rel=1e-6)


def test_array_elements_search_independently_and_skip_no_element():
    x = np.array([[1e-8, -2.0], [0.0, 1e3]])
    f = lambda z: np.sin(z) + z**2
    together = derivative(f, x)
    np.testing.assert_allclose(together, np.cos(x) + 2 * x, rtol=1e-11, atol=0)
    alone = np.array([derivative(f, float(xi)) for xi in x.ravel()]).reshape(x.shape)
    np.testing.assert_allclose(together, alone, rtol=1e-14, atol=0)


def test_step_shrinks_where_f_is_not_finite():
    # sqrt(1 - x^2) at 0.99: the first step |x|/8 leaves the domain on one side.
    f = lambda x: np.sqrt(1 - x**2)
    assert derivative(f, 0.99) == pytest.approx(-0.99 / np.sqrt(1 - 0.99**2), rel=1e-10)


# --- issue 14, item 10: the complex step of a function not real on the real axis ----------


@pytest.mark.parametrize(
    ("f", "x"),
    [
        (lambda x: np.sqrt(x - 2 + 0j), 1.0),  # the issue's example: it returned 1e20
        (lambda x: np.log(x + 0j), -1.0),
        (lambda x: x + 1e-12j, 0.5),  # an imaginary part far below f, far above h f'
    ],
)
def test_issue_14_item_10_complex_step_refuses_f_not_real_on_the_axis(f, x):
    """Item 10: a complex step needs f(x) real; otherwise ValueError naming `f` and `method`."""
    with pytest.raises(ValueError, match=r"`f` must be real on the real axis for method='complex'"):
        derivative(f, x, method="complex")
    with pytest.raises(ValueError, match="real on the real axis"):
        derivative(f, np.array([x, x]), method="complex")


def test_complex_step_accepts_f_real_on_the_axis_with_a_zero_derivative():
    # Im f(x) = 0 and Im f(x + ih) = 0 (cos at 0): nothing to refuse.
    assert derivative(np.cos, 0.0, method="complex") == 0.0
    assert derivative(lambda x: np.sqrt(x + 0j), 4.0, method="complex") == pytest.approx(0.25)


# --- bad input: one test per branch -------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": 3.0}, TypeError, "`f` must be a callable, got 3.0"),
        ({"x": "1"}, TypeError, "`x` must be a real number"),
        ({"x": True}, TypeError, "`x` must be a real number"),
        ({"x": 1j}, TypeError, "`x` must be real, got complex"),
        ({"x": [[1.0], [2.0, 3.0]]}, ValueError, "`x` must be a rectangular array"),
        ({"x": []}, ValueError, "`x` must not be empty"),
        ({"x": np.nan}, ValueError, "`x` must be finite, got nan"),
        ({"x": [1.0, np.inf]}, ValueError, "`x` must be finite, got inf"),
        ({"h": 0.0}, ValueError, "`h` must be positive and finite, got 0.0"),
        ({"h": -1e-3}, ValueError, "`h` must be positive"),
        ({"h": np.nan}, ValueError, "`h` must be positive and finite, got nan"),
        ({"h": "small"}, TypeError, "`h` must be a positive real number or None"),
        ({"method": "centre"}, ValueError, "`method` must be one of .*, got 'centre'"),
        ({"method": None}, TypeError, "`method` must be a string"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, match):
    args = {"f": np.sin, "x": 1.0} | kwargs
    with pytest.raises(error, match=match):
        derivative(args.pop("f"), args.pop("x"), **args)


@pytest.mark.parametrize("method", ["forward", "backward", "central"])
def test_step_lost_in_rounding_is_an_error_not_nan(method):
    # 1 + 1e-17 == 1 in float64: the difference quotient would be 0/0.
    with pytest.raises(ValueError, match="`h` must be large enough that x \\+ h differs from x"):
        derivative(np.sin, np.array([0.0, 1.0]), h=1e-17, method=method)


def test_function_returning_wrong_shape():
    with pytest.raises(ValueError, match=r"`f` near `x` must return shape \(3,\), got shape \(\)"):
        derivative(lambda x: float(np.sum(x)), np.ones(3))


def test_function_returning_non_finite_value():
    with pytest.raises(ValueError, match="`f` near `x` must return finite values"):
        derivative(np.log, 0.0)


def test_function_returning_text():
    with pytest.raises(ValueError, match="`f` near `x` must return real numbers"):
        derivative(lambda x: "x", 1.0)


def test_complex_step_refuses_a_function_that_drops_the_imaginary_part():
    # abs() of a complex number is real: the complex step would silently give 0.
    with pytest.raises(ValueError, match="drops the imaginary part"):
        derivative(lambda x: abs(x) ** 2, 1.0, method="complex")


def test_real_method_refuses_complex_values():
    with pytest.raises(ValueError, match="must return real numbers"):
        derivative(lambda x: x + 1j, 1.0)


def test_errors_raised_by_the_users_function_pass_through():
    def f(x):
        raise KeyError("from f")

    with pytest.raises(KeyError, match="from f"):
        derivative(f, 1.0)
    with pytest.raises(TypeError, match="complex"):
        derivative(math.sin, 1.0, method="complex")  # math.sin refuses complex numbers


# === gradient, jacobian, hessian ==============================================================
#
# The course's examples, each as (f for numpy, the same for sympy, its symbols, points). f takes
# one 1-D point; the sympy expression is a list for a vector function.

x_, y_, z_, r_, h_, t_, rho_, theta_, phi_ = sp.symbols("x y z r h t rho theta phi")
X10 = sp.symbols("x0:10")
ROSENBROCK = sum(100 * (X10[i + 1] - X10[i] ** 2) ** 2 + (1 - X10[i]) ** 2 for i in range(9))
SCALAR = {
    "x^2y+3z": (
        lambda v: v[0] ** 2 * v[1] + 3 * v[2],
        x_**2 * y_ + 3 * z_,
        (x_, y_, z_),
        [[1.0, 2.0, 3.0], [-0.5, 1.5, 2.0], [2.0, -1.0, 0.3]],
    ),
    "sin(x)e^(yz^2)": (
        lambda v: np.sin(v[0]) * np.exp(v[1] * v[2] ** 2),
        sp.sin(x_) * sp.exp(y_ * z_**2),
        (x_, y_, z_),
        [[0.5, 0.3, -0.7], [1.2, -0.4, 0.9], [-2.0, 1.0, 1.0]],
    ),
    "can": (
        lambda v: 2 * np.pi * v[0] ** 2 * v[2] * v[3] + 2 * np.pi * v[0] * v[1] * v[2] * v[3],
        2 * sp.pi * r_**2 * t_ * rho_ + 2 * sp.pi * r_ * h_ * t_ * rho_,
        (r_, h_, t_, rho_),
        [[0.04, 0.12, 0.001, 2700.0], [0.5, 2.0, 0.1, 7.8]],
    ),
    "x^2yz": (
        lambda v: v[0] ** 2 * v[1] * v[2],
        x_**2 * y_ * z_,
        (x_, y_, z_),
        [[1.0, 2.0, 3.0], [-1.5, 0.5, 2.5]],
    ),
    "x^2+y^2": (
        lambda v: v[0] ** 2 + v[1] ** 2,
        x_**2 + y_**2,
        (x_, y_),
        [[1.0, -2.0], [0.5, 0.5]],
    ),
    "x^2-y^2": (
        lambda v: v[0] ** 2 - v[1] ** 2,
        x_**2 - y_**2,
        (x_, y_),
        [[1.0, -2.0], [0.5, 0.5]],
    ),
    "rosenbrock-10": (
        lambda v: np.sum(100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2),
        ROSENBROCK,
        X10,
        np.random.default_rng(3).uniform(-2, 2, (3, 10)).tolist(),
    ),
}
VECTOR = {
    "polar": (
        lambda v: [v[0] * np.cos(v[1]), v[0] * np.sin(v[1])],
        [r_ * sp.cos(theta_), r_ * sp.sin(theta_)],
        (r_, theta_),
        [[2.0, 0.3], [0.5, 2.5], [3.0, -1.0]],
    ),
    "u=x-2y,v=3y-2x": (
        lambda v: [v[0] - 2 * v[1], 3 * v[1] - 2 * v[0]],
        [x_ - 2 * y_, 3 * y_ - 2 * x_],
        (x_, y_),
        [[1.0, 2.0], [-3.0, 0.5]],
    ),
    "spherical": (
        lambda v: [
            v[0] * np.sin(v[1]) * np.cos(v[2]),
            v[0] * np.sin(v[1]) * np.sin(v[2]),
            v[0] * np.cos(v[1]),
        ],
        [
            r_ * sp.sin(theta_) * sp.cos(phi_),
            r_ * sp.sin(theta_) * sp.sin(phi_),
            r_ * sp.cos(theta_),
        ],
        (r_, theta_, phi_),
        [[2.0, 0.7, 0.4], [0.8, 2.0, -2.5]],
    ),
}
EXAMPLES = SCALAR | VECTOR

# Worst error allowed, relative to the largest entry of the exact matrix: round-off is
# ~eps|f|/h whatever the entry, so a single small entry is not held to its own size.
# Central ~ h^2 + eps/h ~ eps^(2/3) ~ 1e-11, forward/backward ~ eps^(1/2) ~ 1e-8, complex ~ eps;
# the bounds leave a factor ~100 for the sizes of f''' and f, and the Hessian's error is
# ~ h^2 + eps/h^2 ~ eps^(1/2) ~ 1e-8 at h ~ eps^(1/4) (measured worst: 4e-8 on Rosenbrock).
JACOBIAN_TOLERANCE = {"forward": 1e-6, "backward": 1e-6, "central": 1e-8, "complex": 1e-13}
HESSIAN_TOLERANCE = 1e-6


def exact_jacobian(expr, symbols, point):
    exprs = sp.Matrix(expr if isinstance(expr, list) else [expr])
    J = sp.lambdify([symbols], exprs.jacobian(symbols), "numpy")(point)
    return np.array(J, dtype=float)


def exact_hessian(expr, symbols, point):
    return np.array(sp.lambdify([symbols], sp.hessian(expr, symbols), "numpy")(point), dtype=float)


def assert_close_relative_to_largest(actual, desired, rtol):
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=rtol * np.max(np.abs(desired)))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_jacobian_matches_sympy(name, method):
    f, expr, symbols, points = EXAMPLES[name]
    for point in points:
        assert_close_relative_to_largest(
            jacobian(f, point, method=method),
            exact_jacobian(expr, symbols, point),
            JACOBIAN_TOLERANCE[method],
        )


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(SCALAR))
def test_gradient_matches_sympy_and_is_the_row_of_the_jacobian(name, method):
    f, expr, symbols, points = SCALAR[name]
    for point in points:
        g = gradient(f, point, method=method)
        assert_close_relative_to_largest(
            g, exact_jacobian(expr, symbols, point)[0], JACOBIAN_TOLERANCE[method]
        )
        np.testing.assert_array_equal(g, jacobian(f, point, method=method)[0])


@pytest.mark.parametrize("name", sorted(SCALAR))
def test_hessian_matches_sympy(name):
    f, expr, symbols, points = SCALAR[name]
    for point in points:
        assert_close_relative_to_largest(
            hessian(f, point), exact_hessian(expr, symbols, point), HESSIAN_TOLERANCE
        )


def test_course_jacobian_of_x2y_plus_3z_in_closed_form():
    f = SCALAR["x^2y+3z"][0]
    for x, y, z in [(1.0, 2.0, 3.0), (-0.5, 1.5, 2.0)]:
        np.testing.assert_allclose(jacobian(f, [x, y, z]), [[2 * x * y, x**2, 3]], rtol=1e-9)


def test_polar_jacobian_determinant_is_r():
    f = VECTOR["polar"][0]
    for r, theta in [(2.0, 0.3), (0.5, 2.5), (3.0, -1.0)]:
        assert np.linalg.det(jacobian(f, [r, theta])) == pytest.approx(r, rel=1e-9)


def test_spherical_jacobian_determinant_is_r2_sin_theta():
    f = VECTOR["spherical"][0]
    r, theta, phi = 2.0, 0.7, 0.4
    det = np.linalg.det(jacobian(f, [r, theta, phi]))
    assert det == pytest.approx(r**2 * np.sin(theta), rel=1e-9)


def test_linear_map_has_the_same_jacobian_everywhere():
    # u = x - 2y, v = 3y - 2x: no truncation error, only round-off.
    f = VECTOR["u=x-2y,v=3y-2x"][0]
    for point in [[0.0, 0.0], [1.0, 2.0], [-30.0, 7.0]]:
        np.testing.assert_allclose(jacobian(f, point), [[1, -2], [-2, 3]], rtol=1e-9, atol=1e-9)


def test_hessians_classify_the_course_stationary_points():
    # At (0, 0): x^2 + y^2 has |H| > 0 and H11 > 0 (a minimum), x^2 - y^2 has |H| < 0 (a saddle).
    bowl, saddle = hessian(SCALAR["x^2+y^2"][0], [0.0, 0.0]), hessian(SCALAR["x^2-y^2"][0], [0, 0])
    np.testing.assert_allclose(bowl, [[2, 0], [0, 2]], atol=1e-6)
    np.testing.assert_allclose(saddle, [[2, 0], [0, -2]], atol=1e-6)
    assert np.linalg.det(bowl) > 0 and bowl[0, 0] > 0
    assert np.linalg.det(saddle) < 0


def test_hessian_error_falls_as_h_squared():
    # Truncation error O(h^2): halving h quarters it (round-off negligible at these steps).
    f = SCALAR["sin(x)e^(yz^2)"]
    point = [0.5, 0.3, -0.7]
    H = exact_hessian(f[1], f[2], point)
    errors = [np.max(np.abs(hessian(f[0], point, h=h) - H)) for h in (1e-2, 5e-3)]
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=2e-2)


def test_jacobian_forward_error_falls_as_h():
    f = SCALAR["sin(x)e^(yz^2)"]
    point = [0.5, 0.3, -0.7]
    J = exact_jacobian(f[1], f[2], point)
    errors = [
        np.max(np.abs(jacobian(f[0], point, h=h, method="forward") - J)) for h in (1e-3, 5e-4)
    ]
    assert errors[0] / errors[1] == pytest.approx(2.0, rel=1e-2)


def test_hessian_default_step_balances_h2_against_eps_over_h2():
    assert HESSIAN_STEP == pytest.approx(EPS**0.25)


def test_default_steps_scale_with_each_coordinate():
    # h_i = h0 max(1, |x_i|): at (1e8, 0.5) the first axis steps 1e8 times further than the second.
    x = np.array([1e8, 0.5])
    for fn, h0 in [(gradient, DEFAULT_STEP["central"]), (hessian, HESSIAN_STEP)]:
        f = Recorder(lambda v: v[0] ** 2 / 1e16 + v[1] ** 2)
        fn(f, x)
        axes = f.points[1:5] if fn is gradient else f.points  # f(x), x -+ h e_j, then h/2
        steps = np.array([np.abs(p - x) for p in axes])
        np.testing.assert_allclose(steps.max(axis=0), [h0 * 1e8, h0], rtol=1e-6)
    # and each axis is then as accurate as alone: J of [x^2, y^2] at (1e8, 1) is diag(2e8, 2)
    J = jacobian(lambda v: v**2, [1e8, 1.0])
    np.testing.assert_allclose(J, np.diag([2e8, 2.0]), rtol=1e-8, atol=1e-8)


def test_complex_step_has_no_round_off():
    f, expr, symbols, points = SCALAR["sin(x)e^(yz^2)"]
    exact = exact_jacobian(expr, symbols, points[0])[0]
    g = gradient(f, points[0], h=1e-200, method="complex")
    np.testing.assert_allclose(g, exact, rtol=4 * EPS)


# --- what f sees, what comes back, and how often f is called ----------------------------------


class Recorder:
    """A function that records every point it is called with."""

    def __init__(self, f):
        self.f, self.points = f, []

    def __call__(self, point):
        self.points.append(point)
        return self.f(point)


COST = {
    "central": lambda n: 2 * n,
    "forward": lambda n: n + 1,
    "backward": lambda n: n + 1,
    "complex": lambda n: n + 5,
}  # n complex steps, f(x) real, two central differences


@pytest.mark.parametrize("method", METHODS)
def test_gradient_and_jacobian_cost_in_function_evaluations(method):
    # the default (central, no h) is checked: f(x), and x +- h e_j and x +- h/2 e_j per axis
    checked = {"central": lambda n: 4 * n + 1}
    cost = checked.get(method, COST[method])
    for fn in (gradient, jacobian):
        f = Recorder(SCALAR["rosenbrock-10"][0])
        fn(f, np.linspace(-1, 1, 10), method=method)
        assert len(f.points) == cost(10)
    f = Recorder(VECTOR["spherical"][0])  # the cost does not depend on the number of outputs
    jacobian(f, [2.0, 0.7, 0.4], method=method)
    assert len(f.points) == cost(3)
    f = Recorder(VECTOR["spherical"][0])  # with a step of the user's: one difference per axis
    jacobian(f, [2.0, 0.7, 0.4], method=method, h=1e-6)
    assert len(f.points) == (3 + 1 if method == "complex" else COST[method](3))


@pytest.mark.parametrize("n", [1, 2, 3, 10])
def test_hessian_costs_n2_plus_n_plus_1_evaluations_at_each_of_its_two_steps(n):
    f = Recorder(lambda v: np.sum(np.cos(v)))
    hessian(f, np.ones(n))
    assert len(f.points) == 2 * (n**2 + n) + 1  # the step h and the check's h / sqrt(8)
    f = Recorder(lambda v: np.sum(np.cos(v)))
    hessian(f, np.ones(n), h=1e-4)  # a step of the caller's: one set, no check
    assert len(f.points) == n**2 + n + 1


@pytest.mark.parametrize("fn", [gradient, jacobian, hessian])
def test_f_gets_one_point_at_a_time_as_a_1d_float_array(fn):
    f = Recorder(lambda v: np.sum(v**2))
    fn(f, [1, 2, 3])
    assert all(p.shape == (3,) and p.dtype == np.float64 for p in f.points)


@pytest.mark.parametrize("fn", [gradient, jacobian, hessian])
def test_scalar_x_gives_f_a_python_number_as_derivative_does(fn):
    f = Recorder(math.exp)
    result = fn(f, 1.0)
    assert all(type(p) is float for p in f.points)
    assert result.shape == {gradient: (1,), jacobian: (1, 1), hessian: (1, 1)}[fn]
    assert result.ravel()[0] == pytest.approx(math.e, rel=1e-6)


def test_shapes_and_dtypes_are_the_contract():
    f, v = SCALAR["x^2y+3z"][0], [1, 2, 3]
    assert gradient(f, v).shape == (3,)
    assert jacobian(f, v).shape == (1, 3)  # the course's row vector
    assert jacobian(VECTOR["polar"][0], [1, 2]).shape == (2, 2)
    assert jacobian(lambda p: [p[0], p[1], p[0] * p[1]], [1, 2]).shape == (3, 2)
    assert hessian(f, v).shape == (3, 3)
    for result in (gradient(f, v), jacobian(f, v), hessian(f, v)):
        assert result.dtype == np.float64


def test_jacobian_of_a_length_one_vector_is_a_row_too():
    assert jacobian(lambda p: np.array([p @ p]), [1.0, 2.0]).shape == (1, 2)


def test_x_is_not_modified():
    x = np.array([1.0, 2.0, 3.0])
    for fn in (gradient, jacobian, hessian):
        fn(SCALAR["x^2yz"][0], x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


# --- properties -----------------------------------------------------------------------------

coordinate = st.floats(-3, 3)


@settings(max_examples=40, deadline=None)
@given(st.lists(coordinate, min_size=3, max_size=3))
def test_hessian_is_exactly_symmetric(x):
    H = hessian(SCALAR["sin(x)e^(yz^2)"][0], x)
    np.testing.assert_array_equal(H, H.T)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.tuples(
            st.lists(coordinate, min_size=n * n, max_size=n * n),
            st.lists(coordinate, min_size=n, max_size=n),
            st.lists(coordinate, min_size=n, max_size=n),
        )
    )
)
def test_quadratic_has_exact_gradient_and_hessian(args):
    # f = x.A x / 2 + b.x with A symmetric: central differences have no truncation error,
    # so only round-off is left: ~eps|f|/h for the gradient and ~eps|f|/h^2 for the Hessian.
    a, b, x = (np.array(v) for v in args)
    n = len(b)
    A = a.reshape(n, n) + a.reshape(n, n).T
    f = lambda v: v @ A @ v / 2 + b @ v
    scale = 1 + np.max(np.abs(A)) * (1 + np.max(np.abs(x))) ** 2 + np.max(np.abs(b)) * 4
    np.testing.assert_allclose(gradient(f, x), A @ x + b, atol=1e-8 * scale)
    np.testing.assert_allclose(hessian(f, x), A, atol=1e-5 * scale)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.tuples(
            st.lists(coordinate, min_size=2 * n, max_size=2 * n),
            st.lists(coordinate, min_size=n, max_size=n),
        )
    )
)
def test_jacobian_of_a_linear_map_is_its_matrix(args):
    M, x = np.array(args[0]).reshape(2, -1), np.array(args[1])
    for method in METHODS:
        J = jacobian(lambda v: M @ v, x, method=method)
        np.testing.assert_allclose(J, M, atol=1e-6 * (1 + np.max(np.abs(M))))


# --- bad input: one test per branch -------------------------------------------------------


@pytest.mark.parametrize("fn", [gradient, jacobian, hessian])
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": 3.0}, TypeError, "`f` must be a callable, got 3.0"),
        ({"x": "1"}, TypeError, "`x` must be a real number"),
        ({"x": True}, TypeError, "`x` must be a real number"),
        ({"x": [1j, 2.0]}, TypeError, "`x` must be real, got complex"),
        ({"x": [[1.0], [2.0, 3.0]]}, ValueError, "`x` must be a rectangular array"),
        ({"x": []}, ValueError, "`x` must not be empty"),
        ({"x": [[1.0, 2.0]]}, ValueError, r"`x` must be a number or a 1-D array .*shape \(1, 2\)"),
        ({"x": [1.0, np.nan]}, ValueError, "`x` must be finite, got nan"),
        ({"x": [np.inf, 1.0]}, ValueError, "`x` must be finite, got inf"),
        ({"h": 0.0}, ValueError, "`h` must be positive and finite, got 0.0"),
        ({"h": -1e-3}, ValueError, "`h` must be positive"),
        ({"h": np.nan}, ValueError, "`h` must be positive and finite, got nan"),
        ({"h": "small"}, TypeError, "`h` must be a positive real number or None"),
        ({"x": [1e8, 1.0], "h": 1e-12}, ValueError, "`h` must be large enough that x \\+ h"),
    ],
)
def test_bad_input_names_the_argument_multivariate(fn, kwargs, error, match):
    args = {"f": lambda v: np.sum(v**2), "x": [1.0, 2.0]} | kwargs
    with pytest.raises(error, match=match):
        fn(args.pop("f"), args.pop("x"), **args)


@pytest.mark.parametrize("fn", [gradient, jacobian])
@pytest.mark.parametrize(
    ("method", "error", "match"),
    [
        ("centre", ValueError, "`method` must be one of .*, got 'centre'"),
        (None, TypeError, "`method` must be a string"),
    ],
)
def test_bad_method(fn, method, error, match):
    with pytest.raises(error, match=match):
        fn(np.sum, [1.0, 2.0], method=method)


def test_validation_comes_before_any_call_of_f():
    f = Recorder(np.sum)
    with pytest.raises(ValueError):
        gradient(f, [1.0, np.nan])
    with pytest.raises(ValueError):
        hessian(f, [1e8, 1.0], h=1e-12)
    assert f.points == []


@pytest.mark.parametrize("fn", [gradient, hessian])
def test_gradient_and_hessian_need_a_scalar_function(fn):
    with pytest.raises(ValueError, match=r"`f` near `x` must return a single number, got shape"):
        fn(lambda v: v, [1.0, 2.0])


def test_jacobian_refuses_a_2d_value():
    with pytest.raises(ValueError, match=r"must return a number or a 1-D array, got shape \(2, 2"):
        jacobian(lambda v: np.outer(v, v), [1.0, 2.0])


@pytest.mark.parametrize("fn", [derivative, gradient, jacobian, hessian])
def test_a_ragged_value_is_an_error_that_names_f(fn):
    # numpy alone would say "inhomogeneous shape" without naming the function
    with pytest.raises(
        ValueError, match="`f` near `x` must return a number or a rectangular array"
    ):
        fn(lambda v: [1.0, [2.0, 3.0]], [1.0, 2.0] if fn is not derivative else 1.0)


def test_jacobian_refuses_a_value_whose_length_changes():
    calls = []

    def f(v):  # one more output at every call
        calls.append(v)
        return np.ones(len(calls))

    with pytest.raises(ValueError, match=r"`f` near `x` must return shape \(1,\), got shape \(2,"):
        jacobian(f, [1.0, 2.0])


@pytest.mark.parametrize("fn", [gradient, jacobian, hessian])
def test_non_finite_value_is_an_error_not_a_warning(fn):
    # log(0) warns inside numpy; the warning is silenced and the -inf reported instead.
    with pytest.raises(ValueError, match="`f` near `x` must return finite values"):
        fn(lambda v: np.log(v[0]) + v[1], [0.0, 1.0])


@pytest.mark.parametrize("fn", [gradient, jacobian, hessian])
def test_text_value(fn):
    with pytest.raises(ValueError, match="`f` near `x` must return real numbers"):
        fn(lambda v: "f", [1.0, 2.0])


@pytest.mark.parametrize("fn", [gradient, jacobian])
def test_complex_step_refuses_a_function_that_drops_the_imaginary_part_multivariate(fn):
    with pytest.raises(ValueError, match="drops the imaginary part"):
        fn(lambda v: np.sum(np.abs(v) ** 2), [1.0, 2.0], method="complex")


@pytest.mark.parametrize("fn", [gradient, jacobian, hessian])
def test_real_methods_refuse_complex_values(fn):
    with pytest.raises(ValueError, match="must return real numbers"):
        fn(lambda v: np.sum(v) + 1j, [1.0, 2.0])


@pytest.mark.parametrize("fn", [gradient, jacobian, hessian])
def test_errors_raised_by_the_users_function_pass_through_multivariate(fn):
    def f(v):
        raise KeyError("from f")

    with pytest.raises(KeyError, match="from f"):
        fn(f, [1.0, 2.0])


# --- issue 14, item 8: memory in proportion to the result -------------------------------------


def peak_memory(call) -> int:
    """Peak bytes allocated (numpy's arrays included) while `call()` runs."""
    import tracemalloc

    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("method", METHODS)
def test_issue_14_item_8_gradient_and_jacobian_memory_is_linear_in_n(method):
    """Item 8: no n-by-n matrix of steps (it asked for 74.5 GiB at n = 100 000).

    At n = 2000 that matrix alone is 32 MB (64 MB complex); one point at a time needs
    a few copies of x (16 kB each) and the result."""
    n = 2000
    x = np.linspace(-1, 1, n)
    peak = peak_memory(lambda: gradient(lambda v: v @ v / 2, x, method=method))
    assert peak < 1e6, peak
    peak = peak_memory(lambda: jacobian(lambda v: v[:3] * v[-1], x, method=method))
    assert peak < 1e6, peak  # J is 3 x 2000: 48 kB


def test_issue_14_item_8_hessian_memory_is_quadratic_in_n():
    """Item 8: no (n(n-1)/2) x n array of points (11.8 GB at n = 1000): at n = 200 that
    array is 32 MB, while H and the values it is made from take about 1.3 MB."""
    n = 200
    f = lambda v: np.sum(np.cos(v)) + v[0] * v[-1]
    x = np.linspace(-1, 1, n)
    peak = peak_memory(lambda: hessian(f, x))
    assert peak < 4e6, peak
    H = hessian(f, x)
    expected = -np.diag(np.cos(x))
    expected[0, -1] = expected[-1, 0] = 1.0
    np.testing.assert_allclose(H, expected, atol=1e-7 * abs(f(x)))  # the docstring's accuracy


@pytest.mark.parametrize("fn", [gradient, jacobian])
def test_issue_14_item_10_gradient_and_jacobian_refuse_f_not_real_on_the_axis(fn):
    """Item 10 for the multivariate complex step: one more evaluation, at x itself."""
    f = lambda v: np.sqrt(v[0] - 2 + 0j) + v[1] ** 2  # f(1, 1) = 1 + 1j
    with pytest.raises(ValueError, match=r"real on the real axis for method='complex': at `x`"):
        fn(f, [1.0, 1.0], method="complex")
    np.testing.assert_allclose(fn(f, [3.0, 1.0], method="complex").ravel(), [0.5, 2.0])


@pytest.mark.parametrize("x", [1e-20, 1e-100, -1e-300])
def test_a_point_far_closer_to_0_than_f_changes_grows_its_step_enough(x):
    # At 1e-20, e^(x +- x/8) are both 1 in floating point: the differences are 0, f has
    # not changed at all; the step grows (by up to 2^64 at a time) until it does.
    assert derivative(np.exp, x) == pytest.approx(1.0, rel=1e-11)
    assert derivative(lambda t: np.exp(t) + t, x) == pytest.approx(2.0, rel=1e-11)


def test_a_constant_or_an_even_function_about_0_has_derivative_0():
    assert derivative(lambda t: 5.0 + 0 * t, 1e-3) == 0.0
    assert derivative(np.cos, 0.0) == 0.0


# adversarial finding 5: the complex step of a non-analytic f is refused, not returned
@pytest.mark.parametrize(
    "call",
    [
        lambda: derivative(lambda x: x * np.conj(x), 1.0, method="complex"),
        lambda: derivative(lambda x: x * np.conj(x), np.array([1.0, 2.0]), method="complex"),
        lambda: gradient(lambda v: np.abs(v[0]) ** 2 + v[1], [1.0, 1.0], method="complex"),
        lambda: jacobian(
            lambda v: np.array([np.conj(v[0]) * v[1], v[1]]), [1.0, 2.0], method="complex"
        ),
    ],
)
def test_complex_step_of_a_non_analytic_f_is_a_value_error(call):
    with pytest.raises(ValueError, match="complex-differentiable"):
        call()


def test_complex_step_check_passes_steep_analytic_functions():
    v = [1.0, 2.0, 1e2]
    g = gradient(lambda v: np.sin(v[0]) * np.exp(v[1] * v[2]), v, method="complex")
    exact = np.exp(200.0) * np.array([np.cos(1.0), 100 * np.sin(1.0), 2 * np.sin(1.0)])
    assert np.allclose(g, exact, rtol=1e-12)


# adversarial finding 6: an estimate below its own rounding is no digit, not an answer
def test_tanh_far_in_its_tail_is_the_no_digit_value_error():
    with pytest.raises(ValueError, match="no correct digit"):
        derivative(np.tanh, 20.0)


@pytest.mark.parametrize("x", [12.0, 14.0, 16.0, 18.0, 19.0, -18.0])
def test_tanh_where_rounding_leaves_few_digits_raises_instead_of_returning_them(x):
    # derivative(np.tanh, 18.0) returned 7.64e-16 (true 9.28e-16, 18% off) with no word;
    # its own error estimate, 3e-15, said as much.
    with pytest.raises(ValueError, match="changes too little near x"):
        derivative(np.tanh, x)


@pytest.mark.parametrize(
    ("f", "fprime", "x"),
    [
        (np.tanh, lambda x: 1 / np.cosh(x) ** 2, 8.0),
        (lambda x: np.exp(-(x**2)), lambda x: -2 * x * np.exp(-(x**2)), 26.0),
        (lambda x: 1 / (1 + x**2), lambda x: -2 / x**3 / (1 + 1 / x**2) ** 2, 1e100),
        (lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(x) / (1 + np.exp(x)) ** 2, -700.0),
        (np.cos, lambda x: -np.sin(x), 1e-8),
    ],
)
def test_what_derivative_returns_far_out_is_right_to_a_millionth(f, fprime, x):
    assert derivative(f, x) == pytest.approx(fprime(x), rel=1e-6)


def test_true_zero_slopes_below_rounding_are_still_returned():
    assert abs(derivative(lambda x: x**3 - x, 1 / np.sqrt(3))) < 1e-12
    assert derivative(np.cos, 0.0) == 0.0


# issue 14 (scale brief): a 0 that rounding made is not a zero slope
@pytest.mark.parametrize(
    ("f", "x"), [(np.tanh, 25.0), (np.tanh, -30.0), (np.cos, 1e-12), (np.cos, -1e-12)]
)
def test_a_zero_made_by_rounding_is_the_changes_too_little_value_error(f, x):
    # tanh(25 ± 25/8) and cos(1e-12 ± h) round to 1 at every short step, so every central
    # difference there is exactly 0; the true slopes are 7.7e-22 and -1e-12. A longer step
    # (|x|/2, or the one that grew) shows f changing, so the 0 is not known to be a slope.
    with pytest.raises(ValueError, match="changes too little near x"):
        derivative(f, x)
    with pytest.raises(ValueError, match="changes too little near x"):
        derivative(f, np.array([1.0, x]))


@pytest.mark.parametrize(
    ("f", "x"),
    [
        (np.abs, 0.0),
        (np.cos, 0.0),
        (lambda x: (x - 3) ** 2, 3.0),
        (lambda x: 5.0 + 0 * x, 2.0),
        (np.floor, 2.5),
        (lambda x: 5 + np.maximum(x, 0), -0.1),
        (lambda x: 5 + np.maximum(x, 0), -3.0),
    ],
)
def test_zero_slopes_with_every_difference_0_are_still_returned(f, x):
    # symmetric about x, constant, or constant between jumps: f does not change near x
    assert derivative(f, x) == 0.0


@pytest.mark.parametrize(
    ("f", "fprime", "x"),
    [
        (np.tanh, lambda x: 1 / np.cosh(x) ** 2, 100.0),
        (lambda x: 1 + 1e-17 * x, lambda x: 1e-17, 1.0),
        (lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, 80.0),
    ],
)
def test_a_zero_where_f_never_changed_is_within_the_documented_bound(f, fprime, x):
    # f(x ± h) equal at every step tried, up to |x|/2 (1/8 near 0): the slope is hidden
    # below f's rounding there, eps |f| / h at h = max(|x|, 1/4) / 2, the documented bound.
    value = derivative(f, x)
    assert value == 0.0
    assert abs(fprime(x) - value) <= EPS * abs(f(x)) / (max(abs(x), 0.25) / 2)


# --- round 3: findings 5 (extrema), 14 (overflow) ----------------------------------------


@pytest.mark.parametrize(
    ("f", "fprime"),
    [
        (lambda x: np.exp(-(x**2)), lambda x: -2 * x * np.exp(-(x**2))),
        (
            lambda x: np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi),
            lambda x: -x * np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi),
        ),
        (lambda x: 1 / np.cosh(x), lambda x: -np.tanh(x) / np.cosh(x)),
        (lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2) ** 2),
        (np.cosh, np.sinh),
        (np.sinc, lambda x: -(np.pi**2) * x / 3 * (1 - (np.pi * x) ** 2 / 10)),  # its series
    ],
)
@pytest.mark.parametrize("x", [1e-3, 1e-5, 1e-6, 1e-7, 3e-8, -1e-5])
def test_round3_finding_5_near_the_peak_of_a_bell(f, fprime, x):
    # f' is far below f / (the length over which f changes): the search must not grow its
    # step to where f has vanished and take the agreement of zeros for the derivative
    assert derivative(f, x) == pytest.approx(fprime(x), rel=1e-6)


def test_round3_finding_14_a_python_overflow_is_a_non_finite_value():
    # a scalar x reaches f as a Python float, whose ** raises OverflowError, not inf
    with pytest.raises(ValueError, match="`f` near `x` must return finite values"):
        derivative(lambda x: x**2, 1e155)
    with pytest.raises(ValueError, match="`f` near `x` must return finite values"):
        derivative(lambda x: x**2, 1e155, method="forward")
    with pytest.raises(ValueError, match="`f` near `x` must return finite values"):
        gradient(lambda x: x**2, 1e155)
    assert derivative(lambda x: x**2, 1e150) == pytest.approx(2e150, rel=1e-9)


def test_round3_finding_7_the_hessian_is_checked_and_searched_where_its_step_is_too_long():
    # hessian's fixed step eps^(1/4) max(1, |x|) gave H01 = 2.8e-5 here, for cos(1e8)
    f = lambda v: np.sin(v[0]) * v[1]
    H = hessian(f, [1e8, 1.0])
    assert H[0, 1] == pytest.approx(np.cos(1e8), rel=1e-6)
    assert H[0, 0] == pytest.approx(-np.sin(1e8), rel=1e-6)
    assert H[1, 1] == 0.0
    # the plain second differences are still there, with the caller's step
    step = np.finfo(float).eps ** 0.25 * 1e8
    assert hessian(f, [1e8, 1.0], h=step)[0, 1] == pytest.approx(2.8e-5, rel=0.05)


def test_round3_finding_9_values_that_underflow_give_the_documented_zero():
    # the Notes say: f's values are all exactly 0 near x, so f as computed is constant
    assert derivative(lambda x: x**2, 1e-200) == 0.0
    assert derivative(lambda x: np.maximum(x, 0), -1.0) == 0.0
    assert derivative(lambda x: (x * 1e100) ** 2, 1e-200) == pytest.approx(2e0, rel=1e-9)


# --- issue 14, s6 finding 2: a derivative beyond the float range ---------------------------


@pytest.mark.parametrize(
    ("f", "x"),
    [
        (lambda x: 1 / x, 1e-160),  # f(x ± h) ~ 1e160, f' = -1e320
        (lambda x: 1 / x, -1e-160),
        (lambda x: 1 / x, 1e-155),
        (lambda x: 1 / x, 1e-200),  # the rounding of D overflows too: still the slope's
        (np.log, 1e-320),
        (lambda x: 1e300 / x, 1e-8),  # |f(x+h)| + |f(x-h)| overflows: not f's fault
    ],
)
def test_issue_14_s6_a_derivative_beyond_the_float_range_is_said_to_be(f, x):
    """f was finite but f' ~ 1e320 overflowed: four "overflow encountered in multiply"
    warnings, then "`f` near `x` must return finite values ... not finite at x ± h for any
    step h tried", which is false. Now no warning (they are errors here) and a message
    saying that the derivative itself is beyond the largest float."""
    match = r"The derivative of `f` at x = .* overflows: f is finite near x.*cannot be a float"
    with pytest.raises(ValueError, match=match):
        derivative(f, x)
    with pytest.raises(ValueError, match=match):
        derivative(f, np.array([1.0, x]))
    with pytest.raises(ValueError, match=match):
        check_gradient(lambda v: f(v[0]), lambda v: np.ones(1), [x])


def test_derivatives_just_inside_the_float_range_are_still_found():
    """The differences near 1.8e308 are taken (|f'| up to 1.6e308 here), exp at 709.7
    included, whose |f(x+h)| + |f(x-h)| overflowed and was refused as not finite."""
    for x in (1.5e-154, 8e-155):
        assert derivative(lambda x: 1 / x, x) == pytest.approx(-1 / x**2, rel=1e-12)
    assert derivative(np.exp, 709.7) == pytest.approx(np.exp(709.7), rel=1e-12)
    assert derivative(lambda x: 1e308 * np.sin(x), 1.0) == pytest.approx(1e308 * np.cos(1.0))


def test_f_whose_rounding_overflows_the_difference_is_said_to_be_too_large():
    """1e308 (1 + x) at 1e-15: f changes only by its rounding over the steps that resolve
    x, and eps |f| / h overflows; the slope (1e308) is not to blame, nor f's finiteness."""
    with pytest.raises(ValueError, match=r"`f` near x = 1e-15 is too large to difference"):
        derivative(lambda x: 1e308 * (1 + x), 1e-15)


# --- issue 14, s6 finding 4: the complex step's cross-check and its step ------------------

_GRID = np.logspace(-8, 8, 31)
_SCALE_FREE = {  # f, f' : functions whose features are at the scale of |x|, or of 1
    "1/x": (lambda x: 1 / x, lambda x: -1 / x**2),
    "log": (np.log, lambda x: 1 / x),
    "tan": (np.tan, lambda x: 1 / np.cos(x) ** 2),
    "sin": (np.sin, np.cos),
    "sqrt": (np.sqrt, lambda x: 0.5 / np.sqrt(x)),
}


@pytest.mark.parametrize("name", list(_SCALE_FREE))
def test_issue_14_s6_the_complex_step_is_not_refused_by_a_wrong_cross_check(name):
    """The cross-check took one central difference at 6e-6 max(1, |x|): it refused 26 of
    these 155 points (sin at 1e8: "must be complex-differentiable", the complex step
    having given the right -0.363385 and the difference -0.00042). It is now the default
    central search, right over |x| 1e-8..1e8: no point is refused, all exact to rounding."""
    f, df = _SCALE_FREE[name]
    np.testing.assert_allclose(derivative(f, _GRID, method="complex"), df(_GRID), rtol=4 * EPS)


def test_the_complex_step_is_shortened_where_its_truncation_shows():
    """1/x at 1e-14: h = 1e-20 left (h/x)^2 = 1e-12 of error, which the cross-check (a
    central estimate good to about 1e-12) could not see; h now shrinks by 256 until two
    steps agree to rounding."""
    for x in (1e-14, 1e-18):
        assert derivative(lambda x: 1 / x, x, method="complex") == pytest.approx(
            -1 / x**2, rel=4 * EPS
        )


def test_the_complex_step_keeps_its_imaginary_part_a_normal_number():
    """1e-295 sin(x): Im f(x + ih) = 1e-295 h cos(x) ~ 5e-316 at h = 1e-20 is subnormal and
    kept 8 digits; h is lengthened until it is normal. Where even h = 1.5e-8 leaves it
    subnormal (1e-300 x returned 9.99989e-301 silently), it is a ValueError saying so."""
    got = derivative(lambda x: 1e-295 * np.sin(x), 1.0, method="complex")
    assert got == pytest.approx(1e-295 * np.cos(1.0), rel=4 * EPS)
    with pytest.raises(ValueError, match=r"too small for the complex step: even at h = 1.5e-08"):
        derivative(lambda x: 1e-300 * x, 1.0, method="complex")
    with pytest.raises(ValueError, match=r"too small for the complex step"):
        derivative(lambda x: 1e-300 * x, np.array([1.0, 2.0]), method="complex")


# --- issue 14, A: the default central gradient and Jacobian are checked ----------------------


@pytest.mark.parametrize(
    ("f", "x", "exact"),
    [
        (lambda v: 1 / v[0], [1e-6], [-1e12]),  # the fixed step of 6e-6 gave +2.8e10
        (lambda v: np.log(v[0]), [1e-7], [1e7]),  # it stepped out of the domain: ValueError
        (lambda v: np.sin(v[0]), [1e8], [np.cos(1e8)]),  # it spanned periods: -4.2e-4
        (lambda v: np.exp(v[0] / 1e-8) + (v[1] / 1e-8) ** 2, [1e-8, 2e-8], [np.e * 1e8, 4e8]),
        (lambda v: np.tanh(v[0] / 1e-8 - v[1] / 1e-8), [3e-8, 2e-8], [4.2e7, -4.2e7]),
        (lambda v: v[0] ** 4 + (v[1] / 1e-8) ** 4, [0.0, 1e-8], [0.0, 4e8]),
    ],
)
def test_issue_14_a_the_default_gradient_is_right_where_its_fixed_step_was_not(f, x, exact):
    """The fixed step eps^(1/3) max(1, |x_i|) assumes f changes over lengths of about
    max(1, |x_i|). Where it does not, the differences are now checked against the slope
    along one direction, searched for as `derivative` does, and searched for along each
    axis where the two disagree."""
    exact = np.asarray(exact, float)
    if exact[0] == 4.2e7:  # tanh(u - v) at u - v = 1: sech^2(1) / 1e-8
        exact = np.array([1, -1]) / np.cosh(1.0) ** 2 / 1e-8
    np.testing.assert_allclose(gradient(f, x), exact, rtol=1e-8, atol=1e-8 * np.abs(exact).max())
    np.testing.assert_allclose(jacobian(f, x)[0], gradient(f, x))


def test_issue_14_a_the_check_also_holds_a_jacobian_of_outputs_of_different_sizes():
    polar_in_small_units = lambda p: [1e6 * p[0] * np.cos(p[1] / 1e-6), np.log(p[0])]
    J = jacobian(polar_in_small_units, [2e-7, 3e-7])
    exact = [[1e6 * np.cos(0.3), -2e-7 * 1e6 * np.sin(0.3) / 1e-6], [1 / 2e-7, 0.0]]
    np.testing.assert_allclose(J, exact, rtol=1e-8, atol=1e-3)


def test_issue_14_a_where_f_s_rounding_swamps_its_slope_the_plain_difference_stands():
    # f's rounding (1e6) swamps its changes near x (sin at 1e-10 in units of 1e-4, times
    # 1e-6): the differences at h and h/2 agree, to 3 digits; the search from there grows
    # its step and walks past sin's features, to -1.9e-6 for 0.01. The plain difference
    # stands, right to its rounding, eps |f| / h (1.8e-5), as the Notes say
    f = lambda v: 1e6 + np.sin(v[0] / 1e-4) * (v[1] / 1e-4)
    g = gradient(f, [1e-10, 1e-10])
    rounding = 2 * EPS * 1e6 / DEFAULT_STEP["central"]  # eps (|f+| + |f-|) / 2h
    assert abs(g[0] - 1e-2 * np.cos(1e-6)) < rounding
    assert abs(g[1] - 1e-2 * np.sin(1e-6) / 1e-6) < rounding
    # where no difference can show it, a ValueError names the variable: cosh in units of
    # 1e-9 overflows at every step's far end, and its linear part is lost beside it
    with pytest.raises(ValueError, match=r"near x\[0\] = 0.0"):
        gradient(lambda v: np.cosh(v[0] / 1e-9) + v[0], [0.0])
    # a noisy f is no differentiable f: its differences never agree
    rng = np.random.default_rng(2)
    noisy = lambda v: np.exp(-(v @ v)) + 1e-3 * rng.standard_normal()
    with pytest.raises(ValueError, match="does not look differentiable|too noisy"):
        gradient(noisy, [-1.0, 1.0])


def test_issue_14_a_f_is_never_called_farther_from_x_than_the_plain_step():
    """A second review: where f's rounding (a large constant) left the difference a few
    digits, a search grew its step to |f| / 64 |f'| and called f at 31 251 (an
    interpolant's range, f's own ValueError) or 1.7e7 (a stiff ODE, minutes). The check
    and the searches stay within x +- h, as the plain difference did; what rounding
    leaves is the documented error, eps |f| / h."""
    called = []

    def f(v):
        called.append(v.copy())
        if not 0.99 < v[0] < 1.01:
            raise RuntimeError("f is defined near 1 only")
        return 1e8 + v[0]

    g = gradient(f, [1.0])
    assert abs(g[0] - 1) < 4 * EPS * 1e8 / (DEFAULT_STEP["central"])
    assert max(abs(p[0] - 1) for p in called) <= DEFAULT_STEP["central"] * (1 + 1e-9)
    g = gradient(lambda v: v @ v + 1e10, [1.0, 2.0])  # the Notes' example: its rounding
    assert np.all(np.abs(g - [2, 4]) < 2 * EPS * (1e10 + 5) / DEFAULT_STEP["central"])


@pytest.mark.parametrize(
    ("f", "x", "exact"),
    [
        (lambda v: np.cos(100 * v[0] + 1), [1e-20], [-100 * np.sin(1.0)]),  # |x|/8: rounding
        (lambda v: v[0] * v[1], [1e-200, 1e-200], [1e-200, 1e-200]),  # f underflows at |x|/8
        (lambda v: 1e308 * np.cos(v[0]), [0.0], [0.0]),  # eps (|f+| + |f-|) overflowed
        (lambda v: np.cos(v[0]) + v[1], [4 * np.pi / EPS ** (1 / 3), 1.0], [None, 1.0]),
    ],
)
def test_issue_14_a_second_review_findings(f, x, exact):
    """h and h/2 were both whole periods of cos at 4 pi / eps^(1/3) (the check step is
    h / sqrt(8) now); the others raised or returned 0 where main was right."""
    if exact[0] is None:
        exact[0] = -np.sin(x[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = gradient(f, x)
    np.testing.assert_allclose(g, exact, rtol=1e-7, atol=1e-9 * max(map(abs, exact)) or 1e-300)


def test_issue_14_a_a_partial_near_0_beside_large_ones_is_kept():
    # the check sends every axis to the search (x[1] in small units); x[0] sits at the
    # minimum of its parabola, a slope of 2e-12 that f's rounding (1e6) hides: kept, as
    # tiny beside 1e12, not refused for its few digits
    f = lambda v: (v[0] - 1) ** 2 + 1 / v[1]
    g = gradient(f, [1 + 1e-12, 1e-6])
    assert g[1] == pytest.approx(-1e12, rel=1e-9)
    assert abs(g[0]) < 1e-6


def test_issue_14_a_third_review_a_little_noise_keeps_the_plain_difference():
    """A root found by bisection carries noise far above eps |f|: the check at h / sqrt(8)
    disagreed, and the search from shorter steps made the noise louder, returning
    0.417239853 (4.5e-6 off) where the plain difference had 0.417238057 (1.7e-7). The plain
    difference stands where the search agrees with it and its own disagreement with the
    shorter step is under 1e-5 of it."""
    from scipy.optimize import bisect

    g = gradient(lambda v: bisect(lambda t: t**3 + t - v[0], 0, 10), [1.0])[0]
    root = bisect(lambda t: t**3 + t - 1, 0, 10, xtol=1e-15)
    assert g == pytest.approx(1 / (3 * root**2 + 1), rel=1e-6)


# --- issue 14: the default Hessian is checked, and searched where the check fails -----------


def _true_hessian(expr, symbols, at):
    at = dict(zip(symbols, at, strict=True))
    return np.array(sp.hessian(expr, symbols).subs(at).evalf(30), dtype=float)


@pytest.mark.parametrize(
    ("name", "x"),
    [
        ("inverse", [1e-6, 2.0]),  # 1/x at 1e-6: the step 1.2e-4 crossed the pole
        ("log", [1e-7, 1.0]),  # f was not finite at x - h: a ValueError
        ("sin", [1e8, 1.0]),  # whole periods of sin inside the step
        ("quartic", [0.0, 0.0]),  # x^4 at 0: 2 h^2 = 2.9e-8 for 0
        ("rosen", [2e-3, 1e-3]),  # units of 1e-3: truncation of 1e-4 of H00
    ],
)
def test_hessian_finds_what_its_fixed_step_got_wrong(name, x):
    u, v = sp.symbols("u v")
    expr = {
        "inverse": 1 / u + u * v,
        "log": sp.log(u) + v**2,
        "sin": sp.sin(u) * v,
        "quartic": u**4 + v**4,
        "rosen": (1 - u / 1e-3) ** 2 + 100 * (v / 1e-3 - (u / 1e-3) ** 2) ** 2,
    }[name]
    f = sp.lambdify([(u, v)], expr, "numpy")
    true = _true_hessian(expr, (u, v), x)
    H = hessian(f, x)
    assert np.max(np.abs(H - true)) <= 1e-6 * np.max(np.abs(true)) + 1e-20
    assert np.array_equal(H, H.T)


@pytest.mark.parametrize(
    ("f", "x", "entry"),
    [
        (lambda v: abs(v[0]) + v[1] ** 2, [0.0, 1.0], "H[0, 0]"),  # a kink
        (lambda v: np.sign(v[0] - 1e-9) * v[1], [0.0, 1.0], "H[0, 0]"),  # a jump
        (lambda v: 1 / v[0] + v[1], [0.0 + 1e-300, 1.0], "H[0, 0]"),  # a pole at x
    ],
)
def test_hessian_refuses_where_f_has_no_second_derivative(f, x, entry):
    with pytest.raises(ValueError, match=re.escape(entry)):
        hessian(f, x)


def test_hessian_check_counts_the_rounding_of_x_inside_f():
    # tanh(x0 / 1e4 - x1 / 1e4) at x0 = x1 = 0.01: f' is 1e-4, its rounding inside f
    # (eps |x| |f'|) is far above eps |f| (f = 0): H = 0, within that rounding, not refused
    H = hessian(lambda v: np.tanh(v[0] / 1e4 - v[1] / 1e4), [0.01, 0.01])
    assert np.max(np.abs(H)) < 1e-12


def test_hessian_of_a_large_constant_plus_a_small_part_keeps_its_rounding():
    # rounding-limited entries are not searched (f is never called farther than h): the
    # documented rounding, about 100 eps |f| / h^2, stands
    f = lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2 + 1e10
    H = hessian(f, [0.0, 1.0])
    bound = 150 * np.finfo(float).eps * 1e10 / (np.finfo(float).eps ** 0.25) ** 2
    assert np.max(np.abs(H - np.diag([2.0, 8.0]))) <= bound


def test_hessian_never_calls_f_farther_from_x_than_its_step():
    x = np.array([1e-6, 3.0])
    f = Recorder(lambda v: 1 / v[0] + v[0] * v[1])
    hessian(f, x)
    h = np.finfo(float).eps ** 0.25 * np.maximum(1.0, np.abs(x))
    assert all(np.all(np.abs(p - x) <= h * (1 + 1e-12)) for p in f.points)


@pytest.mark.parametrize(
    ("f", "x", "true"),
    [
        # the mixed entry of an axis whose diagonal was searched is searched too: at h and
        # h / sqrt(8) it was -f(x) both times (the step crosses the pole), and passed
        (
            lambda v: v[1] ** 2 / v[0] ** 2,
            [2e-9, 1.0],
            [[6 / 2e-9**4, -4 / 2e-9**3], [-4 / 2e-9**3, 2 / 2e-9**2]],
        ),
        # a ridge along x0 - x1 only the mixed entry's own search sees: both steps shrink
        # together from h, in the stencil's proportions
        (
            lambda v: (
                1e3 * v[0] ** 2 + 1e-14 * np.exp(-(((v[0] - v[1]) / 1e-7) ** 2)) + 1e-3 * v[1] ** 2
            ),
            [0.0, 0.0],
            [[1998.0, 2.0], [2.0, -1.998]],
        ),
        # an exact 0 in a row of zeros is kept (its scale is 0; its error is within the
        # rounding the check allows)
        (lambda v: v[1] ** 2 * np.log(v[0]), [150.0, 0.0], [[0.0, 0.0], [0.0, 2 * np.log(150)]]),
    ],
)
def test_review_findings_on_the_checked_hessian(f, x, true):
    H, true = hessian(f, x), np.array(true)
    scale = np.maximum(np.abs(true), np.sqrt(np.outer(*[np.max(np.abs(true), axis=1)] * 2)))
    # the ridge's H00: 2000 at every step the check takes, 1e-3 off (the two-step limit)
    err = np.abs(H - true) / np.where(scale > 0, scale, 1.0)
    err[0, 0] = 0.0 if true[0, 0] == 1998.0 else err[0, 0]
    assert np.all(err <= 1e-6)


def test_the_search_error_counts_the_whole_disagreement():
    # its estimate agreed to within 4 roundings and was given an error of 2 roundings:
    # 8 to 14 times too small; now that entry is refused, not 4.9e-6 off
    f = lambda v: -1e8 * np.log(v[0]) * np.sin(v[0] + 2 * v[1]) - 1e8 / (4 * v[1] ** 2 + 1)
    x = [4.693803505108341e-07, -4.463624280928134e-09]
    try:
        H = hessian(f, x)
    except ValueError as e:
        assert "H[0, 0]" in str(e)
    else:
        assert H[0, 0] == pytest.approx(-2.170988e14, rel=1e-6)


@pytest.mark.parametrize(
    ("f", "x"), [(lambda v: v[0], [1.7e308]), (lambda v: np.exp(v[0]), [709.7])]
)
def test_a_hessian_that_overflows_says_so(f, x):
    with pytest.raises(ValueError, match="overflow"):
        hessian(f, x)


@pytest.mark.parametrize(
    ("f", "x", "true"),
    [
        # every difference at a step under s is exactly 0: the search's exact 0 ranked
        # below a wrong extrapolation (score against its own rounding), and was refused
        (lambda v: max(0.0, v[0] - _KINK) ** 2, [0.0], [[0.0]]),
        (lambda v: max(0.0, v[0] - _KINK) ** 2 + v[0] * v[1], [0.0, 0.0], [[0, 1], [1, 0]]),
        (lambda v: max(0.0, v[0] - _KINK) ** 3, [0.0], [[0.0]]),
    ],
)
def test_second_review_an_exact_zero_the_search_reaches_stands(f, x, true):
    assert np.array_equal(hessian(f, x), np.array(true, dtype=float))


_KINK = 2 * np.finfo(float).eps ** 0.25 / np.sqrt(8)  # between h / sqrt(8) and h


def test_second_review_float32_values_are_refused_not_zero():
    # float32(x^2 + x y): all differences round alike, and the Hessian read 0
    with pytest.raises(ValueError, match="float64"):
        hessian(lambda v: np.float32(v[0] ** 2 + v[0] * v[1]), [1.0, 2.0])
    # with a step of the caller's, the plain differences, as documented
    H = hessian(lambda v: np.float32(v[0] ** 2 + v[0] * v[1]), [1.0, 2.0], h=1e-2)
    assert H == pytest.approx(np.array([[2.0, 1.0], [1.0, 0.0]]), abs=1e-2)


def test_second_review_a_noisy_f_is_refused_within_a_bounded_number_of_calls():
    rng = np.random.default_rng(0)
    f = Recorder(lambda v: float(np.sum(v**2) + 1e-9 * rng.uniform(-0.5, 0.5)))
    with pytest.raises(ValueError, match="noisy"):
        hessian(f, np.zeros(4))
    # every entry's search runs out its SECOND_STEPS (twice for a mixed one): bounded
    bound = 2 * (4**2 + 4) + 1 + 4 * 2 * SECOND_STEPS + 6 * 2 * 4 * SECOND_STEPS
    assert len(f.points) <= bound


@pytest.mark.parametrize(
    ("f", "x", "true"),
    [
        # 1 - cos(1e5 x) at 0 rounds to exactly 0 at tiny steps: zeros that agree are no
        # estimate once a sure one was seen at longer steps
        (lambda v: 1 - np.cos(1e5 * v[0]), [0.0], [[1e10]]),
        # units of 1e-8: at steps longer than |x| only the polynomial shows, and its
        # extrapolations agree (x^5 hid the sin term's 12%)
        (
            lambda v: (
                1.5e-8 * (v[0] / 1e-8) ** 5
                - 6e-8 * (v[1] / 1e-8) ** 2 * np.sin(2 * v[0] / 1e-8 + 1.5)
            ),
            [-1.75e-8, -1e-8],
            [
                [
                    1e8 * (30 * -(1.75**3) + 24 * np.sin(-2.0)),
                    1e8 * -24 * -1 * np.cos(-2.0),
                ],
                [1e8 * -24 * -1 * np.cos(-2.0), 1e8 * -12 * np.sin(-2.0)],
            ],
        ),
        # the mixed entry found at the shorter steps stands against one that agreed at
        # long steps (2 x0 x1 plus a log term, in units of 1e-8)
        (
            lambda v: (
                1e-8
                * (
                    2 * (v[0] / 1e-8) * (v[1] / 1e-8)
                    - 0.75 * np.log((v[0] / 1e-8) ** 2 + 1) / ((v[1] / 1e-8) ** 2 + 2)
                )
            ),
            [-1.75e-8, -1.75e-8],
            None,
        ),
    ],
)
def test_third_review_zeros_far_steps_and_mixed_steps(f, x, true):
    H = hessian(f, x)
    if true is None:  # the log case: its exact Hessian from sympy
        u, v = sp.symbols("u v")
        e = 2 * u * v - sp.Rational(3, 4) * sp.log(u**2 + 1) / (v**2 + 2)
        true = 1e-8 / 1e-16 * _true_hessian(e, (u, v), [-1.75, -1.75])
    true = np.array(true)
    row = np.abs(true).max(axis=1)
    scale = np.maximum(np.abs(true), np.sqrt(np.outer(row, row)))
    assert np.all(np.abs(H - true) <= 1e-6 * scale)


def test_third_review_a_dtype_numpy_cannot_read_is_not_a_raw_error():
    class Value:
        dtype = "float64"  # a string, as some array-likes give

        def __init__(self, v):
            self.v = v

        def __array__(self, dtype=None, copy=None):
            return np.asarray(self.v, dtype=dtype)

    H = hessian(lambda v: Value(v[0] ** 2 + v[0] * v[1]), [1.0, 2.0])
    assert H == pytest.approx(np.array([[2.0, 1.0], [1.0, 0.0]]), abs=1e-6)


def test_a_tiny_nonzero_coordinate_in_ordinary_units_keeps_ordinary_steps():
    # x0 = 1.5e-24 in a function whose features are of length 1: a difference at
    # |x0| / 8 agrees with the plain one within its rounding, so the search is not held
    # to steps of 1.5e-24 (that refused, or overflowed, before)
    f, expr, symbols, _ = SCALAR["sin(x)e^(yz^2)"]
    for x in ([1.5433007417039116e-24, 1.0, 2.0], [0.0, 1.5433007417039116e-24, 3.0]):
        true = _true_hessian(expr, symbols, x)
        H = hessian(f, x)
        assert np.max(np.abs(H - true)) <= 1e-6 * np.max(np.abs(true))


@pytest.mark.parametrize(
    ("f", "x", "true"),
    [
        # a difference at |x| / 8 that is only rounding does not hold the search to steps
        # of |x| (exp(x / 1e-6) at 1e-20 read 3.9e13 for 1)
        (lambda v: 1e-12 * np.exp(v[0] / 1e-6), [1e-20], [[1.0]]),
        # features of length 1e-6 at x = 1e-10: the estimate from steps longer than |x|
        # stands where the shorter steps' agrees with it (it was refused)
        (
            lambda v: 1e-12 * np.sin(v[0] / 1e-6) * v[1],
            [1e-10, 1.0],
            [[-np.sin(1e-4), 1e-6 * np.cos(1e-4)], [1e-6 * np.cos(1e-4), 0.0]],
        ),
        (
            lambda v: 1e-12 * np.cos(v[0] / 1e-6) * v[1],
            [1e-9, 1.0],
            [[-np.cos(1e-3), -1e-6 * np.sin(1e-3)], [-1e-6 * np.sin(1e-3), 0.0]],
        ),
    ],
)
def test_fourth_review_short_steps_only_where_a_short_difference_shows_f(f, x, true):
    H, true = hessian(f, x), np.array(true)
    row = np.abs(true).max(axis=1)
    scale = np.maximum(np.abs(true), np.sqrt(np.outer(row, row)))
    assert np.all(np.abs(H - true) <= 1e-6 * scale)


def test_fourth_review_a_plain_mixed_entry_from_huge_values_is_searched_not_kept():
    # exp(x0 / 1e-6) is 1e41 at x0 + h: the plain H01 was -8192.5 (for 0) within that
    # rounding and was kept; now it must agree with its search, and H00 (rounding-limited
    # beside the 1 of x1^2) is refused rather than 0.5% off
    with pytest.raises(ValueError, match=r"H\[0, 0\]"):
        hessian(lambda v: 1e-12 * np.exp(v[0] / 1e-6) + v[1] ** 2, [1e-12, 1.0])


def test_the_documented_cancellation_limit_of_the_checked_hessian():
    # hessian's Accuracy: cos x - 1 + x^2 / 2 as computed is exactly x^2 / 2 near 1e-8
    # (cos rounds to 1), and its Hessian there, 1, is what comes back, for 5e-17
    assert hessian(lambda x: np.cos(x) - 1 + x**2 / 2, 1e-8)[0, 0] == pytest.approx(1.0, rel=1e-9)
    assert 1 - np.cos(1e-8) == 0.0  # the cancellation that makes it so


@pytest.mark.parametrize("seed", range(8))
def test_sixth_review_an_ill_conditioned_quadratic_at_its_minimum_is_found(seed):
    # x^T A x / 2 - b^T x at A^-1 b: f is small, its quadratic terms are not, and their
    # rounding (eps |x|^T |A| |x| / 2) put the two differences 2e-7 apart: with the check
    # at 1e-7 (now 1e-6), 14 of 360 such Hessians (n = 5 to 30, condition 1e2 to 1e6)
    # were refused
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(10, 10)))
    A = Q @ np.diag(np.logspace(0, 4, 10)) @ Q.T
    A = (A + A.T) / 2
    b = rng.normal(size=10)
    H = hessian(lambda x: 0.5 * x @ A @ x - b @ x, np.linalg.solve(A, b))
    assert np.max(np.abs(H - A)) <= 1e-6 * np.max(np.abs(A))


@pytest.mark.parametrize(
    ("f", "x", "true"),
    [
        # a rounding allowance of eps |x|^T |H| |x| / 2 (tried, and dropped) let the check
        # pass these plain entries, 1.2e-3 and 8.8e-5 off
        (
            lambda v: (v[0] - v[1]) ** 2 + np.sin(1e3 * v[2]),
            [1e6, 1e6 + 0.5, 1.0],
            lambda x: np.array([[2, -2, 0], [-2, 2, 0], [0, 0, -1e6 * np.sin(1e3 * x[2])]]),
        ),
        (
            lambda v: np.sin(v.sum()),
            np.full(10, 100.0) + np.arange(10) * 0.1,
            lambda x: -np.sin(x.sum()) * np.ones((10, 10)),
        ),
    ],
)
def test_seventh_review_large_x_does_not_buy_a_wrong_entry_a_pass(f, x, true):
    H, exact = hessian(f, x), true(np.asarray(x))
    assert np.max(np.abs(H - exact)) <= 2e-6 * np.max(np.abs(exact))


def test_eighth_review_the_documented_rounding_counts_x_inside_f():
    # hessian's Accuracy: rounding about 100 eps (|f| + sum |x_k df/dx_k|) / h^2, which
    # 1e-5 from a zero of sin(500 x) is 3e-4 of the entry (its truncation, a^2 h^2 / 12,
    # hides in it, and the plain difference stands)
    a, eps = 500, np.finfo(float).eps
    x = (int(a / np.pi) * np.pi + 1e-5) / a
    H, true = hessian(lambda v: np.sin(a * v), x)[0, 0], -(a**2) * np.sin(a * x)
    h = eps**0.25 * max(1.0, abs(x))
    bound = 100 * eps * (abs(np.sin(a * x)) + abs(x * a * np.cos(a * x))) / h**2
    assert abs(H - true) <= 1.1 * bound
    assert abs(H - true) / abs(true) == pytest.approx(3.1e-4, rel=0.05)
