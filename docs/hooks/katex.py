"""MkDocs hook: KaTeX, run by the build and served by the site (no CDN).

KaTeX comes from npm (`package.json`, locked by `package-lock.json`, installed by
`make install`).

- **Math typeset at build time.** Every formula of every page is rendered into the page's
  HTML when the site is built, so a page shows typeset math with JavaScript off and
  nothing moves when a script lands. The formulas are found the way KaTeX's auto-render
  found them in the browser: in the text of the body, outside ``pre``, ``code``,
  ``script`` and the like, between ``$$…$$``, ``$…$``, ``\\(…\\)`` and ``\\[…\\]``. That
  covers arithmatex's spans and divs on chapter pages, the notebooks' markdown on lab
  pages, figure captions and the self-check questions. One ``node`` process
  (`katex-render.cjs`) renders them for the whole build, a page's formulas per request;
  a formula KaTeX cannot parse is a warning, so the strict build fails.
- **Assets.** The stylesheet and its fonts (woff2, which every current browser reads)
  are added to the build under `assets/katex/` straight from `node_modules`, with the
  script and its auto-render extension, which `javascripts/katex.js` loads only where
  something is still typeset in the browser (the self-check feedback, search previews).

The search index is made before this hook runs (material's search reads the page in
``on_page_context``), so it keeps the formulas' TeX, short and searchable.
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

DIST = Path(__file__).resolve().parents[2] / "node_modules" / "katex" / "dist"
RENDERER = Path(__file__).with_name("katex-render.cjs")
WANTED = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts/*.woff2")
log = logging.getLogger("mkdocs.hooks.katex")

# auto-render's delimiters, in its order of preference ($$ before $).
DELIMITERS = (("$$", "$$", True), ("$", "$", False), ("\\(", "\\)", False), ("\\[", "\\]", True))
_LEFT = re.compile("|".join(re.escape(left) for left, _, _ in DELIMITERS))
# Markup, with the raw text of scripts, styles and text areas, and comments, as one token.
_TOKEN = re.compile(r"<!--.*?-->|<(script|style|textarea)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")
# Where auto-render did not look (its ignoredTags), and the head, and drawings.
SKIP = frozenset({"head", "pre", "code", "noscript", "option", "svg", "math"})
# The fonts of nearly every formula, and what shows a page uses them: italic letters, and
# upright digits, operators and brackets. A page asks for those it uses at once, so they
# arrive before it is laid out instead of reflowing its text when they come in (a
# layout shift of up to 0.13).
PRELOAD = {
    "fonts/KaTeX_Math-Italic.woff2": re.compile(r'class="mord mathnormal"'),
    "fonts/KaTeX_Main-Regular.woff2": re.compile(r'class="m(?:ord|rel|bin|open|close|punct)">[^<]'),
}


class KaTeX:
    """A ``node`` process running KaTeX: a list of ``(tex, display)`` in, HTML out."""

    def __init__(self):
        self._process: subprocess.Popen | None = None
        self._done: dict[tuple[str, bool], dict] = {}
        self.seconds = 0.0  # spent waiting for node, this build

    def render(self, formulas: list[tuple[str, bool]]) -> list[dict]:
        """For each formula ``{"html", "warnings"}`` or ``{"error"}``, in order."""
        missing = list(dict.fromkeys(f for f in formulas if f not in self._done))
        if missing:
            start = time.perf_counter()
            self._done.update(zip(missing, self._ask(missing), strict=True))
            self.seconds += time.perf_counter() - start
        return [self._done[formula] for formula in formulas]

    def _ask(self, formulas: list[tuple[str, bool]]) -> list[dict]:
        if self._process is None or self._process.poll() is not None:
            self._process = _start()
        self._process.stdin.write(json.dumps(formulas) + "\n")
        self._process.stdin.flush()
        reply = self._process.stdout.readline()
        if not reply:
            raise PluginError(
                f"KaTeX's node process ({RENDERER.name}) stopped; see its error above."
            )
        return json.loads(reply)

    def close(self) -> None:
        if self._process is not None:
            self._process.stdin.close()
            self._process.wait(timeout=10)
            self._process = None


def _start() -> subprocess.Popen:
    node = shutil.which("node")
    if node is None:
        raise PluginError(
            "The build typesets math with KaTeX and needs Node.js: install it, then `make install`."
        )
    return subprocess.Popen(
        [node, str(RENDERER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf8",
    )


def _end_of_math(delimiter: str, text: str, start: int) -> int:
    """Where `delimiter` closes the formula starting at `start`: auto-render's rule
    (braces must balance, a backslash escapes the next character), or -1."""
    index, braces = start, 0
    while index < len(text):
        if braces <= 0 and text.startswith(delimiter, index):
            return index
        braces += {"{": 1, "}": -1}.get(text[index], 0)
        index += 2 if text[index] == "\\" else 1
    return -1


def split_math(text: str) -> list[tuple[str, str, bool]]:
    """`text` as pieces ``("text", text, False)`` and ``("math", tex, display)``,
    exactly as KaTeX's auto-render splits a text node."""
    pieces = []
    while (found := _LEFT.search(text)) is not None:
        if found.start():
            pieces.append(("text", text[: found.start()], False))
            text = text[found.start() :]
        left, right, display = next(d for d in DELIMITERS if text.startswith(d[0]))
        end = _end_of_math(right, text, len(left))
        if end < 0:
            break
        pieces.append(("math", text[len(left) : end], display))
        text = text[end + len(right) :]
    return pieces + ([("text", text, False)] if text else [])


def _pieces(page: str) -> list:
    """`page` as markup and text strings, with each text that holds math as a list of
    `split_math` pieces."""
    out, skipping, at = [], Counter(), 0
    for token in _TOKEN.finditer(page):
        out.append(_text(page[at : token.start()], skipping))
        out.append(token[0])
        at = token.end()
        name = _NAME.match(token[0])
        if name and name[1].lower() in SKIP and not token[0].endswith("/>"):
            skipping[name[1].lower()] += -1 if token[0].startswith("</") else 1
    out.append(_text(page[at:], skipping))
    return out


def _text(text: str, skipping: Counter):
    if +skipping or not any(left in text for left, _, _ in DELIMITERS):
        return text
    pieces = split_math(html.unescape(text))
    return pieces if any(kind == "math" for kind, _, _ in pieces) else text


def typeset(page: str, katex: KaTeX, where: str) -> str:
    """`page` (HTML) with every formula in its text typeset by KaTeX."""
    pieces = _pieces(page)
    formulas = [
        (tex, display)
        for piece in pieces
        if isinstance(piece, list)
        for kind, tex, display in piece
        if kind == "math"
    ]
    rendered = iter(katex.render(formulas))
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        for kind, value, display in piece:
            out.append(
                html.escape(value, quote=False)
                if kind == "text"
                else _formula(value, display, next(rendered), where)
            )
    return "".join(out)


def _formula(tex: str, display: bool, result: dict, where: str) -> str:
    for warning in result.get("warnings", []):
        log.warning("KaTeX, on %s, in %r: %s", where, tex, warning)
    if "error" in result:
        log.warning("KaTeX cannot typeset %r on %s: %s", tex, where, result["error"])
        title = html.escape(result["error"])
        return f'<span class="katex-error" title="{title}">{html.escape(tex)}</span>'
    return result["html"]


_katex = KaTeX()


def on_files(files: Files, config) -> Files:
    if not (DIST / "katex.min.js").is_file():
        raise PluginError(f"KaTeX is missing from {DIST}: run `make install` (it runs `npm ci`).")
    for pattern in WANTED:
        for path in sorted(DIST.glob(pattern)):
            uri = "assets/katex/" + path.relative_to(DIST).as_posix()
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_pre_build(config) -> None:
    _katex.seconds = 0.0


def on_post_page(output: str, page, config) -> str:
    return _preloading(typeset(output, _katex, page.file.src_uri), page.url)


def _preloading(page: str, url: str) -> str:
    """`page` with its head asking at once for the KaTeX fonts its formulas use."""
    links = "".join(
        f'<link rel="preload" href="{get_relative_url("assets/katex/" + font, url)}" '
        'as="font" type="font/woff2" crossorigin>'
        for font, used in PRELOAD.items()
        if used.search(page)
    )
    return page.replace("</title>", "</title>" + links, 1)


def on_post_build(config) -> None:
    """The print-site plugin writes its page (the whole course) after every other page."""
    page = Path(config.site_dir) / "print_page" / "index.html"
    if page.is_file():
        text = page.read_text(encoding="utf8")
        page.write_text(typeset(text, _katex, "print_page"), encoding="utf8")
    log.info(
        "katex: %d distinct formulas, %.1f s in one node process", len(_katex._done), _katex.seconds
    )


def on_shutdown() -> None:
    _katex.close()
