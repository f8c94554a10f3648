-- training_curve: pass@1 and pass@K of each checkpoint of a training run, per step, beside
-- its base model's pass@K (the paper's Figure 8, bottom, and Table 4): does RL training move
-- pass@1 up while pass@K at large K stays at, or falls below, the base model's?
--
-- Output: benchmark, series, step, model, role, k, problems, pass_at_1, pass_at_k,
--         base_model, base_pass_at_1, base_pass_at_k
--   A checkpoint is any model whose tags carry an integer `step` (a checkpoint series in the
--   spec tags each of its models with `series` and `step`). series = its tag `series`, else
--   its tag `algorithm`, else the model's name.
--   Each checkpoint is paired with every model of role `base_role` of the same `family` tag
--   (a model without a family tag pairs with every base model) and measured on the problems
--   both attempted; without a base model, on all its problems, and base_* are null.
--   k = `k` if given, else the largest k that every checkpoint of the series and its base
--   model allow on the benchmark (the smallest n among them), so one K holds along a curve.
--   pass_at_k / base_pass_at_k are null where some problem has fewer than k samples.
--   Roles and tags come from each model's latest `models` row.
--
-- Parameters:
--   series     only this series                      (default: all)
--   benchmark  only this benchmark                   (default: all)
--   k          the K of pass@K                        (default: the largest the samples allow)
--   base_role  role of the reference models          (default: 'base')

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

-- the models with a step tag (model_tags in views.sql: one row per model, from its latest
-- run, with its tags)
checkpoints as (
    select
        model_tags.model,
        model_tags.role,
        model_tags.step,
        model_tags.series
    from model_tags
    where model_tags.step is not null
        and allows(getvariable('series'), model_tags.series)
),

-- each checkpoint with each base model of its family (family_bases in views.sql), or none:
-- base_model null
model_pairs as (
    select
        checkpoints.model,
        checkpoints.role,
        checkpoints.step,
        checkpoints.series,
        family_bases.base_model
    from checkpoints
    left join family_bases(coalesce(getvariable('base_role'), 'base')) as family_bases
        on family_bases.model = checkpoints.model
),

-- one row per problem the checkpoint attempted (and its base model too, when it has one)
paired_problems as (
    select
        checkpoint.benchmark,
        model_pairs.series,
        model_pairs.step,
        model_pairs.model,
        model_pairs.role,
        model_pairs.base_model,
        checkpoint.problem_id,
        checkpoint.n,
        checkpoint.c,
        base.n as base_n,
        base.c as base_c
    from model_pairs
    inner join selected_outcomes as checkpoint
        on checkpoint.model = model_pairs.model
    left join selected_outcomes as base
        on base.model = model_pairs.base_model
        and base.benchmark = checkpoint.benchmark
        and base.problem_id = checkpoint.problem_id
    where model_pairs.base_model is null or base.problem_id is not null
),

-- K: the given k, else the smallest n of the series' checkpoints and their base model on the
-- benchmark (every problem of every point of the curve then has at least K samples)
largest_k as (
    select
        paired_problems.benchmark,
        paired_problems.series,
        paired_problems.base_model,
        coalesce(
            cast(getvariable('k') as bigint),
            least(min(paired_problems.n), coalesce(min(paired_problems.base_n), min(paired_problems.n)))
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
            as base_pass_at_k
    from paired_problems
    inner join largest_k
        on largest_k.benchmark = paired_problems.benchmark
        and largest_k.series = paired_problems.series
        and largest_k.base_model is not distinct from paired_problems.base_model
),

final as (
    select
        per_problem_pass.benchmark,
        per_problem_pass.series,
        per_problem_pass.step,
        per_problem_pass.model,
        per_problem_pass.role,
        per_problem_pass.k,
        count(*) as problems,
        avg(per_problem_pass.pass_at_1) as pass_at_1,
        -- a mean over every problem or none: null when some problem lacks k samples
        mean_over_all(per_problem_pass.pass_at_k) as pass_at_k,
        per_problem_pass.base_model,
        avg(per_problem_pass.base_pass_at_1) as base_pass_at_1,
        mean_over_all(per_problem_pass.base_pass_at_k) as base_pass_at_k
    from per_problem_pass
    group by all
    order by
        per_problem_pass.benchmark,
        per_problem_pass.series,
        per_problem_pass.base_model,
        per_problem_pass.step,
        per_problem_pass.model
)

select * from final
