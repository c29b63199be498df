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
from tests.test_site import ARTIFACTS, _visit

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
    np.testing.assert_allclose(f["coefficients"][i], taylor_coefficients(np.log, 1.0, 10),
                               rtol=1e-6, atol=1e-12)
    for f in data.values():
        assert len(f["coefficients"]) == len(f["points"]) and len(f["coefficients"][0]) == 11


def test_the_explorer_data_is_small(site):
    import gzip

    raw = (site / "taylor" / "index.html").read_bytes()  # test_site's budget for a page
    assert len(gzip.compress(raw, mtime=0)) < 250_000 and len(raw) < 1_200_000
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


@pytest.mark.browser
def test_every_control_has_a_label(browser, server):
    context, page, problems, _ = _visit(browser, server, "taylor/", "light")
    page.wait_for_selector(".taylor-explorer svg")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll(
        ".taylor-explorer input, .taylor-explorer select")]
        .filter(c => c.labels.length === 0).length""")
    assert unlabelled == 0
    page.keyboard.press("Tab")  # the controls are reachable with the keyboard
    context.close()
    assert not problems


@pytest.mark.browser
def test_instant_navigation_starts_the_explorer(browser, server):
    context, page, problems, _ = _visit(browser, server, "", "light")
    page.click("article a[href$='taylor/']")
    page.wait_for_url("**/taylor/")
    page.wait_for_selector(".taylor-explorer svg .taylor-explorer__approximation[d]")
    assert page.locator(".taylor-explorer").count() == 1
    context.close()
    assert not problems


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot_of_the_explorer_in_both_palettes(browser, server, scheme):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, problems, _ = _visit(browser, server, "taylor/", scheme)
    explorer = page.locator(".taylor-explorer")
    explorer.scroll_into_view_if_needed()
    page.locator("input.taylor-explorer__order").fill("6")
    page.locator("input.taylor-explorer__order").dispatch_event("input")
    explorer.screenshot(path=str(ARTIFACTS / f"taylor-explorer-{scheme}.png"))
    page.screenshot(path=str(ARTIFACTS / f"taylor-{scheme}.png"), full_page=True)
    text = page.evaluate("""() => getComputedStyle(document.querySelector(
        ".taylor-explorer__axes text")).fill""")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    context.close()
    assert not problems
    assert text != background
