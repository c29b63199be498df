"""Chapter 2's numbers that stand in sentences, recomputed and read back from the page.

Each test computes a result the prose of docs/multivariate.md states (not printed by a
fence beside it) and checks the sentence with `tests.claims.stated`.
"""

from __future__ import annotations

import numpy as np

from mvc import gradient, jacobian
from mvc.sandpit import landscape, sample
from tests.claims import ROOT, stated

PAGE = "docs/multivariate.md"


def hill(v):
    return np.exp(-(v[0] ** 2 + v[1] ** 2))


def test_jacobian_arrows_point_towards_the_summit_as_the_text_says():
    a, b = jacobian(hill, [-1.0, 1.0])[0], jacobian(hill, [2.0, 2.0])[0]
    assert a[0] > 0 > a[1] and b[0] < 0 and b[1] < 0  # right and down; left and down
    for point, J in (((-1.0, 1.0), a), ((2.0, 2.0), b)):
        assert np.dot(J, -np.array(point)) > 0.999 * np.linalg.norm(J) * np.hypot(*point)
    assert stated(PAGE, r"At \$\(-1, 1\)\$ it is \$\({}, {}\)\$: it points right and down", *a)
    assert stated(PAGE, r"At \$\(2, 2\)\$ it is \$\({}, {}\)\$: left and down", *b)


def test_total_derivative_terms_cancel_on_the_path():
    t = np.linspace(0.3, 3, 7)
    second = np.sin(t - 1) * np.e / t**2 * 2 * t  # df/dy * dy/dt, y z^2 = 1 on the path
    third = 2 * t**2 * (1 / t) * np.sin(t - 1) * np.e * (-1 / t**2)  # df/dz * dz/dt
    np.testing.assert_allclose(second + third, 0, atol=1e-15)
    f = lambda v: np.sin(v[0]) * np.exp(v[1] * v[2] ** 2)
    for s in t:
        dfdz = gradient(f, np.array([s - 1, s**2, 1 / s]))[2]
        np.testing.assert_allclose(dfdz, 2 * s * np.e * np.sin(s - 1), rtol=1e-7, atol=1e-9)


def test_intro_pit_is_a_dome_plus_a_well():
    pit = landscape("intro")
    near_top = [
        pit.depth(4.1 + dx, 0.9 + dy) for dx, dy in ((0, 0), (0.3, 0), (0, -0.3), (-0.3, 0))
    ]
    assert near_top[0] == max(near_top)  # highest at (4.1, 0.9): the dome's top
    assert np.hypot(*(pit.minimum - [1.5, 3.7])) < 0.5  # the deepest point is in the well
    assert stated(PAGE, r"A dip within\n{} m of the deepest point", sample(pit, n=3)["radius"])


def test_noise_free_error_bottoms_out_near_the_cube_root_of_epsilon():
    eps3 = np.finfo(float).eps ** (1 / 3)
    assert stated(PAGE, r"h = \\epsilon\^\{1/3\} \\approx {} \\times 10\^\{-6\}", eps3 / 1e-6)
    exact = 2 * np.exp(-2.0)
    steps = np.logspace(-9, 0, 37)
    errors = [abs(gradient(hill, [-1.0, 1.0], h=h)[0] - exact) for h in steps]
    best = steps[int(np.argmin(errors))]
    assert eps3 / 10 < best < eps3 * 10, best


def test_steepest_direction_is_the_gradient():
    point = np.array([-1.0, 0.5])
    g = gradient(hill, point)
    angles = np.radians(np.arange(360))
    slopes = [gradient(hill, point) @ [np.cos(a), np.sin(a)] for a in angles]
    assert abs(angles[np.argmax(slopes)] - np.arctan2(g[1], g[0]) % (2 * np.pi)) <= np.radians(0.5)
    assert "finds the steepest of 360 directions" in (ROOT / PAGE).read_text(encoding="utf8")
