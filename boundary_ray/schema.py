"""Arrow schemas of the lake's tables, declared once and used by every writer.

Partition columns (``model``, ``benchmark``, ``scorer``) are part of each table's logical
schema but live in the Hive path (``samples/model=m/benchmark=b/``), not inside the files:
``file_schema(table)`` gives what a Parquet file holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

# The lake's schema version, recorded in every run manifest (``lake_schema_version``).
# Schemas evolve by addition only (as Iceberg and Delta Lake do): a column is added, never
# renamed or retyped, and readers fill what an older file lacks with null. Bump this when a
# table or column is added, and say here what the version brought:
#   1  manifests carry no version; samples files lack cum_logprob, answer_rule, verdict_reason
#   2  lake_schema_version in run manifests; new files hold every column declared here
#   3  images table (content-addressed image bytes); problems.images (their ids, in order)
#   4  samples.process_verdict, process_reason (synthetic problems; added during version 2,
#      so files of versions 2-3 may lack them); process and labels tables
#   5  samples.source_verdict (`boundary import`: what the tool that wrote the file judged);
#      labels.note (the browser view's free text beside a label); outcomes.no_answer, timeout,
#      error (verdict counts per problem); an outcomes cache's name covers its columns, so
#      a cache written before a column was added is stale and rebuilt
#      answer_classes table (equivalence classes of extracted answers, beside outcomes)
#   6  majority_votes table (maj@k per problem, beside the answer classes); compaction renames
#      the fresh caches (outcomes, answer_classes, majority_votes) to its new fingerprint
# `boundary lake upgrade` rewrites what reading as-is cannot handle (boundary_ray/lake/upgrade.py).
LAKE_SCHEMA_VERSION = 6

PROBLEMS = pa.schema(
    [
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("task", pa.string()),  # 'math' | 'code' | 'visual'
        ("question", pa.string()),
        ("answer", pa.string()),  # gold, normalized; null for code
        ("tests", pa.string()),  # code: JSON; null for math
        ("meta", pa.string()),  # JSON object
        # sha256 ids (hex) of the problem's images in the ``images`` table, in prompt order;
        # null for text-only problems
        ("images", pa.list_(pa.string())),
    ]
)


def task_of(row: Mapping[str, Any]) -> str:
    """A problem's (or its request's, or sample's) task; one without a task is ``math``."""
    return row.get("task") or "math"


# Image bytes, stored once per distinct image (``image_id`` = sha256 of ``bytes``, hex) and
# referenced from ``problems.images``; samples never copy them.
IMAGES = pa.schema(
    [
        ("image_id", pa.string()),
        ("bytes", pa.binary()),  # the file as published (PNG, JPEG, ...), not re-encoded
        ("format", pa.string()),  # PIL's name: 'PNG' | 'JPEG' | ...
        ("width", pa.int32()),
        ("height", pa.int32()),
    ]
)

MODELS = pa.schema(
    [
        ("model", pa.string()),
        ("source", pa.string()),
        ("revision", pa.string()),
        ("prompt", pa.string()),  # 'chat' | 'raw' | a paper template ('qwen-boxed', ...)
        ("role", pa.string()),  # 'base' | 'rl' | 'distilled' | 'instruct'
        ("tags", pa.string()),  # JSON object
        ("run_id", pa.string()),
    ]
)

SAMPLES = pa.schema(
    [
        ("model", pa.string()),
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("sample_idx", pa.int32()),
        ("run_id", pa.string()),
        ("seed", pa.int64()),  # the per-request seed this sample was drawn with
        ("prompt", pa.string()),
        ("response", pa.string()),
        ("response_tokens", pa.int32()),
        ("cum_logprob", pa.float64()),  # sampling-time cumulative logprob of the response
        ("finish_reason", pa.string()),  # 'stop' | 'length' | ...
        ("extracted_answer", pa.string()),
        ("answer_rule", pa.string()),  # which extraction rule fired ('boxed', 'answer_is', ...)
        ("correct", pa.bool_()),
        ("verdict", pa.string()),  # 'correct' | 'wrong' | 'no_answer' | 'timeout' | 'error'
        ("verdict_reason", pa.string()),  # short reason for anything but 'correct'
        ("verify_ms", pa.float64()),
        # synthetic problems: does the reasoning match the gold graph (verifiers/process/)
        ("process_verdict", pa.string()),  # 'valid' | 'unsupported' | 'contradicted' | 'n/a'
        ("process_reason", pa.string()),
        # `boundary import`: the verdict of the tool that wrote the imported file, kept beside
        # ours and never trusted ('correct' | 'wrong'; null: sampled here, or the file has none)
        ("source_verdict", pa.string()),
    ]
)

SCORES = pa.schema(
    [
        ("scorer", pa.string()),
        ("model", pa.string()),
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("sample_idx", pa.int32()),
        ("run_id", pa.string()),
        ("response_tokens", pa.int32()),  # tokens of the response under the scorer's tokenizer
        ("logprob_sum", pa.float64()),
        ("perplexity", pa.float64()),  # exp(-logprob_sum / response_tokens)
        ("status", pa.string()),  # 'ok' | 'too_long' | 'error'
        ("reason", pa.string()),
    ]
)

# `boundary verify process --lake`: process verdicts recomputed after the run, appended; per
# sample key the latest `verified_at` wins over the verdict stored in samples (views.sql)
PROCESS = pa.schema(
    [
        ("model", pa.string()),
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("sample_idx", pa.int32()),
        ("process_verdict", pa.string()),
        ("process_reason", pa.string()),
        ("verified_at", pa.string()),  # ISO 8601 UTC, microseconds: sorts as it happened
    ]
)

# `boundary label`: a person's reading of one response, appended; the latest `at` wins
LABELS = pa.schema(
    [
        ("model", pa.string()),
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("sample_idx", pa.int32()),
        ("label", pa.string()),  # 'valid' | 'guess' | 'unsure'
        ("who", pa.string()),
        ("at", pa.string()),  # ISO 8601 UTC, microseconds
        ("note", pa.string()),  # free text beside the label (the browser view, --import)
    ]
)

# Per problem, what its samples add up to, so aggregate queries need not read sample rows
# (boundary_ray/lake/outcomes.py). A derived cache, rebuilt from samples at any time: one file
# per samples partition, named by a fingerprint of the partition's sample files; a query uses
# it only while the fingerprint still matches the files (else it reads the samples).
OUTCOMES = pa.schema(
    [
        ("model", pa.string()),
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("n", pa.int64()),  # samples of the problem
        # of them correct, per notion (views.sql problem_outcomes: correct=answer|process,
        # answers=all|explicit); a null grade counts as not correct
        ("c_answer", pa.int64()),
        ("c_answer_explicit", pa.int64()),
        ("c_process", pa.int64()),
        ("c_process_explicit", pa.int64()),
        ("tokens", pa.int64()),  # response tokens, summed
        ("truncated", pa.int64()),  # samples cut off by the token limit
        # samples per non-answer verdict (schema.VERDICTS): the browser view's filters
        ("no_answer", pa.int64()),
        ("timeout", pa.int64()),
        ("error", pa.int64()),
    ]
)

# Per problem, how its samples' extracted answers fall into equivalence classes, for majority
# voting (queries/maj_at_k.sql; boundary_ray/query/answer_classes.py). A derived cache like outcomes:
# one file per samples partition, named by the same fingerprint of the partition's sample
# files, used only while it matches them; else the queries group the answers' trimmed exact
# strings (views.sql, problem_answer_classes). `boundary run` and `boundary lake
# answer-classes` build it with the verifier's own equivalence.
ANSWER_CLASSES = pa.schema(
    [
        ("model", pa.string()),
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        # 0: the samples with no extracted answer (they abstain from the vote); 1, 2, ...: the
        # classes, largest first (equal sizes: the one whose first sample came first)
        ("class_idx", pa.int32()),
        ("answer", pa.string()),  # the class's first answer, trimmed, cut at 200 characters
        ("samples", pa.int64()),  # samples in the class
        ("correct", pa.bool_()),  # the class of the samples graded correct (one at most)
        ("equivalence", pa.string()),  # how answers were grouped: 'math' | 'visual' | 'exact'
    ]
)

# Per problem, maj@k at each k of its (model, benchmark)'s grid (k_grid: powers of two and the
# smallest n), as views.sql's problem_maj_at_k computes it from the answer classes: the
# refresh that builds the answer classes stores it (boundary_ray/query/majority_votes.py), and
# maj_at_k reads it instead of running the vote's program again. A derived cache named like
# the answer classes, used only while they are fresh.
MAJORITY_VOTES = pa.schema(
    [
        ("model", pa.string()),
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("n", pa.int64()),  # samples of the problem (its cell's grid ends at the smallest n)
        ("k", pa.int64()),
        ("maj_at_k", pa.float64()),
    ]
)

VERDICTS = ("correct", "wrong", "no_answer", "timeout", "error")
PROCESS_VERDICTS = ("valid", "unsupported", "contradicted", "n/a")
LABEL_VALUES = ("valid", "guess", "unsure")

TABLES: dict[str, pa.Schema] = {
    "problems": PROBLEMS,
    "models": MODELS,
    "samples": SAMPLES,
    "scores": SCORES,
    "process": PROCESS,
    "labels": LABELS,
    "outcomes": OUTCOMES,
    "answer_classes": ANSWER_CLASSES,
    "majority_votes": MAJORITY_VOTES,
    "images": IMAGES,
}

PARTITIONS: dict[str, tuple[str, ...]] = {
    "problems": ("benchmark",),
    "models": (),
    "samples": ("model", "benchmark"),
    "scores": ("scorer", "model", "benchmark"),
    "process": ("model", "benchmark"),
    "labels": ("model", "benchmark"),
    "outcomes": ("model", "benchmark"),
    "answer_classes": ("model", "benchmark"),
    "majority_votes": ("model", "benchmark"),
    "images": (),
}


# Each row's key: unique across the lake (a rewritten file of the same keys replaces its own).
KEYS: dict[str, tuple[str, ...]] = {
    "problems": ("benchmark", "problem_id"),
    "models": ("model", "run_id"),
    "samples": ("model", "benchmark", "problem_id", "sample_idx"),
    "scores": ("scorer", "model", "benchmark", "problem_id", "sample_idx"),
    "process": ("model", "benchmark", "problem_id", "sample_idx", "verified_at"),
    "labels": ("model", "benchmark", "problem_id", "sample_idx", "at"),
    "outcomes": ("model", "benchmark", "problem_id"),
    "answer_classes": ("model", "benchmark", "problem_id", "class_idx"),
    "majority_votes": ("model", "benchmark", "problem_id", "k"),
    "images": ("image_id",),
}

# --- which stage of `boundary run` fills which column -------------------------------------
# Declared by name only; every type comes from the tables above, so a column added to SAMPLES
# (or PROBLEMS) reaches the stage that fills it without a second declaration.
#
# The driver plans one request per run of missing samples of a problem: these samples columns,
PLANNED = ("model", "benchmark", "problem_id", "run_id", "prompt")
# the request's share of the problem (``n_new`` samples from ``first_idx`` on, with ``seed``),
REQUEST_PLAN = pa.schema([("first_idx", pa.int32()), ("n_new", pa.int32()), SAMPLES.field("seed")])
# and every other problems column (task, question, gold answer, tests, meta, ...), which the
# sampler and the verifier read and the lake writer is told to drop (``CARRIED``).
CARRIED = tuple(n for n in PROBLEMS.names if n not in PLANNED)
# The sampler turns a request into one row per sample, adding:
SAMPLED = ("sample_idx", "seed", "response", "response_tokens", "cum_logprob", "finish_reason")
# The verifier fills every other samples column (``VERDICT_COLUMNS``: extracted_answer, ...,
# verify_ms, and any column added to SAMPLES later); no verdict field fills source_verdict, so a
# sampled run leaves it null (only `boundary import` has a source tool's verdict to keep).


def _fields(table: pa.Schema, names: tuple[str, ...]) -> list[pa.Field]:
    return [table.field(name) for name in names]


REQUESTS = pa.schema([*_fields(SAMPLES, PLANNED), *_fields(PROBLEMS, CARRIED), *REQUEST_PLAN])
SAMPLER_ROWS = pa.schema(
    [*_fields(SAMPLES, PLANNED), *_fields(PROBLEMS, CARRIED), *_fields(SAMPLES, SAMPLED)]
)
VERDICT_COLUMNS = pa.schema([f for f in SAMPLES if f.name not in PLANNED + SAMPLED])

# `boundary score`: one request per response to rescore (its scores key, this run, the
# scorer's rendering of the problem, the response, and a reason when it cannot be scored).
SCORE_REQUESTS = pa.schema(
    [
        *_fields(SCORES, KEYS["scores"]),
        SCORES.field("run_id"),
        SAMPLES.field("prompt"),
        SAMPLES.field("response"),
        SCORES.field("reason"),
    ]
)

# Schema metadata an engine stage puts on each batch it emits: the wall-clock time its engine
# could first sample (once per batch, not a column of every row); the lake writer reports it.
ENGINE_READY_AT = b"boundary.engine_ready_at"


def file_schema(table: str) -> pa.Schema:
    """The schema of one Parquet file of ``table``: the logical schema less partition columns."""
    schema = TABLES[table]
    for column in PARTITIONS[table]:
        schema = schema.remove(schema.get_field_index(column))
    return schema
