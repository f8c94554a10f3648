"""Final-answer extraction: each rule, their order, and the truncated-response case."""

from __future__ import annotations

import pytest

from boundary_ray.verifiers.answer_extraction import Extraction, extract_answer, last_boxed


@pytest.mark.parametrize(
    ("response", "answer", "rule"),
    [
        ("so $\\boxed{5}$ and then \\boxed{\\frac{1}{2}}.", "\\frac{1}{2}", "boxed"),
        (
            "\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}",
            "\\left( 3, \\frac{\\pi}{2} \\right)",
            "boxed",
        ),
        ("the set is \\fbox{\\{1, 2\\}}", "\\{1, 2\\}", "boxed"),
        ("\\boxed {42}", "42", "boxed"),
        ("The answer is $\\frac{1}{2}$. Done.", "\\frac{1}{2}", "answer_is"),
        ("so the final answer is 42.", "42", "answer_is"),
        ("Thus the answer is: x = 3", "x = 3", "answer_is"),
        ("**Final Answer:** 7", "7", "answer_is"),
        ("The answer is 3.5.", "3.5", "answer_is"),
        ("16 - 3 - 4 = 9\n#### 1,234\n", "1,234", "hashes"),
        ("I have 3 apples and 4 pears, so 7 fruit", "7", "last_number"),
        ("It costs 1,000 dollars in total.", "1000", "last_number"),
        ("the change is -2.5 degrees", "-2.5", "last_number"),
    ],
)
def test_rules(response: str, answer: str, rule: str) -> None:
    assert extract_answer(response) == Extraction(answer, rule)


def test_rule_order_boxed_first_then_answer_is_then_hashes() -> None:
    text = "The answer is 4.\n#### 5\nso \\boxed{6} wait 7"
    assert extract_answer(text) == Extraction("6", "boxed")
    assert extract_answer("#### 5\nThe answer is 4. 9") == Extraction("4", "answer_is")
    assert extract_answer("#### 5 then 8") == Extraction("5 then 8", "hashes")


def test_last_boxed_balances_braces_and_skips_an_unclosed_box() -> None:
    assert last_boxed("\\boxed{a^{2}} then \\boxed{\\frac{1}{\\sqrt{2}}}") == "\\frac{1}{\\sqrt{2}}"
    assert last_boxed("\\boxed{1} then \\boxed{\\frac{1}{2") == "1"  # cut off inside the box
    assert last_boxed("\\boxed{\\{x\\}}") == "\\{x\\}"  # escaped braces do not count
    assert last_boxed("no box here") is None


def test_truncated_response_counts_only_explicit_answers() -> None:
    cot = "Let us count: 3 + 4 = 7, then 7 * 2 = 14, and"
    assert extract_answer(cot, "stop") == Extraction("14", "last_number")
    assert extract_answer(cot, "length") is None  # a number mid-thought is a guess
    assert extract_answer(cot + " \\boxed{14}", "length") == Extraction("14", "boxed")
    assert extract_answer(cot + " the answer is 14.", "length") == Extraction("14", "answer_is")
    assert extract_answer(cot + "\n#### 14", "length") == Extraction("14", "hashes")
    assert extract_answer("... so \\boxed{\\frac{1}{2", "length") is None


@pytest.mark.parametrize("response", [None, "", "no digits or markers here", "the answer is"])
def test_nothing_to_extract(response: str | None) -> None:
    assert extract_answer(response) is None
