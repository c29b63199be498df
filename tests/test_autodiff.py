"""Tests of mvc.autodiff: each rule against calculus, then whole networks against backprop."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mvc import derivative
from mvc.autodiff import Value
from mvc.datasets import heart
from mvc.nn import Network


def grad_of(f, *xs):
    """The gradient of f at the numbers xs, by the engine."""
    values = [Value(x) for x in xs]
    out = f(*values)
    out.backward()
    return out.data, [v.grad for v in values]


# (function of Values, the same on floats, its partial derivatives by hand), at (1.3, 0.7).
RULES = {
    "u + w": (lambda u, w: u + w, lambda u, w: (1.0, 1.0)),
    "u - w": (lambda u, w: u - w, lambda u, w: (1.0, -1.0)),
    "u * w": (lambda u, w: u * w, lambda u, w: (w, u)),
    "u / w": (lambda u, w: u / w, lambda u, w: (1 / w, -u / w**2)),
    "u ** 3": (lambda u, w: u**3 + 0 * w, lambda u, w: (3 * u**2, 0.0)),
    "u ** -0.5": (lambda u, w: u**-0.5 + 0 * w, lambda u, w: (-0.5 * u**-1.5, 0.0)),
    "-u": (lambda u, w: -u + 0 * w, lambda u, w: (-1.0, 0.0)),
    "2 + u, 2 - w": (lambda u, w: (2 + u) * (2 - w), lambda u, w: (2 - w, -(2 + u))),
    "2 * u, 2 / w": (lambda u, w: 2 * u + 2 / w, lambda u, w: (2.0, -2 / w**2)),
    "exp": (lambda u, w: (u * w).exp(), lambda u, w: (w * math.exp(u * w), u * math.exp(u * w))),
    "log": (lambda u, w: (u * w).log(), lambda u, w: (1 / u, 1 / w)),
    "tanh": (lambda u, w: u.tanh() * w, lambda u, w: ((1 - math.tanh(u) ** 2) * w, math.tanh(u))),
    "sigmoid": (
        lambda u, w: (u - w).sigmoid(),
        lambda u, w: (s := 1 / (1 + math.exp(w - u))) * (1 - s) * np.array([1.0, -1.0]),
    ),
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_rule_gives_the_derivative_by_hand(name):
    f, partials = RULES[name]
    _, grads = grad_of(f, 1.3, 0.7)
    np.testing.assert_allclose(grads, partials(1.3, 0.7), rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_value_and_rule_agree_with_central_differences(name):
    # Central differences: error ~ eps^(2/3) ~ 1e-10 relative.
    f, _ = RULES[name]
    data, grads = grad_of(f, 1.3, 0.7)
    along_u = derivative(lambda u: f(Value(u), Value(0.7)).data, 1.3)
    along_w = derivative(lambda w: f(Value(1.3), Value(w)).data, 0.7)
    np.testing.assert_allclose(grads, [along_u, along_w], rtol=1e-8, atol=1e-10)
    assert isinstance(data, float)


def test_a_value_used_twice_collects_both_contributions():
    # y = x·x + x: dy/dx = 2x + 1, the sum over both paths of the chain rule.
    _, (g,) = grad_of(lambda x: x * x + x, 3.0)
    assert g == 7.0


def test_backward_twice_gives_the_same_gradients():
    x = Value(0.4)
    y = (x * x).exp() * x
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad == first == pytest.approx(math.exp(0.16) * (1 + 2 * 0.16), rel=1e-14)


def test_a_long_chain_does_not_hit_the_recursion_limit():
    x = Value(1.0)
    y = x
    for _ in range(5000):
        y = y + x
    y.backward()
    assert x.grad == 5001.0


def test_sigmoid_does_not_overflow():
    for u, expected in [(-1000.0, 0.0), (1000.0, 1.0), (0.0, 0.5)]:
        assert Value(u).sigmoid().data == expected


def test_power_needs_a_number_exponent():
    with pytest.raises(TypeError):
        Value(2.0) ** Value(3.0)


@pytest.mark.parametrize(
    ("data", "error", "match"),
    [
        ("2.0", TypeError, "`data` must be a real number or an array of them, got '2.0'"),
        (None, TypeError, "`data` must be a real number"),
        (True, TypeError, "`data` must be a real number"),
        (1 + 2j, TypeError, "`data` must be real, got complex"),
        (float("nan"), ValueError, "`data` must be finite, got nan"),
        ([1.0, 2.0], ValueError, r"`data` must be a single number, got shape \(2,\)"),
    ],
)
def test_bad_data_names_the_argument(data, error, match):
    with pytest.raises(error, match=match):
        Value(data)


def test_a_plain_operand_is_checked_too():
    with pytest.raises(TypeError, match=r"`Value \+ other`: `other` must be a Value or a real"):
        Value(1.0) + "2"


# --- issue 14, item 12: no raw Python error, the right argument named -------------------


def test_issue_14_item_12_zero_to_the_zero_has_derivative_zero():
    """Item 12: (Value(0.) ** 0).backward() raised ZeroDivisionError; u^0 = 1 is constant."""
    u = Value(0.0)
    v = u**0
    v.backward()
    assert v.data == 1.0 and u.grad == 0.0
    w = Value(0.0)
    (w**2 + w**1).backward()  # 2u + 1 at 0: no division by zero for k >= 1 either
    assert w.grad == 1.0


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Value(1000.0).exp(), r"exp\(1000.0\) overflows: the result is beyond the largest"),
        (lambda: Value(-1.0).log(), r"log\(-1.0\) is not a real number: ln u needs u > 0"),
        (lambda: Value(0.0).log(), r"ln 0 is minus infinity"),
        (lambda: Value(1e200) * Value(1e200), r"1e\+200 \* 1e\+200 overflows"),
        (lambda: Value(1e200) ** 2, r"1e\+200 \*\* 2.0 overflows"),
        (lambda: Value(1e308) + 1e308, r"overflows"),
        (lambda: 1 / Value(0.0), r"1.0 / 0.0 divides by zero: the quotient is not a finite"),
    ],
)
def test_issue_14_item_12_overflow_and_domain_errors_are_clear(make, match):
    """Item 12: exp(1000) gave "math range error", log(-1) "math domain error"; now a
    ValueError saying which operation, at which value, and why (never inf or nan)."""
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "zero", [0, 0.0, -0.0, np.float64(0), np.float32(0), np.int64(0), Value(0.0)], ids=repr
)
@pytest.mark.parametrize("u", [1.0, 0.0])
def test_issue_14_s6_every_division_by_zero_is_the_same_clear_error(u, zero):
    """Value(1.0) / 0 raised Python's "0.0 cannot be raised to a negative power" (a power
    never written), / np.float64(0) warned "divide by zero" and blamed "`other` must be
    finite, got inf", / np.int64(0) numpy's "Integers to negative integer powers"; only
    / Value(0.0) was clear. Now each, and n / Value(0.0), is that ValueError, with no warning."""
    for divide in (lambda: Value(u) / zero, lambda: u / Value(0.0)):
        with pytest.raises(ValueError, match=rf"{u!r} / -?0.0 divides by zero"):
            divide()


def test_division_is_one_operation_with_its_own_rule():
    """u / w is finite where w^-1 overflows (0 / 5e-324, 1e-300 / 1e-310): no error then,
    and an overflow of the quotient is named as the division, not as a power."""
    assert (Value(0.0) / 5e-324).data == 0.0
    assert (Value(1e-300) / Value(1e-310)).data == pytest.approx(1e10)
    with pytest.raises(ValueError, match=r"1.0 / 5e-324 overflows"):
        Value(1.0) / 5e-324
    u, w = Value(3.0), Value(-2.0)
    (u / w).backward()
    assert (u.grad, w.grad) == (pytest.approx(-0.5), pytest.approx(-0.75))


def test_exp_just_below_overflow_is_fine():
    assert Value(709.0).exp().data == pytest.approx(math.exp(709.0))


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (
            lambda: Value(2.0) + float("nan"),
            ValueError,
            r"`Value \+ other`: `other` must be finite",
        ),
        (lambda: float("nan") + Value(2.0), ValueError, r"`other` must be finite, got nan"),
        (
            lambda: Value(2.0) * float("inf"),
            ValueError,
            r"`Value \* other`: `other` must be finite",
        ),
        (lambda: Value(2.0) - float("nan"), ValueError, r"`other` must be finite"),
        (lambda: Value(2.0) / float("nan"), ValueError, r"`k`|`other`"),
        (lambda: Value(2.0) ** float("nan"), ValueError, r"`Value \*\* k`: `k` must be finite"),
        (lambda: Value(2.0) * "3", TypeError, r"`Value \* other`: `other` must be a Value or a"),
    ],
)
def test_issue_14_item_12_a_bad_operand_is_named_as_the_operand(make, error, match):
    """Item 12: Value(2.) + nan blamed "`data`", the argument of Value(); it is the operand."""
    with pytest.raises(error, match=match):
        make()


def test_an_infinite_derivative_is_an_error_in_backward():
    u = Value(0.0)
    v = u**0.5  # sqrt(0) = 0 is fine; its slope is not
    assert v.data == 0.0
    with pytest.raises(ValueError, match=r"derivative of u \*\* 0.5 at u = 0.0 is infinite"):
        v.backward()


def test_a_gradient_that_overflows_in_backward_is_an_error():
    u = Value(1e200)
    v = (u * 1e-200) * 1e200  # the value is finite; d v / d u = 1
    v.backward()
    assert u.grad == pytest.approx(1.0)
    w = Value(1e-300)
    z = w**0.5 * 1e300  # d z / d w = 0.5 w^-0.5 * 1e300 = 5e449
    with pytest.raises(ValueError, match="backward overflowed"):
        z.backward()


def test_numpy_scalars_are_accepted():
    assert Value(np.float32(0.5)).data == 0.5 and Value(np.int64(3)).data == 3.0


def test_a_fractional_power_of_a_negative_value_is_refused():
    with pytest.raises(ValueError, match=r"u \*\* 0.5 is not real for u = -4.0"):
        Value(-4.0) ** 0.5
    assert (Value(-2.0) ** 3).data == -8.0


def test_repr_shows_data_and_grad():
    assert repr(Value(2)) == "Value(data=2.0, grad=0.0)"


# --- whole networks: the engine against hand-derived backpropagation ----------------------

ACTIVATE = {"sigmoid": np.frompyfunc(Value.sigmoid, 1, 1), "tanh": np.frompyfunc(Value.tanh, 1, 1)}


def autodiff_gradients(net, x, y):
    """The network's cost built from Values, differentiated by the engine."""
    wrap = np.frompyfunc(Value, 1, 1)
    W, b = [wrap(w) for w in net.weights], [wrap(c) for c in net.biases]
    a = x.astype(object)
    for Wn, bn in zip(W, b, strict=True):
        a = ACTIVATE[net.activation](Wn @ a + bn)  # a⁽ⁿ⁾ = σ(W⁽ⁿ⁾a⁽ⁿ⁻¹⁾ + b⁽ⁿ⁾)
    error = a - y
    cost = (error * error).sum() / x.shape[1]
    cost.backward()
    grads = np.frompyfunc(lambda v: v.grad, 1, 1)
    return cost.data, [grads(p).astype(float) for p in W + b]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("sizes", [[1, 1], [2, 3, 2], [1, 6, 7, 2], [3, 2, 2, 1]], ids=str)
def test_autodiff_equals_backpropagation(sizes, activation):
    rng = np.random.default_rng(1)
    net = Network(sizes, activation=activation, rng=2)
    if sizes[0] == 1 and sizes[-1] == 2:
        x, y = heart(12)
    else:
        x, y = rng.standard_normal((sizes[0], 7)), rng.uniform(size=(sizes[-1], 7))
    cost, grads = autodiff_gradients(net, x, y)
    dW, db = net.gradients(x, y)
    # Both are exact up to rounding; only the order of the sums differs.
    assert cost == pytest.approx(net.cost(x, y), rel=1e-13)
    for got, want in zip(grads, dW + db, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-15)


# adversarial finding 10: a Value exponent is refused by a TypeError that says what to write
def test_number_to_the_power_of_a_value_names_the_exponent():
    with pytest.raises(TypeError, match="`\\*\\*` needs a number as the exponent"):
        2 ** Value(3.0)
    with pytest.raises(TypeError, match="`\\*\\*` needs a number as the exponent.*u.log"):
        Value(2.0) ** Value(3.0)  # Python never asks the right operand's __rpow__ here
