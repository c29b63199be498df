r"""Gradient checks: an analytic gradient against central finite differences.

Backpropagation is easy to get almost right. The habit that catches the rest is to
compare the gradient it computes with one that needs no derivation at all: nudge each
input in turn and watch the function change,

$$\frac{\partial f}{\partial x_i} \approx \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2 h_i}.$$

The two agree to about $10^{-10}$ of the gradient's size when the analytic gradient
is right; a mistake in a derivation shows up as an error orders of magnitude larger.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from mvc._validation import as_callable, as_point, as_step, check_values
from mvc.derivatives import gradient

if TYPE_CHECKING:  # mvc.nn is only needed for the annotation
    from mvc.nn import Network

__all__ = ["check_gradient", "check_network"]


def check_gradient(f: Callable, grad: Callable, x: ArrayLike, *, h: float | None = None) -> float:
    r"""How far an analytic gradient is from central differences, relative to its size.

    Parameters
    ----------
    f : callable
        A scalar function of a point, ``f(x) -> float`` with `x` of shape ``(n,)``; a
        Python number when `x` is a number, as in `mvc.gradient`.
    grad : callable
        Its claimed gradient, ``grad(x) -> array`` of shape ``(n,)``, called with `x`
        as `f` is; for a number `x`, it may return a number (the derivative).
    x : float or array_like
        Where to compare: a point of shape ``(n,)``, or a number (a function of one
        variable, $n = 1$).
    h : float, optional
        Absolute step for every coordinate. By default $h_i = \epsilon^{1/3}
        \max(1, |x_i|)$, the central step of `mvc.gradient`, which computes $d$.

    Returns
    -------
    float
        The largest difference between the two gradients, relative to the largest
        component of either: $\lVert g - d \rVert_\infty / \max(\lVert g \rVert_\infty,
        \lVert d \rVert_\infty)$, with $g$ the analytic gradient and $d$ the central
        differences (0 if both are 0).

    Raises
    ------
    TypeError
        If `f` or `grad` is not callable, `x` is not real numbers, or `h` is not a number.
    ValueError
        If `x` is empty, not finite or not 1-D, `h` is not positive, or `f` does not
        return one finite number or `grad` not a finite array of shape ``(n,)``.

    Notes
    -----
    Accuracy of the check: a right gradient gives about $10^{-10}$, a wrong one
    $10^{-6}$ or more (central differences at one step per axis, as `mvc.gradient`).

    The central difference has truncation error $\frac{h^2}{6} f'''$ and round-off
    about $\epsilon |f| / h$; at the default step both are near $\epsilon^{2/3}
    \approx 4 \times 10^{-11}$ times the scale of $f$. A correct gradient therefore
    gives an error near $10^{-10}$; an error above $10^{-6}$ means a mistake.

    The error is measured against the gradient's largest component rather than
    component by component: a component that is itself as small as the round-off
    would otherwise show a large relative error however right it is. A mistake still
    shows unless it is smaller than $10^{-6}$ of the whole gradient. Cost: $2n$
    evaluations of `f`, one of `grad`.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc.gradcheck import check_gradient
    >>> f = lambda x: x[0] ** 2 * np.sin(x[1])
    >>> right = lambda x: np.array([2 * x[0] * np.sin(x[1]), x[0] ** 2 * np.cos(x[1])])
    >>> wrong = lambda x: np.array([2 * x[0] * np.sin(x[1]), x[0] ** 2 * np.sin(x[1])])
    >>> bool(check_gradient(f, right, [1.0, 2.0]) < 1e-9)
    True
    >>> round(check_gradient(f, wrong, [1.0, 2.0]), 2)
    0.73
    """
    f, grad = as_callable(f, "f"), as_callable(grad, "grad")
    point, h = as_point(x, "x"), as_step(h, "h")
    scalar = np.ndim(x) == 0  # then f and grad get a number, not an array of one
    value = grad(point.item() if scalar else point.copy())
    shape = () if scalar and np.shape(value) == () else point.shape
    analytic = check_values(value, shape, "`grad` at `x`").reshape(point.shape)
    numeric = gradient(f, point.item() if scalar else point, h=h)  # central, axis by axis
    scale = max(np.abs(analytic).max(), np.abs(numeric).max())
    return float(np.abs(analytic - numeric).max() / scale) if scale > 0 else 0.0


def check_network(net: Network, x: ArrayLike, y: ArrayLike, *, h: float | None = None) -> float:
    r"""Check a network's backpropagation against central differences of its cost.

    Accuracy of the check: as `check_gradient`, about $10^{-10}$ for a right
    backpropagation, $10^{-6}$ or more for a wrong one.

    Parameters
    ----------
    net : mvc.nn.Network
        The network; it is not changed.
    x : array_like
        Inputs as columns, shape ``(net.sizes[0], N)``.
    y : array_like
        Targets as columns, shape ``(net.sizes[-1], N)``.
    h : float, optional
        Absolute step, as in `check_gradient`.

    Returns
    -------
    float
        The worst relative error of ``net.gradients(x, y)`` over all weights and
        biases, as `check_gradient` measures it.

    Raises
    ------
    TypeError
        If `net` is not a `Network`, or `x` or `y` is not real numbers.
    ValueError
        If `x` or `y` has the wrong shape, is empty or not finite.

    Notes
    -----
    All weights and biases are laid end to end in one vector $\theta$ (each matrix row
    by row, $W^{(1)}, \dots, W^{(L)}$, then $b^{(1)}, \dots, b^{(L)}$), so the cost is a
    scalar function $C(\theta)$ and its gradient is backpropagation's ``dW`` and ``db``
    laid end to end the same way. Cost: $2P$ forward passes for $P$ parameters.

    Examples
    --------
    >>> from mvc.gradcheck import check_network
    >>> from mvc.nn import Network
    >>> net = Network([2, 3, 1], activation="tanh", rng=0)
    >>> bool(check_network(net, [[0.1, 0.5, 0.9], [1.0, 0.0, -1.0]], [[0.2, 0.4, 0.8]]) < 1e-7)
    True
    """
    from mvc.nn import Network

    if not isinstance(net, Network):
        raise TypeError(f"`net` must be an mvc.nn.Network, got {type(net).__name__}.")
    x, y = net._data(x, y)
    theta = np.concatenate([p.ravel() for p in net.weights + net.biases])

    def cost(theta: np.ndarray) -> float:
        return _with(net, theta).cost(x, y)

    def grad(theta: np.ndarray) -> np.ndarray:
        dW, db = _with(net, theta).gradients(x, y)
        return np.concatenate([g.ravel() for g in dW + db])

    return check_gradient(cost, grad, theta, h=h)


def _with(net: Network, theta: np.ndarray) -> Network:
    """A copy of `net` whose weights and biases are read from the vector `theta`."""
    net = copy.copy(net)  # shares everything but the two lists set below
    shapes = [p.shape for p in net.weights + net.biases]
    ends = np.cumsum([np.prod(shape) for shape in shapes])
    params = [theta[end - np.prod(s) : end].reshape(s) for s, end in zip(shapes, ends, strict=True)]
    net.weights, net.biases = params[: len(net.weights)], params[len(net.weights) :]
    return net
