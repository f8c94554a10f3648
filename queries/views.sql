-- views.sql: the lake tables as views, for every query in this folder, and what several
-- queries build on them: the views latest_models, model_tags, problem_outcomes and
-- problem_answer_classes (maj_at_k's answer classes), and the macros allows,
-- pass_at_k_estimate, pass_at_k_or_null, mean_over_all, k_grid, family_bases,
-- bootstrap_resamples, interval_low, interval_high, ops_ranges, in_ops_ranges, and the
-- estimators' own (pass_hat_k_estimate, hypergeometric_pmf, binomial_pmf, draw_spread).
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
-- latest_models, model_tags and problem_outcomes read only the table views above them, never
-- the files: they work the same over a lake that `boundary query` reads through pyarrow
-- (s3://...). They apply no parameter: each query filters them (by getvariable('model') say,
-- through the macro allows), and DuckDB pushes a filter on a grouping column down to the
-- Parquet scan. Each follows the table it reads, and scores (the table most often without
-- files) comes last: the DuckDB CLI stops reading this file at the first view that fails, so
-- the macros come before it.

create or replace view problems as
select
    benchmark,
    problem_id,
    task,
    question,
    answer,
    tests,
    meta,
    images
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
        null::varchar as meta,
        null::varchar[] as images
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

-- model_tags: one row per model (latest_models), with the tags the queries read taken out of
-- its JSON `tags`: family (which base models it is compared with), step (a checkpoint's
-- training step; null when the tag is absent or not an integer), series (the training run:
-- the tag series, else algorithm, else the model's name) and algorithm (the tag algorithm,
-- else series, else the model's name)
create or replace view model_tags as
select
    latest_models.model,
    latest_models.role,
    latest_models.tags,
    json_extract_string(latest_models.tags, '$.family') as family,
    try_cast(json_extract_string(latest_models.tags, '$.step') as bigint) as step,
    coalesce(
        json_extract_string(latest_models.tags, '$.series'),
        json_extract_string(latest_models.tags, '$.algorithm'),
        latest_models.model
    ) as series,
    coalesce(
        json_extract_string(latest_models.tags, '$.algorithm'),
        json_extract_string(latest_models.tags, '$.series'),
        latest_models.model
    ) as algorithm
from latest_models;

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
    verify_ms,
    process_verdict,
    process_reason,
    source_verdict
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
        null::double as verify_ms,
        null::varchar as process_verdict,
        null::varchar as process_reason,
        null::varchar as source_verdict
    where false
);

-- sample_grades: one row per sample, its answer grade, its process verdict and its latest
-- human label. Here (for the DuckDB CLI, where process/ and labels/ may have no files) the
-- process verdict is the one stored in the sample and there are no labels; at the end of this
-- file it is redefined over the process and labels tables, and every view built on it
-- (problem_outcomes) then reads the full version.
create or replace view sample_grades as
select
    samples.model,
    samples.benchmark,
    samples.problem_id,
    samples.sample_idx,
    samples.correct,
    samples.answer_rule,
    samples.process_verdict,
    samples.process_reason,
    null::varchar as label
from samples;

-- problem_outcomes: one row per (model, benchmark, problem_id) that has samples.
--   n = samples drawn for the problem, c = samples graded correct, under the notion of correct
--   the variable `correct` picks (default 'answer'):
--     answer   the final answer is right (samples.correct);
--     process  the final answer is right and the reasoning matches the gold graph
--              (process_verdict = 'valid'; synthetic problems only: elsewhere it is 'n/a'
--              and nothing counts);
--   with `answers` = 'explicit' (default 'all'), a right answer that only the last-number
--   fallback found (answer_rule = 'last_number': the response never marks an answer with
--   \boxed{}, "the answer is" or "####") does not count either;
--   and, with `exclude` = 'guess', a sample whose latest human label is 'guess' does not
--   count as correct (it stays in n: it was drawn).
--   guesses: correct samples (before `exclude`) whose latest label is 'guess';
--   guess_only: the problem counts as solved (c > 0) only thanks to samples labelled 'guess'
--   (always computed, whatever `exclude` says);
--   c_answer, c_process: c under each notion, whatever `correct` says (process ⊆ answer).
--   A null grade (a sample not verified yet) counts as wrong: it is in n, not in c.
create or replace view problem_outcomes as
with graded as (
    select
        sample_grades.model,
        sample_grades.benchmark,
        sample_grades.problem_id,
        coalesce(
            sample_grades.correct
            -- answers = 'explicit': a right answer found only by the last-number fallback
            -- (answer_rule 'last_number', never stated as the answer) does not count
            and case coalesce(getvariable('answers'), 'all')
                when 'all' then true
                when 'explicit' then sample_grades.answer_rule is distinct from 'last_number'
                else error('--param answers=' || getvariable('answers') || ': expected all or explicit')
            end,
            false
        ) as answer_ok,
        coalesce(sample_grades.process_verdict = 'valid', false) as process_valid,
        coalesce(sample_grades.label = 'guess', false) as guess
    from sample_grades
),

counted as (
    select
        graded.model,
        graded.benchmark,
        graded.problem_id,
        graded.guess,
        graded.answer_ok
            and not (graded.guess and coalesce(getvariable('exclude'), '') = 'guess') as answer_counts,
        graded.answer_ok and graded.process_valid
            and not (graded.guess and coalesce(getvariable('exclude'), '') = 'guess') as process_counts,
        case coalesce(getvariable('correct'), 'answer')
            when 'answer' then graded.answer_ok
            when 'process' then graded.answer_ok and graded.process_valid
            else error('--param correct=' || getvariable('correct') || ': expected answer or process')
        end as counts
    from graded
)

select
    counted.model,
    counted.benchmark,
    counted.problem_id,
    count(*) as n,
    count(*) filter (
        where counted.counts
        and not (counted.guess and coalesce(getvariable('exclude'), '') = 'guess')
    ) as c,
    count(*) filter (where counted.counts and counted.guess) as guesses,
    count(*) filter (where counted.counts and counted.guess) > 0
        and count(*) filter (where counted.counts and not counted.guess) = 0 as guess_only,
    -- both notions side by side (process_pass_at_k), under the same answers/exclude params
    count(*) filter (where counted.answer_counts) as c_answer,
    count(*) filter (where counted.process_counts) as c_process
from counted
group by counted.model, counted.benchmark, counted.problem_id;

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

-- k_grid(max_k, extra): the k values of a pass@k curve whose smallest n is max_k, one row
-- each: the powers of two 1, 2, 4, ... up to max_k, max_k itself, and every k of `extra` (a
-- list of integers, or null) between 1 and max_k. Used per (model, benchmark) cell:
--     from per_cell cross join lateral k_grid(per_cell.max_k, getvariable('ks')) as k_grid
create or replace macro k_grid(max_k, extra) as table
select distinct candidates.k
from (
    select cast(2 ** powers.i as bigint) as k from range(0, 41) as powers(i)  -- 1 .. 2^40
    union all
    select cast(unnest(coalesce(extra, []::bigint[])) as bigint) as k
    union all
    select cast(max_k as bigint) as k
) as candidates
where candidates.k between 1 and max_k;

-- allows(wanted, value): whether a filter parameter lets `value` through: `wanted` is unset
-- (null: every value passes) or equals it. Each query filters its import CTEs so:
--     where allows(getvariable('model'), problem_outcomes.model)
create or replace macro allows(wanted, value) as wanted is null or value = wanted;

-- pass_at_k_or_null(n, c, k): pass_at_k_estimate(n, c, k) when the problem has at least k
-- samples, else null (fewer than k samples give no estimate of pass@k)
create or replace macro pass_at_k_or_null(n, c, k) as
    case when n >= k then pass_at_k_estimate(n, c, k) end;

-- mean_over_all(x), an aggregate: the mean of x over the group's rows when x is known on every
-- one of them, else null (a pass@K over every problem or none: null when some problem has no
-- pass_at_k_or_null)
create or replace macro mean_over_all(x) as case when count(x) = count(*) then avg(x) end;

-- family_bases(base_role): each model (model_tags) with every other model of role `base_role`
-- of its family, one row per pair: the two share their `family` tag, or one of them has none
-- (a model without a family tag pairs with every base model)
create or replace macro family_bases(base_role) as table
select
    model_tags.model,
    base_tags.model as base_model
from model_tags
inner join model_tags as base_tags
    on base_tags.role = base_role
    and base_tags.model <> model_tags.model
    and (
        model_tags.family is null
        or base_tags.family is null
        or base_tags.family = model_tags.family
    );

-- bootstrap_resamples(ci, bootstrap): the resamples b = 0 .. bootstrap - 1 of a percentile
-- bootstrap (bootstrap defaults to 1000), one row each; none when `ci` is null (no interval
-- asked for), so the bootstrap CTEs built on it are empty
create or replace macro bootstrap_resamples(ci, bootstrap) as table
select resample.b
from range(case when ci is null then 0 else coalesce(bootstrap, 1000) end) as resample(b);

-- interval_low(x, ci), interval_high(x, ci), aggregates: the bounds of the central `ci` share
-- of x over the group (a percentile interval of the resample statistics x). quantile_cont
-- needs a non-null constant even when `ci` is unset and there are no resamples, hence the
-- default 0.95.
create or replace macro interval_low(x, ci) as quantile_cont(x, (1 - coalesce(ci, 0.95)) / 2);
create or replace macro interval_high(x, ci) as quantile_cont(x, 1 - (1 - coalesce(ci, 0.95)) / 2);

-- ops_ranges(tag): a model's ops tag (id_ops, edge_ops: "3", "1-4", "1,2,5", or a YAML list
-- such as [1, 2]) as a list of parts, each "a-b" (inclusive) or "a"; null without the tag.
-- in_ops_ranges(ops, parts): whether ops lies in one of those parts (process_pass_at_k's bands)
create or replace macro ops_ranges(tag) as
    string_split(regexp_replace(tag, '[\[\] ]', '', 'g'), ',');
create or replace macro in_ops_ranges(ops, parts) as
    list_bool_or(list_transform(coalesce(parts, []), lambda part:
        case
            when contains(part, '-') then ops between
                try_cast(split_part(part, '-', 1) as integer)
                and try_cast(split_part(part, '-', 2) as integer)
            else ops = try_cast(part as integer)
        end));

-- log_choose(n, k): ln C(n, k), through lgamma (0 <= k <= n; exact to ~1e-13 relative).
create or replace macro log_choose(n, k) as
    lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);

-- pass_hat_k_estimate(n, c, k): pass^k of one problem with n samples of which c are correct,
-- the chance that k samples drawn without replacement are all correct (Yao et al. 2024,
-- "tau-bench", pass^k; the G-Pass@k_1 of Liu et al. 2024):
--     pass^k = C(c, k) / C(n, k)
-- in log space as pass_at_k_estimate is; exactly 0 when c < k and exactly 1 when c = n.
create or replace macro pass_hat_k_estimate(n, c, k) as
    case
        when c < k then 0.0
        when c = n then 1.0
        else exp((lgamma(c + 1) - lgamma(c - k + 1)) - (lgamma(n + 1) - lgamma(n - k + 1)))
    end;

-- hypergeometric_pmf(n, c, k, j): the chance that k samples drawn without replacement from n,
-- c of them correct, hold exactly j correct ones:
--     C(c, j) C(n - c, k - j) / C(n, k)
-- and 0 outside the support max(0, k - (n - c)) <= j <= min(c, k).
create or replace macro hypergeometric_pmf(n, c, k, j) as
    case
        when j < greatest(0, k - (n - c)) or j > least(c, k) then 0.0
        else exp(log_choose(c, j) + log_choose(n - c, k - j) - log_choose(n, k))
    end;

-- binomial_pmf(a, p, x): C(a, x) p^x (1 - p)^(a - x), exact at p = 0 and p = 1.
create or replace macro binomial_pmf(a, p, x) as
    case
        when x < 0 or x > a then 0.0
        when p <= 0 then (x = 0)::double
        when p >= 1 then (x = a)::double
        else exp(log_choose(a, x) + x * ln(p) + (a - x) * ln(1 - p))
    end;

-- draw_spread(n, k): the half-width d of the window around k·c/n that holds the count of
-- correct samples among k drawn without replacement from n (c correct, any c) with all but
-- 1e-16 of its probability. Serfling's inequality (Ann. Statist. 1974, Cor. 1.1) for sampling
-- without replacement gives P(|X - kc/n| >= d) <= 2 exp(-2 d^2 n / (k (n - k + 1))), and the
-- same for the n - k samples left out, whose count is c - X:
--     d = sqrt( ln(2e16) / 2 * min(k (n - k + 1), (n - k)(k + 1)) / n )
-- (0 at k = n: the count is c). Sums over a count keep only this window: what they leave out
-- weighs at most 1e-16. For n = 1024 the window is about ±67 at k = 512, ±4 at k = 1.
create or replace macro draw_spread(n, k) as
    sqrt(ln(2e16) / 2 * least(k * (n - k + 1), (n - k) * (k + 1)) / n);

-- draw_window_low / draw_window_high(n, c, k): the counts j of that window, within the support
-- (the 1e-9 keeps an exact integer mean inside when d = 0).
create or replace macro draw_window_low(n, c, k) as
    cast(greatest(0, k - (n - c), ceil(k * c / n - draw_spread(n, k) - 1e-9)) as bigint);

create or replace macro draw_window_high(n, c, k) as
    cast(least(c, k, floor(k * c / n + draw_spread(n, k) + 1e-9)) as bigint);

-- problem_answer_classes: per (model, benchmark, problem_id), how the samples' extracted
-- answers fall into equivalence classes, for majority voting (maj_at_k). One row per class:
--   class_idx 0: the samples with no answer (null or blank), which abstain from the vote;
--   class_idx 1, 2, ...: the classes, largest first (equal sizes: the earliest first sample);
--   answer: the class's first answer; samples: its size; correct: the class of the samples
--   graded correct (one at most); equivalence: how answers were grouped.
-- Here the fallback for lakes without the answer_classes table (older versions, imports, or
-- files a later run made stale): the samples graded correct are one class (each equals the
-- gold, hence each other), and every other sample joins the class of its answer's exact text
-- after trimming whitespace (equivalence 'exact'). `boundary query` reads the answer_classes
-- table instead where it is fresh: there the verifier's own equivalence (math-verify for math,
-- the visual rule for visual) decided the classes (boundary_ray/answer_classes.py), and
-- exact_answer_classes, the same rows from the samples, answers only for stale partitions.
create or replace view exact_answer_classes as
with keyed as (
    select
        samples.model,
        samples.benchmark,
        samples.problem_id,
        samples.sample_idx,
        coalesce(samples.correct, false) as correct,
        nullif(trim(samples.extracted_answer, E' \t\n\r'), '') as answer
    from samples
),

grouped as (
    select
        keyed.model,
        keyed.benchmark,
        keyed.problem_id,
        keyed.correct,
        -- the class key: correct samples are one class, whatever their text
        case when keyed.correct then '' else keyed.answer end as class_key,
        arg_min(keyed.answer, keyed.sample_idx) as answer,
        min(keyed.sample_idx) as first_idx,
        count(*) as samples
    from keyed
    group by all
)

select
    grouped.model,
    grouped.benchmark,
    grouped.problem_id,
    cast(
        case
            when grouped.class_key is null then 0
            else row_number() over (
                partition by grouped.model, grouped.benchmark, grouped.problem_id,
                    grouped.class_key is null
                order by grouped.samples desc, grouped.first_idx
            )
        end as integer
    ) as class_idx,
    left(grouped.answer, 200) as answer,
    grouped.samples,
    grouped.correct,
    'exact' as equivalence
from grouped;

create or replace view problem_answer_classes as
select * from exact_answer_classes;

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

-- process: process verdicts recomputed on the lake (`boundary verify process --lake`),
-- appended; labels: human labels (`boundary label`), appended. Both often have no files yet:
-- `boundary query` then reads them as empty; the DuckDB CLI stops here, keeping the
-- sample_grades above.
create or replace view process as
select
    model,
    benchmark,
    problem_id,
    sample_idx,
    process_verdict,
    process_reason,
    verified_at
from (
    select * from read_parquet(
        getvariable('lake') || '/process/model=*/benchmark=*/*.parquet',
        hive_partitioning = true, hive_types_autocast = false, union_by_name = true
    )
    union all by name
    select
        null::varchar as model,
        null::varchar as benchmark,
        null::varchar as problem_id,
        null::integer as sample_idx,
        null::varchar as process_verdict,
        null::varchar as process_reason,
        null::varchar as verified_at
    where false
);

create or replace view labels as
select
    model,
    benchmark,
    problem_id,
    sample_idx,
    label,
    who,
    "at",  -- quoted: a bare `at` is a keyword to DuckDB's parser
    note
from (
    select * from read_parquet(
        getvariable('lake') || '/labels/model=*/benchmark=*/*.parquet',
        hive_partitioning = true, hive_types_autocast = false, union_by_name = true
    )
    union all by name
    select
        null::varchar as model,
        null::varchar as benchmark,
        null::varchar as problem_id,
        null::integer as sample_idx,
        null::varchar as label,
        null::varchar as who,
        null::varchar as at,
        null::varchar as note
    where false
);

-- sample_grades, full version: per sample key the process verdict of the latest process row
-- (largest verified_at; ISO 8601 strings sort in time order), else the one stored in the
-- sample; the label of the latest labels row (largest at): a relabelling wins, history stays.
create or replace view sample_grades as
with latest_process as (
    select
        process.model,
        process.benchmark,
        process.problem_id,
        process.sample_idx,
        arg_max(process.process_verdict, process.verified_at) as process_verdict,
        arg_max(process.process_reason, process.verified_at) as process_reason
    from process
    group by process.model, process.benchmark, process.problem_id, process.sample_idx
),

latest_labels as (
    select
        labels.model,
        labels.benchmark,
        labels.problem_id,
        labels.sample_idx,
        arg_max(labels.label, labels.at) as label
    from labels
    group by labels.model, labels.benchmark, labels.problem_id, labels.sample_idx
)

select
    samples.model,
    samples.benchmark,
    samples.problem_id,
    samples.sample_idx,
    samples.correct,
    samples.answer_rule,
    coalesce(latest_process.process_verdict, samples.process_verdict) as process_verdict,
    coalesce(latest_process.process_reason, samples.process_reason) as process_reason,
    latest_labels.label
from samples
left join latest_process
    on latest_process.model = samples.model
    and latest_process.benchmark = samples.benchmark
    and latest_process.problem_id = samples.problem_id
    and latest_process.sample_idx = samples.sample_idx
left join latest_labels
    on latest_labels.model = samples.model
    and latest_labels.benchmark = samples.benchmark
    and latest_labels.problem_id = samples.problem_id
    and latest_labels.sample_idx = samples.sample_idx;

-- images: image bytes stored once per distinct image (image_id = sha256 of bytes, hex),
-- referenced from problems.images. Text-only lakes have none (the DuckDB CLI stops here;
-- nothing above reads it). Join `unnest(problems.images)` on image_id for sizes.
create or replace view images as
select
    image_id,
    bytes,
    format,
    width,
    height
from (
    select * from read_parquet(
        getvariable('lake') || '/images/*.parquet',
        hive_partitioning = false, union_by_name = true
    )
    union all by name
    select
        null::varchar as image_id,
        null::blob as bytes,
        null::varchar as format,
        null::integer as width,
        null::integer as height
    where false
);
