"""The host stays cheap whatever the response or the program writes (issue 33).

Everything measured here runs on the host, outside the sandbox's deadline: fence extraction,
the truncation sanitizer, decoding the candidate's results, showing them in a reason. Each
hostile input sits at a cap (a 100 KB degenerate response, the sanitizer's byte cap, the
results pipe's 8 MiB, a set of colliding integers) and must cost at most ``HOST_CPU_S`` of this
process's CPU (``time.process_time``: the sandboxed children are not counted); before these
fixes the same inputs took 3 to 15 s. The speed figures are in perf/code_host_cost.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boundary_ray.verifiers.code.extraction import extract_code
from boundary_ray.verifiers.code.fences import fences
from boundary_ray.verifiers.code.plain import MAX_SAME_HASH, PlainDataError, brief_repr, decode
from boundary_ray.verifiers.code.sanitize import MAX_CHARS, sanitize
from boundary_ray.verifiers.code.scan import statement_starts

HOST_CPU_S = 1.0  # a generous bound per program; the worst case at the caps is ~0.2 s here
P = 2**61 - 1  # CPython hashes an int modulo this prime
needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")


def cpu(function, *args):
    """(result, host CPU seconds of this process)."""
    start = time.process_time()
    result = function(*args)
    return result, time.process_time() - start


# ---------------------------------------------------------------- fences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n```python\nx = 1\n```\nb", [("python", "x = 1\n", True)]),
        ("```py3 extra words\nx\n  ```  trailing\n", [("py3", "x\n", True)]),
        ("```\n```\n", [("", "", True)]),
        ("  ```Python\nx\n```", [("python", "x\n", True)]),
        ("```c++\nint\n```\n```python\ny", [("c++", "int\n", True), ("python", "y", False)]),
        ("x = '```'\n", []),  # not at the start of a line
        ("```python", [("python", "", False)]),
    ],
)
def test_fences_are_found_line_by_line(text: str, expected: list) -> None:
    assert [(f.tag, f.body, f.closed) for f in fences(text)] == expected


@pytest.mark.parametrize(
    "response",
    [
        "Sure.\n```" + "a" * 100_000,  # one huge word after the backticks: was ~15 s
        "Sure.\n```python" + " \t" * 50_000,
        "```python\nsome text\n" * 20_000,  # 400 KB of openers and closers
        "x" * 100_000 + "```" * 30_000,
    ],
    ids=["word", "blanks", "many-blocks", "backticks"],
)
def test_degenerate_responses_cost_one_pass(response: str) -> None:
    _, spent = cpu(extract_code, response, "length", True, "f")
    assert spent < HOST_CPU_S


# ---------------------------------------------------------------- the sanitizer


def test_statement_starts_skip_strings_brackets_comments_and_continuations() -> None:
    text = (
        "import os\n"  # 1
        "x = (1,\n2)\n"  # 2, 3: inside brackets
        's = """\ndef not_code():\n"""\n'  # 4, 5, 6: inside a string
        "# a comment\n"  # 7
        "y = 'it''s' \\\nz\n"  # 8, 9: a continuation
        "\n"  # 10
        "def f():\n"  # 11
        "    return 1\n"  # 12
        "t = 'no end\n"  # 13: an unterminated string ends with its line
        "u = 2\n"  # 14
    )
    assert statement_starts(text) == [1, 2, 4, 8, 11, 13, 14]


def test_text_inside_a_string_is_no_proof_that_a_definition_ended() -> None:
    cut = 'def f(x):\n    y = 1\n    z = """\nno dedent here, this is a string'
    assert sanitize(cut, "f") is None
    done = 'def f(x):\n    return 2 * x\n\ns = """\nanything'
    assert sanitize(done, "f") == "def f(x):\n    return 2 * x\n"


def test_the_sanitizer_keeps_what_comes_before_an_unclosed_call() -> None:
    text = "import math\n\ndef f(x):\n    return math.floor(x) * 2\n\nprint(f(\n" + "1,\n" * 800
    assert sanitize(text, "f") == "import math\n\ndef f(x):\n    return math.floor(x) * 2\n"


def test_sanitizer_slices_unicode_sources_by_their_byte_offsets() -> None:
    text = 'import os; é = "ü"\ndef f(x):\n    return "ß" * x\n\nprint(f(\n'
    assert sanitize(text, "f") == 'import os\n\ndef f(x):\n    return "ß" * x\n'


@pytest.mark.parametrize(
    "tail",
    [
        "1,\n" * 40_000,  # an unclosed call over 40,000 lines (the cap cuts it)
        "x = 1\n" * 40_000,  # 40,000 statements: as many cut points
        "try:\n    pass\n" * 10_000,  # cuts that never parse (no except)
        "(" * 100 + "\n" * 70_000,
    ],
    ids=["open-paren", "statements", "bare-try", "nested-parens"],
)
def test_sanitizer_cost_is_bounded_at_its_cap(tail: str) -> None:
    text = "def f(x):\n    return 2 * x\n\nprint(f(\n" + tail
    assert len(text) > MAX_CHARS
    _, spent = cpu(sanitize, text, "f")
    assert spent < HOST_CPU_S


# ---------------------------------------------------------------- decoding and showing results


def colliding_set(count: int) -> str:
    return json.dumps({"s": [{"i": hex(k * P)} for k in range(1, count + 1)]})


def test_sets_and_dicts_whose_members_hash_alike_are_refused_in_linear_time() -> None:
    assert len(decode(colliding_set(MAX_SAME_HASH))) == MAX_SAME_HASH
    for document in (
        colliding_set(40_000),  # ~13 s to build before
        json.dumps({"d": [[{"i": hex(k * P)}, 0] for k in range(1, 40_001)]}),
        json.dumps({"f": [{"t": [{"i": hex(k * P)}]} for k in range(1, 40_001)]}),
        json.dumps({"s": [1] * 1000}),  # not a real set: one member many times
    ):
        start = time.process_time()
        with pytest.raises(PlainDataError, match="one hash"):
            decode(document)
        assert time.process_time() - start < HOST_CPU_S
    honest, spent = cpu(decode, json.dumps({"s": list(range(40_000))}))
    assert honest == set(range(40_000)) and spent < HOST_CPU_S


def test_results_are_shown_with_bounded_work() -> None:
    assert brief_repr([1, (2,), {3: "a"}, set(), frozenset({1}), b"x", None]) == repr(
        [1, (2,), {3: "a"}, set(), frozenset({1}), b"x", None]
    )
    assert brief_repr(7**40000) == "<int too large to show>"
    big = list(range(2_000_000))
    shown, spent = cpu(brief_repr, big)
    assert shown == repr(big)[:200] + "..." and spent < 0.1


# ---------------------------------------------------------------- whole programs at the caps


def functional(response: str, finish: str = "stop") -> dict:
    tests = {
        "kind": "functional",
        "prompt": "",
        "entry_point": "f",
        "test": "def check(candidate):\n    assert candidate(2) == 4\n",
    }
    return {"response": response, "tests": json.dumps(tests), "finish_reason": finish}


def writes_results(expression: str) -> str:
    """A program that writes the results document ``expression`` builds on fd 3 itself."""
    return (
        f"```python\nimport os\nDOC = ({expression}).encode()\n"
        "def f(x):\n    view = memoryview(DOC)\n    while view:\n"
        "        view = view[os.write(3, view):]\n    os._exit(0)\n```"
    )


HOSTILE = {
    "colliding-set": writes_results(
        '\'[["v",{"s":[\' + \',\'.join(\'{"i":"%s"}\' % hex(k * (2**61 - 1)) '
        "for k in range(1, 40_001)) + ']}]]'"
    ),
    "results-at-cap": writes_results(
        "'[[\"v\",[' + ','.join(str(i) for i in range(10**5, 10**5 + 950_000)) + ']]]'"
    ),
    "list-at-cap": "```python\ndef f(x):\n    return list(range(10**5, 10**5 + 950_000))\n```",
    "fence-word": "Sure.\n```" + "a" * 100_000,
    "open-paren-at-cap": "```python\ndef f(x):\n    return x * 3\n\nprint(f(\n" + "1,\n" * 40_000,
    "response-cap": "```python\n" + "# x\n" * (1 << 18) + "def f(x):\n    return 2 * x\n```",
}


@needs_bwrap
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_programs_cost_the_host_a_bounded_amount(name: str) -> None:
    from boundary_ray.verifiers.code.verifier import CodeVerifier

    verifier = CodeVerifier(timeout_s=20.0)
    honest_response = "```python\ndef f(x):\n    return 2 * x\n```"
    honest, honest_cpu = cpu(verifier.verify_one, functional(honest_response))
    assert honest.verdict == "correct"
    finish = "stop" if HOSTILE[name].endswith("```") else "length"
    verdict, spent = cpu(verifier.verify_one, functional(HOSTILE[name], finish))
    assert verdict.verdict != "correct", verdict.reason
    assert spent < max(HOST_CPU_S, 10 * honest_cpu), (name, spent)


# ---------------------------------------------------------------- integers past 4,300 digits


def test_an_integer_past_the_digit_limit_in_a_test_file_is_a_one_line_error(tmp_path: Path) -> None:
    tests = (
        '{"kind":"functional","prompt":"","entry_point":"f","test":"def check(c):\\n    pass\\n",'
        '"inputs":[[1]],"outputs":[' + "1" * 5000 + "]}"
    )
    response = json.dumps("```python\ndef f(x):\n    return 1\n```")
    inline = tmp_path / "inline.jsonl"
    inline.write_text('{"response": ' + response + ', "tests": ' + tests + "}\n")
    quoted = tmp_path / "quoted.jsonl"
    quoted.write_text(json.dumps({"response": json.loads(response), "tests": tests}) + "\n")
    exe = shutil.which("boundary")
    command = [exe] if exe else [sys.executable, "-m", "boundary_ray.cli"]
    for path, where in ((inline, f"{inline}:1: "), (quoted, f"{quoted}:1: field 'tests': ")):
        proc = subprocess.run(
            [*command, "verify", "code", str(path)], capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == (
            f"boundary: error: {where}an integer with more than 4300 digits (Python's limit)\n"
        )
        assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_the_verifier_and_the_loaders_say_so_in_one_line() -> None:
    from boundary_ray.benchmarks.code_sets import code_rows_from_records
    from boundary_ray.errors import BoundaryError
    from boundary_ray.verifiers.code.verifier import _parse_tests

    tests = '{"kind": "stdio", "cases": [{"input": "", "output": "' + "1" * 10 + '"}], "x": '
    assert _parse_tests(tests + "1" * 5000 + "}") == "tests: an integer with more than 4300 digits"
    record = {
        "question_id": "q",
        "question_content": "?",
        "public_test_cases": json.dumps([{"input": "1", "output": "2", "testtype": "functional"}]),
        "metadata": json.dumps({"func_name": "f"}),
    }
    record["public_test_cases"] = record["public_test_cases"].replace('"2"', '"' + "2" * 5000 + '"')
    with pytest.raises(BoundaryError, match=r"record 1: functional test case: an integer with"):
        code_rows_from_records([record], "lcb.jsonl")
