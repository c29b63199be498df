"""The "Visualising Taylor series" explorer of chapter 4, in headless Chromium.

The site, its server and the browser are the session's shared fixtures
(`tests/site_fixtures.py`, loaded as a plugin, so the site is built and Chromium started
once however many modules use them); `_visit` comes from `test_site.py`. The explorer
draws over data the build computed with `mvc.taylor`; these tests check that data
against `mvc`, then move the sliders with the keyboard and the mouse and check that the
drawing follows.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

from mvc import taylor_coefficients
from tests.site_fixtures import after, on_page, probe
from tests.test_site import ARTIFACTS, DESK, _visit

pytest_plugins = ["tests.site_fixtures"]

STATE = """() => {
  const root = document.querySelector(".taylor-explorer");
  return {
    approximation: root.querySelector(".taylor-explorer__approximation").getAttribute("d"),
    function: root.querySelector(".taylor-explorer__function").getAttribute("d"),
    error: root.querySelector(".taylor-explorer__error").getAttribute("d"),
    order: root.querySelector("input.taylor-explorer__order").value,
    point: root.querySelector("input.taylor-explorer__point").value,
    readout: root.querySelector(".taylor-explorer__readout").textContent,
    worst: Number(root.querySelector(".taylor-explorer__readout").dataset.error),
  };
}"""


def explorer_data(site):
    text = (site / "taylor" / "index.html").read_text(encoding="utf8")
    match = re.search(r'<div class="taylor-explorer"[^>]*data-taylor="([^"]*)"', text)
    assert match, "the chapter has no explorer"
    return json.loads(html.unescape(match[1]))


def test_the_precomputed_coefficients_are_mvcs(site):
    data = {f["name"]: f for f in explorer_data(site)}
    assert set(data) == {"sin x", "cos x", "e^x", "ln x", "1/(1 + x²)"}
    f = data["ln x"]
    i = f["points"].index(1.0)
    np.testing.assert_allclose(
        f["coefficients"][i], taylor_coefficients(np.log, 1.0, 10), rtol=1e-6, atol=1e-12
    )
    for f in data.values():
        assert len(f["coefficients"]) == len(f["points"]) and len(f["coefficients"][0]) == 11


def test_the_explorer_data_is_small(site):
    import gzip

    raw = (site / "taylor" / "index.html").read_bytes()  # test_site's budget for a page
    assert len(gzip.compress(raw, mtime=0)) < 250_000 and len(raw) < 1_400_000
    assert len(json.dumps(explorer_data(site))) < 80_000


@pytest.mark.browser
def test_sliders_move_by_keyboard_and_mouse_and_the_drawing_follows(browser, server):
    context, page, problems, _ = _visit(browser, server, "taylor/", "light")
    page.wait_for_selector(".taylor-explorer svg")
    before = page.evaluate(STATE)
    assert before["order"] == "2" and "order 2" in before["readout"]
    assert before["approximation"].startswith("M") and before["function"].startswith("M")

    order = page.locator("input.taylor-explorer__order")
    order.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    after_keys = page.evaluate(STATE)
    assert after_keys["order"] == "4" and "order 4" in after_keys["readout"]
    assert after_keys["approximation"] != before["approximation"]
    assert after_keys["function"] == before["function"]
    assert after_keys["worst"] < before["worst"]  # cos: order 4 is closer than order 2

    point = page.locator("input.taylor-explorer__point")
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.85, box["y"] + box["height"] / 2)
    after_mouse = page.evaluate(STATE)
    assert int(after_mouse["point"]) > int(after_keys["point"])
    assert after_mouse["approximation"] != after_keys["approximation"]
    assert after_mouse["error"] != after_keys["error"]

    page.select_option(".taylor-explorer select", label="ln x")
    on_ln = page.evaluate(STATE)
    assert on_ln["function"] != after_mouse["function"] and "ln x" in on_ln["readout"]
    context.close()
    assert not problems


probe(
    "explorer controls",
    """() => [...document.querySelectorAll(
    ".taylor-explorer input, .taylor-explorer select")].map(c => c.labels.length)""",
    pages=["taylor/"],
)


@pytest.mark.browser
@on_page("taylor/")
def test_every_control_has_a_label(path, swept):
    for view, measured in swept.probes.items():
        labels = measured["explorer controls"]
        assert len(labels) >= 3 and all(labels), (view, labels)


@pytest.mark.browser
def test_instant_navigation_starts_the_explorer(browser, server):
    context, page, problems, _ = _visit(browser, server, "", "light")
    page.click("article a[href$='taylor/']")
    page.wait_for_url("**/taylor/")
    page.wait_for_selector(".taylor-explorer svg .taylor-explorer__approximation[d]")
    assert page.locator(".taylor-explorer").count() == 1
    context.close()
    assert not problems


def _screenshots(page, view):
    """The explorer at order 6, alone and in the window around it, in the sweep's desk views; the
    explorer goes back to its first order afterwards, and the page to its top."""
    if view not in DESK:
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_selector(".taylor-explorer svg .taylor-explorer__approximation[d]")
    explorer = page.locator(".taylor-explorer")
    explorer.scroll_into_view_if_needed()
    order = page.locator("input.taylor-explorer__order")
    first = order.input_value()
    order.fill("6")
    order.dispatch_event("input")
    shots = [
        ARTIFACTS / f"taylor-explorer-{view.scheme}.png",
        ARTIFACTS / f"taylor-{view.scheme}.png",
    ]
    explorer.screenshot(path=str(shots[0]))
    page.screenshot(path=str(shots[1]))
    colours = page.evaluate("""() => ({text: getComputedStyle(document.querySelector(
        ".taylor-explorer__axes text")).fill, page: getComputedStyle(document.body).backgroundColor,
        readout: document.querySelector(".taylor-explorer__readout").textContent})""")
    order.fill(first)
    order.dispatch_event("input")
    page.evaluate("() => window.scrollTo(0, 0)")
    return {**colours, "sizes": [shot.stat().st_size for shot in shots]}


after("taylor/", "explorer screenshots", _screenshots)


@pytest.mark.browser
@on_page("taylor/")
def test_screenshot_of_the_explorer_in_both_palettes(path, swept):
    for view in DESK:
        shown = swept.after["explorer screenshots"][view.name]
        assert "order 6" in shown["readout"], shown
        assert shown["text"] != shown["page"], shown
        assert min(shown["sizes"]) > 10_000, shown
    assert not swept.problems
