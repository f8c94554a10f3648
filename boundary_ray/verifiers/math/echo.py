"""An echo is not an answer: the last-number rule must not take a number copied from the question.

A base model asked "What is 11 - 7 - 2?" that writes ``11 - 7 - 2`` (or ``11, 7 and 2.``) ends
in 2, the gold, without computing anything. The last-number fallback reads such a number only
when a computation in the response ends in it: ``=`` (or ``≈``, ``\\approx``, "equals") stands
right before it, there or where the response wrote it before ("12 / 4 = 3. She needs 3 more
days."), and that computation is not itself copied from the question (``a = 5`` where the
question says ``a = 5.``). Explicit answers (``\\boxed{}``, "the answer is", "####") are never
echoes: the response states them as its answer.

Plain string work, linear in the response and the question (bounded look-back per number).
"""

from __future__ import annotations

import re

from boundary_ray.common.latex import NUMBER_TOKEN_RE, number_values

# what ends a computation right before its result: "= 2", "=$2$", "\approx 2", "equals 2"
_RESULT_MARKS = ("=", "≈", "\\approx", "\\simeq", "equals", "is equal to")
_PADDING = " \t\n$*{"
_MATH_CHARS = " \t+-*/^()[]{}_.,'\\"
_LOOK_BACK = 200  # characters of a computation read before its result, at most
_MAX_CHECKED = 256  # occurrences of the last number checked for a computation, the last ones


def echo_reason(response: str, question: str | None) -> str | None:
    """Why the last number of ``response`` is no answer to ``question`` (it only repeats one
    of the question's numbers, and no computation ends in it), or None when it may count."""
    if not question or not response:
        return None
    tokens = list(NUMBER_TOKEN_RE.finditer(response))
    if not tokens:
        return None
    last = tokens[-1]
    value = float(last.group(0).replace(",", ""))
    if value not in number_values(question):
        return None
    same = [t for t in tokens if float(t.group(0).replace(",", "")) == value]
    asked = _compact(question)
    for token in same[-_MAX_CHECKED:]:  # "12 / 4 = 3 days. So she needs 3 more days": computed
        before = response[max(0, token.start() - _LOOK_BACK) : token.start()]
        computation = _computation(before)
        if computation is not None and _compact(computation + token.group(0)) not in asked:
            return None
    return (
        f"the last number {last.group(0)} only repeats the question "
        "(no '=' or answer statement ends in it)"
    )


def _computation(before: str) -> str | None:
    """The computation that ``before`` ends with, up to its result mark (``11 - 7 - 2 =``), or
    None when no ``=`` (``≈``, "equals", ...) stands at its end, spacing and ``$`` aside."""
    tail = before.rstrip(_PADDING)
    for opening in ("\\(", "\\["):
        tail = tail.removesuffix(opening).rstrip(_PADDING)
    mark = next((m for m in _RESULT_MARKS if tail.lower().endswith(m)), None)
    if mark is None:
        return None
    left = tail[: len(tail) - len(mark)]
    return left[_left_side_start(left) :] + mark


def _left_side_start(text: str) -> int:
    """Where the math before an ``=`` at the end of ``text`` starts: digits, operators,
    brackets, single letters and LaTeX commands, back to the first word (``We know a``: ``a``)."""
    i = len(text)
    while i > 0:
        char = text[i - 1]
        if char.isdigit() or char in _MATH_CHARS:
            i -= 1
            continue
        if not char.isalpha():
            break
        j = i - 1
        while j > 0 and text[j - 1].isalpha():
            j -= 1
        if j > 0 and text[j - 1] == "\\":
            i = j - 1  # a command: \frac, \times
        elif i - j == 1:
            i = j  # a variable
        else:
            break  # a word
    return i


def _compact(text: str) -> str:
    return re.sub(r"[\s$*]|\\[()\[\]]", "", text)
