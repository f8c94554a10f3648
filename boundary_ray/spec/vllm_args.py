"""vLLM's own knobs in the spec: ``engine.vllm: {...}`` and ``sampling.vllm: {...}``.

Each map is handed to vLLM as it is written (``engine.vllm`` to ``vllm.LLM`` as engine
arguments, ``sampling.vllm`` to every request's ``SamplingParams``), after a check against
vLLM's own fields: the ``EngineArgs`` dataclass and ``SamplingParams``, imported from the
installed vLLM when a spec has such a map (a spec without one never imports vLLM). An unknown or
mistyped key is one line that names it and the closest field name; a value of the wrong type
(when the field's annotation says plainly what it takes) is one line too. All of it runs when
the spec loads, before any engine starts.

A few keys stay the project's, because the project sets them from its own keys or needs them
as they are (``RESERVED``): ``n`` and ``seed`` above all (the plan asks each request for the
samples still missing, seeded per request, so that resumes draw the same samples).
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import functools
import inspect
import types
import typing
from collections.abc import Mapping
from typing import Any

from boundary_ray.errors import BoundaryError

# key -> where the project takes it from instead (engine arguments / sampling params)
RESERVED: dict[str, dict[str, str]] = {
    "engine": {
        "model": "it is models[].source",
        "seed": "the engine's seed is sampling.seed",
        "revision": "it is models[].revision",
        "tensor_parallel_size": "set engine.tensor_parallel_size",
        "dtype": "set engine.dtype",
        "max_model_len": "set engine.max_model_len",
        "gpu_memory_utilization": "set engine.gpu_memory_utilization",
        "limit_mm_per_prompt": "set engine.images_per_prompt",
    },
    "sampling": {
        "n": "each request asks for the samples still missing; set sampling.n",
        "seed": "each request is seeded from sampling.seed, so reruns draw the same samples",
        "temperature": "set sampling.temperature",
        "top_p": "set sampling.top_p",
        "max_tokens": "set sampling.max_tokens",
        "logprobs": "the lake's cum_logprob needs the sampled token's logprob",
        "output_kind": "the sampler takes all n samples of a request at once",
        "detokenize": "the verifiers read the response text",
    },
}
WHAT = {"engine": "EngineArgs", "sampling": "SamplingParams"}


@functools.cache
def vllm_fields(kind: str) -> dict[str, Any]:
    """Field name -> annotation of vLLM's ``EngineArgs`` (``kind='engine'``) or
    ``SamplingParams`` (``'sampling'``), from the installed vLLM (imported here, once)."""
    try:
        if kind == "engine":
            from vllm.engine.arg_utils import EngineArgs

            return {f.name: f.type for f in dataclasses.fields(EngineArgs)}
        from vllm import SamplingParams

        params = inspect.signature(SamplingParams).parameters
        return {name: p.annotation for name, p in params.items()}
    except ImportError as exc:
        raise BoundaryError(
            f"{kind}.vllm: vLLM is not installed here ({exc}), so its {WHAT[kind]} keys cannot"
            " be checked; install the cpu or gpu extra, or remove the map"
        ) from None


def check_vllm_map(kind: str, values: Mapping[str, Any], where: str) -> None:
    """Refuse a key of ``values`` that is not a field of vLLM's ``EngineArgs``/``SamplingParams``
    (naming the closest one), a key the project keeps (``RESERVED``), or a value whose type the
    field's annotation rules out. ``where`` is the map's place in the spec (``spec.engine.vllm``)."""
    if not values:
        return
    for key in values:
        if not isinstance(key, str):
            raise BoundaryError(f"{where}: key {key!r} is not a name")
        if key in RESERVED[kind]:
            raise BoundaryError(f"{where}.{key}: stays the project's ({RESERVED[kind][key]})")
    fields = {k: v for k, v in vllm_fields(kind).items() if not k.startswith("_")}
    for key, value in values.items():
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"see vLLM's {WHAT[kind]}"
            raise BoundaryError(f"{where}.{key}: not a vLLM {WHAT[kind]} field ({hint})")
        hint = fields[key]
        if _matches(hint, value) is False:
            raise BoundaryError(f"{where}.{key}: expected {_describe(hint)}, got {value!r}")


def _matches(hint: Any, value: Any) -> bool | None:
    """Whether ``value`` (parsed YAML) fits the annotation ``hint``; None where it cannot say
    (a config class, an enum, a string annotation): vLLM decides those when the engine starts."""
    if hint is Any or hint is inspect.Parameter.empty:
        return True
    if isinstance(hint, str | typing.ForwardRef):
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        results = [_matches(arg, value) for arg in args]
        return True if True in results else (None if None in results else False)
    if origin is typing.Literal:
        return value in args
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin in (list, set, tuple, frozenset) or hint in (list, set, tuple, frozenset):
        if not isinstance(value, list):
            return False
        inner = args[0] if args and origin is not tuple else None
        results = [_matches(inner, item) for item in value] if inner is not None else []
        return False not in results
    if origin is dict or hint is dict:
        return isinstance(value, Mapping)
    if origin is not None and getattr(origin, "__name__", "") == "Callable":
        return False  # YAML holds no functions
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return None
    return None


def _describe(hint: Any) -> str:
    """The annotation in words: ``one of auto, fp8`` for a Literal, else its Python spelling."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return "one of " + ", ".join(map(str, args))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(arg) for arg in args)
    if hint is type(None):
        return "null"
    if isinstance(hint, type) and origin is None:
        return {"bool": "true/false", "int": "an integer", "float": "a number"}.get(
            hint.__name__, hint.__name__
        )
    return str(hint).replace("typing.", "")
