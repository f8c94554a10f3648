"""``VLLMScorer``: a Ray Data actor holding one vLLM engine that rescores responses.

Each input row is one response to score: the scorer's rendering of the problem (``prompt``)
and the sampled ``response`` text. The actor encodes both with the engine's tokenizer,
asks vLLM for ``prompt_logprobs`` over the concatenated ids (one output token, which is thrown
away) and sums the log-probabilities of the response positions. Rows that cannot be scored
come out with ``status`` 'too_long' or 'error' and a ``reason``; none is dropped.
"""

from __future__ import annotations

import math
from typing import Any

import pyarrow as pa

from boundary_ray import schema

KEY_COLUMNS = ("scorer", "model", "benchmark", "problem_id", "sample_idx", "run_id")
REASON_CHARS = 300


class VLLMScorer:
    """Callable class for ``Dataset.map_batches``: responses in, one ``scores`` row each out."""

    def __init__(self, llm_kwargs: dict[str, Any], device: str) -> None:
        from boundary_ray.orphan_guard import exit_when_orphaned

        exit_when_orphaned()  # end this engine if its Ray node dies under it
        if device == "cpu":
            from boundary_ray.sampler.engine import apply_cpu_environment

            apply_cpu_environment()
        from vllm import LLM

        self.llm = LLM(**llm_kwargs)
        self.tokenizer = self.llm.get_tokenizer()
        self.max_model_len = int(self.llm.model_config.max_model_len)

    def __call__(self, batch: pa.Table) -> pa.Table:
        results = [self._prepare(row) for row in batch.to_pylist()]
        self._score([r for r in results if r["status"] is None])
        rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in results]
        return pa.Table.from_pylist(rows, schema=schema.SCORES)

    def _prepare(self, row: dict[str, Any]) -> dict[str, Any]:
        """The output row, with ``status`` already set where the row cannot go to the engine."""
        result = {k: row[k] for k in KEY_COLUMNS}
        result.update(
            response_tokens=None, logprob_sum=None, perplexity=None, status=None, reason=None
        )
        if row.get("reason"):
            return {**result, "status": "error", "reason": row["reason"]}
        prompt_ids = list(self.tokenizer.encode(row["prompt"]))  # as vLLM encodes a text prompt
        response_ids = list(self.tokenizer.encode(row["response"] or "", add_special_tokens=False))
        result["response_tokens"] = len(response_ids)
        total = len(prompt_ids) + len(response_ids)
        if not response_ids:
            return {**result, "status": "error", "reason": "empty response: no tokens to score"}
        if total >= self.max_model_len:  # vLLM needs room for one output token
            return {
                **result,
                "status": "too_long",
                "reason": f"prompt {len(prompt_ids)} + response {len(response_ids)} = {total} tokens; "
                f"max_model_len {self.max_model_len} fits at most {self.max_model_len - 1}",
            }
        return {**result, "_ids": prompt_ids + response_ids, "_start": len(prompt_ids)}

    def _score(self, todo: list[dict[str, Any]]) -> None:
        """Fill ``logprob_sum``/``perplexity``/``status`` of ``todo``: the whole batch in one engine
        call, or (when that call fails) one call per row, so an error marks only its own row."""
        if not todo:
            return
        try:
            outputs = self._generate([r["_ids"] for r in todo])
        except Exception:
            for row in todo:
                try:
                    (output,) = self._generate([row["_ids"]])
                    self._fill(row, output)
                except Exception as exc:
                    _fail(row, exc)
            return
        for row, output in zip(todo, outputs, strict=True):
            try:
                self._fill(row, output)
            except Exception as exc:
                _fail(row, exc)

    def _generate(self, ids: list[list[int]]) -> list[Any]:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        params = SamplingParams(max_tokens=1, prompt_logprobs=0, temperature=0.0, detokenize=False)
        prompts = [TokensPrompt(prompt_token_ids=seq) for seq in ids]
        return self.llm.generate(prompts, params, use_tqdm=False)

    @staticmethod
    def _fill(row: dict[str, Any], output: Any) -> None:
        ids, start = row["_ids"], row["_start"]
        logprobs = output.prompt_logprobs
        total = 0.0
        for pos in range(start, len(ids)):
            total += logprobs[pos][ids[pos]].logprob
        if not math.isfinite(total):
            raise ValueError(f"non-finite logprob sum {total}")
        row.update(
            logprob_sum=total,
            perplexity=math.exp(-total / row["response_tokens"]),
            status="ok",
        )


def _fail(row: dict[str, Any], exc: Exception) -> None:
    message = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
    row.update(status="error", reason=message[:REASON_CHARS])
