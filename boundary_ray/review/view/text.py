"""A response cut into plain-text pieces for the page: before, the extracted answer, after.

The template writes each piece as escaped text and wraps the middle one in ``<mark>``; the
browser's math renderer (KaTeX's auto-render, over text nodes) then typesets what the pieces
hold. So that a formula is never split by the mark, the mark grows to the whole math span
(``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``) the answer stands in. Model output is
hostile: every step here is linear in the text's length (``str.find``/``rfind`` and one pass
over the delimiters), the text is cut at ``MAX_CHARS`` for display, and nothing is ever
turned into markup on the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from boundary_ray.common.latex import BOX_RE, balanced

MAX_CHARS = 100_000  # a response longer than this is shown cut (the JSON API has it whole)
BOX_TRIES = 8  # \boxed{ openings tried from the end (each a linear scan for its brace)
OPENERS = re.compile(r"\$\$|\$|\\\[|\\\(")
CLOSERS = {"$$": "$$", "$": "$", "\\[": "\\]", "\\(": "\\)"}


@dataclass(frozen=True)
class Pieces:
    """``before`` + ``answer`` + ``after`` is the (cut) text; ``cut``: how many characters
    were left out at the end (0 when none)."""

    before: str
    answer: str
    after: str
    cut: int = 0


def math_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each delimited formula, left to right, in one pass: an opener
    whose closer never follows is plain text, and so is every later opener of its kind."""
    spans: list[tuple[int, int]] = []
    unclosed: set[str] = set()
    position = 0
    while True:
        match = OPENERS.search(text, position)
        if match is None:
            return spans
        opener = match.group(0)
        start = match.end()
        if opener in unclosed:
            position = start
            continue
        end = text.find(CLOSERS[opener], start)
        if end < 0:
            unclosed.add(opener)
            position = start
            continue
        spans.append((match.start(), end + len(CLOSERS[opener])))
        position = end + len(CLOSERS[opener])


def answer_span(text: str, answer: str | None, rule: str | None) -> tuple[int, int] | None:
    """Where the extracted answer stands: the last complete ``\\boxed{...}`` for the boxed
    rule, else the answer's last verbatim occurrence; None when neither is found."""
    if rule and rule.startswith("boxed"):
        starts = [m for m in BOX_RE.finditer(text)][-BOX_TRIES:]
        for match in reversed(starts):
            content = balanced(text, match.end())
            if content is not None:
                return match.start(), match.end() + len(content) + 1
    if answer:
        at = text.rfind(answer)
        if at >= 0:
            return at, at + len(answer)
    return None


def response_pieces(text: str | None, answer: str | None, rule: str | None) -> Pieces:
    """``text`` (cut at ``MAX_CHARS``) in three pieces around its extracted answer, the answer
    piece grown to the formula that holds it; the whole text is ``before`` when not found."""
    text = text or ""
    cut = max(0, len(text) - MAX_CHARS)
    if cut:
        text = text[:MAX_CHARS]
    span = answer_span(text, answer, rule)
    if span is None:
        return Pieces(text, "", "", cut)
    start, end = span
    for low, high in math_spans(text):
        if low < end and start < high:  # the answer touches this formula: take it whole
            start, end = min(start, low), max(end, high)
        elif low >= end:
            break
    return Pieces(text[:start], text[start:end], text[end:], cut)
