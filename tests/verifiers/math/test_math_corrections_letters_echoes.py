"""Math answer forms: a self-correction is not a hedge, an AMC letter with its value answers a
letter gold, a thin space before a unit is not a list, and an echo of the question is not an
answer.

Each class has labelled cases (what a careful grader says; most were once graded otherwise) and
hostile ones (answers that must stay wrong: two values offered together, a hedge, another
letter, a copy of the question, a unit trick). All go through the real verifier, math-verify in
its child process, with only the public ``verify_one`` (so the same cases can be run against an
older checkout)."""

from __future__ import annotations

import pytest

Q = "What is 11 - 7 - 2?"
EQS = "a = 5. b = a + 3. c = b - 3. What is the value of c?"
DUCKS = "Ana has 12 cakes and eats 4 a day. How many days do the cakes last? Give 3 reasons."


# (gold, question, response, verdict, words the reason must hold or None)
CORRECTIONS = [
    ("17", None, "First I got \\boxed{15} … checking again, the answer is \\boxed{17}.", "correct", None),
    ("17", None, "First I got \\boxed{15}, but checking again, the answer is \\boxed{17}.", "correct", None),
    ("17", None, "So \\boxed{15}, wait, no: 8 + 9 = 17, so \\boxed{17}", "correct", None),
    ("17", None, "The answer is 15, actually no, the answer is 17", "correct", None),
    ("17", None, "\\boxed{15} -- hmm, I made an arithmetic mistake; \\boxed{17}", "correct", None),
    ("17", None, "I get $\\boxed{15}$ — correction: $\\boxed{17}$", "correct", None),
    ("17", None, "The final answer is 15 (no wait, it's 17)", "correct", None),
    ("17", None, "The answer is 15, no wait, 17.", "correct", None),
    ("17", None, "The answer is $15$; let me recompute: $8 + 9 = 17$, so the answer is $17$.", "correct", None),
    ("\\frac{1}{2}", None, "\\boxed{\\frac{1}{3}}, oops, that is wrong: \\boxed{\\frac{1}{2}}", "correct", None),
    ("17", None, "#### 15, let me double-check: 8 + 9 = 17\n#### 17", "correct", None),
    ("2, -2", None, "\\boxed{2}, wait, also \\boxed{-2}", "correct", None),  # an addition, kept whole
    # the answer settled on is the later one: the first is no longer graded
    ("15", None, "First I got \\boxed{15} … checking again, the answer is \\boxed{17}.", "wrong", "!= gold"),
]  # fmt: skip

CORRECTIONS_HOSTILE = [
    ("17", None, "\\boxed{15} or, wait, maybe \\boxed{17}", "wrong", "hedged"),
    ("15", None, "\\boxed{15} or, wait, maybe \\boxed{17}", "wrong", "hedged"),
    ("17", None, "The answer is 15, wait, or perhaps 17.", "wrong", "hedged"),
    ("17", None, "The answer is $15$ or, actually, $17$.", "wrong", "hedged"),
    ("17", None, "\\boxed{15}, no wait, \\boxed{17} or \\boxed{19}", "wrong", "hedged"),
    ("17", None, "\\boxed{15}\n\\boxed{17}", "wrong", "hedged"),
    ("17", None, "\\boxed{15} \\boxed{17}", "wrong", "hedged"),
    ("17", None, "\\boxed{17}, no wait, \\boxed{15}", "wrong", "!= gold"),
    ("17", None, "The answer is 15. Wait, maybe it is 17.", "wrong", "!= gold"),
    ("17", None, "The answer is 15, actually 17 or 19.", "wrong", "hedged"),
    ("2", None, "\\boxed{2}, wait, also \\boxed{-2}", "wrong", "hedged"),
]  # fmt: skip

LETTERS = [
    ("C", None, "The answer is \\textbf{(C)}\\ 12", "correct", None),
    ("C", None, "$\\boxed{\\textbf{(C)}\\ 12}$", "correct", None),
    ("C", None, "\\boxed{\\text{(C) } 12}", "correct", None),
    ("C", None, "\\boxed{(C)\\ 12}", "correct", None),
    ("C", None, "\\boxed{\\textbf{(C) }12}", "correct", None),
    ("(C)", None, "\\boxed{\\textbf{(C)}~12}", "correct", None),
    ("E", None, "so the final answer is $\\textbf{(E)}\\ \\frac{5}{2}$.", "correct", None),
    ("A \\cup B", None, "\\boxed{A \\cup B}", "correct", None),  # letters that are sets, not options
    ("mc^2", None, "\\boxed{E = mc^2}", "correct", None),
    # a gold value (AMC23): the value beside the letter is graded
    ("12", None, "\\boxed{\\textbf{(C)}\\ 12}", "correct", None),
    ("-3", None, "The answer is $\\textbf{(A) }-3$", "correct", None),
    ("\\frac{5}{2}", None, "\\boxed{\\textbf{(E)}\\ \\frac{5}{2}}", "correct", None),
]  # fmt: skip

LETTERS_HOSTILE = [
    ("C", None, "\\boxed{\\textbf{(B)}\\ 12}", "wrong", "option B"),
    ("C", None, "\\boxed{\\textbf{(C)}\\ 12 \\text{ or } \\textbf{(D)}\\ 14}", "wrong", "hedged"),
    ("C", None, "\\boxed{\\textbf{(B)}\\ 10 \\quad \\textbf{(C)}\\ 12}", "wrong", None),
    ("C", None, "\\boxed{D}", "wrong", None),
    ("C", None, "\\boxed{C = 12}", "wrong", None),
    ("C", None, "\\boxed{\\textbf{(C)}\\ 12}, or maybe \\boxed{\\textbf{(D)}\\ 14}", "wrong", "hedged"),
    ("12", None, "\\boxed{\\textbf{(D)}\\ 14}", "wrong", None),
    ("12", None, "\\boxed{\\textbf{(C)}}", "wrong", None),
    ("12", None, "\\boxed{\\textbf{(C)}\\ 12 \\text{ or } \\textbf{(D)}\\ 14}", "wrong", "hedged"),
    ("A \\cup B", None, "\\boxed{A \\cap B}", "wrong", None),
    ("12", None, "\\boxed{(C) 12 (D) 14}", "wrong", None),
]  # fmt: skip

THIN_SPACES = [
    ("10", None, "\\boxed{10\\,\\mathrm{cm}}", "correct", None),
    ("10", None, "The answer is $10\\,\\text{cm}$.", "correct", None),
    ("2.5", None, "\\boxed{2.5\\,\\text{kg}}", "correct", None),
    ("\\frac{3}{4}", None, "\\boxed{\\frac{3}{4}\\,\\mathrm{m}^2}", "correct", None),
]  # fmt: skip

THIN_SPACES_HOSTILE = [
    ("10", None, "\\boxed{10\\,\\mathrm{cm}, 12\\,\\mathrm{cm}}", "wrong", "hedged"),
    ("10", None, "\\boxed{10\\,\\text{cm} \\text{ or } 12\\,\\text{cm}}", "wrong", "hedged"),
    ("10", None, "\\boxed{12\\,\\mathrm{cm}}", "wrong", None),
    ("10", None, "\\boxed{10\\,000}", "wrong", None),
    ("10", None, "\\boxed{10, 12}", "wrong", "hedged"),
]  # fmt: skip

ECHOES = [
    # the response repeats the question: its last number is no answer
    ("2", Q, "11 - 7 - 2", "no_answer", "repeats the question"),
    ("2", Q, "11, 7 and 2.", "no_answer", "repeats the question"),
    ("2", Q, "11 + 7 + 2", "no_answer", "repeats the question"),
    ("2", Q, "Question: What is 11 - 7 - 2?", "no_answer", "repeats the question"),
    ("2", Q, "2", "no_answer", "repeats the question"),
    ("5", EQS, "a = 5", "no_answer", "repeats the question"),  # the question's own equation
    # a computation ends in the number, or the response states it as its answer
    ("2", Q, "11 - 7 - 2 = 2", "correct", None),
    ("2", Q, "11 - 7 = 4, 4 - 2 = 2", "correct", None),
    ("2", Q, "11 - 7 - 2 = $2$", "correct", None),
    ("2", Q, "\\boxed{2}", "correct", None),
    ("2", Q, "The answer is 2.", "correct", None),
    ("5", EQS, "b = 5 + 3 = 8, c = 8 - 3 = 5", "correct", None),
    ("3", DUCKS, "12 / 4 = 3 days. So the cakes last 3 days.", "correct", None),
    ("18", "What is 9 + 9?", "18", "correct", None),  # not in the question: as before
]  # fmt: skip

ECHOES_HOSTILE = [
    ("2", Q, "11 - 7 - 2 = 11 - 7 - 2", "no_answer", "repeats the question"),
    ("2", Q, "What is 11 - 7 - 2? I think 11 - 7 - 2", "no_answer", "repeats the question"),
    ("2", Q, "We have 11, 7 and then 2", "no_answer", "repeats the question"),
    ("5", EQS, "We know a = 5. So a = 5", "no_answer", "repeats the question"),
    ("3", DUCKS, "The cakes last for 3 reasons: 12, 4 and 3", "no_answer", "repeats the question"),
    ("2", Q, "11 - 7 - 2 = 3, so 2", "no_answer", "repeats the question"),
    ("7", Q, "11 - 7", "no_answer", "repeats the question"),
]  # fmt: skip

ALL = {
    "corrections": CORRECTIONS,
    "corrections_hostile": CORRECTIONS_HOSTILE,
    "letters": LETTERS,
    "letters_hostile": LETTERS_HOSTILE,
    "thin_spaces": THIN_SPACES,
    "thin_spaces_hostile": THIN_SPACES_HOSTILE,
    "echoes": ECHOES,
    "echoes_hostile": ECHOES_HOSTILE,
}
CASES = [(group, *case) for group, cases in ALL.items() for case in cases]


@pytest.mark.parametrize(
    ("group", "gold", "question", "response", "verdict", "why"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_math_form_case(judge, group, gold, question, response, verdict, why) -> None:
    result = judge(gold, response, question)
    assert result.verdict == verdict, (group, result)
    if why is not None:
        assert why in (result.reason or ""), (group, result)


def test_every_class_has_labelled_and_hostile_cases() -> None:
    for name in ("corrections", "letters", "thin_spaces", "echoes"):
        assert len(ALL[name]) >= 4 and len(ALL[f"{name}_hostile"]) >= 4, name
        assert all(case[3] != "correct" for case in ALL[f"{name}_hostile"]), name


def test_an_echo_keeps_its_number_and_rule_for_the_reader(judge) -> None:
    result = judge("2", "11, 7 and 2.", Q)
    assert (result.extracted_answer, result.answer_rule) == ("2", "last_number")
    assert judge("2", "11, 7 and 2.", None).verdict == "correct"  # no question: as before
