-- coverage: which problems two models solve, per benchmark (the paper's Table 2, and the
-- problem lists of its Table 6).
--
-- A problem counts as solved by a model when at least one of its samples is correct, at the
-- model's full n. Only problems that both models attempted are counted.
--
-- Output: benchmark, model_a, model_b, role_a, role_b, n_a, n_b, cell, problems, fraction,
--         problem_ids
--   cell is 'both' | 'only_a' | 'only_b' | 'neither'; every pair has all four rows.
--   fraction = problems / problems both attempted; problem_ids sorted.
--   n_a / n_b = the smallest number of samples per problem of each model on those problems.
--   role_a / role_b come from the latest `models` row of each model (null if none).
--
-- Parameters:
--   model_a, model_b  the pair to compare, in this order (default: every pair, model_a < model_b)
--   benchmark         only this benchmark (default: all)

with

-- n = samples drawn for the problem, c = samples graded correct (views.sql); the problem
-- counts as solved when c > 0
selected_outcomes as (
    select * from problem_outcomes
    where allows(getvariable('benchmark'), problem_outcomes.benchmark)
),

model_pairs as (
    select distinct
        a.benchmark,
        a.model as model_a,
        b.model as model_b
    from selected_outcomes as a
    inner join selected_outcomes as b
        on b.benchmark = a.benchmark
        and b.problem_id = a.problem_id
    where
        case
            when getvariable('model_a') is null and getvariable('model_b') is null
                then a.model < b.model
            else a.model = coalesce(getvariable('model_a'), a.model)
                and b.model = coalesce(getvariable('model_b'), b.model)
                and a.model <> b.model
        end
),

-- one row per problem both models attempted, with its cell
paired_problems as (
    select
        model_pairs.benchmark,
        model_pairs.model_a,
        model_pairs.model_b,
        a.problem_id,
        a.n as n_a,
        b.n as n_b,
        case
            when a.c > 0 and b.c > 0 then 'both'
            when a.c > 0 then 'only_a'
            when b.c > 0 then 'only_b'
            else 'neither'
        end as cell
    from model_pairs
    inner join selected_outcomes as a
        on a.benchmark = model_pairs.benchmark
        and a.model = model_pairs.model_a
    inner join selected_outcomes as b
        on b.benchmark = model_pairs.benchmark
        and b.model = model_pairs.model_b
        and b.problem_id = a.problem_id
),

pair_totals as (
    select
        paired_problems.benchmark,
        paired_problems.model_a,
        paired_problems.model_b,
        min(paired_problems.n_a) as n_a,
        min(paired_problems.n_b) as n_b,
        count(*) as attempted
    from paired_problems
    group by all
),

cells as (
    select unnest(['both', 'only_a', 'only_b', 'neither']) as cell
),

cell_counts as (
    select
        pair_totals.benchmark,
        pair_totals.model_a,
        pair_totals.model_b,
        cells.cell,
        count(paired_problems.problem_id) as problems,
        list_sort(list(paired_problems.problem_id) filter (where paired_problems.problem_id is not null))
            as problem_ids
    from pair_totals
    cross join cells
    left join paired_problems
        on paired_problems.benchmark = pair_totals.benchmark
        and paired_problems.model_a = pair_totals.model_a
        and paired_problems.model_b = pair_totals.model_b
        and paired_problems.cell = cells.cell
    group by pair_totals.benchmark, pair_totals.model_a, pair_totals.model_b, cells.cell
),

final as (
    select
        pair_totals.benchmark,
        pair_totals.model_a,
        pair_totals.model_b,
        role_a.role as role_a,
        role_b.role as role_b,
        pair_totals.n_a,
        pair_totals.n_b,
        cell_counts.cell,
        cell_counts.problems,
        cell_counts.problems / pair_totals.attempted as fraction,  -- integer / integer is a double in DuckDB
        coalesce(cell_counts.problem_ids, []::varchar[]) as problem_ids
    from cell_counts
    inner join pair_totals
        on pair_totals.benchmark = cell_counts.benchmark
        and pair_totals.model_a = cell_counts.model_a
        and pair_totals.model_b = cell_counts.model_b
    -- one row per model, from its latest run, with its role (views.sql)
    left join model_tags as role_a
        on role_a.model = pair_totals.model_a
    left join model_tags as role_b
        on role_b.model = pair_totals.model_b
    order by
        pair_totals.benchmark,
        pair_totals.model_a,
        pair_totals.model_b,
        list_position(['both', 'only_a', 'only_b', 'neither'], cell_counts.cell)
)

select * from final
