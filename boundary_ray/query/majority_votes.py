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
from boundary_ray.lake.caches import cache_name, fresh_caches_by_partition, refresh_cache
from boundary_ray.lake.reader import arrow_dataset
from boundary_ray.query.views import create_views_over

PROBLEMS_PER_PROGRAM = 1000


def majority_votes_beside(
    lake: str, classes: dict[tuple[str, ...], str]
) -> dict[tuple[str, ...], str]:
    """The fresh majority-vote file of each partition of ``classes`` (the fresh answer-class
    files by (model, benchmark)): stored votes count only beside the classes they came from."""
    votes, _ = fresh_caches_by_partition(lake, "majority_votes")
    return {key: path for key, path in votes.items() if key in classes}


def majority_vote_files(lake: str) -> list[str]:
    """The fresh majority-vote file of each samples partition whose answer classes are fresh."""
    classes, _ = fresh_caches_by_partition(lake, "answer_classes")
    return list(majority_votes_beside(lake, classes).values())


def refresh_majority_votes(lake: str, models: list[str] | None = None) -> dict[str, int]:
    """Compute maj@k per problem for every partition (only ``models``' when given) whose answer
    classes are fresh and whose majority votes are not; remove stale files. Returns counts:
    partitions rebuilt, kept, removed."""
    classes, _ = fresh_caches_by_partition(lake, "answer_classes")

    def build(part: dict[str, str], stamp: str) -> pa.Table | None:
        path = classes.get((part["model"], part["benchmark"]))
        # the classes of these very sample files (a run may have added some since the listing)
        if path is None or not path.endswith(f"/{cache_name('answer_classes', stamp)}.parquet"):
            return None
        return _compute(lake, path)

    return refresh_cache(lake, "majority_votes", build, models)


def _compute(lake: str, classes_file: str) -> pa.Table:
    """``problem_maj_at_k`` over one partition's fresh answer-class file,
    ``PROBLEMS_PER_PROGRAM`` problems at a time (the program's states of a whole partition of
    close contests would take gigabytes)."""
    import duckdb

    classes = arrow_dataset(lake, "answer_classes", [classes_file]).to_table()
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
