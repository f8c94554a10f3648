-- algorithm_comparison: RL algorithms trained from one base model, side by side (the paper's
-- Figure 8, top, and Table 3): per algorithm its pass@1 and pass@K, the base model's pass@K,
-- and the sampling-efficiency gap  gap = base pass@K - pass@1  (the paper's Delta_SE: how far
-- one sample of the trained model stays below the base model's boundary; lower is better).
--
-- Output: benchmark, algorithm, model, step, base_model, k, problems, pass_at_1, pass_at_k,
--         base_pass_at_1, base_pass_at_k, gap, gap_ci_low, gap_ci_high
--   The compared models have role `rl_role`; algorithm = their tag `algorithm`, else their tag
--   `series`, else the model's name. Per algorithm one model stands: the one tagged with step
--   `step` if given, else the one with the largest step tag (untagged counts as smallest;
--   ties go to the first name). Each is paired with every model of role `base_role` of the
--   same `family` tag (no family tag: every base model), on the problems both attempted.
--   k = `k` if given, else the smallest n among the base model and every compared model on the
--   benchmark: one K per (benchmark, base model), so the algorithms compare at the same K.
--   pass_at_k / base_pass_at_k / gap are null where some problem has fewer than k samples.
--
-- The interval on the gap is PAIRED over problems: a percentile bootstrap that resamples
-- problems, and each drawn problem brings both its base-model and its trained-model outcome
-- (both models resampled together), so what the two share (the problems' difficulty) cancels
-- out of the gap's spread. Resample b draws m problems, draw j taking number
-- hash(seed, b, j, benchmark) mod m: the same draws for every algorithm of a benchmark.
--
-- Parameters:
--   benchmark  only this benchmark                    (default: all)
--   step       compare the checkpoints of this step   (default: each algorithm's last step)
--   k          the K of pass@K                         (default: the largest the samples allow)
--   base_role  role of the reference models           (default: 'base')
--   rl_role    role of the compared models            (default: 'rl')
--   ci         confidence level of the gap's interval, e.g. 0.95 (default: none)
--   bootstrap  resamples for the interval             (default: 1000)
--   seed       seed of the resampling                 (default: 0)

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

-- the one model that stands for each algorithm (model_tags in views.sql: one row per model,
-- from its latest run, with its tags)
compared_models as (
    select
        ranked.model,
        ranked.algorithm,
        ranked.step
    from (
        select
            model_tags.model,
            model_tags.algorithm,
            model_tags.step,
            row_number() over (
                partition by model_tags.algorithm
                order by model_tags.step desc nulls last, model_tags.model
            ) as rank
        from model_tags
        where model_tags.role = coalesce(getvariable('rl_role'), 'rl')
            and allows(getvariable('step'), model_tags.step)
    ) as ranked
    where ranked.rank = 1
),

-- each with every base model of its family (family_bases in views.sql)
model_pairs as (
    select
        compared_models.model,
        compared_models.algorithm,
        compared_models.step,
        family_bases.base_model
    from compared_models
    inner join family_bases(coalesce(getvariable('base_role'), 'base')) as family_bases
        on family_bases.model = compared_models.model
),

-- one row per problem both models attempted
paired_problems as (
    select
        base.benchmark,
        model_pairs.algorithm,
        model_pairs.model,
        model_pairs.step,
        model_pairs.base_model,
        base.problem_id,
        compared.n,
        compared.c,
        base.n as base_n,
        base.c as base_c
    from model_pairs
    inner join selected_outcomes as base
        on base.model = model_pairs.base_model
    inner join selected_outcomes as compared
        on compared.model = model_pairs.model
        and compared.benchmark = base.benchmark
        and compared.problem_id = base.problem_id
),

-- K: the given k, else the smallest n of the base model and every compared model
largest_k as (
    select
        paired_problems.benchmark,
        paired_problems.base_model,
        coalesce(
            cast(getvariable('k') as bigint),
            least(min(paired_problems.n), min(paired_problems.base_n))
        ) as k
    from paired_problems
    group by all
),

-- pass@k by the unbiased estimator of Chen et al. 2021 (pass_at_k_estimate in views.sql); at
-- k = 1 it is c / n. Null where a problem has fewer than k samples (pass_at_k_or_null).
per_problem_pass as (
    select
        paired_problems.*,
        largest_k.k,
        paired_problems.c / paired_problems.n as pass_at_1,
        pass_at_k_or_null(paired_problems.n, paired_problems.c, largest_k.k) as pass_at_k,
        paired_problems.base_c / paired_problems.base_n as base_pass_at_1,
        pass_at_k_or_null(paired_problems.base_n, paired_problems.base_c, largest_k.k)
            as base_pass_at_k,
        row_number() over (
            partition by paired_problems.benchmark, paired_problems.base_model, paired_problems.model
            order by paired_problems.problem_id
        ) - 1 as problem_no
    from paired_problems
    inner join largest_k
        on largest_k.benchmark = paired_problems.benchmark
        and largest_k.base_model = paired_problems.base_model
),

point_estimate as (
    select
        per_problem_pass.benchmark,
        per_problem_pass.algorithm,
        per_problem_pass.model,
        per_problem_pass.step,
        per_problem_pass.base_model,
        per_problem_pass.k,
        count(*) as problems,
        avg(per_problem_pass.pass_at_1) as pass_at_1,
        -- a mean over every problem or none: null when some problem lacks k samples
        mean_over_all(per_problem_pass.pass_at_k) as pass_at_k,
        avg(per_problem_pass.base_pass_at_1) as base_pass_at_1,
        mean_over_all(per_problem_pass.base_pass_at_k) as base_pass_at_k
    from per_problem_pass
    group by all
),

-- the paired bootstrap, only when `ci` is set (see the header; bootstrap_resamples in
-- views.sql)
draws as (
    select
        point_estimate.benchmark,
        point_estimate.base_model,
        point_estimate.model,
        point_estimate.problems,
        resamples.b,
        unnest(range(point_estimate.problems)) as j
    from point_estimate
    cross join bootstrap_resamples(getvariable('ci'), getvariable('bootstrap')) as resamples
    where point_estimate.base_pass_at_k is not null
),

draw_counts as (
    select
        draws.benchmark,
        draws.base_model,
        draws.model,
        draws.b,
        -- the seed is cast so that `set variable seed = 0` (an integer) and 0 as a bigint
        -- hash alike
        hash(cast(coalesce(getvariable('seed'), 0) as bigint), draws.b, draws.j, draws.benchmark)
            % draws.problems as problem_no,
        count(*) as times_drawn
    from draws
    group by all
),

-- one drawn problem carries both models' outcomes: the gap of the resample is the weighted
-- mean of the per-problem gaps
resample_gaps as (
    select
        per_problem_pass.benchmark,
        per_problem_pass.base_model,
        per_problem_pass.model,
        draw_counts.b,
        sum(draw_counts.times_drawn * (per_problem_pass.base_pass_at_k - per_problem_pass.pass_at_1))
            / sum(draw_counts.times_drawn) as gap
    from draw_counts
    inner join per_problem_pass
        on per_problem_pass.benchmark = draw_counts.benchmark
        and per_problem_pass.base_model = draw_counts.base_model
        and per_problem_pass.model = draw_counts.model
        and per_problem_pass.problem_no = draw_counts.problem_no
    group by all
),

-- the interval holds the central `ci` share of the resample gaps (interval_low and
-- interval_high in views.sql)
intervals as (
    select
        resample_gaps.benchmark,
        resample_gaps.base_model,
        resample_gaps.model,
        interval_low(resample_gaps.gap, getvariable('ci')) as gap_ci_low,
        interval_high(resample_gaps.gap, getvariable('ci')) as gap_ci_high
    from resample_gaps
    group by all
),

final as (
    select
        point_estimate.benchmark,
        point_estimate.algorithm,
        point_estimate.model,
        point_estimate.step,
        point_estimate.base_model,
        point_estimate.k,
        point_estimate.problems,
        point_estimate.pass_at_1,
        point_estimate.pass_at_k,
        point_estimate.base_pass_at_1,
        point_estimate.base_pass_at_k,
        point_estimate.base_pass_at_k - point_estimate.pass_at_1 as gap,
        intervals.gap_ci_low,
        intervals.gap_ci_high
    from point_estimate
    left join intervals
        on intervals.benchmark = point_estimate.benchmark
        and intervals.base_model = point_estimate.base_model
        and intervals.model = point_estimate.model
    order by point_estimate.benchmark, point_estimate.base_model, point_estimate.algorithm
)

select * from final
