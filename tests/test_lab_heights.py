"""The lab "Fitting the distribution of height data" (docs/labs/heights.py) runs and says
what it claims.

The notebook pipeline executes the lab at build time; this test runs its code as a plain
script (pytest does not collect `docs/labs`), so a change to `mvc` that breaks the lab
fails here, with the lab's own names to inspect.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest

LAB = Path(__file__).resolve().parents[1] / "docs" / "labs" / "heights.py"


@pytest.fixture(scope="module")
def lab():
    return runpy.run_path(str(LAB))


def test_the_hand_derivatives_match_mvc_jacobian(lab):
    # Central differences in mu = 155 step by eps^(1/3) * 155 ~ 1e-3 against a width of 6:
    # truncation error ~ (h / sigma)^2 ~ 3e-8 of the largest entry.
    scale = np.abs(lab["by_hand"]).max()
    np.testing.assert_allclose(lab["J"], lab["by_hand"], rtol=0, atol=1e-7 * scale)


def test_fifty_steps_of_aggression_2000_from_155_6_are_the_courses_path(lab):
    path = lab["path"]
    assert path.shape == (51, 2)
    np.testing.assert_array_equal(path[0], [155.0, 6.0])
    np.testing.assert_allclose(lab["walk"].history, path, rtol=1e-7)


def test_levenberg_marquardt_reaches_the_optimum_curve_fit_finds(lab):
    assert lab["lm"].converged
    # curve_fit stops at its default xtol = 1.5e-8 (relative step), a few 1e-8 short.
    np.testing.assert_allclose(lab["lm"].params, lab["popt"], rtol=1e-6)
    np.testing.assert_allclose(lab["path"][-1], lab["popt"], rtol=1e-5)  # descent, 50 steps: close
