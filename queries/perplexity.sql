-- perplexity: how likely each model's responses are under each scorer model (the paper's
-- Figure 6): if an RL model's responses have low perplexity under its base model, RL
-- mostly re-weights paths the base model already samples.
--
-- Output: scorer, model, benchmark, responses, skipped, mean_perplexity, median_perplexity,
--         q1_perplexity, q3_perplexity, mean_logprob_per_token
--   over responses scored with status 'ok'; skipped = scored rows with another status
--   ('too_long', 'error'). perplexity = exp(-logprob_sum / response_tokens), as written by
--   `boundary score`; mean_logprob_per_token = sum of logprob_sum / sum of response_tokens.
--
-- Parameters:
--   scorer     only this scorer    (default: all)
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)

with

scores as (
    select
        scores.scorer,
        scores.model,
        scores.benchmark,
        scores.response_tokens,
        scores.logprob_sum,
        scores.perplexity,
        scores.status
    from scores
    where (getvariable('scorer') is null or scores.scorer = getvariable('scorer'))
        and (getvariable('model') is null or scores.model = getvariable('model'))
        and (getvariable('benchmark') is null or scores.benchmark = getvariable('benchmark'))
),

final as (
    select
        scores.scorer,
        scores.model,
        scores.benchmark,
        count(*) filter (where scores.status = 'ok') as responses,
        count(*) filter (where scores.status is distinct from 'ok') as skipped,
        avg(scores.perplexity) filter (where scores.status = 'ok') as mean_perplexity,
        median(scores.perplexity) filter (where scores.status = 'ok') as median_perplexity,
        quantile_cont(scores.perplexity, 0.25) filter (where scores.status = 'ok') as q1_perplexity,
        quantile_cont(scores.perplexity, 0.75) filter (where scores.status = 'ok') as q3_perplexity,
        sum(scores.logprob_sum) filter (where scores.status = 'ok')
            / sum(scores.response_tokens) filter (where scores.status = 'ok')
            as mean_logprob_per_token
    from scores
    group by scores.scorer, scores.model, scores.benchmark
    order by scores.scorer, scores.model, scores.benchmark
)

select * from final
