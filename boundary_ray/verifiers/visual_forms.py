"""How visual-math answers write a number around the number itself: a currency sign, a unit in
words the question uses, a scale word ("2.5 million").

``read_number`` turns such an answer into its value only where that value is unambiguous, so
that it can fix false negatives without letting a wrong answer through:

- a currency sign before a plain number (``\\$12``, ``€12``): ``$`` always (it is also LaTeX's
  math delimiter), another sign only when the question or the problem's unit writes it;
- a unit after the number (``1.2 cm``, ``140\\text{ grams}``): when the problem names no unit
  of its own and the question writes that unit (a word, or its singular or plural; a unit of
  one or two letters only after a number, "in" or "(": "in cm", "(m)", not a point M). A unit
  the question never names, or another than the problem's, is not dropped (``140 kg`` for a
  question in grams stays "not a number");
- a scale word (``2.5 million``): the number times the scale, or the number alone when the
  question implies that scale ("in millions"). Never both a unit and a scale.

Plain string work, linear in the answer and the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CURRENCY_RE = re.compile(r"^([-+]?)\s*(\\\$|[$€£¥₹])\s*(?=[\d.])")
_TRAILING_WORDS_RE = re.compile(
    r"^(?P<number>.*?\d\.?)\s*(?P<words>[A-Za-z][A-Za-z.]*(?:\s+[A-Za-z][A-Za-z.]*){0,2})"
    r"(?P<power>\s*(?:\^\s*\{?[23]\}?|[²³]))?$"
)


def read_number(
    text: str,
    to_number: Callable[[str], float | None],
    question: str | None,
    unit: str | None,
) -> float | None:
    """The value of ``text`` (already cleaned of ``$`` and ``\\text{}``) with a currency sign,
    a unit the question writes or a scale word around it; None when it is not that."""
    text = text.strip()
    currency = _CURRENCY_RE.match(text)
    if currency:
        sign = currency.group(2)
        if sign not in ("$", "\\$") and not _written(sign, question, unit):
            return None  # "€12" where the question never says euros
        text = currency.group(1) + text[currency.end() :]
        value = to_number(text)
        if value is not None:
            return value
    words = _TRAILING_WORDS_RE.match(text)
    if words is None:
        return None
    value = to_number(words.group("number"))
    if value is None:
        return None
    said = words.group("words").lower().rstrip(".")
    scale = SCALES.get(said.removesuffix("s"))
    if scale is not None and not words.group("power"):
        return value if _implied(said.removesuffix("s"), question) else value * scale
    if unit and str(unit).strip():
        return None  # the problem names its unit: only that one is dropped (strip_units)
    return value if _unit_in_question(said, question) else None


def _written(sign: str, question: str | None, unit: str | None) -> bool:
    return sign in (question or "") or sign in (str(unit or ""))


def _implied(scale: str, question: str | None) -> bool:
    """Whether the question gives its numbers in this scale ("in millions", "(millions)")."""
    return re.search(rf"\b{scale}s?\b", question or "", re.IGNORECASE) is not None


def _unit_in_question(said: str, question: str | None) -> bool:
    """Whether the question writes the unit ``said`` (lower case) as a word, or its singular
    or plural ("gram" for "grams", "inches" for "inch")."""
    if not question:
        return False
    forms = {said, said.removesuffix("s"), said.removesuffix("es"), said + "s", said + "es"}
    lowered = question.lower()
    if " " in said:  # "square meters"
        return any(re.search(rf"(?<![a-z]){re.escape(form)}(?![a-z])", lowered) for form in forms)
    if len(said) <= 2:  # "m", "cm": a point M or a word is no unit; "5 cm", "in m", "(cm)" is
        unit = re.escape(said)
        return re.search(rf"(?:\d\s*|\bin\s+|\(|:\s*){unit}(?![a-z])", lowered) is not None
    return bool(forms & set(re.findall(r"[a-z]+", lowered)))
