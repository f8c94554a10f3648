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
