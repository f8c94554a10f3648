"""The estimator queries read the per-problem outcomes and the answer classes when fresh: same
numbers as from the samples; and the Python surface has one method per query (Lake.maj_at_k(),
Lake.g_pass_at_k(tau=[...]), ...), the same tables as the CLI."""

from __future__ import annotations

import pytest
from query_lakes import write_realistic_lake

from boundary_ray import Lake
from boundary_ray.query import answer_classes, majority_votes, outcomes, run_query
from boundary_ray.query.answer_classes import refresh_answer_classes

ESTIMATORS = [
    ("pass_hat_k", {}),
    ("g_pass_at_k", {"tau": "0.3,0.9"}),
    ("mg_pass_at_k", {"ks": "3"}),
    ("cover_at_tau", {}),
    ("bayes_at_n", {"answers": "explicit"}),
    ("chance_at_k", {}),
    ("maj_at_k", {"ks": "5"}),
]


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("cached") / "lake")
    write_realistic_lake(path)
    return path


def _rounded_rows(rows: list[dict]) -> list[dict]:
    return sorted(
        ({k: round(v, 12) if isinstance(v, float) else v for k, v in row.items()} for row in rows),
        key=repr,
    )


def _rounded(table) -> list[dict]:
    return _rounded_rows(table.to_pylist())


def test_caches_give_the_numbers_the_samples_give(lake, monkeypatch):
    from_samples = {name: run_query(name, lake, params) for name, params in ESTIMATORS}
    outcomes.refresh_outcomes(lake)
    refresh_answer_classes(lake)
    used: list[str] = []
    real_outcomes = outcomes.fresh_outcome_files
    real_classes = answer_classes.answer_classes_by_partition
    real_votes = majority_votes.majority_votes_beside

    def outcome_spy(path: str):
        files = real_outcomes(path)
        used.append("outcomes" if files else "samples")
        return files

    def classes_spy(path: str):
        fresh, stale = real_classes(path)
        used.append("answer_classes" if fresh and not stale else "samples")
        return fresh, stale

    def votes_spy(path: str, classes: dict):
        votes = real_votes(path, classes)
        used.append("majority_votes" if votes else "no votes")
        return votes

    monkeypatch.setattr(outcomes, "fresh_outcome_files", outcome_spy)
    monkeypatch.setattr(answer_classes, "answer_classes_by_partition", classes_spy)
    monkeypatch.setattr(majority_votes, "majority_votes_beside", votes_spy)
    for name, params in ESTIMATORS:
        used.clear()
        cached = run_query(name, lake, params)
        # maj_at_k reads the answer classes and the stored votes, every other one the outcomes
        if name == "maj_at_k":
            assert used[-2:] == ["answer_classes", "majority_votes"], used
        else:
            assert used[-1] == "outcomes", name
        assert cached.num_rows > 0, name
        assert _rounded(cached) == _rounded(from_samples[name]), name


def test_one_method_per_query_from_python(lake):
    lake_ = Lake(lake)
    for name in (
        "pass_hat_k",
        "g_pass_at_k",
        "mg_pass_at_k",
        "maj_at_k",
        "cover_at_tau",
        "bayes_at_n",
        "chance_at_k",
    ):
        assert name in Lake.queries()
        assert callable(getattr(lake_, name))
    frame = lake_.g_pass_at_k(tau=[0.5, 1.0], model="chat-1b")
    table = run_query("g_pass_at_k", lake, {"tau": "0.5,1.0", "model": "chat-1b"})
    assert frame.to_dicts() == table.to_pylist()
    assert sorted(set(frame["tau"].to_list())) == [0.5, 1.0]
    # the same numbers; the last bits may differ, as maj_at_k sums on several threads
    assert _rounded_rows(lake_.maj_at_k(model="chat-1b").to_dicts()) == _rounded_rows(
        run_query("maj_at_k", lake, {"model": "chat-1b"}).to_pylist()
    )
    assert "tau (float_list)" in Lake.g_pass_at_k.__doc__
    with pytest.raises(TypeError, match="unexpected keyword argument 'tau'"):
        lake_.maj_at_k(tau=0.5)
