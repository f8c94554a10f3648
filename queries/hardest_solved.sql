-- hardest_solved: problems a model solves only rarely (0 < c/n < max_rate) and the correct
-- responses that solved them, to read the chains of thought: a right answer reached by a
-- wrong argument is a guess, not a solution (the paper's manual check of its largest-k wins).
-- `boundary query hardest_solved --format markdown` lays each response out for reading.
--
-- Output: model, benchmark, problem_id, n, c, rate, sample_idx, question, answer,
--         extracted_answer, finish_reason, response
--   one row per correct sample of such a problem, rarest first; rate = c / n.
--   question / answer are null when the lake has no `problems` row for the problem.
--
-- Parameters:
--   max_rate   upper bound (exclusive) on c/n (default: 0.05)
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)

with

-- read twice (counts per problem, then the correct responses): `not materialized` lets each
-- read scan the Parquet files with its own filters instead of caching every sample (4 s -> 0.7 s
-- on 10 million samples)
samples as not materialized (
    select
        samples.model,
        samples.benchmark,
        samples.problem_id,
        samples.sample_idx,
        samples.correct,
        samples.extracted_answer,
        samples.finish_reason,
        samples.response
    from samples
    where (getvariable('model') is null or samples.model = getvariable('model'))
        and (getvariable('benchmark') is null or samples.benchmark = getvariable('benchmark'))
),

problems as (
    select
        problems.benchmark,
        problems.problem_id,
        problems.question,
        problems.answer
    from problems
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

rarely_solved as (
    select
        per_problem.model,
        per_problem.benchmark,
        per_problem.problem_id,
        per_problem.n,
        per_problem.c,
        per_problem.c / per_problem.n as rate  -- integer / integer is a double
    from per_problem
    where per_problem.c > 0
        and per_problem.c / per_problem.n < coalesce(getvariable('max_rate'), 0.05)
),

final as (
    select
        rarely_solved.model,
        rarely_solved.benchmark,
        rarely_solved.problem_id,
        rarely_solved.n,
        rarely_solved.c,
        rarely_solved.rate,
        samples.sample_idx,
        problems.question,
        problems.answer,
        samples.extracted_answer,
        samples.finish_reason,
        samples.response
    from rarely_solved
    inner join samples
        on samples.model = rarely_solved.model
        and samples.benchmark = rarely_solved.benchmark
        and samples.problem_id = rarely_solved.problem_id
        and samples.correct
    left join problems
        on problems.benchmark = rarely_solved.benchmark
        and problems.problem_id = rarely_solved.problem_id
    order by
        rarely_solved.rate,
        rarely_solved.model,
        rarely_solved.benchmark,
        rarely_solved.problem_id,
        samples.sample_idx
)

select * from final
