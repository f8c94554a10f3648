"""The spec: a YAML run description, every key checked (``loader``), and checkpoint series that
expand to one model each (``series``)."""

from boundary_ray.spec.loader import (
    DEFAULT_INSTRUCTION,
    DEFAULT_RAW_TEMPLATE,
    NAME_RE,
    PROMPT_STYLES,
    ROLES,
    BenchmarkSpec,
    EngineSpec,
    LakeOptionsSpec,
    ModelSpec,
    PromptSpec,
    SamplingSpec,
    ScoreSpec,
    Spec,
    VerifySpec,
    load_spec,
    parse_override,
    spec_from_dict,
)

__all__ = [
    "DEFAULT_INSTRUCTION",
    "DEFAULT_RAW_TEMPLATE",
    "NAME_RE",
    "PROMPT_STYLES",
    "ROLES",
    "BenchmarkSpec",
    "EngineSpec",
    "LakeOptionsSpec",
    "ModelSpec",
    "PromptSpec",
    "SamplingSpec",
    "ScoreSpec",
    "Spec",
    "VerifySpec",
    "load_spec",
    "parse_override",
    "spec_from_dict",
]
