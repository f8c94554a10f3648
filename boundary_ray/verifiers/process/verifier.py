"""Process verdicts: does a response's reasoning match the problem's gold dependency graph?

The response is read into claims (``strict.py`` for the ``Define ... as X;`` step
format, ``lenient.py`` for natural language) and compared with the graph
(``graph.py``). Verdicts, the first that applies:

- ``n/a``: the problem has no gold graph (not a synthetic problem);
- ``contradicted``: a needed quantity is stated with a wrong value, or a right value from wrong
  operands; a wrong final answer is a wrong value of the asked quantity;
- ``unsupported``: no final answer (a truncated response), or a needed derived quantity (the
  asked one included) is never stated, or a step computed inline (``T = k * 2 + 5 = 25``, past
  an unstated intermediate count) has a formula that cannot be checked (``process_inline``);
- ``valid``: the final answer and every needed derived quantity stated right.

Unneeded (extra, distractor) steps are allowed whatever their values. Stated counts of the
question (``given``) need not be restated, but restating one wrong contradicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from boundary_ray.schema import PROCESS_VERDICTS
from boundary_ray.verifiers.answer_extraction import extract_answer
from boundary_ray.verifiers.process.graph import GoldGraph, GoldQuantity, gold_graph
from boundary_ray.verifiers.process.inline import RIGHT, UNCHECKED, WRONG, inline_check
from boundary_ray.verifiers.process.lenient import lenient_claims
from boundary_ray.verifiers.process.strict import strict_answer, strict_claims, without_steps
from boundary_ray.verifiers.process.text import Claim, normalize, short

MAX_REASONS = 3


@dataclass(frozen=True)
class ProcessVerdict:
    """One of ``schema.PROCESS_VERDICTS`` and why."""

    verdict: str
    reason: str

    def __post_init__(self) -> None:
        if self.verdict not in PROCESS_VERDICTS:
            raise ValueError(f"unknown process verdict {self.verdict!r}")

    @property
    def valid(self) -> bool:
        return self.verdict == "valid"


def judge_process(
    response: str | None, meta: Any, finish_reason: str | None = None
) -> ProcessVerdict:
    """The process verdict of ``response`` for the problem whose ``meta`` is given.

    Raises ``BoundaryError`` only for a malformed graph in ``meta``; a response never raises.
    """
    graph = gold_graph(meta)
    if graph is None:
        return ProcessVerdict("n/a", "no gold graph in meta (not a synthetic problem)")
    text = normalize(response or "")
    claims = strict_claims(text, graph) + lenient_claims(without_steps(text), graph)
    wrong, unchecked = _contradictions(claims, graph)
    answer, answer_text = _final_answer(text, finish_reason)
    target = graph.quantities[graph.target]
    if answer_text is not None and (answer is None or not graph.same_value(answer, target.value)):
        wrong.insert(
            0, f"final answer {short(answer_text, 30)!r}, but {target.label()} is {target.value}"
        )
    if wrong:
        return ProcessVerdict("contradicted", _join(wrong))
    stated = {c.qid for c in claims}
    missing = [q for q in graph.needed if q.derived and q.id not in stated]
    if answer_text is None:
        why = "no final answer" + (" (truncated)" if finish_reason == "length" else "")
        if missing:
            why += "; never stated: " + ", ".join(q.label() for q in missing[:MAX_REASONS])
        return ProcessVerdict("unsupported", why)
    if missing:
        names = ", ".join(q.label() for q in missing[:MAX_REASONS])
        more = f" and {len(missing) - MAX_REASONS} more" if len(missing) > MAX_REASONS else ""
        return ProcessVerdict("unsupported", f"never stated: {names}{more}")
    if unchecked:
        return ProcessVerdict("unsupported", _join(unchecked))
    derived = sum(1 for q in graph.needed if q.derived)
    return ProcessVerdict(
        "valid", f"answer and all {derived} needed derived quantities stated right"
    )


def _contradictions(claims: list[Claim], graph: GoldGraph) -> tuple[list[str], list[str]]:
    """What the claims state wrong, and the steps computed inline whose formula could not be
    checked (``unsupported`` at most)."""
    wrong, unchecked = [], []
    for claim in claims:
        q = graph.quantities.get(claim.qid)
        if q is None or not q.needed:
            continue  # extra steps are allowed
        if not graph.same_value(claim.value, q.value):
            wrong.append(
                f"{q.label()} stated as {_num(claim.value)}, is {q.value} ({claim.text!r})"
            )
            continue
        operands = _right_operands(claim, q, graph)
        if operands == WRONG:
            wrong.append(f"{q.label()} computed from the wrong operands ({claim.text!r})")
        elif operands == UNCHECKED:
            unchecked.append(f"{q.label()} computed inline, its steps not checked ({claim.text!r})")
    return wrong, unchecked


def _right_operands(claim: Claim, q: GoldQuantity, graph: GoldGraph) -> str:
    """``right``, ``wrong`` or ``unchecked``. A claim from a strict step may use only the gold
    step's quantities (others may be written as numbers), or quantities further upstream when
    its formula computes the same (a step computed inline: ``process_inline``); one from an
    equation of two numbers must use the gold operands' values (either order where the
    operation allows). Anything else is not checked (``right``)."""
    if not q.derived:
        return RIGHT
    if claim.operand_ids is not None and not claim.operand_ids <= q.operand_ids:
        return inline_check(claim, q, graph)  # "T = k * 2 + 5": through an unstated step
    if claim.operands is None or claim.op is None:
        return RIGHT
    if len(claim.operands) != 2 and not (q.op == "mul" and claim.op == "+"):
        return RIGHT  # a longer expression (several steps at once) is not checked
    return RIGHT if q.computed_by(claim.operands, claim.op, graph.mod) else WRONG


def _final_answer(text: str, finish_reason: str | None) -> tuple[float | None, str | None]:
    """The final answer as a number (None: not a number) and as written (None: no answer)."""
    strict = strict_answer(text)
    if strict is not None:
        return strict, _num(strict)
    found = extract_answer(text, finish_reason)
    if found is None:
        return None, None
    value = found.answer.rsplit("=", 1)[-1]  # "9 + 9 = 18": the result, not the first operand
    number = re.search(r"-?\d+(?:\.\d+)?", value)
    return (float(number.group(0)) if number else None), found.answer


def _join(reasons: list[str]) -> str:
    head = "; ".join(reasons[:MAX_REASONS])
    more = len(reasons) - MAX_REASONS
    return head + (f"; and {more} more" if more > 0 else "")


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def process_row(row: dict[str, Any]) -> ProcessVerdict:
    """The process verdict of one sample row (``response``, ``meta``, ``finish_reason``); a
    malformed graph gives ``n/a`` with the error as its reason instead of raising."""
    from boundary_ray.errors import BoundaryError

    try:
        return judge_process(row.get("response"), row.get("meta"), row.get("finish_reason"))
    except BoundaryError as exc:
        return ProcessVerdict("n/a", f"bad gold graph: {exc}"[:300])
