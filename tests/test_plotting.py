"""Tests of mvc.plotting: deterministic, self-contained SVG that reads in both palettes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mvc import plotting


def draw(caption="A parabola $x^2$."):
    fig, ax = plotting.figure()
    x = np.linspace(0, 2, 50)
    ax.plot(x, x**2, color=plotting.COLORS["function"], label="$x^2$")
    ax.set(xlabel="$x$", title="title")
    ax.legend()
    return plotting.svg(fig, caption)


def test_same_figure_same_bytes():
    assert draw() == draw()


def test_no_date_no_prolog_no_black():
    html = draw()
    assert html.startswith('<figure class="mvc-figure">') and html.endswith("</figure>")
    assert "<?xml" not in html and "DOCTYPE" not in html and "<metadata" not in html
    assert "#000000" not in html and "currentColor" in html
    assert re.search(r"<svg[^>]*fill=\"currentColor\"", html)


def test_caption_is_the_text_alternative_without_dollars():
    html = draw()
    assert 'aria-label="A parabola x^2."' in html and 'role="img"' in html
    assert "<figcaption>A parabola $x^2$.</figcaption>" in html


def test_caption_and_alt_are_escaped():
    fig, _ = plotting.figure()
    html = plotting.svg(fig, "a < b & c", alt='say "hi"')
    assert "<figcaption>a &lt; b &amp; c</figcaption>" in html
    assert 'aria-label="say &quot;hi&quot;"' in html


def test_two_figures_share_no_ids():
    ids = [set(re.findall(r'id="([^"]+)"', draw(caption))) for caption in ("one", "two")]
    assert ids[0] and not ids[0] & ids[1]


def test_no_external_references():
    html = draw()
    assert "http://www.w3.org" in html  # namespaces only
    assert not re.search(r'(href|src)="https?://', html)


def test_transparent_background():
    html = draw()
    backgrounds = re.findall(r'<path d="M 0 [^"]*"\s*style="fill: ([^;"]+)', html)
    assert backgrounds and all(fill == "none" for fill in backgrounds[:1])


@pytest.mark.parametrize("role", sorted(plotting.COLORS))
@pytest.mark.parametrize("palette", sorted(plotting.BACKGROUNDS))
def test_every_colour_reads_on_both_palettes(role, palette):
    # WCAG asks 3:1 for graphical objects.
    assert plotting.contrast_ratio(plotting.COLORS[role], plotting.BACKGROUNDS[palette]) >= 3


def test_contrast_ratio_extremes():
    assert plotting.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert plotting.contrast_ratio("#777777", "#777777") == pytest.approx(1)


def test_empty_caption_is_refused():
    fig, _ = plotting.figure()
    with pytest.raises(ValueError, match="`caption` must be a non-empty string"):
        plotting.svg(fig, " ")


def test_smallest_font_keeps_text_legible_in_every_column():
    # A line of text is about 1.16 font sizes tall; a figure w inches wide is drawn
    # 96 w px wide and shrunk to fit each column.
    for width in (2.3, 4.2, 6.4, 9.6):
        size = plotting.smallest_font(width)
        for column, height in plotting.COLUMNS.values():
            shown = size * 96 / 72 * min(1.0, column / (96 * width)) * 1.16
            assert shown >= height - 1e-9, (width, column, shown)
    assert plotting.smallest_font(9.6) > plotting.smallest_font(6.4)  # wider, larger


def test_every_font_of_a_wide_figure_is_raised():
    fig, axes = plotting.figure(1, 4, width=9.6, height=2.4)
    for ax in axes:
        ax.plot([0, 1], [0, 1], label="line")
        ax.legend(fontsize=6)
        ax.annotate("note", (0.5, 0.5), fontsize=5)
    html = plotting.svg(fig, "Four small panels.")
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", html)]
    assert sizes and min(sizes) >= plotting.smallest_font(9.6) - 1e-6


def test_short_y_labels_are_upright_and_long_ones_are_not():
    fig, (left, right) = plotting.figure(1, 2)
    left.set_ylabel("$y$")
    right.set_ylabel("probability density")
    plotting.svg(fig, "Two labels.")
    assert left.yaxis.label.get_rotation() == 0
    assert right.yaxis.label.get_rotation() == 90


def test_coordinates_are_rounded_but_text_is_not():
    fig, ax = plotting.figure()
    ax.plot([0.0, 1.0 / 3.0], [0.0, 2.0 / 3.0])
    ax.set_xticks([0.0, 0.125, 0.3333])
    html = plotting.svg(fig, "Thirds.")
    assert ">0.1250<" in html and ">0.3333<" in html  # tick labels keep their digits
    drawn = " ".join(re.findall(r'\s(?:d|x|y|transform)="([^"]*)"', html))
    assert drawn and not re.search(r"\d\.\d{3}", drawn)
