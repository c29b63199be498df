"""Benchmark of chapter 5's solvers against scipy.optimize, in evaluations, not seconds.

Run with ``.venv/bin/python tests/bench_optimisation.py`` (a ``make bench`` target can call
it). It prints, for each problem, the root or minimum each method reaches and how many
times it called the function and its derivative.
"""

from __future__ import annotations

import numpy as np


def counted(f):
    """`f`, counting its calls in ``.calls``."""

    def wrapper(x):
        wrapper.calls += 1
        return f(x)

    wrapper.calls = 0
    return wrapper


SCALAR = {
    "cubic x^3 - 2x + 2 from -2": (lambda x: x**3 - 2 * x + 2, lambda x: 3 * x**2 - 2, -2.0),
    "sextic from 1": (
        lambda x: x**6 / 6 - 3 * x**4 - 2 * x**3 / 3 + 27 * x**2 / 2 + 18 * x - 30,
        lambda x: x**5 - 12 * x**3 - 2 * x**2 + 27 * x + 18,
        1.0,
    ),
    "sextic from -4": (
        lambda x: x**6 / 6 - 3 * x**4 - 2 * x**3 / 3 + 27 * x**2 / 2 + 18 * x - 30,
        lambda x: x**5 - 12 * x**3 - 2 * x**2 + 27 * x + 18,
        -4.0,
    ),
    "x^2 - 612 from 10": (lambda x: x**2 - 612, lambda x: 2 * x, 10.0),
    "cos x - x from 1": (lambda x: np.cos(x) - x, lambda x: -np.sin(x) - 1, 1.0),
    "e^x - 3x from 0": (lambda x: np.exp(x) - 3 * x, lambda x: np.exp(x) - 3, 0.0),
}

SYSTEMS = {
    "circle and exponential": (
        lambda v: np.array([v[0] ** 2 + v[1] ** 2 - 4, np.exp(v[0]) + v[1] - 1]),
        lambda v: np.array([[2 * v[0], 2 * v[1]], [np.exp(v[0]), 1.0]]),
        [1.0, -1.0],
    ),
    "two quadrics": (
        lambda v: np.array([v[0] ** 2 - v[1] - 1, v[0] - v[1] ** 2 + 1]),
        lambda v: np.array([[2 * v[0], -1.0], [1.0, -2 * v[1]]]),
        [1.5, 1.5],
    ),
}

A, B = np.array([[2.0, 1.0], [1.0, 20.0]]), np.array([5.0, 3.0])
MINIMA = {
    "MML bowl (Example 7.1)": (lambda v: v @ A @ v / 2 - B @ v, lambda v: A @ v - B,
                               [-3.0, -1.0], np.linalg.solve(A, B)),
    "(x - 1)^2 + 4 y^2": (lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2,
                          lambda v: np.array([2 * (v[0] - 1), 8 * v[1]]), [0.0, 1.0],
                          np.array([1.0, 0.0])),
    "log(1 + (x - 1/2)^2) + (y - x)^2": (
        lambda v: np.log1p((v[0] - 0.5) ** 2) + (v[1] - v[0]) ** 2,
        lambda v: np.array([2 * (v[0] - 0.5) / (1 + (v[0] - 0.5) ** 2) - 2 * (v[1] - v[0]),
                            2 * (v[1] - v[0])]),
        [2.0, -1.0], np.array([0.5, 0.5]),
    ),
}


def scalar_table(tol: float) -> None:
    import scipy.optimize

    from mvc import newton_raphson

    print(f"\nScalar equations, tol = {tol:g}: evaluations of f + f'")
    for name, (f, fp, x0) in SCALAR.items():
        ours_f, ours_fp = counted(f), counted(fp)
        ours = newton_raphson(ours_f, x0, fprime=ours_fp, tol=tol)
        ref_f, ref_fp = counted(f), counted(fp)
        ref = scipy.optimize.newton(ref_f, x0, fprime=ref_fp, tol=tol)
        print(f"  {name:28s} mvc {ours.x: .12f} {ours_f.calls:3d} + {ours_fp.calls:3d}   "
              f"scipy {ref: .12f} {ref_f.calls:3d} + {ref_fp.calls:3d}   "
              f"|Δ| {abs(ours.x - ref):.1e}")


def system_table() -> None:
    import scipy.optimize

    from mvc import newton_raphson

    print("\nSystems (scipy.optimize.root, hybr, with the Jacobian): evaluations of f + J")
    for name, (f, J, x0) in SYSTEMS.items():
        ours_f, ours_J = counted(f), counted(J)
        ours = newton_raphson(ours_f, x0, fprime=ours_J)
        ref = scipy.optimize.root(f, x0, jac=J, tol=1e-10)
        print(f"  {name:24s} mvc {ours.x.round(12)} {ours_f.calls:3d} + {ours_J.calls:3d}   "
              f"scipy {ref.x.round(12)} {ref.nfev:3d} + {ref.njev:3d}")


def descent_table() -> None:
    from mvc import gradient_descent

    print("\nGradient descent with line search, tol = 1e-8: error and evaluations of f + ∇f")
    for name, (f, grad, x0, exact) in MINIMA.items():
        cf, cg = counted(f), counted(grad)
        result = gradient_descent(cf, x0, grad=cg, tol=1e-8)
        error = np.linalg.norm(result.x - exact)
        print(f"  {name:34s} |x - x*| = {error:.1e}  {result.n_iter:4d} steps  "
              f"{cf.calls:4d} + {cg.calls:4d}  {result.message}")


if __name__ == "__main__":
    scalar_table(1.48e-8)  # scipy's default
    scalar_table(1e-10)  # mvc's default
    system_table()
    descent_table()
