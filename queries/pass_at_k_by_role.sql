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
selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

per_cell as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        min(selected_outcomes.n) as max_k
    from selected_outcomes
    group by selected_outcomes.model, selected_outcomes.benchmark
),

-- the k of each (model, benchmark): 1, 2, 4, ... up to the smallest n, and the smallest n
-- itself (k_grid in views.sql)
k_values as (
    select
        per_cell.model,
        per_cell.benchmark,
        cell_k.k
    from per_cell
    cross join lateral k_grid(per_cell.max_k, null) as cell_k
),

-- the unbiased estimator of Chen et al. 2021 (pass_at_k_estimate in views.sql), averaged
-- over problems
per_k as (
    select
        k_values.model,
        k_values.benchmark,
        k_values.k,
        avg(pass_at_k_estimate(selected_outcomes.n, selected_outcomes.c, k_values.k)) as pass_at_k,
        count(*) as problems
    from k_values
    inner join selected_outcomes
        on selected_outcomes.model = k_values.model
        and selected_outcomes.benchmark = k_values.benchmark
    group by k_values.model, k_values.benchmark, k_values.k
),

final as (
    select
        per_k.model,
        model_tags.role,
        model_tags.family,
        per_k.benchmark,
        per_k.k,
        per_k.pass_at_k,
        per_k.problems
    from per_k
    -- one row per model, from its latest run, with its tags (views.sql)
    left join model_tags
        on model_tags.model = per_k.model
    where allows(getvariable('role'), model_tags.role)
    order by per_k.model, per_k.benchmark, per_k.k
)

select * from final
