r"""The Sandpit: a phone lost in a pit of sand, and the landscapes of the pit's floor.

A phone has rolled to the deepest point of a pit, the square $[0, 6]^2$, and sand
has covered it. Each click is a dip-stick measurement: the depth $d(x, y)$ there
and, in one mode, the downhill direction $-J$. A click within 0.15 of the deepest
point finds the phone.

Every landscape is a pure function of its name and a seeded random generator,
rescaled so that its depth on the pit runs from $-9$ (the phone) to $-1$:

```python
pit = landscape("random", rng=7)
pit.depth(3.0, 3.0), pit.jacobian(3.0, 3.0), pit.minimum
```
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mvc._validation import (
    as_broadcast,
    as_choice,
    as_in_interval,
    as_instance,
    as_int,
    as_number,
    as_rng,
)
from mvc.derivatives import derivative, hessian, jacobian

__all__ = ["LANDSCAPES", "Landscape", "landscape", "local_minima", "sample"]

LANDSCAPES = ("intro", "random", "multiple minima", "rocks", "narrow well")
PIT = (0.0, 6.0)  #: the pit is [0, 6] x [0, 6]
DEEPEST, SHALLOWEST = -9.0, -1.0  #: depth is rescaled to [-9, -1] on the pit
STEP = 0.01  #: the course's step for J and H by central differences
RADIUS = 0.15  #: a click this close to the deepest point finds the phone
#: The search grid: spacing 0.02, a tenth of the narrowest feature (rocks, the well).
_GRID = np.linspace(*PIT, 301)


@dataclass(frozen=True, eq=False)
class Landscape:
    """The floor of a pit: its depth on $[0, 6]^2$, the slope and where the phone is.

    Make one with `landscape`. Points outside the pit are a `ValueError`.

    Attributes
    ----------
    name : str
        One of `LANDSCAPES`.
    floor : callable
        The height of the floor before rescaling, ``floor(x, y)``, vectorised.
    low, high : float
        The least and greatest `floor` on the pit; they map to depths -9 and -1.
    minimum : numpy.ndarray
        The deepest point ``[x, y]``, where the phone is.
    """

    name: str
    floor: Callable[[np.ndarray, np.ndarray], np.ndarray]
    low: float
    high: float
    minimum: np.ndarray

    def depth(self, x: float | np.ndarray, y: float | np.ndarray) -> float | np.ndarray:
        """Depth $d(x, y)$ in $[-9, -1]$: a float for numbers, else an array (broadcast)."""
        d = self._depth(*_in_pit(x, y))
        return float(d) if d.ndim == 0 else d

    def jacobian(self, x: float, y: float) -> np.ndarray:
        r"""The row $J = [\partial d / \partial x, \partial d / \partial y]$, $h = 0.01$."""
        return jacobian(lambda p: self._depth(*p), _point_in_pit(x, y), h=STEP)

    def hessian(self, x: float, y: float) -> np.ndarray:
        """The 2 x 2 Hessian of the depth at a point, by central differences with $h = 0.01$."""
        return hessian(lambda p: self._depth(*p), _point_in_pit(x, y), h=STEP)

    def is_found(self, x: float | np.ndarray, y: float | np.ndarray) -> bool | np.ndarray:
        """Whether a click at (x, y) is within 0.15 of the deepest point."""
        x, y = _in_pit(x, y)
        found = np.hypot(x - self.minimum[0], y - self.minimum[1]) <= RADIUS
        return bool(found) if found.ndim == 0 else found

    def _depth(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The rescaled floor, unchecked (central differences step just outside the pit)."""
        scale = (SHALLOWEST - DEEPEST) / (self.high - self.low)
        return DEEPEST + scale * (self.floor(x, y) - self.low)


def landscape(name: str = "intro", rng: np.random.Generator | int | None = None) -> Landscape:
    r"""One of the course's Sandpit landscapes, with its deepest point found.

    Parameters
    ----------
    name : {"intro", "random", "multiple minima", "rocks", "narrow well"}
        Which floor (see Notes).
    rng : numpy.random.Generator or int, optional
        The random generator, or a seed for one. The same seed gives the same pit;
        ``None`` gives a new pit each call. "intro" uses no random numbers.

    Returns
    -------
    Landscape
        Its `depth` runs from -9 at `Landscape.minimum` to -1 on $[0, 6]^2$.

    Raises
    ------
    TypeError
        If `name` is not a string or `rng` is not a generator, an integer or None.
    ValueError
        If `name` is unknown or the seed is negative.

    Notes
    -----
    The floors, before rescaling to $[-9, -1]$:

    - intro: $-((x - 4.1)^2 + (y - 0.9)^2) - 30 e^{-((x - 1.5)^2 + (y - 3.7)^2) / (2 \cdot 1.4)}$;
    - random: $\sum_{n,m=0}^{3} a_{nm} \cos(\pi n x / 6 + \phi_{nm}) \cos(\pi m y / 6 +
      \phi'_{nm}) + (1 - x(x - 6) y(y - 6) / 81)^7 / 9$, with
      $a_{nm} \sim U(0, 1) / ((n + 1)(m + 1))^2$ and phases $\sim U(0, 2\pi)$;
    - multiple minima: the bowl above minus four Gaussian wells, one per quarter of
      the pit, of random depth $U(0.4, 1)$ and width $U(0.4, 0.7)$;
    - rocks: a random pit plus 20 seeded waves $b \cos(k (x \cos\theta + y \sin\theta) + \psi)$
      of wavelength 0.25 to 0.4 and amplitude $b \sim U(0, 0.02)$;
    - narrow well: a random pit minus a Gaussian well of depth 3 and width 0.2 at
      a random point of $[1, 5]^2$, deeper than anything else in the pit.

    The deepest and highest points are found by a grid search (spacing 0.02, 90 601
    evaluations) refined by a compass search from the eight lowest grid minima, to
    about $10^{-9}$.

    Examples
    --------
    >>> from mvc.sandpit import landscape
    >>> pit = landscape("intro")
    >>> pit.minimum.round(2)
    array([1.21, 4.01])
    >>> pit.depth(*pit.minimum), pit.is_found(1.3, 4.0)
    (-9.0, True)
    """
    name = as_choice(name, "name", LANDSCAPES)
    floor = _FLOORS[name](as_rng(rng, "rng"))
    X, Y = np.meshgrid(_GRID, _GRID, indexing="ij")
    Z = floor(X, Y)
    low, minimum = _lowest(floor, X, Y, Z)
    high = -_lowest(lambda x, y: -floor(x, y), X, Y, -Z)[0]
    minimum.setflags(write=False)  # the phone stays where it is
    return Landscape(name, floor, low, high, minimum)


def sample(pit: Landscape, n: int = 61) -> dict:
    """Depth and the downhill direction $-J$ on an n x n grid, as plain lists for a widget.

    Parameters
    ----------
    pit : Landscape
        The landscape.
    n : int
        Points along each side of the pit, at least 2.

    Returns
    -------
    dict
        ``name``, ``x`` and ``y`` (the n grid lines), ``depth``, ``downhill_x`` and
        ``downhill_y`` (n x n nested lists, row ``j`` at ``y[j]``, column ``i`` at
        ``x[i]``, as an image), ``minimum`` and ``radius``. Numbers are Python floats
        rounded to 4 decimals, ready for `json.dumps`.

    Raises
    ------
    TypeError
        If `pit` is not a `Landscape` or `n` is not an integer.
    ValueError
        If `n` < 2.

    Notes
    -----
    $-J$ is the course's central difference with $h = 0.01$ (`mvc.derivative` along
    each axis, the other held constant); cost $5 n^2$ evaluations of the floor.

    Examples
    --------
    >>> from mvc.sandpit import landscape, sample
    >>> grid = sample(landscape("intro"), n=3)
    >>> grid["x"], grid["depth"][0]
    ([0.0, 3.0, 6.0], [-4.0577, -1.3461, -1.7457])
    """
    pit = as_instance(pit, "pit", Landscape, " from `landscape`")
    n = as_int(n, "n", minimum=2)
    x = np.linspace(*PIT, n)
    X, Y = np.meshgrid(x, x)  # X[j, i] = x[i], Y[j, i] = y[j]
    slope_x = derivative(lambda s: pit._depth(s, Y), X, h=STEP)
    slope_y = derivative(lambda s: pit._depth(X, s), Y, h=STEP)
    fields = {"depth": pit._depth(X, Y), "downhill_x": -slope_x, "downhill_y": -slope_y}
    return {
        "name": pit.name,
        "x": _plain(x),
        "y": _plain(x),
        **{key: _plain(value) for key, value in fields.items()},
        "minimum": _plain(pit.minimum),
        "radius": RADIUS,
    }


def local_minima(pit: Landscape, count: int = 8) -> np.ndarray:
    r"""The deepest local minima of a pit's floor, the traps a downhill search can fall into.

    Parameters
    ----------
    pit : Landscape
        The landscape.
    count : int
        At most this many minima, at least 1.

    Returns
    -------
    numpy.ndarray
        Shape ``(k, 2)``, $k \le$ `count`: the points ``[x, y]`` strictly inside the pit
        where the floor is lower than all around it, deepest first. Points where the
        floor only meets the wall are left out: the slope there is not zero.

    Raises
    ------
    TypeError
        If `pit` is not a `Landscape` or `count` is not an integer.
    ValueError
        If `count` < 1.

    Notes
    -----
    The same search as for `Landscape.minimum`: the lowest grid points (spacing 0.02)
    that are no higher than their 8 neighbours, each refined by a compass search to
    about $10^{-9}$; starts that reach the same minimum count once. Cost: 90 601
    evaluations of the floor for the grid, plus 8 per round of each local search.

    Examples
    --------
    >>> from mvc.sandpit import landscape, local_minima
    >>> local_minima(landscape("intro")).round(2)
    array([[1.21, 4.01]])
    """
    pit = as_instance(pit, "pit", Landscape, " from `landscape`")
    count = as_int(count, "count", minimum=1)
    X, Y = np.meshgrid(_GRID, _GRID, indexing="ij")
    starts = _grid_minima(pit.floor(X, Y), count=4 * count)
    points = _compass_search(pit.floor, np.column_stack([X.flat[starts], Y.flat[starts]]))
    points = points[np.all((points > PIT[0] + 1e-6) & (points < PIT[1] - 1e-6), axis=1)]
    kept: list[np.ndarray] = []
    for point in points[np.argsort(pit.floor(points[:, 0], points[:, 1]), kind="stable")]:
        if all(np.hypot(*(point - other)) > 1e-4 for other in kept):
            kept.append(point)
    return np.array(kept[:count], dtype=np.float64).reshape(-1, 2)


# --- the floors: each takes a generator and returns floor(x, y) ------------------------------


def _intro(rng: np.random.Generator) -> Callable:
    def floor(x, y):
        well = np.exp(-((x - 1.5) ** 2 + (y - 3.7) ** 2) / (2 * 1.4))
        return -((x - 4.1) ** 2 + (y - 0.9) ** 2) - 30 * well

    return floor


def _bowl(x, y):
    """Zero in the middle of the pit, rising to 1/9 at its walls."""
    return (1 - x * (x - 6) * y * (y - 6) / 81) ** 7 / 9


def _random(rng: np.random.Generator) -> Callable:
    a = rng.uniform(0, 1, (4, 4)) / np.outer(np.arange(1, 5), np.arange(1, 5)) ** 2
    phi, phi_ = rng.uniform(0, 2 * np.pi, (2, 4, 4))

    def floor(x, y):
        waves = sum(
            a[n, m] * np.cos(np.pi * n * x / 6 + phi[n, m]) * np.cos(np.pi * m * y / 6 + phi_[n, m])
            for n, m in np.ndindex(4, 4)
        )
        return waves + _bowl(x, y)

    return floor


def _gaussian(x, y, centre, width):
    return np.exp(-((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / (2 * width**2))


def _multiple_minima(rng: np.random.Generator) -> Callable:
    quarters = np.array([[1.5, 1.5], [1.5, 4.5], [4.5, 1.5], [4.5, 4.5]])
    centres = quarters + rng.uniform(-0.5, 0.5, (4, 2))
    depths, widths = rng.uniform(0.4, 1, 4), rng.uniform(0.4, 0.7, 4)

    def floor(x, y):
        wells = zip(centres, depths, widths, strict=True)
        return _bowl(x, y) - sum(d * _gaussian(x, y, c, w) for c, d, w in wells)

    return floor


def _rocks(rng: np.random.Generator) -> Callable:
    pit = _random(rng)
    k = rng.uniform(2 * np.pi / 0.4, 2 * np.pi / 0.25, 20)  # wavelengths 0.25 to 0.4
    theta, psi = rng.uniform(0, 2 * np.pi, (2, 20))
    b = rng.uniform(0, 0.02, 20)

    def floor(x, y):
        rocks = sum(
            b[r] * np.cos(k[r] * (x * np.cos(theta[r]) + y * np.sin(theta[r])) + psi[r])
            for r in range(20)
        )
        return pit(x, y) + rocks

    return floor


def _narrow_well(rng: np.random.Generator) -> Callable:
    pit, centre = _random(rng), rng.uniform(1, 5, 2)
    return lambda x, y: pit(x, y) - 3 * _gaussian(x, y, centre, 0.2)


_FLOORS = {
    "intro": _intro,
    "random": _random,
    "multiple minima": _multiple_minima,
    "rocks": _rocks,
    "narrow well": _narrow_well,
}


# --- finding the deepest point ------------------------------------------------------------

#: The eight compass directions of the local search.
_COMPASS = np.array([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]])


def _lowest(floor: Callable, X, Y, Z: np.ndarray) -> tuple[float, np.ndarray]:
    """The least value of `floor` on the pit and where it is, from its values Z on the grid."""
    starts = _grid_minima(Z, count=8)
    points = _compass_search(floor, np.column_stack([X.flat[starts], Y.flat[starts]]))
    values = floor(points[:, 0], points[:, 1])
    best = int(np.argmin(values))
    return float(values[best]), points[best]


def _grid_minima(Z: np.ndarray, count: int) -> np.ndarray:
    """Flat indices of the `count` lowest grid points no higher than their 8 neighbours."""
    padded = np.pad(Z, 1, constant_values=np.inf)
    rows, cols = Z.shape
    neighbours = [padded[1 + di : 1 + di + rows, 1 + dj : 1 + dj + cols] for di, dj in _COMPASS]
    local = np.flatnonzero(np.all([Z <= other for other in neighbours], axis=0))
    return local[np.argsort(Z.flat[local], kind="stable")][:count]


def _compass_search(floor: Callable, x: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """A local search from each row of `x` at once, kept inside the pit.

    Move to the lowest of the 8 neighbours at distance `step` if it is lower, else
    halve `step`; stop when every step is below `tol` (or after 1000 rounds).
    """
    x = x.astype(np.float64)
    fx = floor(x[:, 0], x[:, 1])
    step = np.full(len(x), _GRID[1] - _GRID[0])
    rows = np.arange(len(x))
    for _ in range(1000):
        if np.all(step < tol):
            break
        trial = np.clip(x[:, None, :] + step[:, None, None] * _COMPASS, *PIT)
        f_trial = floor(trial[..., 0], trial[..., 1])
        best = f_trial.argmin(axis=1)
        lower = f_trial[rows, best] < fx
        x[lower], fx[lower] = trial[rows, best][lower], f_trial[rows, best][lower]
        step[~lower] /= 2
    return x


# --- input checks specific to the pit -----------------------------------------------------


def _in_pit(x, y) -> list[np.ndarray]:
    """Coordinates inside [0, 6], broadcast together."""
    return as_broadcast(x=as_in_interval(x, "x", *PIT), y=as_in_interval(y, "y", *PIT))


def _point_in_pit(x, y) -> np.ndarray:
    """One point inside the pit, as the array [x, y]."""
    x, y = (as_in_interval(as_number(v, name), name, *PIT) for v, name in ((x, "x"), (y, "y")))
    return np.array([x, y], dtype=np.float64)


def _plain(values: float | np.ndarray) -> list | float:
    """Nested lists of Python floats rounded to 4 decimals (no numpy types: JSON-ready)."""
    return np.round(values, 4).tolist()
