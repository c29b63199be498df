"""How pytest runs the code fences of the docs (pytest-markdown-docs, superfences syntax).

Three things on top of the plugin's defaults:

1. Fences inside admonitions (``!!!``) and collapsible blocks (``???``, ``???+``) are
   collected: the markdown parser gets mdit_py_plugins' admon plugin.
2. A fence's printed output is captured, not written over pytest's report (the
   plugin turns capture off while a fence runs, and figure fences print SVG). When a
   fence fails, its output is shown with any SVG cut out.
3. The plugin would also search every ``.py`` file's docstrings for fences; the
   package's examples are doctests instead, so those collectors are dropped.

`tests/test_docs.py` checks that every ``python`` fence in the sources, by its own
scan, was collected and passed.
"""

from __future__ import annotations

import contextlib
import io
import os
import re

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

from pytest_markdown_docs._runners import DefaultRunner, register_runner  # noqa: E402
from pytest_markdown_docs.plugin import MarkdownDocstringCodeModule  # noqa: E402

_SVG = re.compile(r"<svg.*?</svg>", re.S)
_outputs: dict[str, str] = {}


@register_runner(default=True)
class CapturingRunner(DefaultRunner):
    """The plugin's runner, with the fence's stdout and stderr kept for the report."""

    def runtest(self, test, args, *, asyncio_runner=None):
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


@pytest.hookimpl
def pytest_markdown_docs_markdown_it():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin

    return MarkdownIt(config="commonmark").use(admon_plugin)


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    collectors = yield
    return [c for c in collectors if not isinstance(c, MarkdownDocstringCodeModule)]
