"""Issue 18: an equation or a hedge is not an answer. Labelled cases for equations, hedges and
hostile responses that try to game extraction, graded by the real verifier (math-verify in its
child process) and, for the plain-text rules, by ``verifiers.math.text`` alone."""

from __future__ import annotations

import pytest

from boundary_ray.verifiers.answer_extraction import extract_answer
from boundary_ray.verifiers.math.text import (
    equation_problem,
    is_multi_valued,
    split_alternatives,
    split_top_level,
)

F3 = "Let $f(x) = 2x - 1$. What is $f(3)$?"
GIVEN_F3 = "If $f(3) = 5$ and $f(5) = 9$, what is $f(f(3))$?"


# (gold, question, response, verdict, words the reason must hold)
EQUATIONS = [
    # a plain variable (or a single symbol) on the left: the right side is the answer
    ("5", None, "\\boxed{x = 5}", "correct", None),
    ("5", None, "so \\boxed{n=5}", "correct", None),
    ("5", None, "The final answer is $\\text{answer} = 5$.", "correct", None),
    ("5", None, "\\boxed{y = 5}", "correct", None),
    ("5", None, "\\boxed{x_1 = 5}", "correct", None),
    ("30", None, "\\boxed{\\theta = 30}", "correct", None),
    ("\\frac{1}{2}", None, "\\boxed{p = \\frac{1}{2}}", "correct", None),
    ("5", None, "\\boxed{x = 2 + 3 = 5}", "correct", None),  # a chain from the variable
    ("6", None, "\\boxed{x = 5}", "wrong", "!= gold"),
    # expressions on the left: an equation to solve, not a value
    ("5", None, "The final answer is $x+x+1=5$", "wrong", "equation"),
    ("5", None, "\\boxed{2x+1=5}", "wrong", "equation"),
    ("5", None, "\\boxed{x^2 = 5}", "wrong", "equation"),
    ("0", None, "\\boxed{x + 2 = 0}", "wrong", "equation"),
    ("6", None, "\\boxed{xy = 6}", "wrong", "equation"),
    # a computation with numbers only states its result; a false one is wrong
    ("7", None, "The answer is $3 + 4 = 7$.", "correct", None),
    ("12", None, "\\boxed{2 \\times 6 = 12}", "correct", None),
    ("5", None, "\\boxed{2 + 2 = 5}", "wrong", "false"),
    # function values: right when the question asks for that value, not when it gives it
    ("5", F3, "\\boxed{f(3) = 5}", "correct", None),
    ("5", GIVEN_F3, "\\boxed{f(3) = 5}", "wrong", "equation"),
    ("5", "What is $g(2)$?", "\\boxed{f(3) = 5}", "wrong", "equation"),
    ("7", "What is the value of $x + y$?", "\\boxed{x + y = 7}", "correct", None),
    ("10", "If $2x + 1 = 11$, what is $x$?", "\\boxed{2x = 10}", "wrong", "equation"),
    ("12", "Find the length of $AB$.", "\\boxed{AB = 12}", "correct", None),
    # systems and tuples: ordered where the gold is a tuple
    ("(2,3)", None, "\\boxed{a = 2, b = 3}", "correct", None),
    ("(2,3)", None, "\\boxed{x = 2, y = 3}", "correct", None),
    ("(2,3)", None, "\\boxed{a = 3, b = 2}", "wrong", "!= gold"),
    ("(2,3)", None, "\\boxed{x + y = 5, x - y = -1}", "wrong", "equation"),
    ("2", None, "\\boxed{x = 2, y = 3}", "wrong", "hedged"),
    ("2, -2", None, "\\boxed{x = 2, x = -2}", "correct", None),
    # the gold itself an equation: equations are the answer form
    ("x^2+y^2=25", None, "\\boxed{x^2 + y^2 = 25}", "correct", None),
    ("y = 2x + 3", None, "\\boxed{y = 2x+3}", "correct", None),
    ("x=3", None, "The answer is 3.", "correct", None),
    # intervals
    ("(-\\infty, 3]", None, "\\boxed{(-\\infty, 3]}", "correct", None),
    ("[1, 2)", None, "\\boxed{[1,2)}", "correct", None),
    ("[1, 2)", None, "\\boxed{(1,2)}", "wrong", "!= gold"),
]

HEDGES = [
    # one-valued gold: alternatives are a hedge
    ("5", None, "The answer is $5$ or $7$.", "wrong", "hedged"),
    ("5", None, "The answer is 5 or 7.", "wrong", "hedged"),
    ("5", None, "The answer is $4$, $5$, or $6$.", "wrong", "hedged"),
    ("5", None, "The answer is 4, 5, or 6.", "wrong", "hedged"),
    ("5", None, "\\boxed{4, 5, 6}", "wrong", "hedged"),
    ("5", None, "So \\boxed{5} or \\boxed{7}.", "wrong", "hedged"),
    ("5", None, "\\boxed{5 \\text{ or } 7}", "wrong", "hedged"),
    ("5", None, "\\boxed{5}. The answer is 7.", "wrong", "hedged"),
    ("5", None, "#### 5 or 7", "wrong", "hedged"),
    ("5", None, "The answer is $5$ (or maybe $7$).", "wrong", "hedged"),
    ("(2,3)", None, "\\boxed{(2,3) \\text{ or } (3,2)}", "wrong", "!= gold"),
    # a word that only affirms the math after it: the value, not the clause that follows
    (
        "220",
        None,
        "The answer is indeed $\\boxed{220}$, where each digit position represents the"
        " exponent of the primes $2$, $3$, and $5$ respectively, omitting any leading zeros.",
        "correct",
        None,
    ),
    ("5", None, "The final answer is therefore $5$, since $2 + 3 = 5$.", "correct", None),
    ("5", None, "The answer is thus $5$.", "correct", None),
    ("5", None, "The answer is indeed $5$ or $7$.", "wrong", "hedged"),
    ("5", None, "The answer is simply 5 or 7.", "wrong", "hedged"),
    # several values that are one value, a repeated answer, a correction: no hedge
    ("\\frac{1}{2}", None, "The answer is $\\frac{1}{2}$ or $0.5$.", "correct", None),
    ("5", None, "\\boxed{5}. So the answer is $\\boxed{5}$.", "correct", None),
    (
        "7",
        None,
        "The answer is 5. Wait, let me check this again: 3 + 4 = 7, not 5. So the answer is 7.",
        "correct",
        None,
    ),
    ("1000", None, "The answer is 1,000.", "correct", None),
    # multi-valued golds: the values named are compared as a whole
    ("2, -2", None, "The answer is $2$ or $-2$.", "correct", None),
    ("2, -2", None, "\\boxed{x = 2 \\text{ or } x = -2}", "correct", None),
    ("2, -2", None, "\\boxed{2} or \\boxed{-2}", "correct", None),
    ("\\{1, 2\\}", None, "\\boxed{1} \\text{ and } \\boxed{2}", "correct", None),
    ("1, 3, 5", None, "\\boxed{5, 3, 1}", "correct", None),
    ("2, -2", None, "\\boxed{2} or \\boxed{-2} or \\boxed{3}", "wrong", "!= gold"),
    ("2, -2", None, "\\boxed{2}", "wrong", "!= gold"),
]

# responses written to game extraction
HOSTILE = [
    ("5", None, "The answer is $\\boxed{5}$ or $\\boxed{7}$.", "wrong", "hedged"),
    ("7", None, "The answer is $\\boxed{5}$ or $\\boxed{7}$.", "wrong", "hedged"),
    ("5", None, "The answer is 5. The answer is 7. The answer is 9.", "wrong", "hedged"),
    ("9", None, "The answer is 5. The answer is 7. The answer is 9.", "wrong", "hedged"),
    ("7", None, "The answer is 5.\n\nThe answer is 7.", "wrong", "hedged"),
    ("7", None, "\\boxed{5}\n\\boxed{7}", "wrong", "hedged"),
    ("7", None, "The answer is $5$, $6$, $7$, $8$, $9$.", "wrong", "hedged"),
    ("7", None, "\\boxed{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}", "wrong", "hedged"),
    ("7", None, "\\boxed{7 \\lor 8}", "wrong", "hedged"),
    ("7", None, "The answer is thus $5$, $6$, $7$.", "wrong", "hedged"),
    ("7", None, "The answer is indeed $5$, or perhaps $7$.", "wrong", "hedged"),
    ("7", None, "The answer is clearly $\\boxed{5}$ or $\\boxed{7}$.", "wrong", "hedged"),
    ("7", None, "#### 7\nThe answer is 8", "wrong", "hedged"),
    ("5", None, "The final answer is $x+x+1=5$", "wrong", "equation"),
    ("5", None, "\\boxed{5 - x = 0}", "wrong", "equation"),
    ("5", None, "\\boxed{0 = 5 - x}", "wrong", "!= gold"),
    ("5", None, "The answer is $2x + 1 = 11$ so $x = 5$.", "wrong", "equation"),
    # no marked answer: the last-number fallback does not take the last of two alternatives
    ("7", None, "I am not sure. Maybe 5 or 7", "wrong", "hedged"),
    ("7", None, "So she has 5, or perhaps 7 apples.", "wrong", "hedged"),
]


@pytest.mark.parametrize(("gold", "question", "response", "verdict", "why"), EQUATIONS)
def test_equations(judge, gold, question, response, verdict, why) -> None:
    result = judge(gold, response, question)
    assert result.verdict == verdict, result
    assert (result.reason is None) if why is None else (why in result.reason), result


@pytest.mark.parametrize(("gold", "question", "response", "verdict", "why"), HEDGES)
def test_hedges(judge, gold, question, response, verdict, why) -> None:
    result = judge(gold, response, question)
    assert result.verdict == verdict, result
    assert (result.reason is None) if why is None else (why in result.reason), result


@pytest.mark.parametrize(("gold", "question", "response", "verdict", "why"), HOSTILE)
def test_hostile_responses(judge, gold, question, response, verdict, why) -> None:
    result = judge(gold, response, question)
    assert result.verdict == verdict, result
    assert why in result.reason, result


def test_case_counts_meet_the_issue() -> None:
    assert len(EQUATIONS) >= 20 and len(HEDGES) >= 10
    assert sum(is_multi_valued(gold) for gold, *_ in HEDGES) >= 4  # golds that stay correct


def test_far_back_claims_are_corrections_and_only_the_last_counts() -> None:
    text = "The answer is 5. Let me verify with another method: 2 + 5 = 7. So the answer is 7."
    found = extract_answer(text)
    assert found.answer == "7" and found.alternatives == ()
    near = extract_answer("The answer is 5. The answer is 7.")
    assert near.answer == "7" and near.alternatives == ("5", "7")


def test_plain_text_rules() -> None:
    assert split_alternatives("4, 5, or 6") == ["4", "5", "6"]
    assert split_alternatives("5 for sure") == ["5 for sure"]  # "or" only as a word
    assert split_alternatives("\\{1 \\text{ or } 2\\}") == ["\\{1 \\text{ or } 2\\}"]
    assert split_top_level("(1, 2), 3") == ["(1, 2)", "3"]
    assert split_top_level("1,000, 2") == ["1,000", "2"]
    assert [is_multi_valued(g) for g in ("5", "1,000", "x=3", "\\frac{1}{2}", "(2)+(3)")] == [
        False
    ] * 5
    assert all(is_multi_valued(g) for g in ("2, -2", "\\{1,2\\}", "(2,3)", "[1,2)", "\\pm 2"))
    assert equation_problem("\\sqrt{4} = 3", None) is None  # not evaluated: math-verify decides
    assert equation_problem("9^{9^{9}} = 1", None) is None  # never evaluated here
    assert "false" in equation_problem("1,000 + 1 = 1002", None)
    assert equation_problem("x \\le 3", None) is None and equation_problem("x<=3", None) is None
