"""Host CPU that the code verifier spends on hostile responses and results, against honest ones.

Everything here runs on the host, outside the sandbox's deadline: finding the program in the
response (fences), recovering a truncated program (the sanitizer), and decoding what the
candidate sent back. Each case is timed with ``time.process_time`` (this process only: the
sandboxed children are not counted), best of ``--repeat``:

- ``fence_word``: a truncated response, a fence opener followed by one 100 KB word (the old
  regular expression backtracked over it quadratically);
- ``fence_spaces``: the same with 100 KB of spaces;
- ``fence_openers``: 20,000 fence openers with prose between them, never closed;
- ``sanitize_open_paren``: a truncated block whose last call's parenthesis never closes over
  800 lines (evalplus-style recovery of the longest parseable prefix);
- ``sanitize_at_cap``: the same at the sanitizer's byte cap, in one line per argument;
- ``decode_colliding_set``: a set of 40,000 integers that all hash alike (multiples of
  2**61 - 1), as the candidate would send it;
- ``decode_honest_set``: 40,000 ordinary integers in a set, the honest counterpart;
- ``honest_response``: a fenced solution of ~2 KB with prose around it;
- ``decode_at_cap``: an honest result list of small integers just under the 8 MiB cap;
- ``verify_*``: whole ``CodeVerifier.verify_one`` calls (sandboxed run included, its CPU not
  counted): an honest program; one that writes the colliding set, or a list just under the
  cap, on the results pipe itself; one whose result is a list just under the cap; and the
  degenerate responses above.

    python perf/code_host_cost.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time

P = 2**61 - 1  # CPython hashes an int modulo this prime


def cases() -> dict[str, tuple]:
    """name -> (function, arguments)."""
    from boundary_ray.verifiers.code.extraction import extract_code
    from boundary_ray.verifiers.code.plain import decode

    body = "def f(x):\n    return x * 2\n\n"
    solution = body * 40
    honest = f"Here is my solution.\n```python\n{solution}```\nIt doubles x."
    spaces = "Sure.\n```python" + " " * 100_000
    word = "Sure.\n```" + "a" * 100_000
    openers = "```python\nsome text\n" * 20_000
    paren = "```python\ndef f(x):\n    return x * 2\n\nprint(f(\n" + "    1,\n" * 800
    at_cap_paren = "```python\ndef f(x):\n    return x * 2\n\nprint(f(\n" + "1,\n" * 40_000

    def sets(values: list[int]) -> bytes:
        return json.dumps({"s": [{"i": hex(v)} if abs(v) >= 1 << 62 else v for v in values]})

    colliding = sets([k * P for k in range(1, 40_001)])
    ordinary = sets(list(range(40_000)))
    at_cap = json.dumps(list(range(10**5, 10**5 + 950_000)))
    extract = extract_code
    verify = _verifier()
    return {
        "honest_response": (extract, (honest, "stop", True, "f")),
        "fence_word": (extract, (word, "length", True, "f")),
        "fence_spaces": (extract, (spaces, "length", True, "f")),
        "fence_openers": (extract, (openers, "length", True, "f")),
        "sanitize_open_paren": (extract, (paren, "length", True, "f")),
        "sanitize_at_cap": (extract, (at_cap_paren, "length", True, "f")),
        "decode_honest_set": (_decode, (decode, ordinary)),
        "decode_colliding_set": (_decode, (decode, colliding)),
        "decode_at_cap": (_decode, (decode, at_cap)),
        "verify_honest": (verify, ("def f(x):\n    return x * 2\n",)),
        "verify_colliding_set": (verify, (_writes_fd3(COLLIDING),)),
        "verify_at_cap_on_fd3": (verify, (_writes_fd3(AT_CAP),)),
        "verify_list_at_cap": (
            verify,
            ("def f(x):\n    return list(range(10**5, 10**5 + 950_000))\n",),
        ),
        "verify_fence_word": (verify, (word,)),
        "verify_open_paren_at_cap": (verify, (at_cap_paren,)),
    }


# Python expressions, evaluated in the candidate, for the result documents it writes itself
COLLIDING = (
    '\'[["v",{"s":[\' + \',\'.join(\'{"i":"%s"}\' % hex(k * (2**61 - 1)) '
    "for k in range(1, 40_001)) + ']}]]'"
)
AT_CAP = "'[[\"v\",[' + ','.join(str(i) for i in range(10**5, 10**5 + 950_000)) + ']]]'"


def _writes_fd3(expression: str) -> str:
    """A program that writes the results document ``expression`` builds on the results pipe
    itself (a real set of colliding integers would take the candidate quadratic time to
    build, so a hostile one forges the document)."""
    return (
        f"import os\nDOC = ({expression}).encode()\n"
        "def f(x):\n    view = memoryview(DOC)\n    while view:\n"
        "        view = view[os.write(3, view):]\n    os._exit(0)\n"
    )


def _verifier():
    import functools

    from boundary_ray.verifiers.code.verifier import CodeVerifier

    @functools.cache
    def verifier() -> CodeVerifier:
        return CodeVerifier(timeout_s=20.0)

    tests = json.dumps(
        {
            "kind": "functional",
            "prompt": "",
            "entry_point": "f",
            "test": "def check(candidate):\n    assert candidate(2) == 4\n",
        }
    )

    def verify(response: str) -> object:
        if "```" not in response:
            response = f"```python\n{response}```"
        finish = "stop" if response.rstrip().endswith("```") else "length"
        row = {"response": response, "tests": tests, "finish_reason": finish}
        return verifier().verify_one(row)

    verify("```python\ndef f(x):\n    return x\n```")  # start-up costs out of the timings
    return verify


def _decode(decode, data: str) -> object:
    try:
        return decode(data)
    except ValueError as exc:  # PlainDataError: refused
        return exc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default=None, help="comma-separated case names")
    args = parser.parse_args()
    chosen = cases()
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    for name, (function, arguments) in chosen.items():
        best = float("inf")
        for _ in range(args.repeat):
            start = time.process_time()
            outcome = function(*arguments)
            best = min(best, time.process_time() - start)
        kind = type(outcome).__name__
        detail = getattr(outcome, "rule", "") or getattr(outcome, "verdict", "")
        print(f"{name:26s} {best * 1000:10.1f} ms CPU  -> {kind} {detail}".rstrip())


if __name__ == "__main__":
    main()
