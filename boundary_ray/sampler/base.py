"""``Sampler``: the engine stage that turns planned requests into sample rows.

Each input row is one problem's request (``schema.REQUESTS``): its rendered ``prompt``,
``n_new`` samples still missing, the ``first_idx`` of those samples and a per-request ``seed``.
The engine returns all ``n_new`` completions at once; each becomes a row of
``schema.SAMPLER_ROWS`` (the request's planned and carried columns, plus ``schema.SAMPLED``).
The engine gives child ``i`` of a seeded request the seed ``seed + i``, which is the seed
recorded for sample ``first_idx + i``. ``VLLMSampler`` and ``FakeSampler`` differ only in the
engine they start and the params they submit.
"""

from __future__ import annotations

from typing import Any

from boundary_ray import schema
from boundary_ray.sampler.sampling import Sampling
from boundary_ray.sampler.stage import EngineStage

PASSED_ON = tuple(n for n in schema.SAMPLER_ROWS.names if n not in schema.SAMPLED)


class Sampler(EngineStage):
    """Planned requests in, one ``schema.SAMPLER_ROWS`` row per sample out."""

    output_schema = schema.SAMPLER_ROWS

    def __init__(self, sampling: Sampling, device: str = "cpu") -> None:
        self.sampling = sampling
        super().__init__(device)

    def params(self, req: dict[str, Any]) -> Any:
        """The engine's params for one request (``n_new`` samples seeded from ``seed``)."""
        raise NotImplementedError

    def request(self, row: dict[str, Any]) -> tuple[Any, Any]:
        return row["prompt"], self.params(row)

    def emit(
        self, row: dict[str, Any], output: Any, error: BaseException | None, out: dict[str, list]
    ) -> None:
        if error is not None:
            raise error  # a sampling failure fails the batch: nothing half-sampled is written
        if len(output.outputs) != int(row["n_new"]):
            raise RuntimeError(
                f"{row['problem_id']}: engine gave {len(output.outputs)} of {row['n_new']} samples"
            )
        completions = sorted(output.outputs, key=lambda c: c.index)
        for name in PASSED_ON:
            out[name].extend([row.get(name)] * len(completions))
        first, seed = int(row["first_idx"]), int(row["seed"])
        out["sample_idx"].extend(first + c.index for c in completions)
        out["seed"].extend(seed + c.index for c in completions)
        out["response"].extend(c.text for c in completions)
        out["response_tokens"].extend(len(c.token_ids) for c in completions)
        out["cum_logprob"].extend(c.cumulative_logprob for c in completions)
        out["finish_reason"].extend(c.finish_reason or "unknown" for c in completions)
