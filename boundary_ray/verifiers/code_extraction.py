"""Find the program in a model's response, and say which rule found it.

Rules, tried in this order:

- ``fenced``: the longest closed ```` ```python ```` block (the last one on a tie); untagged
  ```` ``` ```` blocks count only when no block is tagged Python; blocks tagged with another
  language never count;
- ``fenced_open``: an opened but never closed Python block at the end of the response, only
  when the model stopped by itself (a block cut off by the token limit is not an answer);
- ``completion``: no fence and a functional problem: the response continues the problem's
  prompt (a base model completing the signature), cut at the first top-level line that starts
  something new (the HumanEval stop sequences: ``def``, ``class``, ``if``, ``print``, ``#``);
- ``raw``: no fence and a stdio problem: the whole response, when it parses as Python.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

RULES = ("fenced", "fenced_open", "completion", "raw")
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
    response: str | None, finish_reason: str | None = None, completes_prompt: bool = False
) -> ExtractedCode | None:
    """The program in ``response``, or ``None`` when there is none.

    ``completes_prompt``: the problem is functional, so an unfenced response is read as the
    continuation of the problem's prompt (the caller puts the prompt in front).
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
        if finish_reason == "length" or not opened.strip():
            return None
        return ExtractedCode(opened, "fenced_open")
    if blocks:  # fenced, but not Python
        return None
    if completes_prompt:
        return ExtractedCode(_STOP_RE.split(response, maxsplit=1)[0], "completion")
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
