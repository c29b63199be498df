"""`make test`: the whole suite, timed against one clean build of the site in the same run.

    python tools/test_run.py [PYTEST ARGUMENTS]

1. Build the site once with `mkdocs build --strict`, alone, and time it: one clean build
   on this machine, now, the unit the suite's time is measured in. Every test of the built
   site uses this build (``$MVC_SITE``, tests/site_fixtures.py), and pytest does not run
   again a fence that this build ran and passed (``$MVC_FENCE_RECORD``, conftest.py).
2. Run pytest on every core with pytest-xdist, ``--dist loadgroup``: the tests of one page
   form a group, so each page of the site is loaded once in the whole run, and the
   longest work starts first (tests/site_fixtures.py).
3. Print both times and their ratio, and write them, with pytest's counts, to
   test-artifacts/test-run.json, which `make bench` reports.

The suite should take at most `TARGET` clean builds. The ratio is reported, never
asserted: speed is measured, a test does not depend on it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.site_fixtures import build_site  # noqa: E402  needs ROOT on sys.path

ARTIFACTS = ROOT / "test-artifacts"
TARGET = 5


def timed_build(folder: Path) -> float:
    """Build the site into `folder`, recording its fences; the seconds it took. (A failed
    build fails the site's tests, which report its log.)"""
    start = time.perf_counter()
    run = build_site(folder, record=folder.parent / "fences.json")
    seconds = time.perf_counter() - start
    print(
        f"one clean build (mkdocs build --strict): {seconds:.1f} s"
        + ("" if run.returncode == 0 else f", FAILED (exit {run.returncode})"),
        flush=True,
    )
    return seconds


def run_pytest(folder: Path, args: list[str]) -> int:
    env = os.environ | {
        "MVC_SITE": str(folder),
        "MVC_FENCE_RECORD": str(folder.parent / "fences.json"),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-n",
        "auto",
        "--dist",
        "loadgroup",
        "--no-loadscope-reorder",
        f"--junitxml={ARTIFACTS / 'junit.xml'}",
        *args,
    ]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def counts() -> dict:
    """Tests run and failed, from pytest's JUnit report."""
    try:
        suite = ET.parse(ARTIFACTS / "junit.xml").getroot()
    except (OSError, ET.ParseError):
        return {"tests": 0, "failed": 0}
    suite = suite.find("testsuite") if suite.tag == "testsuites" else suite
    failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    return {"tests": int(suite.get("tests", 0)), "failed": failed}


def report(seconds: float, build: float, exitstatus: int) -> None:
    ratio = seconds / build
    result = {
        "seconds": seconds,
        "build_seconds": build,
        "ratio": ratio,
        **counts(),
        "exitstatus": exitstatus,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    (ARTIFACTS / "test-run.json").write_text(json.dumps(result) + "\n")
    print(
        f"make test: {seconds:.0f} s = {ratio:.1f} × one clean build ({build:.1f} s, timed in "
        f"this run; the target is at most {TARGET} ×)",
        flush=True,
    )


def main(args: list[str]) -> int:
    ARTIFACTS.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="mvc-test-"))
    try:
        start = time.perf_counter()
        build = timed_build(work / "site")
        exitstatus = run_pytest(work / "site", args)
        report(time.perf_counter() - start, build, exitstatus)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return exitstatus


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
