"""The one JSONL reader: each non-blank line one JSON object, a bad line one error naming it.

Problem files (``benchmarks/files.py``), label imports (``review/labelling.py``) and offline
re-grading (``verifiers/offline.py``) all read their lines here, so a bad line reads the same
everywhere: ``FILE:LINE: not valid JSON (... at column N)`` or ``FILE:LINE: expected a JSON
object, got list``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from boundary_ray.errors import BoundaryError

BIG_INT = f"an integer with more than {sys.get_int_max_str_digits()} digits (Python's limit)"


def jsonl_objects(
    lines: Iterable[str | bytes], source: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line of ``lines``, numbered from 1.

    ``lines`` is a text or binary file (or any iterable of its lines); bytes are decoded as
    UTF-8, an undecodable byte replaced. ``source`` names the file in errors: a line that is
    not JSON, or is JSON but not an object, raises a ``BoundaryError`` naming ``source:line``.
    Lines are parsed one at a time, as they are read.
    """
    for number, raw in enumerate(lines, start=1):
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        line = text.strip()  # the line break off too: an error's column then counts on this line
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BoundaryError(
                f"{source}:{number}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from None
        except ValueError:  # an integer past Python's digit limit for str -> int
            raise BoundaryError(f"{source}:{number}: {BIG_INT}") from None
        if not isinstance(record, dict):
            raise BoundaryError(
                f"{source}:{number}: expected a JSON object, got {type(record).__name__}"
            )
        yield number, record
