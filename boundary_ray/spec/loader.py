"""The run spec: a validated YAML file, built once into frozen dataclasses.

Unknown keys and bad values fail with a ``BoundaryError`` that names the file and the key,
e.g. ``demo.yaml: sampling.temprature: unknown key (known: n, temperature, ...)``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import LakeLocation, open_lake
from boundary_ray.paper_prompts import PAPER_TEMPLATES

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# chat, raw, and the paper's own templates by name (paper_prompts.py: qwen-boxed, qwen25-math-cot)
PROMPT_STYLES = ("chat", "raw", *PAPER_TEMPLATES)
ROLES = ("base", "rl", "distilled", "instruct")

DEFAULT_INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."
DEFAULT_RAW_TEMPLATE = "Question: {question}\n{instruction}\nAnswer: Let's think step by step."


@dataclass(frozen=True)
class ModelSpec:
    """One model to sample from; ``name`` is its partition key in the lake."""

    name: str
    source: str
    prompt: str = "chat"
    role: str = "instruct"
    revision: str | None = None
    tags: dict[str, Any] = field(default_factory=dict)
    # overrides of the spec's sampling for this model only ({temperature: 0.3}); a checkpoint
    # series (boundary_ray/series.py) expands to such entries
    sampling: dict[str, Any] = field(default_factory=dict)

    def check(self, where: str) -> None:
        _check_name(self.name, f"{where}.name")
        _check_choice(self.prompt, PROMPT_STYLES, f"{where}.prompt")
        _check_choice(self.role, ROLES, f"{where}.role")
        if not self.source:
            raise BoundaryError(f"{where}.source: must not be empty")


@dataclass(frozen=True)
class BenchmarkSpec:
    """One problem set; ``source`` is a path, ``hf://...``, ``builtin:...`` or ``synthetic:...``."""

    name: str
    source: str
    limit: int | None = None
    task: str | None = None  # 'math' | 'code'; inferred from the source when None
    fields: dict[str, str] = field(default_factory=dict)  # generic loader: our column -> file field
    options: dict[str, Any] = field(default_factory=dict)  # source-specific (synthetic params ...)
    # keep only these question types (multi_choice, free_form; visual sets): the dropped count
    # is reported and recorded in the run manifest. Empty = keep all.
    question_types: tuple[str, ...] = ()

    def check(self, where: str) -> None:
        _check_name(self.name, f"{where}.name")
        if self.limit is not None and self.limit < 1:
            raise BoundaryError(f"{where}.limit: must be >= 1, got {self.limit}")
        if self.task is not None:
            _check_choice(self.task, ("math", "code", "visual"), f"{where}.task")
        for i, kind in enumerate(self.question_types):
            _check_choice(kind, ("multi_choice", "free_form"), f"{where}.question_types[{i}]")
        if not self.source:
            raise BoundaryError(f"{where}.source: must not be empty")


@dataclass(frozen=True)
class SamplingSpec:
    """vLLM sampling parameters; the paper's defaults (temperature 0.6, top-p 0.95)."""

    n: int = 16
    temperature: float = 0.6
    top_p: float = 0.95
    max_tokens: int = 1024
    seed: int = 0
    # vLLM's own SamplingParams beyond these (top_k, min_p, repetition_penalty, stop, ...),
    # checked against the installed vLLM (boundary_ray/vllm_args.py); n and seed stay ours
    vllm: dict[str, Any] = field(default_factory=dict)

    def check(self, where: str) -> None:
        if self.vllm:
            from boundary_ray.spec.vllm_args import check_vllm_map

            check_vllm_map("sampling", self.vllm, f"{where}.vllm")
        if self.n < 1:
            raise BoundaryError(f"{where}.n: must be >= 1, got {self.n}")
        if self.temperature < 0:
            raise BoundaryError(f"{where}.temperature: must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise BoundaryError(f"{where}.top_p: must be in (0, 1], got {self.top_p}")
        if self.max_tokens < 1:
            raise BoundaryError(f"{where}.max_tokens: must be >= 1, got {self.max_tokens}")
        if self.seed < 0:
            raise BoundaryError(f"{where}.seed: must be >= 0, got {self.seed}")


@dataclass(frozen=True)
class EngineSpec:
    """How the vLLM engine is placed and configured.

    ``replicas``: engine actors per model (``0`` = one per tensor-parallel group of the
    cluster's GPUs). ``device``: ``auto`` picks ``cuda`` when the cluster has GPUs, else ``cpu``.
    ``batch_size``: problems in one Ray Data batch; a finished batch goes on to verification and
    the lake (smaller = finer resume and smoother progress, more and smaller files).
    ``in_flight``: batches one engine works on at once (continuous batching across them). Keep
    ``batch_size * in_flight * n`` sequences within the engine's KV cache, or vLLM preempts.
    ``schedule``: several models one after another (``sequential``) or side by side (``parallel``).
    ``placement``: what each engine actor claims from Ray: ``gpu`` (``tensor_parallel_size`` GPUs,
    one STRICT_PACK placement group per replica when > 1), ``cpu``, or ``auto`` (follows device).
    ``placement: gpu`` with ``device: cpu`` lets a CPU machine with logical GPUs test placement.
    ``images_per_prompt``: vLLM's ``limit_mm_per_prompt`` for images (a problem with more fails
    before sampling). ``max_image_pixels``: larger images are downscaled (aspect kept) in the
    engine actor before the model's processor sees them; null = as published.
    ``vllm``: vLLM's own engine arguments beyond these (``max_num_seqs``,
    ``enable_prefix_caching``, ``quantization``, ...), checked against the installed vLLM's
    ``EngineArgs`` (``boundary_ray/vllm_args.py``) and handed to ``vllm.LLM``.
    """

    tensor_parallel_size: int = 1
    replicas: int = 1
    dtype: str = "auto"
    max_model_len: int | None = None
    device: str = "auto"
    batch_size: int = 8
    in_flight: int = 4
    gpu_memory_utilization: float = 0.9
    schedule: str = "sequential"
    placement: str = "auto"
    images_per_prompt: int = 1
    max_image_pixels: int | None = None
    vllm: dict[str, Any] = field(default_factory=dict)

    def check(self, where: str) -> None:
        if self.vllm:
            from boundary_ray.spec.vllm_args import check_vllm_map

            check_vllm_map("engine", self.vllm, f"{where}.vllm")
        if self.images_per_prompt < 1:
            raise BoundaryError(f"{where}.images_per_prompt: must be >= 1")
        if self.max_image_pixels is not None and self.max_image_pixels < 28 * 28:
            raise BoundaryError(f"{where}.max_image_pixels: must be >= 784")
        if self.tensor_parallel_size < 1:
            raise BoundaryError(f"{where}.tensor_parallel_size: must be >= 1")
        if self.replicas < 0:
            raise BoundaryError(f"{where}.replicas: must be >= 0 (0 = one per GPU group)")
        _check_choice(self.device, ("auto", "cpu", "cuda"), f"{where}.device")
        _check_choice(self.dtype, ("auto", "float32", "float16", "bfloat16"), f"{where}.dtype")
        _check_choice(self.schedule, ("sequential", "parallel"), f"{where}.schedule")
        _check_choice(self.placement, ("auto", "gpu", "cpu"), f"{where}.placement")
        if self.batch_size < 1:
            raise BoundaryError(f"{where}.batch_size: must be >= 1")
        if self.in_flight < 1:
            raise BoundaryError(f"{where}.in_flight: must be >= 1")
        if self.max_model_len is not None and self.max_model_len < 16:
            raise BoundaryError(f"{where}.max_model_len: must be >= 16")
        if not 0 < self.gpu_memory_utilization <= 1:
            raise BoundaryError(f"{where}.gpu_memory_utilization: must be in (0, 1]")


@dataclass(frozen=True)
class PromptSpec:
    """Zero-shot prompt text: ``instruction`` follows the question; ``raw`` is the base-model
    template, with ``{question}`` and ``{instruction}`` placeholders."""

    instruction: str = DEFAULT_INSTRUCTION
    raw: str = DEFAULT_RAW_TEMPLATE
    code_instruction: str = (
        "Write a complete Python solution. Put the code in one ```python fenced block."
    )
    raw_stop: tuple[str, ...] = ("\nQuestion:",)  # a base model starting the next question

    def check(self, where: str) -> None:
        if "{question}" not in self.raw:
            raise BoundaryError(f"{where}.raw: template must contain {{question}}")


@dataclass(frozen=True)
class VerifySpec:
    """CPU verification: per-sample hard timeouts and the verifier pool size."""

    math_timeout_s: float = 5.0
    code_timeout_s: float = 10.0
    workers: int = 1

    def check(self, where: str) -> None:
        if self.math_timeout_s <= 0 or self.code_timeout_s <= 0:
            raise BoundaryError(f"{where}: timeouts must be > 0")
        if self.workers < 1:
            raise BoundaryError(f"{where}.workers: must be >= 1")


@dataclass(frozen=True)
class ScoreSpec:
    """Perplexity cross-scoring (``boundary score``): which scorers rescore which responses."""

    scorers: tuple[str, ...] = ()  # model names from ``models``; empty = every model
    models: tuple[str, ...] = ()  # whose responses; empty = every model in the lake
    benchmarks: tuple[str, ...] = ()  # empty = all
    correct_only: bool = False
    max_per_problem: int | None = None

    def check(self, where: str) -> None:
        if self.max_per_problem is not None and self.max_per_problem < 1:
            raise BoundaryError(f"{where}.max_per_problem: must be >= 1")


@dataclass(frozen=True)
class LakeOptionsSpec:
    """What a run does to the lake when it finishes: ``compact: true`` merges the small files of
    the partitions it wrote (as ``boundary lake compact`` does; local or mounted lakes only),
    into files of about ``compact_target_mb`` uncompressed MB."""

    compact: bool = False
    compact_target_mb: float = 128.0

    def check(self, where: str) -> None:
        if self.compact_target_mb <= 0:
            raise BoundaryError(f"{where}.compact_target_mb: must be > 0")


@dataclass(frozen=True)
class Spec:
    """A whole run: models x benchmarks x sampling, and where the lake lives."""

    models: tuple[ModelSpec, ...]
    benchmarks: tuple[BenchmarkSpec, ...]
    name: str = "run"
    lake: LakeLocation = field(default_factory=lambda: open_lake("./lake"))  # opened once, here
    sampling: SamplingSpec = field(default_factory=SamplingSpec)
    engine: EngineSpec = field(default_factory=EngineSpec)
    prompts: PromptSpec = field(default_factory=PromptSpec)
    verify: VerifySpec = field(default_factory=VerifySpec)
    score: ScoreSpec = field(default_factory=ScoreSpec)
    lake_options: LakeOptionsSpec = field(default_factory=LakeOptionsSpec)

    def check(self, where: str = "spec") -> None:
        if not self.models:
            raise BoundaryError(f"{where}.models: at least one model is required")
        if not self.benchmarks:
            raise BoundaryError(f"{where}.benchmarks: at least one benchmark is required")
        _check_unique([m.name for m in self.models], f"{where}.models")
        _check_unique([b.name for b in self.benchmarks], f"{where}.benchmarks")
        for i, model in enumerate(self.models):
            model.check(f"{where}.models[{i}]")
        for i, bench in enumerate(self.benchmarks):
            bench.check(f"{where}.benchmarks[{i}]")
        self.sampling.check(f"{where}.sampling")
        for i, model in enumerate(self.models):
            if model.sampling:  # the model's overrides over the spec's sampling
                here = f"{where}.models[{i}].sampling"
                self.sampling_for(model, here).check(here)
        self.engine.check(f"{where}.engine")
        self.prompts.check(f"{where}.prompts")
        self.verify.check(f"{where}.verify")
        self.score.check(f"{where}.score")
        self.lake_options.check(f"{where}.lake_options")
        names = {m.name for m in self.models}
        for scorer in self.score.scorers:
            if scorer not in names:
                raise BoundaryError(f"{where}.score.scorers: {scorer!r} is not a model in models")

    def sampling_for(self, model: ModelSpec, where: str = "sampling") -> SamplingSpec:
        """The sampling of ``model``: the spec's, with the model's own overrides laid over it."""
        if not model.sampling:
            return self.sampling
        merged = {**dataclasses.asdict(self.sampling), **model.sampling}
        if isinstance(model.sampling.get("vllm"), Mapping):  # key by key over the spec's map
            merged["vllm"] = {**self.sampling.vllm, **model.sampling["vllm"]}
        return _build(SamplingSpec, merged, where)

    def model(self, name: str) -> ModelSpec:
        """The model spec called ``name``."""
        for model in self.models:
            if model.name == name:
                return model
        raise BoundaryError(f"no model named {name!r} in the spec")


def load_spec(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Spec:
    """Read and validate a YAML spec. Relative paths in it are relative to the working
    directory, as in every example (``lake: ./lake``, ``source: ../shared/benchmarks/...``).

    ``overrides`` are dotted keys applied on top (``{"sampling.n": 4, "lake": "/tmp/l"}``).
    """
    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"{path}: spec file not found")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise BoundaryError(
            f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if not isinstance(raw, dict):
        raise BoundaryError(f"{path}: the spec must be a YAML mapping")
    for dotted, value in (overrides or {}).items():
        _set_dotted(raw, dotted, value)
    return spec_from_dict(raw, where=str(path))


def spec_from_dict(raw: Mapping[str, Any], where: str = "spec") -> Spec:
    """Build and validate a ``Spec`` from a plain mapping (the parsed YAML).

    A model entry that names a checkpoint series expands here to one model per checkpoint
    (``boundary_ray/series.py``).
    """
    from boundary_ray.spec.series import expand_models

    if isinstance(raw, Mapping) and "models" in raw:
        raw = {**raw, "models": expand_models(raw["models"], f"{where}.models")}
    spec = _build(Spec, raw, where)
    spec.check(where)
    return spec


def parse_override(pair: str) -> tuple[str, Any]:
    """``KEY=VALUE`` of ``--set`` as ``(dotted key, YAML value)``; one-line errors naming it."""
    key, sep, text = pair.partition("=")
    if not sep or not key.strip():
        raise BoundaryError(f"--set {pair!r}: expected KEY=VALUE, e.g. sampling.n=4")
    _dotted_parts(key)
    try:
        return key, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BoundaryError(f"--set {key}: {text!r} is not a YAML value ({problem})") from None


def _dotted_parts(dotted: str) -> list[str]:
    parts = dotted.split(".")
    if not all(parts):
        raise BoundaryError(f"--set {dotted}: empty key in the dotted path")
    return parts


def _set_dotted(raw: dict, dotted: str, value: Any) -> None:
    """Set ``raw[a][b]...`` for ``dotted`` = ``a.b...``; a number indexes a list
    (``models.0.source``). A path through a scalar or past a list's end names the key."""
    parts = _dotted_parts(dotted)
    node: Any = raw
    for depth, key in enumerate(parts):
        parent = ".".join(parts[:depth]) or "the spec"
        if isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                have = f"0..{len(node) - 1}" if node else "it is empty"
                raise BoundaryError(
                    f"--set {dotted}: {parent} is a list of {len(node)};"
                    f" {key!r} is not an index in it ({have})"
                )
            index: Any = int(key)
        elif isinstance(node, dict):
            index = key
        else:
            shown = repr(node) if len(repr(node)) <= 60 else repr(node)[:57] + "..."
            raise BoundaryError(f"--set {dotted}: {parent} is {shown}, not a mapping or a list")
        if depth == len(parts) - 1:
            node[index] = value
            return
        child = node[index] if isinstance(node, list) else node.get(index)
        if child is None:
            child = node[index] = {}
        node = child


def _build(cls: type, raw: Any, where: str) -> Any:
    if not isinstance(raw, Mapping):
        raise BoundaryError(f"{where}: expected a mapping, got {type(raw).__name__}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = [k for k in raw if k not in known]
    if unknown:
        raise BoundaryError(f"{where}.{unknown[0]}: unknown key (known: {', '.join(known)})")
    kwargs = {}
    for name, f in known.items():
        if name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise BoundaryError(f"{where}.{name}: required key is missing")
            continue
        kwargs[name] = _coerce(hints[name], raw[name], f"{where}.{name}")
    return cls(**kwargs)


def _coerce(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _coerce(inner, value, where)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value if value is not None else {}, where)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise BoundaryError(f"{where}: expected a list, got {type(value).__name__}")
        return tuple(_coerce(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, Mapping):
            raise BoundaryError(f"{where}: expected a mapping, got {type(value).__name__}")
        try:  # kept as JSON in the lake (tags): a YAML alias inside its own anchor cannot be
            json.dumps(value, default=str)
        except (ValueError, RecursionError):
            raise BoundaryError(
                f"{where}: contains itself (a YAML alias inside its anchor)"
            ) from None
        return dict(value)
    if hint is LakeLocation:  # the one place a spec's lake text is parsed
        if isinstance(value, bool) or not isinstance(value, str | LakeLocation) or not value:
            raise BoundaryError(f"{where}: expected a path or URI, got {value!r}")
        try:
            return open_lake(value)
        except (OSError, ValueError) as exc:  # pyarrow: an unknown scheme, a bad URI option
            raise BoundaryError(f"{where}: {value}: {exc}".splitlines()[0]) from None
    if hint is bool:
        if not isinstance(value, bool):
            raise BoundaryError(f"{where}: expected true/false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BoundaryError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BoundaryError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise BoundaryError(f"{where}: expected a string, got {value!r}")
        return str(value)
    return value


def _check_name(name: str, where: str) -> None:
    if not NAME_RE.match(name):
        raise BoundaryError(f"{where}: {name!r} must match [a-z0-9][a-z0-9._-]*")


def _check_choice(value: str, choices: tuple[str, ...], where: str) -> None:
    if value not in choices:
        raise BoundaryError(f"{where}: {value!r} is not one of {', '.join(choices)}")


def _check_unique(names: list[str], where: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise BoundaryError(f"{where}: name {name!r} appears twice")
        seen.add(name)
