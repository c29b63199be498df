"""Every check of user input, and its message.

Each checker takes the value and the name the caller knows it by, and returns the
cleaned value, so a call site is one line::

    x = as_real_array(x, "x")

Messages name the argument, say what was expected and show what came:
``"`x` must be finite, got nan."``. Wrong type is a `TypeError`; wrong value or
shape is a `ValueError`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = [
    "as_callable",
    "as_choice",
    "as_real_array",
    "as_step",
    "check_values",
]


def _show(value: Any) -> str:
    """A short ``repr`` for messages: arrays are cut to a few elements."""
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=6, edgeitems=2, precision=6):
            return repr(value)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def as_callable(f: Any, name: str) -> Callable:
    """Return `f` if it is callable, else raise `TypeError`."""
    if not callable(f):
        raise TypeError(f"`{name}` must be a callable, got {_show(f)}.")
    return f


def as_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Return `value` if it is one of `choices`, else raise."""
    choices = tuple(choices)
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string, one of {choices}, got {_show(value)}.")
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}, got {value!r}.")
    return value


def as_real_array(x: Any, name: str) -> np.ndarray:
    """Return `x` as a finite float64 array of any shape (a scalar gives shape ``()``).

    Rejects booleans, strings, complex numbers, objects, empty arrays and
    non-finite values.
    """
    if isinstance(x, (bool, np.bool_, str, bytes)):
        raise TypeError(f"`{name}` must be a real number or an array of them, got {_show(x)}.")
    try:
        arr = np.asarray(x)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"`{name}` must be a rectangular array of numbers: {error}") from None
    if arr.dtype.kind in "c":
        raise TypeError(f"`{name}` must be real, got complex {_show(x)}.")
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"`{name}` must be a real number or an array of them, got {_show(x)}.")
    if arr.size == 0:
        raise ValueError(f"`{name}` must not be empty, got {_show(x)}.")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        bad = arr if arr.ndim == 0 else arr[~np.isfinite(arr)][0]
        raise ValueError(f"`{name}` must be finite, got {_show(float(bad))}.")
    return arr


def as_step(h: Any, name: str) -> float | None:
    """Return a step size: None (let the method choose) or a positive finite float."""
    if h is None:
        return None
    if isinstance(h, (bool, np.bool_)) or not isinstance(h, numbers.Real):
        raise TypeError(f"`{name}` must be a positive real number or None, got {_show(h)}.")
    h = float(h)
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"`{name}` must be positive and finite, got {h!r}.")
    return h


def check_values(values: Any, shape: tuple[int, ...], what: str, *, kind: str = "f") -> np.ndarray:
    """Check what a user's function returned: its shape, and that it is finite.

    Parameters
    ----------
    values
        What the function returned.
    shape
        The shape it must have.
    what
        How the message names the call, e.g. ``"`f` near `x`"``.
    kind
        ``"f"`` for real values, ``"c"`` for the complex values of complex-step
        differentiation.
    """
    arr = np.asarray(values)
    if kind == "c" and arr.dtype.kind != "c":
        raise ValueError(
            f"{what} must return complex values for method='complex', got dtype "
            f"{arr.dtype}: the function drops the imaginary part (abs, float, np.real, ...), "
            "so the complex step cannot see the derivative; use method='central'."
        )
    if arr.dtype.kind not in "iufc" or (kind == "f" and arr.dtype.kind == "c"):
        raise ValueError(f"{what} must return real numbers, got {_show(values)}.")
    if arr.shape != shape:
        raise ValueError(f"{what} must return shape {shape}, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} must return finite values, got {_show(values)}.")
    return arr
