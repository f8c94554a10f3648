"""Arrow schemas of the lake's tables, declared once and used by every writer.

Partition columns (``model``, ``benchmark``, ``scorer``) are part of each table's logical
schema but live in the Hive path (``samples/model=m/benchmark=b/``), not inside the files:
``file_schema(table)`` gives what a Parquet file holds.
"""

from __future__ import annotations

import pyarrow as pa

# The lake's schema version, recorded in every run manifest (``lake_schema_version``).
# Schemas evolve by addition only (as Iceberg and Delta Lake do): a column is added, never
# renamed or retyped, and readers fill what an older file lacks with null. Bump this when a
# table or column is added, and say here what the version brought:
#   1  manifests carry no version; samples files lack cum_logprob, answer_rule, verdict_reason
#   2  lake_schema_version in run manifests; new files hold every column declared here
# `boundary lake upgrade` rewrites what reading as-is cannot handle (boundary_ray/lake/upgrade.py).
LAKE_SCHEMA_VERSION = 2

PROBLEMS = pa.schema(
    [
        ("benchmark", pa.string()),
        ("problem_id", pa.string()),
        ("task", pa.string()),  # 'math' | 'code'
        ("question", pa.string()),
        ("answer", pa.string()),  # gold, normalized; null for code
        ("tests", pa.string()),  # code: JSON; null for math
        ("meta", pa.string()),  # JSON object
    ]
)

MODELS = pa.schema(
    [
        ("model", pa.string()),
        ("source", pa.string()),
        ("revision", pa.string()),
        ("prompt", pa.string()),  # 'chat' | 'raw'
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
        # synthetic problems: does the reasoning match the gold graph (verifiers/process_*.py)
        ("process_verdict", pa.string()),  # 'valid' | 'unsupported' | 'contradicted' | 'n/a'
        ("process_reason", pa.string()),
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
}

PARTITIONS: dict[str, tuple[str, ...]] = {
    "problems": ("benchmark",),
    "models": (),
    "samples": ("model", "benchmark"),
    "scores": ("scorer", "model", "benchmark"),
    "process": ("model", "benchmark"),
    "labels": ("model", "benchmark"),
}


def file_schema(table: str) -> pa.Schema:
    """The schema of one Parquet file of ``table``: the logical schema less partition columns."""
    schema = TABLES[table]
    for column in PARTITIONS[table]:
        schema = schema.remove(schema.get_field_index(column))
    return schema
