"""The math verifier: extract the final answer, then judge it equal to the gold or not.

Before any equivalence, the answer's form is checked (``text``):

- an equation answers only when its left side is a single symbol, a computation with numbers
  only, or the quantity the question asks for: ``x = 5`` answers 5, ``2x + 1 = 5`` does not
  (math-verify alone compares the right side of any equation and would call it 5);
- a final answer that names several values (``5 or 7``, ``4, 5, or 6``, two different boxes
  side by side) is ``wrong`` with the reason ``hedged`` when the gold is one value, unless
  every value named equals the gold; when the gold names several values (``2, -2``, a set, a
  tuple, an interval), the values are compared as a whole, as math-verify compares lists;
- a last number that only repeats the question (``11 - 7 - 2`` for "What is 11 - 7 - 2?") is
  ``no_answer`` (``answer_echo``); an option letter answers a letter gold
  (``\\textbf{(C)}\\ 12`` for ``C``: ``math_options``).

Equivalence is ``math-verify``'s (``parse`` + ``verify``), behind a cheap exact/numeric fast
path; math-verify runs in a child process under a hard timeout (``MathEquivalenceClient``).
"""

from __future__ import annotations

from typing import Any

from boundary_ray.verifiers.answer_extraction import extract_answer
from boundary_ray.verifiers.base import Verdict, Verifier
from boundary_ray.verifiers.math.echo import echo_reason
from boundary_ray.verifiers.math.equivalence_client import MathEquivalenceClient
from boundary_ray.verifiers.math.options import is_option_gold, option_letter, option_value
from boundary_ray.verifiers.math.text import (
    equation_problem,
    equation_sides,
    far_apart,
    fast_compare,
    is_multi_valued,
    split_top_level,
)

__all__ = ["MathVerifier", "fast_compare"]

MAX_HEDGE_VALUES = 8  # a final answer naming more values is hedged without comparing each
CACHE_SIZE = 65_536  # (gold, answer) verdicts kept per verifier; cleared whole when full


class MathVerifier(Verifier):
    """Judge math samples: row keys ``response``, ``answer`` (gold), ``finish_reason`` and,
    when known, ``question`` (to tell the asked quantity in an equation's left side)."""

    name = "math"

    def __init__(
        self,
        timeout_s: float = 5.0,
        client: MathEquivalenceClient | None = None,
        cache_size: int = CACHE_SIZE,
    ):
        """``timeout_s``: hard limit per comparison; ``client``: the math-verify child's
        client (default: a new one with ``timeout_s``); ``cache_size``: verdicts of distinct
        (gold, answer) pairs kept (0: none). At n = 1024 the samples of a problem repeat a few
        answers many times: each distinct check is made once (``timeout`` and ``error``
        verdicts are not kept, so they are tried again)."""
        super().__init__()
        self.client = client if client is not None else MathEquivalenceClient(timeout_s)
        self.timeout_s = self.client.timeout_s
        self.cache_size = cache_size
        self._verdicts: dict[tuple[str, str, str | None], tuple[str, str | None]] = {}

    def start(self) -> None:
        """Start the math-verify child now rather than at the first comparison."""
        self.client.start()

    def verify_one(self, row: dict[str, Any]) -> Verdict:
        """Extract the answer of ``row['response']`` and compare it with ``row['answer']``."""
        gold = row.get("answer")
        if gold is None or not str(gold).strip():
            return Verdict("error", reason="no gold answer")
        gold = str(gold).strip()
        found = extract_answer(row.get("response"), row.get("finish_reason"))
        if found is None:
            if row.get("finish_reason") == "length":
                reason = "truncated (finish_reason=length) before an explicit final answer"
            else:
                reason = "no \\boxed{}, 'the answer is', '####' or number in the response"
            return Verdict("no_answer", reason=reason)
        pred, rule = found.answer, found.rule
        question = row.get("question")
        if rule == "last_number" and (echo := echo_reason(row.get("response"), question)):
            return Verdict("no_answer", pred, rule, echo)  # "11 - 7 - 2" for "What is 11 - 7 - 2?"
        if is_multi_valued(gold):
            value = ", ".join(found.alternatives) if found.alternatives else pred
            status, reason = self._judge(gold, value, question)
            return Verdict(status, pred, rule, reason)
        values = [part for v in found.alternatives or (pred,) for part in _listed(v)]
        if len(values) == 1:
            status, reason = self._judge(gold, values[0], question)
            return Verdict(status, pred, rule, reason)
        hedge = f"hedged: the final answer names {len(values)} values ({_values(values)})"
        if len(values) > MAX_HEDGE_VALUES:
            return Verdict("wrong", pred, rule, hedge)
        for value in values:  # every value the same as the gold ("1/2 or 0.5") is no hedge
            status, reason = self._judge(gold, value, question)
            if status in ("timeout", "error"):
                return Verdict(status, pred, rule, f"{hedge}; {reason}")
            if status != "correct":
                return Verdict("wrong", pred, rule, hedge)
        return Verdict("correct", pred, rule)

    def _judge(self, gold: str, pred: str, question: str | None) -> tuple[str, str | None]:
        """``(verdict, reason)`` for one answer value against the gold, from the cache when
        this pair was judged before. The key is the answer exactly as compared (extraction
        has trimmed it), and the question only for an equation, whose left side it reads."""
        key = (gold, pred, question if "=" in pred else None)
        found = self._verdicts.get(key)
        if found is not None:
            self.counters["cache_hits"] += 1
            return found
        found = self._judge_uncached(gold, pred, question)
        if self.cache_size > 0 and found[0] not in ("timeout", "error"):
            if len(self._verdicts) >= self.cache_size:
                self._verdicts.clear()
            self._verdicts[key] = found
        return found

    def _judge_uncached(self, gold: str, pred: str, question: str | None) -> tuple[str, str | None]:
        if is_option_gold(gold) and (letter := option_letter(pred)) is not None:
            want = gold.strip().strip("()")  # AMC: "\\textbf{(C)}\\ 12" answers option C
            if letter == want:
                return "correct", None
            return "wrong", f"option {letter} != gold option {want}"
        if not is_option_gold(gold) and (value := option_value(pred)) is not None:
            pred = value  # a gold value: the value that "\\textbf{(C)}\\ 12" gives
        if equation_sides(_top(gold)) is None:  # a gold equation: equations are the answer form
            problem = equation_problem(pred, question)
            if problem is not None:
                return "wrong", problem
        fast = fast_compare(gold, pred)
        if fast is True:
            return "correct", None
        if fast is False or far_apart(gold, pred):  # "57" for \\frac{14}{3}: no child needed
            return "wrong", f"{_short(pred)} != gold {_short(gold)}"
        status, detail = self.compare(gold, pred)
        if status == "equal":
            return "correct", None
        if status == "different":
            return "wrong", f"{_short(pred)} != gold {_short(gold)}"
        if status == "pred_unparsed":
            return "wrong", f"answer {_short(pred)} does not parse as math"
        if status == "gold_unparsed":
            return "wrong", f"gold {_short(gold)} does not parse; text differs"
        return status, detail

    def compare(self, gold: str, pred: str) -> tuple[str, str | None]:
        """math-verify alone (no fast path, no form checks), in the child, under the timeout;
        see ``MathEquivalenceClient.compare``."""
        return self.client.compare(gold, pred)

    @property
    def restarts(self) -> int:
        """Children killed for a timeout or found dead."""
        return self.client.restarts

    def child_pid(self) -> int | None:
        """The process id of the current math-verify child, if one is running."""
        return self.client.child_pid()

    def close(self) -> None:
        """Stop the child process (a later sample starts a new one)."""
        self.client.close()


def _listed(value: str) -> list[str]:
    """The values of a plain list ``4, 5, 6`` (for a one-value gold); a tuple stays whole."""
    return split_top_level(value) or [value]


def _top(text: str) -> str:
    """``text`` without ``$`` signs, for the equation test of a gold."""
    return text.replace("$", "")


def _values(values: list[str], limit: int = 4) -> str:
    shown = ", ".join(_short(v, 20) for v in values[:limit])
    return shown + (", ..." if len(values) > limit else "")


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
