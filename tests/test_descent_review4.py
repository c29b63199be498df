"""gradient_descent's remaining message and verdict findings (issue 14, review round 4).

Beyond 159 variables a saddle whose fall Lanczos cannot resolve is seen along an axis; the
snap to 0 names the steps it really tried, in one message; long vectors are shortened in
messages; a corner that the central difference straddles is called a corner, not a small
gradient.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from mvc import _minimum, gradient_descent
from mvc._scaling import EPS


def spread_saddle(delta: float, n: int = 200):
    """½ Σ a_i (x_i - 1)² - ½ δ x_n², a = geomspace(1, 1000): the fall -δ sits below a
    spectrum spread over 1..1000, which Lanczos does not resolve in 40 products."""
    a = np.geomspace(1.0, 1000.0, n - 1)
    x0 = np.ones(n)
    x0[0], x0[-1] = 2.0, 0.0
    return (lambda v: 0.5 * a @ (v[:-1] - 1) ** 2 - 0.5 * delta * v[-1] ** 2), x0


@pytest.mark.parametrize("delta", [0.1, 0.5])
def test_a_saddle_beyond_159_variables_is_seen_along_its_axis(delta):
    f, x0 = spread_saddle(delta)
    result = gradient_descent(f, x0)
    assert result.converged is False, result.message
    assert "saddle point" in result.message
    e = np.zeros(x0.size)
    e[-1] = 1.0
    assert f(result.x + e) < f(result.x)  # the oracle: f does fall along the last axis


def test_an_unsettled_verdict_says_a_fall_off_the_axes_can_go_unseen():
    message = _minimum._kind(np.ones(200), _minimum.UNSETTLED)
    assert "beyond 159 variables" in message and "off the axes" in message


def spy_origin(f):
    """gradient_descent(f, [1, 1]) and the largest |y| at which origin_is_minimum called f."""
    probes, original = [], _minimum.origin_is_minimum

    def spy(F, x, fx, size):
        def counted(y):
            probes.append(float(np.max(np.abs(y))))
            return F(y)

        return original(counted, x, fx, size)

    _minimum.origin_is_minimum = spy
    try:
        return gradient_descent(f, [1.0, 1.0]), max(probes)
    finally:
        _minimum.origin_is_minimum = original


def test_the_snap_message_names_the_longest_step_it_tried():
    result, longest = spy_origin(lambda v: v[0] ** 2 + 3 * v[1] ** 2)
    assert result.converged and "x0's scale" not in result.message, result.message
    stated = float(re.search(r"at steps (\S+) to", result.message).group(1))
    np.testing.assert_allclose(stated, longest, rtol=0.1)  # printed to one digit
    np.testing.assert_allclose(longest, EPS ** (1 / 3), rtol=1e-6)  # x0's size is 1


@pytest.mark.parametrize("verdict", [_minimum.UP, _minimum.UNDECIDED, _minimum.UNSETTLED])
@pytest.mark.parametrize("n", [1, 2, 200])
def test_the_snap_message_says_each_thing_once_and_briefly(verdict, n):
    x = np.full(n, 1e-9)
    message = _minimum._snapped(x, 0.0, 6e-6, 1e-145, verdict)
    assert message.count("falls") + message.count("fall ") <= 1, message
    assert len(message.split()) <= 50, (len(message.split()), message)


def test_every_converged_message_is_short():
    for verdict in (_minimum.UP, _minimum.UNDECIDED, _minimum.UNSETTLED):
        for x in (np.ones(1), np.ones(2)):
            message = f"converged: |∇f(x)| <= tol |∇f(x0)| = 1e-08: {_minimum._kind(x, verdict)}"
            assert len(message.split()) <= 50, (len(message.split()), message)


def test_a_long_vector_is_shortened_in_messages():
    x = np.ones(150)
    x[-1] = 0.0
    assert _minimum.show(x) == "[1, 1, 1, ..., 0] (150 values)"
    assert _minimum.show(np.array([1.0, 2.0, 3.0])) == "[1, 2, 3]"


def test_a_saddle_message_in_150_variables_is_readable():
    f, x0 = spread_saddle(0.5, n=150)
    result = gradient_descent(f, x0)
    assert result.converged is False and "saddle point" in result.message
    assert len(result.message) < 400, result.message


def test_a_corner_is_not_called_a_small_gradient():
    """|x - 1e-20|: the central difference straddles the corner and reads ~0; the true
    slope is -1 on the left and 1 on the right."""
    result = gradient_descent(lambda v: abs(v[0] - 1e-20), [1.0])
    assert result.converged, result.message
    assert "|∇f(x)| <=" not in result.message and "corner" in result.message, result.message
    assert "from -1 to 1" in result.message, result.message
    within = float(re.search(r"to within (\S+)$", result.message).group(1))
    assert abs(result.x[0] - 1e-20) <= within < 1e-6, result.message


@pytest.mark.parametrize(
    ("f", "x0"),
    [
        (lambda v: (v[0] - 1) ** 2 + 4 * (v[1] + 2) ** 2, [0.0, 0.0]),
        (lambda v: np.cosh(v[0] - 3.0), [1.0]),
        (lambda v: abs(v[0] - 2.0) ** 1.5, [1.0]),  # no corner: its slope is 0 at 2
    ],
)
def test_a_smooth_minimum_is_not_called_a_corner(f, x0):
    result = gradient_descent(f, x0)
    assert "corner" not in result.message, result.message
