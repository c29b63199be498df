"""The Sandpit of chapter 2, played in headless Chromium: clicks, keys, winning and losing.

Uses the session's built site, server and browser (`tests/site_fixtures.py`). The pits'
deepest points come from `mvc.sandpit` itself, not from the page, so a widget that drew
the pit in the wrong place or read its data the wrong way round would fail.
"""

from __future__ import annotations

import re

import pytest

from mvc.plotting import contrast_ratio
from mvc.sandpit import landscape, local_minima
from tests.test_site import ARTIFACTS, _hex, _visit

pytest_plugins = ["tests.site_fixtures"]

PAGE = "multivariate/"
pytestmark = pytest.mark.browser


def _open(browser, server, scheme="light"):
    context, page, problems, requests = _visit(browser, server, PAGE, scheme)
    page.wait_for_selector(".sandpit .sandpit-pit")
    return context, page, problems


def _pits(page) -> list[dict]:
    """The pits the build embedded: name, seed, deepest point."""
    return page.evaluate("""() => document.querySelector('.sandpit').sandpit.pits
        .map(p => ({name: p.name, seed: p.seed, minimum: p.minimum}))""")


def _click_at(page, x: float, y: float) -> None:
    """Click the pit at pit coordinates (x, y) metres, y up."""
    page.evaluate("() => document.querySelector('.sandpit-pit').scrollIntoView({block: 'center'})")
    box = page.locator(".sandpit-floor").bounding_box()
    page.mouse.click(box["x"] + box["width"] * x / 6, box["y"] + box["height"] * (6 - y) / 6)


def _state(page) -> dict:
    return page.evaluate("""() => {
      const root = document.querySelector('.sandpit');
      return {state: root.dataset.state, status: root.querySelector('.sandpit-status').textContent,
              count: root.querySelector('.sandpit-count').textContent,
              depths: [...root.querySelectorAll('.sandpit-depths li')].map(li => li.textContent),
              last: root.querySelector('.sandpit-last').textContent,
              at: root.sandpit.at, dips: root.sandpit.dipCount,
              arrows: [...root.querySelectorAll('.sandpit-arrow')].filter(a => getComputedStyle(a).display !== 'none').length,
              phone: root.querySelector('.sandpit-phone').getAttribute('visibility')};
    }""")


def _depth(text: str) -> float:
    return float(re.match(r"(\S+) m", text)[1].replace("\u2212", "-"))


def test_a_click_shows_the_depth_that_mvc_computes(browser, server):
    context, page, problems = _open(browser, server)
    _click_at(page, 3.0, 2.0)
    state = _state(page)
    context.close()
    assert not problems
    assert state["dips"] == 1 and len(state["depths"]) == 1 and "Dips: 1" in state["count"]
    x, y = state["at"]
    assert abs(x - 3.0) < 0.02 and abs(y - 2.0) < 0.02  # the click landed where it was aimed
    # interpolated from the grid and rounded to 2 decimals: within 0.01 of mvc's depth
    assert _depth(state["depths"][0]) == pytest.approx(landscape("intro").depth(x, y), abs=0.01)
    assert "downhill" in state["last"] and state["arrows"] == 1
    assert state["state"] == "playing" and state["phone"] == "hidden"


def test_a_dip_at_the_deepest_point_wins_on_every_pit(browser, server):
    context, page, problems = _open(browser, server)
    pits = _pits(page)
    assert len(pits) >= 5 and {p["name"] for p in pits} == {
        "intro",
        "random",
        "multiple minima",
        "rocks",
        "narrow well",
    }
    for k, embedded in enumerate(pits):
        name = embedded["name"]
        page.select_option(".sandpit select", name)
        for _ in range(sum(p["name"] == name for p in pits[:k])):
            page.click(".sandpit-new")
        assert f"{name} " in _state(page)["count"]
        minimum = landscape(name, rng=embedded["seed"]).minimum  # from mvc, not from the page
        _click_at(page, 3.0 if abs(minimum[0] - 3) > 0.5 else 0.5, 3.0)  # a miss first
        assert _state(page)["state"] == "playing", name
        _click_at(page, *minimum)
        state = _state(page)
        assert state["state"] == "won", (name, state)
        assert "Congratulations" in state["status"] and "2 dips" in state["status"]
        assert state["phone"] == "visible"
    context.close()
    assert not problems


def test_a_dip_in_a_shallower_hollow_is_a_trap(browser, server):
    context, page, problems = _open(browser, server)
    embedded = next(p for p in _pits(page) if p["name"] == "multiple minima")
    page.select_option(".sandpit select", "multiple minima")
    hollow = local_minima(landscape("multiple minima", rng=embedded["seed"]))[1]  # not the deepest
    _click_at(page, *hollow)
    state = _state(page)
    context.close()
    assert not problems
    assert state["status"].startswith("Oh no!") and state["state"] == "playing", state
    assert state["dips"] == 1


def test_the_keyboard_moves_the_dip_stick_and_enter_dips(browser, server):
    context, page, problems = _open(browser, server)
    page.focus(".sandpit-pit")
    assert _state(page)["at"] == [3, 3]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    state = _state(page)
    assert state["dips"] == 1 and state["at"] == [3, 2.9]
    assert _depth(state["depths"][0]) == pytest.approx(landscape("intro").depth(3.0, 2.9), abs=0.01)
    # walk to the phone: the intro's deepest point is near (1.21, 4.01)
    target = landscape("intro").minimum
    x, y = state["at"]
    for _ in range(round((x - target[0]) / 0.1)):
        page.keyboard.press("ArrowLeft")
    for _ in range(round((target[1] - y) / 0.1)):
        page.keyboard.press("ArrowUp")
    page.keyboard.press(" ")
    state = _state(page)
    context.close()
    assert not problems
    assert state["state"] == "won" and state["dips"] == 2, state


def test_hurry_up_at_22_dips_and_game_over_after_25(browser, server):
    context, page, problems = _open(browser, server)
    page.focus(".sandpit-pit")
    for n in range(1, 27):
        page.keyboard.press("Enter")  # at (3, 3), far from the phone
        state = _state(page)
        if n < 22:
            assert "Hurry" not in state["status"], n
        elif n <= 25:
            assert state["status"].startswith("Hurry up!"), n
        else:
            assert state["state"] == "lost" and state["status"].startswith("Try again."), state
            assert state["phone"] == "visible"
    page.keyboard.press("Enter")  # a dip after the end changes nothing
    assert _state(page)["dips"] == 26
    page.click(".sandpit-new")
    state = _state(page)
    context.close()
    assert not problems
    assert state["state"] == "playing" and state["dips"] == 0 and state["depths"] == []


def test_depth_only_mode_hides_the_arrows(browser, server):
    context, page, problems = _open(browser, server)
    page.uncheck(".sandpit-arrows")
    _click_at(page, 4.0, 4.0)
    state = _state(page)
    context.close()
    assert not problems
    assert state["dips"] == 1 and state["arrows"] == 0 and "downhill" not in state["last"]


def test_instant_navigation_starts_the_widget(browser, server):
    context, page, problems, _ = _visit(browser, server, "", "light")
    page.click("article a[href$='multivariate/']")
    page.wait_for_url("**/multivariate/")
    page.wait_for_selector(".sandpit .sandpit-pit")
    _click_at(page, 2.0, 2.0)
    state = _state(page)
    context.close()
    assert not problems
    assert state["dips"] == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_in_both_palettes(browser, server, scheme):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, problems = _open(browser, server, scheme)
    for x, y in [(4.5, 1.0), (3.0, 2.5), (2.0, 3.5)]:
        _click_at(page, x, y)
    page.locator(".sandpit").screenshot(path=str(ARTIFACTS / f"sandpit-{scheme}-playing.png"))
    _click_at(page, *landscape("intro").minimum)
    page.locator(".sandpit").screenshot(path=str(ARTIFACTS / f"sandpit-{scheme}-won.png"))
    colours = page.evaluate("""() => {
      const root = document.querySelector('.sandpit');
      const style = (sel, prop) => getComputedStyle(root.querySelector(sel))[prop];
      return {text: style('.sandpit-status', 'color'), label: style('.sandpit-dip text', 'fill'),
              sand: style('.sandpit-floor', 'fill'), page: getComputedStyle(document.body).backgroundColor};
    }""")
    context.close()
    assert not problems
    assert contrast_ratio(_hex(colours["label"]), _hex(colours["sand"])) >= 4.5, colours
    assert contrast_ratio(_hex(colours["text"]), _hex(colours["page"])) >= 4.5, colours


def test_the_chapter_with_its_sandpit_data_stays_small(site):
    # The widget's data is embedded in the page: a handful of pits on coarse grids. The
    # page keeps test_site's budget (250 KB as sent, gzip-compressed).
    import gzip

    page = site / PAGE / "index.html"
    sent = len(gzip.compress(page.read_bytes(), mtime=0))
    assert sent < 250_000 and page.stat().st_size < 1_400_000, (sent, page.stat().st_size)
    data = re.search(
        r'<script type="application/json" class="sandpit-data">(.*?)</script>',
        page.read_text(encoding="utf8"),
        re.S,
    )
    assert data is not None and len(data[1]) < 200_000, len(data[1])
