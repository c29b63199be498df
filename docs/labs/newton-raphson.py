# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab: Newton–Raphson in one dimension
#
# The course's practice notebook, rebuilt on `mvc`. We look for the roots of
#
# $$f(x) = \frac{x^6}{6} - 3x^4 - \frac{2x^3}{3} + \frac{27x^2}{2} + 18x - 30,$$
#
# follow Newton–Raphson, $x_{i+1} = x_i - f(x_i)/f'(x_i)$, from several starts, and
# compare every answer with `scipy.optimize`. Chapter 5, *Optimisation*, explains the
# method; here we run it.

# %%
import numpy as np
import scipy.optimize
from IPython.display import HTML, display

from mvc import newton_raphson, plotting


def f(x):
    return x**6 / 6 - 3 * x**4 - 2 * x**3 / 3 + 27 * x**2 / 2 + 18 * x - 30


def fprime(x):
    return x**5 - 12 * x**3 - 2 * x**2 + 27 * x + 18


# %% [markdown]
# ## The function
#
# Plot it first: where it crosses zero is what we are after. It has two real roots;
# its derivative $f'(x) = (x + 3)(x + 1)^2 (x - 2)(x - 3)$ is zero at four points.

# %%
x = np.linspace(-4.5, 4.5, 400)
fig, ax = plotting.figure(width=7, height=3.5)
ax.plot(x, f(x), color=plotting.COLORS["function"], label="$f(x)$")
ax.axhline(0, color=plotting.COLORS["muted"], lw=0.8)
for s in (-3, -1, 2, 3):
    ax.axvline(s, color=plotting.COLORS["muted"], ls=":", lw=0.8)
ax.set(ylim=(-80, 80), xlabel="$x$",
       title="the sextic; dotted: where $f'(x) = 0$")
ax.legend()
display(HTML(plotting.svg(fig, "The sextic and the four points where its "
                          "derivative is zero, near which Newton-Raphson's "
                          "steps become huge.")))

# %% [markdown]
# ## Iterate tables
#
# From each start, the table lists every iterate $x_i$ and $f(x_i)$. A converged run
# ends when the last step and $|f(x)|$ are both within `tol` of the size of $x$ and of
# $f$'s terms; any other end is named in the message.


# %%
def iterate_table(x0):
    result = newton_raphson(f, x0, fprime=fprime)
    print(f"start x0 = {x0}")
    print("  i   x_i                    f(x_i)")
    for i, xi in enumerate(result.history):
        print(f"{i:3d}   {xi: .15f}   {f(xi): .3e}")
    print("  ->", result.message, "\n")
    return result


for x0 in (1.0, -4.0, 3.1):
    iterate_table(x0)

# %% [markdown]
# ## Starting where the tangent is flat
#
# At $x = 2$, $f'(x) = 0$: the tangent never crosses zero and there is no next step.
# Just beside it the tangent is nearly flat, and the first step goes a long way.

# %%
iterate_table(2.0)
result = iterate_table(1.99)
print(f"from 1.99 the first step lands at {result.history[1]:.3f}")

# %% [markdown]
# ## Compared with scipy
#
# `scipy.optimize.newton` with `fprime` is Newton–Raphson too, and should reach the same
# root; `scipy.optimize.brentq` brackets a root and cannot miss it. Without `fprime`,
# `scipy.optimize.newton` is the secant method, which can go elsewhere.

# %%
brackets = {"left root": (-5.0, -3.0), "right root": (0.0, 2.0)}
roots = {name: scipy.optimize.brentq(f, *b, xtol=1e-15)
         for name, b in brackets.items()}
print("brentq:", {name: round(r, 12) for name, r in roots.items()}, "\n")
print(f"{'x0':>6} {'mvc':>18} {'scipy newton':>18} {'scipy secant':>18}")
for x0 in (-4.0, -2.0, -1.5, 0.0, 1.0, 2.25, 3.1, 4.0):
    ours = newton_raphson(f, x0, fprime=fprime)
    theirs = scipy.optimize.newton(f, x0, fprime=fprime, maxiter=100)
    secant = scipy.optimize.newton(f, x0, maxiter=100, full_output=True,
                                   disp=False)[0]
    missed = min(abs(secant - r) for r in roots.values()) >= 1e-6
    mark = "  <- not a root" if missed else ""
    print(f"{x0:6.2f} {ours.x:18.12f} {theirs:18.12f} {secant:18.12f}{mark}")
    assert not ours.converged or abs(ours.x - theirs) < 1e-9

# %% [markdown]
# ## Which root does each start reach?
#
# Colour every start in $[-5, 5]$ by where Newton–Raphson ends: the basins of attraction.

# %%
starts = np.linspace(-5, 5, 201)
ends = [newton_raphson(f, x0, fprime=fprime, max_iter=60) for x0 in starts]
fig, ax = plotting.figure(width=7, height=2.5)
for (name, root), color in zip(roots.items(), ("derivative", "tangent")):
    hits = [r.converged and abs(r.x - root) < 1e-6 for r in ends]
    ax.scatter(starts[hits], [r.n_iter for r, h in zip(ends, hits) if h], s=8,
               color=plotting.COLORS[color], label=f"reaches {root:.4f}")
failed = [not r.converged for r in ends]
ax.scatter(starts[failed], [r.n_iter for r, h in zip(ends, failed) if h], s=8,
           color=plotting.COLORS["muted"], label="fails")
ax.set(xlabel="start $x_0$", ylabel="steps")
ax.legend(fontsize=8)
display(HTML(plotting.svg(fig, "Basins of attraction: each start in [-5, 5] "
                          "coloured by the root Newton-Raphson reaches from "
                          "it, at the height of the steps it takes.")))
print({name: sum(r.converged and abs(r.x - root) < 1e-6 for r in ends)
       for name, root in roots.items()}, "starts; failures:", sum(failed))
