"""Small hand-made lakes for the chart tests, written with the real lake writer.

``full_lake``: three models (base, instruct, rl) on a math benchmark and a synthetic one,
8 samples per problem, and perplexity scores: every chart has data. ``single_model_lake``:
one model, one benchmark, no scores: only pass@k and the accuracy histogram have data.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from boundary_ray.lake import write_rows

N = 8  # samples per problem

# correct samples (out of N) per problem, per model and benchmark
CORRECT = {
    ("base-model", "gsm8k"): [0, 1, 2, 4, 8, 0],
    ("instruct-model", "gsm8k"): [1, 0, 5, 8, 8, 0],
    ("rl-model", "gsm8k"): [0, 0, 7, 8, 8, 0],
    ("base-model", "synth"): [8, 6, 3, 1, 0, 0],
    ("instruct-model", "synth"): [8, 8, 4, 2, 1, 0],
    ("rl-model", "synth"): [8, 8, 8, 0, 0, 0],
}
SYNTH_OPS = [2, 2, 3, 3, 4, 5]
ROLES = {"base-model": "base", "instruct-model": "instruct", "rl-model": "rl"}
# perplexity of each model's responses under the base model: centre value per model
PERPLEXITY = {"base-model": 1.6, "instruct-model": 2.4, "rl-model": 1.9}


def _problems(benchmarks: list[str]) -> list[dict]:
    rows = []
    for benchmark in benchmarks:
        for i in range(6):
            meta = {"ops": SYNTH_OPS[i]} if benchmark == "synth" else {}
            if benchmark == "synth":  # a (trivial) gold graph: process verdicts apply
                step = {"id": "q1", "op": "given", "args": [i], "value": i, "subject": "A"}
                meta.update(template="fruit", steps=[step], target="q1")
            rows.append(
                {
                    "benchmark": benchmark,
                    "problem_id": f"{benchmark}-{i}",
                    "task": "math",
                    "question": f"q{i}",
                    "answer": str(i),
                    "meta": json.dumps(meta),
                }
            )
    return rows


def _samples(cells: dict[tuple[str, str], list[int]]) -> list[dict]:
    rows = []
    for (model, benchmark), counts in cells.items():
        for i, c in enumerate(counts):
            for s in range(N):
                correct = s < c
                rows.append(
                    {
                        "model": model,
                        "benchmark": benchmark,
                        "problem_id": f"{benchmark}-{i}",
                        "sample_idx": s,
                        "run_id": "run-1",
                        "seed": s,
                        "response": f"r{s}",
                        "response_tokens": 10 + s,
                        "finish_reason": "stop",
                        "extracted_answer": str(i) if correct else "x",
                        "correct": correct,
                        "verdict": "correct" if correct else "wrong",
                        "verify_ms": 1.0,
                        # half the right synth answers come from valid reasoning
                        "process_verdict": "n/a"
                        if benchmark != "synth"
                        else ("valid" if correct and s % 2 == 0 else "unsupported"),
                    }
                )
    return rows


def _models(names: list[str]) -> list[dict]:
    return [
        {
            "model": m,
            "source": f"builtin:{m}",
            "prompt": "chat",
            "role": ROLES[m],
            "tags": json.dumps({"step": 100} if ROLES[m] == "rl" else {}),
            "run_id": "run-1",
        }
        for m in names
    ]


def _scores() -> list[dict]:
    rows = []
    for model, centre in PERPLEXITY.items():
        for i in range(6):
            for s in range(N):
                perplexity = centre * (1 + 0.05 * ((i * N + s) % 7 - 3))
                rows.append(
                    {
                        "scorer": "base-model",
                        "model": model,
                        "benchmark": "gsm8k",
                        "problem_id": f"gsm8k-{i}",
                        "sample_idx": s,
                        "run_id": "score-1",
                        "response_tokens": 10,
                        "logprob_sum": -10.0,
                        "perplexity": perplexity,
                        "status": "ok",
                    }
                )
    rows[0]["status"] = "too_long"
    return rows


def make_full_lake(path: Path) -> str:
    """Write ``full_lake`` at ``path``; returns the lake path."""
    lake = str(path)
    write_rows(lake, "problems", _problems(["gsm8k", "synth"]))
    write_rows(lake, "models", _models(list(ROLES)))
    write_rows(lake, "samples", _samples(CORRECT))
    write_rows(lake, "scores", _scores())
    return lake


def make_single_model_lake(path: Path) -> str:
    """Write ``single_model_lake`` at ``path``; returns the lake path."""
    lake = str(path)
    write_rows(lake, "problems", _problems(["gsm8k"]))
    write_rows(lake, "models", _models(["base-model"]))
    write_rows(
        lake, "samples", _samples({("base-model", "gsm8k"): CORRECT[("base-model", "gsm8k")]})
    )
    return lake


@pytest.fixture(scope="session")
def full_lake(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_full_lake(tmp_path_factory.mktemp("full_lake"))


@pytest.fixture(scope="session")
def single_model_lake(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_single_model_lake(tmp_path_factory.mktemp("single_lake"))


def png_size(path: str | Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; fails unless the file is a PNG."""
    head = Path(path).read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def svg_size(path: str | Path) -> tuple[float, float]:
    """Width and height of an SVG file's root element; fails unless it parses as SVG."""
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg", f"{path} is not an SVG"
    return float(root.get("width")), float(root.get("height"))


def spec_rows(spec: dict) -> list[dict]:
    """Every inline data row of a Vega-Lite spec (top-level datasets and nested values)."""
    rows: list[dict] = []
    for values in spec.get("datasets", {}).values():
        rows.extend(values)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                rows.extend(data["values"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in spec.items() if k != "datasets"})
    return rows
