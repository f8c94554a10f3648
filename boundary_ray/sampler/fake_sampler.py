"""``FakeSampler``: the sampler stage on a deterministic fake engine (``fake:`` sources).

Same input columns, output columns, engine loop, in-flight threads and drain as
``VLLMSampler``; only the engine differs: ``FakeEngine`` answers every request in one step
with canned completions (``models/fake.py`` says what they hold). Nothing here imports vLLM or
loads a tokenizer, and nothing is kept per sample once its batch has returned, so a simulation
of a million samples costs only the pipeline around it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from boundary_ray import schema
from boundary_ray.models.fake import FakeSource
from boundary_ray.sampler.base import Sampler
from boundary_ray.sampler.sampling import Sampling

FILLER = "so we work it out step by step "  # 8 words: one "token" per word


@dataclass(frozen=True)
class FakeParams:
    """What the fake engine needs of one request (vLLM's would be ``SamplingParams``)."""

    n: int
    problem_id: str
    first_idx: int
    answer: str | None
    task: str
    max_tokens: int


@dataclass(frozen=True, slots=True)
class FakeCompletion:
    """One sample, shaped like vLLM's ``CompletionOutput``."""

    index: int
    text: str
    token_ids: range  # only its length is read: no list per sample
    cumulative_logprob: float
    finish_reason: str


@dataclass(frozen=True)
class FakeOutput:
    """One finished request, shaped like vLLM's ``RequestOutput``."""

    request_id: str
    outputs: list[FakeCompletion]
    finished: bool = True


def uniform(seed: int, problem_id: str, sample_idx: int, salt: str) -> float:
    """A number in [0, 1) fixed by its inputs (the same on every machine and run)."""
    key = f"{seed}|{problem_id}|{sample_idx}|{salt}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / 2**64


def fake_completion(source: FakeSource, params: FakeParams, index: int) -> FakeCompletion:
    """Sample ``params.first_idx + index`` of its problem: correct with probability
    ``source.accuracy``, cut off at ``max_tokens`` with probability ``source.length``."""
    sample_idx = params.first_idx + index
    pid = params.problem_id
    if uniform(source.seed, pid, sample_idx, "length") < source.length:
        tokens = params.max_tokens
        return FakeCompletion(index, _filler(tokens), range(tokens), -0.5 * tokens, "length")
    spread = 0.5 + uniform(source.seed, pid, sample_idx, "tokens")  # 0.5x .. 1.5x
    tokens = max(1, min(params.max_tokens, round(source.tokens * spread)))
    correct = uniform(source.seed, pid, sample_idx, "correct") < source.accuracy
    if params.task == "code":
        final = "```python\npass\n```"
    else:
        final = f"The answer is \\boxed{{{params.answer if correct else _wrong(params.answer)}}}."
    text = _filler(max(tokens - len(final.split()), 0)) + final
    return FakeCompletion(index, text, range(tokens), -0.3 * tokens, "stop")


class FakeEngine:
    """An engine with vLLM's ``LLMEngine`` surface (``add_request``, ``step``,
    ``has_unfinished_requests``) that finishes every queued request in its next step."""

    def __init__(self, source: FakeSource) -> None:
        self.source = source
        self.queued: list[tuple[str, FakeParams]] = []

    def add_request(self, request_id: str, prompt: str, params: FakeParams) -> None:
        if params.n < 1:
            raise ValueError(f"{params.problem_id}: n must be >= 1, got {params.n}")
        self.queued.append((request_id, params))

    def has_unfinished_requests(self) -> bool:
        return bool(self.queued)

    def step(self) -> list[FakeOutput]:
        if self.source.step_s:
            time.sleep(self.source.step_s)  # a real engine's step takes time
        done, self.queued = self.queued, []
        return [
            FakeOutput(rid, [fake_completion(self.source, p, i) for i in range(p.n)])
            for rid, p in done
        ]


class FakeSampler(Sampler):
    """Callable class for ``Dataset.map_batches``: ``VLLMSampler``'s interface on ``FakeEngine``."""

    def __init__(self, source: str, sampling: Sampling, device: str = "fake") -> None:
        self.source = FakeSource.parse(source)
        super().__init__(sampling, device)  # 'fake': no CPU engine environment to set

    def start_engine(self) -> FakeEngine:
        return FakeEngine(self.source)

    def params(self, req: dict[str, Any]) -> FakeParams:
        return FakeParams(
            n=int(req["n_new"]),
            problem_id=req["problem_id"],
            first_idx=int(req["first_idx"]),
            answer=req.get("answer"),
            task=schema.task_of(req),
            max_tokens=self.sampling.max_tokens,
        )


def _filler(words: int) -> str:
    whole, rest = divmod(words, 8)
    return FILLER * whole + " ".join(FILLER.split()[:rest]) + (" " if rest else "")


def _wrong(gold: str | None) -> str:
    """An answer that is not ``gold``: an integer gold plus one, else gold with ``+1``."""
    if gold is None:
        return "0"
    try:
        return str(int(gold) + 1)
    except ValueError:
        return f"{gold}+1"
