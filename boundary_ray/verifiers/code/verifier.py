"""The code verifier: extract the program, run it in the sandbox, decide on the host.

``tests`` (a JSON string, DESIGN.md) is one of:

- ``{"kind": "functional", "prompt", "entry_point", "test", ...}``. The problem's cases come
  from ``oracle`` (the test's literal asserts, provided inputs/outputs, or a reference run
  once per problem); the candidate runs on the inputs only and sends its results as plain data
  (``plain``); the host decodes them strictly and compares them with expected values the
  candidate never saw. Optional keys: ``reference`` (a reference program), ``inputs``,
  ``outputs``, ``compare``, ``atol``, ``method`` (call ``entry_point().method``). A test that
  fits none of those runs inside the candidate's process (``in_process``, weaker: a program
  written against this harness can forge its pass), and ``answer_rule`` says so.
- ``{"kind": "stdio", "cases": [{"input", "output"}, ...], "float_tol"?}``: one sandboxed run per
  case, stdout compared on the host (``stdio``: LiveCodeBench's rule, stricter). The
  candidate must end normally (``exit(0)`` after printing is fine). The first failing case
  decides.

``answer_rule`` is ``<extraction rule>+<mode>`` for functional problems (``fenced+asserts``,
``fenced_open_sanitized+reference``, ``completion+in_process``), the extraction rule for stdio.
Verdicts: ``correct``; ``wrong`` (an output differed, a result was not plain data, a test
assertion failed); ``timeout`` (wall or CPU limit); ``error`` (crash, exception, early exit,
output flood, broken report channel); ``no_answer`` (no program, or a truncated response whose
entry point is not provably complete). Each non-correct verdict has a reason.
"""

from __future__ import annotations

import ast
import functools
import json
import secrets
import signal
import sys
import warnings
from collections import Counter
from typing import Any

from boundary_ray.sandbox import untrusted_cgroup
from boundary_ray.sandbox.untrusted_exec import (
    Limits,
    RunResult,
    sandbox_available,
    untrusted_run,
)
from boundary_ray.verifiers.base import Verdict, Verifier
from boundary_ray.verifiers.code.cases import Case
from boundary_ray.verifiers.code.drivers import FUNCTIONAL_MODULE, in_process_driver
from boundary_ray.verifiers.code.extraction import extract_code
from boundary_ray.verifiers.code.oracle import Oracle, Oracles
from boundary_ray.verifiers.code.plain import PlainDataError, brief_repr, decode
from boundary_ray.verifiers.code.stdio import outputs_match

MAX_EXTRACTED_CHARS = 20_000  # what is kept in the lake's extracted_answer
MAX_RESPONSE_CHARS = 1 << 20  # longer responses are not read (an error): host work stays bounded

__all__ = ["CodeVerifier", "outputs_match"]


class CodeVerifier(Verifier):
    """Judge code samples: row keys ``response``, ``tests`` (JSON), ``finish_reason``.
    ``counters`` also counts samples per functional mode (``mode:asserts``, ...,
    ``mode:in_process``)."""

    name = "code"

    def __init__(self, timeout_s: float = 10.0) -> None:
        """``timeout_s``: wall limit of one sandboxed run (all of a problem's calls, or one
        stdio case). Fails here, loudly, when the sandbox is unavailable and not opted out of."""
        super().__init__()
        self.timeout_s = timeout_s
        self.limits = Limits(wall_s=timeout_s)
        self.oracles = Oracles()
        self.modes: Counter[str] = Counter()
        sandbox_available()
        if untrusted_cgroup.available() is None:
            _warn_no_cgroup(self.limits.worst_case_mb)

    def verify_one(self, row: dict[str, Any]) -> Verdict:
        """Extract the program of ``row['response']`` and judge it against ``row['tests']``."""
        tests = _parse_tests(row.get("tests"))
        if isinstance(tests, str):
            return Verdict("error", reason=tests)
        functional = tests["kind"] == "functional"
        response = row.get("response")
        if isinstance(response, str) and len(response) > MAX_RESPONSE_CHARS:
            return Verdict("error", reason=f"response over {MAX_RESPONSE_CHARS} characters")
        found = extract_code(
            row.get("response"),
            row.get("finish_reason"),
            completes_prompt=functional,
            entry_point=tests.get("entry_point") if functional else None,
            prompt=tests.get("prompt", "") if functional else "",
        )
        if found is None:
            if row.get("finish_reason") == "length":
                reason = "truncated (finish_reason=length) before a complete program"
            else:
                reason = "no Python code block or program in the response"
            return Verdict("no_answer", reason=reason)
        extracted = found.code[:MAX_EXTRACTED_CHARS]
        if not functional:
            verdict, reason = self._stdio(found.code, tests)
            return Verdict(verdict, extracted, found.rule, reason)
        try:
            oracle = self.oracles.get(tests)
        except ValueError:  # json.dumps of an int past Python's digit limit
            limit = sys.get_int_max_str_digits()
            return Verdict("error", reason=f"tests: an integer with more than {limit} digits")
        self.modes[oracle.mode] += 1
        self.counters[f"mode:{oracle.mode}"] += 1
        program = _after_prompt(tests["prompt"], found.code, found.rule)
        if oracle.mode == "in_process":
            verdict, reason = self._in_process(program, tests)
            reason = reason if reason is None else f"{reason} [in_process: {oracle.note}]"
        else:
            verdict, reason = self._host_judged(program, tests, oracle)
        return Verdict(verdict, extracted, f"{found.rule}+{oracle.mode}", reason)

    def _host_judged(
        self, program: str, tests: dict[str, Any], oracle: Oracle
    ) -> tuple[str, str | None]:
        result = untrusted_run(
            program,
            limits=self.limits,
            driver=oracle.driver,
            data=oracle.calls,
            module=FUNCTIONAL_MODULE,
        )
        limit = _limit_verdict(result, self.timeout_s)
        if limit is not None:
            return limit
        if not result.results:
            return _ended_early(result)
        if result.ending != "exit 0":
            return "error", f"the program did not end cleanly ({result.ending})"
        try:
            entries = decode(result.results)
        except PlainDataError as exc:
            return "error", f"results are not plain data ({exc})"
        if type(entries) is not list or len(entries) > len(oracle.cases):
            return "error", "results: not one entry per case"
        for number, case in enumerate(oracle.cases, start=1):
            if number > len(entries):
                return "error", f"case {number}: no result (the program stopped before it)"
            entry = entries[number - 1]
            if type(entry) is not list or len(entry) != 2 or entry[0] not in ("v", "n", "e", "u"):
                return "error", f"case {number}: malformed result entry"
            kind, value = entry
            if kind == "e":
                return "error", f"case {number}: {_text(value)}"
            if kind == "u":
                return "wrong", f"case {number}: result is not plain data ({_text(value)})"
            if kind == "n" and not _numpy_scalar_allowed(case, value):
                return "wrong", (
                    f"case {number}: {case.compare} check failed: a numpy scalar "
                    f"({_clip(_show(value))}) is not the builtin the test asks for"
                )
            if not case.matches(value):
                return "wrong", (
                    f"case {number}: {case.compare} check failed: "
                    f"expected {_clip(_show(case.expected))}, got {_clip(_show(value))}"
                )
        return "correct", None

    def _in_process(self, program: str, tests: dict[str, Any]) -> tuple[str, str | None]:
        token = secrets.token_hex(16)
        source = f"{program}\n\n\n{tests['test']}\n"
        driver = in_process_driver(tests["entry_point"], token)
        result = untrusted_run(source, limits=self.limits, driver=driver, module=FUNCTIONAL_MODULE)
        limit = _limit_verdict(result, self.timeout_s)
        if limit is not None:
            return limit
        if result.ending == "exit 0" and result.results == token.encode():
            return "correct", None
        raised = result.raised
        if raised is not None and raised.startswith("AssertionError"):
            return "wrong", "test failed: " + raised
        return _ended_early(result)

    def _stdio(self, code: str, tests: dict[str, Any]) -> tuple[str, str | None]:
        float_tol = tests.get("float_tol")
        for number, case in enumerate(tests["cases"], start=1):
            result = untrusted_run(code, stdin=case["input"], limits=self.limits)
            limit = _limit_verdict(result, self.timeout_s)
            if limit is not None:
                return limit[0], f"case {number}: {limit[1]}"
            if result.ending != "exit 0":
                return "error", f"case {number}: {_ended_early(result)[1]}"
            output = result.stdout.decode("utf-8", "replace")
            if not outputs_match(output, case["output"], float_tol):
                return (
                    "wrong",
                    f"case {number}: expected {_clip(case['output'])}, got {_clip(output)}",
                )
        return "correct", None


def _numpy_scalar_allowed(case: Case, value: Any) -> bool:
    """Where a numpy scalar fails although its value passes: ``is True/False/None``
    (``np.True_ is True`` is false), and evalplus' check when the values are not equal (it
    asserts ``type(out) == type(exp)`` before ``np.allclose``)."""
    if case.compare == "is":
        return False
    if case.compare == "allclose":
        return value == case.expected
    return True


@functools.cache
def _warn_no_cgroup(worst_case_mb: int) -> None:
    warnings.warn(
        "code sandboxes get no memory/pids cgroup here (set BOUNDARY_RAY_CGROUP to a delegated "
        f"cgroup v2 directory): each may hold up to {worst_case_mb} MiB, and verify.workers of "
        "them run at once; size verify.workers to fit this machine's memory",
        RuntimeWarning,
        stacklevel=3,
    )


def _after_prompt(prompt: str, code: str, rule: str) -> str:
    """The candidate with the problem's prompt: a completion continues the prompt; a fenced
    block goes after it (so the prompt's imports and helpers are defined), unless only the block
    on its own parses (e.g. the prompt is a bare signature that the block repeats in full)."""
    if rule == "completion":
        return prompt + code
    if rule == "completion_sanitized":
        return code  # already the prompt and its continuation
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
    """The verdict when the run hit a limit or its report channel failed; ``None`` otherwise."""
    if result.status == "timeout":
        return "timeout", f"wall time limit ({timeout_s:g} s)"
    if result.status == "output_limit":
        return "error", "output limit exceeded (stdout or stderr)"
    if result.ending is None:
        last = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        detail = f"; stderr: {_clip(last[0])}" if last[0] else ""
        return "error", f"no valid report: {result.channel_error}{detail}"
    if result.ending == f"signal {int(signal.SIGXCPU)}":
        return "timeout", "CPU time limit"
    if result.ending == "overflow":
        return "error", "results over their size cap"
    return None


def _ended_early(result: RunResult) -> tuple[str, str]:
    """Why a run that reported gave no results: an exception, an exit, a signal."""
    raised = result.raised
    if raised is not None:
        return "error", raised
    if result.ending == f"signal {int(signal.SIGKILL)}":
        return "error", "killed (SIGKILL: memory cap or CPU hard limit)"
    if result.ending and result.ending.startswith("signal "):
        return "error", f"killed by {result.ending}"
    code = (result.ending or "exit ?").removeprefix("exit ")
    return "error", f"exited before the tests finished (exit code {code})"


def _parse_tests(raw: Any) -> dict[str, Any] | str:
    """The tests as a dict, or a string saying what is wrong with them."""
    try:
        tests = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError:
        return "tests: not valid JSON"
    except ValueError:  # an integer past Python's digit limit for str -> int
        return f"tests: an integer with more than {sys.get_int_max_str_digits()} digits"
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
    if kind == "stdio" and not isinstance(tests.get("float_tol") or 0.0, int | float):
        return "tests.float_tol: must be a number"
    return tests


def _is_case(case: Any) -> bool:
    return (
        isinstance(case, dict)
        and isinstance(case.get("input"), str)
        and isinstance(case.get("output"), str)
    )


def _show(value: Any) -> str:
    """``repr`` for a reason, bounded (a huge result, an int past the decimal digit limit)."""
    return brief_repr(value)


def _text(value: Any) -> str:
    return value[:300] if type(value) is str else "?"


def _clip(text: str, size: int = 80) -> str:
    text = text.strip()
    return repr(text if len(text) <= size else text[:size] + "...")
