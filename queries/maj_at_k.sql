-- maj_at_k: maj@k per model and benchmark, on pass_at_k's k grid: the expected correctness
-- of a plurality vote over k samples drawn uniformly without replacement from a problem's n,
-- computed exactly from the answer classes (views.sql, problem_answer_classes) — not the vote
-- of the first k samples, which every harness reports and which wastes the other n - k.
--
-- Output: model, benchmark, k, maj_at_k
--   The vote: samples without an answer abstain; the class with the most votes wins; a tie
--   is split evenly among the tied classes (each gets 1 / #tied); a draw with no answer at
--   all counts 0. maj@k of a problem is the chance that the winner is the class of the
--   samples graded correct (its share when tied); the query averages it over problems.
--   maj@1 = c / n = pass@1.
--
-- The formula. Let the correct class hold c samples, the other classes a_1, a_2, ... and b
-- samples abstain (c + sum a_j + b = n). Draw k; let t be the correct votes drawn and x_j
-- those of class j. The correct class wins with weight 1 / (1 + #{j : x_j = t}) when every
-- x_j <= t and t >= 1, so
--   maj@k = sum_{t >= 1} P(t) Q_t,   P(t) = C(c, t) C(n - c, k - t) / C(n, k),
--   Q_t = E[ 1{x_j <= t for all j} / (1 + #{j : x_j = t}) | t ],
-- and given t, the other k - t draws are a uniform (k - t)-subset of the n - c other samples.
-- Only a class with a_j >= t can reach t, and only while t <= k - t; every other class, with
-- the abstentions, is one pool of r_t samples that no constraint touches. So, with D_t the
-- classes that can reach t,
--   Q_t = sum over (x_j)_{j in D_t}, 0 <= x_j <= t, of
--           prod_j C(a_j, x_j) C(r_t, k - t - sum x_j) / C(n - c, k - t) / (1 + #{x_j = t}).
-- There is no closed form of this sum once two or more classes can reach t (it is the chance
-- that one coordinate of a multivariate hypergeometric is its maximum); with one class it is
-- a hypergeometric CDF. When no class can reach t, Q_t = 1; hence, with T = min(c, k, max_j
-- a_j, floor(k / 2)),
--   maj@k = 1 - sum_{t = 0}^{T} P(t) + sum_{t = 1}^{T} P(t) Q_t
-- (every t > T wins outright), and the sum over the x_j is a dynamic program over the classes
-- of D_t: the state is (s, m) = (votes drawn from the classes so far, classes tied at t),
-- each class adding x_j with weight C(a_j, x_j) (the recursive CTE `votes` below).
--
-- Exact, and bounded. Each weight is scaled to a binomial probability: for any 0 < p < 1,
-- prod_j C(a_j, x_j) C(r, K - sum x_j) / C(N, K) = prod_j Bin(a_j, p; x_j) Bin(r, p; K - sum x_j)
-- / Bin(N, p; K) (the powers of p and 1 - p multiply out), so with p = (k - t) / (n - c)
-- every factor lies in [0, 1] and nothing overflows at n = 1024 (C(1024, 512) ~ 1e307).
-- What is left out is below double precision, and bounded:
--   - t runs over the window of the correct count (draw_window_low/high, views.sql: all but
--     1e-16 of its probability); a t with P(t) < 1e-18 counts as won (Q_t = 1).
--   - a class whose count given t reaches t with chance under 1e-16 joins the pool; a t at
--     which a class stays at or below t with chance under 1e-16 is lost (Q_t = 0). Both
--     chances are bounded by one probability, the hypergeometric being unimodal: P(x >= t)
--     <= (values from t up) P(x = t) above the mode, P(x <= t) <= (t + 1) P(x = t) below it.
--   - x_j runs from the low end of its window (the same bound, k - t draws from n - c) up to
--     t, values of weight under 1e-18 dropped, and a program state of weight under 1e-20 is
--     dropped (it could add at most 1e-18 to Q_t).
--   So a problem's maj@k is exact to about 1e-16 times its number of classes and counts
--   (1e-12 at worst, at n = 1024); on small n nothing is ever left out.
-- Speed. The program runs once per profile, (n, c, sizes of the other classes), however many
-- problems share it, and has no rows where the vote is decided (no class reaches t). At t = 1
-- the classes of one size are one step: each adds 0 or 1 vote, a tie when 1, and mu of them
-- add y votes and y ties with weight C(mu, y) f0^(mu - y) f1^y (a binomial), so hundreds of
-- one-sample answers cost one step. A contest between classes of close sizes at large k still
-- costs about (window of t) x (window of x_j) rows per class: perf/README.md has the times.
--
-- Parameters:
--   ks         extra k values, a list of integers, e.g. [3, 10, 100]   (default: none)
--   model      only this model                                          (default: all)
--   benchmark  only this benchmark                                      (default: all)
--
-- Checked against every k-subset of small lakes (ties, abstentions, empty draws) and an
-- exact rational program for n up to 60: tests/queries/test_maj_at_k.py.

with recursive

-- one row per answer class of each problem (views.sql, or the answer_classes table)
selected_classes as (
    select
        problem_answer_classes.model,
        problem_answer_classes.benchmark,
        problem_answer_classes.problem_id,
        problem_answer_classes.class_idx,
        problem_answer_classes.samples,
        problem_answer_classes.correct
    from problem_answer_classes
    where (getvariable('model') is null or problem_answer_classes.model = getvariable('model'))
        and (
            getvariable('benchmark') is null
            or problem_answer_classes.benchmark = getvariable('benchmark')
        )
),

-- n samples, c of them in the correct class, and the other classes' sizes, largest first
-- (sums of bigint are hugeint in DuckDB: back to bigint, as the counts are)
per_problem as (
    select
        selected_classes.model,
        selected_classes.benchmark,
        selected_classes.problem_id,
        sum(selected_classes.samples)::bigint as n,
        coalesce(
            sum(selected_classes.samples) filter (where selected_classes.correct), 0
        )::bigint as c,
        coalesce(
            list(selected_classes.samples order by selected_classes.samples desc) filter (
                where not selected_classes.correct and selected_classes.class_idx > 0
            ),
            []
        )::bigint[] as others
    from selected_classes
    group by selected_classes.model, selected_classes.benchmark, selected_classes.problem_id
),

per_cell as (
    select
        per_problem.model,
        per_problem.benchmark,
        min(per_problem.n) as max_k
    from per_problem
    group by per_problem.model, per_problem.benchmark
),

-- the k of each (model, benchmark), as in pass_at_k (k_grid in views.sql)
k_values as (
    select
        per_cell.model,
        per_cell.benchmark,
        cell_k.k
    from per_cell
    cross join lateral k_grid(per_cell.max_k, getvariable('ks')) as cell_k
),

-- problems with the same n, c and other classes' sizes have the same maj@k: one profile each
profiles as (
    select
        distinct_profiles.n,
        distinct_profiles.c,
        distinct_profiles.others,
        row_number() over (
            order by distinct_profiles.n, distinct_profiles.c, distinct_profiles.others
        ) as profile_id
    from (select distinct per_problem.n, per_problem.c, per_problem.others from per_problem)
        as distinct_profiles
),

problem_k as (
    select
        per_problem.model,
        per_problem.benchmark,
        per_problem.problem_id,
        k_values.k,
        profiles.profile_id
    from per_problem
    inner join k_values
        on k_values.model = per_problem.model
        and k_values.benchmark = per_problem.benchmark
    inner join profiles
        on profiles.n = per_problem.n
        and profiles.c = per_problem.c
        and profiles.others = per_problem.others
),

-- each (profile, k) with a correct class, and T = min(c, k, largest other class a, floor(k/2),
-- t_reach): past T the correct class wins outright. t_reach: given t correct votes, class a's
-- count has the window (k - t) a / (n - c) +- d with d <= draw_spread(n - c, min(k, (n - c)/2))
-- (the spread grows with the draws up to half the population, then shrinks), so a t above
-- (k a / (n - c) + that d) / (1 + a / (n - c)) is out of every class's reach
distinct_profile_k as (
    select distinct
        problem_k.profile_id,
        problem_k.k,
        profiles.n,
        profiles.c,
        coalesce(profiles.others[1], 0) as a_max
    from problem_k
    inner join profiles on profiles.profile_id = problem_k.profile_id
    where profiles.c > 0
),

profile_k as (
    select
        distinct_profile_k.profile_id,
        distinct_profile_k.k,
        distinct_profile_k.n,
        distinct_profile_k.c,
        least(
            distinct_profile_k.c,
            distinct_profile_k.k,
            distinct_profile_k.a_max,
            distinct_profile_k.k // 2,
            case
                when distinct_profile_k.a_max = 0 then 0
                else cast(floor(
                    (
                        distinct_profile_k.k * distinct_profile_k.a_max
                            / (distinct_profile_k.n - distinct_profile_k.c)
                        + draw_spread(
                            distinct_profile_k.n - distinct_profile_k.c,
                            least(
                                distinct_profile_k.k,
                                (distinct_profile_k.n - distinct_profile_k.c) // 2
                            )
                        )
                    )
                    / (1 + distinct_profile_k.a_max / (distinct_profile_k.n - distinct_profile_k.c))
                    + 1e-9
                ) as bigint)
            end
        ) as t_max
    from distinct_profile_k
),

-- lost: at the highest t of the correct count's window (up to T) the largest other class
-- outnumbers it but for 1e-16 (its window lies above t); then it does at every lower t too
-- (fewer correct votes, more draws left for the class), so no t up to T wins
profile_bounds as (
    select
        profile_k.*,
        draw_window_low(profile_k.n, profile_k.c, profile_k.k) as t_low,
        draw_window_high(profile_k.n, profile_k.c, profile_k.k) as t_high,
        case
            -- (no t >= 1 up to T: nothing to lose; the other k - t draws must fit in n - c)
            when tops.t_top < 1 or profile_k.k - tops.t_top > profile_k.n - profile_k.c then false
            else draw_window_low(
                profile_k.n - profile_k.c, profiles.others[1], profile_k.k - tops.t_top
            ) > tops.t_top
        end as lost,
        len(profiles.others) = 1 as one_class
    from profile_k
    inner join profiles on profiles.profile_id = profile_k.profile_id
    cross join lateral (
        select least(
            profile_k.t_max, draw_window_high(profile_k.n, profile_k.c, profile_k.k)
        ) as t_top
    ) as tops
),

profile_classes as (
    select
        profiles.profile_id,
        classes.class_no,
        profiles.others[classes.class_no] as a
    from profiles
    cross join lateral (
        select unnest(range(1, len(profiles.others) + 1)) as class_no
    ) as classes
),

-- the counts t <= T of correct votes within their window, with P(t); none where the profile
-- is lost over the whole window (maj@k = 0 there)
correct_counts as (
    select
        profile_bounds.profile_id,
        profile_bounds.k,
        profile_bounds.n,
        profile_bounds.c,
        profile_bounds.lost,
        counts.t,
        hypergeometric_pmf(profile_bounds.n, profile_bounds.c, profile_bounds.k, counts.t) as p_t
    from profile_bounds
    cross join lateral (
        select unnest(range(
            profile_bounds.t_low, least(profile_bounds.t_max, profile_bounds.t_high) + 1
        )) as t
    ) as counts
    where not (profile_bounds.lost and profile_bounds.t_max >= profile_bounds.t_high)
        and not profile_bounds.one_class
),

-- the classes that can reach t (a >= t; t <= k - t holds as t <= T), for each t that weighs:
-- the count x of such a class given t is hypergeometric, k - t draws from the n - c others;
-- `pooled`: P(x >= t) < 1e-16, `beats`: P(x <= t) < 1e-16, bounded through P(x = t) and the
-- mode (the pmf is unimodal); x_low: the low end of its window
reaching_classes as (
    select
        correct_counts.profile_id,
        correct_counts.k,
        correct_counts.t,
        profile_classes.class_no,
        profile_classes.a,
        correct_counts.n - correct_counts.c as n_others,
        draw_window_low(
            correct_counts.n - correct_counts.c, profile_classes.a,
            correct_counts.k - correct_counts.t
        ) as x_low,
        draw_window_high(
            correct_counts.n - correct_counts.c, profile_classes.a,
            correct_counts.k - correct_counts.t
        ) as x_high,
        floor(
            (correct_counts.k - correct_counts.t + 1) * (profile_classes.a + 1)
            / (correct_counts.n - correct_counts.c + 2)
        ) as mode
    from correct_counts
    inner join profile_classes
        on profile_classes.profile_id = correct_counts.profile_id
        and profile_classes.a >= correct_counts.t
    where correct_counts.t >= 1 and correct_counts.p_t >= 1e-18 and not correct_counts.lost
),

-- a window that lies below t (above t) settles it with no probability computed; else P(x = t)
classified as (
    select
        reaching_classes.*,
        reaching_classes.x_high < reaching_classes.t
            or coalesce(
                reaching_classes.t > reaching_classes.mode
                and (least(reaching_classes.a, reaching_classes.k - reaching_classes.t)
                    - reaching_classes.t + 1) * tie_chances.p_tie < 1e-16,
                false
            ) as pooled,
        reaching_classes.x_low > reaching_classes.t
            or coalesce(
                reaching_classes.t < reaching_classes.mode
                and (reaching_classes.t + 1) * tie_chances.p_tie < 1e-16,
                false
            ) as beats
    from reaching_classes
    cross join lateral (
        select case
            when reaching_classes.x_low <= reaching_classes.t
                and reaching_classes.t <= reaching_classes.x_high
                then hypergeometric_pmf(
                    reaching_classes.n_others, reaching_classes.a,
                    reaching_classes.k - reaching_classes.t, reaching_classes.t
                )
        end as p_tie
    ) as tie_chances
),

-- per t that weighs: lost (a class beats the correct one), or the classes that compete
t_outcomes as (
    select
        correct_counts.profile_id,
        correct_counts.k,
        correct_counts.t,
        correct_counts.n,
        correct_counts.c,
        coalesce(bool_or(classified.beats), false) as beaten,
        count(classified.class_no) filter (where not classified.pooled) as competitors,
        coalesce(sum(classified.a) filter (where not classified.pooled), 0) as competing_samples
    from correct_counts
    left join classified
        on classified.profile_id = correct_counts.profile_id
        and classified.k = correct_counts.k
        and classified.t = correct_counts.t
    where correct_counts.t >= 1 and correct_counts.p_t >= 1e-18 and not correct_counts.lost
    group by
        correct_counts.profile_id,
        correct_counts.k,
        correct_counts.t,
        correct_counts.n,
        correct_counts.c
),

-- the steps of the dynamic program: one per competing class, except at t = 1, where the
-- classes of one size (and window) are one step of mu classes
program_steps as (
    select
        classified.profile_id,
        classified.k,
        classified.t,
        classified.a,
        classified.x_low,
        count(*)::bigint as mu,
        row_number() over (
            partition by classified.profile_id, classified.k, classified.t
            order by classified.a, min(classified.class_no)
        ) as step
    from classified
    inner join t_outcomes
        on t_outcomes.profile_id = classified.profile_id
        and t_outcomes.k = classified.k
        and t_outcomes.t = classified.t
        and not t_outcomes.beaten
    where not classified.pooled
    group by
        classified.profile_id,
        classified.k,
        classified.t,
        classified.a,
        classified.x_low,
        -- at t > 1 every class is its own step
        case when classified.t = 1 then 0 else classified.class_no end
),

-- what each step adds: x votes (and a tie when x = t) with weight Bin(a, p; x), p = (k - t) /
-- (n - c); at t = 1 a step of mu classes adds y votes and y ties with weight
-- C(mu, y) Bin(a, p; 0)^(mu - y) Bin(a, p; 1)^y (x_low = 1: every one of them votes, y = mu).
-- Values of weight under 1e-18 are left out.
step_values as (
    select
        program_steps.profile_id,
        program_steps.k,
        program_steps.t,
        program_steps.step,
        added.x,
        case
            when program_steps.t = 1 then added.x
            else (added.x = program_steps.t)::bigint
        end as ties,
        case
            when program_steps.mu = 1 then binomial_pmf(program_steps.a, added.p, added.x)
            when program_steps.x_low >= 1 then pow(
                binomial_pmf(program_steps.a, added.p, 1), program_steps.mu
            )
            else exp(
                log_choose(program_steps.mu, added.x)
                + (program_steps.mu - added.x) * ln(binomial_pmf(program_steps.a, added.p, 0))
                + added.x * ln(binomial_pmf(program_steps.a, added.p, 1))
            )
        end as weight
    from program_steps
    inner join t_outcomes
        on t_outcomes.profile_id = program_steps.profile_id
        and t_outcomes.k = program_steps.k
        and t_outcomes.t = program_steps.t
    cross join lateral (
        -- x_low .. t for one class; mu x_low .. mu for mu classes at t = 1
        select
            unnest(range(
                program_steps.mu * program_steps.x_low, program_steps.mu * program_steps.t + 1
            )) as x,
            (program_steps.k - program_steps.t)::double / (t_outcomes.n - t_outcomes.c) as p
    ) as added
    where added.x <= program_steps.k - program_steps.t
),

kept_values as (
    select * from step_values where step_values.weight >= 1e-18
),

last_steps as (
    select
        program_steps.profile_id,
        program_steps.k,
        program_steps.t,
        max(program_steps.step) as steps
    from program_steps
    group by program_steps.profile_id, program_steps.k, program_steps.t
),

-- the dynamic program, where two or more classes compete at t: after each step, the weight of
-- every (votes s, ties m); s never passes k - t (the other draws), and a state of weight
-- under 1e-20 is dropped. It starts from the first step's values.
votes as (
    select
        kept_values.profile_id,
        kept_values.k,
        kept_values.t,
        kept_values.step,
        kept_values.x as s,
        kept_values.ties as m,
        kept_values.weight
    from kept_values
    inner join last_steps
        on last_steps.profile_id = kept_values.profile_id
        and last_steps.k = kept_values.k
        and last_steps.t = kept_values.t
        and last_steps.steps >= 2
    where kept_values.step = 1
    union all
    select
        votes.profile_id,
        votes.k,
        votes.t,
        votes.step + 1 as step,
        votes.s + kept_values.x as s,
        votes.m + kept_values.ties as m,
        sum(votes.weight * kept_values.weight) as weight
    from votes
    inner join kept_values
        on kept_values.profile_id = votes.profile_id
        and kept_values.k = votes.k
        and kept_values.t = votes.t
        and kept_values.step = votes.step + 1
    where votes.s + kept_values.x <= votes.k - votes.t
    group by
        votes.profile_id,
        votes.k,
        votes.t,
        votes.step + 1,
        votes.s + kept_values.x,
        votes.m + kept_values.ties
    having sum(votes.weight * kept_values.weight) >= 1e-20
),

-- the (s, m) weights after the last step: one competing class needs no program
final_states as (
    select
        kept_values.profile_id,
        kept_values.k,
        kept_values.t,
        kept_values.x as s,
        kept_values.ties as m,
        kept_values.weight
    from kept_values
    inner join last_steps
        on last_steps.profile_id = kept_values.profile_id
        and last_steps.k = kept_values.k
        and last_steps.t = kept_values.t
        and last_steps.steps = 1
    union all
    select
        votes.profile_id,
        votes.k,
        votes.t,
        votes.s,
        votes.m,
        votes.weight
    from votes
    inner join last_steps
        on last_steps.profile_id = votes.profile_id
        and last_steps.k = votes.k
        and last_steps.t = votes.t
        and last_steps.steps = votes.step
    where last_steps.steps >= 2
),

-- Q_t: the last step's states, the pool drawing the rest, each tie shared
t_wins as (
    select
        t_outcomes.profile_id,
        t_outcomes.k,
        t_outcomes.t,
        case
            when t_outcomes.beaten then 0.0
            when t_outcomes.competitors = 0 then 1.0
            else coalesce(sum(
                final_states.weight
                * binomial_pmf(
                    t_outcomes.n - t_outcomes.c - t_outcomes.competing_samples,
                    (t_outcomes.k - t_outcomes.t)::double / (t_outcomes.n - t_outcomes.c),
                    t_outcomes.k - t_outcomes.t - final_states.s
                )
                / (1 + final_states.m)
            ), 0.0) / binomial_pmf(
                t_outcomes.n - t_outcomes.c,
                (t_outcomes.k - t_outcomes.t)::double / (t_outcomes.n - t_outcomes.c),
                t_outcomes.k - t_outcomes.t
            )
        end as q_t
    from t_outcomes
    left join final_states
        on final_states.profile_id = t_outcomes.profile_id
        and final_states.k = t_outcomes.k
        and final_states.t = t_outcomes.t
    group by
        t_outcomes.profile_id,
        t_outcomes.k,
        t_outcomes.t,
        t_outcomes.n,
        t_outcomes.c,
        t_outcomes.beaten,
        t_outcomes.competitors,
        t_outcomes.competing_samples
),

-- One other class of a samples (b abstaining, N = a + b = n - c): Q_t = F(t - 1) + f(t) / 2,
-- F and f the CDF and pmf of X_K ~ Hypergeometric(N, a, K) at K = k - t draws. Drawing one
-- more sample adds a vote to the class with chance (a - x) / (N - K) when X_K = x, so
--     F_{K-1}(x) = F_K(x) + f_{K-1}(x) (a - x) / (N - K + 1),
-- and A_t = F_{k-t}(t - 1) follows from t to t + 1 by closed-form terms:
--     A_{t+1} = A_t + f_{k-t}(t) + f_{k-t-1}(t) (a - t) / (N - k + t + 1).
-- It starts at t0 = max(0, k - N), exactly: A_0 = F_k(-1) = 0, and at t0 = k - N > 0 every
-- other sample is drawn (X = a), so A_{t0} = 1 if a < t0 else 0. So Q_t costs one row per t
-- instead of a program over x, and the sums over t run from t0 to T with nothing left out.
one_class_counts as (
    select
        profile_bounds.profile_id,
        profile_bounds.k,
        counts.t,
        hypergeometric_pmf(profile_bounds.n, profile_bounds.c, profile_bounds.k, counts.t) as p_t,
        hypergeometric_pmf(
            profile_bounds.n - profile_bounds.c, profiles.others[1], profile_bounds.k - counts.t,
            counts.t
        ) as tie,
        hypergeometric_pmf(
            profile_bounds.n - profile_bounds.c, profiles.others[1], profile_bounds.k - counts.t,
            counts.t
        ) + hypergeometric_pmf(
            profile_bounds.n - profile_bounds.c, profiles.others[1],
            profile_bounds.k - counts.t - 1, counts.t
        ) * (profiles.others[1] - counts.t)
            / (profile_bounds.n - profile_bounds.c - profile_bounds.k + counts.t + 1) as step_up,
        (profiles.others[1] < counts.t0)::double as a_start
    from profile_bounds
    inner join profiles on profiles.profile_id = profile_bounds.profile_id
    cross join lateral (
        select
            unnest(range(
                greatest(0, profile_bounds.k - (profile_bounds.n - profile_bounds.c)),
                profile_bounds.t_max + 1
            )) as t,
            greatest(0, profile_bounds.k - (profile_bounds.n - profile_bounds.c)) as t0
    ) as counts
    where profile_bounds.one_class
        and not (profile_bounds.lost and profile_bounds.t_max >= profile_bounds.t_high)
),

one_class_q as (
    select
        one_class_counts.*,
        one_class_counts.a_start + coalesce(
            sum(one_class_counts.step_up) over (
                partition by one_class_counts.profile_id, one_class_counts.k
                order by one_class_counts.t
                rows between unbounded preceding and 1 preceding
            ),
            0.0
        ) + one_class_counts.tie / 2 as q_t
    from one_class_counts
),

-- maj@k = 1 - sum_{t <= T} P(t) + sum_{1 <= t <= T} P(t) Q_t; a t that weighs under 1e-18
-- counts as won (Q_t = 1), t = 0 never wins
general_maj as (
    select
        correct_counts.profile_id,
        correct_counts.k,
        1.0 - sum(correct_counts.p_t) + sum(
            correct_counts.p_t * case
                when correct_counts.t = 0 or correct_counts.lost then 0.0
                when correct_counts.p_t < 1e-18 then 1.0
                else t_wins.q_t
            end
        ) as maj_at_k
    from correct_counts
    left join t_wins
        on t_wins.profile_id = correct_counts.profile_id
        and t_wins.k = correct_counts.k
        and t_wins.t = correct_counts.t
    group by correct_counts.profile_id, correct_counts.k
),

profile_maj as (
    select * from general_maj
    union all
    select
        one_class_q.profile_id,
        one_class_q.k,
        1.0 - sum(one_class_q.p_t)
            + sum(case when one_class_q.t >= 1 then one_class_q.p_t * one_class_q.q_t else 0.0 end)
            as maj_at_k
    from one_class_q
    group by one_class_q.profile_id, one_class_q.k
),

final as (
    select
        problem_k.model,
        problem_k.benchmark,
        problem_k.k,
        -- a profile without a correct class never wins, nor one lost over its whole window;
        -- one whose window holds no t <= T always wins
        avg(
            case
                when profiles.c = 0 then 0.0
                when profile_bounds.lost and profile_bounds.t_max >= profile_bounds.t_high then 0.0
                else coalesce(profile_maj.maj_at_k, 1.0)
            end
        ) as maj_at_k
    from problem_k
    inner join profiles on profiles.profile_id = problem_k.profile_id
    left join profile_bounds
        on profile_bounds.profile_id = problem_k.profile_id
        and profile_bounds.k = problem_k.k
    left join profile_maj
        on profile_maj.profile_id = problem_k.profile_id
        and profile_maj.k = problem_k.k
    group by problem_k.model, problem_k.benchmark, problem_k.k
    order by problem_k.model, problem_k.benchmark, problem_k.k
)

select * from final
