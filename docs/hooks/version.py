"""MkDocs hook: every page's footer names the version of mvc the site was built from.

The version is pyproject.toml's (`takehome.project`), the one the served wheel carries
and CHANGELOG.md's top release states (tests/test_release.py checks all three agree).
"""

from __future__ import annotations

import takehome


def on_config(config):
    name, version = takehome.project()
    config.copyright = f"{config.copyright} Built from {name} {version}."
    return config
