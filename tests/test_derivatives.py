"""Tests of mvc.derivatives: closed forms first, then sympy, then identities."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mvc import derivative
from mvc.derivatives import DEFAULT_STEP, METHODS

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
    np.testing.assert_allclose(derivative(f, POINTS, method=method), exact(expr, POINTS),
                               rtol=TOLERANCE[method], atol=0)


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_central_error_within_truncation_plus_round_off(name):
    # |error| <= h^2 |f'''(x)| / 6 + eps |f(x)| / h: the bound the default step balances.
    # It holds for the "beast" too, whose large f''' makes its relative error ~1e-7.
    f, expr = SMOOTH[name]
    h = DEFAULT_STEP["central"] * np.maximum(1, np.abs(POINTS))
    third = exact(sp.diff(expr, t, 2), POINTS)
    bound = h**2 * np.abs(third) / 6 + EPS * np.abs(f(POINTS)) / h
    error = np.abs(derivative(f, POINTS) - exact(expr, POINTS))
    assert np.all(error <= 2 * bound), error / bound


def test_complex_step_is_exact_to_rounding_even_for_the_beast():
    f, expr = SMOOTH["beast"]
    np.testing.assert_allclose(derivative(f, POINTS, method="complex"), exact(expr, POINTS),
                               rtol=4 * EPS, atol=0)


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
    assert derivative(np.exp, 0.0, h=1e-3, method="forward") > 1 > derivative(
        np.exp, 0.0, h=1e-3, method="backward"
    )


def test_complex_step_has_no_round_off_even_at_tiny_h():
    assert derivative(np.exp, 1.0, h=1e-200, method="complex") == math.e


def test_default_steps_follow_the_error_orders():
    assert DEFAULT_STEP["forward"] == pytest.approx(EPS**0.5)
    assert DEFAULT_STEP["central"] == pytest.approx(EPS ** (1 / 3))


def test_default_step_scales_with_x():
    # At x = 1e8 an absolute step of 6e-6 would be lost in rounding; the scaled one is not.
    assert derivative(lambda x: x**2, 1e8) == pytest.approx(2e8, rel=1e-8)


def test_cost_in_function_evaluations():
    calls = []

    def f(x):
        calls.append(x)
        return np.sin(x)

    for method, cost in [("forward", 2), ("backward", 2), ("central", 2), ("complex", 1)]:
        calls.clear()
        derivative(f, np.linspace(0, 1, 7), method=method)
        assert len(calls) == cost, method


@settings(max_examples=50, deadline=None)
@given(st.floats(-50, 50), st.floats(-3, 3), st.floats(-3, 3))
def test_quadratic_exactly_with_central(a, b, x):
    # The central difference of a quadratic has no truncation error.
    got = derivative(lambda z: a * z**2 + b * z, x)
    assert got == pytest.approx(2 * a * x + b, abs=1e-6 * (1 + abs(a) * (1 + abs(x)) + abs(b)))


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
