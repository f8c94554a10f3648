"""``boundary import lm-eval`` on ``--log_samples`` files lm-evaluation-harness 0.4.13 wrote
(fixtures/make_lm_eval.py): GSM8K's task config with its two filters, and four repeats."""

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
    truth,
)

from boundary_ray.errors import BoundaryError

HERE = FIXTURES / "lm_eval"
SOURCE = HERE / "arith.jsonl"
(GSM8K,) = HERE.glob("samples_arith_gsm8k_*.jsonl")
(REPEATS,) = HERE.glob("samples_arith_repeats4_*.jsonl")


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_repeats_become_samples_with_pass_at_k_of_the_truth(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    counters = do_import(lake, "lm-eval", [REPEATS], "m", "arith", SOURCE)
    assert counters["samples"] == 8 * 4
    assert_pass_at_k_is_the_truths(lake, "m", truth(HERE / "truth.json", "arith_repeats4"))
    rows = samples(lake, "m")
    lines = {line["doc"]["id"]: line for line in _lines(REPEATS)}
    for row in rows:
        line = lines[row["problem_id"]]
        assert row["response"] == line["resps"][0][row["sample_idx"]]
        assert row["prompt"] == line["arguments"]["gen_args_0"]["arg_0"]
        assert row["source_verdict"] is None  # its metric judged the first repeat only


def test_one_line_per_filter_is_one_sample_and_its_metric_the_source_verdict(
    tmp_path: Path,
) -> None:
    lake = tmp_path / "lake"
    counters = do_import(lake, "lm-eval", [GSM8K], "m", "arith", SOURCE)
    assert counters["samples"] == 8  # 16 lines: each document once per filter
    correct = truth(HERE / "truth.json", "arith_gsm8k")
    assert_pass_at_k_is_the_truths(lake, "m", correct)
    strict = {line["doc"]["id"]: line for line in _lines(GSM8K) if line["filter"] == "strict-match"}
    rows = samples(lake, "m")
    assert {r["problem_id"]: r["source_verdict"] for r in rows} == {
        pid: "correct" if line["exact_match"] else "wrong" for pid, line in strict.items()
    }
    # strict-match reads only "#### n": a right answer given in \boxed{} is wrong to it
    expected = {
        (pid, 0) for pid, line in strict.items() if bool(line["exact_match"]) != correct[pid][0]
    }
    assert expected and disagreements(lake, "m") == expected
    assert all("boxed" in strict[pid]["resps"][0][0] for pid, _ in expected)


def test_a_doc_id_twice_under_one_filter_is_a_duplicate(tmp_path: Path) -> None:
    lines = GSM8K.read_text().splitlines()
    bad = tmp_path / "samples_arith_gsm8k_x.jsonl"
    bad.write_text("\n".join([*lines, lines[3]]) + "\n")
    with pytest.raises(
        BoundaryError, match=rf"{bad}:17: duplicate of doc_id 3 \({GSM8K.name}|{bad}:4"
    ):
        do_import(tmp_path / "lake", "lm-eval", [bad], "m", "arith", SOURCE)
    assert not (tmp_path / "lake").exists()


def test_a_loglikelihood_task_has_nothing_to_verify(tmp_path: Path) -> None:
    line = _lines(GSM8K)[0]
    line["resps"] = [[["-1.5", "False"]], [["-0.5", "True"]]]  # two choices, as lm-eval logs
    bad = tmp_path / "samples_mc.jsonl"
    bad.write_text(json.dumps(line) + "\n")
    with pytest.raises(BoundaryError, match=r"samples_mc.jsonl:1: 2 requests for one document"):
        do_import(tmp_path / "lake", "lm-eval", [bad], "m", "arith", SOURCE)
