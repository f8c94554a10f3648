"""The dependency graph of one synthetic problem: which quantities exist and their values.

Quantities are made in dependency order. The first is a stated count; each of the ``ops``
operations then derives a new quantity from the one made just before it (and possibly one
more), so the asked quantity — the last — depends on every operation: difficulty = ``ops``.
Distractors are made afterwards from anything that exists, so nothing the answer needs can
depend on them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

BASE_VALUES = tuple(range(2, 13))  # stated counts
CONSTANTS = tuple(range(1, 10))  # "3 more than"
MULTIPLIERS = (2, 3)  # "twice as many as"
MIN_VALUE, MAX_VALUE = 2, 99  # without a modulus every count stays in this range
UNARY, BINARY = ("add", "sub", "mul"), ("sum", "diff")


@dataclass(frozen=True)
class Quantity:
    """One count. ``args`` holds quantity ids (str) and constants (int): ``given (v)``,
    ``add (x, c)``, ``sub (x, c)``, ``mul (x, k)``, ``sum (x, y)``, ``diff (x, y)`` = x - y."""

    id: str
    op: str
    args: tuple[int | str, ...]
    value: int


@dataclass(frozen=True)
class Graph:
    """``steps``: what the answer needs, in dependency order, the asked quantity last;
    ``distractors``: what it does not need; ``order``: the ids in the order the story states them."""

    steps: tuple[Quantity, ...]
    distractors: tuple[Quantity, ...]
    order: tuple[str, ...]

    @property
    def target(self) -> Quantity:
        """The asked quantity."""
        return self.steps[-1]

    def quantities(self) -> dict[str, Quantity]:
        """Every quantity by id."""
        return {q.id: q for q in self.steps + self.distractors}


def build_graph(rng: random.Random, ops: int, distractor_rate: float, mod: int | None) -> Graph:
    """Draw a problem with ``ops`` operations on the path to the answer and, on average,
    ``distractor_rate`` unneeded quantities per needed one. With ``mod`` every value is
    reduced modulo it; without, every value stays in ``MIN_VALUE..MAX_VALUE``."""
    needed = _Builder(rng, mod, "q")
    prev = needed.given()
    for _ in range(ops):
        prev = needed.derive(prev, [q for q in needed.made if q is not prev], allow_new=True)
    extra = _Builder(rng, mod, "d")
    count = _stochastic_round(rng, distractor_rate * len(needed.made))
    while len(extra.made) < count:
        pool = needed.made + extra.made
        if rng.random() < 0.5:
            extra.given()
        else:
            first = rng.choice(pool)
            others = [q for q in pool if q is not first]
            extra.derive(first, others, allow_new=len(extra.made) + 2 <= count)
    order = [q.id for q in needed.made]
    for q in extra.made:
        earliest = max((order.index(a) + 1 for a in q.args if isinstance(a, str)), default=0)
        order.insert(rng.randint(earliest, len(order)), q.id)
    return Graph(tuple(needed.made), tuple(extra.made), tuple(order))


def _stochastic_round(rng: random.Random, x: float) -> int:
    """floor(x), plus one with probability frac(x): the mean is exactly x."""
    whole = int(x)
    return whole + (1 if rng.random() < x - whole else 0)


@dataclass(frozen=True)
class _Candidate:
    """One possible next operation: ``const`` for unary kinds; for binary ones the second
    operand ``other`` (None: a new stated count of ``other_value``), ``swapped``: other - first."""

    kind: str
    value: int
    const: int | None = None
    other: Quantity | None = None
    other_value: int | None = None
    swapped: bool = False


class _Builder:
    """Makes quantities with ids ``<prefix>1, <prefix>2, ...`` in the order they are made."""

    def __init__(self, rng: random.Random, mod: int | None, prefix: str) -> None:
        self.rng = rng
        self.mod = mod
        self.prefix = prefix
        self.made: list[Quantity] = []

    def given(self, value: int | None = None) -> Quantity:
        if value is None:
            value = self.rng.choice(BASE_VALUES)
        return self._add("given", (value,), self._reduce(value))

    def derive(self, first: Quantity, others: list[Quantity], allow_new: bool) -> Quantity:
        """A quantity computed from ``first`` and maybe one of ``others`` or a new stated count.

        The operation kind is drawn uniformly among the kinds that have a candidate whose
        value stays in range, then a candidate of that kind; for ``sum`` and ``diff``, the
        second operand is an existing quantity or a new stated count, each half the time.
        """
        a = first.value
        candidates = [_Candidate("add", a + c, const=c) for c in self._constants()]
        candidates += [_Candidate("sub", a - c, const=c) for c in self._constants()]
        candidates += [_Candidate("mul", a * k, const=k) for k in MULTIPLIERS]
        seconds = [(other, other.value) for other in others]
        if allow_new:
            seconds += [(None, v) for v in BASE_VALUES]
        for other, b in seconds:
            candidates.append(_Candidate("sum", a + b, other=other, other_value=b))
            candidates.append(_Candidate("diff", a - b, other=other, other_value=b))
            candidates.append(_Candidate("diff", b - a, other=other, other_value=b, swapped=True))
        candidates = [c for c in candidates if self._ok(c.value)]
        kind = self.rng.choice(sorted({c.kind for c in candidates}, key=(UNARY + BINARY).index))
        candidates = [c for c in candidates if c.kind == kind]
        if kind in BINARY:
            new = sorted({c.other is None for c in candidates})
            is_new = self.rng.choice(new)
            candidates = [c for c in candidates if (c.other is None) == is_new]
        pick = self.rng.choice(candidates)
        if kind in UNARY:
            return self._add(kind, (first.id, pick.const), self._reduce(pick.value))
        other = pick.other if pick.other is not None else self.given(pick.other_value)
        args = (other.id, first.id) if pick.swapped else (first.id, other.id)
        return self._add(kind, args, self._reduce(pick.value))

    def _constants(self) -> tuple[int, ...]:
        return tuple(c for c in CONSTANTS if self.mod is None or c < self.mod)

    def _ok(self, value: int) -> bool:
        return self.mod is not None or MIN_VALUE <= value <= MAX_VALUE

    def _reduce(self, value: int) -> int:
        return value % self.mod if self.mod is not None else value

    def _add(self, op: str, args: tuple[int | str, ...], value: int) -> Quantity:
        quantity = Quantity(f"{self.prefix}{len(self.made) + 1}", op, args, value)
        self.made.append(quantity)
        return quantity
