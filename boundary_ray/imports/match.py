"""Which problem of the benchmark an imported sample answers: by question text, id or index.

Order: the question text first (whitespace-normalized, exact), since a tool's ids often follow
its own scheme (Inspect numbers samples from 1, Qwen2.5-Math's ``idx`` is a position); then the
id, which also tells apart problems that share a text; then the index (a 0-based position in
the benchmark as loaded). A row whose text matches no problem is matched by id, or by index
only when the text at that index contains the row's text or is contained in it (Qwen2.5-Math
appends " (Yes or No)" to some questions); anything else matches no problem: an error naming
the file and line, never a guess.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.imports.rows import ImportRow

_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Question text as compared: runs of whitespace as one space, both ends stripped."""
    return _SPACE.sub(" ", text).strip()


class ProblemIndex:
    """The problems of one benchmark, looked up by text, id and position."""

    def __init__(self, problems: Sequence[dict[str, Any]], benchmark: str) -> None:
        self.benchmark = benchmark
        self.ids = [str(p["problem_id"]) for p in problems]
        self.by_id = {pid: i for i, pid in enumerate(self.ids)}
        self.texts = [normalize(str(p.get("question") or "")) for p in problems]
        self.by_text: dict[str, list[int]] = defaultdict(list)
        for i, text in enumerate(self.texts):
            if text:
                self.by_text[text].append(i)
        self.counts = {"question": 0, "id": 0, "index": 0}

    def match(self, row: ImportRow) -> str:
        """The problem_id that ``row`` answers (a ``BoundaryError`` naming ``row.where`` if none)."""
        text = normalize(row.question) if row.question else ""
        hits = self.by_text.get(text, []) if text else []
        if len(hits) == 1:
            return self._found("question", hits[0])
        if len(hits) > 1:
            for i in hits:  # one text, several problems: the id or index decides
                if row.problem_id is not None and self.ids[i] == str(row.problem_id):
                    return self._found("id", i)
                if row.index is not None and i == row.index:
                    return self._found("index", i)
            shown = ", ".join(repr(self.ids[i]) for i in hits[:4])
            raise BoundaryError(
                f"{row.where}: its question is the text of {len(hits)} problems of benchmark "
                f"{self.benchmark!r} ({shown}) and no id or index tells them apart"
            )
        if row.problem_id is not None and str(row.problem_id) in self.by_id:
            return self._found("id", self.by_id[str(row.problem_id)])
        if row.index is not None and 0 <= row.index < len(self.ids):
            at = self.texts[row.index]
            if not text or (at and (text in at or at in text)):
                return self._found("index", row.index)
        raise BoundaryError(
            f"{row.where}: matches no problem of benchmark {self.benchmark!r} "
            f"({self._described(row, text)})"
        )

    def _found(self, how: str, i: int) -> str:
        self.counts[how] += 1
        return self.ids[i]

    def _described(self, row: ImportRow, text: str) -> str:
        parts = []
        if row.problem_id is not None:
            parts.append(f"no problem_id {str(row.problem_id)!r}")
        if row.index is not None:
            if 0 <= row.index < len(self.ids):
                parts.append(f"index {row.index} is a problem with another question")
            else:
                parts.append(f"index {row.index} is past its {len(self.ids)} problems")
        if text:
            shown = text if len(text) <= 60 else text[:57] + "..."
            parts.append(f"no problem has the question {shown!r}")
        return "; ".join(parts) or "the row names no problem_id, index or question"
