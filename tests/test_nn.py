"""Tests of mvc.nn: the course's lab formulas first, then finite differences, then identities."""

from __future__ import annotations

import numpy as np
import pytest

from mvc.datasets import heart
from mvc.gradcheck import check_network
from mvc.nn import ACTIVATIONS, Network, sigmoid

COURSE = [1, 6, 7, 2]

# Architectures for the gradient checks: one neuron, the course's network, several
# inputs, a deep narrow one, a wide one.
ARCHITECTURES = [[1, 1], COURSE, [3, 5, 2], [2, 4, 4, 4, 3], [4, 8, 1]]


def logistic(z):
    """The course's σ, written as the course writes it (an independent oracle)."""
    return 1 / (1 + np.exp(-z))


def d_logistic(z):
    """The course's σ'(z) = cosh(z/2)⁻²/4."""
    return np.cosh(z / 2) ** -2 / 4


def data(sizes, n=20, seed=0):
    """Inputs and targets in the network's shapes; the heart for the course's network."""
    if sizes == COURSE:
        return heart()
    rng = np.random.default_rng(seed)
    return rng.standard_normal((sizes[0], n)), rng.uniform(size=(sizes[-1], n))


# --- the forward pass ---------------------------------------------------------------------


def test_sigmoid_is_the_logistic_function():
    z = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(sigmoid(z), logistic(z), rtol=1e-13, atol=1e-16)


def test_sigmoid_does_not_overflow_for_large_arguments():
    # 1/(1 + exp(1000)) would warn (and warnings are errors here).
    np.testing.assert_array_equal(sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_written_with_a_matches_sigma_prime_of_z(name):
    sigma, dsigma = ACTIVATIONS[name]
    z = np.linspace(-6, 6, 49)
    expected = d_logistic(z) if name == "sigmoid" else np.cosh(z) ** -2
    np.testing.assert_allclose(dsigma(sigma(z)), expected, rtol=1e-12, atol=1e-16)


def test_starting_weights_are_the_courses_randn_over_2_in_its_order():
    net = Network(COURSE, rng=7)
    rng = np.random.default_rng(7)
    expected = [rng.standard_normal(s) / 2 for s in [(6, 1), (7, 6), (2, 7)]]
    expected += [rng.standard_normal((n, 1)) / 2 for n in (6, 7, 2)]
    for got, want in zip(net.weights + net.biases, expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_forward_is_the_courses_network_function():
    net = Network(COURSE, rng=1)
    x, _ = heart()
    (W1, W2, W3), (b1, b2, b3) = net.weights, net.biases
    a3 = logistic(W3 @ logistic(W2 @ logistic(W1 @ x + b1) + b2) + b3)
    np.testing.assert_allclose(net.forward(x), a3, rtol=1e-14)


def test_layers_gives_every_z_and_a():
    net = Network([2, 3, 4, 1], activation="tanh", rng=2)
    x = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]])
    z, a = net.layers(x)
    assert [zn.shape for zn in z] == [(3, 3), (4, 3), (1, 3)]
    assert len(a) == 4 and a[0] is not None
    np.testing.assert_array_equal(a[0], x)
    for n in range(1, 4):
        np.testing.assert_array_equal(z[n - 1], net.weights[n - 1] @ a[n - 1] + net.biases[n - 1])
        np.testing.assert_array_equal(a[n], np.tanh(z[n - 1]))
    np.testing.assert_array_equal(a[-1], net.forward(x))


def test_cost_is_squared_error_summed_over_outputs_and_averaged_over_samples():
    net = Network([2, 3, 2], rng=3)
    x, y = data([2, 3, 2], n=5)
    expected = np.sum((net.forward(x) - y) ** 2) / 5
    assert net.cost(x, y) == pytest.approx(expected, rel=1e-14)
    assert isinstance(net.cost(x, y), float)


def test_integer_and_list_inputs_are_accepted():
    net = Network([1, 2, 1], rng=0)
    np.testing.assert_array_equal(net.forward([[0, 1]]), net.forward(np.array([[0.0, 1.0]])))


# --- backpropagation ----------------------------------------------------------------------


def test_gradients_equal_the_courses_lab_formulas():
    # The lab's J_W3 … J_b1, written out for 1 → 6 → 7 → 2 (with σ' = cosh(z/2)⁻²/4).
    net = Network(COURSE, rng=4)
    x, y = heart()
    (W1, W2, W3), (b1, b2, b3) = net.weights, net.biases
    z1 = W1 @ x + b1
    z2 = W2 @ logistic(z1) + b2
    z3 = W3 @ logistic(z2) + b3
    J3 = 2 * (logistic(z3) - y) * d_logistic(z3)
    J2 = (W3.T @ J3) * d_logistic(z2)
    J1 = (W2.T @ J2) * d_logistic(z1)
    expected_dW = [J1 @ x.T / x.size, J2 @ logistic(z1).T / x.size, J3 @ logistic(z2).T / x.size]
    expected_db = [np.sum(J, axis=1, keepdims=True) / x.size for J in (J1, J2, J3)]
    dW, db = net.gradients(x, y)
    for got, want in zip(dW + db, expected_dW + expected_db, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=str)
def test_gradients_match_finite_differences(sizes, activation):
    # Central differences agree to ~eps^(2/3) ~ 4e-11 of the gradient's size (measured
    # ≤ 1e-9 on these); 1e-6 leaves room, and a mistake gives ~1 (see the next test).
    for seed in range(3):
        x, y = data(sizes, seed=seed)
        net = Network(sizes, activation=activation, rng=seed)
        assert check_network(net, x, y) < 1e-6


def test_gradients_have_the_shapes_of_the_weights_and_biases():
    net = Network([3, 5, 2], rng=0)
    dW, db = net.gradients(*data([3, 5, 2]))
    assert [g.shape for g in dW] == [W.shape for W in net.weights]
    assert [g.shape for g in db] == [b.shape for b in net.biases]


def test_gradients_are_zero_when_the_network_fits_exactly():
    net = Network([2, 3, 2], rng=0)
    x = np.array([[0.0, 1.0], [1.0, 0.0]])
    dW, db = net.gradients(x, net.forward(x))
    assert all(np.all(g == 0) for g in dW + db)


# --- training -----------------------------------------------------------------------------


def test_training_the_courses_network_on_the_heart_lowers_the_cost():
    x, y = heart()
    net = Network(COURSE, rng=0)
    history = net.train(x, y, lr=7.0, iterations=2000, noise=1.0)
    assert history.shape == (2001,) and history.dtype == np.float64
    assert history[-1] < history[0] / 5
    assert history[-1] == pytest.approx(net.cost(x, y), rel=1e-14)


def test_history_starts_at_the_starting_cost_and_entry_k_follows_k_steps():
    x, y = heart(20)
    net, stepped = Network(COURSE, rng=5), Network(COURSE, rng=5)
    history = net.train(x, y, lr=2.0, iterations=3)
    costs = [stepped.cost(x, y)] + [stepped.train(x, y, lr=2.0, iterations=1)[-1] for _ in range(3)]
    np.testing.assert_allclose(history, costs, rtol=1e-14)


def test_a_step_is_w_minus_lr_times_the_gradient():
    x, y = data([3, 5, 2])
    net = Network([3, 5, 2], rng=6)
    before = [p.copy() for p in net.weights + net.biases]
    dW, db = net.gradients(x, y)
    net.train(x, y, lr=0.3, iterations=1)
    for p, p0, g in zip(net.weights + net.biases, before, dW + db, strict=True):
        np.testing.assert_allclose(p, p0 - 0.3 * g, rtol=1e-14, atol=1e-16)


def test_training_runs_one_forward_pass_per_step_and_one_at_the_end():
    # The backpropagation lab counts on it: each step's cost comes from the forward pass
    # its gradients need. Every forward pass applies the activation once per layer.
    x, y = heart(20)
    net = Network(COURSE, rng=2)
    calls, sigma = [], net._sigma
    net._sigma = lambda z: calls.append(z.shape) or sigma(z)
    net.train(x, y, lr=2.0, iterations=40, noise=1.0)
    assert len(calls) == (40 + 1) * (len(COURSE) - 1)


def test_noisy_training_is_the_courses_lab_loop():
    # The lab: each of the six Jacobians times (1 + randn · noise), W1 … W3 then b1 … b3.
    x, y = heart()
    net = Network(COURSE, rng=8)
    params = [p.copy() for p in net.weights + net.biases]
    rng = np.random.default_rng(9)
    for _ in range(25):
        dW, db = _with_params(net, params).gradients(x, y)
        params = [
            p - g * (1 + rng.standard_normal() * 1.0) * 7.0
            for p, g in zip(params, dW + db, strict=True)
        ]
    net.train(x, y, lr=7.0, iterations=25, noise=1.0, rng=np.random.default_rng(9))
    for got, want in zip(net.weights + net.biases, params, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def _with_params(net, params):
    copy = Network(net.sizes, activation=net.activation, rng=0)
    copy.weights, copy.biases = params[: len(net.weights)], params[len(net.weights) :]
    return copy


def test_training_is_reproducible_from_a_seed():
    x, y = heart(30)
    runs = [Network(COURSE, rng=11).train(x, y, lr=7.0, iterations=50, noise=1.0) for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    other = Network(COURSE, rng=12).train(x, y, lr=7.0, iterations=50, noise=1.0)
    assert not np.array_equal(runs[0], other)


def test_training_draws_its_noise_from_the_rng_it_is_given():
    x, y = heart(30)
    a, b = Network(COURSE, rng=1), Network(COURSE, rng=1)
    ha = a.train(x, y, lr=7.0, iterations=20, noise=1.0, rng=3)
    hb = b.train(x, y, lr=7.0, iterations=20, noise=1.0, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(ha, hb)


def test_an_overflowing_step_ends_the_history_without_a_warning():
    x, y = heart()
    history = Network(COURSE, rng=0).train(x, y, lr=1.7e308, iterations=20, noise=1.0)
    assert len(history) < 21
    assert np.all(np.isfinite(history[:-1])) and not np.isfinite(history[-1])


def test_seed_generator_and_none_are_accepted():
    g = np.random.default_rng(0)
    assert Network([1, 1], rng=g).rng is g
    assert isinstance(Network([1, 1]).rng, np.random.Generator)
    np.testing.assert_array_equal(
        Network([2, 2], rng=np.int64(3)).weights[0], Network([2, 2], rng=3).weights[0]
    )


def test_repr_names_the_architecture():
    assert repr(Network(COURSE, activation="tanh", rng=0)) == (
        "Network([1, 6, 7, 2], activation='tanh')"
    )


# --- bad input: one test per branch -------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sizes": 3}, TypeError, "`sizes` must be a sequence of layer sizes, got 3"),
        ({"sizes": "16"}, TypeError, "`sizes` must be a sequence"),
        ({"sizes": [1, 2.0]}, TypeError, r"`sizes` must hold integers, got \[1, 2.0\]"),
        ({"sizes": [1, True]}, TypeError, "`sizes` must hold integers"),
        ({"sizes": [3]}, ValueError, r"`sizes` must list at least 2 layers .*, got \[3\]"),
        ({"sizes": [1, 0, 2]}, ValueError, r"`sizes` must hold positive integers, got \[1, 0, 2\]"),
        ({"activation": "relu"}, ValueError, "`activation` must be one of .*, got 'relu'"),
        ({"activation": None}, TypeError, "`activation` must be a string"),
        ({"rng": 1.5}, TypeError, "`rng` must be a numpy.random.Generator, an integer seed"),
        ({"rng": np.random.RandomState(0)}, TypeError, "`rng` must be a numpy.random.Generator"),
        ({"rng": -1}, ValueError, "`rng` must be a non-negative integer seed, got -1"),
    ],
)
def test_bad_network_names_the_argument(kwargs, error, match):
    args = {"sizes": COURSE} | kwargs
    with pytest.raises(error, match=match):
        Network(args.pop("sizes"), **args)


X, Y = heart(5)
BAD_DATA = [
    ({"x": X.ravel()}, r"`x` must have shape \(1, N\) for a network with 1 input, got \(5,\)\."),
    ({"x": X.T}, r"`x` must have shape \(1, N\) for a network with 1 input, got \(5, 1\)"),
    ({"x": [[0.0, np.nan]]}, "`x` must be finite, got nan"),
    ({"y": Y.T}, r"`y` must have shape \(2, 5\) for a network with 2 outputs and the 5 samples"),
    ({"y": Y[:, :4]}, r"`y` must have shape \(2, 5\) .*, got \(2, 4\)"),
    ({"y": Y * np.inf}, "`y` must be finite, got inf"),
]


@pytest.mark.parametrize(("kwargs", "match"), BAD_DATA)
@pytest.mark.parametrize("method", ["cost", "gradients", "train"])
def test_bad_data_names_the_array_and_both_shapes(method, kwargs, match):
    args = {"x": X, "y": Y} | kwargs
    extra = {"lr": 1.0, "iterations": 1} if method == "train" else {}
    with pytest.raises(ValueError, match=match):
        getattr(Network(COURSE, rng=0), method)(args["x"], args["y"], **extra)


@pytest.mark.parametrize("method", ["forward", "layers"])
def test_bad_inputs_to_the_forward_pass(method):
    net = Network([3, 2], rng=0)
    wrong_rows = r"`x` must have shape \(3, N\) for a network with 3 inputs, got \(2, 4\)"
    with pytest.raises(ValueError, match=wrong_rows):
        getattr(net, method)(np.ones((2, 4)))
    with pytest.raises(TypeError, match="`x` must be a real number or an array"):
        getattr(net, method)("data")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lr": 0.0}, ValueError, "`lr` must be positive and finite, got 0.0"),
        ({"lr": -1.0}, ValueError, "`lr` must be positive"),
        ({"lr": np.nan}, ValueError, "`lr` must be positive and finite, got nan"),
        ({"lr": "7"}, TypeError, "`lr` must be a real number, got '7'"),
        ({"iterations": 0}, ValueError, "`iterations` must be at least 1, got 0"),
        ({"iterations": 10.0}, TypeError, "`iterations` must be an integer, got 10.0"),
        ({"iterations": True}, TypeError, "`iterations` must be an integer"),
        ({"noise": -0.5}, ValueError, "`noise` must be non-negative and finite, got -0.5"),
        ({"noise": np.inf}, ValueError, "`noise` must be non-negative and finite, got inf"),
        ({"rng": "seed"}, TypeError, "`rng` must be a numpy.random.Generator"),
    ],
)
def test_bad_training_options_name_the_argument(kwargs, error, match):
    net = Network(COURSE, rng=0)
    before = [W.copy() for W in net.weights]
    with pytest.raises(error, match=match):
        net.train(X, Y, **({"lr": 1.0, "iterations": 5} | kwargs))
    for W, W0 in zip(net.weights, before, strict=True):  # raised before any work
        np.testing.assert_array_equal(W, W0)


# --- issue 14, s6 finding 3: never an inf or nan returned silently -------------------------

_X5 = np.random.default_rng(1).standard_normal((2, 5))
_Y5 = np.random.default_rng(2).standard_normal((1, 5))


def test_issue_14_s6_a_cost_that_overflows_is_a_value_error_naming_y():
    """Network([2, 3, 1]).cost(x, y * 1e200) returned inf; train's history was [inf]."""
    net = Network([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match=r"`y` is too large: the mean squared cost overflows"):
        net.cost(_X5, _Y5 * 1e200)
    with pytest.raises(ValueError, match=r"`y` is too large: the mean squared cost overflows"):
        net.train(_X5, _Y5 * 1e200, lr=0.1, iterations=3)
    # the gradients (about 1e198) are finite: they are returned, and right
    dW, db = net.gradients(_X5, _Y5 * 1e200)
    dW1, db1 = net.gradients(_X5, _Y5 * 1e100)
    for big, small in zip(dW + db, dW1 + db1, strict=True):
        np.testing.assert_allclose(big, small * 1e100, rtol=1e-12)


def test_a_cost_whose_sum_overflows_but_whose_mean_does_not_is_returned():
    """||a - y||^2 = 5e308 overflows, but / N = 1e308 is a float: it is the cost."""
    net = Network([2, 3, 1], rng=0)
    y = np.full((1, 5), 1e154)
    a = net.forward(_X5)
    assert net.cost(_X5, y) == pytest.approx(float(np.sum((a - 1e154) ** 2 / 5)), rel=1e-14)
    assert net.cost(_X5, y) == pytest.approx(1e308, rel=1e-14)


def test_gradients_that_overflow_are_a_value_error_naming_y():
    """With tanh (slope 1 at 0) and one sample, dC/da = 2 (a - y) is -3.4e308: it warned
    "overflow encountered in multiply" and returned infinite gradients."""
    net = Network([2, 3, 1], activation="tanh", rng=0)
    with pytest.raises(ValueError, match=r"`y` is too large: a gradient of the cost overflows"):
        net.gradients(np.zeros((2, 1)), np.full((1, 1), 1.7e308))


@pytest.mark.parametrize("method", ["forward", "layers", "cost", "gradients", "train"])
def test_an_input_whose_weighted_sums_overflow_is_a_value_error_naming_x(method):
    """x = ±1.7e308 made W @ x warn "overflow encountered in matmul" and could give nan
    (inf - inf); now a ValueError naming `x` in every public method."""
    x = np.array([[1.7e308] * 3, [-1.7e308] * 3])
    net = Network([2, 50, 1], rng=0)
    call = {
        "forward": lambda: net.forward(x),
        "layers": lambda: net.layers(x),
        "cost": lambda: net.cost(x, np.zeros((1, 3))),
        "gradients": lambda: net.gradients(x, np.zeros((1, 3))),
        "train": lambda: net.train(x, np.zeros((1, 3)), lr=1.0, iterations=2),
    }[method]
    with pytest.raises(ValueError, match=r"`x` is too large for this network: the weighted sums"):
        call()


def test_weights_that_training_overflowed_are_named_not_used():
    """After a training that overflowed, forward gave nan silently."""
    net = Network([2, 3, 1], rng=0)
    history = net.train(_X5, _Y5, lr=1.7e308, iterations=20, noise=1.0)
    assert not np.isfinite(history[-1])
    for call in (lambda: net.forward(_X5), lambda: net.gradients(_X5, _Y5)):
        with pytest.raises(ValueError, match="weights and biases must be finite"):
            call()
