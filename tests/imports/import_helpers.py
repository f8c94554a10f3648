"""Helpers of the import tests (not tests): the fixtures written by the real tools, the known
truth, and pass@k computed from it (Chen et al.'s unbiased estimator, straight from its formula)."""

from __future__ import annotations

import json
from math import comb
from pathlib import Path

from boundary_ray.imports.job import ImportRequest, import_samples
from boundary_ray.query import run_query

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def do_import(
    lake: Path, fmt: str, files: list[Path], model: str, benchmark: str, source: Path | str, **kw
) -> dict:
    """``boundary import`` in-process; returns the model's counters (with the run id)."""
    request = ImportRequest(
        fmt=fmt,
        files=tuple(str(f) for f in files),
        lake=str(lake),
        model=model,
        benchmark=benchmark,
        source=str(source),
        **kw,
    )
    result = import_samples(request, progress=False)
    return {**result["counters"][model], "run_id": result["run_id"]}


def truth(path: Path, key: str | None = None) -> dict[str, list[bool]]:
    """``problem_id -> [correct of sample 0, 1, ...]`` from a fixture's ``truth.json``."""
    data = json.loads(path.read_text())["correct"]
    return data[key] if key else data


def reference_pass_at_k(correct: dict[str, list[bool]], k: int) -> float:
    """Mean over problems of 1 - C(n - c, k) / C(n, k)."""
    values = [1 - comb(len(s) - sum(s), k) / comb(len(s), k) for s in correct.values()]
    return sum(values) / len(values)


def lake_pass_at_k(lake: Path, model: str) -> dict[int, float]:
    """``k -> pass@k`` of ``model`` as ``boundary query pass_at_k`` gives it."""
    table = run_query("pass_at_k", str(lake), {"model": model})
    return dict(
        zip(table.column("k").to_pylist(), table.column("pass_at_k").to_pylist(), strict=True)
    )


def assert_pass_at_k_is_the_truths(lake: Path, model: str, correct: dict[str, list[bool]]) -> None:
    got = lake_pass_at_k(lake, model)
    n = min(len(s) for s in correct.values())
    assert sorted(got) == sorted({k for k in (1, 2, 4, 8, 16, 32, 64) if k <= n} | {n})
    for k, value in got.items():
        assert abs(value - reference_pass_at_k(correct, k)) < 1e-12, k


def samples(lake: Path, model: str) -> list[dict]:
    """Every sample row of ``model``, by (problem_id, sample_idx)."""
    from boundary_ray.lake.reader import read_table

    rows = read_table(str(lake), "samples", {"model": model}).to_pylist()
    return sorted(rows, key=lambda r: (r["problem_id"], r["sample_idx"]))


def lake_state(lake: Path) -> dict[str, tuple[int, int]]:
    """Every file under the lake with its size and modification time."""
    return {
        str(p.relative_to(lake)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(lake.rglob("*"))
        if p.is_file()
    }


def disagreements(lake: Path, model: str) -> set[tuple[str, int]]:
    table = run_query("source_disagreement", str(lake), {"model": model})
    return set(
        zip(
            table.column("problem_id").to_pylist(),
            table.column("sample_idx").to_pylist(),
            strict=True,
        )
    )
