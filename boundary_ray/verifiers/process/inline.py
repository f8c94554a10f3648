"""Steps computed inline: ``T = k * 2 + 5 = 10 * 2 + 5 = 25`` gives T from k, skipping the
intermediate count (``k * 2``) that the gold graph names as its own step.

Nothing in such a step is wrong, so it is not a contradiction; its intermediate quantity is
simply never stated, so the process is ``unsupported`` unless the response states it elsewhere.
What must not slip through is a *wrong* formula that lands on the right value by chance
(``T = k * 3 - 5 = 25``). So an inline formula is checked against the gold graph: the
quantities it uses (all upstream of the step) are given other values, the gold steps are
recomputed from them, and the formula must agree every time. A formula this cannot evaluate
(an intermediate letter of the step, an unknown operation) is not judged either way: it counts
as ``unchecked``, which is ``unsupported`` at most.
"""

from __future__ import annotations

import math
import re

from boundary_ray.verifiers.process.graph import GoldGraph, GoldQuantity
from boundary_ray.verifiers.process.text import Claim, evaluate

RIGHT, WRONG, UNCHECKED = "right", "wrong", "unchecked"
_SHIFTS = (3, 7, 13)  # trial offsets given to the used quantities (distinct per quantity)
_LETTER_RE = re.compile(r"(?<![\w.])[A-Za-z](?![\w])")


def upstream(q: GoldQuantity, graph: GoldGraph) -> frozenset[str]:
    """Every quantity ``q`` is computed from, directly or through other steps."""
    seen: set[str] = set()
    todo = list(q.operand_ids)
    while todo:
        qid = todo.pop()
        if qid in seen or qid not in graph.quantities:
            continue
        seen.add(qid)
        todo.extend(graph.quantities[qid].operand_ids)
    return frozenset(seen)


def inline_check(claim: Claim, q: GoldQuantity, graph: GoldGraph) -> str:
    """``right`` when the claim's formula computes ``q`` from quantities upstream of it as the
    gold steps do, ``wrong`` when it uses a quantity that is not upstream or computes
    something else, ``unchecked`` when the formula cannot be evaluated here."""
    used = claim.operand_ids or frozenset()
    if not used <= upstream(q, graph):
        return WRONG  # a distractor, or a quantity computed from this one
    if claim.formula is None:
        return UNCHECKED
    expression, letters = claim.formula
    named = dict(letters)
    if not set(named.values()) <= upstream(q, graph):
        return UNCHECKED
    ids = sorted(set(named.values()))
    for shift in _SHIFTS:
        values = {qid: graph.quantities[qid].value + shift * (i + 1) for i, qid in enumerate(ids)}

        def number(match: re.Match[str], values: dict[str, int] = values) -> str:
            letter = match.group(0)
            return repr(values[named[letter]]) if letter in named else "x"

        got = evaluate(_LETTER_RE.sub(number, expression))
        expected = _recompute(q.id, values, graph)
        if got is None or expected is None:
            return UNCHECKED
        if not _same(got, expected, graph.mod):
            return WRONG
    return RIGHT


def _recompute(qid: str, overrides: dict[str, int], graph: GoldGraph) -> float | None:
    """``qid``'s value by the gold steps when the quantities in ``overrides`` had those values."""
    memo: dict[str, float] = dict(overrides)

    def value(name: str) -> float | None:
        if name in memo:
            return memo[name]
        q = graph.quantities.get(name)
        if q is None:
            return None
        if not q.derived:
            return float(q.value)
        args = [value(a) if isinstance(a, str) else float(a) for a in q.args]
        if len(args) != 2 or None in args:
            return None
        a, b = args
        result = a + b if q.op in ("add", "sum") else a - b if q.op in ("sub", "diff") else a * b
        memo[name] = result
        return result

    return value(qid)


def _same(got: float, expected: float, mod: int | None) -> bool:
    if mod is not None:
        return got == int(got) and int(got) % mod == int(expected) % mod
    return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)
