"""The visual path end to end: fixture MathVista + MathVision problems with hand-made images,
the tiny VLM (random vision tower) on the real CPU vLLM engine, the real pipeline and lake.
Small: 10 problems, n = 3, 16 new tokens."""

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
from boundary_ray.query import run_query
from boundary_ray.run.pipeline import run_spec_file
from tests.benchmarks.visual_fixtures import write_fixtures

pytestmark = pytest.mark.engine

SPEC = """
name: visual
lake: {lake}
models:
  - name: tiny-vlm
    source: builtin:smolvlm-tiny
benchmarks:
  - name: mathvista
    source: {vista}
  - name: mathvision
    source: {vision}
sampling: {{n: 3, max_tokens: {max_tokens}, seed: 0}}
engine: {{batch_size: {batch_size}, in_flight: 2, max_model_len: 1024}}
"""
PROBLEMS = 6 + 4


def _spec(tmp: Path, max_tokens: int = 16, batch_size: int = 2) -> Path:
    vista, vision = write_fixtures(tmp / "fixtures")
    path = tmp / "spec.yaml"
    path.write_text(
        SPEC.format(
            lake=tmp / "lake",
            vista=vista,
            vision=vision,
            max_tokens=max_tokens,
            batch_size=batch_size,
        )
    )
    return path


def _samples(lake: Path) -> list[dict]:
    return (
        duckdb.sql(
            f"select * from read_parquet('{lake}/samples/**/*.parquet', hive_partitioning=true, "
            "hive_types_autocast=false) order by benchmark, problem_id, sample_idx"
        )
        .arrow()
        .read_all()
        .to_pylist()
    )


def _keys(rows: list[dict]) -> set[tuple]:
    return {(r["model"], r["benchmark"], r["problem_id"], r["sample_idx"]) for r in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("visual")
    return tmp, run_spec_file(_spec(tmp), progress=False)


def test_every_sample_once_with_images_by_reference(first_run: tuple[Path, dict]) -> None:
    tmp, result = first_run
    lake = tmp / "lake"
    rows = _samples(lake)
    assert len(rows) == PROBLEMS * 3 == result["counters"]["tiny-vlm"]["samples"]
    assert len(_keys(rows)) == len(rows)
    assert all(r["prompt"].count("<image>") == 1 for r in rows)  # placeholder, not pixels
    assert {r["verdict"] for r in rows} <= set(schema.VERDICTS)
    for path in list_files(str(lake), "samples"):  # samples never hold image bytes
        assert pq.read_schema(path).names == schema.file_schema("samples").names
    problems = read_table(str(lake), "problems").to_pylist()
    images = read_table(str(lake), "images").to_pylist()
    assert len(problems) == PROBLEMS and all(len(p["images"]) == 1 for p in problems)
    assert {i for p in problems for i in p["images"]} == {i["image_id"] for i in images}
    assert len(images) == 5  # five drawings shared by ten problems, each stored once


def test_queries_and_report_include_the_visual_benchmarks(first_run: tuple[Path, dict]) -> None:
    from boundary_ray.charts.report import write_report

    tmp, _ = first_run
    lake = str(tmp / "lake")
    table = run_query("pass_at_k", lake, {}).to_pylist()
    assert {r["benchmark"] for r in table} == {"mathvista", "mathvision"}
    assert {r["k"] for r in table} == {1, 2, 3}
    html = Path(write_report(lake, str(tmp / "report"))).read_text()
    assert "mathvista" in html and "mathvision" in html


def test_resume_after_sigkill_gives_every_sample_exactly_once(tmp_path: Path) -> None:
    spec = _spec(tmp_path, max_tokens=32, batch_size=1)
    lake = tmp_path / "lake"
    cmd = [sys.executable, "-m", "boundary_ray.cli", "run", str(spec), "--quiet"]
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.time() + 400
    while time.time() < deadline and not list_files(str(lake), "samples"):
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver, its local Ray cluster and the engine
    proc.wait()
    partial = _samples(lake)
    assert 0 < len(partial) < PROBLEMS * 3, "kill came too late to test resume"
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = _samples(lake)
    assert len(rows) == PROBLEMS * 3 and len(_keys(rows)) == PROBLEMS * 3
    assert _keys(partial) <= _keys(rows)
    assert read_table(str(lake), "images").num_rows == 5  # the rerun stored no image twice
