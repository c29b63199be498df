"""gradient_descent's adversarial review, round 6 (issue 14).

A tail that underflows to 0 (exp(-x) from 0) is no inflection point: f is 0 at x and
ahead of it, so the run says that f has underflowed and levels off with no minimum this
way; a minimum whose values sink into the subnormal numbers is not called one.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mvc import gradient_descent


def exp_tail(v):
    return math.exp(-v[0])


@pytest.mark.parametrize(
    ("f", "x0"),
    [
        (exp_tail, [0.0]),
        (lambda x: math.exp(-x), 0.0),
        (lambda v: math.exp(-v[0]) + v[1] ** 2, [0.0, 1.0]),
        (lambda v: math.exp(-(v[0] ** 2)), [1.0]),
    ],
)
def test_a_tail_that_underflows_to_0_is_called_so_not_an_inflection(f, x0):
    result = gradient_descent(f, x0)
    assert result.converged is False
    if np.size(x0) == 2 and result.message.startswith("max_iter"):
        # e^-x + y^2: the valley in y (curvature 2) beside a tail whose curvature falls as
        # e^-x holds steepest descent's steps to ~1/2: it creeps along x (x ~ log of the
        # steps), as it does on any valley this narrow; then max_iter is the honest end
        assert result.x[0] > 10 and "inflection" not in result.message
        return
    assert result.message.startswith("f has underflowed to 0"), result.message
    assert "inflection" not in result.message
    x = np.atleast_1d(result.x)
    assert f(x if np.ndim(x0) else float(x[0])) == 0.0  # the oracle: f itself is 0 there
    assert result.fun == 0.0


def test_an_underflowed_tail_stops_where_f_first_reaches_0():
    result = gradient_descent(exp_tail, [0.0])
    before = float(result.history[-2, 0])
    assert 0 < math.exp(-before) < np.finfo(np.float64).tiny  # subnormal one step before
    assert float(result.x[0]) < 746  # exp(-x) underflows to 0 beyond 745.13


@pytest.mark.parametrize("scale", [1e-300, 1e-310])
def test_a_minimum_in_the_subnormal_numbers_is_not_called_an_underflowed_tail(scale):
    result = gradient_descent(lambda v: scale * (v[0] - 1) ** 2, [0.0])
    assert "underflowed" not in result.message, result.message
    np.testing.assert_allclose(result.x, [1.0], atol=1e-6)
