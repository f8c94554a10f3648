"""maj@k per problem kept beside the answer classes, so that ``queries/maj_at_k.sql`` need not
run the vote's program again at every query.

The vote's exact expectation (views.sql, ``problem_maj_at_k``) is a dynamic program per
profile of answer classes: about 16 ms a problem when several answers compete closely, 5 s for
the 100,000 problems of a 100 M-sample lake. The refresh that builds a partition's answer
classes (``answer_classes.refresh_answer_classes``) runs the same macro once over them, at each
k of the partition's grid (k_grid: powers of two and the smallest n), and writes the values as
the ``majority_votes`` table: one file per samples partition, named by the same fingerprint
(``lake/caches.py``). A query takes a value from it only where the partition's answer classes
are fresh too (the values were computed from them) and computes every other (problem, k): an
extra k (``--param ks=``), a partition without a fresh file.
"""

from __future__ import annotations

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.lake.caches import (
    cache_name,
    fingerprint,
    fresh_caches_by_partition,
    refresh_cache,
)
from boundary_ray.lake.reader import list_files
from boundary_ray.query.views import create_views_over


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
    """``problem_maj_at_k`` over the partition's fresh answer classes (None: they are stale)."""
    import duckdb

    stamp = fingerprint(lake, part["model"], part["benchmark"])
    wanted = f"/{cache_name('answer_classes', stamp)}.parquet"
    paths = [p for p in list_files(lake, "answer_classes", part) if p.endswith(wanted)]
    if not paths:
        return None
    con = duckdb.connect()
    try:
        create_views_over(con, lake, {"answer_classes": paths})
        columns = ", ".join(schema.ANSWER_CLASSES.names)
        con.execute(
            f"create or replace view problem_answer_classes as select {columns} from answer_classes"
        )
        votes = con.sql(
            "select * from problem_maj_at_k(null, null, null) order by problem_id, k"
        ).to_arrow_table()
    finally:
        con.close()
    return votes.select(schema.MAJORITY_VOTES.names).cast(schema.MAJORITY_VOTES)
