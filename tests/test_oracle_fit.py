"""Oracle tests of mvc.fit and mvc.linear_fit on problems hypothesis draws (issue 14).

Each family is checked against an independent oracle:

- models linear in their parameters against `numpy.linalg.lstsq`, the exact minimum;
- exponential, Gaussian and rational models against `scipy.optimize.least_squares`
  started at the truth with tight tolerances, and against an independent check of the
  claim itself: at a result that says ``converged``, the model's *analytic* Jacobian must
  find no fall of chi^2 left (the same test `fit` makes with its own Jacobian);
- `linear_fit` against `scipy.stats.linregress`.

Every assertion is "the right answer to the documented accuracy, or an honest
converged=False": a converged result is never wrong.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import least_squares
from scipy.stats import linregress

from mvc import fit, linear_fit
from mvc.datasets import nist

seeds = st.integers(0, 2**32 - 1)


# --- linear in the parameters: lstsq is the exact answer ---------------------------------------

BASIS = {
    "1": lambda x: np.ones_like(x),
    "x": lambda x: x,
    "x^2": lambda x: x**2,
    "sin x": np.sin,
    "exp(-x)": lambda x: np.exp(-x),
    "1/(1+x^2)": lambda x: 1 / (1 + x**2),
}


@given(
    st.lists(st.sampled_from(sorted(BASIS)), min_size=1, max_size=4, unique=True),
    seeds,
    st.sampled_from([1e-6, 1.0, 1e6]),
)
@settings(max_examples=40, deadline=None)
def test_models_linear_in_their_parameters_reach_the_lstsq_solution(names, seed, size):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3, 3, rng.integers(len(names) + 2, 40)))
    columns = np.column_stack([BASIS[name](x) for name in names])
    sigma = size * rng.uniform(0.2, 2.0, x.size)
    y = columns @ rng.normal(0, 3, len(names)) + rng.normal(0, 1, x.size) * sigma

    def model(x, *a):
        return np.column_stack([BASIS[name](x) for name in names]) @ np.array(a)

    exact = np.linalg.lstsq(columns / sigma[:, None], y / sigma, rcond=None)[0]
    result = fit(model, x, y, np.zeros(len(names)), sigma=sigma)
    if not result.converged:  # only a singular Jacobian may stop a linear fit
        assert "singular" in result.message, result.message
        assert np.linalg.cond(columns / sigma[:, None]) > 1e7
        return
    scale = np.sqrt(
        np.diag(np.linalg.pinv((columns / sigma[:, None]).T @ (columns / sigma[:, None])))
    )
    np.testing.assert_allclose(result.params, exact, rtol=1e-7, atol=1e-6 * scale.max())
    np.testing.assert_allclose(result.uncertainties, scale, rtol=1e-5)


# --- non-linear families: scipy started at the truth, and the claim checked independently ----


def exponential(x, a, k, c):
    return a * np.exp(-k * x) + c


def exponential_jacobian(x, a, k, c):
    e = np.exp(-k * x)
    return np.column_stack([e, -a * x * e, np.ones_like(x)])


def gaussian(x, A, mu, w, b):
    return A * np.exp(-((x - mu) ** 2) / (2 * w**2)) + b


def gaussian_jacobian(x, A, mu, w, b):
    g = np.exp(-((x - mu) ** 2) / (2 * w**2))
    return np.column_stack(
        [g, A * g * (x - mu) / w**2, A * g * (x - mu) ** 2 / w**3, np.ones_like(x)]
    )


def rational(x, a, b, c):
    return (a + b * x) / (1 + c * x)


def rational_jacobian(x, a, b, c):
    d = 1 + c * x
    return np.column_stack([1 / d, x / d, -(a + b * x) * x / d**2])


FAMILIES = {
    "exponential": (
        exponential,
        exponential_jacobian,
        lambda rng: [rng.uniform(1, 5), rng.uniform(0.3, 2), rng.uniform(-1, 1)],
    ),
    "gaussian": (
        gaussian,
        gaussian_jacobian,
        lambda rng: [
            rng.uniform(2, 8),
            rng.uniform(1.5, 3.5),
            rng.uniform(0.4, 1.2),
            rng.uniform(-1, 1),
        ],
    ),
    "rational": (
        rational,
        rational_jacobian,
        lambda rng: [rng.uniform(0.5, 3), rng.uniform(-1, 2), rng.uniform(0.1, 2)],
    ),
}


def linearisation_promises(J, r):
    """sqrt(the fall of chi^2 the linearisation with Jacobian J promises, over chi^2)."""
    Q, _ = np.linalg.qr(J)
    return np.linalg.norm(Q.T @ r) / np.linalg.norm(r)


@given(
    st.sampled_from(sorted(FAMILIES)),
    seeds,
    st.sampled_from([1e-9, 0.01, 0.3]),
    st.sampled_from([0.05, 0.3]),
    st.sampled_from(["lm", "gauss-newton", "steepest-descent"]),
    st.sampled_from([1e-8, 1.0, 1e8]),
)
@settings(max_examples=60, deadline=None)
def test_non_linear_fits_are_right_or_say_they_are_not(family, seed, noise, spread, method, units):
    model, jacobian, draw = FAMILIES[family]
    rng = np.random.default_rng(seed)
    truth = np.array(draw(rng))
    x = np.linspace(0, 5, rng.integers(15, 60))
    sigma = rng.uniform(0.5, 2.0, x.size) * noise
    y = model(x, *truth) + rng.normal(0, 1, x.size) * sigma
    p0 = truth * (1 + spread * rng.uniform(-1, 1, truth.size))
    # the data in other units (y and sigma times `units`): the answer scales, the verdict not
    scaled = np.ones(truth.size)
    scaled[[0, -1] if family != "rational" else [0, 1]] = units
    result = fit(
        model,
        x,
        y * units,
        p0 * scaled,
        sigma=sigma * units,
        method=method,
        max_iter=300 if method == "steepest-descent" else 2000,
    )
    oracle = least_squares(
        lambda p: (model(x, *p) - y) / sigma,
        truth,
        jac=lambda p: jacobian(x, *p) / sigma[:, None],
        xtol=1e-15,
        ftol=1e-15,
        gtol=1e-15,
        method="lm",
    )
    params = result.params / scaled
    assert np.all(np.isfinite(result.params)) and result.message
    if not result.converged:
        return  # an honest failure: the message says why (tested in test_regression.py)
    r = (y - model(x, *params)) / sigma
    floor = (
        10 * np.finfo(float).eps * np.linalg.norm((np.abs(y) + np.abs(model(x, *params))) / sigma)
    )
    assert (
        linearisation_promises(jacobian(x, *params) / sigma[:, None], r) * np.linalg.norm(r)
        <= 1e-4 * np.linalg.norm(r) + floor
    ), "converged=True, but the analytic Jacobian finds a fall"
    chi2_oracle = np.sum(oracle.fun**2)
    # Another minimum than the oracle's (higher, or lower: a rational model may put its pole
    # between two data points) is a right answer too; the check above proved it is one.
    if abs(np.sum(r**2) - chi2_oracle) <= 1e-9 * chi2_oracle + 1e-20:  # the oracle's minimum
        covariance = np.linalg.pinv(oracle.jac.T @ oracle.jac)
        if family == "gaussian":  # the width enters squared: -w fits as well as w
            params[2], oracle.x[2] = abs(params[2]), abs(oracle.x[2])
        np.testing.assert_allclose(
            params, oracle.x, rtol=1e-7, atol=1e-4 * np.sqrt(np.diag(covariance)).max()
        )


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_levenberg_marquardt_converges_from_near_the_truth(family):
    # A failure may be honest, but from 5% off the truth it would be a poor method.
    model, _, draw = FAMILIES[family]
    for seed in range(10):
        rng = np.random.default_rng(seed)
        truth = np.array(draw(rng))
        x = np.linspace(0, 5, 30)
        y = model(x, *truth) + rng.normal(0, 0.01, x.size)
        result = fit(model, x, y, truth * (1 + 0.05 * rng.uniform(-1, 1, truth.size)))
        assert result.converged, result.message


# --- linear_fit against linregress ------------------------------------------------------------


@given(
    seeds,
    st.integers(3, 50),
    st.sampled_from([1e-150, 1e-8, 1.0, 1e8, 1e150]),
    st.sampled_from([1e-150, 1.0, 1e150]),
)
@settings(max_examples=50, deadline=None)
def test_linear_fit_equals_linregress_at_every_scale(seed, n, sx, sy):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n) + rng.normal(0, 3)
    y = rng.normal(0, 2) * x + rng.normal(0, 1) + rng.normal(0, 0.5, n)
    if np.ptp(x) < 1e-3:
        return
    result, reference = linear_fit(x * sx, y * sy), linregress(x, y)
    assert result.converged, result.message
    np.testing.assert_allclose(
        result.params,
        [reference.slope * sy / sx, reference.intercept * sy],
        rtol=1e-9,
        atol=1e-12 * sy * (1 + abs(reference.intercept)),
    )
    np.testing.assert_allclose(
        result.uncertainties,
        [reference.stderr * sy / sx, reference.intercept_stderr * sy],
        rtol=1e-9,
    )


# --- scale invariance: x, and y with sigma, in other units change no verdict ------------------
#
# Each model is written so that a change of units is a change of parameters: with x times
# sx and y (and sigma) times sy, the parameter of units y^i x^j is multiplied by sy^i sx^j
# and the scaled problem is the same problem. Its verdict must be the same, and its
# parameters the base ones in the new units, to the accuracy the test for a minimum
# guarantees: |A δ| <= sqrt(tol) |r| + |e| bounds each parameter's distance from the
# minimum by that many standard uncertainties.

UNIT_SCALES = [(sx, sy) for sx in (1e-8, 1.0, 1e8) for sy in (1e-8, 1.0, 1e8)]


def _decay(x, a, k, c):
    return a * np.exp(-k * x) + c


def _peak(x, h, mu, w, c):
    return h * np.exp(-0.5 * ((x - mu) / w) ** 2) + c


def _line(x, m, b):
    return m * x + b


def _scale_cases():
    rng = np.random.default_rng(14)
    x = np.linspace(0, 5, 40)
    noise = rng.normal(0, 1, x.size)
    cases = {
        # name: model, x, y, sigma, p0, the powers (of y, of x) of each parameter's unit
        "decay": (
            _decay,
            x,
            _decay(x, 4, 1.3, 0.5) + 0.02 * noise,
            0.02,
            [3, 1, 1],
            [(1, 0), (0, -1), (1, 0)],
        ),
        "peak": (
            _peak,
            x,
            _peak(x, 2, 2.5, 0.6, 0.3) + 0.01 * noise,
            0.01,
            [1.5, 2.2, 0.8, 0],
            [(1, 0), (0, 1), (0, 1), (1, 0)],
        ),
        "line": (_line, x, 1.7 * x - 0.4 + 0.1 * noise, 0.1, [1, 1], [(1, -1), (1, 0)]),
    }
    for name, units in (("Misra1a", [(1, 0), (0, -1)]), ("Eckerle4", [(1, 1), (0, 1), (0, 1)])):
        problem = nist(name)
        for start in (0, 1):
            cases[f"{name} from start {start + 1}"] = (
                problem.model,
                problem.x,
                problem.y,
                1.0,
                problem.starts[start],
                units,
            )
    return cases


SCALE_CASES = _scale_cases()


def _within_the_test(base, tol):
    """|scaled - base| within the distance the test for a minimum allows either of them."""
    r_norm = np.sqrt(base.chi2)
    return 2 * (np.sqrt(tol) * r_norm + 1e-12 * (1 + r_norm)) * base.uncertainties


@pytest.mark.parametrize("method", ["lm", "gauss-newton", "steepest-descent"])
@pytest.mark.parametrize("case", sorted(SCALE_CASES))
def test_fit_verdicts_do_not_depend_on_units(case, method):
    model, x, y, sigma, p0, powers = SCALE_CASES[case]
    sigma = np.full(np.shape(y), sigma)
    base = fit(model, x, y, p0, sigma=sigma, method=method)
    for sx, sy in UNIT_SCALES:
        units = np.array([sy**i * sx**j for i, j in powers])
        scaled = fit(model, x * sx, y * sy, np.array(p0) * units, sigma=sigma * sy, method=method)
        assert scaled.converged == base.converged, (sx, sy, base.message, scaled.message)
        if base.converged:
            distance = np.abs(scaled.params / units - base.params)
            allowed = _within_the_test(base, 1e-10)
            assert np.all(distance <= allowed), (sx, sy, distance / allowed)
            np.testing.assert_allclose(scaled.chi2, base.chi2, rtol=1e-6)


@pytest.mark.parametrize("sx, sy", UNIT_SCALES)
def test_linear_fit_verdict_and_line_do_not_depend_on_units(sx, sy):
    _, x, y, sigma, _, _ = SCALE_CASES["line"]
    sigma = np.full(y.shape, sigma)
    base, scaled = linear_fit(x, y, sigma), linear_fit(x * sx, y * sy, sigma * sy)
    assert scaled.converged == base.converged
    np.testing.assert_allclose(scaled.params, base.params * [sy / sx, sy], rtol=1e-10)
    np.testing.assert_allclose(scaled.uncertainties, base.uncertainties * [sy / sx, sy], rtol=1e-10)
    np.testing.assert_allclose(scaled.chi2, base.chi2, rtol=1e-10)
