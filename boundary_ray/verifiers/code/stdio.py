"""Stdout comparison for stdio problems: LiveCodeBench's rule as the floor, never laxer.

LiveCodeBench (``lcb_runner/evaluation/testing_util.py``, ``grade_stdio``) strips the whole
output, splits it on ``\\n``, strips each line, needs as many lines as expected, and accepts a
line when it is equal as text or when *every* token of both lines converts to
``decimal.Decimal`` and the two lists are equal: a line that mixes words and numbers
(``Case #1: 7.0`` for ``Case #1: 7``) is compared as text only. This module does the same with
these tightenings:

- whitespace is ASCII only (`` \\t\\r\\f\\v``; ``\\n`` splits lines): ``\\u2028``, ``\\x1c`` or
  ``\\x85`` are characters, not separators;
- a token is a number only when it is an ASCII numeral (``[+-]?digits[.digits][e[+-]digits]``):
  no ``inf``/``nan``/``Infinity``, no ``1_0``, no non-ASCII digits (which ``Decimal`` and
  ``float`` accept); numbers are compared exactly (``Decimal``), so integers are exact at any
  size and ``1.0`` equals ``1`` as in LiveCodeBench;
- ``float_tol`` (off unless a problem's tests carry it): a token within ``float_tol`` (absolute,
  or relative to the expected value when that is larger than 1) is accepted only where the
  *expected* token is written as a float (has ``.`` or an exponent).
"""

from __future__ import annotations

import re
from decimal import Decimal

_WHITESPACE = " \t\r\f\v"
_SPLIT = re.compile(r"[ \t\r\f\v]+")
_NUMERAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FLOAT_MARK = re.compile(r"[.eE]")


def outputs_match(got: str, expected: str, float_tol: float | None = None) -> bool:
    """Whether stdout ``got`` is accepted for ``expected`` (module docstring)."""
    got_lines, expected_lines = _lines(got), _lines(expected)
    if len(got_lines) != len(expected_lines):
        return False
    return all(_line_match(g, e, float_tol) for g, e in zip(got_lines, expected_lines, strict=True))


def _lines(text: str) -> list[str]:
    return [line.strip(_WHITESPACE) for line in text.strip(_WHITESPACE + "\n").split("\n")]


def _line_match(got: str, expected: str, float_tol: float | None) -> bool:
    if got == expected:
        return True
    got_tokens = [t for t in _SPLIT.split(got) if t]
    expected_tokens = [t for t in _SPLIT.split(expected) if t]
    if len(got_tokens) != len(expected_tokens):
        return False
    if not all(_NUMERAL.fullmatch(t) for t in got_tokens + expected_tokens):
        return False  # not a line of numbers: only equal text passes
    return all(
        _token_match(g, e, float_tol) for g, e in zip(got_tokens, expected_tokens, strict=True)
    )


def _token_match(got: str, expected: str, float_tol: float | None) -> bool:
    if got == expected:
        return True
    if not (_NUMERAL.fullmatch(got) and _NUMERAL.fullmatch(expected)):
        return False
    try:
        a, b = Decimal(got), Decimal(expected)
    except ArithmeticError:  # decimal.InvalidOperation
        return False
    if a == b:
        return True
    if not float_tol or not _FLOAT_MARK.search(expected):
        return False
    try:
        return abs(a - b) <= Decimal(str(float_tol)) * max(Decimal(1), abs(b))
    except ArithmeticError:  # exponents past the decimal context's range
        return False
