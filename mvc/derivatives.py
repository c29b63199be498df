r"""Numerical derivatives: the definition of chapter 1, made to work in floating point.

$$f'(x) = \lim_{\Delta x \to 0} \frac{f(x + \Delta x) - f(x)}{\Delta x}$$

A computer cannot take the limit, so it takes a small step $h$ instead. Each
method below is a different way of choosing the points, with its own error order
and cost in function evaluations. No single step suits every function, so
`derivative` by default searches for one that suits $f$ (`mvc._adaptive`);
`gradient` and `jacobian` take one fixed step per axis and check it against shorter ones,
searching only where they disagree; `hessian` takes one fixed step per axis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from mvc._adaptive import CHECK, DOUBTFUL, NO_DIGIT, NOISE, central_search
from mvc._validation import (
    MATH_DOMAIN,
    as_callable,
    as_choice,
    as_point,
    as_real_array,
    as_returned_array,
    as_step,
    check_values,
    check_vector_values,
)

__all__ = ["derivative", "gradient", "hessian", "jacobian"]

METHODS = ("forward", "backward", "central", "complex")

_EPS = np.finfo(np.float64).eps
#: The least positive float: the rounding of f's values is never below it (subnormal f).
_LEAST = np.nextafter(0.0, 1.0)
#: The largest rounding rho of a difference the search takes: its multiples stay finite.
_BIG = np.finfo(np.float64).max / 64
#: Relative default step per method: each balances that method's truncation error
#: against round-off (see the Notes of `derivative`).
DEFAULT_STEP = {
    "forward": _EPS ** (1 / 2),  # 1.5e-8: error ~ h + eps/h, least at h ~ eps^(1/2)
    "backward": _EPS ** (1 / 2),
    "central": _EPS ** (1 / 3),  # 6.1e-6: error ~ h^2 + eps/h, least at h ~ eps^(1/3)
    "complex": 1e-20,  # error ~ h^2 and no cancellation: any tiny h will do
}
#: Relative default step of `hessian`: error ~ h^2 + eps/h^2, least at h ~ eps^(1/4) = 1.2e-4.
HESSIAN_STEP = _EPS ** (1 / 4)


def derivative(
    f: Callable,
    x: float | np.ndarray,
    *,
    h: float | None = None,
    method: str = "central",
) -> float | np.ndarray:
    r"""Derivative $f'(x)$ of a function of one variable, by finite differences.

    Accuracy: by default about 12 significant digits wherever $f$ is smooth and
    $f'(x)$ is not far below what $f$'s rounding can resolve (the step is searched for
    until two extrapolated estimates agree to $f$'s rounding, see Notes); with an
    explicit `h`, the error of one difference at that step.

    Parameters
    ----------
    f : callable
        The function, ``f(x) -> float``. If `x` is an array, `f` is called with
        the whole array (shifted by the step) and must act element-wise, as numpy's
        functions do.
    x : float or array_like
        Where to differentiate: a real number, or an array of them (element-wise).
    h : float, optional
        Absolute step size: one difference at this step. By default the step is
        chosen for each element of `x` (see Notes).
    method : {"central", "forward", "backward", "complex"}
        Which difference to take. ``"complex"`` needs an `f` that accepts and
        returns complex numbers, and is real for real arguments.

    Returns
    -------
    float or numpy.ndarray
        $f'(x)$: a float for scalar `x`, else a float64 array of the shape of `x`.

    Raises
    ------
    TypeError
        If `f` is not callable, `x` is not real numbers, or `h` is not a number.
    ValueError
        If `x` is empty or not finite, `h` is not positive or so small that
        $x + h$ rounds to $x$, `method` is unknown, or `f` returns a value of the
        wrong shape or a non-finite value (by default: at every step tried). By
        default, also if f is finite but every difference overflows: the derivative is
        beyond the largest float, 1.8e308 (1/x at 1e-160), or f is so large that the
        rounding of a difference is (1e308 * (1 + x) at 1e-15); if the differences
        at the steps tried never agree even to one
        digit: $f$ is not differentiable at `x` (a pole or a jump) or too noisy, or
        if $f$ changes so little beside its rounding that the estimate's own estimated
        error is over $10^{-5}$ of it (``np.tanh`` from 10 on, ``1e10 + np.sin(x)``), or
        its differences are exactly 0 only because rounding hides its slope
        (``np.cos`` at $10^{-12}$), or if a difference at a shorter step contradicts an
        estimate of the search run again from a check's step, and searching again does
        not settle it (f too noisy). With
        ``method="complex"``, if `f` returns real values (it has dropped the
        imaginary part, so the method would silently return 0) or $f(x)$ is not real
        (``np.sqrt(x - 2 + 0j)`` at $x = 1$): the imaginary part would not be the
        derivative; with its default step, if f' is so small that Im f(x + ih) stays
        subnormal (1e-300 x), or the complex step disagrees with the central search
        (f not analytic, as x * np.conj(x), or changing over lengths near h).

    Notes
    -----
    With step $h$, the four methods and their errors for smooth $f$ are

    - forward: $\frac{f(x+h) - f(x)}{h} = f'(x) + \frac{h}{2} f''(x) + O(h^2)$,
    - backward: $\frac{f(x) - f(x-h)}{h} = f'(x) - \frac{h}{2} f''(x) + O(h^2)$,
    - central: $\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4)$,
    - complex step: $\frac{\operatorname{Im} f(x + ih)}{h}
      = f'(x) - \frac{h^2}{6} f'''(x) + O(h^4)$.

    The real differences subtract two nearly equal numbers, which costs about
    $\epsilon |f| / h$ of round-off ($\epsilon \approx 2.2 \times 10^{-16}$). The total
    error is least where truncation and round-off balance: at $h \sim \epsilon^{1/2}$
    for forward and backward (error $\sim 10^{-8}$) and $h \sim \epsilon^{1/3}$ for
    central (error $\sim 10^{-11}$), in units of the length over which $f$ changes.
    The divisor is always the distance between the two points as actually stored,
    which removes the error of rounding $x + h$.

    *The default step of the central difference* is searched for, because no one
    step suits every function: $\epsilon^{1/3}\max(1, |x|)$ is far too long for
    $1/x$ at $x = 10^{-6}$ (it gave $+2.8 \times 10^{10}$ for $-10^{12}$), and a step
    in proportion to $|x|$ spans whole periods of $\tan x$ at $x = 10^8$.
    Central differences $D(h_k)$ are taken at $h_0 = |x|/8$ (which keeps $x \pm h$
    on the side of 0 where $x$ is, inside the domain of $\ln x$ or $\sqrt{x}$; $1/8$
    at $x = 0$) and $h_k = h_0/4^k$, and combined by Richardson extrapolation,
    $T_{k,j} = T_{k,j-1} + (T_{k,j-1} - T_{k-1,j-1})/(16^j - 1)$, which removes the
    $h^2$, $h^4$ and $h^6$ terms of the error. The error of each $T_{k,j}$ ($j = 2, 3$:
    three rows or more) is estimated by its distance from $T_{k,j-1}$ and
    $T_{k-1,j-1}$, and is never below the rounding
    $\rho = \epsilon\,(|f(x+h)| + |f(x-h)|)/2h$. The search stops when an estimate
    agrees with the others to within $2\rho$, or when rounding grows past the best
    error found (smaller steps could only be worse), and returns the estimate of least
    estimated error. If the first two differences already agree to rounding while
    rounding is above $10^{-13}$ of them, $f$ barely changes over $|x|/8$ ($e^x$ at
    $x = 10^{-12}$): the step first grows, to $|f| / 64|f'|$ at a time (at least 64
    times, at most $2^{64}$), until $f$'s curvature shows; where $f(x \pm h)$ are
    equal ($e^x$ at $10^{-20}$, ``np.tanh`` at 25, or a constant), to $\max(|x|, 1/4)/2$
    at most, which keeps $x \pm h$ on the side of 0 where $x$ is for $|x| \ge 1/4$.
    Near the peak of a bell ($e^{-x^2}$ at $10^{-5}$), $|f'|$ is far below $|f|$ over
    $f$'s width and that jump lands where $f$ has vanished: where $f$'s size changes by a
    factor of 2 at the longer step, or $f$ is not finite there (``np.cosh``), the step goes back
    to the middle, in logarithm, of the two; and no estimate farther than half of the
    last short step's difference from it (beyond that difference's rounding) is taken,
    since far beyond $f$'s features every difference is 0 and zeros agree.
    Where $f$ is not finite at $x \pm h$, the step shrinks. For an array `x`, each
    element searches for its own step.

    The steps |x|/8/4^k can span whole periods of f by chance (``np.sin`` at 1608.389,
    where |x|/8 is 64.0 π): every difference is then near 0, and they agree, on a wrong
    slope (-6.6e-5 for 0.994). So an estimate the search is sure of (its estimated error
    at most 1e-5 of it; others are refused anyway) is checked against one more
    difference, at its step divided by √8, a ratio no power of 4 matches. That
    difference's truncation error is an eighth of the one at the estimate's step, so it
    must lie within a quarter of that step's difference's distance from the estimate,
    beyond both differences' rounding and 4 times the estimated error. Where it misses
    by more, and by a quarter of the larger of the two values or more (f computed with
    cancellation is noisier than ρ shows, and would miss by a little; an estimate of a
    search run again must hold to 1e-6 of it), the search runs again from the shorter
    step, up to 3 times. Where the two searches agree, the estimate with the smaller
    error stands; where they differ, the new one replaces the first and is checked in
    turn. Where the search run again finds nothing (nothing finite, an estimated error
    not below 1/64 of the contradiction, or an exact 0 where a slope was seen: f's
    values round to one at its steps, as ``(1e13 + x) - 1e13`` at 1, whose values are
    multiples of 0.002), the first search's estimate stands as it was, since the check
    cannot tell f's noise from a wrong estimate there; but where the estimate checked
    came from a search run again, or the check still contradicts after the third,
    `derivative` raises rather than return it. The check still misses a periodic part on
    a linear trend at large |x| (``np.sin(x) + 0.1 * x`` at 7041168.516391329 gives 0.1
    for 0.25, as before: the check's step spans many periods too), and about one point
    in 100 000 of a periodic f at |x| up to 1e8 (``np.sin`` at 23878112.829131782),
    where its step also spans many periods and its difference is as small as the wrong
    slope, and more beyond: of 15 000 random points of ``np.sin`` from 1e11 to 1e12, 122
    are off by more than 1e-6 (301 before the check) and 13 206 refused.

    Where it still fails: the error cannot be below $f$'s own rounding, about
    $\epsilon |f| / h$ at the step found. Where that rounding leaves the estimate an
    estimated error over $10^{-5}$ of it ($f = 10^{10} + \sin x$, ``np.tanh`` from
    10 on), `derivative` raises rather than return a number with few digits (the estimate
    overstates the true error, so what it returns is right to about $10^{-6}$). An
    exact 0, from differences that were all 0, is returned as a zero slope ($f$
    symmetric about $x$, as ``np.cos`` or ``abs`` at 0, or constant near it, as
    ``np.floor`` at 2.5) unless another step found a slope that $f$'s rounding would
    hide at the steps that gave 0: then it raises the same error (``np.cos`` at
    $10^{-12}$, whose slope is $-10^{-12}$). Where $f$ never changed at any step
    (``np.tanh`` at 100, ``1 + 1e-17 * x``), the 0 it returns is off by at most about
    $\epsilon |f(x)| / h$ with $h = \max(|x|, 1/4)/2$, the longest step tried: the
    slope is hidden below $f$'s rounding there. A
    derivative far below the differences at longer steps (as $x^3 - x$ at
    $1/\sqrt 3$) is a zero slope, found to their absolute accuracy; a function
    computed with cancellation (``(1 - np.cos(x)) / x**2`` near 0) is noisier than
    $\rho$ and can cost more digits than the estimate shows, all of them where its
    terms are far larger than f near x: ``np.exp(t) - np.exp(0.001)`` at 0.001 gives
    0.0 for 1.001, since f(x ± h) round to one value at the shortest steps and those
    differences of 0 agree (compute such an f without the cancellation, or pass `h`); a
    corner where $f$ is symmetric (``abs`` at 0) gives the symmetric slope 0; values
    that overflow near `x` raise the ``ValueError`` of non-finite values (a Python
    float's ``OverflowError`` included), and values that underflow to 0 make $f$ a
    constant 0 there as computed: ``x**2`` at $10^{-200}$ gives 0 (the slope
    $2 \times 10^{-200}$ is lost with $f$'s values; ``np.maximum(x, 0)`` at $-1$ is 0 in
    the same way, and rightly), so scale such a function before differencing it.

    With an explicit `h`, or with ``method="forward"`` or ``"backward"`` (default step
    $\epsilon^{1/2}\max(1, |x|)$, the rule of chapter 1), one difference is taken at
    one step. The complex step subtracts nothing, so $h = 10^{-20}\max(1, |x|)$ leaves
    only the truncation error, far below $\epsilon$: exact to machine precision, if
    $f$ is real on the real axis. That is checked at $x$ itself: $\operatorname{Im}
    f(x)$ must be below $\sqrt{\epsilon}\,|\operatorname{Im} f(x + ih)|$. With the
    default h, three more things are done. Where Im f(x + ih), about h f'(x), would be
    below 2.3e-305 (1024 times the least normal float: f' under 2.3e-285 at h = 1e-20),
    h is lengthened by a power of 2 until it is not, up to 1.5e-8 max(1, |x|), past
    which it is a ValueError (1e-300 x at 1). Then h is divided by 256, up to 4 times,
    while the estimate changes by more than 4 eps and by at most 1/256 of the last
    change, as truncation does (1/x at 1e-14, where h = 1e-20 left an error of 1e-12).
    Last, the result must agree with the default central search (above) to 4 times that
    search's estimated error or 1e-10 of the result, whichever is larger:
    ``x * np.conj(x)`` is real on the real axis yet not analytic, and its complex step
    is then wrong (0 for 2). The search's estimate is taken even where `derivative`
    would refuse it: ``np.tanh`` at 20 passes, with the complex step's full digits.

    Cost: by default 2 evaluations of `f` per step tried and 2 for the check, typically
    8 to 18 (3 to 8 steps); more where the length over which $f$ changes is far from
    $|x|$, about 2 more for each factor of 4 (``np.sin`` at 1e8 takes 38), and at
    most 82, and that again for each search run again after the check (rarely). One
    difference takes 2 evaluations (forward, backward, central with `h`); the complex
    step 2, one of them the check that f is real at x, and with the default step 1
    more (the step divided by 256; up to 4, and 1 more where h is lengthened) and the
    evaluations of the default central search, which checks that f is analytic.
    When `x` is an array, each evaluation is one vectorised call for all elements.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import derivative
    >>> round(derivative(lambda x: 5 * x**2, 3.0), 6)
    30.0
    >>> round(derivative(lambda x: 1 / x, 1e-6) / 1e12, 9)   # -1/x^2 = -1e12
    -1.0
    >>> derivative(np.exp, np.array([0.0, 1.0]), method="complex").round(6)
    array([1.      , 2.718282])
    """
    f = as_callable(f, "f")
    x = as_real_array(x, "x")
    h = as_step(h, "h")
    method = as_choice(method, "method", METHODS)
    # --8<-- [start:differences]
    if method == "central" and h is None:
        # steps adapted to f, extrapolated: see Notes
        slope = _central_with_search(f, x)
    elif method == "complex":
        step, fz = _complex_step(f, x, h)  # h and f(x + ih); f(x) is real
        slope = fz.imag / step  # f'(x) = Im f(x + ih) / h
        if h is None:  # a user's h has its own truncation: no cross-check
            _check_against_central(lambda p: np.real(f(p + 0j)), x, slope, step)
    else:
        scale = np.maximum(1.0, np.abs(x))
        dx = h if h is not None else DEFAULT_STEP[method] * scale
        lo, hi = {
            "forward": (x, x + dx),
            "backward": (x - dx, x),
            "central": (x - dx, x + dx),
        }[method]
        _check_step_survives_rounding(hi - lo, x, h)
        rise = _evaluate(f, hi, x.shape) - _evaluate(f, lo, x.shape)
        slope = rise / (hi - lo)
    # --8<-- [end:differences]
    return float(slope) if x.ndim == 0 else np.asarray(slope, dtype=np.float64)


def _central_with_search(f: Callable, x: np.ndarray) -> np.ndarray:
    """Central differences at steps found by `mvc._adaptive.central_search`, element-wise."""
    search = _search(f, x)
    _check_search(search, x.ravel())
    return search.best.reshape(x.shape)


def _searched(f: Callable, x: float) -> tuple[float, float]:
    """f'(x) as `derivative` searches for it, without its refusals: the estimate and a bound
    on its error (for a 0 from differences that were all 0, the rounding of the longest or
    the slope seen at another step). Raises only where f was never finite."""
    search = _search(f, np.asarray(float(x)))
    if not search.finite[0]:
        _check_search(search, np.asarray([x]))
    return float(search.best[0]), float(_error_bound(search)[0])


def _search(
    f: Callable, x: np.ndarray, start: np.ndarray | None = None, longest: Any = None
) -> Any:
    """The finished `central_search` of f' at every element of `x` (from the steps `start`,
    or |x|/8, and no step longer than `longest`)."""
    flat = x.ravel()

    def row(h: np.ndarray) -> tuple[np.ndarray, ...]:
        with np.errstate(all="ignore"):
            hi, lo = flat + h, flat - h
        f_hi, f_lo = (
            _evaluate(f, p.reshape(x.shape), x.shape, finite=False).ravel() for p in (hi, lo)
        )
        with np.errstate(all="ignore"):
            run = hi - lo  # the distance between the points as stored
            half = np.abs(f_hi) / 2 + np.abs(f_lo) / 2  # (|f(x+h)| + |f(x-h)|) / 2, no overflow
            D, rho = (f_hi - f_lo) / run, (_EPS * half + _LEAST) / (run / 2)
            real = np.abs(f_hi / 2 - f_lo / 2) > 4 * _EPS * half  # f's change above its rounding
        finite = np.isfinite(f_hi) & np.isfinite(f_lo) & (run > 0)
        ok = finite & np.isfinite(D) & (rho <= _BIG)
        return D, rho, ok, np.where(finite & ~ok, 1 + real, 0)

    return central_search(row, flat, start=start, longest=longest)


def _check_search(
    search: Any,
    x: np.ndarray,
    at: Callable[[int], str] | None = None,
    spared: np.ndarray | None = None,
    refused: np.ndarray | None = None,
) -> None:
    """Raise where the search found no derivative: f never finite, estimates that never
    agree, or an estimate with too few digits of its own size (`_few_digits`, and where
    `refused`), but not where `spared`. `at(k)` names element k in the messages (by
    default ``x = <its value>``)."""
    at = at or (lambda k: f"x = {float(x[k])!r}")
    if not np.all(search.finite):
        k = int(np.argmin(search.finite))
        if search.large[k]:
            raise ValueError(_overflowed(search, at(k), k))
        raise ValueError(
            f"`f` near `x` must return finite values: at {at(k)} it was not finite "
            f"at x ± h for any step h tried, from {search.first_h[k]:.1e} down to "
            f"{search.last_h[k]:.1e}."
        )
    if np.any(search.doubted):  # the check contradicted the estimate, grossly (see Notes)
        k = int(np.argmax(search.doubted))
        h, D = search.check[:, k]
        raise ValueError(
            f"`f` is too noisy near {at(k)} for its derivative to be found: "
            f"its central differences gave {search.best[k]:.6g}, but one at the shorter step "
            f"{h:.1e} gave {D:.6g}, and searching again from shorter steps did not "
            "settle it (f "
            "computed with cancellation, as a large constant plus a small part, or in low "
            "precision, rounds far above its own size: compute it without the cancellation, "
            "or pass `h` to get the plain central difference at one step)."
        )
    no_digit = (search.error > NO_DIGIT * np.abs(search.best)) & (
        search.error * NOISE > search.rho  # not rho / NOISE: rho may be near 1.8e308 / 64
    )
    doubtful = _few_digits(search, no_digit)
    if refused is not None:
        doubtful |= refused
    if spared is not None:
        doubtful &= ~spared
    if np.any(doubtful):
        k = int(np.argmax(doubtful))
        best, error = search.best[k], search.error[k]
        error = error if best else max(error, search.seen[k])  # a slope of the size seen
        digits = (
            "no correct digit"
            if error >= abs(best)
            else (f"{max(0, int(-np.log10(error / abs(best)))):d} correct digits at most")
        )
        raise ValueError(
            f"`f` changes too little near {at(k)} for its derivative to be found: "
            f"f's rounding dominates its changes over every step tried, and the estimate "
            f"{best:.2g} carries an estimated error {error:.1g}, so it has {digits} "
            "(tanh or a sigmoid far out in its tail, or a large constant plus a small part: "
            "differentiate a form that keeps the small part, such as 1 - tanh)."
        )
    if np.any(no_digit | np.isnan(search.best)):
        k = int(np.argmax(no_digit | np.isnan(search.best)))
        raise ValueError(
            f"`f` does not look differentiable at {at(k)}: its central differences "
            f"at steps from {search.first_h[k]:.1e} down to {search.last_h[k]:.1e} never agree, "
            "even to one digit (a pole, a jump or a corner there, or f too noisy). "
            "Pass `h` to get the plain central difference at one step."
        )


def _error_bound(search: Any) -> np.ndarray:
    """Each estimate's error: its estimated error, and for an exact 0 also the slope seen at
    another step and the rounding that could hide it."""
    zero_error = np.maximum.reduce([search.error, search.seen, search.zero_rho])
    return np.where(search.best == 0, zero_error, search.error)


def _few_digits(search: Any, no_digit: np.ndarray) -> np.ndarray:
    """The estimates `derivative` refuses for their few digits: below f's rounding, or with an
    estimated error over `DOUBTFUL` of them (but not those that never agreed, `no_digit`)."""
    below = _below_rounding(search)  # before no_digit: tanh at 20 agrees with nothing
    return below if np.any(below) else _doubtful(search) & ~no_digit


def _overflowed(search: Any, at: str, k: int) -> str:
    """The message where f was finite at x ± h but the differences or their rounding overflowed:
    |f'| beyond the float range (1/x at 1e-160), or f too large for so short a step."""
    steps = f"at every step h from {search.first_h[k]:.1e} down to {search.last_h[k]:.1e}"
    biggest = f"the largest float, about {np.finfo(np.float64).max:.1e}"
    if search.steep[k]:
        return (
            f"The derivative of `f` at {at} overflows: f is finite near x, but "
            f"(f(x + h) - f(x - h)) / 2h is beyond {biggest}, {steps} where f was finite, "
            "so |f'(x)| cannot be a float. Rescale f or x (differentiate 1e-200 * f, say)."
        )
    return (
        f"`f` near {at} is too large to difference: f is finite, but the rounding of "
        f"(f(x + h) - f(x - h)) / 2h, about 2.2e-16 |f| / h, is beyond {biggest}, {steps}. "
        "Rescale f (differentiate 1e-200 * f, say)."
    )


#: A slope this small beside the longest step's difference is a zero slope, found to
#: that absolute accuracy (x^3 - x at 1/sqrt(3)).
ZERO_SLOPE = 1e-10


def _below_rounding(search: Any) -> np.ndarray:
    """Estimates with no digit: smaller than their error, where even the longest step's
    difference was within 16 roundings of 0 but not 0 (so not a symmetric f' = 0); and
    zeros that are not known to be a zero slope: every difference behind them was 0, but
    another step found a slope that f's rounding at those steps would hide (cos at 1e-12)."""
    _, D0, rho0 = search.top
    faint = (np.abs(D0) > 0) & (np.abs(D0) <= 16 * rho0)
    hidden = (search.best == 0) & (search.seen > 0) & (search.seen <= 16 * search.zero_rho)
    return (faint & (np.abs(search.best) < search.error)) | hidden


def _doubtful(search: Any) -> np.ndarray:
    """Estimates whose estimated error is not small against them, where the longest step's
    difference D0 was not 0 with a 0 estimate (a symmetric f' = 0) nor so much larger that
    the slope is a zero found to D0's absolute accuracy."""
    _, D0, _ = search.top
    against_value = search.error > DOUBTFUL * np.abs(search.best)
    not_symmetric = (np.abs(D0) > 0) | (search.best != 0)  # cos at 1e-12: D0 = 0 far out
    return not_symmetric & against_value & (search.error > ZERO_SLOPE * np.abs(D0))


def _check_real_on_the_axis(f0: np.ndarray, im: np.ndarray, x: np.ndarray | None) -> None:
    """The complex step needs f real at real x: Im f(x) must be negligible next to Im f(x + ih).

    `x` is the array of points of `derivative` (one per value), or None for the one point
    of `gradient` and `jacobian`.
    """
    bad = np.abs(f0.imag) > np.sqrt(_EPS) * np.abs(im)
    if np.any(bad):
        k = np.flatnonzero(bad.ravel())[0]
        at = "`x`" if x is None else f"x = {float(x.ravel()[k])!r}"
        raise ValueError(
            f"`f` must be real on the real axis for method='complex': at {at}, "
            f"f(x) = {complex(f0.ravel()[k]):.6g} is not real, so Im f(x + ih)/h is not "
            "its derivative. Use method='central'."
        )


def _check_analytic(along: Callable, slope: np.ndarray, scale: Any) -> None:
    """The complex step of `gradient` and `jacobian` is right only for complex-differentiable
    f: cross-check it against central differences at their fixed step, ``along(t)`` being
    f at x + t times a direction (`derivative` checks against its search instead).

    ``x * np.conj(x)`` or ``abs(x)**2`` are real on the real axis yet not analytic:
    Im f(x + ih) is then 0 whatever f' is. The two must agree to 1e-3, beyond the
    central difference's rounding and twice its truncation, |D(t) - D(2t)| (which is 3
    times the truncation of D(t)), at t = 6e-6 max(1, |x|).
    """
    t = _EPS ** (1 / 3) * scale
    values = [along(s) for s in (t, -t, 2 * t, -2 * t)]
    with np.errstate(all="ignore"):
        D, D2 = (values[0] - values[1]) / (2 * t), (values[2] - values[3]) / (4 * t)
        rounding = 8 * _EPS * (np.abs(values[0]) + np.abs(values[1])) / (2 * t)
        slack = 1e-3 * np.maximum(np.abs(D), np.abs(slope)) + rounding + 2 * np.abs(D - D2)
    bad = np.abs(D - slope) > slack
    if np.any(bad):
        k = np.flatnonzero(np.ravel(bad))[0]
        raise ValueError(
            "`f` must be complex-differentiable (analytic) for method='complex': the "
            f"complex step gives {float(np.ravel(slope)[k]):.6g} but a central difference "
            f"gives {float(np.ravel(D)[k]):.6g} (abs, conj or |x|**2 are not analytic). "
            "Use method='central'."
        )


def _complex_step(f: Callable, x: np.ndarray, h: float | None) -> tuple[np.ndarray, np.ndarray]:
    """The step h and f(x + ih), f(x) checked to be real. With the default h: lengthened
    where Im f(x + ih) would be subnormal, shortened while truncation shows (a user's h is
    taken as is)."""
    step = np.asarray(h if h is not None else DEFAULT_STEP["complex"] * np.maximum(1.0, np.abs(x)))
    fz = _evaluate(f, x + 1j * step, x.shape, kind="c")
    f0 = _evaluate(f, x + 0j, x.shape, kind="c")
    _check_real_on_the_axis(f0, fz.imag, x)
    if h is None:
        step, fz = _shortened(f, x, *_normal_imaginary_part(f, x, step, fz))
    return step, fz


#: Im f(x + ih) is kept at least this large: normal, with 2^10 to spare for f's own steps.
_IM_LEAST = np.finfo(np.float64).tiny * 2.0**10
#: ... by a step at most this long, relative to max(1, |x|): (h / length)^2 stays below eps
#: for f that changes over lengths of max(1, |x|) or more.
_LONGEST_COMPLEX = 2.0**-26


def _normal_imaginary_part(
    f: Callable, x: np.ndarray, step: np.ndarray, fz: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Lengthen h, by a power of 2, where 0 < |Im f(x + ih)| < `_IM_LEAST` (f' below
    2.3e-305 / h: a subnormal h f' keeps few digits); `ValueError` where it stays subnormal."""
    tiny = (fz.imag != 0) & (np.abs(fz.imag) < _IM_LEAST)
    if not np.any(tiny):
        return step, fz
    with np.errstate(divide="ignore"):
        factor = 2.0 ** np.ceil(np.log2(_IM_LEAST / np.abs(np.where(tiny, fz.imag, 1.0))))
    longest = _LONGEST_COMPLEX * np.maximum(1.0, np.abs(x))
    step = np.where(tiny, np.minimum(step * factor, longest), step)
    fz = _evaluate(f, x + 1j * step, x.shape, kind="c")
    still = (fz.imag != 0) & (np.abs(fz.imag) < np.finfo(np.float64).tiny)
    if np.any(still):
        k = int(np.flatnonzero(still.ravel())[0])
        raise ValueError(
            f"The derivative of `f` at x = {float(x.ravel()[k])!r} is too small for the complex "
            f"step: even at h = {float(step.ravel()[k]):.1e}, Im f(x + ih) = "
            f"{float(fz.imag.ravel()[k]):.1e} is subnormal and keeps few digits. Scale f up "
            "(differentiate 1e300 * f, say) or use method='central'."
        )
    return step, fz


def _shortened(
    f: Callable, x: np.ndarray, step: np.ndarray, fz: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Shorten h by 256 while Im f(x + ih) / h changes beyond rounding (4 eps), at most 4
    times: its truncation, h^2 f''' / 6, shows where f changes over lengths near h
    (1/x at 1e-14, where h = 1e-20 left 1e-12 of error). Truncation falls 65536-fold
    with each shortening; a change that does not fall at least 256-fold is rounding, not
    truncation, and stops the shortening (1e-300 / x at 1e-10 walked to 2e-12 of error).
    A shorter step whose Im f is subnormal or 0 is not taken."""
    last = np.full(x.shape, np.inf)  # the change at the last shortening
    for _ in range(4):
        short = step / 256
        fz_short = _evaluate(f, x + 1j * short, x.shape, kind="c")
        with np.errstate(all="ignore"):
            s, s_short = fz.imag / step, fz_short.imag / short
            change = np.abs(s_short - s)
        normal = np.abs(fz_short.imag) >= _IM_LEAST
        move = normal & (change > 4 * _EPS * np.abs(s_short)) & (change <= last / 256)
        if not np.any(move):
            break
        step, fz = np.where(move, short, step), np.where(move, fz_short, fz)
        last = np.where(move, change, 0.0)  # an element that stopped stays stopped
    return step, fz


def _check_against_central(f: Callable, x: np.ndarray, slope: np.ndarray, step: Any) -> None:
    """The complex step is right only for complex-differentiable f, and where h is short
    against f's features: it must agree with the central search of `derivative` of `f`
    (Re f(x + 0j), as the complex step evaluates it), to 4 times that search's own
    estimated error or 1e-10 of the slope, whichever is larger.

    ``x * np.conj(x)`` is real on the real axis yet not analytic: Im f(x + ih) is then not
    h f'(x). The search's estimate is taken without its refusals (tanh far out, where
    it has few digits and the complex step all of them, passes with its large error).
    """
    search = _search(f, x)
    if not np.all(search.finite):
        _check_search(search, x.ravel())
    best = search.best.reshape(x.shape)
    error = _error_bound(search).reshape(x.shape)
    bad = np.abs(slope - best) > np.maximum(4 * error, 1e-10 * np.abs(slope))
    if np.any(bad):
        k = int(np.flatnonzero(bad.ravel())[0])
        raise ValueError(
            f"The complex step at x = {float(x.ravel()[k])!r} gives "
            f"{float(np.ravel(slope)[k]):.6g} but central differences give "
            f"{float(best.ravel()[k]):.6g} ± {float(error.ravel()[k]):.1g}: `f` must be "
            "complex-differentiable (analytic) for method='complex' (abs, conj or |x|**2 are "
            f"not), and change little over h = {float(np.ravel(step)[k]):.1e} (else pass `h`). "
            "Use method='central'."
        )


def _check_analytic_along(
    g: Callable, point: np.ndarray, J: np.ndarray, scale: np.ndarray, shape: tuple
) -> None:
    """`_check_analytic` of a Jacobian, along one direction d that is no axis alone."""
    d = scale * (1 + np.arange(point.size) / point.size)

    def along(t: float) -> np.ndarray:
        return _each(g, [point + t * d + 0j], 1, shape, kind="c")[0].real

    _check_analytic(along, J @ d, 1.0)  # the slope along d, as one difference sees it


def _check_step_survives_rounding(run: np.ndarray, x: np.ndarray, h: float | None) -> None:
    """A step below half the spacing of floats at `x` vanishes: x + h == x, and 0/0 follows."""
    if np.any(run == 0):
        where = x if x.ndim == 0 else x[run == 0][0]
        raise ValueError(
            f"`h` must be large enough that x + h differs from x in floating point, got {h!r} "
            f"at x = {float(where)!r}; use at least {float(np.spacing(where)):.1e}."
        )


def _evaluate(
    f: Callable, points: np.ndarray, shape: tuple[int, ...], *, kind: str = "f", finite: bool = True
) -> np.ndarray:
    """Call `f` once: with a Python number for a scalar point, else the whole array.

    numpy's warnings inside `f` are silenced: a non-finite value is reported by
    `check_values` as a `ValueError` instead (or let through, with ``finite=False``).
    """
    arg = points.item() if points.ndim == 0 else points
    with np.errstate(all="ignore"):
        values = as_returned_array(_call(f, arg, shape), "`f` near `x`")
    return check_values(values, shape, "`f` near `x`", kind=kind, finite=finite)


def _call(f: Callable, arg: Any, shape: tuple[int, ...] | None) -> Any:
    """f(arg), where a Python number's OverflowError (``1e155 ** 2``) is the inf numpy
    gives, and its ZeroDivisionError or math domain error (``math.log`` of a negative) the
    nan (`value_or_nan`): not finite, as the caller says, not a raw error."""
    try:
        return f(arg)
    except OverflowError:
        return np.full(shape or (), np.inf)
    except ArithmeticError:  # 1/0
        return np.full(shape or (), np.nan)
    except ValueError as error:
        if not MATH_DOMAIN.fullmatch(str(error)):
            raise  # the user's own
        return np.full(shape or (), np.nan)


def gradient(
    f: Callable,
    x: float | np.ndarray,
    *,
    h: float | None = None,
    method: str = "central",
) -> np.ndarray:
    r"""Gradient $\nabla f(x)$ of a scalar function of $n$ variables, by finite differences.

    Accuracy: by default about $10^{-10}$ of each partial derivative or f's rounding over
    the step, checked (see Notes); with ``method="forward"`` or ``"backward"``, or an
    explicit `h`, the error of one difference per axis, not checked ($10^{-7}$ forward or
    backward where $f$ changes over lengths of about $\max(1, |x_i|)$ along axis $i$;
    rounding for the complex step).

    Parameters
    ----------
    f : callable
        The function, ``f(x) -> float``, called with one point at a time: a 1-D
        float array of length $n$ (a Python number when `x` is a number).
    x : float or array_like
        The point: a number or a 1-D array of $n$ numbers.
    h : float, optional
        Absolute step along every axis. By default axis $i$ gets the one-step
        default of `derivative` for the method, $\epsilon^{1/3}\max(1, |x_i|)$ for
        central differences.
    method : {"central", "forward", "backward", "complex"}
        The difference taken along each axis, as in `derivative`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``: the partial derivatives $\partial f / \partial x_i$ (the one
        row of `jacobian`, flat).

    Raises
    ------
    TypeError
        If `f` is not callable, `x` is not real numbers, or `h` is not a number.
    ValueError
        If `x` is empty, 2-D or not finite, `h` is not positive, `method` is unknown,
        or `f` returns anything but one real number (`jacobian` takes vector
        functions) or a non-finite one (by default: at every step tried); by default,
        also where an entry has no derivative that floats can show (see Notes); with
        ``method="complex"``, if `f` returns real values or $f(x)$ is not real.

    Notes
    -----
    Partial derivative $i$ is the derivative of chapter 1 along axis $i$, the other
    variables held constant: centrally,
    $\frac{\partial f}{\partial x_i} \approx \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2 h_i}$,
    $h_i = \epsilon^{1/3} \max(1, |x_i|)$, with the divisor as stored. The errors are
    those of one difference: central $\sim \epsilon^{2/3} \approx 10^{-11}$ relative
    to $f$'s scale, forward and backward $\sim 10^{-8}$, complex step exact to rounding
    (and checked, as in `derivative`, at the real point: one more evaluation).

    The step assumes that $f$ changes over a length of about $\max(1, |x_i|)$ along axis
    $i$, which is not scale-free: ``1 / v[0]`` at 1e-6 gave +2.8e10 for -1e12, and
    ``np.sin(v[0])`` at 1e8 -4.2e-4 for -0.36. So by default (central, no `h`) each
    difference is checked against one at $h_i / \sqrt 8$ and, where $|x_i| / 8$ is
    shorter, one there: their truncations differ, so they must agree to 1e-8 of the
    entry beyond their rounding. A column where they do not, or where $f$ is not finite
    there, is searched for as `derivative` does, from $h_i$ or $|x_i| / 8$, whichever is
    shorter, never farther from `x` than $h_i$. A searched entry of few digits stands
    only where the plain difference or its error's size vouches for it; a search that
    grew its step and disagrees with a difference that passed the check leaves that
    difference, as does a search that agrees with one whose disagreement with the
    shorter step was under 1e-5 of it (f a little noisy, as a root found by bisection:
    shorter steps only make the noise louder). Else, and where $f$ is noisier or has a
    pole, a jump or a corner at `x`, a ``ValueError`` names ``x[j]``. A difference that
    passes is right to its rounding, $\epsilon |f| / h_i$ at most: ``v @ v + 1e10`` at
    $(1, 2)$ gives $(1.89, 3.94)$ for $(2, 4)$, as its rounding allows (``np.tanh`` far
    out, as in `derivative`). The check cannot see features shorter than $h_i / \sqrt 8$
    and $|x_i| / 8$ alike that leave the differences agreeing. To check a gradient of
    your own, use `mvc.check_gradient`.

    Cost: $2n$ evaluations of `f` for central, $n + 1$ for forward and backward
    (they share $f(x)$), $n + 3$ for complex (two check it). The default central check
    makes it $4n + 1$, 2 more per step at $|x_i| / 8$, and typically 8 to 30 more per
    entry searched for. Memory: the points are made one at a time, so beyond `f`'s own
    needs it is $O(n)$, not the $n \times n$ of a matrix of steps (a search of $k$
    entries keeps about 30 numbers per entry).

    Examples
    --------
    >>> from mvc import gradient
    >>> gradient(lambda v: v[0]**2 * v[1] + 3 * v[2], [1.0, 2.0, 3.0]).round(6)
    array([4., 1., 3.])
    """
    return _jacobian(f, x, h, method, shape=())[0]


def jacobian(
    f: Callable,
    x: float | np.ndarray,
    *,
    h: float | None = None,
    method: str = "central",
) -> np.ndarray:
    r"""Jacobian $J_{ij} = \partial f_i / \partial x_j$ of $f: \mathbb{R}^n \to \mathbb{R}^m$.

    Accuracy: as `gradient`, for each row: by default about $10^{-10}$ of each entry or
    f's rounding over the step, checked as the Notes of `gradient` say.

    Parameters
    ----------
    f : callable
        The function, ``f(x) -> float or 1-D array`` whose length $m$ does not
        change between calls; `x`, `h` and `method` are as in `gradient`.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, n)``: row $i$ is the gradient of $f_i$. A scalar `f` gives the
        course's row vector, shape ``(1, n)``.

    Raises
    ------
    TypeError, ValueError
        As `gradient`, except that `f` may return a 1-D array: a 2-D array, a
        length other than at the first call, or a non-finite value is a `ValueError`.

    Notes
    -----
    Column $j$ is the derivative of the whole vector $f$ along axis $j$: centrally,
    $J_{:,j} \approx \frac{f(x + h_j e_j) - f(x - h_j e_j)}{2 h_j}$, with the steps
    and errors of `gradient`, and by default its check.

    Cost: $2n$ evaluations of `f` for central, $n + 1$ for forward and backward,
    $n + 5$ for complex (six check it; $n + 1$ with `h`), whatever $m$ is; the default
    central check adds as for `gradient`. Memory: $O(n + mn)$, one point at a time and the
    values that make up $J$.

    Examples
    --------
    >>> import numpy as np
    >>> from mvc import jacobian
    >>> polar = lambda p: [p[0] * np.cos(p[1]), p[0] * np.sin(p[1])]
    >>> jacobian(polar, [2.0, 0.0]).round(6)
    array([[1., 0.],
           [0., 2.]])
    """
    return _jacobian(f, x, h, method, shape=None)


def hessian(f: Callable, x: float | np.ndarray, *, h: float | None = None) -> np.ndarray:
    r"""Hessian $H_{ij} = \partial^2 f / \partial x_i \partial x_j$, by central differences.

    Accuracy: by default each entry is checked: second differences at the step h and at
    h / sqrt(8) must agree, beyond their rounding, to 1e-6 of the entry's scale (its size,
    or the geometric mean of the largest entries of its row and column); where |x_i| / 8
    is shorter, a diagonal entry must agree with one there too. An entry that fails (and
    the mixed entries of its axis) is searched for at shorter steps, never farther from x
    than h (``np.sin(v[0]) * v[1]`` at (1e8, 1), 1/x at 1e-6, log x at 1e-7), and
    taken where the search's error is under 1e-6 of that scale; else a ValueError names
    the entry (a kink, a pole, a jump, noise). What remains is rounding, about
    100 eps (|f| + sum_k |x_k df/dx_k|) / (h_i h_j) (all of an entry where f is a large
    constant plus a small part; 3e-4 of it 1e-5 from a zero of sin(500 x)), features
    shorter than h / sqrt(8) along an axis where x_i = 0, and f computed
    with cancellation (cos x - 1 + x^2 / 2, log(1 + x^2) at tiny x): the function
    computed is not the one meant (at x = 1e-8 that one is exactly x^2 / 2, and H = 1
    for 5e-17); compute f without the cancellation.

    Parameters
    ----------
    f : callable
        The function, ``f(x) -> float``; `f` and `x` as in `gradient`.
    h : float, optional
        Absolute step along every axis, used as it is (no check). By default
        $h_i = \epsilon^{1/4} \max(1, |x_i|)$, checked.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, n)``, exactly symmetric.

    Raises
    ------
    TypeError, ValueError
        As `gradient` (there is no `method`); by default also a `ValueError` where an
        entry is not found (see Accuracy) or `f` returns float32 (its rounding hides
        second differences).

    Notes
    -----
    With $f_{\pm i} = f(x \pm h_i e_i)$ and $f_{\pm ij} = f(x \pm h_i e_i \pm h_j e_j)$,

    $$H_{ii} \approx \frac{f_{+i} - 2 f(x) + f_{-i}}{h_i^2}, \qquad
    H_{ij} \approx \frac{f_{+ij} - f_{+i} - f_{+j} + 2 f(x) - f_{-i} - f_{-j} + f_{-ij}}
    {2 h_i h_j},$$

    both with truncation error $O(h^2)$. The mixed formula reuses the diagonal's
    points, so it needs two new points per pair, not the four of
    $\frac{f_{++} - f_{+-} - f_{-+} + f_{--}}{4 h_i h_j}$ (which is also what
    differencing central gradients gives). Round-off is $\sim \epsilon |f| / h^2$, so
    the error $h^2 + \epsilon / h^2$ is least at $h \sim \epsilon^{1/4} \approx
    1.2 \times 10^{-4}$, where it is $\sim \epsilon^{1/2} \approx 10^{-8}$ relative to
    $|f|$. Each step is taken as stored, $(x_i + h_i) - x_i$, so that $x + h_i e_i$
    is exact. The upper triangle is computed and mirrored.

    Cost: $n^2 + n + 1$ evaluations of `f` per step (the four-point formula needs
    $2n^2 + 1$), so $2(n^2 + n) + 1$ with the check (2 more per axis checked at
    |x_i| / 8), and per entry searched 2 (diagonal) or 4 per shorter step, typically 10
    to 100 in all. The search takes the steps as stored on each side, off the diagonal
    the four-point formula (exact in f_i and f_ii for unequal steps), and extrapolates
    pairs of steps (Richardson).
    Memory: $O(n^2)$, the Hessian and the values it is made from; the points are
    made one at a time.

    Examples
    --------
    >>> from mvc import hessian
    >>> hessian(lambda v: v[0]**2 * v[1] * v[2], [1.0, 2.0, 3.0]).round(6)
    array([[12.,  6.,  4.],
           [ 6.,  0.,  1.],
           [ 4.,  1.,  0.]])
    """
    f = as_callable(f, "f")
    point = as_point(x, "x")
    h = as_step(h, "h")
    g = _of_a_point(f, scalar=np.ndim(x) == 0)
    step = h if h is not None else HESSIAN_STEP * np.maximum(1.0, np.abs(point))
    step = (point + step) - point  # the step as stored: x + h_i e_i is exact
    _check_step_survives_rounding(step, point, h)
    if h is None:
        return _checked_second(g, point, step)
    return _second_differences(g, point, step)[0]


#: The check of `hessian`: its second differences at the step h and at h / sqrt(8) must
#: agree, beyond both roundings, to this part of the entry's scale (its own size, or the
#: geometric mean of its row's and column's largest entries): the truncation of the first
#: is 8/7 of their disagreement. An entry where they do not is searched for. (1e-7 refused
#: quadratic forms at their minimum, whose large terms round beyond eps |f|.)
AGREE_SECOND = 1e-6
#: ... and a searched entry's error (its truncation and rounding) under this part of it.
ROUNDED_SECOND = 1e-6
#: Steps of that search, at most: each is the last over sqrt(8).
SECOND_STEPS = 60


def _checked_second(g: Callable, point: np.ndarray, step: np.ndarray) -> np.ndarray:
    """The default Hessian: second differences at h and at h / sqrt(8); where they agree
    beyond their roundings (`AGREE_SECOND`) the first is the entry, elsewhere the entry is
    searched for (`_second_searched`) from shorter steps: the diagonal's first, then the
    mixed entries, with those of every axis whose diagonal was searched (f changes along
    it over lengths shorter than h, which a mixed entry's differences may not show: 1/x^2
    at 2e-9 gives -f(x) at h and h / sqrt(8)). f is never called farther from x than h."""
    kinds: list[np.dtype] = []  # of f's first value: its rounding is what is assumed

    def first(p: np.ndarray) -> Any:
        value = g(p)
        try:  # a Python number: 64 bits; a dtype numpy cannot read: _each's checks say
            kinds.append(np.dtype(getattr(value, "dtype", np.float64)))
        except TypeError:
            kinds.append(np.dtype(np.float64))
        return value

    f0 = _each(first, [point.copy()], 1, ())[0]
    if kinds[0].kind == "f" and np.finfo(kinds[0]).eps > _EPS:
        raise ValueError(
            f"`f` must return float64 values for its Hessian to be checked, got {kinds[0]}: "
            f"its rounding, {np.finfo(kinds[0]).eps:.1e} of |f|, hides second differences at "
            "any step the check takes (the differences of float32(x^2) round to 0). "
            "Return float64, or pass `h` to get the plain second differences at one step."
        )
    H, rho = _second_differences(g, point, step, finite=False, f0=f0)
    H2, rho2 = _second_differences(g, point, step / CHECK, finite=False, f0=f0)
    with np.errstate(all="ignore"):
        miss = np.abs(H - H2) - 4 * (rho + rho2)
        usable = np.isfinite(miss) & np.isfinite(rho) & np.isfinite(H)
        miss = np.where(usable, np.maximum(miss, 0.0), np.inf)
        scale = _second_scale(H, miss <= AGREE_SECOND * np.abs(H))
        ok = usable & (miss <= AGREE_SECOND * scale)
    # Where |x_i| / 8 is shorter than h / sqrt(8) (x in units that make it small), both
    # steps can lie beyond f's features, in a part that is exactly quadratic there: the
    # diagonal must agree with one more difference at |x_i| / 8, as `gradient`'s columns do
    third = np.flatnonzero(_own_step(point) & (np.abs(point) / 8 < step / CHECK))
    near = np.full(point.size, np.inf)  # where f changes over lengths of x itself, |x_i|
    if third.size:
        t = np.abs(point[third]) / 8
        steps = [(point[third] + t) - point[third], point[third] - (point[third] - t)] * 2
        D3, rho3 = _second_row(g, point, float(f0), third, third, steps)
        with np.errstate(all="ignore"):
            miss3 = np.abs(D3 - H[third, third]) - 4 * (rho3 + rho[third, third])
            agree = miss3 <= AGREE_SECOND * scale[third, third]
            # f changes over lengths of x_i where the difference there is beyond its
            # rounding (not where only the one at h was off: exp(x / 1e-6) at 1e-20)
            shown3 = np.abs(D3) > 4 * rho3
        ok[third, third] &= agree
        near[third[~agree & shown3]] = np.abs(point[third[~agree & shown3]])
    if np.all(ok):
        return H
    H_plain = H.copy()
    good = step.copy()  # each axis's step: where its diagonal entry agreed, or was found
    # the rounding the check lets an entry that passed have
    with np.errstate(all="ignore"):
        passed = np.where(ok & np.isfinite(rho + rho2), 4 * (rho + rho2), 0.0)
    error = np.where(ok, passed, np.inf)
    # of a searched entry: the larger of the differences its estimate was made from, and
    # whether it is an exact 0 from differences all 0
    made_of, flat_zero = np.zeros_like(H), np.zeros(H.shape, dtype=bool)
    axes = np.flatnonzero(~np.diag(ok))
    if axes.size:
        found, error[axes, axes], good[axes], seen, zero = _second_searched(
            g, point, float(f0), axes, axes, step[axes], step[axes], near
        )
        H[axes, axes] = found
        made_of[axes, axes], flat_zero[axes, axes] = seen, zero
    # mixed entries that passed, along an axis whose diagonal did not, are searched too;
    # where the search agrees with them (within its error), they stand
    plain = ok.copy()
    ok[axes, :] = ok[:, axes] = False
    i, j = np.nonzero(np.triu(~ok, k=1))
    if i.size:
        found, e, seen, zero = _mixed_searched(g, point, float(f0), i, j, step, good, near)
        with np.errstate(all="ignore"):
            stands = plain[i, j] & (np.abs(found - H[i, j]) <= e)
        H[i, j] = np.where(stands, H[i, j], found)
        error[i, j] = np.where(stands, passed[i, j], e)
        made_of[i, j], flat_zero[i, j] = np.where(stands, 0.0, seen), ~stands & zero
        for grid in (H, error, made_of, flat_zero):
            grid[j, i] = grid[i, j]
    ok = plain & (H == H_plain)  # the entries that passed the check and stand
    with np.errstate(all="ignore"):
        # a searched entry stands where its error (truncation and rounding) is within
        # `ROUNDED_SECOND` of its scale: its size, the geometric mean of its row's and
        # column's largest entries (of those that passed or have two digits), or, for an
        # estimate near 0 that cancels the differences it was made from (x^4 at 0), those
        # differences. An exact 0 from differences all 0 (f flat there, or its values
        # rounding alike) stands where its rounding is under `ROUNDED_SECOND` of the
        # Hessian's largest entry, or below what a float can carry (f exactly 0 there)
        own = error <= 1e-2 * np.abs(H)
        scale = np.maximum(_second_scale(H, ok | own), made_of)
        largest = np.max(np.where((ok | own) & np.isfinite(H), np.abs(H), 0.0))
        flat = flat_zero & ((error <= ROUNDED_SECOND * largest) | (error < _NORMAL))
        kept = ok | (error <= ROUNDED_SECOND * scale) | flat
    if not np.all(kept):
        a, b = (int(k) for k in np.argwhere(~kept)[0])
        where = f"x[{a}] = {float(point[a])!r}" + (
            "" if a == b else f", x[{b}] = {float(point[b])!r}"
        )
        if not np.isfinite(H[a, b]):
            raise ValueError(
                f"The second differences of `f` for H[{a}, {b}] at {where} were not finite "
                f"at any step tried, from {step[a]:.1e} down: f is not finite near x, or f or "
                "its differences overflow (|f| or H near 1.8e308). Rescale f "
                "(1e-200 * f, say) or x."
            )
        raise ValueError(
            f"`f` does not have a second derivative H[{a}, {b}] that its differences can "
            f"find at {where}: second differences at shorter and shorter steps, from "
            f"{step[a]:.1e}, never agreed to {AGREE_SECOND:.0e} of the Hessian's entries "
            f"(best: {H[a, b]:.6g}, with an estimated error {error[a, b]:.1g}). f may have a "
            "kink, a pole or a jump there, or be too noisy (a large constant plus a small "
            "part). Pass `h` to `hessian` to get the plain second differences at one step."
        )
    return H


def _second_scale(H: np.ndarray, trusted: np.ndarray) -> np.ndarray:
    """Each entry's scale: its own size, or the geometric mean of the largest `trusted`
    entries of its row and its column (an entry near 0 beside large ones)."""
    with np.errstate(all="ignore"):
        row = np.max(np.where(trusted & np.isfinite(H), np.abs(H), 0.0), axis=1)
        return np.maximum(np.abs(H), np.sqrt(row[:, None]) * np.sqrt(row[None, :]))


def _second_searched(
    g: Callable,
    x: np.ndarray,
    f0: float,
    i: np.ndarray,
    j: np.ndarray,
    ti: np.ndarray,
    tj: np.ndarray,
    near: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """H_ij for the entries (i, j), i <= j, from second differences at the steps (t_i,
    t_j) = (ti, tj), then both over sqrt(8), 8, ..., combined two by two by Richardson
    extrapolation (which removes their t^2 error). Of each two estimates in a row, the
    longer step's counts, with its error (their whole disagreement plus its rounding);
    the one with the least error against its size, or against the rounding at the
    first step where it is smaller (an exact 0), is taken. An entry stops once two
    estimates agree to their roundings, its rounding alone is past its best error
    (shorter steps only do worse), or after `SECOND_STEPS` steps. Returns the estimates,
    their errors, their steps t_i, the larger of the two differences each was made from,
    and whether it is an exact 0 from differences that were all 0 (f's values at every
    step alike: f flat there, or rounding alike)."""
    m = i.size
    cols = np.arange(m)
    # two estimates per entry: from steps longer than `near` (slot 0) and from steps at
    # most `near` (slot 1; every step where `near` is inf). Along an axis where a
    # difference at |x_i| / 8 showed f changing over lengths of x_i itself, steps longer
    # than |x_i| reach across 0 and past what sets f's scale, and their estimates may
    # agree on what f is beyond it (x^5 in units of 1e-8 hid a sin term's 12%): where
    # both slots hold a sure estimate and they disagree, the shorter steps' stands.
    best, error = np.full((2, m), np.nan), np.full((2, m), np.inf)
    at, seen, zero = np.tile(ti, (2, 1)), np.zeros((2, m)), np.zeros((2, m), dtype=bool)
    key = np.full((2, m), np.inf)
    near_i, near_j = near[i], near[j]
    live = np.ones(m, dtype=bool)
    sure = np.zeros(m, dtype=bool)  # an estimate to ROUNDED_SECOND of itself was seen
    floor = None  # each entry's rounding at its first step where f was finite: its least
    last = None  # the last step's D, rho, R, rho_R
    D_before = np.full(m, np.nan)  # the D of the step before the last
    for k in range(SECOND_STEPS):
        a, b = ti / CHECK**k, tj / CHECK**k
        with np.errstate(all="ignore"):
            steps = [(x[i] + a) - x[i], x[i] - (x[i] - a), (x[j] + b) - x[j], x[j] - (x[j] - b)]
        live &= np.all([s > 0 for s in steps], axis=0)
        if not np.any(live):
            break
        D, rho = np.full(m, np.nan), np.full(m, np.inf)
        D[live], rho[live] = _second_row(g, x, f0, i[live], j[live], [s[live] for s in steps])
        floor = rho if floor is None else np.where(np.isfinite(floor), floor, rho)
        R = rho_R = None
        if last is not None:
            D_last, rho_last, R_last, rho_R_last = last
            with np.errstate(all="ignore"):
                R, rho_R = (8 * D - D_last) / 7, (8 * rho + rho_last) / 7
                if R_last is not None:
                    gap = np.abs(R - R_last)
                    # the whole disagreement counts: what hides in the roundings may be
                    # truncation as well
                    e = np.where(np.isfinite(gap), gap, np.inf) + 2 * rho_R_last
                    score = e / np.maximum(np.abs(R_last), floor)
                    # an exact 0 where f's values all rounded alike (1 - cos(1e5 t) at
                    # tiny t) is no estimate once a sure one was seen at longer steps
                    flat = (R_last == 0) & (gap == 0)
                    close = (a * CHECK**2 <= near_i) & (b * CHECK**2 <= near_j)
                    slot = close.astype(int)
                    better = live & (score < key[slot, cols]) & ~(flat & sure)
                    sure |= live & ~flat & (e <= ROUNDED_SECOND * np.abs(R_last))
                    s_, c_ = slot[better], cols[better]
                    best[s_, c_], error[s_, c_] = R_last[c_], e[c_]
                    key[s_, c_], at[s_, c_] = score[c_], a[c_] * CHECK
                    made_of = np.fmax(np.abs(D_last), np.abs(D_before))
                    seen[s_, c_], zero[s_, c_] = made_of[c_], flat[c_]
                    # settled at the shorter steps (agreeing to rounding), or rounding
                    # past their best error
                    settled = better & close & (gap <= 4 * (rho_R + rho_R_last))
                    live &= ~(settled | (close & (rho_R > error[1])) | (flat & sure))
        if last is not None:
            D_before = last[0]
        last = D, rho, R, rho_R
    pick = _second_choice(best, error, key[1] <= key[0], True).astype(int)
    return (
        best[pick, cols],
        error[pick, cols],
        at[pick, cols],
        seen[pick, cols],
        zero[pick, cols],
    )


def _mixed_searched(
    g: Callable,
    x: np.ndarray,
    f0: float,
    i: np.ndarray,
    j: np.ndarray,
    step: np.ndarray,
    good: np.ndarray,
    near: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The mixed entries (i, j), searched twice where their axes' diagonals were found at
    shorter steps than h: with both steps shrinking together from h (the stencil's
    proportions: a ridge along x_i - x_j shows at every step), and from each axis's own
    step (8 times the step its diagonal was found at, or h: where one axis's features are
    far shorter than the other's, sin(v0) v1 at (1e8, 1), shrinking both together leaves
    too short a step along the other). Where both find an estimate to `ROUNDED_SECOND` of
    itself and they agree, the more exact stands; where they disagree, the one found at
    the shorter steps (relative to h, the longer of its two): agreement at long steps
    proves nothing where f's features are shorter (2 x0 x1 + a log term in units of 1e-8
    read 2 where it is 2.09). Where only one finds such an estimate, it stands. Returns
    as `_second_searched` does, without the steps."""
    best, error, at, seen, zero = _second_searched(g, x, f0, i, j, step[i], step[j], near)
    reach = at / step[i]  # both shrink together: the relative step along both axes
    ta, tb = np.minimum(step[i], 8 * good[i]), np.minimum(step[j], 8 * good[j])
    other = np.flatnonzero((ta < step[i]) | (tb < step[j]))
    if other.size == 0:
        return best, error, seen, zero
    a, b = i[other], j[other]
    best2, error2, at2, seen2, zero2 = _second_searched(g, x, f0, a, b, ta[other], tb[other], near)
    reach2 = at2 / ta[other] * np.maximum(ta[other] / step[a], tb[other] / step[b])
    with np.errstate(all="ignore"):
        score1 = np.nan_to_num(error[other] / np.abs(best[other]), nan=np.inf)
        score2 = np.nan_to_num(error2 / np.abs(best2), nan=np.inf)
    pair = np.stack([best[other], best2]), np.stack([error[other], error2])
    take = _second_choice(*pair, score2 < score1, reach2 < reach[other])
    firsts, seconds = (best, error, seen, zero), (best2, error2, seen2, zero2)
    for whole, part in zip(firsts, seconds, strict=True):
        whole[other[take]] = part[take]
    return best, error, seen, zero


def _second_choice(best: np.ndarray, error: np.ndarray, better: Any, shorter: Any) -> np.ndarray:
    """Whether the second of two estimates per entry (rows of `best` and `error`) stands
    over the first: where both are sure (error within `ROUNDED_SECOND` of themselves), the
    `better` where they agree and the one from `shorter` steps where they disagree; where
    one is sure, that one; else the `better`."""
    with np.errstate(all="ignore"):
        sure = error <= ROUNDED_SECOND * np.abs(best)
        agree = np.abs(best[0] - best[1]) <= error[0] + error[1]
    return np.where(
        sure[0] & sure[1],
        np.where(agree, better, shorter),
        np.where(sure[0] | sure[1], sure[1], better),
    )


def _second_row(
    g: Callable,
    x: np.ndarray,
    f0: float,
    i: np.ndarray,
    j: np.ndarray,
    steps: list,
) -> tuple[np.ndarray, np.ndarray]:
    """One step's second differences for the entries (i, j) and their rounding; `steps`
    are each entry's (t_i up, t_i down, t_j up, t_j down), as stored. On the diagonal the
    steps on each side are taken as they are (x - t may not be exact: the asymmetry would
    add f' times it over t^2); a mixed entry takes the four points (x_i ± t_i, x_j ± t_j),
    whose f_i and f_ii terms cancel exactly for any such steps."""
    diagonal = i == j
    ia, id_, ja, jd = steps

    def points() -> Iterator[np.ndarray]:
        for e, (a, b) in enumerate(zip(i, j, strict=True)):
            corners = ((1, 1), (-1, -1)) if a == b else ((1, 1), (1, -1), (-1, 1), (-1, -1))
            for sa, sb in corners:
                p = x.copy()
                p[a] = x[a] + ia[e] if sa > 0 else x[a] - id_[e]
                if a != b:
                    p[b] = x[b] + ja[e] if sb > 0 else x[b] - jd[e]
                yield p

    sizes = np.where(diagonal, 2, 4)
    values = _each(g, points(), int(np.sum(sizes)), (), finite=False)
    ends = np.cumsum(sizes)
    D, rho = np.empty(i.size), np.empty(i.size)
    with np.errstate(all="ignore"):
        for e in range(i.size):
            v = values[ends[e] - sizes[e] : ends[e]]
            if diagonal[e]:  # 2 [(f+ - f0) / t+ - (f0 - f-) / t-] / (t+ + t-)
                up, down = ia[e], id_[e]
                D[e] = 2 * ((v[0] - f0) / up - (f0 - v[1]) / down) / (up + down)
                rounding = _EPS * (abs(v[0]) + 2 * abs(f0) + abs(v[1])) + 4 * _LEAST
                rho[e] = rounding / (up * down)
            else:
                area = (ia[e] + id_[e]) * (ja[e] + jd[e])
                D[e] = (v[0] - v[1] - v[2] + v[3]) / area
                rho[e] = (_EPS * np.sum(np.abs(v)) + 4 * _LEAST) / area
    return D, rho


# --8<-- [start:jacobian]
def _jacobian(
    f: Callable,
    x: float | np.ndarray,
    h: float | np.ndarray | None,
    method: str,
    shape: tuple[int, ...] | None,
) -> np.ndarray:
    """`gradient` and `jacobian`: J, shape (m, n), one column per axis."""
    f = as_callable(f, "f")
    point = as_point(x, "x")
    h = as_step(h, "h")
    method = as_choice(method, "method", METHODS)
    g = _of_a_point(f, scalar=np.ndim(x) == 0)
    scale = np.maximum(1.0, np.abs(point))
    step = h if h is not None else DEFAULT_STEP[method] * scale
    step = np.broadcast_to(step, point.shape)
    n = point.size
    if method == "complex":
        # f(x + i h_j e_j), one row per axis j
        F = _each(g, _along_axes(point, 1j * step), n, shape, kind="c")
        f0 = _each(g, [point + 0j], 1, F.shape[1:], kind="c")[0]
        _check_real_on_the_axis(f0, np.abs(F.imag).max(axis=0), None)
        # Im f(x + ih_j e_j) / h_j
        J = (F.imag.reshape(n, -1) / step[:, None]).T
        if h is None:
            _check_analytic_along(g, point, J, scale, F.shape[1:])
        return J
    if method == "central" and h is None:
        return _checked_central(g, point, step, shape)
    lo, hi = {
        "forward": (None, step),
        "backward": (-step, None),
        "central": (-step, step),
    }[method]
    # the distance between the points as stored
    start = point + (0 if lo is None else lo)
    divisor = (point + (0 if hi is None else hi)) - start
    _check_step_survives_rounding(divisor, point, h)
    # f(x) once for forward and backward, else one row per axis
    F_lo = _each(g, _along_axes(point, lo), 1 if lo is None else n, shape)
    rows = 1 if hi is None else n
    F_hi = _each(g, _along_axes(point, hi), rows, F_lo.shape[1:])
    # column j: (f_hi - f_lo) / run_j
    return ((F_hi - F_lo).reshape(n, -1) / divisor[:, None]).T
    # --8<-- [end:jacobian]


#: The check of `gradient` and `jacobian`: the difference at the default step h and the
#: one at h / sqrt(8) must agree, beyond both roundings, to this part of the entry (the
#: truncation of the first is 8/7 of their disagreement; in the right units it is about
#: 1e-11 of it); an axis where they do not is searched for, as `derivative` does.
AGREE = 1e-8
#: The least normal float with all 53 bits to spare below it: smaller differences of f
#: are too coarse to tell truncation from rounding.
_NORMAL = np.finfo(np.float64).tiny * 2.0**53
#: A search that grew its step more than this many times past its first step has gone
#: where f barely changes beside its rounding, and may have walked past f's features.
GREW = 64


def _checked_central(
    g: Callable, point: np.ndarray, step: np.ndarray, shape: tuple | None
) -> np.ndarray:
    """The default central Jacobian: one difference per axis at the step h, one at
    h / sqrt(8) and, where that is over |x_j| / 8, one at |x_j| / 8; where they agree
    (`AGREE`) the first is the entry. A column with an entry where they do not (or where
    f is not finite at those points) is searched for as `derivative` does
    (`_searched_entries`). f is never called farther from x than h."""
    n = point.size
    f0 = _each(g, [point.copy()], 1, shape, finite=False)[0]
    shape = np.shape(f0)
    short_step = step / CHECK  # no power of 2: h and h / sqrt(8) are not both whole periods
    F_lo, F_hi, G_lo, G_hi = (
        _each(g, _along_axes(point, s), n, shape, finite=False)
        for s in (-step, step, -short_step, short_step)
    )
    with np.errstate(all="ignore"):
        J, rho = _column_differences(point, step, f0, F_lo, F_hi)
        # f's change over the step, per unit of x_j: the scale of a slope near 0
        S = (np.maximum(np.abs(F_hi - f0), np.abs(F_lo - f0)).reshape(n, -1) / step[:, None]).T
        S = np.where(np.isfinite(S), S, 0.0)
        J2, rho2 = _column_differences(point, short_step, f0, G_lo, G_hi)
        miss = _miss(J, rho, J2, rho2, f0)
    # Where the step is longer than an eighth of x_j itself (x_j in units that make it
    # small), the two differences can both lie beyond f's features and agree there on a
    # wrong slope (softplus(x / 1e-9) at 3e-10: the asymptotes' 0.5e9 for 0.57e9): one more
    # at |x_j| / 8, which `derivative`'s search starts from, must agree too.
    short = np.flatnonzero(_own_step(point) & (np.abs(point) / 8 < short_step))
    if short.size:
        s3 = np.zeros(n)
        s3[short] = np.abs(point[short]) / 8
        lo3, hi3 = (
            _each(g, _along_axes(point, sign * s3, short), short.size, shape, finite=False)
            for sign in (-1, 1)
        )
        with np.errstate(all="ignore"):
            J3, rho3 = _column_differences(point[short], s3[short], f0, lo3, hi3)
            miss3 = _miss(J[:, short], rho[:, short], J3, rho3, f0)
            # where f's values there underflowed to 0 (x y at 1e-200), they tell nothing
            lost = ((lo3 == 0) & (hi3 == 0)).reshape(short.size, -1).T
            lost &= ((F_lo != 0) | (F_hi != 0))[short].reshape(short.size, -1).T
            miss[:, short] = np.maximum(miss[:, short], np.where(lost, -np.inf, miss3))
    with np.errstate(all="ignore"):
        ok = (miss <= AGREE * np.abs(J)) & np.isfinite(miss)
    axes = ~np.all(ok, axis=0)
    if np.any(axes):
        with np.errstate(all="ignore"):
            # where the differences disagree, the first's truncation is at least that, and
            # f's change over its step tells nothing of f's scale
            T = np.where(ok, 0.0, np.maximum(miss, 0.0) + 4 * rho)
            T = np.where(np.isfinite(T), T, np.inf)
            # the two differences extrapolated (their h^2 terms cancel): where the plain
            # one stands against a search with its truncation showing, this does
            P = np.where(np.isfinite(J2), (8 * J2 - J) / 7, J)
            # a plain difference whose truncation showed counts only where f's changes
            # over h are normal floats (subnormal ones keep few bits: 1e-300 x y)
            normal = (np.abs(F_hi - f0) >= _NORMAL) & (np.abs(F_lo - f0) >= _NORMAL)
            T = np.where(ok | normal.reshape(n, -1).T, T, np.inf)
        plain = (J, rho, T, np.where(ok, S, 0.0), P)
        J = _searched_entries(g, point, step, shape, plain, axes)
    return J


def _own_step(x: np.ndarray) -> np.ndarray:
    """Where |x| / 8 is a step that floats at x can take (not 0, not 5e-324 / 8)."""
    return np.abs(x) / 8 > 4 * np.spacing(np.abs(x))


def _miss(J: np.ndarray, rho: np.ndarray, K: np.ndarray, rho_K: np.ndarray, f0: Any) -> np.ndarray:
    """How far two differences disagree beyond 4 times their roundings (inf where either,
    or f(x), is not finite)."""
    miss = np.abs(J - K) - 4 * (rho + rho_K)
    miss[~(np.isfinite(J) & np.isfinite(K) & np.isfinite(rho) & np.isfinite(rho_K))] = np.inf
    if not np.all(np.isfinite(f0)):
        miss[:] = np.inf
    return miss


def _column_differences(
    x: np.ndarray, step: np.ndarray, f0: np.ndarray, F_lo: np.ndarray, F_hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """J (m, n) from f(x -+ h_j e_j), divided by the distance as stored, and each entry's
    error beside truncation: f's rounding, eps (|f(x + h e_j)| + |f(x - h e_j)|) / 2h,
    and where x + h and x - h are not equally far from x as stored (x = 1), f''s slope
    there is not f'(x): half that difference times f'' (from f(x) and the two)."""
    n = x.size
    hi, lo = (x + step) - x, x - (x - step)
    run = hi + lo
    J = ((F_hi - F_lo).reshape(n, -1) / run[:, None]).T
    # f's rounding: eps |f|, and no less than the least float where f is subnormal
    rounding = _EPS * np.abs(F_hi) + _EPS * np.abs(F_lo) + 2 * _LEAST
    rho = (rounding.reshape(n, -1) / run[:, None]).T
    bend = 2 * ((F_hi / 2 - f0 / 2) + (F_lo / 2 - f0 / 2))  # no overflow near 1.8e308
    curvature = (bend.reshape(n, -1) / (hi * lo)[:, None]).T
    asymmetry = np.abs(curvature) * (np.abs(hi - lo) / 2)[None, :]
    return J, rho + np.where(np.isnan(asymmetry), 0.0, asymmetry)  # 0/0: steps underflowed


def _searched_entries(
    g: Callable, point: np.ndarray, step: np.ndarray, shape: tuple, plain: tuple, axes: np.ndarray
) -> np.ndarray:
    """J with its columns along `axes` searched for, each entry J_kj as `derivative` finds
    the slope of f_k along axis j (points shared by entries are evaluated once), from
    the step h_j or |x_j| / 8, whichever is shorter (|x_j| / 8 keeps x_j on the side of
    0 where it is, away from a pole there; at x_j = 0, h_j), and never growing past h_j.
    `plain` holds the differences at h_j, their rounding, their truncation where it
    showed (else 0: "verified") and f's change over h_j per unit of x_j. A verified
    difference is taken where the search agrees with it and it is more exact, and where
    a search that grew its step disagrees with it beyond its rounding. A searched
    estimate of few digits (and an exact 0 from differences that were all 0) stands only
    if its error is under `DOUBTFUL` of it, of the row's largest entry or of f's change
    over h_j, or no larger than the plain difference's rounding, and, after a search
    that grew, only if the plain difference agrees or all the search saw is negligible
    beside the row. Else, and where an entry has no derivative (f never finite, a pole,
    a jump, noise), a ValueError naming x[j]."""
    J0, rho0, T0, S0, P0 = plain
    m = J0.shape[0]
    columns = np.flatnonzero(axes)
    n = columns.size

    # f's values at the points of the last two calls (x + h, then x - h): an entry whose
    # search has finished keeps its step, and its points come round again
    recent: list[dict[tuple[int, float], np.ndarray]] = [{}, {}]

    def f(T: np.ndarray) -> np.ndarray:  # T[k, c]: x_j for entry (k, j = columns[c])
        out, now = np.empty((m, n)), dict[tuple[int, float], np.ndarray]()
        for c, j in enumerate(columns):
            # the entries of a column mostly share their steps: f once per distinct x_j
            ts, which = np.unique(T[:, c], return_inverse=True)
            rows = np.empty((ts.size, m))
            for u, t in enumerate(ts):
                key = (int(j), float(t))
                value = now.get(key, recent[0].get(key, recent[1].get(key)))
                if value is None:
                    p = point.copy()
                    p[j] = t
                    value = np.ravel(_each(g, [p], 1, shape, finite=False)[0])
                rows[u] = now[key] = value
            out[:, c] = rows[which.ravel(), np.arange(m)]
        recent[:] = [recent[1], now]
        return out

    x = np.broadcast_to(point[columns], (m, n)).copy()
    size = np.abs(x)
    start = np.where(_own_step(x), np.minimum(step[columns], size / 8), step[columns])
    # never farther from x than the plain step (f may not be defined, or costly, beyond)
    search = _search(
        f, x, start=start.ravel(), longest=np.broadcast_to(step[columns], (m, n)).ravel()
    )
    J = search.best.reshape(m, n)
    error = _error_bound(search).reshape(m, n)
    # exact zeros from differences that were all 0 (f's rounding at the steps tried hid
    # any change) are refused as estimates of few digits are, unless spared below
    zero = ((search.best == 0) & (search.seen == 0)).reshape(m, n)
    grew = (search.first_h > GREW * start.ravel()).reshape(m, n)
    K0, R0, S = J0[:, columns], rho0[:, columns], S0[:, columns]
    with np.errstate(all="ignore"):
        # The plain difference counts where its truncation, as the check saw it, is under
        # `DOUBTFUL` of it: none (T0 = 0), or f's noise beyond its rounding (a root found by
        # bisection), which a search from shorter steps only makes louder. Agreeing, where
        # it showed more, proves nothing.
        T = T0[:, columns]
        agree = (np.abs(K0 - J) <= 4 * (error + R0 + T)) & (T <= DOUBTFUL * np.abs(K0))
        fixed_error = R0 + T
        # where the two differences agreed (no truncation showed), the plain one stands
        # against a search that grew its step, unless the two agree to the plain one's
        # rounding: through f's rounding (a large constant) a search can walk past f's
        # features and agree there, with an error estimate that means nothing
        verified = T == 0
        wandered = verified & grew & ~(np.abs(K0 - J) <= R0 + error)
        fixed = (agree & (fixed_error < error)) | wandered
        value = np.where(verified, K0, P0[:, columns])  # extrapolated where truncation showed
        J, error = np.where(fixed, value, J), np.where(fixed, fixed_error, error)
        whole = np.where(axes, 0.0, np.abs(J0))  # the row: the columns kept, and these
        whole[:, columns] = np.abs(J)
        largest = np.max(whole, axis=1, keepdims=True)
        # digits of itself, of the row's largest entry, or of f's change over the step h_j
        # (a slope near 0 is found to that: (v / 1e9)^3 at 0), or no worse than the plain
        # difference's rounding, which counts how much f's slope changes between x and its
        # neighbouring floats (1e20 (v - 1)^2 + v at 1: by 4e4)
        scale = np.maximum.reduce([np.abs(J), largest * np.ones_like(J), S])
        kept = (error <= DOUBTFUL * scale) | ((error <= R0) & np.isfinite(R0))
        # after a search that grew, the estimate and every difference it saw must be
        # negligible beside the row, if the plain difference does not agree
        seen = search.seen.reshape(m, n)
        negligible = np.maximum.reduce([np.abs(J), error, seen]) <= AGREE * largest
        spared = (kept & (agree | ~grew | negligible)) | (fixed & verified)
    names = "x[{j}] = {v!r}" if m == 1 else "x[{j}] = {v!r} (output {k})"
    _check_search(
        search,
        x.ravel(),
        lambda e: names.format(j=columns[e % n], k=e // n, v=float(point[columns[e % n]])),
        spared=spared.ravel(),
        refused=zero.ravel(),
    )
    out = J0.copy()
    out[:, columns] = J
    return out


def _along_axes(
    x: np.ndarray, step: np.ndarray | None, axes: Iterable[int] | None = None
) -> Iterator[np.ndarray]:
    """x + step_j e_j for j = 1..n (or the `axes` j), one new array at a time (no n-by-n
    matrix); x itself if `step` is None."""
    if step is None:
        yield x.copy()
        return
    for j in range(x.size) if axes is None else axes:
        point = x.astype(step.dtype)
        point[j] += step[j]
        yield point


# --8<-- [start:hessian]
def _second_differences(
    f: Callable,
    x: np.ndarray,
    step: np.ndarray,
    *,
    finite: bool = True,
    f0: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The Hessian from f(x) (`f0`, if known), f(x ± h_i e_i)
    and f(x ± (h_i e_i + h_j e_j)) for i < j; and its rounding
    (`_second_rounding`)."""
    i, j = np.triu_indices(x.size, k=1)
    if f0 is None:
        f0 = _each(f, [x.copy()], 1, ())[0]
    axes = (_along_axes(x, sign * step) for sign in (1, -1))
    fp, fm = (_each(f, points, x.size, (), finite=finite) for points in axes)
    pairs = (_along_pairs(x, sign * step, i, j) for sign in (1, -1))
    fpp, fmm = (_each(f, p, i.size, (), finite=finite) for p in pairs)
    with np.errstate(all="ignore"):
        H = np.diag((fp - 2 * f0 + fm) / step**2)
        mixed = fpp - fp[i] - fp[j] + 2 * f0 - fm[i] - fm[j] + fmm
        H[i, j] = H[j, i] = mixed / (2 * step[i] * step[j])
    return H, _second_rounding(x, step, f0, fp, fm, fpp, fmm)
    # --8<-- [end:hessian]


def _second_rounding(x: np.ndarray, step: np.ndarray, *values: np.ndarray) -> np.ndarray:
    """Each entry's rounding: the rounding of the values it is made from over its divisor,
    and on the diagonal where x - h is not exactly as far from x as x + h (as stored), f'
    times the difference over h^2. A value's rounding is eps |f|, plus eps |x_k|
    |df/dx_k| over k, the rounding of x's coordinates inside f (tanh(x0 / 1e4 - x1 / 1e4)
    at x0 = x1 = 0.01)."""
    f0, fp, fm, fpp, fmm = values
    i, j = np.triu_indices(x.size, k=1)
    with np.errstate(all="ignore"):
        up, down = (x + step) - x, x - (x - step)
        slope = np.abs(fp - fm) / (up + down)
        inside = _EPS * float(np.sum(np.abs(x) * np.where(np.isfinite(slope), slope, 0.0)))
        e = _EPS * np.abs(np.concatenate([[f0], fp, fm, fpp, fmm])) + (_LEAST + inside)
        e0, ep, em, epp, emm = np.split(e, np.cumsum([1, x.size, x.size, i.size]))
        asymmetry = slope * np.abs(up - down) / step**2
        asymmetry = np.where(np.isfinite(asymmetry), asymmetry, 0.0)
        rounding = np.diag((ep + 2 * e0 + em) / step**2 + asymmetry)
        at_pairs = epp + ep[i] + ep[j] + 2 * e0 + em[i] + em[j] + emm
        rounding[i, j] = rounding[j, i] = at_pairs / (2 * step[i] * step[j])
    return rounding


def _along_pairs(
    x: np.ndarray, step: np.ndarray, i: np.ndarray, j: np.ndarray
) -> Iterator[np.ndarray]:
    """x + step_i e_i + step_j e_j for each pair (i, j), one new array at a time."""
    for a, b in zip(i, j, strict=True):
        point = x.copy()
        point[a] += step[a]
        point[b] += step[b]
        yield point


def _of_a_point(f: Callable, *, scalar: bool) -> Callable:
    """`f` of a 1-D point; for a scalar `x` it gets a Python number, as in `derivative`."""
    return (lambda point: f(point.item())) if scalar else f


def _each(
    f: Callable,
    points: Iterable[np.ndarray],
    count: int,
    shape: tuple[int, ...] | None,
    *,
    kind: str = "f",
    finite: bool = True,
) -> np.ndarray:
    """Call `f` once per point (never with a batch); row k of the result is f(point k).

    Each value must have `shape`; ``None`` lets the first call fix it (a number or a
    1-D array). The points come one at a time and only the `count` values are kept, so
    memory is the size of the result. numpy's warnings inside `f` are silenced, and a
    non-finite value is reported as a `ValueError`, as in `_evaluate`.
    """
    values, dtype = None, np.complex128 if kind == "c" else np.float64
    with np.errstate(all="ignore"):
        for k, point in enumerate(points):
            value = as_returned_array(_call(f, point, shape), "`f` near `x`")
            if values is None or value.shape != shape or value.dtype.kind not in _KINDS[kind]:
                value = check_vector_values(value, shape, "`f` near `x`", kind=kind, finite=finite)
                shape = value.shape
                values = np.empty((count, *shape), dtype) if values is None else values
            values[k] = value
    if values is None:  # no points (the pairs of a 1-by-1 Hessian)
        return np.empty((count, *(shape or ())), dtype)
    ok = np.isfinite(values.reshape(count, -1)).all(axis=1)
    if finite and not np.all(ok):  # the first bad value, with the usual message
        check_vector_values(values[np.argmin(ok)], shape, "`f` near `x`", kind=kind)
    return values


_KINDS = {"f": "iuf", "c": "c"}  #: the dtypes `_each` takes without a closer look
