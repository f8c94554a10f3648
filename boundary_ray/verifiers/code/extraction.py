"""Find the program in a model's response, and say which rule found it.

Rules, tried in this order:

- ``fenced``: for a functional problem, the last closed ```` ```python ```` block that defines
  the entry point at column 0 (``def``, ``class`` or an assignment), else the last closed
  block: LiveCodeBench takes the last block, evalplus' sanitizer the code that defines the
  entry point, so an example-usage block after the solution is not graded, however long;
  untagged ```` ``` ```` blocks count only when no block is tagged Python; blocks tagged with
  another language never count; empty blocks neither;
- ``fenced_open``: an opened but never closed Python block at the end of the response, when
  the model stopped by itself (for a functional problem it comes before closed blocks that do
  not define the entry point when it does);
- ``fenced_open_sanitized``: the same block cut off by the token limit, for a functional
  problem: ``sanitize`` keeps the entry point and what it uses from the longest parseable
  prefix (evalplus' sanitizer), only when the entry point provably ended before the cut; a
  function cut off mid-body is not an answer;
- ``completion``: no fence and a functional problem: the response continues the problem's
  prompt (a base model completing the signature), cut at the first top-level line that starts
  something new (the HumanEval stop sequences: ``def``, ``class``, ``if``, ``print``, ``#``);
  ``completion_sanitized``: cut off by the token limit before any stop line: the prompt and
  its continuation, sanitized as above;
- ``unfenced_sanitized``: no fence, a functional problem, and the response does not continue
  the prompt (its text up to the first stop line has no code, or does not parse after the
  prompt) but defines the entry point at column 0 (prose before the code): the code span
  around that definition, the way evalplus' sanitizer takes it
  (``sanitize.sanitize_span``); the prompt goes in front as for a fenced block;
- ``raw``: no fence and a stdio problem: the whole response, when it parses as Python.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from boundary_ray.verifiers.code.fences import Fence, fences
from boundary_ray.verifiers.code.sanitize import definition_pattern, sanitize, sanitize_span

RULES = (
    "fenced",
    "fenced_open",
    "fenced_open_sanitized",
    "completion",
    "completion_sanitized",
    "unfenced_sanitized",
    "raw",
)
PYTHON_TAGS = {"python", "python3", "py", "py3"}

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
    found = fences(response)
    closed = [f for f in found if f.closed and f.body.strip()]
    blocks = [f for f in closed if f.tag in PYTHON_TAGS] or [f for f in closed if not f.tag]
    opened = _open_block(found)
    if entry_point:  # the last complete block that defines the entry point
        defining = definition_pattern(entry_point)
        chosen = [f for f in blocks if _defines(f.body, defining)]
        if chosen:
            return ExtractedCode(chosen[-1].body, "fenced")
        if opened is not None and _defines(opened, defining):
            return _from_open_block(opened, finish_reason, entry_point)
    if blocks:
        return ExtractedCode(blocks[-1].body, "fenced")
    if opened is not None:
        return _from_open_block(opened, finish_reason, entry_point)
    if found:  # fenced, but not Python
        return None
    if completes_prompt:
        parts = _STOP_RE.split(response, maxsplit=1)
        continues = _has_code(parts[0]) and _parses(prompt + parts[0])
        if entry_point and not continues and _defines(response, definition_pattern(entry_point)):
            kept = sanitize_span(response, entry_point, truncated=finish_reason == "length")
            if kept is not None:
                return ExtractedCode(kept, "unfenced_sanitized")
        if len(parts) == 1 and finish_reason == "length" and entry_point:
            kept = sanitize(prompt + response, entry_point)  # no stop line before the cut
            return None if kept is None else ExtractedCode(kept, "completion_sanitized")
        return ExtractedCode(parts[0], "completion")
    if not _parses(response):
        return None
    return ExtractedCode(response, "raw")


def _from_open_block(
    opened: str, finish_reason: str | None, entry_point: str | None
) -> ExtractedCode | None:
    if not opened.strip():
        return None
    if finish_reason != "length":
        return ExtractedCode(opened, "fenced_open")
    kept = sanitize(opened, entry_point) if entry_point else None
    return None if kept is None else ExtractedCode(kept, "fenced_open_sanitized")


def _defines(code: str, pattern: re.Pattern[str]) -> bool:
    """Whether a line of ``code`` defines the entry point at column 0 (``pattern``)."""
    return pattern.search(code) is not None


def _has_code(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.split("\n"))


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _open_block(found: list[Fence]) -> str | None:
    """The body of the last block when it is a Python (or untagged) block never closed."""
    if not found or found[-1].closed or found[-1].tag not in PYTHON_TAGS | {""}:
        return None
    return found[-1].body
