"""``ray job submit`` entry point: perplexity cross-scoring of the lake's responses.

    ray job submit --working-dir . --runtime-env infra/runtime_env.yaml \\
        -- python jobs/score.py --spec examples/cluster.yaml [--lake s3://...]

Runs the spec's ``score`` section (scorer models x whose responses) like ``boundary score``.
Exit status 2 with a one-line message on a bad spec or a cluster that does not answer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from _entry import run_job


def _score_spec_file() -> Callable[..., Any]:
    from boundary_ray.scoring import score_spec_file

    return score_spec_file


def main(argv: list[str] | None = None) -> int:
    """Score the lake's responses as the ``--spec`` file's ``score`` section says."""
    return run_job(
        "jobs/score.py",
        "Perplexity of the lake's responses under the spec's scorer models, on the current Ray cluster.",
        _score_spec_file,
        argv,
    )


if __name__ == "__main__":
    sys.exit(main())
