"""gradient_descent's converged=True is checked on the true quantity (round 3 of issue 14).

Each test is a finding of the second hostile tester: a false success, or a false message.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy.optimize import minimize

from mvc import gradient_descent

# --- finding 1: f levels off at a value other than 0: a flat tail, not a minimum -------------

TAILS = {
    "tanh": (np.tanh, 0.0),
    "exp + 1": (lambda x: np.exp(x) + 1, 0.0),
    "logistic loss, separable data": (
        lambda w: np.log1p(np.exp(-2 * w[0])) + np.log1p(np.exp(-w[0])) + 0.5,
        [0.0],
    ),
    "arctan": (np.arctan, 0.0),
    "1/x": (lambda x: 1 / x, 1.0),
    "a bell 1/(1+x^2)": (lambda x: 1 / (1 + x**2), 1.0),
}


@pytest.mark.parametrize("case", TAILS)
def test_a_flat_tail_is_not_a_minimum(case):
    f, x0 = TAILS[case]
    result = gradient_descent(f, x0)
    assert result.converged is False, result.message
    assert "no minimum" in result.message  # and not "is the gradient right?"


@pytest.mark.parametrize("case", ["tanh", "1/x"])
def test_a_flat_tail_is_not_a_minimum_with_the_true_gradient(case):
    f, x0 = TAILS[case]
    grads = {"tanh": lambda x: 1 / np.cosh(x) ** 2, "1/x": lambda x: -1 / x**2}
    result = gradient_descent(f, x0, grad=grads[case])
    assert result.converged is False, result.message
    assert "no minimum" in result.message


# --- finding 2: the curvature that places the minimum is measured along the gradient ---------


@pytest.mark.parametrize("c", [1.0, 3.0, 1e8, 1e-8])
def test_a_shallow_valley_floor_far_from_its_minimum_is_not_converged(c):
    # On .5 (x^2 + 1e-6 y^2) + 1 it stopped at y = 0.00258 (minimum at 0): f - min = 3e-12
    # is far above f's rounding, 9e-16, but the last step was along the steep x.
    f = lambda v: c * (0.5 * (v[0] ** 2 + 1e-6 * v[1] ** 2) + 1)
    result = gradient_descent(f, [1.0, 1.0])
    if result.converged:
        # f - min within rounding: 0.5e-6 y^2 <= 2 (4 eps) gives |y| <= 6e-5 (it was 2.6e-3)
        assert abs(result.x[1]) <= 1e-4, result.message
    else:
        assert not result.message.startswith("converged")


# --- finding 17: messages that say what happened -----------------------------------------------


def test_a_quartic_minimum_is_not_blamed_on_cancelling_terms():
    result = gradient_descent(lambda x: x**4, 1.0)
    assert "cancel" not in result.message
    if result.converged:
        assert abs(result.x) <= 1e-3


def test_the_line_search_does_not_double_past_the_valley():
    # From just beside cos's maximum at 0 the way down leads to pi; doubling on a tiny
    # gradient used to carry x to 1.15e9.
    result = gradient_descent(np.cos, 1e-9)
    assert result.x == pytest.approx(np.pi, rel=1e-6)
    # tol |∇f(x0)| = 1e-17 is beyond what differences of cos can see: said, not claimed
    assert result.converged or result.message.startswith("gradient lost in rounding")


def test_landing_on_a_corner_says_so():
    # |x| from 1 lands exactly on its corner at 0, where no gradient exists.
    result = gradient_descent(np.abs, 1.0)
    assert result.x == 0.0
    assert "is the gradient right" not in result.message
    assert "smooth" in result.message or result.converged


# --- finding 18: the user's gradient is checked before convergence is claimed ----------------


def test_a_gradient_missing_a_component_is_not_a_minimum():
    f = lambda v: (v[0] - 1) ** 2 + v[1] ** 2
    result = gradient_descent(f, [0.0, 2.0], grad=lambda v: np.array([2 * (v[0] - 1), 0.0]))
    assert result.converged is False
    assert "`grad`" in result.message


def test_a_right_gradient_still_converges_after_the_check():
    f = lambda v: (v[0] - 1) ** 2 + v[1] ** 2 + 1e6
    result = gradient_descent(f, [0.0, 2.0], grad=lambda v: np.array([2 * (v[0] - 1), 2 * v[1]]))
    assert result.converged, result.message


# --- finding 14: a Python float that overflows is a non-finite value ---------------------------


def test_a_python_overflow_at_the_start_is_a_non_finite_f():
    with pytest.raises(ValueError, match="`f` must return finite values at `x0`"):
        gradient_descent(lambda x: x**2, 1e160)


def test_f_not_finite_a_step_from_x0_is_named_so():
    # f(x0) is finite but not a difference step away: this said "`f` near `x0` must
    # return finite values at `x0` = [0], got array([nan])", though f(x0) = 1 (two reviews).
    with pytest.raises(ValueError) as raised:
        gradient_descent(lambda v: (v[0] - 1) ** 2 if v[0] > -1e-7 else np.nan, [0.0])
    message = str(raised.value)
    assert message.startswith("`f` must be finite a difference step (about 6.1e-06) from")
    assert "f(x0) = 1 is finite" in message and "pass `grad`" in message
    # and where f is finite but its slope overflows (a review), that is what it says
    with pytest.raises(ValueError, match="The slope of `f` at `x0` = .0. overflows"):
        gradient_descent(lambda v: 1.7e308 * np.tanh(v[0] / 1e-8), [0.0])


def test_a_python_overflow_mid_run_is_reported():
    # x**2 from 1e150 is finite at the start; a Python float overflows only past 1e154.
    result = gradient_descent(lambda x: x**2 if abs(x) < 1e150 else x**3, 1e149, lr=1e3)
    assert result.converged is False and "not finite" in result.message


# --- the second look: a right `grad` is never refuted, and an exact landing is a minimum -----


@pytest.mark.parametrize(
    ("f", "grad", "x0", "minimum"),
    [
        (lambda x: x**2 + np.exp(x), lambda x: 2 * x + np.exp(x), 0.0, -0.351733711249196),
        (lambda x: np.exp(x) - 2 * x, lambda x: np.exp(x) - 2, 0.0, np.log(2)),
        (lambda x: x - np.log(x), lambda x: 1 - 1 / x, 3.0, 1.0),
    ],
)
def test_a_right_grad_at_the_minimum_converges(f, grad, x0, minimum):
    # The check of `grad` once took f's differences at a step lengthened 780 times (the
    # gradient is tiny at the minimum), whose truncation error refuted a right grad; and
    # landing exactly on the minimum was called a corner. Both with and without `grad`.
    for given in (grad, None):
        result = gradient_descent(f, x0, grad=given)
        assert result.converged, result.message
        assert result.x == pytest.approx(minimum, rel=1e-7)


def test_logistic_regression_with_its_gradient_reaches_scipy_s_optimum():
    X = np.array([[1, 0.5], [1, 1.5], [1, 2], [1, 3], [1, 1], [1, 2.5]])
    y = np.array([0, 0, 1, 1, 1, 0.0])

    def p(w):
        return 1 / (1 + np.exp(-(X @ w)))

    def loss(w):
        return -np.sum(y * np.log(p(w)) + (1 - y) * np.log(1 - p(w)))

    result = gradient_descent(loss, [0.0, 0.0], grad=lambda w: X.T @ (p(w) - y))
    expected = minimize(loss, [0.0, 0.0], jac=lambda w: X.T @ (p(w) - y), tol=1e-12).x
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, expected, rtol=1e-6)


# --- a start where ∇f = 0 is a minimum only if the slope rises along every axis ---------------


@pytest.mark.parametrize(
    ("f", "x0"),
    [
        (lambda x: -(x**2), 0.0),  # a maximum
        (lambda x: -((x - 3) ** 2), 3.0),
        (lambda v: v[0] ** 2 - v[1] ** 2, [0.0, 0.0]),  # a saddle that falls along an axis
        # (xy, or x² + y² - 3xy, fall only off the axes: f's Hessian refuses them, with
        # another message: tests/test_descent_minimum.py)
    ],
)
def test_a_start_at_a_maximum_or_saddle_is_not_a_minimum(f, x0):
    result = gradient_descent(f, x0)
    assert result.converged is False
    assert "maximum or a saddle" in result.message


@pytest.mark.parametrize(
    ("f", "x0"),
    [
        (lambda x: x**2, 0.0),
        (lambda x: (x - 3) ** 2, 3.0),
        (lambda x: x**4, 0.0),
        (np.abs, 0.0),
        (lambda v: v[0] ** 2, [0.0, 0.0]),  # a valley floor: flat along y, still a minimum
        (lambda x: 0.0 * x, 0.0),  # a constant: every point is one
    ],
)
def test_a_start_at_the_minimum_is_one(f, x0):
    result = gradient_descent(f, x0)
    assert result.converged, result.message
    np.testing.assert_array_equal(result.x, x0)


# --- the audit of issue 14: a narrow valley, where |∇f(x0)| was steep ------------------------


@pytest.mark.parametrize("k", [1e9, 1e12])
@pytest.mark.parametrize("c", [1e-8, 1.0, 1e8])
@pytest.mark.parametrize("s", [1e-8, 1.0, 1e8])
def test_a_narrow_valley_is_not_converged_where_the_gradient_first_passes(k, c, s):
    # x^2 + 1e9 y^2 from (1, 1): |∇f| = 2e9 at the start, so |∇f| <= 1e-8 |∇f(x0)| held
    # at (1, 9.1e-10), a whole unit from the minimum at 0, and that was "converged"
    # (f's Hessian put the minimum 1 away in its own message). f and x in other units
    # give the same verdict.
    f = lambda v: c * ((v[0] / s) ** 2 + k * (v[1] / s) ** 2)
    result = gradient_descent(f, [s, s], max_iter=300)
    assert result.converged is False, result.message
    assert f"placed the minimum about {s:.2g} from there" in result.message, result.message
    assert "narrow valley" in result.message


def test_the_chapter_s_narrow_valley():
    # docs/optimisation.md: test 1 passes at (1, 1e-9), a whole unit from the minimum.
    result = gradient_descent(lambda v: v[0] ** 2 + 1e9 * v[1] ** 2, [1.0, 1.0], max_iter=300)
    passed = re.search(r"passed the test at x = \[(\S+), (\S+)\]", result.message)
    assert passed, result.message
    assert float(passed[1]) == pytest.approx(1, abs=1e-5) and 5e-10 < float(passed[2]) < 2e-9
    assert "about 1 from there" in result.message and "1e+09 times" in result.message


def test_a_narrow_valley_the_hessian_cannot_decide_is_not_converged():
    # (x - 2)^2 + 1e9 (y - 1)^2 from 0: the Hessian's error, set by the steep y, hid the
    # shallow curvature 2, so the second-derivative test was undecided and the claim was
    # "a stationary point" at f = 4 (minimum 0), 2 from the minimum. An extra variable
    # that f does not curve along at all made the same valley undecided too.
    f = lambda v: (v[0] - 2) ** 2 + 1e9 * (v[1] - 1) ** 2
    result = gradient_descent(f, [0.0, 0.0], max_iter=300)
    assert result.converged is False, result.message
    # the Hessian's error bounds the shallow curvature, so the distance (2) from below
    assert "placed the minimum at least" in result.message, result.message


def test_a_narrow_valley_in_200_variables_is_not_converged():
    # Beyond 159 variables no whole Hessian: conjugate gradients on Hessian-vector
    # products bound the distance to the model's minimum (here 14, from x = 1).
    f = lambda v: (v[:-1] ** 2).sum() + 1e12 * v[-1] ** 2
    result = gradient_descent(f, np.ones(200), max_iter=30)
    assert result.converged is False, result.message
    assert "at least 14 from there" in result.message


def test_random_quadratics_converge_only_near_their_minimum():
    # Condition numbers 1 to 1e12, rotated, minima anywhere: where gradient_descent says
    # converged, the true minimum lies within sqrt(tol) = 1e-4 of x's scale (the longer of
    # |x| and |x - x0|), as the docstring says. Before, 11 of 150 such runs claimed a
    # minimum 1e-3 to 1 of that scale away.
    rng = np.random.default_rng(1)
    converged = 0
    for _ in range(30):
        n = int(rng.integers(1, 7))
        Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        A = (Q * 10 ** np.linspace(0, rng.uniform(0, 12), n)) @ Q.T
        A = (A + A.T) / 2
        minimum = rng.standard_normal(n) * 10 ** rng.uniform(-3, 3)
        x0 = minimum + rng.standard_normal(n) * 10 ** rng.uniform(-2, 2)
        result = gradient_descent(
            lambda v, A=A, m=minimum: 0.5 * (v - m) @ A @ (v - m), x0, max_iter=1500
        )
        if result.converged:
            converged += 1
            scale = max(np.linalg.norm(result.x), np.linalg.norm(result.x - x0))
            assert np.linalg.norm(result.x - minimum) <= 2e-4 * scale, result.message
    assert converged >= 8  # the test tests something


@pytest.mark.parametrize(
    "f, x0, minimum",
    [
        # a variable f does not curve along makes the Hessian singular
        (lambda v: v[0] ** 2 + 1e9 * v[1] ** 2 + 0 * v[2], [1.0, 1.0, 1.0], [0, 0]),
        # a start coordinate at 0 gave the shallow one a step too short to curve
        (lambda v: (v[0] - 1) ** 2 + 1e12 * (v[1] - 1) ** 2, [0.0, 0.0], [1, 1]),
        # a far start: within sqrt(tol) |x - x0| was half a unit of the shallow variable
        (lambda v: (v[0] - 1) ** 2 + 1e9 * (v[1] - 1) ** 2, [1.5, 1e4], [1, 1]),
        # beyond 159 variables, a shallow curvature the products' error hides
        (lambda v: ((v[:-1] - 1) ** 2).sum() + 1e12 * (v[-1] - 1) ** 2, np.zeros(200), None),
    ],
    ids=["flat variable", "start at 0", "far start", "200 variables"],
)
def test_narrow_valleys_the_review_found_are_not_converged(f, x0, minimum):
    result = gradient_descent(f, x0, max_iter=300)
    assert result.converged is False, result.message
    assert "narrow valley" in result.message


# --- units far apart: a variable that started at 0 borrows the others' size ---------------


@pytest.mark.parametrize("units", [(1e-8, 1e8), (1e8, 1e-8), (1e-8, 1e4), (1e-4, 1e8)])
@pytest.mark.parametrize(
    "k", [lambda u: (u - 1) ** 2, lambda u: np.log(np.cosh(u - 1))], ids=["quad", "lcosh"]
)
def test_a_variable_in_far_units_from_zero_is_not_left_at_zero(units, k):
    # k(x / a) + k(y / b) from (0, 0), a and b 1e12 to 1e16 apart: y at 0 took x's size,
    # at which its slope and curvature are below f's rounding, and |∇f| <= tol |∇f(x0)|
    # held with y still at 0, its minimum at y = b: "converged: a stationary point". 18
    # of 150 runs of a units sweep (a review's) said so.
    a, b = units
    f = lambda v: k(v[0] / a) + k(v[1] / b)
    result = gradient_descent(f, np.zeros(2), max_iter=3000)
    assert result.converged is False or np.allclose(result.x, units, rtol=1e-4), result.message


@pytest.mark.parametrize("units", [1e-8, 1e-4, 1.0, 1e8])
@pytest.mark.parametrize(
    "k",
    [
        lambda u: (u - 1) ** 4 + (u - 1) ** 2,
        lambda u: np.log(np.cosh(u - 1)),
        lambda u: np.exp(u - 1) - (u - 1),
    ],
    ids=["quartic", "lcosh", "exp"],
)
def test_a_start_at_zero_finds_the_units_of_x(units, k):
    # From x0 = 0 nothing gives x a size, and the step was eps^(1/3) of 1, 600 units of x
    # in 1e-8: the differences read f's higher terms, not its slope, and gradient descent
    # stopped after one iteration with "gradient lost in rounding" (an audit of issue 14:
    # x multiplied by 1e-8 changed the verdict). At x0, the step of a variable at 0 now
    # shortens while the difference at 16 times shorter disagrees.
    f = lambda v: k(v[0] / units) + k(v[1] / units)
    result = gradient_descent(f, [0.0, 0.0])
    assert result.converged is True, result.message
    np.testing.assert_allclose(result.x / units, [1.0, 1.0], rtol=1e-6)


@pytest.mark.parametrize("units", [1e-8, 1e-4, 1.0])
def test_a_start_at_zero_leaves_no_bias_at_an_asymmetric_minimum(units):
    # A review of a first version, which kept x0's shortened steps for the whole run:
    # their truncation, fixed in size, outlasted the gradient at the minimum of (u - 1)^2
    # + (u - 1)^3 / 3 (whose third derivative is not 0 there), and "converged" held
    # |f'| = 0.048 against a bound of 1e-4. After x0 the steps follow |x| again.
    f = lambda x: (x / units - 1) ** 2 + (x / units - 1) ** 3 / 3
    result = gradient_descent(f, 0.0)
    u = result.x / units - 1
    assert result.converged is True, result.message
    assert abs(2 * u + u**2) / units <= 2 * 1e-8 / units  # 2 tol |f'(x0)|, f'(x0) = -1 / units


def test_the_fall_a_hidden_variable_hides_is_named():
    result = gradient_descent(lambda v: (v[0] / 1e-8 - 1) ** 2 + (v[1] / 1e8 - 1) ** 2, [0, 0])
    assert result.converged is False
    assert result.message.startswith("f falls farther out than its differences look: ")
    assert "along x_1" in result.message and "rescale them" in result.message


@pytest.mark.parametrize("units", [(1e8, 1e-8), (1e-8, 1e8), (1e6, 1e-6), (1e-4, 1e8)])
@pytest.mark.parametrize("turn", [np.pi / 4, 0.3], ids=["45 degrees", "0.3 rad"])
@pytest.mark.parametrize(
    "k", [lambda u: (u - 1) ** 2, lambda u: np.log(np.cosh(u - 1))], ids=["quad", "lcosh"]
)
def test_units_far_apart_along_turned_axes_are_seen(units, turn, k):
    # The units of the test above along axes turned by `turn`: every axis climbs the steep
    # direction, so probes along the axes see f rise; the faint direction is one where
    # f's Hessian curves within its error of 0. (x + y) / 1e8 and (x - y) / 1e-8 from
    # (0, 0) "converged" at f = 1, its minimum 0. With log cosh, longer steps of the
    # Hessian disagree (f's higher terms), and the Hessian at its first steps is used.
    a, b = units
    c, s = np.cos(turn), np.sin(turn)
    f = lambda v: k((c * v[0] + s * v[1]) / a) + k((c * v[1] - s * v[0]) / b)
    # From 0 and from beside it. From (1e-9, 1e-9) (and from 0 once x0's steps followed
    # the units) log cosh "converged" at f = 0.43: the faint direction, an eigenvector of
    # a Hessian whose error grows with the steep curvature, lay 1e-8 off, and probes along
    # it climbed the steep direction before the fall showed; they now slide back onto it.
    for x0 in ([0.0, 0.0], [1e-9, 1e-9], [1e-9, -2e-9]):
        result = gradient_descent(f, x0, max_iter=3000)
        assert result.converged is False or f(result.x) <= 1e-6, (x0, result.message)
        if not result.converged and result.message.startswith("f falls farther out"):
            assert "along the direction [" in result.message and "rescale them" in result.message


@pytest.mark.parametrize(
    "f, x0",
    [
        (lambda v: (v[0] + v[1] - 2) ** 2, [0.0, 0.5]),
        (lambda v: np.cosh(v[0] + v[1]), [0.3, 0.5]),
        (lambda v: (v[0] - v[1] - 1) ** 2 + max(0.0, v[0] + v[1] - 5), [0.0, 0.0]),
        (lambda v: (v[0] + v[1] - 2) ** 2 + 1e-3 * np.tanh(v[0] - v[1] - 40), [0.0, 0.5]),
    ],
    ids=["valley", "cosh", "relu", "tanh's floor"],
)
def test_a_faint_turned_direction_that_never_falls_still_converges(f, x0):
    # Flat along x - y (or x + y), or rising, or a tanh on its lower floor: f's Hessian has
    # an eigenvalue within its error of 0 along a turned direction, f does not fall along
    # it, and the minimum is verified as before.
    result = gradient_descent(f, x0)
    assert result.converged is True, result.message


_THREE = np.array([[1, 1, 1] / np.sqrt(3), [1, -1, 0] / np.sqrt(2), [1, 1, -2] / np.sqrt(6)])
_SOFT2 = lambda u: np.logaddexp(0, u - 1) + np.logaddexp(0, 1 - u) - 2 * np.log(2)


@pytest.mark.parametrize(
    "k, b",
    [(_SOFT2, 1e8), (lambda u: np.log(np.cosh(u - 1)), 1e4), (_SOFT2, 1e4)],
    ids=["softplus pair 1e8", "log cosh 1e4", "softplus pair 1e4"],
)
def test_a_faint_direction_whose_hessian_entry_is_truncation_is_seen(k, b):
    # A review's 3-D cases: the steep direction's higher terms leak into the faint one's
    # Hessian (its curvature 1e-16 read 3.5e-3, beyond the error), so no eigenvalue was
    # within its error of 0 and nothing was looked along; x also moved far enough that
    # the faint slope showed at the first step of the look (the fall fades as a slope's
    # at h / 2 and h / 4). "converged" at f = 0.24 and 0.43, the minimum 0.
    units = np.array([0.01, b, 1.0])
    f = lambda v: float(np.sum(k((_THREE @ v) / units)))
    result = gradient_descent(f, np.zeros(3), tol=1e-5, max_iter=3000)
    assert result.converged is False or result.fun <= 1e-6, result.message


@pytest.mark.parametrize("n", [2, 4, 10, 20])
def test_the_floor_of_a_least_squares_valley_is_no_saddle(n):
    # sum (x_2i + x_2i+1 - 1)^2 from 0: at its floor x_2i + x_2i+1 - 1 cancels, rounded at
    # eps, not at eps |f|, and f's Hessian read -7e-12 along the floor, beyond the error
    # its values give: "a saddle point" at the global minimum, from 4 variables on. A
    # negative eigenvalue must now show in f along its eigenvector too.
    f = lambda v: float(np.sum((v[0::2] + v[1::2] - 1) ** 2))
    result = gradient_descent(f, np.zeros(n))
    assert result.converged is True, result.message
    assert result.fun <= 1e-12


def test_saddles_are_still_saddles():
    for f, x0 in [
        (lambda v: v[0] ** 3 - 3 * v[0] * v[1] ** 2, [0.1, 0.0]),  # a monkey saddle
        (lambda v: v[0] ** 2 - v[1] ** 2 + v[1] ** 4, [1.0, 0.0]),  # reached along x
        # reached along its rising direction, x - y: only the Hessian sees it curve down
        (lambda v: v[0] ** 2 + v[1] ** 2 - 3 * v[0] * v[1] + (v[0] + v[1]) ** 4, [1.0, -1.0]),
    ]:
        assert gradient_descent(f, x0).converged is False


relu = lambda t: max(0.0, t)


@pytest.mark.parametrize("v", [1e-8, 1.0, 1e8])
@pytest.mark.parametrize(
    "k",
    [lambda t: relu(t - 5), lambda t: 1.0 if t > 5 else 0.0, lambda t: 0.0],
    ids=["relu", "step", "absent"],
)
def test_a_plateau_in_far_units_is_still_a_minimum(v, k):
    # f flat along y near 0 (a ReLU's dead side, a step, a variable f ignores), rising or
    # flat farther out: f never falls along y, so (1e-8, 0) is a minimum as before.
    result = gradient_descent(lambda w: (w[0] / 1e-8 - 1) ** 2 + k(w[1] / v), [0.0, 0.0])
    assert result.converged is True, result.message
    assert result.x[0] == pytest.approx(1e-8, rel=1e-6) and result.x[1] / v <= 5


def test_a_fall_too_faint_to_matter_leaves_the_claim():
    # softplus(y - 60) falls 9e-27 to the left of y = 0: below tol^2 of f's fall from x0,
    # all that |∇f| <= tol |∇f(x0)| leaves on a quadratic; converged as before.
    f = lambda w: (w[0] - 1) ** 2 + np.logaddexp(0.0, w[1] - 60)
    result = gradient_descent(f, [0.0, 0.0])
    assert result.converged is True, result.message


def test_a_dead_relu_unit_is_still_a_flat_minimum():
    # A review of the first version: along a dead unit's weight f is flat until the unit
    # wakes 2.5 away, then falls; that fall appears from nothing (the plateau's edge), it
    # does not grow from x, and x is a flat local minimum, as it was before.
    xs = np.linspace(-1, 1, 5)
    f = lambda p: float(np.mean((p[0] + np.maximum(0.0, p[1] * xs + p[2]) - 2 * xs - 1) ** 2))
    result = gradient_descent(f, [0.0, 0.5, -3.0])
    assert result.converged is True, result.message
    g = lambda v: (v[0] - 1) ** 2 - min(max(0.0, -v[1] - 5), 1.0)  # a drop 5 away, bounded
    assert gradient_descent(g, [0.0, 0.0]).converged is True


def test_a_probe_where_f_raises_stops_there():
    # f defined on a table's range only: the far steps raise, as the user's f may.
    grid = np.linspace(-10, 10, 41)
    f = lambda v: (
        (v[0] - 1) ** 2
        + float(np.interp(v[1], grid, grid, left=np.nan)) * 0
        + ([0.0] * 21)[int(np.floor(v[1])) + 10]
    )
    result = gradient_descent(f, [0.0, 0.0])
    assert result.converged is True, result.message


def test_a_saturated_sigmoid_is_no_minimum():
    # 1 / (1 + e^(y - 40)) at y = 0: its slope, 4e-18, is below f's rounding, yet f falls
    # by 1 as y grows; main said "a stationary point".
    f = lambda v: (v[0] - 1) ** 2 + 1 / (1 + np.exp(v[1] - 40))
    result = gradient_descent(f, [0.0, 0.0])
    assert result.converged is False
    assert "a fall that grows from x" in result.message and "saturates" in result.message


# --- f not finite at the Hessian's points: a result, not a raised error -----------------

EDGE = lambda x: (x - 1) ** 2 if x < 1.00005 else np.inf  # a wall 5e-5 past the minimum


def test_a_wall_beside_the_minimum_is_a_result_with_its_reason():
    # The Hessian's steps at 1 (1.2e-4) reach past the wall: `hessian` refused the inf and
    # the ValueError "`f` near `x` must return finite values" left gradient_descent. Steps
    # 16 times shorter stay inside and verify the minimum.
    result = gradient_descent(EDGE, 0.0)
    assert result.converged is True and result.x == pytest.approx(1.0, abs=1e-8)
    assert "a minimum, f's Hessian there is positive definite" in result.message
    # a wall even closer (7e-6, within the shorter steps too): no minimum is verified
    closer = lambda x: (x - 1) ** 2 if x < 1.000007 else np.inf
    result = gradient_descent(closer, 0.0)
    assert result.converged is False
    assert "f's Hessian there is not finite" in result.message, result.message


@pytest.mark.parametrize("strategy", ["newton", "hybrid"])
def test_descend_beside_a_wall_is_a_result(strategy):
    from mvc.descent import descend

    result = descend(lambda v: EDGE(v[0]), [0.0], strategy)
    assert result.x == pytest.approx([1.0], abs=1e-8), result.message


def test_descend_from_zero_fits_the_hessian_s_steps_to_the_units():
    # log cosh(x / 1e-8 - 1) + log cosh(y / 1e8 - 1) from 0, where nothing gives x or y a
    # size: the Hessian's steps (1.2e-4) were 1.2e4 units of x, where cosh overflows ("no
    # Hessian", and before that a ValueError), and 1e-12 units of y, too short to see its
    # curvature. They now start from the sizes x0's gradient found, and grow where the
    # curvature is lost in f's rounding.
    from mvc.descent import descend

    f = lambda v: np.log(np.cosh(v[0] / 1e-8 - 1)) + np.log(np.cosh(v[1] / 1e8 - 1))
    result = descend(f, np.zeros(2), "newton")
    assert result.converged is True, result.message
    np.testing.assert_allclose(result.x / [1e-8, 1e8], [1.0, 1.0], rtol=1e-6)


@pytest.mark.parametrize("units", [1e-8, 1e-4, 1.0, 1e4, 1e8])
@pytest.mark.parametrize(
    "k",
    [
        lambda w: np.sum((w - 1) ** 2),
        lambda w: np.sum(np.exp(w - 1) - (w - 1)),
        lambda w: np.sum((w - 1) ** 4 + (w - 1) ** 2),
    ],
    ids=["quadratic", "exp", "quartic"],
)
def test_newton_from_zero_has_one_verdict_in_every_unit(units, k):
    # An audit: descend(f, zeros, "newton") with x in units of 1e8 said "singular
    # Hessian" (a curvature of 2e-16 moves f by 3e-24 at a step of 1.2e-4), and in units
    # of 1e-8 "no Hessian" (exp overflowed 1.2e4 units out); from 0.5 units it converged.
    # The quartic's first step from 0 in units of 1e-8, 0.43 units long, passed for a
    # vanished one (within tol of 1, x0's size before its differences were fitted).
    from mvc.descent import descend

    for start in (0.0, 0.5):
        result = descend(lambda v: k(np.asarray(v) / units), np.full(2, start * units), "newton")
        assert result.converged is True, (start, result.message)
        np.testing.assert_allclose(result.x / units, [1.0, 1.0], rtol=1e-6)


def _hash(v):
    total = sum(math.sin(float(a) * 1e8 + 1.3 * i) * 43758.5453 for i, a in enumerate(v))
    return total - math.floor(total)


@pytest.mark.parametrize("amplitude", [1e-10, 1e-8])
def test_noise_in_f_does_not_fit_the_steps_at_zero(amplitude):
    # A review: from x0 = 0 the steps shortened while noise looked like truncation, to
    # 1e-13, where the hash is smooth, and read its slope as ∇f(x0) (102 for 2.83):
    # newton and hybrid "converged" 3e-7 from the minimum against a bound of 3e-8, and
    # gradient descent never left x0 (586 839 calls). A step is fitted only where it
    # reaches past where f turns (its second difference outgrows its first); noise does not.
    from mvc.descent import descend

    f = lambda v: float((v[0] - 1) ** 2 + (v[1] - 1) ** 2) + amplitude * _hash(v)
    for strategy in ("newton", "hybrid"):
        result = descend(f, np.zeros(2), strategy)
        assert result.converged is False or np.allclose(result.x, 1, atol=1e-7), result.message
    result = gradient_descent(f, np.zeros(2))
    assert np.allclose(result.x, 1, atol=1e-3), result.message


@pytest.mark.parametrize("units", [1.0, 1e4])
def test_a_longer_step_that_cancels_the_slope_is_not_kept(units):
    # 1e6 + exp(u - 1) - (u - 1): where f's rounding swamps the gradient the steps are
    # lengthened, and the longer difference, kept for its smaller rounding, read 1.6e-8
    # for a slope of 5e-4 (its truncation, h^2 / 6, cancelled it): descend said "a
    # minimum within 1.6e-08 of x" 5e-4 away (and, from 0 in units of 1e4, 5 away).
    from mvc.descent import descend

    f = lambda v: 1e6 + float(np.exp(v[0] / units - 1) - (v[0] / units - 1))
    result = descend(f, np.zeros(1), "newton")
    assert result.converged is False or abs(result.x[0] / units - 1) <= 1e-6, result.message


@pytest.mark.parametrize(("units", "turn"), [(1.0, 0.3), (1.0, 0.4), (1e4, 0.4)])
def test_a_longer_step_is_checked_variable_by_variable(units, turn):
    # A second review: in a turned sum of such terms the lengthened difference was kept
    # because it agreed with the shorter one within their whole rounding, most of it one
    # variable's; the other's truncation, 1.3e-4 for a slope of 0, went unseen, and
    # descend claimed "a minimum within 1.1e-06" 1.3e-4 away (0.67 away in units of 1e4).
    from mvc.descent import descend

    c, s = np.cos(turn), np.sin(turn)

    def f(v):
        a, b = (c * v[0] - s * v[1]) / units, (s * v[0] + c * v[1]) / units
        return float(1e6 + np.exp(a - 1) - (a - 1) + np.exp(b - 1) - (b - 1))

    minimum = units * np.array([c + s, c - s])
    for strategy in ("newton", "hybrid"):
        result = descend(f, np.zeros(2), strategy)
        if result.converged and result.message.startswith("converged: a minimum within "):
            within = float(result.message.split("within ")[1].split(" of x")[0])
            assert np.linalg.norm(result.x - minimum) <= within, (strategy, result.message)


def test_a_longer_step_must_agree_with_half_of_it():
    # A third review: where the short difference is mostly rounding it agrees with
    # anything; the longer step, 3.6 units of z out on 1e12 + softplus + 0.1 (z - 1)^2 in
    # units of 1e-6, read 0 for a slope of -1.2e5, and descend claimed "a minimum within
    # 7.2e-10 of x" 3.4e-7 away. It must now also agree with the difference at half its
    # step, as a difference free of truncation does.
    from mvc.descent import descend

    def f(x):
        z = np.atleast_1d(x) / 1e-6
        return 1e12 + sum([np.logaddexp(0, z[0] - 1) + 0.1 * (z[0] - 1) ** 2])

    result = descend(f, np.array([0.0]), "hybrid")
    assert result.converged is False or abs(result.x[0] + 1.775e-7) <= 1e-9, result.message


def test_an_axis_flat_at_every_length_keeps_its_first_step():
    # From 0 the Hessian's steps grow where a curvature is lost in f's rounding; along y,
    # where (x - 1)^2 does not change at all, they grew to 3.4e10 and the message said so.
    from mvc.descent import descend

    result = descend(lambda v: (v[0] - 1) ** 2, [0.0, 0.0], "newton")
    assert result.converged is False and result.message.startswith("singular Hessian")
    assert "along x_1" in result.message and "at steps 0.00012)" in result.message


def test_a_minimum_where_f_is_exactly_0_is_verified():
    # log cosh(x - 1) + log cosh(y - 1): Newton lands on (1, 1), where f and J are exactly
    # 0. The Hessians at the first steps and at half of them differ by their truncation
    # (the second difference reads 1 - s^2 / 3), which f's rounding, 0 there, could not
    # cover: "the gradient fades with no stationary point in sight", at the minimum.
    # The difference falls to a quarter at half the steps, as truncation does.
    from mvc.descent import descend

    f = lambda v: np.log(np.cosh(v[0] - 1)) + np.log(np.cosh(v[1] - 1))
    result = descend(f, np.array([0.5, 0.0]), "newton")
    assert result.converged is True and result.message.startswith("converged: a minimum"), (
        result.message
    )
    # and a quartic's minimum, differenced from f = 0 too, is placed, not just "stationary"
    quartic = lambda v: np.sum((np.asarray(v) - 1) ** 4 + (np.asarray(v) - 1) ** 2)
    result = descend(quartic, np.zeros(2), "newton")
    assert result.message.startswith("converged: a minimum"), result.message
    # In units of 1e4 cosh rounds at 1 + eps, which f's error bound (from f = 0) misses,
    # and the Hessians disagree beyond truncation: no verdict, and it says so, where it
    # said "the gradient fades with no stationary point in sight" at J = 0.
    f = lambda v: np.log(np.cosh(v[0] / 1e4 - 1)) + np.log(np.cosh(v[1] / 1e4 - 1))
    result = descend(f, np.array([5e3, 0.0]), "newton")
    assert result.converged is False, result.message
    assert result.message.startswith("J(x) = 0 at x = [10000, 10000]: a stationary point"), (
        result.message
    )


WALLED = {  # a saddle or a maximum with the edge of f's domain closer than the Hessian's steps
    "saddle along y": (lambda v: (v[0] - 1) ** 2 - v[1] ** 2 if v[0] < 1.00005 else np.inf, [0, 0]),
    "rotated saddle": (
        lambda v: (
            2 * (v[0] - 1) ** 2
            + 2 * (v[1] - 1) ** 2
            - 5 * (v[0] - 1) * (v[1] - 1)
            + 0 * math.log(2e-5 - (v[0] - 1))
        ),
        [0, 2],
    ),
    "xy, a wall on a diagonal": (
        lambda v: (v[0] - 1) * (v[1] - 1) + 0 * math.sqrt(max(v[0] - 1, v[1] - 1) + 2e-5),
        [2, 2],
    ),
    "a maximum along x": (lambda v: (v[1] - 1) ** 2 + math.sqrt(1e-10 - (v[0] - 1) ** 2), [1, 2]),
    "a shallow saddle, nan past a wall": (
        lambda v: 1 + (v[0] - 1) ** 2 - 1e-6 * (v[1] - 2) ** 2 if v[0] >= 1 - 1e-4 else np.nan,
        [3, 2],
    ),
    "a flatter saddle, the wall farther": (
        lambda v: 1 + (v[0] - 1) ** 2 - 1e-8 * (v[1] - 2) ** 2 if v[0] >= 1 - 1e-3 else np.nan,
        [3, 2],
    ),
    "through 0": (
        lambda v: v[0] ** 2 + v[1] ** 2 - 3 * v[0] * v[1] + 0 * math.log(2e-5 - v[0]),
        [-1, 1],
    ),
}


@pytest.mark.parametrize("case", WALLED)
def test_a_wall_beside_a_saddle_does_not_hide_it(case):
    # Two reviews: a wall made the Hessian nan, and the saddle (or maximum) passed as "a
    # stationary point"; then one whose fall lies off the finite axes did the same.
    from mvc.descent import descend

    f, x0 = WALLED[case]
    assert gradient_descent(f, np.array(x0, float)).converged is False
    for strategy in ("newton", "hybrid", "steepest descent"):
        assert descend(f, np.array(x0, float), strategy).converged is False, strategy


def test_the_user_s_own_error_beside_the_minimum_passes_through():
    from mvc.descent import descend

    def f(v):
        if v[0] > 1.00005:
            raise ValueError("my own check failed")
        return (v[0] - 1) ** 2 + v[1] ** 2

    with pytest.raises(ValueError, match="my own check failed"):
        descend(f, [0.0, 0.0], "newton")


def test_a_strategy_that_does_not_use_the_hessian_steps_on_beside_a_wall():
    # descend built H for every strategy and stopped with "no Hessian at x" where it was
    # not finite, though steepest descent never uses it (a third review)
    from mvc.descent import descend

    f = lambda v: (v[0] - 1) ** 2 + (v[1] - 1) ** 2 if v[0] < 1.00005 else np.inf
    result = descend(f, [0.0, 0.0], "steepest descent")
    assert result.converged is True and np.allclose(result.x, [1, 1]), result.message
