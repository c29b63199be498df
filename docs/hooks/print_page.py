"""MkDocs hook: the print-site plugin's page (the whole course on one page), for paper.

- **The cover** (`docs/overrides/print-cover.tpl`) says what the course follows, its
  licence, and the commit it was built from with that commit's date (from git, or
  ``SOURCE_DATE_EPOCH`` when set), never the clock, so two builds of a commit agree.
- **Every worked solution open.** ``<details>`` blocks are written open, so a printout
  or `make pdf` shows the solutions; stylesheets/extra.css also shows, on paper, the
  self-check solutions that quiz.js keeps hidden until a first attempt.
- **No empty sections.** The plugin writes a heading for every section of the nav, even
  one whose pages it leaves out (the labs), and its table of contents lists it; such
  a section and its entry in the table of contents are removed.
- **Links that lead somewhere.** The plugin rewrites every link between pages into a
  link within its one page, and sometimes to an anchor that it did not keep:
  cross-references to Python's own types (``float``, which this offline site does not
  link), mkdocstrings' attribute anchors, a heading of the API reference. On paper a
  link does nothing; on the web a broken one misleads. Links to anchors the page does
  not have become plain text here, the way mkdocs-autorefs writes a reference it cannot
  resolve (``<span title="target">``), and `tests/test_site.py` checks every link of
  every page, this one included.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

_LINK = re.compile(
    r'<a (?P<attrs>[^>]*?)href="#(?P<target>[^"]*)"(?P<rest>[^>]*)>(?P<text>.*?)</a>', re.S
)
_ANCHOR = re.compile(r"""\b(?:id|name)=["']([^"']+)["']""")  # the plugin's sections: id='...'
_EMPTY_SECTION = re.compile(
    r"<section class='print-page md-section' id='(?P<id>[^']*)'[^>]*>\s*<h1>[^<]*"
    r"<a class='headerlink'[^>]*></a>\s*</h1>\s*</section>"
)
_CLOSED = re.compile(r"<details(?![^>]*\sopen)")
# The home page's link to this page (docs/index.md), which on this page leads nowhere.
_SELF_LINK = re.compile(r'<a class="mvc-print-link"[^>]*>(.*?)</a>', re.S)


def build_info(root: Path) -> dict | None:
    """The commit the site is built from and its date, or None outside a git clone."""

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit, seconds = git("rev-parse", "--short=12", "HEAD"), git("log", "-1", "--format=%ct")
    except (OSError, subprocess.CalledProcessError):
        return None
    seconds = int(os.environ.get("SOURCE_DATE_EPOCH") or seconds)
    date = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%d %B %Y")
    return {"commit": commit, "date": date}


def for_paper(html: str) -> str:
    """The print page with its solutions open, its empty sections gone and its links
    to missing anchors unlinked."""
    html = _SELF_LINK.sub(r"\1", _CLOSED.sub("<details open", html))
    for empty in _EMPTY_SECTION.finditer(html):
        entry = rf'<li class="md-nav__item">\s*<a href="#{empty["id"]}"(?:(?!</li>).)*</li>'
        html = re.sub(entry, "", html, flags=re.S)
    html = _EMPTY_SECTION.sub("", html)
    anchors = set(_ANCHOR.findall(html))

    def unlink(match):
        if not match["target"] or match["target"] in anchors:
            return match[0]
        return f'<span title="{match["target"]}">{match["text"]}</span>'

    return _LINK.sub(unlink, html)


def on_config(config):
    config.extra["build"] = build_info(Path(config.config_file_path).parent)
    return config


def on_post_build(config):
    page = Path(config.site_dir) / "print_page" / "index.html"
    if page.is_file():
        page.write_text(for_paper(page.read_text(encoding="utf8")), encoding="utf8")
