-- bayes_at_n: Bayes@N per model and benchmark (Hariri et al. 2025, "Don't pass@k: a Bayesian
-- framework for large language model evaluation"): the posterior mean of the benchmark's
-- accuracy with a uniform prior on each problem's success rate, and its standard deviation.
-- Unlike pass@k it uses all n samples of every problem and comes with its own uncertainty.
--
-- Output: model, benchmark, mu, sigma, problems
--   per problem i, a Beta(1, 1) prior and c_i successes in n_i trials give the posterior
--   Beta(c_i + 1, n_i - c_i + 1), with mean p_i = (c_i + 1) / (n_i + 2) and variance
--   p_i (1 - p_i) / (n_i + 3); the benchmark's accuracy is the mean over its M problems:
--     mu    = (1 / M) sum_i (c_i + 1) / (n_i + 2)
--     sigma = sqrt( sum_i p_i (1 - p_i) / (n_i + 3) ) / M
--   (the problems' posteriors are independent). mu tends to pass@1 as n grows; with n = 0
--   samples it would be 1/2.
--
-- Parameters:
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)
--   correct, exclude, answers: what counts as correct (views.sql, problem_outcomes)
--
-- Checked against the Beta posterior of scipy.stats: tests/queries/test_estimators.py.

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

posteriors as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        -- the posterior mean of Beta(c + 1, n - c + 1)
        (selected_outcomes.c + 1)::double / (selected_outcomes.n + 2) as p,
        selected_outcomes.n
    from selected_outcomes
),

final as (
    select
        posteriors.model,
        posteriors.benchmark,
        avg(posteriors.p) as mu,
        -- the posterior variance of one problem is p (1 - p) / (n + 3)
        sqrt(sum(posteriors.p * (1 - posteriors.p) / (posteriors.n + 3))) / count(*) as sigma,
        count(*) as problems
    from posteriors
    group by posteriors.model, posteriors.benchmark
    order by posteriors.model, posteriors.benchmark
)

select * from final
