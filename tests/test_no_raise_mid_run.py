"""A run that began (f finite and real at x0) ends in a result, never a raised error.

Each test is a finding of a crash hunt (issue 14: "never a raw numpy/Python error"): a
value f cannot give partway through a run, which a solver reports in its result.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import mvc
from mvc.descent import descend


@pytest.mark.parametrize(
    "run",
    [
        # Newton's textbook failure: x**(1/3) overshoots to x = -2, where Python's float
        # power is complex ("`f` must return real numbers" was raised mid-run)
        lambda: mvc.newton_raphson(lambda x: x ** (1 / 3), 1.0),
        lambda: mvc.newton_raphson(lambda x: x**0.5 - 0.1, 4.0),
        lambda: mvc.newton_raphson(
            lambda x: x ** (1 / 3), 1.0, fprime=lambda x: (1 / 3) * x ** (-2 / 3)
        ),
        lambda: mvc.gradient_descent(lambda x: x ** (4 / 3), 2.0),
        lambda: descend(lambda v: float(v[0]) ** 1.5 + v[1] ** 2, [1.0, 1.0], "hybrid"),
    ],
    ids=["cube root", "square root", "cube root, fprime", "x^(4/3)", "descend hybrid"],
)
def test_a_complex_value_partway_through_is_a_failed_run(run):
    result = run()
    assert result.converged is False
    assert "not real" in result.message or "not finite" in result.message, result.message


@pytest.mark.parametrize("solver", [mvc.newton_raphson, mvc.gradient_descent])
def test_a_complex_value_at_x0_is_still_bad_input(solver):
    with pytest.raises(ValueError, match="must return real numbers"):
        solver(lambda x: x**0.5, -1.0)


@pytest.mark.parametrize("method", ["lm", "gauss-newton", "steepest-descent"])
def test_a_jac_that_divides_by_zero_partway_through_is_a_result(method):
    x = np.linspace(0, 3, 20)
    y = 2 * np.exp(-1.3 * x)

    def jac(x, a, b):
        if b > 0.8:
            return np.column_stack([np.exp(-b * x), -a * x * np.exp(-b * x)])
        return 1 / 0  # ZeroDivisionError escaped fit

    result = mvc.fit(lambda x, a, b: a * np.exp(-b * x), x, y, [1.0, 1.0], jac=jac, method=method)
    assert result.converged is False or np.allclose(result.params, [2, 1.3])


def test_a_domain_edge_a_difference_step_away_is_not_finite_and_shorter_steps_are_taken():
    # math.log's domain error a step away raised a raw "math domain error"; it is not
    # finite there, as np.log's nan is: the Hessian's check then searches from shorter
    # steps (issue 14, A), and the quadratic is log's
    Q = mvc.quadratic_approximation(math.log, 1e-4)
    d = 1e-6
    assert Q(1e-4 + d) == pytest.approx(math.log(1e-4) + 1e4 * d - 0.5e8 * d**2, rel=1e-12)
    assert mvc.derivative(math.log, 1e-7) == pytest.approx(1e7, rel=1e-6)
    # the Jacobian of linearise shortens its step where f is not finite (issue 14, A):
    # sqrt's slope at 1e-6 is 500
    assert mvc.linearise(math.sqrt, 1e-6)(1.1e-6) == pytest.approx(1e-3 + 500 * 1e-7, rel=1e-9)


@pytest.mark.parametrize("c", [1e302, 1e303, 1e305])
def test_newton_raphson_with_a_jacobian_near_the_largest_float(c):
    # |J^-1| error overflowed and np.linalg.eigvals raised LinAlgError
    result = mvc.newton_raphson(lambda v: np.array([c * (v[0] - 1), v[1]]), [1.5, 0.5])
    assert result.converged is True and np.allclose(result.x, [1, 0])
