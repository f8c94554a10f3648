"""Process verifier cases: number words as models write them (any hyphen) and steps computed inline
(``T = k * 2 + 5 = 10 * 2 + 5 = 25``), on the problems of ``process_cases.py``
(``synthetic:arith?ops=1-4&per_op=3&seed=0``):

- ``ops2-0002`` (fruit): Maya 2; Hugo = Maya + 4 = 6; Priya = Hugo + 7 = 13 (asked).
  Distractor: Quinn = Priya + 8 = 21.
- ``ops3-0001`` (comics): Henry 4, Petra 10; Erin = 4 + 10 = 14; Nico = 14 - 3 = 11;
  Uma = 11 + 14 = 25 (asked). Distractors: Simon 2, Sam = 14 - 4 = 10.
- ``ops3-0002`` (garden): Zane 9; Dana = 9 - 6 = 3; Quinn = 2 x 3 = 6; Paul = 6 + 9 = 15 (asked).
  Distractors: Petra 10, Yosef = 10 - 1 = 9.
- ``ops4-0000`` (trees): Yusuf 8, Rita 9; Ugo = 17; Sofia = 2 x 17 = 34; Elena = 34 + 8 = 42;
  Zara = 42 - 17 = 25 (asked).
- ``ops4-0001`` (oranges): Vera 4, Uma 6; Will = 2; Carla = 2 + 6 = 8; Chloe = 2 x 8 = 16;
  Yara 9; Dmitri = 16 - 9 = 7 (asked).

Each case: (problem id, expected verdict, finish_reason, response, class).
"""

from __future__ import annotations

P2, C1, C2, T4, O4 = "ops2-0002", "ops3-0001", "ops3-0002", "ops4-0000", "ops4-0001"
V, U, X = "valid", "unsupported", "contradicted"
S = "stop"
NB, HY, FIG, EN, EM = "\u2011", "\u2010", "\u2012", "\u2013", "\u2014"  # hyphens and dashes

LABELLED: list[tuple[str, str, str, str, str]] = [
    # number words with the hyphens models write (U+2011 non-breaking, U+2010, U+2012, en dash)
    (C1, V, S, f"Erin read 4 + 10 = 14 comics. Nico read 14 - 3 = 11. Uma read 11 + 14 = twenty{NB}five comics. The answer is twenty{NB}five.", "words"),
    (C1, V, S, f"Erin read fourteen comics, Nico read eleven, and Uma read twenty{EN}five. The answer is 25.", "words"),
    (C1, V, S, f"Erin read fourteen. Nico read eleven. Uma read twenty{HY}five. The answer is twenty{HY}five.", "words"),
    (T4, V, S, f"Ugo planted 8 + 9 = 17 trees. Sofia planted 2 * 17 = thirty{FIG}four. Elena planted 34 + 8 = forty{NB}two. Zara planted 42 - 17 = twenty{NB}five trees. The answer is 25.", "words"),
    (T4, V, S, f"Ugo planted seventeen trees, Sofia thirty{NB}four, Elena forty{NB}two and Zara twenty{NB}five. The answer is twenty{NB}five.", "words"),
    # a step computed inline past an unstated count: nothing wrong, the count is never stated
    (P2, U, S, "Define Maya's plums as k; k = 2. Define Priya's plums as P; P = k + 4 + 7 = 2 + 4 + 7 = 13. Answer: 13", "inline"),
    (P2, U, S, "Define Maya's plums as k; k = 2. Define Priya's plums as P; P = k + 11 = 13. Answer: 13", "inline"),
    (C2, U, S, "Define Zane's bushes as Z; Z = 9. Define Dana's bushes as k; k = Z - 6 = 3. Define Paul's bushes as T; T = k * 2 + Z = 3 * 2 + 9 = 15. Answer: 15", "inline"),
    (O4, U, S, "Define Will's oranges as W; W = 6 - 4 = 2. Define Chloe's oranges as C; C = (W + 6) * 2 = (2 + 6) * 2 = 16. Define Dmitri's oranges as D; D = C - 9 = 7. Answer: 7", "inline"),
    (T4, U, S, "Define Ugo's trees as U; U = 8 + 9 = 17. Define Elena's trees as E; E = U * 2 + 8 = 17 * 2 + 8 = 42. Define Zara's trees as Z; Z = E - U = 25. Answer: 25", "inline"),
    # the skipped count stated on its own too: every needed count is stated right
    (P2, V, S, "Define Maya's plums as k; k = 2. Define Hugo's plums as H; H = k + 4 = 6. Define Priya's plums as P; P = k + 4 + 7 = 13. Answer: 13", "inline"),
]  # fmt: skip

HOSTILE: list[tuple[str, str, str, str, str]] = [
    # a minus stays a minus; a dash that is no hyphen is not read as one; a wrong word number
    (C1, X, S, "Erin read 4 + 10 = 14. Nico read 14 - 3 = 11. Uma read 11 + 14 = twenty - five. The answer is 25.", "words"),
    (C1, X, S, f"Erin read 14. Nico read 11. Uma read twenty{NB}six comics. The answer is twenty{NB}six.", "words"),
    (C1, X, S, f"Erin read 14. Nico read 11. Uma read 11 + 14 = twenty{EM}five. The answer is 25.", "words"),
    (C1, X, S, f"Erin read 14. Nico read 11. Uma read twenty{NB}five or twenty{NB}six. The answer is 25.", "words"),
    # inline formulas that land on the right value by chance
    (P2, X, S, "Define Maya's plums as k; k = 2. Define Priya's plums as P; P = k * 5 + 3 = 2 * 5 + 3 = 13. Answer: 13", "inline"),
    (P2, X, S, "Define Maya's plums as k; k = 2. Define Hugo's plums as H; H = k + 4 = 6. Define Priya's plums as P; P = k * 6 + 1 = 13. Answer: 13", "inline"),
    (C2, X, S, "Define Zane's bushes as Z; Z = 9. Define Dana's bushes as k; k = Z - 6 = 3. Define Paul's bushes as T; T = k * 3 + 6 = 15. Answer: 15", "inline"),
    # from a quantity that is not upstream: a distractor, or one computed from the asked one
    (P2, X, S, "Define Quinn's plums as Q; Q = 21. Define Priya's plums as P; P = Q - 8 = 13. Answer: 13", "inline"),
    (C2, X, S, "Define Yosef's bushes as Y; Y = 10 - 1 = 9. Define Dana's bushes as k; k = Y - 6 = 3. Define Quinn's bushes as Q; Q = 2 * k = 6. Define Paul's bushes as P; P = Q + Y = 15. Answer: 15", "inline"),
    # an inline formula through the step's own intermediate letter is not checked: never valid
    (P2, U, S, "Define Maya's plums as k; k = 2. Define Hugo's plums as H; H = k + 4 = 6. Define Priya's plums as P; m = k + 5; P = m + 6 = 13. Answer: 13", "inline"),
]  # fmt: skip
