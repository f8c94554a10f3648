"""The file loaders on the paper's six real math sets, the generic loader and the errors."""

from __future__ import annotations

import json
import re
import sys
import types
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from boundary_ray.benchmarks import load_problems
from boundary_ray.benchmarks.files import detect_format, load_file, normalize_gold
from boundary_ray.errors import BoundaryError
from boundary_ray.schema import PROBLEMS
from boundary_ray.spec import BenchmarkSpec

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the paper's benchmark files are not at {SHARED}"
)

# name -> (problems, {problem_id: gold answer}) spot checks, read off the files by hand
SETS = {
    "aime24": (30, {"60": "204", "67": "25", "75": "73", "89": "902"}),
    "amc23": (40, {"0": "27", "3": "3159", "17": "-1"}),
    "gsm8k": (1319, {"0": "18", "146": "2125", "611": "1450000"}),
    "math500": (
        500,
        {
            "test/precalculus/807.json": "\\left( 3, \\frac{\\pi}{2} \\right)",
            "test/intermediate_algebra/1994.json": "p - q",
            "test/algebra/2584.json": "\\frac{14}{3}",
        },
    ),
    "minerva_math": (
        272,
        {
            "0": "1.6",
            "1": "4.5e33",
            "72": "x_{0} \\cos (\\omega t)+ \\dot{x}_{0} \\sin (\\omega t) / \\omega",
        },
    ),
    "olympiadbench": (
        675,
        {"1606": "2", "1610": "\\frac{1}{2 n+2}", "1664": "69,84", "2334": "\\frac{41}{12}"},
    ),
}


def _bench(name: str, source: Path | str, **kwargs) -> BenchmarkSpec:
    return BenchmarkSpec(name=name, source=str(source), **kwargs)


def _write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@needs_shared
@pytest.mark.parametrize("name", sorted(SETS))
def test_real_set_counts_and_gold_answers(name: str) -> None:
    count, spots = SETS[name]
    rows = load_file(_bench(name, SHARED / f"{name}.jsonl"))
    assert len(rows) == count
    assert len({r["problem_id"] for r in rows}) == count
    by_id = {r["problem_id"]: r for r in rows}
    for problem_id, gold in spots.items():
        assert by_id[problem_id]["answer"] == gold
    for row in rows:
        assert set(row) == set(PROBLEMS.names)
        assert row["benchmark"] == name and row["task"] == "math" and row["tests"] is None
        assert row["question"].strip() and row["answer"].strip()
        assert re.search(r"(?<!\\)\$", row["answer"]) is None  # only \$ (currency) stays
        assert json.loads(row["meta"])["source_format"] == name
    pa.Table.from_pylist(rows, schema=PROBLEMS)  # the rows fit the lake's schema


@needs_shared
def test_real_set_meta_keeps_useful_fields() -> None:
    math500 = {r["problem_id"]: r for r in load_file(_bench("m", SHARED / "math500.jsonl"))}
    meta = json.loads(math500["test/precalculus/807.json"]["meta"])
    assert meta["level"] == 2 and meta["subject"] == "Precalculus"
    assert "solution" not in meta
    olympiad = {r["problem_id"]: r for r in load_file(_bench("o", SHARED / "olympiadbench.jsonl"))}
    assert json.loads(olympiad["2334"]["meta"])["unit"] == "km"
    assert json.loads(olympiad["1664"]["meta"])["is_multiple_answer"] is True
    gsm = load_file(_bench("g", SHARED / "gsm8k.jsonl"))
    assert "####" not in gsm[0]["question"]


@needs_shared
def test_load_problems_dispatches_and_limits() -> None:
    rows = load_problems(_bench("aime", SHARED / "aime24.jsonl", limit=5))
    assert [r["problem_id"] for r in rows] == ["60", "61", "62", "63", "64"]
    assert {r["benchmark"] for r in rows} == {"aime"}


@needs_shared
def test_parquet_gives_the_same_rows_as_jsonl(tmp_path: Path) -> None:
    source = SHARED / "math500.jsonl"
    records = [json.loads(line) for line in source.read_text().splitlines()]
    parquet = tmp_path / "math500.parquet"
    pq.write_table(pa.Table.from_pylist(records), parquet)
    assert load_file(_bench("m", parquet)) == load_file(_bench("m", source))


def test_olympiad_context_goes_before_the_question(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "ob.jsonl",
        [
            {
                "id": 7,
                "question": "Find $x$.",
                "context": "Let $x = 2$.",
                "final_answer": ["$2$", "$3$"],
            }
        ],
    )
    (row,) = load_file(_bench("ob", path))
    assert row["question"] == "Let $x = 2$.\n\nFind $x$."
    assert row["answer"] == "2, 3"
    assert row["problem_id"] == "7"


def test_generic_loader_uses_the_field_mapping(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "mine.jsonl",
        [
            {"uid": "a1", "prompt": "1+1?", "solution_answer": 2.0, "difficulty": "easy"},
            {"uid": "a2", "prompt": "Roots of x^2=1?", "solution_answer": ["$1$", "$-1$"]},
        ],
    )
    fields = {"question": "prompt", "answer": "solution_answer", "problem_id": "uid"}
    rows = load_file(_bench("mine", path, fields=fields))
    assert [r["problem_id"] for r in rows] == ["a1", "a2"]
    assert [r["answer"] for r in rows] == ["2", "1, -1"]
    assert rows[0]["question"] == "1+1?"
    assert json.loads(rows[0]["meta"]) == {"difficulty": "easy", "source_format": "fields"}


def test_problem_id_falls_back_to_the_line_index(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "plain.jsonl",
        [{"question": "q0", "answer": "1"}, {"question": "q1", "answer": "$\\frac{1}{2}$"}],
    )
    rows = load_file(_bench("plain", path))
    assert [(r["problem_id"], r["answer"]) for r in rows] == [("0", "1"), ("1", "\\frac{1}{2}")]


@pytest.mark.parametrize(
    ("record", "fmt"),
    [
        ({"question": "q", "final_answer": ["1"]}, "olympiadbench"),
        ({"problem": "q", "answer": "1", "unique_id": "u"}, "math500"),
        ({"problem": "q", "solution": "\\boxed{1}"}, "minerva_math"),
        ({"question": "q", "answer": 27.0}, "amc23"),
        ({"question": "q", "answer": "so 3\n#### 3"}, "gsm8k"),
        ({"problem": "q", "answer": "025"}, "aime24"),
        ({"prompt": "q", "target": "1"}, None),
    ],
)
def test_detect_format(record: dict, fmt: str | None) -> None:
    assert detect_format(record) == fmt


def test_normalize_gold() -> None:
    assert normalize_gold(27.0) == "27"
    assert normalize_gold(2.5) == "2.5"
    assert normalize_gold("025") == "25"
    assert normalize_gold(" $\\frac{1}{2}$ ") == "\\frac{1}{2}"


def test_malformed_json_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "q", "answer": "1"}\n\n{"question": "q2", "answer": \n')
    with pytest.raises(BoundaryError, match=r"bad\.jsonl:3: not valid JSON \("):
        load_file(_bench("bad", path))


def test_missing_field_names_the_line_and_field(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "gsm.jsonl",
        [{"question": "q", "answer": "x\n#### 4"}, {"answer": "y\n#### 5"}],
    )
    with pytest.raises(BoundaryError, match=r"gsm\.jsonl:2: missing field 'question'"):
        load_file(_bench("gsm", path))
    path = _write_jsonl(tmp_path / "m.jsonl", [{"q": "q", "a": "1"}, {"q": "q"}])
    with pytest.raises(BoundaryError, match=r"m\.jsonl:2: missing field 'a'"):
        load_file(_bench("m", path, fields={"question": "q", "answer": "a"}))


def test_minerva_solution_without_a_box_is_an_error(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "mv.jsonl", [{"problem": "q", "solution": "it is 4"}])
    with pytest.raises(BoundaryError, match=r"mv\.jsonl:1: field 'solution' has no \\boxed"):
        load_file(_bench("mv", path))


def test_unknown_format_names_the_expected_fields(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "odd.jsonl", [{"prompt": "q", "target": "1"}])
    with pytest.raises(BoundaryError) as err:
        load_file(_bench("odd", path))
    message = str(err.value)
    assert "odd.jsonl: unknown problem format (fields: prompt, target)" in message
    assert "final_answer" in message and "`fields`" in message and "\n" not in message


def test_unknown_fields_key_and_missing_file(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "x.jsonl", [{"question": "q", "answer": "1"}])
    with pytest.raises(BoundaryError, match=r"fields\.solution: unknown column"):
        load_file(_bench("x", path, fields={"solution": "answer"}))
    with pytest.raises(BoundaryError, match=r"nope\.jsonl: problem file not found"):
        load_file(_bench("x", tmp_path / "nope.jsonl"))


def test_corrupt_parquet_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(BoundaryError, match=r"broken\.parquet: not a readable Parquet file"):
        load_file(_bench("x", path))


def test_hf_source_offline_fails_with_one_clear_line() -> None:
    with pytest.raises(BoundaryError) as err:
        load_file(_bench("hf", "hf://datasets/HuggingFaceH4/MATH-500/test.jsonl"))
    message = str(err.value)
    assert message.startswith("hf://datasets/HuggingFaceH4/MATH-500/test.jsonl: ")
    assert "\n" not in message
    with pytest.raises(BoundaryError, match="expected hf://datasets/<owner>/<repo>/<file>"):
        load_file(_bench("hf", "hf://models/x"))


def test_code_records_are_handed_to_code_sets(tmp_path: Path, monkeypatch) -> None:
    """Code-looking records go to ``code_sets.code_rows_from_records`` (faked here)."""
    calls = []
    fake = types.ModuleType("boundary_ray.benchmarks.code_sets")
    fake.looks_like_code = lambda record: "entry_point" in record
    fake.code_rows_from_records = lambda records, bench: (
        calls.append((records, bench)) or [{"problem_id": "h0", "task": "code"}]
    )
    monkeypatch.setitem(sys.modules, "boundary_ray.benchmarks.code_sets", fake)
    path = _write_jsonl(tmp_path / "he.jsonl", [{"prompt": "def f():", "entry_point": "f"}])
    assert load_file(_bench("he", path)) == [{"problem_id": "h0", "task": "code"}]
    assert calls[0][0] == [{"prompt": "def f():", "entry_point": "f"}]
    math_path = _write_jsonl(tmp_path / "m.jsonl", [{"question": "q", "answer": "1"}])
    assert load_file(_bench("m", math_path))[0]["task"] == "math"


def test_real_code_sets_module_reads_a_humaneval_record(tmp_path: Path) -> None:
    pytest.importorskip("boundary_ray.benchmarks.code_sets")
    record = {
        "task_id": "HumanEval/0",
        "prompt": "def add(a, b):\n",
        "entry_point": "add",
        "canonical_solution": "    return a + b\n",
        "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n",
    }
    (row,) = load_problems(_bench("he", _write_jsonl(tmp_path / "he.jsonl", [record])))
    assert (row["benchmark"], row["problem_id"], row["task"]) == ("he", "HumanEval/0", "code")
    assert row["answer"] is None and json.loads(row["tests"])["entry_point"] == "add"
