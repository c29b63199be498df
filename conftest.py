"""How pytest runs the code fences of the docs (pytest-markdown-docs, superfences syntax).

On top of the plugin's defaults:

1. Fences inside admonitions (``!!!``) and collapsible blocks (``???``, ``???+``) are
   collected: the markdown parser gets mdit_py_plugins' admon plugin.
2. A fence's printed output is captured, not written over pytest's report (the
   plugin turns capture off while a fence runs, and figure fences print SVG). When a
   fence fails, its output is shown with any SVG cut out.
3. A fence that only includes source with the snippets syntax (``--8<-- "file:section"``)
   shows a piece of the package; it is not run again, but the section must exist, be
   non-empty and compile, so the page never shows stale or missing code.
4. The plugin would also search every ``.py`` file's docstrings for fences; the
   package's examples are doctests instead, so those collectors are dropped.
5. Property tests (hypothesis) draw the same examples on every run, so `make test` on
   a fresh clone or in CI gives the result it gave here; ``pytest
   --hypothesis-profile=explore`` draws new ones on each run, to hunt for bugs.
6. The site's own modules beside the build's hooks (``docs/hooks/quiz.py``) are
   importable by name, as they are in the build (``docs/hooks/fences.py``), so the
   fences that make self-check questions run here as they run there.
7. A fence is not run twice in one `make test`: the build that `make test` makes first
   runs every ``exec="on"`` fence the way pytest would (alone or joined to the fences it
   continues, warnings as errors: docs/hooks/fences.py) and records, in the file named by
   ``$MVC_FENCE_RECORD``, which of these chains passed. A fence whose chain is recorded as
   passed passes here without running again; any other fence (no ``exec``, the README,
   a chain the build did not run or that failed there, or no record at all, as in a plain
   ``pytest``) runs here.

`tests/test_docs.py` checks that every ``python`` fence in the sources, by its own
scan, was collected and passed.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")
_HOOKS = str(Path(__file__).parent / "docs" / "hooks")
if _HOOKS not in sys.path:
    sys.path.insert(0, _HOOKS)

# The built site's fixtures and page sweep, loaded once for the whole run, so that test
# modules may also import its helpers (tests/site_fixtures.py).
pytest_plugins = ["tests.site_fixtures"]

settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")  # --hypothesis-profile=explore overrides it

from pytest_markdown_docs._runners import DefaultRunner, register_runner  # noqa: E402  after MPLBACKEND, sys.path
from pytest_markdown_docs.plugin import (  # noqa: E402  as above
    MarkdownDocstringCodeModule,
)

_SVG = re.compile(r"<svg.*?</svg>", re.S)
_INCLUDE = re.compile(r'^--8<-- "(?P<file>[^":]+)(?::(?P<section>[\w-]+))?"$')
_outputs: dict[str, str] = {}
_ROOT = Path(__file__).parent


def included_source(fence: str) -> str | None:
    """The code a snippets-include fence shows, or None if `fence` is ordinary code."""
    lines = [line.strip() for line in fence.strip().splitlines()]
    matches = [_INCLUDE.match(line) for line in lines]
    if not lines or not all(matches):
        return None
    pieces = []
    for match in matches:
        text = (_ROOT / match["file"]).read_text(encoding="utf8")
        if match["section"]:
            name = match["section"]
            section = re.search(
                rf"--8<-- \[start:{name}\]\n(.*?)\n[^\n]*--8<-- \[end:{name}\]",
                text,
                re.S,
            )
            if section is None:
                raise LookupError(f"{match['file']} has no snippet section {match['section']!r}")
            text = section[1]
        pieces.append(textwrap.dedent(text))
    source = "\n".join(pieces)
    if not source.strip():
        raise LookupError(f"the include {lines} is empty")
    return source


@register_runner(default=True)
class CapturingRunner(DefaultRunner):
    """The plugin's runner, with the fence's stdout and stderr kept for the report."""

    def runtest(self, test, args, *, asyncio_runner=None):
        included = included_source(test.source)
        if included is not None:
            compile(included, filename=str(test.source_path), mode="exec", dont_inherit=True)
            return
        if ran_in_the_build(test.source):
            return
        buffer = io.StringIO()
        key = f"{test.source_path}:{test.start_line}"
        try:
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                super().runtest(test, args, asyncio_runner=asyncio_runner)
        finally:
            _outputs[key] = buffer.getvalue()

    def repr_failure(self, test, excinfo, style=None):
        report = super().repr_failure(test, excinfo, style)
        output = _outputs.get(f"{test.source_path}:{test.start_line}", "")
        output = _SVG.sub("<svg>…</svg>", output).strip()
        if output:
            report += "\nOutput of the fence before it failed:\n" + output[-4000:] + "\n"
        return report


@functools.cache
def _chain_digest():
    """docs/hooks/fences.py's chain_digest: the key the build records a chain under."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "fences_hook", _ROOT / "docs" / "hooks" / "fences.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.chain_digest


@functools.cache
def _passed_in_the_build(record: str) -> frozenset[str]:
    return frozenset(json.loads(Path(record).read_text(encoding="utf8"))["passed"])


def ran_in_the_build(source: str) -> bool:
    """Whether this run's build ran the chain of fences `source`, and it passed."""
    record = os.environ.get("MVC_FENCE_RECORD")
    if not record or not Path(record).is_file():
        return False
    return _chain_digest()([source]) in _passed_in_the_build(record)


@pytest.hookimpl
def pytest_markdown_docs_markdown_it():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin

    return MarkdownIt(config="commonmark").use(admon_plugin)


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    collectors = yield
    return [c for c in collectors if not isinstance(c, MarkdownDocstringCodeModule)]


# --- every fence ran: the sources' own count against what passed ------------------------

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<mark>`{3,}|~{3,})\s*(?P<info>.*)$")
_PYTHON = re.compile(r"^\{?\s*\.?(python|py|python3)(\s|\}|$)")


def python_fences(text: str) -> list[int]:
    """Line numbers (1-based) of the ``python`` fences in markdown `text`, by a plain scan.

    Fences nested in other fences (a markdown example showing a fence) are not counted;
    fences in admonitions, details and tabs are, whatever their indentation.
    """
    found, closing = [], None
    for number, line in enumerate(text.splitlines(), 1):
        match = _FENCE.match(line)
        if closing is not None:
            if (
                match
                and match["mark"][0] == closing[0]
                and len(match["mark"]) >= len(closing)
                and not match["info"].strip()
            ):
                closing = None
            continue
        if match:
            closing = match["mark"]
            if _PYTHON.match(match["info"].strip()):
                found.append(number)
    return found


_markdown_files: set[str] = set()
_passed: Counter = Counter()


def pytest_collectreport(report):
    if report.nodeid.endswith(".md") and "::" not in report.nodeid:
        _markdown_files.add(str(Path(report.fspath).resolve()))


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed and "markdown-docs" in report.keywords:
        _passed[str(Path(report.fspath).resolve())] += 1


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist's controller: the markdown files a worker collected (the controller
    collects nothing itself; the fences that passed reach it as reports)."""
    _markdown_files.update(node.workeroutput.get("markdown_files", []))


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if a markdown file collected here had a fence that did not pass."""
    config = session.config
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller checks
        config.workeroutput["markdown_files"] = sorted(_markdown_files)
        return
    if (
        config.option.keyword
        or config.option.markexpr
        or config.option.collectonly
        or session.testsfailed
    ):
        return
    missing = []
    for path in sorted(_markdown_files):
        expected = len(python_fences(Path(path).read_text(encoding="utf8")))
        if _passed[path] != expected:
            missing.append(f"{path}: {expected} python fences, {_passed[path]} passed")
    if missing:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("Not every python fence ran:\n  " + "\n  ".join(missing), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
