"""What the process readers share: a claim about one quantity, text normalization (numbers in
words, operator words, LaTeX), and a small arithmetic evaluator that never runs ``eval``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

MAX_RESPONSE_CHARS = 50_000  # a longer response is read up to here
MAX_EXPRESSION_CHARS = 200


@dataclass(frozen=True)
class Claim:
    """A value a response states for quantity ``qid``.

    ``operands``: the numbers of the equation that gave it (None: stated without one);
    ``operand_ids``: the quantities a strict step computed it from (None: not said);
    ``op``: the equation's operator when it has exactly one kind ('+', '-', '*');
    ``formula``: a strict step's expression in letters and the quantity each letter names
    (``("k * 2 + 5", (("k", "q1"),))``), for checking a step computed inline.
    """

    qid: str
    value: float
    text: str
    operands: tuple[float, ...] | None = None
    op: str | None = None
    operand_ids: frozenset[str] | None = None
    formula: tuple[str, tuple[tuple[str, str], ...]] | None = None


_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_TEN = "|".join(_TENS)
# "twenty-five" with any hyphen models write: ASCII, U+2010 hyphen, U+2011 non-breaking hyphen,
# U+2012 figure dash, U+2013 en dash (never a minus between two number words)
_HYPHENS = "-\u2010\u2011\u2012\u2013"
_BELOW_100 = rf"(?:(?:{_TEN})(?:[{_HYPHENS}\s](?:{_UNIT}))?|(?:{_UNIT}))"
_NUMBER_WORDS_RE = re.compile(
    rf"\b(?:(?P<h>{_UNIT}|a)\s+hundred(?:\s+(?:and\s+)?(?P<r>{_BELOW_100}))?|(?P<n>{_BELOW_100}))\b",
    re.IGNORECASE,
)
_OPERATOR_WORDS = (
    (re.compile(r"(?<=\d)\s+(?:plus|added\s+to)\s+(?=\d)", re.I), " + "),
    (re.compile(r"(?<=\d)\s+(?:minus|less)\s+(?=\d)", re.I), " - "),
    (re.compile(r"(?<=\d)\s+(?:times|multiplied\s+by)\s+(?=\d)", re.I), " * "),
    (re.compile(r"(?<=\d)\s*[×xX·∙]\s*(?=\d)"), " * "),
    (re.compile(r"(?<=\d)\s*\\(?:times|cdot)\s*(?=\d)"), " * "),
    (
        re.compile(r"(?<=\d)\s+(?:equals|is\s+equal\s+to|makes|gives(?:\s+us)?)\s+(?=\d)", re.I),
        " = ",
    ),
    (re.compile(r"(?<=\d)\s*,?\s+(?:which|that)\s+(?:is|makes|gives)\s+(?=\d)", re.I), " = "),
    (re.compile(r"[−–]"), "-"),
)
_LATEX = re.compile(r"\\(?:text|mathrm|textbf|mathbf)\s*\{([^{}]*)\}|\\[()\[\]]|\$+")


def _below_100(text: str) -> int:
    parts = re.split(rf"[{_HYPHENS}\s]+", text.lower())
    return sum(_TENS.get(p, 0) + _UNITS.get(p, 0) for p in parts)


def _words_to_number(match: re.Match[str]) -> str:
    if match.group("n") is not None:
        return str(_below_100(match.group("n")))
    hundreds = 1 if match.group("h").lower() == "a" else _UNITS[match.group("h").lower()]
    rest = _below_100(match.group("r")) if match.group("r") else 0
    return str(hundreds * 100 + rest)


def normalize(text: str) -> str:
    """``text`` with numbers in words as digits ("twenty-one" -> "21"), operator words as
    symbols between numbers ("5 plus 3 equals 8" -> "5 + 3 = 8"), LaTeX wrappers and
    thousands separators removed. Long responses are cut to ``MAX_RESPONSE_CHARS``."""
    text = text[:MAX_RESPONSE_CHARS]
    text = _LATEX.sub(lambda m: m.group(1) or " ", text)
    text = _NUMBER_WORDS_RE.sub(_words_to_number, text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    for pattern, symbol in _OPERATOR_WORDS:
        text = pattern.sub(symbol, text)
    return text


class _Evaluator(ast.NodeVisitor):
    """Integers and decimals, + - * / and parentheses; anything else is refused."""

    def visit_Expression(self, node: ast.Expression) -> float:
        return self.visit(node.body)

    def visit_Constant(self, node: ast.Constant) -> float:
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ValueError("not a number")
        return float(node.value)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> float:
        if isinstance(node.op, ast.USub):
            return -self.visit(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.visit(node.operand)
        raise ValueError("operator")

    def visit_BinOp(self, node: ast.BinOp) -> float:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div) and right != 0:
            return left / right
        raise ValueError("operator")

    def generic_visit(self, node: ast.AST) -> float:
        raise ValueError(type(node).__name__)


def evaluate(expression: str) -> float | None:
    """The value of an arithmetic ``expression`` over numbers, or None if it is not one."""
    expression = expression.strip()
    if not expression or len(expression) > MAX_EXPRESSION_CHARS:
        return None
    if not re.fullmatch(r"[0-9+\-*/().\s]+", expression):
        return None
    try:
        value = _Evaluator().visit(ast.parse(expression, mode="eval"))
    except (SyntaxError, ValueError, RecursionError, OverflowError):
        return None
    return value if abs(value) < 1e15 else None


def numbers_and_operator(expression: str) -> tuple[tuple[float, ...], str | None]:
    """The numbers of ``expression`` in order and its one operator kind (None if mixed)."""
    numbers = tuple(float(n) for n in re.findall(r"\d+(?:\.\d+)?", expression))
    operators = set(re.findall(r"(?<=[\d\s)])[+\-*/](?=[\s\d(])", expression))
    return numbers, (operators.pop() if len(operators) == 1 else None)


def subject_pattern(subjects: dict[str, str]) -> re.Pattern[str]:
    """One regex over the subject names of ``GoldGraph.by_subject()``, longest first, each a
    whole word, case-sensitive (the person "Will" is not "will") but for a lower-case first
    letter ("the corner bakery" starts a sentence as "The corner bakery")."""
    names = sorted(subjects, key=len, reverse=True)
    parts = [
        f"[{n[0].upper()}{n[0]}]{re.escape(n[1:])}" if n[0].islower() else re.escape(n)
        for n in names
    ]
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")


def find_subjects(text: str, subjects: dict[str, str]) -> list[tuple[int, int, str]]:
    """``(start, end, quantity id)`` of every subject named in ``text``, in order.

    ``subjects`` maps a name as written in the story (any case of its first letter) to an id.
    """
    if not subjects:
        return []
    exact = {name: qid for name, qid in subjects.items()}
    lowered = {name.lower(): qid for name, qid in subjects.items()}
    found = []
    for match in subject_pattern(exact).finditer(text):
        word = match.group(0)
        qid = exact.get(word) or lowered.get(word.lower())
        if qid is not None:
            found.append((match.start(), match.end(), qid))
    return found


def short(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
