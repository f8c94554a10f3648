"""Fuzz the CLI's argument parsing: random ``--set`` keys and values, malformed spec and
benchmark files, random ``--param``, argparse's usage errors. No traceback ever reaches the user:
every call exits 0, or 2 with exactly one ``boundary: error: ...`` line on stderr.

Runs ``boundary_ray.cli.main`` in-process on verbs that stop before any engine or Ray:
``run --dry-run`` (loads and validates the spec, reads the problems and the lake, plans),
``score`` on a lake without samples, ``query``, ``runs`` and ``lake upgrade``. Fixed seeds.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from boundary_ray.cli import main
from boundary_ray.lake.writer import write_rows

SPEC = """\
name: fuzz
lake: {lake}
models:
  - {{name: m-one, source: builtin:smollm2-135m-instruct, prompt: chat, role: instruct,
     tags: {{family: smollm2}}}}
  - {{name: m-two, source: builtin:gemma3-270m, prompt: raw, role: base}}
benchmarks:
  - {{name: local, source: {jsonl}, limit: 3}}
  - {{name: arith, source: "synthetic:arith?ops=1-2&per_op=2&seed=0"}}
sampling: {{n: 4, temperature: 0.6, top_p: 0.95, max_tokens: 64, seed: 0}}
engine: {{batch_size: 2, in_flight: 2}}
verify: {{math_timeout_s: 5, workers: 1}}
score: {{scorers: [m-one], correct_only: true}}
"""
JSONL = "".join(
    json.dumps({"question": f"What is {i} + {i}?", "answer": str(2 * i)}) + "\n" for i in range(5)
)

KEYS = [
    "name", "lake", "models", "benchmarks", "sampling", "engine", "prompts", "verify", "score",
    "models.0", "models.0.name", "models.0.source", "models.0.prompt", "models.0.role",
    "models.0.tags", "models.0.tags.step", "models.0.revision", "models.1.name", "models.2.name",
    "models.-1.name", "models.x.source", "models.0.source.x", "benchmarks.0.limit",
    "benchmarks.0.source", "benchmarks.0.task", "benchmarks.1.options", "benchmarks.0.fields",
    "sampling.n", "sampling.temperature", "sampling.top_p", "sampling.max_tokens", "sampling.seed",
    "sampling.n.x", "engine.batch_size", "engine.in_flight", "engine.device", "engine.dtype",
    "engine.replicas", "engine.max_model_len", "engine.placement", "engine.schedule",
    "prompts.raw", "prompts.instruction", "prompts.raw_stop", "verify.workers",
    "verify.math_timeout_s", "score.scorers", "score.models", "score.max_per_problem",
    "score.correct_only", "unknown", "sampling.temprature", "a..b", ".n", "n.", "models.00.name",
]  # fmt: skip
VALUES = [
    "", "[", "]", "{", "}", "[1, 2", "{a: 1", "&a [*a]", "&a {x: *a}", "*nope", "!!python/object:os.system",
    "!!binary AAAA", "-1", "0", "1", "3", "1e309", "-1e309", ".nan", ".inf", "null", "~", "true",
    "no", "'open", '"open', "a: b", "- x", "[1, 2]", "{n: 1}", "{name: z, source: y}",
    "[{name: z, source: builtin:x}]", "2020-01-01", "0x10", "0o7", "1_000", "ä", "\x00", "\t",
    "x" * 5000, "[[[[[[[[]]]]]]]]", "{{}}", "%", "@", "`", "builtin:gemma3-270m",
    "synthetic:arith?ops=9-1", "synthetic:nope", "/no/such/file.jsonl", "hf://x/y", "chat", "raw",
    "base", "cuda", "float32", "2.5", "-0.0", "99999999999999999999999",
]  # fmt: skip
ALPHABET = "abn.01-_=:[]{},'\"&*!%@ \n\tä\x00"


def _call(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run the CLI in-process; an exception escaping it fails the test with its argv."""
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's own errors
        rc = exc.code if isinstance(exc.code, int) else 2
    except BaseException as exc:  # noqa: BLE001 - any other escape is the bug under test
        pytest.fail(f"argv={argv!r}: {type(exc).__name__}: {exc} reached the user")
    out, err = capsys.readouterr()
    return rc, out, err


def _assert_clean(argv: list[str], rc: int, err: str) -> None:
    assert "Traceback" not in err, (argv, err)
    assert rc in (0, 2), (argv, rc, err)
    if rc == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("boundary: error: "), (argv, err)


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    jsonl = tmp_path / "bench.jsonl"
    jsonl.write_text(JSONL)
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(lake=tmp_path / "lake", jsonl=jsonl))
    return {"spec": spec, "jsonl": jsonl, "lake": tmp_path / "lake", "tmp": tmp_path}


def _mutate(rng: random.Random, text: str, alphabet: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(chars) + 1)
        kind = rng.random()
        if kind < 0.4 and chars:
            del chars[min(at, len(chars) - 1)]
        elif kind < 0.8:
            chars.insert(at, rng.choice(alphabet))
        else:
            chars = chars[:at]  # truncated
    return "".join(chars)


def test_the_reported_set_errors(setup, capsys) -> None:
    spec = str(setup["spec"])
    rc, _, err = _call(["run", spec, "--dry-run", "--set", "sampling.n=["], capsys)
    assert rc == 2 and err.startswith("boundary: error: --set sampling.n: '[' is not a YAML")
    rc, out, err = _call(["run", spec, "--dry-run", "--set", "models.0.source=/x"], capsys)
    assert rc == 0 and "/x" in out, err
    rc, _, err = _call(["run", spec, "--dry-run", "--set", "models.2.source=/x"], capsys)
    assert rc == 2 and "--set models.2.source: models is a list of 2" in err
    rc, _, err = _call(["run", spec, "--dry-run", "--set", "sampling.n.x=1"], capsys)
    assert rc == 2 and "--set sampling.n.x: sampling.n is 4, not a mapping" in err


def test_random_set_keys_and_values(setup, capsys) -> None:
    rng = random.Random(20240601)
    codes = []
    for _ in range(200):
        pairs = []
        for _ in range(rng.randint(1, 3)):
            key = rng.choice(KEYS)
            if rng.random() < 0.2:
                key = _mutate(rng, key, ALPHABET.replace("=", ""))
            value = rng.choice(VALUES)
            if rng.random() < 0.3:
                value = _mutate(rng, value or "x", ALPHABET)
            pairs.append(f"--set={key}={value}")
        argv = ["run", str(setup["spec"]), "--dry-run", *pairs]
        rc, _, err = _call(argv, capsys)
        _assert_clean(argv, rc, err)
        codes.append(rc)
    assert 0 in codes and 2 in codes  # the fuzz reaches both valid and invalid specs


@pytest.mark.parametrize("value", ["&a [*a]", "&a {x: *a}", "[", "!!python/object:os.system"])
def test_every_key_with_a_sharp_value(setup, capsys, value) -> None:
    for key in KEYS:
        argv = ["run", str(setup["spec"]), "--dry-run", f"--set={key}={value}"]
        rc, _, err = _call(argv, capsys)
        _assert_clean(argv, rc, err)


def test_malformed_spec_and_benchmark_files(setup, capsys) -> None:
    rng = random.Random(7)
    spec_text = setup["spec"].read_text()
    codes = []
    for i in range(80):
        bad = setup["tmp"] / f"bad{i}.yaml"
        bad.write_text(_mutate(rng, spec_text, ALPHABET + "#|>-?"))
        argv = ["run", str(bad), "--dry-run"]
        rc, _, err = _call(argv, capsys)
        _assert_clean(argv, rc, err)
        codes.append(rc)
    for i in range(80):
        mutated = _mutate(rng, JSONL, ALPHABET).encode()
        if i % 8 == 0:
            mutated += bytes([0xFF, 0xFE, 0x80])  # not UTF-8
        setup["jsonl"].write_bytes(mutated)
        argv = ["run", str(setup["spec"]), "--dry-run"]
        rc, _, err = _call(argv, capsys)
        _assert_clean(argv, rc, err)
        codes.append(rc)
    assert 0 in codes and 2 in codes


def test_random_params_and_lake_verbs(setup, capsys) -> None:
    lake = setup["lake"]
    rows = [
        {"model": "m", "benchmark": "b", "problem_id": f"p{p}", "sample_idx": i, "correct": i < p}
        for p in range(3)
        for i in range(4)
    ]
    write_rows(str(lake), "samples", rows)
    rng = random.Random(99)
    names = ["pass_at_k", "solvable", "coverage", "hardest_solved", "nope", "accuracy_hist"]
    params = ["ks", "k", "model", "benchmark", "ci", "bootstrap", "seed", "threshold", "max_rate"]
    params += ["", "Bad-Name", "model_a", "x y", "=", "ks=1"]
    for _ in range(30):
        argv = ["query", rng.choice(names), "--lake", str(lake), "--format", "csv"]
        for _ in range(rng.randint(0, 2)):
            value = rng.choice(VALUES[:40] + ["1,2,4", "[3]", "0.9", "10", "m", "b"])
            argv.append(f"--param={rng.choice(params)}={value}")
        rc, _, err = _call(argv, capsys)
        _assert_clean(argv, rc, err)
    for argv in (
        ["runs", "--lake", str(lake)],
        ["runs", "--lake", str(setup["tmp"] / "nowhere")],
        ["lake", "upgrade", "--lake", str(setup["tmp"] / "nowhere")],
        ["lake", "upgrade", "--lake", str(setup["jsonl"])],
        ["score", str(setup["spec"]), "--lake", str(setup["tmp"] / "empty")],
        ["score", str(setup["spec"]), "--set=score.models=[zz]", "--lake", str(lake)],
    ):
        rc, _, err = _call(argv, capsys)
        _assert_clean(argv, rc, err)


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        ([], "verb"),
        (["nope"], "'nope'"),
        (["run", "--bogus"], "--bogus"),
        (["query"], "name"),
        (["query", "pass_at_k", "--format", "xml"], "--format"),
        (["chart", "pass_at_k"], "--out"),
        (["lake"], "lake_verb"),
        (["lake", "compact", "--lake"], "--lake"),
    ],
)
def test_usage_errors_are_one_line_naming_the_argument(argv, names, capsys) -> None:
    rc, out, err = _call(argv, capsys)
    _assert_clean(argv, rc, err)
    assert rc == 2 and out == "" and names in err and "--help" in err, (argv, err)
