"""Chapter 6's numbers that stand in sentences, recomputed and read back from the page.

Each test computes a result that the prose of docs/regression.md states (rather than a
fence beside it printing it) and checks the sentence with `tests.claims.stated`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from mvc import _fitting, fit, linear_fit
from mvc.datasets import NIST_NAMES, nist
from tests.claims import ROOT, stated

PAGE = "docs/regression.md"
QUIZ = "docs/quizzes/regression.md"
PEAK_X = np.arange(0.0, 21.0)
PEAK_Y = np.array(
    [
        0.56,
        0.2,
        0.33,
        0.89,
        1.04,
        2.46,
        3.89,
        5.89,
        7.17,
        8.76,
        8.07,
        6.94,
        5.38,
        3.59,
        1.6,
        0.69,
        0.88,
        0.33,
        0.89,
        0.62,
        0.59,
    ]
)
EX_X, EX_Y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 3.0, 4.0, 8.0])


def peak(x, A, mu, w, b):
    return A * np.exp(-((x - mu) ** 2) / (2 * w**2)) + b


def lorentzian(x, A, mu, w, b):
    return A / (1 + ((x - mu) / w) ** 2) + b


def test_steepest_descent_on_the_peak_needs_far_more_steps_than_lm():
    start = [5.0, 8.0, 3.0, 0.0]
    walk = fit(peak, PEAK_X, PEAK_Y, start, sigma=0.3, method="steepest-descent", max_iter=500)
    lm = fit(peak, PEAK_X, PEAK_Y, start, sigma=np.full(PEAK_X.size, 0.3))
    assert walk.converged and lm.converged
    assert stated(
        PAGE,
        r"slowly: it needs {} steps, where\nLevenberg–Marquardt below needs {},",
        walk.n_iter,
        lm.n_iter,
    )


def test_residuals_of_the_two_peaks_as_the_text_describes_them():
    assert stated(
        PAGE, r"with\nGaussian noise about {} % of them lie within", 100 * (2 * norm.cdf(1) - 1)
    )
    found = {}
    for name, model, start in [
        ("gauss", peak, [5.0, 8.0, 3.0, 0.0]),
        ("lorentz", lorentzian, [8.0, 9.5, 2.0, 0.0]),
    ]:
        result = fit(model, PEAK_X, PEAK_Y, start, sigma=0.3)
        r = (PEAK_Y - model(PEAK_X, *result.params)) / 0.3
        found[name] = result, r, 1 + np.count_nonzero(np.diff(np.sign(r)))
    lorentz, r, runs = found["lorentz"]
    assert stated(
        PAGE,
        r"They run in groups, {} runs of one sign against the Gaussian's {}:",
        runs,
        found["gauss"][2],
    )
    # The runs of one sign, as (sign, first x, last x): the wings are the runs at the
    # ends, the flanks and feet the runs of two points or more between them.
    ends = np.flatnonzero(np.diff(np.sign(r))).tolist()
    groups = [
        (np.sign(r[a]), a, b - 1)
        for a, b in zip([0, *(e + 1 for e in ends)], [*(e + 1 for e in ends), r.size], strict=True)
    ]
    inner = [g for g in groups[1:-1] if g[2] > g[1]]
    flanks = [x for sign, a, b in inner if sign > 0 for x in (a, b)]
    feet = [x for sign, a, b in inner if sign < 0 for x in (a, b)]
    (left, _, zero), (right, first, last) = groups[0], groups[-1]
    assert left > 0 and right > 0 and len(flanks) == len(feet) == 4
    assert stated(
        PAGE,
        r"flanks of the peak \(\$x\$ = {}–{} and {}–{}\), negative at its feet "
        r"\(\$x\$ = {}–{} and {}–{}\),\npositive again in the far wings "
        r"\(\$x\$ = {} and {}–{}\)",
        *flanks,
        *feet,
        zero,
        first,
        last,
    )
    b = lorentz.params[3]
    assert b < PEAK_Y.min()
    assert stated(PAGE, r"to \$b = {}\$, below every measurement", b)
    assert stated(PAGE, r"Its reduced \$\\chi\^2\$, {}, is well above 1", lorentz.reduced_chi2)


def test_the_lm_acceptance_threshold_is_the_codes():
    assert stated(
        PAGE, r"by at least \$10\^\{{}\}\$ of the promised fall", math.log10(_fitting.ACCEPT)
    )


def test_nist_collection_size():
    assert all(nist(name).starts.shape[0] == 2 for name in NIST_NAMES)
    assert stated(PAGE, r"the {} certified problems of the US National Institute", len(NIST_NAMES))


def test_exercise_1_by_hand():
    dx, dy = EX_X - EX_X.mean(), EX_Y - EX_Y.mean()
    assert stated(
        PAGE, r"\$\\bar x = {}\$ and \$\\bar y = {}\$\. The deviations", EX_X.mean(), EX_Y.mean()
    )
    assert stated(PAGE, r"\$x_i - \\bar x\$ are \${}, {}, {}, {}\$", *dx)
    assert stated(PAGE, r"and \$y_i - \\bar y\$ are \${}, {}, {}, {}\$, so", *dy)
    assert stated(
        PAGE,
        r"\$m = \\frac\{{} \+ {} \+ {} \+ {}\}\{{} \+ {} \+ {} \+ {}\} = "
        r"\\frac\{{}\}\{{}\} = {}\$",
        *(dx * dy),
        *(dx**2),
        dx @ dy,
        dx @ dx,
        dx @ dy / (dx @ dx),
    )
    m, c = linear_fit(EX_X, EX_Y).params
    assert stated(PAGE, r"\$c = 4 - 2\.2 \\cdot 1\.5 = {}\$", c)


def test_exercise_2_residuals_and_gradient():
    r = EX_Y - (2.0 * EX_X + 1.0)
    assert stated(PAGE, r"At \$\(2, 1\)\$ the residuals are\n    \${}, {}, {}, {}\$", *r)
    assert stated(
        PAGE, r"\\partial\\chi\^2/\\partial m = -2\(0 \+ 0 - 2 \+ 3\) = {}\$", -2 * EX_X @ r
    )
    assert stated(PAGE, r"\\partial\\chi\^2/\\partial c = -2\(0\) = {}\$", -2 * r.sum())


def test_exercise_3_uncertainties_by_hand():
    result = linear_fit(EX_X, EX_Y)
    r = EX_Y - (result.params[0] * EX_X + result.params[1])
    variance = r @ r / 2
    sm2 = variance / np.sum((EX_X - EX_X.mean()) ** 2)
    sc2 = variance * (1 / 4 + EX_X.mean() ** 2 / 5)
    assert stated(
        PAGE, r"residuals of the best line are \${}, {}, {}, {}\$, so \$\\chi\^2 = {}\$", *r, r @ r
    )
    assert stated(PAGE, r"estimated variance per point is \${}/2 = {}\$", r @ r, variance)
    assert stated(PAGE, r"\$\\sigma_m\^2 = 0\.9/5 = {}\$", sm2)
    assert stated(PAGE, r"\\tfrac\{1\.5\^2\}\{5\}\\right\) = {}\$", sc2)
    assert stated(
        PAGE, r"\$\\sigma_m \\approx {}\$ and \$\\sigma_c \\approx {}\$", *result.uncertainties
    )
    np.testing.assert_allclose([sm2, sc2], result.uncertainties**2)


def test_exercise_4_starting_guess():
    t, counts = (
        np.array([0.0, 10, 20, 30, 40, 50, 60]),
        np.array([1010.0, 745, 561, 420, 309, 233, 172]),
    )
    ratio = counts[0] / counts[-1]
    assert stated(PAGE, r"falls by a\n    factor of about {} in 60 minutes", ratio)
    assert stated(PAGE, r"\\tau \\approx 60/\\ln 6 \\approx {}\$", 60 / math.log(round(ratio)))
    assert t[-1] == 60


def test_the_one_sigma_contour_just_touches_the_uncertainty_lines():
    x = np.arange(1.0, 11.0)
    y = np.array([6.0, 8.6, 6.1, 10.5, 13.5, 15.8, 17.0, 19.7, 20.4, 22.6])
    result = linear_fit(x, y, sigma=1.0)
    A = np.column_stack([x, np.ones_like(x)])
    theta = np.linspace(0, 2 * np.pi, 20001)
    # chi^2 - chi^2_min = d^T (A^T A) d: the contour +1 is d = L^-T (cos, sin), L L^T = A^T A
    d = np.linalg.solve(np.linalg.cholesky(A.T @ A).T, np.array([np.cos(theta), np.sin(theta)]))
    np.testing.assert_allclose(np.max(d, axis=1), result.uncertainties, rtol=1e-6)
    np.testing.assert_allclose(np.min(d, axis=1), -result.uncertainties, rtol=1e-6)
    assert result.covariance[0, 1] < 0  # the tilt the caption points at


def test_gauss_newton_leaps_out_of_the_drawn_valley_and_does_not_converge():
    x = np.linspace(0, 4, 15)
    y = 3.0 * np.exp(-0.9 * x) + 0.05 * np.cos(7 * x)
    decay = lambda x, a, k: a * np.exp(-k * x)
    leap = fit(decay, x, y, [1.0, 2.0], method="gauss-newton", max_iter=60)
    a, k = leap.history[1]
    assert not (0.4 <= a <= 4.6 and -1.0 <= k <= 2.4)  # outside the drawn window
    assert not leap.converged
    for method in ("steepest-descent", "lm"):
        assert fit(decay, x, y, [1.0, 2.0], method=method, max_iter=60).converged


def test_the_heights_lab_overshoots_the_best_mean_as_its_caption_says():
    from mvc.datasets import heights

    x, y = heights()
    f = lambda x, mu, s: np.exp(-((x - mu) ** 2) / (2 * s**2)) / (s * np.sqrt(2 * np.pi))
    lm = fit(f, x, y, [155.0, 6.0])
    assert lm.converged and lm.history[:, 0].max() - lm.params[0] > 1.0
    lab = (ROOT / "docs/labs/heights.py").read_text(encoding="utf8")
    assert "overshoot = lm.history[:, 0].max() - lm.params[0]" in lab
