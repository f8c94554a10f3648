"""The gold dependency graph of a synthetic problem, read from its ``meta`` (problems table).

``meta.steps`` lists what the answer needs (dependency order, the asked quantity last),
``meta.distractor_steps`` what it does not; each step has ``id``, ``op``, ``args`` (quantity
ids and constants), ``value`` and ``subject`` (whose count it is). A problem whose meta has no
``steps`` has no graph: its process verdict is ``n/a``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from boundary_ray.errors import BoundaryError

# the operation each step kind asks for, and whether its two operands may be swapped
OPERATORS = {"add": ("+", True), "sub": ("-", False), "mul": ("*", True)}
OPERATORS |= {"sum": ("+", True), "diff": ("-", False)}


@dataclass(frozen=True)
class GoldQuantity:
    """One count of the story: ``operand_ids`` are the quantities it is computed from,
    ``operands`` the values of its two operands (a quantity's value or a constant)."""

    id: str
    op: str
    value: int
    subject: str
    needed: bool
    operand_ids: frozenset[str]
    operands: tuple[int, ...]
    args: tuple[int | str, ...] = ()  # the step's arguments in order: quantity ids, constants

    @property
    def derived(self) -> bool:
        """Computed from other counts (not stated in the question)."""
        return self.op != "given"

    def computed_by(self, numbers: tuple[float, ...], op: str | None, mod: int | None) -> bool:
        """Whether ``numbers`` joined by ``op`` is this quantity's gold step: its two operands
        (either order where the operation allows), or for "twice x" also ``x + x``."""
        if not self.derived or op is None:
            return False
        symbol, commutes = OPERATORS[self.op]
        gold = tuple(float(v) for v in self.operands)
        if mod is not None:
            gold = tuple(v % mod for v in gold)
            numbers = tuple(v % mod for v in numbers)
        if op == symbol and len(numbers) == 2:
            return numbers == gold or (commutes and numbers == gold[::-1])
        if self.op == "mul" and op == "+":
            return len(numbers) == int(gold[1]) and all(n == gold[0] for n in numbers)
        return False

    def label(self) -> str:
        """How a reason names it: ``Ben (q2)``."""
        return f"{self.subject} ({self.id})"


@dataclass(frozen=True)
class GoldGraph:
    """Every quantity of one problem by id, which one is asked, and the modulus if any."""

    quantities: dict[str, GoldQuantity]
    target: str
    mod: int | None

    @property
    def needed(self) -> list[GoldQuantity]:
        """The quantities the answer depends on, in dependency order."""
        return [q for q in self.quantities.values() if q.needed]

    def same_value(self, stated: float, gold: int) -> bool:
        """A stated value is right if it equals the gold one (or, with a modulus, reduces to it)."""
        if stated != int(stated):
            return False
        if int(stated) == gold:
            return True
        return self.mod is not None and int(stated) % self.mod == gold

    def by_subject(self) -> dict[str, str]:
        """Quantity id by subject as the story writes it ("the corner bakery" also as
        "corner bakery")."""
        found: dict[str, str] = {}
        for q in self.quantities.values():
            found[q.subject] = q.id
            if q.subject.lower().startswith("the "):
                found.setdefault(q.subject[4:], q.id)
        return found


def gold_graph(meta: Any) -> GoldGraph | None:
    """The graph in ``meta`` (a JSON string or a dict), or None when it has none.

    A ``steps`` list that is there but malformed raises ``BoundaryError`` naming the field.
    """
    if meta is None or meta == "":
        return None
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except json.JSONDecodeError:
            raise BoundaryError("meta: not valid JSON") from None
    if not isinstance(meta, dict):
        raise BoundaryError("meta: expected a JSON object")
    steps = meta.get("steps")
    if not steps:
        return None
    if not isinstance(steps, list):
        raise BoundaryError("meta.steps: expected a list")
    extra = meta.get("distractor_steps") or []
    target = meta.get("target")
    if target is None:
        target = steps[-1].get("id") if isinstance(steps[-1], dict) else None
    raw = [(step, True) for step in steps] + [(step, False) for step in extra]
    values: dict[str, int] = {}
    quantities: dict[str, GoldQuantity] = {}
    for index, (step, needed) in enumerate(raw):
        quantity = _quantity(step, needed, values, f"meta.steps[{index}]")
        values[quantity.id] = quantity.value
        quantities[quantity.id] = quantity
    if target not in quantities or not quantities[target].needed:
        raise BoundaryError(f"meta.target: {target!r} is not one of meta.steps")
    mod = meta.get("mod")
    return GoldGraph(quantities, str(target), int(mod) if isinstance(mod, int) and mod else None)


def _quantity(step: Any, needed: bool, values: dict[str, int], where: str) -> GoldQuantity:
    if not isinstance(step, dict):
        raise BoundaryError(f"{where}: expected an object")
    for field in ("id", "op", "args", "value"):
        if field not in step:
            raise BoundaryError(f"{where}: missing field {field!r}")
    op, args = step["op"], step["args"]
    if op != "given" and op not in OPERATORS:
        raise BoundaryError(f"{where}.op: unknown operation {op!r}")
    if not isinstance(args, list) or (op != "given" and len(args) != 2):
        raise BoundaryError(f"{where}.args: expected two operands for {op!r}")
    operands: list[int] = []
    for arg in args if op != "given" else []:
        if isinstance(arg, str):
            if arg not in values:
                raise BoundaryError(f"{where}.args: {arg!r} is not defined before it")
            operands.append(values[arg])
        else:
            operands.append(int(arg))
    value = step["value"]
    if isinstance(value, bool) or not isinstance(value, int):
        raise BoundaryError(f"{where}.value: expected an integer")
    return GoldQuantity(
        id=str(step["id"]),
        op=op,
        value=value,
        subject=str(step.get("subject") or step["id"]),
        needed=needed,
        operand_ids=frozenset(a for a in args if isinstance(a, str))
        if op != "given"
        else frozenset(),
        operands=tuple(operands),
        args=tuple(a if isinstance(a, str) else int(a) for a in args) if op != "given" else (),
    )
