"""Fixtures shared by the tests of the built site: `build`, `site`, `server`, `browser`,
and the page sweep, `swept`.

A test module loads them with ``pytest_plugins = ["tests.site_fixtures"]``: as a plugin
they are registered once per session, however many modules ask. (Imported into each
module instead, each would get its own build and its own Chromium, and Playwright's sync
API cannot run two at once. A ``tests/conftest.py`` would shadow the root conftest that
`test_docs.py` imports.)

**One build per run.** `make test` (tools/test_run.py) builds the site once, before pytest
starts, and names the folder in ``$MVC_SITE``: every test and every worker uses that build.
Without it (pytest run by hand), the first worker that needs the site builds it into
pytest's temporary folder, under a file lock that makes the other workers wait for that
build and use it. Either way the build's log lies beside the folder (`log_of`).

**One server and one Chromium per worker** (a pytest-xdist process). Chromium is Debian's
(`make test` installs it), or $CHROMIUM; Playwright drives it through `executable_path`,
since Playwright's own browser download is not available here.

**Waits are on conditions**, never on the clock: a page is ready when it has loaded and
``docs/javascripts/katex.js`` has typeset it (``body[data-math-typeset]``), its palette is
the one asked for and its fonts are loaded. `CEILING` only stops a page that never gets
there; a slow or busy machine waits longer, it does not fail.

**The page sweep** loads every page of the site once per worker that needs it, and looks
at it in each of its views of `VIEWS` (at a desk's width the light palette, then the dark
one, switched in place with the palette toggle, as a reader does; then, for the chapters,
labs and home page only, a phone's width in both palettes): in each view it runs every
probe of `PROBES` that applies to the page and view in one go, axe's accessibility audit
as the view asks (every rule in the first view; in the dark one only the rules that read
colours, since nothing else changes with the palette; none at a phone's width; never on
the parts of a page audited as pages of their own, `AUDITED_ELSEWHERE`), and the actions
registered with `after`. A check over many pages together adds each page's part with the
`tally` fixture and states the sum's goal with `total`. The result, a `Sweep`, is kept for
the worker's other tests of that page. A test of every page is decorated with `each_page` (one test per page,
named ``page:<path>``), a test of one page with ``on_page("derivatives/")``; both take the
arguments ``path`` and ``swept``. Under ``--dist loadgroup`` (as in `make test`) the
tests of one page form one group, run by one worker, so each page is loaded once in the
whole run.

To add a check of every page, measure it with a probe and assert on the measurement::

    from tests.site_fixtures import each_page, probe

    probe("tables", "() => document.querySelectorAll('article table').length")

    @each_page
    def test_tables_are_few(path, swept):
        for view, measured in swept.probes.items():
            assert measured["tables"] < 20, f"{path} ({view})"

A probe is the source of a JavaScript function (it may be ``async``) that returns JSON;
register it when the module is imported, so that it is known before the first page
loads. A new way of looking at the page (a phone's width, print media) is a `View`
appended to `VIEWS` the same way. Something that needs Python and the loaded page, such as
a screenshot or a PDF, is registered with ``after(path, name, action)``.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CEILING = 300  # seconds: what only a hung page takes, never a slow one
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --- the build ------------------------------------------------------------------------


def build_site(folder: Path, record: Path | None = None) -> subprocess.CompletedProcess:
    """A clean `mkdocs build --strict` into `folder` (no cache); its log is written beside
    it. With `record`, the build records there which fences it ran and passed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MVC_")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    if record is not None:
        env["MVC_FENCE_RECORD"] = str(record)
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    log_of(folder).write_text(json.dumps({"returncode": run.returncode, "stderr": run.stderr}))
    return run


def log_of(folder: Path) -> Path:
    """Where the log of the build into `folder` is kept: beside it."""
    return folder.with_name(folder.name + ".log.json")


def _logged(folder: Path) -> subprocess.CompletedProcess:
    log = json.loads(log_of(folder).read_text())
    return subprocess.CompletedProcess(["mkdocs", "build"], log["returncode"], "", log["stderr"])


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits for the worker that holds it
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """The run's one build of the site: (site folder, the build's CompletedProcess)."""
    if os.environ.get("MVC_SITE"):
        folder = Path(os.environ["MVC_SITE"])
        return folder, _logged(folder)
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder all the workers of this run share
    folder = shared / "site"
    with _locked(shared / "site.lock"):
        if not log_of(folder).is_file():
            build_site(folder)
    return folder, _logged(folder)


@pytest.fixture(scope="session")
def site(build):
    folder, run = build
    if run.returncode != 0:
        pytest.fail("mkdocs build --strict failed:\n" + run.stderr[-4000:])
    return folder


def site_pages() -> list[str]:
    """Every page the build makes, from the sources (so before the build): paths from the
    site's root, "" for the home page, then the print page and the 404 page."""
    docs = ROOT / "docs"
    found = []
    for source in [*docs.rglob("*.md"), *(docs / "labs").glob("*.py")]:
        relative = source.relative_to(docs).with_suffix("").as_posix()
        if relative.split("/")[0] not in ("hooks", "overrides", "quizzes"):
            found.append("" if relative == "index" else relative + "/")
    return sorted(found) + ["print_page/", "404.html"]


# --- serving and browsing -------------------------------------------------------------


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, timeout=CEILING * 1000
        )
        yield chromium
        chromium.close()


def listen(page) -> tuple[list[str], list[str]]:
    """(problems, requests): console errors and warnings, page errors and failed requests
    on `page`, and every URL it requests, as they come."""
    problems, requests = [], []
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # A request the browser cancels itself (ERR_ABORTED: the page was closed or navigated
    # away while it was in flight, as when a test ends before the search index has come)
    # is the test's timing, not the site's fault; any other failure is a problem.
    page.on(
        "requestfailed",
        lambda r: (
            r.failure != "net::ERR_ABORTED"
            and problems.append(f"failed request: {r.url} {r.failure}")
        ),
    )
    page.on("request", lambda r: requests.append(r.url))
    return problems, requests


def visit(browser, server, path, scheme):
    """Open `path` in a new context with the reader's preferred `scheme` ("light" or
    "dark"), once it is loaded and typeset: (context, page, problems, requests)."""
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(CEILING * 1000)
    page = context.new_page()
    problems, requests = listen(page)
    response = page.goto(f"{server}/{path}", wait_until="load")
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    page.wait_for_selector("body[data-math-typeset]", state="attached")
    return context, page, problems, requests


# --- the page sweep -------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A way of looking at a loaded page: a palette, a window size and a media type; the
    pages it applies to (None: every page); and axe's audit in it: "all" its rules,
    "color" the rules that read colours, or "none"."""

    name: str
    scheme: str  # "light" or "dark"
    width: int = 1280
    height: int = 900
    media: str = "screen"
    pages: frozenset[str] | None = None
    axe: str = "color"


# The chapters and labs, the pages issue 17's reading on a phone is measured on
# (tests/test_devices.py), and the home page, whose chapter map must fit a phone.
CHAPTERS = [
    "derivatives/",
    "multivariate/",
    "chain-rule/",
    "taylor/",
    "optimisation/",
    "regression/",
]
LABS = sorted(f"labs/{p.stem}/" for p in (ROOT / "docs" / "labs").glob("*.py"))
PHONE = frozenset(["", *CHAPTERS, *LABS])

# Light then dark at a desk's width, then dark and light at a phone's (one palette switch
# fewer). Axe audits the page fully once and its colours in the other palette; at a phone's
# width nothing it reads changes colour, and the layout is measured by the probes.
VIEWS: list[View] = [
    View("light", "light", axe="all"),
    View("dark", "dark"),
    View("phone-dark", "dark", 390, 844, pages=PHONE, axe="none"),
    View("phone-light", "light", 390, 844, pages=PHONE, axe="none"),
]
PROBES: dict[
    str, tuple[str, frozenset[str] | None, frozenset[str] | None]
] = {}  # name -> (script, pages, views)
# Parts of a page that are other pages, audited there in every view: left out of the page's
# audits. The print page holds every chapter's article.
AUDITED_ELSEWHERE = {"print_page/": "section.print-page[id]:not(.md-section)"}
AFTER: list[tuple[str, str, Callable]] = []  # (page path, name, action(page, view))


def views_of(path: str) -> list[View]:
    """The views page `path` is looked at in, in order."""
    return [view for view in VIEWS if view.pages is None or path in view.pages]


def probe(name: str, script: str, pages=None, views=None) -> None:
    """Run the JavaScript function `script` on every page (or on the `pages` given) in every
    view (or in the `views` named); its result is ``swept.probes[view name][name]``."""
    entry = (script, pages and frozenset(pages), views and frozenset(views))
    if PROBES.get(name, entry) != entry:
        raise ValueError(f"two different probes are named {name!r}")
    PROBES[name] = entry


def after(path: str, name: str, action: Callable) -> None:
    """Call ``action(page, view)`` on page `path` in every view, after the probes and the
    audit; what it returns is ``swept.after[name][view name]``."""
    if (path, name) not in [(p, n) for p, n, _ in AFTER]:
        AFTER.append((path, name, action))


@dataclass
class Sweep:
    """What one load of a page showed: per view, the probes' results and axe's serious
    and critical violations; for the whole visit, its problems and requests."""

    path: str
    status: int
    probes: dict[str, dict[str, Any]] = field(default_factory=dict)
    axe: dict[str, list[str]] = field(default_factory=dict)
    after: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per step, to profile the sweep


def page_id(path: str) -> str:
    """The test id of a page's tests, which also names its group: ``page:derivatives/``."""
    return "page:" + (path or "/")


# Modules whose tests share one costly module-scoped fixture (a fresh virtual environment
# with the site's wheel): all their tests go to one worker, so it is made once per run.
ONE_WORKER = {"tests/test_reach.py"}

_PAGE_ID = re.compile(r"\[(?:[^\]]*-)?(page:[^\]]*?(?:/|\.html))(?=[-\]])")

each_page = pytest.mark.parametrize("path", [pytest.param(p, id=page_id(p)) for p in site_pages()])


def on_pages(paths) -> pytest.MarkDecorator:
    """Parametrize a test with each page of `paths`, each in that page's group."""
    return pytest.mark.parametrize("path", [pytest.param(p, id=page_id(p)) for p in paths])


def on_page(path: str) -> pytest.MarkDecorator:
    """Parametrize a test with the one page `path`, in that page's group."""
    return on_pages([path])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``, with each page's tests as one group: named by `page_id` in
    their test ids. (pytest-xdist's own groups, marked ``xdist_group``, are lost under
    pytest 9, whose node ids it can no longer extend.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class PageGroups(LoadGroupScheduling):
        def _split_scope(self, nodeid):
            page = _PAGE_ID.search(nodeid)
            if page:
                return page[1]
            module = nodeid.split("::")[0]
            return module if module in ONE_WORKER else super()._split_scope(nodeid)

    return PageGroups(config, log)


def pytest_collection_modifyitems(items):
    """The longest work first, so that a run on several workers does not end waiting for
    it: tests marked ``early`` (a second build) and the modules in `ONE_WORKER`, then the
    print page's tests (the biggest page, and its PDF), then every other page's, then the
    rest, each in collection order.
    (`make test` runs pytest-xdist with ``--no-loadscope-reorder``, which keeps this order.)"""

    def rank(item):
        page = _PAGE_ID.search(item.nodeid)
        if item.get_closest_marker("early") or item.nodeid.split("::")[0] in ONE_WORKER:
            return 0
        return 3 if page is None else 1 if page[1] == page_id("print_page/") else 2

    items.sort(key=rank)


# --- checks over many pages: tallies -----------------------------------------------------
#
# A check of a sum over pages (at most 5% of all code blocks too wide) cannot be one page's
# test, and a test of its own would load the pages again. Each page's test adds its part
# with the `tally` fixture; at the end of the run the process that sees every test's report
# (pytest-xdist's controller, or pytest alone) checks the sum with the function given to
# `total`, once every page it names has reported, and fails the run if it fails.

TOTALS: dict[
    str, tuple[frozenset[str], Callable]
] = {}  # name -> (pages, check(parts) -> error or None)
_TALLIED: dict[str, dict[str, Any]] = {}  # name -> {page path: part}


def total(name: str, pages, check: Callable) -> None:
    """Check the parts tallied under `name` by the tests of `pages` at the end of the run:
    ``check({path: part})`` returns what is wrong, or None."""
    TOTALS[name] = (frozenset(pages), check)


@pytest.fixture
def tally(request, record_property, path):
    """``tally(name, part)``: this page's part of the check `total` named `name`."""

    def add(name: str, part: Any) -> None:
        if name not in TOTALS:
            raise ValueError(f"no total is named {name!r}")
        record_property(f"tally:{name}:{path}", {"module": request.module.__file__, "part": part})

    return add


_TALLYING: set[str] = set()  # the test modules that tallied, which register the totals


def pytest_runtest_logreport(report):
    if report.when == "call":  # a page's test that failed after tallying still gives its part
        for key, part in report.user_properties:
            if isinstance(key, str) and key.startswith("tally:"):
                _, name, path = key.split(":", 2)
                _TALLYING.add(part["module"])
                _TALLIED.setdefault(name, {})[path] = part["part"]


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller sees every report
    import importlib.util

    for module in sorted(_TALLYING):  # pytest-xdist's controller imports no test module itself
        if not any(getattr(m, "__file__", None) == module for m in list(sys.modules.values())):
            spec = importlib.util.spec_from_file_location(Path(module).stem, module)
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
    failed = []
    for name, (pages, check) in TOTALS.items():
        parts = _TALLIED.get(name, {})
        if pages <= parts.keys():  # every page reported (not so when tests were selected)
            error = check(parts)
            if error:
                failed.append(f"{name}: {error}")
    if failed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("A check over every page failed:\n  " + "\n  ".join(failed), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def sweeper(browser, server):
    """The worker's sweep of pages, page by page as its tests ask: path -> `Sweep`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(CEILING * 1000)
    done: dict[str, Sweep] = {}

    def sweep(path: str) -> Sweep:
        if path not in done:
            done[path] = _sweep(context, server, path)
        return done[path]

    yield sweep
    context.close()


@pytest.fixture
def swept(sweeper, path) -> Sweep:
    """The sweep of the page `path` (parametrized by `each_page` or `on_page`)."""
    return sweeper(path)


_PALETTE = """async (scheme) => {
  const body = document.body;
  if (body.getAttribute("data-md-color-scheme") !== scheme) {
    const input = document.querySelector(`input[data-md-color-scheme="${scheme}"]`);
    return input ? input.id : "no palette " + scheme;
  }
  return null;
}"""
_READY = """(scheme) => document.body.hasAttribute("data-math-typeset")
  && document.body.getAttribute("data-md-color-scheme") === scheme
  && !document.body.hasAttribute("data-md-color-switching")"""
_AXE_RUN = """async ([everything, elsewhere]) => {
  const options = {resultTypes: ["violations"]};
  if (!everything) {  // the rules that read colours: axe's enabled rules tagged cat.color
    const rules = axe._audit.rules.filter(r => r.enabled !== false && r.tags.includes("cat.color"));
    options.runOnly = {type: "rule", values: rules.map(r => r.id)};
  }
  // Parts audited as pages of their own are taken out of the document while axe runs (an
  // exclusion would still make axe walk them, most of the print page), then put back.
  const parts = elsewhere ? [...document.querySelectorAll(elsewhere)] : [];
  const marks = parts.map(part => part.parentNode.insertBefore(document.createComment(""), part));
  parts.forEach(part => part.remove());
  // KaTeX draws a formula as dozens of nested spans (two thirds of a chapter's elements),
  // most a glyph or two, which axe's contrast rule weighs and then leaves undecided ("too
  // short to determine"). A formula drawn in plain colours stands in as one word per
  // colour its glyphs have, each at the smallest size of its glyphs, which the rule does
  // decide. A formula keeps its markup where the stand-in could hide something: a
  // background, opacity, a filter, a text shadow or fill of its own, any role or aria
  // attribute beyond KaTeX's aria-hidden drawing, a link in or around it, an id. The
  // first inline and the first display formula keep theirs too, so axe audits KaTeX's
  // structure on every page.
  const plain = e => {
    const style = getComputedStyle(e);
    const own = [...e.attributes].filter(a => a.name === "role" || a.name === "id"
      || (a.name.startsWith("aria-") && !(a.name === "aria-hidden" && e.matches(".katex-html"))));
    return style.backgroundColor === "rgba(0, 0, 0, 0)" && style.backgroundImage === "none"
      && style.opacity === "1" && style.filter === "none" && style.textShadow === "none"
      && style.webkitTextFillColor === style.color && own.length === 0
      && e.tagName !== "A";
  };
  const colours = k => {
    if (k.closest("a")) return null;
    const found = new Map();  // colour -> the smallest font size drawn in it
    for (const e of [k, ...k.querySelectorAll("*")]) {
      if (e.closest(".katex-mathml")) continue;  // MathML for screen readers, not drawn
      if (!plain(e)) return null;
      if ([...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && /[^\\s\\u200b]/.test(n.data))) {
        const style = getComputedStyle(e), size = parseFloat(style.fontSize);
        found.set(style.color, Math.min(size, found.get(style.color) ?? size));
      }
    }
    return found;
  };
  const formulas = [...document.querySelectorAll(".katex")];
  const kept = [formulas.find(k => k.closest(".katex-display")),
                formulas.find(k => !k.closest(".katex-display"))];
  const standIns = formulas.filter(k => !kept.includes(k)).flatMap(k => {
    const found = colours(k);
    if (found === null) return [];
    const standIn = document.createElement("span");
    for (const [colour, size] of found) {
      const word = standIn.appendChild(document.createElement("span"));
      word.textContent = "formula ";
      word.style.color = colour;
      word.style.fontSize = `${size}px`;
    }
    k.replaceWith(standIn);
    return [[standIn, k]];
  });
  let result;
  try {
    result = await axe.run(document, options);
  } finally {
    standIns.forEach(([standIn, k]) => { standIn.replaceWith(k); });
    marks.forEach((mark, i) => { mark.replaceWith(parts[i]); });
  }
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}"""


def _show(page, view: View) -> None:
    """Switch the loaded `page` to `view` in place, and wait until it is ready."""
    page.set_viewport_size({"width": view.width, "height": view.height})
    page.emulate_media(media=view.media, color_scheme=view.scheme)
    scheme = "slate" if view.scheme == "dark" else "default"
    toggle = page.evaluate(_PALETTE, scheme)
    if toggle is not None:
        assert not toggle.startswith("no palette"), toggle
        page.click(f"label[for='{toggle}']")  # the header's palette toggle, as a reader does
    page.wait_for_function(_READY, arg=scheme)
    page.evaluate("() => document.fonts.ready.then(() => true)")


def _probe_all(path: str, view: View) -> str:
    calls = ", ".join(
        f"{json.dumps(name)}: await ({script})()"
        for name, (script, pages, views) in PROBES.items()
        if (pages is None or path in pages) and (views is None or view.name in views)
    )
    return f"async () => ({{{calls}}})"


def _sweep(context, server: str, path: str) -> Sweep:
    page = context.new_page()
    problems, requests = listen(page)
    clock = _Clock()
    try:
        response = page.goto(f"{server}/{path}", wait_until="load")
        result = Sweep(
            path,
            response.status if response else 0,
            problems=problems,
            requests=requests,
            seconds=clock.seconds,
        )
        page.add_script_tag(path=str(AXE))
        clock.lap("load")
        for view in views_of(path):
            _show(page, view)
            result.probes[view.name] = page.evaluate(_probe_all(path, view))
            clock.lap(f"{view.name}: show and probe")
            if view.axe != "none":
                result.axe[view.name] = page.evaluate(
                    _AXE_RUN, [view.axe == "all", AUDITED_ELSEWHERE.get(path)]
                )
                clock.lap(f"{view.name}: axe")
            for where, name, action in AFTER:
                if where == path:
                    result.after.setdefault(name, {})[view.name] = action(page, view)
                    clock.lap(f"{view.name}: {name}")
        page.evaluate("() => localStorage.clear()")  # the next page starts from no choice
    finally:
        page.close()
    return result


class _Clock:
    """Seconds spent in each step of a sweep, for the report (never asserted)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = round(now - self.last, 2)
        self.last = now
