"""Find the final answer in a model's response, and say which rule found it.

Rules, tried in this order (the first that finds something wins):

- ``boxed``: the last complete ``\\boxed{...}`` or ``\\fbox{...}`` (balanced braces);
- ``answer_is``: the last "the answer is X" (also "final answer: X");
- ``hashes``: the last "#### X" (the GSM8K convention);
- ``last_number``: the last number in the text (GSM8K-style last resort).

A response cut off by the token limit (``finish_reason == 'length'``) only counts an explicit
answer (the first three rules): a number that happens to stand last in a truncated chain of
thought is a guess, not an answer (DESIGN.md, "the lake").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from boundary_ray.verifiers.math_text import THOUSANDS_RE

RULES = ("boxed", "answer_is", "hashes", "last_number")
EXPLICIT_RULES = ("boxed", "answer_is", "hashes")

_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")
_ANSWER_IS_RE = re.compile(
    r"(?:the\s+(?:final\s+)?answer\s+is|final\s+answer\s*:)\s*:?", re.IGNORECASE
)
_HASHES_RE = re.compile(r"####\s*([^\n]*)")
_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")


@dataclass(frozen=True)
class Extraction:
    """An extracted final answer and the rule (one of ``RULES``) that found it."""

    answer: str
    rule: str


def extract_answer(response: str | None, finish_reason: str | None = None) -> Extraction | None:
    """The final answer of ``response`` and its rule, or ``None`` when no rule finds one.

    When ``finish_reason == 'length'`` (truncated), ``last_number`` is not tried.
    """
    if not response:
        return None
    truncated = finish_reason == "length"
    for rule, finder in _FINDERS:
        if truncated and rule not in EXPLICIT_RULES:
            continue
        answer = finder(response)
        if answer:
            return Extraction(answer, rule)
    return None


def last_boxed(text: str) -> str | None:
    """The content of the last complete ``\\boxed{...}``/``\\fbox{...}`` in ``text``, or None.

    Braces are balanced; a box left open (a truncated response) does not count.
    """
    found = None
    for match in _BOX_RE.finditer(text):
        content = _balanced(text, match.end())
        if content is not None:
            found = content
    return found.strip() if found is not None else None


def _balanced(text: str, start: int) -> str | None:
    """The text from ``start`` up to the brace that closes the one just before it."""
    depth = 1
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":  # skip escaped characters such as \{ and \}
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start:i]
        i += 1
    return None


def _find_answer_is(text: str) -> str | None:
    matches = list(_ANSWER_IS_RE.finditer(text))
    for match in reversed(matches):
        answer = _clean_phrase(text[match.end() :].split("\n", 1)[0])
        if answer:
            return answer
    return None


def _find_hashes(text: str) -> str | None:
    matches = _HASHES_RE.findall(text)
    for raw in reversed(matches):
        answer = _clean_phrase(raw)
        if answer:
            return answer
    return None


def _find_last_number(text: str) -> str | None:
    numbers = _NUMBER_RE.findall(text)
    if not numbers:
        return None
    number = numbers[-1].rstrip(",")
    if THOUSANDS_RE.match(number):
        number = number.replace(",", "")
    return number.rstrip(",") or None


def _clean_phrase(text: str) -> str:
    """Trim the rest of a line after "the answer is" / "####" to the answer itself."""
    text = text.strip().replace("**", "").strip()
    for open_, close in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if text.startswith(open_):
            end = text.find(close, len(open_))
            if end > 0:
                return text[len(open_) : end].strip().rstrip(".").strip()
    # plain text: stop at the end of the sentence (a period not inside a number)
    text = re.split(r"\.(?:\s|$)", text, maxsplit=1)[0]
    return text.strip().strip("$").strip()


_FINDERS = (
    ("boxed", last_boxed),
    ("answer_is", _find_answer_is),
    ("hashes", _find_hashes),
    ("last_number", _find_last_number),
)
