-- process_pass_at_k: was it reasoning or a guess? Answer pass@k and process pass@k side by side
-- for the synthetic problems (those whose meta holds a gold graph), and the lucky-answer rate,
-- per model, benchmark and slice.
--
-- Output: model, benchmark, slice_by, slice, k, problems, answer_pass_at_k, process_pass_at_k,
--         lucky_at_k, lucky_share
--   answer_pass_at_k:  pass@k counting samples whose final answer is right (c_answer);
--   process_pass_at_k: pass@k counting samples whose answer is right and whose reasoning
--                      matches the gold graph (process_verdict = 'valid'; c_process);
--                      both the unbiased estimator (pass_at_k_estimate, views.sql) over its own c;
--   lucky_at_k:        answer_pass_at_k - process_pass_at_k: the expected share of problems
--                      that k samples solve by their answer but by no valid reasoning (every
--                      process-valid sample is also answer-right, so the event "some valid
--                      process among k" is inside "some right answer among k", and the difference
--                      of the two unbiased estimates is an unbiased estimate of the difference);
--   lucky_share:       lucky_at_k / answer_pass_at_k: of the problems solved at k, the share
--                      solved only by luck (null when nothing is solved).
--   k runs over 1, 2, 4, ... up to the smallest n of the slice, plus that n (as pass_at_k).
--
-- Slices (`slice_by`):
--   ops       (default) difficulty: meta.ops, the operations on the path to the answer
--   band      the ops relative to the model's training, from its tags: `id_ops` (in
--             distribution) and `edge_ops` (the edge of competence), each "3", "1-4", "1,2,5"
--             or a list; any other ops is 'OOD'; a model without either tag is 'untagged'
--   template  the story template (meta.template: fruit, bakery, ...), the follow-up's contexts
--   all       every synthetic problem together
--
-- Parameters (`--param NAME=value`): slice_by, model, benchmark; and the view parameters answers,
-- exclude (views.sql). `correct` does not apply: both notions are shown.

with

synthetic_problems as (
    select
        problems.benchmark,
        problems.problem_id,
        -- meta is a JSON string; the generator writes the difficulty as an integer `ops`
        try_cast(json_extract_string(problems.meta, '$.ops') as integer) as ops,
        json_extract_string(problems.meta, '$.template') as template
    from problems
    where json_valid(problems.meta)
        and json_array_length(json_extract(problems.meta, '$.steps')) > 0
),

selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('model'), problem_outcomes.model)
        and allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

-- each model's id_ops and edge_ops tags as lists of ops ranges (ops_ranges in views.sql)
model_bands as (
    select
        latest_models.model,
        ops_ranges(json_extract_string(latest_models.tags, '$.id_ops')) as id_parts,
        ops_ranges(json_extract_string(latest_models.tags, '$.edge_ops')) as edge_parts
    from latest_models
),

banded as (
    select
        selected_outcomes.*,
        synthetic_problems.ops,
        synthetic_problems.template,
        case
            when model_bands.id_parts is null and model_bands.edge_parts is null then 'untagged'
            when in_ops_ranges(synthetic_problems.ops, model_bands.id_parts) then 'ID'
            when in_ops_ranges(synthetic_problems.ops, model_bands.edge_parts) then 'edge'
            else 'OOD'
        end as band
    from selected_outcomes
    inner join synthetic_problems
        on synthetic_problems.benchmark = selected_outcomes.benchmark
        and synthetic_problems.problem_id = selected_outcomes.problem_id
    left join model_bands
        on model_bands.model = selected_outcomes.model
),

sliced as (
    select
        banded.model,
        banded.benchmark,
        banded.problem_id,
        banded.n,
        banded.c_answer,
        banded.c_process,
        coalesce(getvariable('slice_by'), 'ops') as slice_by,
        case coalesce(getvariable('slice_by'), 'ops')
            when 'ops' then 'ops=' || coalesce(cast(banded.ops as varchar), '?')
            when 'band' then banded.band
            when 'template' then coalesce(banded.template, '?')
            when 'all' then 'all'
            else error('--param slice_by=' || getvariable('slice_by') || ': expected ops, band, template or all')
        end as slice,
        -- the slices sort by difficulty, not as text (ops=10 after ops=9)
        case coalesce(getvariable('slice_by'), 'ops')
            when 'ops' then banded.ops
            when 'band' then case banded.band when 'ID' then 0 when 'edge' then 1 when 'OOD' then 2 else 3 end
            else 0
        end as slice_order
    from banded
),

per_cell as (
    select
        sliced.model,
        sliced.benchmark,
        sliced.slice,
        min(sliced.n) as max_k,
        count(*) as problems
    from sliced
    group by sliced.model, sliced.benchmark, sliced.slice
),

-- k = 1, 2, 4, ... up to the cell's smallest n, and that n itself (k_grid in views.sql)
k_values as (
    select
        per_cell.model,
        per_cell.benchmark,
        per_cell.slice,
        cell_k.k
    from per_cell
    cross join lateral k_grid(per_cell.max_k, null) as cell_k
),

per_problem_k as (
    select
        sliced.model,
        sliced.benchmark,
        sliced.slice_by,
        sliced.slice,
        sliced.slice_order,
        k_values.k,
        pass_at_k_estimate(sliced.n, sliced.c_answer, k_values.k) as answer_pass_at_k,
        pass_at_k_estimate(sliced.n, sliced.c_process, k_values.k) as process_pass_at_k
    from sliced
    inner join k_values
        on k_values.model = sliced.model
        and k_values.benchmark = sliced.benchmark
        and k_values.slice = sliced.slice
),

final as (
    select
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.slice_by,
        per_problem_k.slice,
        per_problem_k.k,
        count(*) as problems,
        avg(per_problem_k.answer_pass_at_k) as answer_pass_at_k,
        avg(per_problem_k.process_pass_at_k) as process_pass_at_k,
        avg(per_problem_k.answer_pass_at_k) - avg(per_problem_k.process_pass_at_k) as lucky_at_k,
        (avg(per_problem_k.answer_pass_at_k) - avg(per_problem_k.process_pass_at_k))
            / nullif(avg(per_problem_k.answer_pass_at_k), 0) as lucky_share
    from per_problem_k
    group by
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.slice_by,
        per_problem_k.slice,
        per_problem_k.slice_order,
        per_problem_k.k
    order by
        per_problem_k.model,
        per_problem_k.benchmark,
        min(per_problem_k.slice_order),
        per_problem_k.slice,
        per_problem_k.k
)

select * from final
