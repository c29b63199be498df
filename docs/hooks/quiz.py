r"""Self-check questions: one question as HTML, for a markdown-exec fence to print.

This is the site's own code, not part of `mvc`: it lives beside the build's hooks, and
both the build (``docs/hooks/fences.py``) and pytest (the root ``conftest.py``) put this
folder on ``sys.path``, so a chapter's fence imports it as ``quiz``. A chapter asks a
question in a fence with ``exec="on" html="1"``, computing the answer with sympy or `mvc`
in the same fence, never typing it:

```python
import sympy as sp
import quiz

x = sp.Symbol("x")
print(quiz.symbolic("power", "Differentiate $x^3$.", sp.diff(x**3, x), [x],
                    solution="By the power rule, $3x^2$."))
```

Three kinds of question:

- `choice`: radio buttons; each wrong option carries the reason it is wrong, shown as
  soon as it is picked. Options are text (with ``$...$`` math) or figures from
  `mvc.plotting.svg`. `which` finds the index of the one right option.
- `numeric`: a number, accepted within a stated absolute tolerance.
- `symbolic`: a formula, read in the browser by a small parser (no ``eval``) and
  accepted if it agrees with the answer at a few sample points. The build evaluates
  the sympy answer there and embeds the points and values, and the answer in LaTeX
  for the feedback.

Each question is a ``<div class="mvc-quiz">`` holding its answer key as JSON in
``data-key`` and a worked solution in a ``<details>`` that ``quiz.js`` keeps hidden
until the reader has answered right or tried twice, and then shows, closed, for the
reader to open (without JavaScript it stays a plain collapsible block). Text is escaped
as HTML and keeps its ``$...$`` for KaTeX; a blank line starts a new paragraph.

Inside ``with quiz.plain():`` the same calls return markdown instead, for a notebook
(``docs/hooks/notebooks.py``): the question, its options, and the answer with its worked
solution in a collapsible block, with no inputs and nothing to run.
"""

from __future__ import annotations

import contextlib
import contextvars
import html
import json
import math
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

__all__ = ["choice", "keys", "numeric", "plain", "symbolic", "which"]

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIGURE = '<figure class="mvc-figure"'
#: Functions the browser's parser knows, by the names sympy prints them with.
FUNCTIONS = (
    "sin",
    "cos",
    "tan",
    "exp",
    "log",
    "ln",
    "sqrt",
    "abs",
    "sinh",
    "cosh",
    "tanh",
    "asin",
    "acos",
    "atan",
)
_LETTERS = "ABCDEFGHIJ"
_markdown = contextvars.ContextVar("quiz_markdown", default=False)


@contextlib.contextmanager
def plain() -> Iterator[None]:
    """Within this block, `choice`, `numeric` and `symbolic` return markdown for a notebook.

    A notebook cannot check answers, so a question becomes plain text: the prompt, the
    options lettered as on the site, and the answer with its worked solution folded in a
    ``<details>`` block. Figure options stay HTML ``<figure>`` blocks, one per option.

    Examples
    --------
    >>> with plain():
    ...     text = numeric("half", "One half?", 0.5, tol=0.01, solution="It is $1/2$.")
    >>> print(text)
    **Self-check.** One half?
    <BLANKLINE>
    <details><summary>Answer and worked solution</summary>
    <BLANKLINE>
    **Answer:** 0.5 (answers within ±0.01 count).
    <BLANKLINE>
    It is $1/2$.
    <BLANKLINE>
    </details>
    """
    token = _markdown.set(True)
    try:
        yield
    finally:
        _markdown.reset(token)


def which(options: Sequence[Any], is_right: Callable[[Any], bool]) -> int:
    """The index of the one option for which `is_right` is true.

    Parameters
    ----------
    options : sequence
        The candidates, e.g. sympy expressions shown as a question's options.
    is_right : callable
        ``is_right(option) -> bool``, the computation that decides.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If no option or more than one is right: a question must have exactly one answer.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> which([2 * x, x**2 / 2, 3], lambda e: sp.diff(e, x) == x)
    1
    """
    right = [i for i, option in enumerate(options) if is_right(option)]
    if len(right) != 1:
        raise ValueError(
            f"`options` must have exactly one right option, got {len(right)}: {right}."
        )
    return right[0]


def choice(
    key: str,
    prompt: str,
    options: Sequence[str],
    answer: int,
    *,
    why: Sequence[str | None],
    solution: str,
    shuffle: bool = True,
) -> str:
    r"""A multiple-choice question: radio buttons, a reason for each wrong option.

    Parameters
    ----------
    key : str
        The question's name, unique on its page (lower case, digits and dashes): its HTML
        id and the key of its state in the browser.
    prompt : str
        The question, with ``$...$`` math.
    options : sequence of str
        The options' text, or figures made by `mvc.plotting.svg`.
    answer : int
        The index of the right option, computed (see `which`).
    why : sequence of str or None
        For each option, why it is wrong; the entry of the right option is ignored
        (``None`` by convention).
    solution : str
        The worked solution.
    shuffle : bool
        Show the options in an order drawn from a generator seeded by the key (the same
        at every build), so the right one is not always where the author wrote it. Pass
        ``False`` when the options are labelled (figures captioned A, B, ...).

    Returns
    -------
    str
        HTML for a markdown-exec fence with ``html="1"`` to print.

    Raises
    ------
    ValueError
        A bad key, fewer than two options, an answer out of range, or a wrong option
        without a reason.

    Examples
    --------
    >>> page = choice("sign", "Is $-x^2$ ever positive?", ["yes", "no"], 1,
    ...               why=["Squares are not negative.", None], solution="Squares are not negative.",
    ...               shuffle=False)
    >>> keys(page)["sign"]["answer"], page.count('type="radio"')
    (1, 2)
    """
    key = _check_key(key)
    if not 2 <= len(options) <= 10:
        raise ValueError(f"`options` must hold two to ten options, got {len(options)}.")
    if (
        not isinstance(answer, (int, np.integer))
        or isinstance(answer, bool)
        or not 0 <= answer < len(options)
    ):
        raise ValueError(
            f"`answer` must be an index into the {len(options)} options, got {answer!r}."
        )
    if len(why) != len(options):
        raise ValueError(f"`why` must give one entry per option ({len(options)}), got {len(why)}.")
    feedback = []
    for i, reason in enumerate(why):
        if i != answer and not (isinstance(reason, str) and reason.strip()):
            raise ValueError(f"`why` must say why option {i} is wrong, got {reason!r}.")
        feedback.append("" if i == answer else " ".join(reason.split()))  # shown as text
    order = (
        np.random.default_rng(zlib.crc32(key.encode())).permutation(len(options))
        if shuffle
        else np.arange(len(options))
    )
    options, feedback = [options[i] for i in order], [feedback[i] for i in order]
    answer = int(np.flatnonzero(order == answer)[0])
    figures = any(str(option).startswith(_FIGURE) for option in options)
    if _markdown.get():
        lettered = [_plain_option(i, option) for i, option in enumerate(options)]
        return _plain_question(prompt, lettered, f"**Answer: {_LETTERS[answer]}.**", solution)
    items = []
    for i, option in enumerate(options):
        body = option if str(option).startswith(_FIGURE) else f"<span>{_text(option)}</span>"
        # The letter names the option for a screen reader even when its text is all math.
        items.append(
            f'<li><label class="mvc-quiz-option">'
            f'<input type="radio" name="quiz-{key}" value="{i}"> '
            f'<span class="mvc-quiz-letter">{_LETTERS[i]}</span> {body}</label></li>'
        )
    grid = " mvc-quiz-grid" if figures else ""
    body = (
        f'<fieldset><legend class="mvc-quiz-prompt">{_text(prompt)}</legend>\n'
        f'<ul class="mvc-quiz-options{grid}">\n' + "\n".join(items) + "\n</ul></fieldset>"
    )
    return _question(key, "choice", {"answer": int(answer), "why": feedback}, body, solution)


def numeric(key: str, prompt: str, answer: float, *, tol: float, solution: str) -> str:
    """A question with a number for answer, accepted within an absolute tolerance.

    Parameters
    ----------
    key, prompt, solution : str
        As for `choice`.
    answer : float
        The right answer, computed.
    tol : float
        Answers within ``tol`` of `answer` are right; the question states it.

    Returns
    -------
    str
        HTML for a markdown-exec fence with ``html="1"`` to print.

    Raises
    ------
    ValueError
        A bad key, a non-finite answer, or ``tol <= 0``.

    Examples
    --------
    >>> page = numeric("root", "Give the square root of 2.", 2**0.5, tol=1e-3,
    ...                solution="It is 1.414...")
    >>> keys(page)["root"]["tol"], "within ±0.001" in page
    (0.001, True)
    """
    key = _check_key(key)
    answer, tol = _finite(answer, "answer"), _finite(tol, "tol")
    if tol <= 0:
        raise ValueError(f"`tol` must be positive, got {tol!r}.")
    within = f"±{np.format_float_positional(tol, trim='-')}"
    if _markdown.get():
        shown = np.format_float_positional(answer, precision=12, trim="-")
        return _plain_question(
            prompt, [], f"**Answer:** {shown} (answers within {within} count).", solution
        )
    body = _input(key, prompt, f"a number, within {within}", "decimal")
    return _question(key, "numeric", {"answer": answer, "tol": tol}, body, solution)


def symbolic(
    key: str,
    prompt: str,
    answer: Any,
    variables: Sequence[Any],
    *,
    solution: str,
    domain: tuple[float, float] = (0.3, 1.7),
    n_points: int = 6,
    rtol: float = 1e-6,
) -> str:
    r"""A question with a formula for answer, accepted if it agrees at sample points.

    Parameters
    ----------
    key, prompt, solution : str
        As for `choice`.
    answer : sympy.Expr
        The right answer, computed with sympy.
    variables : sequence of sympy.Symbol
        The variables the reader may use, in the order the points list them.
    domain : (float, float)
        Each variable is sampled uniformly in this interval (away from 0 by default, so
        $\sqrt{x}$, $\ln x$ and $1/x$ are defined).
    n_points : int
        How many sample points to embed (points where the answer is not finite are skipped).
    rtol : float
        The reader's value $u$ matches the answer $v$ if
        $|u - v| \le \mathrm{rtol}\,\max(1, |v|)$ at every point.

    Returns
    -------
    str
        HTML for a markdown-exec fence with ``html="1"`` to print.

    Raises
    ------
    ValueError
        A bad key, no variables, a name the browser cannot read, a function the parser
        does not know, or fewer than three points where the answer is finite.

    Notes
    -----
    The points are drawn from a generator seeded by the key, so two builds embed the
    same points. Two different formulas that agree at six random points by chance are
    vanishingly rare; equivalent forms always agree.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> page = symbolic("cube", "Differentiate $x^3$.", sp.diff(x**3, x), [x], solution="$3x^2$")
    >>> data = keys(page)["cube"]
    >>> data["variables"], len(data["points"]), data["values"][0] == 3 * data["points"][0][0]**2
    (['x'], 6, True)
    """
    import sympy as sp

    key = _check_key(key)
    names = [str(v) for v in variables]
    if not names or not all(isinstance(v, sp.Symbol) for v in variables):
        raise ValueError(
            f"`variables` must be a non-empty list of sympy symbols, got {variables!r}."
        )
    for name in names:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or name in FUNCTIONS + ("e", "pi"):
            raise ValueError(
                f"`variables` must have plain names, not functions or constants, got {name!r}."
            )
    answer = sp.sympify(answer)
    unknown = {str(f.func) for f in answer.atoms(sp.Function)} - set(FUNCTIONS) - {"Abs"}
    if unknown:
        raise ValueError(f"`answer` uses functions the browser cannot read: {sorted(unknown)}.")
    extra = answer.free_symbols - set(variables)
    if extra:
        raise ValueError(
            f"`answer` has symbols that are not `variables`: {sorted(map(str, extra))}."
        )
    f = sp.lambdify(list(variables), answer, "math")
    rng = np.random.default_rng(zlib.crc32(key.encode()))
    points, values = [], []
    for point in rng.uniform(*domain, size=(4 * n_points, len(names))).round(4):
        try:
            value = float(f(*point))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            continue
        if math.isfinite(value):
            points.append(point.tolist())
            values.append(value)
        if len(points) == n_points:
            break
    if len(points) < 3:
        raise ValueError(
            f"`answer` must be finite at three points of `domain` {domain}, got {len(points)}."
        )
    latex = sp.latex(answer)
    if _markdown.get():
        return _plain_question(prompt, [], f"**Answer:** ${latex}$", solution)
    body = _input(key, prompt, "a formula in " + ", ".join(names), "text")
    data = {
        "variables": names,
        "points": points,
        "values": values,
        "rtol": float(rtol),
        "answer": str(answer),
        "latex": latex,
    }
    return _question(key, "symbolic", data, body, solution)


_QUESTION = re.compile(
    r'<div class="mvc-quiz" id="quiz-([a-z0-9-]+)" data-kind="(\w+)" data-key=\'([^\']*)\'>'
)


def keys(page: str) -> dict[str, dict]:
    """The answer keys of the questions in `page` (HTML), by question key.

    Each is the data the browser checks against, plus ``"kind"``. The tests use it to
    recompute every key independently.

    Examples
    --------
    >>> keys(numeric("half", "One half?", 0.5, tol=0.01, solution="1/2."))
    {'half': {'answer': 0.5, 'tol': 0.01, 'kind': 'numeric'}}
    """
    return {
        m[1]: {**json.loads(html.unescape(m[3])), "kind": m[2]} for m in _QUESTION.finditer(page)
    }


# --- HTML ---------------------------------------------------------------------------------


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"`key` must be lower case letters, digits and dashes, got {key!r}.")
    return key


def _finite(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a real number, got {value!r}.") from None
    if not math.isfinite(number):
        raise ValueError(f"`{name}` must be finite, got {number!r}.")
    return number


def _text(text: Any) -> str:
    """Plain text (with $math$ and `code`) as HTML: escaped, blank lines between paragraphs."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a question's text must be a non-empty string, got {text!r}.")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip())]
    escaped = [
        re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(p, quote=False)) for p in paragraphs
    ]
    return escaped[0] if len(escaped) == 1 else "".join(f"<p>{p}</p>" for p in escaped)


def _input(key: str, prompt: str, hint: str, mode: str) -> str:
    return (
        f'<p class="mvc-quiz-prompt" id="quiz-{key}-prompt">{_text(prompt)}</p>\n'
        f'<form class="mvc-quiz-form"><label for="quiz-{key}-input">Your answer '
        f'<span class="mvc-quiz-hint">({html.escape(hint)})</span></label> '
        f'<input id="quiz-{key}-input" type="text" inputmode="{mode}" autocomplete="off" '
        f'spellcheck="false" aria-describedby="quiz-{key}-prompt"> '
        f'<button type="submit" class="md-button">Check</button></form>'
    )


def _question(key: str, kind: str, data: dict, body: str, solution: str) -> str:
    payload = html.escape(json.dumps(data, ensure_ascii=False), quote=True)
    return (
        f'<div class="mvc-quiz" id="quiz-{key}" data-kind="{kind}" data-key=\'{payload}\'>\n'
        f"{body}\n"
        f'<p class="mvc-quiz-feedback" role="status" aria-live="polite"></p>\n'
        f'<details class="mvc-quiz-solution"><summary>Worked solution</summary>'
        f"{_text(solution) if '<p>' in _text(solution) else '<p>' + _text(solution) + '</p>'}"
        f"</details>\n</div>"
    )


# --- markdown, for a notebook -------------------------------------------------------------


def _paragraphs(text: Any) -> str:
    """Text as markdown paragraphs (blank lines between them), checked like `_text`."""
    _text(text)
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()))


def _plain_option(i: int, option: str) -> str:
    if str(option).startswith(_FIGURE):
        return f"**{_LETTERS[i]}.**\n\n{option.strip()}"
    return f"**{_LETTERS[i]}.** {_paragraphs(option)}"


def _plain_question(prompt: str, options: list[str], answer: str, solution: str) -> str:
    parts = [
        f"**Self-check.** {_paragraphs(prompt)}",
        *options,
        "<details><summary>Answer and worked solution</summary>",
        answer,
        _paragraphs(solution),
        "</details>",
    ]
    return "\n\n".join(parts)
