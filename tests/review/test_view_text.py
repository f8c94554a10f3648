"""A response cut around its extracted answer for the page: the piece grows to the formula it
stands in, the work stays linear on hostile text, and the text is capped for display."""

from __future__ import annotations

from boundary_ray.review.view.text import MAX_CHARS, Pieces, math_spans, response_pieces


def test_the_boxed_answer_is_marked_with_its_whole_formula():
    text = "So $x = 3$ and the answer is $\\boxed{\\frac{1}{2}}$. Done."
    pieces = response_pieces(text, "\\frac{1}{2}", "boxed")
    assert pieces == Pieces("So $x = 3$ and the answer is ", "$\\boxed{\\frac{1}{2}}$", ". Done.")
    # a box outside any formula is marked alone; the last complete box wins
    assert response_pieces("\\boxed{1} then \\boxed{2", "1", "boxed").answer == "\\boxed{1}"


def test_other_rules_mark_the_last_occurrence_and_nothing_when_absent():
    assert response_pieces("7, then 8, so 8.", "8", "last_number") == Pieces(
        "7, then 8, so ", "8", "."
    )
    assert response_pieces("The answer is \\(42\\)", "42", "answer_is").answer == "\\(42\\)"
    assert response_pieces("no answer here", None, None) == Pieces("no answer here", "", "")
    assert response_pieces(None, "3", "boxed") == Pieces("", "", "")
    assert response_pieces("canonical 0.5 differs", "1/2", "boxed").answer == ""


def test_math_spans_skip_unclosed_openers():
    assert math_spans("a $1$ b $$2$$ c \\(3\\) d \\[4\\] e") == [
        (2, 5),
        (8, 13),
        (16, 21),
        (24, 29),
    ]
    assert math_spans("price $5 and \\(x") == []
    assert math_spans("$a$ $b") == [(0, 3)]


def test_hostile_text_is_linear_and_capped():
    # every opener unclosed and boxes left open: each kind is searched for once, not per opener
    hostile = ("\\( $$ \\[ \\boxed{" * 6_000) + "\\boxed{5}"  # 90k characters
    pieces = response_pieces(hostile, "5", "boxed")
    assert pieces.answer == "\\boxed{5}" and pieces.cut == 0
    assert math_spans("\\(" * 50_000) == []
    long = "x" * (MAX_CHARS + 10) + "\\boxed{1}"
    cut = response_pieces(long, "1", "boxed")
    assert cut.cut == 19 and len(cut.before + cut.answer + cut.after) == MAX_CHARS
