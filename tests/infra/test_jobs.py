"""The ``ray job submit`` entry points jobs/run.py and jobs/score.py, as real subprocesses.

What a job script does on its own is argument plumbing, joining the cluster and exit codes; the
pipeline and a real multi-node cluster are tested elsewhere (tests marked ``cluster``). Here the
library function and ``ray`` are stand-ins that record how they were called, so the tests stay
fast and start no Ray cluster.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "examples" / "cluster.yaml"

# Runs a job script as __main__ after putting stand-ins for ``ray`` and the library function in
# sys.modules. Each records its calls as JSON lines in $CALLS.
RUNNER = textwrap.dedent(
    """
    import json, os, runpy, sys, types

    def record(**call):
        with open(os.environ["CALLS"], "a") as f:
            f.write(json.dumps(call) + "\\n")

    ray = types.ModuleType("ray")
    ray._up = False
    def init(**kwargs):
        if os.environ.get("FAKE_RAY_DOWN") == "connection":
            raise ConnectionError("Could not find any running Ray instance.\\nmore detail")
        if os.environ.get("FAKE_RAY_DOWN") == "value":
            raise ValueError("Invalid Ray address: 'http://h:8265'.\\nTo fix this, either:")
        ray._up = True
        record(fn="ray.init", kwargs=kwargs)
    ray.init = init
    ray.is_initialized = lambda: ray._up
    sys.modules["ray"] = ray

    def library(fn):
        def call(path, overrides=None, progress=True):
            record(fn=fn, path=str(path), overrides=overrides, progress=progress, ray_up=ray._up)
            if os.environ.get("FAKE_FAIL"):
                from boundary_ray.errors import BoundaryError
                raise BoundaryError(os.environ["FAKE_FAIL"])
            return {"run_id": "r-1", "lake": (overrides or {}).get("lake", "lake"),
                    "counters": {"a": {"samples": 5, "correct": 2},
                                                  "b": {"samples": 7, "correct": 3}}}
        return call

    for module, fn in (("boundary_ray.run.pipeline", "run_spec_file"),
                       ("boundary_ray.scoring", "score_spec_file")):
        stub = types.ModuleType(module)
        setattr(stub, fn, library(fn))
        sys.modules[module] = stub

    script = sys.argv[1]
    sys.path.insert(0, os.path.dirname(script))
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")
    """
)


def run_job(
    script: str, args: list[str], tmp_path: Path, **env: str
) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """Run ``jobs/<script>`` with ``args`` under the stand-ins; return the process and calls."""
    calls = tmp_path / "calls.jsonl"
    calls.unlink(missing_ok=True)
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("RAY_ADDRESS", "RAY_JOB_CONFIG_JSON_ENV_VAR")
    }
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(REPO / "jobs" / script), *args],
        cwd=REPO,
        env={**base, "CALLS": str(calls), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    recorded = (
        [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []
    )
    return proc, recorded


def test_help_lists_the_arguments():
    proc = subprocess.run(
        [sys.executable, "jobs/run.py", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    for flag in ("--spec", "--lake", "--set"):
        assert flag in proc.stdout


def test_local_run_passes_spec_and_overrides_and_starts_no_ray(tmp_path):
    proc, calls = run_job(
        "run.py",
        [
            "--spec",
            "examples/cluster.yaml",
            "--set",
            "sampling.n=4",
            "--set",
            "engine.device=cpu",
            "--lake",
            str(tmp_path / "lake"),
        ],
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert calls == [
        {
            "fn": "run_spec_file",
            "path": "examples/cluster.yaml",
            "overrides": {"sampling.n": 4, "engine.device": "cpu", "lake": str(tmp_path / "lake")},
            "progress": False,
            "ray_up": False,  # no RAY_ADDRESS: the script leaves Ray to the library
        }
    ]
    (line,) = proc.stdout.splitlines()
    assert "qwen2.5-7b-base-vs-grpo done" in line and "local Ray" in line
    assert "run_id r-1" in line and "samples 12" in line and "correct 5" in line


@pytest.mark.parametrize(
    "env",
    [{"RAY_ADDRESS": "10.0.0.5:6379"}, {"RAY_JOB_CONFIG_JSON_ENV_VAR": '{"runtime_env": {}}'}],
    ids=["RAY_ADDRESS", "under-ray-job-submit"],
)
def test_joins_the_running_cluster_before_the_library_runs(tmp_path, env):
    proc, calls = run_job("run.py", ["--spec", "examples/cluster.yaml"], tmp_path, **env)
    assert proc.returncode == 0, proc.stderr
    init, run = calls
    assert init["fn"] == "ray.init"
    assert init["kwargs"]["address"] == "auto"  # connect or fail; never a second local cluster
    assert set(init["kwargs"]["runtime_env"]["env_vars"]) >= {"TOKENIZERS_PARALLELISM"}
    assert run["fn"] == "run_spec_file" and run["ray_up"] is True
    assert "cluster " in proc.stdout


@pytest.mark.parametrize("failure", ["connection", "value"])
def test_unreachable_cluster_is_a_one_line_error(tmp_path, failure):
    """Nothing answers at RAY_ADDRESS (ConnectionError), or it is the dashboard's http:// URL
    (ValueError): one line naming RAY_ADDRESS, exit status 2."""
    proc, calls = run_job(
        "run.py",
        ["--spec", "examples/cluster.yaml"],
        tmp_path,
        RAY_ADDRESS="10.0.0.5:6379",
        FAKE_RAY_DOWN=failure,
    )
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("jobs/run.py: error: RAY_ADDRESS=10.0.0.5:6379: cannot join"), line
    assert calls == []  # the library never ran


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--spec", "nope.yaml"], "nope.yaml: spec file not found"),
        (
            ["--spec", "examples/cluster.yaml", "--set", "sampling.n"],
            "--set 'sampling.n': expected KEY=VALUE",
        ),
        (
            ["--spec", "examples/cluster.yaml", "--set", "sampling.tempreture=1"],
            "sampling.tempreture: unknown key",
        ),
        (["--spec", "examples/cluster.yaml", "--set", "sampling.n=0"], "sampling.n: must be >= 1"),
    ],
    ids=["missing-spec", "bad-set", "unknown-key", "bad-value"],
)
def test_bad_input_exits_2_before_ray(tmp_path, args, message):
    proc, calls = run_job("run.py", args, tmp_path, RAY_ADDRESS="10.0.0.5:6379")
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("jobs/run.py: error: ") and message in line, line
    assert calls == []  # neither ray.init nor the library was called


def test_library_error_is_a_one_line_error(tmp_path):
    proc, calls = run_job(
        "run.py",
        ["--spec", "examples/cluster.yaml"],
        tmp_path,
        FAKE_FAIL="s3://b/lake: access denied",
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "jobs/run.py: error: s3://b/lake: access denied"
    assert [c["fn"] for c in calls] == ["run_spec_file"]


def test_score_job_calls_score_spec_file(tmp_path):
    proc, calls = run_job(
        "score.py", ["--spec", str(SPEC), "--set", "score.correct_only=true"], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert calls == [
        {
            "fn": "score_spec_file",
            "path": str(SPEC),
            "overrides": {"score.correct_only": True},
            "progress": False,
            "ray_up": False,
        }
    ]
    assert proc.stdout.startswith("jobs/score.py: qwen2.5-7b-base-vs-grpo done")
