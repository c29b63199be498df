"""Numbers stated in the prose, checked against the computation they summarise.

A chapter's numbers come from the code beside them: a fence prints them, or a figure's
caption formats them. Where a number has to stand in a sentence the reader reads before
the code (a derivation, a solution's text, a comparison such as "about 26 times"), a test
recomputes it and reads it back from the chapter's source with `stated`:

    from tests.claims import stated

    def test_step_limit():
        lam_max = ...                                   # the computation
        assert stated("docs/optimisation.md", r"2/\\lambda_\\max \\approx {}", 2 / lam_max)

`{}` in the pattern stands for the number as written (digits, an optional sign, decimal
point and exponent). The pattern must match the source exactly once, so an edit of the
sentence fails the test until the claim is updated with it. The written number must
round the computed one to the digits it shows: "0.0997" holds for 0.099724, "0.0998" does
not; "26" holds for 25.6.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_NUMBER = r"([-−]?\d[\d,]*(?:\.\d+)?(?:[eE][-+−]?\d+)?)"


def written(text: str) -> Decimal:
    """The number as written in prose: a Unicode minus, thousands commas, exponent."""
    return Decimal(text.replace("−", "-").replace(",", ""))


def rounds_to(value: float, text: str) -> bool:
    """True if `value` rounded to the last digit shown in `text` gives `text`."""
    number = written(text)
    unit = Decimal(1).scaleb(number.as_tuple().exponent)  # one unit in the last place shown
    return math.isfinite(value) and abs(Decimal(repr(float(value))) - number) <= unit / 2


def stated(path: str, pattern: str, *values: float) -> bool:
    """True if the one match of `pattern` in `path` states `values`, in order.

    `pattern` is a regular expression in which each ``{}`` is a written number. Raises
    `AssertionError` with the text found if the pattern matches zero or several times, or
    a number disagrees: the message is what a reader of a failing test needs.
    """
    source = (ROOT / path).read_text(encoding="utf8")
    regex = re.compile(pattern.replace("{}", _NUMBER))
    matches = list(regex.finditer(source))
    assert len(matches) == 1, f"{path}: {pattern!r} matches {len(matches)} times, expected once"
    numbers = matches[0].groups()
    assert len(numbers) == len(values), (
        f"{pattern!r} states {len(numbers)} numbers, given {len(values)}"
    )
    wrong = [
        f"{text} (computed {value!r})"
        for text, value in zip(numbers, values, strict=True)
        if not rounds_to(value, text)
    ]
    assert not wrong, f"{path}: {matches[0][0]!r} states {', '.join(wrong)}"
    return True


# --- the study time in a chapter's opening box ----------------------------------------------

WORDS_A_MINUTE = 100  # mathematical text with code, read and run
MINUTES_A_QUESTION = 5
MINUTES_AN_EXERCISE = 15
_QUESTION = re.compile(r"quiz\.(?:choice|numeric|symbolic)\(")
_FIGURE = re.compile(r'^( *)```[^\n]*html="1"[^\n]*\n.*?^\1```[^\n]*$', re.M | re.S)


def study_time(chapter: str) -> dict[str, float]:
    """Minutes to read chapter `chapter` (its prose, formulas and shown code, without front
    matter, figure fences, self-check and exercises, at WORDS_A_MINUTE) and to practise it
    (its self-check questions, in the page or in docs/quizzes/, and its numbered
    exercises), and the hours of both."""
    text = (ROOT / "docs" / f"{chapter}.md").read_text(encoding="utf8")
    body = text.split("---", 2)[2] if text.startswith("---") else text
    before, _, exercises = body.partition("\n## Exercises")
    reading = before.split("\n## Self-check")[0]
    reading = re.sub(r'--8<-- "docs/quizzes/[^"]+"', "", reading)
    reading = _FIGURE.sub("", reading)  # a figure fence shows its figure, not its code
    quiz = ROOT / "docs" / "quizzes" / f"{chapter}.md"
    questions = len(_QUESTION.findall(body)) + (
        len(_QUESTION.findall(quiz.read_text(encoding="utf8"))) if quiz.is_file() else 0
    )
    n_exercises = len(re.findall(r"^\*\*\d+\. ", exercises, re.M))
    read = len(reading.split()) / WORDS_A_MINUTE
    practise = MINUTES_A_QUESTION * questions + MINUTES_AN_EXERCISE * n_exercises
    return {
        "read": read,
        "practise": practise,
        "hours": (read + practise) / 60,
        "questions": questions,
        "exercises": n_exercises,
    }


def time_sentence(chapter: str) -> str:
    """The opening box's sentence for `chapter`: minutes to the nearest 5, the whole to
    the nearest half hour."""
    t = study_time(chapter)
    read, practise = (5 * round(t[part] / 5) for part in ("read", "practise"))
    hours = round(2 * (read + practise) / 60) / 2
    return (
        f"**Time** about {hours:g} hours: {read} minutes to read and run the code, "
        f"{practise} minutes for the self-check questions and exercises."
    )
