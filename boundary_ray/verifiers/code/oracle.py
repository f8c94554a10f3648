"""Where a functional problem's host-held cases come from, worked out once per problem.

``Oracles.get(tests)`` returns an ``Oracle``: the mode and the cases, cached by the tests' text
(so a problem's reference runs once per verifier process, not once per sample). In order:

1. ``asserts``: the test's own literal asserts, read with ``ast`` (``cases``);
2. ``io``: provided data: evalplus' exported ``inputs``/``results`` tables in the test (checked
   by its standard ``assertion``: ``cases.cases_from_io_table``), or ``tests.inputs``
   (argument lists) with ``tests.outputs``
   (LiveCodeBench functional cases), or without outputs but with ``tests.reference`` (evalplus
   ``base_input``/``plus_input``: the reference is run once, in the sandbox, for the outputs);
   compared with ``tests.compare`` (``eq``, ``lcb``, ``allclose`` with ``tests.atol``);
3. ``reference``: ``tests.reference`` run once in the sandbox through the test, whose recognized
   asserts record (inputs, the test's expected value, the reference's result); used only when
   the candidate appears nowhere else in the test, no other assert is left (it would check
   the reference only), the reference changes none of its arguments in place (an expected
   value could alias them) and it passes every recorded case; a test that seeds ``random``
   records the state before each call, restored before the candidate's;
4. ``in_process``: anything else (property checks such as HumanEval's ``find_zero``): the test
   runs inside the candidate's process, a weaker mode (``drivers.in_process_driver``).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import re
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from boundary_ray.sandbox.untrusted_exec import Limits, untrusted_run
from boundary_ray.verifiers.code.cases import (
    COMPARES,
    MAX_CASES,
    WRAPS,
    Case,
    cases_from_io_table,
)
from boundary_ray.verifiers.code.drivers import FUNCTIONAL_MODULE as MODULE
from boundary_ray.verifiers.code.drivers import calls_driver, record_driver, record_test
from boundary_ray.verifiers.code.plain import PlainDataError, decode
from boundary_ray.verifiers.code.reader import cases_from_asserts

MODES = ("asserts", "io", "reference", "in_process")
# what tests.compare may name (the others belong to shapes read from a test's statements)
IO_COMPARES = tuple(c for c in COMPARES if c not in ("in", "not_in", "call"))
REFERENCE_WALL_S = 60.0
MAX_PROBLEMS = 4096  # oracles kept per verifier process
_SEEDS = re.compile(r"\bseed\s*\(")  # a test that seeds random: replay its state per call


@dataclass(frozen=True)
class Oracle:
    """How one problem is judged: ``mode`` (one of ``MODES``), the host-held ``cases`` (empty
    for ``in_process``), ``method`` (call ``entry_point().method``), ``note``: why the
    problem fell back to ``in_process``, if it did, and ``driver``: the candidate's calls."""

    mode: str
    cases: tuple[Case, ...] = ()
    method: str | None = None
    note: str | None = None
    driver: str = ""  # the calls driver for these cases, built once
    calls: list = field(default_factory=list)  # its data: (args, kwargs, wrap) per case


class Oracles:
    """A thread-safe cache of ``Oracle`` per problem (keyed by a hash of its tests; the
    ``MAX_PROBLEMS`` most recent)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits(wall_s=REFERENCE_WALL_S, cpu_s=int(REFERENCE_WALL_S))
        self._cache: dict[str, Oracle] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.reference_runs = 0

    def get(self, tests: dict[str, Any]) -> Oracle:
        """The problem's oracle, worked out on first use."""
        key = hashlib.sha256(json.dumps(tests, sort_keys=True).encode()).hexdigest()
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                oracle = self._work_out(tests)
                with self._lock:
                    while len(self._cache) >= MAX_PROBLEMS:  # the oldest problem goes first
                        oldest = next(iter(self._cache))
                        del self._cache[oldest]
                        self._locks.pop(oldest, None)
                    self._cache[key] = oracle
            return self._cache[key]

    def _work_out(self, tests: dict[str, Any]) -> Oracle:
        oracle = self._cases(tests)
        if oracle.mode == "in_process":
            return oracle
        calls = [
            (case.args, case.kwargs, case.wrap)
            if case.state is None
            else (case.args, case.kwargs, case.wrap, case.state)
            for case in oracle.cases
        ]
        try:
            marshal.dumps(calls)
        except ValueError:
            return Oracle("in_process", note="the inputs are not plain data")
        driver = calls_driver(tests["entry_point"], oracle.method)
        return replace(oracle, driver=driver, calls=calls)

    def _cases(self, tests: dict[str, Any]) -> Oracle:
        method = tests.get("method")
        cases = cases_from_asserts(tests["test"])
        if cases is not None:
            return Oracle("asserts", tuple(cases), method)
        table = cases_from_io_table(tests["test"], tests["entry_point"])
        if table is not None:
            return Oracle("io", tuple(table), method)
        if tests.get("inputs") is not None:
            return self._from_io(tests, method)
        if not tests.get("reference"):
            return Oracle("in_process", note="the test is not literal asserts; no reference")
        return self._from_reference(tests, method)

    def _from_io(self, tests: dict[str, Any], method: str | None) -> Oracle:
        inputs = tests["inputs"]
        compare = tests.get("compare", "eq")
        if compare not in IO_COMPARES or not isinstance(inputs, list) or len(inputs) > MAX_CASES:
            return Oracle("in_process", note="tests.inputs/compare: not usable")
        if not all(isinstance(args, list) for args in inputs):
            return Oracle("in_process", note="tests.inputs: not lists of arguments")
        tol = (float(tests.get("atol") or 0.0),)
        outputs = tests.get("outputs")
        if compare == "poly_root":  # the coefficients are the oracle's data
            outputs = [args[0] if args else None for args in inputs]
        if outputs is None:
            outputs = self._reference_outputs(tests, method, inputs)
            if isinstance(outputs, str):
                return Oracle("in_process", note=outputs)
        if len(outputs) != len(inputs):
            return Oracle("in_process", note="tests.outputs: not one per input")
        cases = [
            Case(tuple(args), {}, expected, compare, tol)
            for args, expected in zip(inputs, outputs, strict=True)
        ]
        return Oracle("io", tuple(cases), method)

    def _reference_outputs(
        self, tests: dict[str, Any], method: str | None, inputs: list[list[Any]]
    ) -> list[Any] | str:
        if not tests.get("reference"):
            return "tests.inputs without outputs or a reference"
        driver = calls_driver(tests["entry_point"], method)
        calls = [(tuple(args), {}, None) for args in inputs]
        self.reference_runs += 1
        result = untrusted_run(
            tests["reference"], limits=self.limits, driver=driver, data=calls, module=MODULE
        )
        try:
            entries = decode(result.results)
        except PlainDataError as exc:
            return f"reference run gave no outputs ({exc}; {result.status}, {result.ending})"
        if len(entries) != len(inputs) or any(kind != "v" for kind, _ in entries):
            return "the reference failed on a provided input"
        return [value for _, value in entries]

    def _from_reference(self, tests: dict[str, Any], method: str | None) -> Oracle:
        why: list[str] = []
        rewritten = record_test(tests["test"], why)
        if rewritten is None:
            return Oracle("in_process", note=why[0] if why else "the test is not recordable")
        program = f"{tests['reference']}\n\n\n{rewritten}\n"
        replay = _SEEDS.search(tests["test"]) is not None
        driver = record_driver(tests["entry_point"], method, MAX_CASES, replay)
        self.reference_runs += 1
        result = untrusted_run(program, limits=self.limits, driver=driver, module=MODULE)
        if result.raised is not None:
            return Oracle("in_process", note=f"the reference run raised {result.raised}")
        try:
            records = decode(result.results)
        except PlainDataError as exc:
            return Oracle("in_process", note=f"reference run recorded nothing ({exc})")
        cases = []
        for args, kwargs, expected, tol, meta, got, *state in _records(records, replay):
            compare, wrap = meta[0], meta[1]
            post = tuple(meta[2]) if len(meta) > 2 and meta[2] is not None else ()
            case = Case(
                tuple(args),
                kwargs,
                expected,
                compare,
                tuple(tol),
                wrap,
                post,
                state[0] if state else None,
            )
            if not case.matches(got):
                return Oracle("in_process", note="the reference fails its own test")
            cases.append(case)
        if not cases:
            return Oracle("in_process", note="reference run recorded no case")
        return Oracle("reference", tuple(cases), method)


def _records(records: Any, replay: bool = False) -> list[tuple]:
    """Recorded rows ``[args, kwargs, expected, tol, [compare, wrap, post], got]`` (and the
    random state, with ``replay``); ``[]`` when any row is malformed."""
    if type(records) is not list:
        return []
    rows = []
    for row in records:
        if type(row) is not list or len(row) != (7 if replay else 6):
            return []
        args, kwargs, expected, tol, meta, got = row[:6]
        if replay and not _is_random_state(row[6]):
            return []
        if type(args) is not list or type(kwargs) is not dict or type(tol) is not list:
            return []
        if type(meta) is not list or len(meta) not in (2, 3) or meta[0] not in COMPARES:
            return []
        if meta[1] is not None and meta[1] not in WRAPS:
            return []
        post = meta[2] if len(meta) == 3 else None
        if post is not None and not (
            type(post) is list
            and len(post) == 2
            and post[0] == "round"
            and (post[1] is None or type(post[1]) is int)
        ):
            return []
        rows.append(tuple(row))
    return rows


def _is_random_state(state: Any) -> bool:
    """``random.getstate()``'s shape: ``(3, (625 ints), None or float)``."""
    return (
        type(state) is tuple
        and len(state) == 3
        and state[0] == 3
        and type(state[1]) is tuple
        and len(state[1]) == 625
        and all(type(word) is int for word in state[1])
    )
