r"""Gradient checks: an analytic gradient against central finite differences.

Backpropagation is easy to get almost right. The habit that catches the rest is to
compare the gradient it computes with one that needs no derivation at all: nudge each
input in turn and watch the function change,

$$\frac{\partial f}{\partial x_i} \approx \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2 h_i}.$$

The two agree to about $10^{-10}$ of the gradient's size when the analytic gradient
is right; a mistake in a derivation shows up as an error orders of magnitude larger.
The step along each axis is searched for, as `mvc.derivative` does, so the check holds
at every magnitude of $x$ and $f$; where $f$'s rounding leaves the differences too
inexact to tell a right gradient from a slightly wrong one, the check says so.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from mvc._validation import (
    as_callable,
    as_point,
    as_returned_array,
    as_step,
    check_values,
    check_vector_values,
)
from mvc.derivatives import _searched, gradient

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
        Absolute step for every coordinate: one central difference per axis at this
        step, as ``mvc.gradient(f, x, h=h)``, with no estimate of its error. By default
        the step along axis $i$ is searched for, as `mvc.derivative` does (see Notes).

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
        return one finite number or `grad` not a finite array of shape ``(n,)``. By
        default, also if the check cannot be made: the differences' estimated error is
        over $10^{-6}$ of the gradient's size and the two gradients differ by less than
        10 times it, so a right gradient and a slightly wrong one look alike (``1e20 + x``,
        whose slope 1 is hidden below the rounding of $10^{20}$).

    Notes
    -----
    Accuracy of the check: a right gradient gives about $10^{-10}$, a wrong one
    $10^{-6}$ or more, at every magnitude of $x$ and $f$; it never returns more than
    $10^{-6}$ for a right gradient unless that is 10 times the differences' own
    estimated error.

    Each partial derivative $d_i$ is that of `mvc.derivative` along axis $i$, the other
    coordinates held: central differences at steps from $|x_i|/8$ ($1/8$ at 0) down by
    4, extrapolated, or grown where $f$ barely changes, until two estimates agree to
    $f$'s rounding, with an estimate of the error. One fixed step cannot serve every
    point: $\epsilon^{1/3}\max(1, |x|)$ spans the pole of $1/x$ at $10^{-6}$ (the check
    called $-1/x^2$ 100% wrong there), whole periods of $\sin x$ at $10^{8}$, and drowns
    the slope of $x^\top x + 10^{10}$ in the rounding of $10^{10}$. Where the search
    cannot find $d_i$ to that accuracy (a large constant plus a small part, $f$ far out
    in a flat tail), its error estimate says so, and the check refuses rather than call
    a right gradient wrong.

    The error is measured against the gradient's largest component rather than
    component by component: a component that is itself as small as the round-off
    would otherwise show a large relative error however right it is. A mistake still
    shows unless it is smaller than $10^{-6}$ of the whole gradient. Cost: typically
    8 to 18 evaluations of `f` per coordinate (at most 82, more where the check of
    `mvc.derivative`'s search runs it again) and one at `x`, one of
    `grad`; with `h`, $2n$ of `f`.

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
    if h is not None:  # one central difference per axis, at the step given
        numeric = gradient(f, point.item() if scalar else point, h=h)
        error = np.zeros(point.size)
    else:  # the step searched for along each axis, as `mvc.derivative` does
        with np.errstate(all="ignore"):  # a non-finite f(x) is the ValueError below
            check_vector_values(
                as_returned_array(_call_f(f, point, scalar), "`f` near `x`"), (), "`f` near `x`"
            )
        numeric, error = np.array([_partial(f, point, i, scalar) for i in range(point.size)]).T
    scale = max(np.abs(analytic).max(), np.abs(numeric).max())
    if scale == 0:
        return 0.0
    return _verdict(np.abs(analytic - numeric).max() / scale, error.max() / scale)


#: The differences must be known to this part of the gradient's size to call it right.
RESOLVE = 1e-6


def _verdict(difference: float, resolution: float) -> float:
    """The relative difference, if the differences resolve it: a right gradient can differ
    from them by their error, so a small difference with a large error says nothing."""
    if resolution > RESOLVE and difference <= 10 * resolution:
        raise ValueError(
            "check_gradient cannot check this gradient at `x`: f's rounding leaves its "
            f"differences an estimated error of {resolution:.1g} of the gradient's size, and "
            f"the two gradients differ by {difference:.1g} of it, so a right gradient and a "
            "slightly wrong one look alike (a large constant in f, or f far out in a flat "
            "tail: check at another point, or f without the constant)."
        )
    return float(difference)


def _call_f(f: Callable, point: np.ndarray, scalar: bool) -> object:
    return f(point.item() if scalar else point.copy())


def _partial(f: Callable, point: np.ndarray, i: int, scalar: bool) -> tuple[float, float]:
    """df/dx_i at `point` and its estimated error, by the search of `mvc.derivative`."""

    def along(t: float) -> object:
        moved = point.copy()
        moved[i] = t
        return _call_f(f, moved, scalar)

    return _searched(along, float(point[i]))


def check_network(net: Network, x: ArrayLike, y: ArrayLike, *, h: float | None = None) -> float:
    r"""Check a network's backpropagation against central differences of its cost.

    Accuracy of the check: as `check_gradient`, about $10^{-10}$ for a right
    backpropagation, $10^{-6}$ or more for a wrong one, or a `ValueError` where the
    cost's rounding hides the difference (targets of $10^8$: $(a - y)^2$ keeps few of
    $a$'s digits).

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
        If `x` or `y` has the wrong shape, is empty or not finite, or, as in
        `check_gradient`, the check cannot be made.

    Notes
    -----
    All weights and biases are laid end to end in one vector $\theta$ (each matrix row
    by row, $W^{(1)}, \dots, W^{(L)}$, then $b^{(1)}, \dots, b^{(L)}$), so the cost is a
    scalar function $C(\theta)$ and its gradient is backpropagation's ``dW`` and ``db``
    laid end to end the same way. Cost: typically 8 to 18 forward passes per parameter
    ($2P$ for $P$ parameters with `h`).

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
