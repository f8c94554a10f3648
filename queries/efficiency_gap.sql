-- efficiency_gap: how far an RL-trained model's pass@1 stays below its base model's
-- boundary, per benchmark (the paper's Figure 8): gap = base pass@K - RL pass@1, at the
-- largest K the base model's samples allow. A gap that shrinks across RL steps or algorithms
-- means sampling efficiency improved; the paper finds it stays large.
--
-- Output: benchmark, base_model, rl_model, rl_tags, tag_value, k, problems, base_pass_at_k,
--         rl_pass_at_1, rl_pass_at_k, gap
--   Every model whose role is `base_role` is paired with every model whose role is `rl_role`,
--   on the problems both attempted. k = the base model's smallest n on those problems.
--   rl_tags = the RL model's tags (JSON); tag_value = its tag named `tag` (e.g. step), to
--   tabulate the gap across training steps or algorithms. Roles and tags come from each
--   model's latest `models` row.
--
-- Parameters:
--   base_role  role of the reference models (default: 'base')
--   rl_role    role of the compared models  (default: 'rl'; 'distilled' also makes sense)
--   tag        which tag to show as tag_value (default: 'step')
--   benchmark  only this benchmark (default: all)

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

-- every base model with every RL model (model_tags in views.sql: one row per model, from its
-- latest run, with its role and tags)
model_pairs as (
    select
        base.model as base_model,
        rl.model as rl_model,
        rl.tags as rl_tags
    from model_tags as base
    inner join model_tags as rl
        on base.role = coalesce(getvariable('base_role'), 'base')
        and rl.role = coalesce(getvariable('rl_role'), 'rl')
        and base.model <> rl.model
),

paired_problems as (
    select
        base.benchmark,
        model_pairs.base_model,
        model_pairs.rl_model,
        base.problem_id,
        base.n as base_n,
        base.c as base_c,
        rl.n as rl_n,
        rl.c as rl_c
    from model_pairs
    inner join selected_outcomes as base
        on base.model = model_pairs.base_model
    inner join selected_outcomes as rl
        on rl.model = model_pairs.rl_model
        and rl.benchmark = base.benchmark
        and rl.problem_id = base.problem_id
),

-- K: the largest k every shared problem of the base model supports
largest_k as (
    select
        paired_problems.benchmark,
        paired_problems.base_model,
        paired_problems.rl_model,
        min(paired_problems.base_n) as k
    from paired_problems
    group by all
),

-- pass@k by the unbiased estimator of Chen et al. 2021 (pass_at_k_estimate in views.sql);
-- at k = 1 it is c / n
per_problem_pass as (
    select
        paired_problems.benchmark,
        paired_problems.base_model,
        paired_problems.rl_model,
        largest_k.k,
        pass_at_k_estimate(paired_problems.base_n, paired_problems.base_c, largest_k.k)
            as base_pass_at_k,
        paired_problems.rl_c / paired_problems.rl_n as rl_pass_at_1,
        -- null when the RL model has too few samples for this k
        pass_at_k_or_null(paired_problems.rl_n, paired_problems.rl_c, largest_k.k) as rl_pass_at_k
    from paired_problems
    inner join largest_k
        on largest_k.benchmark = paired_problems.benchmark
        and largest_k.base_model = paired_problems.base_model
        and largest_k.rl_model = paired_problems.rl_model
),

per_pair as (
    select
        per_problem_pass.benchmark,
        per_problem_pass.base_model,
        per_problem_pass.rl_model,
        per_problem_pass.k,
        count(*) as problems,
        avg(per_problem_pass.base_pass_at_k) as base_pass_at_k,
        avg(per_problem_pass.rl_pass_at_1) as rl_pass_at_1,
        -- null unless the RL model has k samples on every shared problem
        mean_over_all(per_problem_pass.rl_pass_at_k) as rl_pass_at_k
    from per_problem_pass
    group by all
),

final as (
    select
        per_pair.benchmark,
        per_pair.base_model,
        per_pair.rl_model,
        model_pairs.rl_tags,
        json_extract_string(
            model_pairs.rl_tags, '$."' || coalesce(getvariable('tag'), 'step') || '"'
        ) as tag_value,
        per_pair.k,
        per_pair.problems,
        per_pair.base_pass_at_k,
        per_pair.rl_pass_at_1,
        per_pair.rl_pass_at_k,
        per_pair.base_pass_at_k - per_pair.rl_pass_at_1 as gap
    from per_pair
    inner join model_pairs
        on model_pairs.base_model = per_pair.base_model
        and model_pairs.rl_model = per_pair.rl_model
    order by per_pair.benchmark, per_pair.base_model, per_pair.rl_model
)

select * from final
