r"""The default step of `mvc.derivative`: a search over steps with Richardson extrapolation.

No single step suits every function. A step proportional to $\max(1, |x|)$ is far too
long for $1/x$ at $x = 10^{-6}$; one proportional to $|x|$ is far too long for $\tan x$ at
$x = 10^{8}$, where it would span whole periods. So the step is found from the function
itself: central differences $D(h) = \frac{f(x+h) - f(x-h)}{2h}$ are taken at steps
$h_0, h_0/4, h_0/16, \ldots$ and combined by Richardson extrapolation, which removes the
$h^2, h^4, h^6$ terms of their error,

$$T_{k,j} = T_{k,j-1} + \frac{T_{k,j-1} - T_{k-1,j-1}}{16^j - 1}, \qquad T_{k,0} = D(h_k),$$

until two estimates agree as well as rounding allows. Then one more difference, at the
best estimate's step divided by $\sqrt 8$, checks it: steps that spanned whole periods
of $f$ by chance agree on a wrong slope, and the shorter step sees the right one. Each
element of an array `x` runs its own search; each row costs one call of `f` on the
whole array at $x + h$ and one at $x - h$.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["central_search"]

_EPS = np.finfo(np.float64).eps
LEVELS = 3  #: Richardson levels: the h^2, h^4 and h^6 terms are removed
SHRINK = 4.0  #: ratio of successive steps going down
#: Going up, when the first step was too short: the step grows by at least 64 and at most
#: 2^64, to about the length over which f changes by its own size, |f| / |f'|, over 64.
GROW = 64.0
MAX_GROW = 20  #: steps going up at most
#: An estimate is good enough, and the step need not grow, once rounding is this small.
ENOUGH = 1e-13
#: The estimates disagree by more than this fraction of the derivative ...
NO_DIGIT = 0.1
#: ... and by more than noise of this relative size in f's values would explain:
#: then f is not differentiable at x (a pole, a jump) or too noisy, and `derivative` says so.
NOISE = np.sqrt(_EPS)
#: An estimate whose own estimated error is over this part of it is refused: beyond it,
#: the error estimate (which overstates the true error 5 to 50 times) no longer
#: promises 6 digits. `mvc.derivative` refuses it; the check below leaves it alone.
DOUBTFUL = 1e-5
#: The check after the search: one more difference at the best estimate's step over
#: sqrt(8), a ratio no power of 4 can match, so steps that span whole periods of f by
#: chance (sin at 1608.389, where |x|/8 is 64.0 pi) cannot agree with it by chance too.
CHECK = np.sqrt(8.0)
RESTARTS = 3  #: searches started again from the check's step, at most


def central_search(
    row: Callable,
    x: np.ndarray,
    *,
    start: np.ndarray | None = None,
    longest: np.ndarray | None = None,
) -> _Search:
    """Search for f'(x) at every element of `x` (1-D); the finished search holds the answer.

    `row(h)` returns the central differences D at the steps `h`, their round-off rho, a mask
    of the elements where both are usable (f finite at both points, D and rho within the
    float range) and an int array: where f was finite at both points but D or rho was not,
    1, or 2 if f's change was also above its rounding; elsewhere 0. The search starts at h =
    |x|/8 (1/8 at x = 0), grows the step while the first two differences agree to rounding
    (the step was too short to see f change), then shrinks it by 4 per row, extrapolating,
    until two estimates agree to rounding or rounding would outgrow the best error so far.
    One more row checks the best estimate (`_contradicted`), where its estimated error is at
    most `DOUBTFUL` of it; where it contradicts it, the search runs again from that row's
    step, up to `RESTARTS` times. Its estimate replaces the first where the two disagree, or
    agree and it has the smaller error; where it found none (nothing finite, an exact 0
    where a slope was seen, or an estimated error not below 1/64 of the contradiction), the
    first search's estimate stands, and a later one's error grows to the contradiction, as
    it does where the check still contradicts after the last search. Its attributes:
    ``best`` (the estimates), ``error`` (their estimated errors), ``rho`` (the rounding at
    their steps), ``finite`` (whether f was ever finite at x ± h), ``large`` (whether f was
    finite at x ± h but D or rho overflowed), ``steep`` (whether D did, while f's change was
    above its rounding: |f'| is beyond the float range), ``first_h``, ``last_h`` (the steps
    tried), and ``doubted``, ``check`` (where the check contradicted the estimate, its step
    and difference). With `start`, the first steps are those, not |x|/8; with `longest`,
    the step never grows past it (f is called no farther from x).
    """
    search = _run(row, _Search(x, start=start, longest=longest))
    # The check is of estimates the search is sure of: steps that span whole periods
    # agree closely on their wrong slope. One it is not sure of is refused as it is;
    # searching again would only find a value among f's noise to replace it (cancelled
    # 1e8 + sin t: -4/7 for -0.5702, where the estimate was refused).
    with np.errstate(all="ignore"):
        pending = ~(search.error > DOUBTFUL * np.abs(search.best))
    first = np.ones(x.size, dtype=bool)  # the estimate is still the first search's
    for attempt in range(RESTARTS + 1):
        wrong, D, h = _contradicted(search, row, pending, first)
        if attempt == RESTARTS or not np.any(wrong):
            break
        again = _run(row, _Search(x, (search.best_h / CHECK, wrong), longest=longest))
        found, agree = _settles(again, search, D)
        search.doubt(wrong & ~found & ~first, D, h)
        taken = wrong & found & (~agree | (again.error < search.error))
        search.replace(again, taken)
        first &= ~taken
        pending = taken  # a new estimate is checked in turn; a first one confirmed stands
    search.doubt(wrong, D, h)  # still contradicted after the searches again
    return search


def _settles(again: _Search, search: _Search, D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether the search run `again` found an estimate that can settle the check's
    contradiction of `search` by D, and whether that estimate agrees with the checked one.

    One that ends on an exact 0 where differences (its own or the first search's) were
    not went deeper into f's noise (f computed with cancellation, whose values round to
    one at short steps, so zeros agree): it found nothing; so did one whose estimated
    error is not below 1/64 of the contradiction (noisy f: its agreement would prove
    nothing). The first search's estimate then stands as it was: the check alone cannot
    tell f's noise from a wrong estimate (K + log t - (K + log c) near c, whose first
    estimates are right). An estimate of a search run again does not: the contradiction
    stays.
    """
    slope = np.maximum(again.seen, search.seen) > 0
    with np.errstate(all="ignore"):
        found = again.finite & np.isfinite(again.best) & ~((again.best == 0) & slope)
        found &= 64 * again.error < np.abs(D - search.best)
        agree = found & (np.abs(again.best - search.best) <= 2 * (again.error + search.error))
    return found, agree


def _run(row: Callable, search: _Search) -> _Search:
    while not search.finished():
        search.take(*row(search.h))
    return search


def _contradicted(
    search: _Search, row: Callable, pending: np.ndarray, first: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where a difference D at a step h sqrt(8) times shorter than the best estimate's
    contradicts it; D and h.

    Steps that spanned whole periods of sin or tan gave differences near 0, which agreed
    by chance to a wrong 0 (sin at 1608.389: -6.6e-5 for 0.994); the shorter step sees
    the slope. D's truncation error is 1/8 of that at the estimate's step, so D must be
    within a quarter of that step's difference's distance from the estimate, beyond the
    two differences' rounding and 4 times the estimate's error; and a contradiction
    counts only where it is a quarter of the larger of D and the estimate or more, for
    the `first` search's estimates: f computed with cancellation is noisier than the
    rounding of its values shows (rho), so D may miss a right estimate by a little, and
    searching again from shorter steps would only go deeper into the noise. An estimate
    of a search run again must pass to within 1e-6 of the larger, the accuracy
    `derivative` promises: in a noisy f, such a search can end among steps where the
    noise is far larger than the slope, and agree there on a value that no check
    contradicts by a quarter (exp with noise of 1e-6 of it gave -8.4e6 for 1); its steps
    stop 4 times above x's limit (`_Search`), so this check can always be made.
    The points x +- h are made symmetric, as the search's steps |x|/8/4^k mostly are, so
    no f''(x) times x's rounding enters D.
    """
    with np.errstate(all="ignore"):
        h = (search.x + search.best_h / CHECK) - search.x  # x + h and x - h exact
    check = pending & np.isfinite(search.best) & (h > search.limit)
    if not np.any(check):
        return check, search.best, h
    D, rho, ok, _ = row(np.where(check, h, search.best_h))
    with np.errstate(all="ignore"):
        miss = np.abs(D - search.best)
        larger = np.maximum(np.abs(D), np.abs(search.best))
        allowed = (
            np.abs(search.best_D - search.best) / 4 + 4 * search.error + 4 * (rho + search.rho)
        )
        # a quarter for the first search's estimates; 1e-6 (derivative's promise) for
        # those of a search run again
        margin = np.where(first, larger / 4, 1e-6 * larger)
        return check & ok & ~(miss <= allowed) & (miss > margin), D, h


class _Search:
    """The state of every element's search: its next step, Richardson table and best value."""

    def __init__(
        self,
        x: np.ndarray,
        again: tuple[np.ndarray, np.ndarray] | None = None,
        *,
        start: np.ndarray | None = None,
        longest: np.ndarray | None = None,
    ) -> None:
        """A search of every element of `x`; with `again` = (first, active), one of the
        `active` elements only, from the steps `first` (the others are done)."""
        n = x.size
        self.x = x
        self.h = np.where(x != 0, np.abs(x), 1.0) / 8  # 1/x, log, sqrt: inside their domain
        if start is not None:
            self.h = np.asarray(start, dtype=float) * np.ones(n)
        self.longest = np.full(n, np.inf) if longest is None else longest * np.ones(n)
        self.limit = 4 * np.spacing(np.abs(x))  # below this, x + h and x - h merge
        self.phase = np.zeros(n, dtype=int)  # 0 going down, 1 going up, 2 done
        if again is not None:  # its best step must leave the check's (h / CHECK) usable
            first, active = again
            self.h, self.phase = np.where(active, first, self.h), np.where(active, 0, 2)
            self.limit = 4 * self.limit
        self.rows = np.zeros(n, dtype=int)  # rows taken so far
        self.table = np.full((LEVELS + 1, n), np.nan)  # the last row of the Richardson table
        self.depth = np.zeros(n, dtype=int)  # rows in the table
        self.top = np.full((3, n), np.nan)  # h, D, rho of the first row, then of the top step
        self.grown = np.zeros(n, dtype=int)
        self.best, self.error = np.full(n, np.nan), np.full(n, np.inf)
        self.rho = np.full(n, np.nan)
        self.best_h, self.best_D = self.h.copy(), np.full(n, np.nan)  # the best one's row
        self.finite = np.zeros(n, dtype=bool)
        self.doubted = np.zeros(n, dtype=bool)  # the check contradicted the estimate
        self.check = np.full((2, n), np.nan)  # there: the check's step and difference
        self.steep = np.zeros(n, dtype=bool)  # f finite at x ± h, D beyond the float range
        self.large = np.zeros(n, dtype=bool)  # f finite at x ± h, D or rho beyond it
        self.seen = np.zeros(n)  # the largest |D| taken: 0 where every difference was 0
        self.zero_rho = np.zeros(n)  # the largest rounding of a difference that was exactly 0
        # after growing: the last short-step difference and how far the derivative can be
        # from it (its rounding); estimates farther away come from steps past f's features
        self.anchor, self.slack = np.zeros(n), np.full(n, np.inf)
        self.first_h, self.last_h = self.h.copy(), self.h.copy()

    def finished(self) -> bool:
        return bool(np.all(self.phase == 2))

    def doubt(self, where: np.ndarray, D: np.ndarray, h: np.ndarray) -> None:
        """Widen the estimated error to D's distance where D, at the step h, contradicted
        the estimate, and remember D and h there (``doubted``, ``check``)."""
        with np.errstate(all="ignore"):
            far = np.maximum(self.error, np.abs(D - self.best))
        self.error = np.where(where, far, self.error)
        self.doubted |= where
        self.check = np.where(where, [h, D], self.check)

    def replace(self, other: _Search, where: np.ndarray) -> None:
        """Take every element's state from `other` where `where`, but for x's limit (a
        search run again stops above it); the steps tried span both."""
        first_h, last_h = (
            np.maximum(self.first_h, other.first_h),
            np.minimum(self.last_h, other.last_h),
        )
        for name, value in vars(self).items():
            if name == "limit":
                continue
            if isinstance(value, np.ndarray) and value.shape[-1:] == where.shape:
                setattr(self, name, np.where(where, getattr(other, name), value))
        self.first_h = np.where(where, first_h, self.first_h)
        self.last_h = np.where(where, last_h, self.last_h)

    def take(self, D: np.ndarray, rho: np.ndarray, ok: np.ndarray, over: np.ndarray) -> None:
        """Take one row of central differences D(h), with rounding rho, at the steps `self.h`.

        Where not `ok`, D and rho are not used: they become nan, which no arithmetic below
        turns into a warning (a rho of 1e308 beside an overflowed D would overflow 2 rho).
        The caller keeps rho below 1/64 of the largest float, so its multiples stay finite.
        """
        running = ~(self.phase == 2)
        self.large |= (over >= 1) & running
        self.steep |= (over == 2) & running
        D, rho = np.where(ok, D, np.nan), np.where(ok, rho, np.nan)
        up, down = self.phase == 1, self.phase == 0
        self.rows += running
        self.finite |= ok & running
        taken = ok & ~(self.phase == 2)
        self.seen = np.maximum(self.seen, np.where(taken, np.abs(D), 0.0))
        self.zero_rho = np.maximum(self.zero_rho, np.where(taken & (D == 0), rho, 0.0))
        self.first_h = np.maximum(self.first_h, np.where(self.phase == 2, 0, self.h))
        self.last_h = np.minimum(self.last_h, np.where(self.phase == 2, np.inf, self.h))
        with np.errstate(all="ignore"):  # |D - D'| of opposite signs near 1.8e308: inf,
            self._up(up, D, rho, ok)  # which compares as the disagreement it is
            self._down(down, D, rho, ok)

    # --- going down: extrapolate, keep the best, stop when rounding wins -----------------

    def _down(self, active: np.ndarray, D: np.ndarray, rho: np.ndarray, ok: np.ndarray) -> None:
        fresh = active & ok
        T, raw = self._extrapolate(active, fresh, D)
        err = np.maximum(raw, 2 * rho)  # no estimate is better than the rounding of D
        fresh = fresh & (np.abs(T - self.anchor) <= self.slack + err)  # see `_up`
        better = fresh & (err < self.error)
        self.best, self.error = np.where(better, T, self.best), np.where(better, err, self.error)
        self.rho = np.where(better, rho, self.rho)
        self.best_h = np.where(better, self.h, self.best_h)
        self.best_D = np.where(better, D, self.best_D)
        first = fresh & (self.rows == 1)
        self.top = np.where(first, [self.h, D, rho], self.top)
        if self._grow(fresh & (self.rows == 2), D, rho):
            active = active & (self.phase == 0)
        agreed = fresh & (raw <= 2 * rho)  # two estimates agree to rounding
        hopeless = fresh & (8 * rho >= self.error)  # the next row's rounding exceeds the best error
        exhausted = (self.h / SHRINK < self.limit) | (self.rows >= 40)
        stop = active & (agreed | hopeless | exhausted)
        self.phase = np.where(stop, 2, self.phase)
        self.h = np.where(active & ~stop, self.h / SHRINK, self.h)

    def _extrapolate(
        self, active: np.ndarray, fresh: np.ndarray, D: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Add D(h) to the Richardson table where `fresh`: the best T and its error estimate.

        The error of T_{k,j} is estimated as its distance from T_{k,j-1} and T_{k-1,j-1}
        (Ridders). Only T_{k,2} and T_{k,3} are candidates: their errors compare three
        rows or more, so two differences that agree by chance (a function computed with
        cancellation takes few, coarse values at tiny steps) cannot pass as converged.
        A row of f's non-finite values (not `fresh`) empties the table.
        """
        row = np.full_like(self.table, np.nan)
        row[0] = D
        best, error = D.copy(), np.full(D.shape, np.inf)
        for j in range(1, LEVELS + 1):
            with np.errstate(all="ignore"):
                row[j] = row[j - 1] + (row[j - 1] - self.table[j - 1]) / (16.0**j - 1)
                e = np.maximum(np.abs(row[j] - row[j - 1]), np.abs(row[j] - self.table[j - 1]))
            take = fresh & (j >= 2) & (self.depth >= j) & (e < error)
            best, error = np.where(take, row[j], best), np.where(take, e, error)
        self.table = np.where(fresh, row, self.table)
        self.depth = np.where(active, np.where(fresh, self.depth + 1, 0), self.depth)
        return best, error

    # --- going up: when the first step was too short for f to change --------------------

    def _grow(self, second: np.ndarray, D: np.ndarray, rho: np.ndarray) -> bool:
        """After the first two rows: go up if they agree to rounding and rounding still matters.

        That happens where f barely changes over |x|/8 (e^x at x = 1e-12): the step is
        too short, and a longer one would be more accurate.
        """
        agree = np.abs(D - self.top[1]) <= 4 * (rho + self.top[2])
        self._anchor(second & agree, D, rho, self.top[2])
        symmetric = (self.x == 0) & (self.top[1] == 0) & (D == 0)  # even f about 0: f' = 0
        longer = self._grown(self.top[0], D, rho)
        grow = second & agree & (rho > ENOUGH * np.abs(D)) & ~symmetric & (longer > self.top[0])
        self.phase = np.where(grow, 1, self.phase)
        self.h = np.where(grow, longer, self.h)
        return bool(np.any(grow))

    def _up(self, active: np.ndarray, D: np.ndarray, rho: np.ndarray, ok: np.ndarray) -> None:
        """Grow the step (see `_growth`) while the estimate agrees with the last to rounding.

        Then go down again, from the first step where f changed. The jump aims at a step
        over which f changes by 1/64 of its size; where f's size changed by a factor of 2
        or more instead, or f was not finite, at a step far longer than the last (the peak
        of a bell, where f has vanished there; cosh, where it overflowed; 1e10 + x^2, whose
        x^2 takes over), the step is first taken back to the middle, in logarithm, of
        that step and the last, while that is at least 64 times the last: the descent
        starts near where f begins to change, not far beyond it.
        """
        if not np.any(active):
            return
        _, D_top, rho_top = self.top
        size, size_top = rho * self.h, rho_top * self.top[0]  # rho h ~ eps |f|
        resized = ok & ((size < size_top / 2) | (size > 2 * size_top))
        agree = ok & (np.abs(D - D_top) <= 4 * (rho + rho_top)) & ~resized
        self._anchor(active & agree, D, rho, rho_top)
        self.grown += active
        longer = self._grown(self.h, D, rho)
        more = active & agree & (rho > ENOUGH * np.abs(D)) & (self.grown < MAX_GROW)
        more &= longer > self.h
        between = np.sqrt(self.h * self.top[0])
        retry = active & (resized | ~ok) & (between >= GROW * self.top[0])
        retry &= self.grown < MAX_GROW
        more, longer = more | retry, np.where(retry, between, longer)
        self.top = np.where(active & ok & ~retry, [self.h, D, rho], self.top)
        turn = active & ~more
        self.phase = np.where(turn, 0, self.phase)
        self.table[0] = np.where(turn, self.top[1], self.table[0])  # the table restarts there
        self.depth = np.where(turn, 1, self.depth)
        self.h = np.where(more, longer, np.where(turn, self.top[0] / SHRINK, self.h))

    def _anchor(
        self, agree: np.ndarray, D: np.ndarray, rho: np.ndarray, rho_short: np.ndarray
    ) -> None:
        """Remember D where it agreed to rounding with the shorter step's difference.

        The step grows by up to 2^64 at a time and may overshoot f's features: near the
        peak of a bell, f' is far below |f| / (f's width), and at the longer step f has
        vanished, so every difference there is 0 and they agree. D agreed with the
        shorter step's, so its step was short for f: the derivative is within D's rounding
        and the two differences' disagreement allowed, 4 (rho + rho_short), but no farther
        than half of D from it beyond D's own rounding (a short step's D has the right sign
        and size). An estimate farther than that and its own error is not taken.
        """
        slack = np.minimum(4 * (rho + rho_short), np.abs(D) / 2) + 4 * rho
        self.anchor = np.where(agree, D, self.anchor)
        self.slack = np.where(agree, slack, self.slack)

    def _grown(self, h: np.ndarray, D: np.ndarray, rho: np.ndarray) -> np.ndarray:
        """The next step up from h, where f barely changed over h.

        By |f| / 64|D|: the length over which f changes by its own size (|f| = rho h / eps),
        in 64 steps; at least 64 h, at most 2^64 h. Where f did not change at all (D = 0)
        there is no such length, and the step goes no further than max(|x|, 1/4) / 2, on
        the side of 0 where x is (tanh at 25 changes only there): a constant f would
        otherwise send it to overflow.
        """
        with np.errstate(all="ignore"):
            length = rho * h / (_EPS * np.abs(D)) / 64
            longer = np.clip(length, GROW * h, 2.0**64 * h)
        longer = np.where(D == 0, np.maximum(h, np.maximum(0.25, np.abs(self.x)) / 2), longer)
        return np.minimum(longer, self.longest)
