"""Tests of mvc.gradcheck: known gradients pass, wrong ones fail, the step is the documented one."""

from __future__ import annotations

import numpy as np
import pytest

from mvc.datasets import heart
from mvc.gradcheck import check_gradient, check_network
from mvc.nn import Network

A = np.array([[2.0, 1.0, 0.0], [-1.0, 3.0, 0.5], [0.0, 0.2, 1.0]])


def quadratic(x):
    return x @ A @ x


def quadratic_gradient(x):  # ∇(xᵀAx) = (A + Aᵀ)x
    return (A + A.T) @ x


POINT = np.array([0.3, -1.2, 2.0])


def test_a_right_gradient_passes():
    # A quadratic has no truncation error: only round-off, ~eps |f| / h ~ 1e-10.
    assert check_gradient(quadratic, quadratic_gradient, POINT) < 1e-9


def test_a_wrong_gradient_fails():
    assert check_gradient(quadratic, lambda x: 2 * A @ x, POINT) > 0.1


def test_error_is_relative_to_the_largest_component():
    # d = (3, 0) exactly; claiming (3, 0.03) is off by 0.03, 1% of the gradient's size.
    error = check_gradient(lambda x: 3 * x[0], lambda x: np.array([3.0, 0.03]), [1.0, 1.0])
    assert error == pytest.approx(0.01, rel=1e-8)


def test_a_zero_gradient_checks_as_zero():
    assert check_gradient(lambda x: 5.0, lambda x: np.zeros(2), [1.0, 2.0]) == 0.0


def test_given_step_is_used():
    # For f = x³ the central difference is 3x² + h² exactly: at x = 1 the error is
    # h² relative to the larger of 3 and 3 + h².
    error = check_gradient(lambda x: x**3, lambda x: 3 * x**2, 1.0, h=1e-2)
    assert error == pytest.approx(1e-4 / (3 + 1e-4), rel=1e-6)


def test_issue_14_item_13_a_scalar_x_reaches_f_and_grad_as_a_number():
    """Item 13: with a scalar x, f and grad got a (1,) array; they get the number, as
    mvc.gradient and mvc.derivative give it, and grad may return a number."""
    seen = []

    def f(x):
        seen.append(np.shape(x))
        return np.sin(x)

    def grad(x):
        seen.append(np.shape(x))
        return np.cos(x)

    assert check_gradient(f, grad, 0.7) < 1e-9
    assert set(seen) == {()}
    assert check_gradient(f, lambda x: np.array([np.cos(x)]), 0.7) < 1e-9  # or shape (1,)
    assert check_gradient(f, lambda x: np.sin(x), 0.7) > 0.1
    assert check_gradient(lambda v: np.sin(v[0]), lambda v: np.cos(v), [0.7]) < 1e-9  # 1-D stays
    with pytest.raises(ValueError, match=r"`grad` at `x` must return shape \(1,\)"):
        check_gradient(f, lambda x: np.array([1.0, 2.0]), 0.7)


def test_a_given_step_is_one_difference_per_coordinate():
    calls = []

    def f(x):
        calls.append(x.copy())
        return float(x @ x)

    check_gradient(f, lambda x: 2 * x, [0.5, 100.0], h=1e-3)
    assert len(calls) == 4
    steps = np.abs(calls[0] - np.array([0.5, 100.0])) + np.abs(calls[-1] - np.array([0.5, 100.0]))
    np.testing.assert_allclose(steps, [1e-3, 1e-3], rtol=1e-6)


def test_default_cost_is_that_of_derivative_per_coordinate():
    # mvc.derivative's search and its check, along each axis: at most 82 evaluations each
    # (none of these is searched again), and one of f(x)
    calls = []
    check_gradient(lambda x: calls.append(1) or float(np.sum(x**2)), lambda x: 2 * x, np.ones(4))
    assert 4 * 4 < len(calls) <= 4 * 82 + 1


def test_check_network_catches_a_wrong_backpropagation():
    net = Network([1, 6, 7, 2], rng=0)
    x, y = heart(20)
    assert check_network(net, x, y) < 1e-8
    net._dsigma = lambda a: a * (1 - a) * 1.01  # σ' off by 1%
    assert check_network(net, x, y) > 1e-3


def test_check_network_leaves_the_network_as_it_was():
    net = Network([2, 3, 1], rng=0)
    before = [p.copy() for p in net.weights + net.biases]
    check_network(net, [[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]])
    for p, p0 in zip(net.weights + net.biases, before, strict=True):
        np.testing.assert_array_equal(p, p0)


# --- bad input: one test per branch -------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": 1.0}, TypeError, "`f` must be a callable"),
        ({"grad": [1.0, 2.0]}, TypeError, "`grad` must be a callable"),
        ({"x": [[1.0, 2.0]]}, ValueError, r"`x` must be a number or a 1-D array .*shape \(1, 2\)"),
        ({"x": [1.0, np.nan]}, ValueError, "`x` must be finite, got nan"),
        ({"x": []}, ValueError, "`x` must not be empty"),
        ({"x": "1"}, TypeError, "`x` must be a real number"),
        ({"h": 0.0}, ValueError, "`h` must be positive and finite, got 0.0"),
        ({"grad": lambda x: x[:1]}, ValueError, r"`grad` at `x` must return shape \(2,\)"),
        ({"grad": lambda x: x * np.nan}, ValueError, "`grad` at `x` must return finite values"),
        ({"f": lambda x: x}, ValueError, r"`f` near `x` must return a single number, got shape"),
        ({"f": lambda x: np.log(x[0] - 1)}, ValueError, "`f` near `x` must return finite values"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, match):
    args = {"f": lambda x: float(x @ x), "grad": lambda x: 2 * x, "x": [1.0, 2.0]} | kwargs
    with pytest.raises(error, match=match):
        check_gradient(args.pop("f"), args.pop("grad"), args.pop("x"), **args)


def test_check_network_needs_a_network():
    with pytest.raises(TypeError, match="`net` must be an mvc.nn.Network, got list"):
        check_network([1, 2], [[0.0]], [[0.0]])


def test_check_network_checks_the_data():
    with pytest.raises(ValueError, match=r"`y` must have shape \(1, 2\)"):
        check_network(Network([2, 1], rng=0), [[0.0, 1.0], [1.0, 0.0]], [[0.0]])


def test_errors_raised_by_the_users_function_pass_through():
    def f(x):
        raise KeyError("from f")

    with pytest.raises(KeyError, match="from f"):
        check_gradient(f, lambda x: x, [1.0])


# --- round 3, finding 7: a right gradient is never called wrong, at any magnitude -------


@pytest.mark.parametrize(
    ("f", "grad", "x"),
    [
        (lambda x: 1 / x, lambda x: -1 / x**2, 1e-6),  # a fixed step of 6e-6 spans the pole
        (lambda x: np.log(x), lambda x: 1 / x, 1e-7),  # ... and leaves log's domain
        (lambda v: np.sin(v[0]), lambda v: np.cos(v), [1e8]),  # a step of 600 spans periods
        (lambda v: v @ v + 1e10, lambda v: 2 * v, [1.0, 2.0]),  # rounding of 1e10 over 6e-6
        (lambda v: np.exp(-(v @ v)), lambda v: -2 * v * np.exp(-(v @ v)), [1e-5, 3e-7]),
        (
            lambda v: 1e8 * np.sin(v[0] * 1e-8) * v[1],
            lambda v: np.array([np.cos(v[0] * 1e-8) * v[1], 1e8 * np.sin(v[0] * 1e-8)]),
            [3e7, 2.0],
        ),
    ],
)
def test_round3_finding_7_a_right_gradient_passes_at_every_magnitude(f, grad, x):
    assert check_gradient(f, grad, x) < 1e-6


@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e8])
def test_round3_finding_7_check_network_is_scale_free_in_the_targets(scale):
    net = Network([1, 6, 7, 2], rng=0)
    x, y = heart(20)
    try:
        assert check_network(net, x, y * scale) < 1e-6
    except ValueError as error:  # at 1e8, C = mean (a - y)^2 loses a's digits in a - y
        assert scale == 1e8
        assert "cannot check this gradient" in str(error)
    net._dsigma = lambda a: a * (1 - a) * 1.01  # σ' off by 1%: still caught
    assert check_network(net, x, y * scale) > 1e-4


def test_round3_finding_7_a_check_that_cannot_resolve_says_so():
    # f = 1e20 + x: its slope 1 is below the rounding of 1e20 at any step a check could take
    with pytest.raises(ValueError, match="cannot check"):
        check_gradient(lambda v: 1e20 + v[0], lambda v: np.ones(1), [1.0])
