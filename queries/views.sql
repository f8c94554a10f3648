-- views.sql: the lake tables as views, for every query in this folder, and what several
-- queries build on them: the views latest_models, model_tags, problem_outcomes,
-- problem_answer_classes and cached_majority_votes (maj_at_k's answer classes and cache), and
-- the macros allows, pass_at_k_estimate, pass_at_k_or_null, mean_over_all, k_grid,
-- family_bases, bootstrap_resamples, interval_low, interval_high, ops_ranges, in_ops_ranges,
-- and the estimators' own (pass_hat_k_estimate, hypergeometric_pmf, binomial_pmf,
-- draw_spread, draw_window_low/high, problem_maj_at_k).
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

-- cached_majority_votes: maj@k per problem (and its n) at its cell's k grid, as the
-- answer-class refresh stored it (the majority_votes table, boundary_ray/query/
-- majority_votes.py). `boundary query` points it at the fresh files; here, and in the DuckDB
-- CLI, it is empty and problem_maj_at_k computes every value.
create or replace view cached_majority_votes as
select
    cast(null as varchar) as model,
    cast(null as varchar) as benchmark,
    cast(null as varchar) as problem_id,
    cast(null as bigint) as n,
    cast(null as bigint) as k,
    cast(null as double) as maj_at_k
where false;

-- uncached_answer_classes: the answer classes of the cells cached_majority_votes does not
-- hold (problem_maj_at_k computes their votes; it reads problem_answer_classes only for the
-- problems it computes). With nothing stored, all of them.
create or replace view uncached_answer_classes as
select * from problem_answer_classes;

-- problem_maj_at_k(wanted_model, wanted_benchmark, extra_ks): maj@k of each problem of
-- problem_answer_classes (only wanted_model's and wanted_benchmark's where not null) at each
-- k of its cell's grid (k_grid(smallest n of the (model, benchmark), extra_ks)): the expected
-- correctness of a plurality vote over k samples drawn uniformly without replacement from
-- the problem's n, exactly. Columns: model, benchmark, problem_id, n, k, maj_at_k. A value
-- cached_majority_votes holds is taken from it (and the classes of its cell are not read);
-- the others are computed as follows.
--
-- The formula. Let the correct class hold c samples, the other classes a_1, a_2, ... and b
-- samples abstain (c + sum a_j + b = n). Draw k; let t be the correct votes drawn and x_j
-- those of class j. The correct class wins with weight 1 / (1 + #{j : x_j = t}) when every
-- x_j <= t and t >= 1, so
--   maj@k = sum_{t >= 1} P(t) Q_t,   P(t) = C(c, t) C(n - c, k - t) / C(n, k),
--   Q_t = E[ 1{x_j <= t for all j} / (1 + #{j : x_j = t}) | t ],
-- and given t, the other k - t draws are a uniform (k - t)-subset of the n - c other samples.
-- Only a class with a_j >= t can reach t, and only while t <= k - t; every other class, with
-- the abstentions, is one pool of r_t samples that no constraint touches. So, with D_t the
-- classes that can reach t,
--   Q_t = sum over (x_j)_{j in D_t}, 0 <= x_j <= t, of
--           prod_j C(a_j, x_j) C(r_t, k - t - sum x_j) / C(n - c, k - t) / (1 + #{x_j = t}).
-- There is no closed form of this sum once two or more classes can reach t (it is the chance
-- that one coordinate of a multivariate hypergeometric is its maximum); with one class it is
-- a hypergeometric CDF. When no class can reach t, Q_t = 1; hence, with T = min(c, k, max_j
-- a_j, floor(k / 2)),
--   maj@k = 1 - sum_{t = 0}^{T} P(t) + sum_{t = 1}^{T} P(t) Q_t
-- (every t > T wins outright), and the sum over the x_j is a dynamic program over the classes
-- of D_t: the state is (s, m) = (votes drawn from the classes so far, classes tied at t),
-- each class adding x_j with weight C(a_j, x_j) (the recursive CTE `votes` below).
--
-- Exact, and bounded. Each weight is scaled to a binomial probability: for any 0 < p < 1,
-- prod_j C(a_j, x_j) C(r, K - sum x_j) / C(N, K) = prod_j Bin(a_j, p; x_j) Bin(r, p; K - sum x_j)
-- / Bin(N, p; K) (the powers of p and 1 - p multiply out), so with p = (k - t) / (n - c)
-- every factor lies in [0, 1] and nothing overflows at n = 1024 (C(1024, 512) ~ 1e307).
-- What is left out is below double precision, and bounded:
--   - t runs over the window of the correct count (draw_window_low/high above: all but
--     1e-16 of its probability); a t with P(t) < 1e-18 counts as won (Q_t = 1).
--   - a class whose count given t reaches t with chance under 1e-16 joins the pool; a t at
--     which a class stays at or below t with chance under 1e-16 is lost (Q_t = 0). Both
--     chances are bounded by one probability, the hypergeometric being unimodal: P(x >= t)
--     <= (values from t up) P(x = t) above the mode, P(x <= t) <= (t + 1) P(x = t) below it.
--   - x_j runs from the low end of its window (the same bound, k - t draws from n - c) up to
--     t, values of weight under 1e-18 dropped, and a program state of weight under 1e-20 is
--     dropped (it could add at most 1e-18 to Q_t).
--   So a problem's maj@k is exact to about 1e-16 times its number of classes and counts
--   (1e-12 at worst, at n = 1024); on small n nothing is ever left out.
-- Speed. The program runs once per profile, (n, c, sizes of the other classes), however many
-- problems share it, and has no rows where the vote is decided (no class reaches t). At t = 1
-- the classes of one size are one step: each adds 0 or 1 vote, a tie when 1, and mu of them
-- add y votes and y ties with weight C(mu, y) f0^(mu - y) f1^y (a binomial), so hundreds of
-- one-sample answers cost one step. A contest between classes of close sizes at large k still
-- costs about (window of t) x (window of x_j) rows per class: perf/README.md has the times.
--
create or replace macro problem_maj_at_k(wanted_model, wanted_benchmark, extra_ks) as table
with recursive

-- the stored votes of the cells asked for, and each such cell's smallest n
cached_votes as (
    select
        cached_majority_votes.model,
        cached_majority_votes.benchmark,
        cached_majority_votes.problem_id,
        cached_majority_votes.n,
        cached_majority_votes.k,
        cached_majority_votes.maj_at_k
    from cached_majority_votes
    where allows(wanted_model, cached_majority_votes.model)
        and allows(wanted_benchmark, cached_majority_votes.benchmark)
),

cached_cells as (
    select
        cached_votes.model,
        cached_votes.benchmark,
        min(cached_votes.n) as max_k
    from cached_votes
    group by cached_votes.model, cached_votes.benchmark
),

-- n of each problem of the other cells (sums of bigint are hugeint in DuckDB: back to bigint)
uncached_sizes as (
    select
        uncached_answer_classes.model,
        uncached_answer_classes.benchmark,
        uncached_answer_classes.problem_id,
        sum(uncached_answer_classes.samples)::bigint as n
    from uncached_answer_classes
    where allows(wanted_model, uncached_answer_classes.model)
        and allows(wanted_benchmark, uncached_answer_classes.benchmark)
    group by
        uncached_answer_classes.model,
        uncached_answer_classes.benchmark,
        uncached_answer_classes.problem_id
),

per_cell as (
    select * from cached_cells
    union all
    select
        uncached_sizes.model,
        uncached_sizes.benchmark,
        min(uncached_sizes.n) as max_k
    from uncached_sizes
    group by uncached_sizes.model, uncached_sizes.benchmark
),

-- the k of each (model, benchmark), as in pass_at_k (k_grid)
k_values as (
    select
        per_cell.model,
        per_cell.benchmark,
        cell_k.k
    from per_cell
    cross join lateral k_grid(per_cell.max_k, extra_ks) as cell_k
),

-- the stored votes hold each problem of their cell at each k of the cell's own grid (k_grid
-- without extra ks), as the refresh computed them from the same answer classes
cached as (
    select
        cached_votes.model,
        cached_votes.benchmark,
        cached_votes.problem_id,
        cached_votes.n,
        cached_votes.k,
        cached_votes.maj_at_k
    from cached_votes
    semi join k_values
        on k_values.model = cached_votes.model
        and k_values.benchmark = cached_votes.benchmark
        and k_values.k = cached_votes.k
),

cached_ks as (
    select
        cached_cells.model,
        cached_cells.benchmark,
        cell_k.k
    from cached_cells
    cross join lateral k_grid(cached_cells.max_k, null) as cell_k
),

-- what is left to compute: every problem of the other cells at each of their ks, and the
-- stored cells' problems at the extra ks their grid lacks
extra_cached_ks as (
    select k_values.model, k_values.benchmark, k_values.k
    from k_values
    semi join cached_cells
        on cached_cells.model = k_values.model
        and cached_cells.benchmark = k_values.benchmark
    anti join cached_ks
        on cached_ks.model = k_values.model
        and cached_ks.benchmark = k_values.benchmark
        and cached_ks.k = k_values.k
),

missing as (
    select
        uncached_sizes.model,
        uncached_sizes.benchmark,
        uncached_sizes.problem_id,
        k_values.k
    from uncached_sizes
    inner join k_values
        on k_values.model = uncached_sizes.model
        and k_values.benchmark = uncached_sizes.benchmark
    union all
    select
        cached_votes.model,
        cached_votes.benchmark,
        cached_votes.problem_id,
        extra_cached_ks.k
    from extra_cached_ks
    inner join cached_votes
        on cached_votes.model = extra_cached_ks.model
        and cached_votes.benchmark = extra_cached_ks.benchmark
        and cached_votes.k = 1
),

-- the answer classes of the problems left (none read when nothing is left)
selected_classes as (
    select
        problem_answer_classes.model,
        problem_answer_classes.benchmark,
        problem_answer_classes.problem_id,
        problem_answer_classes.class_idx,
        problem_answer_classes.samples,
        problem_answer_classes.correct
    from problem_answer_classes
    semi join (select distinct missing.model, missing.benchmark, missing.problem_id from missing)
        as left_problems
        on left_problems.model = problem_answer_classes.model
        and left_problems.benchmark = problem_answer_classes.benchmark
        and left_problems.problem_id = problem_answer_classes.problem_id
),

-- of each problem left: n, c samples in the correct class, and the other classes' sizes,
-- largest first
per_problem as (
    select
        selected_classes.model,
        selected_classes.benchmark,
        selected_classes.problem_id,
        sum(selected_classes.samples)::bigint as n,
        coalesce(
            sum(selected_classes.samples) filter (where selected_classes.correct), 0
        )::bigint as c,
        coalesce(
            list(selected_classes.samples order by selected_classes.samples desc) filter (
                where not selected_classes.correct and selected_classes.class_idx > 0
            ),
            []
        )::bigint[] as others
    from selected_classes
    group by selected_classes.model, selected_classes.benchmark, selected_classes.problem_id
),

-- problems with the same n, c and other classes' sizes have the same maj@k: one profile each
profiles as (
    select
        distinct_profiles.n,
        distinct_profiles.c,
        distinct_profiles.others,
        row_number() over (
            order by distinct_profiles.n, distinct_profiles.c, distinct_profiles.others
        ) as profile_id
    from (select distinct per_problem.n, per_problem.c, per_problem.others from per_problem)
        as distinct_profiles
),

problem_k as (
    select
        missing.model,
        missing.benchmark,
        missing.problem_id,
        missing.k,
        profiles.profile_id
    from missing
    inner join per_problem
        on per_problem.model = missing.model
        and per_problem.benchmark = missing.benchmark
        and per_problem.problem_id = missing.problem_id
    inner join profiles
        on profiles.n = per_problem.n
        and profiles.c = per_problem.c
        and profiles.others = per_problem.others
),

-- each (profile, k) with a correct class, and T = min(c, k, largest other class a, floor(k/2),
-- t_reach): past T the correct class wins outright. t_reach: given t correct votes, class a's
-- count has the window (k - t) a / (n - c) +- d with d <= draw_spread(n - c, min(k, (n - c)/2))
-- (the spread grows with the draws up to half the population, then shrinks), so a t above
-- (k a / (n - c) + that d) / (1 + a / (n - c)) is out of every class's reach
distinct_profile_k as (
    select distinct
        problem_k.profile_id,
        problem_k.k,
        profiles.n,
        profiles.c,
        coalesce(profiles.others[1], 0) as a_max
    from problem_k
    inner join profiles on profiles.profile_id = problem_k.profile_id
    where profiles.c > 0
),

profile_k as (
    select
        distinct_profile_k.profile_id,
        distinct_profile_k.k,
        distinct_profile_k.n,
        distinct_profile_k.c,
        least(
            distinct_profile_k.c,
            distinct_profile_k.k,
            distinct_profile_k.a_max,
            distinct_profile_k.k // 2,
            case
                when distinct_profile_k.a_max = 0 then 0
                else cast(floor(
                    (
                        distinct_profile_k.k * distinct_profile_k.a_max
                            / (distinct_profile_k.n - distinct_profile_k.c)
                        + draw_spread(
                            distinct_profile_k.n - distinct_profile_k.c,
                            least(
                                distinct_profile_k.k,
                                (distinct_profile_k.n - distinct_profile_k.c) // 2
                            )
                        )
                    )
                    / (1 + distinct_profile_k.a_max / (distinct_profile_k.n - distinct_profile_k.c))
                    + 1e-9
                ) as bigint)
            end
        ) as t_max
    from distinct_profile_k
),

-- lost: at the highest t of the correct count's window (up to T) the largest other class
-- outnumbers it but for 1e-16 (its window lies above t); then it does at every lower t too
-- (fewer correct votes, more draws left for the class), so no t up to T wins
profile_bounds as (
    select
        profile_k.*,
        draw_window_low(profile_k.n, profile_k.c, profile_k.k) as t_low,
        draw_window_high(profile_k.n, profile_k.c, profile_k.k) as t_high,
        case
            -- (no t >= 1 up to T: nothing to lose; the other k - t draws must fit in n - c)
            when tops.t_top < 1 or profile_k.k - tops.t_top > profile_k.n - profile_k.c then false
            else draw_window_low(
                profile_k.n - profile_k.c, profiles.others[1], profile_k.k - tops.t_top
            ) > tops.t_top
        end as lost,
        len(profiles.others) = 1 as one_class
    from profile_k
    inner join profiles on profiles.profile_id = profile_k.profile_id
    cross join lateral (
        select least(
            profile_k.t_max, draw_window_high(profile_k.n, profile_k.c, profile_k.k)
        ) as t_top
    ) as tops
),

profile_classes as (
    select
        profiles.profile_id,
        classes.class_no,
        profiles.others[classes.class_no] as a
    from profiles
    cross join lateral (
        select unnest(range(1, len(profiles.others) + 1)) as class_no
    ) as classes
),

-- the counts t <= T of correct votes within their window, with P(t); none where the profile
-- is lost over the whole window (maj@k = 0 there)
correct_counts as (
    select
        profile_bounds.profile_id,
        profile_bounds.k,
        profile_bounds.n,
        profile_bounds.c,
        profile_bounds.lost,
        counts.t,
        hypergeometric_pmf(profile_bounds.n, profile_bounds.c, profile_bounds.k, counts.t) as p_t
    from profile_bounds
    cross join lateral (
        select unnest(range(
            profile_bounds.t_low, least(profile_bounds.t_max, profile_bounds.t_high) + 1
        )) as t
    ) as counts
    where not (profile_bounds.lost and profile_bounds.t_max >= profile_bounds.t_high)
        and not profile_bounds.one_class
),

-- the classes that can reach t (a >= t; t <= k - t holds as t <= T), for each t that weighs:
-- the count x of such a class given t is hypergeometric, k - t draws from the n - c others;
-- `pooled`: P(x >= t) < 1e-16, `beats`: P(x <= t) < 1e-16, bounded through P(x = t) and the
-- mode (the pmf is unimodal); x_low: the low end of its window
reaching_classes as (
    select
        correct_counts.profile_id,
        correct_counts.k,
        correct_counts.t,
        profile_classes.class_no,
        profile_classes.a,
        correct_counts.n - correct_counts.c as n_others,
        draw_window_low(
            correct_counts.n - correct_counts.c, profile_classes.a,
            correct_counts.k - correct_counts.t
        ) as x_low,
        draw_window_high(
            correct_counts.n - correct_counts.c, profile_classes.a,
            correct_counts.k - correct_counts.t
        ) as x_high,
        floor(
            (correct_counts.k - correct_counts.t + 1) * (profile_classes.a + 1)
            / (correct_counts.n - correct_counts.c + 2)
        ) as mode
    from correct_counts
    inner join profile_classes
        on profile_classes.profile_id = correct_counts.profile_id
        and profile_classes.a >= correct_counts.t
    where correct_counts.t >= 1 and correct_counts.p_t >= 1e-18 and not correct_counts.lost
),

-- a window that lies below t (above t) settles it with no probability computed; else P(x = t)
classified as (
    select
        reaching_classes.*,
        reaching_classes.x_high < reaching_classes.t
            or coalesce(
                reaching_classes.t > reaching_classes.mode
                and (least(reaching_classes.a, reaching_classes.k - reaching_classes.t)
                    - reaching_classes.t + 1) * tie_chances.p_tie < 1e-16,
                false
            ) as pooled,
        reaching_classes.x_low > reaching_classes.t
            or coalesce(
                reaching_classes.t < reaching_classes.mode
                and (reaching_classes.t + 1) * tie_chances.p_tie < 1e-16,
                false
            ) as beats
    from reaching_classes
    cross join lateral (
        select case
            when reaching_classes.x_low <= reaching_classes.t
                and reaching_classes.t <= reaching_classes.x_high
                then hypergeometric_pmf(
                    reaching_classes.n_others, reaching_classes.a,
                    reaching_classes.k - reaching_classes.t, reaching_classes.t
                )
        end as p_tie
    ) as tie_chances
),

-- per t that weighs: lost (a class beats the correct one), or the classes that compete
t_outcomes as (
    select
        correct_counts.profile_id,
        correct_counts.k,
        correct_counts.t,
        correct_counts.n,
        correct_counts.c,
        coalesce(bool_or(classified.beats), false) as beaten,
        count(classified.class_no) filter (where not classified.pooled) as competitors,
        coalesce(sum(classified.a) filter (where not classified.pooled), 0) as competing_samples
    from correct_counts
    left join classified
        on classified.profile_id = correct_counts.profile_id
        and classified.k = correct_counts.k
        and classified.t = correct_counts.t
    where correct_counts.t >= 1 and correct_counts.p_t >= 1e-18 and not correct_counts.lost
    group by
        correct_counts.profile_id,
        correct_counts.k,
        correct_counts.t,
        correct_counts.n,
        correct_counts.c
),

-- the steps of the dynamic program: one per competing class, except at t = 1, where the
-- classes of one size (and window) are one step of mu classes
program_steps as (
    select
        classified.profile_id,
        classified.k,
        classified.t,
        classified.a,
        classified.x_low,
        count(*)::bigint as mu,
        row_number() over (
            partition by classified.profile_id, classified.k, classified.t
            order by classified.a, min(classified.class_no)
        ) as step
    from classified
    inner join t_outcomes
        on t_outcomes.profile_id = classified.profile_id
        and t_outcomes.k = classified.k
        and t_outcomes.t = classified.t
        and not t_outcomes.beaten
    where not classified.pooled
    group by
        classified.profile_id,
        classified.k,
        classified.t,
        classified.a,
        classified.x_low,
        -- at t > 1 every class is its own step
        case when classified.t = 1 then 0 else classified.class_no end
),

-- what each step adds: x votes (and a tie when x = t) with weight Bin(a, p; x), p = (k - t) /
-- (n - c); at t = 1 a step of mu classes adds y votes and y ties with weight
-- C(mu, y) Bin(a, p; 0)^(mu - y) Bin(a, p; 1)^y (x_low = 1: every one of them votes, y = mu).
-- Values of weight under 1e-18 are left out.
step_values as (
    select
        program_steps.profile_id,
        program_steps.k,
        program_steps.t,
        program_steps.step,
        added.x,
        case
            when program_steps.t = 1 then added.x
            else (added.x = program_steps.t)::bigint
        end as ties,
        case
            when program_steps.mu = 1 then binomial_pmf(program_steps.a, added.p, added.x)
            when program_steps.x_low >= 1 then pow(
                binomial_pmf(program_steps.a, added.p, 1), program_steps.mu
            )
            else exp(
                log_choose(program_steps.mu, added.x)
                + (program_steps.mu - added.x) * ln(binomial_pmf(program_steps.a, added.p, 0))
                + added.x * ln(binomial_pmf(program_steps.a, added.p, 1))
            )
        end as weight
    from program_steps
    inner join t_outcomes
        on t_outcomes.profile_id = program_steps.profile_id
        and t_outcomes.k = program_steps.k
        and t_outcomes.t = program_steps.t
    cross join lateral (
        -- x_low .. t for one class; mu x_low .. mu for mu classes at t = 1
        select
            unnest(range(
                program_steps.mu * program_steps.x_low, program_steps.mu * program_steps.t + 1
            )) as x,
            (program_steps.k - program_steps.t)::double / (t_outcomes.n - t_outcomes.c) as p
    ) as added
    where added.x <= program_steps.k - program_steps.t
),

kept_values as (
    select * from step_values where step_values.weight >= 1e-18
),

last_steps as (
    select
        program_steps.profile_id,
        program_steps.k,
        program_steps.t,
        max(program_steps.step) as steps
    from program_steps
    group by program_steps.profile_id, program_steps.k, program_steps.t
),

-- the dynamic program, where two or more classes compete at t: after each step, the weight of
-- every (votes s, ties m); s never passes k - t (the other draws), and a state of weight
-- under 1e-20 is dropped. It starts from the first step's values.
votes as (
    select
        kept_values.profile_id,
        kept_values.k,
        kept_values.t,
        kept_values.step,
        kept_values.x as s,
        kept_values.ties as m,
        kept_values.weight
    from kept_values
    inner join last_steps
        on last_steps.profile_id = kept_values.profile_id
        and last_steps.k = kept_values.k
        and last_steps.t = kept_values.t
        and last_steps.steps >= 2
    where kept_values.step = 1
    union all
    select
        votes.profile_id,
        votes.k,
        votes.t,
        votes.step + 1 as step,
        votes.s + kept_values.x as s,
        votes.m + kept_values.ties as m,
        sum(votes.weight * kept_values.weight) as weight
    from votes
    inner join kept_values
        on kept_values.profile_id = votes.profile_id
        and kept_values.k = votes.k
        and kept_values.t = votes.t
        and kept_values.step = votes.step + 1
    where votes.s + kept_values.x <= votes.k - votes.t
    group by
        votes.profile_id,
        votes.k,
        votes.t,
        votes.step + 1,
        votes.s + kept_values.x,
        votes.m + kept_values.ties
    having sum(votes.weight * kept_values.weight) >= 1e-20
),

-- the (s, m) weights after the last step: one competing class needs no program
final_states as (
    select
        kept_values.profile_id,
        kept_values.k,
        kept_values.t,
        kept_values.x as s,
        kept_values.ties as m,
        kept_values.weight
    from kept_values
    inner join last_steps
        on last_steps.profile_id = kept_values.profile_id
        and last_steps.k = kept_values.k
        and last_steps.t = kept_values.t
        and last_steps.steps = 1
    union all
    select
        votes.profile_id,
        votes.k,
        votes.t,
        votes.s,
        votes.m,
        votes.weight
    from votes
    inner join last_steps
        on last_steps.profile_id = votes.profile_id
        and last_steps.k = votes.k
        and last_steps.t = votes.t
        and last_steps.steps = votes.step
    where last_steps.steps >= 2
),

-- Q_t: the last step's states, the pool drawing the rest, each tie shared
t_wins as (
    select
        t_outcomes.profile_id,
        t_outcomes.k,
        t_outcomes.t,
        case
            when t_outcomes.beaten then 0.0
            when t_outcomes.competitors = 0 then 1.0
            else coalesce(sum(
                final_states.weight
                * binomial_pmf(
                    t_outcomes.n - t_outcomes.c - t_outcomes.competing_samples,
                    (t_outcomes.k - t_outcomes.t)::double / (t_outcomes.n - t_outcomes.c),
                    t_outcomes.k - t_outcomes.t - final_states.s
                )
                / (1 + final_states.m)
            ), 0.0) / binomial_pmf(
                t_outcomes.n - t_outcomes.c,
                (t_outcomes.k - t_outcomes.t)::double / (t_outcomes.n - t_outcomes.c),
                t_outcomes.k - t_outcomes.t
            )
        end as q_t
    from t_outcomes
    left join final_states
        on final_states.profile_id = t_outcomes.profile_id
        and final_states.k = t_outcomes.k
        and final_states.t = t_outcomes.t
    group by
        t_outcomes.profile_id,
        t_outcomes.k,
        t_outcomes.t,
        t_outcomes.n,
        t_outcomes.c,
        t_outcomes.beaten,
        t_outcomes.competitors,
        t_outcomes.competing_samples
),

-- One other class of a samples (b abstaining, N = a + b = n - c): Q_t = F(t - 1) + f(t) / 2,
-- F and f the CDF and pmf of X_K ~ Hypergeometric(N, a, K) at K = k - t draws. Drawing one
-- more sample adds a vote to the class with chance (a - x) / (N - K) when X_K = x, so
--     F_{K-1}(x) = F_K(x) + f_{K-1}(x) (a - x) / (N - K + 1),
-- and A_t = F_{k-t}(t - 1) follows from t to t + 1 by closed-form terms:
--     A_{t+1} = A_t + f_{k-t}(t) + f_{k-t-1}(t) (a - t) / (N - k + t + 1).
-- It starts at t0 = max(0, k - N), exactly: A_0 = F_k(-1) = 0, and at t0 = k - N > 0 every
-- other sample is drawn (X = a), so A_{t0} = 1 if a < t0 else 0. So Q_t costs one row per t
-- instead of a program over x, and the sums over t run from t0 to T with nothing left out.
one_class_counts as (
    select
        profile_bounds.profile_id,
        profile_bounds.k,
        counts.t,
        hypergeometric_pmf(profile_bounds.n, profile_bounds.c, profile_bounds.k, counts.t) as p_t,
        hypergeometric_pmf(
            profile_bounds.n - profile_bounds.c, profiles.others[1], profile_bounds.k - counts.t,
            counts.t
        ) as tie,
        hypergeometric_pmf(
            profile_bounds.n - profile_bounds.c, profiles.others[1], profile_bounds.k - counts.t,
            counts.t
        ) + hypergeometric_pmf(
            profile_bounds.n - profile_bounds.c, profiles.others[1],
            profile_bounds.k - counts.t - 1, counts.t
        ) * (profiles.others[1] - counts.t)
            / (profile_bounds.n - profile_bounds.c - profile_bounds.k + counts.t + 1) as step_up,
        (profiles.others[1] < counts.t0)::double as a_start
    from profile_bounds
    inner join profiles on profiles.profile_id = profile_bounds.profile_id
    cross join lateral (
        select
            unnest(range(
                greatest(0, profile_bounds.k - (profile_bounds.n - profile_bounds.c)),
                profile_bounds.t_max + 1
            )) as t,
            greatest(0, profile_bounds.k - (profile_bounds.n - profile_bounds.c)) as t0
    ) as counts
    where profile_bounds.one_class
        and not (profile_bounds.lost and profile_bounds.t_max >= profile_bounds.t_high)
),

one_class_q as (
    select
        one_class_counts.*,
        one_class_counts.a_start + coalesce(
            sum(one_class_counts.step_up) over (
                partition by one_class_counts.profile_id, one_class_counts.k
                order by one_class_counts.t
                rows between unbounded preceding and 1 preceding
            ),
            0.0
        ) + one_class_counts.tie / 2 as q_t
    from one_class_counts
),

-- maj@k = 1 - sum_{t <= T} P(t) + sum_{1 <= t <= T} P(t) Q_t; a t that weighs under 1e-18
-- counts as won (Q_t = 1), t = 0 never wins
general_maj as (
    select
        correct_counts.profile_id,
        correct_counts.k,
        1.0 - sum(correct_counts.p_t) + sum(
            correct_counts.p_t * case
                when correct_counts.t = 0 or correct_counts.lost then 0.0
                when correct_counts.p_t < 1e-18 then 1.0
                else t_wins.q_t
            end
        ) as maj_at_k
    from correct_counts
    left join t_wins
        on t_wins.profile_id = correct_counts.profile_id
        and t_wins.k = correct_counts.k
        and t_wins.t = correct_counts.t
    group by correct_counts.profile_id, correct_counts.k
),

profile_maj as (
    select * from general_maj
    union all
    select
        one_class_q.profile_id,
        one_class_q.k,
        1.0 - sum(one_class_q.p_t)
            + sum(case when one_class_q.t >= 1 then one_class_q.p_t * one_class_q.q_t else 0.0 end)
            as maj_at_k
    from one_class_q
    group by one_class_q.profile_id, one_class_q.k
),

computed as (
    select
        problem_k.model,
        problem_k.benchmark,
        problem_k.problem_id,
        profiles.n,
        problem_k.k,
        -- a profile without a correct class never wins, nor one lost over its whole window;
        -- one whose window holds no t <= T always wins
        case
            when profiles.c = 0 then 0.0
            when profile_bounds.lost and profile_bounds.t_max >= profile_bounds.t_high then 0.0
            else coalesce(profile_maj.maj_at_k, 1.0)
        end as maj_at_k
    from problem_k
    inner join profiles on profiles.profile_id = problem_k.profile_id
    left join profile_bounds
        on profile_bounds.profile_id = problem_k.profile_id
        and profile_bounds.k = problem_k.k
    left join profile_maj
        on profile_maj.profile_id = problem_k.profile_id
        and profile_maj.k = problem_k.k
)

select * from cached
union all
select * from computed;

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
