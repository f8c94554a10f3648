"""``VLLMSampler``: a Ray Data actor holding one vLLM engine.

Each input row is one problem's request: its rendered ``prompt``, ``n_new`` samples still
missing, the ``first_idx`` of those samples and a per-request ``seed``. The whole batch goes to
``LLM.generate`` at once, so the engine batches every problem's n samples together and computes
each prompt's prefix once. vLLM gives child ``i`` of a seeded n-sample request the seed
``seed + i``, which is the seed recorded for sample ``first_idx + i``.
"""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa

PASS_THROUGH = ("model", "benchmark", "problem_id", "run_id", "task", "question", "answer", "tests", "prompt")

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
    ]
)


class VLLMSampler:
    """Callable class for ``Dataset.map_batches``: problem requests in, one row per sample out."""

    def __init__(self, llm_kwargs: dict[str, Any], sampling: dict[str, Any], device: str) -> None:
        if device == "cpu":
            from boundary_ray.sampler.engine import apply_cpu_environment

            apply_cpu_environment()
            import torch

            from boundary_ray.settings import cpu_threads

            torch.set_num_threads(cpu_threads())
        from vllm import LLM

        start = time.perf_counter()
        self.llm = LLM(**llm_kwargs)
        self.start_s = time.perf_counter() - start
        self.sampling = sampling

    def __call__(self, batch: pa.Table) -> pa.Table:
        from vllm import SamplingParams

        requests = batch.to_pylist()
        params = [
            SamplingParams(
                n=int(req["n_new"]),
                seed=int(req["seed"]),
                temperature=self.sampling["temperature"],
                top_p=self.sampling["top_p"],
                max_tokens=self.sampling["max_tokens"],
                logprobs=0,  # the sampled token's logprob -> a cumulative logprob per sample
                stop=list(req.get("stop") or []) or None,
            )
            for req in requests
        ]
        outputs = self.llm.generate([r["prompt"] for r in requests], params, use_tqdm=False)
        columns: dict[str, list] = {name: [] for name in SAMPLE_COLUMNS.names}
        for req, out in zip(requests, outputs, strict=True):
            for i, completion in enumerate(sorted(out.outputs, key=lambda c: c.index)):
                for name in PASS_THROUGH:
                    columns[name].append(req.get(name))
                columns["sample_idx"].append(int(req["first_idx"]) + i)
                columns["seed"].append(int(req["seed"]) + i)
                columns["response"].append(completion.text)
                columns["response_tokens"].append(len(completion.token_ids))
                columns["cum_logprob"].append(completion.cumulative_logprob)
                columns["finish_reason"].append(completion.finish_reason or "unknown")
        return pa.table(columns, schema=SAMPLE_COLUMNS)
