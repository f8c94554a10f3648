-- chance_at_k: pass@k of multiple-choice and free-form problems apart, beside the pass@k of a
-- uniform guesser. A problem with m options is "solved" at k by a guesser that picks an option
-- uniformly at random each time with probability 1 - (1 - 1/m)^k: at k = 16 a four-option
-- problem is solved 99% of the time, so a multiple-choice pass@k at large k says nothing
-- about reasoning until it is read against this line.
--
-- Output: model, benchmark, k, question_type, pass_at_k, chance_pass_at_k, problems
--   question_type  'multi_choice', 'free_form', and 'all' (every problem of the benchmark)
--   pass_at_k      the unbiased pass@k (pass_at_k_estimate) averaged over those problems
--   chance_pass_at_k  the guesser's 1 - (1 - 1/m)^k averaged over the same problems (0 for a
--                  free-form one: no option to pick); for 'all' it is the floor a guesser
--                  reaches on the whole benchmark, the line the pass_at_k chart draws
--   problems       problems of that type
--   k runs over pass_at_k's grid of the (model, benchmark), for every type.
--
-- A problem is multiple choice when its meta (problems.meta, JSON) says question_type
-- 'multi_choice' (MathVista, MathVision with options; the spec's question_types filters on
-- it) or lists options in `choices` or `options` (an AMC file that keeps its five letters);
-- m is the length of that list, else 5 (options printed only in the image are letters A-E,
-- as the visual verifier reads them). Every other problem, and one without a problems row,
-- is free form.
--
-- Parameters:
--   ks         extra k values, a list of integers  (default: none)
--   model      only this model                     (default: all)
--   benchmark  only this benchmark                 (default: all)
--   correct, exclude, answers: what counts as correct (views.sql, problem_outcomes)
--
-- Checked by hand on a lake with four-option problems: tests/queries/test_chance_at_k.py.

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

-- the options a problem's meta lists, and what it says its type is
problem_options as (
    select
        problems.benchmark,
        problems.problem_id,
        json_extract_string(problems.meta, '$.question_type') as stated_type,
        coalesce(
            nullif(json_array_length(try(json_extract(problems.meta, '$.choices'))), 0),
            nullif(json_array_length(try(json_extract(problems.meta, '$.options'))), 0)
        ) as listed_options
    from problems
    where try(json_valid(problems.meta))
),

-- the problems of each (model, benchmark) counted by (n, c, type, options): they share every
-- estimate
typed_problems as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        selected_outcomes.n,
        selected_outcomes.c,
        case
            when problem_options.stated_type = 'multi_choice'
                or problem_options.listed_options is not null
                then 'multi_choice'
            else 'free_form'
        end as question_type,
        case
            when problem_options.stated_type = 'multi_choice'
                or problem_options.listed_options is not null
                then coalesce(problem_options.listed_options, 5)
        end as options,
        count(*) as problems
    from selected_outcomes
    left join problem_options
        on problem_options.benchmark = selected_outcomes.benchmark
        and problem_options.problem_id = selected_outcomes.problem_id
    group by all
),

per_cell as (
    select
        typed_problems.model,
        typed_problems.benchmark,
        min(typed_problems.n) as max_k
    from typed_problems
    group by typed_problems.model, typed_problems.benchmark
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
        typed_problems.question_type,
        typed_problems.problems,
        pass_at_k_estimate(typed_problems.n, typed_problems.c, k_values.k) as pass_at_k,
        -- k independent uniform picks among m options miss the right one with (1 - 1/m)^k
        coalesce(1.0 - pow(1.0 - 1.0 / typed_problems.options, k_values.k), 0.0) as chance
    from k_values
    inner join typed_problems
        on typed_problems.model = k_values.model
        and typed_problems.benchmark = k_values.benchmark
),

final as (
    select
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.k,
        coalesce(per_problem_k.question_type, 'all') as question_type,
        sum(per_problem_k.problems * per_problem_k.pass_at_k) / sum(per_problem_k.problems)
            as pass_at_k,
        sum(per_problem_k.problems * per_problem_k.chance) / sum(per_problem_k.problems)
            as chance_pass_at_k,
        sum(per_problem_k.problems)::bigint as problems
    from per_problem_k
    group by grouping sets (
        (per_problem_k.model, per_problem_k.benchmark, per_problem_k.k, per_problem_k.question_type),
        (per_problem_k.model, per_problem_k.benchmark, per_problem_k.k)
    )
    order by
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.k,
        coalesce(per_problem_k.question_type, 'all')
)

select * from final
