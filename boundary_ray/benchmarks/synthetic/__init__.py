"""Generated grade-school arithmetic problems whose difficulty is a dial (``synthetic:`` sources).

GSM-Infinite style, written from scratch: a random dependency graph of counts
(``graph.py``), worded with one of several story templates (``templates.py``, ``render.py``),
with the parameters read from the source or the spec (``params.py``). Difficulty ``ops`` is the
number of arithmetic operations on the path to the asked count. Problem ``(seed, ops, index)``
is drawn from its own string-seeded RNG, so it does not change with ``per_op``, the other
difficulties, ``PYTHONHASHSEED`` or the order anything is generated in. ``meta.answer_in_question``
says whether the answer is one of the numbers the question writes ("What is 11 - 7 - 2?"); with
``answer_in_question=skip`` such problems are left out (the next draw takes the place of each).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from typing import Any

from boundary_ray.benchmarks.synthetic.graph import Quantity, build_graph
from boundary_ray.benchmarks.synthetic.params import SyntheticParams, parse_params
from boundary_ray.benchmarks.synthetic.render import (
    Story,
    render,
    render_equations,
    render_expression,
)
from boundary_ray.benchmarks.synthetic.templates import DOMAINS
from boundary_ray.common.latex import number_values
from boundary_ray.errors import BoundaryError
from boundary_ray.spec import BenchmarkSpec

__all__ = ["generate_problem", "load_synthetic", "parse_params", "SyntheticParams"]

MAX_DRAWS_PER_PROBLEM = 50  # answer_in_question=skip: draws per problem kept, at most


def load_synthetic(bench: BenchmarkSpec) -> list[dict[str, Any]]:
    """The problems of a ``synthetic:`` source as ``problems`` rows, ``per_op`` per difficulty,
    easiest first, with ids such as ``ops3-0007``."""
    params = parse_params(bench)
    width = max(4, len(str(params.per_op - 1)))
    rows = []
    for ops in params.ops:
        for index, row in _drawn(params, ops):
            row["benchmark"] = bench.name
            row["problem_id"] = f"ops{ops}-{index:0{width}d}"
            rows.append(row)
    return rows


def _drawn(params: SyntheticParams, ops: int) -> list[tuple[int, dict[str, Any]]]:
    """``per_op`` problems of difficulty ``ops`` with their draw index: the first ``per_op``
    draws, or with ``answer_in_question=skip`` the first ``per_op`` whose answer is not in the
    question (at most ``MAX_DRAWS_PER_PROBLEM`` draws per problem kept)."""
    if params.answer_in_question == "keep":
        return [(index, generate_problem(params, ops, index)) for index in range(params.per_op)]
    kept: list[tuple[int, dict[str, Any]]] = []
    for index in range(params.per_op * MAX_DRAWS_PER_PROBLEM):
        row = generate_problem(params, ops, index)
        if not json.loads(row["meta"])["answer_in_question"]:
            kept.append((index, row))
            if len(kept) == params.per_op:
                return kept
    raise BoundaryError(
        f"synthetic:{params.kind}: answer_in_question=skip: only {len(kept)} of "
        f"{params.per_op} problems with ops={ops} in {params.per_op * MAX_DRAWS_PER_PROBLEM} "
        "draws have an answer that is not in the question"
    )


def generate_problem(params: SyntheticParams, ops: int, index: int) -> dict[str, Any]:
    """Problem number ``index`` of difficulty ``ops``: a row without ``benchmark`` and ``problem_id``."""
    rng = random.Random(f"boundary-ray/synthetic/{params.kind}/{params.seed}/{ops}/{index}")
    domain = rng.choice(DOMAINS)
    graph = build_graph(rng, ops, params.distractors, params.mod)
    if params.style == "equations":
        story = render_equations(graph, rng, params.mod)
        template = "equations"
    elif params.style == "expression":
        story = render_expression(graph, params.mod)
        template = "expression"
    else:
        story = render(graph, domain, rng, params.mod)
        template = domain.name
    meta = {
        "generator": params.kind,
        "ops": ops,
        "style": params.style,
        "template": template,
        "unit": story.unit,
        "seed": params.seed,
        "index": index,
        "mod": params.mod,
        "distractor_rate": params.distractors,
        "distractors": len(graph.distractors),
        "target": graph.target.id,
        "steps": [_step(q, story) for q in graph.steps],
        "distractor_steps": [_step(q, story) for q in graph.distractors],
        # the answer is one of the numbers the question writes: a copy of the question ends in it
        "answer_in_question": float(graph.target.value) in number_values(story.question),
    }
    return {
        "task": "math",
        "question": story.question,
        "answer": str(graph.target.value),
        "tests": None,
        "meta": json.dumps(meta, sort_keys=True),
    }


def _step(q: Quantity, story: Story) -> dict[str, Any]:
    step = asdict(q)
    step["args"] = list(q.args)
    step["subject"] = story.subjects[q.id]
    step["text"] = story.sentences[q.id]
    return step
