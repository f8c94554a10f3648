"""The visual-math verifier (MathVista, MathVision): multiple choice and free-form answers.

Row keys use MathVista's names: ``response``, ``answer`` (gold), ``question_type``
(``multi_choice`` | ``free_form``), ``answer_type`` (``integer`` | ``float`` | ``text`` |
``list``), ``choices`` (a list, or its JSON), ``precision``, ``unit``, ``finish_reason``. In the
pipeline they come from the problem's ``meta`` JSON when the row does not carry them.

Multiple choice: the gold is an option's text (MathVista) or a letter (MathVision); it becomes
an option index (text first, then letter). The model's answer becomes an index from a letter
(``B``, ``(B)``, ``Option B``; a lower-case ``b`` too, unless an option's text is another
letter ``b``), an option's text alone (``4.5``, compared as text or number, units stripped; or
as math-verify's value, ``\\sqrt{12}`` for ``2\\sqrt{3}``, when exactly one option has it) or a
letter with its text (``B. 4.5``, ``B 4.5``, which must agree). Anything that names no option,
or several, is ``wrong`` -- never "the most similar option" as MathVista's own script does,
which turns any answer into some option.

Free-form: ``integer`` and ``float`` answers must be one number (plain, a fraction, ``\\frac``,
a percentage, ``9{,}335``) after the gold's ``unit`` and common units are stripped; a currency
sign, a unit the question writes and a scale word are read as ``visual_forms`` says. A float is
compared after rounding both to ``precision`` decimals. ``list`` answers compare element by
element, in order. Everything else (``text``, MathVision's free-form golds) goes to math-verify,
as for math.

Finding the answer follows the math rules (``answer_extraction.py``): a truncated response
counts only an explicit answer. For multiple choice, a response that ends in a line holding only
an option letter (``B``, ``(B)``, ``Answer: B``) or ``Answer:`` and a letter with its text
(``Answer: B. 4.5``) counts too, unless it lists several option lines.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from boundary_ray.verifiers.answer_extraction import EXPLICIT_RULES, extract_answer
from boundary_ray.verifiers.base import Verdict, Verifier
from boundary_ray.verifiers.visual_forms import read_number

QUESTION_TYPES = ("multi_choice", "free_form")
ANSWER_TYPES = ("integer", "float", "text", "list")
GRADING_KEYS = ("question_type", "answer_type", "choices", "precision", "unit")
COMMON_UNITS = ("°", "^\\circ", "^{\\circ}", "\\circ", "degrees", "degree", "%", "\\%")
_LETTER_RE = re.compile(r"^(?:\(([A-Za-z])\)|([A-Z])|(?i:option|choice)\s*\(?([A-Z])\)?)[.:]?$")
# a letter with its option's text: "(c) 145°", "C. 145°", "c: 145°", "C 145°" (upper case only)
_LETTER_TEXT_RE = re.compile(r"^(?:\(([A-Za-z])\)|([A-Za-z])[.:)]|([A-Z])(?=\s))\s*(.+)$")
_LAST_LINE_RE = re.compile(
    r"^(?:(?:final\s+)?answer\s*[:：]\s*)?\*{0,2}\(?([A-Z])\)?\*{0,2}\.?$", re.IGNORECASE
)
_ANSWER_LINE_RE = re.compile(
    r"^\*{0,2}(?:final\s+)?answer\s*[:：]\s*\*{0,2}\s*(\(?[A-Za-z]\)?[.:)]?\s+\S.*?)\s*\*{0,2}$",
    re.IGNORECASE,
)
_OPTION_LINE_RE = re.compile(r"^(?:\([A-Z]\)|[A-Z][.:)])(?:\s.*)?$|^\(?[A-Z]\)?$")
_NUMBER_UNIT_RE = re.compile(r"^([-+]?\d[\d,]*(?:\.\d+)?)\s*[A-Za-z°%]{1,12}$")
_TEXT_WRAP_RE = re.compile(r"\\(?:text|textbf|mathrm|mathbf|mbox)\s*\{([^{}]*)\}")
_NUMBER_RE = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$", re.IGNORECASE)
_THOUSANDS_RE = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_FRAC_RE = re.compile(r"^([-+]?)\\[dt]?frac\{([-+]?\d+)\}\{([-+]?\d+)\}$")
_SLASH_RE = re.compile(r"^([-+]?\d+)\s*/\s*([-+]?\d+)$")


class VisualVerifier(Verifier):
    """Judge visual-math samples; free-form text answers use ``MathVerifier``'s math-verify."""

    name = "visual"

    def __init__(self, timeout_s: float = 5.0) -> None:
        super().__init__()
        self.timeout_s = timeout_s
        self._math: Any = None  # a MathVerifier, started on first need

    def verify_one(self, row: dict[str, Any]) -> Verdict:
        """Extract the answer of ``row['response']`` and grade it by the problem's type."""
        grading = grading_fields(row)
        gold = row.get("answer")
        if gold is None or not str(gold).strip():
            return Verdict("error", reason="no gold answer")
        gold = str(gold).strip()
        choices = grading["choices"]
        is_choice = grading["question_type"] == "multi_choice" or (
            grading["question_type"] is None and bool(choices)
        )
        finish = row.get("finish_reason")
        found = extract_answer(row.get("response"), finish)
        if found is not None and is_choice and found.rule not in EXPLICIT_RULES:
            found = None  # a last number is no option
        if found is None and is_choice and finish != "length":
            found = _last_line_letter(row.get("response") or "")
        if found is None:
            if finish == "length":
                return Verdict(
                    "no_answer",
                    reason="truncated (finish_reason=length) before an explicit final answer",
                )
            return Verdict(
                "no_answer",
                reason="no \\boxed{}, 'the answer is' or final option line in the response",
            )
        pred, rule = found.answer, found.rule
        if len(found.alternatives) > 1 and grading["answer_type"] != "list":
            named = ", ".join(found.alternatives[:4])
            return Verdict("wrong", pred, rule, f"hedged: the final answer names {named}")
        if is_choice:
            return _grade_choice(gold, pred, rule, choices, self._same_value)
        return self._grade_free(gold, pred, rule, grading, row.get("question"))

    def _grade_free(
        self, gold: str, pred: str, rule: str, grading: dict[str, Any], question: str | None
    ) -> Verdict:
        answer_type = grading["answer_type"]
        units = _units(grading["unit"])
        if answer_type in ("integer", "float"):
            value = to_number(strip_units(pred, units))
            if value is None:  # "\\$12", "140 grams", "2.5 million": visual_forms
                value = read_number(strip_units(pred, units), to_number, question, grading["unit"])
            if value is None:
                return Verdict("wrong", pred, rule, f"{_short(pred)} is not a single number")
            target = to_number(strip_units(gold, units))
            if target is None:
                return Verdict("error", pred, rule, f"gold {_short(gold)} is not a number")
            if answer_type == "float" and grading["precision"] is not None:
                digits = int(grading["precision"])
                same = _round(value, digits) == _round(target, digits)
            else:
                same = value == target
            if same:
                return Verdict("correct", pred, rule)
            return Verdict("wrong", pred, rule, f"{_short(pred)} != gold {_short(gold)}")
        if answer_type == "list":
            got, want = to_list(strip_units(pred, units)), to_list(gold)
            if want is None:
                return Verdict("error", pred, rule, f"gold {_short(gold)} is not a list")
            if got is None:
                return Verdict("wrong", pred, rule, f"{_short(pred)} is not a list of numbers")
            if got == want:
                return Verdict("correct", pred, rule)
            return Verdict("wrong", pred, rule, f"{_short(pred)} != gold {_short(gold)}")
        return self._math_equal(gold, strip_units(pred, units), pred, rule)

    def _math_equal(self, gold: str, cleaned: str, pred: str, rule: str) -> Verdict:
        verdict = self._math_verifier().verify_one(
            {"answer": gold, "response": f"\\boxed{{{cleaned}}}"}
        )
        return Verdict(verdict.verdict, pred, rule, verdict.reason)

    def _same_value(self, option: str, answer: str) -> bool:
        """Whether math-verify finds ``answer`` equal to ``option``'s text (a verdict, not a
        timeout or an error)."""
        verdict = self._math_verifier().verify_one(
            {"answer": option, "response": f"\\boxed{{{answer}}}"}
        )
        return verdict.verdict == "correct"

    def _math_verifier(self) -> Any:
        if self._math is None:
            from boundary_ray.verifiers.math.verifier import MathVerifier

            self._math = MathVerifier(timeout_s=self.timeout_s)
        return self._math

    def close(self) -> None:
        """Stop the math-verify child, if one was started."""
        if self._math is not None:
            self._math.close()
            self._math = None


def grading_fields(row: dict[str, Any]) -> dict[str, Any]:
    """``question_type, answer_type, choices, precision, unit`` from the row, else its meta."""
    meta: dict[str, Any] = {}
    raw_meta = row.get("meta")
    if isinstance(raw_meta, str) and raw_meta:
        try:
            meta = json.loads(raw_meta)
        except json.JSONDecodeError:
            meta = {}
    elif isinstance(raw_meta, dict):
        meta = raw_meta
    fields = {key: row.get(key, meta.get(key)) for key in GRADING_KEYS}
    choices = fields["choices"]
    if isinstance(choices, str):
        try:
            choices = json.loads(choices)
        except json.JSONDecodeError:
            choices = None
    fields["choices"] = [str(c) for c in choices] if isinstance(choices, list) else []
    if fields["precision"] is not None:
        try:
            fields["precision"] = int(float(fields["precision"]))
        except (TypeError, ValueError):
            fields["precision"] = None
    return fields


def choice_index(text: str, choices: list[str], units: tuple[str, ...] = ()) -> int | None:
    """The index of the option whose text ``text`` names (as text or number), if exactly one."""
    key = _text_key(strip_units(text, units))
    hits = [i for i, c in enumerate(choices) if _text_key(strip_units(c, units)) == key]
    if len(hits) == 1:
        return hits[0]
    if hits:
        return None
    value = to_number(strip_units(text, units))
    if value is None:
        return None
    hits = [i for i, c in enumerate(choices) if _option_number(c, units) == value]
    return hits[0] if len(hits) == 1 else None


def gold_index(gold: str, choices: list[str]) -> int | None:
    """MathVista's gold is an option's text, MathVision's a letter: text first, then letter."""
    for i, choice in enumerate(choices):
        if choice.strip() == gold:
            return i
    index = choice_index(gold, choices, COMMON_UNITS)
    if index is not None:
        return index
    if re.fullmatch(r"[A-Z]", gold) and ord(gold) - 65 < len(choices):
        return ord(gold) - 65
    return None


def _grade_choice(
    gold: str,
    pred: str,
    rule: str,
    choices: list[str],
    same_value: Callable[[str, str], bool] | None = None,
) -> Verdict:
    """Grade a multiple-choice answer; ``same_value(option, answer)`` (math-verify) finds the
    option whose value an answer gives when no text or number matches."""
    letters = [chr(65 + i) for i in range(len(choices))] if choices else list("ABCDE")
    if not choices:  # options printed only in the image: letters A-E, gold a letter
        want = ord(gold) - 65 if re.fullmatch(r"[A-Z]", gold) else None
    else:
        want = gold_index(gold, choices)
    if want is None:
        return Verdict("error", pred, rule, f"gold {_short(gold)} names no option")
    cleaned = _clean(pred)
    got, how = None, ""
    match = _LETTER_RE.match(cleaned)
    exact = choice_index(cleaned, choices, COMMON_UNITS) if choices and not match else None
    lower = _lower_case_letter(cleaned, choices, letters) if not match else None
    if exact is not None:
        got, how = exact, "text"  # "a right angle" is an option's text, not "a" and a text
    elif lower is not None:
        got, how = lower, "letter"
    elif match:
        letter = next(g for g in match.groups() if g).upper()
        if letter not in letters:
            return Verdict(
                "wrong",
                pred,
                rule,
                f"letter {letter} is not an option ({letters[0]}-{letters[-1]})",
            )
        got, how = ord(letter) - 65, "letter"
    elif (both := _LETTER_TEXT_RE.match(cleaned)) and choices:
        letter = (both.group(1) or both.group(2) or both.group(3)).upper()
        by_text = choice_index(both.group(4), choices, COMMON_UNITS)
        if letter not in letters:
            return Verdict(
                "wrong",
                pred,
                rule,
                f"letter {letter} is not an option ({letters[0]}-{letters[-1]})",
            )
        if by_text is not None and by_text != ord(letter) - 65:
            return Verdict(
                "wrong",
                pred,
                rule,
                f"letter {letter} and option text {_short(both.group(4))} disagree",
            )
        if by_text is None:
            return Verdict(
                "wrong", pred, rule, f"{_short(both.group(4))} is not option {letter}'s text"
            )
        got, how = by_text, "letter and text"
    elif choices and same_value is not None:
        got, how = _option_by_value(cleaned, choices, same_value), "value"
    if got is None:
        return Verdict("wrong", pred, rule, f"{_short(pred)} names no single option")
    if got == want:
        return Verdict("correct", pred, rule)
    return Verdict(
        "wrong", pred, rule, f"option {letters[got]} ({how}) != gold option {letters[want]}"
    )


def _lower_case_letter(cleaned: str, choices: list[str], letters: list[str]) -> int | None:
    """The option a lone lower-case letter names (``c`` for C), unless an option's text is
    that letter for another option (options ``b, c, a``: ``c`` is ambiguous)."""
    if re.fullmatch(r"[a-z]", cleaned) is None or cleaned.upper() not in letters:
        return None
    index = ord(cleaned) - 97
    texts = [i for i, choice in enumerate(choices) if _clean(choice).lower() == cleaned]
    return index if all(i == index for i in texts) else None


def _option_by_value(
    cleaned: str, choices: list[str], same_value: Callable[[str, str], bool]
) -> int | None:
    """The one option whose value math-verify finds equal to ``cleaned`` (``\\sqrt{12}`` for
    ``2\\sqrt{3}``); None for none or several, and for an answer that is no math value."""
    if len(cleaned) > 100 or not re.search(r"[\d\\]", cleaned):
        return None
    hits = [i for i, choice in enumerate(choices) if same_value(_clean(choice), cleaned)]
    return hits[0] if len(hits) == 1 else None


def _last_line_letter(response: str) -> Any:
    """``Extraction`` of a final line holding only an option letter, or ``Answer:`` and a letter
    with its text (``Answer: C. 145°``), unless options are listed."""
    from boundary_ray.verifiers.answer_extraction import Extraction

    lines = [line.strip() for line in response.strip().splitlines() if line.strip()]
    if not lines:
        return None
    match = _LAST_LINE_RE.match(lines[-1])
    with_text = None if match else _ANSWER_LINE_RE.match(lines[-1])
    if not match and not with_text:
        return None
    if sum(1 for line in lines if _OPTION_LINE_RE.match(line)) > 1:
        return None  # "A\nB\nC\nD" or an option list: no single final choice
    if with_text:
        return Extraction(with_text.group(1).strip(), "last_line")
    return Extraction(match.group(1).upper(), "last_line")


def strip_units(text: str, units: tuple[str, ...]) -> str:
    """``text`` less ``$``, ``\\text{}`` wrappers and a trailing unit from ``units``."""
    text = _clean(text)
    changed = True
    while changed:
        changed = False
        for unit in sorted(units, key=len, reverse=True):
            if unit and text.endswith(unit) and len(text) > len(unit):
                text = text[: -len(unit)].strip()
                changed = True
    return text


def to_number(text: str) -> float | None:
    """A plain number, ``a/b``, ``\\frac{a}{b}`` or a percentage as a float; else None."""
    text = _clean(text).replace(" ", "")
    if _THOUSANDS_RE.match(text):
        text = text.replace(",", "")
    if _NUMBER_RE.match(text):
        value = float(text)
        return value if math.isfinite(value) else None
    for pattern in (_FRAC_RE, _SLASH_RE):
        match = pattern.match(text)
        if match:
            groups = match.groups()
            sign = -1 if len(groups) == 3 and groups[0] == "-" else 1
            num, den = (int(groups[-2]), int(groups[-1]))
            if den == 0:
                return None
            return sign * float(Fraction(num, den))
    return None


def to_list(text: str) -> list[float] | None:
    """``[1, 2]``, ``(1, 2)`` or ``1, 2`` as a list of numbers; None unless every item is one."""
    text = _clean(text).strip()
    if text[:1] in "[(" and text[-1:] in "])":
        text = text[1:-1]
    items = [item.strip() for item in text.split(",")]
    if not items or any(not item for item in items):
        return None
    values = [to_number(item) for item in items]
    if any(v is None for v in values):
        return None
    return values  # type: ignore[return-value]


def _units(unit: Any) -> tuple[str, ...]:
    extra = (str(unit).strip(),) if unit not in (None, "") else ()
    return extra + COMMON_UNITS


def _clean(text: str) -> str:
    """Remove ``$``, ``\\text{...}`` wrappers, ``\\left/\\right``, a final period and spaces."""
    text = str(text).strip().replace("{,}", ",").replace("\\$", "$")  # 9{,}335; \$ is a $
    for _ in range(3):
        text = _TEXT_WRAP_RE.sub(r"\1", text)
    text = text.replace("\\ ", " ").replace("~", " ")  # LaTeX's spaces
    for noise in ("$", "\\left", "\\right", "\\!", "\\,", "\\;", "\\displaystyle"):
        text = text.replace(noise, "")
    text = text.strip().rstrip(".").strip()
    return text


def _option_number(choice: str, units: tuple[str, ...]) -> float | None:
    """An option's number: ``'145°'`` -> 145, ``'6cm'`` -> 6 (a number with a short unit)."""
    value = to_number(strip_units(choice, units))
    if value is None:
        match = _NUMBER_UNIT_RE.match(_clean(choice))
        value = to_number(match.group(1)) if match else None
    return value


def _text_key(text: str) -> str:
    """Spacing and case removed; a one-character text keeps its case (``c`` is not ``C``)."""
    key = "".join(_clean(text).split()).replace("\\dfrac", "\\frac")
    return key if len(key) == 1 else key.lower()


def _round(value: float, digits: int) -> float:
    return round(value + math.copysign(1e-12, value), digits)


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
