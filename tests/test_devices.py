"""Reading on a desk, a phone and paper (issue 17), measured on the built site.

Every chapter and lab page is measured in the page sweep (`tests/site_fixtures.py`), in
the same load as every other check of that page: at a desk's width (1280 x 900) in the
light palette, then the dark one after switching in place, then at a phone's width
(390 x 844) in both palettes (the views ``phone-dark`` and ``phone-light``). The layout
shift is read from that load, once it is typeset. Goals:

- desk: no display equation wider than its column; at most 5% of code blocks wider than
  their box, and the copy button over no code; figure text at least 9 px;
- phone: every equation wider than the column scrolls and shows that it does; figure text
  at least 7 px; the Sandpit and the Taylor explorer work by touch; the home page's
  chapter map fits the screen;
- math typeset when the site is built: no raw TeX with JavaScript off, layout shift at
  most 0.05 on every chapter and lab, KaTeX's script loaded only where a widget needs it;
- paper: the print page has a full cover, every solution open, no empty section, and
  the widgets replaced by still figures;
- search: no prompts, "Copied!", pilcrows or repeated code in the index, and a lab topic
  found under the lab's heading;
- worked solutions and admonitions set at 14 px or more; labs in the chapters' markup.

A goal over all these pages together (5% of all code blocks) is a `total`: each page's test
adds its part with `tally`, and the sum is checked once every page has reported.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tests.site_fixtures import (
    CEILING,
    CHAPTERS,
    LABS,
    after,
    on_page,
    on_pages,
    probe,
    total,
    views_of,
)

pytest_plugins = ["tests.site_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
PAGES = CHAPTERS + LABS
VIEWPORTS = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
GOALS = {"desk": 9.0, "phone": 7.0}  # smallest text in a figure, px


def _viewport(view) -> str:
    return "phone" if view.width == VIEWPORTS["phone"]["width"] else "desk"


def _each(path, swept, viewport):
    """(where, measured) for each view of `path` at `viewport`'s width."""
    for view in views_of(path):
        if _viewport(view) == viewport:
            yield f"{path} ({viewport}, {view.scheme})", swept.probes[view.name]["devices"]


# What one page shows, in the view it is in. Rectangles are compared with a pixel of
# slack, for rounding.
MEASURE = """() => {
  const article = document.querySelector("article");
  const column = article.clientWidth;
  const clipper = (node) => {  // the box that shows the formula: the first that does not let it spill
    for (let x = node.parentElement; x && x !== article; x = x.parentElement)
      if (getComputedStyle(x).overflowX !== "visible") return x;
    return article;
  };
  const displays = [...article.querySelectorAll(".katex-display")].map((d) => {
    const katex = d.querySelector(".katex"), box = clipper(katex);
    const style = getComputedStyle(box);
    return {tex: (d.querySelector("annotation") || {}).textContent || "", column,
            width: katex.getBoundingClientRect().width, room: box.clientWidth,
            scrolls: ["auto", "scroll"].includes(style.overflowX) && box.scrollWidth > box.clientWidth,
            cue: style.backgroundImage.includes("gradient")};
  });
  const codes = [...article.querySelectorAll("pre > code")].map((code) => {
    const nav = code.closest("pre").querySelector(".md-code__nav");
    let covered = "";
    if (nav && nav.getBoundingClientRect().width > 0) {
      const n = nav.getBoundingClientRect();
      const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let t = walker.nextNode(); t && !covered; t = walker.nextNode()) {
        range.selectNodeContents(t);
        for (const r of range.getClientRects()) {
          if (r.top >= n.bottom) break;
          if (r.width > 0 && r.right > n.left + 1 && r.left < n.right - 1 && r.bottom > n.top + 1 && t.textContent.trim())
            covered = t.textContent.trim().slice(0, 40);
        }
      }
    }
    return {wide: code.scrollWidth > code.clientWidth + 2, covered,
            first: code.textContent.split("\\n")[0].slice(0, 60)};
  });
  let smallest = Infinity, smallestText = "";
  for (const svg of article.querySelectorAll("figure svg")) {
    if (svg.getBoundingClientRect().width < 100 || !svg.checkVisibility()) continue;
    for (const t of svg.querySelectorAll("text")) {
      const h = t.getBoundingClientRect().height;
      if (h > 0 && t.textContent.trim() && h < smallest) { smallest = h; smallestText = t.textContent.trim(); }
    }
  }
  const bodies = [...article.querySelectorAll(".admonition > p, details > p")]
    .map((p) => parseFloat(getComputedStyle(p).fontSize));
  return {displays, codes, smallest, smallestText, bodies,
          scheme: document.body.getAttribute("data-md-color-scheme")};
}"""


# Cumulative layout shift since the page began to load (shifts a reader caused excepted):
# the buffered entries come in one callback; a page with none has none after 500 ms.
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
    resolve(total);
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 500);
})"""

probe("devices", MEASURE, pages=PAGES)
probe("shift", LAYOUT_SHIFT, pages=PAGES, views=["light"])  # the first view: the load's own


# --- desk -----------------------------------------------------------------------------------


@pytest.mark.browser
@on_pages(PAGES)
def test_desk_no_display_equation_is_wider_than_its_column(path, swept):
    wide = [
        f"{where}: {d['width']:.0f} px > {d['column']} px: {d['tex'][:50]!r}"
        for where, m in _each(path, swept, "desk")
        for d in m["displays"]
        if d["width"] > d["column"] + 1
    ]
    assert not wide, "\n".join(wide)


def _few_wide_codes(parts):
    codes = sum(part["codes"] for part in parts.values())
    wide = [line for part in parts.values() for line in part["wide"]]
    if codes <= 200:
        return f"only {codes} code blocks measured"
    if len(wide) > 0.05 * codes:
        return f"{len(wide)} of {codes} code blocks too wide:\n" + "\n".join(wide)
    return None


total("desk code blocks", PAGES, _few_wide_codes)


@pytest.mark.browser
@on_pages(PAGES)
def test_desk_code_fits_its_box_and_the_copy_button_covers_none(path, swept, tally):
    """The copy button on this page; this page's part of: at most 5% of all code blocks
    of the chapters and labs too wide (checked at the end of the run, `total`)."""
    codes = [(where, c) for where, m in _each(path, swept, "desk") for c in m["codes"]]
    tally(
        "desk code blocks",
        {
            "codes": len(codes),
            "wide": [f"{where}: {c['first']!r}" for where, c in codes if c["wide"]],
        },
    )
    covered = [f"{where}: {c['covered']!r}" for where, c in codes if c["covered"]]
    assert not covered, "the copy button covers:\n" + "\n".join(covered)


@pytest.mark.browser
@on_pages(PAGES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_figure_text_is_legible(path, swept, viewport):
    small = [
        f"{where}: {m['smallest']:.1f} px ({m['smallestText']!r})"
        for where, m in _each(path, swept, viewport)
        if m["smallest"] < GOALS[viewport]
    ]
    assert not small, f"figure text under {GOALS[viewport]} px:\n" + "\n".join(small)


# --- phone ----------------------------------------------------------------------------------

total(
    "wide equations on a phone",
    PAGES,
    lambda parts: (
        None
        if sum(parts.values())
        else "no equation is wider than a phone: the check checks nothing"
    ),
)


@pytest.mark.browser
@on_pages(PAGES)
def test_phone_wide_equations_scroll_and_show_that_they_do(path, swept, tally):
    displays = [(where, d) for where, m in _each(path, swept, "phone") for d in m["displays"]]
    wide = [(where, d) for where, d in displays if d["width"] > d["room"] + 2]
    tally("wide equations on a phone", len(wide))
    clipped = [
        f"{where}: {d['tex'][:50]!r}" for where, d in wide if not (d["scrolls"] and d["cue"])
    ]
    assert not clipped, "wide equations that do not scroll, or show no sign of it:\n" + "\n".join(
        clipped
    )


# --- math typeset at build time -------------------------------------------------------------


@pytest.mark.browser
@on_pages(PAGES)
def test_layout_shift_is_small_on_every_chapter_and_lab(path, swept):
    shift = swept.probes["light"]["shift"]
    assert shift <= 0.05, f"{path}: layout shift {shift:.3f}"


@pytest.mark.browser
@on_pages(PAGES)
def test_katex_script_loads_only_where_a_widget_needs_it(path, swept, site):
    needs = 'class="mvc-quiz"' in (site / path / "index.html").read_text(encoding="utf8")
    loaded = any(url.endswith("/katex.min.js") for url in swept.requests)
    assert loaded == needs, f"{path}: KaTeX loaded {loaded}, self-check questions {needs}"


_RAW_TEX = re.compile(r"\$|\\\(|\\\[|\\frac|\\mathrm")


def _visible_text(page: str) -> str:
    """The body's text as a reader without JavaScript sees it, outside code and math."""
    body = page[page.index("<body") :]
    body = re.sub(r"<(script|style|pre|code|svg|textarea)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<span class="katex">.*?</annotation>', " ", body, flags=re.S)  # MathML's TeX
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_every_page_shows_typeset_math_without_javascript(site):
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > 15
    for page in pages:
        text = page.read_text(encoding="utf8")
        raw = _RAW_TEX.findall(_visible_text(text))
        assert not raw, f"{page.relative_to(site)}: raw TeX {sorted(set(raw))}"
        assert "katex-error" not in text, page.relative_to(site)
    for path in CHAPTERS + LABS:
        assert (site / path / "index.html").read_text(encoding="utf8").count('class="katex"') > 5, (
            path
        )


# --- worked solutions, admonitions, labs ----------------------------------------------------

total(
    "solution and admonition paragraphs",
    PAGES,
    lambda parts: (
        None if sum(parts.values()) > 50 else f"only {sum(parts.values())} paragraphs measured"
    ),
)


@pytest.mark.browser
@on_pages(PAGES)
def test_solutions_and_admonitions_are_set_at_14_px(path, swept, tally):
    sizes = [(where, size) for where, m in _each(path, swept, "desk") for size in m["bodies"]]
    tally("solution and admonition paragraphs", len(sizes))
    small = [f"{where}: {size} px" for where, size in sizes if size < 13.9]
    assert not small, "\n".join(small[:20])


@pytest.mark.parametrize("lab", LABS)
def test_labs_are_written_like_chapters(site, lab):
    page = (site / lab / "index.html").read_text(encoding="utf8")
    chapter = (site / "derivatives" / "index.html").read_text(encoding="utf8")
    for notebook_markup in (
        "jp-",
        "jupyter-wrapper",
        "highlight-ipynb",
        "clipboard-copy",
        "In&nbsp;[",
        "In [",
        "assets/notebook/",
        "md-button--primary",
        "anchor-link",
    ):
        assert notebook_markup not in page, f"{lab}: {notebook_markup!r}"
    assert page.count('class="language-python highlight"') >= 3
    assert 'class="language-text highlight"' in page
    button = re.search(r'<a class="md-button"[^>]*download[^>]*>([^<]*)</a>', page)
    assert button and re.search(r'<a class="md-button"[^>]*download[^>]*>', chapter), lab
    assert button[1].startswith("Download this lab as a notebook")


# --- paper ------------------------------------------------------------------------------------


def test_print_page_has_a_cover_open_solutions_and_no_empty_section(site):
    import subprocess

    page = (site / "print_page" / "index.html").read_text(encoding="utf8")
    cover = re.search(r'<section id="print-site-cover-page">(.*?)</section>', page, re.S)[1]
    commit = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    for expected in (
        "Multivariate calculus for machine learning",
        "Imperial College London",
        "Multivariate",
        f"commit <code>{commit}</code>",
        "CC BY 4.0",
        "MIT",
    ):
        assert expected in cover, expected
    assert re.search(r"\d{1,2} \w+ 20\d\d", cover), "the cover has no date"
    details = re.findall(r"<details[^>]*>", page)
    assert len(details) > 50 and all(re.search(r"\sopen\b", d) for d in details)
    assert "<h1>Labs<" not in page  # the nav's labs section holds no printed page
    assert not re.search(r'href="#section-\d+"[^>]*>\s*<span class="md-ellipsis">\s*Labs', page)
    assert page.count('class="mvc-print-only"') == 2
    assert 'class="mvc-print-link"' not in page


ON_PAPER = """() => ({
  solutions: [...document.querySelectorAll('details')].map(d => [...d.children]
    .filter(c => c.tagName !== 'SUMMARY').some(c => c.checkVisibility() && c.getBoundingClientRect().height > 0)),
  widgets: [...document.querySelectorAll('.sandpit, .taylor-explorer')].map(w => w.checkVisibility()),
  stills: [...document.querySelectorAll('.mvc-print-only figure')].map(f => f.getBoundingClientRect().height),
  toc: [...document.querySelectorAll('#print-page-toc a')].map(a => [a.textContent.trim(), a.getAttribute('href')]),
})"""


def _on_paper(page, view):
    """What the print page shows printed, on a 1000 x 1400 window (then back to `view`)."""
    if view.name != "light":
        return None
    page.set_viewport_size({"width": 1000, "height": 1400})
    page.emulate_media(media="print")
    shown = page.evaluate(ON_PAPER)
    page.set_viewport_size({"width": view.width, "height": view.height})
    page.emulate_media(media=view.media)
    return shown


after("print_page/", "on paper", _on_paper)


@pytest.mark.browser
@on_page("print_page/")
def test_on_paper_solutions_show_and_widgets_are_still_figures(path, swept):
    shown = swept.after["on paper"]["light"]
    assert len(shown["solutions"]) > 50 and all(shown["solutions"])
    assert shown["widgets"] == [False, False]
    assert len(shown["stills"]) == 2 and min(shown["stills"]) > 150
    assert shown["toc"] and all(text for text, _ in shown["toc"])
    assert "Labs" not in [text for text, _ in shown["toc"]]


def test_home_page_links_to_the_print_page(site):
    home = (site / "index.html").read_text(encoding="utf8")
    assert re.search(r'<a class="mvc-print-link" href="print_page/">Print / PDF</a>', home)


# --- search ---------------------------------------------------------------------------------


def test_search_index_has_no_notebook_clutter_or_repeated_code(site):
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf8"))["docs"]
    for entry in docs:
        where = entry["location"]
        for clutter in ("In [", "In&nbsp;[", "Copied!", "¶"):
            assert clutter not in entry["title"] + entry["text"], f"{where}: {clutter!r}"
        code = re.findall(r"<pre>(.*?)</pre>", entry["text"], re.S)
        plain = re.sub(r"<pre>.*?</pre>", "", entry["text"], flags=re.S)
        repeated = [c for c in code if len(c) > 40 and c.strip()[:40] in plain]
        assert not repeated, f"{where}: code repeated as text: {repeated[0][:60]!r}"
    lab_top = [e for e in docs if e["location"] in set(LABS)]
    assert all("<pre>" not in e["text"] for e in lab_top), "lab code indexed under no heading"


@pytest.mark.browser
def test_a_search_for_a_lab_topic_lands_on_the_labs_heading(browser, server):
    context = browser.new_context(viewport=VIEWPORTS["desk"])
    context.set_default_timeout(CEILING * 1000)
    page = context.new_page()
    page.goto(f"{server}/", wait_until="networkidle")
    page.click("input.md-search__input")
    page.keyboard.type("aggression 2000", delay=20)
    page.wait_for_selector(".md-search-result__item a[href*='labs/heights']")
    found = page.evaluate("""() => [...document.querySelectorAll('.md-search-result__item a')]
        .map(a => a.getAttribute('href')).filter(h => h.includes('labs/heights'))""")
    context.close()
    assert any("#steepest-descent-with-aggression-2000" in href for href in found), found


# --- the widgets ----------------------------------------------------------------------------


@pytest.mark.browser
def test_sandpit_arrow_shows_at_every_dip(browser, server):
    from mvc.sandpit import landscape

    context = browser.new_context(viewport=VIEWPORTS["desk"])
    context.set_default_timeout(CEILING * 1000)
    page = context.new_page()
    page.goto(f"{server}/multivariate/", wait_until="networkidle")
    page.wait_for_selector(".sandpit .sandpit-pit")
    minimum = landscape("intro").minimum  # where the slope, and the true arrow, is zero
    lengths = page.evaluate(
        """(dips) => {
      const game = document.querySelector('.sandpit').sandpit;
      return dips.map(([x, y]) => {
        game.dip(x, y);
        const line = [...document.querySelectorAll('.sandpit-arrow line')].at(-1);
        const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map(a => Number(line.getAttribute(a)));
        return Math.hypot(x2 - x1, y2 - y1);
      });
    }""",
        [[minimum[0] + 0.02, minimum[1] + 0.02], [3.0, 3.0], [0.5, 5.5]],
    )
    context.close()
    assert all(length >= 0.15 for length in lengths), lengths  # shaft in m; the head adds 0.15


# A wheel turn has been scrolled and the page has settled: it moved the way asked from
# where it was, then stood still for three frames, so the handlers of the last scroll
# (mkdocs-material's pill, and layout.js's, a frame later) have run.
_SCROLLED = """([dy, start]) => {
  const s = (window.__mvcSettling ??= {last: NaN, still: 0}), y = window.scrollY;
  s.still = y === s.last ? s.still + 1 : 0;
  s.last = y;
  const settled = Math.sign(y - start) === Math.sign(dy) && s.still >= 3;
  if (settled) delete window.__mvcSettling;
  return settled;
}"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "widget"), [("multivariate", ".sandpit"), ("taylor", ".taylor-explorer")]
)
def test_back_to_top_pill_never_covers_a_widget(browser, server, path, widget):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    context.set_default_timeout(CEILING * 1000)
    page = context.new_page()
    page.goto(f"{server}/{path}/", wait_until="networkidle")
    page.wait_for_selector(f"{widget} select")
    page.evaluate(f"() => document.querySelector('{widget}').scrollIntoView({{block: 'start'}})")
    for dy in (400, -300):  # scrolling up brings the pill in
        start = page.evaluate("() => window.scrollY")
        page.mouse.wheel(0, dy)
        page.wait_for_function(_SCROLLED, arg=[dy, start], polling="raf")
    state = page.evaluate(f"""() => {{
      const pill = document.querySelector('.md-top'), box = pill.getBoundingClientRect();
      const w = document.querySelector('{widget}').getBoundingClientRect();
      return {{shown: !pill.hidden && getComputedStyle(pill).visibility !== 'hidden',
              overlaps: w.top < box.bottom && w.bottom > box.top}};
    }}""")
    context.close()
    assert state["overlaps"], "the test did not bring the pill over the widget"
    assert not state["shown"], state


@pytest.mark.browser
def test_widgets_work_by_touch_on_a_phone(browser, server):
    context = browser.new_context(viewport=VIEWPORTS["phone"], has_touch=True, is_mobile=True)
    context.set_default_timeout(CEILING * 1000)
    page = context.new_page()
    page.goto(f"{server}/multivariate/", wait_until="networkidle")
    page.wait_for_selector(".sandpit .sandpit-pit")
    pit = page.locator(".sandpit-floor")
    pit.scroll_into_view_if_needed()
    box = pit.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4)
    dips = page.evaluate("() => document.querySelector('.sandpit').sandpit.dipCount")
    assert box["width"] >= 280 and dips == 1, (box, dips)

    page.goto(f"{server}/taylor/", wait_until="networkidle")
    slider = page.locator(".taylor-explorer__order")
    slider.scroll_into_view_if_needed()
    before = slider.input_value()
    box = slider.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    after = slider.input_value()
    context.close()
    assert box["height"] >= 20 and int(after) > int(before), (box, before, after)


probe(
    "chapter map",
    """() => {
  const table = document.querySelector('.mvc-chapter-map table');
  const cells = [...table.querySelectorAll('td')];
  return {overflow: table.scrollWidth - table.clientWidth, width: table.getBoundingClientRect().width,
          font: Math.min(...cells.map(c => parseFloat(getComputedStyle(c).fontSize))),
          narrowest: Math.min(...cells.filter(c => c.textContent.length > 20).map(c => c.getBoundingClientRect().width))};
}""",
    pages=[""],
    views=["phone-light", "phone-dark"],
)


@pytest.mark.browser
@on_page("")
def test_home_page_chapter_map_fits_a_phone(path, swept):
    for view in ("phone-light", "phone-dark"):
        fit = swept.probes[view]["chapter map"]
        assert fit["overflow"] <= 1 and fit["font"] >= 13.9 and fit["narrowest"] >= 250, (view, fit)


def test_print_hook_opens_solutions_and_drops_empty_sections_with_their_entries():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "print_page", ROOT / "docs" / "hooks" / "print_page.py"
    )
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    page = hook.for_paper("""
      <li class="md-nav__item"><a href="#section-2" class="md-nav__link">Chapters</a></li>
      <li class="md-nav__item">
        <a href="#section-3" class="md-nav__link"><span class="md-ellipsis">Labs</span></a>
      </li>
      <section class='print-page md-section' id='section-2' heading-number='2'>
        <h1>Chapters<a class='headerlink' href='#section-2' title='Permanent link'></a></h1>
        <details class="success"><summary>Solution</summary><p>x = 1</p></details>
      </section>
      <section class='print-page md-section' id='section-3' heading-number='3'>
        <h1>Labs<a class='headerlink' href='#section-3' title='Permanent link'></a>
        </h1>
      </section>
      <p><a class="mvc-print-link" href="print_page/">Print / PDF</a>, <a href="#gone">a link</a></p>""")
    assert '<a href="#section-2" class="md-nav__link">Chapters</a>' in page  # kept, and a link
    assert "Labs" not in page and "section-3" not in page
    assert '<details open class="success">' in page
    assert "mvc-print-link" not in page and "Print / PDF," in page
    assert '<span title="gone">a link</span>' in page
