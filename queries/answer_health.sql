-- answer_health: how often responses fail to produce a gradable answer, per model and
-- benchmark. Base models prompted without few-shot examples often never state an answer;
-- a high truncation rate says max_tokens is too small for the model's chains of thought.
--
-- Output: model, benchmark, samples, accuracy, truncation_rate, no_answer_rate, timeout_rate,
--         error_rate, mean_response_tokens, fallback_correct_share, explicit_accuracy
--   truncation_rate = share of samples with finish_reason = 'length'
--   no_answer_rate / timeout_rate / error_rate = share with that verdict
--   accuracy = share graded correct (a null grade counts as wrong)
--   fallback_correct_share = share of the correct verdicts that rest on the last-number
--     fallback (answer_rule = 'last_number': the response never marks an answer with
--     \boxed{}, "the answer is" or "####"); null when no sample is correct. High for a base
--     model, it says pass@k counts numbers the responses never state as answers: compare
--     `boundary query pass_at_k --param answers=explicit`.
--   explicit_accuracy = accuracy when those do not count (answers=explicit in views.sql)
--
-- Parameters:
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)

with

selected_samples as (
    select * from samples
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
        ) / count(*) as explicit_accuracy
    from selected_samples
    group by selected_samples.model, selected_samples.benchmark
    order by selected_samples.model, selected_samples.benchmark
)

select * from final
