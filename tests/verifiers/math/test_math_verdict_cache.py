"""The math verifier's verdict cache: each distinct (gold, answer) is checked once, the same
verdicts come out as without it, timeouts are retried, and equations keep their question."""

from __future__ import annotations

import random

import pytest
from math_child_knobs import Knobs

from boundary_ray.verifiers.math.equivalence_client import MathEquivalenceClient
from boundary_ray.verifiers.math.verifier import MathVerifier


class CountingClient(MathEquivalenceClient):
    """The real child, counting the comparisons that reach it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[tuple[str, str]] = []

    def compare(self, gold: str, pred: str) -> tuple[str, str | None]:
        self.asked.append((gold, pred))
        return super().compare(gold, pred)


def _rows(seed: int = 0) -> list[dict]:
    """128 samples of two problems, a handful of distinct answers each (as at large n)."""
    rng = random.Random(seed)
    answers = {
        "\\frac{1}{2}": ["\\frac{2}{4}", "0.5", "\\frac{1}{3}", "\\sqrt{2}/2", "\\frac{1}{2}"],
        "x^2+1": ["1+x^2", "x^2+2", "(x+1)^2", "x^{2}+1"],
    }
    rows = []
    for _ in range(128):
        gold = rng.choice(sorted(answers))
        answer = rng.choice(answers[gold])
        text = f"Some steps {rng.randint(0, 99)}. So \\boxed{{{answer}}}"
        rows.append({"response": text, "answer": gold, "finish_reason": "stop", "said": answer})
    return rows


@pytest.fixture(scope="module")
def verifiers():
    cached = MathVerifier(client=CountingClient(timeout_s=10.0))
    plain = MathVerifier(client=CountingClient(timeout_s=10.0), cache_size=0)
    yield cached, plain
    cached.close()
    plain.close()


def test_each_distinct_check_is_made_once_with_the_same_verdicts(verifiers) -> None:
    cached, plain = verifiers
    rows = _rows()
    with_cache = [cached.verify_one(row) for row in rows]
    without = [plain.verify_one(row) for row in rows]
    assert with_cache == without
    assert [v.reason for v in with_cache] == [v.reason for v in without]
    assert len(cached.client.asked) == len(set(cached.client.asked)) < 10
    assert len(plain.client.asked) > 100  # every sample that needs math-verify asks the child
    distinct = {(row["answer"], row["said"]) for row in rows}
    assert cached.counters["cache_hits"] == len(rows) - len(distinct)


def test_an_equation_is_judged_again_for_another_question(verifiers) -> None:
    cached, _ = verifiers
    asked = "Let $f(x) = 2x - 1$. What is $f(3)$?"
    given = "If $f(3) = 5$ and $f(5) = 9$, what is $f(f(3))$?"
    row = {"response": "\\boxed{f(3) = 5}", "answer": "5", "question": asked}
    assert cached.verify_one(row).verdict == "correct"
    assert cached.verify_one({**row, "question": given}).verdict == "wrong"
    assert cached.verify_one(row).verdict == "correct"


def test_a_timeout_is_not_kept(tmp_path) -> None:
    knobs = Knobs(tmp_path)
    v = MathVerifier(client=MathEquivalenceClient(timeout_s=0.5, command=knobs.command))
    row = {"response": "\\boxed{\\frac{2}{4}}", "answer": "0.5"}
    try:
        v.start()
        knobs.set(sleep=30.0)
        assert v.verify_one(row).verdict == "timeout"
        knobs.set(sleep=0.0)
        assert v.verify_one(row).verdict == "correct"  # tried again, not the cached timeout
        knobs.set(sleep=30.0)
        assert v.verify_one(row).verdict == "correct"  # now from the cache: the child sleeps
    finally:
        v.close()


def test_the_cache_is_bounded() -> None:
    v = MathVerifier(cache_size=4)
    try:
        for i in range(10):
            v.verify_one({"response": f"\\boxed{{{i}}}", "answer": "0"})
        assert len(v._verdicts) <= 4
    finally:
        v.close()
