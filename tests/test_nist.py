"""Validation of mvc.fit on the 27 NIST StRD nonlinear regression problems, from both starts.

The log relative error of each parameter, LRE = -log10(|b - b_cert| / |b_cert|), must be at
least 6 (a good result, see the data's README) in all 54 cases, with `fit`'s defaults and
nothing tuned per problem, and every fit must say it converged. The hardest, MGH10 from
start 1 (where scipy's curve_fit fails), needs the trust-region control of the damping
(Moré's): with the older rule of multiplying and dividing the damping it ran off towards a
minimum at infinity. The paths are robust: starts perturbed by a relative 1e-6 reach the
same values (see test_tiny_changes_of_the_start_change_nothing).
"""

from __future__ import annotations

import numpy as np
import pytest

from mvc import chi_squared, fit
from mvc.datasets import NIST_NAMES, nist

#: The LRE every case must reach.
GOOD = 6.0
CASES = [(name, start) for name in NIST_NAMES for start in (1, 2)]


def lre(fitted: np.ndarray, certified: np.ndarray) -> float:
    """The worst parameter's log relative error, capped at 15 (agreement to the last bit)."""
    with np.errstate(divide="ignore"):
        errors = -np.log10(np.abs(fitted - certified) / np.abs(certified))
    return float(np.min(np.minimum(errors, 15)))


def test_there_are_27_problems_with_their_sizes():
    assert len(NIST_NAMES) == 27
    for name in NIST_NAMES:
        problem = nist(name)
        n = problem.certified.size
        assert problem.starts.shape == (2, n) and problem.certified_std.shape == (n,)
        assert problem.x.shape[-1] == problem.y.size
        assert problem.difficulty in ("lower", "average", "higher")


@pytest.mark.parametrize("name", NIST_NAMES)
def test_model_at_certified_values_gives_certified_residual_sum_of_squares(name):
    # The strongest check of the parsing and of each model as written: NIST's own chi^2.
    problem = nist(name)
    rss = chi_squared(problem.y, problem.model(problem.x, *problem.certified))
    if name == "Lanczos1":  # certified RSS 1.4e-25: below what double precision resolves for y ~ 1
        assert rss < 1e-20
    else:
        assert abs(rss / problem.residual_sum_of_squares - 1) < 1e-9


@pytest.mark.parametrize(("name", "start"), CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_fit_reaches_the_certified_values(name, start):
    problem = nist(name)
    result = fit(problem.model, problem.x, problem.y, problem.starts[start - 1])
    accuracy = lre(result.params, problem.certified)
    assert result.converged, result.message
    assert accuracy >= GOOD, f"{name} start {start}: LRE {accuracy:.1f}"
    # The standard deviations too (certified from the scaled covariance, as fit gives it).
    assert lre(result.uncertainties, problem.certified_std) >= 3
    np.testing.assert_allclose(
        result.chi2,
        problem.residual_sum_of_squares,
        rtol=1e-8 if name != "Lanczos1" else 1,
        atol=1e-20,
    )


@pytest.mark.parametrize(("name", "start"), [("MGH10", 1), ("MGH09", 1), ("Bennett5", 1)])
def test_tiny_changes_of_the_start_change_nothing(name, start):
    # The hardest far starts: a path that hung on a knife edge would fail on another machine,
    # whose arithmetic differs in the last bits. A relative 1e-6 changes no outcome.
    problem = nist(name)
    for sign in (1, -1):
        p0 = problem.starts[start - 1] * (
            1 + sign * 1e-6 * np.array([1, -1, 1, -1])[: problem.certified.size]
        )
        result = fit(problem.model, problem.x, problem.y, p0)
        assert result.converged and lre(result.params, problem.certified) >= GOOD, result.message


@pytest.mark.parametrize("factor", [0.1, 10.0])
def test_any_first_trust_radius_from_a_tenth_to_ten_times_reaches_every_value(factor, monkeypatch):
    # The first radius is |D p0| times RADIUS = 1: the validation page says any factor from
    # 0.1 to 10 does as well, so the default is no knife edge.
    import mvc._fitting

    monkeypatch.setattr(mvc._fitting, "RADIUS", factor)
    for name, start in CASES:
        problem = nist(name)
        result = fit(problem.model, problem.x, problem.y, problem.starts[start - 1])
        assert result.converged and lre(result.params, problem.certified) >= GOOD, (name, start)


@pytest.mark.parametrize(("factor", "name"), [(100.0, "BoxBOD"), (0.03, "MGH10")])
def test_a_first_trust_radius_far_outside_that_range_loses_a_case(factor, name, monkeypatch):
    # What the validation page says of MINPACK's factor 100 and of 0.03, from start 1.
    import mvc._fitting

    monkeypatch.setattr(mvc._fitting, "RADIUS", factor)
    problem = nist(name)
    result = fit(problem.model, problem.x, problem.y, problem.starts[0])
    assert not (result.converged and lre(result.params, problem.certified) >= GOOD)


def test_bennett5_from_start_1_needs_more_than_1000_trial_steps():
    # Why max_iter is 2000 (the validation page).
    problem = nist("Bennett5")
    result = fit(problem.model, problem.x, problem.y, problem.starts[0])
    assert result.converged and 1000 < result.n_iter < 2000


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [("misra1a", ValueError, "`name` must be one of"), (1, TypeError, "`name` must be a string")],
)
def test_bad_name_names_the_argument(name, error, match):
    with pytest.raises(error, match=match):
        nist(name)
