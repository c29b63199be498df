"""MkDocs hook: the labs, `docs/labs/*.py`, as pages and as real notebooks to download.

A lab is a jupytext percent-format notebook. mkdocs-jupyter (configured in
`mkdocs.yml`) executes it and renders it as a page; this hook does the rest:

- **A real notebook.** mkdocs-jupyter's own "download" would copy the `.py`. Here the
  notebook mkdocs-jupyter has just executed for the page is kept and written next to the
  page as `<name>.ipynb`, outputs and figures included, so it opens in Jupyter exactly
  as the page shows it, and the lab runs once per build. (nbconvert runs mkdocs-jupyter's
  own `SubCell` preprocessor after executing, so a wrapper around it sees the executed
  notebook. Should that ever see nothing, say with `execute: false`, the lab is
  executed here instead, with jupytext and nbclient in a fresh kernel.) A lab that fails
  to run fails the build.
- **Ready to run at home.** The downloaded notebook's first code cell installs the
  course's package from the site, and its links are absolute addresses on the site
  (docs/hooks/takehome.py): a lab's markdown links to a chapter as the site's address
  relative to the lab's page (``../../chain-rule/``), which would lead nowhere from a
  notebook on the reader's disk.
- **A download area** under the page's title, as on a chapter: the notebook and the
  install line.
- **A page like a chapter.** nbconvert writes a notebook as JupyterLab markup: cells in
  nested wrappers, "In [n]:" prompts, a copy button of its own with a hidden copy of
  each cell's code, and about 600 KB of notebook CSS. `plain` rewrites it as the
  theme's own markup (markdown as it is, code cells as the chapters' code blocks,
  printed output as their output blocks, figures as figures), so a lab looks like a
  chapter, needs no notebook CSS, and the search index gets each heading's section
  with its code once, without prompts or "Copied!".
- **Nothing from a CDN.** nbconvert's template writes a MathJax loader (with an empty
  address, since mkdocs.yml sets none), its configuration and a Mermaid loader into
  every notebook page. The site typesets math with KaTeX at build time (the notebook's
  `$...$` too, docs/hooks/katex.py), so these scripts are removed.
- **A cache, for `make serve` only.** With ``$MVC_EXEC_CACHE`` set (docs/hooks/exec_cache.py),
  a lab executed once is not executed again while its cells and everything it can read
  are unchanged, so editing a chapter does not rerun the labs.

`tests/test_labs.py` checks the executed notebooks against the labs' sources, and
`tests/test_site.py` checks the built pages and notebooks.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import logging
import re
import time
from functools import cache
from pathlib import Path

import jupytext
import nbformat
import takehome
from bs4 import BeautifulSoup, Comment  # nbconvert's own dependency
from mkdocs.exceptions import PluginError
from mkdocs_jupyter.preprocessors import SubCell
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, ExecutePreprocessor

LABS = "labs/"
TIMEOUT = 300  # seconds per cell; a lab's cells run in seconds
log = logging.getLogger("mkdocs.hooks.labs")

# Scripts that nbconvert's templates put into a notebook page and that would load code
# from elsewhere: the MathJax loader and its configuration, the Mermaid loader,
# RequireJS.
_FOREIGN_SCRIPTS = re.compile(
    r"<script\b[^>]*\bsrc=\"(?:https?:)?//[^\"]*\"[^>]*>\s*</script>"  # any outside script
    r"|<script\b[^>]*\bsrc=\"\"[^>]*>\s*</script>"  # MathJax, with an empty address
    r"|<script type=\"text/x-mathjax-config\">.*?</script>"
    r"|<script type=\"module\">(?:(?!</script>).)*?mermaid.*?</script>",
    re.S,
)


_executed: list[nbformat.NotebookNode] = []  # what mkdocs-jupyter executed, page by page
_notebooks: dict[str, nbformat.NotebookNode] = {}  # lab source path -> executed notebook


def _keeping_executed(preprocess):
    """`SubCell.preprocess`, also keeping the notebook it returns (executed by then)."""

    def wrapper(self, nb, resources):
        nb, resources = preprocess(self, nb, resources)
        settle(nb)
        _executed.append(nb)
        return nb, resources

    wrapper.original = preprocess
    return wrapper


def settle(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook the same on every build: numbered cell ids instead of
    jupytext's random ones, no execution timestamps in the cells' metadata, and each run of
    printed text as one output (the kernel flushes stdout on a timer, so a cell that prints
    several lines may arrive in one piece or in two, depending on how fast it ran)."""
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"
        cell.metadata.pop("execution", None)
        _coalesce.preprocess_cell(cell, {}, number)
    return notebook


# nbconvert's own merger of consecutive stream outputs. Its exporters list it before the
# ExecutePreprocessor, so it never sees the outputs; settle applies it after execution.
_coalesce = CoalesceStreamsPreprocessor()


def is_lab(page) -> bool:
    """Whether `page` is a lab notebook page."""
    uri = page.file.src_uri
    return uri.startswith(LABS) and uri.endswith(".py")


def notebook_name(page) -> str:
    """The file name of a lab's downloadable notebook: `backpropagation.ipynb`."""
    return Path(page.file.src_uri).with_suffix(".ipynb").name


def execute(path: Path) -> nbformat.NotebookNode:
    """The lab at `path` (jupytext percent format), executed in a fresh kernel (or, under
    `make serve`, taken from its cache when the lab and all it reads are unchanged)."""
    notebook = jupytext.read(path)
    cached = _cached(notebook)
    if cached is not None and cached.is_file():
        notebook.cells = nbformat.read(cached, as_version=4).cells
        return settle(notebook)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    _keep(notebook, cached)
    return settle(notebook)


def has_outputs(notebook: nbformat.NotebookNode) -> bool:
    """Whether every code cell of `notebook` has been executed."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return bool(code) and all(cell.get("execution_count") for cell in code)


def _served_from_cache(preprocess):
    """nbconvert's `ExecutePreprocessor.preprocess`, through the cache of `make serve`."""

    def wrapper(self, nb, resources=None, km=None):
        cached = _cached(nb)
        if cached is not None and cached.is_file():
            nb.cells = nbformat.read(cached, as_version=4).cells
            return nb, resources
        nb, resources = preprocess(self, nb, resources, km)
        _keep(nb, cached)
        return nb, resources

    wrapper.original = preprocess
    return wrapper


def _cached(notebook) -> Path | None:
    """Where `make serve` caches the execution of `notebook`'s cells, or None (no cache)."""
    cells = json.dumps([[cell.cell_type, cell.source] for cell in notebook.cells])
    return _exec_cache().entry("labs", hashlib.sha256(cells.encode()).hexdigest(), ".ipynb")


def _keep(notebook, cached: Path | None) -> None:
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, cached)


@cache  # once per build: MkDocs loads this hook afresh for each
def _exec_cache():
    """docs/hooks/exec_cache.py (hooks are loaded from their files, not as a package)."""
    spec = importlib.util.spec_from_file_location(
        "exec_cache", Path(__file__).with_name("exec_cache.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_config(config):
    original = getattr(SubCell.preprocess, "original", SubCell.preprocess)  # once, on reloads
    SubCell.preprocess = _keeping_executed(original)
    execute = ExecutePreprocessor.preprocess
    ExecutePreprocessor.preprocess = _served_from_cache(getattr(execute, "original", execute))
    return config


def on_pre_build(config) -> None:
    _executed.clear()
    _notebooks.clear()


_files = {"files": None}


def on_files(files, config):
    _files["files"] = files
    return files


_started: dict[str, float] = {}  # lab source path -> when its page began to render


def on_pre_page(page, config, files):
    if is_lab(page):
        _started[page.file.abs_src_path] = time.perf_counter()
    return page


def on_page_content(html: str, page, config, files) -> str:
    if not is_lab(page):
        _executed.clear()
        return html
    seconds = time.perf_counter() - _started.pop(page.file.abs_src_path, time.perf_counter())
    log.info("labs: %s executed and rendered in %.1f s", page.file.src_uri, seconds)
    if _executed and has_outputs(_executed[-1]):
        _notebooks[page.file.abs_src_path] = _executed[-1]
    _executed.clear()
    name = notebook_name(page)
    link = takehome.download_area(what="lab", href=name, name=name, site_url=config.site_url)
    html = plain(html)
    end = html.find("</h1>")
    cut = html.find(">", end) + 1 if end >= 0 else 0
    return html[:cut] + link + html[cut:]


def plain(html: str) -> str:
    """A notebook page (nbconvert's JupyterLab markup) as the theme's own markup."""
    soup = BeautifulSoup(_FOREIGN_SCRIPTS.sub("", html), "html.parser")
    notebook_only = soup.select(
        ".zeroclipboard-container, .clipboard-copy-txt, .jp-InputPrompt, .jp-OutputPrompt"
    )
    for node in soup.find_all(["script", "style"], recursive=False) + notebook_only:
        node.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    for code in soup.select("div.highlight-ipynb"):
        _code_block(soup, code, "python")
    for output in soup.select(".jp-OutputArea-output:has(> pre)"):
        _code_block(soup, output, "text")
    for link in soup.select("a.anchor-link"):
        link.attrs = {"class": "headerlink", "href": link["href"], "title": "Permanent link"}
    for wrapper in soup.select('[class*="jp-"], .jupyter-wrapper, .CodeMirror'):
        wrapper.unwrap()
    return str(soup)


def _code_block(soup, node, language: str) -> None:
    """Replace `node`, which holds a ``pre``, with a code block as markdown writes it."""
    pre = node.pre
    code = soup.new_tag("code")
    code.extend(list(pre.contents))
    pre.clear()
    pre.extend([soup.new_tag("span"), code])
    block = soup.new_tag("div", attrs={"class": f"language-{language} highlight"})
    block.append(pre)
    node.replace_with(block)


def on_post_page(output: str, page, config) -> str:
    return _FOREIGN_SCRIPTS.sub("", output) if is_lab(page) else output


def on_post_build(config) -> None:
    for path in sorted((Path(config.docs_dir) / LABS).glob("*.py")):
        notebook = _notebooks.get(str(path))
        if notebook is None:
            start = time.perf_counter()
            try:
                notebook = execute(path)
            except CellExecutionError as error:
                raise PluginError(f"The lab {path.name} failed to run:\n{error}") from None
            log.info("labs: executed %s in %.1f s", path.name, time.perf_counter() - start)
        src_uri = LABS + path.name
        page = _files["files"].get_file_from_path(src_uri)
        resolve = takehome.site_resolver(config.site_url, page.url, src_uri, _files["files"])
        notebook = takehome.take_home(
            copy.deepcopy(notebook), site_url=config.site_url, resolve=resolve
        )
        target = Path(config.site_dir) / LABS / path.stem / f"{path.stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
