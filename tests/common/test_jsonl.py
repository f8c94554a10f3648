"""The one JSONL reader: objects numbered by their line, a bad line one error naming it."""

from __future__ import annotations

import io

import pytest

from boundary_ray.common.jsonl import jsonl_objects
from boundary_ray.errors import BoundaryError


def test_text_and_bytes_read_alike_and_blank_lines_keep_the_numbering():
    text = '{"a": 1}\n\n   \n{"b": "é"}\n'
    from_text = list(jsonl_objects(io.StringIO(text), "f.jsonl"))
    from_bytes = list(jsonl_objects(io.BytesIO(text.encode()), "f.jsonl"))
    assert from_text == from_bytes == [(1, {"a": 1}), (4, {"b": "é"})]


def test_an_undecodable_byte_is_replaced_not_fatal():
    assert list(jsonl_objects([b'{"a": "\xff"}\n'], "f.jsonl")) == [(1, {"a": "\ufffd"})]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"a": 1', r"^f\.jsonl:2: not valid JSON \(Expecting ',' delimiter at column 8\)$"),
        ("[1, 2]", r"^f\.jsonl:2: expected a JSON object, got list$"),
        ('"text"', r"^f\.jsonl:2: expected a JSON object, got str$"),
    ],
)
def test_a_bad_line_is_one_error_naming_file_and_line(line, message):
    with pytest.raises(BoundaryError, match=message):
        list(jsonl_objects(['{"ok": true}\n', line + "\n"], "f.jsonl"))


def test_lines_are_parsed_as_they_are_read():
    def lines():
        yield '{"first": 1}\n'
        raise AssertionError("read past the first object")

    objects = jsonl_objects(lines(), "f.jsonl")
    assert next(objects) == (1, {"first": 1})
