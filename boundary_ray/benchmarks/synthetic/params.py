"""Parameters of a ``synthetic:`` source: from its query string or the spec's ``options``.

``synthetic:arith?ops=1-6&per_op=20&seed=0&mod=7&distractors=0.5&style=story`` and the same keys
as YAML under ``options:`` are equivalent; a key given both ways, an unknown key or a bad value is a
``BoundaryError`` naming the key. ``answer_in_question=skip`` leaves out the problems whose answer
already stands in the question as a number (``meta.answer_in_question``), where a response that
only repeats the question would end in the gold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.spec import BenchmarkSpec

KINDS = ("arith",)
KEYS = ("ops", "per_op", "seed", "mod", "distractors", "style", "answer_in_question")
DEFAULTS: dict[str, Any] = {
    "ops": "1-6",
    "per_op": 20,
    "seed": 0,
    "mod": None,
    "distractors": 0.5,
    "style": "story",
    "answer_in_question": "keep",
}
# keep: every problem drawn; skip: a problem whose answer stands in its question is left out
# and the next one drawn in its place (ids keep the draw index, so they may have gaps)
ANSWER_IN_QUESTION = ("keep", "skip")
# story: a word problem in one of the templates; equations: the same graph as bare equations
# over letters ("b = a + 3. What is the value of b?"); expression: one arithmetic expression
# ("What is 7 + 5 - 3?", no distractors): fewer words, for models too small to read a story
STYLES = ("story", "equations", "expression")
MAX_OPS = 20
MAX_PER_OP = 100_000
MAX_DISTRACTORS = 2.0
MAX_MOD = 1_000_000


@dataclass(frozen=True)
class SyntheticParams:
    """``ops``: the difficulties to generate, ``per_op`` problems each; ``mod``: reduce every
    count modulo this prime (None: no modulus); ``distractors``: unneeded quantities per
    needed one, on average."""

    kind: str
    ops: tuple[int, ...]
    per_op: int
    seed: int
    mod: int | None
    distractors: float
    style: str = "story"
    answer_in_question: str = "keep"


def parse_params(bench: BenchmarkSpec) -> SyntheticParams:
    """Read and validate the parameters of ``bench`` (a ``synthetic:`` source)."""
    source = bench.source
    kind, _, query = source.removeprefix("synthetic:").partition("?")
    if kind not in KINDS:
        raise BoundaryError(
            f"{source}: unknown synthetic kind {kind!r} (known: {', '.join(KINDS)})"
        )
    raw: dict[str, tuple[Any, str]] = {}  # key -> (value, where it came from)
    for pair in query.split("&") if query else []:
        key, sep, value = pair.partition("=")
        where = f"{source}: {key}"
        if not sep or not value:
            raise BoundaryError(f"{source}: {pair!r}: expected key=value")
        if key in raw:
            raise BoundaryError(f"{where}: given twice")
        raw[key] = (value, where)
    for key, value in bench.options.items():
        where = f"benchmark {bench.name!r}: options.{key}"
        if key in raw:
            raise BoundaryError(f"{where}: also given in the source {source!r}; give it once")
        raw[key] = (value, where)
    for key, (_, where) in raw.items():
        if key not in KEYS:
            raise BoundaryError(f"{where}: unknown key (known: {', '.join(KEYS)})")
    values = {key: raw.get(key, (DEFAULTS[key], f"{source}: {key}")) for key in KEYS}
    params = SyntheticParams(
        kind=kind,
        ops=_ops(*values["ops"]),
        per_op=_int(*values["per_op"], low=1, high=MAX_PER_OP),
        seed=_int(*values["seed"], low=0, high=2**63 - 1),
        mod=_mod(*values["mod"]),
        distractors=_float(*values["distractors"], low=0.0, high=MAX_DISTRACTORS),
        style=_style(*values["style"]),
        answer_in_question=_choice(*values["answer_in_question"], allowed=ANSWER_IN_QUESTION),
    )
    _check_subjects(params, values["distractors"][1])
    if params.style == "expression" and params.distractors:
        raise BoundaryError(
            f"{values['style'][1]}: an expression has no room for distractors (set distractors=0)"
        )
    return params


def _ops(value: Any, where: str) -> tuple[int, ...]:
    """``3``, ``"1-6"``, ``"1,2,4"``, ``"1-3,6"`` or a YAML list of integers."""
    if isinstance(value, list | tuple):
        items = [_int(v, where, low=1, high=MAX_OPS) for v in value]
    else:
        items = []
        for part in str(value).split(","):
            low, dash, high = part.strip().partition("-")
            if not dash:
                items.append(_int(low, where, low=1, high=MAX_OPS))
                continue
            first = _int(low, where, low=1, high=MAX_OPS)
            last = _int(high, where, low=1, high=MAX_OPS)
            if first > last:
                raise BoundaryError(f"{where}: range {part!r} runs backwards")
            items.extend(range(first, last + 1))
    if not items:
        raise BoundaryError(f"{where}: no difficulties given")
    return tuple(sorted(set(items)))


def _style(value: Any, where: str) -> str:
    return _choice(value, where, STYLES)


def _choice(value: Any, where: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise BoundaryError(f"{where}: expected one of {', '.join(allowed)}, got {value!r}")
    return value


def _int(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise BoundaryError(f"{where}: expected an integer, got {value!r}")
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise BoundaryError(f"{where}: expected an integer, got {value!r}")
        value = int(value)
    if not isinstance(value, int):
        raise BoundaryError(f"{where}: expected an integer, got {value!r}")
    if not low <= value <= high:
        raise BoundaryError(f"{where}: must be in {low}..{high}, got {value}")
    return value


def _float(value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool):
        raise BoundaryError(f"{where}: expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BoundaryError(f"{where}: expected a number, got {value!r}") from None
    if not low <= number <= high:  # also rejects nan
        raise BoundaryError(f"{where}: must be in {low}..{high}, got {value!r}")
    return number


def _mod(value: Any, where: str) -> int | None:
    """None, ``0`` or ``none``: no modulus; otherwise a prime in 5..MAX_MOD."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "0")):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value == 0:
        return None
    number = _int(value, where, low=5, high=MAX_MOD)
    if any(number % d == 0 for d in range(2, int(number**0.5) + 1)):
        raise BoundaryError(f"{where}: must be a prime, got {number}")
    return number


def _check_subjects(params: SyntheticParams, where: str) -> None:
    """Every quantity needs its own subject: the largest problem must fit the smallest list."""
    from boundary_ray.benchmarks.synthetic.templates import DOMAINS

    needed = 2 * max(params.ops) + 1  # one stated count, then per op a result and maybe one more
    most = needed + int(params.distractors * needed) + 1
    fewest = min(len(domain.subjects) for domain in DOMAINS)
    if most > fewest:
        raise BoundaryError(
            f"{where}: too many quantities for ops={max(params.ops)} with distractors="
            f"{params.distractors} (a problem may need {most} subjects, the templates have {fewest})"
        )
