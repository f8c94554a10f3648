"""Visual answer forms: labelled answers that must grade correct (each class seen in MathVista /
MathVision samples) and the hostile set each rule was checked against, in ``boundary verify
visual``'s line format (``question`` included where a rule reads it)."""

from __future__ import annotations

from tests.verifiers.visual_cases import NUMBERS, _free, _mv_choice, _vision_choice

ROOTS = ["$\\sqrt{3}$", "$2\\sqrt{3}$", "$3$", "$4$"]  # MathVision-style options, gold B
HALVES = ["$\\frac{1}{4}$", "$\\frac{1}{3}$", "$\\frac{\\sqrt{3}}{2}$", "$1$"]  # gold C
LETTERS_AS_TEXT = ["b", "c", "a", "d"]  # options that are themselves letters
TWINS = ["$\\frac{1}{2}$", "$0.5$", "$2$", "$3$"]  # two options with one value
GRAMS = "How heavy is the apple? Answer in grams."
CM = "What is the length of AB in cm?"
AREA = "What is the area of the square, in cm^2?"
MILLIONS = "What was the population of the city in 2010 (in millions)?"
EUROS = "How much does the book cost in €?"
POINTS = "Point M is the midpoint of AB. What is the length of AM in cm?"

LABELLED: list[dict] = [
    # lower-case letters
    _mv_choice("\\boxed{c}", "correct", cls="lowercase"),
    _mv_choice("The answer is c.", "correct", cls="lowercase"),
    _mv_choice("\\boxed{c.}", "correct", cls="lowercase"),
    _mv_choice("\\boxed{c}", "correct", choices=NUMBERS, gold="107", cls="lowercase"),
    _vision_choice("\\boxed{d}", "correct", cls="lowercase"),
    _vision_choice("\\boxed{c}", "correct", gold="C", choices=ROOTS + ["$5$"], cls="lowercase"),
    # the letter with its option's text
    _mv_choice("\\boxed{C 145°}", "correct", cls="letter_text"),
    _mv_choice("\\boxed{(C)\\ 145^\\circ}", "correct", cls="letter_text"),
    _mv_choice("\\boxed{(C)~145°}", "correct", cls="letter_text"),
    _mv_choice("Answer: C. 145°", "correct", cls="letter_text"),
    _mv_choice("So I choose this.\n**Answer: C. 145°**", "correct", cls="letter_text"),
    _mv_choice("\\boxed{c. 145°}", "correct", cls="letter_text"),
    _mv_choice("\\boxed{c) 145^{\\circ}}", "correct", cls="letter_text"),
    # the option's value instead of its letter
    _vision_choice("\\boxed{\\sqrt{12}}", "correct", gold="B", choices=ROOTS, cls="value"),
    _vision_choice("\\boxed{\\frac{\\sqrt3}{2}}", "correct", gold="C", choices=HALVES, cls="value"),
    _vision_choice("\\boxed{\\dfrac{\\sqrt{3}}{2}}", "correct", gold="C", choices=HALVES, cls="value"),
    _vision_choice("\\boxed{\\sqrt{4 \\cdot 3}}", "correct", gold="B", choices=ROOTS, cls="value"),
    # LaTeX thousands separators
    _free("\\boxed{9{,}335}", "9335", "integer", "correct", cls="thousands"),
    _free("The answer is $1{,}200$.", "1200", "integer", "correct", cls="thousands"),
    _free("\\boxed{12{,}345.6}", "12345.6", "float", "correct", precision=1, cls="thousands"),
    _mv_choice("\\boxed{9{,}335}", "correct", choices=["9,335", "9,353"], gold="9,335", cls="thousands"),
    # a currency sign on a plain number
    _free("\\boxed{\\$12}", "12", "integer", "correct", cls="currency"),
    _free("The answer is \\$12.50.", "12.5", "float", "correct", precision=2, cls="currency"),
    _free("\\boxed{€12}", "12", "integer", "correct", question=EUROS, cls="currency"),
    _free("\\boxed{-\\$3}", "-3", "integer", "correct", cls="currency"),
    # units inside \text{} (or written out) that the question names
    _free("\\boxed{1.2\\text{ cm}}", "1.2", "float", "correct", precision=1, question=CM, cls="units"),
    _free("\\boxed{\\text{1.2 cm}}", "1.2", "float", "correct", precision=1, question=CM, cls="units"),
    _free("\\boxed{140\\text{ grams}}", "140", "integer", "correct", question=GRAMS, cls="units"),
    _free("\\boxed{140 gram}", "140", "integer", "correct", question=GRAMS, cls="units"),
    _free("\\boxed{36\\text{ cm}^2}", "36", "integer", "correct", question=AREA, cls="units"),
    _free("\\boxed{3\\,\\text{cm}}", "3", "integer", "correct", question=POINTS, cls="units"),
    # a scale word the question implies, or a scale multiplied out
    _free("\\boxed{2.5 million}", "2.5", "float", "correct", precision=1, question=MILLIONS, cls="scale"),
    _free("\\boxed{2.5\\text{ million}}", "2.5", "float", "correct", precision=1, question=MILLIONS, cls="scale"),
    _free("The answer is 2.5 millions.", "2.5", "float", "correct", precision=1, question=MILLIONS, cls="scale"),
    _free("\\boxed{2.5 million}", "2500000", "integer", "correct", cls="scale"),
]  # fmt: skip

HOSTILE: list[dict] = [
    # lower-case letters: out of range, ambiguous with an option's text, several
    _mv_choice("\\boxed{e}", "wrong", cls="lowercase"),
    _mv_choice("\\boxed{a, c}", "wrong", cls="lowercase"),
    _mv_choice("\\boxed{c or d}", "wrong", cls="lowercase"),
    _mv_choice("\\boxed{c}", "wrong", choices=LETTERS_AS_TEXT, gold="a", cls="lowercase"),
    _mv_choice("\\boxed{b}", "wrong", cls="lowercase"),
    _mv_choice("The answer is a.", "wrong", cls="lowercase"),
    # the letter and its text disagree, or the text is no option's
    _mv_choice("\\boxed{C 135°}", "wrong", cls="letter_text"),
    _mv_choice("\\boxed{c. 135°}", "wrong", cls="letter_text"),
    _mv_choice("Answer: A. 145°", "wrong", cls="letter_text"),
    _mv_choice("Answer: C. 135°", "wrong", cls="letter_text"),
    _mv_choice("(A) 135°\n(B) 140°\n(C) 145°\nAnswer: C. 145°", "no_answer", cls="letter_text"),
    _mv_choice("\\boxed{C 145° or D 150°}", "wrong", cls="letter_text"),
    _mv_choice("\\boxed{C 999°}", "wrong", cls="letter_text"),
    _mv_choice("Answer: A or C", "wrong", cls="letter_text"),
    # a value of another option, of no option, of two options
    _vision_choice("\\boxed{\\sqrt{3}}", "wrong", gold="B", choices=ROOTS, cls="value"),
    _vision_choice("\\boxed{\\sqrt{27}}", "wrong", gold="B", choices=ROOTS, cls="value"),
    _vision_choice("\\boxed{\\frac{2}{4}}", "wrong", gold="A", choices=TWINS, cls="value"),
    _vision_choice("\\boxed{\\sqrt{12} \\text{ or } \\sqrt{3}}", "wrong", gold="B", choices=ROOTS, cls="value"),
    _vision_choice("\\boxed{x}", "wrong", gold="B", choices=ROOTS, cls="value"),
    # thousands separators that are none, or a decimal comma
    _free("\\boxed{9{,}33}", "933", "integer", "wrong", cls="thousands"),
    _free("\\boxed{9{,}335}", "9.335", "float", "wrong", precision=3, cls="thousands"),
    _free("\\boxed{9{,}335{,}1}", "93351", "integer", "wrong", cls="thousands"),
    # currency: a sign the question never writes, a hedge, a sign that flips the value
    _free("\\boxed{€12}", "12", "integer", "wrong", question=GRAMS, cls="currency"),
    _free("\\boxed{\\$12 or \\$13}", "12", "integer", "wrong", cls="currency"),
    _free("\\boxed{-\\$12}", "12", "integer", "wrong", cls="currency"),
    _free("\\boxed{\\$13}", "12", "integer", "wrong", cls="currency"),
    # units: another unit, a unit the question never writes, a point named like a unit
    _free("\\boxed{140\\text{ kg}}", "140", "integer", "wrong", question=GRAMS, cls="units"),
    _free("\\boxed{1.2\\text{ m}}", "1.2", "float", "wrong", precision=1, question=CM, cls="units"),
    _free("\\boxed{3\\text{ m}}", "3", "integer", "wrong", question=POINTS, cls="units"),
    _free("\\boxed{140\\text{ grams}}", "140", "integer", "wrong", cls="units"),  # no question
    _free("\\boxed{140 grams}", "140", "integer", "wrong", unit="kg", question=GRAMS, cls="units"),
    _free("\\boxed{140 or 150 grams}", "140", "integer", "wrong", question=GRAMS, cls="units"),
    _free("\\boxed{140 grams and 5 grams}", "140", "integer", "wrong", question=GRAMS, cls="units"),
    # scale: another scale than the question's, a scale the question does not imply
    _free("\\boxed{2.5 billion}", "2.5", "float", "wrong", precision=1, question=MILLIONS, cls="scale"),
    _free("\\boxed{2.5 million}", "2.5", "float", "wrong", precision=1, cls="scale"),
    _free("\\boxed{2.5 thousand}", "2.5", "float", "wrong", precision=1, question=MILLIONS, cls="scale"),
    _free("\\boxed{2.5 million}", "2500", "integer", "wrong", cls="scale"),
    _free("\\boxed{2.5 million grams}", "2.5", "float", "wrong", precision=1, question=GRAMS, cls="scale"),
]  # fmt: skip

CLASSES = ("lowercase", "letter_text", "value", "thousands", "currency", "units", "scale")
