"""``boundary import nemo-skills`` on NeMo-Skills' own fixtures (three seed files of 50 MATH
problems), against a truth read by hand where its verdict and ours part (fixtures/nemo_skills)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_helpers import (
    FIXTURES,
    assert_pass_at_k_is_the_truths,
    disagreements,
    do_import,
    samples,
)

from boundary_ray.errors import BoundaryError

HERE = FIXTURES / "nemo_skills"
SEEDS = [HERE / f"output-rs{s}.jsonl" for s in range(3)]
TRUTH = json.loads((HERE / "truth.json").read_text())


@pytest.fixture()
def source() -> Path:
    """The problems the files answer, from their own fields (id, problem, expected_answer as
    answer), one line per line of output-rs0.jsonl."""
    path = HERE / "math_train_50.jsonl"
    lines = [json.loads(line) for line in SEEDS[0].read_text().splitlines()]
    problems = [json.loads(line) for line in path.read_text().splitlines()]
    assert problems == [
        {"id": r["id"], "problem": r["problem"], "answer": r["expected_answer"]} for r in lines
    ]
    return path


def _misses() -> dict[tuple[str, int], str]:
    found = {}
    for key in TRUTH["our_known_misses"]:
        pid, seed = key.rsplit(" rs", 1)
        found[(pid, int(seed))] = key
    return found


def test_seed_files_merge_and_ours_are_the_truth_but_for_the_known_misses(
    tmp_path: Path, source: Path
) -> None:
    lake = tmp_path / "lake"
    counters = do_import(lake, "nemo-skills", SEEDS, "nemo", "math-train", source)
    assert counters["samples"] == 150 and counters["source_verdicts"] == 150
    rows = samples(lake, "nemo")
    ours = {(r["problem_id"], r["sample_idx"]): r["correct"] for r in rows}
    truth = {(pid, s): ok for pid, oks in TRUTH["correct"].items() for s, ok in enumerate(oks)}
    wrong = {key for key in truth if ours[key] != truth[key]}
    assert wrong == set(_misses()), "a known miss fixed? remove it from truth.json"
    # pass@k of the truth with our known misses as we judge them
    judged = {
        pid: [ours[(pid, s)] if (pid, s) in wrong else ok for s, ok in enumerate(oks)]
        for pid, oks in TRUTH["correct"].items()
    }
    assert_pass_at_k_is_the_truths(lake, "nemo", judged)
    by_key = {(r["problem_id"], r["sample_idx"]): r for r in rows}
    for s, path in enumerate(SEEDS):  # seed file s is sample s of every problem
        for line in path.read_text().splitlines():
            record = json.loads(line)
            row = by_key[(record["id"], s)]
            assert row["response"] == record["generation"]
            assert row["source_verdict"] == ("correct" if record["symbolic_correct"] else "wrong")


def test_the_disagreements_are_where_nemo_skills_or_we_erred(tmp_path: Path, source: Path) -> None:
    lake = tmp_path / "lake"
    do_import(lake, "nemo-skills", SEEDS, "nemo", "math-train", source)
    read = {(k.rsplit(" rs", 1)[0], int(k.rsplit(" rs", 1)[1])) for k in TRUTH["read_by_hand"]}
    assert disagreements(lake, "nemo") == read
    rows = {(r["problem_id"], r["sample_idx"]): r for r in samples(lake, "nemo")}
    nemo_wrong = {k for k in read if rows[k]["source_verdict"] == "wrong"}
    assert nemo_wrong == read - set(_misses())  # seven times NeMo-Skills (our one miss is fixed)


def test_a_problem_twice_in_one_file_is_a_duplicate(tmp_path: Path, source: Path) -> None:
    lines = SEEDS[0].read_text().splitlines()
    bad = tmp_path / "output-rs0.jsonl"
    bad.write_text("\n".join([*lines, lines[0]]) + "\n")
    with pytest.raises(
        BoundaryError,
        match=rf"{bad}:51: duplicate: sample 0 of problem "
        rf"'train/number_theory/106.json' is also at {bad}:1",
    ):
        do_import(tmp_path / "lake", "nemo-skills", [bad], "nemo", "math-train", source)
    assert not (tmp_path / "lake").exists()
