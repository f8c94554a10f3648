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
-- The exact sum, its bounds and its speed: problem_maj_at_k in views.sql. The refresh that
-- ends a run (and `boundary lake answer-classes`) stores each problem's maj@k at its cell's
-- k grid in the majority_votes table; the query reads it where it is fresh and computes the
-- rest (extra ks, partitions without a fresh cache).
--
-- Parameters:
--   ks         extra k values, a list of integers, e.g. [3, 10, 100]   (default: none)
--   model      only this model                                          (default: all)
--   benchmark  only this benchmark                                      (default: all)
--
-- Checked against every k-subset of small lakes (ties, abstentions, empty draws) and an
-- exact rational program for n up to 60: tests/queries/test_maj_at_k.py.

select
    problem_majority.model,
    problem_majority.benchmark,
    problem_majority.k,
    avg(problem_majority.maj_at_k) as maj_at_k
from problem_maj_at_k(getvariable('model'), getvariable('benchmark'), getvariable('ks'))
    as problem_majority
group by problem_majority.model, problem_majority.benchmark, problem_majority.k
order by problem_majority.model, problem_majority.benchmark, problem_majority.k
