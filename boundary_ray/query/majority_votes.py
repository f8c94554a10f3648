"""maj@k per problem kept beside the answer classes, so that ``queries/maj_at_k.sql`` need not
run the vote's program again at every query.

The vote's exact expectation (views.sql, ``problem_maj_at_k``) is a dynamic program per
profile of answer classes: about 16 ms a problem when several answers compete closely, 5 s for
the 100,000 problems of a 100 M-sample lake. The refresh that builds a partition's answer
classes (``answer_classes.refresh_answer_classes``) runs the same macro over them, a thousand
problems at a time (a partition's program states at once took 14 GiB on the spread 100 M-sample
lake of ``perf/query_speed.py``), at each k of the partition's grid (k_grid: powers of two and
the smallest n), and writes the values with each problem's n as the ``majority_votes`` table: one file per samples partition, named by the same fingerprint
(``lake/caches.py``). A query takes a value from it only where the partition's answer classes
are fresh too (the values were computed from them) and computes every other (problem, k): an
extra k (``--param ks=``), a partition without a fresh file.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from boundary_ray import schema
from boundary_ray.lake.caches import (
    cache_name,
    fingerprint,
    fresh_caches_by_partition,
    refresh_cache,
)
from boundary_ray.lake.reader import arrow_dataset, list_files
from boundary_ray.query.views import create_views_over

PROBLEMS_PER_PROGRAM = 1000


def majority_votes_by_partition(lake: str) -> dict[tuple[str, ...], str]:
    """The fresh majority-vote file of each samples partition that has one, under its
    partition's (model, benchmark). A query uses one only beside fresh answer classes."""
    return fresh_caches_by_partition(lake, "majority_votes")[0]


def majority_vote_files(lake: str) -> list[str]:
    """The fresh majority-vote file of each samples partition whose answer classes are fresh."""
    classes, _ = fresh_caches_by_partition(lake, "answer_classes")
    return [path for key, path in majority_votes_by_partition(lake).items() if key in classes]


def refresh_majority_votes(lake: str, models: list[str] | None = None) -> dict[str, int]:
    """Compute maj@k per problem for every partition (only ``models``' when given) whose answer
    classes are fresh and whose majority votes are not; remove stale files. Returns counts:
    partitions rebuilt, kept, removed."""
    return refresh_cache(lake, "majority_votes", lambda part: _compute(lake, part), models)


def _compute(lake: str, part: dict[str, str]) -> pa.Table | None:
    """``problem_maj_at_k`` over the partition's fresh answer classes (None: they are stale),
    ``PROBLEMS_PER_PROGRAM`` problems at a time (the program's states of a whole partition of
    close contests would take gigabytes)."""
    import duckdb

    stamp = fingerprint(lake, part["model"], part["benchmark"])
    wanted = f"/{cache_name('answer_classes', stamp)}.parquet"
    paths = [p for p in list_files(lake, "answer_classes", part) if p.endswith(wanted)]
    if not paths:
        return None
    classes = arrow_dataset(lake, "answer_classes", paths).to_table()
    problems = pc.unique(classes["problem_id"])
    con = duckdb.connect()
    try:
        create_views_over(con, lake, {})
        con.register("chunk", classes.slice(0, 0))
        columns = ", ".join(schema.ANSWER_CLASSES.names)
        con.execute(f"create or replace view problem_answer_classes as select {columns} from chunk")
        # the cell's grid ends at its smallest n, whichever chunk holds it
        con.register("classes", classes)
        smallest = con.sql(
            "select min(n) from (select sum(samples) as n from classes group by problem_id)"
        ).fetchall()[0][0]
        votes = []
        for first in range(0, len(problems), PROBLEMS_PER_PROGRAM):
            some = problems[first : first + PROBLEMS_PER_PROGRAM]
            con.register("chunk", classes.filter(pc.is_in(classes["problem_id"], some)))
            votes.append(
                con.sql(
                    "select * from problem_maj_at_k(null, null, [$smallest::bigint]) where k in"
                    " (select k from k_grid($smallest, null)) order by problem_id, k",
                    params={"smallest": smallest},
                ).to_arrow_table()
            )
    finally:
        con.close()
    table = pa.concat_tables(votes) if votes else schema.MAJORITY_VOTES.empty_table()
    return table.select(schema.MAJORITY_VOTES.names).cast(schema.MAJORITY_VOTES)
