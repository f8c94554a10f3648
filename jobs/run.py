"""``ray job submit`` entry point: sample, verify and write one spec's samples to the lake.

    ray job submit --working-dir . --runtime-env infra/runtime_env.yaml \\
        -- python jobs/run.py --spec examples/cluster.yaml [--lake s3://...] [--set sampling.n=64]

Resumable like ``boundary run``: submitting the same spec again fills only what is missing.
Exit status 2 with a one-line message on a bad spec or a cluster that does not answer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from _entry import run_job


def _run_spec_file() -> Callable[..., Any]:
    from boundary_ray.answer_classes import refresh_answer_classes
    from boundary_ray.outcomes import refresh_outcomes
    from boundary_ray.pipeline import run_spec_file

    def run_and_refresh(*args: Any, **kwargs: Any) -> Any:
        result = run_spec_file(*args, **kwargs)
        refresh_outcomes(result["lake"])  # aggregate queries then read per-problem counts
        refresh_answer_classes(result["lake"])  # maj@k's classes, by the verifier's equivalence
        return result

    return run_and_refresh


def main(argv: list[str] | None = None) -> int:
    """Run the spec given by ``--spec`` on the cluster this job was submitted to."""
    return run_job(
        "jobs/run.py",
        "Sample, verify and write a spec's samples to the lake, on the current Ray cluster.",
        _run_spec_file,
        argv,
    )


if __name__ == "__main__":
    sys.exit(main())
