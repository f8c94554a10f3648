"""``VLLMSampler``: a Ray Data actor holding one vLLM engine.

Each input row is one problem's request: its rendered ``prompt``, ``n_new`` samples still
missing, the ``first_idx`` of those samples and a per-request ``seed``. The whole batch is handed
to the engine at once (so it batches every problem's n samples together and computes each
prompt's prefix once), and problems are yielded as they finish, every ``flush_s`` seconds: the
verifier and the writer work while the engine samples, the progress bar moves, and a killed run
loses only what was still in flight. vLLM gives child ``i`` of a seeded n-sample request the
seed ``seed + i``, which is the seed recorded for sample ``first_idx + i``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

PASS_THROUGH = (
    "model",
    "benchmark",
    "problem_id",
    "run_id",
    "task",
    "question",
    "answer",
    "tests",
    "prompt",
)

SAMPLE_COLUMNS = pa.schema(
    [
        ("model", pa.string()),
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("run_id", pa.string()),
        ("task", pa.string()),
        ("question", pa.string()),
        ("answer", pa.string()),
        ("tests", pa.string()),
        ("prompt", pa.string()),
        ("sample_idx", pa.int32()),
        ("seed", pa.int64()),
        ("response", pa.string()),
        ("response_tokens", pa.int32()),
        ("cum_logprob", pa.float64()),
        ("finish_reason", pa.string()),
        ("engine_ready_at", pa.float64()),  # wall clock when this engine could first sample
    ]
)


def sampling_params(req: dict[str, Any], sampling: dict[str, Any]) -> Any:
    """vLLM ``SamplingParams`` for one planned request (a row of the pipeline's requests)."""
    from vllm import SamplingParams
    from vllm.sampling_params import RequestOutputKind

    return SamplingParams(
        n=int(req["n_new"]),
        seed=int(req["seed"]),
        temperature=sampling["temperature"],
        top_p=sampling["top_p"],
        max_tokens=sampling["max_tokens"],
        logprobs=0,  # the sampled token's logprob -> a cumulative logprob per sample
        stop=list(req.get("stop") or []) or None,
        # all n samples in one output once every one has finished (as LLM.generate sets it)
        output_kind=RequestOutputKind.FINAL_ONLY,
    )


class VLLMSampler:
    """Callable class for ``Dataset.map_batches``: problem requests in, one row per sample out."""

    def __init__(
        self,
        llm_kwargs: dict[str, Any],
        sampling: dict[str, Any],
        device: str,
        flush_s: float = 10.0,
    ) -> None:
        from boundary_ray.orphan_guard import exit_when_orphaned

        exit_when_orphaned()
        if device == "cpu":
            from boundary_ray.sampler.engine import apply_cpu_environment

            apply_cpu_environment()
        from vllm import LLM

        start = time.perf_counter()
        self.llm = LLM(**llm_kwargs)
        self.start_s = time.perf_counter() - start
        self.ready_at = time.time()
        self.sampling = sampling
        self.flush_s = flush_s
        self.requests_added = 0

    def __call__(self, batch: pa.Table) -> Iterator[pa.Table]:
        engine = self.llm.llm_engine
        pending: dict[str, dict[str, Any]] = {}
        for req in batch.to_pylist():
            request_id = f"boundary-{self.requests_added}"  # outputs carry this external id
            engine.add_request(request_id, req["prompt"], sampling_params(req, self.sampling))
            self.requests_added += 1
            pending[request_id] = req
        finished: list[tuple[dict[str, Any], Any]] = []
        last_flush = time.monotonic()
        while engine.has_unfinished_requests():
            for out in engine.step():
                if out.finished:
                    finished.append((pending.pop(out.request_id), out))
            if finished and time.monotonic() - last_flush >= self.flush_s:
                yield self._rows(finished)
                finished, last_flush = [], time.monotonic()
        if pending:
            raise RuntimeError(f"engine returned no output for {len(pending)} requests")
        if finished:
            yield self._rows(finished)

    def _rows(self, finished: list[tuple[dict[str, Any], Any]]) -> pa.Table:
        columns: dict[str, list] = {name: [] for name in SAMPLE_COLUMNS.names}
        for req, out in finished:
            if len(out.outputs) != int(req["n_new"]):
                raise RuntimeError(
                    f"{req['problem_id']}: engine gave {len(out.outputs)} of {req['n_new']} samples"
                )
            for completion in sorted(out.outputs, key=lambda c: c.index):
                for name in PASS_THROUGH:
                    columns[name].append(req.get(name))
                columns["sample_idx"].append(int(req["first_idx"]) + completion.index)
                columns["seed"].append(int(req["seed"]) + completion.index)
                columns["response"].append(completion.text)
                columns["response_tokens"].append(len(completion.token_ids))
                columns["cum_logprob"].append(completion.cumulative_logprob)
                columns["finish_reason"].append(completion.finish_reason or "unknown")
                columns["engine_ready_at"].append(self.ready_at)
        return pa.table(columns, schema=SAMPLE_COLUMNS)
