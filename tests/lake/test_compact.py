"""``boundary lake compact``: fewer files, the same answers, every key once, whatever is killed."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from boundary_ray.cli import main
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.compact import compact_lake
from boundary_ray.lake.locks import consistent_read, generation, swapping
from boundary_ray.lake.reader import list_files, read_table
from boundary_ray.lake.writer import write_rows
from boundary_ray.query import list_queries, run_query, run_sql

MODELS = {"base": ("base", 8), "rl": ("rl", 4)}
BENCHMARKS = ("gsm8k", "2024")
PROBLEMS = 12


def _samples(model: str, bench: str, pid: str, first: int, n: int, rng: random.Random) -> list:
    rows = []
    for i in range(first, first + n):
        verdict = rng.choice(["correct", "wrong", "wrong", "no_answer", "timeout"])
        rows.append(
            {
                "model": model,
                "benchmark": bench,
                "problem_id": pid,
                "sample_idx": i,
                "run_id": f"run-{first}",
                "response": "step " * rng.randint(5, 60) + f"\\boxed{{{rng.randint(0, 9)}}}",
                "response_tokens": rng.randint(10, 300),
                "finish_reason": rng.choice(["stop", "stop", "length"]),
                "correct": verdict == "correct",
                "verdict": verdict,
                "verify_ms": rng.random(),
            }
        )
    return rows


def write_small_file_lake(lake: str, seed: int = 0) -> int:
    """A lake written as the pipeline writes it: one small file per problem and batch (two
    batches per problem, as a resumed run leaves them). Returns the number of samples."""
    rng = random.Random(seed)
    total = 0
    problems = [
        {"benchmark": b, "problem_id": f"p{p:02d}", "task": "math", "answer": str(p)}
        for b in BENCHMARKS
        for p in range(PROBLEMS)
    ]
    write_rows(lake, "problems", problems)
    models = [
        {"model": m, "source": "x", "prompt": "chat", "role": role, "tags": "{}", "run_id": "r"}
        for m, (role, _) in MODELS.items()
    ]
    write_rows(lake, "models", models)
    for model, (_, n) in MODELS.items():
        for bench in BENCHMARKS:
            for p in range(PROBLEMS):
                for first in (0, n // 2):
                    write_rows(
                        lake, "samples", _samples(model, bench, f"p{p:02d}", first, n // 2, rng)
                    )
                    total += n // 2
    # a file written before `verify_ms` existed: the column reads as null, before and after
    old = pa.table({"problem_id": ["p99"], "sample_idx": pa.array([0], pa.int32())})
    pq.write_table(old, f"{lake}/samples/model=base/benchmark=gsm8k/part-old.parquet")
    return total + 1


def sample_rows(lake: str) -> list[str]:
    """Every sample row as the lake reader gives it (declared columns, missing ones null),
    sorted; a duplicate or a lost row would show."""
    return sorted(map(repr, read_table(lake, "samples").to_pylist()))


def key_counts(lake: str) -> tuple[int, int]:
    """(rows, distinct keys) through the user's ``samples/**/*.parquet`` glob."""
    (row,) = duckdb.sql(
        f"select count(*), count(distinct (model, benchmark, problem_id, sample_idx)) from"
        f" read_parquet('{lake}/samples/**/*.parquet', hive_partitioning=true, union_by_name=true)"
    ).fetchall()
    return row


def _rounded(row: dict) -> str:
    """A row as text, floats to 9 digits (sums over files in another order differ in the last bit)."""
    return repr({k: round(v, 9) if isinstance(v, float) else v for k, v in row.items()})


def query_answers(lake: str) -> dict[str, object]:
    """Every query's result (rows sorted), or its error."""
    answers: dict[str, object] = {}
    for name in list_queries():
        try:
            answers[name] = sorted(map(_rounded, run_query(name, lake, {}).to_pylist()))
        except BoundaryError as exc:
            answers[name] = f"error: {exc}"
    return answers


def test_compaction_merges_small_files_and_changes_no_answer(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    total = write_small_file_lake(lake)
    rows, answers = sample_rows(lake), query_answers(lake)
    before = len(list_files(lake, "samples"))
    assert before == 2 * 2 * PROBLEMS * 2 + 1

    results = compact_lake(lake)
    assert [r.partition for r in results] == [
        f"samples/model={m}/benchmark={b}" for m in sorted(MODELS) for b in sorted(BENCHMARKS)
    ]
    assert sum(r.files_before for r in results) == before
    assert len(list_files(lake, "samples")) == sum(r.files_after for r in results) == 4
    assert sum(r.rows_merged for r in results) == total
    assert sample_rows(lake) == rows
    assert query_answers(lake) == answers
    assert key_counts(lake) == (total, total)
    assert read_table(lake, "samples", {"model": "base"}).num_rows == total - 4 * PROBLEMS * 2
    merged = pq.ParquetFile(list_files(lake, "samples", {"model": "rl", "benchmark": "2024"})[0])
    assert merged.metadata.num_row_groups == 1
    ids = merged.read(columns=["problem_id", "sample_idx"]).to_pylist()
    assert ids == sorted(ids, key=lambda r: (r["problem_id"], r["sample_idx"]))  # sorted by key
    assert not list((tmp_path / "lake" / "_compaction" / "staging").rglob("*.parquet"))

    again = compact_lake(lake)  # nothing small is left
    assert {r.skipped for r in again} == {"no small files"}
    assert sample_rows(lake) == rows

    compact_lake(lake, table="problems")
    compact_lake(lake, table="models")
    assert len(list_files(lake, "problems")) == 2 and len(list_files(lake, "models")) == 1
    assert query_answers(lake) == answers


def test_target_size_and_partition_filter(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    write_small_file_lake(lake)
    rows = sample_rows(lake)
    (result,) = compact_lake(
        lake, partition={"model": "base", "benchmark": "gsm8k"}, target_mb=0.004
    )
    assert 1 < result.files_after < result.files_before  # several files of ~4 kB each
    assert len(list_files(lake, "samples", {"model": "rl"})) == 2 * PROBLEMS * 2  # untouched
    assert sample_rows(lake) == rows


CRASH = """
import os, signal, sys
from boundary_ray.lake.compact import compact_lake
point, nth = sys.argv[2], int(sys.argv[3])
seen = []
def step(name):
    seen.append(name)
    if seen.count(point) == nth:
        os.kill(os.getpid(), signal.SIGKILL)
compact_lake(sys.argv[1], target_mb=float(sys.argv[4]), on_step=step)
"""


@pytest.mark.parametrize(
    ("point", "nth"),
    [
        ("staged", 1),
        ("merged", 2),
        ("linked", 1),
        ("exchanged", 1),
        ("exchanged", 3),
        ("cleaning", 5),
    ],
)
def test_killed_at_any_step_no_sample_is_lost_or_doubled(
    tmp_path: Path, point: str, nth: int
) -> None:
    lake = str(tmp_path / "lake")
    total = write_small_file_lake(lake)
    rows, answers = sample_rows(lake), query_answers(lake)
    killed = subprocess.run(
        [sys.executable, "-c", CRASH, lake, point, str(nth), "0.02"], capture_output=True, text=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert key_counts(lake) == (total, total)
    assert sample_rows(lake) == rows
    assert query_answers(lake) == answers

    compact_lake(lake, target_mb=0.02)  # cleans up what the killed one left, then finishes
    assert sample_rows(lake) == rows and key_counts(lake) == (total, total)
    assert not list((tmp_path / "lake" / "_compaction" / "staging").rglob("*.parquet"))
    assert {r.skipped for r in compact_lake(lake, target_mb=0.02)} == {"no small files"}


def test_killed_at_random_moments(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    total = write_small_file_lake(lake)
    rows = sample_rows(lake)
    rng = random.Random(1)
    script = "import sys; from boundary_ray.lake.compact import compact_lake; compact_lake(sys.argv[1], target_mb=0.01)"
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", script, lake])
        time.sleep(rng.uniform(0.8, 2.5))  # the import takes most of a second
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert key_counts(lake) == (total, total)
        assert sample_rows(lake) == rows
    compact_lake(lake, target_mb=0.01)
    assert sample_rows(lake) == rows


def test_a_writer_during_compaction_loses_nothing(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    total = write_small_file_lake(lake)
    rng = random.Random(2)
    late: list[threading.Thread] = []

    def step(name: str) -> None:
        if name == "merged":  # a batch lands after the merge, before the swap
            write_rows(lake, "samples", _samples("base", "gsm8k", "p50", 0, 3, rng))
        if name == "linked":  # a writer arrives while compaction holds the folder
            writer = threading.Thread(
                target=write_rows,
                args=(lake, "samples", _samples("base", "gsm8k", "p51", 0, 3, rng)),
            )
            writer.start()
            time.sleep(0.3)
            assert writer.is_alive()  # it waits for the swap
            late.append(writer)

    compact_lake(lake, partition={"model": "base", "benchmark": "gsm8k"}, on_step=step)
    late[0].join(timeout=30)
    assert key_counts(lake) == (total + 6, total + 6)
    got = read_table(lake, "samples", {"model": "base", "benchmark": "gsm8k"}, ["problem_id"])
    assert {"p50", "p51"} <= set(got.column("problem_id").to_pylist())


def test_readers_during_compaction_never_see_a_wrong_count(tmp_path: Path) -> None:
    """The project's readers (``run_sql`` here; ``run_query`` shares its retry) rerun a query
    that a swap overlapped: a raw DuckDB glob can miss a swapped folder's rows silently (it
    skips a listed name it cannot stat), which is what this test caught before the retry."""
    lake = str(tmp_path / "lake")
    total = write_small_file_lake(lake)
    count = (
        "select count(*), count(distinct (model, benchmark, problem_id, sample_idx)) from samples"
    )
    seen: list[tuple[int, int]] = []
    errors: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append(tuple(run_sql(count, lake).to_pylist()[0].values()))
            except BoundaryError as exc:
                errors.append(str(exc))

    reader = threading.Thread(target=read)
    reader.start()
    rng = random.Random(3)
    added = 0
    try:
        for round_ in range(8):
            for p in range(20):
                write_rows(lake, "samples", _samples("rl", "gsm8k", f"q{round_}-{p}", 0, 2, rng))
                added += 2
            compact_lake(lake, partition={"model": "rl"})
            deadline = time.monotonic() + 30
            while len(seen) + len(errors) <= round_ and time.monotonic() < deadline:
                time.sleep(0.01)  # at least one read per round, whatever the machine's load
    finally:
        stop.set()
        reader.join()
    assert len(seen) >= 8, (len(seen), errors[:3])
    assert errors == []
    assert all(rows == keys for rows, keys in seen)  # never a sample twice
    assert all(total <= rows <= total + added for rows, _ in seen)  # never one missing
    assert [r for r, _ in seen] == sorted(r for r, _ in seen)  # only ever more


def test_a_read_that_a_swap_overlaps_is_rerun(tmp_path: Path) -> None:
    root = str(tmp_path)
    calls: list[int] = []

    def read() -> int:
        calls.append(generation(root))
        if len(calls) == 1:
            with swapping(root):  # a compactor swaps a folder while this read lists it
                pass
        return len(calls)

    assert consistent_read(root, read) == 2
    assert calls == [0, 2]
    assert consistent_read("s3://b/lake", read) == 3  # object stores: never compacted


def test_a_reader_that_keeps_losing_holds_the_next_swap_off(tmp_path: Path) -> None:
    root = str(tmp_path)
    swapped = threading.Event()

    def swap() -> None:
        with swapping(root):
            swapped.set()

    def read() -> str:
        if generation(root) < 6:  # three lock-free tries, each overlapped by a swap
            swap()
            return "torn"
        swapped.clear()
        late = threading.Thread(target=swap)
        late.start()
        held_off = not swapped.wait(0.5)
        read.late = late  # type: ignore[attr-defined]
        return "whole" if held_off else "overlapped"

    assert consistent_read(root, read) == "whole"
    read.late.join(timeout=5)  # type: ignore[attr-defined]
    assert swapped.is_set() and generation(root) == 8  # the swap ran once the read was done


def test_a_compactor_killed_mid_swap_does_not_stall_readers(tmp_path: Path) -> None:
    root = str(tmp_path)
    script = (
        "import os, sys\n"
        "from boundary_ray.lake.locks import swapping\n"
        "with swapping(sys.argv[1]):\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", script, root], check=False)
    assert generation(root) % 2 == 1  # left odd: the swap never finished
    started = time.monotonic()
    assert consistent_read(root, lambda: "read") == "read"
    assert time.monotonic() - started < 2
    with swapping(root):  # the next swap moves on from the odd number
        assert generation(root) % 2 == 1 and generation(root) > 1
    assert generation(root) % 2 == 0


def test_refusals_name_what_is_wrong(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    write_small_file_lake(lake)
    with pytest.raises(BoundaryError, match="object store"):
        compact_lake("s3://bucket/lake")
    with pytest.raises(BoundaryError, match="--table nope"):
        compact_lake(lake, table="nope")
    with pytest.raises(BoundaryError, match="--partition scorer"):
        compact_lake(lake, partition={"scorer": "x"})
    with pytest.raises(BoundaryError, match="no such directory"):
        compact_lake(str(tmp_path / "missing"))
    folder = Path(lake, "samples", "model=rl", "benchmark=gsm8k")
    rows = sample_rows(lake)
    pq.write_table(pa.table({"problem_id": ["z"], "future": [1]}), folder / "part-new.parquet")
    with pytest.raises(BoundaryError, match="part-new.parquet: column 'future'"):
        compact_lake(lake, partition={"model": "rl", "benchmark": "gsm8k"})
    (folder / "part-new.parquet").unlink()
    assert sample_rows(lake) == rows  # nothing changed


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lake = str(tmp_path / "lake")
    write_small_file_lake(lake)
    assert main(["lake", "compact", "--lake", lake, "--partition", "model=rl"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"samples/model=rl/benchmark=2024: {2 * PROBLEMS} files -> 1, {PROBLEMS * 4} rows merged",
        f"samples/model=rl/benchmark=gsm8k: {2 * PROBLEMS} files -> 1, {PROBLEMS * 4} rows merged",
    ]
    assert main(["lake", "compact", "--lake", "gs://b/l"]) == 2
    assert "boundary: error: lake gs://b/l: compaction needs" in capsys.readouterr().err


def test_a_run_compacts_only_its_own_partitions(tmp_path: Path) -> None:
    from boundary_ray.lake.compact import compact_run
    from boundary_ray.spec import load_spec

    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(
        "models: [{name: rl, source: builtin:smollm2-135m-instruct}]\n"
        "benchmarks: [{name: gsm8k, source: synthetic:arith}]\n"
        "lake_options: {compact: true, compact_target_mb: 64}\n"
    )
    spec = load_spec(spec_path)
    assert spec.lake_options.compact and spec.lake_options.compact_target_mb == 64
    with pytest.raises(BoundaryError, match="lake_options.compact_target_mb: must be > 0"):
        load_spec(spec_path, {"lake_options.compact_target_mb": 0})
    with pytest.raises(BoundaryError, match="lake_options.compat: unknown key"):
        load_spec(spec_path, {"lake_options.compat": True})

    lake = str(tmp_path / "lake")
    write_small_file_lake(lake)
    rows = sample_rows(lake)
    (done,) = compact_run(lake, ["rl"], ["gsm8k"], 64)
    assert done["partition"] == "samples/model=rl/benchmark=gsm8k" and done["files_after"] == 1
    assert len(list_files(lake, "samples", {"model": "rl", "benchmark": "2024"})) == PROBLEMS * 2
    assert sample_rows(lake) == rows
