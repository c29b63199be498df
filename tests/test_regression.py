"""Tests of mvc.regression: closed forms and numpy's lstsq first, then scipy's reference fits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import curve_fit
from scipy.stats import linregress

from mvc import chi_squared, fit, linear_fit
from mvc.datasets import heights

RNG = np.random.default_rng(2026)
X = np.linspace(0, 10, 25)
Y = 2.5 * X - 4 + RNG.normal(0, 1.5, X.size)
SIGMA = RNG.uniform(0.5, 2.0, X.size)


def decay(x, a, k, c):
    return a * np.exp(-k * x) + c


XD = np.linspace(0, 5, 30)
YD = decay(XD, 4.0, 1.3, 0.5) + RNG.normal(0, 0.05, XD.size)


def gaussian(x, mu, sig):
    return np.exp(-((x - mu) ** 2) / (2 * sig**2)) / (sig * np.sqrt(2 * np.pi))


# --- chi_squared --------------------------------------------------------------------------


def test_chi_squared_is_the_weighted_sum_of_squares():
    assert chi_squared([1.0, 2.0], [0.0, 0.0]) == 5.0
    assert chi_squared([1.0, 2.0], [0.0, 0.0], sigma=[1.0, 2.0]) == 2.0
    assert chi_squared(Y, Y) == 0.0


# Residuals whose squares stay normal floats: below about 1e-154 the square is subnormal and
# keeps fewer significant digits, so no relative tolerance would hold (CI found 5e-160).
residual = st.one_of(st.just(0.0), st.floats(1e-100, 1e3), st.floats(-1e3, -1e-100))


@given(st.lists(residual, min_size=1, max_size=20), st.floats(0.1, 10))
@settings(max_examples=50, deadline=None)
def test_chi_squared_scales_as_one_over_sigma_squared(values, sigma):
    y = np.array(values)
    np.testing.assert_allclose(
        chi_squared(y, 0 * y, sigma), chi_squared(y, 0 * y) / sigma**2, rtol=1e-12
    )


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([1.0, 2.0], [1.0]), ValueError, "`y_model` must have 2 values"),
        (([1.0, np.nan], [1.0, 2.0]), ValueError, "`y` must be finite, got nan"),
        (([1.0, 2.0], [1.0, np.inf]), ValueError, "`y_model` must be finite"),
        (([1.0, 2.0], [1.0, 2.0], 0.0), ValueError, "`sigma` must be positive, got 0.0"),
        (([1.0, 2.0], [1.0, 2.0], [1.0, -1.0]), ValueError, "`sigma` must be positive, got -1.0"),
        (
            ([1.0, 2.0], [1.0, 2.0], [1.0, 1.0, 1.0]),
            ValueError,
            "`sigma` must be a number or hold 2",
        ),
        (([[1.0, 2.0]], [1.0, 2.0]), ValueError, "`y` must be a 1-D array"),
        ((["a"], [1.0]), TypeError, "`y` must be a real number"),
    ],
)
def test_chi_squared_bad_input_names_the_argument(args, error, match):
    with pytest.raises(error, match=match):
        chi_squared(*args)


# --- linear_fit ---------------------------------------------------------------------------


def test_linear_fit_equals_linregress():
    result, reference = linear_fit(X, Y), linregress(X, Y)
    np.testing.assert_allclose(result.params, [reference.slope, reference.intercept], rtol=1e-13)
    np.testing.assert_allclose(
        result.uncertainties, [reference.stderr, reference.intercept_stderr], rtol=1e-12
    )
    assert result.dof == X.size - 2 and result.converged and result.n_iter == 0
    np.testing.assert_allclose(
        result.chi2, np.sum((Y - result.params[0] * X - result.params[1]) ** 2), rtol=1e-12
    )
    np.testing.assert_allclose(result.reduced_chi2, result.chi2 / result.dof)


def test_weighted_linear_fit_equals_weighted_lstsq_and_curve_fit():
    A = np.column_stack([X, np.ones_like(X)]) / SIGMA[:, None]
    params = np.linalg.lstsq(A, Y / SIGMA, rcond=None)[0]
    covariance = np.linalg.inv(A.T @ A)
    result = linear_fit(X, Y, sigma=SIGMA)
    np.testing.assert_allclose(result.params, params, rtol=1e-12)
    np.testing.assert_allclose(result.covariance, covariance, rtol=1e-12)
    popt, pcov = curve_fit(lambda x, m, c: m * x + c, X, Y, sigma=SIGMA, absolute_sigma=True)
    np.testing.assert_allclose(result.params, popt, rtol=1e-7)
    np.testing.assert_allclose(result.covariance, pcov, rtol=1e-6)


def test_centring_x_decorrelates_slope_and_intercept():
    assert linear_fit(X, Y).covariance[0, 1] < 0  # x > 0: a steeper line needs a lower intercept
    centred = linear_fit(X - X.mean(), Y)
    assert abs(centred.covariance[0, 1]) < 1e-15 * centred.covariance[0, 0]
    np.testing.assert_allclose(centred.params[0], linear_fit(X, Y).params[0], rtol=1e-13)


def test_linear_fit_is_exact_on_a_line_far_from_the_origin():
    x = 1e6 + np.arange(5.0)
    result = linear_fit(x, 3 * x + 2, sigma=1.0)
    np.testing.assert_allclose(result.params, [3, 2], rtol=1e-9)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([1.0, 2.0, 3.0], [1.0, 2.0]), ValueError, "`y` must have 3 values"),
        (([1.0, 2.0], [1.0, 2.0]), ValueError, "at least 3 points"),
        (([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]), ValueError, "`x` must not be all equal"),
        (([1.0, 2.0, np.nan], [1.0, 2.0, 3.0]), ValueError, "`x` must be finite"),
        (([1.0, 2.0, 3.0], [1.0, np.nan, 3.0]), ValueError, "`y` must be finite"),
        (([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], -1.0), ValueError, "`sigma` must be positive"),
        ((["a", "b", "c"], [1.0, 2.0, 3.0]), TypeError, "`x` must be a real number"),
    ],
)
def test_linear_fit_bad_input_names_the_argument(args, error, match):
    with pytest.raises(error, match=match):
        linear_fit(*args)


# --- fit ----------------------------------------------------------------------------------


def test_lm_equals_curve_fit_parameters_and_covariance():
    result = fit(decay, XD, YD, [1.0, 1.0, 0.0])
    popt, pcov = curve_fit(decay, XD, YD, p0=[1.0, 1.0, 0.0])
    assert result.converged, result.message
    # curve_fit stops at its default xtol = 1.5e-8; both reach the same minimum.
    np.testing.assert_allclose(result.params, popt, rtol=1e-6)
    np.testing.assert_allclose(result.covariance, pcov, rtol=1e-5)
    np.testing.assert_allclose(result.chi2, np.sum((YD - decay(XD, *popt)) ** 2), rtol=1e-9)
    assert result.dof == XD.size - 3


def test_lm_with_sigma_equals_curve_fit_with_absolute_sigma():
    sigma = np.full(XD.size, 0.05)
    result = fit(decay, XD, YD, [1.0, 1.0, 0.0], sigma=sigma)
    popt, pcov = curve_fit(decay, XD, YD, p0=[1.0, 1.0, 0.0], sigma=sigma, absolute_sigma=True)
    np.testing.assert_allclose(result.params, popt, rtol=1e-6)
    np.testing.assert_allclose(result.covariance, pcov, rtol=1e-5)
    np.testing.assert_allclose(
        result.chi2, chi_squared(YD, decay(XD, *result.params), sigma), rtol=1e-12
    )


def test_lm_on_a_line_equals_the_closed_form():
    result, exact = (
        fit(lambda x, m, c: m * x + c, X, Y, [0.0, 0.0], sigma=SIGMA),
        linear_fit(X, Y, sigma=SIGMA),
    )
    np.testing.assert_allclose(result.params, exact.params, rtol=1e-10)
    np.testing.assert_allclose(
        result.covariance, exact.covariance, rtol=1e-7
    )  # central-difference J


@pytest.mark.parametrize("method", ["lm", "gauss-newton"])
def test_methods_reach_the_same_minimum(method):
    result = fit(decay, XD, YD, [3.0, 1.0, 0.3], method=method)
    popt, _ = curve_fit(decay, XD, YD, p0=[3.0, 1.0, 0.3], xtol=1e-14, ftol=1e-14)
    assert result.converged, result.message
    np.testing.assert_allclose(result.params, popt, rtol=1e-8)
    assert result.history.shape == (result.n_iter + 1, 3)
    np.testing.assert_array_equal(result.history[0], [3.0, 1.0, 0.3])


def test_steepest_descent_with_line_search_decreases_chi2_every_step():
    result = fit(
        lambda x, m, c: m * x + c, X, Y, [0.0, 0.0], method="steepest-descent", max_iter=200
    )
    chi2 = [chi_squared(Y, p[0] * X + p[1]) for p in result.history]
    assert np.all(np.diff(chi2) < 0)
    assert chi2[-1] < 1.01 * linear_fit(X, Y).chi2


def test_steepest_descent_reproduces_the_courses_path():
    # The lab: 50 steps of aggression 2000 on the histogram of heights from (155, 6), with the
    # lab's own gradient, dchi2/da = -2 (y - f) . df/da, written out by hand.
    x, y = heights()

    def dfdmu(x, mu, sig):
        return gaussian(x, mu, sig) * (x - mu) / sig**2

    def dfdsig(x, mu, sig):
        return gaussian(x, mu, sig) * ((x - mu) ** 2 / sig**3 - 1 / sig)

    p, path = np.array([155.0, 6.0]), [np.array([155.0, 6.0])]
    for _ in range(50):
        residual = y - gaussian(x, *p)
        p = p - 2000 * np.array([-2 * residual @ dfdmu(x, *p), -2 * residual @ dfdsig(x, *p)])
        path.append(p)
    result = fit(gaussian, x, y, [155.0, 6.0], method="steepest-descent", lr=2000, max_iter=50)
    # Central differences of the Jacobian agree with the hand derivatives to ~1e-10.
    np.testing.assert_allclose(result.history, path, rtol=1e-7)
    assert not result.converged and "max_iter = 50" in result.message
    assert result.n_iter == 50


def test_fit_takes_several_predictors_untouched():
    t, temperature = np.meshgrid([1.0, 2.0, 4.0, 8.0], [180.0, 225.0, 250.0])
    x = np.vstack([t.ravel(), temperature.ravel()])  # shape (2, 12), as curve_fit takes it
    model = lambda x, b1, b2, b3: b1 - b2 * x[0] * np.exp(-b3 * x[1])
    y = model(x, 2.6, 5e-3, 0.02)
    result = fit(model, x, y, [2.0, 1e-3, 0.01])
    assert result.converged, result.message
    np.testing.assert_allclose(result.params, [2.6, 5e-3, 0.02], rtol=1e-8)


def test_x_that_is_not_numbers_reaches_the_model_as_it_is():
    data = {"t": X, "offset": 4.0}
    seen = []

    def model(x, m):
        seen.append(x)
        return m * x["t"] - x["offset"]

    result = fit(model, data, Y, [1.0])
    assert all(x is data for x in seen)
    np.testing.assert_allclose(result.params, [np.sum(X * (Y + 4)) / np.sum(X**2)], rtol=1e-9)


@given(st.lists(st.tuples(st.floats(-100, 100), st.floats(-100, 100)), min_size=3, max_size=30))
@settings(max_examples=60, deadline=None)
def test_linear_fit_equals_polyfit(points):
    x, y = np.array(points).T
    assume(
        np.ptp(x) >= 1
    )  # x spread out: a well-conditioned line (polyfit's QR vs our centred sums)
    np.testing.assert_allclose(
        linear_fit(x, y).params, np.polyfit(x, y, 1), rtol=1e-8, atol=1e-9 * (1 + np.abs(y).max())
    )


def test_a_supplied_jacobian_is_used_and_agrees():
    calls = []

    def jac(x, a, k, c):
        calls.append(1)
        e = np.exp(-k * x)
        return np.column_stack([e, -a * x * e, np.ones_like(x)])

    with_jac = fit(decay, XD, YD, [1.0, 1.0, 0.0], jac=jac)
    without = fit(decay, XD, YD, [1.0, 1.0, 0.0])
    assert calls
    np.testing.assert_allclose(with_jac.params, without.params, rtol=1e-8)
    np.testing.assert_allclose(with_jac.uncertainties, without.uncertainties, rtol=1e-6)


def test_parameters_of_very_different_sizes_get_relative_steps():
    # b ~ 1e-7 next to b ~ 1e3: an absolute finite-difference step would swamp the small one.
    x = np.linspace(1, 100, 40)
    model = lambda x, a, b: a / (1 + b * x**3)
    y = model(x, 1e3, 2e-7)
    result = fit(model, x, y, [900.0, 1e-7])
    np.testing.assert_allclose(result.params, [1e3, 2e-7], rtol=1e-9)


def test_an_exact_fit_stops_at_chi2_zero():
    result = fit(lambda x, m, c: m * x + c, [0.0, 1.0, 2.0], [1.0, 3.0, 5.0], [2.0, 1.0])
    assert result.converged and result.chi2 == 0 and "chi^2 = 0" in result.message


# --- failures are results -------------------------------------------------------------------


def test_max_iter_reached_is_reported():
    result = fit(decay, XD, YD, [1.0, 1.0, 0.0], max_iter=2)
    assert not result.converged and "max_iter = 2" in result.message
    assert result.history.shape == (3, 3)


def test_gauss_newton_divergence_is_reported():
    # Far from the minimum the full Gauss–Newton step throws k negative: exp(-k x) overflows.
    x = np.linspace(0, 50, 30)
    result = fit(
        lambda x, a, k: a * np.exp(-k * x),
        x,
        3 * np.exp(-0.05 * x),
        [10.0, 3.0],
        method="gauss-newton",
    )
    assert not result.converged
    assert "Diverged" in result.message or "singular" in result.message
    assert np.all(np.isfinite(result.params)) and np.isfinite(result.chi2)


def test_gauss_newton_leap_to_overflow_is_reported_at_the_last_finite_point():
    # From k = 3 the first step makes k negative, and exp(-k x) overflows out at x = 300.
    x = np.linspace(0, 300, 30)
    result = fit(
        lambda x, a, k: a * np.exp(-k * x),
        x,
        3 * np.exp(-0.05 * x),
        [10.0, 3.0],
        method="gauss-newton",
    )
    assert not result.converged and "Diverged" in result.message
    np.testing.assert_array_equal(result.params, [10.0, 3.0])
    assert result.n_iter == 0 and result.history.shape == (1, 2)


@pytest.mark.parametrize("method", ["lm", "gauss-newton", "steepest-descent"])
@pytest.mark.parametrize("max_iter", [1, 3, 1000])
def test_history_has_a_row_per_iteration_and_starts_at_p0(method, max_iter):
    result = fit(decay, XD, YD, [3.0, 1.0, 0.3], method=method, max_iter=max_iter)
    assert result.history.shape == (result.n_iter + 1, 3)
    np.testing.assert_array_equal(result.history[0], [3.0, 1.0, 0.3])
    np.testing.assert_array_equal(result.history[-1], result.params)
    assert result.n_iter <= max_iter and result.message


def test_steepest_descent_with_too_large_a_step_diverges_and_says_so():
    result = fit(lambda x, m, c: m * x + c, X, Y, [0.0, 0.0], method="steepest-descent", lr=1.0)
    assert not result.converged and "Diverged" in result.message and "lr" in result.message
    assert np.all(np.isfinite(result.params))


def test_redundant_parameters_are_reported_with_infinite_uncertainties():
    result = fit(lambda x, a, b: a * b * x, X, Y, [1.0, 1.0])
    assert not result.converged and "singular" in result.message
    assert np.all(np.isinf(result.uncertainties))


def test_gauss_newton_singular_jacobian_is_reported():
    result = fit(lambda x, a, b: a * b * x, X, Y, [1.0, 1.0], method="gauss-newton")
    assert not result.converged and "singular" in result.message


def test_exceptions_of_the_model_pass_through():
    def model(x, a):
        raise ZeroDivisionError("the user's own error")

    with pytest.raises(ZeroDivisionError, match="the user's own error"):
        fit(model, X, Y, [1.0])


# --- bad input ------------------------------------------------------------------------------


def line(x, m, c):
    return m * x + c


@pytest.mark.parametrize(
    ("args", "options", "error", "match"),
    [
        ((line, X[:-1], Y, [1.0, 0.0]), {}, ValueError, "`x` must have 25 values"),
        ((line, X, Y[:-1], [1.0, 0.0]), {}, ValueError, "`x` must have 24 values"),
        (
            (line, X, np.where(X > 5, np.nan, Y), [1.0, 0.0]),
            {},
            ValueError,
            "`y` must be finite, got nan",
        ),
        (
            (line, np.where(X > 5, np.nan, X), Y, [1.0, 0.0]),
            {},
            ValueError,
            "`x` must be finite, got nan",
        ),
        ((line, X, Y, [1.0, np.nan]), {}, ValueError, "`p0` must be finite"),
        ((line, X, Y, [1.0, 0.0]), {"sigma": 0.0}, ValueError, "`sigma` must be positive"),
        ((line, X, Y, [1.0, 0.0]), {"sigma": -SIGMA}, ValueError, "`sigma` must be positive"),
        (
            (line, X, Y, [1.0, 0.0]),
            {"sigma": SIGMA[:3]},
            ValueError,
            "`sigma` must be a number or hold 25",
        ),
        (
            (line, X, Y, [1.0, 0.0, 2.0]),
            {},
            ValueError,
            "`p0` must hold as many parameters as `model`",
        ),
        ((line, X, Y, [1.0]), {}, ValueError, "`p0` must hold as many parameters"),
        (
            (lambda x, a: np.sqrt(a) * x, X, Y, [-1.0]),
            {},
            ValueError,
            "`model` at `p0` must return finite",
        ),
        (
            (lambda x, a: a * x[:3], X, Y, [1.0]),
            {},
            ValueError,
            r"`model` at `p0` must return shape \(25,\)",
        ),
        (
            (lambda x, a: np.sqrt(a) * x, X, Y, [0.0]),
            {},
            ValueError,
            "`model` must be finite near `p0`",
        ),
        ((line, X, Y, [1.0, 0.0]), {"method": "newton"}, ValueError, "`method` must be one of"),
        ((line, X, Y, [1.0, 0.0]), {"method": 3}, TypeError, "`method` must be a string"),
        (
            (line, X, Y, [1.0, 0.0]),
            {"lr": 0.1},
            ValueError,
            "`lr` is for method='steepest-descent' only",
        ),
        (
            (line, X, Y, [1.0, 0.0]),
            {"method": "steepest-descent", "lr": -1.0},
            ValueError,
            "`lr` must be positive",
        ),
        ((line, X, Y, [1.0, 0.0]), {"tol": 0.0}, ValueError, "`tol` must be positive"),
        ((line, X, Y, [1.0, 0.0]), {"max_iter": 0}, ValueError, "`max_iter` must be at least 1"),
        ((line, X, Y, [1.0, 0.0]), {"max_iter": 2.5}, TypeError, "`max_iter` must be an integer"),
        ((line, X, Y, [1.0, 0.0]), {"jac": "J"}, TypeError, "`jac` must be a callable"),
        (
            (line, X, Y, [1.0, 0.0]),
            {"jac": lambda x, m, c: np.ones((25, 3))},
            ValueError,
            r"`jac` at `p0` must return shape \(25, 2\)",
        ),
        (("line", X, Y, [1.0, 0.0]), {}, TypeError, "`model` must be a callable"),
        (
            (line, X[:2], Y[:2], [1.0, 0.0]),
            {},
            ValueError,
            "`y` must hold more points than `p0` has parameters",
        ),
    ],
)
def test_fit_bad_input_names_the_argument(args, options, error, match):
    with pytest.raises(error, match=match):
        fit(*args, **options)


@pytest.mark.parametrize("method", ["lm", "gauss-newton", "steepest-descent"])
def test_starting_at_an_exact_fit_stops_at_once(method):
    result = fit(line, [0.0, 1.0, 2.0], [1.0, 3.0, 5.0], [2.0, 1.0], method=method)
    assert result.converged and result.chi2 == 0, result.message
    assert np.all(np.isfinite(result.params))


@pytest.mark.parametrize("method", ["lm", "steepest-descent"])
def test_a_jacobian_that_stops_being_finite_is_reported(method):
    def jac(x, a):  # finite at the start, a = 3, not once a step takes a below 2
        return np.where(a >= 2, 1.0, np.nan) * x[:, None]

    x = np.linspace(1, 2, 5)
    result = fit(lambda x, a: a * x, x, 0 * x, [3.0], method=method, jac=jac)
    assert not result.converged and "Jacobian is not finite" in result.message
    assert result.params[0] < 2 and np.isinf(result.uncertainties[0])
    assert result.history.shape == (result.n_iter + 1, 1)


# --- issue 14: extreme magnitudes (item 11) -------------------------------------------------
# Every case is an exactly representable problem: the right line, never NaN, never a false
# "all equal", never a ZeroDivisionError; a chi^2 beyond the range of a float is said so.

XL = np.linspace(0, 10, 12)
YL = 2 * XL + 1 + np.random.default_rng(14).normal(0, 0.1, XL.size)


@pytest.mark.parametrize("sigma", [1e-160, 1e200])
def test_issue14_item11_linear_fit_with_extreme_sigma(sigma):
    reference, result = linear_fit(XL, YL, sigma=1.0), linear_fit(XL, YL, sigma=sigma)
    assert result.converged, result.message
    np.testing.assert_allclose(result.params, reference.params, rtol=1e-13)
    np.testing.assert_allclose(result.uncertainties, sigma * reference.uncertainties, rtol=1e-13)
    assert result.chi2 == (np.inf if sigma < 1 else 0.0)  # 4.7e+318 and 4.7e-402
    assert "beyond the range of a float" in result.message
    mantissa, exponent = result.message.split("chi^2 = ")[1].split()[0].split("e")
    np.testing.assert_allclose(
        np.log10(float(mantissa)) + int(exponent),
        np.log10(reference.chi2) - 2 * np.log10(sigma),
        atol=1e-3,
    )


@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_issue14_item11_linear_fit_with_extreme_x(scale):
    reference, result = linear_fit(XL, YL), linear_fit(XL * scale, YL)
    assert result.converged, result.message
    np.testing.assert_allclose(result.params, reference.params / [scale, 1], rtol=1e-12)
    np.testing.assert_allclose(
        result.uncertainties, reference.uncertainties / [scale, 1], rtol=1e-12
    )
    np.testing.assert_allclose(result.chi2, reference.chi2, rtol=1e-12)


def test_issue14_item11_a_line_beyond_the_range_of_floats_is_not_converged():
    result = linear_fit(XL * 1e-200, YL * 1e200)  # slope about 2e400
    assert not result.converged and "beyond the range of a float" in result.message
    assert "10^400" in result.message and not np.any(np.isnan(result.params))


def test_issue14_item11_x_values_that_differ_are_not_all_equal_however_small():
    x = np.array([1e-300, 2e-300, 3e-300])
    np.testing.assert_allclose(
        linear_fit(x, [1.0, 2.0, 3.0]).params, [1e300, 0], atol=1e-3, rtol=1e-12
    )


def test_issue14_item11_chi_squared_below_the_range_of_floats_is_zero_without_warnings():
    # 5e-400 is below the least float: 0 is the nearest float, not a false claim.
    assert chi_squared([1.0, 2.0], [0.0, 0.0], sigma=1e200) == 0.0


@pytest.mark.parametrize(
    ("y", "y_model", "sigma"),
    [([1.0, 2.0], [0.0, 0.0], 1e-200), ([1e200], [-1e200], None), ([1e308], [-1e308], None)],
)
def test_a_chi_squared_beyond_the_largest_float_is_refused_with_what_to_do(y, y_model, sigma):
    # adversarial finding 10: chi_squared([1e200], [-1e200]) returned inf with no word.
    # fit reports such a chi^2 in its message; a bare number cannot, so it raises.
    with pytest.raises(ValueError, match="`y`, `y_model` and `sigma`.*overflows.*larger unit"):
        chi_squared(y, y_model, sigma)


@given(
    st.sampled_from([1e-8, 1e8, 3e-8, 7e8]),
    st.sampled_from([1e-8, 1e8, 0.3]),
    st.integers(0, 2**32 - 1),
)
@settings(max_examples=25, deadline=None)
def test_linear_fit_is_unchanged_by_the_units_of_x_y_and_sigma(sx, sy, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, 15)
    y = rng.normal(0, 1, 15) + 3 * x
    sigma = rng.uniform(0.5, 2, 15)
    base, scaled = linear_fit(x, y, sigma), linear_fit(x * sx, y * sy, sigma * sy)
    np.testing.assert_allclose(
        scaled.params, base.params * [sy / sx, sy], rtol=1e-10, atol=1e-12 * sy
    )
    np.testing.assert_allclose(scaled.uncertainties, base.uncertainties * [sy / sx, sy], rtol=1e-10)
    np.testing.assert_allclose(scaled.chi2, base.chi2, rtol=1e-10)
    assert scaled.converged == base.converged


# --- issue 14: converged=True means chi^2 is at a minimum (items 4, 6, 11, 15) ---------------

XE = np.linspace(0, 3, 20)
YE = 3 * np.exp(-0.7 * XE) + np.random.default_rng(0).normal(0, 0.01, XE.size)


def growth(x, a, k):
    return a * np.exp(k * x)


def wrong_sign_jac(x, a, k):  # d/dk with the wrong sign
    return np.column_stack([np.exp(k * x), -a * x * np.exp(k * x)])


@pytest.mark.parametrize("method", ["lm", "steepest-descent"])
def test_issue14_item4_a_jac_with_the_wrong_sign_is_not_convergence(method):
    # It used to stop at chi^2 = 86 (the minimum is 0.0013) with converged=True: rejected trial
    # steps had shrunk below the step tolerance.
    minimum = fit(growth, XE, YE, [1.0, -0.5]).chi2
    result = fit(growth, XE, YE, [1.0, 0.5], jac=wrong_sign_jac, method=method)
    assert result.chi2 > 1e4 * minimum
    assert not result.converged
    assert "chi^2 is not shown to be at a minimum" in result.message
    assert "`jac` does not describe the model: its column 1 differs" in result.message


def test_issue14_item4_a_correct_jac_is_checked_and_accepted():
    def jac(x, a, k):
        return np.column_stack([np.exp(k * x), a * x * np.exp(k * x)])

    result = fit(growth, XE, YE, [1.0, 0.5], jac=jac)
    assert result.converged and "`jac`" not in result.message, result.message
    np.testing.assert_allclose(result.params, fit(growth, XE, YE, [1.0, 0.5]).params, rtol=1e-8)


def test_issue14_item4_steepest_descent_on_badly_scaled_parameters_never_claims_a_false_minimum():
    # a ~ 1e6 and b ~ 1e-3: steepest descent used to claim convergence in every one of these
    # cases, at chi^2 from 2 to 2e5 times the minimum. Now it converges only at the minimum.
    model = lambda x, a, b: a * 1e-6 * np.exp(b * 1e3 * x)
    x = np.linspace(0, 1, 20)
    for seed in range(8):
        rng = np.random.default_rng(seed)
        truth = np.array([rng.uniform(0.5, 5) * 1e6, rng.uniform(-2, 2) * 1e-3])
        y = model(x, *truth) + rng.normal(0, 0.01, x.size)
        p0 = truth * (1 + 0.3 * rng.standard_normal(2))
        best = fit(model, x, y, p0)
        assert best.converged, best.message
        result = fit(model, x, y, p0, method="steepest-descent")
        if result.converged:
            assert result.chi2 <= best.chi2 * (1 + 1e-8)
        else:
            assert "not shown to be at a minimum" in result.message
            assert "method='lm'" in result.message


@pytest.mark.parametrize("method", ["lm", "gauss-newton", "steepest-descent"])
def test_issue14_item6_chi2_overflowing_at_p0_gives_a_result(method):
    # exp(230 * 3) = 1e299 is finite; its square is not. This raised "zero-dimensional arrays
    # cannot be concatenated", LinAlgError or TypeError.
    result = fit(growth, XE, YE, [1.0, 230.0], method=method)
    assert isinstance(result.converged, bool) and result.message
    assert np.all(np.isfinite(result.params))
    if not result.converged:
        said = ("singular", "Not converged", "Diverged")  # GN may leap to where exp overflows
        assert any(word in result.message for word in said)


@pytest.mark.parametrize("method", ["lm", "gauss-newton", "steepest-descent"])
def test_issue14_item6_a_tiny_sigma_gives_the_same_fit_and_says_chi2_overflows(method):
    reference = fit(growth, XE, YE, [1.0, -0.5], sigma=1.0, method=method)
    result = fit(growth, XE, YE, [1.0, -0.5], sigma=1e-200, method=method)
    assert result.converged and reference.converged, result.message
    np.testing.assert_allclose(result.params, reference.params, rtol=1e-7)
    np.testing.assert_allclose(result.uncertainties, 1e-200 * reference.uncertainties, rtol=1e-5)
    assert result.chi2 == np.inf and "beyond the range of a float" in result.message


@pytest.mark.parametrize("sigma", [1e-160, 1e200])
def test_issue14_item11_fit_with_extreme_sigma(sigma):
    reference, result = (
        fit(line, XL, YL, [1.0, 0.0], sigma=1.0),
        fit(line, XL, YL, [1.0, 0.0], sigma=sigma),
    )
    assert result.converged, result.message
    np.testing.assert_allclose(result.params, reference.params, rtol=1e-9)
    np.testing.assert_allclose(result.uncertainties, sigma * reference.uncertainties, rtol=1e-6)
    assert result.chi2 == (
        np.inf if sigma < 1 else 0.0
    )  # not "chi^2 = 0, passes through every point"
    assert "beyond the range of a float" in result.message and "every point" not in result.message


@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_issue14_item11_fit_with_extreme_x(scale):
    exact = linear_fit(XL, YL).params
    result = fit(line, XL * scale, YL, [1.0 / scale, 0.0])
    assert result.converged, result.message
    np.testing.assert_allclose(result.params, exact / [scale, 1], rtol=1e-9)


def test_issue14_item15_mgh10_from_its_far_start():
    from mvc.datasets import nist

    problem = nist("MGH10")
    result = fit(problem.model, problem.x, problem.y, problem.starts[0])
    assert result.converged, result.message
    np.testing.assert_allclose(result.params, problem.certified, rtol=1e-6)


SCALES = [1e-8, 1e8, 3.7e-8, 2.9e8]


@given(
    st.sampled_from(SCALES),
    st.sampled_from(SCALES),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["lm", "gauss-newton"]),
)
@settings(max_examples=20, deadline=None)
def test_the_units_of_x_y_and_sigma_change_no_verdict(sx, sy, seed, method):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 5, 30)
    y = decay(x, 4.0, 1.3, 0.5) + rng.normal(0, rng.choice([1e-9, 0.05, 1.0]), x.size)
    sigma = rng.uniform(0.5, 2, x.size)
    p0 = np.array([4.0, 1.3, 0.5]) * (1 + rng.uniform(-0.5, 0.5, 3))
    base = fit(decay, x, y, p0, sigma=sigma, method=method)
    scaled = fit(decay, x * sx, y * sy, p0 * [sy, 1 / sx, sy], sigma=sigma * sy, method=method)
    assert scaled.converged == base.converged, (base.message, scaled.message)
    if base.converged:
        np.testing.assert_allclose(scaled.params, base.params * [sy, 1 / sx, sy], rtol=1e-6)
        np.testing.assert_allclose(scaled.chi2, base.chi2, rtol=1e-6)
