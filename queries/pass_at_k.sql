-- pass_at_k: the reasoning-boundary curve, pass@k for k = 1, 2, 4, ... per model and benchmark.
--
-- Output: model, benchmark, k, pass_at_k, problems, ci_low, ci_high, guess_only_problems
--   k runs over 1, 2, 4, ... up to the smallest n of any problem of the (model, benchmark),
--   plus that smallest n itself, plus every k of `ks` that is not above it.
--   ci_low / ci_high are null unless `ci` is set.
--   guess_only_problems: problems that count as solved only thanks to samples a person
--   labelled 'guess' (`boundary label`): with `--param exclude=guess` they are unsolved.
--
-- Parameters (`set variable NAME = value;` before `.read`, or `--param NAME=value`):
--   ks         extra k values, a list of integers, e.g. [3, 10, 100]   (default: none)
--   model      only this model                                          (default: all)
--   benchmark  only this benchmark                                      (default: all)
--   ci         confidence level of a percentile bootstrap over problems, e.g. 0.95
--              (default: none, no interval). With 30 AIME problems two crossing curves can
--              be noise: the interval says how much.
--   bootstrap  resamples for the interval                               (default: 1000)
--   seed       seed of the resampling; the same seed gives the same interval (default: 0)
--   correct, exclude, answers: what counts as correct (views.sql, problem_outcomes)

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('model'), problem_outcomes.model)
        and allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

per_cell as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        min(selected_outcomes.n) as max_k,
        count(*) as problems,
        count(*) filter (where selected_outcomes.guess_only) as guess_only_problems
    from selected_outcomes
    group by selected_outcomes.model, selected_outcomes.benchmark
),

-- the k of each (model, benchmark): 1, 2, 4, ... up to max_k, max_k itself, and every k of
-- `ks` that is not above it (k_grid in views.sql)
k_values as (
    select
        per_cell.model,
        per_cell.benchmark,
        cell_k.k
    from per_cell
    cross join lateral k_grid(per_cell.max_k, getvariable('ks')) as cell_k
),

-- pass@k of each problem at each k of its (model, benchmark): the unbiased estimator of
-- Chen et al. 2021, pass_at_k_estimate in views.sql
per_problem_k as (
    select
        k_values.model,
        k_values.benchmark,
        k_values.k,
        selected_outcomes.problem_id,
        pass_at_k_estimate(selected_outcomes.n, selected_outcomes.c, k_values.k) as pass_at_k
    from k_values
    inner join selected_outcomes
        on selected_outcomes.model = k_values.model
        and selected_outcomes.benchmark = k_values.benchmark
),

point_estimate as (
    select
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.k,
        avg(per_problem_k.pass_at_k) as pass_at_k,
        count(*) as problems
    from per_problem_k
    group by per_problem_k.model, per_problem_k.benchmark, per_problem_k.k
),

-- Percentile bootstrap over problems (the unit the benchmark samples), only when `ci` is set.
-- Problems are numbered 0 .. m - 1 within their (model, benchmark); resample b draws m of
-- them with replacement, draw j taking number hash(seed, b, j, model, benchmark) mod m:
-- reproducible for a fixed seed, whatever the thread count. Cost grows as
-- bootstrap x problems x k values.
numbered_problems as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        selected_outcomes.problem_id,
        row_number() over (
            partition by selected_outcomes.model, selected_outcomes.benchmark
            order by selected_outcomes.problem_id
        ) - 1 as problem_no
    from selected_outcomes
),

draws as (
    select
        per_cell.model,
        per_cell.benchmark,
        per_cell.problems,
        resamples.b,
        unnest(range(per_cell.problems)) as j
    from per_cell
    cross join bootstrap_resamples(getvariable('ci'), getvariable('bootstrap')) as resamples
),

draw_counts as (
    select
        draws.model,
        draws.benchmark,
        draws.b,
        -- the seed is cast so that `set variable seed = 0` (an integer) and 0 as a bigint
        -- hash alike
        hash(cast(coalesce(getvariable('seed'), 0) as bigint), draws.b, draws.j, draws.model, draws.benchmark)
            % draws.problems as problem_no,
        count(*) as times_drawn
    from draws
    group by all
),

resample_means as (
    select
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.k,
        draw_counts.b,
        sum(draw_counts.times_drawn * per_problem_k.pass_at_k)
            / sum(draw_counts.times_drawn) as pass_at_k
    from draw_counts
    inner join numbered_problems
        on numbered_problems.model = draw_counts.model
        and numbered_problems.benchmark = draw_counts.benchmark
        and numbered_problems.problem_no = draw_counts.problem_no
    inner join per_problem_k
        on per_problem_k.model = numbered_problems.model
        and per_problem_k.benchmark = numbered_problems.benchmark
        and per_problem_k.problem_id = numbered_problems.problem_id
    group by all
),

-- the interval holds the central `ci` share of the resample means (interval_low and
-- interval_high in views.sql)
intervals as (
    select
        resample_means.model,
        resample_means.benchmark,
        resample_means.k,
        interval_low(resample_means.pass_at_k, getvariable('ci')) as ci_low,
        interval_high(resample_means.pass_at_k, getvariable('ci')) as ci_high
    from resample_means
    group by resample_means.model, resample_means.benchmark, resample_means.k
),

final as (
    select
        point_estimate.model,
        point_estimate.benchmark,
        point_estimate.k,
        point_estimate.pass_at_k,
        point_estimate.problems,
        intervals.ci_low,
        intervals.ci_high,
        per_cell.guess_only_problems
    from point_estimate
    inner join per_cell
        on per_cell.model = point_estimate.model
        and per_cell.benchmark = point_estimate.benchmark
    left join intervals
        on intervals.model = point_estimate.model
        and intervals.benchmark = point_estimate.benchmark
        and intervals.k = point_estimate.k
    order by point_estimate.model, point_estimate.benchmark, point_estimate.k
)

select * from final
