"""Tests of mvc.datasets: the course's data, rebuilt independently."""

from __future__ import annotations

import numpy as np
import pytest

from mvc.datasets import heart


def test_heart_is_the_courses_training_data():
    # The lab's training_data(), written as the lab writes it.
    N = 100
    t = np.arange(0, 1, 1 / N)
    y = (
        np.array(
            [
                16 * np.sin(2 * np.pi * t) ** 3,
                13 * np.cos(2 * np.pi * t)
                - 5 * np.cos(2 * 2 * np.pi * t)
                - 2 * np.cos(3 * 2 * np.pi * t)
                - np.cos(4 * 2 * np.pi * t),
            ]
        )
        / 20
    )
    y = (y + 1) / 2
    got_t, got_y = heart()
    np.testing.assert_array_equal(got_t, t.reshape(1, N))
    np.testing.assert_allclose(got_y, y, rtol=0, atol=1e-15)


def test_heart_shapes_and_types():
    t, y = heart(37)
    assert t.shape == (1, 37) and y.shape == (2, 37)
    assert t.dtype == y.dtype == np.float64


def test_heart_always_has_n_points():
    # np.arange(0, 1, 1/49) has 50 points, by rounding; heart(49) has 49.
    t, _ = heart(49)
    assert t.shape == (1, 49)
    np.testing.assert_allclose(t[0], np.linspace(0, 1, 49, endpoint=False), rtol=1e-15)


def test_heart_fits_the_unit_square_where_the_logistic_output_can_reach_it():
    _, y = heart(1000)
    assert np.all((0 <= y) & (y <= 1))


def test_heart_is_symmetric_and_starts_at_its_notch():
    _, y = heart(100)
    # x(t) = −x(1 − t) about 1/2, y(t) = y(1 − t): the heart is mirror-symmetric.
    np.testing.assert_allclose(y[0, 1:] - 0.5, -(y[0, :0:-1] - 0.5), atol=1e-15)
    np.testing.assert_allclose(y[1, 1:], y[1, :0:-1], atol=1e-15)
    np.testing.assert_allclose(y[:, 0], [0.5, (5 / 20 + 1) / 2], rtol=1e-15)


@pytest.mark.parametrize(
    ("n", "error", "match"),
    [
        (0, ValueError, "`n` must be at least 1, got 0"),
        (-5, ValueError, "`n` must be at least 1, got -5"),
        (2.5, TypeError, "`n` must be an integer, got 2.5"),
        (True, TypeError, "`n` must be an integer, got True"),
    ],
)
def test_bad_n_names_the_argument(n, error, match):
    with pytest.raises(error, match=match):
        heart(n)


def test_heights_is_the_courses_histogram():
    from mvc.datasets import heights

    x, y = heights()
    assert x.shape == y.shape == (100,)
    np.testing.assert_allclose(x, np.arange(50, 300, 2.5) + 1.25, rtol=0, atol=0)
    assert x[44] == 161.25 and x[59] == 198.75
    counts = [
        0.031,
        0.013,
        0.023,
        0.064,
        0.065,
        0.126,
        0.132,
        0.127,
        0.113,
        0.091,
        0.105,
        0.050,
        0.018,
        0.018,
        0.018,
        0.001,
    ]
    np.testing.assert_allclose(y[44:60], np.array(counts) / (sum(counts) * 2.5), rtol=1e-15)
    assert np.count_nonzero(y) == 16
    np.testing.assert_allclose(np.sum(y) * 2.5, 1.0, rtol=1e-15)


def test_benchmarks_are_the_shipped_results_of_make_bench():
    import json
    from pathlib import Path

    from mvc.datasets import benchmarks

    shipped = Path(__file__).resolve().parents[1] / "mvc" / "data" / "benchmarks.json"
    results = benchmarks()
    assert results == json.loads(shipped.read_text(encoding="utf8"))
    assert {"date", "machine", "versions", "derivatives", "fitting", "site"} <= set(results)
    assert any(row["library"] == "mvc" for row in results["derivatives"])
