"""gradient_descent says "a minimum" only where the second-derivative test proves one (issue 14).

`second_order` gives three verdicts at a stationary point: DOWN (f's Hessian has an
eigenvalue below minus its error: a saddle), UP (positive definite beyond its error and
truncation: a minimum), UNDECIDED (an eigenvalue within its error of 0). Beyond 159
variables, UNSETTLED where Lanczos did not resolve the lowest curvature. A converged
message names which; only DOWN refutes convergence.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from mvc import _minimum, gradient_descent
from mvc.descent import _objective
from tests.test_descent_saddle import quadratic

CANNOT_TELL = "cannot tell a minimum from a degenerate saddle"
PROVED = "a minimum, f's Hessian there is positive definite"
#: The message ends with PROVED, or with PROVED and the distance the Newton step gives.
PROVED_END = re.escape(PROVED) + r"(; the Newton step \|H⁻¹∇f\| puts it about \S+ from x)?$"


@pytest.mark.parametrize(
    ("f", "why"),
    [
        # every line through 0 rises, but f < 0 between the parabolas y = x² and y = 3x²
        (lambda v: (v[1] - v[0] ** 2) * (v[1] - 3 * v[0] ** 2), "degenerate saddle"),
        # falls along x = 1.5 y²: f(1.5 t², t) = 1 - 1.25 t⁴
        (lambda v: 1 + v[0] ** 2 + v[1] ** 4 - 3 * v[0] * v[1] ** 2, "degenerate saddle"),
        # a true minimum, but its Hessian is 0: the test cannot prove it
        (lambda v: v[0] ** 4 + v[1] ** 4, "minimum, singular Hessian"),
    ],
)
def test_a_singular_hessian_at_0_is_not_called_a_minimum(f, why):
    result = gradient_descent(f, [0.0, 0.0])
    assert result.converged, (why, result.message)  # the gradient test passed: stationary
    assert CANNOT_TELL in result.message, (why, result.message)
    assert "checked as the minimum" not in result.message and PROVED not in result.message


def test_the_degenerate_saddles_really_fall():
    """The oracle: the two saddles above do fall from f(0), off every straight line."""
    t = 1e-2
    assert (2 * t**2 - t**2) * (2 * t**2 - 3 * t**2) < 0  # (y - x²)(y - 3x²) at y = 2x²
    assert 1 + (1.5 * t**2) ** 2 + t**4 - 3 * 1.5 * t**2 * t**2 < 1


def test_a_weak_saddle_is_seen_at_longer_steps():
    """1 + x² - 1e-10 y²: the fall along y is within the Hessian's error at its first
    steps (~1e-6 beside f = 1); steps 4096 times longer bring the error below 2e-10, and
    agree with the shorter ones, so it is a saddle."""
    result = gradient_descent(lambda v: 1 + v[0] ** 2 - 1e-10 * v[1] ** 2, [1.0, 0.0])
    assert result.converged is False, result.message
    assert "saddle point" in result.message


def test_a_weak_minimum_is_proved_at_longer_steps():
    """The mirror image, 1 + x² + 1e-10 y², is a minimum: positive definite once seen."""
    F, G = _objective(lambda v: 1 + v[0] ** 2 + 1e-10 * v[1] ** 2, None, False, np.ones(2))
    x = np.zeros(2)
    assert _minimum.second_order(F, G, x, F(x), np.ones(2)) == _minimum.UP


@pytest.mark.parametrize(
    ("f", "x0", "minimum"),
    [
        (lambda v: (v[0] - 1) ** 2 + 4 * (v[1] + 2) ** 2, [0.0, 0.0], [1.0, -2.0]),
        (lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2, [0.5, 0.5], [1.0, 1.0]),
    ],
)
def test_a_positive_definite_hessian_is_called_a_minimum(f, x0, minimum):
    result = gradient_descent(f, x0)
    assert result.converged, result.message
    assert re.search(PROVED_END, result.message), result.message
    np.testing.assert_allclose(result.x, minimum, atol=1e-5)  # tol 1e-8 of |∇f(x0)|


def test_x4_in_one_variable_says_f_second_derivative_is_0():
    F, G = _objective(lambda x: x**4, None, True, np.ones(1))
    x = np.zeros(1)
    assert _minimum.second_order(F, G, x, F(x), np.ones(1)) == _minimum.UNDECIDED
    assert "f''" in _minimum._kind(x, _minimum.UNDECIDED)


def test_the_whole_hessian_verdict_sees_its_truncation():
    """x⁴ + y⁴'s Hessian differenced at steps h is 2h² I, above its rounding error (f(0) =
    0): only the curvature at half the step, 4 times smaller, shows it is truncation."""
    F, G = _objective(lambda v: v[0] ** 4 + v[1] ** 4, None, False, np.ones(2))
    x, size = np.zeros(2), np.ones(2)
    H, error = _minimum._hessian(F, x, F(x), _minimum.steps(x, size, 1 / 4), 0.0)
    assert np.linalg.eigvalsh(H)[0] > error  # the one Hessian alone would say "up"
    assert _minimum.second_order(F, G, x, F(x), size) == _minimum.UNDECIDED


@pytest.mark.parametrize("with_grad", [False, True])
@pytest.mark.parametrize(
    ("lowest", "verdict"),
    [(0.5, "up"), (0.0, "undecided"), (-0.1, "down"), (1.0, "unsettled")],
)
def test_the_lanczos_verdict_in_300_dimensions(lowest, verdict, with_grad):
    """A lowest eigenvalue apart from the rest (0.5, 0 or -0.1 beside [1, 3]) settles in 40
    products; at the bottom of the spread [1, 3] it does not, and UP is not claimed."""
    A, _, x0 = quadratic(lowest)
    F, G = _objective(
        lambda v: 0.5 * v @ A @ v + 1.0, (lambda v: A @ v) if with_grad else None, False, x0
    )
    x = 1e-9 * x0
    assert not _minimum.whole_hessian(x.size)
    assert _minimum.second_order(F, G, x, F(x), G.sizes(x)) == verdict


@pytest.mark.parametrize("with_grad", [False, True])
def test_the_lanczos_verdict_sees_its_truncation(with_grad):
    """½ xᵀAx + (q·x)⁴ with A singular along q: the products' differences give a small
    positive curvature along q (the quartic's truncation), settled and above its error;
    at half the step it is 4 times smaller, so no minimum is claimed."""
    A, q, x0 = quadratic(0.0)
    grad = (lambda v: A @ v + 4 * (q @ v) ** 3 * q) if with_grad else None
    F, G = _objective(lambda v: 0.5 * v @ A @ v + (q @ v) ** 4, grad, False, x0)
    x = 1e-9 * x0
    found, error, ritz = _minimum.lowest_curvature(
        _minimum._hessian_product(F, G, x, G.sizes(x)), x.size
    )
    assert ritz is not None and found > 2 * error  # the Ritz value alone would say "up"
    assert _minimum.second_order(F, G, x, F(x), G.sizes(x)) == _minimum.UNDECIDED


def test_a_convex_quadratic_in_300_dimensions_says_which():
    A, _, x0 = quadratic(0.5)
    result = gradient_descent(lambda v: 0.5 * v @ A @ v + 1.0, x0, grad=lambda v: A @ v)
    assert result.converged and re.search(PROVED_END, result.message), result.message
    A, _, x0 = quadratic(1.0)
    result = gradient_descent(lambda v: 0.5 * v @ A @ v + 1.0, x0, grad=lambda v: A @ v)
    assert result.converged and "not resolved in 40 Hessian-vector products" in result.message
