-- views.sql: the four lake tables as views, for every query in this folder.
--
-- The lake path is the DuckDB variable `lake`. In the DuckDB CLI:
--     set variable lake = './lake';
--     .read queries/views.sql
--     .read queries/pass_at_k.sql
-- `boundary query NAME --lake DIR` does the same, and replaces a table with no files yet
-- (no scores before `boundary score`, say) by an empty view with the same columns.
-- In the DuckDB CLI such a table's `create view` fails ("No files found"); the others work.
--
-- Partition columns (model, benchmark, scorer) live only in the Hive path, never in the
-- files; hive_types_autocast = false keeps them strings (a benchmark named "2024" stays
-- '2024'). union_by_name lets files written before a column was added sit beside newer
-- ones. The globs name the partition keys and end in .parquet, so temp files (*.tmp) and
-- stray folders are never read. Columns are listed explicitly, in the order of
-- boundary_ray/schema.py: other queries rely on these names.

create or replace view problems as
select
    benchmark,
    problem_id,
    task,
    question,
    answer,
    tests,
    meta
from read_parquet(
    getvariable('lake') || '/problems/benchmark=*/*.parquet',
    hive_partitioning = true, hive_types_autocast = false, union_by_name = true
);

create or replace view models as
select
    model,
    source,
    revision,
    prompt,
    role,
    tags,
    run_id
from read_parquet(
    getvariable('lake') || '/models/*.parquet',
    hive_partitioning = false, union_by_name = true
);

create or replace view samples as
select
    model,
    benchmark,
    problem_id,
    sample_idx,
    run_id,
    seed,
    prompt,
    response,
    response_tokens,
    cum_logprob,
    finish_reason,
    extracted_answer,
    answer_rule,
    correct,
    verdict,
    verdict_reason,
    verify_ms
from read_parquet(
    getvariable('lake') || '/samples/model=*/benchmark=*/*.parquet',
    hive_partitioning = true, hive_types_autocast = false, union_by_name = true
);

create or replace view scores as
select
    scorer,
    model,
    benchmark,
    problem_id,
    sample_idx,
    run_id,
    response_tokens,
    logprob_sum,
    perplexity,
    status,
    reason
from read_parquet(
    getvariable('lake') || '/scores/scorer=*/model=*/benchmark=*/*.parquet',
    hive_partitioning = true, hive_types_autocast = false, union_by_name = true
);
