"""LaTeX helpers shared by problem loaders and verifiers: the last ``\\boxed{}`` of a text, and
the numbers a text writes.

A neutral, lower module: ``benchmarks/`` reads gold answers from boxed solutions with it, and
``verifiers/`` reads models' final answers, without a loader importing a verifier; both tell
with ``number_values`` whether an answer already stands in its question.
"""

from __future__ import annotations

import re

BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")
# a plain number as written: 7, 1,000, 2.5 (a sign is not part of it: "11-7" writes 11 and 7)
NUMBER_TOKEN_RE = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")


def last_boxed(text: str) -> str | None:
    """The content of the last complete ``\\boxed{...}``/``\\fbox{...}`` in ``text``, or None.

    Braces are balanced; a box left open (a truncated response) does not count.
    """
    found = None
    for match in BOX_RE.finditer(text):
        content = balanced(text, match.end())
        if content is not None:
            found = content
    return found.strip() if found is not None else None


def balanced(text: str, start: int) -> str | None:
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


def number_values(text: str) -> frozenset[float]:
    """The values of the plain numbers ``text`` writes (``1,000`` is 1000; signs are dropped):
    whether an answer's number already stands in a question."""
    return frozenset(float(m.group(0).replace(",", "")) for m in NUMBER_TOKEN_RE.finditer(text))
