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
    assert len(numbers) == len(values), f"{pattern!r} states {len(numbers)} numbers, given {len(values)}"
    wrong = [f"{text} (computed {value!r})" for text, value in zip(numbers, values, strict=True)
             if not rounds_to(value, text)]
    assert not wrong, f"{path}: {matches[0][0]!r} states {', '.join(wrong)}"
    return True
