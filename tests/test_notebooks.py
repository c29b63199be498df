"""The chapters' notebooks (docs/hooks/notebooks.py): how a chapter becomes cells, and
what the built site offers: executed notebooks that start with the install line, link to
the site, and hold plain questions and no dead widgets.

The build executes every chapter notebook in a fresh kernel and fails if one fails; the
tests here read what it wrote. `tests/test_reach.py` runs every notebook the site offers
again, in a fresh environment with only the site's wheel installed.
"""

from __future__ import annotations

import base64
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
import quiz  # docs/hooks/, on the path by the root conftest.py
import takehome
from mkdocs.config import load_config

pytest_plugins = ["tests.site_fixtures"]

ROOT = Path(__file__).resolve().parents[1]


def _hook(name):
    spec = importlib.util.spec_from_file_location(
        f"{name}_hook", ROOT / "docs" / "hooks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOOK = _hook("notebooks")
CONFIG = load_config(str(ROOT / "mkdocs.yml"))
CHAPTERS = HOOK.chapters(CONFIG.nav)
SITE_URL = CONFIG.site_url  # what the test build uses: SITE_URL if set, else the default


def test_the_chapters_section_is_found():
    assert "derivatives.md" in CHAPTERS


# --- how a chapter becomes cells --------------------------------------------------------------


def test_include_fences_become_markdown_that_shows_the_source():
    text = HOOK.to_markdown(
        '# T\n\n```python\n--8<-- "mvc/derivatives.py:differences"\n```\n', title="T", url="u"
    )
    nb = HOOK.notebook(
        '# T\n\n```python\n--8<-- "mvc/derivatives.py:differences"\n```\n', title="T", url="u"
    )
    assert "fz.imag / step" in text
    assert [c.cell_type for c in nb.cells][-1] == "markdown"


def test_a_question_becomes_a_plain_markdown_cell_with_its_folded_solution():
    nb = HOOK.notebook('# T\n\n--8<-- "docs/quizzes/taylor.md"\n', title="T", url="u")
    questions = [
        c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("**Self-check.**")
    ]
    expected = quiz.keys(_printed(ROOT / "docs" / "quizzes" / "taylor.md"))
    assert len(questions) == len(expected) >= 6
    for cell in questions:
        assert "<details><summary>Answer and worked solution</summary>" in cell.source
        assert "**Answer" in cell.source and "<input" not in cell.source
    assert not any("quiz" in c.source for c in nb.cells if c.cell_type == "code")
    assert not any("--8<--" in c.source for c in nb.cells)


def test_figure_options_become_the_cells_attachments():
    nb = HOOK.notebook(
        "# T\n\n" + _fence(Path("docs/derivatives.md"), "ch1-graph"), title="T", url="u"
    )
    cell = next(c for c in nb.cells if "Self-check." in c.source)
    names = re.findall(r"\]\(attachment:([\w.-]+)\)", cell.source)
    assert names == [f"figure-{i}.svg" for i in range(1, 5)] and set(cell.attachments) == set(names)
    svg = base64.b64decode(cell.attachments["figure-1.svg"]["image/svg+xml"]).decode()
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "<figure" not in cell.source
    nbformat.validate(nb)


def test_a_widget_becomes_a_sentence_linking_to_it_on_the_page():
    source = (ROOT / "docs" / "multivariate.md").read_text(encoding="utf8")
    nb = HOOK.notebook(source, title="T", url="https://example.org/multivariate/")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "data-sandpit" not in code
    sentence = [c.source for c in nb.cells if "is interactive" in c.source]
    assert sentence == [
        "*The Sandpit is interactive: it runs in your browser on [the chapter's page]"
        "(https://example.org/multivariate/#play), not in a notebook.*"
    ]


def test_admonitions_are_dedented_and_their_code_stays_code():
    source = (
        '# T\n\n??? success "Solution"\n\n    Because.\n\n'
        "    ```python\n    print(1)\n    ```\n\nAfter.\n"
    )
    nb = HOOK.notebook(source, title="T", url="u")
    kinds = [(c.cell_type, c.source.strip()) for c in nb.cells[2:]]
    assert kinds == [
        ("markdown", "**Solution**\n\nBecause."),
        ("code", "print(1)"),
        ("markdown", "After."),
    ]


def _fence(path: Path, key: str) -> str:
    """The fence of `path` that asks the question `key`, as markdown."""
    text = (ROOT / path).read_text(encoding="utf8")
    fences = re.findall(r'^```python exec="on" html="1"\n.*?^```$', text, re.S | re.M)
    return next(f for f in fences if f'"{key}"' in f)


def _printed(path: Path) -> str:
    """What the question fences of `path` print on the site (HTML)."""
    import contextlib
    import io

    printed = io.StringIO()
    for code in re.findall(
        r'^```python exec="on" html="1"\n(.*?)^```', path.read_text(encoding="utf8"), re.S | re.M
    ):
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(path), "exec"), {"__name__": "__quiz__"})
    return printed.getvalue()


# --- the built notebooks ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(site):
    return {
        chapter: nbformat.read(site / HOOK.notebook_uri(chapter), as_version=4)
        for chapter in CHAPTERS
    }


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_notebook_was_executed_at_build_and_starts_with_the_install_line(
    built, site, chapter
):
    nb = built[chapter]
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source.splitlines()[-1] == "%" + takehome.install_command(SITE_URL)
    assert not code[0].outputs and code[0].execution_count is None  # run by the reader only
    assert [c.execution_count for c in code[1:]] == list(range(1, len(code)))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    figures = [c for c in code if c.source.startswith("%%figure")]
    assert all(
        o.output_type == "display_data" and "<svg" in o.data["text/html"]
        for c in figures
        for o in c.outputs
    ) and all(c.outputs for c in figures)
    assert (site / takehome.DOWNLOAD / takehome.wheel_name()).is_file()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_notebook_links_only_to_addresses_on_the_site(built, chapter):
    text = "\n".join(c.source for c in built[chapter].cells if c.cell_type == "markdown")
    targets = re.findall(r"\]\(([^)\s]+)\)|href=\"([^\"]+)\"", text)
    targets = [a or b for a, b in targets]
    assert targets  # at least the link to the chapter's own page
    for target in targets:
        assert target.startswith((SITE_URL, "attachment:", "https://", "http://")), target
        assert ".md" not in target and "../" not in target, target
    own = [t for t in targets if t.startswith(SITE_URL)]
    assert own and all(t.split("#")[0].endswith("/") for t in own), own


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_notebook_has_plain_questions_and_no_dead_widgets(built, site, chapter):
    nb = built[chapter]
    page = (site / Path(chapter).with_suffix("") / "index.html").read_text(encoding="utf8")
    questions = [
        c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("**Self-check.**")
    ]
    assert len(questions) == len(quiz.keys(page)) >= 6
    everything = nbformat.writes(nb)
    for dead in (
        'type=\\"radio\\"',
        "<input",
        "import quiz",
        "data-sandpit",
        "taylor-explorer",
        "data-key",
    ):
        assert dead not in everything, dead
