r"""The three methods of `mvc.fit`: their loops, stopping rules and verdicts (chapter 6).

Each method walks down $\chi^2$ from the linearisation at its current point
(`mvc._least_squares`) and returns a `FitResult` from every exit. Whatever made it
stop, the result says ``converged`` only if $\chi^2$ is at a minimum there: the fall
that the linearisation still promises is below ``tol`` times $\chi^2$, or below
rounding (`Linearisation.at_minimum`), checked with the model's own slope when the
user gave `jac`; or, where the Jacobian is (nearly) singular and its linearisation cannot
see the model's curvature, the fall that the second-order model promises
(`mvc._curvature.newton_decrement`).
"""

from __future__ import annotations

import numpy as np

from mvc._curvature import newton_decrement
from mvc._least_squares import (
    EPS,
    Linearisation,
    Problem,
    Residuals,
    column_norms,
    decimal,
    factorise,
    gauss_newton_step,
    linearise,
    norm,
    scaled_square,
    trust_region_step,
)
from mvc.result import FitResult

__all__ = ["gauss_newton", "levenberg_marquardt", "steepest_descent"]

RADIUS = 1.0  # the first trust radius, relative to |D p0|: a first step no longer than p0 itself
ACCEPT = 1e-4  # the least gain ratio (actual/predicted fall of chi^2) for a step to be taken
JAC_AGREEMENT = 1e-3  # how far `jac` may differ from central differences (relative, per column)


# --- the three methods ------------------------------------------------------------------


def _small_step(step: np.ndarray, p: np.ndarray, tol: float) -> bool:
    """The stopping rule on the parameters: no parameter moved by more than tol |a_k|."""
    return bool(np.all(np.abs(step) <= tol * np.abs(p)))


def _flat(lin: Linearisation, tol: float) -> bool:
    """The stopping rule on chi^2: its linearisation promises a fall below tol^2 chi^2, or one
    too small to measure (below eps chi^2, or below the residuals' rounding)."""
    return lin.r_norm == 0 or lin.decrement <= max(tol, np.sqrt(EPS)) + lin.noise


def levenberg_marquardt(
    problem: Problem, lin: Linearisation, tol: float, max_iter: int
) -> FitResult:
    p, history = lin.p, [lin.p]
    radius = RADIUS * (norm(lin.D * p) or 1.0)
    for k in range(1, max_iter + 1):
        if _flat(lin, tol):
            return _verdict(problem, lin, k - 1, history, tol, FLAT)
        # --8<-- [start:lm-step]
        # (AᵀA + λD²)δ = Aᵀr, with |Dδ| ≤ radius
        step, lam, predicted = trust_region_step(lin, radius)
        residuals = problem.residuals(p + step)  # the model at a + δ
        # how far chi^2 fell, as a fraction of chi^2
        actual = _actual_fall(lin, residuals)
        noise = 2 * lin.noise if lam == 0 else 0.0
        gain = _gain(actual, predicted, noise)  # actual / predicted
        length = norm(lin.D * step)
        radius = _new_radius(radius, length, gain, actual, lam, lin, first=k == 1)
        # --8<-- [end:lm-step]
        if np.all(np.abs(step) <= EPS * np.abs(p)):  # no step changes the parameters any more
            return _verdict(problem, lin, k - 1, history, tol, NO_STEP)
        # chi^2 fell by a fair share of what the linear model promised (so r is finite)
        if gain >= ACCEPT and residuals is not None:
            new = linearise(problem, p + step, residuals, lin.D)
            if new is None:
                return _not_finite(problem, p + step, residuals, k, history)
            lin, p = new, p + step
            if lam == 0 and _small_step(step, p, tol):
                return _verdict(
                    problem, lin, k, history + [p], tol, small_step(tol, "Gauss–Newton ")
                )
        history.append(p)
    return _finish(problem, lin, False, max_iter, history, _max_iter_reached(max_iter))


def _gain(actual: float, predicted: float, rounding: float) -> float:
    """Actual over predicted fall of chi^2. For a Gauss–Newton step (`rounding` > 0), a fall
    too small to measure counts as predicted unless chi^2 rose by more than rounding."""
    if rounding > 0 and predicted <= rounding and actual >= -rounding:
        return 1.0
    return actual / predicted if predicted > 0 else 0.0


def _actual_fall(lin: Linearisation, residuals: Residuals | None) -> float:
    """The fall of chi^2 at the trial, as a fraction of chi^2: at most 1; -1 if it rose tenfold."""
    if residuals is None or not 0.1 * residuals.norm < lin.r_norm:
        return -1.0
    return 1 - (residuals.norm / lin.r_norm) ** 2


def _new_radius(
    radius: float,
    length: float,
    gain: float,
    actual: float,
    lam: float,
    lin: Linearisation,
    first: bool,
) -> float:
    """MINPACK's update of the trust radius: shrink after a poor prediction, grow after a good
    one. The first radius is at most the first step's length."""
    radius = min(radius, length) if first else radius
    if gain <= 0.25:
        slope = -np.sum(_damped_share(lin, lam))  # d(chi^2)/dt / chi^2 along the step, at t = 0
        shrink = 0.5 if actual >= 0 else 0.5 * slope / (slope + 0.5 * actual)
        if actual == -1.0 or not shrink >= 0.1:
            shrink = 0.1
        return shrink * min(radius, length / 0.1)
    if lam == 0 or gain >= 0.75:
        return 2 * length
    return radius


def _damped_share(lin: Linearisation, lam: float) -> np.ndarray:
    s2 = lin.s**2
    return np.where(s2 > 0, lin.c**2 * s2 / (s2 + lam), 0.0)


def gauss_newton(problem: Problem, lin: Linearisation, tol: float, max_iter: int) -> FitResult:
    p, history = lin.p, [lin.p]
    for k in range(1, max_iter + 1):
        if lin.singular:
            return _finish(
                problem,
                lin,
                False,
                k - 1,
                history,
                "The Jacobian is singular: Gauss–Newton has no unique step, and the"
                " uncertainties are infinite.",
            )
        if _flat(lin, tol):
            return _verdict(problem, lin, k - 1, history, tol, FLAT)
        step = gauss_newton_step(lin)  # the minimum of the linearised model
        residuals = problem.residuals(p + step)
        new = None if residuals is None else linearise(problem, p + step, residuals, lin.D)
        if new is None:
            return _finish(
                problem,
                lin,
                False,
                k - 1,
                history,
                f"Diverged: the model or its Jacobian is not finite after step {k}.",
            )
        lin, p = new, p + step
        history.append(p)
        if _small_step(step, p, tol):
            return _verdict(problem, lin, k, history, tol, small_step(tol, "Gauss–Newton "))
    return _finish(problem, lin, False, max_iter, history, _max_iter_reached(max_iter))


def steepest_descent(
    problem: Problem, lin: Linearisation, lr: float | None, tol: float, max_iter: int
) -> FitResult:
    p, history = lin.p, [lin.p]
    if lr is not None:
        lr = float(np.ldexp(lr, 2 * problem.log2_scale))  # A and r are scaled by 2^-k: lr by 4^k
    for k in range(1, max_iter + 1):
        if _flat(lin, tol):
            return _verdict(problem, lin, k - 1, history, tol, FLAT)
        A, r = lin.A, lin.r
        # --8<-- [start:steepest]
        if lr is not None:
            # dchi2/da_k = -2 sum_i (y_i - y(x_i; a)) / sigma_i^2 * dy/da_k
            grad = -2 * A.T @ r
            step = -lr * grad
        else:
            # down the gradient of the scaled parameters D a, while chi^2 falls
            step = _line_search(problem, lin)
        # --8<-- [end:steepest]
        if not np.all(np.isfinite(step)):
            return _finish(
                problem,
                lin,
                False,
                k - 1,
                history,
                f"Diverged: step {k} is not finite; try a smaller `lr`.",
            )
        if _small_step(step, p, tol):
            why = small_step(tol, "") if np.any(step) else NO_DESCENT
            return _verdict(problem, lin, k - 1, history, tol, why, CRAWLING)
        residuals = problem.residuals(p + step)
        if residuals is None:
            return _finish(
                problem,
                lin,
                False,
                k - 1,
                history,
                f"Diverged: the model is not finite after step {k}; try a smaller `lr`.",
            )
        new = linearise(problem, p + step, residuals, lin.D)
        if new is None:
            return _not_finite(problem, p + step, residuals, k, history)
        lin, p = new, p + step
        history.append(p)
    return _finish(problem, lin, False, max_iter, history, _max_iter_reached(max_iter))


def _line_search(problem: Problem, lin: Linearisation) -> np.ndarray:
    """A step down the gradient that lowers chi^2: the linear model's best, halved as needed.

    The gradient is taken in the scaled parameters D a (each in the units where its column
    of the Jacobian has length 1, as Levenberg–Marquardt measures its steps), so the walk
    does not depend on the units of the parameters, the data or x.
    """
    u = lin.A.T @ (lin.r / lin.r_norm) / lin.D  # -grad chi^2 in D a, divided by a positive number
    d = u / lin.D  # that direction in the parameters a
    step = d * (lin.r_norm * (norm(u) / norm(lin.A @ d)) ** 2)  # minimises |r - A step| along d
    for _ in range(60):
        residuals = problem.residuals(lin.p + step)
        if residuals is not None and residuals.norm < lin.r_norm:
            return step
        step = step / 2
    return np.zeros_like(step)  # no decrease along the gradient: the verdict says why


# --- the verdict and the result ------------------------------------------------------------

FLAT = "the linearised model promises no further fall of chi^2"
NO_STEP = "no step, however short, lowers chi^2 any further"
NO_DESCENT = "no step down the gradient lowers chi^2"
CRAWLING = (
    " Steepest descent is crawling: down the gradient, chi^2 no longer falls by steps"
    " it can resolve (strongly correlated parameters make a narrow valley); try"
    " method='lm'."
)
NOT_DOWNHILL = (
    " The search cannot go downhill where the linearisation says it could: the model is"
    " not smooth here, or its slope misses its curvature (a direction along which the"
    " slope is 0 at a minimum, as for b^2 at b = 0)."
)
NOT_FINITE = "The Jacobian is not finite at the last step."


CURVED = (
    "Converged: chi^2 is at a minimum, checked to second order: its linearisation promises"
    " a fall of {}, but the model's curvature, which the linearisation omits, forbids it"
    " (the second-order model promises a fall below tol = {:g} of chi^2, or below"
    " rounding){}. The uncertainties come from the Jacobian alone and leave that curvature"
    " out."
)
CURVED_SINGULAR = (
    " chi^2 is at a minimum, checked to second order, but the Jacobian is singular along"
    " {}: the model's curvature, not its slope, determines the parameters there, so their"
    " uncertainties (from the Jacobian) are infinite."
)


def singular_note(lin: Linearisation) -> str:
    """What a singular Jacobian means for the fit, naming the direction it cannot see."""
    return (
        f" The Jacobian is singular here: to first order chi^2 does not change along"
        f" {direction(lin, -1)} (a parameter may be running off to infinity),"
        " so the parameters are not determined and their uncertainties are infinite."
    )


def _exact_fit(problem: Problem, lin: Linearisation, n_iter: int, history: list) -> FitResult:
    """The verdict at chi^2 = 0: converged, unless the Jacobian is singular (not unique)."""
    exact = "chi^2 = 0, the model passes through every point"
    if not lin.singular:
        return _finish(problem, lin, True, n_iter, history, f"Converged: {exact}.")
    return _finish(  # the least chi^2 there is, but not a unique fit
        problem,
        lin,
        False,
        n_iter,
        history,
        f"Not unique: {exact}, but the Jacobian is singular here: to first order chi^2"
        f" stays 0 along {direction(lin, -1)}, so the parameters are not"
        " determined and their uncertainties are infinite.",
    )


def _curved(problem: Problem, lin: Linearisation, tol: float) -> bool:
    """Whether chi^2 is at a minimum by its second-order model (`newton_decrement`), as
    `Linearisation.at_minimum` asks of the linear one, with the same floor of rounding."""
    decrement = newton_decrement(problem, lin)
    floor = lin.noise + lin.terms_noise
    return decrement is not None and decrement <= np.sqrt(max(tol, EPS)) + floor


def direction(lin: Linearisation, j: int) -> str:
    """The parameters' direction of the Jacobian's right singular vector `j`, in words."""
    d = lin.Vt[j] / lin.D
    d = d / norm(d)
    k = int(np.argmax(np.abs(d)))
    if abs(d[k]) >= 0.999:
        return f"params[{k}]"
    return "the direction (" + ", ".join(f"{v:.2g}" for v in d * np.sign(d[k])) + ") of params"


def small_step(tol: float, kind: str) -> str:
    return f"the last {kind}step moved no parameter by more than tol = {tol:g} (relative)"


def _max_iter_reached(max_iter: int) -> str:
    return f"Reached max_iter = {max_iter} iterations."


def _verdict(
    problem: Problem,
    lin: Linearisation,
    n_iter: int,
    history: list,
    tol: float,
    why: str,
    hint: str = NOT_DOWNHILL,
) -> FitResult:
    """The result of a fit that stopped for reason `why`: converged only if chi^2 is at a
    minimum."""
    checked: Linearisation | None = lin
    note = ""
    if problem.jac is not None and lin.r_norm > 0:  # judge with the model's own slope too
        checked, note = _check_jac(problem, lin)
    if lin.r_norm == 0:
        return _exact_fit(problem, lin, n_iter, history)
    if lin.singular:
        return _finish(problem, lin, False, n_iter, history, _stalled(problem, lin, tol, why))
    how = "" if why == FLAT else f"; {why}"
    if checked is not None and checked.at_minimum(tol):
        message = (
            f"Converged: chi^2 is at a minimum (its linearisation promises a fall below "
            f"tol = {tol:g} of chi^2, or below rounding){how}."
        )
    elif checked is not None and _curved(problem, checked, tol):
        weak = direction(checked, int(np.argmax(checked.c**2)))  # what carries the promise
        message = CURVED.format(
            f"{100 * checked.decrement**2:.2g}% of chi^2 along {weak}", tol, how
        )
    else:
        promised = 100 * (lin.decrement if checked is None else checked.decrement) ** 2
        hint = "" if note else hint  # the note on `jac` says what is wrong
        return _finish(
            problem,
            lin,
            False,
            n_iter,
            history,
            f"Not converged: {why}, yet chi^2 is not shown to be at a minimum: its "
            f"linearisation promises a fall of {promised:.2g}% of chi^2.{note}{hint}",
        )
    return _finish(problem, lin, True, n_iter, history, message + note)


def _stalled(problem: Problem, lin: Linearisation, tol: float, why: str) -> str:
    """What a fit stopped where the Jacobian is singular says: a minimum by its curvature,
    or a direction that chi^2 does not see to first order."""
    if _curved(problem, lin, tol):
        return f"Stalled: {why}.{CURVED_SINGULAR.format(direction(lin, -1))}"
    return f"Stalled: {why}.{singular_note(lin)}"


def _check_jac(problem: Problem, lin: Linearisation) -> tuple[Linearisation | None, str]:
    """The linearisation by central differences, and a note if `jac` disagrees with it."""
    M = np.empty((lin.r.size, lin.p.size + 1))
    problem.central_differences(lin.p, M[:, :-1])
    own = factorise(problem, lin.p, Residuals(lin.r, lin.f, lin.r_norm), M, lin.D, True)
    if own is None:
        return (
            None,
            " The model's slope by central differences is not finite, so `jac` is unchecked.",
        )
    differences = column_norms(own.A - lin.A) / np.maximum(
        column_norms(own.A), np.finfo(float).tiny
    )
    worst = int(np.argmax(differences))
    if differences[worst] <= JAC_AGREEMENT:
        return own, ""
    return own, (
        f" `jac` does not describe the model: its column {worst} differs from the "
        f"model's own slope (central differences) by {100 * differences[worst]:.3g}%."
    )


def _not_finite(
    problem: Problem, p: np.ndarray, residuals: Residuals, n_iter: int, history: list
) -> FitResult:
    """The result at `p`, where the model is finite but its Jacobian is not."""
    r_norm = residuals.norm
    chi2 = scaled_square(r_norm, problem.log2_scale)
    covariance = np.full((p.size, p.size), np.inf)
    return FitResult(
        p.copy(),
        np.diag(covariance).copy(),
        covariance,
        chi2,
        problem.y.size - p.size,
        False,
        n_iter,
        np.array(history + [p]),
        NOT_FINITE + " The uncertainties are infinite." + _range_note(problem, r_norm),
    )


def _finish(
    problem: Problem, lin: Linearisation, converged: bool, n_iter: int, history: list, message: str
) -> FitResult:
    """The FitResult at `lin.p`: chi^2, and the covariance (AᵀA)⁻¹, scaled if sigma was not
    given."""
    p, dof = lin.p, problem.y.size - lin.p.size
    chi2 = scaled_square(lin.r_norm, problem.log2_scale)
    message += _range_note(problem, lin.r_norm)
    if lin.singular:
        covariance = np.full((p.size, p.size), np.inf)
        if converged:
            converged, message = False, "Stalled: " + message[len("Converged: ") :]
        if "singular" not in message and not message.startswith("Diverged"):
            message += singular_note(lin)  # (a diverging walk says so, not that it is singular)
        uncertainties = np.diag(covariance).copy()
    else:
        M = (lin.Vt.T / lin.s) / lin.D[:, None]  # (AᵀA)⁻¹ = M Mᵀ, in scaled units
        M = (
            np.ldexp(M, -problem.log2_scale)
            if problem.sigma_given
            else M * (lin.r_norm / np.sqrt(dof))
        )
        covariance, uncertainties = M @ M.T, np.array([norm(row) for row in M])
    return FitResult(
        p.copy(),
        uncertainties,
        covariance,
        chi2,
        dof,
        converged,
        n_iter,
        np.array(history),
        message,
    )


def _range_note(problem: Problem, r_norm: float) -> str:
    """A note when chi^2 is too large or too small for a float; empty otherwise."""
    chi2 = scaled_square(r_norm, problem.log2_scale)
    if r_norm == 0 or (0 < chi2 < np.inf and chi2 >= np.finfo(float).tiny):
        return ""
    shown = "inf" if chi2 == np.inf else f"{chi2:g}"
    return (
        f" chi^2 = {decimal(r_norm, problem.log2_scale)} is beyond the range of a float, so "
        f"it is reported as {shown}."
    )
