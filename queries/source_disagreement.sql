-- source_disagreement: imported samples where the verdict of the tool that wrote the file
-- (`boundary import`: Qwen2.5-Math's score, lm-eval's metric, Inspect's scorer, NeMo-Skills'
-- symbolic_correct, a JSONL file's `correct`) and ours differ. A foreign verdict is never
-- trusted: every query counts ours; this lists where the two part, to read why.
--
-- Output: model, benchmark, problem_id, sample_idx, source_verdict, verdict, verdict_reason,
--         extracted_answer, answer, finish_reason, response
--   one row per such sample; source_verdict 'correct' | 'wrong', verdict ours (a sample is
--   correct for us only with verdict 'correct'); answer is the gold (null for code, or when
--   the lake has no `problems` row for the problem).
--
-- Parameters:
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)

with

-- samples that carry a source verdict (sampled ones never do)
judged_samples as (
    select
        samples.model,
        samples.benchmark,
        samples.problem_id,
        samples.sample_idx,
        samples.source_verdict,
        samples.verdict,
        samples.verdict_reason,
        samples.extracted_answer,
        samples.finish_reason,
        samples.response,
        coalesce(samples.correct, false) as correct  -- a null grade is not correct
    from samples
    where samples.source_verdict is not null
        and (getvariable('model') is null or samples.model = getvariable('model'))
        and (getvariable('benchmark') is null or samples.benchmark = getvariable('benchmark'))
),

problem_answers as (
    select
        problems.benchmark,
        problems.problem_id,
        problems.answer
    from problems
),

disagreements as (
    select *
    from judged_samples
    where (judged_samples.source_verdict = 'correct') <> judged_samples.correct
),

final as (
    select
        disagreements.model,
        disagreements.benchmark,
        disagreements.problem_id,
        disagreements.sample_idx,
        disagreements.source_verdict,
        disagreements.verdict,
        disagreements.verdict_reason,
        disagreements.extracted_answer,
        problem_answers.answer,
        disagreements.finish_reason,
        disagreements.response
    from disagreements
    left join problem_answers
        on problem_answers.benchmark = disagreements.benchmark
        and problem_answers.problem_id = disagreements.problem_id
    order by
        disagreements.model,
        disagreements.benchmark,
        disagreements.problem_id,
        disagreements.sample_idx
)

select * from final
