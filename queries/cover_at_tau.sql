-- cover_at_tau: the Cover@tau curve per model and benchmark: the share of problems whose
-- samples are correct at least a share tau of the time (Dragoi et al. 2025, "Beyond pass@k:
-- breadth-depth metrics for reasoning boundaries"). Where pass@k at large k credits a problem
-- solved once by luck as fully, Cover@tau asks how many problems a model solves reliably: the
-- area under the curve over tau is mean c/n = pass@1, and pass@k weights the same curve
-- toward small tau.
--
-- Output: model, benchmark, tau, cover
--   cover = (problems with c / n >= tau) / problems
--   c / n is compared as a double with tau as a double: both round the same rational to the
--   same number, so c / n = 3/10 counts at tau = 0.3.
--
-- Parameters:
--   tau        the thresholds, a list of numbers in (0, 1]   (default: 0.1, 0.2, ..., 1.0)
--   model      only this model                                (default: all)
--   benchmark  only this benchmark                            (default: all)
--   correct, exclude, answers: what counts as correct (views.sql, problem_outcomes)
--
-- Checked by hand counts: tests/queries/test_estimators.py.

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

-- the default is written as i / 10 so that each is the double nearest to 0.1, 0.2, ...
taus as (
    select distinct cast(unnest(
        coalesce(
            getvariable('tau'),
            [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]::double[]
        )
    ) as double) as tau
),

final as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        taus.tau,
        avg((selected_outcomes.c::double / selected_outcomes.n >= taus.tau)::double) as cover
    from selected_outcomes
    cross join taus
    group by selected_outcomes.model, selected_outcomes.benchmark, taus.tau
    order by selected_outcomes.model, selected_outcomes.benchmark, taus.tau
)

select * from final
