"""MkDocs hook: repair the print-site plugin's page (the whole course on one page).

The plugin rewrites every link between pages into a link within its one page, and
sometimes to an anchor that it did not keep: cross-references to Python's own types
(``float``, which this offline site does not link), mkdocstrings' attribute anchors, a
heading of the API reference. On paper a link does nothing; on the web a broken one
misleads. Links to anchors the page does not have become plain text here, the way
mkdocs-autorefs writes a reference it cannot resolve (``<span title="target">``), and
`tests/test_site.py` checks every link of every page, this one included.
"""

from __future__ import annotations

import re
from pathlib import Path

_LINK = re.compile(r'<a (?P<attrs>[^>]*?)href="#(?P<target>[^"]*)"(?P<rest>[^>]*)>(?P<text>.*?)</a>', re.S)
_ANCHOR = re.compile(r'(?:id|name)="([^"]+)"')


def on_post_build(config):
    page = Path(config.site_dir) / "print_page" / "index.html"
    if not page.is_file():
        return
    html = page.read_text(encoding="utf8")
    anchors = set(_ANCHOR.findall(html))

    def unlink(match):
        if not match["target"] or match["target"] in anchors:
            return match[0]
        return f'<span title="{match["target"]}">{match["text"]}</span>'

    page.write_text(_LINK.sub(unlink, html), encoding="utf8")
