"""One model's part of a run, derived once from the spec and the loaded problems: its resolved
source, its sampling, whether its engine is the fake one, whether it gets images, and which
verifiers its samples need. Every later step of the run reads these facts from here."""

from __future__ import annotations

from dataclasses import dataclass

from boundary_ray import schema
from boundary_ray.models import resolve_model_source
from boundary_ray.models.fake import is_fake
from boundary_ray.sampler.sampling import Sampling
from boundary_ray.spec import ModelSpec, SamplingSpec, Spec


@dataclass(frozen=True)
class ModelPlan:
    """What sampling one model needs: ``path`` (its source resolved: a local folder or a hub
    id), ``sampling`` (the spec's with the model's overrides: n, seed, ...), ``engine_sampling``
    (what every engine request samples with), ``fake`` (the fake engine of a ``fake:``
    source), ``images`` (its prompts carry image placeholders) and ``tasks`` (the problems'
    tasks, whose verifiers start beside the engine)."""

    model: ModelSpec
    path: str
    sampling: SamplingSpec
    engine_sampling: Sampling
    fake: bool
    images: bool
    tasks: tuple[str, ...]

    @property
    def name(self) -> str:
        """The model's name (its partition key)."""
        return self.model.name


def plan_models(spec: Spec, problems: dict[str, list[dict]]) -> list[ModelPlan]:
    """A ``ModelPlan`` for each model of ``spec`` over the loaded ``problems``."""
    has_images = any(row.get("images") for rows in problems.values() for row in rows)
    tasks = tuple(sorted({schema.task_of(p) for rows in problems.values() for p in rows}))
    plans = []
    for model in spec.models:
        fake = is_fake(model.source)
        plans.append(
            ModelPlan(
                model=model,
                path=resolve_model_source(model.source),
                sampling=spec.sampling_for(model),
                engine_sampling=Sampling.for_model(spec, model),
                fake=fake,
                images=has_images and not fake,  # a fake engine's prompts carry no images
                tasks=tasks,
            )
        )
    return plans
