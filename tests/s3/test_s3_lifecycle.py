"""A study's whole life on an S3 lake (a real S3 server, moto, on loopback), through the CLI as a
user runs it: a fake-engine run killed with SIGKILL mid-run, resumed (every sample exactly once,
the killed run ``interrupted``), ``n`` raised, every query (the same answers as a local copy of
the lake), the report, ``boundary runs``, ``score`` and ``lake compact`` (both refuse, in one
line, saying what to do instead). The endpoint is in the URI's options, the credentials in the
``AWS_*`` variables. The bundled model's run on S3 is ``test_bundled_model_run_and_score``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.fs as pafs
import pytest
from s3_servers import S3Server

from boundary_ray.lake.reader import list_files, read_table
from boundary_ray.lake.runs import list_runs, read_manifests
from boundary_ray.query import list_queries, run_query

pytestmark = pytest.mark.ray  # local Ray instances, started by the CLI: minutes on 2 cores

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = 6  # synthetic:arith?ops=1-3&per_op=2
SPEC = """
name: s3-life
lake: "{lake}"
models:
  - {{name: fake, source: "fake:canned?accuracy=0.4&tokens=20&seed=0&length=0.1&step_s={step_s}"}}
benchmarks:
  - {{name: arith, source: "synthetic:arith?ops=1-3&per_op=2&seed=0"}}
sampling: {{n: {n}, max_tokens: 48, seed: 0}}
engine: {{batch_size: 1, in_flight: 1}}
"""


def _key(row: dict) -> tuple:
    return row["model"], row["benchmark"], row["problem_id"], row["sample_idx"]


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _cli(*args: str, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def life(s3_server: S3Server, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The killed run, its resume and the run with n raised, on one S3 lake."""
    tmp = tmp_path_factory.mktemp("s3life")
    s3_server.filesystem().create_dir("life")
    lake = s3_server.uri("life")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(s3_server.env(), PYTHONPATH=os.pathsep.join(sys.path))

    def spec(n: int, step_s: float) -> Path:
        path = tmp / f"spec-{n}-{step_s}.yaml"
        path.write_text(SPEC.format(lake=lake, n=n, step_s=step_s))
        return path

    with pytest.MonkeyPatch.context() as patch:
        for key, value in s3_server.env().items():
            patch.setenv(key, value)
        cmd = [sys.executable, "-m", "boundary_ray.cli", "run", str(spec(4, 1.0)), "--quiet"]
        proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.time() + 400
        while time.time() < deadline and not list_files(lake, "samples"):
            assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
            time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGKILL)  # the driver, its local Ray and the fake engine
        proc.wait()
        partial = read_table(lake, "samples").to_pylist()
        states_after_kill = [r["state"] for r in list_runs(lake).to_pylist()]
        resumed = _cli("run", str(spec(4, 0.0)), "--quiet", env=env)
        after_resume = read_table(lake, "samples").to_pylist()
        raised = _cli("run", str(spec(6, 0.0)), "--quiet", env=env)
        final = read_table(lake, "samples").to_pylist()
        manifests = read_manifests(lake)
    return {
        "lake": lake,
        "env": env,
        "tmp": tmp,
        "spec": spec(6, 0.0),
        "partial": partial,
        "states_after_kill": states_after_kill,
        "resumed": resumed,
        "after_resume": after_resume,
        "raised": raised,
        "final": final,
        "manifests": manifests,
    }


def test_a_killed_run_resumes_with_every_sample_exactly_once(life: dict) -> None:
    assert 0 < len(life["partial"]) < PROBLEMS * 4, "the kill came too late to test resume"
    assert life["states_after_kill"] == ["interrupted"]
    assert life["resumed"].returncode == 0, life["resumed"].stderr[-3000:]
    rows = life["after_resume"]
    assert len(rows) == PROBLEMS * 4 and len({_key(r) for r in rows}) == len(rows)
    kept = {_key(r): r["response"] for r in life["partial"]}
    assert all({_key(r): r["response"] for r in rows}[k] == v for k, v in kept.items())
    killed, resumed = life["manifests"][:2]
    assert (killed["status"], resumed["status"]) == ("interrupted", "done")
    assert resumed["counters"]["fake"]["samples"] == PROBLEMS * 4 - len(life["partial"])


def test_raising_n_adds_only_the_new_indices(life: dict) -> None:
    assert life["raised"].returncode == 0, life["raised"].stderr[-3000:]
    rows = life["final"]
    assert len(rows) == PROBLEMS * 6 and len({_key(r) for r in rows}) == len(rows)
    raised = life["manifests"][2]
    assert {r["sample_idx"] for r in rows if r["run_id"] == raised["run_id"]} == {4, 5}


def test_no_temp_or_probe_object_is_left_and_every_object_is_whole(
    life: dict, s3_server: S3Server
) -> None:
    keys = s3_server.keys("life", "lake")
    assert not [k for k in keys if "/_probe/" in k]  # the node check cleaned up after itself
    samples = [k for k in keys if "/samples/" in k]
    assert samples == sorted(list_files(life["lake"], "samples"))  # nothing but whole files
    assert all(k.endswith(".json") for k in keys if "/runs/" in k)


def test_every_query_answers_as_on_a_local_copy(
    life: dict, s3_server: S3Server, s3_env: dict
) -> None:
    local = life["tmp"] / "copy"
    pafs.copy_files("life/lake", str(local), source_filesystem=s3_server.filesystem())
    for name in list_queries():
        ours, theirs = run_query(name, life["lake"]), run_query(name, str(local))
        assert ours.schema == theirs.schema, name
        rounded = [
            sorted(repr({k: round(v, 9) if isinstance(v, float) else v for k, v in r.items()})
                   for r in t.to_pylist())
            for t in (ours, theirs)
        ]  # fmt: skip
        assert rounded[0] == rounded[1], name
    out = _cli("query", "pass_at_k", "--lake", life["lake"], "--format", "json", env=life["env"])
    assert out.returncode == 0, out.stderr
    assert {row["k"] for row in _json_lines(out.stdout)} >= {1, 2, 4}


def test_the_report_and_the_runs_of_an_s3_lake(life: dict) -> None:
    report = _cli("report", "--lake", life["lake"], "--out", str(life["tmp"] / "report"),
                  env=life["env"])  # fmt: skip
    assert report.returncode == 0, report.stderr[-3000:]
    assert "fake" in (life["tmp"] / "report" / "index.html").read_text()
    runs = _cli("runs", "--lake", life["lake"], "--format", "json", env=life["env"])
    assert runs.returncode == 0, runs.stderr
    assert [r["state"] for r in _json_lines(runs.stdout)] == ["interrupted", "done", "done"]


def test_score_and_compact_refuse_in_one_line_saying_what_to_do(life: dict) -> None:
    score = _cli("score", str(life["spec"]), env=life["env"])
    assert score.returncode == 2 and score.stderr.count("\n") == 1
    assert "a fake: source has no model to score with" in score.stderr
    compact = _cli("lake", "compact", "--lake", life["lake"], env=life["env"])
    assert compact.returncode == 2 and compact.stderr.count("\n") == 1
    assert "an object store cannot swap a folder atomically" in compact.stderr
    assert "engine.batch_size" in compact.stderr  # what to do instead
