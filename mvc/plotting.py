"""Figure helpers: one style for every figure on the site, SVG out, light and dark.

A chapter draws a figure in a markdown-exec fence and prints it:

```python
from mvc import plotting

fig, ax = plotting.figure()
ax.plot(x, y, color=plotting.COLORS["function"])
print(plotting.svg(fig, "What the figure shows, in one sentence."))
```

`svg` returns an HTML ``<figure>`` holding an inline SVG and its caption. The SVG
has a transparent background, and everything drawn in black (text, axes, ticks)
is written as ``currentColor``, so it takes the page's text colour in the light
and in the dark palette. Data colours come from `COLORS`, each chosen to keep a
contrast of at least 3:1 against both palettes' backgrounds. The output is
deterministic: no dates, and ids salted by the caption, so two builds give the
same bytes and two figures on one page never share an id.

This is the only module of `mvc` that imports matplotlib (the `plot` extra); without
it, importing this module raises an ImportError that says how to install it.
"""

from __future__ import annotations

import html
import io
import re

try:
    import matplotlib as mpl
except ModuleNotFoundError as error:  # numpy is mvc's only requirement; figures need more
    if error.name != "matplotlib":
        raise
    raise ImportError(
        "mvc.plotting draws with matplotlib, which is not installed. Install mvc with its "
        '`plot` extra: pip install "multivariate-calculus-ml[plot]".'
    ) from error
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["BACKGROUNDS", "COLORS", "STYLE", "contrast_ratio", "figure", "label_curve", "svg"]

#: Colours by role, the same role in the same colour on every page.
COLORS = {
    "function": "#1c7ed6",  # blue: the function being studied, data
    "derivative": "#d9480f",  # orange: its derivative, a model
    "tangent": "#2b8a3e",  # green: tangent lines and approximations
    "secant": "#ae3ec9",  # purple: secants, iterates, paths
    "extra": "#0c8599",  # teal: a third curve, constraints
    "error": "#e03131",  # red: errors and residuals
    "muted": "#868e96",  # grey: guides and reference lines
}

#: The page backgrounds of mkdocs-material's light ("default") and dark ("slate") schemes.
BACKGROUNDS = {"light": "#ffffff", "dark": "#1e2129"}

_INK = "#000000"  # drawn as currentColor in the SVG

#: matplotlib settings applied by `figure`.
STYLE = {
    "axes.edgecolor": _INK,
    "axes.labelcolor": _INK,
    "axes.prop_cycle": mpl.cycler(color=list(COLORS.values())),
    "axes.spines.right": False,
    "axes.spines.top": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "font.family": "sans-serif",
    # Text stays text in the SVG (svg.fonttype "none") and names this list on every label:
    # matplotlib's default is ten names long. DejaVu Sans (bundled with matplotlib) sets
    # the metrics; a reader without it gets a near match.
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 10,
    "grid.alpha": 0.35,
    "grid.color": COLORS["muted"],
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "savefig.transparent": True,
    "svg.fonttype": "none",
    "text.color": _INK,
    "xtick.color": _INK,
    "ytick.color": _INK,
}


def figure(nrows: int = 1, ncols: int = 1, *, width: float = 6.4, height: float = 3.6, **kwargs):
    """A figure in the site's style, and its axes.

    Parameters
    ----------
    nrows, ncols : int
        The grid of axes, as in `matplotlib.figure.Figure.subplots`.
    width, height : float
        Size in inches (at 96 px per inch on the page, before the page scales it).
    **kwargs
        Passed on to ``Figure.subplots`` (``sharex``, ``subplot_kw``, ...).

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes or numpy.ndarray of them

    Notes
    -----
    The figure is made without pyplot, so nothing is kept in a global registry,
    and `STYLE` is applied to ``matplotlib.rcParams`` so that text drawn after
    this call is styled too.
    """
    mpl.rcParams.update(STYLE)
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(nrows, ncols, **kwargs)


def svg(fig: Figure, caption: str, *, alt: str | None = None) -> str:
    """The figure as an HTML ``<figure>``: inline SVG and its caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to write.
    caption : str
        What the figure shows, in a sentence. It may hold inline math ``$...$``.
    alt : str, optional
        The text alternative for screen readers; the caption by default.

    Returns
    -------
    str
        HTML, to be printed by a markdown-exec fence with ``html="1"``.
    """
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError(f"`caption` must be a non-empty string, got {caption!r}.")
    buffer = io.StringIO()
    with mpl.rc_context({**STYLE, "svg.hashsalt": caption}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # drop the XML prolog and doctype
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'<g id="[^"]*"', "<g", text)  # group ids repeat from figure to figure
    text = text.replace(_INK, "currentColor")
    label = html.escape(alt if alt is not None else _plain(caption), quote=True)
    # Text matplotlib draws in black carries no fill: it inherits this one.
    text = text.replace("<svg ", f'<svg role="img" aria-label="{label}" fill="currentColor" ', 1)
    return (
        '<figure class="mvc-figure">\n'
        + text.strip()
        + f"\n<figcaption>{html.escape(caption, quote=False)}</figcaption>\n</figure>"
    )


def _plain(caption: str) -> str:
    """The caption without TeX dollar signs, for a screen reader."""
    return caption.replace("$", "")


def contrast_ratio(color: str, background: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours, from 1 (none) to 21."""

    def luminance(hex_color: str) -> float:
        channels = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(color), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_curve(ax: Axes, x: float, y: float, text: str, color: str) -> None:
    """Write `text` beside a curve in its own colour (a legend the eye need not hunt for)."""
    ax.annotate(text, (x, y), xytext=(4, 4), textcoords="offset points", color=color)
