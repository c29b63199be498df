r"""The course's data sets, built or stored here so every chapter and lab uses the same numbers.

Each function returns plain float64 numpy arrays, shaped the way the chapter that
uses them expects: a network's samples are columns (chapter 3), a fit's data are
1-D arrays (chapter 6).
"""

from __future__ import annotations

import numpy as np

from mvc._validation import as_int

__all__ = ["heart"]


def heart(n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    r"""The curve the network of chapter 3's lab learns to draw: a heart.

    Parameters
    ----------
    n : int, optional
        Number of samples, evenly spaced in $[0, 1)$.

    Returns
    -------
    t : numpy.ndarray
        The inputs $t = 0, 1/n, \dots, (n-1)/n$ as a row, shape ``(1, n)``.
    y : numpy.ndarray
        The targets, the heart's two coordinates as rows, shape ``(2, n)``, all in
        $[0, 1]$, so that the logistic output layer can reach them.

    Raises
    ------
    TypeError
        If `n` is not an integer.
    ValueError
        If `n` is below 1.

    Notes
    -----
    The heart is the closed curve

    $$y(t) = \frac12 \left( \frac{1}{20}
    \begin{bmatrix} 16 \sin^3(2\pi t) \\
    13 \cos(2\pi t) - 5 \cos(4\pi t) - 2 \cos(6\pi t) - \cos(8\pi t) \end{bmatrix}
    + 1 \right),$$

    scaled and shifted from the classic heart curve into the unit square, as in the
    course's lab. The inputs equal the lab's ``np.arange(0, 1, 1/n)`` to the last bit,
    but there are always exactly `n` of them (``arange`` gives 50 points for
    ``n = 49``, by rounding).

    Examples
    --------
    >>> from mvc.datasets import heart
    >>> t, y = heart()
    >>> t.shape, y.shape
    ((1, 100), (2, 100))
    >>> y[:, 0].round(3)
    array([0.5  , 0.625])
    """
    n = as_int(n, "n", minimum=1)
    t = np.arange(n) * (1 / n)  # the course's arange(0, 1, 1/n), but always n points
    angle = 2 * np.pi * t
    y = np.array([
        16 * np.sin(angle) ** 3,
        13 * np.cos(angle) - 5 * np.cos(2 * angle) - 2 * np.cos(3 * angle) - np.cos(4 * angle),
    ]) / 20
    return t.reshape(1, n), (y + 1) / 2
