"""The self-check questions in the browser: answer right and wrong on chapter 1 and
check the feedback (the key in typeset maths), the second try before the solution, the
score, the solution the reader opens and the state kept across a reload.

The fixtures are test_site's (one build and one browser per session); screenshots of
the questions in both palettes land in test-artifacts/.
"""

from __future__ import annotations

import pytest
from quiz import keys  # docs/hooks/quiz.py

from tests.test_site import ARTIFACTS, _visit

pytest_plugins = ["tests.site_fixtures"]

pytestmark = pytest.mark.browser


def _score(page):
    return page.text_content(".mvc-quiz-score output")


def _solution_shown(page, key):
    """The worked solution is on screen (hidden until a right answer or a second try)."""
    return page.is_visible(f"#quiz-{key} details summary")


def _solution_open(page, key):
    return page.evaluate(f"() => document.querySelector('#quiz-{key} details').open")


def _feedback(page, key):
    return page.text_content(f"#quiz-{key} .mvc-quiz-feedback")


def test_chapter_one_questions_answer_right_and_wrong(browser, server, site):
    questions = keys((site / "derivatives" / "index.html").read_text(encoding="utf8"))
    assert len(questions) >= 6
    total = len(questions)
    context, page, problems, _ = _visit(browser, server, "derivatives/", "light")
    assert _score(page) == f"0 of {total} right (0 attempted)"
    assert not _solution_shown(page, "ch1-reciprocal")

    # Multiple choice, by keyboard: a wrong option says why and leaves a second try, with
    # the solution still hidden; the right one then shows the solution, closed.
    choice = questions["ch1-reciprocal"]
    wrong = next(i for i in range(4) if i != choice["answer"])
    page.focus(f"#quiz-ch1-reciprocal input[value='{wrong}']")
    page.keyboard.press("Space")
    assert _feedback(page, "ch1-reciprocal").startswith("Not quite.")
    assert _feedback(page, "ch1-reciprocal").endswith(
        "Have another try; the worked solution appears after it."
    )
    assert page.get_attribute("#quiz-ch1-reciprocal", "data-state") == "wrong"
    assert not _solution_shown(page, "ch1-reciprocal")
    assert page.locator("#quiz-ch1-reciprocal .mvc-quiz-feedback .katex").count() >= 1
    assert _score(page) == f"0 of {total} right (1 attempted)"
    page.check(f"#quiz-ch1-reciprocal input[value='{choice['answer']}']")
    assert _feedback(page, "ch1-reciprocal") == "Correct."
    assert _solution_shown(page, "ch1-reciprocal") and not _solution_open(page, "ch1-reciprocal")
    page.click("#quiz-ch1-reciprocal details summary")  # the reader opens it when ready
    assert _solution_open(page, "ch1-reciprocal")
    assert _score(page) == f"1 of {total} right (1 attempted)"

    # Numeric: outside the tolerance, then inside it (typed, submitted with Enter).
    beast = questions["ch1-beast"]
    field = "#quiz-ch1-beast input[type=text]"
    page.fill(field, f"{beast['answer'] + 3 * beast['tol']:.6f}")
    page.press(field, "Enter")
    assert "too high" in _feedback(page, "ch1-beast")
    assert not _solution_shown(page, "ch1-beast")
    page.fill(field, f"{beast['answer'] + beast['tol'] / 2:.6f}")
    page.press(field, "Enter")
    assert _feedback(page, "ch1-beast").startswith("Correct")
    assert _solution_shown(page, "ch1-beast") and not _solution_open(page, "ch1-beast")

    # Symbolic: unreadable input is not an attempt; an equivalent form is accepted, and the
    # feedback shows the key as typeset maths, not as Python's `-6*x*sin(3*x**2 + 1)`.
    field = "#quiz-ch1-chain input[type=text]"
    page.fill(field, "-6x sin(3x^2 +")
    page.click("#quiz-ch1-chain button")
    assert _feedback(page, "ch1-chain").startswith("Could not read")
    assert not _solution_shown(page, "ch1-chain")
    page.fill(field, "6*x*sin(3*x**2 + 1)")
    page.click("#quiz-ch1-chain button")
    assert _feedback(page, "ch1-chain").startswith("Not quite: at x = ")
    assert not _solution_shown(page, "ch1-chain")
    page.fill(field, "-sin(1 + 3x^2) · 6x")
    page.click("#quiz-ch1-chain button")
    assert _feedback(page, "ch1-chain").startswith("Correct: equal to")
    assert page.locator("#quiz-ch1-chain .mvc-quiz-feedback .katex").count() == 1
    shown = page.text_content("#quiz-ch1-chain .mvc-quiz-feedback .katex-html")
    assert "sin" in shown and "*" not in shown and "$" not in _feedback(page, "ch1-chain")
    assert _solution_shown(page, "ch1-chain")
    assert _score(page) == f"3 of {total} right (3 attempted)"

    # Two wrong tries: the second says the solution is below, and shows it, closed.
    field = "#quiz-ch1-power input[type=text]"
    for attempt in ("x", "2x"):
        page.fill(field, attempt)
        page.press(field, "Enter")
    assert _feedback(page, "ch1-power").endswith("The worked solution is below.")
    assert _solution_shown(page, "ch1-power") and not _solution_open(page, "ch1-power")
    assert _score(page) == f"3 of {total} right (4 attempted)"

    page.locator("#quiz-ch1-graph").scroll_into_view_if_needed()
    page.check(f"#quiz-ch1-graph input[value='{(questions['ch1-graph']['answer'] + 1) % 4}']")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".mvc-quiz-score").screenshot(path=str(ARTIFACTS / "quiz-score-light.png"))
    page.locator("#quiz-ch1-graph").screenshot(path=str(ARTIFACTS / "quiz-choice-light.png"))
    page.locator("#quiz-ch1-chain").screenshot(path=str(ARTIFACTS / "quiz-symbolic-light.png"))

    # The state survives a reload (localStorage, per page), and Reset clears it.
    page.reload(wait_until="load")
    page.wait_for_selector("body[data-math-typeset]", state="attached")
    assert _score(page) == f"3 of {total} right (5 attempted)"
    assert page.is_checked(f"#quiz-ch1-reciprocal input[value='{choice['answer']}']")
    assert page.input_value("#quiz-ch1-chain input[type=text]") == "-sin(1 + 3x^2) · 6x"
    assert _solution_shown(page, "ch1-chain") and _solution_shown(page, "ch1-power")
    assert not _solution_shown(page, "ch1-graph")  # one wrong try so far
    page.click(".mvc-quiz-score button")
    assert _score(page) == f"0 of {total} right (0 attempted)"
    assert not _solution_shown(page, "ch1-chain")
    context.close()
    assert not problems, problems


def test_questions_read_in_the_dark_palette(browser, server):
    context, page, problems, _ = _visit(browser, server, "derivatives/", "dark")
    page.check("#quiz-ch1-reciprocal input[value='1']")
    page.fill("#quiz-ch1-power input[type=text]", "10x^4 + 1/x^2 + 3/(2 sqrt(x))")
    page.press("#quiz-ch1-power input[type=text]", "Enter")
    assert _feedback(page, "ch1-power").startswith("Correct")
    page.locator("#quiz-ch1-reciprocal").screenshot(path=str(ARTIFACTS / "quiz-choice-dark.png"))
    page.locator("#quiz-ch1-power").screenshot(path=str(ARTIFACTS / "quiz-symbolic-dark.png"))
    page.locator("#quiz-ch1-derivative-graph").screenshot(
        path=str(ARTIFACTS / "quiz-graphs-dark.png")
    )
    context.close()
    assert not problems, problems


def test_the_parser_reads_common_forms_and_refuses_the_rest(browser, server):
    context, page, problems, _ = _visit(browser, server, "derivatives/", "light")
    cases = {
        "2x^3": 2 * 1.5**3,
        "2*x**3": 2 * 1.5**3,
        "-x^2": -(1.5**2),
        "2^-1": 0.5,
        "(x+1)(x-1)": 1.5**2 - 1,
        "sqrt(x)exp(x)": 1.5**0.5 * 2.718281828459045**1.5,
        "e^x": 2.718281828459045**1.5,
        "ln(e)": 1.0,
        "pi x": 3.141592653589793 * 1.5,
        "x/2/3": 0.25,
        "1e-3x": 1.5e-3,
        "2^3^2": 512.0,
    }
    got = page.evaluate(
        """(cases) => Object.fromEntries(cases.map(c =>
        [c, mvcQuiz.evaluate(mvcQuiz.parse(c, ["x"]), {x: 1.5})]))""",
        list(cases),
    )
    for text, value in cases.items():
        assert got[text] == pytest.approx(value, rel=1e-12), text
    errors = page.evaluate(
        """(cases) => cases.map(c => {
        try { mvcQuiz.parse(c, ["x"]); return null; } catch (e) { return e.message; } })""",
        ["", "x +", "sin x", "y", "alert(1)", "x)"],
    )
    assert all(errors), errors
    context.close()
    assert not problems, problems


def test_questions_start_after_instant_navigation(browser, server):
    context, page, problems, _ = _visit(browser, server, "", "light")
    page.click("article a[href$='derivatives/']")
    page.wait_for_url("**/derivatives/")
    page.wait_for_selector(".mvc-quiz-score output")
    assert page.locator(".mvc-quiz-score").count() == 1
    page.check("#quiz-ch1-reciprocal input[value='1']")
    assert _feedback(page, "ch1-reciprocal").startswith("Not quite.")
    context.close()
    assert not problems, problems
