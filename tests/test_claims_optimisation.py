"""Numbers stated in the prose of chapter 5 (docs/optimisation.md), recomputed.

Each test computes a result the chapter states in a sentence (not printed by the code
beside it) and reads the sentence back with `tests.claims.stated`, so an edit of either
the computation or the sentence fails here until the two agree again.
"""

from __future__ import annotations

import numpy as np

from mvc import gradient, newton_raphson
from tests.claims import stated

PAGE = "docs/optimisation.md"
QUIZ = "docs/quizzes/optimisation.md"

cubic = (lambda x: x**3 - 2 * x + 2, lambda x: 3 * x**2 - 2)
bowl = np.array([[2.0, 1.0], [1.0, 20.0]]), np.array([5.0, 3.0])


def test_the_cubic_root_and_the_first_step_by_hand():
    root = newton_raphson(*cubic[:1], -2.0, fprime=cubic[1]).x
    assert stated(PAGE, r"whose one real root is near\s+\${}\$", root)
    x1 = -2.0 - cubic[0](-2.0) / cubic[1](-2.0)
    assert stated(PAGE, r"so \$x_1 = -2 - \(-2\)/10 = {}\$, close to the root\s+\${}\$", x1, root)


def test_correct_digits_per_newton_step():
    """Issue 15 item 13: step 4 has 13 correct digits, all arrive at step 5."""
    result = newton_raphson(cubic[0], -2.0, fprime=cubic[1])
    errors = np.abs(result.history - result.x) / abs(result.x)
    digits = -np.log10(errors[:-1])
    first_exact = int(np.argmax(errors == 0))
    assert stated(
        PAGE,
        r"Step 4 already has {} correct digits, and step {} has every digit",
        np.floor(digits[4]),
        first_exact,
    )
    assert stated(PAGE, r"digits doubles — {}, {}, {}, {} in the table", *digits[1:5])


def test_the_first_step_beside_the_turning_point():
    turning = np.sqrt(2 / 3)
    x1 = newton_raphson(cubic[0], turning + 1e-3, fprime=cubic[1], max_iter=1).history[1]
    assert stated(PAGE, r"thrown to about {};", x1)


def test_the_bowl_eigenvalues_and_the_step_limit():
    """Issue 15 item 6: 2/λmax = 0.099724 is 0.0997, in the text and in exercise 5."""
    low, high = np.linalg.eigvalsh(bowl[0])
    assert stated(PAGE, r"eigenvalues are about {} and {}\.", low, high)
    assert stated(
        PAGE, r"converges only when \$\\gamma < 2/\\lambda_\{\\max\} \\approx {}\$", 2 / high
    )
    assert stated(PAGE, r"\$0\.085 < 2/\\lambda_\{\\max\} \\approx {}\$", 2 / high)


def test_exercise_5_first_step():
    A, b = bowl
    x0 = np.array([-3.0, -1.0])
    g = A @ x0 - b
    x1 = x0 - 0.085 * g
    assert stated(PAGE, r"= \[{}, {}\]\$, so\s+\$x_1", *g)
    assert stated(PAGE, r"0\.085\\,\(12, 26\) = \({}, {}\)\$", *x1)


def test_exercise_4_slopes():
    grad = gradient(lambda v: v[0] ** 2 * v[1], np.array([1.0, 2.0]))
    assert stated(PAGE, r"\\nabla f \\cdot \\hat r = \(12 \+ 4\)/5 = {}\$", grad @ [0.6, 0.8])
    assert stated(
        PAGE,
        r"the slope is\s+\${} \\approx {}\$".replace("{} ", r"-\\sqrt\{17\} "),
        -np.linalg.norm(grad),
    )


def test_exercise_2_first_step():
    x1 = 1e-4 - (1e-8 - 2) / 2e-4
    assert 5e3 < x1 < 2e4  # "≈ 10^4", "ten thousand units away"
    assert stated(PAGE, r"\\approx 10\^\{{}\}\$: the nearly flat", np.log10(x1))


def test_the_whole_hessian_checks_saddles_up_to_159_variables():
    from mvc._minimum import whole_hessian

    largest = max(n for n in range(1, 1000) if whole_hessian(n))
    assert stated(PAGE, r"the whole Hessian up to {} variables", largest)


def test_exercise_7_double_root_halves_then_doubles_the_step():
    """Exercise 7(d): plain Newton halves the error at a double root for the first steps,
    then `mvc` takes a step twice Newton's, which lands on the root."""
    result = newton_raphson(lambda x: (x - 1) ** 2, 2.0, fprime=lambda x: 2 * (x - 1), tol=1e-8)
    errors = np.abs(result.history - 1.0)
    assert errors[1] == errors[0] / 2 and errors[2] == errors[1] / 2
    assert result.converged and errors[-1] == 0 and "multiplicity 2" in result.message
    assert stated(PAGE, r"plain Newton only halves the error per step, as the first steps show")
    assert stated(PAGE, r"then takes a step twice Newton's, which lands on the root")
