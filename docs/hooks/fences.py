"""MkDocs hook: how ``python`` fences run at build time (markdown-exec), in one place.

The same fences are run by pytest (pytest-markdown-docs, superfences syntax), so their
options must mean the same thing to both tools, and a fence must run the same way in both:

- **Chains.** ``continuation`` (``{.python exec="on" continuation}``) tells pytest to run
  the fence joined to the fences before it, back to the last fence that is not a
  continuation: a *chain*. markdown-exec does not know the word, and would write it into
  the page; here it is removed, and each chain runs in a markdown-exec session of its own,
  named after its page and its place on the page and emptied when its first fence runs.
  So a fence sees exactly the names pytest gives it: a fence that is not a continuation
  starts from nothing (markdown-exec's sessions are global to the whole build, and to a
  whole ``mkdocs serve``).
- **Warnings are errors**, as in pytest (``filterwarnings`` in pyproject.toml).
- A fence with ``exec="on"`` and no ``html`` is code for the reader: it is shown with its
  printed output below it (``source="above" result="text"``). A figure fence has
  ``html="1"`` and shows only what it prints.
- A continuation that shows its code is the one block a reader cannot paste on its own,
  so the page says so: it is wrapped in ``<div class="continuation">`` under the line
  "Continues the block above." (tests/test_reach.py runs every other block alone).
- The site's own modules beside the hooks (``quiz``, which renders the self-check
  questions) are importable by name in every fence: this folder goes on ``sys.path``, as
  the root ``conftest.py`` does for pytest. They are not part of `mvc`.

Two things on top, both keyed on a chain's code (its non-blank lines, as `chain_digest`):

- **The record** (``$MVC_FENCE_RECORD``, set by ``make test``). The build writes which
  chains it ran and whether they passed; pytest (conftest.py) does not run again a fence
  whose chain the build ran and passed, since the build ran it as pytest would.
- **The cache** (``$MVC_EXEC_CACHE``, set by ``make serve`` only: exec_cache.py). What a
  chain printed is kept, keyed on its code and on everything else a fence can read. A
  rebuild after editing a chapter's prose runs no fence; a fence after cached ones in its
  chain first replays them, output discarded, for their names. ``make build`` and
  ``make test`` never use it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import warnings
from functools import cache, partial
from pathlib import Path

from mkdocs.exceptions import PluginError

HOOKS = str(Path(__file__).resolve().parent)
ON = ("on", "1", "yes", "true")
_page = {"session": "", "chain": 0}
_chains: dict[str, list[str]] = {}  # session -> the code of its fences, in the order they ran
_replay: dict[str, list[str]] = {}  # session -> codes taken from the cache, not run yet
_ran: dict[str, bool] = {}  # chain digest -> passed, for the record


def chain_digest(codes: list[str]) -> str:
    """The key of a chain of fences: its non-blank lines, right-stripped, in order."""
    lines = [line.rstrip() for code in codes for line in code.splitlines() if line.strip()]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _validator(original, language, inputs, options, attrs, md):
    continues = "continuation" in inputs  # the brace form gives it the value None
    inputs.pop("continuation", None)
    shown = inputs.get("html") not in ON
    if inputs.get("exec") in ON:
        _page["chain"] += 0 if continues else 1
        inputs.setdefault("session", f"{_page['session']}#{_page['chain']}")
        if shown:
            inputs.setdefault("source", "above")
            inputs.setdefault("result", "text")
    valid = original(language, inputs, options, attrs, md)
    if valid and continues and shown:
        options[_CONTINUES] = True
    return valid


_CONTINUES = "mvc_continuation"
CONTINUES = '<p class="mvc-continues">Continues the block above.</p>'


def _format_fence(original, src, language, class_name, options, md, **kwargs):
    continues = options.pop(_CONTINUES, False)
    html = original(src, language, class_name, options, md, **kwargs)
    return f'<div class="continuation">{CONTINUES}\n{html}\n</div>' if continues else html


def _run(original, code, returncode=None, session=None, id=None, **extra):
    """markdown-exec's runner of a python fence, in its chain, strict, cached if asked."""
    if session not in _chains:  # the chain's first fence in this build: a fresh namespace
        _formatter()._sessions_globals.pop(session, None)
    chain = _chains.setdefault(session, [])
    chain.append(code)
    key = chain_digest(chain)
    cached = _exec_cache().entry("fences", key, ".txt")
    if cached is not None and cached.is_file():
        _replay.setdefault(session, []).append(code)
        return cached.read_text(encoding="utf8")
    for earlier in _replay.pop(session, []):
        _strictly(original, earlier, session=session)
    _ran[key] = False
    output = _strictly(original, code, returncode=returncode, session=session, id=id, **extra)
    _ran[key] = True
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(output, encoding="utf8")
    return output


def _strictly(run, code, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return run(code, **options)


@cache  # once per build: MkDocs loads this hook afresh for each
def _exec_cache():
    """docs/hooks/exec_cache.py (hooks are loaded from their files, not as a package)."""
    spec = importlib.util.spec_from_file_location(
        "exec_cache", Path(__file__).with_name("exec_cache.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _formatter():
    """markdown-exec's python formatter module, which this hook wraps."""
    from markdown_exec._internal.formatters import python

    if not callable(getattr(python, "_run_python", None)) or not hasattr(
        python, "_sessions_globals"
    ):
        raise PluginError(
            "docs/hooks/fences.py: markdown-exec no longer has _run_python; "
            "update the hook for the installed version."
        )
    return python


def on_config(config):
    if HOOKS not in sys.path:
        sys.path.insert(0, HOOKS)
    fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
    for fence in fences:
        if fence["name"] in ("python", "py") and not isinstance(fence["validator"], partial):
            fence["validator"] = partial(_validator, fence["validator"])
            fence["format"] = partial(_format_fence, fence["format"])
    module = _formatter()
    original = getattr(module._run_python, "original", module._run_python)  # once, on reloads
    module._run_python = partial(_run, original)
    module._run_python.original = original
    return config


def on_page_markdown(markdown, page, config, files):
    _page["session"], _page["chain"] = "page:" + page.file.src_uri, 0
    return markdown


def on_post_build(config):
    record = os.environ.get("MVC_FENCE_RECORD")
    if record:
        passed = sorted(key for key, ok in _ran.items() if ok)
        Path(record).write_text(json.dumps({"passed": passed}) + "\n", encoding="utf8")
