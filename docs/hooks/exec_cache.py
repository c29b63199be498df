"""The cache of what the build executes, for `make serve` only. Not a hook itself: the
hooks fences.py and labs.py load it from its file.

``make serve`` sets ``$MVC_EXEC_CACHE`` to a folder; ``make build`` and ``make test`` never
do, so their builds run everything. An entry is keyed on its own code (a chain of fences,
a lab's cells) and on `environment_digest`, a hash of everything else that code can read:
the package ``mvc/`` (code and data), every file under ``docs/`` except the markdown
(the labs, the benchmarks' results, scripts and styles), the lock and Python's version.
Edit any of these and every entry is missed, so a cached result is never stale; edit a
chapter's prose and every entry is hit, so a rebuild runs nothing.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment_digest() -> str:
    """A hash of everything a fence or a lab can read besides its own code."""
    digest = hashlib.sha256(sys.version.encode())
    paths = [*ROOT.glob("mvc/**/*"), *ROOT.glob("docs/**/*"), ROOT / "requirements.lock"]
    for path in sorted(paths):
        if path.is_file() and path.suffix != ".md" and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


_digest: dict[str, str] = {}


def entry(kind: str, key: str, suffix: str) -> Path | None:
    """Where the cached result `key` of `kind` ("fences", "labs") lies, or None when the
    build caches nothing."""
    folder = os.environ.get("MVC_EXEC_CACHE")
    if not folder:
        return None
    if "environment" not in _digest:  # once per build: each build loads this module afresh
        _digest["environment"] = environment_digest()
    return Path(folder) / kind / _digest["environment"][:16] / f"{key}{suffix}"
