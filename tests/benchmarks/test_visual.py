"""MathVista / MathVision loaders, images in the lake, and the question_types filter."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from boundary_ray import benchmarks, schema
from boundary_ray.benchmarks import load_problems
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.images import read_images
from boundary_ray.lake.problems import store_problems
from boundary_ray.lake.reader import list_files, read_table
from boundary_ray.spec import BenchmarkSpec, spec_from_dict
from tests.benchmarks.visual_fixtures import images, write_fixtures


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_fixtures(tmp_path_factory.mktemp("visual"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_mathvista_rows(fixtures: tuple[Path, Path]) -> None:
    rows = load_problems(BenchmarkSpec(name="mathvista", source=str(fixtures[0])))
    assert [r["problem_id"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    pictures = images()
    first = rows[0]
    assert first["task"] == "visual" and first["answer"] == "145°"
    assert first["question"].startswith("Hint:") and "(C) 145°" in first["question"]
    assert first["images"] == [_sha(pictures["triangle"])]
    meta = json.loads(first["meta"])
    assert meta["question_type"] == "multi_choice" and meta["choices"][2] == "145°"
    assert json.loads(rows[2]["meta"])["precision"] == 1.0
    assert json.loads(rows[4]["meta"])["unit"] == "years"
    assert rows[1]["images"] == rows[5]["images"]  # one picture, two problems


def test_mathvision_rows_from_parquet_bytes(fixtures: tuple[Path, Path]) -> None:
    rows = load_problems(BenchmarkSpec(name="mathvision", source=str(fixtures[1])))
    assert [r["problem_id"] for r in rows] == ["10", "11", "12", "13"]
    assert "<image1>" not in rows[0]["question"]
    assert rows[0]["question"].endswith("(E) 6") and rows[0]["answer"] == "C"
    assert json.loads(rows[2]["meta"])["question_type"] == "free_form"
    assert rows[1]["images"] == [_sha(images()["clock"])]


def test_images_are_stored_once_and_read_back(tmp_path: Path, fixtures: tuple[Path, Path]) -> None:
    lake = str(tmp_path / "lake")
    for name, path in (("mathvista", fixtures[0]), ("mathvision", fixtures[1])):
        rows = load_problems(BenchmarkSpec(name=name, source=str(path)))
        assert store_problems(lake, name, rows) == len(rows)
        assert store_problems(lake, name, rows) == 0  # a rerun adds nothing
    stored = read_table(lake, "images")
    assert sorted(stored.column("image_id").to_pylist()) == sorted(
        {_sha(b) for b in images().values()}
    )
    assert set(stored.column("format").to_pylist()) == {"PNG"}
    # one file per benchmark's new images (mathvision added only the clock); reruns none
    assert len(list_files(lake, "images")) == 2
    assert stored.num_rows == 5
    problems = read_table(lake, "problems")
    ids = {i for row in problems.column("images").to_pylist() for i in row}
    assert read_images(lake, ids) == {
        i: b
        for i, b in zip(
            stored.column("image_id").to_pylist(), stored.column("bytes").to_pylist(), strict=True
        )
    }
    for path in list_files(lake, "problems"):
        assert pq.read_schema(path).names == schema.file_schema("problems").names
    with pytest.raises(BoundaryError, match="not in the images table"):
        read_images(lake, ["0" * 64])


def test_question_types_drops_with_a_count(fixtures: tuple[Path, Path]) -> None:
    bench = BenchmarkSpec(name="mv", source=str(fixtures[0]), question_types=("free_form",))
    rows = load_problems(bench)
    assert [r["problem_id"] for r in rows] == ["2", "3", "4", "5"]
    assert benchmarks.DROPPED["mv"] == {"multi_choice": 2}


def test_question_types_is_validated() -> None:
    raw = {
        "models": [{"name": "m", "source": "builtin:smolvlm-tiny"}],
        "benchmarks": [{"name": "b", "source": "x.jsonl", "question_types": ["mcq"]}],
    }
    with pytest.raises(
        BoundaryError, match=r"benchmarks\[0\]\.question_types\[0\]: 'mcq' is not one of"
    ):
        spec_from_dict(raw)


def test_generic_file_with_an_images_field(tmp_path: Path) -> None:
    pictures = images()
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.png").write_bytes(pictures["bars"])
    lines = [
        {"q": "How many bars?", "a": 5, "pic": "pics/a.png"},
        {
            "q": "Same picture twice?",
            "a": "yes",
            "pic": [base64.b64encode(pictures["bars"]).decode(), "pics/a.png"],
        },
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    bench = BenchmarkSpec(
        name="mine", source=str(path), fields={"question": "q", "answer": "a", "images": "pic"}
    )
    rows = load_problems(bench)
    assert rows[0]["images"] == [_sha(pictures["bars"])]
    assert rows[1]["images"] == [_sha(pictures["bars"])] * 2
    assert "pic" not in json.loads(rows[0]["meta"])


def test_a_missing_image_is_one_line_naming_the_line(tmp_path: Path) -> None:
    record = {
        "id": "1",
        "question": "q",
        "options": [],
        "image": "nowhere.png",
        "answer": "1",
        "level": 1,
        "subject": "s",
    }
    path = tmp_path / "mathvision.jsonl"
    path.write_text(json.dumps(record) + "\n")
    with pytest.raises(BoundaryError) as info:
        load_problems(BenchmarkSpec(name="mv", source=str(path)))
    assert str(info.value) == f"{path}:1: image file 'nowhere.png' not found"


def test_a_multiple_choice_row_without_choices_is_refused(tmp_path: Path) -> None:
    record = {
        "pid": "1",
        "question": "q",
        "image": "x.png",
        "choices": None,
        "answer": "1",
        "question_type": "multi_choice",
        "answer_type": "text",
    }
    path = tmp_path / "mathvista.jsonl"
    path.write_text(json.dumps(record) + "\n")
    with pytest.raises(
        BoundaryError, match=r"mathvista.jsonl:1: multi_choice problem without 'choices'"
    ):
        load_problems(BenchmarkSpec(name="mv", source=str(path)))
