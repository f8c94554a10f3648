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

selected_scores as (
    select * from scores
    where allows(getvariable('scorer'), scores.scorer)
        and allows(getvariable('model'), scores.model)
        and allows(getvariable('benchmark'), scores.benchmark)
),

final as (
    select
        selected_scores.scorer,
        selected_scores.model,
        selected_scores.benchmark,
        count(*) filter (where selected_scores.status = 'ok') as responses,
        count(*) filter (where selected_scores.status is distinct from 'ok') as skipped,
        avg(selected_scores.perplexity) filter (where selected_scores.status = 'ok') as mean_perplexity,
        median(selected_scores.perplexity) filter (where selected_scores.status = 'ok') as median_perplexity,
        quantile_cont(selected_scores.perplexity, 0.25) filter (where selected_scores.status = 'ok') as q1_perplexity,
        quantile_cont(selected_scores.perplexity, 0.75) filter (where selected_scores.status = 'ok') as q3_perplexity,
        sum(selected_scores.logprob_sum) filter (where selected_scores.status = 'ok')
            / sum(selected_scores.response_tokens) filter (where selected_scores.status = 'ok')
            as mean_logprob_per_token
    from selected_scores
    group by selected_scores.scorer, selected_scores.model, selected_scores.benchmark
    order by selected_scores.scorer, selected_scores.model, selected_scores.benchmark
)

select * from final
