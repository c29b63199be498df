"""MkDocs hook: `make serve`'s rebuilds, quick and never stale.

`make serve` runs ``mkdocs serve --dirty`` with ``$MVC_EXEC_CACHE`` set: after an edit,
MkDocs renders again only the pages whose markdown changed, and their fences and labs
come from the cache (docs/hooks/exec_cache.py) while their code is unchanged. A page is
made from more than its markdown, though: ``mvc/``, the hooks, the labs, the included
questions and snippets, the data, ``mkdocs.yml``. All of these are hashed before each
build, and when the hash changes every page is rendered again, as in a clean build. What
a dirty build leaves as it was, as MkDocs warns: the pages it did not render keep their
navigation, and the print page only holds the pages rendered since the server started.
`make build` and `make test` never set ``$MVC_EXEC_CACHE``, and this hook does nothing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAMP = ".mvc-serve-inputs"  # in the served folder: the hash its pages were made from
_state: dict[str, str] = {}


def inputs_digest(files, docs_dir: str) -> str:
    """A hash of all that pages are made from besides their own markdown."""
    pages = {Path(file.abs_src_path) for file in files.documentation_pages()}
    others = sorted(path for path in Path(docs_dir).rglob("*.md") if path not in pages)
    digest = hashlib.sha256(_exec_cache().environment_digest().encode())
    for path in [*others, ROOT / "mkdocs.yml"]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _exec_cache():
    spec = importlib.util.spec_from_file_location(
        "exec_cache", Path(__file__).with_name("exec_cache.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(files, config):
    if not os.environ.get("MVC_EXEC_CACHE"):
        return files
    _state["digest"] = inputs_digest(files, config.docs_dir)
    stamp = Path(config.site_dir) / STAMP
    if not stamp.is_file() or stamp.read_text() != _state["digest"]:
        for file in files.documentation_pages():  # something they share changed: all again
            file.is_modified = lambda: True
    return files


def on_post_build(config):
    if "digest" in _state:
        (Path(config.site_dir) / STAMP).write_text(_state["digest"])
