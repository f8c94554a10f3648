-- pass_hat_k: pass^k per model and benchmark, on pass_at_k's k grid: the chance that k
-- samples drawn without replacement are ALL correct — how reliably a model solves what it
-- solves, where pass@k says whether it solves it at all.
--
-- Output: model, benchmark, k, pass_hat_k
--   pass^k = mean over problems of C(c, k) / C(n, k)
--   (Yao et al. 2024, "tau-bench", pass^k; Inspect's pass^k reducer; the G-Pass@k at
--   tau = 1 of Liu et al. 2024). pass_hat_k_estimate in views.sql; pass^1 = pass@1 = c/n.
--   k runs over pass_at_k's grid: 1, 2, 4, ... up to the smallest n of the (model,
--   benchmark), that smallest n itself, and every k of `ks` that is not above it.
--
-- Parameters:
--   ks         extra k values, a list of integers, e.g. [3, 10, 100]   (default: none)
--   model      only this model                                          (default: all)
--   benchmark  only this benchmark                                      (default: all)
--   correct, exclude, answers: what counts as correct (views.sql, problem_outcomes)
--
-- Checked against every k-subset of small matrices: tests/queries/test_estimators.py.

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
selected_outcomes as (
    select
        problem_outcomes.model,
        problem_outcomes.benchmark,
        problem_outcomes.problem_id,
        problem_outcomes.n,
        problem_outcomes.c
    from problem_outcomes
    where (getvariable('model') is null or problem_outcomes.model = getvariable('model'))
        and (
            getvariable('benchmark') is null
            or problem_outcomes.benchmark = getvariable('benchmark')
        )
),

per_cell as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        min(selected_outcomes.n) as max_k
    from selected_outcomes
    group by selected_outcomes.model, selected_outcomes.benchmark
),

-- the k of each (model, benchmark), as in pass_at_k (k_grid in views.sql)
k_values as (
    select
        per_cell.model,
        per_cell.benchmark,
        cell_k.k
    from per_cell
    cross join lateral k_grid(per_cell.max_k, getvariable('ks')) as cell_k
),

per_problem_k as (
    select
        k_values.model,
        k_values.benchmark,
        k_values.k,
        pass_hat_k_estimate(selected_outcomes.n, selected_outcomes.c, k_values.k) as pass_hat_k
    from k_values
    inner join selected_outcomes
        on selected_outcomes.model = k_values.model
        and selected_outcomes.benchmark = k_values.benchmark
),

final as (
    select
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.k,
        avg(per_problem_k.pass_hat_k) as pass_hat_k
    from per_problem_k
    group by per_problem_k.model, per_problem_k.benchmark, per_problem_k.k
    order by per_problem_k.model, per_problem_k.benchmark, per_problem_k.k
)

select * from final
