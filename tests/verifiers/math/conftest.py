"""What the math verifier's tests share: one verifier per module, and a verdict of one response."""

from __future__ import annotations

import pytest

from boundary_ray.verifiers.math.verifier import MathVerifier


@pytest.fixture(scope="module")
def verifier():
    v = MathVerifier(timeout_s=10.0)
    yield v
    v.close()


@pytest.fixture()
def judge(verifier):
    """``judge(gold, response, question=None)``: the verifier's verdict row for one response."""

    def one(gold: str, response: str, question: str | None = None):
        row = {"response": response, "answer": gold, "finish_reason": "stop", "question": question}
        return verifier.verify_one(row)

    return one
