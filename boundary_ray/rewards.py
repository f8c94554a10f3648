"""The project's verifiers as an RLVR reward, in the two calling conventions RL frameworks use.

- verl's custom reward function (``custom_reward_function.path`` = this file, ``.name`` =
  ``compute_score``): ``compute_score(data_source, solution_str, ground_truth, extra_info=None)
  -> float``, called by verl's reward managers with keyword arguments;
- TRL's ``reward_funcs`` (``GRPOTrainer(reward_funcs=[reward])``): ``reward(completions,
  **kwargs) -> list[float]``, the completions as strings or as conversations (lists of
  messages), the dataset's other columns as keyword arguments, one value per completion.

The reward is 1.0 for the verdict ``correct`` and 0.0 for anything else (wrong, no answer,
timeout, error), the same verdict ``boundary run`` stores. Code runs in the sandbox, judged on
the host (``verifiers/code/verifier.py``): a policy that learns to forge a pass (end the process
early, print what a harness expects, patch the checker) is exactly what RL finds, and the
forgery defences are the point. What they do not cover carries over: a functional problem whose
tests fit none of the host-judged modes is run inside the candidate's process (``in_process``,
``answer_rule`` ending ``+in_process``; 1 of the first 40 HumanEval problems), where a program
written against the harness can forge its pass; prefer problems with asserts, reference
programs or stdio cases for training. Which verifier judges a sample:

- ``extra_info["task"]`` (verl) or a ``task`` column (TRL): ``math``, ``code`` or ``visual``;
- else the data source (``data_source``, or a ``data_source`` column) naming a code set
  (``humaneval``, ``mbpp``, ``livecodebench``, ``apps``, ``taco``, ``codecontests``, ``code``);
- else math.

The gold: for math and visual, ``ground_truth`` (verl) or the ``answer`` / ``solution`` /
``ground_truth`` column (TRL); for code, the project's tests JSON (``{"kind": "functional", ...}``
or ``{"kind": "stdio", "cases": [...]}``), a ``tests`` column for TRL, or verl's and PRIME's
stdio form ``{"inputs": [...], "outputs": [...]}``. A gold that cannot be read is an error
(``BoundaryError``), never a silent 0.0. Optional context: ``question`` (an equation's asked
quantity), ``finish_reason`` ('length': a cut-off response counts only an explicit answer) and
MathVista's grading fields for visual problems.

One verifier per process (its math-verify child and the sandbox checks start once), rebuilt
after a fork; calls are serialized by a lock.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from typing import Any

from boundary_ray.errors import BoundaryError

CODE_SOURCES = ("humaneval", "mbpp", "livecodebench", "apps", "taco", "codecontests", "code")
TASKS = ("math", "code", "visual")
VISUAL_FIELDS = ("question_type", "answer_type", "choices", "precision", "unit")
GOLD_COLUMNS = ("answer", "solution", "ground_truth")
MATH_TIMEOUT_S = 5.0
CODE_TIMEOUT_S = 10.0

_lock = threading.Lock()
_shared: dict[int, Any] = {}  # pid -> TaskVerifier


def compute_score(
    data_source: str, solution_str: str, ground_truth: Any, extra_info: dict[str, Any] | None = None
) -> float:
    """verl's custom reward: 1.0 when ``solution_str`` is correct for ``ground_truth``, else 0.0."""
    extra = dict(extra_info or {})
    task = _task(extra.get("task"), data_source)
    return _score(task, solution_str, ground_truth, extra)


def reward(completions: Sequence[Any], **kwargs: Any) -> list[float]:
    """TRL's reward function: one 1.0 / 0.0 per completion (string or list of messages), the
    dataset's columns (``answer`` or ``solution``, ``tests``, ``task``, ...) as keyword lists."""
    scores = []
    for i, completion in enumerate(completions):
        row = {key: _at(value, i, len(completions)) for key, value in kwargs.items()}
        task = _task(row.get("task"), row.get("data_source"))
        if task == "code":
            gold = row.get("tests")
            if gold is None:
                gold = row.get("ground_truth")
        else:
            gold = next((row[c] for c in GOLD_COLUMNS if row.get(c) is not None), None)
        scores.append(_score(task, completion_text(completion), gold, row))
    return scores


def completion_text(completion: Any) -> str:
    """A TRL completion as text: the string itself, or the last assistant message's content
    (a string, or a list of content parts whose text parts are joined)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        completion = [completion]
    if isinstance(completion, list):
        for message in reversed(completion):
            if isinstance(message, dict) and message.get("role", "assistant") == "assistant":
                content = message.get("content")
                if isinstance(content, list):
                    return "".join(
                        part.get("text", "") for part in content if isinstance(part, dict)
                    )
                return "" if content is None else str(content)
    raise BoundaryError(
        f"reward: a completion must be a string or a list of messages, got {type(completion).__name__}"
    )


def close() -> None:
    """Stop this process's verifier (its math-verify child); the next call starts a new one."""
    with _lock:
        verifier = _shared.pop(os.getpid(), None)
        if verifier is not None:
            verifier.close()


def _score(task: str, response: str, gold: Any, context: dict[str, Any]) -> float:
    if not isinstance(response, str):
        raise BoundaryError(f"reward: the response must be a string, got {type(response).__name__}")
    row: dict[str, Any] = {
        "task": task,
        "response": response,
        "finish_reason": context.get("finish_reason"),
        "question": context.get("question"),
    }
    if task == "code":
        row["tests"] = _tests(gold)
    else:
        if gold is None or isinstance(gold, dict | list | bool):
            raise BoundaryError(
                f"reward: the gold answer must be a string or a number, got {gold!r}"
            )
        row["answer"] = str(gold)
        if task == "visual":
            row.update({name: context.get(name) for name in VISUAL_FIELDS})
    with _lock:
        verdict, _ms = _verifier().judge(row)
    return 1.0 if verdict.correct else 0.0


def _task(task: Any, data_source: Any) -> str:
    if task is not None:
        if task not in TASKS:
            raise BoundaryError(f"reward: task {task!r} is not one of {', '.join(TASKS)}")
        return str(task)
    source = str(data_source or "").lower()
    return "code" if any(name in source for name in CODE_SOURCES) else "math"


def _tests(gold: Any) -> str:
    """The code verifier's tests JSON from the project's form or verl's stdio form."""
    tests = gold
    if isinstance(gold, str):
        try:
            tests = json.loads(gold)
        except json.JSONDecodeError:
            raise BoundaryError("reward: code ground truth is a string but not JSON") from None
    if not isinstance(tests, dict):
        raise BoundaryError("reward: code ground truth must be a JSON object (the tests)")
    if "kind" not in tests and "inputs" in tests and "outputs" in tests:
        inputs, outputs = tests["inputs"], tests["outputs"]
        if (
            not isinstance(inputs, list)
            or not isinstance(outputs, list)
            or len(inputs) != len(outputs)
        ):
            raise BoundaryError(
                "reward: code ground truth 'inputs' and 'outputs' must be lists of one length"
            )
        tests = {
            "kind": "stdio",
            "cases": [{"input": i, "output": o} for i, o in zip(inputs, outputs, strict=True)],
        }
    if tests.get("kind") not in ("functional", "stdio"):
        raise BoundaryError(
            "reward: code ground truth needs 'kind' functional or stdio, or 'inputs' and 'outputs'"
        )
    return json.dumps(tests)


def _at(value: Any, i: int, n: int) -> Any:
    """Column ``value`` for completion ``i``: TRL passes one list entry per completion."""
    if isinstance(value, list | tuple) and len(value) == n:
        return value[i]
    return value


def _verifier() -> Any:
    """This process's verifier (callers hold ``_lock``)."""
    pid = os.getpid()
    verifier = _shared.get(pid)
    if verifier is None:
        from boundary_ray.verifiers.router import TaskVerifier

        # a parent's verifier, inherited by fork, is left alone: its child process is not ours
        verifier = _shared[pid] = TaskVerifier(MATH_TIMEOUT_S, CODE_TIMEOUT_S)
    return verifier
