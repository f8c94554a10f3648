"""The math verifier: real equivalences, verdicts, the hard timeout in a child process, and
every benchmark's gold answer judged against itself."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
from math_child_knobs import Knobs

from boundary_ray.benchmarks.files import load_file
from boundary_ray.spec import BenchmarkSpec
from boundary_ray.verifiers.math.equivalence_client import MathEquivalenceClient
from boundary_ray.verifiers.math.verifier import MathVerifier, fast_compare

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks"
SETS = ("aime24", "amc23", "gsm8k", "math500", "minerva_math", "olympiadbench")


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for its new parent (pid 1) to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        return _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(
    ("gold", "response", "verdict"),
    [
        ("\\frac{1}{2}", "so it is \\boxed{0.5}", "correct"),
        ("0.5", "\\boxed{\\dfrac{1}{2}}", "correct"),
        ("\\frac{14}{3}", "The answer is $14/3$.", "correct"),
        ("\\frac{14}{3}", "\\boxed{4.67}", "wrong"),
        ("\\left( 3, \\frac{\\pi}{2} \\right)", "\\boxed{(3, \\pi/2)}", "correct"),
        ("(-\\infty, 3]", "\\boxed{\\left(-\\infty, 3\\right]}", "correct"),
        ("(1,2]", "\\boxed{[1,2]}", "wrong"),
        ("\\{1,2\\}", "\\boxed{\\{2, 1\\}}", "correct"),
        ("1, 3, 5", "\\boxed{5, 3, 1}", "correct"),
        ("3", "\\boxed{x=3}", "correct"),
        ("x=3", "The answer is 3.", "correct"),
        ("10\\%", "\\boxed{10}", "correct"),
        ("10\\%", "\\boxed{10\\%}", "correct"),
        ("5", "\\boxed{5\\text{ cm}}", "correct"),
        ("90^\\circ", "\\boxed{90}", "correct"),
        ("2\\sqrt{2}", "\\boxed{\\sqrt{8}}", "correct"),
        ("p - q", "\\boxed{-q + p}", "correct"),
        ("\\$32,\\!348", "\\boxed{32348}", "correct"),
        ("27", "#### 27.0", "correct"),
        ("1000", "so she pays 1,000", "correct"),
        ("4.5e33", "\\boxed{4.5 \\times 10^{33}}", "correct"),
        ("18", "\\boxed{17}", "wrong"),
        ("18", "I am not sure.", "no_answer"),
    ],
)
def test_equivalence_on_real_cases(verifier, gold: str, response: str, verdict: str) -> None:
    row = {"response": response, "answer": gold, "finish_reason": "stop", "task": "math"}
    result = verifier.verify_one(row)
    assert result.verdict == verdict, result
    assert (result.reason is None) == (verdict == "correct")


def test_fast_path_decides_plain_cases_only() -> None:
    assert fast_compare("\\frac{1}{2}", "\\dfrac{1}{2}") is True
    assert fast_compare("1000", "1,000") is True
    assert fast_compare("025", "25") is True
    assert fast_compare("18", "17") is False
    assert fast_compare("1,3", "13") is None  # not a thousands separator: math-verify decides
    assert fast_compare("0.5", "\\frac{1}{2}") is None
    assert fast_compare("0.3333333", "0.33333333") is None  # close: math-verify's rounding


def test_truncated_response_without_explicit_answer_is_no_answer(verifier) -> None:
    row = {"response": "3 + 4 = 7 and 7 * 2 = 14 so", "answer": "14", "finish_reason": "length"}
    result = verifier.verify_one(row)
    assert result.verdict == "no_answer" and "truncated" in result.reason
    row["finish_reason"] = "stop"
    assert verifier.verify_one(row).verdict == "correct"


def test_missing_gold_is_an_error(verifier) -> None:
    assert verifier.verify_one({"response": "\\boxed{1}", "answer": None}).verdict == "error"


def test_timeout_kills_the_slow_child_and_the_next_sample_gets_a_fresh_one(tmp_path) -> None:
    knobs = Knobs(tmp_path)
    client = MathEquivalenceClient(timeout_s=0.5, command=knobs.command)
    v = MathVerifier(client=client, cache_size=0)  # every sample goes to the child
    try:
        row = {"response": "\\boxed{\\frac{2}{4}}", "answer": "0.5"}  # needs math-verify
        assert v.verify_one(row).verdict == "correct"
        old_pid = v.child_pid()
        knobs.set(sleep=30.0)  # the child now sleeps before each comparison
        start = time.monotonic()
        result = v.verify_one(row)
        assert time.monotonic() - start < 5.0
        assert result.verdict == "timeout" and "killed" in result.reason
        assert result.extracted_answer == "\\frac{2}{4}"
        assert not _alive(old_pid)
        assert v.restarts == 1
        knobs.set(sleep=0.0)
        assert v.verify_one(row).verdict == "correct"
        assert v.child_pid() not in (None, old_pid)
    finally:
        v.close()


def test_pathological_input_times_out_without_sigalrm_in_a_thread() -> None:
    """9^(9^(9^9)) makes sympy compute for minutes; a worker thread cannot use SIGALRM."""
    v = MathVerifier(timeout_s=1.0)
    results = []
    row = {"response": "\\boxed{9^{9^{9^{9}}}}", "answer": "1"}
    ok = {"response": "\\boxed{\\frac{6}{4}}", "answer": "1.5"}

    def work() -> None:
        v.compare("1", "1")  # start the child from this thread, outside the timing
        results.extend([v.judge(row), v.judge(ok)])

    thread = threading.Thread(target=work)
    try:
        thread.start()
        thread.join(timeout=120)
        assert not thread.is_alive()
        (slow, slow_ms), (good, _) = results
        assert slow.verdict == "timeout" and 1000 <= slow_ms < 5000
        assert good.verdict == "correct"
        assert v.counters["timeout"] == 1 and v.counters["correct"] == 1
    finally:
        v.close()


def test_a_dead_child_is_restarted_and_a_crashing_sample_is_an_error(tmp_path) -> None:
    knobs = Knobs(tmp_path)
    client = MathEquivalenceClient(timeout_s=20.0, command=knobs.command)
    v = MathVerifier(client=client, cache_size=0)  # every sample goes to the child
    row = {"response": "\\boxed{\\frac{2}{4}}", "answer": "0.5"}
    try:
        assert v.verify_one(row).verdict == "correct"
        os.kill(v.child_pid(), signal.SIGKILL)  # killed from outside between samples
        assert v.verify_one(row).verdict == "correct"  # a fresh child, same verdict
        knobs.set(sleep=3.0)
        threading.Timer(0.5, os.kill, (v.child_pid(), signal.SIGKILL)).start()
        assert v.verify_one(row).verdict == "correct"  # killed mid-sample: retried once
        knobs.set(sleep=0.0, exit=True)  # this sample kills every child
        broken = v.verify_one(row)
        assert broken.verdict == "error" and "died twice" in broken.reason
        knobs.set(exit=False)
        assert v.verify_one(row).verdict == "correct"
        assert v.restarts == 4
    finally:
        v.close()


def test_the_child_dies_with_its_parent(tmp_path: Path) -> None:
    """A parent killed -9 while its child is deep in sympy leaves no orphan behind."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, threading, time\n"
        "from boundary_ray.verifiers.math.verifier import MathVerifier\n"
        "v = MathVerifier(timeout_s=600)\n"
        "v.compare('1', '1')\n"
        "print(v.child_pid(), flush=True)\n"
        "threading.Thread(target=v.compare, args=('1', '9^{9^{9^{9}}}'), daemon=True).start()\n"
        "time.sleep(1.0)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    child = int(proc.stdout.split()[0])
    deadline = time.monotonic() + 10
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(child)


def test_close_stops_the_child_and_the_verifier_pickles() -> None:
    v = MathVerifier()
    v.compare("1", "1")
    pid = v.child_pid()
    clone = pickle.loads(pickle.dumps(v))
    assert clone.child_pid() is None and clone.timeout_s == v.timeout_s
    v.close()
    assert v.child_pid() is None and not _alive(pid)


def test_start_runs_the_child_before_any_comparison_and_a_failed_start_waits_for_one() -> None:
    v = MathVerifier()
    v.start()
    pid = v.child_pid()
    assert pid is not None and _alive(pid)
    v.start()  # a running child is kept
    assert v.child_pid() == pid and v.compare("1/2", "0.5")[0] == "equal"
    v.close()
    broken = MathEquivalenceClient(command=[sys.executable, "-c", "raise SystemExit(3)"])
    broken.start()  # no exception here: the stage's constructor must not fail on it
    assert broken.child_pid() is None
    with pytest.raises(EOFError):  # the first comparison meets it (a sample's error verdict)
        broken.compare("1", "1")


def test_batch_call_sets_the_verdict_columns(verifier) -> None:
    batch = pa.table(
        {
            "response": ["\\boxed{3}", "\\boxed{4}", "it is 3", "thinking 3"],
            "answer": ["3", "3", "3", "3"],
            "finish_reason": ["stop", "stop", "stop", "length"],
        }
    )
    out = verifier(batch)
    assert out.column("verdict").to_pylist() == ["correct", "wrong", "correct", "no_answer"]
    assert out.column("correct").to_pylist() == [True, False, True, False]
    assert out.column("answer_rule").to_pylist() == ["boxed", "boxed", "last_number", None]
    assert all(ms >= 0 for ms in out.column("verify_ms").to_pylist())


def _boxed(text: str) -> str:
    return "\\boxed{" + text + "}"


def _rows(name: str) -> list[dict]:
    return load_file(BenchmarkSpec(name=name, source=str(SHARED / f"{name}.jsonl")))


def _original_response(name: str, record: dict) -> str:
    """The gold as the file itself writes it, as a model might."""
    if name == "gsm8k":
        return record["answer"]  # the rationale, ending in '#### 1,234'
    if name in ("math500", "minerva_math"):
        return record["solution"]  # the worked solution, ending in \boxed{...}
    if name == "olympiadbench":
        return "The final answer is " + _boxed(", ".join(record["final_answer"]))
    return "The answer is " + _boxed(str(record["answer"]))  # aime '025', amc 27.0


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"no benchmark files at {SHARED}")
@pytest.mark.parametrize("name", SETS)
def test_gold_answers_verify_against_themselves(verifier, name: str) -> None:
    rows = _rows(name)
    records = [json.loads(line) for line in (SHARED / f"{name}.jsonl").read_text().splitlines()]
    # 1. math-verify alone (no fast path): the normalized gold parses and equals itself
    parsed = Counter(verifier.compare(r["answer"], r["answer"])[0] for r in rows)
    # 2. the gold as the file writes it (rationale, solution, raw float ...) -> 'correct'
    original = Counter(
        verifier.verify_one(
            {"response": _original_response(name, rec), "answer": row["answer"]}
        ).verdict
        for rec, row in zip(records, rows, strict=True)
    )
    # 3. a control: each problem against the next problem's gold is mostly 'wrong'
    #    (the first 100 problems: some unequal expression pairs take sympy seconds)
    shifted = Counter(
        verifier.verify_one({"response": _boxed(nxt["answer"]), "answer": row["answer"]}).verdict
        for row, nxt in zip(rows[:100], rows[1:101], strict=False)
    )
    n, m = len(rows), sum(shifted.values())
    print(
        f"{name}: self {parsed['equal'] / n:.3f}, original {original['correct'] / n:.3f}, "
        f"shifted {shifted['correct'] / m:.3f}"
    )
    assert parsed["equal"] / n >= 0.98, parsed
    assert original["correct"] / n >= 0.98, original
    assert shifted["correct"] / m <= 0.2, shifted
