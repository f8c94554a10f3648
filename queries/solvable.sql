-- solvable: every problem a model solves at least once (at least `threshold` correct samples).
--
-- Output: model, benchmark, problem_id, n, c
--   n = samples drawn for the problem, c = samples graded correct (c >= threshold).
--
-- Parameters:
--   threshold  correct samples needed to count as solved (default: 1, the paper's coverage)
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)

with

samples as (
    select
        samples.model,
        samples.benchmark,
        samples.problem_id,
        samples.correct
    from samples
    where (getvariable('model') is null or samples.model = getvariable('model'))
        and (getvariable('benchmark') is null or samples.benchmark = getvariable('benchmark'))
),

-- a null grade counts as wrong
per_problem as (
    select
        samples.model,
        samples.benchmark,
        samples.problem_id,
        count(*) as n,
        count(*) filter (where samples.correct) as c
    from samples
    group by samples.model, samples.benchmark, samples.problem_id
),

final as (
    select
        per_problem.model,
        per_problem.benchmark,
        per_problem.problem_id,
        per_problem.n,
        per_problem.c
    from per_problem
    where per_problem.c >= coalesce(getvariable('threshold'), 1)
    order by per_problem.model, per_problem.benchmark, per_problem.problem_id
)

select * from final
