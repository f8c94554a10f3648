-- hardest_solved: problems a model solves only rarely and the correct responses that solved
-- them, to read the chains of thought: a right answer reached by a wrong argument is a guess,
-- not a solution (the paper's manual check of its largest-k wins).
-- `boundary query hardest_solved --format markdown` lays each response out for reading.
--
-- Which problems, per problem (the column `rule` says which applied):
--   max_rate     0 < c/n < max_rate, the paper's band ("accuracy below 5 % but above 0"),
--                wherever n allows it: one correct sample is below max_rate (1/n < max_rate);
--   one_correct  otherwise (n <= 1/max_rate: with n = 16, one correct is already 6.25 %, and
--                the band holds no problem at all): the problems solved by exactly one sample.
--
-- Output: model, benchmark, problem_id, n, c, rate, rule, sample_idx, question, answer,
--         extracted_answer, finish_reason, response
--   one row per correct sample of such a problem, rarest first; rate = c / n.
--   question / answer are null when the lake has no `problems` row for the problem.
--
-- Parameters:
--   max_rate   upper bound (exclusive) on c/n (default: 0.05)
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('model'), problem_outcomes.model)
        and allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

-- the responses, for the correct samples of the rarely solved problems
selected_samples as (
    select * from samples
    where allows(getvariable('model'), samples.model)
        and allows(getvariable('benchmark'), samples.benchmark)
),

problem_texts as (
    select
        problems.benchmark,
        problems.problem_id,
        problems.question,
        problems.answer
    from problems
),

-- the rule each problem's n allows: the paper's band needs 1/n < max_rate (one correct
-- sample below the bound); integer / integer is a double
banded as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        selected_outcomes.problem_id,
        selected_outcomes.n,
        selected_outcomes.c,
        selected_outcomes.c / selected_outcomes.n as rate,
        case
            when 1 / selected_outcomes.n < coalesce(getvariable('max_rate'), 0.05) then 'max_rate'
            else 'one_correct'
        end as rule
    from selected_outcomes
),

rarely_solved as (
    select
        banded.model,
        banded.benchmark,
        banded.problem_id,
        banded.n,
        banded.c,
        banded.rate,
        banded.rule
    from banded
    where
        (
            banded.rule = 'max_rate'
            and banded.c > 0
            and banded.rate < coalesce(getvariable('max_rate'), 0.05)
        )
        or (banded.rule = 'one_correct' and banded.c = 1)
),

final as (
    select
        rarely_solved.model,
        rarely_solved.benchmark,
        rarely_solved.problem_id,
        rarely_solved.n,
        rarely_solved.c,
        rarely_solved.rate,
        rarely_solved.rule,
        selected_samples.sample_idx,
        problem_texts.question,
        problem_texts.answer,
        selected_samples.extracted_answer,
        selected_samples.finish_reason,
        selected_samples.response
    from rarely_solved
    inner join selected_samples
        on selected_samples.model = rarely_solved.model
        and selected_samples.benchmark = rarely_solved.benchmark
        and selected_samples.problem_id = rarely_solved.problem_id
        and selected_samples.correct
    left join problem_texts
        on problem_texts.benchmark = rarely_solved.benchmark
        and problem_texts.problem_id = rarely_solved.problem_id
    order by
        rarely_solved.rate,
        rarely_solved.model,
        rarely_solved.benchmark,
        rarely_solved.problem_id,
        selected_samples.sample_idx
)

select * from final
