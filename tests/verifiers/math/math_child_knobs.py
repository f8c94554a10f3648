"""The math-verify child with knobs for the tests (a program, not a test).

``python math_child_knobs.py CONTROL.json PARENT_PID`` runs the real child
(``boundary_ray.verifiers.math.equivalence_child``), but before each request it reads
CONTROL.json: ``{"sleep": seconds}`` makes it sleep that long first (a slow comparison),
``{"exit": true}`` makes it exit instead of answering (a crash in the middle of a sample).
The knobs live here, so the production child has none.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from boundary_ray.verifiers.math import equivalence_child as child


class Knobs:
    """The test side: writes CONTROL.json; ``command`` starts the child that reads it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "math_child_knobs.json"
        self.set()
        self.command = [sys.executable, __file__, str(self.path)]

    def set(self, sleep: float = 0.0, exit: bool = False) -> None:  # noqa: A002 - the knob's name
        """What the child does before each following request."""
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"sleep": sleep, "exit": exit}))
        tmp.replace(self.path)


def _main() -> None:
    control = Path(sys.argv.pop(1))
    answer = child.answer

    def answer_with_knobs(request: dict) -> dict:
        knobs = json.loads(control.read_text())
        if knobs.get("sleep"):
            time.sleep(knobs["sleep"])
        if knobs.get("exit"):
            os._exit(3)
        return answer(request)

    child.answer = answer_with_knobs
    child.main()


if __name__ == "__main__":
    _main()
