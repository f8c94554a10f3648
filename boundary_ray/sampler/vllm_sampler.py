"""``VLLMSampler``: a Ray Data actor holding one vLLM engine.

Each input row is one problem's request: its rendered ``prompt``, ``n_new`` samples still
missing, the ``first_idx`` of those samples and a per-request ``seed``. The actor takes several
batches at once (``engine.in_flight`` threads); every batch hands its requests to the one
engine loop (``engine_loop.py``) and returns when its own problems are done. The engine keeps
batching every problem's n samples together, computing each prompt's prefix once, while small
batches move on to verification and the lake as they finish: the progress bar moves, and a
killed run loses only what was in flight. vLLM gives child ``i`` of a seeded n-sample request
the seed ``seed + i``, which is the seed recorded for sample ``first_idx + i``.
"""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa

# Problem fields a request carries through sampling to the verifier and the lake.
PASS_THROUGH = pa.schema(
    [
        ("model", pa.string()),
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("run_id", pa.string()),
        ("task", pa.string()),
        ("question", pa.string()),
        ("answer", pa.string()),
        ("tests", pa.string()),
        ("meta", pa.string()),  # the gold graph of a synthetic problem, for the process verdict
        ("prompt", pa.string()),
    ]
)

# One planned request: ``n_new`` samples of a problem from ``first_idx`` on, seeded.
REQUEST_COLUMNS = pa.schema(
    [
        *PASS_THROUGH,
        ("first_idx", pa.int32()),
        ("n_new", pa.int32()),
        ("seed", pa.int64()),
        ("stop", pa.list_(pa.string())),
    ]
)

SAMPLE_COLUMNS = pa.schema(
    [
        *PASS_THROUGH,
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

    def __init__(self, llm_kwargs: dict[str, Any], sampling: dict[str, Any], device: str) -> None:
        from boundary_ray.orphan_guard import exit_when_orphaned
        from boundary_ray.sampler.engine_loop import EngineLoop

        exit_when_orphaned()
        if device == "cpu":
            from boundary_ray.sampler.engine import apply_cpu_environment

            apply_cpu_environment()
        from vllm import LLM

        self.llm = LLM(**llm_kwargs)
        self.ready_at = time.time()
        self.sampling = sampling
        self.loop = EngineLoop(self.llm.llm_engine)

    def __call__(self, batch: pa.Table) -> pa.Table:
        requests = batch.to_pylist()
        futures = [
            self.loop.submit(req["prompt"], sampling_params(req, self.sampling)) for req in requests
        ]
        return self._rows(
            [(req, future.result()) for req, future in zip(requests, futures, strict=True)]
        )

    def _rows(self, finished: list[tuple[dict[str, Any], Any]]) -> pa.Table:
        columns: dict[str, list] = {name: [] for name in SAMPLE_COLUMNS.names}
        for req, out in finished:
            if len(out.outputs) != int(req["n_new"]):
                raise RuntimeError(
                    f"{req['problem_id']}: engine gave {len(out.outputs)} of {req['n_new']} samples"
                )
            for completion in sorted(out.outputs, key=lambda c: c.index):
                for name in PASS_THROUGH.names:
                    columns[name].append(req.get(name))
                columns["sample_idx"].append(int(req["first_idx"]) + completion.index)
                columns["seed"].append(int(req["seed"]) + completion.index)
                columns["response"].append(completion.text)
                columns["response_tokens"].append(len(completion.token_ids))
                columns["cum_logprob"].append(completion.cumulative_logprob)
                columns["finish_reason"].append(completion.finish_reason or "unknown")
                columns["engine_ready_at"].append(self.ready_at)
        return pa.table(columns, schema=SAMPLE_COLUMNS)
