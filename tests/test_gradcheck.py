"""Tests of mvc.gradcheck: known gradients pass, wrong ones fail, the step is the documented one."""

from __future__ import annotations

import numpy as np
import pytest

from mvc.datasets import heart
from mvc.derivatives import DEFAULT_STEP
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


def test_default_step_scales_with_x():
    calls = []

    def f(x):
        calls.append(x.copy())
        return float(x @ x)

    check_gradient(f, lambda x: 2 * x, [0.5, 100.0])
    steps = np.abs(calls[0] - np.array([0.5, 100.0])) + np.abs(calls[-1] - np.array([0.5, 100.0]))
    h = DEFAULT_STEP["central"]  # times max(1, |x_i|), as in mvc.derivative
    np.testing.assert_allclose(steps, [h, 100 * h], rtol=1e-6)


def test_cost_is_two_evaluations_per_coordinate():
    calls = []
    check_gradient(lambda x: calls.append(1) or float(np.sum(x**2)), lambda x: 2 * x, np.ones(4))
    assert len(calls) == 8


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
