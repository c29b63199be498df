"""The docs' fences: every python fence in the sources is one pytest collects and runs.

`conftest.py` checks at the end of a run that every fence found by `python_fences` in
each markdown file passed; these tests check the scan itself and that the collector sees
what the scan sees, so a fence hidden where pytest-markdown-docs cannot look (a content
tab, a ``notest`` option) fails here at once. The python fences a page shows as examples
inside a ``markdown`` fence (how to write a chapter, in contributing.md) are not run by the
plugin; they run here, so the examples a contributor copies work too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

from conftest import (
    _FENCE,
    _PYTHON,
    included_source,
    pytest_markdown_docs_markdown_it,
    python_fences,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(ROOT.glob("docs/**/*.md")) + [ROOT / "README.md"]

SAMPLE = """
```python
a = 1
```

```{.python exec="on" continuation}
b = a
```

!!! note
    ```python exec="on"
    print(1)
    ```

??? success "Solution"
    ```py
    print(2)
    ```

````markdown
```python
shown, not run
```
````

=== "Tab"

    ```python
    print(3)
    ```

```sh
echo not python
```
"""


def test_scan_finds_fences_everywhere_but_inside_other_fences():
    assert python_fences(SAMPLE) == [2, 6, 11, 16, 28]


def collected(text: str, path: Path) -> int:
    parser = pytest_markdown_docs_markdown_it()
    return len(
        list(extract_fence_tests(parser, text, 0, path, fence_syntax=FenceSyntax.superfences))
    )


def test_collector_misses_a_fence_in_a_tab_and_the_scan_notices():
    assert collected(SAMPLE, Path("sample.md")) == len(python_fences(SAMPLE)) - 1


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_collector_sees_every_fence_of_the_sources(path):
    text = path.read_text(encoding="utf8")
    assert collected(text, path) == len(python_fences(text))


def test_fences_are_python_or_declared_languages():
    # A typo in the language ("pyhton") would silently escape both the build and pytest.
    allowed = {"python", "py", "sh", "text", "markdown", "console", "yaml", "toml", "json"}
    for path in SOURCES:
        for line in path.read_text(encoding="utf8").splitlines():
            stripped = line.strip()
            if stripped.startswith("```") and stripped.strip("`"):
                info = stripped.strip("`").strip("{}. ").split()[0].lstrip(".")
                assert info in allowed, f"{path.name}: fence language {info!r}"


def test_an_include_fence_resolves_to_the_package_source():
    shown = included_source('--8<-- "mvc/derivatives.py:differences"\n')
    assert "fz.imag / step" in shown
    assert not shown.startswith(" ")  # dedented, as the page shows it
    assert included_source("import numpy as np\n") is None


def test_an_include_of_a_missing_section_fails_loudly():
    with pytest.raises(LookupError, match="no-such-section"):
        included_source('--8<-- "mvc/derivatives.py:no-such-section"\n')


# --- python fences shown as examples inside other fences -------------------------------


def example_fences(text: str) -> list[tuple[str, bool]]:
    """The python fences nested in other fences of markdown `text`, as (code, continuation)."""
    found, outer, inner, lines, continuation = [], None, None, [], False
    for line in text.splitlines():
        match = _FENCE.match(line)
        if outer is None:
            if match:
                outer = match["mark"]
        elif inner is not None:
            if match and match["mark"] == inner and not match["info"].strip():
                found.append((textwrap.dedent("\n".join(lines)), continuation))
                inner = None
            else:
                lines.append(line)
        elif (
            match
            and not match["info"].strip()
            and match["mark"][0] == outer[0]
            and len(match["mark"]) >= len(outer)
        ):
            outer = None
        elif match and _PYTHON.match(match["info"].strip()):
            inner, lines = match["mark"], []
            continuation = "continuation" in match["info"]
    return found


def _joined(examples: list[tuple[str, bool]]) -> list[str]:
    """Each example's code, a continuation with the examples before it in front."""
    codes = []
    for code, continuation in examples:
        codes.append(codes[-1] + "\n" + code if continuation and codes else code)
    return codes


def test_the_example_scan_finds_the_fences_a_page_shows_but_does_not_run():
    assert example_fences(SAMPLE) == [("shown, not run", False)]


def test_every_python_fence_of_the_sources_is_run_or_an_example_that_runs_here():
    opening = re.compile(r"^\s*(`{3,}|~{3,})\s*\{?\s*\.?(python|py|python3)(\s|\}|$)")
    for path in SOURCES:
        text = path.read_text(encoding="utf8")
        every = sum(bool(opening.match(line)) for line in text.splitlines())
        assert every == len(python_fences(text)) + len(example_fences(text)), path.name


EXAMPLES = [
    (path, number, code)
    for path in SOURCES
    for number, code in enumerate(
        # A continuation example runs after the examples before it, as on a page.
        _joined(example_fences(path.read_text(encoding="utf8"))),
        1,
    )
]


@pytest.mark.parametrize(
    ("path", "number", "code"),
    EXAMPLES,
    ids=[f"{p.relative_to(ROOT).as_posix()}-example-{n}" for p, n, _ in EXAMPLES],
)
def test_an_example_fence_runs_in_a_fresh_interpreter(path, number, code):
    _runs_alone(code, f"{path.name}, example {number}")


def _runs_alone(code: str, where: str) -> None:
    """`code` runs in a fresh interpreter, with the site's own modules (docs/hooks/quiz.py)
    importable, as in the build and in pytest."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "docs" / "hooks")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{where}:\n{code}\n{done.stderr}"


# The site's own modules (docs/hooks) show how a chapter uses them in a python fence of a
# docstring; pytest-markdown-docs's docstring collectors are dropped (conftest.py), so
# those fences run here.
HOOKS = sorted((ROOT / "docs" / "hooks").glob("*.py"))
_DOC_FENCE = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)


def hook_fences(path: Path) -> list[str]:
    """The python fences in the docstrings of the hook module `path`."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf8"))
    docs = [
        ast.get_docstring(node, clean=True)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
    ]
    return [code for doc in docs if doc for code in _DOC_FENCE.findall(doc)]


HOOK_EXAMPLES = [(path, n, code) for path in HOOKS for n, code in enumerate(hook_fences(path), 1)]


@pytest.mark.parametrize(
    ("path", "number", "code"),
    HOOK_EXAMPLES,
    ids=[f"{p.relative_to(ROOT).as_posix()}-docstring-{n}" for p, n, _ in HOOK_EXAMPLES],
)
def test_a_hook_docstring_fence_runs_in_a_fresh_interpreter(path, number, code):
    _runs_alone(code, f"{path.name}, docstring fence {number}")


def test_every_python_fence_of_the_docs_is_counted_once():
    """Every python fence in docs/ and the README (279 today) is a fence pytest runs, an
    example run here, or a hook docstring's fence run here."""
    opening = re.compile(r"^\s*(`{3,}|~{3,})\s*\{?\s*\.?(python|py|python3)(\s|\}|$)")
    files = [*SOURCES, *HOOKS]
    raw = sum(
        bool(opening.match(line))
        for path in files
        for line in path.read_text(encoding="utf8").splitlines()
    )
    texts = [path.read_text(encoding="utf8") for path in SOURCES]
    run = sum(len(python_fences(t)) + len(example_fences(t)) for t in texts)
    assert raw == run + len(HOOK_EXAMPLES) and HOOK_EXAMPLES, (raw, run, len(HOOK_EXAMPLES))
