"""Chapter 1's numbers in prose, recomputed: the time estimate and the results stated in words.

Every number that is a result and is not printed beside it by the page's own code is
read back from docs/derivatives.md with `tests.claims.stated` (see its docstring), so an
edit of the computation or of the sentence fails here until the two agree again.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mvc import derivative
from tests.claims import stated

PAGE = "docs/derivatives.md"
EPS = np.finfo(float).eps
SCI = r"\${} \\times 10\^\{{}\}\$"  # $3.1 \times 10^{-10}$: mantissa, then exponent


def sci(value: float) -> tuple[float, int]:
    """`value` as mantissa and exponent, as the prose writes it: 3.1e-10 -> (3.1..., -10)."""
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10.0**exponent
    if round(mantissa, 1) >= 10:  # 9.96e-11 is written 1.0e-10
        mantissa, exponent = mantissa / 10, exponent + 1
    return mantissa, exponent


# --- exercise 7: the best steps and their errors ------------------------------------------


def _best_step(method: str) -> tuple[float, float]:
    steps = 10.0 ** -np.arange(1, 16)
    errors = [abs(derivative(np.sin, 1.0, h=h, method=method) - np.cos(1.0)) for h in steps]
    best = int(np.argmin(errors))
    return steps[best], errors[best]


def test_exercise_7_states_the_best_steps_errors_and_ratio_the_code_prints():
    (h_forward, forward), (h_central, central) = _best_step("forward"), _best_step("central")
    assert stated(
        PAGE, r"The forward difference is best at \$h = 10\^\{{}\}\$", math.log10(h_forward)
    )
    assert stated(PAGE, r"best at a longer step,\s+\$h = 10\^\{{}\}\$", math.log10(h_central))
    assert stated(
        PAGE,
        r"\$\\sqrt\{\\epsilon\} \\approx {} \\times 10\^\{{}\}\$, with an error of\s+" + SCI,
        *sci(EPS**0.5),
        *sci(forward),
    )
    assert stated(
        PAGE,
        r"next to \$\\epsilon\^\{1/3\} \\approx {} \\times 10\^\{{}\}\$, with an "
        r"error of\s+" + SCI + r", {} times smaller",
        *sci(EPS ** (1 / 3)),
        *sci(central),
        forward / central,
    )
    assert h_central > h_forward  # "best at a longer step"


# --- the numerical section ----------------------------------------------------------------


def test_machine_precision_and_digits():
    assert stated(PAGE, r"A computer stores about {} significant digits", 53 * math.log10(2))
    assert stated(PAGE, r"with \$\\epsilon \\approx {} \\times 10\^\{{}\}\$,", *sci(EPS))
    assert stated(PAGE, r"Euler's number \${}\\ldots\$", math.e)


def test_where_round_off_takes_over_in_the_figure():
    assert stated(
        PAGE,
        r"Below about \$h = \\sqrt\{\\epsilon\} \\approx {} \\times 10\^\{{}\}\$ "
        r"for forward",
        *sci(EPS**0.5),
    )
    assert stated(
        PAGE,
        r"\$h = \\epsilon\^\{1/3\} \\approx {} \\times 10\^\{{}\}\$ for central",
        *sci(EPS ** (1 / 3)),
    )


@pytest.mark.parametrize(("f", "x0"), [(np.exp, 1.0), (np.sin, 1.0)])
def test_the_figure_s_least_errors_sit_where_the_text_says(f, x0):
    """Forward is least within a decade of sqrt(eps), central of eps^(1/3), as in the figure.

    One step's error is partly luck (roundings may cancel), so the errors are smoothed
    over a decade of steps (a geometric mean of 5 neighbours) before the least is found.
    """
    steps = np.logspace(-15, -1, 57)
    exact = derivative(f, x0, method="complex")
    for method, where in [("forward", EPS**0.5), ("central", EPS ** (1 / 3))]:
        errors = np.array([abs(derivative(f, x0, h=h, method=method) - exact) for h in steps])
        smooth = np.convolve(np.log10(np.maximum(errors, 1e-17)), np.ones(5) / 5, "valid")
        least = steps[2:-2][int(np.argmin(smooth))]
        assert abs(math.log10(least / where)) <= 1, (method, least)  # "about": a decade


def test_the_figure_s_slopes_are_one_for_forward_and_two_for_central():
    """'error falls in proportion to h (slope 1) ... to h^2 (slope 2)', where truncation rules."""
    steps = np.logspace(-4, -1, 13)
    for method, order in [("forward", 1), ("central", 2)]:
        errors = [abs(derivative(np.exp, 1.0, h=h, method=method) - np.e) for h in steps]
        slope = np.polyfit(np.log10(steps), np.log10(errors), 1)[0]
        assert abs(slope - order) < 0.05, (method, slope)


def test_the_search_lengthens_a_step_too_short_for_exp_near_zero():
    """The box's example: at x = 1e-12 the first step, |x|/8, is too short, and the search
    grows it."""
    steps = []

    def f(x):
        steps.append(abs(x - 1e-12))
        return np.exp(x)

    assert abs(derivative(f, 1e-12) - 1) < 1e-10
    assert max(steps) > 1e3 * 1e-12 / 8
