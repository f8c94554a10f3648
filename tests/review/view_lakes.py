"""Lakes for the browser view's tests, written with the real lake writer (helpers, not tests).

``write_view_lake``: two models x two benchmarks at n = 16 (the demo's size): synthetic
problems with ``ops`` and prose-with-LaTeX problems, responses that show their work and box an
answer, every verdict, some truncated, a run manifest; one problem solved by exactly one sample
of ``base`` (the hardest band at small n). ``write_hostile_lake``: the same shape with every
text the view shows (question, prompt, response, extracted answer, verdict reason, problem id,
label note) holding a payload that would run script if it were ever written as markup.
"""

from __future__ import annotations

import json
from pathlib import Path

from boundary_ray.lake.writer import write_rows

N = 16
MODELS = {"base": "base", "rl": "rl"}

# problem -> (question, gold, meta, correct samples per model)
PROBLEMS = {
    "arith": [
        (
            f"Petra has {3 + i} shells. She finds {i + 1} more, then gives away 2. "
            "How many shells does she have?",
            str(3 + i + i + 1 - 2),
            {"ops": 1 + i % 4, "template": "shells"},
            {"base": [0, 1, 5, 12, 16][i % 5], "rl": [1, 3, 9, 16, 0][i % 5]},
        )
        for i in range(10)
    ],
    "math": [
        (
            f"Let $f(x) = x^2 + {i}x$. What is $f({i + 1})$? Write $\\frac{{a}}{{b}}$ if needed.",
            str((i + 1) ** 2 + i * (i + 1)),
            {"level": 1 + i % 5},
            {"base": [1, 0, 8, 2][i % 4], "rl": [4, 0, 16, 1][i % 4]},
        )
        for i in range(6)
    ],
}


def _response(gold: str, ok: bool, idx: int) -> tuple[str, str | None, str, str, str | None]:
    """(response, extracted answer, finish reason, verdict, verdict reason) of one sample."""
    if ok:
        return (
            f"Let me work step by step.\nFirst, $3 + 4 = 7$. Then \\(7 \\times 2 = 14\\).\n"
            f"Checking again gives the same.\nSo the answer is $\\boxed{{{gold}}}$.",
            gold,
            "stop",
            "correct",
            None,
        )
    kind = idx % 6
    if kind == 0:
        return (
            "Let me think. The numbers are 3 and 4, so",
            None,
            "length",
            "no_answer",
            "truncated, no final answer",
        )
    if kind == 1:
        return ("I am not sure how to solve this.", None, "stop", "no_answer", "no answer found")
    if kind == 2:
        return (
            "So the answer is $\\boxed{10^{10^{10}}}$.",
            "10^{10^{10}}",
            "stop",
            "timeout",
            "equivalence check timed out",
        )
    wrong = str(int(gold) + idx)
    return (
        f"Adding everything, $x = {wrong}$.\nThe answer is $\\boxed{{{wrong}}}$.",
        wrong,
        "stop",
        "wrong",
        f"{wrong} != {gold}",
    )


def write_view_lake(lake: str) -> None:
    """The realistic lake of the module docstring."""
    problems, samples = [], []
    for benchmark, items in PROBLEMS.items():
        for i, (question, gold, meta, correct) in enumerate(items):
            problem_id = f"{benchmark}-{i:03d}"
            problems.append(
                {
                    "benchmark": benchmark,
                    "problem_id": problem_id,
                    "task": "math",
                    "question": question,
                    "answer": gold,
                    "meta": json.dumps(meta),
                }
            )
            for model in MODELS:
                for idx in range(N):
                    ok = idx < correct[model]
                    response, extracted, finish, verdict, reason = _response(gold, ok, idx)
                    samples.append(
                        {
                            "model": model,
                            "benchmark": benchmark,
                            "problem_id": problem_id,
                            "sample_idx": idx,
                            "run_id": "20250101T000000Z-demo",
                            "seed": 1000 + idx,
                            "prompt": f"{question}\nPlease reason step by step, and put your final answer within \\boxed{{}}.",
                            "response": response,
                            "response_tokens": 20 + 3 * idx,
                            "cum_logprob": -1.5 * idx - 2.0,
                            "finish_reason": finish,
                            "extracted_answer": extracted,
                            "answer_rule": "boxed" if extracted else None,
                            "correct": ok,
                            "verdict": verdict,
                            "verdict_reason": reason,
                            "verify_ms": 1.0,
                            "process_verdict": "n/a",
                        }
                    )
    write_rows(lake, "problems", problems)
    write_rows(lake, "samples", samples)
    write_rows(
        lake,
        "models",
        [
            {
                "model": m,
                "source": f"fake:canned?seed={i}",
                "prompt": "chat",
                "role": role,
                "tags": "{}",
                "run_id": "20250101T000000Z-demo",
            }
            for i, (m, role) in enumerate(MODELS.items())
        ],
    )
    runs = Path(lake) / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    manifest = {
        "run_id": "20250101T000000Z-demo",
        "command": "run",
        "status": "done",
        "started_at": "2025-01-01T00:00:00Z",
        "finished_at": "2025-01-01T00:03:10Z",
        "lake_schema_version": 5,
        "spec": {"name": "view-test"},
        "counters": {m: {"rows": 16 * N, "correct": 0} for m in MODELS},
    }
    (runs / "20250101T000000Z-demo.json").write_text(json.dumps(manifest))


# Each would run script, open a dialog or navigate if written as markup, or read as template.
PAYLOADS = (
    "<script>window.__pwned = 'script'; alert(1)</script>",
    "<img src=x onerror=\"window.__pwned='img'; alert(2)\">",
    "</textarea><script>window.__pwned='textarea'</script>",
    '<a href="javascript:window.__pwned=\'link\'" id="evil-link">click</a>',
    "{{ 7*7 }} {% raw %}{{ config }}{% endraw %} ${alert(3)}",
    "<svg onload=\"window.__pwned='svg'\"></svg>",
    "$\\href{javascript:window.__pwned='katex'}{x}$ and $\\htmlId{x}{y}$",
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
)
HOSTILE = "\n".join(PAYLOADS)


def write_hostile_lake(lake: str) -> None:
    """One benchmark whose every shown text holds ``PAYLOADS``, and a label note with them."""
    problem_id = "p<script>window.__pwned='id'</script>"
    write_rows(
        lake,
        "problems",
        [
            {
                "benchmark": "evil",
                "problem_id": problem_id,
                "task": "math",
                "question": HOSTILE,
                "answer": "<b onmouseover=\"window.__pwned='gold'\">7</b>",
                "meta": json.dumps({"ops": 2, "template": HOSTILE}),
            }
        ],
    )
    samples = []
    for model in MODELS:
        for idx in range(4):
            samples.append(
                {
                    "model": model,
                    "benchmark": "evil",
                    "problem_id": problem_id,
                    "sample_idx": idx,
                    "run_id": "r",
                    "prompt": HOSTILE,
                    "response": f"{HOSTILE}\nThe answer is $\\boxed{{<img src=x onerror=alert(9)>}}$",
                    "response_tokens": 50,
                    "finish_reason": "stop",
                    "extracted_answer": "<img src=x onerror=\"window.__pwned='answer'\">",
                    "answer_rule": "boxed",
                    "correct": idx == 0,
                    "verdict": "correct" if idx == 0 else "wrong",
                    "verdict_reason": None if idx == 0 else HOSTILE,
                    "process_verdict": "n/a",
                }
            )
    write_rows(lake, "samples", samples)
    write_rows(
        lake,
        "labels",
        [
            {
                "model": "base",
                "benchmark": "evil",
                "problem_id": problem_id,
                "sample_idx": 0,
                "label": "guess",
                "who": "<script>window.__pwned='who'</script>",
                "at": "2025-01-01T00:00:00.000000Z",
                "note": HOSTILE,
            }
        ],
    )
