"""What a reader takes home, checked on the built site and in a fresh environment.

- The site serves the wheel of this checkout at ``download/``, the same bytes at every
  build, and the home page, every chapter's and lab's download area and every notebook's
  first cell give the one install line.
- That line, pointed at this test's server, installs the wheel with its ``course`` extra
  into a fresh virtual environment (no editable install, no repository on the path):
  ``mvc`` imports from there and ``mvc.datasets`` loads its data from the wheel.
- Every Python code block of the chapters and of the Benchmarks page, taken from the
  built HTML (not the markdown), runs on its own there, in a process of its own; a block
  marked as a continuation runs after the blocks before it.
- Every notebook the site offers runs top to bottom there (its install cell aside: it is
  the line that made the environment).

The fresh environment holds the lock's pins, hashes checked, of exactly what the
``course`` extra needs (found from the packages' own metadata); pip takes them from its
cache, or from PyPI the first time, so this needs the network once. The wheel then
installs with ``--no-index``: if the extra named anything the pins do not cover, the
install fails here rather than quietly fetching it. Jupyter's client and kernel join the
environment only after the code blocks have run, so a block cannot lean on them.
"""

from __future__ import annotations

import concurrent.futures
import html
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
import takehome  # docs/hooks/, on the path by the root conftest.py
from mkdocs.config import load_config
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytest_plugins = ["tests.site_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(str(ROOT / "mkdocs.yml"))
NAME, VERSION = takehome.project()
CHAPTERS = [
    Path(next(iter(item.values()))).stem
    for entry in CONFIG.nav
    if isinstance(entry, dict) and "Chapters" in entry
    for item in entry["Chapters"]
]
PAGES = [*CHAPTERS, "benchmarks"]  # the pages whose code a reader copies
LABS = sorted(p.stem for p in (ROOT / "docs" / "labs").glob("*.py"))
CONTINUES = '<div class="continuation"><p class="mvc-continues">Continues the block above.</p>'


# --- the wheel and the install line ------------------------------------------------------------


def test_the_site_serves_the_wheel_of_this_checkout(site):
    served = (site / takehome.DOWNLOAD / takehome.wheel_name()).read_bytes()
    # Built again here, from the same files: the same bytes, so two builds agree.
    assert served == takehome._build(_urls(), os.environ.get("SOURCE_DATE_EPOCH") or takehome.EPOCH)
    with zipfile.ZipFile(site / takehome.DOWNLOAD / takehome.wheel_name()) as wheel:
        names = wheel.namelist()
        meta = wheel.read(f"{takehome.wheel_name().split('-py3')[0]}.dist-info/METADATA").decode()
        dates = {info.date_time for info in wheel.infolist()}
    for expected in (
        "mvc/__init__.py",
        "mvc/py.typed",
        "mvc/derivatives.py",
        "mvc/data/nist/Misra1a.dat",
        "mvc/data/benchmarks.json",
    ):
        assert expected in names
    assert not [n for n in names if n.endswith("quiz.py")], "site code is not part of mvc"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE-TEXT") for n in names)
    assert f"Name: {NAME}\n" in meta and "License-Expression: MIT\n" in meta
    assert (
        "Provides-Extra: course\n" in meta
        and 'Requires-Dist: sympy>=1.13; extra == "course"' in meta
    )
    assert f"Project-URL: Homepage, {CONFIG.site_url}\n" in meta
    epoch = datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH") or takehome.EPOCH), UTC)
    zip_time = (
        *epoch.timetuple()[:5],
        epoch.second - epoch.second % 2,
    )  # a zip counts in 2 s steps
    assert dates == {zip_time}, "the zip's dates come from SOURCE_DATE_EPOCH, not from the files"


def _urls():
    urls = {
        "Homepage": CONFIG.site_url,
        "Documentation": CONFIG.site_url,
        "Source": CONFIG.repo_url,
    }
    return {k: v for k, v in urls.items() if v}


def test_the_distribution_is_not_the_unrelated_mvc_and_versions_agree():
    import mvc

    assert canonicalize_name(NAME) != "mvc" and VERSION == mvc.__version__


def test_every_page_gives_the_same_install_line(site):
    command = html.escape(takehome.install_command(CONFIG.site_url), quote=False)
    block = (
        f'<div class="mvc-install language-sh highlight"><pre><span></span><code>{command}</code>'
    )
    home = (site / "index.html").read_text(encoding="utf8")
    assert block in home[home.index('id="run-it-yourself"') :]
    for page in [*CHAPTERS, *(f"labs/{lab}" for lab in LABS)]:
        text = (site / page / "index.html").read_text(encoding="utf8")
        area = text[text.index('<div class="mvc-download">') :]
        assert block in area[: area.index("\n</div>")], page
    for lab in LABS:
        nb = nbformat.read(site / "labs" / lab / f"{lab}.ipynb", as_version=4)
        first = next(c for c in nb.cells if c.cell_type == "code")
        assert first.source.splitlines()[-1] == "%" + takehome.install_command(CONFIG.site_url), lab
        assert first.execution_count is None and not first.outputs


def test_the_api_reference_shows_no_stray_double_colons(site):
    page = (site / "reference" / "index.html").read_text(encoding="utf8")
    article = page[page.index("<article") : page.index("</article>")]
    prose = re.sub(r"<(pre|code)\b.*?</\1>", " ", article, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", prose))
    assert "::" not in text, re.findall(r".{60}::.{20}", text, re.S)


# --- the code blocks of the built pages -----------------------------------------------------------

_BLOCK = re.compile(
    r'<div class="(language-[\w-]+) highlight">(?:<span class="filename">[^<]*</span>)?'
    r"<pre[^>]*>(?:<span></span>)?<code[^>]*>(.*?)</code></pre></div>",
    re.S,
)


def blocks(page_html: str) -> list[tuple[str, bool]]:
    """The Python code blocks of a built page, as a reader copies them, each with whether
    it is marked as a continuation. Excerpts of the package's own source are left out:
    they show lines of `mvc`, not a program."""
    article = page_html[page_html.index("<article") : page_html.index("</article>")]
    package = _normal("\n".join(p.read_text(encoding="utf8") for p in (ROOT / "mvc").glob("*.py")))
    found = []
    for match in _BLOCK.finditer(article):
        if match[1] not in ("language-python", "language-py"):
            continue
        code = html.unescape(re.sub(r"<[^>]+>", "", match[2])).rstrip()
        if _normal(code) in package:
            continue
        found.append((code, article[: match.start()].rstrip().endswith(CONTINUES)))
    return found


def _normal(code: str) -> str:
    return "\n".join(line.strip() for line in code.splitlines() if line.strip())


def test_blocks_are_found_and_continuations_are_rare_and_marked(site):
    counts, marked = {}, 0
    for page in PAGES:
        found = blocks((site / page / "index.html").read_text(encoding="utf8"))
        counts[page] = len(found)
        marked += sum(continues for _, continues in found)
        assert found and not found[0][1], page  # a page's first block cannot continue anything
    assert all(n >= 6 for n in counts.values()) and sum(counts.values()) >= 100, counts
    # Each continuation fence that shows its code is marked, and no other block is.
    fences = sum(
        len(
            re.findall(
                r'^\s*```\{\.python exec="on" continuation\}',
                (ROOT / "docs" / f"{page}.md").read_text(encoding="utf8"),
                re.M,
            )
        )
        for page in PAGES
    )
    assert marked == fences and marked <= 3, (marked, fences)


RUN_BLOCKS = """
import json, multiprocessing, os, sys, tempfile, traceback
import matplotlib, numpy, scipy, sympy, mvc  # imported once; each block runs in a fork

def run(code, conn):
    os.chdir(tempfile.mkdtemp())
    sys.stdout = sys.stderr = open(os.devnull, "w")
    try:
        exec(compile(code, "<block>", "exec"), {"__name__": "__main__"})
        conn.send(None)
    except BaseException:
        conn.send(traceback.format_exc(limit=-2)[-700:])

context, failures = multiprocessing.get_context("fork"), []
for index, code in enumerate(json.load(sys.stdin)):
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=run, args=(code, send))
    process.start()
    for second in range(600):
        if receive.poll(1):
            error = receive.recv()
            break
        if not process.is_alive() and not receive.poll(1):
            error = f"the process ended with exit code {process.exitcode} before the block finished"
            break
    else:
        error = "did not finish in 600 s"
    process.join(5)
    if process.is_alive():
        process.kill()
    if error:
        failures.append([index, error])
print(json.dumps(failures))
"""


def test_every_code_block_runs_on_its_own_in_a_fresh_install(site, reader):
    programs, where = [], []
    for page in PAGES:
        found = blocks((site / page / "index.html").read_text(encoding="utf8"))
        for number, (code, continues) in enumerate(found):
            # A continuation runs after the blocks before it on its page, as marked.
            before = [c for c, _ in found[:number]] if continues else []
            programs.append("\n\n".join([*before, code]))
            where.append(f"{page}, block {number + 1}: {code.splitlines()[0]}")
    failures = json.loads(_python(reader, RUN_BLOCKS, stdin=json.dumps(programs)).stdout)
    report = [f"{where[index]}\n{textwrap.indent(error, '    ')}" for index, error in failures]
    assert not report, f"{len(report)} of {len(programs)} blocks fail:\n" + "\n".join(report)


# --- the fresh environment ------------------------------------------------------------------------


def pins(*roots: str) -> str:
    """The lines of requirements.lock (with hashes) for everything `roots` need, found
    from the installed packages' metadata, with their markers and extras."""
    locked = {}
    for block in re.split(r"\n(?=\S)", (ROOT / "requirements.lock").read_text(encoding="utf8")):
        match = re.match(r"([A-Za-z0-9._-]+)==", block)
        if match:
            locked[canonicalize_name(match[1])] = re.sub(r"\n\s*#.*", "", block).strip()
    needed, todo = set(), [Requirement(root) for root in roots]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = sorted(requirement.extras) or [""]
        key = (name, tuple(extras))
        if key in needed:
            continue
        needed.add(key)
        for text in metadata.requires(requirement.name) or []:
            dependency = Requirement(text)
            if dependency.marker is None or any(
                dependency.marker.evaluate({"extra": e}) for e in extras
            ):
                todo.append(dependency)
    names = {name for name, _ in needed} - {canonicalize_name(NAME)}
    missing = sorted(names - set(locked))
    assert not missing, f"requirements.lock pins none of {missing}: run make lock"
    return "\n".join(locked[name] for name in sorted(names)) + "\n"


def _pip(python: Path, *args: str, folder: Path) -> None:
    run = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "--disable-pip-version-check",
            "--quiet",
            *args,
            *(["--no-compile"] if args[0] == "install" else []),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert run.returncode == 0, f"pip {' '.join(args)} failed:\n{run.stderr[-3000:]}"


def _run(python: Path, code: str, *, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`code` run by the fresh environment's Python, isolated (-I: no repository, no
    PYTHONPATH, no user site), in an empty folder."""
    folder = python.parents[2] / "work"
    folder.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")} | {
        "MPLBACKEND": "Agg"
    }
    return subprocess.run(
        [str(python), "-I", "-c", code],
        cwd=folder,
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )


def _python(python: Path, code: str, *, stdin: str | None = None) -> subprocess.CompletedProcess:
    run = _run(python, code, stdin=stdin)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def reader(server, tmp_path_factory) -> Path:
    """A fresh virtual environment, made by the site's own install line (its address
    swapped for this test's server); its Python."""
    folder = tmp_path_factory.mktemp("reader")
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, timeout=600)
    python = folder / "venv" / "bin" / "python"
    (folder / "pins.txt").write_text(pins(f"{NAME}[course]"))
    _pip(python, "install", "--require-hashes", "--no-deps", "-r", "pins.txt", folder=folder)
    command = takehome.install_command(CONFIG.site_url).replace(
        takehome.wheel_url(CONFIG.site_url), f"{server}/{takehome.DOWNLOAD}{takehome.wheel_name()}"
    )
    requirement = re.fullmatch(r'pip install "(.+)"', command)[1]
    _pip(python, "install", "--no-index", requirement, folder=folder)
    _pip(python, "check", folder=folder)
    return python


def test_the_install_line_gives_a_fresh_environment_mvc_from_the_wheel(reader):
    run = _python(
        reader,
        textwrap.dedent(f"""
        import importlib.metadata, sys
        import mvc
        from mvc import datasets
        print(mvc.__file__)
        print(importlib.metadata.version("{NAME}"), mvc.__version__)
        print(len(datasets.nist("Misra1a").x), len(datasets.heights()[0]),
              len(datasets.benchmarks()["derivatives"]) > 0, mvc.datasets.heart(5)[0].shape)
        print(importlib.metadata.distribution("{NAME}").read_text("direct_url.json"))
    """),
    )
    location, versions, data, origin = run.stdout.splitlines()
    assert Path(location).is_relative_to(reader.parents[1]) and not Path(location).is_relative_to(
        ROOT
    )
    assert "site-packages" in location  # installed from the wheel, not editable
    assert versions == f"{VERSION} {VERSION}"
    assert data == "14 100 True (1, 5)"
    assert json.loads(origin)["url"].endswith(f"/{takehome.DOWNLOAD}{takehome.wheel_name()}")


# --- the notebooks --------------------------------------------------------------------------------

RUN_NOTEBOOK = """
import json, sys, tempfile
import nbformat
from nbclient import NotebookClient

nb = nbformat.read(sys.argv[1], as_version=4)
first = next(c for c in nb.cells if c.cell_type == "code")
install = first.source.splitlines()[-1]
first.source = "import sys, mvc\\nprint(sys.prefix)\\nprint(mvc.__file__)"  # where the kernel runs
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": tempfile.mkdtemp()}}).execute()
print(json.dumps({"install": install, "where": first.outputs[0]["text"].split()}))
"""


@pytest.fixture(scope="module")
def jupyter(reader):
    """The fresh environment, with Jupyter's client and kernel added."""
    folder = reader.parents[2]
    (folder / "jupyter.txt").write_text(pins("nbclient", "ipykernel", "nbformat"))
    _pip(reader, "install", "--require-hashes", "--no-deps", "-r", "jupyter.txt", folder=folder)
    return reader


def _notebooks(site: Path) -> list[Path]:
    return sorted(site.rglob("*.ipynb"))


def test_every_notebook_runs_in_the_fresh_environment(site, jupyter):
    notebooks = _notebooks(site)
    assert len(notebooks) == len(CHAPTERS) + len(LABS)
    runner = jupyter.parents[2] / "run_notebook.py"
    runner.write_text(RUN_NOTEBOOK)

    def run(path):
        return path, _run(
            jupyter,
            f"import runpy, sys; sys.argv = ['run', {str(path)!r}]; "
            f"runpy.run_path({str(runner)!r}, run_name='__main__')",
        )

    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:  # two kernels at a time
        for path, done in pool.map(run, notebooks):
            if done.returncode != 0:
                failed.append(f"{path.relative_to(site)}:\n{done.stderr[-1500:]}")
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            assert result["install"] == "%" + takehome.install_command(CONFIG.site_url), path
            prefix, location = result["where"]
            assert Path(prefix) == jupyter.parents[1] and Path(location).is_relative_to(prefix), (
                path
            )
    assert not failed, f"{len(failed)} of {len(notebooks)} notebooks fail:\n" + "\n".join(failed)
