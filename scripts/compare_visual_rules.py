"""Grade the visual verifier's labelled cases with our rule and with EasyR1's, and count agreement.

EasyR1's rule (examples/reward_function/math.py): the last ``\\boxed{}`` of the response
(``mathruler.grader.extract_boxed_content``) compared with the gold by
``mathruler.grader.grade_answer``. Its only verdicts are right (1.0) or not; a case labelled
``wrong`` or ``no_answer`` is handled correctly when the rule does not say right.

    python scripts/compare_visual_rules.py        # needs the dev extra (mathruler, pylatexenc)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boundary_ray.verifiers.visual import VisualVerifier  # noqa: E402
from tests.verifiers.visual_cases import all_cases  # noqa: E402

FIELDS = ("response", "answer", "question_type", "answer_type", "choices", "precision", "unit")


def easyr1_correct(response: str, gold: str) -> bool:
    """EasyR1's accuracy reward: last boxed content graded by mathruler."""
    from mathruler.grader import extract_boxed_content, grade_answer

    return bool(grade_answer(extract_boxed_content(response), gold))


def main() -> None:
    verifier = VisualVerifier()
    totals: Counter[str] = Counter()
    misses: list[str] = []
    for case in all_cases():
        subset = "hostile" if case["hostile"] else "labelled"
        row = {k: case.get(k) for k in FIELDS} | {"finish_reason": case.get("finish_reason")}
        ours = verifier.judge(row)[0].correct
        theirs = easyr1_correct(case["response"], str(case["answer"]))
        truth = case["expect"] == "correct"
        totals[f"{subset}:n"] += 1
        totals[f"{subset}:ours"] += ours == truth
        totals[f"{subset}:easyr1"] += theirs == truth
        totals[f"{subset}:easyr1_false_correct"] += theirs and not truth
        totals[f"{subset}:ours_false_correct"] += ours and not truth
        if theirs != truth:
            misses.append(
                f"  easyr1 {'correct' if theirs else 'not correct'} vs label "
                f"{case['expect']}: {case['response'][:50]!r} gold {case['answer']!r}"
            )
    verifier.close()
    print(
        "| cases | n | ours right | EasyR1 rule right | ours false 'correct' | EasyR1 false 'correct' |"
    )
    print("|---|---|---|---|---|---|")
    for subset in ("labelled", "hostile"):
        n = totals[f"{subset}:n"]
        print(
            f"| {subset} | {n} | {totals[f'{subset}:ours']} ({totals[f'{subset}:ours'] / n:.1%}) "
            f"| {totals[f'{subset}:easyr1']} ({totals[f'{subset}:easyr1'] / n:.1%}) "
            f"| {totals[f'{subset}:ours_false_correct']} | {totals[f'{subset}:easyr1_false_correct']} |"
        )
    print("\nwhere EasyR1's rule differs from the label:")
    print("\n".join(misses))


if __name__ == "__main__":
    main()
