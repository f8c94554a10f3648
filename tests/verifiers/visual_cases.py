"""Labelled cases for the visual-math verifier, in ``boundary verify visual``'s line format.

``expect`` is the verdict a careful human grader gives; ``hostile`` marks the adversarial set
(responses built to slip a wrong or unsupported answer past a lenient rule). Also read by
``scripts/compare_visual_rules.py``, which grades the same cases with EasyR1's rule.
"""

from __future__ import annotations

ANGLES = ["135°", "140°", "145°", "150°"]  # MathVista: gold is the option text '145°' (C)
LENGTHS = ["6cm", "7cm", "4cm", "5cm"]  # gold '6cm' (A)
NUMBERS = ["97", "102", "107", "122"]  # gold '97' (A)
WORDS = ["half", "quarter", "o'clock", "quarter to", "quarter past"]  # gold 'quarter' (B)
DECIMALS = ["2.5", "4.5", "6.5", "8.5"]  # gold '4.5' (B)


def _mv_choice(response: str, expect: str, choices=ANGLES, gold="145°", **kw) -> dict:
    return {
        "response": response,
        "answer": gold,
        "question_type": "multi_choice",
        "answer_type": "text",
        "choices": choices,
        "expect": expect,
        "group": "mathvista_choice",
        **kw,
    }


def _vision_choice(response: str, expect: str, gold="D", choices=None, **kw) -> dict:
    # MathVision: gold is a letter; options may be texts or just the letters A-E
    return {
        "response": response,
        "answer": gold,
        "choices": choices if choices is not None else ["A", "B", "C", "D", "E"],
        "expect": expect,
        "group": "mathvision_choice",
        **kw,
    }


def _free(response: str, gold: str, answer_type: str, expect: str, **kw) -> dict:
    return {
        "response": response,
        "answer": gold,
        "question_type": "free_form",
        "answer_type": answer_type,
        "expect": expect,
        "group": f"free_{answer_type}",
        **kw,
    }


LABELLED: list[dict] = [
    # MathVista multiple choice: gold is option text, models answer with letters or text
    _mv_choice("The angle BOC is 90 + 110/2 = 145°. \\boxed{C}", "correct"),
    _mv_choice("So the answer is (C).", "correct"),
    _mv_choice("Therefore \\boxed{(C)}", "correct"),
    _mv_choice("\\boxed{C. 145°}", "correct"),
    _mv_choice("The answer is (C) 145°", "correct"),
    _mv_choice("\\boxed{145°}", "correct"),
    _mv_choice("\\boxed{145^\\circ}", "correct"),
    _mv_choice("\\boxed{145}", "correct"),
    _mv_choice("\\boxed{\\text{C}}", "correct"),
    _mv_choice("Final answer: C", "correct"),
    _mv_choice("Reasoning about the bisectors...\nAnswer: C", "correct"),
    _mv_choice("Reasoning about the bisectors...\nC", "correct"),
    _mv_choice("\\boxed{B}", "wrong"),
    _mv_choice("\\boxed{140°}", "wrong"),
    _mv_choice("The answer is (A).", "wrong"),
    _mv_choice("\\boxed{E}", "wrong"),  # only A-D exist
    _mv_choice("\\boxed{c}", "correct"),  # issue 33: no option's text is c, so c is option C
    _mv_choice("\\boxed{A}", "correct", choices=LENGTHS, gold="6cm"),
    _mv_choice("\\boxed{6 cm}", "correct", choices=LENGTHS, gold="6cm"),
    _mv_choice("\\boxed{6}", "correct", choices=LENGTHS, gold="6cm"),  # the number of '6cm' (A)
    _mv_choice("\\boxed{7}", "wrong", choices=LENGTHS, gold="6cm"),
    _mv_choice("\\boxed{A}", "correct", choices=NUMBERS, gold="97"),
    _mv_choice("\\boxed{97}", "correct", choices=NUMBERS, gold="97"),
    _mv_choice("\\boxed{97.0}", "correct", choices=NUMBERS, gold="97"),
    _mv_choice("\\boxed{102}", "wrong", choices=NUMBERS, gold="97"),
    _mv_choice("\\boxed{B}", "correct", choices=WORDS, gold="quarter"),
    _mv_choice("The answer is quarter.", "correct", choices=WORDS, gold="quarter"),
    _mv_choice("\\boxed{quarter past}", "wrong", choices=WORDS, gold="quarter"),
    _mv_choice("\\boxed{B. 4.5}", "correct", choices=DECIMALS, gold="4.5"),
    _mv_choice("\\boxed{4.50}", "correct", choices=DECIMALS, gold="4.5"),
    _mv_choice("\\boxed{(B) 4.5}", "correct", choices=DECIMALS, gold="4.5"),
    _mv_choice("\\boxed{Option B}", "correct", choices=DECIMALS, gold="4.5"),
    _mv_choice("\\boxed{C. 6.5}", "wrong", choices=DECIMALS, gold="4.5"),
    _mv_choice("I am not sure.", "no_answer"),
    _mv_choice("", "no_answer"),
    # MathVision multiple choice: letter golds
    _vision_choice("\\boxed{D}", "correct"),
    _vision_choice("The answer is (D).", "correct"),
    _vision_choice("\\boxed{B}", "wrong"),
    _vision_choice("\\boxed{d}", "correct"),  # issue 33: lower-case letters count
    _vision_choice("\\boxed{12}", "correct", gold="C", choices=["8", "10", "12", "14", "16"]),
    _vision_choice("\\boxed{C}", "correct", gold="C", choices=["8", "10", "12", "14", "16"]),
    _vision_choice("\\boxed{C. 12}", "correct", gold="C", choices=["8", "10", "12", "14", "16"]),
    _vision_choice("\\boxed{14}", "wrong", gold="C", choices=["8", "10", "12", "14", "16"]),
    _vision_choice("\\boxed{A}", "correct", gold="A", choices=[]),  # options only in the image
    _vision_choice("\\boxed{F}", "wrong", gold="A", choices=[]),
    # free form, integer (MathVista) and MathVision's untyped free-form golds
    _free("The count is \\boxed{7}", "7", "integer", "correct"),
    _free("\\boxed{7.0}", "7", "integer", "correct"),
    _free("\\boxed{8}", "7", "integer", "wrong"),
    _free("\\boxed{7.4}", "7", "integer", "wrong"),  # MathVista's int(float()) would say 7
    _free("There are 7 cubes.", "7", "integer", "correct"),
    _free("The answer is 1,200.", "1200", "integer", "correct"),
    _free("\\boxed{\\frac{14}{2}}", "7", "integer", "correct"),
    _free("\\boxed{3 years}", "3", "integer", "correct", unit="years"),
    _free("\\boxed{3\\text{ years}}", "3", "integer", "correct", unit="years"),
    _free("\\boxed{4 years}", "3", "integer", "wrong", unit="years"),
    _free("\\boxed{30^\\circ}", "30", "integer", "correct"),
    # float with precision
    _free("\\boxed{1.2}", "1.2", "float", "correct", precision=1),
    _free("\\boxed{1.23}", "1.2", "float", "correct", precision=1),
    _free("\\boxed{1.3}", "1.2", "float", "wrong", precision=1),
    _free("d = \\boxed{6/5} m", "1.2", "float", "correct", precision=1),
    _free("\\boxed{\\frac{6}{5}}", "1.2", "float", "correct", precision=1),
    _free("\\boxed{0.47}", "0.47", "float", "correct", precision=2),
    _free("\\boxed{0.5}", "0.47", "float", "wrong", precision=2),
    _free("\\boxed{47.6 g}", "47.6", "float", "correct", precision=1, unit="g"),
    # lists
    _free("\\boxed{[2014, 2016]}", "[2014, 2016]", "list", "correct"),
    _free("\\boxed{2014, 2016}", "[2014, 2016]", "list", "correct"),
    _free("\\boxed{[2016, 2014]}", "[2014, 2016]", "list", "wrong"),
    _free("\\boxed{[2014]}", "[2014, 2016]", "list", "wrong"),
    _free("\\boxed{[0, 2, 0, 2]}", "[0, 2, 0, 2]", "list", "correct"),
    # text / math-verify
    _free("\\boxed{\\frac{1}{2}}", "0.5", "text", "correct"),
    _free("\\boxed{2\\sqrt{3}}", "2\\sqrt{3}", "text", "correct"),
    _free("\\boxed{\\sqrt{12}}", "2\\sqrt{3}", "text", "correct"),
    _free("\\boxed{3\\sqrt{2}}", "2\\sqrt{3}", "text", "wrong"),
    {
        "response": "\\boxed{\\frac{3}{4}}",
        "answer": "0.75",
        "expect": "correct",
        "group": "mathvision_free",
    },
    {"response": "\\boxed{5}", "answer": "4", "expect": "wrong", "group": "mathvision_free"},
    # truncated responses
    _free("We count 3, 4, 5, 6, 7", "7", "integer", "no_answer", finish_reason="length"),
    _free("We count ... \\boxed{7} and then", "7", "integer", "correct", finish_reason="length"),
    _mv_choice("Looking at options (A), (B), (C)", "no_answer", finish_reason="length"),
    _mv_choice("Reasoning...\nC", "no_answer", finish_reason="length"),
]

HOSTILE: list[dict] = [
    # distractor letters inside reasoning: only the final answer counts
    _mv_choice("Option (C) looks tempting, but (A) fits the bisector rule. \\boxed{A}", "wrong"),
    _mv_choice("(C) is 145°, (A) is 135°... I pick (A).", "no_answer"),
    _mv_choice("Points A, B and C form a triangle; angle C is 145°. I cannot decide.", "no_answer"),
    # listing every option
    _mv_choice("\\boxed{A, B, C, D}", "wrong"),
    _mv_choice("\\boxed{A}\\boxed{B}\\boxed{C}\\boxed{D} The options are all plausible.", "wrong"),
    _mv_choice("The answer is (A) (B) (C) (D).", "wrong"),
    _mv_choice("(A) 135°\n(B) 140°\n(C) 145°\n(D) 150°", "no_answer"),
    _mv_choice("A\nB\nC", "no_answer"),
    _mv_choice("\\boxed{A or C}", "wrong"),
    _mv_choice("\\boxed{C or D}", "wrong"),
    # letter and text disagree, text of another option, near misses
    _mv_choice("\\boxed{A. 145°}", "wrong"),
    _mv_choice("\\boxed{C. 135°}", "wrong"),
    _mv_choice("\\boxed{C. 999°}", "wrong"),
    _mv_choice("\\boxed{145.5}", "wrong"),
    _mv_choice("\\boxed{14}", "wrong"),
    _mv_choice("\\boxed{}", "no_answer"),
    # free-form: several numbers, hedges, last number of a chain of thought
    _free("\\boxed{7 or 8}", "7", "integer", "wrong"),
    _free("\\boxed{6-8}", "7", "integer", "wrong"),
    _free("\\boxed{7, 8}", "7", "integer", "wrong"),
    _free("It is between 6 and 8 so maybe 7", "7", "integer", "correct"),
    _free("\\boxed{7}\\boxed{8}", "7", "integer", "wrong"),
    _free("\\boxed{1.2 or 1.3}", "1.2", "float", "wrong", precision=1),
    _free("\\boxed{1}", "1.2", "float", "wrong", precision=1),
    _free("\\boxed{[2014, 2016, 2018]}", "[2014, 2016]", "list", "wrong"),
    _free("\\boxed{[2014, x]}", "[2014, 2016]", "list", "wrong"),
    _free("\\boxed{3 years or 4 years}", "3", "integer", "wrong", unit="years"),
    _free("so I box it: \\boxed{7", "7", "integer", "no_answer", finish_reason="length"),
    _free("so the total is 3 + 4 = 7", "7", "integer", "no_answer", finish_reason="length"),
    _vision_choice("\\boxed{D} is wrong; the answer is \\boxed{B}", "wrong"),
    _vision_choice("The answer is A, B, C, D or E", "wrong"),
]


def all_cases() -> list[dict]:
    """Every case, each with ``hostile`` set."""
    return [{**c, "hostile": False} for c in LABELLED] + [{**c, "hostile": True} for c in HOSTILE]
