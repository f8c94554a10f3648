"""``boundary verify math|code IN.jsonl``: in-process and through the real CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.verifiers.offline import verify_jsonl

LINES = [
    {"response": "so $\\boxed{\\frac{1}{2}}$", "answer": "0.5"},
    {"response": "The answer is 17.", "answer": 18, "question": "How many?"},
    {"response": "3 + 4 = 7, and 7 * 2 = 14 so", "answer": "14", "finish_reason": "length"},
    {"response": "Natalia sold 48/2 = 24 clips.\n#### 72", "answer": "72", "finish_reason": "stop"},
    {"response": "\\boxed{x=3}", "answer": "3"},
]
EXPECTED = [
    ("correct", "\\frac{1}{2}", "boxed"),
    ("wrong", "17", "answer_is"),
    ("no_answer", None, None),
    ("correct", "72", "hashes"),
    ("correct", "x=3", "boxed"),
]


def _boundary() -> list[str]:
    exe = shutil.which("boundary")
    return [exe] if exe else [sys.executable, "-m", "boundary_ray.cli"]


def _write(path: Path, lines: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def test_verify_jsonl_yields_one_result_per_line_in_order(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", LINES)
    results = list(verify_jsonl("math", str(path), timeout_s=5.0))
    assert [(r["verdict"], r["extracted_answer"], r["answer_rule"]) for r in results] == EXPECTED
    assert [r["correct"] for r in results] == [True, False, False, True, True]
    assert results[1]["reason"] == "'17' != gold '18'"
    assert "truncated" in results[2]["reason"]
    assert all(r["verify_ms"] >= 0 for r in results)


def test_cli_verify_math_prints_json_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", LINES)
    proc = subprocess.run(
        [*_boundary(), "verify", "math", str(path), "--timeout", "5"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["verdict"], r["extracted_answer"], r["answer_rule"]) for r in results] == EXPECTED


def test_cli_verify_reads_stdin(tmp_path: Path) -> None:
    text = "".join(json.dumps(x) + "\n" for x in LINES[:2])
    proc = subprocess.run(
        [*_boundary(), "verify", "math", "-"],
        input=text,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["verdict"] for line in proc.stdout.splitlines()] == [
        "correct",
        "wrong",
    ]


def test_cli_malformed_line_is_a_one_line_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.jsonl", [LINES[0], '{"response": "\\\\boxed{1}", "answer": '])
    proc = subprocess.run(
        [*_boundary(), "verify", "math", str(path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"boundary: error: {path}:2: not valid JSON (")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert json.loads(proc.stdout.splitlines()[0])["verdict"] == "correct"  # line 1 came out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"response": "\\boxed{1}"}, r"in\.jsonl:2: missing field 'answer'"),
        ({"answer": "1"}, r"in\.jsonl:2: missing field 'response'"),
        ({"response": "\\boxed{1}", "answer": {"a": 1}}, r"in\.jsonl:2: field 'answer' must be"),
        ([1, 2], r"in\.jsonl:2: expected a JSON object"),
    ],
)
def test_bad_lines_name_the_line(tmp_path: Path, line, message: str) -> None:
    path = _write(tmp_path / "in.jsonl", [LINES[0], line])
    with pytest.raises(BoundaryError, match=message):
        list(verify_jsonl("math", str(path), None))


def test_missing_input_and_bad_timeout(tmp_path: Path) -> None:
    with pytest.raises(BoundaryError, match=r"nope\.jsonl: file not found"):
        list(verify_jsonl("math", str(tmp_path / "nope.jsonl"), None))
    with pytest.raises(BoundaryError, match="--timeout must be > 0"):
        list(verify_jsonl("math", str(_write(tmp_path / "in.jsonl", LINES)), 0))


def test_code_lines_go_to_the_code_verifier(tmp_path: Path, monkeypatch) -> None:
    """``tests`` may be an object or a JSON string; the CodeVerifier gets a JSON string
    (faked here: the real one is another module's job)."""
    from boundary_ray.verifiers.base import Verdict, Verifier

    seen = []

    class FakeCodeVerifier(Verifier):
        def __init__(self, timeout_s: float = 10.0) -> None:
            super().__init__()
            self.timeout_s = timeout_s

        def verify_one(self, row):
            seen.append((self.timeout_s, row["tests"], row["task"]))
            ok = json.loads(row["tests"])["entry_point"] in row["response"]
            return Verdict("correct" if ok else "wrong", reason=None if ok else "failed")

    fake = types.ModuleType("boundary_ray.verifiers.code.verifier")
    fake.CodeVerifier = FakeCodeVerifier
    monkeypatch.setitem(sys.modules, "boundary_ray.verifiers.code.verifier", fake)
    tests = {"kind": "functional", "prompt": "", "entry_point": "add", "test": "def check(c): pass"}
    path = _write(
        tmp_path / "code.jsonl",
        [
            {"response": "def add(a, b): ...", "tests": tests},
            {"response": "def sub(a, b): ...", "tests": json.dumps(tests)},
        ],
    )
    results = list(verify_jsonl("code", str(path), timeout_s=3.0))
    assert [r["verdict"] for r in results] == ["correct", "wrong"]
    assert [(t, json.loads(s), k) for t, s, k in seen] == [(3.0, tests, "code")] * 2
    bad = _write(tmp_path / "bad.jsonl", [{"response": "x", "tests": "not json"}])
    with pytest.raises(
        BoundaryError, match=r"bad\.jsonl:1: field 'tests' is a string but not JSON"
    ):
        list(verify_jsonl("code", str(bad), None))
