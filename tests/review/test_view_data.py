"""The view's page data against the queries: the hardest band is ``hardest_solved``'s, the
outcomes cache and the sample rows give the same lists, older files read, values are quoted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from view_lakes import write_view_lake

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.writer import write_rows
from boundary_ray.query import run_query
from boundary_ray.query.outcomes import refresh_outcomes
from boundary_ray.review.view import sqltext
from boundary_ray.review.view.errors import ParamError
from boundary_ray.review.view.filters import problem_filters, sample_filters
from boundary_ray.review.view.problem_list import problem_list
from boundary_ray.review.view.problem_page import problem_page
from boundary_ray.review.view.view_session import ViewSession


def _listed(vs: ViewSession, **params: str) -> list[tuple[str, str]]:
    listing = vs.listing(force=True)
    f = problem_filters({"per_page": "200", **params}, listing.models(), listing.benchmarks())
    return [(p["benchmark"], p["problem_id"]) for p in problem_list(vs, f)["problems"]]


def _correctness(model: str, benchmark: str, counts: list[tuple[int, int]]) -> list[dict]:
    rows = []
    for p, (n, c) in enumerate(counts):
        rows += [
            {
                "model": model,
                "benchmark": benchmark,
                "problem_id": f"{benchmark}-{p}",
                "sample_idx": i,
                "correct": i < c,
                "verdict": "correct" if i < c else "wrong",
                "finish_reason": "stop",
            }
            for i in range(n)
        ]
    return rows


@pytest.mark.parametrize("max_rate", ["0.05", "0.1"])
def test_the_hardest_band_is_hardest_solveds(tmp_path, max_rate):
    lake = str(tmp_path / "lake")
    write_rows(
        lake,
        "samples",
        _correctness("m", "big", [(40, 1), (40, 2), (40, 3), (21, 1), (40, 0)])
        + _correctness("m", "small", [(16, 1), (16, 2), (20, 1), (8, 1), (16, 0)]),
    )
    with_query = {
        (r["benchmark"], r["problem_id"])
        for r in run_query("hardest_solved", lake, {"max_rate": max_rate}).to_pylist()
    }
    vs = ViewSession(lake)
    try:
        assert set(_listed(vs, band="hardest", max_rate=max_rate)) == with_query
    finally:
        vs.close()
    if max_rate == "0.05":
        assert with_query == {("big", "big-0"), ("big", "big-3"), ("small", "small-0"),
                              ("small", "small-2"), ("small", "small-3")}  # fmt: skip


def test_outcome_files_and_sample_rows_give_the_same_pages(tmp_path):
    lake = str(tmp_path / "lake")
    write_view_lake(lake)
    vs = ViewSession(lake)
    try:
        queries = [{}, {"band": "hardest"}, {"verdict": "timeout", "sort": "rl", "desc": "1"},
                   {"benchmark": "math", "band": "unsolved", "band_model": "rl"}]  # fmt: skip
        from_samples = [_listed(vs, **q) for q in queries]
        page = problem_page(vs, "arith", "arith-003", sample_filters({}, ["base", "rl"]))
        assert vs.listing(force=True).fresh_outcomes() == {}
        refresh_outcomes(lake)
        listing = vs.listing(force=True)
        assert len(listing.fresh_outcomes()) == 4  # every partition from its outcomes file
        assert [_listed(vs, **q) for q in queries] == from_samples
        cached = problem_page(vs, "arith", "arith-003", sample_filters({}, ["base", "rl"]))
        assert cached["models"] == page["models"]
        # a run adds a file to one partition: that one reads its samples again, the rest not
        write_rows(lake, "samples", _correctness("rl", "arith", [(3, 3)]))
        assert len(vs.listing(force=True).fresh_outcomes()) == 3
        rows = dict(
            ((p["benchmark"], p["problem_id"]), p["models"])
            for p in problem_list(vs, problem_filters({"per_page": "200"}, ["base", "rl"], ["arith", "math"]))["problems"]
        )  # fmt: skip
        assert (
            rows[("arith", "arith-0")]["rl"]["n"] == 3 and "base" not in rows[("arith", "arith-0")]
        )
        assert rows[("arith", "arith-003")]["base"]["c"] == 12
    finally:
        vs.close()


def test_labels_of_an_older_lake_without_notes_read(tmp_path):
    lake = str(tmp_path / "lake")
    write_view_lake(lake)
    folder = Path(lake, "labels", "model=base", "benchmark=arith")
    folder.mkdir(parents=True)
    old = schema.file_schema("labels").remove(schema.file_schema("labels").get_field_index("note"))
    row = {
        "problem_id": "arith-001",
        "sample_idx": 0,
        "label": "guess",
        "who": "old",
        "at": "2024-01-01T00:00:00Z",
    }
    pq.write_table(pa.Table.from_pylist([row], schema=old), folder / "part-old.parquet")
    vs = ViewSession(lake)
    try:
        data = problem_page(
            vs, "arith", "arith-001", sample_filters({"show": "labelled"}, ["base", "rl"])
        )
        (sample,) = data["samples"]["base"]["samples"]
        assert (sample["label"], sample["who"], sample["note"]) == ("guess", "old", None)
        base = {m["model"]: m for m in data["models"]}["base"]
        assert (base["c"], base["guesses"]) == (1, 1)
        assert [p["without_guesses"] for p in base["pass_at_k"]] == [0.0] * 5
    finally:
        vs.close()


def test_sql_values_are_quoted_and_params_checked():
    assert sqltext.text("it's") == "'it''s'"
    assert sqltext.text("a\\'; drop table x; --") == "'a\\''; drop table x; --'"
    with pytest.raises(BoundaryError):
        sqltext.text("a\x00b")
    assert sqltext.partition_filter("s", []) == "false"
    models, benchmarks = ["a", "b"], ["x"]
    for params, words in [
        ({"model": "c"}, "model='c': no samples of it"),
        ({"ops": "3-1"}, "ops=3-1: the range ends below its start"),
        ({"ops": "x"}, "expected a number or a range"),
        ({"per_page": "1000"}, "per_page=1000"),
        ({"q": "x" * 201}, "at most 200 characters"),
        ({"exclude": "valid"}, "exclude='valid': expected guess"),
    ]:
        with pytest.raises(ParamError, match=words.replace("(", r"\(").replace("[", r"\[")):
            problem_filters(params, models, benchmarks)
    f = problem_filters({"model": "b,a", "ops": "2-4", "band": "hardest"}, models, benchmarks)
    assert (f.models, f.ops, f.as_params()["ops"]) == (("b", "a"), (2, 4), "2-4")


def test_a_quote_in_a_problem_id_reaches_the_lake_intact(tmp_path):
    lake = str(tmp_path / "lake")
    tricky = "it's'; select 1; --"
    rows = _correctness("m", "b", [(2, 1)])
    for row in rows:
        row["problem_id"] = tricky
    write_rows(lake, "samples", rows)
    write_rows(
        lake, "problems", [{"benchmark": "b", "problem_id": tricky, "question": json.dumps("q")}]
    )
    vs = ViewSession(lake)
    try:
        data = problem_page(vs, "b", tricky, sample_filters({}, ["m"]))
        assert data["problem"]["problem_id"] == tricky
        assert [s["sample_idx"] for s in data["samples"]["m"]["samples"]] == [0, 1]
    finally:
        vs.close()
    shutil.rmtree(lake)
