"""``boundary import inspect`` on logs inspect-ai writes here and now (its mockllm model,
offline; tests/imports/inspect_logs.py), read by inspect-ai's own log reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import assert_pass_at_k_is_the_truths, disagreements, do_import, samples

pytest.importorskip("inspect_ai", reason="the inspect format needs the [import] extra")

from inspect_ai.log import read_eval_log  # noqa: E402
from inspect_logs import PROBLEMS, question, write_log  # noqa: E402

from boundary_ray.errors import BoundaryError  # noqa: E402


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("inspect")
    first, truth_1 = write_log(folder / "a", 3, "a", with_ids=False, fail=("arith-01", 2))
    second, truth_2 = write_log(folder / "b", 2, "b", with_ids=True)
    source = folder / "arith.jsonl"
    source.write_text(
        "".join(
            f'{{"id": "{pid}", "question": "{question(a, b)}", "answer": "{a + b}"}}\n'
            for pid, a, b in PROBLEMS
        )
    )
    return {"first": first, "second": second, "truths": (truth_1, truth_2), "source": source}


def test_epochs_become_samples_and_two_logs_merge_with_pass_at_k_of_the_truth(
    tmp_path: Path, logs: dict
) -> None:
    lake = tmp_path / "lake"
    counters = do_import(
        lake, "inspect", [logs["first"], logs["second"]], "m", "arith", logs["source"]
    )
    truth_1, truth_2 = logs["truths"]
    assert counters["skipped"] == 1  # the sample that ended in an error: counted, not imported
    assert counters["samples"] == sum(map(len, truth_1.values())) + sum(map(len, truth_2.values()))
    assert_pass_at_k_is_the_truths(lake, "m", {p: truth_1[p] + truth_2[p] for p in truth_1})
    rows = samples(lake, "m")
    # the first log numbers samples from 1 (no ids): matched by question text; its epoch e is
    # sample e - 1; the second log's epochs follow the first's (arith-01 lost epoch 2)
    keys = {(r["problem_id"], r["sample_idx"]) for r in rows}
    assert ("arith-01", 1) not in keys and ("arith-01", 4) in keys and ("arith-00", 4) in keys
    by_key = {(r["problem_id"], r["sample_idx"]): r for r in rows}
    for path, offset in ((logs["first"], 0), (logs["second"], 3)):
        for sample in read_eval_log(str(path)).samples:
            if sample.error is not None:
                continue
            pid = {question(a, b): p for p, a, b in PROBLEMS}[sample.input]
            row = by_key[(pid, offset + sample.epoch - 1)]
            assert row["response"] == sample.output.completion
            assert row["prompt"] == sample.input and row["finish_reason"] == "stop"
            assert row["source_verdict"] == (
                "correct" if sample.scores["match"].value == "C" else "wrong"
            )


def test_where_inspects_scorer_and_ours_part(tmp_path: Path, logs: dict) -> None:
    """match() reads the end of the text: '\\boxed{7} is the sum' is wrong to it, 'the final
    answer is 9. Checking: 3 + 4 = 7' right; the query lists exactly where it erred."""
    lake = tmp_path / "lake"
    do_import(lake, "inspect", [logs["first"]], "m", "arith", logs["source"])
    truth_1 = logs["truths"][0]
    rows = samples(lake, "m")  # by problem, then sample_idx: epoch order
    assert {p: [r["correct"] for r in rows if r["problem_id"] == p] for p in truth_1} == truth_1
    wrong_there = {
        (r["problem_id"], r["sample_idx"])
        for r in rows
        if (r["source_verdict"] == "correct") != r["correct"]
    }
    assert wrong_there and disagreements(lake, "m") == wrong_there
    texts = {(r["problem_id"], r["sample_idx"]): r["response"] for r in rows}
    assert all(" is the sum of " in texts[k] or "Checking:" in texts[k] for k in wrong_there)


def test_a_file_that_is_not_a_log_is_one_line(tmp_path: Path, logs: dict) -> None:
    bad = tmp_path / "x.eval"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(BoundaryError, match=r"x.eval: not an Inspect log"):
        do_import(tmp_path / "lake", "inspect", [bad], "m", "arith", logs["source"])
    assert not (tmp_path / "lake").exists()


def test_a_json_log_reads_as_the_eval_log(tmp_path: Path, logs: dict) -> None:
    """The same log in Inspect's .json format (written by its own write_eval_log)."""
    from inspect_ai.log import write_eval_log

    as_json = tmp_path / "log.json"
    write_eval_log(read_eval_log(str(logs["first"])), str(as_json), format="json")
    one = do_import(tmp_path / "a", "inspect", [logs["first"]], "m", "arith", logs["source"])
    two = do_import(tmp_path / "b", "inspect", [as_json], "m", "arith", logs["source"])
    assert one["samples"] == two["samples"] > 0
    keep = ("problem_id", "sample_idx", "response", "correct", "source_verdict")
    assert [{k: r[k] for k in keep} for r in samples(tmp_path / "a", "m")] == [
        {k: r[k] for k in keep} for r in samples(tmp_path / "b", "m")
    ]
