"""Markdown code fences in a response, found in one linear pass over its lines.

A fence line is a line whose first non-blank characters (spaces and tabs) are three backticks.
Outside a block, a fence line opens one; its tag is the word that follows the backticks
(``python``, ``py3``, ``c++``; lowercased; empty when untagged). Inside a block, the next fence
line closes it (whatever follows its backticks). Lines are split on ``\\n`` only, as the regular
expressions this replaces did with ``^``; one regular-expression pass finds the fence lines,
with nothing to backtrack into, so a degenerate response (a fence opener followed by 100 KB of
one word) costs one pass, not a quadratic search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAG = re.compile(r"[\w+.#-]*")
# a fence line and the rest of it: the engine tries only at line starts, and nothing follows
# the final [^\n]* to backtrack into
_FENCE_LINE = re.compile(r"^[ \t]*```([^\n]*)", re.MULTILINE)


@dataclass(frozen=True)
class Fence:
    """One block: its ``tag``, its ``body`` (the text between the fence lines, each body line
    with its ``\\n``), whether it was ``closed``, and its position among the blocks."""

    tag: str
    body: str
    closed: bool
    index: int


def fences(text: str) -> list[Fence]:
    """Every block of ``text`` in order; only the last may be unclosed."""
    found: list[Fence] = []
    tag: str | None = None
    body_start = 0
    for line in _FENCE_LINE.finditer(text):
        if tag is None:
            tag = _TAG.match(line.group(1).lstrip(" \t")).group().lower()
            body_start = line.end() + 1  # past the opener's "\n" (or one past the end)
        else:
            found.append(Fence(tag, text[body_start : line.start()], True, len(found)))
            tag = None
    if tag is not None:
        found.append(Fence(tag, text[body_start:], False, len(found)))
    return found
