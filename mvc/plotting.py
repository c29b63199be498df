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

A figure is drawn at its size in inches (96 px per inch) and shrunk to fit the
column: 688 px at desk width, about 340 px on a phone. So that its text stays legible
when shrunk, `svg` raises every font to at least `smallest_font` of the figure's width
(a wide figure gets larger type), and sets short y-axis labels ("$y$", "$C$")
upright, as in print.

This is the only module of `mvc` that imports matplotlib (the `plot` extra); without
it, importing this module raises an ImportError that says how to install it.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

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
from matplotlib.rcsetup import cycler

__all__ = [
    "BACKGROUNDS",
    "COLORS",
    "COLUMNS",
    "STYLE",
    "contrast_ratio",
    "figure",
    "label_curve",
    "smallest_font",
    "svg",
]

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

#: Where figures are read: the column's width and the smallest text height wanted there,
#: both in CSS px (desk: mkdocs-material's 688 px column; phone: a 390 px screen, inside
#: a solution block).
COLUMNS = {"desk": (688, 9.5), "phone": (340, 7.5)}
_TEXT_HEIGHT = 1.16  # the height of a line of DejaVu Sans, in units of its font size
_PX_PER_PT = 96 / 72

#: matplotlib settings applied by `figure`.
STYLE: dict[Any, Any] = {  # keys are rcParams' names (matplotlib types them as literals)
    "axes.edgecolor": _INK,
    "axes.labelcolor": _INK,
    "axes.prop_cycle": cycler(color=list(COLORS.values())),
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


def figure(
    nrows: int = 1, ncols: int = 1, *, width: float = 6.4, height: float = 3.6, **kwargs: Any
) -> tuple[Figure, Any]:
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
    _legible(fig)
    buffer = io.StringIO()
    with mpl.rc_context({**STYLE, "svg.hashsalt": caption}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = _rounded(buffer.getvalue())
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


def smallest_font(width: float) -> float:
    """The smallest font size (pt) that keeps a figure `width` inches wide legible.

    Parameters
    ----------
    width : float
        The figure's width in inches, drawn at 96 px per inch.

    Returns
    -------
    float
        The size in points at which text is at least as tall as `COLUMNS` asks in
        every column, once the figure is shrunk to fit it.

    Examples
    --------
    >>> round(smallest_font(6.4), 1), round(smallest_font(9.6), 1)
    (8.8, 13.1)
    """
    sizes = []
    for column, height in COLUMNS.values():
        shrink = min(1.0, column / (96 * width))
        sizes.append(height / (_TEXT_HEIGHT * _PX_PER_PT * shrink))
    return max(sizes)


def _legible(fig: Figure) -> None:
    """Raise every font of `fig` to `smallest_font`; write short y-labels upright."""
    floor = smallest_font(fig.get_figwidth())
    for text in fig.findobj(mpl.text.Text):
        if text.get_text() and float(text.get_fontsize()) < floor:
            text.set_fontsize(floor)
    for ax in fig.axes:  # tick labels are made as the figure is drawn: set their size
        for axis in (ax.xaxis, ax.yaxis, getattr(ax, "zaxis", None)):
            if axis is None:
                continue
            ticks = axis.get_major_ticks()
            if ticks and float(ticks[0].label1.get_fontsize()) < floor:
                axis.set_tick_params(which="both", labelsize=floor)
        label = ax.yaxis.label
        if label.get_rotation() == 90 and len(_plain_tex(label.get_text())) <= 2:
            label.set(rotation=0, horizontalalignment="right", verticalalignment="center")


def _plain_tex(text: str) -> str:
    """What a label shows, roughly: `text` without $, TeX commands and braces."""
    return re.sub(r"\\[a-zA-Z]+|[${}\\ ^_]", "", text) if "$" in text else text.strip()


def _rounded(svg: str) -> str:
    """`svg` with the coordinates of its drawing to 1/100 pt (a hundredth of a pixel
    or so, far below what a screen shows), so pages stay small."""

    def shorten(match: re.Match[str]) -> str:
        return re.sub(r"(\d\.\d\d)\d+", r"\1", match[0])

    return re.sub(r'\s(?:d|x|y|transform)="[^"]*"', shorten, svg)


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
