"""``boundary score``: perplexity cross-scoring on the real CPU engine and the real lake.

One module-scoped lake: SmolLM2 samples 4 synthetic problems x n=2 (24 tokens each); SmolLM2
rescores its own 8 responses, the Gemma 3 base model rescores one per problem under a context
too short for some of them. The selection and row-status logic also run without an engine.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow.parquet as pq
import pytest

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.reader import list_files
from boundary_ray.lake.writer import write_rows
from boundary_ray.scoring import score_spec_file
from boundary_ray.scoring.select import select_responses
from boundary_ray.scoring.vllm_scorer import VLLMScorer
from boundary_ray.spec import DEFAULT_INSTRUCTION, DEFAULT_RAW_TEMPLATE, ScoreSpec

SMOL = "    - name: smol\n      source: builtin:smollm2-135m-instruct\n"
GEMMA = (
    "    - name: gemma\n      source: builtin:gemma3-270m\n      prompt: raw\n      role: base\n"
)
SPEC = """
name: t
lake: {lake}
models:
{models}
benchmarks:
  - name: arith
    source: synthetic:arith?ops=1-2&per_op=2&seed=0
sampling: {{n: 2, max_tokens: 24, seed: 0}}
engine: {{batch_size: 8}}
score: {{models: [smol]}}
"""


def _spec(tmp: Path, name: str, models: str) -> Path:
    path = tmp / name
    path.write_text(SPEC.format(lake=tmp / "lake", models=models))
    return path


def _joined(lake: Path, scorer: str) -> list[dict]:
    """Each score of ``scorer`` beside its sample (sampling-time logprob, finish reason)."""
    return (
        duckdb.sql(
            f"""
        select c.*, s.response, s.response_tokens as sampled_tokens, s.cum_logprob, s.finish_reason
        from read_parquet('{lake}/scores/**/*.parquet', hive_partitioning=true, hive_types_autocast=false) c
        join read_parquet('{lake}/samples/**/*.parquet', hive_partitioning=true, hive_types_autocast=false) s
            using (model, benchmark, problem_id, sample_idx)
        where c.scorer = '{scorer}'
        order by c.problem_id, c.sample_idx
        """
        )
        .arrow()
        .read_all()
        .to_pylist()
    )


@pytest.fixture(scope="module")
def gemma_path() -> str:
    """The bundled Gemma 3 270M base model as a HF folder (prepared on first use)."""
    from boundary_ray.models.builtin import prepare_builtin

    return str(prepare_builtin("gemma3-270m"))


@pytest.fixture(scope="module")
def self_scored(tmp_path_factory: pytest.TempPathFactory, smollm2_path: str) -> tuple[Path, dict]:
    """A lake of 8 SmolLM2 samples, each rescored by SmolLM2."""
    from boundary_ray.run.pipeline import run_spec_file

    tmp = tmp_path_factory.mktemp("score")
    run_spec_file(_spec(tmp, "sample.yaml", SMOL), progress=False)
    spec = _spec(tmp, "score.yaml", SMOL + GEMMA)
    return tmp, score_spec_file(spec, {"score.scorers": ["smol"]}, progress=False)


def _gemma_lengths(lake: Path, gemma_path: str) -> dict[tuple[str, int], tuple[int, int]]:
    """Gemma's (prompt, response) token counts of sample 0 of each problem, from its raw prompt."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(gemma_path)
    rows = duckdb.sql(
        f"""
        select s.problem_id, s.sample_idx, s.response, p.question
        from read_parquet('{lake}/samples/**/*.parquet', hive_partitioning=true) s
        join read_parquet('{lake}/problems/**/*.parquet', hive_partitioning=true) p using (problem_id)
        where s.sample_idx = 0
        """
    ).fetchall()
    lengths = {}
    for pid, idx, response, question in rows:
        prompt = DEFAULT_RAW_TEMPLATE.format(question=question, instruction=DEFAULT_INSTRUCTION)
        lengths[(pid, idx)] = (
            len(tok(prompt).input_ids),
            len(tok(response, add_special_tokens=False).input_ids),
        )
    return lengths


@pytest.fixture(scope="module")
def gemma_scored(self_scored: tuple[Path, dict], gemma_path: str) -> tuple[dict, int, dict]:
    """Gemma rescores sample 0 of each problem, with a max_model_len that only some fit."""
    tmp, _ = self_scored
    lengths = _gemma_lengths(tmp / "lake", gemma_path)
    totals = sorted(p + r for p, r in lengths.values())
    limit = totals[len(totals) // 2]  # totals >= limit are too long for the engine
    assert totals[0] < limit, f"all four responses are equally long: {totals}"
    overrides = {
        "score.scorers": ["gemma"],
        "score.max_per_problem": 1,
        "engine.max_model_len": limit,
    }
    result = score_spec_file(tmp / "score.yaml", overrides, progress=False)
    return {"result": result, "overrides": overrides}, limit, lengths


@pytest.mark.engine
def test_self_scoring_gives_the_sampling_time_logprob(self_scored: tuple[Path, dict]) -> None:
    tmp, result = self_scored
    lake = tmp / "lake"
    rows = _joined(lake, "smol")
    assert (
        len(rows) == 8 == result["counters"]["smol"]["scored"] == result["counters"]["smol"]["ok"]
    )
    for path in list_files(str(lake), "scores"):
        assert pq.read_schema(path).names == schema.file_schema("scores").names
    same_tokens = 0
    for row in rows:
        assert row["status"] == "ok" and row["reason"] is None and row["run_id"] == result["run_id"]
        assert row["perplexity"] == pytest.approx(
            math.exp(-row["logprob_sum"] / row["response_tokens"])
        )
        # 'length' responses keep every sampled token; a 'stop' response's EOS is not in its text
        expected = row["sampled_tokens"] - (row["finish_reason"] == "stop")
        if row["response_tokens"] != expected:
            continue  # the text re-tokenizes differently (e.g. "\n" "\n" -> "\n\n")
        same_tokens += 1
        per_token = (row["logprob_sum"] - row["cum_logprob"]) / row["response_tokens"]
        if row["finish_reason"] == "length":
            assert abs(per_token) <= 1e-3, row
        else:  # cum_logprob also holds log p(EOS) <= 0
            assert per_token >= -1e-3, row
    assert same_tokens >= len(rows) // 2, "too few responses re-tokenize to their sampled length"
    manifest = json.loads((lake / "runs" / f"{result['run_id']}.json").read_text())
    assert manifest["command"] == "score" and manifest["status"] == "done"
    assert manifest["counters"]["smol"]["ok"] == 8


@pytest.mark.engine
def test_another_model_scores_with_its_own_prompt_and_reports_too_long(
    self_scored: tuple[Path, dict], gemma_scored: tuple[dict, int, dict], gemma_path: str
) -> None:
    tmp, _ = self_scored
    run, limit, lengths = gemma_scored
    rows = _joined(tmp / "lake", "gemma")
    assert {(r["problem_id"], r["sample_idx"]) for r in rows} == set(
        lengths
    )  # lowest idx per problem
    statuses = {r["status"] for r in rows}
    assert statuses == {"ok", "too_long"}, statuses
    counters = run["result"]["counters"]["gemma"]
    assert counters["ok"] + counters["too_long"] == 4 and counters["error"] == 0
    smol = {(r["problem_id"], r["sample_idx"]): r for r in _joined(tmp / "lake", "smol")}
    for row in rows:
        prompt_tokens, response_tokens = lengths[(row["problem_id"], row["sample_idx"])]
        assert row["response_tokens"] == response_tokens  # counted in Gemma's vocabulary
        if prompt_tokens + response_tokens >= limit:
            assert row["status"] == "too_long" and row["logprob_sum"] is None
            assert f"= {prompt_tokens + response_tokens} tokens" in row["reason"]
            assert f"max_model_len {limit}" in row["reason"]
        else:
            assert row["status"] == "ok" and row["logprob_sum"] < 0
            assert row["perplexity"] != pytest.approx(
                smol[(row["problem_id"], row["sample_idx"])]["perplexity"]
            )
    _check_against_transformers(
        next(r for r in rows if r["status"] == "ok"), tmp / "lake", gemma_path
    )


def _check_against_transformers(row: dict, lake: Path, gemma_path: str) -> None:
    """The engine's sum equals a plain HF forward pass over Gemma's raw prompt + the response."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    ((question,),) = duckdb.sql(
        f"select question from read_parquet('{lake}/problems/**/*.parquet') where problem_id = ?",
        params=[row["problem_id"]],
    ).fetchall()
    tok = AutoTokenizer.from_pretrained(gemma_path)
    prompt = tok(
        DEFAULT_RAW_TEMPLATE.format(question=question, instruction=DEFAULT_INSTRUCTION)
    ).input_ids
    response = tok(row["response"], add_special_tokens=False).input_ids
    model = AutoModelForCausalLM.from_pretrained(gemma_path, dtype=torch.float32)
    ids = torch.tensor([prompt + response])
    with torch.no_grad():
        logprobs = torch.log_softmax(model(ids).logits[0].float(), dim=-1)
    positions = range(len(prompt), len(prompt) + len(response))
    expected = sum(logprobs[pos - 1, ids[0, pos]].item() for pos in positions)
    assert abs(row["logprob_sum"] - expected) / len(response) <= 1e-3, (
        row["logprob_sum"],
        expected,
    )


@pytest.mark.engine
def test_rerun_scores_nothing(
    self_scored: tuple[Path, dict], gemma_scored: tuple[dict, int, dict]
) -> None:
    tmp, _ = self_scored
    lake = tmp / "lake"
    before = list_files(str(lake), "scores")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "boundary_ray.cli",
            "score",
            str(tmp / "score.yaml"),
            "--set",
            "score.scorers=[smol]",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "smol: every selected response is already scored" in done.stderr
    again = score_spec_file(tmp / "score.yaml", gemma_scored[0]["overrides"], progress=False)
    assert again["counters"]["gemma"]["scored"] == 0
    assert list_files(str(lake), "scores") == before
    manifests = [json.loads(p.read_text()) for p in (lake / "runs").glob("*.json")]
    assert sum(m["command"] == "score" and m["status"] == "done" for m in manifests) == 4


@pytest.mark.engine
def test_perplexity_query_over_the_scores(
    self_scored: tuple[Path, dict], gemma_scored: tuple[dict, int, dict]
) -> None:
    tmp, _ = self_scored
    out = subprocess.run(
        ["boundary", "query", "perplexity", "--lake", str(tmp / "lake"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    table = {(r["scorer"], r["model"]): r for r in map(json.loads, out.stdout.splitlines())}
    assert set(table) == {("smol", "smol"), ("gemma", "smol")}
    assert table[("smol", "smol")]["responses"] == 8 and table[("smol", "smol")]["skipped"] == 0
    counters = gemma_scored[0]["result"]["counters"]["gemma"]
    assert table[("gemma", "smol")]["responses"] == counters["ok"]
    assert table[("gemma", "smol")]["skipped"] == counters["too_long"]
    smol = _joined(tmp / "lake", "smol")
    mean = sum(r["perplexity"] for r in smol) / len(smol)
    assert table[("smol", "smol")]["mean_perplexity"] == pytest.approx(mean)


# --- without an engine --------------------------------------------------------------------


def _sample(model: str, pid: str, idx: int, correct: bool) -> dict:
    return {
        "model": model,
        "benchmark": "b",
        "problem_id": pid,
        "sample_idx": idx,
        "response": f"{model}/{pid}/{idx}",
        "correct": correct,
    }


def test_selection_applies_filters_and_skips_scored_keys(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    write_rows(
        lake,
        "problems",
        [{"benchmark": "b", "problem_id": "p1", "task": "math", "question": "1+1?"}],
    )
    write_rows(
        lake,
        "samples",
        [
            _sample("m", "p1", 0, False),
            _sample("m", "p1", 1, True),
            _sample("m", "p1", 2, True),
            _sample("m", "p1", 3, True),
            _sample("m", "p2", 0, True),
            _sample("other", "p1", 0, True),
        ],
    )
    write_rows(
        lake,
        "scores",
        [
            {
                "scorer": "s",
                "model": "m",
                "benchmark": "b",
                "problem_id": "p1",
                "sample_idx": 1,
                "status": "ok",
            }
        ],
    )
    spec = ScoreSpec(models=("m",), correct_only=True, max_per_problem=2)
    chosen = select_responses(lake, spec, "s")
    assert [(r["problem_id"], r["sample_idx"]) for r in chosen] == [("p1", 2), ("p2", 0)]
    assert chosen[0]["question"] == "1+1?" and chosen[0]["reason"] is None
    assert "not in problems" in chosen[1]["reason"]  # reported as an error row, not dropped
    every = select_responses(lake, ScoreSpec(), "s")
    assert len(every) == 5  # all but the scored key, both models
    assert len(select_responses(lake, ScoreSpec(), "another-scorer")) == 6


def test_bad_filters_and_an_empty_lake_name_the_problem(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "score.yaml", SMOL)
    with pytest.raises(BoundaryError, match="no samples to score"):
        score_spec_file(spec, progress=False)
    write_rows(str(tmp_path / "lake"), "samples", [_sample("smol", "p1", 0, True)])
    with pytest.raises(BoundaryError, match=r"score\.models: 'nope' has no samples"):
        score_spec_file(spec, {"score.models": ["nope"]}, progress=False)
    with pytest.raises(BoundaryError, match=r"score\.scorers: 'nope' is not a model"):
        score_spec_file(spec, {"score.scorers": ["nope"]}, progress=False)


class _CharTokenizer:
    """One token per character; the 'prompt' gets one special token in front."""

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return ([0] if add_special_tokens else []) + [ord(c) for c in text]


def test_row_status_needs_room_for_one_output_token() -> None:
    scorer = VLLMScorer.__new__(VLLMScorer)  # no engine: only the row checks before it
    scorer.tokenizer, scorer.max_model_len = _CharTokenizer(), 10
    key = {
        "scorer": "s",
        "model": "m",
        "benchmark": "b",
        "problem_id": "p",
        "sample_idx": 0,
        "run_id": "r",
    }
    fits = scorer._prepare({**key, "prompt": "abc", "response": "12345", "reason": None})  # 4 + 5
    assert fits["status"] is None and fits["_start"] == 4 and len(fits["_ids"]) == 9
    full = scorer._prepare({**key, "prompt": "abc", "response": "123456", "reason": None})  # 4 + 6
    assert full["status"] == "too_long" and full["response_tokens"] == 6
    assert full["reason"] == "prompt 4 + response 6 = 10 tokens; max_model_len 10 fits at most 9"
    empty = scorer._prepare({**key, "prompt": "abc", "response": "", "reason": None})
    assert empty["status"] == "error" and "empty response" in empty["reason"]
    orphan = scorer._prepare({**key, "prompt": None, "response": "1", "reason": "problem gone"})
    assert orphan == {
        **key,
        "response_tokens": None,
        "logprob_sum": None,
        "perplexity": None,
        "status": "error",
        "reason": "problem gone",
    }
    logprobs = [None] + [{i: SimpleNamespace(logprob=-0.5)} for i in fits["_ids"][1:]]
    scorer._fill(fits, SimpleNamespace(prompt_logprobs=logprobs))
    assert fits["logprob_sum"] == pytest.approx(-2.5) and fits["perplexity"] == pytest.approx(
        math.exp(0.5)
    )
