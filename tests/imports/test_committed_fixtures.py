"""The committed files the README's "Already have samples?" commands import: an Inspect log
written by inspect-ai (fixtures/make_inspect.py) and a plain JSONL file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_helpers import FIXTURES, assert_pass_at_k_is_the_truths, do_import, samples, truth

LM_EVAL = FIXTURES / "lm_eval"


def test_the_committed_inspect_log(tmp_path: Path) -> None:
    pytest.importorskip("inspect_ai")
    here = FIXTURES / "inspect"
    counters = do_import(
        tmp_path / "lake", "inspect", [here / "arith.eval"], "m", "arith", LM_EVAL / "arith.jsonl"
    )
    assert counters["samples"] == 12
    assert_pass_at_k_is_the_truths(tmp_path / "lake", "m", truth(here / "truth.json"))


def test_the_jsonl_example(tmp_path: Path) -> None:
    """fixtures/jsonl/samples.jsonl against lm_eval/arith.jsonl (GSM8K-style golds)."""
    path = FIXTURES / "jsonl" / "samples.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 6
    counters = do_import(tmp_path / "lake", "jsonl", [path], "m", "arith", LM_EVAL / "arith.jsonl")
    assert counters["samples"] == 12
    correct = {
        "arith-00": [True, False, True],
        "arith-01": [True, True, False],
        "arith-02": [True, False, False],  # the third is cut off: no answer
        "arith-03": [True, False, True],
    }
    rows = samples(tmp_path / "lake", "m")
    assert {p: [r["correct"] for r in rows if r["problem_id"] == p] for p in correct} == correct
    assert_pass_at_k_is_the_truths(tmp_path / "lake", "m", correct)
