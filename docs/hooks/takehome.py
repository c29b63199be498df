"""What a reader takes home: the course's package as a wheel, its one install line, and
notebooks that run after it. Shared by the hooks (download.py, notebooks.py, labs.py);
not a hook itself.

- **The wheel.** `build_wheel` builds the package's wheel from this checkout with
  setuptools (the build backend pyproject.toml names, without isolation, so it uses only
  what the lock pins), in a copy of the files a wheel needs, so the checkout stays clean.
  The project's URLs are filled in from the site's config (``site_url``, ``repo_url``),
  which the GitHub Pages workflow sets; the zip's dates come from ``SOURCE_DATE_EPOCH``
  (the Makefile sets it to the last commit's time), so two builds give the same bytes.
- **The install line.** `install_command` is the one command every page gives:
  ``pip install "<name>[course] @ <site_url>download/<wheel>"``. A direct reference to
  the site's own wheel, not a package index, so pip cannot take another project's
  package of the same name from PyPI instead.
- **Notebooks.** `take_home` gives a notebook its install cell (first code cell) and
  makes its links absolute addresses on the site.
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import urllib.parse
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
DOWNLOAD = "download/"
#: What a wheel is built from, relative to the repository.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-TEXT", "mvc")
#: The zip's dates when SOURCE_DATE_EPOCH is not set: 1980-01-01, the earliest a zip holds.
EPOCH = "315532800"


def project() -> tuple[str, str]:
    """The distribution's name and version, from pyproject.toml."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf8"))["project"]
    return meta["name"], meta["version"]


def wheel_name() -> str:
    """The wheel's file name (PEP 427: the name with dashes as underscores)."""
    name, version = project()
    return f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}-py3-none-any.whl"


def wheel_url(site_url: str | None) -> str:
    """The wheel's address on the site (a relative one if the site has no address)."""
    return (
        (site_url or "").rstrip("/") + "/" + DOWNLOAD + wheel_name()
        if site_url
        else DOWNLOAD + wheel_name()
    )


def install_command(site_url: str | None) -> str:
    """``pip install "<name>[course] @ <wheel's address>"``: the package and all the course uses."""
    return f'pip install "{project()[0]}[course] @ {wheel_url(site_url)}"'


_wheels: dict[str, bytes] = {}  # inputs' hash -> wheel, so `mkdocs serve` rebuilds only on change


def build_wheel(site_url: str | None, repo_url: str | None) -> bytes:
    """The package's wheel, built from the checkout; the same inputs give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or EPOCH
    urls = {"Homepage": site_url, "Documentation": site_url, "Source": repo_url}
    urls = {k: v for k, v in urls.items() if v}
    digest = hashlib.sha256(repr((epoch, sorted(urls.items()))).encode())
    for path in _files():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    key = digest.hexdigest()
    if key not in _wheels:
        _wheels.clear()
        _wheels[key] = _build(urls, epoch)
    return _wheels[key]


def _files() -> list[Path]:
    found = []
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
        else:
            found.append(path)
    return found


def _build(urls: dict[str, str], epoch: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="mvc-wheel-") as folder:
        source, out = Path(folder) / "source", Path(folder) / "dist"
        for path in _files():
            target = source / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        if urls:
            table = "\n".join(f'{name} = "{url}"' for name, url in urls.items())
            with (source / "pyproject.toml").open("a", encoding="utf8") as file:
                file.write(f"\n[project.urls]\n{table}\n")
        backend = (
            "import sys; from setuptools import build_meta as b; print(b.build_wheel(sys.argv[1]))"
        )
        run = subprocess.run(
            [sys.executable, "-c", backend, str(out)],
            cwd=source,
            env=os.environ | {"SOURCE_DATE_EPOCH": epoch},
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise RuntimeError(f"Building the wheel failed:\n{run.stderr[-3000:]}")
        built = run.stdout.strip().splitlines()[-1]
        if built != wheel_name():
            raise RuntimeError(f"The wheel is named {built}, not {wheel_name()} as the pages say.")
        return (out / built).read_bytes()


# --- what pages show -----------------------------------------------------------------------


def install_block(site_url: str | None) -> str:
    """The install line as a code block (HTML), with the theme's copy button."""
    return (
        '<div class="mvc-install language-sh highlight"><pre><span></span><code>'
        f"{html.escape(install_command(site_url), quote=False)}</code></pre></div>"
    )


def download_area(*, what: str, href: str, name: str, site_url: str | None) -> str:
    """The block under a chapter's or a lab's title: its notebook, and the install line."""
    return (
        '<div class="mvc-download">\n'
        f'<p><a class="md-button" href="{html.escape(href)}" download title="Every code block '
        f'of this {what}, in order, with its outputs, as a Jupyter notebook">Download this '
        f"{what} as a notebook ({html.escape(name)})</a></p>\n"
        f"<p>To run it, or any code block of this {what}, on your own computer (Python 3.11 or "
        "later), install the course's package <code>mvc</code> with everything the course uses; "
        "the notebook's first cell does the same:</p>\n"
        f"{install_block(site_url)}\n</div>\n"
    )


# --- notebooks -----------------------------------------------------------------------------

_LINK = re.compile(r"(\]\(|\bhref=\")([^)\"\s]+)")


def absolute_links(markdown: str, resolve) -> str:
    """Every relative link target in `markdown` (``[text](target)``, ``href="target"``)
    replaced by ``resolve(target)``; absolute addresses and ``mailto:`` stay."""

    def replace(match):
        target = match[2]
        if urllib.parse.urlsplit(target).scheme or target.startswith("//"):
            return match[0]
        return match[1] + resolve(target)

    return _LINK.sub(replace, markdown)


def site_resolver(site_url: str | None, page_url: str, page_src: str, files=None):
    """A `resolve` for `absolute_links`: a target as written on the page `page_src` (a
    ``.md`` or ``.py`` source path, or a site address), as an absolute address."""
    base = (site_url or "/").rstrip("/") + "/"

    def resolve(target: str) -> str:
        path, _, anchor = target.partition("#")
        if not path:
            url = page_url
        elif path.endswith((".md", ".py")) and files is not None:
            src = posixpath.normpath(posixpath.join(posixpath.dirname(page_src), path))
            found = files.get_file_from_path(src)
            url = found.url if found is not None else path
        else:
            url = posixpath.normpath(posixpath.join(page_url, path))
            url = "" if url == "." else url + ("/" if path.endswith("/") else "")
        return urllib.parse.urljoin(base, url) + (f"#{anchor}" if anchor else "")

    return resolve


def take_home(nb: nbformat.NotebookNode, *, site_url: str | None, resolve) -> nbformat.NotebookNode:
    """`nb` with its links absolute and, as its first code cell, the install line (not run)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = absolute_links(cell.source, resolve)
    cell = nbformat.v4.new_code_cell(
        "# The course's package, mvc, with everything the course uses (skip if installed).\n"
        f"%{install_command(site_url)}"
    )
    first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first, cell)
    for number, each in enumerate(nb.cells):  # ids by position: two builds give the same file
        each.id = f"cell-{number}"
    return nb
