"""An outcomes-only lake for ``perf/query_speed.py --outcomes-only``: the per-problem outcomes
and answer classes of a study of any size, without writing its sample rows.

Each (model, benchmark) partition gets one tiny samples file (one row: the partition exists and
has a fingerprint) and the outcomes and answer-class files named by that fingerprint, as
``refresh_outcomes`` and ``refresh_answer_classes`` would name them: every aggregate query then
reads them as fresh caches, exactly as on a real lake after a run. The outcomes claim n = 1024
samples per problem, correct ones drawn as in query_speed.py (per-problem difficulty from
Beta(0.3, 0.3), many problems near 0 or 1).

Answer classes (``--classes``):
  two     the correct class, 5% of the rest abstaining, every other sample one wrong answer
          (the answers of query_speed.py's samples lake: a single wrong text);
  spread  the correct class, 5% abstaining, the rest over 1 + Poisson(3) wrong answers with
          Dirichlet(0.3) shares, and 10% of the wrong samples one-off answers (a long tail):
          close contests between several answers at every k.
Benchmark '2024' has every other problem multiple choice (four options), for chance_at_k.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from boundary_ray import schema
from boundary_ray.lake.caches import cache_name, fingerprint

N = 1024


def _write(folder: Path, name: str, table: str, data: pa.Table) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    wanted = schema.file_schema(table)
    for field in wanted:
        if field.name not in data.column_names:
            data = data.append_column(field.name, pa.nulls(data.num_rows, field.type))
    pq.write_table(data.select(wanted.names).cast(wanted), folder / name, compression="zstd")


def _partition_folder(lake: Path, model: str, benchmark: str):
    """The folder of ``table``'s partition (model, benchmark), as a function of the table."""

    def folder(table: str) -> Path:
        return lake / table / f"model={model}" / f"benchmark={benchmark}"

    return folder


def _classes(rng: np.random.Generator, c: int, kind: str) -> tuple[list[int], int]:
    """Sizes of the wrong classes and the abstentions of a problem with c correct."""
    rest = N - c
    abstain = int(rng.binomial(rest, 0.05))
    wrong = rest - abstain
    if wrong == 0:
        return [], abstain
    if kind == "two":
        return [wrong], abstain
    tail = int(rng.binomial(wrong, 0.1))
    shares = rng.dirichlet([0.3] * (1 + int(rng.poisson(3))))
    sizes = [int(s) for s in rng.multinomial(wrong - tail, shares) if s > 0]
    return sizes + [1] * tail, abstain


def build_outcomes_lake(
    lake: Path, models: dict, benchmarks: tuple[str, ...], problems: int, kind: str, seed: int = 0
) -> int:
    """Write the lake; returns the number of samples its outcomes stand for."""
    rng = np.random.default_rng(seed)
    ids = [f"p{i:05d}" for i in range(problems)]
    total = 0
    for benchmark in benchmarks:
        metas = [
            json.dumps({"question_type": "multi_choice", "choices": ["a", "b", "c", "d"]})
            if benchmark == "2024" and i % 2 == 0
            else json.dumps({"question_type": "free_form"})
            for i in range(problems)
        ]
        _write(
            lake / "problems" / f"benchmark={benchmark}",
            "part-0.parquet",
            "problems",
            pa.table(
                {
                    "problem_id": ids,
                    "task": ["math"] * problems,
                    "question": ["q"] * problems,
                    "answer": ["1"] * problems,
                    "meta": metas,
                }
            ),
        )
        difficulty = rng.beta(0.3, 0.3, problems)
        for model in models:
            part = {"model": model, "benchmark": benchmark}
            folder = _partition_folder(lake, model, benchmark)
            _write(
                folder("samples"),
                "part-0.parquet",
                "samples",
                pa.table({"problem_id": ["p00000"], "sample_idx": pa.array([0], pa.int32())}),
            )
            stamp = fingerprint(str(lake), part["model"], part["benchmark"])
            rate = np.clip(difficulty + rng.normal(0, 0.05, problems), 0, 1)
            correct = rng.binomial(N, rate)
            _write(
                folder("outcomes"),
                f"{cache_name('outcomes', stamp)}.parquet",
                "outcomes",
                pa.table(
                    {
                        "problem_id": ids,
                        "n": np.full(problems, N, dtype=np.int64),
                        "c_answer": correct,
                        "c_answer_explicit": correct,
                        "c_process": np.zeros(problems, dtype=np.int64),
                        "c_process_explicit": np.zeros(problems, dtype=np.int64),
                        "tokens": np.full(problems, N * 300, dtype=np.int64),
                        "truncated": np.zeros(problems, dtype=np.int64),
                    }
                ),
            )
            rows: dict[str, list] = {
                k: [] for k in ("problem_id", "class_idx", "samples", "correct")
            }
            for pid, c in zip(ids, correct.tolist(), strict=True):
                wrong, abstain = _classes(rng, c, kind)
                sized = sorted(
                    [(c, True)] * (c > 0) + [(a, False) for a in wrong], key=lambda x: -x[0]
                )
                for idx, (size, ok) in [(0, (abstain, False))] * (abstain > 0) + list(
                    enumerate(sized, start=1)
                ):
                    rows["problem_id"].append(pid)
                    rows["class_idx"].append(idx)
                    rows["samples"].append(size)
                    rows["correct"].append(ok)
            classes = pa.table(
                {
                    "problem_id": rows["problem_id"],
                    "class_idx": pa.array(rows["class_idx"], pa.int32()),
                    "answer": [str(i) for i in rows["class_idx"]],
                    "samples": pa.array(rows["samples"], pa.int64()),
                    "correct": rows["correct"],
                    "equivalence": ["exact"] * len(rows["problem_id"]),
                }
            )
            _write(
                folder("answer_classes"),
                f"{cache_name('answer_classes', stamp)}.parquet",
                "answer_classes",
                classes,
            )
            total += problems * N
    models_table = pa.table(
        {
            "model": list(models),
            "source": [f"hf/{m}" for m in models],
            "revision": ["main"] * len(models),
            "prompt": ["chat"] * len(models),
            "role": [role for role, _ in models.values()],
            "tags": [json.dumps(tags) for _, tags in models.values()],
            "run_id": ["bench"] * len(models),
        }
    )
    _write(lake / "models", "part-0.parquet", "models", models_table)
    (lake / "BUILT").write_text(str(total))
    return total
