"""gradient_descent's saddle check at every size (issue 14).

Before a verdict "converged", f must not curve down at x. Up to n = 159 f's whole
Hessian says so (n^2 + n + 1 calls of f); beyond, a Lanczos iteration on Hessian-vector
products by differences of the gradient (at most 40 products, 4n + 2 calls each), with
memory linear in n.
"""

from __future__ import annotations

import numpy as np
import pytest

from mvc import _minimum, gradient_descent
from mvc.descent import _objective

N = 300


def quadratic(lowest: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A, with eigenvalues `lowest` (along a random direction q) and 1 to 3; q; and a start
    on A's stable manifold (x0 orthogonal to q)."""
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((N, N)))[0]
    eigenvalues = np.linspace(1.0, 3.0, N)
    eigenvalues[0] = lowest
    A = (Q * eigenvalues) @ Q.T
    x0 = rng.standard_normal(N)
    return (A + A.T) / 2, Q[:, 0], x0 - (x0 @ Q[:, 0]) * Q[:, 0]


@pytest.mark.parametrize("with_grad", [False, True])
def test_a_saddle_off_the_axes_in_300_dimensions_is_not_a_minimum(with_grad):
    A, q, x0 = quadratic(-0.1)
    assert np.diag(A).min() > 0  # f rises along every axis: only the Hessian sees the fall
    grad = (lambda v: A @ v) if with_grad else None
    result = gradient_descent(lambda v: 0.5 * v @ A @ v, x0, grad=grad)
    assert result.converged is False
    # called a saddle where the run stops on it, or unbounded where rounding has turned
    # it off the stable manifold and it followed f down (f has no minimum: both are true)
    assert "saddle" in result.message or result.message.startswith("unbounded"), result.message


@pytest.mark.parametrize("with_grad", [False, True])
def test_a_convex_quadratic_in_300_dimensions_converges(with_grad):
    A, _, x0 = quadratic(1.0)
    grad = (lambda v: A @ v) if with_grad else None
    result = gradient_descent(lambda v: 0.5 * v @ A @ v + 1.0, x0, grad=grad)
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, 0.0, atol=1e-6 * np.linalg.norm(x0))


@pytest.mark.parametrize(("lowest", "curves"), [(-0.1, True), (1.0, False)])
@pytest.mark.parametrize("with_grad", [False, True])
def test_the_check_costs_O_n_calls_and_no_n_by_n_array(lowest, curves, with_grad):
    A, _, x0 = quadratic(lowest)
    calls, shapes = [0], []

    def f(v):
        calls[0] += 1
        return 0.5 * v @ A @ v + 1.0

    F, G = _objective(f, (lambda v: A @ v) if with_grad else None, False, x0)
    x = 1e-9 * x0
    product = _minimum._hessian_product(F, G, x, G.sizes(x))

    def watched(v):
        p, error = product(v)
        shapes.append(p.shape)
        return p, error

    lowest_found, error, _ = _minimum.lowest_curvature(watched, N)
    assert (lowest_found < -error) is curves
    assert not _minimum.whole_hessian(N)  # so curves_down takes this road at n = 300
    calls[0] = 0
    assert _minimum.curves_down(F, G, x, F(x), G.sizes(x)) is curves
    assert calls[0] <= 200 * N  # n^2 + n + 1 = 90 301 for the whole Hessian
    assert len(shapes) <= _minimum.LANCZOS and set(shapes) == {(N,)}


def test_the_whole_hessian_is_kept_where_it_is_cheaper():
    for n in (2, 50, 159):
        assert _minimum.whole_hessian(n)
        assert n * n + n + 1 <= _minimum.LANCZOS * (4 * n + 2)
    assert not _minimum.whole_hessian(160)
