"""Multiple-choice answers in math sets (AMC): the option letter, alone or with its value.

AMC solutions end in ``\\textbf{(C)}\\ 12`` -- the letter and the value of that option. When a
problem's gold is the letter, the letter is what is graded; the value beside it cannot be
checked without the options, so it neither helps nor hurts. When the gold is a value (AMC23),
the value beside a letter in parentheses is graded, and the letter cannot be checked. Letters are upper case A-E, as AMC
prints them: ``c`` may be a variable. Plain string work, linear in the answer.
"""

from __future__ import annotations

import re

OPTION_LETTERS = "ABCDE"
_WRAP_RE = re.compile(r"\\(?:textbf|text|textrm|mathrm|mathbf|mbox)\s*\{([^{}]*)\}")
_SPACING_RE = re.compile(r"\\(?:quad|qquad|[ ,;:!])|~")
# "(C)", "C", "C.", "C:", "C)", then maybe the option's value: "(C) 12", "C. 12"
_LETTER_RE = re.compile(r"^(?:\(([A-E])\)|([A-E])(?=$|[\s.:)]))[\s.:)]*(.*)$")
# what continues an expression in letters rather than giving an option's value
_EXPRESSION_RE = re.compile(r"[=+*/^_<>]|-(?![\d.\\])|\\(?!d?frac|sqrt|pi\b)")
_ANOTHER_LETTER_RE = re.compile(r"\(([A-E])\)|(?<![A-Za-z\\])([A-E])(?=[.:)])")


def is_option_gold(gold: str) -> bool:
    """Whether a gold answer is an option letter (``C``, ``(C)``)."""
    return re.fullmatch(r"\(?[A-E]\)?", gold.strip()) is not None


def option_letter(value: str) -> str | None:
    """The option letter ``value`` answers with (``\\textbf{(C)}\\ 12``, ``(C)``, ``C. 12``,
    ``\\text{C}``), or None when it names no letter, or more than one."""
    found = option_answer(value)
    return found[0] if found is not None else None


def option_value(value: str) -> str | None:
    """The value an answer gives beside its option letter in parentheses (``12`` of
    ``\\textbf{(C)}\\ 12``), or None: what a gold value is compared with."""
    found = option_answer(value)
    if found is None or not found[2] or not found[1]:
        return None
    return found[1]


def option_answer(value: str) -> tuple[str, str, bool] | None:
    """``(letter, rest, in_parentheses)`` of an answer that starts with one option letter."""
    text = value.strip().strip("$").strip()
    for _ in range(3):  # \textbf{\text{(C)}}
        text = _WRAP_RE.sub(r"\1", text)
    text = _SPACING_RE.sub(" ", text).strip()
    match = _LETTER_RE.match(text)
    if match is None:
        return None
    letter = match.group(1) or match.group(2)
    rest = match.group(3).strip().strip("$").strip()
    if _EXPRESSION_RE.match(rest):
        return None  # "E = mc^2", "A + B", "A \\cup B": an expression in letters, not an option
    if any(m.group(1) or m.group(2) for m in _ANOTHER_LETTER_RE.finditer(rest)):
        return None  # "(C) 12 (D) 14": two options
    return letter, rest, match.group(1) is not None
