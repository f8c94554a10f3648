-- g_pass_at_k: G-Pass@k_tau per model and benchmark, on pass_at_k's k grid (Liu et al. 2024,
-- "Are your LLMs capable of stable reasoning?", OpenCompass and lighteval's G-Pass@k): the
-- chance that at least a share tau of k samples drawn without replacement are correct. tau
-- near 0 is pass@k (breadth), tau = 1 is pass^k (every sample right).
--
-- Output: model, benchmark, k, tau, g_pass_at_k
--   G-Pass@k_tau = mean over problems of
--       sum_{j = m}^{c} C(c, j) C(n - c, k - j) / C(n, k),   m = max(ceil(tau k), 1)
--   the upper tail of the hypergeometric count X of correct samples among the k. ceil(tau k)
--   is taken of tau k less 1e-9, so that a product such as 0.7 x 10 that lands a hair above 7
--   in doubles still means 7 (OpenCompass's float ceil would make it 8).
--   The sum runs over the counts j of draw_window_low .. draw_window_high (views.sql), which
--   hold all but 1e-16 of X's probability: each term is exact, the sum is the tail to 1e-15.
--   Problems with the same (n, c) share one tail per k: the sums run once per distinct
--   (n, c, k), whatever the number of problems.
--
-- Parameters:
--   tau        the thresholds, a list of numbers in (0, 1]   (default: 0.25, 0.5, 0.75, 1.0)
--   ks         extra k values, a list of integers             (default: none)
--   model      only this model                                (default: all)
--   benchmark  only this benchmark                            (default: all)
--   correct, exclude, answers: what counts as correct (views.sql, problem_outcomes)
--
-- Checked against scipy.stats.hypergeom and OpenCompass's formula:
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

taus as (
    select distinct cast(unnest(
        coalesce(getvariable('tau'), [0.25, 0.5, 0.75, 1.0]::double[])
    ) as double) as tau
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

-- each distinct (n, c, k), with the lowest count any threshold asks for (no tail below it is
-- needed) and its window's low end
distinct_draws as (
    select
        draws.n,
        draws.c,
        draws.k,
        greatest(
            draw_window_low(draws.n, draws.c, draws.k),
            (select min(greatest(cast(ceil(taus.tau * draws.k - 1e-9) as bigint), 1)) from taus)
        ) as start
    from (select distinct per_problem_k.n, per_problem_k.c, per_problem_k.k from per_problem_k)
        as draws
),

-- P(X >= j) for each count j from the start up to the window's high end (views.sql,
-- draw_window_high): the pmf summed from the top down
draw_tails as (
    select
        distinct_draws.n,
        distinct_draws.c,
        distinct_draws.k,
        counts.j,
        sum(hypergeometric_pmf(distinct_draws.n, distinct_draws.c, distinct_draws.k, counts.j))
            over (
                partition by distinct_draws.n, distinct_draws.c, distinct_draws.k
                order by counts.j desc
                rows between unbounded preceding and current row
            ) as tail
    from distinct_draws
    cross join lateral (
        select unnest(range(
            distinct_draws.start,
            draw_window_high(distinct_draws.n, distinct_draws.c, distinct_draws.k) + 1
        )) as j
    ) as counts
),

-- m = max(ceil(tau k), 1) correct samples needed among the k
thresholds as (
    select
        distinct_draws.n,
        distinct_draws.c,
        distinct_draws.k,
        taus.tau,
        greatest(cast(ceil(taus.tau * distinct_draws.k - 1e-9) as bigint), 1) as m,
        distinct_draws.start
    from distinct_draws
    cross join taus
),

-- P(X >= m): the tail from m, or from the window's low end when m is below it (the counts
-- under it weigh 1e-16); 0 when m is above the window (no row there)
tails as (
    select
        thresholds.n,
        thresholds.c,
        thresholds.k,
        thresholds.tau,
        coalesce(draw_tails.tail, 0.0) as g_pass
    from thresholds
    left join draw_tails
        on draw_tails.n = thresholds.n
        and draw_tails.c = thresholds.c
        and draw_tails.k = thresholds.k
        and draw_tails.j = greatest(thresholds.m, thresholds.start)
),

final as (
    select
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.k,
        tails.tau,
        sum(per_problem_k.problems * tails.g_pass) / sum(per_problem_k.problems) as g_pass_at_k
    from per_problem_k
    inner join tails
        on tails.n = per_problem_k.n
        and tails.c = per_problem_k.c
        and tails.k = per_problem_k.k
    group by per_problem_k.model, per_problem_k.benchmark, per_problem_k.k, tails.tau
    order by per_problem_k.model, per_problem_k.benchmark, per_problem_k.k, tails.tau
)

select * from final
