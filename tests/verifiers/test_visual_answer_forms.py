"""Visual answer forms: labelled answers graded right (lower-case letters, a letter with its
option's text, an option's value, thousands separators, currency signs, ...) and the hostile set
that keeps every such rule from letting a wrong answer through (``visual_answer_form_cases.py``)."""

from __future__ import annotations

import pytest

from boundary_ray.verifiers.visual import VisualVerifier
from tests.verifiers.visual_answer_form_cases import CLASSES, HOSTILE, LABELLED

FIELDS = ("response", "answer", "question_type", "answer_type", "choices", "precision", "unit")
CASES = [{**c, "hostile": False} for c in LABELLED] + [{**c, "hostile": True} for c in HOSTILE]


@pytest.fixture(scope="module")
def verifier():
    verifier = VisualVerifier()
    yield verifier
    verifier.close()


def _row(case: dict) -> dict:
    row = {key: case.get(key) for key in FIELDS}
    return {**row, "question": case.get("question"), "finish_reason": case.get("finish_reason")}


def test_every_class_has_labelled_and_hostile_cases() -> None:
    for name in CLASSES:
        assert sum(c["cls"] == name for c in LABELLED) >= 3, name
        assert sum(c["cls"] == name for c in HOSTILE) >= 3, name
    assert all(c["expect"] == "correct" for c in LABELLED)
    assert all(c["expect"] != "correct" for c in HOSTILE)


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=[
        f"{'hostile' if c['hostile'] else 'labelled'}-{c['cls']}-{i}" for i, c in enumerate(CASES)
    ],
)
def test_visual_answer_form_case(verifier: VisualVerifier, case: dict) -> None:
    verdict, _ = verifier.judge(_row(case))
    assert verdict.verdict == case["expect"], verdict
    if verdict.verdict != "correct":
        assert verdict.reason
