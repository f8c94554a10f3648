"""The ``fake:`` engine: its options, and samples fixed by (seed, problem, sample_idx)."""

from __future__ import annotations

import pytest
from fake_requests import SAMPLING, requests

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.models import resolve_model_source
from boundary_ray.models.fake import FakeSource
from boundary_ray.sampler.fake_sampler import FakeParams, FakeSampler, fake_completion
from boundary_ray.verifiers.answer_extraction import extract_answer


def test_source_options_parse_and_bad_ones_are_named() -> None:
    source = FakeSource.parse("fake:canned?accuracy=0.3&tokens=200&seed=7&length=0.1")
    assert source == FakeSource("canned", accuracy=0.3, tokens=200, seed=7, length=0.1)
    assert FakeSource.parse("fake:canned") == FakeSource()
    assert FakeSource.parse("fake:canned?step_s=0.25").step_s == 0.25
    assert resolve_model_source("fake:canned?seed=1") == "fake:canned?seed=1"
    for bad, named in [
        ("fake:oracle", "unknown fake kind 'oracle'"),
        ("fake:canned?acuracy=0.3", "unknown option 'acuracy'"),
        ("fake:canned?accuracy=1.5", "accuracy=1.5 must be in"),
        ("fake:canned?tokens=many", "tokens='many' is not int"),
        ("fake:canned?tokens=0", "tokens=0 must be >= 1"),
        ("fake:canned?step_s=-1", "step_s=-1 must be in"),
    ]:
        with pytest.raises(BoundaryError, match=named):
            resolve_model_source(bad)


def test_accuracy_and_truncation_shares_and_answers() -> None:
    source = FakeSource(accuracy=0.3, tokens=40, seed=0, length=0.1)
    correct = cut = 0
    total = 0
    for p in range(200):
        params = FakeParams(10, f"p{p}", 0, "42", "math", max_tokens=64)
        for i in range(10):
            c = fake_completion(source, params, i)
            total += 1
            found = extract_answer(c.text, c.finish_reason)
            if c.finish_reason == "length":
                cut += 1
                assert len(c.token_ids) == 64 and found is None  # cut off: no final answer
                continue
            assert c.finish_reason == "stop" and 20 <= len(c.token_ids) <= 60
            assert found is not None and found.rule == "boxed"
            correct += found.answer == "42"
    assert 0.07 < cut / total < 0.13
    assert 0.25 < correct / (total - cut) < 0.35


def test_samples_depend_only_on_seed_problem_and_index() -> None:
    source = FakeSource(accuracy=0.5, tokens=30, seed=3)
    whole = [fake_completion(source, FakeParams(6, "p", 0, "7", "math", 64), i) for i in range(6)]
    tail = [fake_completion(source, FakeParams(3, "p", 3, "7", "math", 64), i) for i in range(3)]
    assert [c.text for c in whole[3:]] == [c.text for c in tail]  # a resumed request
    other = FakeSource(accuracy=0.5, tokens=30, seed=4)
    again = [fake_completion(other, FakeParams(6, "p", 0, "7", "math", 64), i) for i in range(6)]
    assert [c.text for c in again] != [c.text for c in whole]


def test_sampler_rows_carry_the_request_and_number_the_samples() -> None:
    sampler = FakeSampler("fake:canned?accuracy=1&tokens=10", SAMPLING)
    out = sampler(requests(3, 4, first_idx=2))
    assert out.schema.remove_metadata() == schema.SAMPLER_ROWS
    assert float(out.schema.metadata[schema.ENGINE_READY_AT]) == sampler.ready_at
    rows = out.to_pylist()
    assert [(r["problem_id"], r["sample_idx"]) for r in rows] == [
        (f"p{p}", i) for p in range(3) for i in range(2, 6)
    ]
    for row in rows:
        pid = int(row["problem_id"][1:])
        assert row["seed"] == 1000 + pid + row["sample_idx"] - 2  # child i: seed + i
        assert row["question"] == f"What is {pid} + 1?" and row["prompt"] == f"Question {pid}"
        assert extract_answer(row["response"]).answer == str(pid + 1)  # accuracy=1
        assert row["response_tokens"] > 0 and row["cum_logprob"] < 0
