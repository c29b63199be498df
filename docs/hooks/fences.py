"""MkDocs hook: how ``python`` fences run at build time (markdown-exec), in one place.

The same fences are run by pytest (pytest-markdown-docs, superfences syntax), so their
options must mean the same thing to both tools:

- ``continuation`` (``{.python exec="on" continuation}``) tells pytest to run the fence
  after the ones before it. markdown-exec does not know the word, and would write it
  into the page; here it is taken out of its options, and every executed fence of a page
  runs in one markdown-exec session named after the page. That gives continuations the
  names the fences before them defined, and keeps sessions apart between pages
  (markdown-exec's session names are global to the whole build). pytest, which runs each
  fence in a fresh namespace unless it is a continuation, is the strict check.
- A continuation that shows its code is the one block a reader cannot paste on its own,
  so the page says so: it is wrapped in ``<div class="continuation">`` under the line
  "Continues the block above." (tests/test_reach.py runs every other block alone).
- A fence with ``exec="on"`` and no ``html`` is code for the reader: it is shown with its
  printed output below it (``source="above" result="text"``). A figure fence has
  ``html="1"`` and shows only what it prints.
- The site's own modules beside the hooks (``quiz``, which renders the self-check
  questions) are importable by name in every fence: this folder goes on ``sys.path``, as
  the root ``conftest.py`` does for pytest. They are not part of `mvc`.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

HOOKS = str(Path(__file__).resolve().parent)

_page = {"session": ""}


def _validator(original, language, inputs, options, attrs, md):
    continues = "continuation" in inputs
    inputs.pop("continuation", None)
    shown = inputs.get("html") not in ("1", "on", "yes", "true")
    if inputs.get("exec") in ("on", "1", "yes", "true"):
        inputs.setdefault("session", _page["session"])
        if shown:
            inputs.setdefault("source", "above")
            inputs.setdefault("result", "text")
    valid = original(language, inputs, options, attrs, md)
    if valid and continues and shown:
        options[_CONTINUES] = True
    return valid


_CONTINUES = "mvc_continuation"
CONTINUES = '<p class="mvc-continues">Continues the block above.</p>'


def _formatter(original, src, language, class_name, options, md, **kwargs):
    continues = options.pop(_CONTINUES, False)
    html = original(src, language, class_name, options, md, **kwargs)
    return f'<div class="continuation">{CONTINUES}\n{html}\n</div>' if continues else html


def on_config(config):
    if HOOKS not in sys.path:
        sys.path.insert(0, HOOKS)
    fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
    for fence in fences:
        if fence["name"] in ("python", "py") and not isinstance(fence["validator"], partial):
            fence["validator"] = partial(_validator, fence["validator"])
            fence["format"] = partial(_formatter, fence["format"])
    return config


def on_page_markdown(markdown, page, config, files):
    _page["session"] = "page:" + page.file.src_uri
    return markdown
