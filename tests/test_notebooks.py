"""Every chapter's downloadable notebook (made by docs/hooks/notebooks.py) runs top to
bottom in a fresh kernel, as a reader's Jupyter would run it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbclient
import pytest
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def _hook():
    spec = importlib.util.spec_from_file_location("notebooks_hook", ROOT / "docs/hooks/notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOOK = _hook()
CHAPTERS = HOOK.chapters(load_config(str(ROOT / "mkdocs.yml")).nav)


def test_the_chapters_section_is_found():
    assert "derivatives.md" in CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_notebook_runs_in_a_fresh_kernel(chapter):
    source = (ROOT / "docs" / chapter).read_text(encoding="utf8")
    nb = HOOK.notebook(source, title="t", url="u")
    fences = sum(1 for c in nb.cells if c.cell_type == "code")
    assert fences >= 2, "the setup cell and at least one fence of the chapter"
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    figures = [o for c in nb.cells if c.cell_type == "code" and c.source.startswith("%%figure")
               for o in c.outputs if o.output_type == "display_data"]
    assert all(o.data["text/html"].strip() for o in figures)  # a figure, or a widget's data
    assert len(figures) == sum(1 for c in nb.cells if c.cell_type == "code" and c.source.startswith("%%figure"))


def test_include_fences_become_markdown_that_shows_the_source():
    text = HOOK.to_markdown('# T\n\n```python\n--8<-- "mvc/derivatives.py:differences"\n```\n',
                            title="T", url="u")
    nb = HOOK.notebook('# T\n\n```python\n--8<-- "mvc/derivatives.py:differences"\n```\n',
                       title="T", url="u")
    assert "fz.imag / step" in text
    assert [c.cell_type for c in nb.cells][-1] == "markdown"


def test_an_included_markdown_file_becomes_cells():
    nb = HOOK.notebook('# T\n\n--8<-- "docs/quizzes/taylor.md"\n', title="T", url="u")
    assert any(c.cell_type == "code" and "quiz.numeric" in c.source for c in nb.cells)
    assert not any("--8<--" in c.source for c in nb.cells)


def test_admonitions_are_dedented_and_their_code_stays_code():
    source = '# T\n\n??? success "Solution"\n\n    Because.\n\n    ```python\n    print(1)\n    ```\n\nAfter.\n'
    nb = HOOK.notebook(source, title="T", url="u")
    kinds = [(c.cell_type, c.source.strip()) for c in nb.cells[2:]]
    assert kinds == [("markdown", "**Solution**\n\nBecause."), ("code", "print(1)"), ("markdown", "After.")]
