"""Process verdicts and human labels in the queries: correct=process, process_pass_at_k (answer
vs process pass@k, lucky-answer rate, slices by ops, band and template), exclude=guess, the
process/ table of `boundary verify process --lake`, and old lakes without these columns."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from boundary_ray import schema
from boundary_ray.benchmarks.synthetic import load_synthetic
from boundary_ray.cli import main
from boundary_ray.lake import write_rows
from boundary_ray.query import run_query
from boundary_ray.review import labelling
from boundary_ray.run.process_job import verify_process_lake
from boundary_ray.spec import BenchmarkSpec

N = 8


def _pass(n: int, c: int, k: int) -> float:
    return 1.0 if n - c < k else 1.0 - math.comb(n - c, k) / math.comb(n, k)


def _grades(ops: int, index: int) -> tuple[int, int]:
    """(answer-correct, of which process-valid) samples of a problem, out of N."""
    return {1: (6, 5), 2: (4, 2), 3: (2, 0), 4: (1, 0)}[ops] if index != 2 else (0, 0)


@pytest.fixture()
def lake(tmp_path) -> tuple[str, list[dict]]:
    lake = str(tmp_path / "lake")
    problems = load_synthetic(BenchmarkSpec("synth", "synthetic:arith?ops=1-4&per_op=3"))
    write_rows(lake, "problems", problems)
    write_rows(
        lake,
        "models",
        [
            {"model": "m1", "run_id": "r", "tags": json.dumps({"id_ops": "1-2", "edge_ops": [3]})},
            {"model": "m2", "run_id": "r", "tags": "{}"},
        ],
    )
    samples = []
    for model in ("m1", "m2"):
        for row in problems:
            ops, index = (int(p) for p in row["problem_id"][3:].split("-"))
            right, valid = _grades(ops, index)
            for i in range(N):
                process = "valid" if i < valid else ("unsupported" if i % 2 else "contradicted")
                samples.append(
                    {
                        "model": model,
                        "benchmark": "synth",
                        "problem_id": row["problem_id"],
                        "sample_idx": i,
                        "run_id": "r",
                        "seed": i,
                        "correct": i < right,
                        "verdict": "correct" if i < right else "wrong",
                        "process_verdict": process,
                        "process_reason": "test",
                    }
                )
    write_rows(lake, "samples", samples)
    return lake, problems


def _expected(problems: list[dict], keep) -> dict[int, tuple[float, float, int]]:
    out = {}
    for k in (1, 2, 4, 8):
        chosen = [p for p in problems if keep(p)]
        grades = [_grades(*(int(x) for x in p["problem_id"][3:].split("-"))) for p in chosen]
        answer = sum(_pass(N, a, k) for a, _ in grades) / len(grades)
        process = sum(_pass(N, v, k) for _, v in grades) / len(grades)
        out[k] = (answer, process, len(grades))
    return out


def _ops(problem: dict) -> int:
    return json.loads(problem["meta"])["ops"]


def test_pass_at_k_with_correct_process(lake):
    path, problems = lake
    answer = run_query("pass_at_k", path, {"model": "m1"}).to_pylist()
    process = run_query("pass_at_k", path, {"model": "m1", "correct": "process"}).to_pylist()
    expected = _expected(problems, lambda p: True)
    for row in answer:
        assert row["pass_at_k"] == pytest.approx(expected[row["k"]][0])
    for row in process:
        assert row["pass_at_k"] == pytest.approx(expected[row["k"]][1])
        assert row["guess_only_problems"] == 0


def test_process_pass_at_k_by_ops_and_lucky_rate(lake):
    path, problems = lake
    rows = run_query("process_pass_at_k", path, {"model": "m1"}).to_pylist()
    assert {r["slice"] for r in rows} == {"ops=1", "ops=2", "ops=3", "ops=4"}
    assert [r["slice"] for r in rows][:4] == ["ops=1"] * 4  # sorted by difficulty
    for row in rows:
        ops = int(row["slice"][4:])
        answer, process, count = _expected(problems, lambda p, o=ops: _ops(p) == o)[row["k"]]
        assert row["answer_pass_at_k"] == pytest.approx(answer)
        assert row["process_pass_at_k"] == pytest.approx(process)
        assert row["lucky_at_k"] == pytest.approx(answer - process)
        assert row["problems"] == count
    ops3 = {r["k"]: r for r in rows if r["slice"] == "ops=3"}
    assert ops3[8]["lucky_share"] == pytest.approx(1.0)  # every ops=3 win is a lucky answer
    assert ops3[1]["lucky_at_k"] < ops3[8]["lucky_at_k"]  # guessing grows with k


def test_process_pass_at_k_by_band_uses_model_tags(lake):
    path, problems = lake
    rows = run_query("process_pass_at_k", path, {"slice_by": "band"}).to_pylist()
    m1 = {(r["slice"], r["k"]): r for r in rows if r["model"] == "m1"}
    assert [r["slice"] for r in rows if r["model"] == "m1" and r["k"] == 1] == ["ID", "edge", "OOD"]
    bands = {"ID": (1, 2), "edge": (3,), "OOD": (4,)}
    for (band, k), row in m1.items():
        answer, process, count = _expected(problems, lambda p, b=band: _ops(p) in bands[b])[k]
        assert (row["answer_pass_at_k"], row["process_pass_at_k"], row["problems"]) == (
            pytest.approx(answer),
            pytest.approx(process),
            count,
        )
    assert {r["slice"] for r in rows if r["model"] == "m2"} == {"untagged"}


def test_process_pass_at_k_by_template_and_all(lake):
    path, problems = lake
    rows = run_query("process_pass_at_k", path, {"slice_by": "template", "model": "m1"}).to_pylist()
    templates = {json.loads(p["meta"])["template"] for p in problems}
    assert {r["slice"] for r in rows} == templates
    total = run_query("process_pass_at_k", path, {"slice_by": "all", "model": "m1"}).to_pylist()
    expected = _expected(problems, lambda p: True)
    for row in total:
        assert row["answer_pass_at_k"] == pytest.approx(expected[row["k"]][0])


def test_bad_view_params_are_one_line_errors(lake):
    from boundary_ray.errors import BoundaryError

    with pytest.raises(BoundaryError, match="expected one of answer, process"):
        run_query("pass_at_k", lake[0], {"correct": "vibes"})
    with pytest.raises(BoundaryError, match="expected one of ops, band, template, all"):
        run_query("process_pass_at_k", lake[0], {"slice_by": "color"})
    with pytest.raises(BoundaryError, match="no such parameter"):
        run_query("perplexity", lake[0], {"correct": "process"})


def test_old_lake_without_process_columns_answers_every_query(tmp_path):
    lake = tmp_path / "old"
    problems = load_synthetic(BenchmarkSpec("synth", "synthetic:arith?ops=1-2&per_op=2"))
    write_rows(str(lake), "problems", problems)
    old = pa.schema([f for f in schema.file_schema("samples") if not f.name.startswith("process")])
    rows = [
        {
            "problem_id": p["problem_id"],
            "sample_idx": i,
            "run_id": "r",
            "seed": i,
            "correct": i == 0,
            "verdict": "correct" if i == 0 else "wrong",
        }
        for p in problems
        for i in range(4)
    ]
    folder = lake / "samples" / "model=m" / "benchmark=synth"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=old), folder / "part-old.parquet")
    answer = run_query("pass_at_k", str(lake), {}).to_pylist()
    process = run_query("pass_at_k", str(lake), {"correct": "process"}).to_pylist()
    assert answer[0]["pass_at_k"] == pytest.approx(0.25)
    assert all(row["pass_at_k"] == 0.0 for row in process)  # not judged: nothing counts
    side = run_query("process_pass_at_k", str(lake), {"slice_by": "all"}).to_pylist()
    assert side[0]["answer_pass_at_k"] == pytest.approx(0.25) and side[0]["lucky_share"] == 1.0
    # recomputing fills them in, without touching the old file
    before = (folder / "part-old.parquet").read_bytes()
    counts = verify_process_lake(str(lake))
    assert sum(counts["m/synth"].values()) == len(rows)
    assert (folder / "part-old.parquet").read_bytes() == before


def _response_lake(tmp_path) -> tuple[str, dict]:
    lake = str(tmp_path / "resp")
    problems = load_synthetic(BenchmarkSpec("synth", "synthetic:arith?ops=1&per_op=1&seed=0"))
    write_rows(lake, "problems", problems)
    meta = json.loads(problems[0]["meta"])  # Liam 7; Petra = Liam - 3 = 4 (asked)
    responses = [
        "Petra collected 7 - 3 = 4 shells. The answer is 4.",  # valid
        "Petra collected 3 fewer shells than Liam. The answer is 4.",  # right answer, no steps
        "Petra collected 7 - 3 = 5 shells. The answer is 5.",  # contradicted
    ]
    write_rows(
        lake,
        "samples",
        [
            {
                "model": "m",
                "benchmark": "synth",
                "problem_id": "ops1-0000",
                "sample_idx": i,
                "run_id": "r",
                "seed": i,
                "response": text,
                "finish_reason": "stop",
                "correct": i < 2,
                "verdict": "correct" if i < 2 else "wrong",
            }
            for i, text in enumerate(responses)
        ],
    )
    return lake, meta


def test_verify_process_lake_appends_and_the_latest_wins(tmp_path, capsys):
    lake, _ = _response_lake(tmp_path)
    assert (
        run_query("process_pass_at_k", lake, {"slice_by": "all"}).to_pylist()[0][
            "process_pass_at_k"
        ]
        == 0
    )
    assert main(["verify", "process", "--lake", lake]) == 0
    assert "m/synth: valid 1, unsupported 1, contradicted 1" in capsys.readouterr().out
    side = {
        r["k"]: r for r in run_query("process_pass_at_k", lake, {"slice_by": "all"}).to_pylist()
    }
    assert side[1]["answer_pass_at_k"] == pytest.approx(2 / 3)
    assert side[1]["process_pass_at_k"] == pytest.approx(1 / 3)
    assert side[1]["lucky_at_k"] == pytest.approx(1 / 3)
    files = sorted(Path(lake, "process").rglob("*.parquet"))
    assert len(files) == 1
    # a later verdict (a newer verifier, say) wins; the first file stays as it was
    before = files[0].read_bytes()
    write_rows(
        lake,
        "process",
        [
            {
                "model": "m",
                "benchmark": "synth",
                "problem_id": "ops1-0000",
                "sample_idx": 0,
                "process_verdict": "unsupported",
                "process_reason": "stricter",
                "verified_at": "2999-01-01T00:00:00.000000Z",
            }
        ],
    )
    assert files[0].read_bytes() == before
    assert run_query("pass_at_k", lake, {"correct": "process"}).to_pylist()[0]["pass_at_k"] == 0
    assert main(["verify", "process", "--lake", lake]) == 0  # a third pass: a new file again
    assert len(sorted(Path(lake, "process").rglob("*.parquet"))) == 3


def test_verify_process_jsonl(tmp_path, capsys):
    _, meta = _response_lake(tmp_path)
    path = tmp_path / "in.jsonl"
    lines = [
        {"response": "Petra collected 7 - 3 = 4 shells. The answer is 4.", "meta": meta},
        {"response": "The answer is 4.", "meta": json.dumps(meta)},
        {"response": "Petra collected 7 - 3 = 5. The answer is 5.", "meta": meta},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert main(["verify", "process", str(path)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(o["process_verdict"], o["correct"]) for o in out] == [
        ("valid", True),
        ("unsupported", True),
        ("contradicted", False),
    ]
    assert all(o["process_reason"] for o in out)
    path.write_text(json.dumps({"response": "x", "meta": {"target": "q1"}}) + "\n")
    assert main(["verify", "process", str(path)]) == 2
    assert "in.jsonl:1: meta: missing field 'steps'" in capsys.readouterr().err
    assert main(["verify", "process"]) == 2


def test_label_round_trip(tmp_path, capsys):
    lake, _ = _response_lake(tmp_path)
    exported = tmp_path / "to_label.jsonl"
    assert main(["label", "--lake", lake, "--export", str(exported), "--param", "max_rate=1"]) == 0
    rows = [json.loads(line) for line in exported.read_text().splitlines()]
    assert [r["sample_idx"] for r in rows] == [0, 1] and all(r["label"] == "" for r in rows)
    assert rows[1]["response"].startswith("Petra collected 3 fewer")
    # a person marks sample 1 (no steps) a guess and leaves sample 0 unlabelled
    rows[1]["label"] = "guess"
    exported.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["label", "--lake", lake, "--import", str(exported), "--who", "ana"]) == 0
    plain = run_query("pass_at_k", lake, {}).to_pylist()
    without = run_query("pass_at_k", lake, {"exclude": "guess"}).to_pylist()
    assert plain[0]["pass_at_k"] == pytest.approx(2 / 3)
    assert without[0]["pass_at_k"] == pytest.approx(1 / 3)  # the guess no longer counts
    assert plain[0]["guess_only_problems"] == 0  # sample 0 still solves the problem
    # a second pass, in the terminal: sample 0 is a guess too, sample 1 is relabelled valid
    answers = iter(["g", "v"])
    stored = labelling.label_interactively(
        lake, "ben", {"max_rate": "1"}, ask=lambda _: next(answers), show=lambda _: None
    )
    assert stored == 2
    table = run_query("pass_at_k", lake, {"exclude": "guess"}).to_pylist()
    assert table[0]["pass_at_k"] == pytest.approx(1 / 3)  # latest: 0 guess, 1 valid
    # the guess_only count: make both guesses
    answers = iter(["g", "g"])
    labelling.label_interactively(
        lake, "cy", {"max_rate": "1"}, ask=lambda _: next(answers), show=lambda _: None
    )
    assert run_query("pass_at_k", lake, {}).to_pylist()[0]["guess_only_problems"] == 1
    assert run_query("pass_at_k", lake, {"exclude": "guess"}).to_pylist()[0]["pass_at_k"] == 0
    history = pq.read_table(Path(lake, "labels")).to_pylist()
    assert sorted((r["who"], r["sample_idx"], r["label"]) for r in history) == [
        ("ana", 1, "guess"),
        ("ben", 0, "guess"),
        ("ben", 1, "valid"),
        ("cy", 0, "guess"),
        ("cy", 1, "guess"),
    ]


def test_label_import_errors_name_the_line(tmp_path, capsys):
    lake, _ = _response_lake(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(
            {
                "model": "m",
                "benchmark": "synth",
                "problem_id": "ops1-0000",
                "sample_idx": 0,
                "label": "maybe",
            }
        )
        + "\n"
    )
    assert main(["label", "--lake", lake, "--import", str(bad), "--who", "ana"]) == 2
    assert (
        "bad.jsonl:1: label 'maybe': expected one of valid, guess, unsure"
        in capsys.readouterr().err
    )
    bad.write_text(
        json.dumps(
            {
                "model": "m",
                "benchmark": "synth",
                "problem_id": "nope",
                "sample_idx": 0,
                "label": "guess",
            }
        )
        + "\n"
    )
    assert main(["label", "--lake", lake, "--import", str(bad), "--who", "ana"]) == 2
    assert "no sample m/synth/nope/0" in capsys.readouterr().err
    assert not Path(lake, "labels").exists()  # nothing stored from a bad file
