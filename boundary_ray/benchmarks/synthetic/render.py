"""Turn a problem graph into a story: one sentence per quantity, then the question.

The renderer only words what the graph holds (subjects, constants, stated counts); it never
computes a value, so a test that re-solves the graph checks the answer independently.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from boundary_ray.benchmarks.synthetic.graph import Graph, Quantity
from boundary_ray.benchmarks.synthetic.templates import (
    MODULUS_NOTE,
    MULTIPLIERS,
    QUESTION,
    SENTENCES,
    Domain,
)


@dataclass(frozen=True)
class Story:
    """The rendered problem: ``question`` is the whole text the model sees."""

    question: str
    sentences: dict[str, str]  # quantity id -> its sentence
    subjects: dict[str, str]  # quantity id -> whose count it is
    unit: str  # plural unit


def render(graph: Graph, domain: Domain, rng: random.Random, mod: int | None = None) -> Story:
    """Word ``graph`` in ``domain``: a unit and distinct subjects are drawn with ``rng``."""
    singular, plural = rng.choice(domain.units)
    ids = [q.id for q in graph.steps + graph.distractors]
    subjects = dict(zip(ids, rng.sample(domain.subjects, len(ids)), strict=True))
    quantities = graph.quantities()
    sentences = {
        qid: _sentence(quantities[qid], domain, (singular, plural), subjects, rng)
        for qid in graph.order
    }
    parts = [sentences[qid] for qid in graph.order]
    if mod is not None:
        parts.append(MODULUS_NOTE.format(p=mod))
    asked = QUESTION.format(u=plural, aux=domain.aux, s=subjects[graph.target.id], base=domain.base)
    parts.append(asked)
    return Story(" ".join(parts), sentences, subjects, plural)


# Variable names of the equations style: single letters first (never i, l or o, which read
# like digits), then the same letters with a digit: enough for the largest problem.
_LETTERS = tuple(c for c in "abcdefghjkmnpqrstuvwxyz")
VARIABLES = _LETTERS + tuple(f"{c}{d}" for d in range(1, 10) for c in _LETTERS)
EQUATION_SHAPES = {
    "add": "{s} = {x} + {c}.",
    "sub": "{s} = {x} - {c}.",
    "mul": "{s} = {k} * {x}.",
    "sum": "{s} = {x} + {y}.",
    "diff": "{s} = {x} - {y}.",
}
EQUATIONS_QUESTION = "What is the value of {s}?"


def render_equations(graph: Graph, rng: random.Random, mod: int | None = None) -> Story:
    """Word ``graph`` as bare equations over variables ("b = a + 3."), then ask for the
    target's value: the same graph and answer as a story, with as few words as possible."""
    ids = [q.id for q in graph.steps + graph.distractors]
    names = rng.sample(_LETTERS, len(ids)) if len(ids) <= len(_LETTERS) else VARIABLES[: len(ids)]
    subjects = dict(zip(ids, names, strict=True))
    quantities = graph.quantities()
    sentences = {}
    for qid in graph.order:
        q = quantities[qid]
        if q.op == "given":
            sentences[qid] = f"{subjects[qid]} = {q.args[0]}."
            continue
        fields: dict[str, object] = {"s": subjects[qid], "x": subjects[str(q.args[0])]}
        if q.op in ("add", "sub"):
            fields["c"] = q.args[1]
        elif q.op == "mul":
            fields["k"] = q.args[1]
        else:
            fields["y"] = subjects[str(q.args[1])]
        sentences[qid] = EQUATION_SHAPES[q.op].format(**fields)
    parts = [sentences[qid] for qid in graph.order]
    if mod is not None:
        parts.append(MODULUS_NOTE.format(p=mod).replace("counts in this story", "values"))
    parts.append(EQUATIONS_QUESTION.format(s=subjects[graph.target.id]))
    return Story(" ".join(parts), sentences, subjects, "")


def render_expression(graph: Graph, mod: int | None = None) -> Story:
    """Word ``graph`` as one arithmetic expression for the asked quantity ("What is 7 + 5 - 3?"),
    built by substituting each operand's own expression: the fewest words of all. Distractors
    cannot appear (nothing unneeded is in an expression), and an operand used twice is written
    twice."""
    texts: dict[str, tuple[str, int]] = {}  # id -> (expression, precedence: 1 +-, 2 *, 3 atom)

    def operand(qid: str, at_least: int) -> str:
        text, precedence = texts[qid]
        return text if precedence >= at_least else f"({text})"

    for q in graph.steps:
        if q.op == "given":
            texts[q.id] = (str(q.args[0]), 3)
        elif q.op in ("add", "sub"):
            sign = "+" if q.op == "add" else "-"
            texts[q.id] = (f"{operand(str(q.args[0]), 1)} {sign} {q.args[1]}", 1)
        elif q.op == "mul":
            texts[q.id] = (f"{q.args[1]} * {operand(str(q.args[0]), 2)}", 2)
        elif q.op == "sum":
            texts[q.id] = (f"{operand(str(q.args[0]), 1)} + {operand(str(q.args[1]), 1)}", 1)
        else:  # diff: x - y needs y in parentheses when y is itself a sum or difference
            texts[q.id] = (f"{operand(str(q.args[0]), 1)} - {operand(str(q.args[1]), 2)}", 1)
    expression = texts[graph.target.id][0]
    question = f"What is {expression}?"
    if mod is not None:
        question = f"What is ({expression}) modulo {mod}? Give the remainder, from 0 to {mod - 1}."
    subjects = {q.id: f"({texts[q.id][0]})" for q in graph.steps}
    sentences = {q.id: texts[q.id][0] for q in graph.steps}
    for q in graph.distractors:
        subjects[q.id], sentences[q.id] = q.id, ""
    return Story(question, sentences, subjects, "")


def _sentence(
    q: Quantity,
    domain: Domain,
    unit: tuple[str, str],
    subjects: dict[str, str],
    rng: random.Random,
) -> str:
    shape = rng.choice(SENTENCES[q.op])
    fields = {"s": subjects[q.id], "v": domain.verb, "u": unit[1]}
    if q.op == "given":
        fields["n"] = f"{q.args[0]} {_unit(q.args[0], unit)}"
    elif q.op in ("add", "sub"):
        fields.update(x=subjects[q.args[0]], c=q.args[1], cu=_unit(q.args[1], unit))
    elif q.op == "mul":
        fields.update(x=subjects[q.args[0]], k=MULTIPLIERS[q.args[1]])
    else:
        fields.update(x=subjects[q.args[0]], y=subjects[q.args[1]])
    text = shape.format(**fields)
    return text[0].upper() + text[1:]


def _unit(count: int | str, unit: tuple[str, str]) -> str:
    return unit[0] if count == 1 else unit[1]
