"""Inspect AI logs for the import tests, written by inspect-ai itself: a real ``Task`` with
``generate()`` and its ``match()`` scorer, evaluated on its ``mockllm/model`` (offline) whose
responses are canned, correct or not by a fixed rule: the known truth (helpers, not tests)."""

from __future__ import annotations

import hashlib
from pathlib import Path

PROBLEMS = [("arith-00", 3, 4), ("arith-01", 12, 30), ("arith-02", 7, 8), ("arith-03", 100, 23)]


def question(a: int, b: int) -> str:
    return f"What is {a} + {b}?"


def canned(a: int, b: int, call: int, salt: str) -> tuple[str, bool]:
    """(response, correct) of the ``call``-th generation for ``a + b``. Inspect's ``match``
    reads the end of the text; ours the final answer: they part on the second and fourth form."""
    form = hashlib.sha256(f"{salt}|{a}|{b}|{call}".encode()).digest()[0] % 5
    if form == 0:
        return f"Adding them: {a + b}. The sum is \\boxed{{{a + b}}}", True
    if form == 1:
        return f"\\boxed{{{a + b}}} is the sum of {a} and {b}", True
    if form == 2:
        return f"The answer is \\boxed{{{a + b + 1}}}", False
    if form == 3:
        return f"So the final answer is {a + b + 2}. Checking: {a} + {b} = {a + b}", False
    return "I cannot tell.", False


def write_log(
    folder: Path, epochs: int, salt: str, with_ids: bool, fail: tuple[str, int] | None = None
):
    """Evaluate the problems for ``epochs`` epochs; the log's path and the truth
    (``problem_id -> [correct of epoch 1, 2, ...]``, an epoch that failed left out). ``fail``:
    (problem_id, n): that problem's n-th generation raises, logged as a sample error."""
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import MemoryDataset, Sample
    from inspect_ai.log import read_eval_log
    from inspect_ai.model import ModelOutput, ModelUsage, get_model
    from inspect_ai.scorer import match
    from inspect_ai.solver import generate

    calls: dict[str, int] = {}
    known: dict[tuple[str, str], bool] = {}  # (problem_id, response) -> correct
    ids = {question(a, b): (pid, a, b) for pid, a, b in PROBLEMS}

    def outputs(messages, tools, tool_choice, config):
        pid, a, b = ids[messages[-1].text]
        call = calls[pid] = calls.get(pid, 0) + 1
        if fail == (pid, call):
            raise RuntimeError("the model server went away")
        text, ok = canned(a, b, call, salt)
        known[(pid, text)] = ok
        output = ModelOutput.from_content(model="mockllm", content=text)
        output.usage = ModelUsage(input_tokens=8, output_tokens=len(text.split()), total_tokens=8)
        return output  # with usage set, mockllm counts no tokens (tiktoken would download)

    samples = [
        Sample(input=question(a, b), target=str(a + b), id=pid if with_ids else None)
        for pid, a, b in PROBLEMS
    ]
    task = Task(dataset=MemoryDataset(samples), solver=generate(), scorer=match(), epochs=epochs)
    model = get_model("mockllm/model", custom_outputs=outputs)
    (log,) = inspect_eval(
        task,
        model=model,
        log_dir=str(folder),
        display="none",
        fail_on_error=False,
        max_connections=1,
        retry_on_error=0,
    )
    truth: dict[str, list[bool]] = {pid: [] for pid, _, _ in PROBLEMS}
    for sample in sorted(read_eval_log(log.location).samples, key=lambda s: s.epoch):
        pid = ids[sample.input][0]
        if sample.error is None:
            truth[pid].append(known[(pid, sample.output.completion)])
    return Path(log.location), truth
