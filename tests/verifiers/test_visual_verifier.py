"""The visual-math verifier on its labelled and hostile cases, and ``boundary verify visual``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from boundary_ray.verifiers.visual import VisualVerifier, to_list, to_number
from tests.verifiers.visual_cases import HOSTILE, LABELLED, all_cases

FIELDS = ("response", "answer", "question_type", "answer_type", "choices", "precision", "unit")


@pytest.fixture(scope="module")
def verifier():
    verifier = VisualVerifier()
    yield verifier
    verifier.close()


def _row(case: dict) -> dict:
    return {**{k: case.get(k) for k in FIELDS}, "finish_reason": case.get("finish_reason")}


def test_the_case_sets_are_big_enough_and_cover_every_type() -> None:
    assert len(LABELLED) >= 60 and len(HOSTILE) >= 20
    groups = {case["group"] for case in LABELLED}
    assert {"mathvista_choice", "mathvision_choice", "free_integer", "free_float"} <= groups
    assert {"free_list", "free_text", "mathvision_free"} <= groups
    assert {case["expect"] for case in LABELLED} == {"correct", "wrong", "no_answer"}
    assert any(case.get("finish_reason") == "length" for case in LABELLED)


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: f"{c['group']}:{c['response'][:40]}")
def test_every_case_gets_its_label(verifier: VisualVerifier, case: dict) -> None:
    verdict, _ = verifier.judge(_row(case))
    assert verdict.verdict == case["expect"], verdict
    if verdict.verdict != "correct":
        assert verdict.reason


def test_choices_and_grading_fields_come_from_meta(verifier: VisualVerifier) -> None:
    meta = {"question_type": "multi_choice", "choices": ["1", "2"], "answer_type": "text"}
    row = {"response": "\\boxed{B}", "answer": "2", "meta": json.dumps(meta)}
    assert verifier.judge(row)[0].verdict == "correct"
    row["answer"] = "1"
    assert verifier.judge(row)[0].verdict == "wrong"


def test_a_gold_that_names_no_option_is_an_error(verifier: VisualVerifier) -> None:
    row = {
        "response": "\\boxed{A}",
        "answer": "7",
        "question_type": "multi_choice",
        "choices": ["1", "2"],
    }
    verdict, _ = verifier.judge(row)
    assert verdict.verdict == "error" and "names no option" in verdict.reason


def test_numbers_and_lists() -> None:
    assert to_number("\\frac{6}{5}") == 1.2
    assert to_number("-\\frac{1}{4}") == -0.25
    assert to_number("1,200") == 1200
    assert to_number("7 or 8") is None and to_number("6/0") is None
    assert to_list("[1, 2.5]") == [1, 2.5] and to_list("[1, x]") is None and to_list("[1,]") is None


def test_cli_verify_visual_one_line_per_input_in_order(tmp_path: Path) -> None:
    cases = all_cases()[:12]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(_row(c)) + "\n" for c in cases))
    proc = subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", "verify", "visual", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["verdict"] for line in lines] == [c["expect"] for c in cases]
    assert all({"correct", "verdict", "extracted_answer"} <= set(line) for line in lines)


def test_cli_verify_visual_bad_field_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"response": "x", "answer": "1", "choices": "A,B"}) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", "verify", "visual", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == f"boundary: error: {path}:1: field 'choices' must be a list of strings"
    )
