"""MkDocs hook: every chapter as a Jupyter notebook, made at build time from its own source,
executed, and ready to run at home.

A chapter's prose becomes markdown cells and its ``python`` fences become code cells, in
order, through jupytext, so the notebook is the chapter, not a copy that can drift:

- admonitions and collapsible blocks (``!!!``, ``???``) become a bold title over their
  dedented body, so the solutions' code cells stay code cells;
- a figure fence (``html="1"``) prints an SVG figure; its cell starts with the
  ``%%figure`` magic that the notebook's setup cell defines, which shows that SVG as a
  picture instead of as text;
- a fence that includes package source (``--8<-- "mvc/module.py:section"``) is shown as
  that source in a markdown code block, since the excerpt is not runnable on its own;
- a line that includes a markdown file (``--8<-- "docs/quizzes/taylor.md"``, a chapter's
  self-check questions) is replaced by that file, so its fences become cells too;
- a self-check question (a fence that uses the site's ``quiz`` module) is run here, in
  ``quiz.plain()``, and becomes a markdown cell: the question, its options (figures as
  the cell's attachments), and the answer with its worked solution folded. No inputs, and
  no code that needs the site;
- an interactive widget (the Sandpit, the Taylor-series explorer) runs only in the
  browser: its fence becomes a sentence with a link to it on the chapter's page.

Then (docs/hooks/takehome.py) every link becomes an absolute address on the site and the
first code cell installs the course's package from the site. The chapters are the pages
of the nav's "Chapters" section. Each notebook is executed in a fresh kernel while the
site builds (without its install cell, which needs the published site), keeps its
outputs, and is written as ``<chapter>.ipynb`` beside the page, under a download area
with the install line. A chapter whose notebook fails to run fails the build.
`tests/test_notebooks.py` checks the notebooks of the built site.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import copy
import hashlib
import html
import io
import logging
import posixpath
import re
import tempfile
import textwrap
import time
from pathlib import Path

import jupytext
import nbformat
import quiz
import takehome
from markdown.extensions.toc import slugify
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

ROOT = Path(__file__).resolve().parents[2]
SECTION = "Chapters"
TIMEOUT = 300  # seconds per cell
log = logging.getLogger("mkdocs.hooks.notebooks")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<mark>`{3,}|~{3,})\s*(?P<info>.*)$")
_PYTHON = re.compile(r"^\{?\s*\.?(python|py|python3)(\s|\}|$)")
_ADMONITION = re.compile(
    r'^(?P<indent>\s*)(?:!!!|\?\?\?\+?)\s*(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$'
)
_INCLUDE = re.compile(r'^--8<-- "(?P<file>[^":]+)(?::(?P<section>[\w-]+))?"$')
# A whole markdown file included into a chapter (its self-check questions, docs/quizzes/).
_MD_INCLUDE = re.compile(r'^--8<-- "([^":]+\.md)"$', re.M)
_HEADING = re.compile(r"^#{2,6}\s+(.+?)\s*#*$")
_QUIZ = re.compile(r"^import quiz$", re.M)
#: Widgets that run only in the browser, by a mark their fence prints, and their names.
WIDGETS = {"data-sandpit": "The Sandpit", "taylor-explorer": "The Taylor-series explorer"}
_FIGURE = re.compile(
    r'<figure class="mvc-figure">\s*(<svg.*?</svg>)\s*'
    r"<figcaption>(.*?)</figcaption>\s*</figure>",
    re.S,
)

SETUP = """\
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
"""


def chapters(nav) -> list[str]:
    """The markdown files of the nav's chapters section."""
    for entry in nav or []:
        if isinstance(entry, dict) and SECTION in entry:
            return [
                next(iter(item.values())) if isinstance(item, dict) else item
                for item in entry[SECTION]
            ]
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
            found = re.search(
                rf"--8<-- \[start:{name}\]\n(.*?)\n[^\n]*--8<-- \[end:{name}\]", text, re.S
            )
            if found is None:
                raise LookupError(f"{match['file']} has no snippet section {match['section']!r}")
            text = found[1]
        pieces.append(textwrap.dedent(text))
    return "\n".join(pieces)


def plain_question(code: str) -> str:
    """What a question fence prints in ``quiz.plain()``: the question as markdown."""
    printed = io.StringIO()
    with quiz.plain(), contextlib.redirect_stdout(printed):
        exec(compile(code, "<question>", "exec"), {"__name__": "__question__"})
    return printed.getvalue().strip()


def _region(text: str) -> list[str]:
    """`text` as one markdown cell, however many blank lines it holds."""
    return ["<!-- #region -->", text, "<!-- #endregion -->", ""]


def _fence_cell(kind: str, code: str, info: str, *, url: str, anchor: str) -> list[str]:
    """The lines of jupytext markdown for one fence of the chapter."""
    if kind == "markdown":
        return _region(f"```{info}\n{code}\n```")
    included = _included(code)
    if included is not None:  # a markdown cell that shows code
        return _region(f"```python\n{included.rstrip()}\n```")
    widget = next((name for mark, name in WIDGETS.items() if mark in code), None)
    if kind == "figure" and widget:
        link = f"{url}#{anchor}" if anchor else url
        return _region(
            f"*{widget} is interactive: it runs in your browser on "
            f"[the chapter's page]({link}), not in a notebook.*"
        )
    if kind == "figure" and _QUIZ.search(code):
        return _region(plain_question(code))
    return ["```python", *(["%%figure"] if kind == "figure" else []), code, "```", ""]


def to_markdown(source: str, *, title: str, url: str) -> str:
    """A chapter's markdown rewritten in jupytext's markdown notebook format."""
    source = _MD_INCLUDE.sub(lambda m: (ROOT / m[1]).read_text(encoding="utf8"), source)
    lines = source.splitlines()
    if lines and lines[0].strip() == "---":  # front matter
        lines = lines[lines.index("---", 1) + 1 :]
    out = [
        f"# {title}",
        "",
        f"This notebook is the chapter [{title}]({url}), made from the page's own source when "
        "the site was built, with the outputs the build computed. Its first code cell installs "
        "the course's package, `mvc`, from the site, with everything the chapter uses.",
        "",
        "```python",
        SETUP.rstrip(),
        "```",
        "",
    ]
    indents: list[int] = []  # body indents of the admonitions we are in
    fence = None  # (mark, indent, kind, info, code lines)
    anchor, skipped_title = "", False
    for line in lines:
        if fence is not None:
            mark, indent, kind, info, body = fence
            match = _FENCE.match(line)
            if (
                match
                and match["mark"][0] == mark[0]
                and len(match["mark"]) >= len(mark)
                and not match["info"].strip()
            ):
                code = textwrap.dedent("\n".join(body)).strip("\n")
                out += _fence_cell(kind, code, info, url=url, anchor=anchor)
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
            kind = (
                ("figure" if re.search(r'html="(1|on|true|yes)"', info) else "code")
                if _PYTHON.match(info)
                else "markdown"
            )
            fence = (match["mark"], len(match["indent"]), kind, info, [])
            continue
        admonition = _ADMONITION.match(line)
        if admonition:
            out += [f"**{admonition['title'] or admonition['kind'].capitalize()}**", ""]
            indents.append(len(admonition["indent"]) + 4)
            continue
        if not skipped_title and text.startswith("# "):
            skipped_title = True  # the notebook has its own title cell
            continue
        heading = _HEADING.match(text)
        if heading:
            anchor = slugify(re.sub(r"<[^>]+>", "", heading[1]), "-")
        out.append(text)
    # jupytext starts a new markdown cell after two blank lines; keep the prose together.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)) + "\n"


def attach_figures(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Figures written into markdown cells (a question's options) become the cells'
    attachments, shown as images: Jupyter does not render inline SVG in markdown."""
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "mvc-figure" not in cell.source:
            continue
        attachments = {}

        def attach(match, attachments=attachments):
            name = f"figure-{len(attachments) + 1}.svg"
            svg = base64.b64encode(match[1].encode()).decode("ascii")
            attachments[name] = {"image/svg+xml": svg}
            caption = html.unescape(match[2])
            return f"![{caption}](attachment:{name})\n\n*{caption}*"

        cell.source = _FIGURE.sub(attach, cell.source)
        cell.attachments = attachments
    return nb


def notebook(source: str, *, title: str, url: str):
    """The chapter as an nbformat notebook (no outputs, no install cell), Python 3 kernel."""
    nb = jupytext.reads(to_markdown(source, title=title, url=url), fmt="md")
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata.pop("jupytext", None)
    attach_figures(nb)
    for number, cell in enumerate(nb.cells):  # nbformat's ids are random: builds must repeat
        cell.id = f"cell-{number}"
    return nb


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """`nb` run top to bottom in a fresh kernel, in an empty folder, as a reader would."""
    nb = copy.deepcopy(nb)
    with tempfile.TemporaryDirectory(prefix="mvc-notebook-") as folder:
        NotebookClient(
            nb, timeout=TIMEOUT, kernel_name="python3", resources={"metadata": {"path": folder}}
        ).execute()
    for number, cell in enumerate(nb.cells):  # two builds give the same file:
        cell.metadata.pop("execution", None)  # no timestamps, and printed text in one piece
        _coalesce.preprocess_cell(cell, {}, number)  # however the kernel flushed it
    return nb


# nbconvert's merger of consecutive stream outputs, as docs/hooks/labs.py uses it.
_coalesce = CoalesceStreamsPreprocessor()


def _title(source: str) -> str:
    found = re.search(r"^# (.+)$", source, re.M)
    return found[1].strip() if found else "Chapter"


def notebook_uri(src_uri: str) -> str:
    return posixpath.splitext(src_uri)[0] + ".ipynb"


# --- the build: notebooks made in on_files, run beside the build, written at its end -------

_pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="chapter-notebooks")
_runs: dict[str, concurrent.futures.Future] = {}  # chapter -> its notebook, executed
_done: dict[str, nbformat.NotebookNode] = {}  # notebook's and mvc's hash -> executed notebook
_command = {"name": "build"}


def on_startup(command, dirty):
    _command["name"] = command


def _key(nb) -> str:
    digest = hashlib.sha256(nbformat.writes(nb).encode())
    for path in sorted((ROOT / "mvc").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _run(nb):
    key = _key(nb)
    if key not in _done:
        start = time.perf_counter()
        _done[key] = execute(nb)
        log.info(
            "notebooks: %s executed in %.1f s",
            nb.cells[0].source.splitlines()[0][2:],
            time.perf_counter() - start,
        )
    return _done[key]


def on_files(files, config):
    _runs.clear()
    _files["files"] = files
    for src_uri in chapters(config.nav):
        page = files.get_file_from_path(src_uri)
        if page is None:
            continue
        source = Path(page.abs_src_path).read_text(encoding="utf8")
        url = takehome.site_resolver(config.site_url, page.url, src_uri)("")
        _runs[src_uri] = _pool.submit(_run, notebook(source, title=_title(source), url=url))
    return files


_files = {"files": None}


def _write(config, src_uri, nb) -> None:
    files = _files["files"]
    page = files.get_file_from_path(src_uri)
    resolve = takehome.site_resolver(config.site_url, page.url, src_uri, files)
    nb = takehome.take_home(copy.deepcopy(nb), site_url=config.site_url, resolve=resolve)
    target = Path(config.site_dir) / notebook_uri(src_uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(jupytext.writes(nb, fmt="ipynb"), encoding="utf8")


def on_post_build(config) -> None:
    """Write the executed notebooks. `mkdocs build` waits for them and fails if one fails;
    `mkdocs serve` writes each when it is ready, so an edit shows without waiting."""
    for src_uri, run in _runs.items():
        if _command["name"] == "serve":
            run.add_done_callback(lambda done, uri=src_uri: _finish_later(config, uri, done))
            continue
        try:
            _write(config, src_uri, run.result())
        except CellExecutionError as error:
            raise PluginError(f"The notebook of {src_uri} failed to run:\n{error}") from None


def _finish_later(config, src_uri, done) -> None:
    try:
        _write(config, src_uri, done.result())
    except CellExecutionError as error:
        log.error("The notebook of %s failed to run:\n%s", src_uri, error)


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri not in chapters(config.nav):
        return markdown
    name = notebook_uri(page.file.src_uri)
    area = takehome.download_area(
        what="chapter",
        href=get_relative_url(name, page.url),
        name=posixpath.basename(name),
        site_url=config.site_url,
    )
    return re.sub(r"^(# .+\n)", lambda m: m[1] + "\n" + area + "\n", markdown, count=1, flags=re.M)
