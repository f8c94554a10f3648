-- mg_pass_at_k: mG-Pass@k per model and benchmark, on pass_at_k's k grid (Liu et al. 2024,
-- OpenCompass and lighteval's mG-Pass@k): G-Pass@k_tau averaged over the strict half of the
-- thresholds, tau in (0.5, 1] — one number for how stably a model solves what it solves.
--
-- Output: model, benchmark, k, mg_pass_at_k
--   mG-Pass@k = (2 / k) sum_{i = ceil(k/2) + 1}^{k} G-Pass@k_{i/k}
--   where G-Pass@k_{i/k} = P(X >= i), X the hypergeometric count of correct samples among k
--   drawn from n (c correct). Summing the tails over i counts each j in max(0, j - ceil(k/2))
--   thresholds, so per problem
--       mG-Pass@k = (2 / k) E[ max(0, X - ceil(k/2)) ]
--   one sum over the counts j, taken over the window of X (draw_window_low .. high in
--   views.sql; what it leaves out weighs 1e-16). At k = 1 the sum over i is empty (0); at
--   k = 2 it is pass^2. Problems with the same (n, c) share one sum per k.
--
-- Parameters:
--   ks         extra k values, a list of integers  (default: none)
--   model      only this model                     (default: all)
--   benchmark  only this benchmark                 (default: all)
--   correct, exclude, answers: what counts as correct (views.sql, problem_outcomes)
--
-- Checked against OpenCompass's and lighteval's formula over scipy.stats.hypergeom:
-- tests/queries/test_estimators.py.

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

-- the problems of each (model, benchmark) counted by (n, c): they share every estimate
outcome_counts as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        selected_outcomes.n,
        selected_outcomes.c,
        count(*) as problems
    from selected_outcomes
    group by all
),

per_problem_k as (
    select
        k_values.model,
        k_values.benchmark,
        k_values.k,
        outcome_counts.n,
        outcome_counts.c,
        outcome_counts.problems
    from k_values
    inner join outcome_counts
        on outcome_counts.model = k_values.model
        and outcome_counts.benchmark = k_values.benchmark
),

distinct_draws as (
    select distinct
        per_problem_k.n,
        per_problem_k.c,
        per_problem_k.k
    from per_problem_k
),

-- (2 / k) E[max(0, X - ceil(k/2))] over the counts j of X's window (integer ceil(k/2))
mg_pass as (
    select
        distinct_draws.n,
        distinct_draws.c,
        distinct_draws.k,
        coalesce(
            2.0 / distinct_draws.k * sum(
                (counts.j - (distinct_draws.k + 1) // 2)
                * hypergeometric_pmf(distinct_draws.n, distinct_draws.c, distinct_draws.k, counts.j)
            ),
            0.0
        ) as mg_pass
    from distinct_draws
    left join lateral (
        select unnest(range(
            greatest(
                draw_window_low(distinct_draws.n, distinct_draws.c, distinct_draws.k),
                (distinct_draws.k + 1) // 2 + 1
            ),
            draw_window_high(distinct_draws.n, distinct_draws.c, distinct_draws.k) + 1
        )) as j
    ) as counts on true
    group by distinct_draws.n, distinct_draws.c, distinct_draws.k
),

final as (
    select
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.k,
        sum(per_problem_k.problems * mg_pass.mg_pass) / sum(per_problem_k.problems) as mg_pass_at_k
    from per_problem_k
    inner join mg_pass
        on mg_pass.n = per_problem_k.n
        and mg_pass.c = per_problem_k.c
        and mg_pass.k = per_problem_k.k
    group by per_problem_k.model, per_problem_k.benchmark, per_problem_k.k
    order by per_problem_k.model, per_problem_k.benchmark, per_problem_k.k
)

select * from final
