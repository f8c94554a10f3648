"""The math verifier: extract the final answer, then judge it equal to the gold or not.

Equivalence is ``math-verify``'s (``parse`` + ``verify``), behind a cheap exact/numeric fast
path (``math_text``); math-verify runs in a child process under a hard timeout
(``MathEquivalenceClient``).
"""

from __future__ import annotations

from typing import Any

from boundary_ray.verifiers.answer_extraction import extract_answer
from boundary_ray.verifiers.base import Verdict, Verifier
from boundary_ray.verifiers.math_equivalence_client import MathEquivalenceClient
from boundary_ray.verifiers.math_text import fast_compare

__all__ = ["MathVerifier", "fast_compare"]


class MathVerifier(Verifier):
    """Judge math samples: row keys ``response``, ``answer`` (gold), ``finish_reason``."""

    name = "math"

    def __init__(self, timeout_s: float = 5.0, client: MathEquivalenceClient | None = None):
        """``timeout_s``: hard limit per comparison; ``client``: the math-verify child's
        client (default: a new one with ``timeout_s``)."""
        super().__init__()
        self.client = client if client is not None else MathEquivalenceClient(timeout_s)
        self.timeout_s = self.client.timeout_s

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
        status, reason = self._judge(gold, pred)
        return Verdict(status, pred, rule, reason)

    def _judge(self, gold: str, pred: str) -> tuple[str, str | None]:
        """``(verdict, reason)`` for one answer against the gold."""
        fast = fast_compare(gold, pred)
        if fast is True:
            return "correct", None
        if fast is False:
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
        """math-verify alone (no fast path), in the child, under the timeout;
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


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
