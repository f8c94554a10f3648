"""vLLM's own knobs (``engine.vllm``, ``sampling.vllm``): checked against the installed vLLM's
``EngineArgs`` and ``SamplingParams`` when the spec loads, handed to the engine and to every
request as written, recorded in the manifest. No engine starts here (vLLM is imported once)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.manifest import RunManifest
from boundary_ray.run.pipeline import _vllm_record
from boundary_ray.sampler.engine import CPU_REQUIRED, engine_kwargs
from boundary_ray.sampler.sampling import Sampling, vllm_sampling_params
from boundary_ray.spec import spec_from_dict

REPO = Path(__file__).resolve().parents[2]
MINIMAL = {
    "models": [{"name": "m", "source": "builtin:smollm2-135m-instruct", "prompt": "raw"}],
    "benchmarks": [{"name": "b", "source": "synthetic:arith?ops=1-2&per_op=2"}],
}
GPU_USER = {"max_num_seqs": 64, "enable_prefix_caching": True, "kv_cache_dtype": "fp8"}


def _spec(engine: dict | None = None, sampling: dict | None = None, **more):
    raw = {**MINIMAL, **more}
    if engine is not None:
        raw["engine"] = {"vllm": engine}
    if sampling is not None:
        raw["sampling"] = {"vllm": sampling}
    return spec_from_dict(raw)


def _error(**kwargs) -> str:
    with pytest.raises(BoundaryError) as err:
        _spec(**kwargs)
    assert "\n" not in str(err.value)
    return str(err.value)


def test_vllms_own_engine_arguments_reach_the_engine_as_written() -> None:
    spec = _spec(engine={**GPU_USER, "trust_remote_code": True, "pipeline_parallel_size": 2})
    cuda = engine_kwargs(spec.engine, "/models/m", "cuda", seed=0)
    assert {k: cuda[k] for k in GPU_USER} == GPU_USER
    assert cuda["trust_remote_code"] is True and cuda["pipeline_parallel_size"] == 2
    assert (cuda["model"], cuda["seed"]) == ("/models/m", 0)  # still the project's


def test_a_models_revision_reaches_the_engine_as_it_reaches_the_tokenizer() -> None:
    spec = _spec()
    assert (
        engine_kwargs(spec.engine, "o/r", "cuda", 0, revision="step-300")["revision"] == "step-300"
    )
    assert "revision" not in engine_kwargs(spec.engine, "o/r", "cuda", 0)


def test_the_cpu_build_replaces_only_what_it_cannot_run_without() -> None:
    user = {"enable_chunked_prefill": True, "distributed_executor_backend": "mp"}
    spec = _spec(engine={**user, "enforce_eager": False, "max_num_seqs": 8})
    cpu = engine_kwargs(spec.engine, "/models/m", "cpu", seed=0)
    assert {k: cpu[k] for k in CPU_REQUIRED} == CPU_REQUIRED  # per-request seeds, in-process
    assert cpu["enforce_eager"] is False and cpu["max_num_seqs"] == 8  # the user's, on CPU too
    cuda = engine_kwargs(spec.engine, "/models/m", "cuda", seed=0)
    assert {k: cuda[k] for k in user} == user  # a GPU engine gets what the spec says
    assert _vllm_record(spec)["replaced_on_cpu"] == {
        "enable_chunked_prefill": False,
        "distributed_executor_backend": "uni",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"engine": {"max_num_seq": 8}},
            "spec.engine.vllm.max_num_seq: not a vLLM EngineArgs field (did you mean max_num_seqs?)",
        ),
        (
            {"engine": {"enable_prefix_cache": True}},
            "spec.engine.vllm.enable_prefix_cache: not a vLLM EngineArgs field"
            " (did you mean enable_prefix_caching?)",
        ),
        (
            {"sampling": {"topk": 20}},
            "spec.sampling.vllm.topk: not a vLLM SamplingParams field (did you mean top_k?)",
        ),
        (
            {"sampling": {"repetition_penalty": "high"}},
            "spec.sampling.vllm.repetition_penalty: expected a number, got 'high'",
        ),
        ({"engine": {"max_num_seqs": "8"}}, "spec.engine.vllm.max_num_seqs: expected an integer"),
        ({"engine": {"kv_cache_dtype": "fp9"}}, "spec.engine.vllm.kv_cache_dtype: expected one of"),
        ({"engine": {"zzqx": 1}}, "spec.engine.vllm.zzqx: not a vLLM EngineArgs field (see vLLM"),
        ({"sampling": {"n": 4}}, "spec.sampling.vllm.n: stays the project's"),
        ({"sampling": {"seed": 1}}, "spec.sampling.vllm.seed: stays the project's"),
        ({"engine": {"seed": 1}}, "spec.engine.vllm.seed: stays the project's"),
        ({"engine": {"tensor_parallel_size": 2}}, "set engine.tensor_parallel_size"),
        ({"sampling": {"temperature": 1.0}}, "set sampling.temperature"),
    ],
)
def test_an_unknown_reserved_or_mistyped_key_is_one_line_naming_it(
    kwargs: dict, message: str
) -> None:
    assert message in _error(**kwargs)


def test_a_models_own_sampling_override_is_checked_too() -> None:
    models = [{**MINIMAL["models"][0], "sampling": {"vllm": {"min_pp": 0.1}}}]
    assert (
        "spec.models[0].sampling.vllm.min_pp: not a vLLM SamplingParams field (did you mean min_p?)"
        in _error(models=models)
    )


def test_sampling_params_carry_the_map_and_extra_stop_strings() -> None:
    extra = {"top_k": 20, "min_p": 0.05, "repetition_penalty": 1.1, "presence_penalty": 0.5}
    spec = _spec(sampling={**extra, "stop": ["</answer>"]})
    sampling = Sampling.for_model(spec, spec.models[0])
    params = vllm_sampling_params(sampling, n=3, seed=7)
    assert {k: getattr(params, k) for k in extra} == extra
    assert params.stop == [*spec.prompts.raw_stop, "</answer>"]  # the raw template's, then ours
    assert (params.n, params.seed, params.logprobs) == (3, 7, 0)  # still the project's


def test_a_models_sampling_map_goes_key_by_key_over_the_specs() -> None:
    models = [
        {**MINIMAL["models"][0], "sampling": {"vllm": {"top_k": 5}}},
        {"name": "other", "source": "builtin:smollm2-135m-instruct"},
    ]
    spec = _spec(sampling={"top_k": 20, "min_p": 0.1}, models=models)
    assert spec.sampling_for(spec.models[0]).vllm == {"top_k": 5, "min_p": 0.1}
    assert spec.sampling_for(spec.models[1]).vllm == {"top_k": 20, "min_p": 0.1}
    assert _vllm_record(spec)["sampling"] == {
        "m": {"top_k": 5, "min_p": 0.1},
        "other": {"top_k": 20, "min_p": 0.1},
    }


def test_the_manifest_records_both_maps(tmp_path: Path) -> None:
    spec = _spec(engine={"max_num_seqs": 8}, sampling={"top_k": 20})
    manifest = RunManifest(str(tmp_path / "lake"), "r1", spec)
    manifest.finish("done", vllm=_vllm_record(spec))
    data = json.loads((tmp_path / "lake" / "runs" / "r1.json").read_text())
    assert data["spec"]["engine"]["vllm"] == {"max_num_seqs": 8}
    assert data["spec"]["sampling"]["vllm"] == {"top_k": 20}
    assert data["vllm"] == {"engine": {"max_num_seqs": 8}, "sampling": {"m": {"top_k": 20}}}


def test_a_spec_without_maps_never_imports_vllm() -> None:
    code = (
        "import sys; from boundary_ray.spec import spec_from_dict; "
        f"spec_from_dict({MINIMAL!r}); print('vllm' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_cli_refuses_a_mistyped_key_before_anything_starts(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(json.dumps({**MINIMAL, "lake": str(tmp_path / "lake")}))
    out = subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", "run", str(spec), "--dry-run"]
        + ["--set", "engine.vllm.max_num_batched_token=4096"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1] == (
        f"boundary: error: {spec}.engine.vllm.max_num_batched_token: not a vLLM EngineArgs field"
        " (did you mean max_num_batched_tokens?)"
    )
    assert not (tmp_path / "lake").exists()
