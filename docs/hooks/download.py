"""MkDocs hook: the site serves the wheel of its own commit, and the home page says how to
install it.

- ``download/<wheel>``: the package's wheel, built from this checkout at every build
  (`takehome.build_wheel`; rebuilt by ``mkdocs serve`` only when its sources change), at
  an address that stays the same for a version: ``<site_url>download/<wheel>``.
- A line ``<!-- install-command -->`` in a page becomes the install line as a code
  block: ``pip install "<name>[course] @ <site_url>download/<wheel>"``. The home page's
  "Run it yourself" section has one; every chapter's and lab's download area repeats it
  (docs/hooks/notebooks.py, docs/hooks/labs.py), and so does every notebook's first cell.

`tests/test_reach.py` installs the served wheel into a fresh virtual environment and runs
every code block of the chapters there.
"""

from __future__ import annotations

import re

import takehome
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

MARKER = re.compile(r"^<!-- install-command -->$", re.M)


def on_files(files, config):
    try:
        wheel = takehome.build_wheel(config.site_url, config.repo_url)
    except RuntimeError as error:
        raise PluginError(str(error)) from None
    files.append(File.generated(config, takehome.DOWNLOAD + takehome.wheel_name(), content=wheel))
    return files


def on_page_markdown(markdown, page, config, files):
    return MARKER.sub(lambda _: takehome.install_block(config.site_url), markdown)
