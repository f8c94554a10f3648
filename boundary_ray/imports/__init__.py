"""``boundary import``: samples that other tools wrote, verified here and written to the lake.

One small reader per format (``jsonl``, ``qwen_math``, ``lm_eval``, ``inspect_log``,
``nemo_skills``) yields plain ``ImportRow`` s; what a format looks like never leaves its reader.
``job.import_samples`` matches them to the benchmark's problems, verifies each with the
project's own verifiers and writes them through the one lake writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module

from boundary_ray.errors import BoundaryError
from boundary_ray.imports.rows import ImportRow

# format name -> (module, reader function)
FORMATS: dict[str, tuple[str, str]] = {
    "jsonl": ("jsonl", "read_jsonl"),
    "qwen-math": ("qwen_math", "read_qwen_math"),
    "lm-eval": ("lm_eval", "read_lm_eval"),
    "inspect": ("inspect_log", "read_inspect_log"),
    "nemo-skills": ("nemo_skills", "read_nemo_skills"),
}


def reader_for(fmt: str) -> Callable[[str], Iterator[ImportRow]]:
    """The reader of format ``fmt`` (a ``BoundaryError`` naming the known ones otherwise)."""
    if fmt not in FORMATS:
        raise BoundaryError(f"import: unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    module, name = FORMATS[fmt]
    return getattr(import_module(f"boundary_ray.imports.{module}"), name)


__all__ = ["FORMATS", "ImportRow", "reader_for"]
