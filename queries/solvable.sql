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

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('model'), problem_outcomes.model)
        and allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

final as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        selected_outcomes.problem_id,
        selected_outcomes.n,
        selected_outcomes.c
    from selected_outcomes
    where selected_outcomes.c >= coalesce(getvariable('threshold'), 1)
    order by selected_outcomes.model, selected_outcomes.benchmark, selected_outcomes.problem_id
)

select * from final
