"""Tests of mvc.lagrange: the course's x^2 y on a circle, its practice problem, scipy, failures."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize

from mvc import lagrange_multipliers
from mvc.lagrange import bordered_hessian, classify

A = 2.0  # the circle's radius
X2Y = lambda v: v[0] ** 2 * v[1]
CIRCLE = lambda v: v[0] ** 2 + v[1] ** 2 - A**2
# The course's practice: f = exp(-(2x^2 + y^2 - xy)/2) on x^2 + 3(y + 1)^2 = 1.
PRACTICE_F = lambda v: np.exp(-(2 * v[0] ** 2 + v[1] ** 2 - v[0] * v[1]) / 2)
PRACTICE_G = lambda v: v[0] ** 2 + 3 * (v[1] + 1) ** 2 - 1


@pytest.mark.parametrize(("sx", "sy"), [(1, 1), (-1, 1), (1, -1), (-1, -1)])
def test_the_four_points_of_x2y_on_a_circle(sx, sy):
    result = lagrange_multipliers(X2Y, CIRCLE, [sx * 1.0, sy * 1.5])
    expected = A / np.sqrt(3) * np.array([sx * np.sqrt(2), sy * 1.0])  # (a/√3)(±√2, ±1)
    assert result.converged
    # ∇L comes from central differences, relative error ~ eps^(2/3) ~ 4e-11.
    np.testing.assert_allclose(result.x, expected, rtol=1e-10)
    # ∇f = λ∇g: 2xy = λ 2x gives λ = y; the sign convention L = f - λ g.
    np.testing.assert_allclose(result.multipliers, [expected[1]], rtol=1e-9)
    assert result.fun == X2Y(result.x)
    kind = classify(X2Y, CIRCLE, result.x, result.multipliers)
    assert kind == ("maximum" if sy > 0 else "minimum")


def test_multiplier_is_the_rate_of_change_of_the_optimum():
    # The maximum of x^2 y on x^2 + y^2 = c is 2 (c/3)^{3/2}; d/dc of it is λ.
    c = A**2
    result = lagrange_multipliers(X2Y, CIRCLE, [1.0, 1.5])
    np.testing.assert_allclose(result.multipliers[0], np.sqrt(c / 3), rtol=1e-10)
    np.testing.assert_allclose(result.fun, 2 * (c / 3) ** 1.5, rtol=1e-10)


@pytest.mark.parametrize("x0", [[1.0, -1.0], [-1.0, -1.0], [0.0, -0.5], [0.0, -1.5]])
def test_practice_problem_agrees_with_scipy_slsqp(x0):
    result = lagrange_multipliers(PRACTICE_F, PRACTICE_G, x0)
    assert result.converged
    kind = classify(PRACTICE_F, PRACTICE_G, result.x, result.multipliers)
    sign = -1 if kind == "maximum" else 1
    reference = scipy.optimize.minimize(
        lambda v: sign * PRACTICE_F(v),
        result.x + 0.01,
        method="SLSQP",
        constraints={"type": "eq", "fun": PRACTICE_G},
        options={"ftol": 1e-14},
    )
    np.testing.assert_allclose(result.x, reference.x, atol=1e-6)  # SLSQP's own accuracy
    np.testing.assert_allclose(PRACTICE_G(result.x), 0, atol=1e-12)
    grad_f = np.array([(-2 * result.x[0] + result.x[1] / 2), (-result.x[1] + result.x[0] / 2)])
    grad_g = np.array([2 * result.x[0], 6 * (result.x[1] + 1)])
    np.testing.assert_allclose(result.fun * grad_f, result.multipliers[0] * grad_g, atol=1e-9)


def test_two_constraints():
    # Extremes of x + y + z on the unit sphere and the plane x = y.
    g = lambda v: np.array([v @ v - 1, v[0] - v[1]])
    result = lagrange_multipliers(lambda v: v.sum(), g, [1.0, 1.0, 1.0])
    assert result.converged and result.multipliers.shape == (2,)
    np.testing.assert_allclose(result.x, np.full(3, 1 / np.sqrt(3)), rtol=1e-10)
    np.testing.assert_allclose(result.multipliers, [np.sqrt(3) / 2, 0], atol=1e-10)
    assert classify(lambda v: v.sum(), g, result.x, result.multipliers) == "maximum"


def test_bordered_hessian_closed_form():
    B = bordered_hessian(X2Y, CIRCLE, [1.0, 2.0], [0.5])
    # H_L = [[2y - 2λ, 2x], [2x, -2λ]], border -∇g = -[2x, 2y].
    expected = np.array([[3.0, 2.0, -2.0], [2.0, -1.0, -4.0], [-2.0, -4.0, 0.0]])
    np.testing.assert_allclose(B, expected, atol=1e-7)  # hessian's error ~ eps^(1/2)


def test_classify_saddle_and_degenerate():
    # x^2 - y^2 - z^2 on the plane z = 0 at the origin: a saddle within the plane.
    f = lambda v: v[0] ** 2 - v[1] ** 2 - v[2] ** 2
    assert classify(f, lambda v: v[2], [0.0, 0.0, 0.0], [0.0]) == "saddle"
    assert classify(lambda v: v[0] + v[1], lambda v: v[0] - v[1], [0.0, 0.0], [1.0]) == "degenerate"


# --- failures ----------------------------------------------------------------------


def test_singular_where_the_constraint_gradient_vanishes():
    result = lagrange_multipliers(X2Y, CIRCLE, [0.0, 0.0])  # ∇g = 0 at the centre
    assert result.converged is False and "singular Jacobian" in result.message


def test_inconsistent_constraints():
    g = lambda v: np.array([v @ v - 1, v @ v - 4])  # two spheres that never meet
    result = lagrange_multipliers(lambda v: v.sum(), g, [1.0, 1.0, 1.0])
    assert result.converged is False and "singular Jacobian" in result.message


def test_infeasible_when_newton_stops_short():
    result = lagrange_multipliers(X2Y, CIRCLE, [1.0, 1.5], tol=0.5)
    assert result.converged is False and "infeasible" in result.message


def test_no_real_solution_reaches_max_iter_or_singularity():
    result = lagrange_multipliers(X2Y, lambda v: v @ v + 1, [1.0, 1.0], max_iter=20)
    assert result.converged is False
    assert any(word in result.message for word in ("max_iter", "singular", "diverged", "cycle"))


def test_divergence_to_a_non_finite_value_is_a_result():
    # x + x^3 has no stationary point; from x = 0.01 Newton's first step is about -17,
    # where this f is inf.
    f = lambda v: v[0] + v[0] ** 3 if abs(v[0]) < 2 else np.inf
    result = lagrange_multipliers(f, lambda v: v[1], [0.01, 0.0])
    assert result.converged is False
    assert "diverged" in result.message and "∇L or its Jacobian is not finite" in result.message
    assert np.isnan(result.fun)


def test_no_stationary_point_is_not_converged():
    # x + x^3 on y = 0: grad f = (1 + 3x^2, 0) is never parallel to grad g = (0, 1). The
    # damped steps lower |grad L| to its least, at x = 0, where its Jacobian is singular
    # (f'' = 6x = 0); pure Newton wandered until max_iter.
    result = lagrange_multipliers(lambda v: v[0] + v[0] ** 3, lambda v: v[1], [1.0, 0.0])
    assert result.converged is False
    assert "singular Jacobian at x = [0, 0" in result.message, result.message


# --- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error", "name"),
    [
        ((None, CIRCLE, [1.0, 1.0]), TypeError, "`f`"),
        ((X2Y, "g", [1.0, 1.0]), TypeError, "`g`"),
        ((X2Y, CIRCLE, [1.0]), ValueError, "`x0`"),
        ((X2Y, CIRCLE, [np.nan, 1.0]), ValueError, "`x0`"),
        ((X2Y, lambda v: v, [1.0, 1.0]), ValueError, "`g`"),
        ((lambda v: v, CIRCLE, [1.0, 1.0]), ValueError, "`f`"),
    ],
)
def test_bad_input(args, error, name):
    with pytest.raises(error, match=name):
        lagrange_multipliers(*args)


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"tol": 0}, "`tol`"), ({"max_iter": 0}, "`max_iter`")]
)
def test_bad_options(kwargs, name):
    with pytest.raises(ValueError, match=name):
        lagrange_multipliers(X2Y, CIRCLE, [1.0, 1.0], **kwargs)


def test_users_exceptions_pass_through():
    def g(v):
        raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        lagrange_multipliers(X2Y, g, [1.0, 1.0])


# --- issue 14: honest convergence, whatever the units ---------------------------------


@pytest.mark.parametrize("scale", [1e-8, 1e8])
def test_issue14_item7_f_in_other_units_is_not_singular(scale):
    # cond of the bordered Hessian grows with the scale of f; scaled rows and columns do not.
    result = lagrange_multipliers(lambda v: scale * X2Y(v), CIRCLE, [1.0, 1.5])
    expected = A / np.sqrt(3) * np.array([np.sqrt(2), 1.0])
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, expected, rtol=1e-10)
    np.testing.assert_allclose(result.multipliers, [scale * expected[1]], rtol=1e-9)


def test_x_in_other_units_gives_the_same_point():
    b = 1e-8  # lengths in units 1e8 times larger: the circle has radius 2e-8
    result = lagrange_multipliers(lambda v: X2Y(v / b), lambda v: CIRCLE(v / b), [b, 1.5 * b])
    assert result.converged, result.message
    np.testing.assert_allclose(
        result.x / b, A / np.sqrt(3) * np.array([np.sqrt(2), 1.0]), rtol=1e-10
    )


def test_a_gradient_lost_in_the_rounding_of_f_is_not_convergence():
    # 1e6 + x^2 y: differences of f carry rounding of about 1e-4, more than tol allows.
    result = lagrange_multipliers(lambda v: 1e6 + X2Y(v), CIRCLE, [1.0, 1.5])
    assert result.converged is False and "stalled" in result.message
    lost = lagrange_multipliers(lambda v: 1e10 + X2Y(v), CIRCLE, [1.0, 1.5])
    assert lost.converged is False and "lost in rounding" in lost.message


@pytest.mark.parametrize("constant", [1e13, 1e15, 1e17, 1e18])
@pytest.mark.parametrize("unit", [1e-8, 1.0, 3.0, 1e8])
def test_a_large_constant_part_gives_no_false_convergence(constant, unit):
    # (x - 1)^2 + (y - 2)^2 on x + y = 1, its point (0, 1), beside a constant part: steps
    # grown to |f| / |grad f| (1e11 to 1e16 here) once made tol relative to those sizes,
    # and "converged" 1.6e-5 from the point. Whatever the verdict, a claim holds.
    f = lambda v: constant + (v[0] / unit - 1) ** 2 + (v[1] / unit - 2) ** 2
    g = lambda v: v[0] / unit + v[1] / unit - 1
    result = lagrange_multipliers(f, g, [0.3 * unit, 0.4 * unit])
    if result.converged:
        np.testing.assert_allclose(result.x / unit, [0.0, 1.0], atol=1e-8)


@pytest.mark.parametrize("x0", [[100.0, -50.0], [-300.0, 1e3]])
def test_a_far_start_converges_with_steps_that_suit_the_point(x0):
    # From (100, -50) the steps were sized by x0: near (1, 1) their truncation, h^2 f''' / 6,
    # moved grad L by 1e-6, and Newton zeroed it 5e-8 from the point: "converged", falsely.
    # Now the run is checked at half the steps, and goes on with sizes from where it is.
    result = lagrange_multipliers(lambda v: v[0] ** 4 + v[1] ** 4, lambda v: v[0] + v[1] - 2, x0)
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, [1.0, 1.0], rtol=1e-8)


@pytest.mark.parametrize("a", [1e-3, 1e-2, 3e-2])
@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e8])
def test_a_start_near_zero_reaches_a_point_with_a_coordinate_at_zero(a, scale):
    # (x - 1)^2 + (y - 2)^2 on x + y = 1 has its point at (0, 1). From a = 1e-2 the
    # rounding of the slopes along x, over steps sized 0.01 by x0, could move x by more
    # than tol of 0.01: a stall 4.5e-10 from 0. Now the stalled axis's steps grow (to y's
    # size at most) and Newton goes on.
    f = lambda v: scale * ((v[0] - 1) ** 2 + (v[1] - 2) ** 2)
    result = lagrange_multipliers(f, lambda v: v[0] + v[1] - 1, [a, 2 * a])
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, [0.0, 1.0], atol=1e-8)
    np.testing.assert_allclose(result.multipliers, [-2 * scale], rtol=1e-7)


def test_a_tolerance_below_eps_is_refused():
    with pytest.raises(ValueError, match="`tol` must be at least"):
        lagrange_multipliers(X2Y, CIRCLE, [1.0, 1.5], tol=1e-17)


def _practice():
    f = lambda v: np.exp(-(2 * v[0] ** 2 + v[1] ** 2 - v[0] * v[1]) / 2)
    g = lambda v: v[0] ** 2 + 3 * (v[1] + 1) ** 2 - 1
    return f, g


def _is_practice_stationary_point(x) -> bool:
    """True if x is on the practice's ellipse and grad f is parallel to grad g there, by
    the exact derivatives (to 1e-9 of their size)."""
    f = np.exp(-(2 * x[0] ** 2 + x[1] ** 2 - x[0] * x[1]) / 2)
    grad_f = f * np.array([-(4 * x[0] - x[1]) / 2, -(2 * x[1] - x[0]) / 2])
    grad_g = np.array([2 * x[0], 6 * (x[1] + 1)])
    cross = grad_f[0] * grad_g[1] - grad_f[1] * grad_g[0]
    on = abs(x[0] ** 2 + 3 * (x[1] + 1) ** 2 - 1) < 1e-9
    return on and abs(cross) <= 1e-9 * np.linalg.norm(grad_f) * np.linalg.norm(grad_g)


def test_a_start_coordinate_that_rounding_left_at_almost_zero_counts_as_zero():
    # x0 = (cos 3π/2, -1 + sin(3π/2)/√3) on the ellipse: cos gives -1.8e-16, not 0. Read as a
    # unit of 1e-16, its steps could not move f, and ∇L read 0: converged=True, wrongly.
    f, g = _practice()
    t = 3 * np.pi / 2
    result = lagrange_multipliers(f, g, [np.cos(t), -1 + np.sin(t) / np.sqrt(3)])
    assert result.converged
    assert _is_practice_stationary_point(result.x), result.x


def test_a_tiny_start_coordinate_gets_steps_that_can_move_f():
    # x0_0 = 1e-12 beside 1.58: steps scaled to it cannot move f, so they grow first.
    f, g = _practice()
    result = lagrange_multipliers(f, g, [1e-12, -1 - 1 / np.sqrt(3)])
    assert result.converged, result.message
    assert _is_practice_stationary_point(result.x), result.x


SUM_SQUARES = (lambda v: v @ v, lambda v: v[0] + v[1] + v[2] - 1)


@pytest.mark.parametrize("small", [1e-2, 1e-3, 1e-6, 1e-9, -1e-5])
@pytest.mark.parametrize("unit", [1.0, 1e8, 1e-8])
def test_a_small_start_coordinate_is_not_a_singular_jacobian(small, unit):
    # adversarial finding 2: x0 = [1, 1e-3, 2] said "singular Jacobian, or one lost in
    # rounding": the Hessian's steps along x_1 were scaled to 1e-3, too short to see f's
    # curvature beside its rounding. They grow until it shows. min v.v on sum v = 1.
    f, g = SUM_SQUARES  # in x's units: f(x / unit) on g(x / unit) = 0, the same λ
    x0 = unit * np.array([1.0, small, 2.0])
    result = lagrange_multipliers(lambda v: f(v / unit), lambda v: g(v / unit), x0)
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, np.full(3, unit / 3), rtol=1e-9)
    np.testing.assert_allclose(result.multipliers, [2 / 3], rtol=1e-8)


def test_a_gradient_that_reads_zero_in_the_rounding_of_f_is_not_convergence():
    # ∇f = (2, 1) is lost in the rounding of 1e20 over steps of 6e-6: ∇L read exactly 0 at
    # the start ([1, 1] is on x = y), which Newton took for a root. The answer is x = -0.5.
    f = lambda v: 1e20 + v[0] ** 2 + v[1]
    result = lagrange_multipliers(f, lambda v: v[0] - v[1], [1.0, 1.0])
    assert not result.converged
    assert "gradient lost in rounding" in result.message


def _adversarial_4():
    a = [1.0478167906921265, 1.6428144264753415, 1.0134277816720754]
    c = [-1.600519256790602, 0.5145047983461842, -0.02542251765492415]
    f = lambda v: (v[0] - c[0]) ** 2 + a[1] * v[1] ** 4 + np.sin(v[2]) + c[2] * v[0] * v[1]
    g = lambda v: v[0] ** 2 + a[2] * v[1] ** 2 + v[2] ** 2 - a[0]
    df = lambda v: np.array(
        [2 * (v[0] - c[0]) + c[2] * v[1], 4 * a[1] * v[1] ** 3 + c[2] * v[0], np.cos(v[2])]
    )
    dg = lambda v: np.array([2 * v[0], 2 * a[2] * v[1], 2 * v[2]])
    return f, g, df, dg


def test_a_stall_where_the_lagrange_conditions_hold_to_rounding_is_convergence():
    # adversarial finding 4: "stalled" though ∇f = λ∇g held to 5e-12. Its rounding moves the
    # point by less than tol, so Newton has converged as far as f's values allow.
    f, g, df, dg = _adversarial_4()
    x0 = [0.37505307082165046, -0.6044158958807989, 0.20202256113721573]
    result = lagrange_multipliers(f, g, x0)
    assert result.converged, result.message
    assert "within the rounding" in result.message
    x, lam = result.x, result.multipliers[0]
    np.testing.assert_allclose(df(x), lam * dg(x), rtol=0, atol=1e-9)
    assert abs(g(x)) <= 1e-12


# round 3, finding 12: x_0 in units 1e8 and x_1 in units 1e-8 (1e16 apart) reached max_iter,
# where the same problem in plain units converges in 4 steps: x0's second coordinate was
# taken for a rounded 0 beside the first and differenced with a step of 1e8 eps^(1/3).
@pytest.mark.parametrize("unit", [[1e8, 1e-8], [1e-8, 1e8], [2.0**60, 2.0**-60]])
def test_unknowns_in_units_far_apart_keep_the_verdict(unit):
    s = np.array(unit)
    f = lambda v: (v[0] / s[0]) ** 2 + np.sin(v[1] / s[1])
    g = lambda v: v[0] / s[0] + v[1] / s[1] - 1
    result = lagrange_multipliers(f, g, np.array([0.3, 0.5]) * s)
    assert result.converged, result.message
    np.testing.assert_allclose(result.x / s, [0.41756206, 0.58243794], rtol=1e-7)
    plain = lagrange_multipliers(
        lambda v: v[0] ** 2 + np.sin(v[1]), lambda v: v[0] + v[1] - 1, [0.3, 0.5]
    )
    assert result.n_iter <= plain.n_iter + 1  # rounding may differ, not the run's course


# round 3, finding 14 (the class, in lagrange too): Python's math.exp past 709 raises
# OverflowError where numpy gives inf; either way f is not finite near x0.
def test_a_python_overflow_in_f_is_a_value_error_naming_f_and_g():
    import math

    with pytest.raises(ValueError, match="`f` and `g` must be finite near `x0`"):
        lagrange_multipliers(lambda v: math.exp(1000 * v[0]), lambda v: v[0] + v[1] - 1, [1.0, 0.0])


# issue 14 (review s4), item 3: with a root at (0, 0) the constraint's terms |J||x| fell to 0
# and iterates jittering at the rounding of ∇L (3.5e-20, 3.1e-12, -5.5e-17) were called a
# cycle; the exact answer is (0, 0), λ = -2.
@pytest.mark.parametrize("x0", [[2.0, 3.0], [1.0, 0.5], [0.3, -0.2]])
def test_a_root_with_coordinates_at_zero_converges_and_is_no_cycle(x0):
    f = lambda v: (v[0] - 1) ** 2 + (v[1] + 1) ** 2
    result = lagrange_multipliers(f, lambda v: v[0] - v[1], x0)
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, [0.0, 0.0], atol=1e-8 * max(np.abs(x0)))
    np.testing.assert_allclose(result.multipliers, [-2.0], rtol=1e-8)


# issue 14 (review s4), item 4: the "relative" threshold of classify was absolute for
# eigenvalues below 1: 1e-8 xy on x + y = 2 was "degenerate", xy "maximum".
@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e8])
def test_classify_does_not_depend_on_the_scale_of_f(scale):
    f, g = (lambda v: scale * v[0] * v[1]), (lambda v: v[0] + v[1] - 2)
    assert classify(f, g, [1.0, 1.0], [scale]) == "maximum"


# issue 14 (review s4), item 5: an exact zero of ∇L was reported as "f(x) = 0 exactly".
def test_an_exact_zero_of_grad_L_is_named_grad_L():
    result = lagrange_multipliers(lambda v: v[0] ** 2 + (v[1] - 1) ** 2, lambda v: v[0], [0.3, 0.7])
    assert result.converged, result.message
    assert "∇L = 0 exactly" in result.message and "f(x)" not in result.message


# issue 14 (s4-lagrange2): min x^2 + (y - 1)^2 + 5 on x = 0 is (0, 1) with λ = 0. Newton
# reached it and then "stalled": the stall's recheck sized λ by |f| over g's terms |J_g||x|,
# both 0 there, and measured the constraint's terms by |x_0| = 0, so no rounding could pass;
# and since |∇L| was subnormal, the message said "f may have no root". In any units.
@pytest.mark.parametrize("unit", [1e-8, 1.0, 1e8])
@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e8])
def test_a_stationary_point_with_lambda_and_a_coordinate_at_zero_converges(scale, unit):
    f = lambda v: scale * ((v[0] / unit) ** 2 + (v[1] / unit - 1) ** 2 + 5)
    result = lagrange_multipliers(f, lambda v: v[0] / unit, np.array([0.3, 0.7]) * unit)
    assert result.converged, result.message
    assert "f may have no root" not in result.message
    np.testing.assert_allclose(result.x / unit, [0.0, 1.0], rtol=0, atol=1e-8)
    # λ = ∂f/∂x over ∂g/∂x at x = 0: 0, to the rounding of ∇f, eps^(2/3) of f's size over g's
    np.testing.assert_allclose(result.multipliers, [0.0], rtol=0, atol=1e-8 * scale)


@pytest.mark.parametrize("unit", [1e-8, 1.0, 1e8])
def test_a_point_with_a_coordinate_at_zero_that_is_not_stationary_does_not_converge(unit):
    # ∇f = (2x, 1) is never parallel to ∇g = (1, 0): no stationary point on x = 0, though
    # x reaches 0 at once and λ = 0 there. Newton must not call it converged.
    f = lambda v: (v[0] / unit) ** 2 + v[1] / unit + 5
    result = lagrange_multipliers(f, lambda v: v[0] / unit, np.array([0.3, 0.7]) * unit)
    assert not result.converged, result.message
    assert "f may have no root" not in result.message


def test_a_stall_at_a_subnormal_grad_L_does_not_say_f_may_have_no_root():
    # tol = 1e-12 is finer than the rounding of f = ... + 5 allows (it moves y by ~1e-9): a
    # stall, with ∇L crept to below the smallest normal float. "f may have no root and only
    # level off toward 0" is newton_raphson's hint for an f that underflows, not for ∇L.
    f = lambda v: v[0] ** 2 + (v[1] - 1) ** 2 + 5
    result = lagrange_multipliers(f, lambda v: v[0], [0.3, 0.7], tol=1e-12)
    assert not result.converged, result.message
    assert "f may have no root" not in result.message and "∇L" in result.message


# issue 14 (review s4-roots3), item 1: an f that raises ZeroDivisionError away from x0 is
# not finite there: a result with a message, not a raw error.
def test_an_f_that_cannot_be_evaluated_mid_run_is_a_result():
    f = lambda v: 1 / 0 if v[0] > 2 else v[0] ** 2 * v[1]
    result = lagrange_multipliers(f, lambda v: v[0] ** 2 + v[1] ** 2 - 3, [1.0, 1.5])
    if result.converged:
        np.testing.assert_allclose(result.x, [np.sqrt(2), 1.0], rtol=1e-8)
    else:
        assert "not finite" in result.message, result.message


def test_a_g_that_cannot_be_evaluated_at_x0_is_bad_input():
    with pytest.raises(ValueError, match="`g`"):
        lagrange_multipliers(X2Y, lambda v: 1 / v[0], [0.0, 1.0])


# item 2: classify's multipliers are checked at entry, and an f it cannot evaluate is named.
@pytest.mark.parametrize(
    ("multipliers", "error", "match"),
    [
        ([np.nan], ValueError, "`multipliers` must be finite"),
        ([1.0, 2.0], ValueError, "`multipliers` must have 1 value"),
        (["a"], TypeError, "`multipliers`"),
        ([[1.0]], ValueError, "`multipliers` must have 1 value"),
    ],
)
def test_classify_checks_its_multipliers(multipliers, error, match):
    with pytest.raises(error, match=match):
        classify(X2Y, CIRCLE, [1.414, 1.0], multipliers)


def test_classify_names_an_f_it_cannot_evaluate():
    with pytest.raises(ValueError, match="`f` must give finite values at and around `x`"):
        classify(lambda v: 1 / 0, CIRCLE, [1.414, 1.0], [1.0])


def test_classify_passes_the_users_own_exceptions_through():
    def f(v):
        raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        classify(f, CIRCLE, [1.414, 1.0], [1.0])


# item 3: the verdict was relative to the whole Hessian of L, normal direction included:
# x^2 + y^2 on y = 1 was a minimum, the same problem with y in units 1e4 smaller, or with
# curvature 1e7 y^2 off the constraint, "degenerate". On y = 1 (or 1e4 y = 1) f is x^2 plus
# a constant: each is the minimum at x = 0.
@pytest.mark.parametrize(
    ("f", "g", "x", "lam"),
    [
        (lambda v: v[0] ** 2 + v[1] ** 2, lambda v: v[1] - 1, [0.0, 1.0], [2.0]),
        (lambda v: v[0] ** 2 + 1e8 * v[1] ** 2, lambda v: 1e4 * v[1] - 1, [0.0, 1e-4], [2e4]),
        (lambda v: v[0] ** 2 + 1e7 * v[1] ** 2, lambda v: v[1] - 1, [0.0, 1.0], [2e7]),
        (lambda v: v[0] ** 2 + 1e7 * v[1], lambda v: v[1] - 1, [0.0, 1.0], [1e7]),
        # the same, the constraint turned by 45 degrees: x + y = 2, curvature along it
        (
            lambda v: (v[0] - v[1]) ** 2 + 1e7 * (v[0] + v[1]) ** 2,
            lambda v: v[0] + v[1] - 2,
            [1.0, 1.0],
            [4e7],
        ),
    ],
    ids=["plain", "y in 1e4 smaller units", "1e7 y^2 off it", "1e7 y off it", "turned"],
)
def test_classify_does_not_depend_on_curvature_off_the_constraint_or_units(f, g, x, lam):
    assert classify(f, g, x, lam) == "minimum"
    flipped = lambda v: -f(v)
    assert classify(flipped, g, x, [-lam[0]]) == "maximum"


# item 3, the class: x^2 y on the circle x^2 + y^2 = 3 (maxima at y = 1, minima at y = -1,
# and the reverse at x = 0) in units 1e-8 to 1e8 of x, y and f; and f linear on its
# constraint line at magnitudes 1e-8 to 1e8, where only rounding gave it curvature.
@pytest.mark.parametrize("ux", [1e-8, 1e8])
@pytest.mark.parametrize("uy", [1e-8, 1.0])
@pytest.mark.parametrize("sf", [1e-8, 1e8])
def test_classify_keeps_each_verdict_in_any_units(ux, uy, sf):
    f = lambda v: sf * (v[0] / ux) ** 2 * (v[1] / uy)
    g = lambda v: (v[0] / ux) ** 2 + (v[1] / uy) ** 2 - 3
    points = {(2**0.5, 1): 1, (2**0.5, -1): -1, (0, 3**0.5): 0, (0, -(3**0.5)): 0}
    verdicts = [classify(f, g, [x * ux, y * uy], [sf * lam]) for (x, y), lam in points.items()]
    assert verdicts == ["maximum", "minimum", "minimum", "maximum"]


@pytest.mark.parametrize("a", [-3.7e-8, 1e-3, 2.9, 4.1e8])
@pytest.mark.parametrize("c", [0.3, 7.0])
def test_classify_finds_no_curvature_in_the_rounding_of_a_linear_f(a, c):
    f = lambda v: c * (v[0] + v[1]) + 7.0  # linear: no curvature at all along x - y = 0
    assert classify(f, lambda v: v[0] - v[1], [a, a], [c]) == "degenerate"


# issue 14 (re-review of s4-lagrange2), item 1: min x^2 + y^2 on x = y (or x + y = 0) is the
# origin with λ = 0. Newton reached it, ∇L read 0, and the recheck refused it: λ's size was
# f's terms at |x|, |f| + |∇f||x|, which vanish with x, so no rounding could pass. In units
# 1e-8..1e8 of f and of x.
@pytest.mark.parametrize(
    ("g", "x0"),
    [
        (lambda v: v[0] - v[1], [1.0, 0.5]),
        (lambda v: v[0] - v[1], [3.0, -2.0]),
        (lambda v: v[0] + v[1], [1.0, 0.5]),
    ],
    ids=["x = y", "x = y from (3, -2)", "x + y = 0"],
)
@pytest.mark.parametrize("unit", [1e-8, 1.0, 1e8])
@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e8])
def test_an_answer_with_every_coordinate_and_lambda_at_zero_converges(g, x0, unit, scale):
    f = lambda v: scale * ((v[0] / unit) ** 2 + (v[1] / unit) ** 2)
    result = lagrange_multipliers(f, lambda v: g(v / unit), np.array(x0) * unit)
    assert result.converged, result.message
    np.testing.assert_allclose(result.x / unit, [0.0, 0.0], rtol=0, atol=1e-8)
    # λ = ∂f/∂x over ∂g/∂x at the origin: 0, to eps^(2/3) of f's size over g's
    np.testing.assert_allclose(result.multipliers, [0.0], rtol=0, atol=1e-8 * scale)


# classify steps by |x|, so at x = 1e-9 (or the -2e-17 Newton returns) its steps are too
# short to lift f = x^2 + y^2 + 1 above the rounding of its constant: it may then be
# undecided ("degenerate", documented), never wrong; at the origin itself it decides.
# (Taking such coordinates for zeros, then lengthening steps without a bound, were both
# tried and reverted: they called f at points the user never chose, and the second
# decided verdicts from f's shape far away. The minimum is still open in issue 14.)
@pytest.mark.parametrize("a", [1e-9, 1e-20, -2.06419227e-17])
def test_classify_near_a_rounded_zero_is_undecided_or_right(a):
    f = lambda v: v[0] ** 2 + v[1] ** 2 + 1
    assert classify(f, lambda v: v[0] - v[1], [a, a], [0.0]) in ("minimum", "degenerate")


def test_classify_at_the_origin_itself_says_minimum():
    f = lambda v: v[0] ** 2 + v[1] ** 2 + 1
    assert classify(f, lambda v: v[0] - v[1], [0.0, 0.0], [0.0]) == "minimum"


def test_classify_at_the_point_newton_returns_with_a_constant_in_f_is_never_wrong():
    f, g = (lambda v: v[0] ** 2 + v[1] ** 2 + 1), (lambda v: v[0] - v[1])
    result = lagrange_multipliers(f, g, [1.0, 0.5])
    assert result.converged, result.message
    assert classify(f, g, result.x, result.multipliers) in ("minimum", "degenerate")


def test_classify_decides_nothing_from_f_far_away():
    """A last review: f = 1e8 - u^2 + 2u^2 exp(-(u/r)^2) curves up (+2) at u = 0 and is
    exactly 1e8 - u^2 beyond r; lengthening the steps without bound until two lengths
    agreed called it a maximum, and called a user's f at 1e34."""
    for r in (1e-5, 1e-3):
        f = lambda v, r=r: 1e8 - v[0] ** 2 + 2 * v[0] ** 2 * np.exp(-((v[0] / r) ** 2))
        assert classify(f, lambda v: v[1], [1e-17, 0.0], [0.0]) != "maximum", r

    def userf(v):
        if abs(v[0]) > 1e6:
            raise AssertionError("classify called f far from x")
        return v[0] + v[1]

    assert classify(userf, lambda v: v[0] - v[1], [0.0, 0.0], [1.0]) == "degenerate"


def test_classify_calls_f_only_around_the_point_it_is_given():
    """A re-review: classify probed f at the origin (zeroing x's coordinates to find
    rounding's zeros), so an f that checks its own domain raised at x = (1, 1)."""

    def f(v):
        if np.any(np.asarray(v) <= 0):
            raise ValueError("rates must be positive")
        return np.log(v[0]) ** 2 + np.log(v[1]) ** 2

    assert classify(f, lambda v: v[0] - v[1], np.array([1.0, 1.0]), np.array([0.0])) == "minimum"


def test_classify_keeps_its_verdict_in_any_units_of_x():
    """A minimum at (2a, 2a) of p(x) + p(y) on x = y, p(t) = t²(t - 2a)²(1 - t²/9a²): its
    units a change no verdict (setting rounding's zeros to size 1 made tiny a degenerate)."""
    for a in (1e-9, 1e-6, 1e-3, 1.0, 1e3):
        p = lambda t, a=a: t**2 * (t - 2 * a) ** 2 * (1 - t**2 / (9 * a**2))
        f = lambda v, p=p: p(v[0]) + p(v[1])
        assert classify(f, lambda v: v[0] - v[1], np.array([2 * a, 2 * a]), np.array([0.0])) == (
            "minimum"
        ), a


def test_classify_lets_a_users_own_value_error_through():
    """A ValueError of the user's own (not arithmetic) where classify differences f is
    theirs, and passes through."""

    def f(v):
        if v[0] > 1.0:
            raise ValueError("my own check")
        return v[0] ** 2 + v[1] ** 2

    with pytest.raises(ValueError, match="my own check"):
        classify(f, lambda v: v[0] - v[1], np.array([1.0, 1.0]), np.array([2.0]))


def _sphere_problem(trials):
    """Q, x*, c and a shift of the start for f = (x - c)^T Q (x - c) / 2 on |x| = |x*|,
    whose solution x* has x*_0 = 0 and λ = 1: the last of `trials` drawn from seed 5."""
    rng = np.random.default_rng(5)
    for _ in range(trials):
        M = rng.normal(size=(3, 3))
        Q = M @ M.T + 3 * np.eye(3)
        x_star = rng.uniform(0.5, 2, 3) * rng.choice([-1, 1], 3)
        rng.uniform(0.5, 2, 3)
        shift = rng.uniform(-0.3, 0.3, 3)
    x_star[0] = 0.0
    return Q, x_star, x_star - np.linalg.solve(Q, 2 * x_star), shift


def test_a_solution_coordinate_at_0_is_no_cycle_of_step_and_snap():
    # f = 1e8 (x - c)^T Q (x - c) / 2 on |x|^2 = R2, with x*_0 = 0 and λ = 1e8: a first
    # version of newton_raphson's snap onto 0 pulled x_0 back to 0 each time the
    # differenced ∇L pushed it off, and called that a cycle of period 3.
    Q, x_star, c, shift = _sphere_problem(6)
    result = lagrange_multipliers(
        lambda v: 1e8 * 0.5 * (v - c) @ Q @ (v - c),
        lambda v: v @ v - x_star @ x_star,
        x_star + shift,
    )
    assert result.converged, result.message
    assert np.allclose(result.x, x_star, rtol=0, atol=1e-8) and result.multipliers[
        0
    ] == pytest.approx(1e8)


# --- issue 14: a start at 0, where nothing gives x a size --------------------------------------

ON_THE_DIAGONAL = lambda v: v[0] - v[1]


def _bowl_at(a):
    return lambda v: (v[0] - a) ** 2 + (v[1] - a) ** 2


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_start_at_0_reaches_a_minimum_at_any_distance(sign):
    # Every size was 1 at x0 = 0: from a = 1e3 on, f's curvature 2 over steps of eps^(1/4)
    # was lost in the rounding of f(0) = 2a^2 ("singular Jacobian, or one lost in
    # rounding"); for a of 1e-6 to 178 the first step, 1.4 a long, was longer than 1/eps
    # times the rounded λ0 ~ 1e-22 and called "nearly singular": 52 of these 98 failed.
    for a in sign * np.geomspace(1e-6, 1e6, 49):
        result = lagrange_multipliers(_bowl_at(a), ON_THE_DIAGONAL, [0.0, 0.0])
        assert result.converged, (a, result.message)
        np.testing.assert_allclose(result.x, [a, a], rtol=1e-8)


@pytest.mark.parametrize("a", [1e-6, -3.7e-2, 1.0, -2.9e3, 1e6])
def test_a_start_at_0_keeps_its_verdict_in_other_units_of_f_g_and_x(a):
    # The length measured from f at 0, |f| / |∇f|, scales with x, and its checks (slopes
    # above rounding, curvature agreeing at s and s/2) are relative: the same verdict.
    bowl = _bowl_at(a)
    for k, j, m in [(k, j, m) for k in (-8, 0, 8) for j in (-8, 0, 8) for m in (-8, 0, 8)]:
        sf, sg, sx = 10.0**k, 10.0**j, 10.0**m
        result = lagrange_multipliers(
            lambda v, sf=sf, sx=sx: sf * bowl(v / sx),
            lambda v, sg=sg, sx=sx: sg * ON_THE_DIAGONAL(v / sx),
            [0.0, 0.0],
        )
        assert result.converged, (k, j, m, result.message)
        np.testing.assert_allclose(result.x / sx, [a, a], rtol=1e-8)


@pytest.mark.parametrize(
    "f",
    [
        lambda v: 1e20 + np.cos(v[0]) + v[1] ** 2,  # ∇f = 0 at 0: no length at all
        lambda v: 1e6 + np.cos(v[0] - 1) + (v[1] - 1) ** 2,  # |f|/|∇f| = 4.6e5, cos unseen
        lambda v: 1e20 + (v[0] - 1) ** 2 + (v[1] - 1) ** 2,  # 1 is lost in f's rounding
    ],
)
def test_a_start_at_0_with_a_large_constant_in_f_is_not_convergence(f):
    # A large constant makes |f| / |∇f| far longer than the length over which f curves:
    # the curvature over it disagrees with the one at half the steps (cos), or, where it
    # agrees (a quadratic), the sizes after the first step come from x again, and there
    # f's rounding hides its slopes: the verdict says so rather than claim a point.
    result = lagrange_multipliers(f, ON_THE_DIAGONAL, [0.0, 0.0])
    assert not result.converged
    assert "lost in rounding" in result.message, result.message


def test_the_measurement_at_0_never_raises_what_the_run_would_not():
    # A review's case: f tabulated on [-10, 10] (it raises outside), with a large constant
    # part, from x0 = 0; the measurement of a length at 0 called f at -427.5 and raised,
    # where main's run ended with an honest converged=False.
    def f(v):
        if np.max(np.abs(v)) > 10:
            raise RuntimeError("outside the table")
        return 1e8 + (v[0] - 1) ** 2 + (v[1] - 1) ** 2

    result = lagrange_multipliers(f, lambda v: v[0] - v[1], [0.0, 0.0])
    if result.converged:
        assert np.allclose(result.x, [1.0, 1.0], rtol=1e-6)


def test_a_coordinate_at_0_jittering_by_rounding_is_no_cycle():
    # x_0 of the solution is 0, x in units 1e-8: the differenced ∇L moves it from 0 to
    # -8.3e-20 and it is set back onto 0; a version that measured that move against tol
    # times the typical size 1e-8 took it for "a cycle of period 2". A step is long for
    # the cycle test only beyond tol of the typical size itself, as for the step test.
    Q, x_star, c, shift = _sphere_problem(5)
    u = 1e-8
    result = lagrange_multipliers(
        lambda v: 0.5 * (v / u - c) @ Q @ (v / u - c),
        lambda v: (v / u) @ (v / u) - x_star @ x_star,
        (x_star + shift) * u,
    )
    assert "cycle" not in result.message
    assert result.converged, result.message
    assert np.allclose(result.x / u, x_star, rtol=0, atol=1e-8)


@pytest.mark.parametrize("x0", [[-5e-324, 0.0], [1e-310, 1.0]])
def test_a_subnormal_start_coordinate_is_a_clear_error(x0):
    # A review's case: [-5e-324, 0] raised numpy's LinAlgError ("SVD did not converge"),
    # its difference step having vanished; [1e-310, 1] said "singular Jacobian".
    with pytest.raises(ValueError, match="`x0`.*subnormal"):
        lagrange_multipliers(lambda v: (v[0] - 1) ** 2 + (v[1] - 2) ** 2, lambda v: v[0] - v[1], x0)


def test_max_iter_in_the_message_is_the_one_given_after_the_run_went_on():
    # A run that went on from a stall or a restart reported the steps it had left
    # ("max_iter = 1 reached") rather than the max_iter given.
    f = lambda v: v[0] ** 4 + v[1] ** 4
    for max_iter in range(1, 21):  # the restart is at step 15
        result = lagrange_multipliers(
            f, lambda v: v[0] + v[1] - 2, [100.0, -50.0], max_iter=max_iter
        )
        assert result.n_iter <= max_iter and len(result.history) == result.n_iter + 1
        if "max_iter" in result.message:
            assert f"max_iter = {max_iter} reached" in result.message, result.message


@pytest.mark.parametrize(("shift", "x0"), [(3e-6, [0.01, 200.0]), (1e-5, [0.03, 600.0])])
def test_steps_grown_into_where_f_is_not_finite_give_a_result(shift, x0):
    # A stall grows the steps along x, and the longer steps reach x < -shift, where the
    # log is not finite: mvc's internal signal escaped to the user (a review found).
    import math

    f = lambda v: (v[0] - 1) ** 2 + ((v[1] - 2e4) / 1e4) ** 2 + 1e-12 * math.log(v[0] + shift)
    result = lagrange_multipliers(f, lambda v: v[0] + v[1] / 1e4 - 1, x0)
    assert result.message and len(result.history) == result.n_iter + 1
