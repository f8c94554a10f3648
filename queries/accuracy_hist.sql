-- accuracy_hist: how per-problem accuracy c/n is spread (the paper's Figure 5).
--
-- Output: model, benchmark, bin_index, bin, bin_low, bin_high, problems, fraction
--   12 bins per (model, benchmark), all present even when empty:
--     bin_index 0       bin '0'           c = 0 (unsolved at this n)
--     bin_index 1       bin '(0, 0.1)'    0 < c/n < 0.1
--     bin_index 2 .. 10 bin '[0.1, 0.2)'  ... '[0.9, 1)'
--     bin_index 11      bin '1'           c = n (solved by every sample)
--   fraction = problems / problems of the (model, benchmark).
--
-- Parameters:
--   model      only this model     (default: all)
--   benchmark  only this benchmark (default: all)

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql)
selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('model'), problem_outcomes.model)
        and allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

-- the decile is computed in integers, (10 c) // n, so that c/n = 0.3 lands in [0.3, 0.4)
-- whatever the rounding of 3/10 in floating point
binned as (
    select
        selected_outcomes.model,
        selected_outcomes.benchmark,
        case
            when selected_outcomes.c = 0 then 0
            when selected_outcomes.c = selected_outcomes.n then 11
            else (10 * selected_outcomes.c) // selected_outcomes.n + 1
        end as bin_index
    from selected_outcomes
),

bins as (
    select
        bin_index,
        case
            when bin_index = 0 then '0'
            when bin_index = 1 then '(0, 0.1)'
            when bin_index = 10 then '[0.9, 1)'
            when bin_index = 11 then '1'
            else printf('[%.1f, %.1f)', (bin_index - 1) / 10, bin_index / 10)
        end as bin,
        case when bin_index = 0 then 0.0 when bin_index = 11 then 1.0 else (bin_index - 1) / 10 end
            as bin_low,
        case when bin_index = 0 then 0.0 when bin_index = 11 then 1.0 else bin_index / 10 end
            as bin_high
    from range(0, 12) as bin_numbers(bin_index)
),

cells as (
    select
        binned.model,
        binned.benchmark,
        count(*) as total
    from binned
    group by binned.model, binned.benchmark
),

counts as (
    select
        binned.model,
        binned.benchmark,
        binned.bin_index,
        count(*) as problems
    from binned
    group by binned.model, binned.benchmark, binned.bin_index
),

final as (
    select
        cells.model,
        cells.benchmark,
        bins.bin_index,
        bins.bin,
        bins.bin_low,
        bins.bin_high,
        coalesce(counts.problems, 0) as problems,
        coalesce(counts.problems, 0) / cells.total as fraction
    from cells
    cross join bins
    left join counts
        on counts.model = cells.model
        and counts.benchmark = cells.benchmark
        and counts.bin_index = bins.bin_index
    order by cells.model, cells.benchmark, bins.bin_index
)

select * from final
