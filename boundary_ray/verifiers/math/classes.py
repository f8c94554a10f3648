"""``AnswerGrouper``: merge a problem's exact-text answer classes by the verifier's equivalence.

Two answers are equal when the problem's verifier grades one as the other's gold: the sample
row ``{answer: a, response: "\\boxed{b}"}`` is ``correct`` for the math verifier (its fast path,
then math-verify in its child under the timeout) or the visual verifier (numbers to the stated
precision, lists, math-verify for text). For a multiple-choice problem an answer stands for the
option it names by the visual rule (the option whose text, or letter, graded as the gold makes
the answer correct), and answers naming the same option are one class. Code answers are
programs: they stay classes of exact text.

The samples graded correct stay one class, and no other sample joins it: the verdict stored in
the lake decides correctness, as it does for pass@k. Model output is hostile input: a problem
gets at most ``MAX_COMPARISONS`` verifier calls, and an answer at least ``MAX_ANSWER_CHARS``
long (its stored text is cut there) is compared with nothing.
"""

from __future__ import annotations

from typing import Any

from boundary_ray.schema import task_of

MAX_COMPARISONS = 2000  # verifier calls per problem; later answers keep their exact class
MAX_ANSWER_CHARS = 200  # views.sql cuts a class's answer here; a cut answer is never compared
EQUIVALENCE = {"math": "math", "visual": "visual"}  # task -> how its answers are grouped


class AnswerGrouper:
    """Merges answer classes with a verifier that it starts on first need (``TaskVerifier``
    unless one is given); ``comparisons`` counts the verifier calls made."""

    def __init__(self, verifier: Any = None) -> None:
        self._verifier = verifier
        self.comparisons = 0

    def merge(
        self, classes: list[dict[str, Any]], problem: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], str]:
        """``classes`` (exact_answer_classes rows of one problem, by class_idx) merged and
        renumbered; returns them and the equivalence used ('math', 'visual' or 'exact')."""
        task = task_of(problem)
        equivalence = EQUIVALENCE.get(task, "exact")
        if equivalence == "exact" or problem.get("answer") is None:
            return [dict(row) for row in classes], "exact"
        budget = [MAX_COMPARISONS]
        choices = _choices(problem)
        merged: list[dict[str, Any]] = []  # classes kept, each with its first (lowest) class_idx
        keys: dict[int, int] = {}  # option index -> position in merged (multiple choice)
        for row in classes:
            row = dict(row)
            answer = row["answer"]
            if row["class_idx"] == 0 or row["correct"] or not _comparable(answer):
                merged.append(row)
                continue
            if choices is not None:
                option = self._option(answer, problem, choices, budget)
                if option is not None and option in keys:
                    merged[keys[option]]["samples"] += row["samples"]
                    continue
                if option is not None:
                    keys[option] = len(merged)
                merged.append(row)
                continue
            target = next(
                (
                    kept
                    for kept in merged
                    if kept["class_idx"] != 0
                    and not kept["correct"]
                    and _comparable(kept["answer"])
                    and self._same(kept["answer"], answer, problem, budget)
                ),
                None,
            )
            if target is None:
                merged.append(row)
            else:
                target["samples"] += row["samples"]
        return _renumbered(merged), equivalence

    def close(self) -> None:
        """Stop the verifier's child processes, if it started any."""
        if self._verifier is not None and hasattr(self._verifier, "close"):
            self._verifier.close()

    def _same(self, gold: str, answer: str, problem: dict[str, Any], budget: list[int]) -> bool:
        """Whether the verifier grades ``answer`` correct against ``gold`` (within budget)."""
        if gold == answer:
            return True
        if budget[0] <= 0:
            return False
        budget[0] -= 1
        self.comparisons += 1
        row = {
            "task": task_of(problem),
            "answer": gold,
            "response": f"\\boxed{{{answer}}}",
            "finish_reason": "stop",
            "meta": problem.get("meta") or {},
        }
        verdict, _ = self._verify().judge(row)
        return verdict.correct

    def _option(
        self, answer: str, problem: dict[str, Any], choices: list[str], budget: list[int]
    ) -> int | None:
        """The option ``answer`` names by the visual rule: the one that, as the gold, makes it
        correct (its text, or its letter when the options are only in the image)."""
        golds = choices or [chr(65 + i) for i in range(5)]  # letters A-E, as the verifier
        found = [i for i, gold in enumerate(golds) if self._same(gold, answer, problem, budget)]
        return found[0] if len(found) == 1 else None

    def _verify(self) -> Any:
        if self._verifier is None:
            from boundary_ray.verifiers.router import TaskVerifier

            self._verifier = TaskVerifier()
        return self._verifier


def _choices(problem: dict[str, Any]) -> list[str] | None:
    """A multiple-choice problem's options (``[]``: only in the image), else None."""
    meta = problem.get("meta") or {}
    options = meta.get("choices") or meta.get("options")
    if meta.get("question_type") == "multi_choice" or (
        isinstance(options, list) and options and task_of(problem) == "visual"
    ):
        return [str(o) for o in options] if isinstance(options, list) else []
    return None


def _comparable(answer: str | None) -> bool:
    return answer is not None and len(answer) < MAX_ANSWER_CHARS


def _renumbered(classes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Class 0 (no answer) stays 0; the others 1, 2, ... by size, then by first class_idx."""
    ordered = sorted(
        (row for row in classes if row["class_idx"] != 0),
        key=lambda row: (-row["samples"], row["class_idx"]),
    )
    for number, row in enumerate(ordered, start=1):
        row["class_idx"] = number
    return [row for row in classes if row["class_idx"] == 0] + ordered
