"""Benchmark: `Network.train` against a plain numpy loop doing the same arithmetic.

Run it with ``.venv/bin/python tests/bench_nn.py`` (it is not a test: speed is never a
timed assertion). The target (issue 4): training the course's 1 → 6 → 7 → 2 network for
50 000 steps on the 100-point heart costs at most 1.3 times the plain loop, measured in
the same run. Both start from the same weights, draw the same noise and round the same
way, so they must end with the same weights to the last bit, which the script checks.
"""

from __future__ import annotations

import time

import numpy as np

from mvc.datasets import heart
from mvc.nn import Network

ITERATIONS = 50_000


def plain_loop(x, y, iterations, seed):
    """Forward pass, backpropagation and the noisy update, written out for 1 → 6 → 7 → 2.

    Returns the trained weights and biases, W⁽¹⁾ … W⁽³⁾ then b⁽¹⁾ … b⁽³⁾.
    """
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal(shape) / 2 for shape in [(6, 1), (7, 6), (2, 7)]]
    b = [rng.standard_normal((n, 1)) / 2 for n in (6, 7, 2)]
    N = x.shape[1]
    for _ in range(iterations):
        a1 = 0.5 + 0.5 * np.tanh(0.5 * (W[0] @ x + b[0]))
        a2 = 0.5 + 0.5 * np.tanh(0.5 * (W[1] @ a1 + b[1]))
        a3 = 0.5 + 0.5 * np.tanh(0.5 * (W[2] @ a2 + b[2]))
        J3 = ((a3 - y) * (2 / N)) * (a3 * (1 - a3))
        J2 = (W[2].T @ J3) * (a2 * (1 - a2))
        J1 = (W[1].T @ J2) * (a1 * (1 - a1))
        grads = [J1 @ x.T, J2 @ a1.T, J3 @ a2.T, J1.sum(axis=1, keepdims=True),
                 J2.sum(axis=1, keepdims=True), J3.sum(axis=1, keepdims=True)]
        steps = 7.0 * (1 + rng.standard_normal(6))
        for p, g, step in zip(W + b, grads, steps):
            p -= step * g
    return W + b


def main() -> None:
    x, y = heart(100)
    for run in range(2):  # the first run warms up caches; both are reported
        start = time.perf_counter()
        plain_params = plain_loop(x, y, ITERATIONS, seed=run)
        plain = time.perf_counter() - start
        net = Network([1, 6, 7, 2], rng=run)
        start = time.perf_counter()
        history = net.train(x, y, lr=7.0, iterations=ITERATIONS, noise=1.0)
        train = time.perf_counter() - start
        same = all(np.array_equal(p, q) for p, q in zip(plain_params, net.weights + net.biases))
        print(f"run {run}: plain loop {plain:.2f} s, Network.train {train:.2f} s, "
              f"ratio {train / plain:.2f} (target <= 1.3); final cost {history[-1]:.3e}; "
              f"same weights to the last bit: {same}")


if __name__ == "__main__":
    main()
