-- views.sql: the four lake tables as views, for every query in this folder, and what several
-- queries build on them: latest_models, problem_outcomes and the pass_at_k_estimate macro.
--
-- The lake path is the DuckDB variable `lake`. In the DuckDB CLI:
--     set variable lake = './lake';
--     .read queries/views.sql
--     .read queries/pass_at_k.sql
-- `boundary query NAME --lake DIR` does the same, and replaces a table with no files yet
-- (no scores before `boundary score`, say) by an empty view with the same columns.
-- In the DuckDB CLI such a table's `create view` fails ("No files found"), and so does every
-- statement after it in this file.
--
-- Partition columns (model, benchmark, scorer) live only in the Hive path, never in the
-- files; hive_types_autocast = false keeps them strings (a benchmark named "2024" stays
-- '2024'). The globs name the partition keys and end in .parquet, so temp files (*.tmp) and
-- stray folders are never read. Columns are listed explicitly, in the order of
-- boundary_ray/schema.py: other queries rely on these names.
--
-- Lakes outlive versions: columns are only ever added (boundary_ray/schema.py,
-- LAKE_SCHEMA_VERSION), and a file written before a column existed reads it as null.
-- union_by_name does that among the files; for a column that no file holds yet (a lake
-- written entirely by an older version), each table view unions its files `by name` with a
-- typed empty relation (`... where false`) that declares every column with its type. So the
-- views stay plain SQL that the DuckDB CLI reads on its own, and a new column is added in
-- schema.py and in that relation (tests/lake/test_old_lakes.py checks they agree). DuckDB
-- still pushes filters on partition columns through the union down to the file globs.
--
-- latest_models and problem_outcomes read only the table views above them, never the files:
-- they work the same over a lake that `boundary query` reads through pyarrow (s3://...).
-- They apply no parameter: each query filters them (by getvariable('model') say), and DuckDB
-- pushes a filter on a grouping column down to the Parquet scan. Each follows the table it
-- reads, and scores (the table most often without files) comes last: the DuckDB CLI stops
-- reading this file at the first view that fails.

create or replace view problems as
select
    benchmark,
    problem_id,
    task,
    question,
    answer,
    tests,
    meta
from (
    select * from read_parquet(
        getvariable('lake') || '/problems/benchmark=*/*.parquet',
        hive_partitioning = true, hive_types_autocast = false, union_by_name = true
    )
    union all by name
    select
        null::varchar as benchmark,
        null::varchar as problem_id,
        null::varchar as task,
        null::varchar as question,
        null::varchar as answer,
        null::varchar as tests,
        null::varchar as meta
    where false
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
from (
    select * from read_parquet(
        getvariable('lake') || '/models/*.parquet',
        hive_partitioning = false, union_by_name = true
    )
    union all by name
    select
        null::varchar as model,
        null::varchar as source,
        null::varchar as revision,
        null::varchar as prompt,
        null::varchar as role,
        null::varchar as tags,
        null::varchar as run_id
    where false
);

-- latest_models: one row per model, the values of its latest run (a model is written once
-- per run; the largest run_id wins)
create or replace view latest_models as
select
    models.model,
    arg_max(models.source, models.run_id) as source,
    arg_max(models.revision, models.run_id) as revision,
    arg_max(models.prompt, models.run_id) as prompt,
    arg_max(models.role, models.run_id) as role,
    arg_max(models.tags, models.run_id) as tags,
    max(models.run_id) as run_id
from models
group by models.model;

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
from (
    select * from read_parquet(
        getvariable('lake') || '/samples/model=*/benchmark=*/*.parquet',
        hive_partitioning = true, hive_types_autocast = false, union_by_name = true
    )
    union all by name
    select
        null::varchar as model,
        null::varchar as benchmark,
        null::varchar as problem_id,
        null::integer as sample_idx,
        null::varchar as run_id,
        null::bigint as seed,
        null::varchar as prompt,
        null::varchar as response,
        null::integer as response_tokens,
        null::double as cum_logprob,
        null::varchar as finish_reason,
        null::varchar as extracted_answer,
        null::varchar as answer_rule,
        null::boolean as correct,
        null::varchar as verdict,
        null::varchar as verdict_reason,
        null::double as verify_ms
    where false
);

-- problem_outcomes: one row per (model, benchmark, problem_id) that has samples.
--   n = samples drawn for the problem, c = samples graded correct.
--   A null grade (a sample not verified yet) counts as wrong: it is in n, not in c.
create or replace view problem_outcomes as
select
    samples.model,
    samples.benchmark,
    samples.problem_id,
    count(*) as n,
    count(*) filter (where samples.correct) as c
from samples
group by samples.model, samples.benchmark, samples.problem_id;

-- pass_at_k_estimate(n, c, k): the unbiased estimator of Chen et al. 2021 ("Evaluating Large
-- Language Models Trained on Code", eq. 1) of pass@k for one problem with n samples of which
-- c are correct:
--     pass@k = 1 - C(n - c, k) / C(n, k)
-- The binomials overflow a double for n in the hundreds, so the ratio is taken in log space:
--     C(n - c, k) / C(n, k) = exp( lgamma(n - c + 1) - lgamma(n + 1)
--                                 + lgamma(n - k + 1) - lgamma(n - c - k + 1) )
-- (absolute error ~1e-12 at n = 1024). Exactly 1 when n - c < k (every k-subset holds a
-- correct sample) and exactly 0 when c = 0. At k = 1 it is c / n. Needs k <= n.
create or replace macro pass_at_k_estimate(n, c, k) as
    case
        when n - c < k then 1.0
        when c = 0 then 0.0
        else 1.0 - exp(
            (lgamma(n - c + 1) - lgamma(n + 1)) + (lgamma(n - k + 1) - lgamma(n - c - k + 1))
        )
    end;

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
from (
    select * from read_parquet(
        getvariable('lake') || '/scores/scorer=*/model=*/benchmark=*/*.parquet',
        hive_partitioning = true, hive_types_autocast = false, union_by_name = true
    )
    union all by name
    select
        null::varchar as scorer,
        null::varchar as model,
        null::varchar as benchmark,
        null::varchar as problem_id,
        null::integer as sample_idx,
        null::varchar as run_id,
        null::integer as response_tokens,
        null::double as logprob_sum,
        null::double as perplexity,
        null::varchar as status,
        null::varchar as reason
    where false
);
