-- answer_health: how often responses fail to produce a gradable answer, per model and
-- benchmark. Base models prompted without few-shot examples often never state an answer;
-- a high truncation rate says max_tokens is too small for the model's chains of thought.
--
-- Output: model, benchmark, samples, accuracy, truncation_rate, no_answer_rate, timeout_rate,
--         error_rate, mean_response_tokens, fallback_correct_share, explicit_accuracy,
--         answer_in_question_share, in_process_share, in_process_problems
--   truncation_rate = share of samples with finish_reason = 'length'
--   no_answer_rate / timeout_rate / error_rate = share with that verdict
--   accuracy = share graded correct (a null grade counts as wrong)
--   fallback_correct_share = share of the correct verdicts that rest on the last-number
--     fallback (answer_rule = 'last_number': the response never marks an answer with
--     \boxed{}, "the answer is" or "####"); null when no sample is correct. High for a base
--     model, it says pass@k counts numbers the responses never state as answers: compare
--     `boundary query pass_at_k --param answers=explicit`.
--   explicit_accuracy = accuracy when those do not count (answers=explicit in views.sql)
--   answer_in_question_share = share of the correct verdicts whose gold answer already stands
--     in the question as a number ("What is 11 - 7 - 2?", gold 2); null when no sample is
--     correct. The verifier does not take such a number from a response that only repeats
--     the question (no '=' or answer statement ends in it: verdict no_answer), but a high
--     share says the problems let a copy pass for a computation: read the responses.
--   in_process_share = code: share of samples judged inside the candidate's process
--     (answer_rule '<rule>+in_process': the problem's test could not be read on the host,
--     the weaker mode, in which a program aimed at the harness can forge a pass); 0 elsewhere
--   in_process_problems = how many problems fell back to it (their verdict reasons and
--     `boundary verify code` say why)
--
-- Parameters:
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)

with

-- answer_in_question: the gold, read as a number, is one of the numbers the question writes
-- (a thousands separator read as in 1,000; signs dropped: "11-7" writes 11 and 7); a gold
-- that is no number is never in the question here
problem_echoes as (
    select
        problems.benchmark,
        problems.problem_id,
        coalesce(
            list_contains(
                list_transform(
                    regexp_extract_all(
                        problems.question, '[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?'
                    ),
                    lambda number_text: try_cast(replace(number_text, ',', '') as double)
                ),
                abs(try_cast(replace(trim(problems.answer), ',', '') as double))
            ),
            false
        ) as answer_in_question
    from problems
    where getvariable('benchmark') is null or problems.benchmark = getvariable('benchmark')
),

selected_samples as (
    select
        samples.model,
        samples.benchmark,
        samples.problem_id,
        samples.correct,
        samples.answer_rule,
        samples.verdict,
        samples.finish_reason,
        samples.response_tokens,
        coalesce(problem_echoes.answer_in_question, false) as answer_in_question
    from samples
    left join problem_echoes
        on samples.benchmark = problem_echoes.benchmark
        and samples.problem_id = problem_echoes.problem_id
    where allows(getvariable('model'), samples.model)
        and allows(getvariable('benchmark'), samples.benchmark)
),

-- count(*) filter (...) / count(*) is a share in [0, 1] (integer / integer is a double)
final as (
    select
        selected_samples.model,
        selected_samples.benchmark,
        count(*) as samples,
        count(*) filter (where selected_samples.correct) / count(*) as accuracy,
        count(*) filter (where selected_samples.finish_reason = 'length') / count(*) as truncation_rate,
        count(*) filter (where selected_samples.verdict = 'no_answer') / count(*) as no_answer_rate,
        count(*) filter (where selected_samples.verdict = 'timeout') / count(*) as timeout_rate,
        count(*) filter (where selected_samples.verdict = 'error') / count(*) as error_rate,
        avg(selected_samples.response_tokens) as mean_response_tokens,
        count(*) filter (where selected_samples.correct and selected_samples.answer_rule = 'last_number')
            / nullif(count(*) filter (where selected_samples.correct), 0) as fallback_correct_share,
        count(*) filter (
            where selected_samples.correct and selected_samples.answer_rule is distinct from 'last_number'
        ) / count(*) as explicit_accuracy,
        count(*) filter (where selected_samples.correct and selected_samples.answer_in_question)
            / nullif(count(*) filter (where selected_samples.correct), 0) as answer_in_question_share,
        count(*) filter (where selected_samples.answer_rule like '%+in_process')
            / count(*) as in_process_share,
        count(distinct selected_samples.problem_id) filter (
            where selected_samples.answer_rule like '%+in_process'
        ) as in_process_problems
    from selected_samples
    group by selected_samples.model, selected_samples.benchmark
    order by selected_samples.model, selected_samples.benchmark
)

select * from final
