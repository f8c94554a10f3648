"""What a math answer's text says, read before any sympy: canonical text, plain numbers, lists
of values, alternatives ("5 or 7") and equations whose left side is not the thing asked for.

Every function here is plain string work (no math-verify): cheap, and the same in the parent
and in tests.
"""

from __future__ import annotations

import math
import re

THOUSANDS_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_NUMBER_RE = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$", re.IGNORECASE)
_NOISE = ("\\left", "\\right", "\\!", "\\,", "\\;", "\\:", "\\displaystyle", "\\$", "$")
_OPEN, _CLOSE = "([{", ")]}"
# "5 or 7", "5 \text{ or } 7", "5 \lor 7": a separator of alternatives
_OR_RE = re.compile(
    r"\\(?:text|textrm|mathrm|textnormal)\s*\{\s*(?:or|either)\s*\}|\\lor\b|\\vee\b"
    r"|\bor\b|\beither\b",
    re.IGNORECASE,
)
_AND_RE = re.compile(r"\\(?:text|textrm|mathrm)\s*\{\s*and\s*\}|\band\b|\\pm|\\mp", re.IGNORECASE)
_SEP = "\x00"
_GREEK = (
    "alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu"
    "|xi|rho|varrho|sigma|tau|upsilon|phi|varphi|chi|psi|omega"
    "|Gamma|Delta|Theta|Lambda|Xi|Sigma|Upsilon|Phi|Psi|Omega"
)
# a single symbol: x, x_1, x_{12}, x', \theta, \theta_0
_SYMBOL_RE = re.compile(
    rf"^(?:[A-Za-z]|\\(?:{_GREEK}))(?:_(?:[A-Za-z0-9]|\{{[A-Za-z0-9,]+\}}))?(?:'+|\^\*)?$"
)
# a name in text: \text{answer}, \mathrm{Total cost}, \operatorname{area}
_TEXT_NAME_RE = re.compile(
    r"^\\(?:text|textbf|textit|textrm|textnormal|mathrm|mathit|mathbf|operatorname)"
    r"\{[A-Za-z][A-Za-z0-9 _\-]*\}$"
)
# a computation with numbers only: 3 + 4, 2 \times 6, \frac{12}{4}
_ARITHMETIC_RE = re.compile(r"^[0-9.,+\-*/()^%]*[0-9][0-9.,+\-*/()^%]*$")
_FRAC_RE = re.compile(r"\\frac\{([0-9.]+)\}\{([0-9.]+)\}")
_ARITHMETIC_COMMANDS = re.compile(r"\\(?:times|cdot|div|d?t?frac|sqrt)|[{}\s]")
# a cheap first look: only digits, operators, braces and \frac (\dfrac, \tfrac) are present
_ARITHMETIC_TEXT_RE = re.compile(r"^[-+]?[\d.,{}()+\-*/^\s$]*(?:\\[dt]?frac[\d.,{}()+\-*/^\s]*)*$")


def canonical(text: str) -> str:
    """Remove what never changes the meaning: spacing, \\left/\\right, $ signs, a final period."""
    for noise in _NOISE:
        text = text.replace(noise, "")
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    return "".join(text.split()).rstrip(".")


def plain_number(text: str) -> float | None:
    """The value of a plain number (``1,000``, ``-2.5``, ``3e8``), else None."""
    if THOUSANDS_RE.match(text):
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def fast_compare(gold: str, pred: str) -> bool | None:
    """Cheap verdict without math-verify: True when the texts or plain numbers are equal,
    False when both are plain numbers far apart, None when math-verify must decide."""
    g, p = canonical(gold), canonical(pred)
    if g == p:
        return True
    gn, pn = plain_number(g), plain_number(p)
    if gn is None or pn is None:
        return None
    if math.isclose(gn, pn, rel_tol=1e-9, abs_tol=1e-12):
        return True
    if not math.isclose(gn, pn, rel_tol=1e-4, abs_tol=1e-6):
        return False
    return None  # close but not equal: math-verify's rounding rules decide


def far_apart(gold: str, pred: str) -> bool:
    """Whether both texts are arithmetic over plain numbers (``\\frac{14}{3}``, ``2^{10}``,
    ``57``) whose values are far apart: a verdict (``wrong``) without math-verify, which would
    find them different too. Anything else, or values close together, is not decided here."""
    if not (_ARITHMETIC_TEXT_RE.search(gold) and _ARITHMETIC_TEXT_RE.search(pred)):
        return False
    g, p = _evaluate(gold), _evaluate(pred)
    if g is None or p is None:
        return False
    return not math.isclose(g, p, rel_tol=1e-4, abs_tol=1e-6)


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """``text`` split at ``separator`` outside brackets (``(2, 3), 4`` gives two parts);
    a thousands separator (``1,000``) does not split."""
    if separator == "," and THOUSANDS_RE.match(canonical(text)):
        return [text.strip()]
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0 and text.startswith(separator, i) and not _thousands_comma(text, i):
            parts.append(text[start:i])
            start = i + len(separator)
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _thousands_comma(text: str, i: int) -> bool:
    """Whether the comma at ``i`` groups digits (``1,000``: a digit before, three after) or is
    LaTeX's thin space ``\\,`` (``10\\,\\mathrm{cm}``): no separator of values either way."""
    if text[i] != "," or i == 0:
        return False
    if text[i - 1] == "\\" and (i < 2 or text[i - 2] != "\\"):
        return True  # \, (but not \\, a line break before a comma)
    return text[i - 1].isdigit() and re.match(r"\d{3}(?!\d)", text[i + 1 : i + 5]) is not None


def split_alternatives(value: str) -> list[str]:
    """The alternatives a value names: ``5 or 7`` and ``4, 5, or 6`` give several; a value
    without "or" (``\\text{ or }``, ``\\lor``) gives itself."""
    marked = _OR_RE.sub(_SEP, value)
    if _SEP not in marked:
        return [value.strip()]
    parts = [
        part.strip(" ,;.")
        for piece in split_top_level(marked, _SEP)
        for part in split_top_level(piece, ",")
    ]
    parts = [part for part in parts if part]
    if len(parts) < 2 or any(_SEP in part for part in parts):
        return [value.strip()]  # "or" only inside brackets: one value
    return parts


def is_multi_valued(gold: str) -> bool:
    """Whether the gold names several values (``2, -2``, ``\\{1, 2\\}``, ``(3, \\pi)``, an
    interval, ``\\pm 2``): then a list of values is compared as a whole, not taken as a hedge."""
    text = canonical(gold).replace("\\{", "{").replace("\\}", "}")
    if _AND_RE.search(text) or _OR_RE.search(text):
        return True
    if _wrapped(text) and len(split_top_level(text[1:-1])) > 1:
        return True  # a tuple, set or interval
    return len(split_top_level(text)) > 1


def _wrapped(text: str) -> bool:
    """Whether ``text`` is one bracketed group: its first bracket closes at its last character."""
    if len(text) < 2 or text[0] not in _OPEN or text[-1] not in _CLOSE:
        return False
    depth = 0
    for i, char in enumerate(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def equation_sides(value: str) -> tuple[str, str] | None:
    """``(left, right)`` at the first ``=`` outside brackets (not ``<=``, ``>=``, ``!=``,
    ``==``), or None when ``value`` is not an equation."""
    depth = 0
    for i, char in enumerate(value):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        elif char == "=" and depth == 0:
            before = value[i - 1] if i else ""
            after = value[i + 1] if i + 1 < len(value) else ""
            if (before and before in "<>!=") or after == "=":
                continue  # <=, >=, !=, ==
            return value[:i].rstrip(":").strip(), value[i + 1 :].strip()
    return None


def equation_problem(value: str, question: str | None) -> str | None:
    """Why ``value`` is an equation and not an answer, or None when it is fine.

    A part ``LEFT = RIGHT`` (of a list ``a = 2, b = 3`` or a chain ``x = 2 + 3 = 5``) answers
    only when LEFT is a single symbol (``x``, ``x_1``, ``\\theta``, ``\\text{answer}``), a
    computation with numbers only (``3 + 4 = 7``), or the very thing the question asks for
    (``f(3) = 5`` when the question asks for f(3), not where it gives it as ``f(3) = 5``).
    ``x + x + 1 = 5`` or ``2x + 1 = 5`` is an equation to solve, not a value.
    """
    for part in split_top_level(value):
        sides = equation_sides(part)
        if sides is None:
            continue
        left = sides[0]
        compact = canonical(left)
        if not compact:
            return f"equation {part!r} has no left side"
        if _SYMBOL_RE.match(compact) or _TEXT_NAME_RE.match(left.strip().strip("$").strip()):
            continue
        if _ARITHMETIC_RE.match(_ARITHMETIC_COMMANDS.sub("", compact)):
            if _false_computation(left, sides[1]):
                return f"equation {part!r} is false: {left!r} is not {sides[1]!r}"
            continue
        if _asked(compact, question):
            continue
        return f"equation {part!r}: its left side {left!r} is not a single variable or the asked quantity"
    return None


_TERM_JOINERS = "=+-*/^_<>"


def _false_computation(left: str, right: str) -> bool:
    """Whether a numbers-only computation ``left = right`` is plainly false (``2 + 2 = 5``);
    anything this small evaluator cannot read (``\\sqrt``, a unit) is not called false."""
    values = [_evaluate(side) for side in (left, right.split("=")[0])]
    if None in values:
        return False
    return not math.isclose(values[0], values[1], rel_tol=1e-6, abs_tol=1e-9)


def _evaluate(text: str) -> float | None:
    """The value of ``+ - * / ^`` and ``\\frac`` over plain numbers, else None."""
    import ast

    expr = canonical(text).replace("\\times", "*").replace("\\cdot", "*").replace("\\div", "/")
    expr = _FRAC_RE.sub(r"((\1)/(\2))", expr).replace("^", "**").replace("{", "(").replace("}", ")")
    expr = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", expr)  # 1,000
    if not re.fullmatch(r"[0-9.+\-*/() ]+", expr) or "***" in expr or len(expr) > 60:
        return None
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = node.right
            if not (isinstance(exponent, ast.Constant) and abs(exponent.value) <= 64):
                return None  # 9^(9^9): not evaluated here
    try:
        value = eval(compile(tree, "<answer>", "eval"), {"__builtins__": {}})  # noqa: S307 - digits and + - * / ( ) only, checked above
    except (ArithmeticError, ValueError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _asked(left: str, question: str | None) -> bool:
    """Whether ``left`` (canonical) stands in the question as a whole term: not inside a longer
    name, not part of a sum or product (``2x`` in ``2x+1``), not a given (``f(3) = 5``)."""
    if not question or len(left) < 2:
        return False
    text = question
    for noise in _NOISE:
        text = text.replace(noise, " ")
    pattern = r"\s*".join(re.escape(char) for char in left)
    if left[0].isalnum():
        pattern = r"(?<![A-Za-z0-9])" + pattern
    if left[-1].isalnum():
        pattern += r"(?![A-Za-z0-9])"
    for match in re.finditer(pattern, text):
        after = text[match.end() :].lstrip()[:1]
        before = text[: match.start()].rstrip()[-1:]
        nested = before == "(" and after == ")"  # f(3) inside f(f(3)): not what is asked
        if (
            not (after and after in _TERM_JOINERS)
            and not (before and before in _TERM_JOINERS)
            and not nested
        ):
            return True
    return False
