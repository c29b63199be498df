"""descend's findings of an adversarial review (issue 14, review round 5).

A gradient that fades on a tail is no stationary point; a strategy's step of the wrong
shape is named; tol must be below 1; a start where J = 0 is decided as gradient_descent
decides it; a subnormal f is told as such.
"""

from __future__ import annotations

import numpy as np
import pytest

from mvc.descent import descend

BOWL = lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2
ROUND = lambda v: (v[0] - 1) ** 2 + (v[1] - 0.5) ** 2

TAILS = [
    (lambda v: np.log1p(np.exp(-v[0])) + np.log1p(np.exp(-2 * v[1])), [0.0, 0.0], "newton"),
    (lambda v: np.exp(-v[0]) + v[1] ** 2, [0.0, 1.0], "hybrid"),
    (lambda v: np.exp(-v[0]) + v[1] ** 2, [0.0, 1.0], "newton"),
    (lambda v: np.exp(-v[0]), [0.0], "newton"),
    (lambda v: np.exp(-v[0]), [0.0], "hybrid"),
    (lambda v: 1e8 * np.exp(-v[0]), [0.0], "newton"),
]


@pytest.mark.parametrize("f, x0, strategy", TAILS)
def test_a_fading_tail_is_no_stationary_point(f, x0, strategy):
    # f falls toward a level it never reaches: J shrinks below tol |J(x0)| with no minimum
    result = descend(f, x0, strategy, max_iter=1000)
    assert not result.converged, result.message
    assert result.message.startswith("the gradient fades with no stationary point in sight")
    assert "stationary point (not checked" not in result.message


@pytest.mark.parametrize("strategy", ["newton", "hybrid", "steepest descent"])
def test_a_real_minimum_still_converges(strategy):
    result = descend(ROUND, [3.0, 2.0], strategy, max_iter=1000)
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, [1.0, 0.5], atol=1e-7)


def test_a_strategy_of_the_wrong_shape_is_named():
    with pytest.raises(ValueError, match=r"`strategy` must return shape \(2,\), got shape \(3,\)"):
        descend(lambda v: v @ v, [0.5, 1.0], lambda f, J, H: [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="`strategy` must return real numbers"):
        descend(lambda v: v @ v, [0.5, 1.0], lambda f, J, H: ["a", "b"])
    result = descend(lambda v: v @ v, [0.5, 1.0], lambda f, J, H: [np.inf, 0.0])
    assert not result.converged and "not finite" in result.message


@pytest.mark.parametrize("tol", [1.0, 5.0])
def test_tol_must_be_below_one(tol):
    with pytest.raises(ValueError, match="`tol` must be below 1"):
        descend(BOWL, [3.0, 2.0], "steepest descent", tol=tol)


@pytest.mark.parametrize("strategy", ["hybrid", "newton", "steepest descent", "fixed step"])
@pytest.mark.parametrize(
    "f, x0", [(lambda v: v[0] ** 2, [0.0]), (lambda v: v @ v, [0.0, 0.0]), (BOWL, [1.0, 0.0])]
)
def test_a_start_at_the_minimum_converges_there(f, x0, strategy):
    result = descend(f, x0, strategy)
    assert result.converged, result.message
    assert result.n_iter == 0
    np.testing.assert_array_equal(result.x, x0)


@pytest.mark.parametrize(
    "f, x0",
    [
        (lambda v: -(v[0] ** 2), [0.0]),
        (lambda v: v[0] ** 2 - v[1] ** 2, [0.0, 0.0]),
        (lambda v: v[0] * v[1], [0.0, 0.0]),  # falls only off the axes
        (lambda v: v[0] ** 3, [0.0]),  # an inflection
    ],
)
def test_a_start_at_a_maximum_saddle_or_inflection_is_not_converged(f, x0):
    result = descend(f, x0, "hybrid")
    assert not result.converged, result.message
    assert "not a minimum" in result.message


@pytest.mark.parametrize("c", [1e-310, 1e-315])
def test_a_subnormal_f_is_told_as_such(c):
    result = descend(lambda v: c * BOWL(v), [3.0, 2.0], "newton")
    assert "subnormal" in result.message
    assert "stationary point (not checked" not in result.message


@pytest.mark.parametrize("c", [1e-300, 1e-8, 1.0, 1e8, 1e300])
def test_the_verdict_on_a_bowl_does_not_depend_on_f_s_scale(c):
    result = descend(lambda v: c * BOWL(v), [3.0, 2.0], "newton")
    assert result.converged and "a minimum" in result.message, result.message
