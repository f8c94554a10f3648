"""Find the program in a model's response, and say which rule found it.

Rules, tried in this order:

- ``fenced``: the longest closed ```` ```python ```` block (the last one on a tie); untagged
  ```` ``` ```` blocks count only when no block is tagged Python; blocks tagged with another
  language never count;
- ``fenced_open``: an opened but never closed Python block at the end of the response, when
  the model stopped by itself;
- ``fenced_open_sanitized``: the same block cut off by the token limit, for a functional
  problem: ``sanitize`` keeps the entry point and what it uses from the longest parseable
  prefix (evalplus' sanitizer), only when the entry point provably ended before the cut; a
  function cut off mid-body is not an answer;
- ``completion``: no fence and a functional problem: the response continues the problem's
  prompt (a base model completing the signature), cut at the first top-level line that starts
  something new (the HumanEval stop sequences: ``def``, ``class``, ``if``, ``print``, ``#``);
  ``completion_sanitized``: cut off by the token limit before any stop line: the prompt and
  its continuation, sanitized as above;
- ``raw``: no fence and a stdio problem: the whole response, when it parses as Python.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from boundary_ray.verifiers.code.sanitize import sanitize

RULES = (
    "fenced",
    "fenced_open",
    "fenced_open_sanitized",
    "completion",
    "completion_sanitized",
    "raw",
)
PYTHON_TAGS = {"python", "python3", "py", "py3"}

_FENCE_RE = re.compile(
    r"^[ \t]*```[ \t]*([\w+.#-]*)[^\n]*\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE
)
_OPEN_FENCE_RE = re.compile(r"^[ \t]*```[ \t]*([\w+.#-]*)[^\n]*\n", re.MULTILINE)
_STOP_RE = re.compile(r"\n(?=def |class |if |print\(|#|assert |```)")


@dataclass(frozen=True)
class ExtractedCode:
    """The program text taken from a response, and the rule (one of ``RULES``) that found it."""

    code: str
    rule: str


def extract_code(
    response: str | None,
    finish_reason: str | None = None,
    completes_prompt: bool = False,
    entry_point: str | None = None,
    prompt: str = "",
) -> ExtractedCode | None:
    """The program in ``response``, or ``None`` when there is none.

    ``completes_prompt``: the problem is functional, so an unfenced response is read as the
    continuation of the problem's prompt (the caller puts the prompt in front). ``entry_point``
    (and the problem's ``prompt``): a truncated response is sanitized to that function.
    """
    if not response or not response.strip():
        return None
    blocks = [(tag.lower(), body) for tag, body in _FENCE_RE.findall(response)]
    python = [body for tag, body in blocks if tag in PYTHON_TAGS]
    untagged = [body for tag, body in blocks if not tag]
    chosen = python or untagged
    if chosen:
        best = max(range(len(chosen)), key=lambda i: (len(chosen[i].strip()), i))
        if chosen[best].strip():
            return ExtractedCode(chosen[best], "fenced")
    opened = _open_block(response)
    if opened is not None:
        if not opened.strip():
            return None
        if finish_reason != "length":
            return ExtractedCode(opened, "fenced_open")
        kept = sanitize(opened, entry_point) if entry_point else None
        return None if kept is None else ExtractedCode(kept, "fenced_open_sanitized")
    if blocks:  # fenced, but not Python
        return None
    if completes_prompt:
        parts = _STOP_RE.split(response, maxsplit=1)
        if len(parts) == 1 and finish_reason == "length" and entry_point:
            kept = sanitize(prompt + response, entry_point)  # no stop line before the cut
            return None if kept is None else ExtractedCode(kept, "completion_sanitized")
        return ExtractedCode(parts[0], "completion")
    try:
        ast.parse(response)
    except (SyntaxError, ValueError):
        return None
    return ExtractedCode(response, "raw")


def _open_block(response: str) -> str | None:
    """The text after the last fence opener when that fence is never closed."""
    openers = list(_OPEN_FENCE_RE.finditer(response))
    if not openers or response.count("```") % 2 == 0:
        return None
    last = openers[-1]
    if last.group(1).lower() not in PYTHON_TAGS | {""}:
        return None
    return response[last.end() :]
