"""The synthetic problem generator: determinism, correct answers, wording, distractors, params.

Answers are re-derived here without the generator's code, twice: by walking the gold graph
in ``meta`` and by parsing the question text the model sees.
"""

from __future__ import annotations

import collections
import functools
import json
import os
import re
import subprocess
import sys

import pytest

from boundary_ray.benchmarks import load_problems
from boundary_ray.benchmarks.synthetic import load_synthetic
from boundary_ray.errors import BoundaryError
from boundary_ray.spec import BenchmarkSpec


def _load(source: str, **options) -> list[dict]:
    return load_synthetic(BenchmarkSpec(name="synth", source=source, options=options))


# --- an independent solver over the gold graph in meta ----------------------------------------

ARITH = {
    "given": lambda a: a[0],
    "add": lambda a: a[0] + a[1],
    "sub": lambda a: a[0] - a[1],
    "mul": lambda a: a[0] * a[1],
    "sum": lambda a: a[0] + a[1],
    "diff": lambda a: a[0] - a[1],
}


def solve_meta(meta: dict) -> tuple[int, set[str]]:
    """The asked value and the ids it depends on, recomputing every step from its args."""
    values: dict[str, int] = {}
    steps = {}
    for step in meta["steps"] + meta["distractor_steps"]:
        operands = [values[a] if isinstance(a, str) else a for a in step["args"]]
        value = ARITH[step["op"]](operands)
        if meta["mod"] is not None:
            value %= meta["mod"]
        assert value == step["value"], step
        values[step["id"]] = value
        steps[step["id"]] = step
    needed: set[str] = set()
    todo = [meta["target"]]
    while todo:
        qid = todo.pop()
        if qid not in needed:
            needed.add(qid)
            todo.extend(a for a in steps[qid]["args"] if isinstance(a, str))
    return values[meta["target"]], needed


# --- an independent solver over the question text ---------------------------------------------


K_WORDS = {"twice": 2, "three times": 3}


@functools.lru_cache(maxsize=8)
def _text_rules(subjects: tuple[str, ...]) -> tuple[dict[str, str], list]:
    """Sentence patterns over the given subjects (a subject may open a sentence capitalized)."""
    forms = {}
    for s in subjects:
        forms[s] = s
        forms[s[0].upper() + s[1:]] = s
    S = "(" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")"
    N, W = r"(\d+)", r"[a-z]+"
    K = "(" + "|".join(K_WORDS) + ")"
    rules = [
        (rf"(?:We know that )?{S} {W} {N} {W}\.", lambda s, n: (s, ("given", int(n)))),
        (rf"{S} {W} {N} more {W} than {S}\.", lambda s, c, x: (s, ("add", x, int(c)))),
        (rf"Compared with {S}, {S} {W} {N} more {W}\.", lambda x, s, c: (s, ("add", x, int(c)))),
        (rf"{S} {W} {N} fewer {W} than {S}\.", lambda s, c, x: (s, ("sub", x, int(c)))),
        (rf"Compared with {S}, {S} {W} {N} fewer {W}\.", lambda x, s, c: (s, ("sub", x, int(c)))),
        (rf"{S} {W} {K} as many {W} as {S}\.", lambda s, k, x: (s, ("mul", x, K_WORDS[k]))),
        (rf"The number of {W} {S} {W} is {K} the number {S} {W}\.",
         lambda s, k, x: (s, ("mul", x, K_WORDS[k]))),
        (rf"{S} {W} as many {W} as {S} and {S} together\.", lambda s, x, y: (s, ("sum", x, y))),
        (rf"The number of {W} {S} {W} equals the number {S} {W} plus the number {S} {W}\.",
         lambda s, x, y: (s, ("sum", x, y))),
        (rf"The number of {W} {S} {W} equals the number {S} {W} minus the number {S} {W}\.",
         lambda s, x, y: (s, ("diff", x, y))),
        (rf"{S} {W} as many {W} as {S} {W} more than {S}\.", lambda s, x, y: (s, ("diff", x, y))),
        (rf"How many {W} {W} {S} {W}\?", lambda s: (s, ("asked",))),
    ]  # fmt: skip
    return forms, [(re.compile(pattern), make) for pattern, make in rules]


def solve_text(question: str, subjects: tuple[str, ...]) -> tuple[int, int | None]:
    """Parse the story sentence by sentence and compute the asked count; returns
    (answer, modulus). Only the names of the subjects come from meta (``subjects``
    may hold more names than the story uses)."""
    forms, rules = _text_rules(subjects)
    facts: dict[str, tuple] = {}
    modulus = None
    asked = None
    for sentence in re.split(r"(?<=[.?]) ", question):
        note = re.fullmatch(r"All counts .* modulo (\d+): .* dividing by \1\.", sentence)
        if note:
            modulus = int(note.group(1))
            continue
        assert asked is None, f"text after the question: {sentence!r}"
        for pattern, make in rules:
            match = pattern.fullmatch(sentence)
            if match:
                subject, fact = make(*[forms.get(g, g) for g in match.groups()])
                if fact == ("asked",):
                    asked = subject
                else:
                    assert subject not in facts, f"{subject} stated twice: {sentence}"
                    facts[subject] = fact
                break
        else:
            raise AssertionError(f"no rule parses {sentence!r}")
    assert asked is not None, f"no question at the end of {question!r}"

    def value(subject: str) -> int:
        op, *args = facts[subject]
        if op == "given":
            result = args[0]
        elif op in ("add", "sub", "mul"):
            result = ARITH[op]([value(args[0]), args[1]])
        else:
            result = ARITH[op]([value(args[0]), value(args[1])])
        return result % modulus if modulus else result

    return value(asked), modulus


# --- tests -------------------------------------------------------------------------------------


def test_rows_follow_the_problems_schema():
    rows = _load("synthetic:arith?ops=1-3&per_op=4&seed=0")
    assert [r["problem_id"] for r in rows[:5]] == [
        "ops1-0000", "ops1-0001", "ops1-0002", "ops1-0003", "ops2-0000",
    ]  # fmt: skip
    assert len(rows) == 12
    for row in rows:
        assert set(row) == {
            "benchmark",
            "problem_id",
            "task",
            "question",
            "answer",
            "tests",
            "meta",
        }
        assert row["benchmark"] == "synth" and row["task"] == "math" and row["tests"] is None
        assert row["answer"].isdigit()
        meta = json.loads(row["meta"])
        assert {"ops", "template", "steps", "distractors", "seed", "mod"} <= set(meta)
        assert row["question"].endswith("?") and row["question"].startswith(
            tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        )


def test_same_seed_same_rows_other_seed_other_rows():
    first = _load("synthetic:arith?ops=1-4&per_op=10&seed=3")
    again = _load("synthetic:arith?ops=1-4&per_op=10&seed=3")
    other = _load("synthetic:arith?ops=1-4&per_op=10&seed=4")
    assert first == again
    assert [r["problem_id"] for r in first] == [r["problem_id"] for r in other]
    differing = sum(a["question"] != b["question"] for a, b in zip(first, other, strict=True))
    assert differing >= 0.9 * len(first)
    # a problem does not depend on how many others are generated around it
    subset = _load("synthetic:arith?ops=2,4&per_op=5&seed=3")
    by_id = {r["problem_id"]: r for r in first}
    assert all(by_id[r["problem_id"]] == r for r in subset)


def test_rows_do_not_depend_on_the_hash_seed():
    code = (
        "import json; from boundary_ray.spec import BenchmarkSpec;"
        "from boundary_ray.benchmarks.synthetic import load_synthetic;"
        "print(json.dumps(load_synthetic(BenchmarkSpec('synth', 'synthetic:arith?ops=1-5&per_op=6'))))"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0]) == _load("synthetic:arith?ops=1-5&per_op=6")


@pytest.mark.parametrize(
    "source",
    [
        "synthetic:arith?ops=1-10&per_op=250&seed=0",
        "synthetic:arith?ops=1-8&per_op=100&seed=1&mod=7",
    ],
)
def test_answers_are_right_by_graph_and_by_text(source):
    rows = _load(source)
    assert len(rows) >= 800
    metas = [json.loads(row["meta"]) for row in rows]
    subjects = tuple(
        sorted({s["subject"] for m in metas for s in m["steps"] + m["distractor_steps"]})
    )
    for row, meta in zip(rows, metas, strict=True):
        answer, _ = solve_meta(meta)
        assert str(answer) == row["answer"], row["problem_id"]
        from_text, modulus = solve_text(row["question"], subjects)
        assert str(from_text) == row["answer"], row["question"]
        assert modulus == meta["mod"]
        values = [s["value"] for s in meta["steps"] + meta["distractor_steps"]]
        if meta["mod"] is None:
            assert all(2 <= v <= 99 for v in values)
        else:
            assert all(0 <= v < meta["mod"] for v in values)


def test_difficulty_is_the_number_of_operations_on_the_path():
    for row in _load("synthetic:arith?ops=1-12&per_op=30&seed=5&distractors=1.0"):
        meta = json.loads(row["meta"])
        _, needed = solve_meta(meta)
        operations = [s for s in meta["steps"] if s["id"] in needed and s["op"] != "given"]
        assert len(operations) == meta["ops"] == int(row["problem_id"][3:].split("-")[0])
        # the gold steps are exactly what the answer needs, each after what it uses
        assert {s["id"] for s in meta["steps"]} == needed
        seen: set[str] = set()
        for step in meta["steps"]:
            assert {a for a in step["args"] if isinstance(a, str)} <= seen
            seen.add(step["id"])
        assert meta["steps"][-1]["id"] == meta["target"]


def test_distractors_come_at_the_set_rate_and_are_not_needed():
    for rate in (0.0, 0.5, 1.5):
        rows = _load(f"synthetic:arith?ops=1-6&per_op=150&seed=2&distractors={rate}")
        ratios = []
        for row in rows:
            meta = json.loads(row["meta"])
            _, needed = solve_meta(meta)
            ids = {s["id"] for s in meta["distractor_steps"]}
            assert meta["distractors"] == len(ids)
            assert not ids & needed
            for step in meta["distractor_steps"]:
                assert step["text"] in row["question"]
            ratios.append(meta["distractors"] / len(meta["steps"]))
        mean = sum(ratios) / len(ratios)
        assert abs(mean - rate) < 0.05, (rate, mean)
        if rate == 0.0:
            assert all(r == 0 for r in ratios)
    # some distractors are derived from quantities the answer needs (harder to skip)
    rows = _load("synthetic:arith?ops=3&per_op=100&seed=2&distractors=1")
    derived = [
        s for r in rows for s in json.loads(r["meta"])["distractor_steps"]
        if any(isinstance(a, str) and a.startswith("q") for a in s["args"])
    ]  # fmt: skip
    assert len(derived) > 20


def test_wording_varies():
    rows = _load("synthetic:arith?ops=1-4&per_op=50&seed=0")
    templates = collections.Counter(json.loads(r["meta"])["template"] for r in rows)
    assert len(templates) >= 5
    assert max(templates.values()) < 0.4 * len(rows)
    units = {json.loads(r["meta"])["unit"] for r in rows}
    assert len(units) >= 15
    # within one operation the sentence shape varies too
    shapes = collections.defaultdict(set)
    for row in rows:
        for step in json.loads(row["meta"])["steps"]:
            shapes[step["op"]].add(re.sub(r"\d+", "N", step["text"]).split(" ")[0] == "Compared")
    assert shapes["add"] == {True, False}
    assert len({r["question"] for r in rows}) == len(rows)


def test_modulus_keeps_numbers_below_it_and_says_so():
    rows = _load("synthetic:arith?ops=5&per_op=50&mod=11")
    assert all(0 <= int(r["answer"]) < 11 for r in rows)
    assert all("modulo 11" in r["question"] for r in rows)
    assert all("modulo" not in r["question"] for r in _load("synthetic:arith?ops=5&per_op=5"))


def test_yaml_options_equal_query_keys():
    from_query = _load("synthetic:arith?ops=1,3&per_op=3&seed=9&distractors=0.25&mod=13")
    from_options = _load("synthetic:arith", ops=[1, 3], per_op=3, seed=9, distractors=0.25, mod=13)
    assert from_query == from_options
    assert _load("synthetic:arith?ops=3", per_op=2) == _load("synthetic:arith?ops=3&per_op=2")


def test_defaults_and_dispatch_through_load_problems():
    rows = load_problems(BenchmarkSpec(name="demo-synth", source="synthetic:arith", limit=25))
    assert len(rows) == 25 and rows[0]["benchmark"] == "demo-synth"
    everything = _load("synthetic:arith")
    assert len(everything) == 6 * 20
    assert sorted({json.loads(r["meta"])["ops"] for r in everything}) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("source", "options", "message"),
    [
        ("synthetic:algebra?ops=1", {}, "unknown synthetic kind 'algebra'"),
        ("synthetic:arith?ops=1&level=3", {}, "level: unknown key"),
        ("synthetic:arith", {"level": 3}, "options.level: unknown key"),
        ("synthetic:arith?ops=2", {"ops": 3}, "options.ops: also given in the source"),
        ("synthetic:arith?ops=1&ops=2", {}, "ops: given twice"),
        ("synthetic:arith?ops", {}, "'ops': expected key=value"),
        ("synthetic:arith?ops=0", {}, "ops: must be in 1..20, got 0"),
        ("synthetic:arith?ops=6-2", {}, "ops: range '6-2' runs backwards"),
        ("synthetic:arith?ops=a", {}, "ops: expected an integer, got 'a'"),
        ("synthetic:arith", {"ops": [1, True]}, "options.ops: expected an integer, got True"),
        ("synthetic:arith?per_op=0", {}, "per_op: must be in 1..100000"),
        ("synthetic:arith?per_op=2.5", {}, "per_op: expected an integer, got '2.5'"),
        ("synthetic:arith?seed=-1", {}, "seed: expected an integer, got '-1'"),
        ("synthetic:arith?mod=9", {}, "mod: must be a prime, got 9"),
        ("synthetic:arith?mod=3", {}, "mod: must be in 5..1000000, got 3"),
        ("synthetic:arith", {"mod": "x"}, "options.mod: expected an integer, got 'x'"),
        ("synthetic:arith?distractors=nan", {}, "distractors: must be in 0.0..2.0"),
        ("synthetic:arith?distractors=-0.5", {}, "distractors: must be in 0.0..2.0"),
        ("synthetic:arith", {"distractors": "lots"}, "options.distractors: expected a number"),
        ("synthetic:arith?ops=20&distractors=1", {}, "distractors: too many quantities for ops=20"),
        (
            "synthetic:arith?style=poem",
            {},
            "style: expected one of story, equations, expression, got 'poem'",
        ),
    ],
)
def test_bad_params_name_the_key(source, options, message):
    with pytest.raises(BoundaryError, match=re.escape(message)) as info:
        _load(source, **options)
    assert "\n" not in str(info.value)


def test_modulus_can_be_switched_off():
    plain = _load("synthetic:arith?ops=2&per_op=3")
    assert _load("synthetic:arith?ops=2&per_op=3&mod=0") == plain
    assert _load("synthetic:arith?ops=2&per_op=3", mod=None) == plain


# --- the equations style ------------------------------------------------------------------------

EQUATION = re.compile(r"^([a-z][0-9]?) = (?:(\d+)|([a-z][0-9]?|\d+) ([-+*]) ([a-z][0-9]?|\d+))\.$")


def solve_equations(question: str) -> tuple[int, str]:
    """Evaluate the bare equations of ``question`` in order; the asked variable's value."""
    *statements, asked = re.split(r"(?<=\.) ", question)
    values: dict[str, int] = {}
    for statement in statements:
        match = EQUATION.match(statement)
        assert match, statement
        name, given, left, op, right = match.groups()
        if given is not None:
            values[name] = int(given)
            continue
        a, b = (values[t] if t in values else int(t) for t in (left, right))
        values[name] = {"+": a + b, "-": a - b, "*": a * b}[op]
    target = re.fullmatch(r"What is the value of ([a-z][0-9]?)\?", asked)
    assert target, asked
    return values[target.group(1)], target.group(1)


def test_equations_state_the_same_graph_as_the_story():
    story = _load("synthetic:arith?ops=1-6&per_op=40&seed=3&distractors=0.5")
    bare = _load("synthetic:arith?ops=1-6&per_op=40&seed=3&distractors=0.5&style=equations")
    assert [r["problem_id"] for r in bare] == [r["problem_id"] for r in story]
    for plain, row in zip(story, bare, strict=True):
        meta, plain_meta = json.loads(row["meta"]), json.loads(plain["meta"])
        assert (meta["style"], meta["template"]) == ("equations", "equations")
        assert row["answer"] == plain["answer"]
        strip = ("subject", "text")
        assert [{k: v for k, v in s.items() if k not in strip} for s in meta["steps"]] == [
            {k: v for k, v in s.items() if k not in strip} for s in plain_meta["steps"]
        ]
        value, asked = solve_equations(row["question"])
        assert str(value) == row["answer"], row["question"]
        assert asked == meta["steps"][-1]["subject"]
        assert all(step["text"] in row["question"] for step in meta["steps"])
        assert len(row["question"]) < len(plain["question"])


# --- the expression style -----------------------------------------------------------------------


def evaluate(expression: str) -> int:
    """An arithmetic expression of integers, + - * and parentheses, evaluated by walking its
    syntax tree (nothing else is allowed)."""
    import ast

    ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}

    def walk(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        assert isinstance(node, ast.BinOp) and type(node.op) in ops, ast.dump(node)
        return ops[type(node.op)](walk(node.left), walk(node.right))

    return walk(ast.parse(expression, mode="eval").body)


@pytest.mark.parametrize("mod", [None, 7, 11])
def test_expressions_evaluate_to_the_answer(mod):
    source = "synthetic:arith?ops=1-8&per_op=60&seed=2&distractors=0&style=expression"
    rows = _load(source + (f"&mod={mod}" if mod else ""))
    story = _load(source.replace("&style=expression", "") + (f"&mod={mod}" if mod else ""))
    for row, plain in zip(rows, story, strict=True):
        meta = json.loads(row["meta"])
        assert (meta["style"], meta["template"]) == ("expression", "expression")
        assert row["answer"] == plain["answer"]  # the same graph, worded otherwise
        if mod is None:
            expression = re.fullmatch(r"What is (.+)\?", row["question"]).group(1)
            assert str(evaluate(expression)) == row["answer"], row["question"]
        else:
            match = re.fullmatch(
                rf"What is \((.+)\) modulo {mod}\? Give the remainder, from 0 to {mod - 1}\.",
                row["question"],
            )
            assert str(evaluate(match.group(1)) % mod) == row["answer"], row["question"]
        # every operation of the graph is written at least once
        operators = len(re.findall(r" [-+*] ", row["question"]))
        assert operators >= meta["ops"]


def test_an_expression_has_no_distractors():
    with pytest.raises(BoundaryError, match="style: an expression has no room for distractors"):
        _load("synthetic:arith?ops=2&style=expression&distractors=0.5")
