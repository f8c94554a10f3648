"""The spine end to end: the real CPU vLLM engine on the bundled model, the real Ray Data
pipeline, the real lake. Small: 4 synthetic problems, n <= 6, 24 new tokens each."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from boundary_ray import schema
from boundary_ray.lake.reader import list_files, read_table
from boundary_ray.lake.runs import list_runs, read_manifests
from boundary_ray.run.pipeline import run_spec_file

pytestmark = pytest.mark.engine

SPEC = """
name: t
lake: {lake}
models:
  - name: smol
    source: builtin:smollm2-135m-instruct
    tags: {{step: 0}}
benchmarks:
  - name: arith
    source: synthetic:arith?ops=1-2&per_op=2&seed=0
sampling: {{n: {n}, max_tokens: {max_tokens}, seed: 0}}
engine: {{batch_size: {batch_size}, in_flight: 2}}
"""


def _spec(
    tmp: Path, n: int = 4, max_tokens: int = 24, batch_size: int = 4, name: str = "spec.yaml"
) -> Path:
    path = tmp / name
    path.write_text(
        SPEC.format(lake=tmp / "lake", n=n, max_tokens=max_tokens, batch_size=batch_size)
    )
    return path


def _samples(lake: Path) -> list[dict]:
    return (
        duckdb.sql(
            f"select * from read_parquet('{lake}/samples/**/*.parquet', hive_partitioning=true, "
            "hive_types_autocast=false) order by problem_id, sample_idx"
        )
        .arrow()
        .read_all()
        .to_pylist()
    )


def _keys(rows: list[dict]) -> list[tuple]:
    return [(r["model"], r["benchmark"], r["problem_id"], r["sample_idx"]) for r in rows]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, smollm2_path: str) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("run")
    result = run_spec_file(_spec(tmp), progress=False)
    return tmp, result


def test_run_writes_the_lake_with_its_schema(first_run: tuple[Path, dict]) -> None:
    tmp, result = first_run
    lake = tmp / "lake"
    rows = _samples(lake)
    assert len(rows) == 4 * 4 == result["counters"]["smol"]["samples"]
    assert len(set(_keys(rows))) == len(rows)
    for path in list_files(str(lake), "samples"):
        assert pq.read_schema(path).names == schema.file_schema("samples").names
    for row in rows:
        assert row["verdict"] in schema.VERDICTS
        assert row["correct"] == (row["verdict"] == "correct")
        assert row["finish_reason"] in ("stop", "length")
        assert 0 < row["response_tokens"] <= 24
        assert row["cum_logprob"] < 0
        assert row["run_id"] == result["run_id"]
        assert "<|im_start|>assistant" in row["prompt"]  # the chat template was applied
        assert "\\boxed{}" in row["prompt"]
    assert {r["sample_idx"] for r in rows} == {0, 1, 2, 3}
    seeds = {(r["problem_id"], r["sample_idx"]): r["seed"] for r in rows}
    assert seeds[("ops1-0000", 1)] == seeds[("ops1-0000", 0)] + 1  # vLLM child i: seed + i
    assert read_table(str(lake), "problems").num_rows == 4
    models = read_table(str(lake), "models").to_pylist()
    assert models[0]["role"] == "instruct" and '"step": 0' in models[0]["tags"]
    manifest = (lake / "runs" / f"{result['run_id']}.json").read_text()
    assert '"status": "done"' in manifest and '"vllm-cpu"' in manifest


def test_rerun_is_a_no_op_and_raising_n_adds_only_new_indices(first_run: tuple[Path, dict]) -> None:
    tmp, _ = first_run
    lake = tmp / "lake"
    before = {k: r["response"] for k, r in zip(_keys(_samples(lake)), _samples(lake), strict=True)}
    again = run_spec_file(_spec(tmp), progress=False)
    assert again["counters"]["smol"]["samples"] == 0
    more = run_spec_file(_spec(tmp, n=6), progress=False)
    assert more["counters"]["smol"]["samples"] == 4 * 2
    rows = _samples(lake)
    assert len(rows) == 4 * 6 and len(set(_keys(rows))) == 24
    after = {k: r["response"] for k, r in zip(_keys(rows), rows, strict=True)}
    assert all(after[k] == v for k, v in before.items())  # old samples untouched
    new_idx = {r["sample_idx"] for r in rows if r["run_id"] == more["run_id"]}
    assert new_idx == {4, 5}


def test_same_seeds_reproduce_the_same_samples(
    first_run: tuple[Path, dict], tmp_path: Path
) -> None:
    tmp, _ = first_run
    run_spec_file(_spec(tmp_path, n=4, batch_size=1), progress=False)  # another batching
    ours = {tuple(_keys([r])[0]): r["response"] for r in _samples(tmp_path / "lake")}
    theirs = {
        tuple(_keys([r])[0]): r["response"] for r in _samples(tmp / "lake") if r["sample_idx"] < 4
    }
    assert ours == theirs


def test_resume_after_sigkill_gives_every_sample_exactly_once(
    tmp_path: Path, smollm2_path: str
) -> None:
    spec = _spec(tmp_path, n=4, max_tokens=48, batch_size=1)
    lake = tmp_path / "lake"
    cmd = [sys.executable, "-m", "boundary_ray.cli", "run", str(spec), "--quiet"]
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.time() + 300
    while time.time() < deadline and not list_files(str(lake), "samples"):
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver, its local Ray cluster and the engine
    proc.wait()
    partial = _samples(lake)
    assert 0 < len(partial) < 16, "kill came too late to test resume"
    assert [run["state"] for run in list_runs(str(lake)).to_pylist()] == ["interrupted"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    killed, rerun = read_manifests(str(lake))  # the rerun wrote the killed run's state
    assert (killed["status"], rerun["status"]) == ("interrupted", "done")
    rows = _samples(lake)
    assert len(rows) == 16 and len(set(_keys(rows))) == 16
    assert {(r["problem_id"], r["sample_idx"]) for r in partial} <= {
        (r["problem_id"], r["sample_idx"]) for r in rows
    }
