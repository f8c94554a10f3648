-- solved_summary: per model and benchmark, how many problems it solves with one try and with
-- every try it had — the one-line answer to "where is this model's reasoning boundary?".
--
-- Output: model, benchmark, problems, n, solved_at_1, solved_at_n
--   problems     problems with samples
--   n            the fewest samples any of those problems has (the k of solved_at_n)
--   solved_at_1  expected problems solved with one sample: the sum over problems of c / n,
--                i.e. problems × pass@1 (a fraction, not a count)
--   solved_at_n  problems with at least one correct sample among their n: problems × pass@n
--
-- Parameters:
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
outcomes as (
    select * from problem_outcomes
    where allows(getvariable('model'), problem_outcomes.model)
        and allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

final as (
    select
        outcomes.model,
        outcomes.benchmark,
        count(*) as problems,
        min(outcomes.n) as n,
        -- pass@1 of one problem is c / n; summed over problems it is the expected count solved
        sum(outcomes.c / outcomes.n) as solved_at_1,
        count(*) filter (where outcomes.c > 0) as solved_at_n
    from outcomes
    group by outcomes.model, outcomes.benchmark
    order by outcomes.model, outcomes.benchmark
)

select * from final
