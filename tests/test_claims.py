"""`tests.claims`: how a number in the prose is read back and compared."""

from __future__ import annotations

import pytest

from tests import claims
from tests.claims import rounds_to, stated


@pytest.mark.parametrize(
    ("value", "text", "holds"),
    [
        (0.099724, "0.0997", True),
        (0.099724, "0.0998", False),
        (25.6, "26", True),
        (25.4, "26", False),
        (-3.760214, "−3.760214", True),
        (1.2e-11, "1.2e-11", True),
        (1.24e-11, "1.2e-11", True),
        (1.26e-11, "1.2e-11", False),
        (5000.4, "5,000", True),
        (float("nan"), "1", False),
    ],
)
def test_a_written_number_must_round_the_computed_one(value, text, holds):
    assert rounds_to(value, text) is holds


def test_a_claim_is_found_once_and_its_numbers_checked(tmp_path, monkeypatch):
    (tmp_path / "page.md").write_text("The step limit is 2/L ≈ 0.0997, found in 5 steps.\n")
    monkeypatch.setattr(claims, "ROOT", tmp_path)
    assert stated("page.md", r"2/L ≈ {}, found in {} steps", 0.099724, 5)
    with pytest.raises(AssertionError, match="states 0.0997"):
        stated("page.md", r"2/L ≈ {}", 0.0998 + 1e-5)
    with pytest.raises(AssertionError, match="matches 0 times"):
        stated("page.md", r"2/M ≈ {}", 0.0997)


CHAPTERS = ["derivatives", "multivariate", "chain-rule", "taylor", "optimisation", "regression"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_opening_box_states_the_study_time_counted_from_the_page(chapter):
    """Every chapter says how long it takes in the same words, counted from its source:
    so the estimate follows the page as it grows."""
    t = claims.study_time(chapter)
    assert t["questions"] >= 10 and t["exercises"] >= 5, t
    page = " ".join((claims.ROOT / "docs" / f"{chapter}.md").read_text(encoding="utf8").split())
    assert claims.time_sentence(chapter) in page, (claims.time_sentence(chapter), t)
