"""Chapter 4 (docs/taylor.md): the numbers its prose states, recomputed and read back.

Each test recomputes a result the chapter states in a sentence (not in a fence's output)
and reads the sentence back with `tests.claims.stated`, or finds the sentence and checks
the fact it states, so that an edit of either the text or the computation that makes
them disagree fails here.
"""

from __future__ import annotations

import math
import re
from math import factorial

import numpy as np
import sympy as sp

from mvc import derivative, linearise, taylor_coefficients, taylor_polynomial
from tests.claims import ROOT, stated

PAGE = "docs/taylor.md"
QUIZ = "docs/quizzes/taylor.md"


def _text(path: str = PAGE) -> str:
    return (ROOT / path).read_text(encoding="utf8")


def _says(sentence: str, path: str = PAGE) -> None:
    """The chapter states `sentence` (whitespace as in the source may wrap differently)."""
    pattern = r"\s+".join(map(re.escape, sentence.split()))
    assert len(re.findall(pattern, _text(path))) == 1, f"{path} no longer says {sentence!r}"


# --- how mvc finds the coefficients (under the hood) --------------------------------------------


def test_the_usual_central_step():
    assert stated(
        PAGE,
        r"h = \\epsilon\^\{1/3\} \\approx {} \\times 10\^\{-6\}",
        np.finfo(float).eps ** (1 / 3) / 1e-6,
    )


def test_nested_differences_lose_every_digit_by_the_third_derivative():
    h = np.finfo(float).eps ** (1 / 3)

    def nth(f, x, n):
        return f(x) if n == 0 else derivative(lambda t: nth(f, t, n - 1), x, h=h)

    exact = [np.e / factorial(n) for n in range(6)]
    c = [nth(np.exp, 1.0, n) / factorial(n) for n in range(6)]
    assert stated(PAGE, r"By the third derivative the error is {}%", 100 * abs(c[3] / exact[3] - 1))
    _says("and from the fourth on not even the sign is right")
    assert c[4] < 0 and c[5] < 0


def test_the_number_of_points_on_a_circle():
    _says("($N$ is 64, or more for orders above 15)")
    sizes = {}
    for n in (2, 15, 16):
        seen = []

        def f(z, seen=seen):
            seen.append(np.size(z))
            return np.exp(z)

        taylor_coefficients(f, 0.0, n)
        sizes[n] = max(seen)
    assert sizes[2] == sizes[15] == 64 < sizes[16]


# --- linearisation ------------------------------------------------------------------------------


def test_halving_the_step_quarters_the_error_of_the_line():
    _says("halve the step and the error of the straight line falls by about four")
    line = linearise(np.sin, 1.0)
    errors = [abs(np.sin(1 + dx) - line(1 + dx)) for dx in (0.1, 0.05, 0.025)]
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all(np.abs(ratios - 4) < 0.5), ratios


# --- the Lagrange remainder against the explorer ------------------------------------------------

EXPLORER = [  # the explorer's functions whose derivatives are bounded simply: as on the page
    ("sin x", np.sin, (-7, 7), (-6, 6), lambda n, lo, hi: 1.0),
    ("cos x", np.cos, (-7, 7), (-6, 6), lambda n, lo, hi: 1.0),
    ("e^x", np.exp, (-4, 3), (-3, 2), lambda n, lo, hi: math.exp(hi)),
]


def test_the_lagrange_bound_holds_wherever_the_explorer_goes():
    """At every expansion point and order of the explorer, the largest error on its
    window p ± 1 (in full precision, on its grid) is at most M |x - p|^(n+1)/(n+1)!."""
    for name, f, (lo, hi), (p_lo, p_hi), M in EXPLORER:
        x = np.linspace(lo, hi, 281)
        for p in np.linspace(p_lo, p_hi, int(round((p_hi - p_lo) / 0.25)) + 1):
            window = (x >= max(lo, p - 1)) & (x <= min(hi, p + 1))
            c = taylor_coefficients(f, p, 10)
            powers = (x[window, None] - p) ** np.arange(11)
            p_n = np.cumsum(c * powers, axis=1)
            error = np.abs(f(x[window])[:, None] - p_n).max(axis=0)
            reach = np.abs(x[window] - p).max()
            for n in range(11):
                bound = M(n, max(lo, p - 1), min(hi, p + 1)) * reach ** (n + 1) / factorial(n + 1)
                assert error[n] <= bound * (1 + 1e-9) + 1e-15, (name, p, n, error[n], bound)


def _cos_table():
    x = np.linspace(-7, 7, 281)
    window = np.abs(x) <= 1
    stored = np.array([float(f"{v:.5g}") for v in np.cos(x)])
    c = [float(f"{v:.7g}") for v in taylor_coefficients(np.cos, 0.0, 10)]
    rows = {}
    for n in range(1, 11):
        measured = np.abs(np.cos(x) - taylor_polynomial(np.cos, 0.0, n)(x))[window].max()
        readout = np.abs(stored - np.polyval(c[n::-1], x))[window].max()
        rows[n] = (measured, readout, 1 / factorial(n + 1))
    return rows


def test_the_cos_bound_is_tight_for_odd_orders_and_the_readout_floors():
    _says("it is tight for odd $n$")
    _says("From order 8 on, the readout stops falling and is even above the bound")
    rows = _cos_table()
    for n, (measured, _readout, bound) in rows.items():
        assert measured <= bound
        ratio = bound / measured
        assert (ratio < 1.1) if n % 2 else (ratio > 4), (n, ratio)
    readouts = [rows[n][1] for n in range(8, 11)]
    assert max(readouts) / min(readouts) < 1.01 and rows[7][1] > 4 * rows[8][1]
    assert all(rows[n][1] > rows[n][2] for n in (8, 9, 10))
    assert all(rows[n][1] <= rows[n][2] for n in range(1, 8))


def test_the_ln_bound_is_loose():
    _says("it is $\\sum_{k > n} 2^{-k}/k < 2^{-n}/(n+1)$: more than $2^n$ times smaller")
    x = np.linspace(0.5, 1.5, 201)
    c = taylor_coefficients(np.log, 1.0, 12)
    p_n = np.cumsum(c * (x[:, None] - 1) ** np.arange(13), axis=1)
    error = np.abs(np.log(x)[:, None] - p_n).max(axis=0)
    n = np.arange(13)
    assert np.argmax(np.abs(np.log(x)[:, None] - p_n), axis=0).max() == 0  # at x = 0.5
    assert np.all(error < 2.0**-n / (n + 1))


# --- convergence at the edge --------------------------------------------------------------------


def test_ln_converges_at_two_and_diverges_at_zero():
    _says("but converges for $0 < x \\le 2$")
    n = np.arange(1, 100_001)
    at_two = np.cumsum((-1.0) ** (n + 1) / n)
    assert abs(at_two[-1] - np.log(2)) < 1e-5
    assert np.cumsum(-1.0 / n)[-1] < -12  # the harmonic series, without bound
    series = sp.series(sp.log(sp.Symbol("x")), sp.Symbol("x"), 1, 4)
    assert series.removeO().subs(sp.Symbol("x"), 2) == 1 - sp.Rational(1, 2) + sp.Rational(1, 3)


# --- exercises ------------------------------------------------------------------------------------


def test_exercise_2_the_first_term_left_out():
    next_term = 0.2**4 / 24
    assert stated(
        PAGE, r"left out is \$0\.2\^4/4! \\approx {} \\times 10\^\{-5\}\$", next_term / 1e-5
    )
    error = np.exp(0.2) - (1 + 0.2 + 0.02 + 0.2**3 / 6)
    _says("the error is just above it")
    assert next_term < error < 1.1 * next_term
    d = 0.1
    five = d - d**2 / 2 + d**3 / 3 - d**4 / 4 + d**5 / 5
    _says("so five terms give six decimals")
    assert f"{five:.6f}" == f"{np.log(1.1):.6f}"
    assert f"{five - d**5 / 5:.6f}" != f"{np.log(1.1):.6f}"


def test_exercise_4_by_hand():
    x, y = sp.symbols("x y")
    expr = x**2 * y + sp.exp(x - y)
    J = sp.Matrix([expr]).jacobian([x, y]).subs({x: 1, y: 1})
    H = sp.hessian(expr, (x, y)).subs({x: 1, y: 1})
    d = sp.Matrix([sp.Rational(1, 10), sp.Rational(-1, 20)])
    value = float(expr.subs({x: 1, y: 1}) + (J * d)[0] + (d.T * H * d)[0] / 2)
    assert stated(PAGE, r"\\tfrac12\(0\.03 - 0\.01 \+ 0\.0025\) = {}\$", value)
    assert stated(PAGE, r'print\(f"by hand {}, mvc', value)


def test_exercise_5_how_many_terms():
    c = np.array([1 / factorial(n) for n in range(20)])
    order = int(np.argmax(np.abs(np.cumsum(c) - np.e) < 1e-8))
    assert stated(
        PAGE,
        r"\(n \+ 1\)! > 10\^8\$: order {} "
        r"\(\$12! \\approx {} \\times 10\^8\$\), which is {} terms",
        order,
        factorial(12) / 1e8,
        order + 1,
    )
    n = np.arange(1, 1001)
    errors = np.abs(np.cumsum((-1.0) ** (n + 1) * 0.9**n / n) - np.log(1.9))
    _says("so it takes well over a hundred")
    assert n[np.argmax(errors < 1e-8)] > 120
