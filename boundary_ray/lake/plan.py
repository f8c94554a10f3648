"""Plan a (resumed) run: which samples each problem still lacks, as engine requests.

The key ``(model, benchmark, problem_id, sample_idx)`` is unique across the lake. For each
problem the plan asks for ``sample_idx`` in ``range(n)`` minus those present, grouped into
runs of consecutive indices; each run is one vLLM request with ``n`` = its length and a seed
derived from (spec seed, model, benchmark, problem_id, first sample_idx), so a rerun of the same
plan draws the same samples.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.locks import consistent_read
from boundary_ray.lake.reader import arrow_dataset, list_files


@dataclass(frozen=True)
class Request:
    """One engine request: ``n_new`` samples of a problem, from ``first_idx`` on."""

    problem_id: str
    first_idx: int
    n_new: int
    seed: int


def derive_seed(seed: int, model: str, benchmark: str, problem_id: str, first_idx: int) -> int:
    """A 31-bit request seed fixed by its inputs (vLLM gives child i the seed ``seed + i``)."""
    key = f"{seed}|{model}|{benchmark}|{problem_id}|{first_idx}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") & 0x7FFFFFFF


def present_samples(lake: str, model: str, benchmark: str) -> dict[str, Collection[int]]:
    """``problem_id -> sample_idx present`` for one model and benchmark.

    Read in batches and kept per problem, not per sample: a problem holding exactly
    ``0 … c-1`` (every problem a run finished) is ``range(c)``, so the driver's memory grows
    with the number of problems, never with the number of samples. Only problems with gaps
    (an interrupted batch, a raised ``n`` written out of order) get an explicit set, read in a
    second pass over just those problems. Read between compaction swaps
    (``locks.consistent_read``): a ``lake compact`` beside it never makes it miss a sample.
    """

    def read() -> dict[str, Collection[int]]:
        try:
            return _present_samples(lake, model, benchmark)
        except (OSError, pa.ArrowInvalid) as exc:  # a file listed before a swap, gone after it
            raise BoundaryError(f"lake {lake}: {' '.join(str(exc).split())}") from None

    return consistent_read(lake, read)


def _present_samples(lake: str, model: str, benchmark: str) -> dict[str, Collection[int]]:
    files = list_files(lake, "samples", {"model": model, "benchmark": benchmark})
    if not files:
        return {}
    dataset = arrow_dataset(lake, "samples", files)
    stats: dict[str, list[int]] = {}  # problem_id -> [count, min, max, sum]
    for batch in dataset.to_batches(columns=["problem_id", "sample_idx"], batch_size=1 << 17):
        if batch.num_rows == 0:
            continue
        grouped = (
            pa.Table.from_batches([batch])
            .group_by("problem_id")
            .aggregate(
                [
                    ("sample_idx", "count"),
                    ("sample_idx", "min"),
                    ("sample_idx", "max"),
                    ("sample_idx", "sum"),
                ]
            )
        )
        for pid, count, low, high, total in zip(
            *(c.to_pylist() for c in grouped.columns), strict=True
        ):
            seen = stats.get(pid)
            if seen is None:
                stats[pid] = [count, low, high, total]
            else:
                seen[0] += count
                seen[1], seen[2], seen[3] = min(seen[1], low), max(seen[2], high), seen[3] + total
    present: dict[str, Collection[int]] = {}
    gaps = []
    for pid, (count, low, high, total) in stats.items():
        if low == 0 and high == count - 1 and total == count * (count - 1) // 2:
            present[pid] = range(count)
        else:
            gaps.append(pid)
    if gaps:
        table = dataset.to_table(
            columns=["problem_id", "sample_idx"], filter=pc.field("problem_id").isin(gaps)
        )
        sets: dict[str, set[int]] = defaultdict(set)
        for pid, idx in zip(
            table.column("problem_id").to_pylist(),
            table.column("sample_idx").to_pylist(),
            strict=True,
        ):
            sets[pid].add(idx)
        present.update(sets)
    return present


def plan_requests(
    problem_ids: Iterable[str],
    present: dict[str, Collection[int]],
    n: int,
    seed: int,
    model: str,
    benchmark: str,
) -> list[Request]:
    """Requests that bring every problem to ``n`` samples (nothing for complete problems)."""
    requests = []
    for pid in problem_ids:
        have = present.get(pid, set())
        missing = [i for i in range(n) if i not in have]
        for first, length in _runs(missing):
            requests.append(
                Request(pid, first, length, derive_seed(seed, model, benchmark, pid, first))
            )
    return requests


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted ``indices`` as (first, length)."""
    runs: list[tuple[int, int]] = []
    for idx in indices:
        if runs and runs[-1][0] + runs[-1][1] == idx:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((idx, 1))
    return runs
