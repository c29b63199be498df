"""The labs: every `docs/labs/*.py` ran as a notebook, in a fresh kernel, without an error.

pytest does not import the labs (`--ignore=docs/labs` in pyproject.toml: collecting a
`.py` would run it at import). The build runs each one, once: mkdocs-jupyter executes it in
a fresh kernel (``allow_errors: false``, so a failing cell fails the build) and
docs/hooks/labs.py writes the executed notebook beside its page. Here that notebook, the
one readers download, is checked against the lab's source as it is now, so a lab is not
run a second time. The built pages are checked in `tests/test_site.py`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "docs" / "labs").glob("*.py"))

pytest_plugins = ["tests.site_fixtures"]


def load_hook():
    """docs/hooks/labs.py, the build's hook for the labs, as a module."""
    spec = importlib.util.spec_from_file_location("labs_hook", ROOT / "docs" / "hooks" / "labs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_labs():
    assert LABS, "no lab in docs/labs"


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_lab_ran_in_the_build_without_error(site, path):
    notebook = nbformat.read(site / "labs" / path.stem / f"{path.stem}.ipynb", as_version=4)
    source = jupytext.read(path)
    # The served notebook is the lab with, first, the install line (not run) and absolute
    # links in its markdown (docs/hooks/takehome.py): its code is the lab's code.
    install, *code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert install.source.splitlines()[-1].startswith("%pip install ")
    assert [c.source for c in code] == [c.source for c in source.cells if c.cell_type == "code"], (
        "not this lab"
    )
    assert sum(c.cell_type == "markdown" for c in notebook.cells) == sum(
        c.cell_type == "markdown" for c in source.cells
    )
    assert code and all(cell.execution_count for cell in code)
    outputs = [output for cell in code for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    figures = [o for o in outputs if "<svg" in o.get("data", {}).get("text/html", "")]
    assert figures, f"{path.name} draws no figure"


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_lab_is_a_percent_notebook_with_a_title_and_a_python_kernel(path):
    text = path.read_text(encoding="utf8")
    assert "format_name: percent" in text
    notebook = jupytext.reads(text, fmt="py:percent")
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")


def test_every_lab_is_in_the_nav():
    # mkdocs.yml uses !ENV tags, which a safe loader does not know: read the nav only.
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf8")
    nav = yaml.safe_load(text[text.index("nav:") : text.index("\ntheme:")])["nav"]
    labs = next(item["Labs"] for item in nav if "Labs" in item)
    listed = {page for entry in labs for page in entry.values()}
    assert listed == {f"labs/{path.name}" for path in LABS}


def test_hook_removes_the_scripts_nbconvert_would_load_from_elsewhere():
    hook = load_hook()
    page = """<p>kept</p>
    <script src=""> </script>
    <script type="text/x-mathjax-config">init_mathjax = function() {}</script>
    <script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>
    <script type="module">const m = (await import("https://cdn/mermaid.esm.min.mjs"));</script>
    <script src="../../assets/katex/katex.min.js"></script>
    <script>document.addEventListener('clipboard-copy', () => {})</script>"""
    cleaned = hook._FOREIGN_SCRIPTS.sub("", page)
    for gone in ('src=""', "mathjax", "require.min.js", "mermaid"):
        assert gone not in cleaned
    for kept in ("<p>kept</p>", "katex.min.js", "clipboard-copy"):
        assert kept in cleaned


def test_settle_joins_printed_text_the_kernel_flushed_in_pieces():
    """A cell's printed lines may reach the notebook as one stream output or as two (the
    kernel flushes stdout on a timer); the build keeps one, so two builds are identical."""
    hook = load_hook()
    cell = nbformat.v4.new_code_cell("print(1); print(2)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="2\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
        nbformat.v4.new_output("stream", name="stdout", text="3\n"),
    ]
    hook.settle(nbformat.v4.new_notebook(cells=[cell]))
    assert [(o.name, o.text) for o in cell.outputs] == [
        ("stdout", "1\n2\n"),
        ("stderr", "warning\n"),
        ("stdout", "3\n"),
    ]
