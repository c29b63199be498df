"""The package lines chapters include as snippets fit a code box on a desk.

A chapter shows `mvc`'s own lines with `--8<-- "mvc/module.py:name"`; a line longer than
78 characters scrolls under the copy button (docs/contributing.md). This checks the
sections in the source, without building the site.
"""

import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 78
MARKER = re.compile(r"--8<-- \[(start|end):([\w-]+)\]")


def _sections(path: Path) -> dict[str, list[tuple[int, str]]]:
    """{name: [(line number, line)]} of the snippet sections in one file."""
    sections: dict[str, list[tuple[int, str]]] = {}
    name = None
    for number, line in enumerate(path.read_text(encoding="utf8").splitlines(), 1):
        marker = MARKER.search(line)
        if marker:
            assert (marker[1] == "start") == (name is None), f"{path}:{number}: unpaired marker"
            name = marker[2] if marker[1] == "start" else None
            if name:
                sections[name] = []
        elif name:
            sections[name].append((number, line))
    assert name is None, f"{path}: section {name!r} has no end"
    return sections


def _shown(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines as the page shows them: mkdocs.yml sets `dedent_subsections`."""
    text = textwrap.dedent("\n".join(line for _, line in lines))
    return list(zip([number for number, _ in lines], text.split("\n"), strict=True))


def test_every_snippet_line_in_mvc_fits_78_characters():
    files = sorted((ROOT / "mvc").glob("*.py"))
    sections = {(f.name, name): lines for f in files for name, lines in _sections(f).items()}
    assert len(sections) >= 10, sorted(sections)  # the chapters include this many or more
    wide = [
        f"mvc/{file}:{number} [{name}] {len(line)} characters: {line.strip()[:50]!r}"
        for (file, name), lines in sections.items()
        for number, line in _shown(lines)
        if len(line) > WIDTH
    ]
    assert not wide, "snippet lines wider than 78 characters:\n" + "\n".join(wide)


def test_every_snippet_a_chapter_includes_exists():
    included = {
        (match[1], match[2])
        for page in (ROOT / "docs").glob("*.md")
        for match in re.finditer(
            r'^--8<-- "(mvc/\w+\.py):([\w-]+)"', page.read_text("utf8"), re.MULTILINE
        )
    }
    assert included, "no chapter includes a snippet from mvc: the check checks nothing"
    missing = [
        f"{path}:{name}" for path, name in sorted(included) if name not in _sections(ROOT / path)
    ]
    assert not missing, missing
