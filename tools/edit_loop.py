"""How long an author waits after saving a chapter before `make serve` shows the change.

    python tools/edit_loop.py [--page derivatives] [--times 3]

Runs `mkdocs serve` as `make serve` does (dirty rebuilds, with the execution cache of
docs/hooks/exec_cache.py) on a free loopback port and waits for its first build. Then,
`--times` times, it edits a sentence of the chapter (a new word at the end of its first
paragraph), saves, and asks the served page again and again until the word is there. It
prints each wait and their median, puts the chapter back as it was, and stops the server.
The figure in docs/contributing.md comes from here.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CEILING = 900  # seconds for anything here: a first build on a busy machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def served(url: str) -> str:
    """The page at `url`, or "" while the server cannot answer."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf8")
    except OSError:
        return ""


def wait_until(condition, what: str) -> float:
    """Seconds until `condition()` holds, asked every 0.1 s."""
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > CEILING:
            raise TimeoutError(f"{what}: not after {CEILING} s")
        time.sleep(0.1)
    return time.perf_counter() - start


def edited(text: str, word: str) -> str:
    """`text` with `word` added at the end of the paragraph after its title."""
    start = text.index("\n\n", text.index("\n# ")) + 2
    end = text.index("\n\n", start)
    return text[:end] + f" {word}." + text[end:]


def builds(log: Path) -> int:
    return log.read_text(encoding="utf8", errors="replace").count("Reloading browsers")


def measure(page: str, times: int) -> list[float]:
    source = ROOT / "docs" / f"{page}.md"
    original = source.read_text(encoding="utf8")
    port, log = free_port(), ROOT / "test-artifacts" / "edit-loop-serve.log"
    log.parent.mkdir(exist_ok=True)
    env = os.environ | {"MVC_EXEC_CACHE": str(ROOT / ".cache" / "exec"), "NO_MKDOCS_2_WARNING": "1"}
    url = f"http://127.0.0.1:{port}/{page}/"
    with open(log, "w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "--dev-addr",
                f"127.0.0.1:{port}",
                "--livereload",
                "--dirty",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    waits = []
    try:
        print(
            f"first build: {wait_until(lambda: served(url), 'the first build'):.0f} s", flush=True
        )
        for number in range(times):
            word = f"editloop{number}x{int(time.time())}"
            before = builds(log)
            source.write_text(edited(original, word), encoding="utf8")
            waits.append(wait_until(lambda word=word: word in served(url), "the edit"))
            print(f"edit {number + 1}: on the served page after {waits[-1]:.1f} s", flush=True)
            wait_until(lambda before=before: builds(log) > before, "the end of that build")
    finally:
        source.write_text(original, encoding="utf8")
        server.terminate()
        server.wait(timeout=60)
    return waits


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="derivatives", help="the chapter to edit, docs/PAGE.md")
    parser.add_argument("--times", type=int, default=3)
    args = parser.parse_args(argv)
    waits = measure(args.page, args.times)
    print(
        f"median wait from saving {args.page}.md to the served page changing: "
        f"{statistics.median(waits):.1f} s over {len(waits)} edits"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
