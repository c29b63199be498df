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
# # Lab: Backpropagation
#
# This is the course's programming assignment, rebuilt on `mvc`. A small neural network
# learns to draw a curve: given a number $t$ between 0 and 1, it outputs a point
# $(y_1, y_2)$ of a heart. You write the network, its cost and the six Jacobians of the
# cost that backpropagation computes, check each piece against `mvc` and against finite
# differences, then train the network until it draws the heart.
#
# Every solution is filled in, so the page runs from top to bottom. To practise, download
# the notebook, delete the body of a function, and write it again until the checks below
# it pass. [Chapter 3](../../chain-rule/) derives everything used here.
#
# ## The network
#
# The network has one input, hidden layers of 6 and 7 neurons, and 2 outputs, each layer
# with the logistic activation function:
#
# $$\begin{gathered}
# a^{(n)} = \sigma(z^{(n)}), \qquad z^{(n)} = W^{(n)} a^{(n-1)} + b^{(n)}, \qquad n = 1, 2, 3, \\
# \sigma(z) = \frac{1}{1 + e^{-z}}.
# \end{gathered}$$
#
# As in the course, the $N$ training examples are the columns of one matrix, so every
# formula below handles them all at once: $a^{(0)}$ is the $1 \times N$ row of inputs $t$.
# The derivative of the activation function is
#
# $$\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = \sigma(z)\,\bigl(1 - \sigma(z)\bigr)
# = \frac{1}{4 \cosh^2(z/2)},$$
#
# the last form being the one the course's notebook uses.

# %%
import numpy as np
from IPython.display import HTML

from mvc import check_gradient, check_network, gradient, plotting
from mvc.datasets import heart
from mvc.nn import Network


def sigma(z):
    """The logistic activation function."""
    return 1 / (1 + np.exp(-z))


def d_sigma(z):
    """Its derivative, as the course writes it."""
    return np.cosh(z / 2) ** (-2) / 4


z = np.linspace(-5, 5, 11)
same = np.allclose(d_sigma(z), sigma(z) * (1 - sigma(z)), rtol=1e-14)
print("σ'(z) = σ(1 - σ):", same)

# %% [markdown]
# The training data are $N = 100$ points $t = 0, 0.01, \dots, 0.99$ and, for each, the
# point of the heart the network should draw (scaled into the unit square, where the
# logistic outputs live):
#
# $$y(t) = \frac12 \left(\frac{1}{20}
# \begin{bmatrix} 16 \sin^3(2\pi t) \\
# 13 \cos(2\pi t) - 5 \cos(4\pi t) - 2 \cos(6\pi t) - \cos(8\pi t) \end{bmatrix}
# + 1\right).$$
#
# The weights and biases start as random numbers, `randn / 2`, as in the course. We take
# them from an `mvc.nn.Network` built from a seed, so that what you write below can be
# compared with `mvc`, number for number.

# %%
x, y = heart(100)
net = Network([1, 6, 7, 2], rng=4)
W1, W2, W3 = net.weights
b1, b2, b3 = net.biases
print("x:", x.shape, " y:", y.shape)
for n, (W, b) in enumerate(zip(net.weights, net.biases), 1):
    print(f"W{n}: {W.shape}   b{n}: {b.shape}")


# %% [markdown]
# The figures are drawn by `mvc.plotting` and shown as HTML, so they follow the site's
# light or dark palette. A helper draws the target heart and, optionally, what a network
# draws for inputs from 0 to 1:

# %%
def draw(outputs, caption):
    """The heart (dots) and the curves the networks draw, as a figure."""
    fig, ax = plotting.figure(width=4.2, height=4.0)
    ax.plot(y[0], y[1], "o", ms=3, color=plotting.COLORS["function"],
            label="target $y$")
    roles = ["derivative", "secant", "tangent"]
    for (label, a), role in zip(outputs.items(), roles):
        ax.plot(a[0], a[1], color=plotting.COLORS[role], lw=1.8, label=label)
    ax.set(xlabel="$y_1$", ylabel="$y_2$", xlim=(0, 1), ylim=(0, 1),
           aspect="equal")
    ax.legend(loc="lower left", fontsize=8)
    return HTML(plotting.svg(fig, caption))


fine = np.linspace(0, 1, 400).reshape(1, -1)  # inputs t to draw smooth curves
draw({"untrained network": net.forward(fine)},
     "The heart the network must learn (dots), and the curve the untrained "
     "network draws.")


# %% [markdown]
# ## Feed forward
#
# **Your task:** write the network function: from $a^{(0)}$, compute $z^{(1)}, a^{(1)},
# z^{(2)}, a^{(2)}, z^{(3)}, a^{(3)}$ and return them all (backpropagation reuses them).

# %%
def network_function(a0):
    z1 = W1 @ a0 + b1
    a1 = sigma(z1)
    z2 = W2 @ a1 + b2
    a2 = sigma(z2)
    z3 = W3 @ a2 + b3
    a3 = sigma(z3)
    return a0, z1, a1, z2, a2, z3, a3


# %% [markdown]
# **Check:** the output and every intermediate step equal `mvc`'s forward pass.

# %%
*_, a3 = network_function(x)
zs, activations = net.layers(x)
by_hand = network_function(x)
assert np.allclose(a3, net.forward(x), rtol=1e-13)
assert all(np.allclose(m, z, rtol=1e-13) for m, z in zip(by_hand[1::2], zs))
print("a3:", a3.shape,
      "  largest difference from mvc:", np.abs(a3 - net.forward(x)).max())


# %% [markdown]
# ## The cost
#
# The cost is the squared distance between output and target, summed over both outputs and
# averaged over the $N$ examples:
#
# $$C = \frac1N \sum_{k=1}^{N} \lVert a^{(3)}_k - y_k \rVert^2 .$$
#
# **Your task:** write it.

# %%
def cost(x, y):
    return np.linalg.norm(network_function(x)[-1] - y) ** 2 / x.size


print(f"cost {cost(x, y):.6f}   mvc: {net.cost(x, y):.6f}")
assert np.isclose(cost(x, y), net.cost(x, y), rtol=1e-13)


# %% [markdown]
# ## The Jacobians of the cost: backpropagation
#
# Training needs the derivative of $C$ with respect to every weight and bias. As in
# chapter 3, everything is built from one quantity per layer, the derivative of the cost
# with respect to that layer's $z$, written as a column of the shape of $z^{(n)}$:
#
# $$\delta^{(n)} = \frac{\partial C}{\partial z^{(n)}}.$$
#
# For the last layer the chain rule gives it in two links: $\partial C/\partial a^{(3)}
# = \frac{2}{N}(a^{(3)} - y)$, then $\partial a^{(3)}/\partial z^{(3)} =
# \operatorname{diag}\sigma'(z^{(3)})$, a diagonal matrix because each neuron's
# activation depends on its own $z$ only; multiplying by it is multiplying entry by
# entry:
#
# $$\delta^{(3)} = \operatorname{diag}\bigl(\sigma'(z^{(3)})\bigr)\,
# \frac{2}{N}\bigl(a^{(3)} - y\bigr) = \sigma'(z^{(3)}) \odot \frac{2}{N}
# \bigl(a^{(3)} - y\bigr).$$
#
# Since $z^{(3)}_j = \sum_k W^{(3)}_{jk} a^{(2)}_k + b^{(3)}_j$, the entry
# $W^{(3)}_{jk}$ moves $C$ by $\delta^{(3)}_j a^{(2)}_k$: the gradient is an outer
# product, and the bias gradient is $\delta^{(3)}$ itself,
#
# $$\frac{\partial C}{\partial W^{(3)}} = \delta^{(3)}\, a^{(2)\top}, \qquad
# \frac{\partial C}{\partial b^{(3)}} = \delta^{(3)}.$$
#
# With the examples as columns, $\delta^{(3)}$ is $2 \times N$ and $a^{(2)\top}$ is
# $N \times 7$: their product sums the outer products over the examples and gives a
# $2 \times 7$ matrix, the shape of $W^{(3)}$; the bias gradient sums $\delta^{(3)}$
# over the examples.
#
# **Your task:** write $J_{W^{(3)}} = \partial C / \partial W^{(3)}$ and
# $J_{b^{(3)}} = \partial C / \partial b^{(3)}$.

# %%
def J_W3(x, y):
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y)  # ∂C/∂a3, without the 1/N
    J = J * d_sigma(z3)  # diag(σ'(z3)): now δ3, without the 1/N
    J = J @ a2.T / x.size  # δ3 a2ᵀ, summed over the examples, and 1/N
    return J


def J_b3(x, y):
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y) * d_sigma(z3)
    return np.sum(J, axis=1, keepdims=True) / x.size  # δ3, summed


print("J_W3:", J_W3(x, y).shape, " J_b3:", J_b3(x, y).shape)


# %% [markdown]
# One layer further back, the chain grows by one link: $z^{(3)}$ depends on $z^{(2)}$
# through $a^{(2)}$, with the Jacobians $\partial z^{(3)}/\partial a^{(2)} = W^{(3)}$ and
# $\partial a^{(2)}/\partial z^{(2)} = \operatorname{diag}\sigma'(z^{(2)})$. As rows,
# $\partial C/\partial z^{(2)} = \delta^{(3)\top} W^{(3)}
# \operatorname{diag}\sigma'(z^{(2)})$; as columns, transposed,
#
# $$\delta^{(2)} = \operatorname{diag}\bigl(\sigma'(z^{(2)})\bigr)\, W^{(3)\top}
# \delta^{(3)}, \qquad \frac{\partial C}{\partial W^{(2)}} = \delta^{(2)}\,
# a^{(1)\top}, \qquad \frac{\partial C}{\partial b^{(2)}} = \delta^{(2)},$$
#
# and for the first layer one more step of the same recursion,
# $\delta^{(1)} = \operatorname{diag}(\sigma'(z^{(1)}))\, W^{(2)\top} \delta^{(2)}$. (The
# Jacobian of $a^{(3)}$ with respect to $a^{(2)}$ is
# $\operatorname{diag}(\sigma'(z^{(3)}))\, W^{(3)}$: the diagonal matrix on the left,
# scaling the rows of $W^{(3)}$.) In code, multiplying by $W^\top$ on the left of a
# column of derivatives is the same as multiplying a row of them by $W$ on the right.
#
# **Your task:** write the four remaining Jacobians.

# %%
def J_W2(x, y):
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y)
    J = J * d_sigma(z3)
    J = (J.T @ W3).T  # W3ᵀ δ3, written as (δ3ᵀ W3)ᵀ
    J = J * d_sigma(z2)  # diag(σ'(z2)) W3ᵀ δ3 = δ2
    J = J @ a1.T / x.size  # δ2 a1ᵀ
    return J


def J_b2(x, y):
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y) * d_sigma(z3)
    J = (J.T @ W3).T * d_sigma(z2)
    return np.sum(J, axis=1, keepdims=True) / x.size


def J_W1(x, y):
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y) * d_sigma(z3)
    J = (J.T @ W3).T * d_sigma(z2)
    J = (J.T @ W2).T * d_sigma(z1)  # δ1 = diag(σ'(z1)) W2ᵀ δ2
    return J @ a0.T / x.size


def J_b1(x, y):
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y) * d_sigma(z3)
    J = (J.T @ W3).T * d_sigma(z2)
    J = (J.T @ W2).T * d_sigma(z1)
    return np.sum(J, axis=1, keepdims=True) / x.size


JACOBIANS = [J_W1, J_W2, J_W3, J_b1, J_b2, J_b3]
for J, p in zip(JACOBIANS, [W1, W2, W3, b1, b2, b3]):
    print(f"{J.__name__}: {J(x, y).shape}, "
          f"the shape of the parameter it belongs to: {p.shape}")


# %% [markdown]
# ## Checking the Jacobians
#
# **Check 1, against `mvc`:** `Network.gradients` runs the same backpropagation, written as
# a loop over the layers (chapter 3 shows its lines).

# %%
dW, db = net.gradients(x, y)
for J, expected in zip(JACOBIANS, dW + db):
    assert np.allclose(J(x, y), expected, rtol=1e-10, atol=1e-15), J.__name__
    difference = np.abs(J(x, y) - expected).max()
    print(f"{J.__name__}: largest difference from mvc {difference:.1e}")


# %% [markdown]
# **Check 2, against finite differences:** a check that needs no derivation at all. Nudge
# each entry of a weight matrix up and down by a small step, watch the cost change, and
# compare the central difference
#
# $$\frac{\partial C}{\partial w} \approx \frac{C(w + h) - C(w - h)}{2h}$$
#
# with the Jacobian. `mvc.check_gradient` does this for a function of a vector and returns
# the worst difference relative to the gradient's size; a right derivation gives about
# $10^{-10}$, a wrong one something near 1. Here it checks $J_{W^{(2)}}$, the 42 entries of
# $W^{(2)}$ laid out as one vector:

# %%
def cost_of_W2(w):
    global W2
    saved, W2 = W2, w.reshape(7, 6)
    try:
        return cost(x, y)
    finally:
        W2 = saved


def J_W2_flat(w):
    global W2
    saved, W2 = W2, w.reshape(7, 6)
    try:
        return J_W2(x, y).ravel()
    finally:
        W2 = saved


worst = check_gradient(cost_of_W2, J_W2_flat, W2.ravel())
print(f"J_W2 against finite differences: {worst:.1e}")


# %% [markdown]
# The same check on one entry by hand, with `mvc.gradient` doing the nudging:

# %%
def cost_of_b1_first(v):
    global b1
    saved = b1.copy()
    b1 = saved.copy()
    b1[0, 0] = v[0]
    try:
        return cost(x, y)
    finally:
        b1 = saved


print("∂C/∂b1[0] by backprop:            ", J_b1(x, y)[0, 0])
print("∂C/∂b1[0] by central differences: ",
      gradient(cost_of_b1_first, [b1[0, 0]])[0])

# %% [markdown]
# And `mvc.check_network` checks every weight and bias of the network at once:

# %%
count = sum(p.size for p in net.weights + net.biases)
print(f"all {count} parameters against finite differences: "
      f"{check_network(net, x, y):.1e}")


# %% [markdown]
# A mistake does not hide. Forget the factor $\sigma'(z^{(2)})$ in $J_{W^{(2)}}$ and the
# check jumps by orders of magnitude:

# %%
def J_W2_wrong(w):
    global W2
    saved, W2 = W2, w.reshape(7, 6)
    try:
        a0, z1, a1, z2, a2, z3, a3 = network_function(x)
        J = (2 * (a3 - y) * d_sigma(z3)).T @ W3  # and then no σ'(z2)
        return (J.T @ a1.T / x.size).ravel()
    finally:
        W2 = saved


print(f"a wrong J_W2 against finite differences: "
      f"{check_gradient(cost_of_W2, J_W2_wrong, W2.ravel()):.1e}")


# %% [markdown]
# ## Training
#
# Steepest descent moves every weight and bias a step against its Jacobian. The course
# calls the step size the *aggression* and multiplies each Jacobian by a random factor
# $1 + \text{noise} \cdot \xi$, $\xi \sim \mathcal N(0, 1)$, drawn afresh at every step,
# which can shake the descent out of flat regions:
#
# $$W^{(n)} \leftarrow W^{(n)} - \text{aggression} \cdot (1 + \text{noise}\cdot\xi)\,
# \frac{\partial C}{\partial W^{(n)}}.$$
#
# With noise 1 the factor is negative whenever $\xi < -1$: then that
# matrix's or bias's step points *uphill*. How often, by the normal
# distribution and by counting draws:

# %%
from math import erfc, sqrt

uphill = erfc(1 / sqrt(2)) / 2  # P(ξ < −1) = Φ(−1)
draws = np.random.default_rng(0).standard_normal(100_000)
print(f"P(1 + ξ < 0) = {uphill:.4f};  in 100 000 draws: "
      f"{np.mean(1 + draws < 0):.4f}")

# %% [markdown]
# **Your task:** write the training loop, with aggression 7 and noise 1 as in the course.

# %%
def train(iterations, aggression=7.0, noise=1.0, rng=None):
    global W1, W2, W3, b1, b2, b3
    history = [cost(x, y)]
    for _ in range(iterations):
        j_W1, j_W2, j_W3, j_b1, j_b2, j_b3 = (J(x, y) for J in JACOBIANS)
        xi = rng.standard_normal(6)
        W1 = W1 - j_W1 * (1 + noise * xi[0]) * aggression
        W2 = W2 - j_W2 * (1 + noise * xi[1]) * aggression
        W3 = W3 - j_W3 * (1 + noise * xi[2]) * aggression
        b1 = b1 - j_b1 * (1 + noise * xi[3]) * aggression
        b2 = b2 - j_b2 * (1 + noise * xi[4]) * aggression
        b3 = b3 - j_b3 * (1 + noise * xi[5]) * aggression
        history.append(cost(x, y))
    return np.array(history)


STEPS = 300
passes = 0  # how many times the network runs forward while we train
network_function_itself = network_function


def network_function(a0):
    """The same network function, counting its calls."""
    global passes
    passes += 1
    return network_function_itself(a0)


# the noise continues the network's own generator
mine = train(STEPS, rng=net.rng)
network_function = network_function_itself
assert passes == 1 + STEPS * (len(JACOBIANS) + 1)
print(f"cost after {STEPS} steps: {mine[0]:.4f} -> {mine[-1]:.4f}")
print(f"forward passes: {passes}, {(passes - 1) / STEPS:.0f} per step "
      "(one per Jacobian, one for the cost) and one for the starting cost")

# %% [markdown]
# **Check:** `Network.train` takes the same steps, with the same random numbers (by default
# it draws them from the generator the network was built from), and must land on the
# same costs:

# %%
ours = Network([1, 6, 7, 2], rng=4).train(x, y, lr=7.0, iterations=STEPS,
                                          noise=1.0)
print("largest difference in the cost history:", np.abs(mine - ours).max())
assert np.allclose(mine, ours, rtol=1e-8)

# %% [markdown]
# Our loop recomputes the forward pass for each of the six Jacobians; `Network.train`
# computes it once per step and passes the shared factors back from layer to layer, which
# is what makes backpropagation cheap. Both draw the same curve after these few hundred
# steps, which is still far from a heart:

# %%
draw({f"after {STEPS} steps": network_function(fine)[-1]},
     f"After {STEPS} steps of training, the network's curve has found the "
     "heart's rough position and size, but not its shape.")

# %% [markdown]
# ## The full run
#
# The course trains for about 50 000 steps. `Network.train` takes them from the same
# start with the same random numbers, with one forward pass per step where our loop runs
# one per Jacobian and one for the cost. The work it saves is counted here, not timed: a
# time would change from one machine, and from one build, to the next.

# %%
full = Network([1, 6, 7, 2], rng=4)
history, snapshots = [full.cost(x, y)], {}
for stop in (STEPS, 2000, 10_000, 50_000):
    # one run, paused at each snapshot: the noise continues from the network's
    # generator
    steps = stop - len(history) + 1
    costs = full.train(x, y, lr=7.0, iterations=steps, noise=1.0)
    history.extend(costs[1:])
    snapshots[stop] = full.forward(fine)
history = np.array(history)
ours_would = (passes - 1) / STEPS * (len(history) - 1)
print(f"Network.train: {len(history) - 1:,} steps, one forward pass each;")
print(f"our loop would run {ours_would:,.0f} forward passes")
print(f"cost {history[0]:.4f} -> {history[-1]:.2e}")
for k in snapshots:
    print(f"  after {k:6d} steps: cost {history[k]:.2e}")
assert np.allclose(history[: STEPS + 1], mine, rtol=1e-8)  # as our loop began

# %%
fig, ax = plotting.figure(height=3.2)
typical = [np.median(history[k:k + 500])
           for k in range(0, len(history) - 499, 100)]
ax.semilogy(history, color=plotting.COLORS["function"], lw=0.5, alpha=0.35,
            label="cost")
ax.semilogy(np.arange(250, len(history) - 249, 100), typical, lw=2,
            color=plotting.COLORS["function"], label="median of 500 steps")
ax.axvline(STEPS, color=plotting.COLORS["muted"], lw=0.8, ls=":")
ax.set(xlabel="step", ylabel="cost $C$")
ax.legend(fontsize=8)
orders = np.log10(history[0] / history[-1])
HTML(plotting.svg(fig, "The cost against the training step, on a log scale "
                  "(the dotted line marks where our own loop stopped): it "
                  f"falls from {history[0]:.3f} to {history[-1]:.1e}, "
                  f"{orders:.1f} orders of magnitude, in sudden drops as "
                  "the network finds new shapes; the spikes are steps the "
                  "noise made too long."))

# %%
draw({"after 2 000 steps": snapshots[2000],
      "after 10 000 steps": snapshots[10_000],
      "after 50 000 steps": snapshots[50_000]},
     "What the network draws after 2 000, 10 000 and 50 000 steps of "
     "training, for inputs $t$ from 0 to 1: a rough loop, then the heart "
     "taking shape.")

# %% [markdown]
# ## What to take away
#
# - Everything comes from $\delta^{(n)} = \partial C/\partial z^{(n)}$: at the output
#   $\delta^{(L)} = \operatorname{diag}(\sigma'(z^{(L)}))\,\partial C/\partial a^{(L)}$,
#   then one layer back at a time
#   $\delta^{(n-1)} = \operatorname{diag}(\sigma'(z^{(n-1)}))\, W^{(n)\top}
#   \delta^{(n)}$, and the gradients are $\partial C/\partial W^{(n)} = \delta^{(n)}
#   a^{(n-1)\top}$ and $\partial C/\partial b^{(n)} = \delta^{(n)}$.
# - Backpropagation computes the $\delta$s from the output back and shares them, so one
#   backward pass gives every gradient; our loop, which starts again for each Jacobian,
#   ran the network forward seven times a step instead of once.
# - Check a hand-derived gradient against finite differences before trusting it; a
#   mistake shows up as a relative error near 1 instead of $10^{-10}$.
