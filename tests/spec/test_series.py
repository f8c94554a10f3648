"""Checkpoint series in the spec, per-model sampling, and `boundary run --dry-run`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.lake import write_rows
from boundary_ray.run.plan import plan_run
from boundary_ray.spec import spec_from_dict

BENCH = [{"name": "arith", "source": "synthetic:arith?ops=1-2&per_op=3&distractors=0&seed=0"}]


def spec_with(*models: dict, **extra):
    return spec_from_dict({"models": list(models), "benchmarks": BENCH, **extra})


def test_glob_series_parses_steps_and_inherits_tags(tmp_path: Path) -> None:
    for name in ("global_step_450", "global_step_150", "global_step_300"):
        (tmp_path / name).mkdir()
    (tmp_path / "global_step_999.txt").write_text("a file, not a checkpoint")
    spec = spec_with(
        {
            "name": "grpo",
            "source": f"{tmp_path}/global_step_*",
            "role": "rl",
            "prompt": "raw",
            "tags": {"algorithm": "grpo", "family": "qwen"},
        }
    )
    assert [m.name for m in spec.models] == ["grpo-step150", "grpo-step300", "grpo-step450"]
    assert [m.source for m in spec.models] == [
        f"{tmp_path}/global_step_{s}" for s in (150, 300, 450)
    ]
    for model, step in zip(spec.models, (150, 300, 450), strict=True):
        assert model.tags == {"algorithm": "grpo", "family": "qwen", "series": "grpo", "step": step}
        assert (model.role, model.prompt) == ("rl", "raw")


def test_revisions_and_name_template() -> None:
    spec = spec_with(
        {"name": "ppo-{step}", "source": "org/ppo", "revisions": ["step-20", "step-10"]}
    )
    assert [(m.name, m.revision, m.tags["step"]) for m in spec.models] == [
        ("ppo-10", "step-10", 10),
        ("ppo-20", "step-20", 20),
    ]
    assert spec.models[0].tags["series"] == "ppo"


def test_listed_series_with_sampling_overrides() -> None:
    spec = spec_with(
        {"name": "base", "source": "builtin:smollm2-135m-instruct", "role": "base"},
        {
            "name": "grpo",
            "source": "builtin:smollm2-135m-instruct",
            "sampling": {"max_tokens": 64},
            "series": [
                {"step": 200, "sampling": {"temperature": 1.0}, "tags": {"lr": 1}},
                {"step": 100, "sampling": {"temperature": 0.3}},
            ],
        },
        sampling={"n": 8, "temperature": 0.6},
    )
    base, s100, s200 = spec.models
    assert spec.sampling_for(base) == spec.sampling
    assert (spec.sampling_for(s100).temperature, spec.sampling_for(s100).max_tokens) == (0.3, 64)
    assert (spec.sampling_for(s200).temperature, spec.sampling_for(s200).n) == (1.0, 8)
    assert s200.tags == {"series": "grpo", "lr": 1, "step": 200}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"source": "x/y", "series": [{"step": 1}]}, "spec.models[0].name: a series needs a name"),
        (
            {"name": "g", "source": "x/y", "revisions": ["main"]},
            "spec.models[0].revisions[0]: no step number in 'main'",
        ),
        ({"name": "g", "source": "/no/such/ckpt_*"}, "spec.models[0].source: '/no/such/ckpt_*'"),
        ({"name": "g", "source": "x", "series": [{"stp": 1}]}, "spec.models[0].series[0].stp"),
        ({"name": "g", "source": "x", "series": []}, "spec.models[0].series: expected a non-empty"),
        ({"name": "g", "source": "x", "series": [{"step": -1}]}, "series[0].step: expected an"),
        (
            {"name": "g", "source": "x", "series": [{"step": 1, "sampling": {"top_p": 2}}]},
            "spec.models[0].sampling.top_p",
        ),
        (
            {"name": "g", "source": "x", "series": [{"step": 1}], "revisions": ["s1"]},
            "give one of series, revisions or a source glob",
        ),
        ({"name": "G", "source": "x", "series": [{"step": 1}]}, "spec.models[0].name: 'G-step1'"),
        (
            {"name": "g", "source": "x", "series": [{"step": 1}, {"step": 1}]},
            "name 'g-step1' appears twice",
        ),
    ],
)
def test_bad_series_name_the_key(entry: dict, message: str) -> None:
    with pytest.raises(BoundaryError) as err:
        spec_with(entry)
    assert message in str(err.value)


def test_plan_counts_samples_in_the_lake(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    spec = spec_with(
        {"name": "base", "source": "builtin:smollm2-135m-instruct", "role": "base"},
        {
            "name": "grpo",
            "source": "builtin:smollm2-135m-instruct",
            "series": [{"step": 1}, {"step": 2, "sampling": {"n": 4}}],
        },
        sampling={"n": 8},
        lake=lake,
    )
    plan = plan_run(spec)
    assert plan.samples.column("problems").to_pylist() == [6, 6, 6]
    assert plan.to_draw == 6 * 8 + 6 * 8 + 6 * 4 and plan.in_lake == 0
    # 3 samples of one problem, one of them beyond n = 4 for grpo-step2
    write_rows(
        lake,
        "samples",
        [
            {"model": "grpo-step2", "benchmark": "arith", "problem_id": pid, "sample_idx": i}
            for pid, i in [("ops1-0000", 0), ("ops1-0000", 3), ("ops1-0000", 5)]
        ],
    )
    rows = {r["model"]: r for r in plan_run(spec).samples.to_pylist()}
    assert (rows["grpo-step2"]["in_lake"], rows["grpo-step2"]["to_draw"]) == (2, 22)
    assert rows["base"]["in_lake"] == 0


def test_cli_dry_run_prints_the_plan_and_starts_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "models:\n"
        "  - {name: base, source: builtin:smollm2-135m-instruct, role: base}\n"
        "  - name: grpo\n"
        "    source: builtin:smollm2-135m-instruct\n"
        "    series: [{step: 100, sampling: {temperature: 0.3}}, {step: 200}]\n"
        "benchmarks: [{name: arith, source: 'synthetic:arith?ops=1-2&per_op=3&seed=0'}]\n"
        f"lake: {tmp_path / 'lake'}\n"
        "sampling: {n: 8}\n"
    )
    done = subprocess.run(
        ["boundary", "run", "--dry-run", str(spec)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "grpo-step100" in done.stdout and "grpo-step200" in done.stdout
    assert "total: 144 samples to draw, 0 already in the lake" in done.stdout
    assert not (tmp_path / "lake").exists()
