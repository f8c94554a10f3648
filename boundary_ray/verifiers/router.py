"""``TaskVerifier``: the pipeline's verifier stage, routing each sample by its problem's task.

Beside the answer verdict it gives each sample its process verdict (``process/verifier.py``):
``n/a`` unless the problem's ``meta`` holds a gold dependency graph (synthetic problems).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from boundary_ray.schema import task_of
from boundary_ray.verifiers.base import Verdict, Verifier
from boundary_ray.verifiers.process.verifier import process_row


class TaskVerifier(Verifier):
    """Sends ``task == 'math'`` rows to ``MathVerifier``, ``'visual'`` rows to ``VisualVerifier``
    and ``'code'`` rows to ``CodeVerifier``;
    each is built on first use, so a math-only run never touches the sandbox."""

    name = "task"

    def __init__(self, math_timeout_s: float = 5.0, code_timeout_s: float = 10.0) -> None:
        super().__init__()
        # visual (MathVista, MathVision) uses math-verify with the math timeout
        self.timeouts = {"math": math_timeout_s, "code": code_timeout_s, "visual": math_timeout_s}
        self.verifiers: dict[str, Verifier] = {}

    def verify_one(self, row: dict[str, Any]) -> Verdict:
        task = task_of(row)
        if task not in self.timeouts:
            return Verdict("error", reason=f"unknown task {task!r}")
        verdict = self._verifier(task).verify_one(row)
        process = process_row(row)
        return replace(verdict, process_verdict=process.verdict, process_reason=process.reason)

    def start(self, tasks: Iterable[str]) -> None:
        """Start now what the verifiers of ``tasks`` would start at their first sample: the
        math-verify child for ``math`` (sympy's import takes 1-2 CPU-s). ``VerifyAndWrite`` calls
        it while the engine loads, so the first sampled batch does not wait for it and a 2-core
        machine does not spend it beside a sampling engine. Code and visual verifiers still start
        on first use (the sandbox check fails a code batch, not the stage)."""
        if "math" in tasks:
            self._verifier("math").start()

    def check_ready(self, tasks: Iterable[str]) -> None:
        """Build the verifiers of ``tasks`` now, so that one that cannot work here (code without
        its sandbox) raises before anything is written, rather than giving every sample the
        verdict ``error`` (``boundary import``)."""
        for task in tasks:
            if task in self.timeouts:
                self._verifier(task)

    def _verifier(self, task: str) -> Verifier:
        if task not in self.verifiers:
            if task == "math":
                from boundary_ray.verifiers.math.verifier import MathVerifier

                self.verifiers[task] = MathVerifier(timeout_s=self.timeouts[task])
            elif task == "visual":
                from boundary_ray.verifiers.visual import VisualVerifier

                self.verifiers[task] = VisualVerifier(timeout_s=self.timeouts[task])
            else:
                from boundary_ray.verifiers.code.verifier import CodeVerifier

                self.verifiers[task] = CodeVerifier(timeout_s=self.timeouts[task])
        return self.verifiers[task]

    def close(self) -> None:
        """Stop the verifiers' child processes (the Ray actor's exit does this too)."""
        for verifier in self.verifiers.values():
            close = getattr(verifier, "close", None)
            if close is not None:
                close()
        self.verifiers.clear()
