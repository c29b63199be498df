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
