r"""The course's data sets, built or stored here so every chapter and lab uses the same numbers.

Each function returns plain float64 numpy arrays, shaped the way the chapter that
uses them expects: a network's samples are columns (chapter 3), a fit's data are
1-D arrays (chapter 6).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from mvc._validation import as_choice, as_int

__all__ = ["NIST_NAMES", "NistProblem", "benchmarks", "heart", "heights", "nist"]


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
    y = (
        np.array(
            [
                16 * np.sin(angle) ** 3,
                13 * np.cos(angle)
                - 5 * np.cos(2 * angle)
                - 2 * np.cos(3 * angle)
                - np.cos(4 * angle),
            ]
        )
        / 20
    )
    return t.reshape(1, n), (y + 1) / 2


#: The course's histogram of heights: the 16 bins between 160 and 200 cm that hold data.
_HEIGHT_COUNTS = [
    0.031,
    0.013,
    0.023,
    0.064,
    0.065,
    0.126,
    0.132,
    0.127,
    0.113,
    0.091,
    0.105,
    0.050,
    0.018,
    0.018,
    0.018,
    0.001,
]


def heights() -> tuple[np.ndarray, np.ndarray]:
    r"""The course's normalised histogram of heights, for chapter 6's lab.

    Returns
    -------
    x : numpy.ndarray
        The 100 bin centres in cm, $51.25, 53.75, \dots, 298.75$: bins 2.5 cm wide
        from 50 cm.
    y : numpy.ndarray
        The histogram, shape ``(100,)``: zero except bins 44 to 59 (centres 161.25 to
        198.75), scaled so that it integrates to 1, $\sum_i y_i \cdot 2.5 = 1$: a
        probability density, to be fitted by a Gaussian.

    Examples
    --------
    >>> from mvc.datasets import heights
    >>> x, y = heights()
    >>> x[[0, 44, 59, 99]], round(float(y.sum() * 2.5), 12)
    (array([ 51.25, 161.25, 198.75, 298.75]), 1.0)
    """
    x = 50 + 2.5 * np.arange(100) + 1.25
    y = np.zeros(100)
    y[44:60] = _HEIGHT_COUNTS
    return x, y / (y.sum() * 2.5)


# --- the NIST StRD nonlinear regression problems --------------------------------------------


def _exp3(x, b1, b2, b3, b4, b5, b6):
    return b1 * np.exp(-b2 * x) + b3 * np.exp(-b4 * x) + b5 * np.exp(-b6 * x)


def _gauss(x, b1, b2, b3, b4, b5, b6, b7, b8):
    return (
        b1 * np.exp(-b2 * x)
        + b3 * np.exp(-((x - b4) ** 2) / b5**2)
        + b6 * np.exp(-((x - b7) ** 2) / b8**2)
    )


def _cubic_over_cubic(x, b1, b2, b3, b4, b5, b6, b7):
    return (b1 + b2 * x + b3 * x**2 + b4 * x**3) / (1 + b5 * x + b6 * x**2 + b7 * x**3)


def _chwirut(x, b1, b2, b3):
    return np.exp(-b1 * x) / (b2 + b3 * x)


def _enso(x, b1, b2, b3, b4, b5, b6, b7, b8, b9):
    w = 2 * np.pi * x
    return (
        b1
        + b2 * np.cos(w / 12)
        + b3 * np.sin(w / 12)
        + b5 * np.cos(w / b4)
        + b6 * np.sin(w / b4)
        + b8 * np.cos(w / b7)
        + b9 * np.sin(w / b7)
    )


def _misra1a(x, b1, b2):
    return b1 * (1 - np.exp(-b2 * x))


#: Each problem's model, written as NIST writes it, as ``model(x, b1, b2, ...)``.
_MODELS: dict[str, Callable] = {
    "Bennett5": lambda x, b1, b2, b3: b1 * (b2 + x) ** (-1 / b3),
    "BoxBOD": _misra1a,
    "Chwirut1": _chwirut,
    "Chwirut2": _chwirut,
    "DanWood": lambda x, b1, b2: b1 * x**b2,
    "ENSO": _enso,
    "Eckerle4": lambda x, b1, b2, b3: (b1 / b2) * np.exp(-0.5 * ((x - b3) / b2) ** 2),
    "Gauss1": _gauss,
    "Gauss2": _gauss,
    "Gauss3": _gauss,
    "Hahn1": _cubic_over_cubic,
    "Kirby2": lambda x, b1, b2, b3, b4, b5: (b1 + b2 * x + b3 * x**2) / (1 + b4 * x + b5 * x**2),
    "Lanczos1": _exp3,
    "Lanczos2": _exp3,
    "Lanczos3": _exp3,
    "MGH09": lambda x, b1, b2, b3, b4: b1 * (x**2 + x * b2) / (x**2 + x * b3 + b4),
    "MGH10": lambda x, b1, b2, b3: b1 * np.exp(b2 / (x + b3)),
    "MGH17": lambda x, b1, b2, b3, b4, b5: b1 + b2 * np.exp(-x * b4) + b3 * np.exp(-x * b5),
    "Misra1a": _misra1a,
    "Misra1b": lambda x, b1, b2: b1 * (1 - (1 + b2 * x / 2) ** (-2)),
    "Misra1c": lambda x, b1, b2: b1 * (1 - (1 + 2 * b2 * x) ** (-0.5)),
    "Misra1d": lambda x, b1, b2: b1 * b2 * x * ((1 + b2 * x) ** (-1)),
    "Nelson": lambda x, b1, b2, b3: b1 - b2 * x[0] * np.exp(-b3 * x[1]),
    "Rat42": lambda x, b1, b2, b3: b1 / (1 + np.exp(b2 - b3 * x)),
    "Rat43": lambda x, b1, b2, b3, b4: b1 / ((1 + np.exp(b2 - b3 * x)) ** (1 / b4)),
    "Roszman1": lambda x, b1, b2, b3, b4: b1 - b2 * x - np.arctan(b3 / (x - b4)) / np.pi,
    "Thurber": _cubic_over_cubic,
}

_FORMULA = re.compile(r"\n\s*(?:log\[)?y\]?\s*=\s*(.*?)\s*\+\s*e\s*\n", re.S)

NIST_NAMES: tuple[str, ...] = tuple(sorted(_MODELS, key=str.lower))
"""The names of the 27 problems, in alphabetical order as NIST lists them."""


@dataclass(frozen=True, eq=False)
class NistProblem:
    r"""One NIST StRD nonlinear least-squares problem, with its certified results.

    Attributes
    ----------
    name : str
        NIST's name, e.g. ``"MGH09"``.
    difficulty : str
        ``"lower"``, ``"average"`` or ``"higher"``, NIST's level of difficulty.
    formula : str
        The model as NIST writes it.
    model : callable
        ``model(x, b1, b2, ...)``, vectorised over `x`, for `mvc.fit` or `curve_fit`.
    x : numpy.ndarray
        The predictor, shape ``(N,)``; for Nelson, the two predictors as rows, ``(2, N)``.
    y : numpy.ndarray
        The response, shape ``(N,)``; for Nelson, $\log y$, which is what its model fits.
    starts : numpy.ndarray
        The two starting points as rows, shape ``(2, n)``: start 1 is far from the
        solution, start 2 near it.
    certified : numpy.ndarray
        The certified parameters (NIST computed them in 128-bit arithmetic).
    certified_std : numpy.ndarray
        Their certified standard deviations.
    residual_sum_of_squares : float
        The certified $\chi^2$ with $\sigma = 1$.
    """

    name: str
    difficulty: str
    formula: str
    model: Callable
    x: np.ndarray
    y: np.ndarray
    starts: np.ndarray
    certified: np.ndarray
    certified_std: np.ndarray
    residual_sum_of_squares: float


def nist(name: str) -> NistProblem:
    r"""A NIST StRD nonlinear regression problem: data, starts, model and certified values.

    Parameters
    ----------
    name : str
        One of `NIST_NAMES`, e.g. ``"Misra1a"``.

    Returns
    -------
    NistProblem

    Raises
    ------
    TypeError
        If `name` is not a string.
    ValueError
        If `name` is not one of the 27 problems.

    Notes
    -----
    The 27 files of NIST's Statistical Reference Datasets for nonlinear regression ship
    with `mvc` (``mvc/data/nist``) in NIST's own format, and are parsed here. Software
    is judged by the log relative error of each fitted parameter,
    $\mathrm{LRE} = -\log_{10}(|b - b_\text{cert}| / |b_\text{cert}|)$, from both starts:
    4 or more is usable, 6 or more good.

    Examples
    --------
    >>> from mvc.datasets import nist
    >>> problem = nist("Misra1a")
    >>> problem.x.shape, problem.starts[0], problem.difficulty
    ((14,), array([5.e+02, 1.e-04]), 'lower')
    >>> problem.certified.tolist()
    [238.94212918, 0.00055015643181]
    """
    name = as_choice(name, "name", NIST_NAMES)
    text = resources.files("mvc").joinpath("data", "nist", f"{name}.dat").read_text("ascii")
    rows = [
        line.split("=")[1].split() for line in text.splitlines() if re.match(r"\s*b\d+\s*=", line)
    ]
    numbers = np.array(rows, dtype=np.float64)  # start 1, start 2, certified, its std
    header, data = re.split(r"\nData:\s+y[^\n]*\n", text)
    columns = np.array([line.split() for line in data.strip().splitlines()], dtype=np.float64).T
    y, x = columns[0], (columns[1] if len(columns) == 2 else columns[1:])
    if name == "Nelson":  # NIST fits log(y) = b1 - b2 x1 exp(-b3 x2)
        y = np.log(y)
    return NistProblem(
        name=name,
        difficulty=_field(r"(\w+) Level of Difficulty", header).lower(),
        formula=" ".join(_field(_FORMULA, header).split()),
        model=_MODELS[name],
        x=x,
        y=y,
        starts=numbers[:, :2].T.copy(),
        certified=numbers[:, 2].copy(),
        certified_std=numbers[:, 3].copy(),
        residual_sum_of_squares=float(_field(r"Residual Sum of Squares:\s+(\S+)", header)),
    )


def _field(pattern: str | re.Pattern[str], header: str) -> str:
    """The first group of `pattern` in a NIST file's header, which must hold it."""
    match = re.search(pattern, header)
    if match is None:
        raise ValueError(f"the NIST file's header has no match for {pattern!r}")
    return match[1]


def benchmarks() -> dict:
    """The results of the latest committed run of ``make bench``, as the Benchmarks page shows them.

    Returns
    -------
    dict
        The run's ``date``, ``machine`` and ``versions``, and one entry per benchmark
        (``derivatives``, ``gradient``, ``backprop``, ``training``, ``optimisation``, ``fitting``,
        ``site``): accuracy, evaluation counts and median times of `mvc` beside its peers.

    Notes
    -----
    ``make bench`` (``tools/bench.py``) writes ``mvc/data/benchmarks.json``, which ships with
    the package, so the Benchmarks page's code runs for a reader as it runs for the build.

    Examples
    --------
    >>> from mvc.datasets import benchmarks
    >>> results = benchmarks()
    >>> {"derivatives", "fitting", "machine"} <= set(results)
    True
    """
    return json.loads(resources.files("mvc").joinpath("data", "benchmarks.json").read_text("utf8"))
