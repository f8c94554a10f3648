-- boundary_by_difficulty: pass@k against difficulty (`ops`, the number of arithmetic operations
-- on the path to the answer) for the generated `synthetic:` benchmarks, and the boundary: the
-- largest ops at which pass@k is still above a threshold.
--
-- Output: model, benchmark, ops, k, pass_at_k, problems, max_k, boundary_ops
--   one row per (model, benchmark, ops, k); only problems whose meta has `ops` count.
--   k runs over 1, 2, 4, ... up to max_k, the smallest n of any synthetic problem of the
--   (model, benchmark), plus max_k itself (as pass_at_k.sql does), the same k for every ops.
--   boundary_ops: the largest ops such that pass@k > threshold at that ops and at every
--   smaller ops of the (model, benchmark, k); null when even the easiest ops is not above it.
--   The same on every row of a (model, benchmark, k). "The boundary" is the value on the rows
--   where k = max_k.
--
-- Parameters (`set variable NAME = value;` before `.read`, or `--param NAME=value`):
--   threshold  pass@k must be above this (default: 0.5)
--   model      only this model      (default: all)
--   benchmark  only this benchmark  (default: all)

with

problem_ops as (
    select
        problems.benchmark,
        problems.problem_id,
        -- meta is a JSON string; the generator writes the difficulty as an integer `ops`
        try_cast(
            case when json_valid(problems.meta) then json_extract_string(problems.meta, '$.ops') end
            as integer
        ) as ops
    from problems
),

selected_samples as (
    select * from samples
    where allows(getvariable('model'), samples.model)
        and allows(getvariable('benchmark'), samples.benchmark)
),

synthetic_problems as (
    select
        problem_ops.benchmark,
        problem_ops.problem_id,
        problem_ops.ops
    from problem_ops
    where problem_ops.ops is not null
),

-- n = samples drawn for the problem, c = samples graded correct (a null grade counts as wrong),
-- as in problem_outcomes (views.sql) but counted after the join with the synthetic problems:
-- on a lake without any (most lakes) DuckDB then skips the samples altogether (0.04 s instead
-- of 0.4 s on 10 million samples), which it does not through the view's group-by
per_problem as (
    select
        selected_samples.model,
        selected_samples.benchmark,
        selected_samples.problem_id,
        synthetic_problems.ops,
        count(*) as n,
        count(*) filter (where selected_samples.correct) as c
    from selected_samples
    inner join synthetic_problems
        on synthetic_problems.benchmark = selected_samples.benchmark
        and synthetic_problems.problem_id = selected_samples.problem_id
    group by
        selected_samples.model,
        selected_samples.benchmark,
        selected_samples.problem_id,
        synthetic_problems.ops
),

per_cell as (
    select
        per_problem.model,
        per_problem.benchmark,
        min(per_problem.n) as max_k
    from per_problem
    group by per_problem.model, per_problem.benchmark
),

-- the k of each (model, benchmark): 1, 2, 4, ... up to max_k, and max_k (k_grid in views.sql)
k_values as (
    select
        per_cell.model,
        per_cell.benchmark,
        per_cell.max_k,
        cell_k.k
    from per_cell
    cross join lateral k_grid(per_cell.max_k, null) as cell_k
),

-- pass@k of each problem at each k of its (model, benchmark): the unbiased estimator of
-- Chen et al. 2021, pass_at_k_estimate in views.sql
per_problem_k as (
    select
        k_values.model,
        k_values.benchmark,
        k_values.max_k,
        k_values.k,
        per_problem.ops,
        per_problem.problem_id,
        pass_at_k_estimate(per_problem.n, per_problem.c, k_values.k) as pass_at_k
    from k_values
    inner join per_problem
        on per_problem.model = k_values.model
        and per_problem.benchmark = k_values.benchmark
),

-- mean over the problems of each difficulty
by_ops as (
    select
        per_problem_k.model,
        per_problem_k.benchmark,
        per_problem_k.ops,
        per_problem_k.k,
        per_problem_k.max_k,
        avg(per_problem_k.pass_at_k) as pass_at_k,
        count(*) as problems
    from per_problem_k
    group by all
),

-- the easiest ops at which pass@k is not above the threshold (null: above it everywhere)
first_failure as (
    select
        by_ops.model,
        by_ops.benchmark,
        by_ops.k,
        min(by_ops.ops) filter (
            where by_ops.pass_at_k <= coalesce(try_cast(getvariable('threshold') as double), 0.5)
        ) as failing_ops
    from by_ops
    group by by_ops.model, by_ops.benchmark, by_ops.k
),

-- the boundary: the largest ops below the first failure (null when the easiest one fails)
boundary as (
    select
        by_ops.model,
        by_ops.benchmark,
        by_ops.k,
        max(by_ops.ops) filter (
            where first_failure.failing_ops is null or by_ops.ops < first_failure.failing_ops
        ) as boundary_ops
    from by_ops
    inner join first_failure
        on first_failure.model = by_ops.model
        and first_failure.benchmark = by_ops.benchmark
        and first_failure.k = by_ops.k
    group by by_ops.model, by_ops.benchmark, by_ops.k
),

final as (
    select
        by_ops.model,
        by_ops.benchmark,
        by_ops.ops,
        by_ops.k,
        by_ops.pass_at_k,
        by_ops.problems,
        by_ops.max_k,
        boundary.boundary_ops
    from by_ops
    inner join boundary
        on boundary.model = by_ops.model
        and boundary.benchmark = by_ops.benchmark
        and boundary.k = by_ops.k
    order by by_ops.model, by_ops.benchmark, by_ops.ops, by_ops.k
)

select * from final
