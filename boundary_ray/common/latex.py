"""LaTeX helpers shared by problem loaders and verifiers: the last ``\\boxed{}`` of a text.

A neutral, lower module: ``benchmarks/`` reads gold answers from boxed solutions with it, and
``verifiers/`` reads models' final answers, without a loader importing a verifier.
"""

from __future__ import annotations

import re

BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")


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
