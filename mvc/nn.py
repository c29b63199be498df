r"""Neural networks as the chain rule teaches them (chapter 3).

A network of $L$ layers maps its input $a^{(0)} = x$ through

$$z^{(n)} = W^{(n)} a^{(n-1)} + b^{(n)}, \qquad a^{(n)} = \sigma(z^{(n)}), \qquad n = 1, \dots, L,$$

with $W^{(n)}$ of shape $(n_n, n_{n-1})$ and $b^{(n)}$ of shape $(n_n, 1)$. As in the
course, samples are columns: $N$ inputs are one array of shape $(n_0, N)$, and every
layer treats all $N$ at once. Training lowers the mean squared cost
$C = \lVert a^{(L)} - y \rVert^2 / N$ by steepest descent, with the gradients from
backpropagation: the multivariate chain rule, applied from the output back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mvc._validation import as_choice, as_int, as_layer_sizes, as_matrix, as_positive_real, as_rng

__all__ = ["ACTIVATIONS", "Network", "sigmoid"]


def sigmoid(z: np.ndarray | float) -> np.ndarray | float:
    r"""The logistic function $\sigma(z) = 1 / (1 + e^{-z})$, element-wise.

    Parameters
    ----------
    z : float or numpy.ndarray
        Where to evaluate it.

    Returns
    -------
    float or numpy.ndarray
        $\sigma(z)$, between 0 and 1, of the shape of `z`.

    Notes
    -----
    It is computed as $\sigma(z) = \tfrac12 + \tfrac12 \tanh(z/2)$, the same function
    written so that no exponential can overflow: ``1 / (1 + np.exp(-z))`` warns for
    $z < -709$. The absolute error stays below $10^{-16}$; the relative error grows
    where $\sigma(z)$ is tiny ($z \lesssim -10$), which the cost, a sum of squared
    differences, cannot notice.
    Its derivative is $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$, which the course
    writes $\cosh(z/2)^{-2}/4$.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc.nn import sigmoid
    >>> sigmoid(np.array([-1000.0, 0.0, 2.0])).round(4)
    array([0.    , 0.5   , 0.8808])
    """
    return 0.5 + 0.5 * np.tanh(0.5 * z)


#: Each activation $\sigma$ beside its derivative $\sigma'(z)$, written with the
#: activation $a = \sigma(z)$ that the forward pass has already computed.
ACTIVATIONS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "sigmoid": (sigmoid, lambda a: a * (1 - a)),  # σ' = σ(1 − σ) = cosh(z/2)⁻²/4
    "tanh": (np.tanh, lambda a: 1 - a * a),  # tanh' = 1 − tanh² = cosh(z)⁻²
}


class Network:
    r"""A fully connected feed-forward network, with samples as columns.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first: ``[1, 6, 7, 2]`` is the course's network with
        1 input, hidden layers of 6 and 7, and 2 outputs.
    activation : {"sigmoid", "tanh"}
        The activation $\sigma$ of every layer: the logistic function or tanh.
    rng : numpy.random.Generator or int, optional
        Where the starting weights come from; an int is a seed, None a fresh generator.
        Training draws its noise from it too, unless given another.

    Attributes
    ----------
    sizes : tuple of int
        Neurons per layer, input first.
    activation : str
        The activation's name.
    weights : list of numpy.ndarray
        ``weights[n - 1]`` is $W^{(n)}$, of shape ``(sizes[n], sizes[n - 1])``.
    biases : list of numpy.ndarray
        ``biases[n - 1]`` is $b^{(n)}$, of shape ``(sizes[n], 1)``.
    rng : numpy.random.Generator
        The generator the network was built from.

    Raises
    ------
    TypeError
        If `sizes` is not a sequence of integers, `activation` not a string, or
        `rng` not a generator, an integer or None.
    ValueError
        If `sizes` has fewer than 2 layers or a size below 1, `activation` is
        unknown, or the seed is negative.

    Notes
    -----
    Weights and biases start as independent draws of $\mathcal{N}(0, 1)/2$, the
    course's ``randn/2``, in the course's order: $W^{(1)}, \dots, W^{(L)}$, then
    $b^{(1)}, \dots, b^{(L)}$.

    Examples
    --------
    >>> from mvc.nn import Network
    >>> net = Network([1, 6, 7, 2], rng=0)
    >>> [W.shape for W in net.weights], [b.shape for b in net.biases]
    ([(6, 1), (7, 6), (2, 7)], [(6, 1), (7, 1), (2, 1)])
    >>> net.forward([[0.0, 0.5, 1.0]]).shape
    (2, 3)
    """

    def __init__(
        self,
        sizes: Sequence[int],
        *,
        activation: str = "sigmoid",
        rng: int | np.random.Generator | None = None,
    ) -> None:
        self.sizes = as_layer_sizes(sizes, "sizes")
        self.activation = as_choice(activation, "activation", ACTIVATIONS)
        self.rng = as_rng(rng, "rng")
        self._sigma, self._dsigma = ACTIVATIONS[self.activation]
        shapes = list(zip(self.sizes[1:], self.sizes[:-1], strict=True))
        self.weights = [self.rng.standard_normal(shape) / 2 for shape in shapes]
        self.biases = [self.rng.standard_normal((rows, 1)) / 2 for rows, _ in shapes]

    def __repr__(self) -> str:
        return f"Network({list(self.sizes)}, activation={self.activation!r})"

    # --- the forward pass ------------------------------------------------------------

    def forward(self, x: ArrayLike) -> np.ndarray:
        r"""The network's output $a^{(L)}$ for the inputs `x`.

        Parameters
        ----------
        x : array_like
            Inputs as columns, shape ``(sizes[0], N)``.

        Returns
        -------
        numpy.ndarray
            $a^{(L)}$, shape ``(sizes[-1], N)``.

        Raises
        ------
        TypeError
            If `x` is not real numbers.
        ValueError
            If `x` has the wrong shape, is empty or not finite, or so large that a weighted
            sum z overflows; if a weight is inf or nan (a training that overflowed).

        Notes
        -----
        Layer by layer, $a^{(n)} = \sigma(W^{(n)} a^{(n-1)} + b^{(n)})$: one matrix
        product per layer for all $N$ samples.

        Examples
        --------
        >>> from mvc.nn import Network
        >>> net = Network([2, 3, 1], rng=0)
        >>> net.forward([[0.0, 1.0], [1.0, 0.0]]).round(3)
        array([[0.282, 0.301]])
        """
        return self._checked_layers(self._inputs(x))[1][-1]

    def layers(self, x: ArrayLike) -> tuple[list[np.ndarray], list[np.ndarray]]:
        r"""Every weighted sum $z^{(n)}$ and activation $a^{(n)}$ of the forward pass.

        Parameters
        ----------
        x : array_like
            Inputs as columns, shape ``(sizes[0], N)``.

        Returns
        -------
        z : list of numpy.ndarray
            ``z[n - 1]`` is $z^{(n)} = W^{(n)} a^{(n-1)} + b^{(n)}$, for $n = 1, \dots, L$
            (indexed like `weights`).
        a : list of numpy.ndarray
            ``a[n]`` is $a^{(n)} = \sigma(z^{(n)})$ for $n = 0, \dots, L$: ``a[0]`` is
            the input and ``a[-1]`` the output.

        Raises
        ------
        TypeError
            If `x` is not real numbers.
        ValueError
            As `forward`.

        Notes
        -----
        These are what backpropagation reuses: $\sigma'(z^{(n)})$ and $a^{(n-1)}$ are
        the factors $\partial a/\partial z$ and $\partial z/\partial W$ of the chain rule.

        Examples
        --------
        >>> from mvc.nn import Network
        >>> z, a = Network([1, 6, 7, 2], rng=0).layers([[0.25, 0.75]])
        >>> [zn.shape for zn in z], len(a)
        ([(6, 2), (7, 2), (2, 2)], 4)
        """
        return self._checked_layers(self._inputs(x))

    def _layers(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """`layers` without the input check: z⁽¹⁾ … z⁽ᴸ⁾ and a⁽⁰⁾ … a⁽ᴸ⁾ (an overflow: inf)."""
        z, a = [], [x]
        with np.errstate(over="ignore", invalid="ignore"):  # see `_checked_layers`
            for W, b in zip(self.weights, self.biases, strict=True):
                z.append(W @ a[-1] + b)  # z⁽ⁿ⁾ = W⁽ⁿ⁾ a⁽ⁿ⁻¹⁾ + b⁽ⁿ⁾
                a.append(self._sigma(z[-1]))  # a⁽ⁿ⁾ = σ(z⁽ⁿ⁾)
        return z, a

    def _checked_layers(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """`_layers`, with a `ValueError` where a weighted sum z is not finite."""
        z, a = self._layers(x)
        bad = [n for n, zn in enumerate(z) if not np.all(np.isfinite(zn))]
        if bad:
            raise ValueError(self._overflow(x, bad[0]))
        return z, a

    def _overflow(self, x: np.ndarray, n: int) -> str:
        """Why z of layer n + 1 overflowed: weights not finite, `x` or the weights too large."""
        params = self.weights + self.biases
        if not all(np.all(np.isfinite(p)) for p in params):
            return (
                "The network's weights and biases must be finite, but some are inf or nan "
                "(training with too large an `lr` overflows them): build a new Network."
            )
        big = f"overflow the largest float, about {np.finfo(np.float64).max:.1e}"
        if n == 0:
            return (
                f"`x` is too large for this network: the weighted sums z = W a + b of layer 1 "
                f"{big} (|x| reaches {np.max(np.abs(x)):.1e}); rescale `x`."
            )
        return (  # the activations before are at most 1 in size: the weights are to blame
            f"The weights of layer {n + 1} are too large: its weighted sums z = W a + b {big}."
        )

    # --- the cost and its gradients --------------------------------------------------

    def cost(self, x: ArrayLike, y: ArrayLike) -> float:
        r"""The mean squared cost $C = \lVert a^{(L)} - y \rVert^2 / N$.

        Parameters
        ----------
        x : array_like
            Inputs as columns, shape ``(sizes[0], N)``.
        y : array_like
            Targets as columns, shape ``(sizes[-1], N)``.

        Returns
        -------
        float
            The sum of squared errors over all outputs and samples, divided by the
            number of samples $N$.

        Raises
        ------
        TypeError
            If `x` or `y` is not real numbers.
        ValueError
            As `forward`, or if `y` has the wrong shape, is empty or not finite, or so
            large that the cost overflows (1.8e308): never an inf returned.

        Notes
        -----
        $C = \frac1N \sum_{k=1}^{N} \lVert a^{(L)}_k - y_k \rVert^2$: the course's cost
        of one sample, $\sum_i (a_i - y_i)^2$, averaged over the $N$ samples (the
        columns). The course's lab divides by ``x.size``, the same for its one input.

        Examples
        --------
        >>> from mvc.nn import Network
        >>> net = Network([1, 2, 1], rng=0)
        >>> round(net.cost([[0.0, 1.0]], [[0.0, 1.0]]), 4)
        0.2874
        """
        x, y = self._data(x, y)
        return _finite_cost(_mean_square(self._checked_layers(x)[1][-1] - y), y)

    def _cost(self, x: np.ndarray, y: np.ndarray) -> float:
        """`cost` without the checks: inf where it overflows."""
        return _mean_square(self._layers(x)[1][-1] - y)

    def gradients(self, x: ArrayLike, y: ArrayLike) -> tuple[list[np.ndarray], list[np.ndarray]]:
        r"""The gradients of the cost with respect to every weight and bias: backpropagation.

        Parameters
        ----------
        x : array_like
            Inputs as columns, shape ``(sizes[0], N)``.
        y : array_like
            Targets as columns, shape ``(sizes[-1], N)``.

        Returns
        -------
        dW : list of numpy.ndarray
            ``dW[n - 1]`` is $\partial C / \partial W^{(n)}$, shaped like ``weights[n - 1]``.
        db : list of numpy.ndarray
            ``db[n - 1]`` is $\partial C / \partial b^{(n)}$, shaped like ``biases[n - 1]``.

        Raises
        ------
        TypeError
            If `x` or `y` is not real numbers.
        ValueError
            As `forward`, or if `y` has the wrong shape, is empty or not finite, or so
            large that a gradient overflows (a cost that overflows with finite gradients
            is no error here).

        Notes
        -----
        For the last layer the chain rule reads

        $$\frac{\partial C}{\partial W^{(L)}} = \frac{\partial C}{\partial a^{(L)}}
        \frac{\partial a^{(L)}}{\partial z^{(L)}} \frac{\partial z^{(L)}}{\partial W^{(L)}},
        \qquad \frac{\partial C}{\partial a^{(L)}} = \frac{2}{N}(a^{(L)} - y), \quad
        \frac{\partial a^{(L)}}{\partial z^{(L)}} = \sigma'(z^{(L)}), \quad
        \frac{\partial z^{(L)}}{\partial W^{(L)}} = a^{(L-1)},$$

        and the same with $\partial z/\partial b = 1$ for the biases. Each layer further
        back adds one factor $\partial a^{(n)}/\partial a^{(n-1)} = \sigma'(z^{(n)}) W^{(n)}$.
        Working from the output back, the product so far is kept and extended by one
        factor per layer, so all gradients cost about two forward passes. The sum over
        samples is the matrix product with $a^{(n-1)\top}$.

        Examples
        --------
        >>> from mvc.nn import Network
        >>> net = Network([1, 2, 1], rng=0)
        >>> dW, db = net.gradients([[0.0, 1.0]], [[0.0, 1.0]])
        >>> [g.shape for g in dW], db[-1].round(4)
        ([(2, 1), (1, 2)], array([[0.0827]]))
        """
        x, y = self._data(x, y)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is the error below
            dW, db, _ = self._backprop(x, y, checked=True)
        if not all(np.all(np.isfinite(g)) for g in dW + db):
            raise ValueError(_too_large(y, "a gradient of the cost"))
        return dW, db

    # --8<-- [start:backprop]
    def _backprop(
        self, x: np.ndarray, y: np.ndarray, checked: bool = False
    ) -> tuple[list, list, float]:
        """(dW, db, C): the gradients and the cost (inf where it overflows);
        `checked`: a weighted sum z that overflows is a `ValueError`."""
        layers = self._checked_layers if checked else self._layers
        _, a = layers(x)  # a[n] is a⁽ⁿ⁾, and a[0] is x
        L, N = len(self.weights), x.shape[1]
        error = a[L] - y
        J = error * (2 / N)  # ∂C/∂a⁽ᴸ⁾ = 2(a⁽ᴸ⁾ − y)/N
        dW, db = [None] * L, [None] * L
        for n in range(L, 0, -1):  # from the output back; here J = ∂C/∂a⁽ⁿ⁾
            # δ⁽ⁿ⁾ = ∂C/∂z⁽ⁿ⁾ = diag(σ'(z⁽ⁿ⁾)) ∂C/∂a⁽ⁿ⁾, a column per sample
            J = J * self._dsigma(a[n])
            # ∂C/∂W⁽ⁿ⁾ = δ⁽ⁿ⁾ a⁽ⁿ⁻¹⁾ᵀ, summed over the samples
            dW[n - 1] = J @ a[n - 1].T
            db[n - 1] = J.sum(axis=1, keepdims=True)  # ∂C/∂b⁽ⁿ⁾ = δ⁽ⁿ⁾
            if n > 1:  # ∂C/∂a⁽ⁿ⁻¹⁾ = W⁽ⁿ⁾ᵀ δ⁽ⁿ⁾: one layer back
                J = self.weights[n - 1].T @ J
        return dW, db, _mean_square(error)
        # --8<-- [end:backprop]

    # --- training --------------------------------------------------------------------

    def train(
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        lr: float,
        iterations: int,
        noise: float = 0.0,
        rng: int | np.random.Generator | None = None,
    ) -> np.ndarray:
        r"""Train in place by steepest descent, $W \leftarrow W - \mathrm{lr}\,\nabla_W C$.

        Parameters
        ----------
        x : array_like
            Inputs as columns, shape ``(sizes[0], N)``.
        y : array_like
            Targets as columns, shape ``(sizes[-1], N)``.
        lr : float
            The step size: the course's "aggression".
        iterations : int
            How many steps to take.
        noise : float, optional
            How much random noise to put on each step (see Notes); 0 for plain
            steepest descent.
        rng : numpy.random.Generator or int, optional
            Where the noise comes from; None means the network's own `rng`.

        Returns
        -------
        numpy.ndarray
            The cost history, float64 of length ``iterations + 1``: entry $k$ is the
            cost after $k$ steps, so entry 0 is the starting cost.

        Raises
        ------
        TypeError
            If `x` or `y` is not real numbers, `lr` or `noise` is not a number,
            `iterations` is not an integer, or `rng` is not a generator, an int or None.
        ValueError
            As `cost`, for the starting cost; if `lr` is not
            positive and finite, `iterations` is below 1, or `noise` is negative.

        Notes
        -----
        Every step computes all the gradients first (`gradients`), then moves every
        $W^{(n)}$ and $b^{(n)}$ against its own. With noise, each of these $2L$
        Jacobians is multiplied by its own random factor $1 + \mathrm{noise}\cdot\xi$,
        $\xi \sim \mathcal{N}(0, 1)$, drawn afresh each step, exactly as in the course's
        lab: the direction within one matrix is exact, but the step lengths jitter (and
        can reverse), which can shake the descent out of flat regions. The costs come
        from the forward passes the steps need anyway, plus one at the end. If an
        absurd `lr` makes the weights overflow, training stops there and the history
        ends with the first non-finite cost.

        Examples
        --------
        >>> from mvc.datasets import heart
        >>> from mvc.nn import Network
        >>> x, y = heart()
        >>> net = Network([1, 6, 7, 2], rng=1)
        >>> history = net.train(x, y, lr=7.0, iterations=300, noise=1.0)
        >>> len(history), bool(history[-1] < history[0] / 2)
        (301, True)
        """
        x, y = self._data(x, y)
        lr = as_positive_real(lr, "lr")
        iterations = as_int(iterations, "iterations", minimum=1)
        noise = as_positive_real(noise, "noise", allow_zero=True)
        rng = self.rng if rng is None else as_rng(rng, "rng")
        with np.errstate(all="ignore"):  # an overflow ends the history, not in a warning
            return self._descend(x, y, lr, iterations, noise, rng)

    def _descend(
        self,
        x: np.ndarray,
        y: np.ndarray,
        lr: float,
        iterations: int,
        noise: float,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """The training loop of `train`, on checked input: no checks or copies per step."""
        params = self.weights + self.biases  # the arrays themselves, updated in place
        history = np.empty(iterations + 1)
        steps = [lr] * len(params)
        for k in range(iterations):  # the start is checked: an inf there is the data's
            dW, db, history[k] = self._backprop(x, y, checked=k == 0)
            if k == 0:
                _finite_cost(history[0], y)
            if not math.isfinite(history[k]):
                return history[: k + 1]
            if noise:  # the lab's J · (1 + noise · randn) on each Jacobian
                steps = (lr * (1 + noise * rng.standard_normal(len(params)))).tolist()
            for p, grad, step in zip(params, dW + db, steps, strict=True):
                p -= step * grad  # W ← W − lr ∂C/∂W, b ← b − lr ∂C/∂b
        history[-1] = self._cost(x, y)
        return history

    # --- input checks ----------------------------------------------------------------

    def _inputs(self, x: ArrayLike) -> np.ndarray:
        """`x` checked: shape (n₀, N), finite."""
        n = self.sizes[0]
        return as_matrix(x, "x", (n, None), f"for a network with {_count(n, 'input')}")

    def _data(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """`x` and `y` checked: shapes (n₀, N) and (n_L, N), finite."""
        x = self._inputs(x)
        n, N = self.sizes[-1], x.shape[1]
        why = f"for a network with {_count(n, 'output')} and the {_count(N, 'sample')} of `x`"
        return x, as_matrix(y, "y", (n, N), why)


def _mean_square(error: np.ndarray) -> float:
    """The cost ||error||² / N: finite wherever it is a float, though ||error||² may not be."""
    with np.errstate(over="ignore"):
        C = float(np.vdot(error, error)) / error.shape[1]
        if math.isinf(C):  # the sum overflowed: scale by the largest error first
            s = float(np.max(np.abs(error)))
            C = s * (s * (float(np.vdot(error / s, error / s)) / error.shape[1]))
    return C


def _finite_cost(C: float, y: np.ndarray) -> float:
    """The cost C, or `ValueError` naming `y` where it overflowed."""
    if not math.isfinite(C):
        raise ValueError(_too_large(y, "the mean squared cost"))
    return C


def _too_large(y: np.ndarray, what: str) -> str:
    """The outputs are at most 1 in size: where the cost overflows, `y` is too large."""
    return (
        f"`y` is too large: {what} overflows the largest float, about "
        f"{np.finfo(np.float64).max:.1e} (|y| reaches {np.max(np.abs(y)):.1e}, the network's "
        "outputs are at most 1 in size); rescale `y`."
    )


def _count(n: int, noun: str) -> str:
    """'1 input', '2 inputs'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
