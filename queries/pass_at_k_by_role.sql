-- pass_at_k_by_role: pass@k curves of every model with its role (base, instruct, rl,
-- distilled) and family, for one chart of all of them styled by role (the paper's Figure 7:
-- does distillation, unlike RL, move the curve above the base model's at large k?).
--
-- Output: model, role, family, benchmark, k, pass_at_k, problems
--   k runs over 1, 2, 4, ... up to the smallest n of any problem of the (model, benchmark),
--   plus that smallest n itself: the k grid of pass_at_k.sql (without extra ks), and the same
--   estimator, so pass_at_k here equals pass_at_k there. role and family (the tag) come from
--   the model's latest `models` row; null for a model without one.
--
-- Parameters:
--   benchmark  only this benchmark   (default: all)
--   role       only models of this role (default: all)

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
problem_outcomes as (
    select
        problem_outcomes.model,
        problem_outcomes.benchmark,
        problem_outcomes.problem_id,
        problem_outcomes.n,
        problem_outcomes.c
    from problem_outcomes
    where getvariable('benchmark') is null
        or problem_outcomes.benchmark = getvariable('benchmark')
),

-- one row per model, from its latest run (views.sql)
latest_models as (
    select
        latest_models.model,
        latest_models.role,
        json_extract_string(latest_models.tags, '$.family') as family
    from latest_models
),

per_cell as (
    select
        problem_outcomes.model,
        problem_outcomes.benchmark,
        min(problem_outcomes.n) as max_k
    from problem_outcomes
    group by problem_outcomes.model, problem_outcomes.benchmark
),

-- powers of two up to the smallest n, and the smallest n itself
k_grid as (
    select
        per_cell.model,
        per_cell.benchmark,
        cast(2 ** powers.i as bigint) as k
    from per_cell
    inner join range(0, 41) as powers(i)
        on cast(2 ** powers.i as bigint) <= per_cell.max_k
    union
    select
        per_cell.model,
        per_cell.benchmark,
        per_cell.max_k as k
    from per_cell
),

-- the unbiased estimator of Chen et al. 2021 (pass_at_k_estimate in views.sql), averaged
-- over problems
per_k as (
    select
        k_grid.model,
        k_grid.benchmark,
        k_grid.k,
        avg(pass_at_k_estimate(problem_outcomes.n, problem_outcomes.c, k_grid.k)) as pass_at_k,
        count(*) as problems
    from k_grid
    inner join problem_outcomes
        on problem_outcomes.model = k_grid.model
        and problem_outcomes.benchmark = k_grid.benchmark
    group by k_grid.model, k_grid.benchmark, k_grid.k
),

final as (
    select
        per_k.model,
        latest_models.role,
        latest_models.family,
        per_k.benchmark,
        per_k.k,
        per_k.pass_at_k,
        per_k.problems
    from per_k
    left join latest_models
        on latest_models.model = per_k.model
    where getvariable('role') is null or latest_models.role = getvariable('role')
    order by per_k.model, per_k.benchmark, per_k.k
)

select * from final
