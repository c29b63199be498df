"""The docs' fences: every python fence in the sources is one pytest collects and runs.

`conftest.py` checks at the end of a run that every fence found by `python_fences` in
each markdown file passed; these tests check the scan itself and that the collector sees
what the scan sees, so a fence hidden where pytest-markdown-docs cannot look (a content
tab, a ``notest`` option) fails here at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import included_source, pytest_markdown_docs_markdown_it, python_fences
from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(ROOT.glob("docs/*.md")) + [ROOT / "README.md"]

SAMPLE = '''
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
'''


def test_scan_finds_fences_everywhere_but_inside_other_fences():
    assert python_fences(SAMPLE) == [2, 6, 11, 16, 28]


def collected(text: str, path: Path) -> int:
    parser = pytest_markdown_docs_markdown_it()
    return len(list(extract_fence_tests(parser, text, 0, path, fence_syntax=FenceSyntax.superfences)))


def test_collector_misses_a_fence_in_a_tab_and_the_scan_notices():
    assert collected(SAMPLE, Path("sample.md")) == len(python_fences(SAMPLE)) - 1


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
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
