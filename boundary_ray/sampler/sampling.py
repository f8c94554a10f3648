"""The sampling settings of one model's requests, typed and built once, and the one place that
turns them (with a request's ``n`` and ``seed``) into vLLM ``SamplingParams``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from boundary_ray.paper_prompts import PAPER_TEMPLATES
from boundary_ray.paper_prompts import STOP as PAPER_STOP
from boundary_ray.spec import ModelSpec, Spec


@dataclass(frozen=True)
class Sampling:
    """What every request of one model samples with; ``n`` and ``seed`` are per request."""

    temperature: float
    top_p: float
    max_tokens: int
    stop: tuple[str, ...] = ()  # e.g. a base model starting the next question
    # vLLM's own SamplingParams from the spec's sampling.vllm (checked when the spec loads);
    # its `stop` strings are added to `stop`
    vllm: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_model(cls, spec: Spec, model: ModelSpec) -> Sampling:
        """The model's sampling (``spec.sampling`` with its overrides), with the raw template's
        stop strings for a ``prompt: raw`` model and the paper's for its named templates."""
        sampling = spec.sampling_for(model)
        extra = dict(sampling.vllm)
        stop: tuple[str, ...] = ()
        if model.prompt == "raw":
            stop = tuple(spec.prompts.raw_stop)
        elif model.prompt in PAPER_TEMPLATES:
            stop = PAPER_STOP
        more = extra.pop("stop", None) or ()
        stop += tuple(s for s in ([more] if isinstance(more, str) else more) if s not in stop)
        return cls(
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            max_tokens=sampling.max_tokens,
            stop=stop,
            vllm=extra,
        )


def vllm_sampling_params(sampling: Sampling, n: int, seed: int) -> Any:
    """vLLM ``SamplingParams`` for one request: ``n`` samples, child ``i`` seeded ``seed + i``."""
    from vllm import SamplingParams
    from vllm.sampling_params import RequestOutputKind

    return SamplingParams(
        **sampling.vllm,  # the spec's sampling.vllm: no key below can be in it (vllm_args.py)
        n=int(n),
        seed=int(seed),
        temperature=sampling.temperature,
        top_p=sampling.top_p,
        max_tokens=sampling.max_tokens,
        logprobs=0,  # the sampled token's logprob -> a cumulative logprob per sample
        stop=list(sampling.stop) or None,
        # all n samples in one output once every one has finished (as LLM.generate sets it)
        output_kind=RequestOutputKind.FINAL_ONLY,
    )
