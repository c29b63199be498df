# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab: fitting the distribution of height data
#
# The course's graded assignment for chapter 6, [Regression](../../regression/), done with
# `mvc`. We have a histogram of people's heights and fit a Gaussian to it by steepest
# descent on $\chi^2$, writing the derivatives ourselves — then let Levenberg–Marquardt do
# the same with no step size to tune, and compare with `scipy.optimize.curve_fit`.
#
# ## The data
#
# The heights are binned in 100 bins of 2.5 cm from 50 cm, and the histogram is
# normalised so that it integrates to 1: a probability density. `mvc.datasets.heights()`
# returns the bin centres $x_i$ and the densities $y_i$.

# %%
import numpy as np
from scipy.optimize import curve_fit

from IPython.display import HTML

from mvc import chi_squared, fit, jacobian, plotting
from mvc.datasets import heights

x, y = heights()
print("bins:", x[0], "...", x[-1],
      "| non-zero:", x[y > 0][0], "...", x[y > 0][-1])
print("integral:", np.sum(y) * 2.5)

# %%
fig, ax = plotting.figure()
ax.bar(x, y, width=2.5, color=plotting.COLORS["function"], alpha=0.7,
       label="heights (normalised)")
ax.set(xlabel="height (cm)", ylabel="probability density", xlim=(140, 220))
ax.legend()
HTML(plotting.svg(fig, "The normalised histogram of heights: 16 bins of "
                  "2.5 cm between 160 and 200 cm."))

# %% [markdown]
# ## The model
#
# A Gaussian of mean $\mu$ and standard deviation $\sigma$,
#
# $$f(x; \mu, \sigma) = \frac{1}{\sigma\sqrt{2\pi}} \exp\left(-\frac{(x - \mu)^2}{2\sigma^2}\right).$$
#
# There are no uncertainties on the histogram, so $\chi^2 = \sum_i (y_i - f(x_i; \mu, \sigma))^2$.


# %%
def f(x, mu, sig):
    return (np.exp(-((x - mu) ** 2) / (2 * sig**2))
            / (sig * np.sqrt(2 * np.pi)))


print("chi^2 at the start (155, 6):", chi_squared(y, f(x, 155, 6)))

# %% [markdown]
# ## The derivatives, by hand
#
# Steepest descent needs $\partial\chi^2/\partial\mu$ and $\partial\chi^2/\partial\sigma$,
# and by the chain rule those need $\partial f/\partial\mu$ and $\partial f/\partial\sigma$.
# Differentiating the exponent,
#
# $$\frac{\partial f}{\partial \mu} = f \cdot \frac{x - \mu}{\sigma^2}, \qquad
# \frac{\partial f}{\partial \sigma} = f \cdot \left(\frac{(x - \mu)^2}{\sigma^3} - \frac{1}{\sigma}\right),$$
#
# the second term of the last coming from the $1/\sigma$ in front.


# %%
def dfdmu(x, mu, sig):
    return f(x, mu, sig) * (x - mu) / sig**2


def dfdsig(x, mu, sig):
    return f(x, mu, sig) * ((x - mu) ** 2 / sig**3 - 1 / sig)


# %% [markdown]
# Checked against `mvc.jacobian`, which differentiates $(\mu, \sigma) \mapsto f(x_i; \mu, \sigma)$
# numerically: one row per bin, one column per parameter.

# %%
J = jacobian(lambda p: f(x, *p), [155.0, 6.0])
by_hand = np.column_stack([dfdmu(x, 155.0, 6.0), dfdsig(x, 155.0, 6.0)])
print("Jacobian shape:", J.shape)
print("largest difference:", np.abs(J - by_hand).max(),
      "| largest entry:", np.abs(by_hand).max())

# %% [markdown]
# ## Steepest descent with aggression 2000
#
# $$\frac{\partial \chi^2}{\partial \mu} = -2 \sum_i (y_i - f(x_i))\,\frac{\partial f}{\partial \mu}(x_i),
# \qquad
# \frac{\partial \chi^2}{\partial \sigma} = -2 \sum_i (y_i - f(x_i))\,\frac{\partial f}{\partial \sigma}(x_i),$$
#
# and a step moves the parameters against this gradient, times the "aggression" 2000.


# %%
def steepest_step(x, y, mu, sig, aggression):
    gradient = np.array([
        -2 * (y - f(x, mu, sig)) @ dfdmu(x, mu, sig),
        -2 * (y - f(x, mu, sig)) @ dfdsig(x, mu, sig),
    ])
    return -aggression * gradient


path = [np.array([155.0, 6.0])]
for _ in range(50):
    path.append(path[-1] + steepest_step(x, y, *path[-1], 2000))
path = np.array(path)
chi2_end = chi_squared(y, f(x, *path[-1]))
print("after 50 steps: mu = %.4f, sigma = %.4f, chi^2 = %.3e"
      % (*path[-1], chi2_end))

# %% [markdown]
# `mvc.fit` with `method="steepest-descent"` and `lr=2000` takes exactly these steps (its
# $\chi^2$ has $\sigma_i = 1$ here), with its Jacobian by central differences:

# %%
walk = fit(f, x, y, [155.0, 6.0], method="steepest-descent", lr=2000,
           max_iter=50)
print("same path as by hand:", np.allclose(walk.history, path, rtol=1e-7))
print(walk.message)

# %% [markdown]
# The path on the contours of $\chi^2$ over $\mu \in [150, 200]$, $\sigma \in [2, 35]$,
# with Levenberg–Marquardt's from the same start:

# %%
lm = fit(f, x, y, [155.0, 6.0])
MU, SIG = np.meshgrid(np.linspace(150, 200, 101), np.linspace(2, 35, 101))
chi2 = np.sum((y - f(x, MU[..., None], SIG[..., None])) ** 2, axis=-1)
fig, ax = plotting.figure(height=4.2)
levels = np.geomspace(chi2.min() * 1.5, chi2.max(), 16)
ax.contour(MU, SIG, chi2, levels=levels, colors=plotting.COLORS["muted"],
           linewidths=0.8)
ax.plot(*path.T, "o-", ms=3, lw=1.2, color=plotting.COLORS["secant"],
        label="steepest descent, 50 steps")
ax.plot(*lm.history.T, "s-", ms=4, lw=1.2,
        color=plotting.COLORS["derivative"],
        label=f"Levenberg–Marquardt, {lm.n_iter} iterations")
ax.set(xlabel="$\\mu$ (cm)", ylabel="$\\sigma$ (cm)")
ax.legend(loc="upper right", fontsize=8)
overshoot = lm.history[:, 0].max() - lm.params[0]
HTML(plotting.svg(fig, "Contours of chi-squared over the mean and standard "
                  "deviation: 50 steps of steepest descent with aggression "
                  "2000 from (155, 6) creep to the minimum; "
                  f"Levenberg–Marquardt's {lm.n_iter} iterations stride "
                  f"across the valley, passing the best mean by up to "
                  f"{overshoot:.1f} cm, and pin it down to every digit."))

# %% [markdown]
# ## Levenberg–Marquardt, and scipy
#
# The default method of `mvc.fit` uses the curvature, so it needs no aggression to tune.
# It gives the uncertainties too, from the covariance (scaled by the scatter, as there are
# no $\sigma_i$), and agrees with `curve_fit` to every digit shown; steepest descent,
# after its 50 steps, agrees to four decimals:

# %%
popt, pcov = curve_fit(f, x, y, p0=[155.0, 6.0])
errors = np.sqrt(np.diag(pcov))
print("mvc:        mu = %.4f ± %.4f, sigma = %.4f ± %.4f"
      % (lm.params[0], lm.uncertainties[0],
         lm.params[1], lm.uncertainties[1]))
print("curve_fit:  mu = %.4f ± %.4f, sigma = %.4f ± %.4f"
      % (popt[0], errors[0], popt[1], errors[1]))
print("steepest descent after 50 steps: mu = %.4f, sigma = %.4f"
      % tuple(path[-1]))
accepted = np.count_nonzero(np.any(np.diff(lm.history, axis=0) != 0, axis=1))
print(f"Levenberg–Marquardt: {lm.n_iter} iterations, "
      f"{accepted} of them steps taken; {lm.message}")

# %%
fig, ax = plotting.figure()
ax.bar(x, y, width=2.5, color=plotting.COLORS["function"], alpha=0.6,
       label="heights")
fine = np.linspace(140, 220, 400)
ax.plot(fine, f(fine, *lm.params), color=plotting.COLORS["derivative"],
        label="Gaussian, $\\mu$ = %.1f cm, $\\sigma$ = %.1f cm"
              % tuple(lm.params))
ax.set(xlabel="height (cm)", ylabel="probability density", xlim=(140, 220))
ax.legend()
HTML(plotting.svg(fig, "The histogram of heights and the Gaussian fitted by "
                  "Levenberg–Marquardt."))
