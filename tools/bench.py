"""`make bench`: mvc measured against the libraries a reader would use instead.

    python tools/bench.py [--quick] [--only SECTION] [--output mvc/data/benchmarks.json]

Every section compares mvc with a peer on the same problem, in one run, and reports
ratios. Accuracy and evaluation counts are exact; timings are medians of repeated runs.
Exact values come from JAX in float64 (automatic differentiation, exact to rounding).
The results, with the machine, the versions and the date, go to a JSON file that the
site's benchmarks page turns into tables and a chart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import resource
import subprocess
import sys
import time
import timeit
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


# --- helpers ---------------------------------------------------------------------------


class Counted:
    """Wrap `f` and count the points it is evaluated at (calls; numdifftools and mvc
    evaluate one point per call for these functions)."""

    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, x):
        self.calls += 1
        return self.f(x)


def relative_error(approx, exact) -> float:
    """Worst entry error over the largest exact entry (norm-wise relative error)."""
    approx, exact = np.asarray(approx, dtype=float), np.asarray(exact, dtype=float)
    return float(np.max(np.abs(approx - exact)) / max(np.max(np.abs(exact)), 1e-300))


def median_time(call, *, repeat: int = 7, number: int | None = None) -> float:
    """Median seconds per call of `call` over `repeat` runs."""
    if number is None:
        number, elapsed = 1, 0.0
        while elapsed < 0.05:  # enough calls per run to time reliably
            elapsed = timeit.timeit(call, number=number)
            if elapsed < 0.05:
                number *= 4
    runs = timeit.repeat(call, number=number, repeat=repeat)
    return float(np.median(runs) / number)


# --- derivatives -----------------------------------------------------------------------


def _problems(xp):
    """The test functions, written once for numpy (real and complex) and jax.numpy."""

    def scalar(x):
        return xp.exp(x) * xp.sin(3 * x) / (1 + x**2)

    def smooth10(x):
        return xp.sum(xp.sin(x) * xp.exp(x / 4)) + xp.sum(x) ** 2 / 20 + xp.prod(xp.cos(x / 3))

    def field5(x):
        return x * xp.exp(xp.roll(x, -1) / 3) + xp.sin(xp.roll(x, 1)) + x[0] * x[-1]

    def rosenbrock(x):
        return xp.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)

    return {
        "scalar": (scalar, np.array(0.7)),
        "R^10 -> R": (smooth10, np.linspace(-1.2, 1.5, 10)),
        "R^5 -> R^5": (field5, np.array([0.3, -0.8, 1.1, 0.5, -0.2])),
        "Rosenbrock 10-D": (rosenbrock, np.linspace(-0.9, 1.2, 10)),
    }


def bench_derivatives() -> list[dict]:
    import jax
    import jax.numpy as jnp
    import numdifftools as nd

    import mvc

    jax.config.update("jax_enable_x64", True)
    rows = []

    def measure(problem, f, operation, library, method, compute, exact):
        counted = Counted(f)
        value = compute(counted)
        calls = counted.calls
        seconds = median_time(lambda: compute(f), repeat=5)
        rows.append(
            {
                "problem": problem,
                "operation": operation,
                "library": library,
                "method": method,
                "relative_error": relative_error(value, exact),
                "evaluations": calls,
                "seconds": seconds,
            }
        )

    numpy_problems, jax_problems = _problems(np), _problems(jnp)
    for name, (f, x0) in numpy_problems.items():
        fj = jax_problems[name][0]
        if name == "scalar":
            exact = float(jax.grad(fj)(jnp.asarray(x0)))
            for method in ("central", "complex"):
                measure(
                    name,
                    f,
                    "derivative",
                    "mvc",
                    method,
                    lambda g, m=method, x0=x0: mvc.derivative(g, float(x0), method=m),
                    exact,
                )
                measure(
                    name,
                    f,
                    "derivative",
                    "numdifftools",
                    method,
                    lambda g, m=method, x0=x0: nd.Derivative(g, method=m)(float(x0)),
                    exact,
                )
            continue
        if name == "R^5 -> R^5":
            exact = np.asarray(jax.jacfwd(fj)(jnp.asarray(x0)))
            for method in ("central", "complex"):
                measure(
                    name,
                    f,
                    "jacobian",
                    "mvc",
                    method,
                    lambda g, m=method, x0=x0: mvc.jacobian(g, x0, method=m),
                    exact,
                )
                measure(
                    name,
                    f,
                    "jacobian",
                    "numdifftools",
                    method,
                    lambda g, m=method, x0=x0: nd.Jacobian(g, method=m)(x0),
                    exact,
                )
            continue
        exact = np.asarray(jax.grad(fj)(jnp.asarray(x0)))
        for method in ("central", "complex"):
            measure(
                name,
                f,
                "gradient",
                "mvc",
                method,
                lambda g, m=method, x0=x0: mvc.gradient(g, x0, method=m),
                exact,
            )
            measure(
                name,
                f,
                "gradient",
                "numdifftools",
                method,
                lambda g, m=method, x0=x0: nd.Gradient(g, method=m)(x0),
                exact,
            )
        exact = np.asarray(jax.hessian(fj)(jnp.asarray(x0)))
        measure(name, f, "hessian", "mvc", "central", lambda g, x0=x0: mvc.hessian(g, x0), exact)
        measure(
            name, f, "hessian", "numdifftools", "central", lambda g, x0=x0: nd.Hessian(g)(x0), exact
        )
    return rows


# --- a gradient in many variables -------------------------------------------------------------


def _cpu_seconds(call) -> float:
    """CPU seconds of this process spent in `call()` (both libraries run on one thread)."""
    start = time.process_time()
    call()
    return time.process_time() - start


def bench_gradient(n: int) -> dict:
    """`mvc.gradient` in n variables against scipy's central difference, the fair peer.

    scipy.optimize.approx_fprime, the public route, takes forward differences; its
    `approx_derivative(method="3-point")` is the central difference with the same step
    rule as mvc's, eps^(1/3) max(1, |x_i|), so the two do the same work (2n evaluations,
    scipy one more for f(x)). f(x) = x.x / 2 is cheap (one dot product), so the time is
    the differencing itself: making n points of n numbers, twice. The exact gradient is x.
    Times are CPU seconds, medians of 3 runs of each, alternated.
    """
    import tracemalloc

    from scipy.optimize._numdiff import approx_derivative

    import mvc

    x = np.linspace(-1.0, 1.0, n)

    def f(v):
        return 0.5 * float(v @ v)

    ours = Counted(f)
    g = mvc.gradient(ours, x)
    theirs = Counted(f)
    g_scipy = approx_derivative(theirs, x, method="3-point")
    tracemalloc.start()
    mvc.gradient(f, x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # CPU time, alternating the two, so that other work on the machine counts for neither.
    mvc_runs, scipy_runs = [], []
    for _ in range(3):
        mvc_runs.append(_cpu_seconds(lambda: mvc.gradient(f, x)))
        scipy_runs.append(_cpu_seconds(lambda: approx_derivative(f, x, method="3-point")))
    mvc_seconds, scipy_seconds = float(np.median(mvc_runs)), float(np.median(scipy_runs))
    return {
        "n": n,
        "function": "x.x / 2",
        "peer": "scipy.optimize._numdiff.approx_derivative, method='3-point'",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "versions": {name: versions()[name] for name in ("mvc", "numpy", "scipy")},
        "mvc_relative_error": relative_error(g, x),
        "scipy_relative_error": relative_error(g_scipy, x),
        "mvc_evaluations": ours.calls,
        "scipy_evaluations": theirs.calls,
        "mvc_peak_memory_mb": peak / 2**20,
        "n_by_n_matrix_gb": 8 * n * n / 2**30,
        "mvc_seconds": mvc_seconds,
        "scipy_seconds": scipy_seconds,
        "timer": "CPU seconds",
        "ratio": mvc_seconds / scipy_seconds,
    }


# --- backpropagation and training ---------------------------------------------------------


def _jax_cost(sizes):
    import jax.numpy as jnp

    def cost(params, x, y):
        a = x
        for W, b in params:
            a = 1 / (1 + jnp.exp(-(W @ a + b)))
        return jnp.sum((a - y) ** 2) / x.shape[1]

    return cost


def bench_backprop() -> list[dict]:
    import jax
    import jax.numpy as jnp

    from mvc import Network
    from mvc.datasets import heart

    jax.config.update("jax_enable_x64", True)
    rows = []
    x, y = heart(100)
    for label, sizes in [
        ("course network [1, 6, 7, 2]", [1, 6, 7, 2]),
        ("wider network [1, 64, 64, 2]", [1, 64, 64, 2]),
    ]:
        net = Network(sizes, rng=1)
        params = [
            (jnp.asarray(W), jnp.asarray(b)) for W, b in zip(net.weights, net.biases, strict=True)
        ]
        grad = jax.jit(jax.grad(_jax_cost(sizes)))
        xj, yj = jnp.asarray(x), jnp.asarray(y)
        dW, db = net.gradients(x, y)
        reference = grad(params, xj, yj)
        error = max(
            max(relative_error(a, np.asarray(r[0])), relative_error(b, np.asarray(r[1])))
            for a, b, r in zip(dW, db, reference, strict=True)
        )
        mvc_seconds = median_time(lambda net=net: net.gradients(x, y))
        jax_seconds = median_time(
            lambda grad=grad, params=params, xj=xj, yj=yj: jax.block_until_ready(
                grad(params, xj, yj)
            )
        )
        rows.append(
            {
                "network": label,
                "samples": int(x.shape[1]),
                "relative_error": error,
                "mvc_seconds": mvc_seconds,
                "jax_seconds": jax_seconds,
                "ratio": mvc_seconds / jax_seconds,
            }
        )
    return rows


def _plain_training(weights, biases, x, y, lr, iterations):
    """The course's training loop written out in plain numpy: the baseline for `train`."""
    weights = [W.copy() for W in weights]
    biases = [b.copy() for b in biases]
    n = x.shape[1]
    for _ in range(iterations):
        a = [x]
        for W, b in zip(weights, biases, strict=True):
            a.append(1 / (1 + np.exp(-(W @ a[-1] + b))))
        delta = 2 * (a[-1] - y) / n * a[-1] * (1 - a[-1])
        for layer in range(len(weights) - 1, -1, -1):
            dW, db = delta @ a[layer].T, delta.sum(axis=1, keepdims=True)
            if layer:
                delta = (weights[layer].T @ delta) * a[layer] * (1 - a[layer])
            weights[layer] -= lr * dW
            biases[layer] -= lr * db
    return weights, biases


def bench_training(iterations: int) -> dict:
    from mvc import Network
    from mvc.datasets import heart

    x, y = heart(100)
    start = Network([1, 6, 7, 2], rng=1)
    weights, biases = [W.copy() for W in start.weights], [b.copy() for b in start.biases]

    def run_mvc():
        net = Network([1, 6, 7, 2], rng=1)
        net.train(x, y, lr=2.0, iterations=iterations)
        return net

    def run_plain():
        return _plain_training(weights, biases, x, y, 2.0, iterations)

    trained, (plain_w, plain_b) = run_mvc(), run_plain()
    difference = max(
        relative_error(a, b)
        for a, b in zip(trained.weights + trained.biases, plain_w + plain_b, strict=True)
    )
    mvc_seconds = median_time(run_mvc, repeat=3, number=1)
    plain_seconds = median_time(run_plain, repeat=3, number=1)
    return {
        "network": "[1, 6, 7, 2]",
        "iterations": iterations,
        "lr": 2.0,
        "weights_relative_difference": difference,
        "mvc_seconds": mvc_seconds,
        "plain_numpy_seconds": plain_seconds,
        "ratio": mvc_seconds / plain_seconds,
    }


# --- roots and descent ------------------------------------------------------------------

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
    "MML bowl (Example 7.1)": (
        lambda v: v @ A @ v / 2 - B @ v,
        lambda v: A @ v - B,
        [-3.0, -1.0],
        np.linalg.solve(A, B),
    ),
    "(x - 1)^2 + 4 y^2": (
        lambda v: (v[0] - 1) ** 2 + 4 * v[1] ** 2,
        lambda v: np.array([2 * (v[0] - 1), 8 * v[1]]),
        [0.0, 1.0],
        np.array([1.0, 0.0]),
    ),
    "log(1 + (x - 1/2)^2) + (y - x)^2": (
        lambda v: np.log1p((v[0] - 0.5) ** 2) + (v[1] - v[0]) ** 2,
        lambda v: np.array(
            [2 * (v[0] - 0.5) / (1 + (v[0] - 0.5) ** 2) - 2 * (v[1] - v[0]), 2 * (v[1] - v[0])]
        ),
        [2.0, -1.0],
        np.array([0.5, 0.5]),
    ),
}


def bench_optimisation() -> dict:
    import scipy.optimize

    from mvc import gradient_descent, newton_raphson

    scalar = []
    for name, (f, fp, x0) in SCALAR.items():
        ours_f, ours_fp = Counted(f), Counted(fp)
        ours = newton_raphson(ours_f, x0, fprime=ours_fp, tol=1.48e-8)
        ref_f, ref_fp = Counted(f), Counted(fp)
        ref = scipy.optimize.newton(ref_f, x0, fprime=ref_fp, tol=1.48e-8)  # scipy's default tol
        scalar.append(
            {
                "problem": name,
                "difference": abs(float(ours.x) - float(ref)),
                "mvc_f": ours_f.calls,
                "mvc_fprime": ours_fp.calls,
                "scipy_f": ref_f.calls,
                "scipy_fprime": ref_fp.calls,
            }
        )
    systems = []
    for name, (f, J, x0) in SYSTEMS.items():
        ours_f, ours_J = Counted(f), Counted(J)
        ours = newton_raphson(ours_f, x0, fprime=ours_J, tol=1e-10)
        ref = scipy.optimize.root(f, x0, jac=J, tol=1e-10)
        systems.append(
            {
                "problem": name,
                "difference": float(np.max(np.abs(ours.x - ref.x))),
                "mvc_f": ours_f.calls,
                "mvc_jacobian": ours_J.calls,
                "scipy_f": int(ref.nfev),
                "scipy_jacobian": int(ref.njev),
            }
        )
    descent = []
    for name, (f, grad, x0, exact) in MINIMA.items():
        ours_f, ours_g = Counted(f), Counted(grad)
        # mvc's tol is relative to |∇f(x0)|: this one asks for |∇f| <= 1e-8, as BFGS's does.
        ours = gradient_descent(ours_f, x0, grad=ours_g, tol=1e-8 / np.linalg.norm(grad(x0)))
        ref = scipy.optimize.minimize(f, x0, jac=grad, method="BFGS", tol=1e-8)
        descent.append(
            {
                "problem": name,
                "converged": bool(ours.converged),
                "mvc_error": float(np.linalg.norm(ours.x - exact)),
                "scipy_error": float(np.linalg.norm(ref.x - exact)),
                "mvc_steps": int(ours.n_iter),
                "mvc_f": ours_f.calls,
                "mvc_grad": ours_g.calls,
                "scipy_steps": int(ref.nit),
                "scipy_f": int(ref.nfev),
                "scipy_grad": int(ref.njev),
            }
        )
    return {"scalar": scalar, "systems": systems, "descent": descent}


# --- fitting: the NIST StRD nonlinear problems ------------------------------------------------


def _lre(fitted, certified) -> float:
    """The worst parameter's log relative error against NIST's certified value, capped at 15;
    0 for a fit that failed."""
    fitted = np.asarray(fitted, dtype=float)
    if fitted.shape != np.shape(certified) or not np.all(np.isfinite(fitted)):
        return 0.0
    with np.errstate(divide="ignore"):
        errors = -np.log10(np.abs(fitted - certified) / np.abs(certified))
    return float(np.clip(np.min(errors), 0, 15))


def bench_fitting() -> dict:
    import warnings

    from scipy.optimize import OptimizeWarning, curve_fit

    from mvc import fit
    from mvc.datasets import NIST_NAMES, nist

    cases = []
    for name in NIST_NAMES:
        problem = nist(name)
        for start, p0 in enumerate(problem.starts, 1):
            mine = fit(problem.model, problem.x, problem.y, p0)

            def theirs(p0=p0, problem=problem):
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore", OptimizeWarning)
                    return curve_fit(problem.model, problem.x, problem.y, p0=p0)[0]

            try:
                scipy_params = theirs()
            except (RuntimeError, ValueError, FloatingPointError):
                scipy_params = np.full(len(p0), np.nan)
            cases.append(
                {
                    "problem": name,
                    "start": start,
                    "difficulty": problem.difficulty,
                    "mvc_lre": _lre(mine.params, problem.certified) if mine.converged else 0.0,
                    "scipy_lre": _lre(scipy_params, problem.certified),
                    "mvc_seconds": median_time(
                        lambda p0=p0, problem=problem: fit(problem.model, problem.x, problem.y, p0),
                        repeat=3,
                        number=1,
                    ),
                    "scipy_seconds": median_time(lambda t=theirs: _quiet(t), repeat=3, number=1),
                }
            )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "cases": cases,
        "summary": _nist_summary(cases),
        "scale": [_fit_at_scale(n) for n in (10**4, 10**5, 10**6)],
    }


def _nist_summary(cases: list[dict]) -> dict:
    mvc_lre = np.array([c["mvc_lre"] for c in cases])
    scipy_lre = np.array([c["scipy_lre"] for c in cases])
    mvc_time = sum(c["mvc_seconds"] for c in cases)
    scipy_time = sum(c["scipy_seconds"] for c in cases)
    # the same bar on both sides: the cases both reach 6 correct digits in
    both = [c for c in cases if c["mvc_lre"] >= 6 and c["scipy_lre"] >= 6]
    both_mvc, both_scipy = (sum(c[key] for c in both) for key in ("mvc_seconds", "scipy_seconds"))
    return {
        "cases": len(cases),
        "mvc_lre_at_least_6": int(np.sum(mvc_lre >= 6)),
        "scipy_lre_at_least_6": int(np.sum(scipy_lre >= 6)),
        "mvc_lre_at_least_4": int(np.sum(mvc_lre >= 4)),
        "scipy_lre_at_least_4": int(np.sum(scipy_lre >= 4)),
        "mvc_median_lre": float(np.median(mvc_lre)),
        "scipy_median_lre": float(np.median(scipy_lre)),
        "mvc_seconds": mvc_time,
        "scipy_seconds": scipy_time,
        "time_ratio": mvc_time / scipy_time,
        "both_lre_at_least_6": len(both),
        "both_mvc_seconds": both_mvc,
        "both_scipy_seconds": both_scipy,
        "both_time_ratio": both_mvc / both_scipy if both_scipy else float("nan"),
    }


def _fit_at_scale(n: int) -> dict:
    """`fit` and `curve_fit` on one decay a e^(-kx) + c with noise, at `n` points: time,
    model calls and agreement (both from the same start, with their defaults)."""
    from scipy.optimize import curve_fit

    from mvc import fit

    rng = np.random.default_rng(1)
    x = np.linspace(0, 5, n)
    y = 4.0 * np.exp(-1.3 * x) + 0.5 + rng.normal(0, 0.05, n)
    calls = [0]

    def model(x, a, k, c):
        calls[0] += 1
        return a * np.exp(-k * x) + c

    p0 = [1.0, 1.0, 0.0]
    mine = fit(model, x, y, p0)
    mvc_calls, calls[0] = calls[0], 0
    theirs = curve_fit(model, x, y, p0=p0)[0]
    scipy_calls = calls[0]
    mvc_seconds = median_time(lambda: fit(model, x, y, p0), repeat=3, number=1)
    scipy_seconds = median_time(lambda: curve_fit(model, x, y, p0=p0), repeat=3, number=1)
    return {
        "points": n,
        "converged": bool(mine.converged),
        "mvc_iterations": int(mine.n_iter),
        "mvc_model_calls": mvc_calls,
        "scipy_model_calls": scipy_calls,
        "relative_difference": relative_error(mine.params, theirs),
        "mvc_seconds": mvc_seconds,
        "scipy_seconds": scipy_seconds,
        "time_ratio": mvc_seconds / scipy_seconds,
    }


def _quiet(call):
    try:
        return call()
    except (RuntimeError, ValueError, FloatingPointError):
        return None


# --- the site --------------------------------------------------------------------------


def bench_site(tmp: Path, *, suite: bool) -> dict:
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp / "site")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    build = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = {"clean_build_seconds": build, "build_peak_memory_mb": max(peak, before) / 1024}
    if suite:  # a whole make test here (several minutes): it writes test-run.json
        subprocess.run([sys.executable, "tools/test_run.py"], cwd=ROOT, env=env, check=False)
    recorded = ROOT / "test-artifacts" / "test-run.json"  # the last make test (tools/test_run.py)
    if recorded.is_file():
        last = json.loads(recorded.read_text())
        result["test_suite_seconds"] = last["seconds"]
        result["test_suite_passed"] = last["failed"] == 0 and last["exitstatus"] == 0
        result["test_suite_source"] = f"make test, {last['date']}, {last['tests']} tests"
        if "ratio" in last:  # against one clean build timed in the same run
            result["test_suite_build_seconds"] = last["build_seconds"]
            result["test_suite_ratio"] = last["ratio"]
    return result


# --- the run ---------------------------------------------------------------------------


def versions() -> dict:
    names = ["numpy", "scipy", "jax", "jaxlib", "numdifftools", "mkdocs", "mkdocs-material"]
    found = {"mvc": importlib.import_module("mvc").__version__}  # distributed under another name
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    found["python"] = platform.python_version()
    return found


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def sections_to_run(args: argparse.Namespace) -> list:
    """Each section's key in the results, and the function that measures it."""
    return [
        ("derivatives", bench_derivatives),
        ("gradient", lambda: bench_gradient(20_000 if args.quick else 100_000)),
        ("backprop", bench_backprop),
        ("training", lambda: bench_training(5_000 if args.quick else 50_000)),
        ("optimisation", bench_optimisation),
        ("fitting", bench_fitting),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "mvc" / "data" / "benchmarks.json")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="5 000 training iterations instead of 50 000 (for a try-out)",
    )
    parser.add_argument(
        "--suite",
        action="store_true",
        help="run make test here (several minutes) instead of reporting the last one",
    )
    parser.add_argument(
        "--only",
        metavar="SECTION",
        help="run one section (its name, or the start of it: --only fit) and "
        "update only its key in the output",
    )
    args = parser.parse_args(argv)

    import tempfile

    runs = sections_to_run(args)
    if args.only:
        return run_one(parser, args, runs)
    sections = {}
    started = time.perf_counter()
    for name, run in runs:
        t = time.perf_counter()
        sections[name] = run()
        print(f"{name}: {time.perf_counter() - t:.1f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        sections["site"] = bench_site(Path(tmp), suite=args.suite)
    print(f"site: done; total {time.perf_counter() - started:.0f} s", flush=True)
    results = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "make bench",
        "machine": machine(),
        "versions": versions(),
        "quick": args.quick,
        **sections,
    }
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"wrote {shown}")
    return 0


def run_one(parser: argparse.ArgumentParser, args: argparse.Namespace, runs: list) -> int:
    """``--only SECTION``: run that section and replace only its key in the output."""
    named = [(name, run) for name, run in runs if name.startswith(args.only)]
    if len(named) != 1:
        parser.error(f"--only must name one of {[name for name, _ in runs]}, got {args.only!r}")
    [(name, run)] = named
    results = json.loads(args.output.read_text()) if args.output.is_file() else {}
    t = time.perf_counter()
    results[name] = run()
    print(f"{name}: {time.perf_counter() - t:.1f} s", flush=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    print(f"updated {name!r} in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
