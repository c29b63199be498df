"""Chapter 3's stated numbers, recomputed and read back from the page.

Each test recomputes a number the prose of docs/chain-rule.md (or its self-check) states
in a sentence, rather than printing it, and checks the sentence with
`tests.claims.stated`. Where the number comes from a fence of the page, the fence itself
is run, so that the page, its output and its prose cannot drift apart.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import re
import tokenize

import numpy as np

from tests.claims import ROOT, stated

PAGE = "docs/chain-rule.md"
QUIZ = "docs/quizzes/chain-rule.md"


def _fence(marker: str) -> dict:
    """Run the page's one fence containing `marker`; return its namespace."""
    source = (ROOT / PAGE).read_text(encoding="utf8")
    fences = [
        f
        for f in re.findall(r"```(?:python|\{\.python)[^\n]*\n(.*?)```", source, re.S)
        if marker in f
    ]
    assert len(fences) == 1, f"{marker!r} is in {len(fences)} fences"
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(fences[0], PAGE, "exec"), namespace)
    return namespace


def test_the_network_worked_by_hand():
    """Every number of the 2 → 2 → 1 example, from the fence that computes it."""
    v = _fence('steps = {"z1"')
    z1, a1, z2, a2, C = v["z1"].ravel(), v["a1"].ravel(), v["z2"].item(), v["a2"].item(), v["C"]
    assert stated(
        PAGE, r"\[0\.5 - 0\.5 \+ 0, \\; 1 \+ 0\.25 \+ 0\.5\]\^\\top = \[{}, \\; {}\]", *z1
    )
    assert stated(PAGE, r"\\sigma\(1\.75\)\]\^\\top = \[{}, \\; {}\]\^\\top", *a1)
    assert stated(PAGE, r"0\.5 \\cdot 0\.852 \+ 0\.25 = {}\$", z2)
    assert stated(PAGE, r"a\^\{\(2\)\} = \\sigma\(0\.324\) =\n{}\$", a2)
    assert stated(PAGE, r"\$C = \(0\.580 - 1\)\^2 = {}\$", C)
    d2, d1 = v["d2"].item(), v["d1"].ravel()
    assert stated(PAGE, r"= {} \\cdot {}\n\\cdot 2 \\cdot \({}\) = {}\$", a2, 1 - a2, a2 - 1, d2)
    g2 = (v["d2"] @ v["a1"].T).ravel()
    assert stated(PAGE, r"= {} \\cdot \[0\.5, \\; 0\.852\] = \[{}, \\;\n{}\]", d2, *g2)
    back = (v["W2"].T @ v["d2"]).ravel()
    assert stated(PAGE, r"W\^\{\(2\)\\top\}\\delta\^\{\(2\)\} = \[{}, \\; {}\]\^\\top", *back)
    slopes = (v["a1"] * (1 - v["a1"])).ravel()
    assert stated(PAGE, r"\\operatorname\{diag\}\({}, \\; {}\)\$", *slopes)
    assert stated(PAGE, r"scales it to \$\\delta\^\{\(1\)\} = \[{}, \\; {}\]", *d1)
    g1 = (v["d1"] @ v["a0"].T).ravel()
    assert stated(PAGE, r"= \\begin\{bmatrix\} {} & {} \\\\ {} & {} \\end\{bmatrix\}\.\$\$", *g1)


def test_work_of_the_three_ways_to_a_gradient():
    """Reverse mode costs a few passes; forward mode p + 1; differences 2p."""
    table = np.array(_fence("def forward_mode")["table"])
    p, differences, forward, reverse = table.T
    assert np.array_equal(differences, 2 * p) and np.array_equal(forward, p + 1)
    assert np.all((2 < reverse) & (reverse < 3))
    assert "by forward mode a million and one, by central differences two\nmillion" in (
        ROOT / PAGE
    ).read_text(encoding="utf8")
    assert stated(QUIZ, r"and finds about {} passes' worth", reverse[-1])


def test_the_noise_makes_about_one_step_in_six_uphill():
    uphill = 0.5 * math.erfc(1 / math.sqrt(2))
    assert round(1 / uphill) == 6
    assert "So about one step in six of each parameter group points uphill." in (
        ROOT / PAGE
    ).read_text(encoding="utf8")


def _code_lines(path: str) -> int:
    """Lines of `path` that hold code: not blank, not only a comment, not a docstring."""
    source = (ROOT / path).read_text(encoding="utf8")
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    code = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            code.update(range(token.start[0], token.end[0] + 1))
    return len(code - docstrings)


def test_value_is_under_160_lines_of_code():
    assert "`mvc.Value` is a complete one in under 160 lines of code" in (ROOT / PAGE).read_text(
        encoding="utf8"
    )
    assert _code_lines("mvc/autodiff.py") < 160


def test_exercise_solutions():
    a1 = math.tanh(1.3 * 0.4 - 0.1)
    assert stated(
        PAGE,
        r"a\^\{\(1\)\} = \\tanh 0\.42 \\approx {}\$, and\n +\$C = \(a\^\{\(1\)\} - 1\)\^2 "
        r"\\approx {}\$",
        a1,
        (a1 - 1) ** 2,
    )
    sigma = 1 / (1 + math.exp(-(2 * 0.5 - 1)))
    db = 2 * (sigma - 0.8) * sigma * (1 - sigma)
    assert stated(
        PAGE,
        r"\\partial C/\\partial b = 2\(0\.5 - 0\.8\) \\cdot 0\.25 = {}\$ and "
        r"\$\\partial C/\\partial w =\n +{} \\cdot 0\.5 = {}\$",
        db,
        db,
        db * 0.5,
    )
