"""MkDocs hook: serve KaTeX from the site itself (no CDN).

KaTeX comes from npm (`package.json`, locked by `package-lock.json`, installed by
`make install`). This hook adds the few files the pages use to the build, under
`assets/katex/`, straight from `node_modules`, so nothing is copied into `docs/`.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

DIST = Path(__file__).resolve().parents[2] / "node_modules" / "katex" / "dist"
# The stylesheet names every font as woff2 first, which every current browser reads,
# so the woff and ttf copies are never requested.
WANTED = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts/*.woff2")


def on_files(files: Files, config) -> Files:
    if not (DIST / "katex.min.js").is_file():
        raise PluginError(f"KaTeX is missing from {DIST}: run `make install` (it runs `npm ci`).")
    for pattern in WANTED:
        for path in sorted(DIST.glob(pattern)):
            uri = "assets/katex/" + path.relative_to(DIST).as_posix()
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
