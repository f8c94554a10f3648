"""Where top-level statements start in Python text, in one linear pass (no parsing, no
backtracking): the lines that begin at column 0 outside brackets, strings and line
continuations, and are neither blank nor a comment.

``sanitize`` cuts a truncated program only at these lines (a cut anywhere else cannot give
a parseable prefix), and takes them as the proof that a definition ended before the cut. Strings
follow Python's rules for where they end (``'`` and ``"`` end at the same quote or the end of the
line, triple quotes at the same three, a backslash escapes the next character, also in raw
strings); an f-string's braces are not looked into (Python 3.11 allows no nested quotes of the
same kind there).
"""

from __future__ import annotations

import re

_EVENT = re.compile(r"""'''|\"\"\"|['"#\\()\[\]{}\n]""")
_STRING_END = {
    "'": re.compile(r"(?:[^'\\\n]|\\(?:.|\n))*(?:'|(?=\n)|\Z)"),
    '"': re.compile(r'(?:[^"\\\n]|\\(?:.|\n))*(?:"|(?=\n)|\Z)'),
    "'''": re.compile(r"(?:[^'\\]|\\(?:.|\n)|'(?!''))*(?:'''|\Z)"),
    '"""': re.compile(r'(?:[^"\\]|\\(?:.|\n)|"(?!""))*(?:"""|\Z)'),
}
_OPENERS, _CLOSERS = "([{", ")]}"


def statement_starts(text: str) -> list[int]:
    """1-based numbers of the lines (split on ``\\n``) that start a top-level statement, the
    first line included when it does, in increasing order."""
    starts = [1] if text[:1] not in ("", " ", "\t", "\n", "#", "\r", "\f") else []
    depth = 0
    line = 1
    position = 0
    size = len(text)
    while position < size:
        event = _EVENT.search(text, position)
        if event is None:
            break
        token, position = event.group(), event.end()
        if token == "\n":
            line += 1
            if depth == 0 and text[position : position + 1] not in ("", " ", "\t", "\n", "#", "\r"):
                starts.append(line)
        elif token == "#":
            newline = text.find("\n", position)
            position = size if newline < 0 else newline
        elif token == "\\":  # a line continuation (or a stray backslash): the next character
            if text[position : position + 1] == "\n":
                line += 1
            position += 1
        elif token in _OPENERS:
            depth += 1
        elif token in _CLOSERS:
            depth = max(0, depth - 1)
        else:
            end = _STRING_END[token].match(text, position).end()
            line += text.count("\n", position, end)
            position = end
    return starts
