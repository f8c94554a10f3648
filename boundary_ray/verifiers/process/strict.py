"""The strict step format of the follow-up paper (Zhang, Neubig, Yue; GSM-Infinite style):

    Define Ben's apples as B; B = A + 3 = 5 + 3 = 8.

Read as their evaluation code reads it (``utils/solution_dependency_graph.py`` in
github.com/Interplay-LM-Reasoning/Interplay-LM-Reasoning): a step starts at ``Define <name> as
<letter>;`` and runs to the next ``Define``; inside it, ``<letter> = <expr> = ... = <value>``
assignments (split at ``;`` and sentence ends) give the value (the last part of the last
assignment to the step's letter that evaluates) and the dependencies (the letters of earlier
steps used, through intermediate letters too). ``Answer: N`` ends a solution. Differences:
the name is matched to a quantity by the subject it mentions (our quantities have no fixed
parameter names), letters count only as whole words, and expressions go through a small
evaluator instead of ``eval``.
"""

from __future__ import annotations

import re

from boundary_ray.verifiers.process.graph import GoldGraph
from boundary_ray.verifiers.process.text import (
    Claim,
    evaluate,
    find_subjects,
    numbers_and_operator,
    short,
)

DEFINE_RE = re.compile(r"\bDefine\s+(?P<name>.+?)\s+as\s+(?P<var>[A-Za-z])\s*;", re.I | re.S)
ASSIGN_RE = re.compile(
    r"(?<![\w.])(?P<var>[A-Za-z])\s*=\s*(?P<expr>[^;\n]+?)\s*(?=;|\n|\.(?:\s|$)|$)"
)
LETTER_RE = re.compile(r"(?<![\w.])[A-Za-z](?![\w])")
Formula = tuple[str, tuple[tuple[str, str], ...]]  # an expression in letters, letter -> quantity
ANSWER_RE = re.compile(r"\bAnswer\s*:\s*(-?\d+(?:\.\d+)?)")


def without_steps(text: str) -> str:
    """``text`` with every ``Define ... as X;`` head and ``X = ...`` assignment blanked out, for
    the lenient reader (the strict one has read them)."""
    if not DEFINE_RE.search(text):
        return text
    for pattern in (DEFINE_RE, ASSIGN_RE):
        text = pattern.sub(lambda m: " " * (m.end() - m.start()), text)
    return text


def strict_answer(text: str) -> float | None:
    """The number after the last ``Answer:``, if any."""
    found = ANSWER_RE.findall(text)
    return float(found[-1]) if found else None


def strict_claims(text: str, graph: GoldGraph) -> list[Claim]:
    """The claims of every ``Define`` step of ``text`` (normalized) whose name is one quantity's."""
    matches = list(DEFINE_RE.finditer(text))
    subjects = graph.by_subject()
    letter_quantity: dict[str, str | None] = {}  # step letter -> quantity id (None: unknown)
    values: dict[str, float] = {}  # letter -> value, steps and intermediates
    claims: list[Claim] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[match.end() : end]
        body = body[: body.find("Answer:")] if "Answer:" in body else body
        var = match.group("var")
        named = {qid for _, _, qid in find_subjects(match.group("name"), subjects)}
        qid = named.pop() if len(named) == 1 else None
        value, deps, last_expr, formula = _read_step(body, var, letter_quantity, values)
        letter_quantity[var] = qid
        if value is not None:
            values[var] = value
        if qid is None or value is None:
            continue
        numbers, op = numbers_and_operator(last_expr) if last_expr else ((), None)
        claims.append(
            Claim(
                qid=qid,
                value=value,
                text=short(match.group(0) + body),
                operands=numbers if len(numbers) >= 2 else None,
                op=op if len(numbers) >= 2 else None,
                operand_ids=deps if deps is not None else None,
                formula=formula,
            )
        )
    return claims


def _read_step(
    body: str, var: str, letter_quantity: dict[str, str | None], values: dict[str, float]
) -> tuple[float | None, frozenset[str] | None, str | None, Formula | None]:
    """The step's value, the quantities it was computed from (None: no letters used), the
    last numeric-only part of its expression (for the operand check) and its formula in the
    letters of earlier steps (for a step computed inline: ``process_inline``)."""
    local_deps: dict[str, set[str]] = {}
    value: float | None = None
    deps: set[str] | None = None
    numeric_part: str | None = None
    formula: Formula | None = None
    for match in ASSIGN_RE.finditer(body):
        target, expr = match.group("var"), match.group("expr")
        used: set[str] = set()
        letters = LETTER_RE.findall(expr)
        for letter in letters:
            if letter in letter_quantity and letter_quantity[letter] is not None:
                used.add(letter_quantity[letter])  # type: ignore[arg-type]
            used |= local_deps.get(letter, set())
        parts = [p.strip() for p in expr.split("=")]
        result = _value_of(parts[-1], values)
        if target == var:
            if letters:
                deps = (deps or set()) | used
            if result is not None:
                value = result
                numeric = [p for p in parts if not LETTER_RE.search(p) and evaluate(p) is not None]
                numeric_part = next((p for p in numeric if re.search(r"\d\s*[-+*/]", p)), None)
                formula = _formula(parts[:-1], letter_quantity, local_deps)
        else:
            local_deps.setdefault(target, set()).update(used)
            if result is not None:
                values[target] = result
    deps_ids = frozenset(deps) if deps is not None else None
    return value, deps_ids, numeric_part, formula


def _formula(
    parts: list[str], letter_quantity: dict[str, str | None], local: dict[str, set[str]]
) -> Formula | None:
    """The last part in letters (``k * 2 + 5`` of ``T = k * 2 + 5 = 10 * 2 + 5 = 25``) and the
    quantity of each letter; None when a letter is the step's own intermediate or unknown."""
    lettered = [part for part in parts if LETTER_RE.search(part)]
    if not lettered:
        return None
    expression = lettered[-1]
    letters = set(LETTER_RE.findall(expression))
    if any(letter in local or letter_quantity.get(letter) is None for letter in letters):
        return None
    return expression, tuple(sorted((letter, str(letter_quantity[letter])) for letter in letters))


def _value_of(expr: str, values: dict[str, float]) -> float | None:
    """``expr`` evaluated with the letters known so far substituted."""
    missing = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal missing
        if match.group(0) not in values:
            missing = True
            return "0"
        return repr(values[match.group(0)])

    expr = re.sub(r"\s+[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})*\s*$", "", expr)  # "= 8 apples"
    substituted = LETTER_RE.sub(substitute, expr)
    return None if missing else evaluate(substituted)
