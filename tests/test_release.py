"""One version everywhere: pyproject.toml, `mvc.__version__`, CHANGELOG.md's top release
and the footer of every page; and the package says it is typed."""

import re
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import mvc

ROOT = Path(__file__).resolve().parent.parent


def _version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf8"))["project"]["version"]


def test_the_version_is_the_changelogs_top_release_and_mvcs():
    releases = re.findall(
        r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text("utf8"), re.M
    )
    assert releases, "CHANGELOG.md names no release"
    assert releases[0] == _version() == mvc.__version__


def test_the_changelog_lists_releases_newest_first():
    text = (ROOT / "CHANGELOG.md").read_text("utf8")
    releases = [
        tuple(map(int, v.split("."))) for v in re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, re.M)
    ]
    assert releases == sorted(releases, reverse=True) and len(set(releases)) == len(releases)


def test_every_page_footer_names_the_version_it_was_built_from():
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        import version
    finally:
        sys.path.remove(str(ROOT / "docs" / "hooks"))
    config = version.on_config(SimpleNamespace(copyright="Code MIT licensed."))
    assert (
        config.copyright == f"Code MIT licensed. Built from multivariate-calculus-ml {_version()}."
    )


def test_mvc_is_typed_and_ships_the_marker():
    assert (ROOT / "mvc" / "py.typed").is_file()
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf8"))["tool"]["setuptools"]
    assert "py.typed" in data["package-data"]["mvc"]
