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
from collections.abc import Iterable
from dataclasses import dataclass

from boundary_ray.lake.reader import read_table


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


def present_samples(lake: str, model: str, benchmark: str) -> dict[str, set[int]]:
    """``problem_id -> sample_idx present`` for one model and benchmark."""
    table = read_table(
        lake, "samples", {"model": model, "benchmark": benchmark}, ["problem_id", "sample_idx"]
    )
    present: dict[str, set[int]] = defaultdict(set)
    for pid, idx in zip(
        table.column("problem_id").to_pylist(), table.column("sample_idx").to_pylist(), strict=True
    ):
        present[pid].add(idx)
    return present


def plan_requests(
    problem_ids: Iterable[str],
    present: dict[str, set[int]],
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
