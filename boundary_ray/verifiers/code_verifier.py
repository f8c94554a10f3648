"""The code verifier: extract the program, run it against the problem's tests in the sandbox.

``tests`` (a JSON string, DESIGN.md) is one of:

- ``{"kind": "functional", "prompt", "entry_point", "test"}``: one sandboxed run of
  ``prompt + program``, then ``test`` (which defines ``check(candidate)``), then
  ``check(<entry_point>)``. It is correct only when the launcher reports, with this run's
  nonce, that the whole program returned; a program that exits early (``exit(0)`` at import,
  ``os._exit(0)`` in the function) never gets that report, whatever its exit code.
- ``{"kind": "stdio", "cases": [{"input", "output"}, ...]}``: one sandboxed run per case, the
  case's input on stdin, the output compared here, on the host (line by line, trailing
  whitespace ignored; numbers within 1e-6). Each case must also run to its end (``exit(0)``
  after printing is fine). The first failing case decides.

Verdicts: ``correct``; ``wrong`` (a test assertion failed, or an output differed);
``timeout`` (wall or CPU limit); ``error`` (crash, exception, early exit, output flood, no
report); ``no_answer`` (no program in the response). Each non-correct verdict has a reason.
"""

from __future__ import annotations

import ast
import json
import math
import signal
from typing import Any

from boundary_ray.verifiers.base import Verdict, Verifier
from boundary_ray.verifiers.code_extraction import extract_code
from boundary_ray.verifiers.untrusted_exec import (
    Limits,
    RunResult,
    sandbox_available,
    untrusted_run,
)

CPU_SIGNALS = {-signal.SIGXCPU, -signal.SIGKILL}  # RLIMIT_CPU soft, then hard
MAX_EXTRACTED_CHARS = 20_000  # what is kept in the lake's extracted_answer


class CodeVerifier(Verifier):
    """Judge code samples: row keys ``response``, ``tests`` (JSON), ``finish_reason``."""

    name = "code"

    def __init__(self, timeout_s: float = 10.0) -> None:
        """``timeout_s``: wall limit of one sandboxed run (all functional tests, or one stdio
        case). Fails here, loudly, when the sandbox is unavailable and not opted out of."""
        super().__init__()
        self.timeout_s = timeout_s
        self.limits = Limits(wall_s=timeout_s)
        sandbox_available()

    def verify_one(self, row: dict[str, Any]) -> Verdict:
        """Extract the program of ``row['response']`` and run it against ``row['tests']``."""
        tests = _parse_tests(row.get("tests"))
        if isinstance(tests, str):
            return Verdict("error", reason=tests)
        functional = tests["kind"] == "functional"
        found = extract_code(
            row.get("response"), row.get("finish_reason"), completes_prompt=functional
        )
        if found is None:
            if row.get("finish_reason") == "length":
                reason = "truncated (finish_reason=length) before a complete code block"
            else:
                reason = "no Python code block or program in the response"
            return Verdict("no_answer", reason=reason)
        if functional:
            program = _after_prompt(tests["prompt"], found.code, found.rule)
            verdict, reason = self._functional(program, tests)
        else:
            verdict, reason = self._stdio(found.code, tests)
        return Verdict(verdict, found.code[:MAX_EXTRACTED_CHARS], found.rule, reason)

    def _functional(self, code: str, tests: dict[str, Any]) -> tuple[str, str | None]:
        program = f"{code}\n\n\n{tests['test']}\n\n\ncheck({tests['entry_point']})\n"
        result = untrusted_run(program, limits=self.limits)
        limit = _limit_verdict(result, self.timeout_s)
        if limit is not None:
            return limit
        report = result.report
        if report == "ok":
            return "correct", None
        if report.startswith("raised AssertionError"):
            return "wrong", "test failed: " + report[len("raised ") :]
        if report.startswith("exit "):
            return "error", f"exited before the tests finished (SystemExit {report[5:]})"
        return "error", report[len("raised ") :] if report.startswith("raised ") else report

    def _stdio(self, code: str, tests: dict[str, Any]) -> tuple[str, str | None]:
        for number, case in enumerate(tests["cases"], start=1):
            result = untrusted_run(code, stdin=case["input"], limits=self.limits)
            limit = _limit_verdict(result, self.timeout_s)
            if limit is not None:
                return limit[0], f"case {number}: {limit[1]}"
            if result.report.startswith("raised "):
                return "error", f"case {number}: {result.report[len('raised ') :]}"
            if result.report.startswith("exit ") and result.report[5:] not in ("0", "None"):
                return "error", f"case {number}: exit code {result.report[5:]}"
            output = result.stdout.decode("utf-8", "replace")
            if not outputs_match(output, case["output"]):
                return (
                    "wrong",
                    f"case {number}: expected {_clip(case['output'])}, got {_clip(output)}",
                )
        return "correct", None


def outputs_match(got: str, expected: str) -> bool:
    """Whether two stdout texts agree: lines compared with trailing whitespace and trailing
    blank lines ignored; failing that, token by token with numbers within 1e-6."""
    got_lines, expected_lines = _lines(got), _lines(expected)
    if got_lines == expected_lines:
        return True
    got_tokens, expected_tokens = got.split(), expected.split()
    if len(got_tokens) != len(expected_tokens):
        return False
    return all(_tokens_match(a, b) for a, b in zip(got_tokens, expected_tokens, strict=True))


def _after_prompt(prompt: str, code: str, rule: str) -> str:
    """The candidate with the problem's prompt: a completion continues the prompt; a fenced
    block goes after it (so the prompt's imports and helpers are defined), unless only the block
    on its own parses (e.g. the prompt is a bare signature that the block repeats in full)."""
    if rule == "completion":
        return prompt + code
    joined = f"{prompt}\n{code}"
    if _parses(joined) or not _parses(code):
        return joined
    return code


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _limit_verdict(result: RunResult, timeout_s: float) -> tuple[str, str] | None:
    """The verdict when the run hit a limit or never reported; ``None`` when it reported."""
    if result.status == "timeout":
        return "timeout", f"wall time limit ({timeout_s:g} s)"
    if result.status == "output_limit":
        return "error", "output limit exceeded (stdout or stderr)"
    if result.report is not None:
        return None
    if result.exit_code in CPU_SIGNALS:
        return "timeout", "CPU time limit"
    last = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    detail = f"; stderr: {_clip(last[0])}" if last[0] else ""
    return "error", f"no proof the program ran to its end (exit code {result.exit_code}){detail}"


def _parse_tests(raw: Any) -> dict[str, Any] | str:
    """The tests as a dict, or a string saying what is wrong with them."""
    try:
        tests = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError:
        return "tests: not valid JSON"
    if not isinstance(tests, dict):
        return "tests: not a JSON object"
    kind = tests.get("kind")
    needed = {"functional": ("prompt", "entry_point", "test"), "stdio": ("cases",)}.get(kind)
    if needed is None:
        return f"tests.kind: {kind!r} is not 'functional' or 'stdio'"
    missing = [name for name in needed if name not in tests]
    if missing:
        return f"tests.{missing[0]}: missing"
    if kind == "stdio" and (not tests["cases"] or not all(_is_case(c) for c in tests["cases"])):
        return "tests.cases: needs a non-empty list of {input, output} strings"
    return tests


def _is_case(case: Any) -> bool:
    return (
        isinstance(case, dict)
        and isinstance(case.get("input"), str)
        and isinstance(case.get("output"), str)
    )


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _tokens_match(got: str, expected: str) -> bool:
    if got == expected:
        return True
    try:
        a, b = float(got), float(expected)
    except ValueError:
        return False
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


def _clip(text: str, size: int = 80) -> str:
    text = text.strip()
    return repr(text if len(text) <= size else text[:size] + "...")
