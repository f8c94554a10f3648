"""``boundary import qwen-math`` on files the paper's own evaluation code wrote
(fixtures/make_qwen_math.py): three seed files of the first six AIME 2024 problems, n = 4 each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_helpers import (
    FIXTURES,
    assert_pass_at_k_is_the_truths,
    disagreements,
    do_import,
    lake_state,
    samples,
    truth,
)

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.runs import read_manifests
from boundary_ray.paper_prompts import render_paper_prompt

HERE = FIXTURES / "qwen_math"
SOURCE = HERE / "aime24_6.jsonl"  # the paper's data/aime24/test.jsonl, its first six lines
SEEDS = [HERE / f"test_qwen-boxed_-1_seed{s}_t0.6_s0_e-1.jsonl" for s in (1, 2, 3)]
TRUTH = truth(HERE / "truth.json")


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_three_seed_files_merge_in_file_order_with_pass_at_k_of_the_truth(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    counters = do_import(lake, "qwen-math", SEEDS, "qwen-base", "aime24", SOURCE, role="base")
    assert counters["samples"] == 6 * 12 and counters["already_in_lake"] == 0
    assert_pass_at_k_is_the_truths(lake, "qwen-base", TRUTH)
    rows = samples(lake, "qwen-base")
    by_key = {(r["problem_id"], r["sample_idx"]): r for r in rows}
    ids = {r["problem"].strip(): str(r["id"]) for r in _lines(SOURCE)}
    for s, path in enumerate(SEEDS):  # seed file s holds samples 4s .. 4s + 3, in its order
        for line in _lines(path):
            pid = ids[line["question"]]
            for j, response in enumerate(line["code"]):
                row = by_key[(pid, 4 * s + j)]
                assert row["response"] == response
                assert row["finish_reason"] == line["finish_reason"][j]
                assert row["source_verdict"] == ("correct" if line["score"][j] else "wrong")
                assert row["prompt"] == render_paper_prompt("qwen-boxed", line["question"])
    assert [r["correct"] for r in rows] == [ok for pid in sorted(TRUTH) for ok in TRUTH[pid]]
    assert disagreements(lake, "qwen-base") == set()  # its grader and ours agree on these
    (manifest,) = read_manifests(str(lake))
    assert manifest["command"] == "import" and manifest["status"] == "done"
    entry = manifest["import"]
    assert entry["format"] == "qwen-math" and entry["matched_by"]["question"] == 6 * 12
    assert [f["path"] for f in entry["files"]] == [str(p) for p in SEEDS]
    assert all(len(f["sha256"]) == 64 and f["samples"] == 24 for f in entry["files"])


def test_importing_again_changes_nothing_and_a_third_seed_adds_only_its_samples(
    tmp_path: Path,
) -> None:
    lake = tmp_path / "lake"
    first = do_import(lake, "qwen-math", SEEDS[:2], "m", "aime24", SOURCE)
    assert first["samples"] == 48
    before = lake_state(lake)
    again = do_import(lake, "qwen-math", SEEDS[:2], "m", "aime24", SOURCE)
    assert again["samples"] == 0 and again["already_in_lake"] == 48 and again["run_id"] is None
    assert lake_state(lake) == before  # not one file added or rewritten, manifests included
    third = do_import(lake, "qwen-math", SEEDS, "m", "aime24", SOURCE)
    assert third["samples"] == 24 and third["already_in_lake"] == 48
    rows = samples(lake, "m")
    assert len(rows) == 72 and len({(r["problem_id"], r["sample_idx"]) for r in rows}) == 72
    assert_pass_at_k_is_the_truths(lake, "m", TRUTH)


def test_seed_files_in_another_order_are_refused(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    do_import(lake, "qwen-math", SEEDS[:2], "m", "aime24", SOURCE)
    before = lake_state(lake)
    with pytest.raises(BoundaryError, match=r"seed2.*:1: sample 0 of problem '60' is already in"):
        do_import(lake, "qwen-math", [SEEDS[1], SEEDS[0]], "m", "aime24", SOURCE)
    assert lake_state(lake) == before


def test_the_disagreement_query_finds_where_the_files_own_verdicts_are_wrong(
    tmp_path: Path,
) -> None:
    """A copy of seed 1 whose `score` is flipped for some samples: the query lists exactly them."""
    flipped, lines = set(), _lines(SEEDS[0])
    for i, line in enumerate(lines):
        for j in range(len(line["score"])):
            if (i + j) % 3 == 0:
                line["score"][j] = not line["score"][j]
                flipped.add((i, j))
    wrong = tmp_path / SEEDS[0].name
    wrong.write_text("".join(json.dumps(line) + "\n" for line in lines))
    lake = tmp_path / "lake"
    counters = do_import(lake, "qwen-math", [wrong], "m", "aime24", SOURCE)
    ids = {r["problem"].strip(): str(r["id"]) for r in _lines(SOURCE)}
    expected = {(ids[lines[i]["question"]], j) for i, j in flipped}
    assert disagreements(lake, "m") == expected and counters["source_disagreements"] == len(
        expected
    )
    assert_pass_at_k_is_the_truths(lake, "m", {p: oks[:4] for p, oks in TRUTH.items()})


def test_problems_are_matched_by_index_when_the_text_was_reworded(tmp_path: Path) -> None:
    """Qwen2.5-Math appends ' (Yes or No)' to some questions: a text containing the source's
    question matches by its idx; a text that does not is an error, not a guess."""
    lines = _lines(SEEDS[0])
    lines[2]["question"] += " (Yes or No)"
    edited = tmp_path / "seed1.jsonl"
    edited.write_text("".join(json.dumps(line) + "\n" for line in lines))
    counters = do_import(tmp_path / "lake", "qwen-math", [edited], "m", "aime24", SOURCE)
    assert counters["samples"] == 24
    lines[2]["question"] = "Something else entirely."
    edited.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with pytest.raises(BoundaryError, match=r"seed1.jsonl:3: matches no problem of benchmark"):
        do_import(tmp_path / "other", "qwen-math", [edited], "m", "aime24", SOURCE)
    assert not (tmp_path / "other").exists()


def test_the_fixtures_are_the_repositorys_files() -> None:
    """What math_eval.py writes: its fields, one score and finish reason per response."""
    for path in SEEDS:
        for line in _lines(path):
            assert {
                "idx",
                "question",
                "gt",
                "code",
                "pred",
                "report",
                "finish_reason",
                "score",
            } <= set(line)
            assert len(line["code"]) == len(line["score"]) == len(line["finish_reason"]) == 4
