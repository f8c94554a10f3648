"""Run manifests and ``boundary runs``: a run killed with SIGKILL is shown ``interrupted``,
by ``boundary runs`` and by the next run; live runs stay ``running``; states and counts."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boundary_ray.cli import main
from boundary_ray.common.clock import utc_stamp
from boundary_ray.lake.host import process_identity
from boundary_ray.lake.manifest import RunManifest
from boundary_ray.lake.runs import list_runs, read_manifests, run_state, summed_counts
from boundary_ray.schema import LAKE_SCHEMA_VERSION
from boundary_ray.spec import spec_from_dict

SPEC = {
    "models": [{"name": "m", "source": "builtin:smollm2-135m-instruct"}],
    "benchmarks": [{"name": "b", "source": "synthetic:arith"}],
}

# a run that writes its manifest, says so, and works until it is killed
CHILD = """
import sys, time
from boundary_ray.lake.manifest import RunManifest
from boundary_ray.spec import spec_from_dict
spec = spec_from_dict({spec!r})
RunManifest(sys.argv[1], "20990101T000000Z-killed", spec, heartbeat_s=0.2)
print("ready", flush=True)
time.sleep(600)
"""


def _states(lake: Path) -> dict[str, str]:
    return {row["run_id"]: row["state"] for row in list_runs(str(lake)).to_pylist()}


def test_a_sigkilled_run_is_interrupted(tmp_path: Path, capsys) -> None:
    lake = tmp_path / "lake"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(spec=SPEC), str(lake)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        assert _states(lake) == {"20990101T000000Z-killed": "running"}
        (manifest,) = read_manifests(str(lake))
        assert manifest["host"]["pid"] == child.pid
        assert manifest["lake_schema_version"] == LAKE_SCHEMA_VERSION
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert _states(lake) == {"20990101T000000Z-killed": "interrupted"}
    assert main(["runs", "--lake", str(lake)]) == 0
    assert "interrupted" in capsys.readouterr().out
    # the manifest still says running until the next run marks it
    assert read_manifests(str(lake))[0]["status"] == "running"
    nxt = RunManifest(str(lake), "20990101T000001Z-next", spec_from_dict(SPEC))
    assert _states(lake) == {
        "20990101T000000Z-killed": "interrupted",
        "20990101T000001Z-next": "running",
    }
    nxt.finish("done", counters={"m": {"rows": 8, "correct": 3}})
    killed, done = read_manifests(str(lake))
    assert killed["status"] == "interrupted" and killed["finished_at"]
    assert done["status"] == "done" and done["finished_at"]
    rows = list_runs(str(lake)).to_pylist()
    assert rows[1]["counts"] == "rows=8 correct=3" and rows[1]["state"] == "done"


def test_a_live_run_beats_and_finishes(tmp_path: Path) -> None:
    manifest = RunManifest(str(tmp_path), "r1", spec_from_dict(SPEC), heartbeat_s=0.2)
    first = read_manifests(str(tmp_path))[0]
    time.sleep(1.3)
    assert read_manifests(str(tmp_path))[0]["heartbeat_at"] > first["heartbeat_at"]
    assert _states(tmp_path) == {"r1": "running"}
    manifest.finish("failed", error="boom")
    beat = read_manifests(str(tmp_path))[0]["heartbeat_at"]
    time.sleep(0.5)
    (final,) = read_manifests(str(tmp_path))
    assert final["heartbeat_at"] == beat and final["status"] == "failed"
    assert _states(tmp_path) == {"r1": "failed"}


def _manifest(**fields) -> dict:
    now = utc_stamp()
    base = {"run_id": "r", "status": "running", "started_at": now, "heartbeat_at": now}
    return base | {"lease_s": 60, "host": process_identity()} | fields


def test_states_on_this_host_and_on_others() -> None:
    me = process_identity()
    assert run_state(_manifest()) == "running"  # this very process
    assert run_state(_manifest(host=me | {"pid_start": me["pid_start"] + 1})) == "interrupted"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    gone = int(dead.stdout)
    assert run_state(_manifest(host=me | {"pid": gone, "pid_start": None})) == "interrupted"
    elsewhere = {"hostname": "another-host", "pid": 1, "pid_start": 5}
    now = time.time()
    assert run_state(_manifest(host=elsewhere), now=now) == "running"
    assert run_state(_manifest(host=elsewhere), now=now + 61) == "interrupted"  # lease expired
    rebooted = me | {"boot_id": "an-earlier-boot"}
    assert run_state(_manifest(host=rebooted), now=now + 61) == "interrupted"
    for status in ("done", "failed", "interrupted"):
        assert run_state(_manifest(status=status)) == status
    old = {"run_id": "r", "status": "running", "host": {"hostname": me["hostname"]}}
    assert run_state(old) == "interrupted"  # version 1: no pid, no heartbeat


def test_runs_lists_every_state_and_counter(tmp_path: Path, capsys) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    counters = {
        "m1": {"rows": 8, "correct": 2, "verdicts": {"wrong": 6}, "truncated": 1},
        "m2": {"rows": 4, "correct": 4, "verdicts": {"wrong": 0}, "truncated": 0},
    }
    manifests = [
        _manifest(run_id="a", status="done", counters=counters, finished_at=utc_stamp()),
        _manifest(run_id="b", status="failed", error="ValueError: x"),
        _manifest(run_id="c", host={"hostname": "elsewhere"}, heartbeat_at="2020-01-01T00:00:00Z"),
        _manifest(run_id="d"),
    ]
    for manifest in manifests:
        (runs / f"{manifest['run_id']}.json").write_text(json.dumps(manifest))
    (runs / "e.json.1234.tmp").write_text("{half")
    (runs / "broken.json").write_text("{not json")
    assert _states(tmp_path) == {"a": "done", "b": "failed", "c": "interrupted", "d": "running"}
    listed = list_runs(str(tmp_path)).to_pylist()
    assert listed[1]["seconds"] is None  # failed, and never wrote when: no duration made up
    assert listed[3]["seconds"] is not None and listed[3]["finished_at"] is None  # running
    assert list_runs(str(tmp_path)).to_pylist()[0]["counts"] == (
        "rows=12 correct=6 verdicts.wrong=6 truncated=1"
    )
    assert main(["runs", "--lake", str(tmp_path), "--format", "json"]) == 0
    out = capsys.readouterr()
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert [r["state"] for r in rows] == ["done", "failed", "interrupted", "running"]
    assert json.loads(rows[0]["counters"]) == counters
    # the broken manifest is named on stderr; a half-written temp file is not a .json
    assert out.err == "boundary runs: skipped runs/broken.json: not a readable run manifest\n"
    assert main(["runs", "--lake", str(tmp_path / "nowhere")]) == 2
    assert "no such directory" in capsys.readouterr().err


@pytest.mark.parametrize("counters", [None, {}, {"m": {}}, {"rows": 3, "note": "x"}])
def test_counts_of_any_shape(counters) -> None:
    assert summed_counts(counters) in ("", "rows=3")
