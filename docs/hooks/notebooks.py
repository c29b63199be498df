"""MkDocs hook: every chapter as a Jupyter notebook, made at build time from its own source.

A chapter's prose becomes markdown cells and its ``python`` fences become code cells, in
order, through jupytext, so the notebook is the chapter, not a copy that can drift:

- admonitions and collapsible blocks (``!!!``, ``???``) become a bold title over their
  dedented body, so the solutions' code cells stay code cells;
- a figure fence (``html="1"``) prints an SVG figure; its cell starts with the
  ``%%figure`` magic that the notebook's first cell defines, which shows that SVG as a
  picture instead of as text;
- a fence that includes package source (``--8<-- "mvc/module.py:section"``) is shown as
  that source in a markdown code block, since the excerpt is not runnable on its own;
- a line that includes a markdown file (``--8<-- "docs/quizzes/taylor.md"``, a chapter's
  self-check questions) is replaced by that file, so its fences become cells too. A
  question cell shows the question and its solution as static HTML (no checking
  without the site's JavaScript).

The chapters are the pages of the nav's "Chapters" section. Each gets
``<chapter>.ipynb`` beside its page and a download button under its title.
`tests/test_notebooks.py` runs every generated notebook in a fresh kernel.
"""

from __future__ import annotations

import posixpath
import re
import textwrap
from pathlib import Path

import jupytext
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[2]
SECTION = "Chapters"
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<mark>`{3,}|~{3,})\s*(?P<info>.*)$")
_PYTHON = re.compile(r"^\{?\s*\.?(python|py|python3)(\s|\}|$)")
_ADMONITION = re.compile(r'^(?P<indent>\s*)(?:!!!|\?\?\?\+?)\s*(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$')
_INCLUDE = re.compile(r'^--8<-- "(?P<file>[^":]+)(?::(?P<section>[\w-]+))?"$')
# A whole markdown file included into a chapter (its self-check questions, docs/quizzes/).
_MD_INCLUDE = re.compile(r'^--8<-- "([^":]+\.md)"$', re.M)

SETUP = '''\
# Figure cells print an SVG (that is how the site embeds them); this magic shows it.
import contextlib
import io

from IPython.core.magic import register_cell_magic
from IPython.display import HTML, display


@register_cell_magic
def figure(line, cell):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(cell, get_ipython().user_ns)
    display(HTML(printed.getvalue()))
'''


def chapters(nav) -> list[str]:
    """The markdown files of the nav's chapters section."""
    for entry in nav or []:
        if isinstance(entry, dict) and SECTION in entry:
            return [next(iter(item.values())) if isinstance(item, dict) else item
                    for item in entry[SECTION]]
    return []


def _included(code: str) -> str | None:
    lines = [line.strip() for line in code.strip().splitlines()]
    matches = [_INCLUDE.match(line) for line in lines]
    if not lines or not all(matches):
        return None
    pieces = []
    for match in matches:
        text = (ROOT / match["file"]).read_text(encoding="utf8")
        if match["section"]:
            name = re.escape(match["section"])
            found = re.search(rf"--8<-- \[start:{name}\]\n(.*?)\n[^\n]*--8<-- \[end:{name}\]", text, re.S)
            if found is None:
                raise LookupError(f"{match['file']} has no snippet section {match['section']!r}")
            text = found[1]
        pieces.append(textwrap.dedent(text))
    return "\n".join(pieces)


def to_markdown(source: str, *, title: str, url: str) -> str:
    """A chapter's markdown rewritten in jupytext's markdown notebook format."""
    source = _MD_INCLUDE.sub(lambda m: (ROOT / m[1]).read_text(encoding="utf8"), source)
    lines = source.splitlines()
    if lines and lines[0].strip() == "---":  # front matter
        end = lines.index("---", 1)
        lines = lines[end + 1:]
    out = [
        f"# {title}",
        "",
        f"This notebook is the chapter [{title}]({url}), made from the page's own source "
        "when the site was built. It needs the course's package: `pip install` the "
        "project's repository (it provides `mvc`), or run it from a clone after `make serve`.",
        "",
        "```python",
        SETUP.rstrip(),
        "```",
        "",
    ]
    indents: list[int] = []  # body indents of the admonitions we are in
    fence = None  # (mark, indent, kind, code lines)
    fence_info = ""
    skipped_title = False
    for line in lines:
        if fence is not None:
            match = _FENCE.match(line)
            mark, indent, kind, body = fence
            if match and match["mark"][0] == mark[0] and len(match["mark"]) >= len(mark) \
                    and not match["info"].strip():
                code = textwrap.dedent("\n".join(body)).strip("\n")
                if kind == "markdown":
                    out += ["<!-- #region -->", f"```{fence_info}", code, "```", "<!-- #endregion -->"]
                else:
                    included = _included(code)
                    if included is not None:  # a markdown cell that shows code
                        out += ["<!-- #region -->", "```python", included.rstrip(), "```",
                                "<!-- #endregion -->"]
                    elif kind == "figure":
                        out += ["```python", "%%figure", code, "```"]
                    else:
                        out += ["```python", code, "```"]
                    out.append("")
                fence = None
            else:
                body.append(line[indent:] if line[:indent].strip() == "" else line)
            continue
        stripped = line.strip()
        width = len(line) - len(line.lstrip())
        while indents and stripped and width < indents[-1]:
            indents.pop()
        depth = indents[-1] if indents else 0
        text = line[depth:] if line[:depth].strip() == "" else line.lstrip()
        match = _FENCE.match(line)
        if match:
            info = match["info"].strip()
            if _PYTHON.match(info):
                kind = "figure" if re.search(r'html="(1|on|true|yes)"', info) else "code"
                fence = (match["mark"], len(match["indent"]), kind, [])
                fence_info = ""
            else:
                fence = (match["mark"], len(match["indent"]), "markdown", [])
                fence_info = info
            continue
        admonition = _ADMONITION.match(line)
        if admonition:
            heading = admonition["title"] or admonition["kind"].capitalize()
            out += [f"**{heading}**", ""]
            indents.append(len(admonition["indent"]) + 4)
            continue
        if not skipped_title and text.startswith("# "):
            skipped_title = True  # the notebook has its own title cell
            continue
        out.append(text)
    # jupytext starts a new markdown cell after two blank lines; keep the prose together.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)) + "\n"


def notebook(source: str, *, title: str, url: str):
    """The chapter as an nbformat notebook (no outputs), with a Python 3 kernel."""
    nb = jupytext.reads(to_markdown(source, title=title, url=url), fmt="md")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata.pop("jupytext", None)
    for number, cell in enumerate(nb.cells):  # nbformat's ids are random: builds must repeat
        cell.id = f"cell-{number}"
    return nb


def _title(source: str) -> str:
    found = re.search(r"^# (.+)$", source, re.M)
    return found[1].strip() if found else "Chapter"


def on_files(files, config):
    for src_uri in chapters(config.nav):
        page = files.get_file_from_path(src_uri)
        if page is None:
            continue
        source = Path(page.abs_src_path).read_text(encoding="utf8")
        url = config.site_url.rstrip("/") + "/" + page.url if config.site_url else page.url
        nb = notebook(source, title=_title(source), url=url)
        name = posixpath.splitext(src_uri)[0] + ".ipynb"
        files.append(File.generated(config, name, content=jupytext.writes(nb, fmt="ipynb")))
    return files


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri not in chapters(config.nav):
        return markdown
    name = posixpath.basename(posixpath.splitext(page.file.src_uri)[0]) + ".ipynb"
    button = (f'[Download this chapter as a notebook]({name}){{ .md-button download="{name}" '
              'title="Every code block of this page, in order, as a Jupyter notebook" }')
    return re.sub(r"^(# .+\n)", lambda m: m[1] + "\n" + button + "\n", markdown, count=1, flags=re.M)
