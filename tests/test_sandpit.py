"""Tests of mvc.sandpit: the landscapes' formulas, their rescaling, and their deepest points."""

from __future__ import annotations

import dataclasses
import functools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from mvc.sandpit import LANDSCAPES, RADIUS, STEP, Landscape, landscape, local_minima, sample

SEED = 2024


@functools.cache
def pit(name: str, seed: int = SEED) -> Landscape:
    return landscape(name, rng=seed)


def grid(n: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(0, 6, n)
    return np.meshgrid(x, x, indexing="ij")


def intro_floor(x, y):
    return -((x - 4.1) ** 2 + (y - 0.9) ** 2) - 30 * np.exp(
        -((x - 1.5) ** 2 + (y - 3.7) ** 2) / 2.8
    )


# --- the formulas and the rescaling -------------------------------------------------------------


def test_intro_is_the_course_formula_rescaled():
    p, (X, Y) = pit("intro"), grid(31)
    f = intro_floor(X, Y)
    np.testing.assert_allclose(p.floor(X, Y), f, rtol=1e-15)
    expected = -9 + 8 * (f - p.low) / (p.high - p.low)
    np.testing.assert_allclose(p.depth(X, Y), expected, rtol=1e-14)


def test_intro_minimum_is_the_well_not_the_corner():
    # The corner (0, 6) is a near rival (floor -44.85 against -46.15): the well must win.
    p = pit("intro")
    np.testing.assert_allclose(p.minimum, [1.2128, 4.0093], atol=1e-4)
    assert p.depth(0.0, 6.0) > -9 + 0.2


def test_random_is_a_sum_of_cosines_plus_the_bowl():
    # The bowl is 0 in the middle and 1/9 on the walls; the waves are bounded by their amplitudes.
    p = pit("random")
    bowl = lambda x, y: (1 - x * (x - 6) * y * (y - 6) / 81) ** 7 / 9
    assert bowl(3.0, 3.0) == 0 and bowl(0.0, 2.0) == pytest.approx(1 / 9)
    # a_nm <= 1/((n+1)(m+1))^2: the floor minus the bowl is within sum(a_nm) of 0.
    X, Y = grid(61)
    waves = p.floor(X, Y) - bowl(X, Y)
    assert np.max(np.abs(waves)) <= sum(
        1 / ((n + 1) * (m + 1)) ** 2 for n in range(4) for m in range(4)
    )


@pytest.mark.parametrize("name", LANDSCAPES)
def test_depth_is_rescaled_to_minus_9_minus_1_on_the_pit(name):
    p, (X, Y) = pit(name), grid(301)
    D = p.depth(X, Y)
    assert p.depth(*p.minimum) == -9.0
    assert D.min() >= -9.0 and D.max() <= -1.0 + 1e-9
    assert D.max() == pytest.approx(-1.0, abs=1e-2)  # the shallowest point is on or near the grid


def test_rocks_are_the_random_pit_plus_small_high_frequency_noise():
    X, Y = grid(301)
    noise = pit("rocks").floor(X, Y) - pit("random").floor(X, Y)  # same seed, same pit underneath
    assert 0 < np.max(np.abs(noise)) <= 20 * 0.02
    # high frequency: the noise has no trend at the scale of the pit (its mean is ~0) ...
    assert abs(noise.mean()) < 0.01
    # ... and it makes the floor much steeper than the pit without rocks.
    slope = [
        np.mean(np.abs(np.gradient(pit(n).floor(X, Y), X[:, 0], axis=0)))
        for n in ("random", "rocks")
    ]
    assert slope[1] > 2 * slope[0]


def test_multiple_minima_has_several_local_minima():
    X, Y = grid(121)
    D = pit("multiple minima").depth(X, Y)
    inner = D[1:-1, 1:-1]
    neighbours = [
        D[1 + i : 120 + i, 1 + j : 120 + j] for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j
    ]
    assert np.sum(np.all([inner < other for other in neighbours], axis=0)) >= 2


def test_narrow_well_is_narrow():
    X, Y = grid(301)
    p = pit("narrow well")
    deep = p.depth(X, Y) < -6
    assert deep.mean() < 0.01  # under 1% of the pit
    assert np.all(np.hypot(X[deep] - p.minimum[0], Y[deep] - p.minimum[1]) < 0.5)


# --- the deepest point really is the deepest ---------------------------------------------------


@pytest.mark.parametrize("name", LANDSCAPES)
def test_minimum_is_below_every_point_of_a_finer_grid(name):
    p, (X, Y) = pit(name), grid(601)  # spacing 0.01, twice as fine as the search's
    D = p.depth(X, Y)
    assert D.min() >= -9.0
    k = np.unravel_index(D.argmin(), D.shape)
    assert np.hypot(X[k] - p.minimum[0], Y[k] - p.minimum[1]) < 0.01  # the same point


@pytest.mark.parametrize("name", LANDSCAPES)
def test_minimum_is_below_what_scipy_finds_from_many_starts(name):
    p = pit(name)
    starts = np.random.default_rng(0).uniform(0, 6, (40, 2))
    found = [
        minimize(lambda v: p.depth(*v), s, method="L-BFGS-B", bounds=[(0, 6)] * 2) for s in starts
    ]
    best = min(found, key=lambda r: r.fun)
    assert best.fun >= -9.0 - 1e-12  # never deeper than the minimum
    if name != "rocks":  # on the rocks 40 local searches all stop on a rock: skip "found it too"
        assert best.fun == pytest.approx(-9.0, abs=1e-9)
        np.testing.assert_allclose(best.x, p.minimum, atol=1e-6)


@pytest.mark.parametrize("name", LANDSCAPES[1:])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_minimum_is_found_for_other_seeds(name, seed):
    p, (X, Y) = pit(name, seed), grid(401)
    D = p.depth(X, Y)
    assert D.min() >= -9.0
    k = np.unravel_index(D.argmin(), D.shape)
    assert np.hypot(X[k] - p.minimum[0], Y[k] - p.minimum[1]) < 0.015


@pytest.mark.parametrize("name", LANDSCAPES)
def test_slope_vanishes_at_an_interior_minimum(name):
    p = pit(name)
    if np.any((p.minimum < 0.05) | (p.minimum > 5.95)):
        pytest.skip("minimum on the wall")
    # central differences with h = 0.01 have truncation error h^2 |d'''| / 6, and d''' is large
    # on the rocks (wavelength 0.25): bound it by the depth's range 8 times (2 pi / 0.25)^3.
    bound = STEP**2 / 6 * 8 * (2 * np.pi / 0.25) ** 3 if name == "rocks" else 1e-2
    assert np.max(np.abs(p.jacobian(*p.minimum))) < bound
    assert np.all(np.linalg.eigvalsh(p.hessian(*p.minimum)) > 0)


# --- J, H, is_found and the widget's grid -------------------------------------------------------


def test_jacobian_and_hessian_are_the_course_central_differences():
    p, (x, y) = pit("intro"), (2.0, 3.0)
    d = p.depth
    J = [
        (d(x + STEP, y) - d(x - STEP, y)) / (2 * STEP),
        (d(x, y + STEP) - d(x, y - STEP)) / (2 * STEP),
    ]
    np.testing.assert_allclose(p.jacobian(x, y), [J], rtol=1e-10)
    Hxx = (d(x + STEP, y) - 2 * d(x, y) + d(x - STEP, y)) / STEP**2
    H = p.hessian(x, y)
    assert H.shape == (2, 2) and H[0, 1] == H[1, 0]
    assert H[0, 0] == pytest.approx(Hxx, rel=1e-8)


def test_jacobian_is_close_to_the_exact_slope_of_the_intro():
    p, (x, y) = pit("intro"), (2.0, 3.0)
    s = 8 / (p.high - p.low)
    e = 30 * np.exp(-((x - 1.5) ** 2 + (y - 3.7) ** 2) / 2.8) / 1.4
    exact = s * np.array([-2 * (x - 4.1) + e * (x - 1.5), -2 * (y - 0.9) + e * (y - 3.7)])
    np.testing.assert_allclose(p.jacobian(x, y)[0], exact, rtol=1e-3)  # h^2 = 1e-4 truncation


def test_jacobian_and_hessian_work_on_the_wall():
    # Their central differences step 0.01 outside the pit: allowed inside, not for the reader.
    p = pit("random")
    assert p.jacobian(0.0, 6.0).shape == (1, 2) and p.hessian(6.0, 0.0).shape == (2, 2)


def test_is_found_within_0_15_of_the_minimum():
    p = pit("intro")
    x, y = p.minimum
    assert p.is_found(x, y) is True
    assert p.is_found(x + 0.99 * RADIUS, y) and not p.is_found(x, y + 1.01 * RADIUS)
    np.testing.assert_array_equal(p.is_found([x, x + 0.2, 0.0], y), [True, False, False])


def test_depth_broadcasts_and_returns_a_float_for_numbers():
    p = pit("random")
    assert type(p.depth(1, 2)) is float
    assert p.depth(np.linspace(0, 6, 5), 3.0).shape == (5,)
    assert p.depth(np.zeros((2, 1)), np.ones(3)).shape == (2, 3)


def test_sample_is_plain_json_ready_data_oriented_as_an_image():
    p = pit("rocks")
    data = sample(p, n=7)
    json.dumps(data)  # plain Python types only
    assert set(data) == {"name", "x", "y", "depth", "downhill_x", "downhill_y", "minimum", "radius"}
    assert len(data["depth"]) == 7 and all(len(row) == 7 for row in data["depth"])
    j, i = 2, 5  # row j is y[j], column i is x[i]
    x, y = data["x"][i], data["y"][j]
    assert data["depth"][j][i] == pytest.approx(p.depth(x, y), abs=1e-4)
    J = p.jacobian(x, y)[0]
    assert [data["downhill_x"][j][i], data["downhill_y"][j][i]] == pytest.approx(-J, abs=1e-4)
    assert data["minimum"] == pytest.approx(p.minimum, abs=1e-4) and data["radius"] == RADIUS


# --- seeds: the same seed, the same pit -------------------------------------------------------


@pytest.mark.parametrize("name", LANDSCAPES)
def test_same_seed_same_pit(name):
    a, b = landscape(name, rng=5), landscape(name, rng=np.random.default_rng(5))
    X, Y = grid(11)
    np.testing.assert_array_equal(a.depth(X, Y), b.depth(X, Y))
    np.testing.assert_array_equal(a.minimum, b.minimum)


@pytest.mark.parametrize("name", LANDSCAPES[1:])
def test_different_seeds_different_pits(name):
    X, Y = grid(11)
    assert not np.allclose(pit(name, 0).depth(X, Y), pit(name, 1).depth(X, Y))


def test_intro_needs_no_random_numbers():
    rng = np.random.default_rng(1)
    state = rng.bit_generator.state
    landscape("intro", rng=rng)
    assert rng.bit_generator.state == state


def test_no_seed_gives_a_working_pit_and_leaves_global_state_alone():
    state = np.random.get_state()[1].copy()  # noqa: NPY002  the legacy state is what must not move
    p = landscape("random")
    assert p.depth(*p.minimum) == -9.0
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002


def test_landscape_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        pit("intro").minimum = np.zeros(2)
    with pytest.raises(ValueError, match="read-only"):
        pit("intro").minimum[0] = 0.0


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(LANDSCAPES[1:]), st.integers(0, 2**32))
def test_any_seed_gives_depths_in_range(name, seed):
    p = landscape(name, rng=seed)
    X, Y = grid(41)
    D = p.depth(X, Y)
    assert p.depth(*p.minimum) == -9.0 and D.min() >= -9.0 and D.max() <= -1.0 + 1e-9


# --- bad input: one test per branch -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": "sandy"}, ValueError, "`name` must be one of .*, got 'sandy'"),
        ({"name": 1}, TypeError, "`name` must be a string"),
        (
            {"rng": "seed"},
            TypeError,
            "`rng` must be a numpy.random.Generator, an integer seed or None",
        ),
        ({"rng": 1.5}, TypeError, "`rng` must be a numpy.random.Generator"),
        ({"rng": True}, TypeError, "`rng` must be a numpy.random.Generator"),
        ({"rng": np.random.RandomState(0)}, TypeError, "`rng` must be a numpy.random.Generator"),
        ({"rng": -1}, ValueError, "`rng` must be a non-negative integer seed, got -1"),
    ],
)
def test_bad_landscape_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        landscape(**({"name": "random"} | kwargs))


@pytest.mark.parametrize("method", ["depth", "jacobian", "hessian", "is_found"])
@pytest.mark.parametrize(
    ("x", "y", "error", "match"),
    [
        (6.5, 1.0, ValueError, r"`x` must lie in \[0, 6\], got 6.5"),
        (1.0, -0.1, ValueError, r"`y` must lie in \[0, 6\], got -0.1"),
        (np.nan, 1.0, ValueError, "`x` must be finite, got nan"),
        ("1", 1.0, TypeError, "`x` must be a real number"),
        (1.0, 1j, TypeError, "`y` must be real"),
    ],
)
def test_points_must_be_in_the_pit(method, x, y, error, match):
    with pytest.raises(error, match=match):
        getattr(pit("intro"), method)(x, y)


def test_depth_needs_shapes_that_broadcast():
    with pytest.raises(
        ValueError, match=r"`x` \(2,\), `y` \(3,\): the shapes must be equal or broadcast"
    ):
        pit("intro").depth([1.0, 2.0], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("method", ["jacobian", "hessian"])
def test_jacobian_and_hessian_take_one_point(method):
    with pytest.raises(ValueError, match=r"`x` must be a single number, got shape \(2,\)"):
        getattr(pit("intro"), method)([1.0, 2.0], 1.0)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("intro",), TypeError, "`pit` must be a Landscape from `landscape`, got str"),
        ((None, 1), ValueError, "`n` must be at least 2, got 1"),
        ((None, 2.5), TypeError, "`n` must be an integer, got 2.5"),
        ((None, True), TypeError, "`n` must be an integer, got True"),
    ],
)
def test_bad_sample_arguments(args, error, match):
    args = (args[0] if args[0] is not None else pit("intro"), *args[1:])
    with pytest.raises(error, match=match):
        sample(*args)


# --- local minima: the traps of a downhill search ---------------------------------------------


@pytest.mark.parametrize("name", LANDSCAPES)
def test_local_minima_are_lower_than_all_around_them(name):
    p = pit(name)
    points = local_minima(p, count=12)
    assert points.shape[1] == 2 and 1 <= len(points) <= 12
    assert np.all((points > 0) & (points < 6))  # inside: the wall is no trap
    depths = p.depth(points[:, 0], points[:, 1])
    assert np.all(np.diff(depths) >= 0)  # deepest first
    ring = 0.005 * np.array(
        [[np.cos(a), np.sin(a)] for a in np.linspace(0, 2 * np.pi, 16, endpoint=False)]
    )
    for point, depth in zip(points, depths, strict=True):
        around = np.clip(point + ring, 0, 6)
        assert np.all(p.depth(around[:, 0], around[:, 1]) > depth), (name, point)
    pairwise = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    assert np.all(pairwise[np.triu_indices(len(points), 1)] > 1e-4)  # each minimum once


@pytest.mark.parametrize("name", LANDSCAPES)
def test_the_deepest_local_minimum_is_the_phone_when_it_is_inside(name):
    p = pit(name)
    if np.any((p.minimum < 1e-6) | (p.minimum > 6 - 1e-6)):
        pytest.skip("minimum on the wall")
    np.testing.assert_allclose(local_minima(p)[0], p.minimum, atol=1e-6)


def test_intro_has_one_trap_free_well_and_multiple_minima_several():
    assert len(local_minima(pit("intro"))) == 1
    assert len(local_minima(pit("multiple minima"))) >= 2
    assert len(local_minima(pit("rocks"), count=30)) == 30  # a rock is a trap


def test_local_minima_slope_vanishes_and_hessian_is_positive():
    p = pit("multiple minima")
    for point in local_minima(p):
        assert np.max(np.abs(p.jacobian(*point))) < 1e-3  # h^2 truncation of the course's h
        assert np.all(np.linalg.eigvalsh(p.hessian(*point)) > 0)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("intro",), TypeError, "`pit` must be a Landscape from `landscape`, got str"),
        ((None, 0), ValueError, "`count` must be at least 1, got 0"),
        ((None, 1.0), TypeError, "`count` must be an integer, got 1.0"),
    ],
)
def test_bad_local_minima_arguments(args, error, match):
    args = (args[0] if args[0] is not None else pit("intro"), *args[1:])
    with pytest.raises(error, match=match):
        local_minima(*args)
