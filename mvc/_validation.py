"""Every check of user input, and its message.

Each checker takes the value and the name the caller knows it by, and returns the
cleaned value, so a call site is one line:

```python
x = as_real_array(x, "x")
```

Messages name the argument, say what was expected and show what came:
``"`x` must be finite, got nan."``. Wrong type is a `TypeError`; wrong value or
shape is a `ValueError`.
"""

from __future__ import annotations

import numbers
import re
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


def check_values(
    values: Any, shape: tuple[int, ...], what: str, *, kind: str = "f", finite: bool = True
) -> np.ndarray:
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
    finite
        ``False`` lets non-finite values through, for a caller that handles them
        itself (the step search of `mvc.derivative` shrinks a step that left f's domain).
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
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} must return finite values, got {_show(values)}.")
    return arr


# --- points, vector-valued functions, seeds and ranges (derivatives, sandpit) ----------------


def as_point(x: Any, name: str) -> np.ndarray:
    """Return a point of R^n as a finite 1-D float64 array (a scalar gives shape ``(1,)``).

    Rejects what `as_real_array` rejects, and arrays of two or more dimensions.
    """
    arr = as_real_array(x, name)
    if arr.ndim > 1:
        raise ValueError(
            f"`{name}` must be a number or a 1-D array (one point), got shape {arr.shape}."
        )
    return np.atleast_1d(arr)


def as_number(x: Any, name: str) -> float:
    """Return `x` as a finite float: one real number, not an array of them."""
    arr = as_real_array(x, name)
    if arr.ndim != 0:
        raise ValueError(f"`{name}` must be a single number, got shape {arr.shape}.")
    return float(arr)


def as_in_interval(x: Any, name: str, lo: float, hi: float) -> np.ndarray:
    """Return `x` as a finite float64 array (any shape) whose every element lies in [lo, hi]."""
    arr = as_real_array(x, name)
    outside = (arr < lo) | (arr > hi)
    if np.any(outside):
        bad = float(arr[outside].flat[0])
        raise ValueError(f"`{name}` must lie in [{lo:g}, {hi:g}], got {bad!r}.")
    return arr


def as_broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    """Broadcast the named arrays to one shape, or raise `ValueError` naming them."""
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"`{name}` {np.shape(a)}" for name, a in arrays.items())
        raise ValueError(f"{shapes}: the shapes must be equal or broadcast together.") from None


def as_int(n: Any, name: str, *, minimum: int, maximum: int | None = None) -> int:
    """Return `n` as an int from `minimum` to `maximum`; booleans and floats are refused."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {_show(n)}.")
    value = int(n)
    if value < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}, got {value!r}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"`{name}` must be at most {maximum}, got {value!r}.")
    return value


def as_rng(rng: Any, name: str) -> np.random.Generator:
    """Return a `numpy.random.Generator`: `rng` itself, or a new one seeded with `rng`.

    ``None`` seeds it from the operating system (a different result each run); an
    integer seed gives the same result every run. Global random state is never used.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    is_seed = isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_))
    if rng is not None and not is_seed:
        raise TypeError(
            f"`{name}` must be a numpy.random.Generator, an integer seed or None, got {_show(rng)}."
        )
    if rng is not None and rng < 0:
        raise ValueError(f"`{name}` must be a non-negative integer seed, got {int(rng)!r}.")
    return np.random.default_rng(rng)


def check_vector_values(
    values: Any, shape: tuple[int, ...] | None, what: str, *, kind: str = "f", finite: bool = True
) -> np.ndarray:
    """Check what a function of a point returned: a number or a 1-D array.

    With ``shape=None`` any number or 1-D array will do (the first call of a
    Jacobian fixes the shape for the calls after it); ``shape=()`` asks for one
    number. Otherwise as `check_values` (`finite` too).
    """
    got = np.shape(values)
    if shape == () and got != ():
        raise ValueError(f"{what} must return a single number, got shape {got}.")
    if shape is None and len(got) > 1:
        raise ValueError(f"{what} must return a number or a 1-D array, got shape {got}.")
    return check_values(values, got if shape is None else shape, what, kind=kind, finite=finite)


__all__ += [
    "as_broadcast",
    "as_in_interval",
    "as_int",
    "as_number",
    "as_point",
    "as_rng",
    "check_vector_values",
]


# --- networks and their training (mvc.nn) ------------------------------------------------


def as_positive_real(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return `value` as a positive (or, with `allow_zero`, non-negative) finite float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number, got {_show(value)}.")
    value = float(value)
    if not (np.isfinite(value) and (value > 0 or (allow_zero and value == 0))):
        sign = "non-negative" if allow_zero else "positive"
        raise ValueError(f"`{name}` must be {sign} and finite, got {value!r}.")
    return value


def as_layer_sizes(sizes: Any, name: str) -> tuple[int, ...]:
    """Return the layer sizes of a network as a tuple of at least two positive ints."""
    if not isinstance(sizes, (list, tuple, range, np.ndarray)):
        raise TypeError(f"`{name}` must be a sequence of layer sizes, got {_show(sizes)}.")
    sizes = list(sizes)
    if any(isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) for n in sizes):
        raise TypeError(f"`{name}` must hold integers, got {_show(sizes)}.")
    if len(sizes) < 2:
        shown = [int(n) for n in sizes]
        raise ValueError(f"`{name}` must list at least 2 layers (inputs and outputs), got {shown}.")
    if min(sizes) < 1:
        raise ValueError(f"`{name}` must hold positive integers, got {[int(n) for n in sizes]}.")
    return tuple(int(n) for n in sizes)


def as_matrix(x: Any, name: str, shape: tuple[int, int | None], why: str) -> np.ndarray:
    """Return `x` as a finite float64 array of `shape`; None in `shape` is any length.

    `why` ends the message, e.g. ``"for a network with 1 input"`` gives
    ``"`x` must have shape (1, N) for a network with 1 input, got (100,)."``.
    """
    arr = as_real_array(x, name)
    wrong = [want is not None and got != want for got, want in zip(arr.shape, shape, strict=False)]
    if arr.ndim != 2 or any(wrong):
        shown = "(" + ", ".join("N" if n is None else str(n) for n in shape) + ")"
        raise ValueError(f"`{name}` must have shape {shown} {why}, got {arr.shape}.")
    return arr


__all__ += [
    "as_layer_sizes",
    "as_matrix",
    "as_positive_real",
]


def as_instance(value: Any, name: str, cls: type, hint: str = "") -> Any:
    """Return `value` if it is an instance of `cls`, else raise `TypeError`."""
    if not isinstance(value, cls):
        raise TypeError(f"`{name}` must be a {cls.__name__}{hint}, got {type(value).__name__}.")
    return value


__all__ += ["as_instance"]


def as_returned_array(values: Any, what: str) -> np.ndarray:
    """What a user's function returned, as an array; a ragged sequence is a `ValueError`.

    `what` names the call, e.g. ``"`f` near `x`"``. Without this, numpy's own message
    ("inhomogeneous shape") would not say which function returned what.
    """
    try:
        return np.asarray(values)
    except ValueError:
        raise ValueError(
            f"{what} must return a number or a rectangular array of numbers, got {_show(values)}."
        ) from None


__all__ += ["as_returned_array"]

# --- Taylor coefficients by a contour integral (mvc.taylor) ------------------------------


def check_complex_values(values: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Check what a function returned for complex input: complex numbers of `shape`.

    Non-finite values are allowed (the caller decides what a singularity means); a
    real dtype is refused, since it means the function dropped the imaginary part.
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "iuf":
        raise ValueError(
            f"{what} must return complex values for complex input, got dtype {arr.dtype}: "
            "the function drops the imaginary part (abs, float, math.*, np.real, ...), so "
            "the contour integral cannot see its derivatives; write it with numpy's "
            "complex-aware functions (np.exp, np.log, np.sqrt, ...)."
        )
    if arr.dtype.kind != "c":
        raise ValueError(f"{what} must return numbers, got {_show(values)}.")
    if arr.shape != shape:
        raise ValueError(
            f"{what} must return shape {shape} (it is called with an array of points and "
            f"must act element-wise, as numpy's functions do), got shape {arr.shape}."
        )
    return arr


__all__ += ["check_complex_values"]


# --- data for least-squares fits (mvc.regression) ---------------------------------------


def as_data(y: Any, name: str) -> np.ndarray:
    """Return observations as a finite 1-D float64 array (a single number is refused)."""
    arr = as_real_array(y, name)
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be a 1-D array of observations, got shape {arr.shape}.")
    return arr


def as_sigma(sigma: Any, name: str, n: int) -> np.ndarray:
    """Return standard uncertainties: one positive number or `n` of them, as shape ``(n,)``.

    ``None`` gives ones (every point weighted alike).
    """
    if sigma is None:
        return np.ones(n)
    arr = as_real_array(sigma, name)
    if arr.ndim > 1 or (arr.ndim == 1 and arr.size != n):
        raise ValueError(f"`{name}` must be a number or hold {n} numbers, got shape {arr.shape}.")
    if np.any(arr <= 0):
        raise ValueError(f"`{name}` must be positive, got {_show(float(arr[arr <= 0].flat[0]))}.")
    return np.broadcast_to(arr, (n,)).copy()


def as_same_length(name: str, arr: np.ndarray, other: str, n: int) -> np.ndarray:
    """Return `arr` if its last axis has length `n` (the length of `other`), else raise."""
    if arr.ndim == 0 or arr.shape[-1] != n:
        raise ValueError(
            f"`{name}` must have {n} values along its last axis, one per value of `{other}`, "
            f"got shape {arr.shape}."
        )
    return arr


__all__ += ["as_data", "as_same_length", "as_sigma"]


# --- tolerances and boxes of the solvers (mvc.roots, mvc.descent, mvc.lagrange) ---------


def as_relative_tolerance(tol: Any, name: str, least: float | None = None) -> float:
    """Return a relative tolerance: a finite float from `least` (float64's epsilon by
    default) up to, not including, 1.

    A relative change below float64's epsilon (2.2e-16) cannot be seen, so a smaller
    tolerance could never be met; a tolerance of 1 or more accepts any point, so the
    claim of convergence would say nothing. Both are refused here rather than reported
    later as a result.
    """
    tol = as_positive_real(tol, name)
    eps = float(np.finfo(np.float64).eps) if least is None else least
    if tol < eps:
        raise ValueError(
            f"`{name}` must be at least {eps:.3g}: float64 cannot resolve a smaller relative "
            f"change, got {tol!r}."
        )
    if tol >= 1:
        raise ValueError(
            f"`{name}` must be below 1: a relative tolerance of 1 or more accepts points "
            f"far from the answer, got {tol!r}."
        )
    return tol


def as_bounds(bounds: Any, name: str) -> tuple[float, float]:
    """Return a pair (lo, hi) of finite numbers with lo < hi."""
    arr = as_real_array(bounds, name)
    if arr.shape != (2,):
        raise ValueError(
            f"`{name}` must be a pair (lo, hi) of numbers, got {arr.size} value(s): "
            f"{_show(bounds)}."
        )
    lo, hi = (float(v) for v in arr)
    if not lo < hi:
        raise ValueError(f"`{name}` must be a pair (lo, hi) with lo < hi, got {_show(bounds)}.")
    return lo, hi


__all__ += ["as_bounds", "as_relative_tolerance"]


# --- operands of an autodiff Value (mvc.autodiff) ----------------------------------------


def as_operand(value: Any, op: str) -> float:
    """A plain number combined with a `Value` by `op` (``+``, ``*``, ``**``): finite and real.

    The message names the operation and its other operand, as the user wrote it:
    ``"`Value + other`: `other` must be finite, got nan."``.
    """
    where = "`Value ** k`: `k`" if op == "**" else f"`Value {op} other`: `other`"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} must be a Value or a real number, got {_show(value)}.")
    if not np.isfinite(value):  # type: ignore[call-overload]  # numpy's stubs: no numbers.Real
        raise ValueError(f"{where} must be finite, got {_show(float(value))}.")
    return float(value)


__all__ += ["as_operand"]


# --- calling a function of complex points (mvc.taylor) ------------------------------------


def call_on_points(f: Callable, points: np.ndarray, what: str) -> Any:
    """f(points), with a `TypeError` that names `f` if it cannot take an array of them.

    A function written for one number (``float(z)``, ``math.exp``) fails deep inside with
    numpy's or Python's words ("only 0-dimensional arrays can be converted..."); the
    message says what `f` must do, and the original error stays attached as its cause.
    """
    try:
        return f(points)
    except TypeError as error:
        raise TypeError(
            f"{what} must accept an array of complex points and act element-wise, as "
            f"numpy's functions do (np.exp, not math.exp or float); called with "
            f"{points.size} of them it raised TypeError: {error}"
        ) from error


__all__ += ["call_on_points"]


# --- a value the user's function cannot give (mvc.roots, mvc.lagrange, mvc.descent) -------


#: A ValueError of the `math` module leaving its domain: "math domain error" up to Python
#: 3.13 (and still for math.pow, math.fmod, ...); from 3.14 one-argument functions name the
#: domain, "expected a positive input, got -0.3" (math.log), "expected a nonnegative
#: input, got -1.0" (math.sqrt), "expected a number in range from -1 up to 1, got 2.0",
#: "expected argument value > -1, got -2.0" (CPython's mathmodule.c, gh-101410). A user's
#: own ValueError ("expected a dict, got list") matches none of them.
MATH_DOMAIN = re.compile(
    r"math domain error|expected a positive input"
    r"|expected (a positive input|a nonnegative input|a finite input"
    r"|a number in range from -1 up to 1|a number between -1 and 1"
    r"|a noninteger or positive integer|argument value > -1|argument value not less than 1)"
    r", got -?(inf|nan|\d+\.\d*(e[+-]\d+)?|\d+e[+-]\d+)"  # a float's repr, as math gives
)


def value_or_nan(f: Callable, x: Any, shape: tuple[int, ...] = ()) -> Any:
    """f(x), or nan of `shape` where Python's float arithmetic cannot give a value.

    It overflows (``x**2`` of a float past 1.3e154, ``math.exp(1000)``), divides by 0
    (``1 / x`` at 0) or leaves math's domain (``math.log(x)`` at -0.3, a ValueError
    worded as `MATH_DOMAIN` matches, in any Python from 3.11 to 3.14): f is not finite
    there, as numpy's inf or nan would be, and the solver handles it as it handles those
    (at `x0` a `ValueError` naming the function; later a failed run with its message).
    Any other exception is the user's own and passes through untouched.
    """
    try:
        return f(x)
    except ArithmeticError:  # ZeroDivisionError, OverflowError, FloatingPointError
        return np.full(shape, np.nan)
    except ValueError as error:
        if not MATH_DOMAIN.fullmatch(str(error)):
            raise
        return np.full(shape, np.nan)


__all__ += ["value_or_nan"]


# --- one value per constraint (mvc.lagrange) -----------------------------------------------


def as_values_per(values: Any, name: str, n: int, per: str) -> np.ndarray:
    """Return `values` as a finite 1-D float64 array of `n` values, one per `per` (a number
    will do for n = 1): ``"`multipliers` must have 1 value, one per constraint of `g`, got
    shape (2,)."``"""
    arr = as_real_array(values, name)
    if arr.ndim > 1 or arr.size != n:
        plural = "" if n == 1 else "s"
        raise ValueError(
            f"`{name}` must have {n} value{plural}, one per {per}, got shape {arr.shape}."
        )
    return np.atleast_1d(arr)


__all__ += ["as_values_per"]
