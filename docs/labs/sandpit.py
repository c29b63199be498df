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
# # Lab: Gradient descent in a sandpit
#
# A phone lies at the deepest point of a pit of sand, the square $[0, 6]^2$ m. A worker
# pushes a dip-stick in where we click and reports the depth $f$, its Jacobian $J$ and
# its Hessian $H$ there; our **strategy** turns those into the next place to dig, and
# the worker tries 5 more times after each click. The phone is found when a
# measurement lands within 0.15 m of it.
#
# The course's four strategies live in `mvc.descent`:
#
# - `fixed_step`: one metre to the right, whatever the ground;
# - `steepest_descent_step`: $\delta x = -\gamma J^\top$, $\gamma = 0.5$ ($J$ is a
#   row, so $J^\top = \nabla f$);
# - `newton_step`: $\delta x = -H^{-1} J^\top$, which finds maxima and saddles as
#   readily as minima;
# - `hybrid_step`: the Newton step, unless it points uphill or is longer than 2 m,
#   and then $-0.5 J^\top$.
#
# We run each over many seeded random pits and count how often it finds the phone.

# %%
import numpy as np
from IPython.display import HTML, display

from mvc import plotting
from mvc.descent import STRATEGIES, descend
from mvc.sandpit import RADIUS, landscape

# %% [markdown]
# ## One pit, four strategies
#
# `descend` runs a strategy from a click, keeping every point inside the pit.

# %%
pit = landscape("random", rng=3)


def depth(p):
    return pit.depth(*np.clip(p, 0, 6))


grid = np.linspace(0, 6, 61)
X, Y = np.meshgrid(grid, grid)
fig, ax = plotting.figure(width=5.5, height=5)
ax.contourf(X, Y, pit.depth(X, Y), levels=20, cmap="YlOrBr_r")
colors = dict(zip(STRATEGIES, ["extra", "function", "derivative", "secant"]))
for name in STRATEGIES:
    path = descend(depth, [1.0, 1.0], name, bounds=(0, 6), max_iter=5).history
    ax.plot(path[:, 0], path[:, 1], "o-", color=plotting.COLORS[colors[name]],
            label=name)
ax.plot(*pit.minimum, "*", ms=14, color=plotting.COLORS["error"],
        label="the phone")
ax.set(aspect="equal", xlim=(0, 6), ylim=(0, 6),
       title="a click at (1, 1) and 5 more tries")
ax.legend(fontsize=8, loc="upper right")
display(HTML(plotting.svg(fig, "One pit's floor with the paths of the four "
                          "step strategies from a click at (1, 1), five "
                          "tries each; the star is the deepest point.")))

# %% [markdown]
# ## Many pits
#
# Each pit is seeded, so the table below is the same at every build. From each of three
# random clicks per pit, each strategy gets the course's 5 further tries, and then a
# more generous 25. A try "finds" the phone if any measurement lands within 0.15 m.

# %%
PITS, CLICKS, PATIENCE = 12, 3, 25
rng = np.random.default_rng(2024)
pits = [landscape("random", rng=seed) for seed in range(PITS)]
clicks = rng.uniform(0.5, 5.5, (PITS, CLICKS, 2))


def first_find(pit, start, strategy):
    """The step at which a measurement first lands on the phone, or None."""
    depth = lambda p: pit.depth(*np.clip(p, 0, 6))  # noqa: E731
    history = descend(depth, start, strategy, bounds=(0, 6),
                      max_iter=PATIENCE).history
    found = np.flatnonzero(pit.is_found(history[:, 0], history[:, 1]))
    return int(found[0]) if found.size else None


finds = {name: [first_find(p, c, name)
                for p, cs in zip(pits, clicks) for c in cs]
         for name in STRATEGIES}

# %%
runs = PITS * CLICKS
print(f"{runs} clicks ({PITS} pits x {CLICKS}); "
      f"the phone is found when within {RADIUS} m\n")
print(f"{'strategy':18s} {'within 5 tries':>15s} {'within 25':>10s} "
      f"{'mean tries when found':>22s}")
for name, steps in finds.items():
    found = [s for s in steps if s is not None]
    quick = sum(s <= 5 for s in found)
    mean = f"{np.mean(found):.1f}" if found else "-"
    print(f"{name:18s} {quick:8d} ({quick / runs:4.0%}) "
          f"{len(found):4d} ({len(found) / runs:4.0%}) {mean:>12s}")

# %% [markdown]
# Steepest descent with the course's $\gamma = 0.5$ gets there, steadily; the Newton
# step is fast when it starts near the bottom and is thrown elsewhere (often uphill)
# when it does not; the hybrid keeps the Newton step's speed near the bottom and
# steepest descent's sense elsewhere. The fixed step only finds the phone by luck.
# Try your own strategy: any function `step(f, J, H)` can be passed to `descend`.
