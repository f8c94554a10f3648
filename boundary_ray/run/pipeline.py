"""``boundary run``: one Ray Data pipeline per model.

    problem requests ──► map_batches(VLLMSampler | FakeSampler, engine actors, sampler/stage.py)
                     ──► map_batches(VerifyAndWrite: TaskVerifier, then ParquetLakeWriter; CPU)
                     ──► summaries ──► progress on the driver

Before sampling, the plan reads which samples the lake already holds and asks only for the
missing ones, so an interrupted run, rerun, ends with every sample exactly once. The run's last
step refreshes the per-problem outcomes that the aggregate queries read.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.benchmarks import DROPPED, load_problems
from boundary_ray.lake.compact import check_compactable, compact_run
from boundary_ray.lake.location import LakeLocation
from boundary_ray.lake.manifest import RunManifest, new_run_id
from boundary_ray.lake.object_store import check_store
from boundary_ray.lake.problems import store_problems
from boundary_ray.lake.writer import ParquetLakeWriter, write_rows
from boundary_ray.models.modality import check_modalities
from boundary_ray.prompts import PromptBuilder
from boundary_ray.query.answer_classes import refresh_answer_classes
from boundary_ray.query.outcomes import refresh_outcomes
from boundary_ray.run.model_plan import ModelPlan, plan_models
from boundary_ray.run.node_probe import start_ray_for_lake
from boundary_ray.run.plan import plan_requests, present_samples
from boundary_ray.spec import ModelSpec, Spec, load_spec


def run_spec_file(
    path: str | Path, overrides: dict[str, Any] | None = None, progress: bool = True
) -> dict[str, Any]:
    """Load the spec at ``path`` (with dotted-key ``overrides``) and run it."""
    return run_spec(load_spec(path, overrides), progress=progress)


def run_spec(spec: Spec, progress: bool = True) -> dict[str, Any]:
    """Sample, verify and write every missing sample of ``spec``, then refresh the outcomes the
    queries read; returns the run's id, the lake's absolute location and per-model counters (as
    in the run manifest)."""
    lake = spec.lake
    check_store(lake)  # an object store that cannot be reached fails now, in one line
    problems = {b.name: load_problems(b) for b in spec.benchmarks}  # bad input fails here, early
    plans = plan_models(spec, problems)
    sources = {plan.name: plan.path for plan in plans}
    check_modalities(spec.models, sources, problems, spec.engine.images_per_prompt)
    if spec.lake_options.compact:
        check_compactable(lake)  # an object-store lake fails now, not after sampling
    run_id = new_run_id()
    manifest = RunManifest(lake, run_id, spec)
    with manifest.guard():
        for name, rows in problems.items():
            store_problems(lake, name, rows)
        dropped = {b.name: DROPPED.get(b.name, {}) for b in spec.benchmarks if b.question_types}
        if dropped:  # what the spec's question_types filtered out, by type: never silent
            manifest.update(question_types_dropped=dropped)
        write_rows(lake, "models", [_model_row(m, run_id) for m in spec.models])
        passed_to_vllm = _vllm_record(spec)
        if passed_to_vllm:  # vLLM's own knobs from the spec, as vLLM gets them
            manifest.update(vllm=passed_to_vllm)
        start_ray_for_lake(lake, run_id)  # then every node must see and write the lake
        if spec.engine.schedule == "parallel" and len(plans) > 1:
            with ThreadPoolExecutor(len(plans)) as pool:
                results = list(
                    pool.map(lambda p: _sample_model(spec, run_id, p, problems, progress), plans)
                )
        else:
            results = [_sample_model(spec, run_id, plan, problems, progress) for plan in plans]
        counters = {plan.name: r for plan, r in zip(plans, results, strict=True)}
        extra = {}
        if spec.lake_options.compact:  # this run's own partitions, as `boundary lake compact`
            extra["compaction"] = compact_run(
                lake,
                [m.name for m in spec.models],
                [b.name for b in spec.benchmarks],
                spec.lake_options.compact_target_mb,
            )
    manifest.finish("done", counters=counters, **extra)
    refresh_outcomes(lake)  # aggregate queries then read per-problem counts
    refresh_answer_classes(lake)  # maj@k's classes, by the verifier's equivalence
    return {"run_id": run_id, "lake": str(lake), "counters": counters}


def _vllm_record(spec: Spec) -> dict[str, Any]:
    """The spec's ``engine.vllm`` and each model's ``sampling.vllm`` (empty maps left out), and
    what a CPU engine replaces in ``engine.vllm`` (``sampler/engine.py``'s ``CPU_REQUIRED``)."""
    from boundary_ray.sampler.engine import cpu_overridden

    sampling = {m.name: spec.sampling_for(m).vllm for m in spec.models}
    record: dict[str, Any] = {}
    if spec.engine.vllm:
        record["engine"] = dict(spec.engine.vllm)
        replaced = cpu_overridden(spec.engine)
        if replaced:
            record["replaced_on_cpu"] = replaced
    if any(sampling.values()):
        record["sampling"] = {name: dict(m) for name, m in sampling.items() if m}
    return record


def _model_row(model: ModelSpec, run_id: str) -> dict[str, Any]:
    return {
        "model": model.name,
        "source": model.source,
        "revision": model.revision,
        "prompt": model.prompt,
        "role": model.role,
        "tags": json.dumps(model.tags, sort_keys=True, default=str),
        "run_id": run_id,
    }


class VerifyAndWrite(ParquetLakeWriter):
    """The pipeline's CPU stage: each actor verifies a sampled batch (``TaskVerifier``) and
    writes it to the lake's samples, returning the writer's summary row.

    One actor does both, rather than a verifier pool followed by a writer actor: the verified
    batch (every response) does not go through the object store once more, Ray Data's
    scheduling loop has one operator fewer, and a 2-core laptop runs one Ray worker process
    fewer beside its CPU engine (each wakes ~100 times a second; issue 13). With
    ``verify.workers`` > 1 each actor writes its own files (names are fixed by the rows' keys).
    """

    def __init__(
        self,
        lake: str | LakeLocation,
        math_timeout_s: float,
        code_timeout_s: float,
        tasks: Sequence[str] = (),
    ) -> None:
        """``tasks``: the run's problem tasks, whose verifiers' child processes start now."""
        from boundary_ray.verifiers.router import TaskVerifier

        super().__init__(lake, "samples", drop=schema.CARRIED)  # sample columns only
        self.verifier = TaskVerifier(math_timeout_s=math_timeout_s, code_timeout_s=code_timeout_s)
        self.verifier.start(tasks)  # beside the engine's start, not its sampling

    def __call__(self, batch: pa.Table) -> pa.Table:
        return super().__call__(self.verifier(batch))


def build_requests(
    spec: Spec, run_id: str, plan: ModelPlan, problems: dict[str, list[dict]]
) -> pa.Table:
    """The whole plan for one model as one table (``iter_requests`` in one piece)."""
    blocks = list(iter_requests(spec, run_id, plan, problems, 1 << 30))
    return pa.concat_tables(blocks) if blocks else schema.REQUESTS.empty_table()


def iter_requests(
    spec: Spec, run_id: str, plan: ModelPlan, problems: dict[str, list[dict]], block_rows: int
) -> Iterator[pa.Table]:
    """The plan for one model: a request per run of missing samples of every problem
    (``schema.REQUESTS``: the planned columns, the problem's carried columns, the share), in
    tables of ``block_rows`` requests made as they are consumed (never the whole plan at once)."""
    prompts = _prompt_builder(spec, plan)
    model, sampling = plan.model, plan.sampling
    rows = []
    for bench in spec.benchmarks:
        by_id = {p["problem_id"]: p for p in problems[bench.name]}
        present = present_samples(spec.lake, model.name, bench.name)
        for req in plan_requests(by_id, present, sampling.n, sampling.seed, model.name, bench.name):
            problem = by_id[req.problem_id]
            images = len(problem.get("images") or []) if plan.images else 0
            rows.append(
                {
                    "model": model.name,
                    "benchmark": bench.name,
                    "problem_id": req.problem_id,
                    "run_id": run_id,
                    "prompt": prompts.render(problem["question"], problem["task"], images),
                    **{name: problem.get(name) for name in schema.CARRIED},
                    "first_idx": req.first_idx,
                    "n_new": req.n_new,
                    "seed": req.seed,
                }
            )
            if len(rows) == block_rows:
                yield pa.Table.from_pylist(rows, schema=schema.REQUESTS)
                rows = []
    if rows:
        yield pa.Table.from_pylist(rows, schema=schema.REQUESTS)


def _prompt_builder(spec: Spec, plan: ModelPlan) -> PromptBuilder:
    """The model's prompt renderer; a ``fake:`` model has no tokenizer and gets the raw one."""
    if plan.fake:
        return PromptBuilder("raw", spec.prompts)
    from transformers import AutoTokenizer

    model = plan.model
    tokenizer = AutoTokenizer.from_pretrained(plan.path, revision=model.revision)
    processor = None
    if plan.images:  # a vision model's processor holds the chat template that places images
        from transformers import AutoProcessor

        processor = AutoProcessor.from_pretrained(plan.path, revision=model.revision)
    return PromptBuilder(model.prompt, spec.prompts, tokenizer, processor)


def _sample_model(
    spec: Spec, run_id: str, plan: ModelPlan, problems: dict, progress: bool
) -> dict[str, Any]:
    import ray.data

    from boundary_ray.sampler.stage import add_engine_stage, drain

    batch = spec.engine.batch_size
    refs, wanted = [], 0  # the plan goes to the object store block by block: the driver keeps refs
    for block in iter_requests(spec, run_id, plan, problems, batch):
        wanted += sum(block.column("n_new").to_pylist())
        refs.append(ray.put(block))
    if wanted == 0:
        if progress:
            print(f"{plan.name}: every sample is already in the lake", file=sys.stderr)
        return _counters({})
    sampler, kwargs, placement = _sampler_stage(spec, plan)
    ds = ray.data.from_arrow_refs(refs)
    ds = add_engine_stage(ds, sampler, kwargs, placement, batch, spec.engine.in_flight)
    ds = ds.map_batches(
        VerifyAndWrite,
        fn_constructor_kwargs={
            "lake": spec.lake,
            "math_timeout_s": spec.verify.math_timeout_s,
            "code_timeout_s": spec.verify.code_timeout_s,
            "tasks": plan.tasks,
        },
        batch_size=None,  # each sampled batch as it comes
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=spec.verify.workers),
        num_cpus=0.5,
    )
    try:
        return _counters(drain(ds, wanted, plan.name, progress))
    finally:
        placement.release()  # placement groups of tensor-parallel engines (none otherwise)


def _sampler_stage(spec: Spec, plan: ModelPlan) -> tuple[type, dict, Any]:
    """The sampler class for the model (vLLM, or the fake engine of a ``fake:`` source), its
    constructor arguments and where its actors go."""
    from boundary_ray.sampler.placement import cluster_gpus, fake_placement, plan_placement

    if plan.fake:
        from boundary_ray.sampler.fake_sampler import FakeSampler

        return (
            FakeSampler,
            {"source": plan.model.source, "sampling": plan.engine_sampling},
            fake_placement(spec.engine),
        )
    from boundary_ray.sampler.engine import cpu_overridden, engine_kwargs
    from boundary_ray.sampler.vllm_sampler import VLLMSampler

    placement = plan_placement(spec.engine, cluster_gpus())
    replaced = cpu_overridden(spec.engine) if placement.device == "cpu" else {}
    if replaced:  # said once per model, and kept in the manifest (_vllm_record)
        print(f"{plan.name}: the CPU engine runs with {replaced} (engine.vllm)", file=sys.stderr)
    engine = engine_kwargs(
        spec.engine,
        plan.path,
        placement.device,
        plan.sampling.seed,
        plan.images,
        plan.model.revision,
    )
    kwargs = {"llm_kwargs": engine, "sampling": plan.engine_sampling, "device": placement.device}
    if plan.images:  # the actor reads and decodes the requests' images from the lake
        kwargs.update(lake=spec.lake, max_image_pixels=spec.engine.max_image_pixels)
    return VLLMSampler, kwargs, placement


def _counters(totals: dict[str, Any]) -> dict[str, Any]:
    """One model's counters for the run manifest, from the drained writer summaries."""
    ready_at = totals.get("engine_ready_at")
    return {
        "samples": totals.get("rows", 0),
        "correct": totals.get("correct", 0),
        "errors": totals.get("errors", 0),
        "tokens": totals.get("tokens", 0),
        "truncated": totals.get("truncated", 0),  # finish_reason 'length'
        "code_in_process": totals.get("code_in_process", 0),  # weaker code checks (issue 19)
        "verdicts": {v: totals.get(f"verdict:{v}", 0) for v in schema.VERDICTS},
        "sampling_wall_s": round(time.time() - ready_at, 3) if ready_at else 0.0,
    }
