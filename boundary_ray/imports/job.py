"""One import: read a tool's files, match and number their samples, verify them here, write them.

Two passes over the files. The first validates everything and writes nothing: every line is
parsed by the format's reader, every sample matched to a problem of the benchmark
(``match.ProblemIndex``) and numbered, and the keys are checked (a duplicate is an error naming
both places; a key the lake already holds must hold the same response, else the files were
given in another order or under another model name). Only then does the second pass read the
files again, verify each sample the lake lacks with the project's own ``TaskVerifier`` (code in
the sandbox) and write them in chunks through the one lake writer.

Exactly once: a key is written only when the lake lacks it, so importing the same files again
writes nothing, a third seed file adds only its samples, and an import killed half-way resumes
when run again. Numbering: a file's samples of a problem follow those of the earlier files
(``sample_idx`` in file order), unless the file numbers them itself (``ImportRow.absolute``).

The run manifest (``runs/<run_id>.json``, command ``import``) records the format, each file's
path, size and sha256, how problems were matched, what was skipped and the counters.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boundary_ray import schema
from boundary_ray.benchmarks import load_problems
from boundary_ray.errors import BoundaryError
from boundary_ray.imports import reader_for
from boundary_ray.imports.match import ProblemIndex
from boundary_ray.imports.rows import ImportRow
from boundary_ray.lake.location import open_lake
from boundary_ray.lake.manifest import RunManifest, new_run_id
from boundary_ray.lake.problems import store_problems
from boundary_ray.lake.reader import arrow_dataset, list_files, read_table
from boundary_ray.lake.writer import write_rows
from boundary_ray.paper_prompts import PAPER_TEMPLATES, render_paper_prompt
from boundary_ray.spec import NAME_RE, PROMPT_STYLES, ROLES, BenchmarkSpec

CHUNK_ROWS = 1024  # samples per written file (a killed import loses at most one chunk's work)
MAX_SAMPLE_IDX = 2**31 - 1  # samples.sample_idx is int32


@dataclass(frozen=True)
class ImportRequest:
    """What ``boundary import`` was asked: the files of one format, for one model and benchmark."""

    fmt: str
    files: tuple[str, ...]
    lake: str
    model: str
    benchmark: str
    source: str
    role: str = "instruct"
    tags: dict[str, Any] = field(default_factory=dict)
    prompt: str | None = None  # the models table's prompt style; a paper template renders it
    math_timeout_s: float = 5.0
    code_timeout_s: float = 10.0


@dataclass
class Plan:
    """What the first pass found: the problems, each sample's key, and per-file facts."""

    problems: dict[str, dict[str, Any]]
    keys: dict[tuple[str, int], tuple[str, bytes]]  # (problem_id, sample_idx) -> (where, digest)
    files: list[dict[str, Any]]
    matched_by: dict[str, int]
    skipped: Counter[str]
    present: set[tuple[str, int]] = field(default_factory=set)


def import_samples(
    request: ImportRequest, chunk_rows: int = CHUNK_ROWS, progress: bool = True
) -> dict[str, Any]:
    """Import ``request``'s files into its lake; returns the run id, the lake and the counters."""
    request = _checked(request)
    read = reader_for(request.fmt)
    plan = _validate(request, read)
    _check_stored_problems(request, plan)
    plan.present = _present(request, plan)
    if len(plan.present) == len(plan.keys):  # importing the same files again changes nothing
        if progress:
            print(f"{request.model}: every sample is already in the lake", file=sys.stderr)
        return {"run_id": None, "lake": request.lake, "counters": {request.model: _unchanged(plan)}}
    run_id = new_run_id()
    tasks = sorted({schema.task_of(p) for p in plan.problems.values()})
    from boundary_ray.verifiers.router import TaskVerifier

    verifier = TaskVerifier(request.math_timeout_s, request.code_timeout_s)
    try:
        verifier.check_ready(tasks)  # no sandbox for code: an error now, before any write
        manifest = RunManifest(request.lake, run_id, None, command="import")
        with manifest.guard():
            manifest.update(**{"import": _described(request, plan)})
            store_problems(request.lake, request.benchmark, list(plan.problems.values()))
            write_rows(request.lake, "models", [_model_row(request, run_id)])
            totals = _write(request, plan, read, verifier, run_id, chunk_rows, progress)
        counters = {request.model: totals}
        manifest.finish("done", counters=counters)
    finally:
        verifier.close()
    return {"run_id": run_id, "lake": request.lake, "counters": counters}


def _checked(request: ImportRequest) -> ImportRequest:
    """The request with its names checked, its paths absolute and its files present."""
    if not NAME_RE.match(request.model):
        raise BoundaryError(f"--model: {request.model!r} must match [a-z0-9][a-z0-9._-]*")
    if request.role not in ROLES:
        raise BoundaryError(f"--role: {request.role!r} is not one of {', '.join(ROLES)}")
    if request.prompt is not None and request.prompt not in PROMPT_STYLES:
        raise BoundaryError(
            f"--prompt: {request.prompt!r} is not one of {', '.join(PROMPT_STYLES)}"
        )
    BenchmarkSpec(request.benchmark, request.source).check("--benchmark")
    reader_for(request.fmt)  # an unknown format fails before any file is read
    if not request.files:
        raise BoundaryError("import: give at least one file")
    files = []
    for name in request.files:
        path = Path(name)
        if not path.is_file():
            raise BoundaryError(
                f"{name}: file not found" if not path.exists() else f"{name}: not a file"
            )
        resolved = str(path.resolve())
        if resolved in files:
            raise BoundaryError(f"{name}: given twice")
        files.append(resolved)
    return ImportRequest(
        **{**request.__dict__, "files": tuple(files), "lake": open_lake(request.lake).uri}
    )


def _validate(request: ImportRequest, read: Any) -> Plan:
    """The first pass: parse, match and number every sample; write nothing."""
    bench = BenchmarkSpec(request.benchmark, request.source)
    problems = {p["problem_id"]: p for p in load_problems(bench)}
    index = ProblemIndex(list(problems.values()), request.benchmark)
    keys: dict[tuple[str, int], tuple[str, bytes]] = {}
    files, skipped = [], Counter()
    for path, numbered in _numbered(request.files, read, index):
        count = 0
        for key, row in numbered:
            if row.skip:
                skipped[row.skip] += 1
                continue
            if key in keys:
                raise BoundaryError(
                    f"{row.where}: duplicate: sample {key[1]} of problem {key[0]!r} is also at "
                    f"{keys[key][0]}"
                )
            keys[key] = (row.where, _digest(row.response))
            count += 1
        files.append(
            {
                "path": path,
                "bytes": Path(path).stat().st_size,
                "sha256": _sha256(path),
                "samples": count,
            }
        )
    if not keys:
        raise BoundaryError(f"{request.files[0]}: no samples to import")
    return Plan(problems, keys, files, dict(index.counts), skipped)


def _numbered(
    files: Sequence[str], read: Any, index: ProblemIndex
) -> Iterator[tuple[str, Iterator[tuple[tuple[str, int], ImportRow]]]]:
    """Per file, its rows with their keys ``(problem_id, sample_idx)``: a file's samples of a
    problem come after the earlier files' (``sample_idx`` in file order) unless absolute."""
    offsets: dict[str, int] = {}

    def rows(path: str) -> Iterator[tuple[tuple[str, int], ImportRow]]:
        highest: dict[str, int] = {}
        for row in read(path):
            if row.skip:
                yield ("", -1), row
                continue
            problem_id = index.match(row)
            idx = row.sample_idx if row.absolute else offsets.get(problem_id, 0) + row.sample_idx
            if idx > MAX_SAMPLE_IDX:
                raise BoundaryError(f"{row.where}: sample_idx {idx} is past {MAX_SAMPLE_IDX}")
            highest[problem_id] = max(highest.get(problem_id, -1), idx)
            yield (problem_id, idx), row
        for problem_id, idx in highest.items():
            offsets[problem_id] = max(offsets.get(problem_id, 0), idx + 1)

    for path in files:
        yield path, rows(path)


def _check_stored_problems(request: ImportRequest, plan: Plan) -> None:
    """The lake's problems of this benchmark, where it has them, must be the source's: the
    samples are judged against the source's golds, and every query reads the lake's."""
    stored = read_table(
        request.lake,
        "problems",
        {"benchmark": request.benchmark},
        ["problem_id", "question", "answer"],
    )
    for pid, question, answer in zip(*(c.to_pylist() for c in stored.columns), strict=True):
        mine = plan.problems.get(pid)
        if mine is None:
            continue
        for name, theirs in (("question", question), ("answer", answer)):
            if mine.get(name) != theirs:
                raise BoundaryError(
                    f"--benchmark {request.benchmark}={request.source}: problem {pid!r} has "
                    f"another {name} than the lake's benchmark {request.benchmark!r} (give this "
                    "source another benchmark name)"
                )


def _present(request: ImportRequest, plan: Plan) -> set[tuple[str, int]]:
    """The plan's keys the lake already holds; each must hold the same response."""
    files = list_files(
        request.lake, "samples", {"model": request.model, "benchmark": request.benchmark}
    )
    if not files:
        return set()
    present = set()
    dataset = arrow_dataset(request.lake, "samples", files)
    for batch in dataset.to_batches(
        columns=["problem_id", "sample_idx", "response"], batch_size=4096
    ):
        columns = batch.to_pydict()
        for pid, idx, response in zip(
            columns["problem_id"], columns["sample_idx"], columns["response"], strict=True
        ):
            mine = plan.keys.get((pid, idx))
            if mine is None:
                continue
            if mine[1] != _digest(response or ""):
                raise BoundaryError(
                    f"{mine[0]}: sample {idx} of problem {pid!r} is already in the lake for model "
                    f"{request.model!r} with another response (files in another order than the "
                    "first import, or another model's files?)"
                )
            present.add((pid, idx))
    return present


def _write(
    request: ImportRequest,
    plan: Plan,
    read: Any,
    verifier: Any,
    run_id: str,
    chunk_rows: int,
    progress: bool,
) -> dict[str, Any]:
    """The second pass: verify each sample the lake lacks and write them, ``chunk_rows`` a file."""
    index = ProblemIndex(list(plan.problems.values()), request.benchmark)
    verdicts: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        write_rows(request.lake, "samples", chunk)
        counts["samples"] += len(chunk)
        chunk.clear()
        if progress:
            print(f"{request.model}: {counts['samples']} samples imported", file=sys.stderr)

    for _path, numbered in _numbered(request.files, read, index):
        for key, row in numbered:
            if row.skip:
                continue
            if plan.keys.get(key, ("", b""))[1] != _digest(row.response):
                raise BoundaryError(f"{row.where}: the file changed while it was imported")
            if key in plan.present:
                counts["already_in_lake"] += 1
                continue
            sample = _sample(request, plan.problems[key[0]], key, row, verifier, run_id)
            verdicts[sample["verdict"]] += 1
            if sample["source_verdict"] is not None:
                counts["source_verdicts"] += 1
                counts["source_disagreements"] += (sample["source_verdict"] == "correct") != sample[
                    "correct"
                ]
            chunk.append(sample)
            if len(chunk) >= chunk_rows:
                flush()
    if chunk:
        flush()
    return {
        "samples": counts["samples"],
        "already_in_lake": counts["already_in_lake"],
        "correct": verdicts["correct"],
        "errors": verdicts["error"] + verdicts["timeout"],
        "verdicts": {v: verdicts[v] for v in schema.VERDICTS},
        "source_verdicts": counts["source_verdicts"],
        "source_disagreements": counts["source_disagreements"],
        "skipped": sum(plan.skipped.values()),
    }


def _unchanged(plan: Plan) -> dict[str, Any]:
    """The counters of an import that found every sample in the lake already."""
    return {
        "samples": 0,
        "already_in_lake": len(plan.present),
        "correct": 0,
        "errors": 0,
        "verdicts": dict.fromkeys(schema.VERDICTS, 0),
        "source_verdicts": 0,
        "source_disagreements": 0,
        "skipped": sum(plan.skipped.values()),
    }


def _sample(
    request: ImportRequest,
    problem: dict[str, Any],
    key: tuple[str, int],
    row: ImportRow,
    verifier: Any,
    run_id: str,
) -> dict[str, Any]:
    """One samples row: the file's sample, judged here, with the source's verdict beside."""
    verdict, elapsed_ms = verifier.judge(
        {**problem, "response": row.response, "finish_reason": row.finish_reason}
    )
    prompt = row.prompt
    if prompt is None and request.prompt in PAPER_TEMPLATES and schema.task_of(problem) == "math":
        prompt = render_paper_prompt(request.prompt, problem["question"])
    return {
        "model": request.model,
        "benchmark": request.benchmark,
        "problem_id": key[0],
        "sample_idx": key[1],
        "run_id": run_id,
        "seed": None,  # drawn elsewhere: the tool's seed is not the request seed of a run
        "prompt": prompt,
        "response": row.response,
        "response_tokens": row.response_tokens,
        "cum_logprob": None,
        "finish_reason": row.finish_reason,
        "extracted_answer": verdict.extracted_answer,
        "answer_rule": verdict.answer_rule,
        "correct": verdict.correct,
        "verdict": verdict.verdict,
        "verdict_reason": verdict.reason,
        "verify_ms": elapsed_ms,
        "process_verdict": verdict.process_verdict,
        "process_reason": verdict.process_reason,
        "source_verdict": row.source_verdict,
    }


def _model_row(request: ImportRequest, run_id: str) -> dict[str, Any]:
    return {
        "model": request.model,
        "source": f"import:{request.fmt}",
        "revision": None,
        "prompt": request.prompt,
        "role": request.role,
        "tags": json.dumps(request.tags, sort_keys=True, default=str),
        "run_id": run_id,
    }


def _described(request: ImportRequest, plan: Plan) -> dict[str, Any]:
    """The manifest's ``import`` entry."""
    return {
        "format": request.fmt,
        "model": request.model,
        "benchmark": request.benchmark,
        "source": request.source,
        "files": plan.files,
        "samples": len(plan.keys),
        "already_in_lake": len(plan.present),
        "matched_by": plan.matched_by,
        "skipped": dict(plan.skipped),
    }


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).digest()[:16]


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
