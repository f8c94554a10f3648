"""The engine stage without Ray or vLLM: the engine loop shared by in-flight batches, per-row
errors, the writer's refusal of undeclared columns and the drain's counters."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fake_requests import SAMPLING, requests

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.reader import read_table
from boundary_ray.lake.writer import ParquetLakeWriter, write_rows
from boundary_ray.sampler.fake_sampler import FakeEngine, FakeParams, FakeSampler
from boundary_ray.sampler.stage import EngineStage, drain
from boundary_ray.verifiers.router import TaskVerifier


class CountingEngine(FakeEngine):
    """A fake engine that records how many requests each step finished."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.step_sizes: list[int] = []
        self.release = threading.Event()

    def step(self) -> list:
        self.release.wait(5)  # hold the first step until every batch has submitted
        self.step_sizes.append(len(self.queued))
        return super().step()


class GatedSampler(FakeSampler):
    def start_engine(self) -> CountingEngine:
        return CountingEngine(self.source)


def test_in_flight_batches_share_one_engine_and_get_their_own_rows() -> None:
    sampler = GatedSampler("fake:canned?tokens=5", SAMPLING)
    engine = sampler.loop.engine
    batches = [requests(2, 3, first_idx=i * 10) for i in range(4)]
    with ThreadPoolExecutor(4) as pool:  # Ray Data's in-flight threads on one actor
        futures = [pool.submit(sampler, b) for b in batches]
        while sum(engine.step_sizes) + len(engine.queued) < 8:
            threading.Event().wait(0.01)
        engine.release.set()
        outs = [f.result() for f in futures]
    assert max(engine.step_sizes) > 2  # requests of several batches in one engine step
    for i, out in enumerate(outs):
        assert sorted(set(out.column("sample_idx").to_pylist())) == [i * 10 + k for k in range(3)]
        assert out.num_rows == 2 * 3


class EchoStage(EngineStage):
    """One output row per input row; a row with n < 1 fails inside the engine."""

    output_schema = pa.schema([("problem_id", pa.string()), ("error", pa.string())])

    def start_engine(self) -> FakeEngine:
        from boundary_ray.models.fake import FakeSource

        return FakeEngine(FakeSource())

    def request(self, row: dict[str, Any]) -> tuple[Any, Any] | None:
        if row["problem_id"] == "skip":
            return None
        return row["prompt"], FakeParams(int(row["n_new"]), row["problem_id"], 0, "1", "math", 8)

    def emit(self, row, output, error, out) -> None:
        out["problem_id"].append(row["problem_id"])
        out["error"].append(type(error).__name__ if error else None)


def test_an_engine_error_reaches_only_its_own_row() -> None:
    stage = EchoStage(device="fake")
    table = requests(3, 2).to_pylist()
    table[1]["n_new"] = 0  # the fake engine refuses it, as vLLM refuses a bad request
    table[2]["problem_id"] = "skip"
    out = stage(pa.Table.from_pylist(table, schema=schema.REQUESTS)).to_pylist()
    assert out == [
        {"problem_id": "p0", "error": None},
        {"problem_id": "p1", "error": "ValueError"},
        {"problem_id": "skip", "error": None},
    ]
    with pytest.raises(ValueError, match="n must be >= 1"):  # the sampler fails its batch
        FakeSampler("fake:canned", SAMPLING)(pa.Table.from_pylist(table, schema=schema.REQUESTS))


def _verified(problems: int, n: int) -> pa.Table:
    sampled = FakeSampler("fake:canned?accuracy=0.5&tokens=8&length=0.2", SAMPLING)(
        requests(problems, n)
    )
    return TaskVerifier()(sampled)


def test_writer_refuses_undeclared_columns_and_drops_only_what_it_is_told(
    tmp_path: Path,
) -> None:
    lake = str(tmp_path / "lake")
    batch = _verified(2, 3)
    with pytest.raises(BoundaryError, match="samples: unknown columns task, question"):
        ParquetLakeWriter(lake, "samples")(batch)
    with pytest.raises(BoundaryError, match="missing columns verdict_reason"):
        ParquetLakeWriter(lake, "samples", drop=(*schema.CARRIED, "verdict_reason"))(batch)
    with pytest.raises(BoundaryError, match="columns to drop are missing: engine_ready_at"):
        ParquetLakeWriter(lake, "samples", drop=(*schema.CARRIED, "engine_ready_at"))(batch)
    with pytest.raises(BoundaryError, match="unknown columns verdcit"):
        write_rows(lake, "samples", [{"model": "m", "benchmark": "b", "verdcit": "correct"}])
    assert not (tmp_path / "lake").exists()  # nothing written by a refused batch
    summary = ParquetLakeWriter(lake, "samples", drop=schema.CARRIED)(batch).to_pylist()[0]
    stored = read_table(lake, "samples")
    assert sorted(stored.column_names) == sorted(schema.SAMPLES.names)
    assert summary["rows"] == stored.num_rows == 6
    assert summary["engine_ready_at"] == float(batch.schema.metadata[schema.ENGINE_READY_AT])


def test_verify_and_write_starts_the_math_child_before_the_first_batch(tmp_path: Path) -> None:
    """A math run's CPU stage starts math-verify's child while the engine loads (so the first
    sampled batch, and the cores the engine samples on, do not pay its imports), and its first
    batch uses that child; a code-only run starts none."""
    from boundary_ray.run.pipeline import VerifyAndWrite

    math_stage = VerifyAndWrite(str(tmp_path / "m"), 5.0, 10.0, tasks=["math"])
    started = math_stage.verifier.verifiers["math"].child_pid()
    assert started is not None and os.waitpid(started, os.WNOHANG) == (0, 0)  # running
    sampled = FakeSampler("fake:canned?accuracy=1.0&tokens=8", SAMPLING)(requests(2, 2))
    assert math_stage(sampled).column("correct")[0].as_py() == 4
    assert math_stage.verifier.verifiers["math"].child_pid() == started
    math_stage.verifier.close()

    code_stage = VerifyAndWrite(str(tmp_path / "c"), 5.0, 10.0, tasks=["code"])
    assert code_stage.verifier.verifiers == {}  # the sandbox is checked at its first batch


def test_verify_and_write_stores_what_the_verifier_and_the_writer_would_apart(
    tmp_path: Path,
) -> None:
    """The pipeline's one CPU stage (verifier, then writer, in one actor) stores the same rows
    and returns the same summary as the two stages did."""
    from boundary_ray.run.pipeline import VerifyAndWrite

    sampled = FakeSampler("fake:canned?accuracy=0.5&tokens=8&length=0.2", SAMPLING)(requests(3, 4))
    apart, fused = str(tmp_path / "apart"), str(tmp_path / "fused")
    expected = ParquetLakeWriter(apart, "samples", drop=schema.CARRIED)(TaskVerifier()(sampled))
    summary = VerifyAndWrite(fused, math_timeout_s=5.0, code_timeout_s=10.0)(sampled)
    assert summary.to_pylist() == expected.to_pylist()
    assert 0 < summary.column("correct")[0].as_py() < 12  # the verdicts are real ones
    order = [("problem_id", "ascending"), ("sample_idx", "ascending")]
    stored = [
        read_table(lake, "samples").drop_columns(["verify_ms"]).sort_by(order)
        for lake in (fused, apart)
    ]  # verify_ms: wall time of each check
    assert stored[0].num_rows == 12 and stored[0].equals(stored[1])


class SummaryDataset:
    """Stands in for a Ray dataset whose last stage is the writer: yields its summaries."""

    def __init__(self, summaries: list[pa.Table]) -> None:
        self.summaries = summaries

    def iter_batches(self, **_: Any):
        yield from self.summaries


def test_drain_adds_up_verdicts_truncation_and_the_first_ready_engine(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    writer = ParquetLakeWriter(lake, "samples", drop=schema.CARRIED)
    batches = [_verified(3, 4), _verified(2, 4).slice(0, 5)]
    summaries = [writer(b) for b in batches]
    totals = drain(SummaryDataset(summaries), 17, "m", progress=False)
    rows = pa.concat_tables(
        [b.select(["verdict", "finish_reason", "response_tokens"]) for b in batches]
    )
    verdicts = rows.column("verdict").to_pylist()
    assert totals["rows"] == 17 and totals["files"] == 2
    for v in schema.VERDICTS:
        assert totals[f"verdict:{v}"] == verdicts.count(v)
    assert totals["correct"] == verdicts.count("correct")
    assert totals["truncated"] == rows.column("finish_reason").to_pylist().count("length") > 0
    assert totals["tokens"] == sum(rows.column("response_tokens").to_pylist())
    ready = [float(b.schema.metadata[schema.ENGINE_READY_AT]) for b in batches]
    assert totals["engine_ready_at"] == min(ready)
    with pytest.raises(BoundaryError, match="m: wrote 17 samples, planned 18"):
        drain(SummaryDataset(summaries), 18, "m", progress=False)


class ThreadRecordingEngine(FakeEngine):
    """A fake engine that notes which thread built it and which threads step it."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.built_on = threading.get_ident()
        self.stepped_on: set[int] = set()

    def step(self) -> list:
        self.stepped_on.add(threading.get_ident())
        return super().step()


def test_the_engine_is_built_on_the_thread_that_steps_it() -> None:
    """A CPU engine built on one thread and stepped on another gets two OpenMP teams, and
    libgomp then sleeps at every barrier (engine_loop.py): one thread must do both."""
    from boundary_ray.models.fake import FakeSource
    from boundary_ray.sampler.engine_loop import EngineLoop

    loop = EngineLoop(lambda: ThreadRecordingEngine(FakeSource()))
    params = FakeParams(2, "p", 0, "1", "math", 8)
    assert len(loop.submit("prompt", params).result(timeout=5).outputs) == 2
    assert loop.engine.stepped_on == {loop.engine.built_on} != {threading.get_ident()}


def test_an_engine_that_fails_to_start_raises_in_the_caller() -> None:
    from boundary_ray.sampler.engine_loop import EngineLoop

    def start() -> Any:
        raise RuntimeError("no such model")

    with pytest.raises(RuntimeError, match="no such model"):
        EngineLoop(start)
