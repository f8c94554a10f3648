"""``fake:`` model sources: a deterministic stand-in for an engine, for tests and simulations.

    source: "fake:canned?accuracy=0.3&tokens=200&seed=0&length=0.05"

``canned`` answers each request with ``n`` canned responses of about ``tokens`` words whose
final ``\\boxed{}`` holds the gold answer with probability ``accuracy`` (else a wrong one); a
share ``length`` of the samples is cut off at ``sampling.max_tokens`` with no final answer
(``finish_reason`` 'length'). Which samples are correct or cut off is decided by a hash of
(``seed``, problem_id, sample_idx), so a rerun, another batching or a resume reproduces them.
``step_s`` makes each engine step take that many seconds, as a real engine's would (default 0:
as fast as the pipeline around it allows). No model, tokenizer or vLLM is loaded
(``sampler/fake_sampler.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from boundary_ray.errors import BoundaryError

PREFIX = "fake:"
KINDS = ("canned",)


@dataclass(frozen=True)
class FakeSource:
    """The options of a ``fake:`` source."""

    kind: str = "canned"
    accuracy: float = 0.5
    tokens: int = 200
    seed: int = 0
    length: float = 0.0  # share of samples cut off at max_tokens
    step_s: float = 0.0  # seconds each engine step takes

    @classmethod
    def parse(cls, source: str) -> FakeSource:
        """``fake:canned?accuracy=0.3&tokens=200&seed=0`` -> its options; a bad kind, key or
        value is a ``BoundaryError`` naming it."""
        kind, _, query = source.removeprefix(PREFIX).partition("?")
        if kind not in KINDS:
            raise BoundaryError(f"{source}: unknown fake kind {kind!r} (known: {', '.join(KINDS)})")
        values: dict[str, float | int] = {}
        for key, raw in parse_qsl(query, keep_blank_values=True):
            if key in ("accuracy", "length"):
                values[key] = _number(source, key, raw, float, 0.0, 1.0)
            elif key in ("tokens", "seed"):
                values[key] = _number(source, key, raw, int, 1 if key == "tokens" else 0, None)
            elif key == "step_s":
                values[key] = _number(source, key, raw, float, 0.0, 60.0)
            else:
                raise BoundaryError(
                    f"{source}: unknown option {key!r}"
                    " (known: accuracy, tokens, seed, length, step_s)"
                )
        return cls(kind=kind, **values)


def is_fake(source: str) -> bool:
    """Whether ``source`` names the fake engine."""
    return source.startswith(PREFIX)


def _number(source: str, key: str, raw: str, kind: type, low: float, high: float | None):
    try:
        value = kind(raw)
    except ValueError:
        raise BoundaryError(f"{source}: {key}={raw!r} is not {kind.__name__}") from None
    if value < low or (high is not None and value > high):
        bounds = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise BoundaryError(f"{source}: {key}={raw} must be {bounds}")
    return value
