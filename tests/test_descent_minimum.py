"""gradient_descent verifies a minimum at exactly 0, and at-the-minimum starts (issue 14).

A minimum at x = 0 with f = 0 was never verified: "within tol |x|" and "within f's
rounding" both shrink with x. The iterates are not accepted there; 0 itself is checked.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from mvc import gradient_descent


def quadratic(v):
    return v[0] ** 2 + 2 * v[1] ** 2 + 3 * v[2] ** 2 + v[0] * v[1]


def quadratic_grad(v):
    return np.array([2 * v[0] + v[1], 4 * v[1] + v[0], 6 * v[2]])


# --- 1. a minimum at exactly the origin --------------------------------------------------------


@pytest.mark.parametrize("with_grad", [False, True])
@pytest.mark.parametrize(("f_scale", "x_scale"), [(1, 1), (1e8, 1), (1e-8, 1), (1, 1e8), (1, 1e-8)])
def test_a_minimum_at_the_origin_converges_to_exactly_0(f_scale, x_scale, with_grad):
    # It reached |x| = 4.5e-22 and ended at max_iter; with f + 1 it converged in 29 steps.
    f = lambda v: f_scale * quadratic(v / x_scale)
    grad = (lambda v: f_scale * quadratic_grad(v / x_scale) / x_scale) if with_grad else None
    result = gradient_descent(f, np.full(3, x_scale), grad=grad)
    assert result.converged, result.message
    np.testing.assert_array_equal(result.x, np.zeros(3))
    assert result.fun == 0.0 and "checked" in result.message


def test_an_uneven_minimum_at_the_origin_converges_to_exactly_0():
    # x**2 + x**3: the central difference at 0 is h**2, not 0, at the usual step.
    result = gradient_descent(lambda x: x**2 + x**3, 0.5)
    assert result.converged, result.message
    assert result.x == 0.0


@pytest.mark.parametrize("with_grad", [False, True])
def test_a_saddle_reached_along_its_stable_manifold_is_not_a_minimum(with_grad):
    # x² - y² from [1, 0]: y stays 0, x shrinks to 0 (exactly, with grad): a saddle.
    grad = (lambda v: np.array([2 * v[0], -2 * v[1]])) if with_grad else None
    result = gradient_descent(lambda v: v[0] ** 2 - v[1] ** 2, [1.0, 0.0], grad=grad)
    assert result.converged is False
    assert "saddle" in result.message


@pytest.mark.parametrize("lift", [0.0, 1.0])
def test_a_saddle_that_falls_only_off_the_axes_is_not_a_minimum(lift):
    # x² + y² - 3xy falls along [1, 1] only; from [1, -1] descent shrinks toward 0 along
    # [1, -1], where f rises. Main called it a minimum (with grad; and with f + 1).
    f = lambda v: v[0] ** 2 + v[1] ** 2 - 3 * v[0] * v[1] + lift
    grad = lambda v: np.array([2 * v[0] - 3 * v[1], 2 * v[1] - 3 * v[0]])
    for given in (grad, None):
        result = gradient_descent(f, [1.0, -1.0], grad=given)
        assert result.converged is False, result.message


@pytest.mark.parametrize(
    "f", [lambda v: v[0] * v[1], lambda v: v[0] ** 2 + v[1] ** 2 - 3 * v[0] * v[1]]
)
def test_a_start_at_a_saddle_that_falls_only_off_the_axes_is_not_a_minimum(f):
    # The probes along the axes see f rise or stay flat; the Hessian sees it fall.
    result = gradient_descent(f, [0.0, 0.0])
    assert result.converged is False
    assert "saddle" in result.message


@pytest.mark.parametrize("c", [-1e-30, 1e-20, 1e-30])
def test_a_minimum_just_off_0_is_not_claimed_at_0_nor_at_a_far_iterate(c):
    # x² - 2cx: minimum at c. Main claimed x = 1.1e-23 for c = -5e-31 and c = 1e-30.
    f = lambda x: x**2 - 2 * c * x
    for grad in (None, lambda x: 2 * x - 2 * c):
        result = gradient_descent(f, 1.0, grad=grad)
        assert result.x != 0.0 or not result.converged
        if result.converged:
            assert abs(result.x - c) <= 1e-8 * abs(c), result.message


@pytest.mark.parametrize("x0", [1e15, 1e10, 1e8, -1e8])
def test_a_far_start_is_honest(x0):
    # (x - 1)² from 1e15 said converged at 1.00000005 (5e-8 away, tol 1e-8); 0 is no
    # candidate (∇f(0) = -2, f(0) > f(x)).
    for grad in (None, lambda x: 2 * (x - 1)):
        result = gradient_descent(lambda x: (x - 1) ** 2, x0, grad=grad)
        assert result.x != 0.0
        if result.converged:
            # within tol |x|, or farther, as the message then says (to 2 digits)
            stated = re.search(r"puts it about (\S+) from x$", result.message)
            distance = abs(result.x - 1)
            assert distance <= 1e-8 or (
                stated and abs(float(stated[1]) - distance) <= 0.05 * distance
            ), result.message
        else:
            assert "rounding" in result.message


# --- 2. starts at the minimum, and landings on it ----------------------------------------------


@pytest.mark.parametrize(
    ("f", "x0"),
    [
        (np.cosh, 0.0),
        (lambda x: 1 + x**2, 0.0),
        (lambda x: 1e8 + x**2, 0.0),
        (lambda v: np.sum((v - [1.0, -2.0, 5.0]) ** 2), [1.0, -2.0, 5.0]),
        # the minimum is 5e-7 off x0, its fall 2.5e-13 within f's rounding, 9e-8
        (lambda x: 1e8 + x**2 + 1e-6 * x, 0.0),
    ],
)
def test_a_start_at_the_minimum_with_a_constant_part_converges(f, x0):
    # They said "gradient lost in rounding" (the sum of squares: "line search failed").
    result = gradient_descent(f, x0)
    assert result.converged, result.message
    np.testing.assert_array_equal(result.x, x0)


@pytest.mark.parametrize(
    ("f", "x0"),
    [
        (lambda x: 1e8 + x**2 + 1e-3 * x, 0.0),  # minimum 5e-4 away: f falls 2.5e-7 there
        (lambda x: 1 + 1e-11 * x, 0.0),  # a slope with no minimum
        (lambda v: 1 + v[0] ** 2 + 1e-20 * v[1], [0.0, 0.0]),
    ],
)
def test_a_slope_hidden_in_rounding_at_the_start_is_not_a_minimum(f, x0):
    result = gradient_descent(f, x0)
    assert result.converged is False, result.message
    assert "inflection point" not in result.message or "hidden" in result.message


def test_the_right_grad_at_a_shifted_minimum_is_not_refuted():
    # Central differences at c ± h round unevenly: 2.2e-16 against a target of 0.
    c = np.array([1.0, -2.0, 5.0])
    result = gradient_descent(lambda v: np.sum((v - c) ** 2), c, grad=lambda v: 2 * (v - c))
    assert result.converged, result.message
    np.testing.assert_array_equal(result.x, c)


def test_a_landing_exactly_on_the_minimum_far_from_the_start_converges():
    # (x - 1)² from -1e8 lands on x = 1 to 1e-14, where differences round to 0.
    result = gradient_descent(lambda x: (x - 1) ** 2, -1e8)
    assert result.converged, result.message
    assert abs(result.x - 1) <= 1e-8


def test_an_inflection_with_its_right_grad_says_so():
    result = gradient_descent(lambda x: x**3, 0.0, grad=lambda x: 3 * x**2)
    assert result.converged is False
    assert "inflection" in result.message and "`grad`" not in result.message


def test_cos_from_beside_its_maximum_converges_at_pi():
    # tol |∇f(x0)| = 1e-17 is below the slope floats resolve at pi, eps pi: the Hessian
    # places the minimum within tol |x| instead.
    result = gradient_descent(np.cos, 1e-9)
    assert result.converged, result.message
    assert abs(result.x - np.pi) <= 1e-8 * np.pi
