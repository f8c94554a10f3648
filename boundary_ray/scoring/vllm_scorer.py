"""``VLLMScorer``: a Ray Data actor holding one vLLM engine that rescores responses.

Each input row is one response to score: the scorer's rendering of the problem (``prompt``)
and the sampled ``response`` text. The actor encodes both with the engine's tokenizer,
asks vLLM for ``prompt_logprobs`` over the concatenated ids (one output token, which is thrown
away) and sums the log-probabilities of the response positions. Rows that cannot be scored
come out with ``status`` 'too_long' or 'error' and a ``reason``; none is dropped.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from boundary_ray import schema
from boundary_ray.sampler.stage import EngineStage

# what a scores row copies from its request: its key and this run
COPIED = (*schema.KEYS["scores"], "run_id")
REASON_CHARS = 300


class VLLMScorer(EngineStage):
    """Callable class for ``Dataset.map_batches``: responses in, one ``scores`` row each out.

    Each response is its own engine request (all of a batch in flight at once), so an engine
    error marks only its own row."""

    output_schema = schema.SCORES

    def __init__(self, llm_kwargs: dict[str, Any], device: str) -> None:
        self.llm_kwargs = llm_kwargs
        self.tokenizing = threading.Lock()
        super().__init__(device)

    def start_engine(self) -> Any:
        from vllm import LLM

        self.llm = LLM(**self.llm_kwargs)
        self.tokenizer = self.llm.get_tokenizer()
        self.max_model_len = int(self.llm.model_config.max_model_len)
        return self.llm.llm_engine

    def request(self, row: dict[str, Any]) -> tuple[Any, Any] | None:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt
        from vllm.sampling_params import RequestOutputKind

        with self.tokenizing:  # in-flight batches call this from their own threads
            row["_result"] = result = self._prepare(row)
        if result["status"] is not None:
            return None
        params = SamplingParams(
            max_tokens=1,
            prompt_logprobs=0,
            temperature=0.0,
            detokenize=False,
            output_kind=RequestOutputKind.FINAL_ONLY,
        )
        return TokensPrompt(prompt_token_ids=result["_ids"]), params

    def emit(
        self, row: dict[str, Any], output: Any, error: BaseException | None, out: dict[str, list]
    ) -> None:
        result = row["_result"]
        if error is not None:
            _fail(result, error)
        elif output is not None:
            try:
                self._fill(result, output)
            except Exception as exc:
                _fail(result, exc)
        for name in self.output_schema.names:
            out[name].append(result.get(name))

    def _prepare(self, row: dict[str, Any]) -> dict[str, Any]:
        """The output row, with ``status`` already set where the row cannot go to the engine."""
        result = {k: row[k] for k in COPIED}
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
